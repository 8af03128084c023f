//! Busy time from a member's calendar (DESIGN.md, "Free/busy from members'
//! calendars"): parse an iCalendar file, expand every event within a
//! window, and return the merged busy intervals in UTC. Nothing else leaves
//! this module: no title, place, attendee or UID.
//!
//! What an event means is defined as what Python's `recurring-ical-events`
//! (with `icalendar` and `x-wr-timezone`) computes from the same file, and a
//! corpus test (tests/freebusy) compares the two. So a series is read as it
//! reads one: the highest SEQUENCE wins; RRULEs, RDATEs and DTSTART give the
//! instances; an EXDATE removes an instance by its UTC or wall time (a DATE
//! EXDATE, any instance that day); a RECURRENCE-ID replaces (or, when
//! cancelled, frees) one instance, and with RANGE=THISANDFUTURE moves and
//! resizes every later one by as much. TRANSP:TRANSPARENT and
//! STATUS:CANCELLED are free; VFREEBUSY periods are busy unless FBTYPE=FREE.
//! All-day and floating times are read in the member's zone.

pub mod ics;
pub mod options;
pub mod rrule;
pub mod spec;
pub mod value;
pub mod windows;
pub mod zones;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use chrono_tz::Tz;

use ics::{Component, ParseError};
use rrule::{Rule, Spec, Until};
use value::{PeriodEnd, Reader, When, comparable, diff, greater};
use zones::{Zone, Zones};

/// A busy interval, UTC, start < end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Busy {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// What reading a calendar gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusyTime {
    /// Merged, sorted, within the window.
    pub intervals: Vec<Busy>,
    /// Events that could not be read (a bad RRULE, no DTSTART), left out.
    pub skipped: usize,
}

/// One VEVENT as the expansion needs it.
#[derive(Debug, Clone)]
struct Event {
    uid: Option<String>,
    /// The span (start ≤ end), as `make_comparable` leaves it.
    start: When,
    end: When,
    recurrence_id: Option<When>,
    this_and_future: bool,
    sequence: i64,
    rrules: Vec<String>,
    rdates: Vec<(When, Option<PeriodEnd>)>,
    exdates: Vec<When>,
    busy: bool,
}

impl Event {
    fn read(c: &Component, r: &Reader) -> Option<Event> {
        let dtstart = c.prop("DTSTART")?;
        let raw_start = r.when(dtstart, &dtstart.value)?;
        let raw_end = if let Some(p) = c.prop("DTEND") {
            r.when(p, &p.value)?
        } else if let Some(p) = c.prop("DURATION") {
            let d = value::duration(&p.value)?;
            let start = if d.num_seconds().rem_euclid(86_400) != 0 && raw_start.is_date() {
                raw_start.to_datetime(None)
            } else {
                raw_start.clone()
            };
            start.add(d)
        } else if raw_start.is_date() {
            raw_start.add(Duration::days(1))
        } else {
            raw_start.clone()
        };
        let span = comparable(&[raw_start, raw_end]);
        let (start, end) = if greater(&span[0], &span[1]) {
            (span[1].clone(), span[0].clone())
        } else {
            (span[0].clone(), span[1].clone())
        };
        let rid = c.prop("RECURRENCE-ID");
        let flag = |name: &str, v: &str| {
            c.prop(name)
                .is_some_and(|p| p.value.trim().eq_ignore_ascii_case(v))
        };
        Some(Event {
            uid: c.prop("UID").map(|p| p.value.clone()),
            start,
            end,
            recurrence_id: rid.and_then(|p| r.when(p, &p.value)),
            this_and_future: rid
                .and_then(|p| p.param("RANGE"))
                .is_some_and(|v| v == "THISANDFUTURE"),
            sequence: c
                .prop("SEQUENCE")
                .and_then(|p| p.value.trim().parse().ok())
                .unwrap_or(-1),
            rrules: c.all("RRULE").map(|p| p.value.clone()).collect(),
            rdates: c.all("RDATE").flat_map(|p| r.list(p)).collect(),
            exdates: c
                .all("EXDATE")
                .flat_map(|p| r.list(p))
                .map(|(w, _)| w)
                .collect(),
            busy: !flag("TRANSP", "TRANSPARENT") && !flag("STATUS", "CANCELLED"),
        })
    }

    fn duration(&self) -> Duration {
        diff(&self.end, &self.start)
    }

    /// How far a THISANDFUTURE change moves the instances after it.
    fn moves_by(&self) -> Duration {
        match (&self.recurrence_id, self.this_and_future) {
            (Some(rid), true) => {
                let v = comparable(&[self.start.clone(), rid.clone()]);
                diff(&v[0], &v[1])
            }
            _ => Duration::zero(),
        }
    }
}

