//! A ballot: one respondent's answers, and the rules it must meet to be
//! recorded.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::poll::{Choice, Poll};
use super::{Refusal, Violations};

/// A respondent's answer as submitted, already checked for shape.
#[derive(Debug, Clone)]
pub struct Ballot {
    /// `None` keeps the name a replaced response already has.
    pub name: Option<String>,
    pub comment: Option<String>,
    pub votes: Vec<(Uuid, Choice)>,
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
        }
        v.into_result().map_err(Refusal::Invalid)
    }
}

/// The votes in the poll's option order (as responses are shown).
pub fn in_option_order(poll: &Poll, mut votes: Vec<(Uuid, Choice)>) -> Vec<(Uuid, Choice)> {
    votes.sort_by_key(|(o, _)| poll.options.iter().position(|x| x.id == *o));
    votes
}

/// Per option, the change in (yes, if need be, no) from `old` to `new`.
pub fn tally_deltas(old: &[(Uuid, Choice)], new: &[(Uuid, Choice)]) -> BTreeMap<Uuid, [i64; 3]> {
    fn column(c: Choice) -> usize {
        match c {
            Choice::Yes => 0,
            Choice::IfNeedBe => 1,
            Choice::No => 2,
        }
    }
    let mut d: BTreeMap<Uuid, [i64; 3]> = BTreeMap::new();
    for (option, choice) in old {
        d.entry(*option).or_default()[column(*choice)] -= 1;
    }
    for (option, choice) in new {
        d.entry(*option).or_default()[column(*choice)] += 1;
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
        let d = tally_deltas(&old, &new);
        assert!(!d.contains_key(&a));
        assert_eq!(d[&b], [0, 1, -1]);
        assert_eq!(d[&c], [0, 0, 1]);
        assert_eq!(tally_deltas(&new, &[])[&c], [0, 0, -1]);
    }
}
