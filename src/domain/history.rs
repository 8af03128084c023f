//! The vocabulary of a poll's history: who acts, and what they do. The store
//! writes these spellings and the API reads them back, so both go through
//! one list.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::poll::string_enum;

string_enum!(
    /// Who did something to a poll.
    ActorKind { Organiser = "organiser", Respondent = "respondent" }
);

string_enum!(
    /// What was done.
    HistoryAction {
        PollCreated = "poll_created",
        PollUpdated = "poll_updated",
        OptionAdded = "option_added",
        OptionUpdated = "option_updated",
        OptionDeleted = "option_deleted",
        PollClosed = "poll_closed",
        PollReopened = "poll_reopened",
        PollConfirmed = "poll_confirmed",
        PollCancelled = "poll_cancelled",
        MembersInvited = "members_invited",
        InvitationReissued = "invitation_reissued",
        ResponseSubmitted = "response_submitted",
        ResponseReplaced = "response_replaced",
        ResponseWithdrawn = "response_withdrawn",
    }
);

impl HistoryAction {
    /// A change of someone's answer (which aggregate-only polls never show).
    pub fn is_response(self) -> bool {
        matches!(
            self,
            Self::ResponseSubmitted | Self::ResponseReplaced | Self::ResponseWithdrawn
        )
    }
}

/// Who did something, for the history.
#[derive(Debug, Clone)]
pub struct Actor {
    pub kind: ActorKind,
    pub name: String,
    /// Set when an organiser acts for a member (a proxy answer).
    pub on_behalf_of: Option<String>,
}

impl Actor {
    pub fn organiser(name: &str) -> Self {
        Actor {
            kind: ActorKind::Organiser,
            name: name.to_string(),
            on_behalf_of: None,
        }
    }

    pub fn respondent(name: &str) -> Self {
        Actor {
            kind: ActorKind::Respondent,
            name: name.to_string(),
            on_behalf_of: None,
        }
    }

    /// An organiser recording a member's answer for them.
    pub fn proxy(organiser: &str, member: &str) -> Self {
        Actor {
            kind: ActorKind::Organiser,
            name: organiser.to_string(),
            on_behalf_of: Some(member.to_string()),
        }
    }
}

/// A history row as stored: the spellings its writer used.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_name: String,
    pub action: String,
    pub response_id: Option<Uuid>,
    pub details: String,
    pub on_behalf_of: Option<String>,
}

/// A history entry as its reader is shown it (the API's getPollHistory and
/// the console's history page alike).
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_kind: ActorKind,
    /// Absent for respondents on aggregate-only polls.
    pub actor_name: Option<String>,
    pub on_behalf_of: Option<String>,
    pub action: HistoryAction,
    pub response_id: Option<Uuid>,
    pub details: serde_json::Value,
}

impl Entry {
    /// Reads a stored row. On an aggregate-only poll (`counts_only`), an
    /// answer's entry keeps who answered and what to itself: only the
    /// revision is left. None when the row does not parse: every row was
    /// written with these spellings, so that is damage, not something to
    /// skip quietly.
    pub fn read(row: Recorded, counts_only: bool) -> Option<Entry> {
        let action = HistoryAction::parse(&row.action)?;
        let kind = ActorKind::parse(&row.actor_kind)?;
        let details: serde_json::Value =
            serde_json::from_str(&row.details).unwrap_or(serde_json::Value::Null);
        let hide = counts_only && action.is_response();
        Some(Entry {
            id: row.id,
            at: row.at,
            actor_kind: kind,
            actor_name: (!hide || kind == ActorKind::Organiser).then_some(row.actor_name),
            on_behalf_of: row.on_behalf_of.filter(|_| !hide),
            action,
            response_id: row.response_id,
            details: if hide {
                serde_json::json!({ "revision": details.get("revision") })
            } else {
                details
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_told_apart_from_organiser_actions() {
        assert!(HistoryAction::ResponseWithdrawn.is_response());
        assert!(!HistoryAction::MembersInvited.is_response());
        assert_eq!(
            HistoryAction::parse("invitation_reissued"),
            Some(HistoryAction::InvitationReissued)
        );
        assert_eq!(HistoryAction::parse("poll_exploded"), None);
        assert_eq!(
            ActorKind::parse(ActorKind::Organiser.as_str()),
            Some(ActorKind::Organiser)
        );
    }
}
