//! Where a poll stands: its counts, and the invited members with their
//! answers. Results, the ranking and the confirm choice are computed from
//! this; the store fills it.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use uuid::Uuid;

use super::poll::{Choice, Poll};
use super::time::{Slot, SocialHours, Zone};

/// Counts for one poll.
#[derive(Debug, Clone, Default)]
pub struct Tallies {
    pub responses: i64,
    /// How many changes the results have seen (`poll_tally.changes`): with
    /// the poll's version, what the results' ETag is made of.
    pub changes: i64,
    /// Per option: yes, if need be, no.
    pub options: HashMap<Uuid, [i64; 3]>,
    /// Per option: the required members who can make it (yes or if need
    /// be), read with the counts above from the same tally rows.
    pub required: HashMap<Uuid, i64>,
    /// Per option of a hybrid poll: of its yes and if need be, in person
    /// and online.
    pub attendance: HashMap<Uuid, [i64; 2]>,
    /// Per per-day option and day: yes, if need be, no.
    pub days: HashMap<Uuid, BTreeMap<NaiveDate, [i64; 3]>>,
    /// Per seated option: capacity, taken, waiting.
    pub seats: HashMap<Uuid, [i64; 3]>,
}

impl Tallies {
    /// An option's yes, if need be and no, and the respondents who left it
    /// unanswered.
    pub fn of(&self, option: Uuid) -> [i64; 4] {
        let [yes, inb, no] = self.options.get(&option).copied().unwrap_or_default();
        [yes, inb, no, (self.responses - yes - inb - no).max(0)]
    }
}

/// Everything results are computed from: the poll, its counts (with the
/// required members' availability), and — for polls with invitations — the
/// roster.
#[derive(Debug, Clone)]
pub struct Standing {
    pub poll: Poll,
    pub tallies: Tallies,
    pub roster: Roster,
}

/// An invited member as the organiser sees them, with their answer if any.
#[derive(Debug, Clone)]
pub struct Invitee {
    pub invitation_id: Uuid,
    pub member_id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub zone: Zone,
    pub social_hours: SocialHours,
    pub required: bool,
    pub invited_at: DateTime<Utc>,
    /// The member's language (BCP 47), for their page and emails.
    pub language: Option<String>,
    /// What the invitation's links are derived from (`LinkKey::derive`);
    /// `None` for invitations issued before links could be written again.
    pub link_salt: Option<String>,
    pub answer: Option<Answer>,
}

/// When and how an invited member answered.
#[derive(Debug, Clone)]
pub struct Answer {
    pub response_id: Uuid,
    pub answered_at: DateTime<Utc>,
    /// Set when the organiser recorded it on the member's behalf.
    pub recorded_by: Option<String>,
    pub revision: i32,
    /// Filled only where asked for (see [`Store::list_invitations`]).
    pub votes: Vec<(Uuid, Choice)>,
}

/// How many members a results reply names in each of its lists: results
/// are read often and must stay small however large the roster; the counts
/// beside each list are complete.
pub const NAMED: usize = 20;

/// The invited members as results need them: counts, and by name only the
/// first [`NAMED`] of each list. Its size does not grow with the roster's:
/// members are counted by their clock (zone and social hours), of which
/// even a consultation of thousands has a few dozen.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    pub invited: i64,
    pub required: i64,
    pub answered: i64,
    /// Members by clock, in [`Clock::order`].
    pub clocks: Vec<Clock>,
    /// For each timed option, the first [`NAMED`] members (by invitation)
    /// it keeps up outside their social hours; each member once, in
    /// invitation order. Only these are ever named in the options' lists.
    pub outside: Vec<Named>,
    /// The first who have not answered, by invitation.
    pub silent: Vec<Named>,
    /// Answers the organiser recorded on members' behalf.
    pub proxies: i64,
    /// The first of them, with who recorded each.
    pub proxy_answers: Vec<(Named, String)>,
}

/// Invited members who share a zone and social hours.
#[derive(Debug, Clone)]
pub struct Clock {
    pub zone: Zone,
    pub social_hours: SocialHours,
    pub members: i64,
}

