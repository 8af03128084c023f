//! The vocabulary of a poll's history: who acts, and what they do. The store
//! writes these spellings and the API reads them back, so both go through
//! one list.

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
