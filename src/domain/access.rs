//! Who may read what: a poll, its results, its members' names and answers,
//! the attendees of its calendar files. Every face (the API, the member
//! pages, the console) asks these rules and only translates their answer:
//! a refusal is a [`Denied`], worded by the face for its reader.

use uuid::Uuid;

use super::poll::{Poll, ResultsVisibility, Voting};
use super::roles::{self, Action, NotAllowed, Role, Scope};
use super::time::{SocialHours, Zone};

/// A person of a workspace, as their API token resolves: who acts (history
/// names them), for which workspace, and with what rights (their role,
/// narrowed by the token's scope).
#[derive(Debug, Clone)]
pub struct Organiser {
    /// The workspace: what polls, groups, feeds and webhooks belong to.
    pub workspace_id: Uuid,
    pub person_id: Uuid,
    /// The person's name, as history shows it.
    pub name: String,
    pub role: Role,
    pub scope: Scope,
}

impl Organiser {
    /// Whether this person, with this token, may do `action`.
    pub fn may(&self, action: Action) -> Result<(), NotAllowed> {
        roles::may(self.role, self.scope, action)
    }

    /// Whether answers may carry secrets (vote links, feed addresses).
    pub fn sees_secrets(&self) -> bool {
        self.may(Action::SeeSecrets).is_ok()
    }
}

/// What an invitation token opens: voting and reading in one poll.
#[derive(Debug, Clone)]
pub struct InvitationGrant {
    pub invitation_id: Uuid,
    pub poll_id: Uuid,
    pub member_id: Uuid,
    pub member_name: String,
    /// The member's own zone: the default for showing them option times.
    pub zone: Zone,
    pub social_hours: SocialHours,
    /// The member's language (BCP 47), for their page.
    pub language: Option<String>,
    /// What the invitation's links are derived from (`LinkKey::derive`).
    pub link_salt: Option<String>,
    pub answered: bool,
}

/// What a response edit token opens.
#[derive(Debug, Clone, Copy)]
pub struct ResponseGrant {
    pub response_id: Uuid,
    pub poll_id: Uuid,
}

/// Who is reading: resolved from a bearer token (the API) or from the token
/// in a page's address (the member pages).
#[derive(Debug, Clone)]
pub enum Reader {
    Organiser(Organiser),
    Invitee(InvitationGrant),
    Respondent(ResponseGrant),
    Anonymous,
}

impl Reader {
    /// Whether this reader keeps the poll (its organiser).
    pub fn owns(&self, poll: &Poll) -> bool {
        matches!(self, Reader::Organiser(o) if o.workspace_id == poll.organiser_id)
    }

    /// Whether this reader takes part in the poll by a token of it.
    fn takes_part(&self, poll: &Poll) -> bool {
        match self {
            Reader::Invitee(i) => i.poll_id == poll.id,
            Reader::Respondent(r) => r.poll_id == poll.id,
            Reader::Organiser(_) | Reader::Anonymous => false,
        }
    }
}

/// The zone a reader sees times in unless they ask for another (`?tz=`):
/// an invited member's own clock, else the poll's.
pub fn default_zone(poll: &Poll, reader: &Reader) -> Zone {
    match reader {
        Reader::Invitee(i) if i.poll_id == poll.id => i.zone,
        _ => poll.zone,
    }
}

/// Why a reader may not see something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// An invite-only poll is invisible to outsiders, whether or not it
    /// exists: the same answer as a poll that does not.
    Invisible,
    /// Results show once the reader has answered.
    ResultsAfterVoting,
    /// Only the organiser sees this poll's results.
    ResultsOrganisersOnly,
    /// The poll publishes counts only: no one's answers, not even by id.
    CountsOnly,
}

/// Whether `reader` may read the poll at all.
pub fn ensure_readable(poll: &Poll, reader: &Reader) -> Result<(), Denied> {
    if reader.owns(poll) || reader.takes_part(poll) || poll.settings.voting == Voting::Open {
        Ok(())
    } else {
        Err(Denied::Invisible)
    }
}

