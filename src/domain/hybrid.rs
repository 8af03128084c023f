//! Hybrid meetings, answers per day and seats (issue 28): how a member
//! attends (`in_person` / `online`), a multi-day range answered day by day,
//! and in-person places that yes answers take in arrival order.
//!
//! The rules, without storage:
//! - A hybrid poll lists the modes it offers; a `yes` or `if_need_be` on it
//!   says which (the one mode, if the poll offers one); `no` says none.
//! - A per-day option is answered for each of its days; the option's own
//!   choice is the worst of the days (yes only if yes on every day, if need
//!   be if available on every day, else no), so its standing and the
//!   ranking count those available on every day.
//! - Seats are in-person places: on a hybrid poll only an `in_person` yes
//!   takes one, on any other poll every yes does. Answers beyond the
//!   capacity wait in arrival order; a freed seat goes to the first waiting.

use chrono::NaiveDate;

use super::Violations;
pub use super::poll::{Attendance, Modes, OptionSetup};
use super::poll::{Choice, Poll, PollOption, string_enum};
use super::time::Slot;

string_enum!(
    /// A seat-seeking yes: it has a seat, or it waits on the list.
    Seat { Taken = "taken", Waiting = "waiting" }
);

/// The most days a per-day option may have: a meeting, not a season.
pub const MAX_PER_DAY_DAYS: i64 = 31;
/// The most in-person places an option may have.
pub const MAX_CAPACITY: i64 = 1_000_000;

impl OptionSetup {
    /// Checks the setup against the option's slot; errors name `path.field`.
    pub fn check(&self, slot: &Slot, at: impl Fn(&str) -> String, v: &mut Violations) {
        if self.per_day {
            match slot {
                Slot::AllDay { start, end } if start < end => {
                    if (*end - *start).num_days() + 1 > MAX_PER_DAY_DAYS {
                        v.push(
                            at("per_day"),
                            format!(
                                "answers per day are for ranges of at most {MAX_PER_DAY_DAYS} days"
                            ),
                        );
                    }
                }
                _ => v.push(
                    at("per_day"),
                    "answers per day are for all-day ranges of more than one day",
                ),
            }
        }
    }
}

/// Parses a requested capacity: a positive number of places.
pub fn parse_capacity(n: i64) -> Result<u32, String> {
    if (1..=MAX_CAPACITY).contains(&n) {
        Ok(n as u32)
    } else {
        Err(format!(
            "the capacity is a number of in-person places, from 1 to {MAX_CAPACITY}"
        ))
    }
}

/// The days of a range, first to last.
pub fn days_of(slot: &Slot) -> Vec<NaiveDate> {
    match *slot {
        Slot::AllDay { start, end } => start.iter_days().take_while(|d| *d <= end).collect(),
        Slot::Timed { .. } => Vec::new(),
    }
}

/// What a vote adds to its choice: how the member attends, their answer
/// for each day, and (read back) their seat.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VoteDetail {
    pub attendance: Option<Attendance>,
    /// In the order given; stored and shown in date order.
    pub days: Vec<(NaiveDate, Choice)>,
    pub seat: Option<Seat>,
}

impl VoteDetail {
    pub fn is_empty(&self) -> bool {
        self.attendance.is_none() && self.days.is_empty() && self.seat.is_none()
    }

    /// The days as stored: `2027-07-05=yes,2027-07-06=no`; `None` for none.
    pub fn stored_days(&self) -> Option<String> {
        (!self.days.is_empty()).then(|| {
            let mut days = self.days.clone();
            days.sort_by_key(|(d, _)| *d);
            days.iter()
                .map(|(d, c)| format!("{d}={}", c.as_str()))
                .collect::<Vec<_>>()
                .join(",")
        })
    }

