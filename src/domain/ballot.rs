//! A ballot: one respondent's answers, and the rules it must meet to be
//! recorded.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::hybrid::{self, Attendance, VoteDetail};
use super::poll::{Choice, Poll};
use super::{Refusal, Violations};

/// A respondent's answer as submitted, already checked for shape.
#[derive(Debug, Clone)]
pub struct Ballot {
    /// `None` keeps the name a replaced response already has.
    pub name: Option<String>,
    pub comment: Option<String>,
    pub votes: Vec<(Uuid, Choice)>,
    /// Beside each vote, at the same index: attendance and day answers
    /// (empty for a ballot that gives none).
    pub details: Vec<VoteDetail>,
}

impl Ballot {
    /// Checks that the poll takes votes now and that each vote names one of
    /// its options, once, with a choice the poll offers.
    pub fn check(&self, poll: &Poll, now: DateTime<Utc>) -> Result<(), Refusal> {
        let votes = &self.votes;
        if let Some(reason) = poll.voting_closed_reason(now) {
            return Err(Refusal::Conflict(reason));
        }
        let mut v = Violations::default();
        let mut seen = HashSet::new();
        for (i, (option_id, choice)) in votes.iter().enumerate() {
            if !poll.options.iter().any(|o| o.id == *option_id) {
                v.push(
                    format!("votes[{i}].option_id"),
                    "this poll has no option with this id",
                );
            } else if !seen.insert(*option_id) {
                v.push(
                    format!("votes[{i}].option_id"),
                    "this option is voted on twice",
                );
            }
            if *choice == Choice::IfNeedBe && !poll.settings.allow_if_need_be {
                v.push(
                    format!("votes[{i}].choice"),
                    "this poll does not offer \"if need be\"",
                );
            }
            if let Some(option) = poll.options.iter().find(|o| o.id == *option_id) {
                hybrid::check_vote(
                    poll,
                    option,
                    *choice,
                    &self.detail(i),
                    |f| format!("votes[{i}].{f}"),
                    &mut v,
                );
            }
        }
        v.into_result().map_err(Refusal::Invalid)
    }
}

impl Ballot {
    /// The detail of the vote at `i` (none given: empty).
    pub fn detail(&self, i: usize) -> VoteDetail {
        self.details.get(i).cloned().unwrap_or_default()
    }

    /// Each vote's detail as it is written (`hybrid::written`), by option.
    pub fn written_details(&self, poll: &Poll) -> BTreeMap<Uuid, VoteDetail> {
        self.votes
            .iter()
            .enumerate()
            .map(|(i, (o, c))| (*o, hybrid::written(poll, *c, &self.detail(i))))
            .filter(|(_, d)| !d.is_empty())
            .collect()
    }
}

/// The votes in the poll's option order (as responses are shown).
pub fn in_option_order(poll: &Poll, mut votes: Vec<(Uuid, Choice)>) -> Vec<(Uuid, Choice)> {
    votes.sort_by_key(|(o, _)| poll.options.iter().position(|x| x.id == *o));
    votes
}

/// One side of a change of answer: the votes and their details by option.
pub type Answer<'a> = (&'a [(Uuid, Choice)], &'a BTreeMap<Uuid, VoteDetail>);

/// Per option, the change in (yes, if need be, no, in person, online) from
/// `old` to `new`; attendance counts the yes and if-need-be that give one.
pub fn tally_deltas(old: Answer<'_>, new: Answer<'_>) -> BTreeMap<Uuid, [i64; 5]> {
    fn column(c: Choice) -> usize {
        match c {
            Choice::Yes => 0,
            Choice::IfNeedBe => 1,
            Choice::No => 2,
        }
    }
    let mut d: BTreeMap<Uuid, [i64; 5]> = BTreeMap::new();
    for ((votes, details), sign) in [(old, -1), (new, 1)] {
        for (option, choice) in votes {
            let row = d.entry(*option).or_default();
            row[column(*choice)] += sign;
            match details.get(option).and_then(|x| x.attendance) {
                Some(Attendance::InPerson) => row[3] += sign,
                Some(Attendance::Online) => row[4] += sign,
                None => {}
            }
        }
    }
    d.retain(|_, v| v.iter().any(|x| *x != 0));
    d
}

/// Per option and day, the change in (yes, if need be, no) of the day
/// answers from `old` to `new`.
pub fn day_deltas(
    old: &BTreeMap<Uuid, VoteDetail>,
    new: &BTreeMap<Uuid, VoteDetail>,
) -> BTreeMap<(Uuid, NaiveDate), [i64; 3]> {
    let mut d: BTreeMap<(Uuid, NaiveDate), [i64; 3]> = BTreeMap::new();
    for (details, sign) in [(old, -1), (new, 1)] {
        for (option, detail) in details {
            for (day, choice) in &detail.days {
                let column = match choice {
                    Choice::Yes => 0,
                    Choice::IfNeedBe => 1,
                    Choice::No => 2,
                };
                d.entry((*option, *day)).or_default()[column] += sign;
            }
        }
    }
    d.retain(|_, v| v.iter().any(|x| *x != 0));
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_cancel_unchanged_votes_and_move_changed_ones() {
        let (a, b, c) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let old = [(a, Choice::Yes), (b, Choice::No)];
        let new = [(a, Choice::Yes), (b, Choice::IfNeedBe), (c, Choice::No)];
        let none = BTreeMap::new();
        let d = tally_deltas((&old, &none), (&new, &none));
        assert!(!d.contains_key(&a));
        assert_eq!(d[&b], [0, 1, -1, 0, 0]);
        assert_eq!(d[&c], [0, 0, 1, 0, 0]);
        assert_eq!(
            tally_deltas((&new, &none), (&[], &none))[&c],
            [0, 0, -1, 0, 0]
        );
    }

    #[test]
    fn a_changed_attendance_moves_the_mode_counts_and_days_move_per_day() {
        let a = Uuid::now_v7();
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let votes = [(a, Choice::Yes)];
        let detail = |at, c| VoteDetail {
            attendance: Some(at),
            days: vec![(day("2027-07-05"), Choice::Yes), (day("2027-07-06"), c)],
            seat: None,
        };
        let old = BTreeMap::from([(a, detail(Attendance::InPerson, Choice::Yes))]);
        let new = BTreeMap::from([(a, detail(Attendance::Online, Choice::No))]);
        assert_eq!(
            tally_deltas((&votes, &old), (&votes, &new))[&a],
            [0, 0, 0, -1, 1]
        );
        let d = day_deltas(&old, &new);
        assert!(!d.contains_key(&(a, day("2027-07-05"))));
        assert_eq!(d[&(a, day("2027-07-06"))], [-1, 0, 1]);
    }
}
