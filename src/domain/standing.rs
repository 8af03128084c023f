//! Where a poll stands: its counts, and the invited members with their
//! answers. Results, the ranking and the confirm choice are computed from
//! this; the store fills it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::poll::{Choice, Poll};
use super::time::{SocialHours, Zone};

/// Counts for one poll.
#[derive(Debug, Clone, Default)]
pub struct Tallies {
    pub responses: i64,
    /// Per option: yes, if need be, no.
    pub options: HashMap<Uuid, [i64; 3]>,
}

impl Tallies {
    /// An option's yes, if need be and no, and the respondents who left it
    /// unanswered.
    pub fn of(&self, option: Uuid) -> [i64; 4] {
        let [yes, inb, no] = self.options.get(&option).copied().unwrap_or_default();
        [yes, inb, no, (self.responses - yes - inb - no).max(0)]
    }
}

/// Everything results are computed from: the poll, its counts, and — for
/// polls with invitations — the roster and the required members' availability.
#[derive(Debug, Clone)]
pub struct Standing {
    pub poll: Poll,
    pub tallies: Tallies,
    pub roster: Vec<Invitee>,
    /// Per option: required members who said yes or if need be.
    pub required_available: HashMap<Uuid, i64>,
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