    /// Reads the stored columns back; unreadable parts are skipped.
    pub fn from_stored(
        attendance: Option<&str>,
        days: Option<&str>,
        seat: Option<&str>,
    ) -> VoteDetail {
        let days = days
            .unwrap_or_default()
            .split(',')
            .filter_map(|pair| {
                let (d, c) = pair.split_once('=')?;
                Some((d.parse().ok()?, Choice::parse(c)?))
            })
            .collect();
        VoteDetail {
            attendance: attendance.and_then(Attendance::parse),
            days,
            seat: seat.and_then(Seat::parse),
        }
    }
}

/// A vote as webhooks and the history give it: the option, the choice,
/// and when there are, the attendance, the day answers and the seat.
pub fn vote_json(
    option: uuid::Uuid,
    choice: Choice,
    detail: Option<&VoteDetail>,
) -> serde_json::Value {
    let mut v = serde_json::json!({ "option_id": option, "choice": choice.as_str() });
    if let Some(d) = detail {
        if let Some(a) = d.attendance {
            v["attendance"] = a.as_str().into();
        }
        if !d.days.is_empty() {
            v["days"] = d
                .days
                .iter()
                .map(
                    |(day, c)| serde_json::json!({ "date": day.to_string(), "choice": c.as_str() }),
                )
                .collect();
        }
        if let Some(s) = d.seat {
            v["seat"] = s.as_str().into();
        }
    }
    v
}

/// The option's own choice from the day answers: available on every day.
pub fn overall(days: &[(NaiveDate, Choice)]) -> Option<Choice> {
    fn worth(c: Choice) -> u8 {
        match c {
            Choice::Yes => 2,
            Choice::IfNeedBe => 1,
            Choice::No => 0,
        }
    }
    days.iter().map(|(_, c)| *c).min_by_key(|c| worth(*c))
}

/// Whether a vote asks for one of the option's seats.
pub fn seeks_seat(poll: &Poll, option: &PollOption, choice: Choice, detail: &VoteDetail) -> bool {
    option.setup.capacity.is_some()
        && choice == Choice::Yes
        && (!poll.settings.attendance.is_hybrid()
            || detail.attendance == Some(Attendance::InPerson))
}

/// What is written of a checked vote's detail: the only mode of a one-mode
/// hybrid poll filled in, the days in date order.
pub fn written(poll: &Poll, choice: Choice, detail: &VoteDetail) -> VoteDetail {
    let modes = poll.settings.attendance;
    let attendance = match choice {
        Choice::No => None,
        _ if !modes.is_hybrid() => None,
        _ => detail.attendance.or(modes.only()),
    };
    let mut days = detail.days.clone();
    days.sort_by_key(|(d, _)| *d);
    VoteDetail {
        attendance,
        days,
        seat: None,
    }
}