/// Whether `reader` may read the poll's results, per its visibility.
pub fn ensure_results_visible(poll: &Poll, reader: &Reader) -> Result<(), Denied> {
    ensure_readable(poll, reader)?;
    match (reader, poll.settings.results_visibility) {
        _ if reader.owns(poll) => Ok(()),
        (_, ResultsVisibility::Everyone) => Ok(()),
        (Reader::Respondent(r), ResultsVisibility::AfterVoting) if r.poll_id == poll.id => Ok(()),
        (Reader::Invitee(i), ResultsVisibility::AfterVoting)
            if i.poll_id == poll.id && i.answered =>
        {
            Ok(())
        }
        (_, ResultsVisibility::AfterVoting) => Err(Denied::ResultsAfterVoting),
        (_, ResultsVisibility::Organisers) => Err(Denied::ResultsOrganisersOnly),
    }
}

/// Whether `reader` sees the roster by name in results (who has not
/// answered, whose social hours an option breaks): the poll's organiser,
/// who keeps the roster, except on aggregate-only polls, which name nobody.
/// Everyone else who sees results gets the counts.
pub fn roster_visible(poll: &Poll, reader: &Reader) -> bool {
    reader.owns(poll) && answers_shown(poll)
}

/// Whether anyone — the organiser included — sees individual answers of
/// the poll (in lists, history, exports, invitations, calendar attendees):
/// never on an aggregate-only poll.
pub fn answers_shown(poll: &Poll) -> bool {
    !poll.settings.aggregate_only
}

/// The individual answers `reader` may list, and whether with names:
/// whoever sees the results, with names for the organiser or when the
/// poll shows voter names; never on an aggregate-only poll.
pub fn ensure_answers_listed(poll: &Poll, reader: &Reader) -> Result<AnswersNamed, Denied> {
    ensure_results_visible(poll, reader)?;
    if !answers_shown(poll) {
        return Err(Denied::CountsOnly);
    }
    Ok(AnswersNamed(
        reader.owns(poll) || poll.settings.show_voter_names,
    ))
}

/// Whether a list of answers carries the voters' names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswersNamed(pub bool);

/// The attendees a reader sees in a poll's calendar files (event.ics,
/// holds.ics): a PARTSTAT is an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attendees {
    /// The organiser: every invited member with an address.
    Everyone,
    /// An invited member: their own line, by their invitation.
    Own(Uuid),
    /// Anyone else, and everyone on an aggregate-only poll.
    Nobody,
}

