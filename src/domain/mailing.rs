//! Who gets which mail, and why not: the one rule for invitations (sent by
//! `createInvitations` and `sendInvitationEmails`) and reminders (on demand
//! and the automatic rounds). The store asks it for each member inside the
//! transaction that queues the mail; the API reports its reasons as they are.

/// Who a mail to a member is from: the workspace by name, at the
/// service's own address (the envelope sender and `From` address stay the
/// operator's, so SPF and DKIM keep passing), with replies going to the
/// workspace's address; and the ORGANIZER of its calendar invitations, so a
/// member's "Accept" reaches the secretariat rather than the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    /// `From`'s display name.
    pub name: String,
    /// `Reply-To`, when the workspace has an address.
    pub reply_to: Option<String>,
    /// iTIP ORGANIZER's address: the workspace's, else the service's.
    pub organizer: String,
}

pub fn sender(workspace: &str, reply_to: Option<&str>, service_address: &str) -> Sender {
    Sender {
        name: workspace.to_string(),
        reply_to: reply_to.map(str::to_string),
        organizer: reply_to.unwrap_or(service_address).to_string(),
    }
}

/// A mail to an invited member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberMail {
    /// The invitation: to everyone not mailed yet, or again to members
    /// the organiser chose by name (`resend`).
    Invitation { resend: bool },
    /// A reminder, to a member who has not answered.
    Reminder,
}

/// What has become of an earlier mail of the same kind to the member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Earlier {
    /// Waiting in the outbox.
    Queued,
    /// Left for the mail server.
    Sent,
}

impl Earlier {
    /// Reads an outbox row's state; other states (failed, dropped) leave
    /// the member free to be mailed again.
    pub fn of_state(state: &str) -> Option<Earlier> {
        match state {
            "queued" => Some(Earlier::Queued),
            "sent" => Some(Earlier::Sent),
            _ => None,
        }
    }

    /// Of several earlier mails, the one that speaks: a queued one says
    /// "on its way" over a sent one.
    pub fn most_telling(a: Option<Earlier>, b: Option<Earlier>) -> Option<Earlier> {
        match (a, b) {
            (Some(Earlier::Queued), _) | (_, Some(Earlier::Queued)) => Some(Earlier::Queued),
            (a, b) => a.or(b),
        }
    }
}

/// Why a member is not mailed; the API reports it as written
/// (`email_state`, `skipped[].reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// The member has no address.
    NoAddress,
    /// The same mail waits in the outbox already.
    AlreadyQueued,
    /// The invitation went out before (send it again by choosing the member).
    AlreadyMailed,
    /// The service has no mail server: nothing is queued.
    NotConfigured,
}

impl Skip {
    pub fn as_str(self) -> &'static str {
        match self {
            Skip::NoAddress => "no_address",
            Skip::AlreadyQueued => "already_queued",
            Skip::AlreadyMailed => "already_mailed",
            Skip::NotConfigured => "not_configured",
        }
    }
}

/// Whether `mail` goes to a member now, or why not. A sent reminder does
/// not stop the next one; a sent invitation stops another unless the
/// organiser chose the member.
pub fn decide(
    mail: MemberMail,
    has_address: bool,
    earlier: Option<Earlier>,
    configured: bool,
) -> Result<(), Skip> {
    match (mail, earlier) {
        _ if !has_address => Err(Skip::NoAddress),
        (_, Some(Earlier::Queued)) => Err(Skip::AlreadyQueued),
        (MemberMail::Invitation { resend: false }, Some(Earlier::Sent)) => Err(Skip::AlreadyMailed),
        _ if !configured => Err(Skip::NotConfigured),
        _ => Ok(()),
    }
}

/// Whether a member is reminded: only who has not answered, and of those
/// only the required members when the organiser asks for them alone.
pub fn reminded(answered: bool, required: bool, required_only: bool) -> bool {
    !answered && (required || !required_only)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIRST: MemberMail = MemberMail::Invitation { resend: false };
    const AGAIN: MemberMail = MemberMail::Invitation { resend: true };

    #[test]
    fn invitations_go_once_unless_the_organiser_chooses_the_member() {
        assert_eq!(decide(FIRST, true, None, true), Ok(()));
        assert_eq!(
            decide(FIRST, true, Some(Earlier::Sent), true),
            Err(Skip::AlreadyMailed)
        );
        assert_eq!(decide(AGAIN, true, Some(Earlier::Sent), true), Ok(()));
        assert_eq!(
            decide(AGAIN, true, Some(Earlier::Queued), true),
            Err(Skip::AlreadyQueued)
        );
        assert_eq!(decide(FIRST, false, None, true), Err(Skip::NoAddress));
        // No address is said before anything else, even without a server.
        assert_eq!(
            decide(AGAIN, false, Some(Earlier::Queued), false),
            Err(Skip::NoAddress)
        );
        assert_eq!(decide(FIRST, true, None, false), Err(Skip::NotConfigured));
        assert_eq!(
            decide(FIRST, true, Some(Earlier::Sent), false),
            Err(Skip::AlreadyMailed)
        );
    }

    #[test]
    fn reminders_repeat_but_never_pile_up() {
        let r = MemberMail::Reminder;
        assert_eq!(decide(r, true, Some(Earlier::Sent), true), Ok(()));
        assert_eq!(
            decide(r, true, Some(Earlier::Queued), true),
            Err(Skip::AlreadyQueued)
        );
        assert_eq!(decide(r, false, None, true), Err(Skip::NoAddress));
        assert_eq!(decide(r, true, None, false), Err(Skip::NotConfigured));
        assert!(reminded(false, false, false));
        assert!(!reminded(false, false, true));
        assert!(reminded(false, true, true));
        assert!(!reminded(true, true, false));
    }

    #[test]
    fn a_queued_mail_tells_more_than_a_sent_one() {
        use Earlier::*;
        assert_eq!(
            Earlier::most_telling(Some(Sent), Some(Queued)),
            Some(Queued)
        );
        assert_eq!(Earlier::most_telling(None, Some(Sent)), Some(Sent));
        assert_eq!(Earlier::of_state("failed"), None);
    }

    #[test]
    fn mail_is_from_the_workspace_at_the_service_s_address() {
        let s = sender(
            "IGF Secretariat",
            Some("igf@example.org"),
            "convene@example.net",
        );
        assert_eq!(s.name, "IGF Secretariat");
        assert_eq!(s.reply_to.as_deref(), Some("igf@example.org"));
        assert_eq!(s.organizer, "igf@example.org");
        let bare = sender("IGF Secretariat", None, "convene@example.net");
        assert_eq!(bare.reply_to, None);
        assert_eq!(bare.organizer, "convene@example.net");
    }
}