/// Checks one vote's attendance and days against its option and the poll.
/// `at` names a field of the vote (`votes[2].attendance`).
pub fn check_vote(
    poll: &Poll,
    option: &PollOption,
    choice: Choice,
    detail: &VoteDetail,
    at: impl Fn(&str) -> String,
    v: &mut Violations,
) {
    let modes = poll.settings.attendance;
    match (detail.attendance, choice) {
        (Some(_), _) if !modes.is_hybrid() => v.push(
            at("attendance"),
            "this poll is not hybrid: it takes no attendance mode",
        ),
        (Some(_), Choice::No) => v.push(
            at("attendance"),
            "an attendance mode goes with yes or if_need_be, not with no",
        ),
        (Some(a), _) if !modes.offers(a) => v.push(
            at("attendance"),
            format!("this poll does not offer {} attendance", a.as_str()),
        ),
        (None, Choice::Yes | Choice::IfNeedBe) if modes.is_hybrid() && modes.only().is_none() => v
            .push(
                at("attendance"),
                "this poll is hybrid: say how you attend (in_person or online)",
            ),
        _ => {}
    }
    if !option.setup.per_day {
        if !detail.days.is_empty() {
            v.push(at("days"), "this option is not answered per day");
        }
        return;
    }
    let range = days_of(&option.slot);
    if detail.days.is_empty() {
        v.push(
            at("days"),
            format!(
                "this option is answered per day: give a choice for each of its {} days",
                range.len()
            ),
        );
        return;
    }
    let mut seen = std::collections::HashSet::new();
    for (j, (day, c)) in detail.days.iter().enumerate() {
        if !range.contains(day) {
            v.push(
                at(&format!("days[{j}].date")),
                format!(
                    "{day} is not a day of this option ({} to {})",
                    range[0],
                    range[range.len() - 1]
                ),
            );
        } else if !seen.insert(*day) {
            v.push(
                at(&format!("days[{j}].date")),
                format!("{day} is answered twice"),
            );
        }
        if *c == Choice::IfNeedBe && !poll.settings.allow_if_need_be {
            v.push(
                at(&format!("days[{j}].choice")),
                "this poll does not offer \"if need be\"",
            );
        }
    }
    for day in &range {
        if !detail.days.iter().any(|(d, _)| d == day) {
            v.push(at("days"), format!("{day} is not answered"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_overall_choice_is_available_on_every_day() {
        let yes = [
            (d("2027-07-05"), Choice::Yes),
            (d("2027-07-06"), Choice::Yes),
        ];
        assert_eq!(overall(&yes), Some(Choice::Yes));
        let inb = [
            (d("2027-07-05"), Choice::Yes),
            (d("2027-07-06"), Choice::IfNeedBe),
        ];
        assert_eq!(overall(&inb), Some(Choice::IfNeedBe));
        let no = [
            (d("2027-07-05"), Choice::No),
            (d("2027-07-06"), Choice::Yes),
        ];
        assert_eq!(overall(&no), Some(Choice::No));
        assert_eq!(overall(&[]), None);
    }

    #[test]
    fn modes_parse_and_round_trip() {
        let both =
            Modes::parse(&["in_person".into(), "online".into()], "attendance_modes").unwrap();
        assert!(both.is_hybrid() && both.in_person && both.online);
        assert_eq!(Modes::from_stored(both.stored().as_deref()), both);
        assert_eq!(Modes::default().stored(), None);
        let bad =
            Modes::parse(&["onsite".into(), "online".into(), "online".into()], "m").unwrap_err();
        assert_eq!(bad[0].field, "m[0]");
        assert_eq!(bad[1].field, "m[2]");
    }

    #[test]
    fn days_round_trip_in_date_order() {
        let detail = VoteDetail {
            days: vec![
                (d("2027-07-06"), Choice::No),
                (d("2027-07-05"), Choice::Yes),
            ],
            ..Default::default()
        };
        let stored = detail.stored_days().unwrap();
        assert_eq!(stored, "2027-07-05=yes,2027-07-06=no");
        let back = VoteDetail::from_stored(Some("online"), Some(&stored), Some("waiting"));
        assert_eq!(back.days[0], (d("2027-07-05"), Choice::Yes));
        assert_eq!(back.attendance, Some(Attendance::Online));
        assert_eq!(back.seat, Some(Seat::Waiting));
    }

    #[test]
    fn per_day_needs_a_range_of_several_days() {
        let mut v = Violations::default();
        let one = Slot::AllDay {
            start: d("2027-07-05"),
            end: d("2027-07-05"),
        };
        let setup = OptionSetup {
            per_day: true,
            capacity: None,
        };
        setup.check(&one, |f| format!("options[0].{f}"), &mut v);
        assert_eq!(v.0[0].field, "options[0].per_day");
        let three = Slot::AllDay {
            start: d("2027-07-05"),
            end: d("2027-07-07"),
        };
        let mut v = Violations::default();
        setup.check(&three, |f| f.to_string(), &mut v);
        assert!(v.0.is_empty());
        assert_eq!(days_of(&three).len(), 3);
    }

    #[test]
    fn capacity_is_positive() {
        assert!(parse_capacity(0).is_err());
        assert!(parse_capacity(-3).is_err());
        assert_eq!(parse_capacity(10), Ok(10));
    }
}