/// The attendees `reader` sees in the poll's calendar files.
pub fn calendar_attendees(poll: &Poll, reader: &Reader) -> Attendees {
    match reader {
        _ if reader.owns(poll) && answers_shown(poll) => Attendees::Everyone,
        Reader::Invitee(me) if me.poll_id == poll.id => Attendees::Own(me.invitation_id),
        _ => Attendees::Nobody,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::poll::{PollStatus, Settings};

    fn poll(voting: Voting, visibility: ResultsVisibility, aggregate_only: bool) -> Poll {
        let at = "2026-06-01T10:00:00Z".parse().unwrap();
        Poll {
            id: Uuid::from_u128(1),
            organiser_id: Uuid::from_u128(2),
            title: "Second Open Consultations".into(),
            description: String::new(),
            location: String::new(),
            zone: Zone::parse("Europe/Vienna").unwrap(),
            status: PollStatus::Open,
            deadline: None,
            settings: Settings {
                voting,
                results_visibility: visibility,
                aggregate_only,
                ..Settings::default()
            },
            options: Vec::new(),
            confirmed_option: None,
            version: 1,
            created_at: at,
            updated_at: at,
            reminders: Vec::new(),
        }
    }

    fn organiser(id: u128) -> Reader {
        Reader::Organiser(Organiser {
            workspace_id: Uuid::from_u128(id),
            person_id: Uuid::from_u128(id + 100),
            name: "Chengetai".into(),
            role: Role::Viewer,
            scope: Scope::Read,
        })
    }

    fn invitee(poll: u128, answered: bool) -> Reader {
        Reader::Invitee(InvitationGrant {
            invitation_id: Uuid::from_u128(9),
            poll_id: Uuid::from_u128(poll),
            member_id: Uuid::from_u128(8),
            member_name: "Yoichi".into(),
            zone: Zone::parse("Asia/Tokyo").unwrap(),
            social_hours: SocialHours {
                start: chrono::NaiveTime::from_hms_opt(7, 0, 0).unwrap(),
                end: chrono::NaiveTime::from_hms_opt(22, 0, 0).unwrap(),
            },
            language: None,
            link_salt: None,
            answered,
        })
    }

    fn respondent(poll: u128) -> Reader {
        Reader::Respondent(ResponseGrant {
            response_id: Uuid::from_u128(7),
            poll_id: Uuid::from_u128(poll),
        })
    }

    #[test]
    fn invite_only_polls_are_invisible_to_everyone_outside_them() {
        let p = poll(Voting::InviteOnly, ResultsVisibility::Everyone, false);
        for outsider in [
            organiser(3),
            invitee(4, true),
            respondent(4),
            Reader::Anonymous,
        ] {
            assert_eq!(ensure_readable(&p, &outsider), Err(Denied::Invisible));
        }
        for insider in [organiser(2), invitee(1, false), respondent(1)] {
            assert_eq!(ensure_readable(&p, &insider), Ok(()));
        }
        let open = poll(Voting::Open, ResultsVisibility::Everyone, false);
        assert_eq!(ensure_readable(&open, &Reader::Anonymous), Ok(()));
    }

    #[test]
    fn results_show_per_the_poll_s_visibility() {
        let after = poll(Voting::InviteOnly, ResultsVisibility::AfterVoting, false);
        assert_eq!(
            ensure_results_visible(&after, &invitee(1, false)),
            Err(Denied::ResultsAfterVoting)
        );
        assert_eq!(ensure_results_visible(&after, &invitee(1, true)), Ok(()));
        assert_eq!(ensure_results_visible(&after, &respondent(1)), Ok(()));
        assert_eq!(ensure_results_visible(&after, &organiser(2)), Ok(()));
        let organisers = poll(Voting::Open, ResultsVisibility::Organisers, false);
        assert_eq!(
            ensure_results_visible(&organisers, &respondent(1)),
            Err(Denied::ResultsOrganisersOnly)
        );
        assert_eq!(ensure_results_visible(&organisers, &organiser(2)), Ok(()));
        // Invisibility comes first: an outsider learns nothing else.
        let hidden = poll(Voting::InviteOnly, ResultsVisibility::Organisers, false);
        assert_eq!(
            ensure_results_visible(&hidden, &Reader::Anonymous),
            Err(Denied::Invisible)
        );
    }

    #[test]
    fn aggregate_only_polls_name_nobody_not_even_to_their_organiser() {
        let counts = poll(Voting::Open, ResultsVisibility::Everyone, true);
        assert!(!roster_visible(&counts, &organiser(2)));
        assert!(!answers_shown(&counts));
        assert_eq!(
            ensure_answers_listed(&counts, &organiser(2)),
            Err(Denied::CountsOnly)
        );
        assert_eq!(
            calendar_attendees(&counts, &organiser(2)),
            Attendees::Nobody
        );

        let named = poll(Voting::InviteOnly, ResultsVisibility::Everyone, false);
        assert!(roster_visible(&named, &organiser(2)));
        assert!(!roster_visible(&named, &invitee(1, true)));
        assert_eq!(
            ensure_answers_listed(&named, &organiser(2)),
            Ok(AnswersNamed(true))
        );
        assert_eq!(
            ensure_answers_listed(&named, &invitee(1, true)),
            Ok(AnswersNamed(true))
        );
        let mut unnamed = named.clone();
        unnamed.settings.show_voter_names = false;
        assert_eq!(
            ensure_answers_listed(&unnamed, &invitee(1, true)),
            Ok(AnswersNamed(false))
        );
        assert_eq!(
            ensure_answers_listed(&unnamed, &organiser(2)),
            Ok(AnswersNamed(true))
        );
        assert_eq!(
            calendar_attendees(&named, &organiser(2)),
            Attendees::Everyone
        );
        assert_eq!(
            calendar_attendees(&named, &invitee(1, true)),
            Attendees::Own(Uuid::from_u128(9))
        );
        assert_eq!(calendar_attendees(&named, &organiser(3)), Attendees::Nobody);
    }
}
