//! A poll as someone typed it — a client's JSON or a console form, field by
//! field as text — read into a new poll, every broken rule named by the
//! field's path (`options[1].start`). Both faces read through here, so a
//! rule (a wall time that does not exist, an end before its start, a
//! deadline already passed) is written once.

use chrono::{DateTime, Utc};

use super::Violations;
use super::hybrid::{self, Modes, OptionSetup};
use super::limits::MAX_OPTIONS_PER_POLL;
use super::poll::{self as dp, NewPoll, Settings};
use super::reminders::{Reminder, parse_reminders};
use super::time::{self, Slot, Zone};

/// Whether an option is a range of whole days or a timed slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftKind {
    AllDay,
    Timed,
}

/// One option as typed.
#[derive(Debug, Clone, Copy)]
pub struct OptionDraft<'a> {
    pub kind: DraftKind,
    pub start_date: Option<&'a str>,
    pub end_date: Option<&'a str>,
    pub start: Option<&'a str>,
    pub end: Option<&'a str>,
    pub per_day: Option<bool>,
    pub capacity: Option<i64>,
}

impl OptionDraft<'_> {
    /// The slot and setup this option denotes in `zone` (what is left out
    /// taken from `keep`), or the errors under `path`.
    pub fn parse_with_setup(
        &self,
        zone: Zone,
        path: &str,
        keep: OptionSetup,
        v: &mut Violations,
    ) -> Option<(Slot, OptionSetup)> {
        let at = |f: &str| field(path, f);
        let slot = self.parse(zone, path, v);
        let capacity = match self.capacity {
            Some(c) => v.check(at("capacity"), hybrid::parse_capacity(c)).map(Some),
            None => Some(keep.capacity),
        };
        let setup = OptionSetup {
            per_day: self.per_day.unwrap_or(keep.per_day),
            capacity: capacity?,
        };
        let slot = slot?;
        setup.check(&slot, at, v);
        Some((slot, setup))
    }

    /// The slot this option denotes in `zone`, or the errors under `path`.
    pub fn parse(&self, zone: Zone, path: &str, v: &mut Violations) -> Option<Slot> {
        let at = |f: &str| field(path, f);
        match self.kind {
            DraftKind::AllDay => {
                for (f, given) in [("start", self.start.is_some()), ("end", self.end.is_some())] {
                    if given {
                        v.push(
                            at(f),
                            "all-day options take start_date and end_date, not start and end",
                        );
                    }
                }
                let Some(start) = self.start_date else {
                    v.push(at("start_date"), "all-day options need a start_date");
                    return None;
                };
                let start = v.check(at("start_date"), time::parse_date(start))?;
                let end = match self.end_date {
                    Some(e) => v.check(at("end_date"), time::parse_date(e))?,
                    None => start,
                };
                Slot::all_day(start, end)
                    .map_err(|(f, m)| v.push(at(f), m))
                    .ok()
            }
            DraftKind::Timed => {
                for (f, given) in [
                    ("start_date", self.start_date.is_some()),
                    ("end_date", self.end_date.is_some()),
                ] {
                    if given {
                        v.push(
                            at(f),
                            "timed options take start and end, not start_date and end_date",
                        );
                    }
                }
                let mut resolve = |f: &str, value: Option<&str>| match value {
                    None => {
                        v.push(at(f), format!("timed options need {f}"));
                        None
                    }
                    Some(w) => v.check(
                        at(f),
                        time::WallTime::parse(w).and_then(|w| w.resolve(zone)),
                    ),
                };
                let (start, end) = (resolve("start", self.start), resolve("end", self.end));
                Slot::timed(start?, end?)
                    .map_err(|(f, m)| v.push(at(f), m))
                    .ok()
            }
        }
    }
}

fn field(path: &str, f: &str) -> String {
    if path.is_empty() {
        f.to_string()
    } else {
        format!("{path}.{f}")
    }
}

