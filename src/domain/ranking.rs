//! Ranking of options: deterministic, and explained, so nobody has to guess
//! why an option leads.
//!
//! Order: options every required member can make (yes or if need be) first,
//! then the most available (yes + if need be), then the most yes, then the
//! earliest start, then the organiser's order.

use std::cmp::Ordering;

use chrono::NaiveDateTime;

use super::poll::PollOption;
use super::standing::{Clock, NAMED, Named, Roster, Standing};
use super::time::Slot;

pub const RULE: &str = "Options every required member can make (yes or if need be) come first, \
then the most available (yes + if need be), then the most yes, then the earliest start, \
then the order the organiser listed them in.";

/// What a per-day option's explanation adds.
pub const PER_DAY_NOTE: &str =
    " (answered per day: counts those available on every day of the range)";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub yes: u64,
    pub if_need_be: u64,
    pub all_required_available: bool,
    /// Start on the poll's wall clock.
    pub start: NaiveDateTime,
    /// The organiser's order.
    pub position: i32,
}

impl Candidate {
    fn available(&self) -> u64 {
        self.yes + self.if_need_be
    }

    /// The first criterion on which `self` beats `other`.
    fn why_ahead_of(&self, other: &Candidate) -> Why {
        if self.all_required_available != other.all_required_available {
            Why::EveryRequired
        } else if self.available() != other.available() {
            Why::MoreAvailable(self.available(), other.available())
        } else if self.yes != other.yes {
            Why::MoreYes(self.yes, other.yes)
        } else if self.start != other.start {
            Why::StartsEarlier
        } else {
            Why::ListedFirst
        }
    }

    /// Whether two options are equal on everything but start and order: a
    /// tie that only the tie-breakers settle.
    fn ties(&self, other: &Candidate) -> bool {
        self.all_required_available == other.all_required_available
            && self.available() == other.available()
            && self.yes == other.yes
    }
}

fn order(a: &Candidate, b: &Candidate) -> Ordering {
    b.all_required_available
        .cmp(&a.all_required_available)
        .then(b.available().cmp(&a.available()))
        .then(b.yes.cmp(&a.yes))
        .then(a.start.cmp(&b.start))
        .then(a.position.cmp(&b.position))
}

/// The first criterion on which one option beats the next (the ranking's
/// order, in words each face writes in its own language).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    EveryRequired,
    /// Available (yes + if need be): this option's, the other's.
    MoreAvailable(u64, u64),
    /// Same availability; yes: this option's, the other's.
    MoreYes(u64, u64),
    StartsEarlier,
    ListedFirst,
}

impl std::fmt::Display for Why {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Why::EveryRequired => f.write_str("every required member can make it"),
            Why::MoreAvailable(a, b) => write!(f, "more available ({a} vs {b})"),
            Why::MoreYes(a, b) => write!(f, "same availability, more yes ({a} vs {b})"),
            Why::StartsEarlier => f.write_str("same counts, starts earlier"),
            Why::ListedFirst => f.write_str("same counts and start, listed first"),
        }
    }
}

/// Where an option stands against its neighbours in the ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Ahead of the option ranked next, for this reason.
    AheadOfNext(Why),
    /// The last: behind the option above, for this reason.
    BehindAbove(Why),
    Only,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked {
    /// 1 for the leader; every option has its own rank.
    pub rank: u32,
    /// Equal to another option on availability and yes: only the
    /// tie-breakers (start, order) separate them.
    pub tied: bool,
    /// Why it stands here, for faces that word it themselves.
    pub place: Place,
    /// The same in English (the API's `explanation`).
    pub explanation: String,
}