/// An instance's interval, and whether it is busy.
type Instance = (When, When, bool);

/// UNTIL as the expansion compares it.
enum Bound {
    Utc(NaiveDateTime),
    Wall(NaiveDateTime),
}

impl Bound {
    /// recurring-ical-events' UNTIL repair: with a zoned DTSTART, UNTIL is
    /// UTC (a date means midnight UTC); otherwise it is a wall time.
    fn of(u: Until, zoned: bool) -> Bound {
        let t = match u {
            Until::Date(d) => d.and_hms_opt(0, 0, 0).expect("midnight"),
            Until::Floating(t) | Until::Utc(t) => t,
        };
        if zoned { Bound::Utc(t) } else { Bound::Wall(t) }
    }

    fn passed_by(&self, w: &When) -> bool {
        match (self, w) {
            (Bound::Utc(u), When::Zoned(t, z)) => z.to_utc(*t) > *u,
            (Bound::Utc(u), w) | (Bound::Wall(u), w) => w.wall() > *u,
        }
    }
}

/// The instances of one UID's components that may touch [lo, hi] (wall
/// times, with margin), as recurring-ical-events' `Series.between` yields
/// them.
fn expand_series(
    events: &[Event],
    lo: NaiveDateTime,
    hi: NaiveDateTime,
    skipped: &mut usize,
) -> Vec<Instance> {
    let mut out = vec![];
    // The winning modification per key, by SEQUENCE (the first on a tie).
    let mut mods: HashMap<NaiveDateTime, usize> = HashMap::new();
    let mut tf_ids: Vec<NaiveDateTime> = vec![];
    let mut core: Option<usize> = None;
    for (i, e) in events.iter().enumerate() {
        match &e.recurrence_id {
            Some(rid) => {
                let keys = rid.keys();
                for k in &keys {
                    match mods.get(k) {
                        Some(&j) if events[j].sequence >= e.sequence => {}
                        _ => {
                            mods.insert(*k, i);
                        }
                    }
                }
                if e.this_and_future {
                    tf_ids.push(keys[0]);
                }
            }
            None => {
                if core.is_none_or(|c| events[c].sequence < e.sequence) {
                    core = Some(i);
                }
            }
        }
    }
    tf_ids.sort_unstable();
    let winners: HashSet<usize> = mods.values().copied().collect();
    let mut matched: HashSet<usize> = HashSet::new();
    let mut exkeys: HashSet<NaiveDateTime> = HashSet::new();

    if let Some(ci) = core {
        let c = &events[ci];
        let mut exdays = HashSet::new();
        for ex in &c.exdates {
            exkeys.extend(ex.keys());
            if let When::Date(d) = ex {
                exdays.insert(*d);
            }
        }
        let mut ends: HashMap<NaiveDateTime, Duration> = HashMap::new();
        for (start, end) in &c.rdates {
            if let Some(end) = end {
                let d = match end {
                    PeriodEnd::Lasting(d) => *d,
                    PeriodEnd::At(e) => {
                        let v = comparable(&[e.clone(), start.clone()]);
                        diff(&v[0], &v[1])
                    }
                };
                for k in start.keys() {
                    ends.insert(k, d);
                }
            }
        }
        // make_all_dates_comparable
        let all: Vec<&When> = [&c.start, &c.end]
            .into_iter()
            .chain(c.exdates.iter())
            .chain(c.rdates.iter().map(|(w, _)| w))
            .collect();
        let all_dates = all.iter().all(|w| w.is_date());
        let tz = all.iter().find_map(|w| w.zone()).cloned();
        let start = c.start.to_datetime(tz.as_ref());
        let mut starts: Vec<When> = c
            .rdates
            .iter()
            .map(|(w, _)| w.to_datetime(tz.as_ref()))
            .collect();
        let mut rules = vec![];
        let mut last_until: Option<Bound> = None;
        for text in &c.rrules {
            let Some((spec, rule)) = Spec::parse(text)
                .ok()
                .and_then(|s| Rule::new(&s, start.wall()).ok().map(|r| (s, r)))
            else {
                *skipped += 1;
                return vec![];
            };
            let bound = spec.until.map(|u| {
                Bound::of(
                    match (u, all_dates) {
                        (Until::Utc(t), true) => Until::Date(t.date()),
                        (u, _) => u,
                    },
                    tz.is_some(),
                )
            });
            if let Some(b) = &bound {
                let later = match (&last_until, b) {
                    (None, _) => true,
                    (Some(Bound::Utc(a)), Bound::Utc(x))
                    | (Some(Bound::Wall(a)), Bound::Wall(x)) => x > a,
                    _ => false,
                };
                if later {
                    last_until = Some(match b {
                        Bound::Utc(t) => Bound::Utc(*t),
                        Bound::Wall(t) => Bound::Wall(*t),
                    });
                }
            }
            rules.push((rule, bound));
        }
        if last_until.as_ref().is_none_or(|b| !b.passed_by(&start)) {
            starts.push(start.clone());
        }
        for (rule, bound) in &rules {
            rule.each(Some(lo), |t| {
                if t > hi {
                    return false;
                }
                let w = match &tz {
                    Some(z) => When::Zoned(t, z.clone()),
                    None => When::Floating(t),
                };
                if bound.as_ref().is_some_and(|b| b.passed_by(&w)) {
                    return false;
                }
                if t >= lo {
                    starts.push(w);
                }
                true
            });
        }
        let as_dates = c.start.is_date() && c.end.is_date();
        let mut seen: HashSet<NaiveDateTime> = HashSet::new();
        for s in starts {
            if s.wall() < lo || s.wall() > hi {
                continue;
            }
            let keys = s.keys();
            if seen.contains(&keys[0])
                || exdays.contains(&s.wall().date())
                || keys.iter().any(|k| exkeys.contains(k))
            {
                continue;
            }
            let m = keys
                .iter()
                .fold(None, |acc, k| mods.get(k).copied().or(acc));
            if let Some(m) = m {
                matched.insert(m);
                continue;
            }
            seen.insert(keys[0]);
            let comp = tf_ids
                .iter()
                .take_while(|id| **id < keys[0])
                .last()
                .and_then(|id| mods.get(id))
                .map(|&m| &events[m])
                .unwrap_or(c);
            let os = s.add(comp.moves_by());
            let length = keys
                .iter()
                .fold(None, |acc, k| ends.get(k).copied().or(acc))
                .unwrap_or_else(|| comp.duration());
            let oe = os.add(length);
            let (os, oe) = if as_dates {
                (When::Date(os.wall().date()), When::Date(oe.wall().date()))
            } else {
                (os, oe)
            };
            out.push((os, oe, comp.busy));
        }
    }
    let mut winners: Vec<usize> = winners.into_iter().collect();
    winners.sort_unstable();
    for m in winners {
        let e = &events[m];
        let excluded = e
            .recurrence_id
            .as_ref()
            .is_some_and(|r| r.keys().iter().any(|k| exkeys.contains(k)));
        if matched.contains(&m) || !excluded {
            out.push((e.start.clone(), e.end.clone(), e.busy));
        }
    }
    out
}