/// A new poll as typed. Settings left out (None) take their defaults.
#[derive(Debug, Clone, Default)]
pub struct PollDraft<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub location: &'a str,
    pub time_zone: &'a str,
    pub deadline: Option<&'a str>,
    pub settings: Settings,
    pub quorum: Option<i64>,
    pub reminders: Vec<String>,
    pub options: Vec<OptionDraft<'a>>,
    /// `in_person`, `online`.
    pub attendance_modes: Vec<String>,
}

impl PollDraft<'_> {
    /// The new poll, or every broken rule by field.
    pub fn parse(&self, now: DateTime<Utc>) -> Result<NewPoll, Vec<super::FieldError>> {
        let mut v = Violations::default();
        let title = v.check("title", dp::parse_title(self.title));
        let description = v.check("description", dp::parse_description(self.description));
        let location = v.check("location", dp::parse_location(self.location));
        let zone = v.check("time_zone", Zone::parse(self.time_zone));
        let deadline = match self.deadline {
            Some(d) => v.check("deadline", parse_deadline(d, now)).map(Some),
            None => Some(None),
        };
        let quorum = match self.quorum {
            Some(q) => v.check("quorum", dp::parse_quorum(q)).map(Some),
            None => Some(None),
        };
        let reminders = reminders(&self.reminders, &mut v);
        if self.options.is_empty() {
            v.push("options", "a poll needs at least one option");
        } else if self.options.len() > MAX_OPTIONS_PER_POLL {
            v.push(
                "options",
                format!("a poll may have at most {MAX_OPTIONS_PER_POLL} options"),
            );
        }
        let mut slots: Vec<(usize, (Slot, OptionSetup))> = Vec::with_capacity(self.options.len());
        if let Some(zone) = zone {
            for (i, o) in self.options.iter().enumerate() {
                let path = format!("options[{i}]");
                if let Some((slot, setup)) =
                    o.parse_with_setup(zone, &path, OptionSetup::default(), &mut v)
                {
                    if let Some((first, _)) = slots.iter().find(|(_, (s, _))| *s == slot) {
                        v.push(path, format!("the same slot as options[{first}]"));
                    }
                    slots.push((i, (slot, setup)));
                }
            }
        }
        let attendance = modes(&self.attendance_modes, &mut v);
        v.into_result()?;
        Ok(NewPoll {
            title: title.expect("checked"),
            description: description.expect("checked"),
            location: location.expect("checked"),
            zone: zone.expect("checked"),
            deadline: deadline.expect("checked"),
            settings: Settings {
                quorum: quorum.expect("checked"),
                attendance: attendance.unwrap_or_default(),
                ..self.settings
            },
            options: slots.into_iter().map(|(_, s)| s).collect(),
            reminders: reminders.expect("checked"),
        })
    }
}

/// Attendance modes as typed, each error naming its item.
pub fn modes(texts: &[String], v: &mut Violations) -> Option<Modes> {
    match Modes::parse(texts, "attendance_modes") {
        Ok(m) => Some(m),
        Err(errors) => {
            for e in errors {
                v.push(e.field, e.message);
            }
            None
        }
    }
}

/// A poll's reminders as typed, each error naming its item (`reminders[1]`).
pub fn reminders(texts: &[String], v: &mut Violations) -> Option<Vec<Reminder>> {
    match parse_reminders(texts) {
        Ok(r) => Some(r),
        Err(errors) => {
            for (field, message) in errors {
                v.push(field, message);
            }
            None
        }
    }
}

/// A deadline must lie ahead: one in the past would close the poll at once,
/// which `closePoll` says more plainly.
pub fn parse_deadline(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let d = parse_instant(s)?;
    if d <= now {
        return Err(format!(
            "{s} has already passed: to stop voting now, close the poll"
        ));
    }
    Ok(d)
}

/// An RFC 3339 instant within the years every zone can show.
pub fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| format!("\"{s}\" is not an RFC 3339 instant such as 2026-06-30T12:00:00Z"))
        .and_then(time::check_instant)
}