/// Ranks the candidates; the result is in the same order as the input.
pub fn rank(candidates: &[Candidate]) -> Vec<Ranked> {
    let mut idx: Vec<usize> = (0..candidates.len()).collect();
    idx.sort_by(|&a, &b| order(&candidates[a], &candidates[b]));
    let mut out = vec![
        Ranked {
            rank: 0,
            tied: false,
            place: Place::Only,
            explanation: String::new(),
        };
        candidates.len()
    ];
    for (pos, &i) in idx.iter().enumerate() {
        let me = &candidates[i];
        let below = idx.get(pos + 1).map(|&j| &candidates[j]);
        let above = pos.checked_sub(1).map(|p| &candidates[idx[p]]);
        let tied = below.is_some_and(|o| me.ties(o)) || above.is_some_and(|o| me.ties(o));
        let place = match (above, below) {
            (_, Some(next)) => Place::AheadOfNext(me.why_ahead_of(next)),
            (Some(prev), None) => Place::BehindAbove(prev.why_ahead_of(me)),
            (None, None) => Place::Only,
        };
        let counts = format!(
            "{} available ({} yes, {} if need be)",
            me.available(),
            me.yes,
            me.if_need_be
        );
        let explanation = match place {
            Place::AheadOfNext(why) => format!("{counts}; ahead of the next option: {why}"),
            Place::BehindAbove(why) => format!("{counts}; behind the option above: {why}"),
            Place::Only => format!("{counts}; the only option"),
        };
        out[i] = Ranked {
            rank: pos as u32 + 1,
            tied,
            place,
            explanation,
        };
    }
    out
}

/// One option as the results show it: its counts, what the roster says of
/// it, and its place.
#[derive(Debug, Clone)]
pub struct OptionStanding<'a> {
    pub option: &'a PollOption,
    /// 1-based place in the organiser's order.
    pub number: u32,
    pub yes: i64,
    pub if_need_be: i64,
    pub no: i64,
    pub no_answer: i64,
    /// Required invited members who said yes or if need be.
    pub required_available: i64,
    pub all_required_available: bool,
    /// Whether the required availability reaches the poll's quorum, if it sets one.
    pub meets_quorum: Option<bool>,
    /// How many invited members this option is not wholly inside their
    /// social hours for (none for all-day options, which are floating dates).
    pub outside_social_hours: i64,
    /// The first [`NAMED`] of them, by invitation.
    pub outside_named: Vec<&'a Named>,
    pub ranked: Ranked,
}

/// A poll's options evaluated from its standing, leader first.
#[derive(Debug, Clone)]
pub struct Evaluation<'a> {
    pub options: Vec<OptionStanding<'a>>,
    /// Required invited members.
    pub required: i64,
    /// The leader is tied with another option on availability and yes.
    pub top_tied: bool,
}

/// Counts, required availability, social hours and rank of every option.
pub fn evaluate(standing: &Standing) -> Evaluation<'_> {
    let Standing {
        poll,
        tallies,
        roster,
    } = standing;
    let required = roster.required;
    let counts: Vec<[i64; 4]> = poll.options.iter().map(|o| tallies.of(o.id)).collect();
    let req_avail: Vec<i64> = poll
        .options
        .iter()
        .map(|o| match required {
            0 => 0,
            _ => tallies.required.get(&o.id).copied().unwrap_or(0),
        })
        .collect();
    let candidates: Vec<Candidate> = poll
        .options
        .iter()
        .zip(&counts)
        .zip(&req_avail)
        .map(|((o, [yes, inb, _, _]), ra)| Candidate {
            yes: *yes as u64,
            if_need_be: *inb as u64,
            all_required_available: *ra >= required,
            start: o.slot.start_local(poll.zone),
            position: o.position,
        })
        .collect();
    let ranked = rank(&candidates);
    let mut options: Vec<OptionStanding> = poll
        .options
        .iter()
        .zip(counts)
        .zip(req_avail)
        .zip(ranked)
        .enumerate()
        .map(
            |(i, (((o, [yes, if_need_be, no, no_answer]), ra), mut ranked))| {
                let outside = outside_social_hours(&o.slot, roster);
                if o.setup.per_day {
                    // Its counts are of the option as a whole: a member
                    // counts as available only if available every day.
                    ranked.explanation += PER_DAY_NOTE;
                }
                OptionStanding {
                    option: o,
                    number: i as u32 + 1,
                    yes,
                    if_need_be,
                    no,
                    no_answer,
                    required_available: ra,
                    all_required_available: ra >= required,
                    meets_quorum: poll.settings.quorum.map(|q| ra >= i64::from(q)),
                    outside_social_hours: outside.0,
                    outside_named: outside.1,
                    ranked,
                }
            },
        )
        .collect();
    options.sort_by_key(|o| o.ranked.rank);
    Evaluation {
        top_tied: options.first().is_some_and(|o| o.ranked.tied),
        options,
        required,
    }
}