/// Sorts and merges intervals (touching ones too), clipped to the window.
pub fn merge(mut v: Vec<Busy>, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Busy> {
    for b in v.iter_mut() {
        b.start = b.start.max(from);
        b.end = b.end.min(to);
    }
    v.retain(|b| b.start < b.end);
    v.sort_unstable();
    let mut out: Vec<Busy> = Vec::with_capacity(v.len());
    for b in v {
        match out.last_mut() {
            Some(last) if b.start <= last.end => last.end = last.end.max(b.end),
            _ => out.push(b),
        }
    }
    out
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}

/// The busy time an iCalendar file shows between `from` and `to`, reading
/// all-day and floating times in `member_zone`.
pub fn busy_time(
    bytes: &[u8],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    member_zone: Tz,
) -> Result<BusyTime, ParseError> {
    let calendars = ics::parse(bytes)?;
    let member = Zone::Iana(member_zone);
    let mut found = vec![];
    let mut skipped = 0;
    for cal in calendars.iter().filter(|c| c.name == "VCALENDAR") {
        let zones = Zones::from_calendar(cal);
        let calendar_zone = cal
            .prop("X-WR-TIMEZONE")
            .and_then(|p| zones::iana(p.value.trim()))
            .map(|tz| {
                if tz == Tz::UTC {
                    Zone::Utc
                } else {
                    Zone::Iana(tz)
                }
            });
        let reader = Reader {
            zones: &zones,
            calendar_zone,
        };
        let mut by_uid: HashMap<String, Vec<Event>> = HashMap::new();
        let mut lone: Vec<Event> = vec![];
        let mut reach = Duration::days(2);
        for c in &cal.children {
            match c.name.as_str() {
                "VEVENT" => match Event::read(c, &reader) {
                    Some(e) => {
                        reach =
                            reach.max(e.duration().abs() + e.moves_by().abs() + Duration::days(2));
                        match e.uid.clone() {
                            Some(uid) => by_uid.entry(uid).or_default().push(e),
                            None => lone.push(e),
                        }
                    }
                    None => skipped += 1,
                },
                "VFREEBUSY" => {
                    for p in c.all("FREEBUSY") {
                        if p.param("FBTYPE")
                            .is_some_and(|t| t.eq_ignore_ascii_case("FREE"))
                        {
                            continue;
                        }
                        for (s, e) in reader.list(p) {
                            let end = match e {
                                Some(PeriodEnd::At(e)) => e.utc(&member),
                                Some(PeriodEnd::Lasting(d)) => s.utc(&member) + d,
                                None => continue,
                            };
                            found.push(Busy {
                                start: utc(s.utc(&member)),
                                end: utc(end),
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        // RDATE periods may be longer than the event itself.
        for e in by_uid.values().flatten().chain(lone.iter()) {
            for (_, end) in &e.rdates {
                if let Some(PeriodEnd::Lasting(d)) = end {
                    reach = reach.max(d.abs() + Duration::days(2));
                }
            }
        }
        let lo = from.naive_utc() - reach;
        let hi = to.naive_utc() + reach;
        let mut series: Vec<Vec<Event>> = by_uid.into_values().collect();
        series.extend(lone.into_iter().map(|e| vec![e]));
        for events in &series {
            for (s, e, busy) in expand_series(events, lo, hi, &mut skipped) {
                if !busy {
                    continue;
                }
                let (s, e) = (utc(s.utc(&member)), utc(e.utc(&member)));
                if s < to && e > from {
                    found.push(Busy { start: s, end: e });
                }
            }
        }
    }
    Ok(BusyTime {
        intervals: merge(found, from, to),
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window() -> (DateTime<Utc>, DateTime<Utc>) {
        (
            "2027-03-01T00:00:00Z".parse().unwrap(),
            "2027-04-01T00:00:00Z".parse().unwrap(),
        )
    }

    #[test]
    fn bad_files_are_refused_with_the_reason() {
        let (from, to) = window();
        let tz = chrono_tz::Europe::Berlin;
        assert_eq!(
            busy_time(b"<html>hello</html>", from, to, tz),
            Err(ParseError::BrokenLine(1))
        );
        assert_eq!(busy_time(b"", from, to, tz), Err(ParseError::NotACalendar));
        assert_eq!(
            busy_time(
                b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nno colon here\nEND:VEVENT\nEND:VCALENDAR\n",
                from,
                to,
                tz
            ),
            Err(ParseError::BrokenLine(3))
        );
        assert_eq!(
            busy_time(
                b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VCALENDAR\n",
                from,
                to,
                tz
            ),
            Err(ParseError::Unbalanced(3))
        );
        assert_eq!(
            busy_time(&[0xff, 0xfe, 0x00], from, to, tz),
            Err(ParseError::NotText)
        );
    }

    #[test]
    fn a_bad_rule_leaves_its_event_out_and_says_so() {
        let (from, to) = window();
        let ics = b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART:20270302T100000Z\nDTEND:20270302T110000Z\nRRULE:FREQ=SOMETIMES\nEND:VEVENT\nBEGIN:VEVENT\nUID:b\nDTSTART:20270303T100000Z\nDTEND:20270303T110000Z\nEND:VEVENT\nEND:VCALENDAR\n";
        let busy = busy_time(ics, from, to, chrono_tz::UTC).unwrap();
        assert_eq!(busy.skipped, 1);
        assert_eq!(busy.intervals.len(), 1);
        assert_eq!(
            busy.intervals[0].start,
            "2027-03-03T10:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
    }

    #[test]
    fn overlapping_and_touching_intervals_merge() {
        let (from, to) = window();
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let v = vec![
            Busy {
                start: at("2027-03-02T10:00:00Z"),
                end: at("2027-03-02T11:00:00Z"),
            },
            Busy {
                start: at("2027-03-02T11:00:00Z"),
                end: at("2027-03-02T12:00:00Z"),
            },
            Busy {
                start: at("2027-03-02T10:30:00Z"),
                end: at("2027-03-02T10:45:00Z"),
            },
            Busy {
                start: at("2027-02-27T10:30:00Z"),
                end: at("2027-03-01T01:00:00Z"),
            },
        ];
        assert_eq!(
            merge(v, from, to),
            vec![
                Busy {
                    start: from,
                    end: at("2027-03-01T01:00:00Z")
                },
                Busy {
                    start: at("2027-03-02T10:00:00Z"),
                    end: at("2027-03-02T12:00:00Z")
                },
            ]
        );
    }
}