impl Clock {
    /// Whether this is `m`'s clock.
    pub fn is_clock_of(&self, m: &Named) -> bool {
        self.zone == m.zone && self.social_hours == m.social_hours
    }

    /// One order for clocks wherever they are read from: by zone name, then
    /// social hours.
    pub fn order(&self) -> (&'static str, NaiveTime, NaiveTime) {
        (
            self.zone.name(),
            self.social_hours.start,
            self.social_hours.end,
        )
    }
}

/// An invited member named in results.
#[derive(Debug, Clone)]
pub struct Named {
    pub invitation_id: Uuid,
    pub member_id: Uuid,
    pub name: String,
    pub required: bool,
    pub zone: Zone,
    pub social_hours: SocialHours,
}

impl Named {
    pub fn of(i: &Invitee) -> Named {
        Named {
            invitation_id: i.invitation_id,
            member_id: i.member_id,
            name: i.name.clone(),
            required: i.required,
            zone: i.zone,
            social_hours: i.social_hours,
        }
    }
}

impl Roster {
    /// The summary of a whole roster held in memory, for a poll of `slots`
    /// (the store builds it in SQL instead; this is for examples and
    /// tests). `invitees` in invitation order.
    pub fn of(invitees: &[Invitee], slots: &[Slot]) -> Roster {
        let mut clocks: Vec<Clock> = Vec::new();
        for i in invitees {
            match clocks
                .iter_mut()
                .find(|c| c.zone == i.zone && c.social_hours == i.social_hours)
            {
                Some(c) => c.members += 1,
                None => clocks.push(Clock {
                    zone: i.zone,
                    social_hours: i.social_hours,
                    members: 1,
                }),
            }
        }
        clocks.sort_by_key(Clock::order);
        let mut outside: BTreeMap<Uuid, Named> = BTreeMap::new();
        for slot in slots {
            for i in invitees
                .iter()
                .filter(|i| i.social_hours.kept_outside_by(i.zone, slot))
                .take(NAMED)
            {
                outside.insert(i.invitation_id, Named::of(i));
            }
        }
        let recorded = invitees.iter().filter_map(|i| {
            let by = i.answer.as_ref()?.recorded_by.clone()?;
            Some((Named::of(i), by))
        });
        Roster {
            invited: invitees.len() as i64,
            required: invitees.iter().filter(|i| i.required).count() as i64,
            answered: invitees.iter().filter(|i| i.answer.is_some()).count() as i64,
            clocks,
            outside: outside.into_values().collect(),
            silent: invitees
                .iter()
                .filter(|i| i.answer.is_none())
                .take(NAMED)
                .map(Named::of)
                .collect(),
            proxies: recorded.clone().count() as i64,
            proxy_answers: recorded.take(NAMED).collect(),
        }
    }
}

/// Invited members of one zone and, per option, how many of them can make
/// it (yes or if need be): a row of the heat map of availability across a
/// roster's zones. Members who have not answered count as not available.
#[derive(Debug, Clone)]
pub struct ZoneAvailability {
    pub zone: Zone,
    pub members: i64,
    /// Per option id.
    pub available: HashMap<Uuid, i64>,
}

impl ZoneAvailability {
    /// The share of the zone's members available for `option`, in whole
    /// percent (rounded down, so 100 means every one of them).
    pub fn percent(&self, option: Uuid) -> i64 {
        let n = self.available.get(&option).copied().unwrap_or(0);
        if self.members <= 0 {
            0
        } else {
            (n.clamp(0, self.members) * 100) / self.members
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zone_s_share_is_of_its_members_whether_or_not_they_answered() {
        let option = Uuid::from_u128(7);
        let z = ZoneAvailability {
            zone: Zone::parse("Asia/Tokyo").unwrap(),
            members: 6,
            available: HashMap::from([(option, 4)]),
        };
        assert_eq!(z.percent(option), 66);
        assert_eq!(z.percent(Uuid::from_u128(8)), 0);
        let empty = ZoneAvailability {
            members: 0,
            ..z.clone()
        };
        assert_eq!(empty.percent(option), 0);
    }
}