/// The clocks `slot` keeps up outside their social hours: indexes into
/// `clocks`. The store names the first members of these clocks, and
/// [`outside_social_hours`] counts them.
pub fn clocks_kept_outside(slot: &Slot, clocks: &[Clock]) -> Vec<usize> {
    (0..clocks.len())
        .filter(|&i| clocks[i].social_hours.kept_outside_by(clocks[i].zone, slot))
        .collect()
}

/// How many invited members `slot` is not wholly inside the social hours
/// of, and the first [`NAMED`] of them by invitation (none for all-day
/// options, which are floating dates). Decided once per clock (zone and
/// social hours), not once per member.
pub fn outside_social_hours<'a>(slot: &Slot, roster: &'a Roster) -> (i64, Vec<&'a Named>) {
    let outside: Vec<&Clock> = clocks_kept_outside(slot, &roster.clocks)
        .into_iter()
        .map(|i| &roster.clocks[i])
        .collect();
    // `roster.outside` is in invitation order and holds the first NAMED of
    // every option's members outside their hours.
    let named = roster
        .outside
        .iter()
        .filter(|m| outside.iter().any(|c| c.is_clock_of(m)))
        .take(NAMED)
        .collect();
    (outside.iter().map(|c| c.members).sum(), named)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(yes: u64, inb: u64, all_req: bool, start: &str, position: i32) -> Candidate {
        Candidate {
            yes,
            if_need_be: inb,
            all_required_available: all_req,
            start: format!("{start}T00:00:00").parse().unwrap(),
            position,
        }
    }

    fn ranks(cs: &[Candidate]) -> Vec<u32> {
        rank(cs).into_iter().map(|r| r.rank).collect()
    }

    #[test]
    fn required_members_outweigh_raw_availability() {
        let cs = [
            c(10, 5, false, "2026-07-05", 0),
            c(3, 1, true, "2026-07-10", 1),
        ];
        assert_eq!(ranks(&cs), vec![2, 1]);
        assert!(rank(&cs)[1].explanation.contains("every required member"));
        // The reasons as a structure, for faces that word them themselves.
        assert_eq!(rank(&cs)[1].place, Place::AheadOfNext(Why::EveryRequired));
        assert_eq!(rank(&cs)[0].place, Place::BehindAbove(Why::EveryRequired));
        assert_eq!(rank(&cs[..1])[0].place, Place::Only);
    }

    #[test]
    fn availability_then_yes_then_start_then_position() {
        let cs = [
            c(5, 5, true, "2026-07-05", 0), // 10 available, 5 yes
            c(8, 1, true, "2026-07-05", 1), // 9 available
            c(7, 3, true, "2026-07-05", 2), // 10 available, 7 yes
            c(7, 3, true, "2026-07-04", 3), // same, earlier
            c(7, 3, true, "2026-07-04", 4), // same again, listed later
        ];
        assert_eq!(ranks(&cs), vec![4, 5, 3, 1, 2]);
        let r = rank(&cs);
        assert!(r[3].tied && r[4].tied && r[2].tied);
        assert!(!r[0].tied && !r[1].tied);
        assert!(
            r[3].explanation.contains("listed first"),
            "{}",
            r[3].explanation
        );
        assert!(
            r[4].explanation.contains("starts earlier"),
            "{}",
            r[4].explanation
        );
        assert!(
            r[2].explanation.contains("more yes (7 vs 5)"),
            "{}",
            r[2].explanation
        );
    }

    #[test]
    fn ranking_is_deterministic_and_total() {
        let cs = [
            c(0, 0, true, "2026-07-05", 1),
            c(0, 0, true, "2026-07-05", 0),
        ];
        assert_eq!(ranks(&cs), vec![2, 1]);
        assert_eq!(rank(&cs), rank(&cs));
        assert!(rank(&[]).is_empty());
        assert!(rank(&cs[..1])[0].explanation.contains("only option"));
    }
}
