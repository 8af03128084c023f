//! Invitations: inviting members of the organiser's groups to a poll, seeing
//! who has answered, reissuing a member's token, and recording an answer on a
//! member's behalf.

use crate::domain::roles::Action;
use poem::web::Data;
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};
use serde::Deserialize;
use uuid::Uuid;

use super::auth::OrganiserToken;
use super::body::JsonBody;
use super::error::error_responses;
use super::paging::{page_limit, parse_cursor};
use super::responses::{ResponseInput, ResponseView, VoteView, view};
use super::tags::ApiTags;
use super::types::{Instant, Items, TimeZone};
use crate::domain::access;
use crate::domain::history::Actor;
use crate::domain::limits::MAX_MEMBERS_PER_REQUEST;
use crate::domain::mailing::Skip;
use crate::domain::standing::Invitee;
use crate::domain::time::render_utc;
use crate::domain::token::{LinkKey, TokenKind};
use crate::error::Error;
use crate::links::feed_urls;
use crate::mail::Mail;
use crate::store::Store;
use crate::store::ballots::Voter;
use crate::store::invitations::{Invitees, IssuedInvitation};
use crate::store::mailing::QueuedMails;
use crate::store::outbox::Delivery;
use crate::web::PublicUrl;

/// Whom to invite: a whole group, or chosen members of your groups.
#[derive(Object, Deserialize, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
#[serde(deny_unknown_fields)]
pub struct CreateInvitationsRequest {
    /// Invite every member of this group.
    #[oai(skip_serializing_if_is_none)]
    pub group_id: Option<Uuid>,
    /// Or invite these members (of any of your groups), at most 20,000.
    #[oai(skip_serializing_if_is_none)]
    pub member_ids: Option<Items<Uuid, 1, MAX_MEMBERS_PER_REQUEST>>,
    /// Required members decide the ranking and the quorum; optional ones
    /// are counted but not waited for. Default true.
    #[oai(skip_serializing_if_is_none)]
    pub required: Option<bool>,
    /// Mail each new invitee with an address their invitation (with their
    /// personal `vote_url`), through the outbox. Default false.
    #[oai(skip_serializing_if_is_none)]
    pub send_email: Option<bool>,
}

impl poem_openapi::types::Example for CreateInvitationsRequest {
    fn example() -> Self {
        CreateInvitationsRequest {
            group_id: Some(Uuid::from_u128(0x019ac0de_9a0f_7d21_8c3e_5b6a7c8d9e01)),
            member_ids: None,
            required: Some(true),
            send_email: Some(true),
        }
    }
}

impl CreateInvitationsRequest {
    fn parse(self) -> Result<Invitees, Error> {
        match (self.group_id, self.member_ids) {
            (Some(g), None) => Ok(Invitees::Group(g)),
            (None, Some(ids)) if ids.is_empty() => {
                Err(Error::invalid("member_ids", "name at least one member"))
            }
            (None, Some(ids)) if ids.len() > MAX_MEMBERS_PER_REQUEST => Err(Error::invalid(
                "member_ids",
                format!("at most {MAX_MEMBERS_PER_REQUEST} members per request"),
            )),
            (None, Some(ids)) => Ok(Invitees::Members(ids.0)),
            (Some(_), Some(_)) => Err(Error::invalid(
                "member_ids",
                "give either group_id or member_ids, not both",
            )),
            (None, None) => Err(Error::invalid(
                "group_id",
                "give a group_id or a list of member_ids",
            )),
        }
    }
}

/// An invited member and whether, when and how they have answered.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case")]
pub struct InvitationView {
    /// The invitation's id (for reissueInvitation and recordProxyResponse).
    pub id: Uuid,
    /// The member's id.
    pub member_id: Uuid,
    /// The member's name.
    pub name: String,
    /// Optional; invited members with an email appear as ATTENDEE in calendar files.
    #[oai(skip_serializing_if_is_none)]
    pub email: Option<String>,
    /// The member's own zone: option times are shown to them in it.
    pub time_zone: TimeZone,
    /// Whether the poll waits for this member: required members decide the ranking and the quorum.
    pub required: bool,
    pub invited_at: Instant,
    /// Whether the member has answered (absent on aggregate-only polls,
    /// which never say who answered; the page's counts still do).
    #[oai(skip_serializing_if_is_none)]
    pub answered: Option<bool>,
    /// When they last answered.
    #[oai(skip_serializing_if_is_none)]
    pub answered_at: Option<Instant>,
    /// Set when the organiser recorded the answer on their behalf.
    #[oai(skip_serializing_if_is_none)]
    pub recorded_by: Option<String>,
    /// Their choices (never for aggregate-only polls).
    #[oai(skip_serializing_if_is_none)]
    pub votes: Option<Vec<VoteView>>,
    // Documented on EmailState: a doc comment here would make poem-openapi
    // wrap the reference in allOf, which generated clients mishandle.
    #[oai(skip_serializing_if_is_none)]
    pub email_state: Option<EmailState>,
    /// Why the mail failed, or why its last try did.
    #[oai(skip_serializing_if_is_none)]
    pub email_error: Option<String>,
    /// The member's personal page: they vote there, in their language and
    /// zone, without an API client. It holds their token: send it to them
    /// only. Absent for invitations made before pages existed (reissue).
    #[oai(skip_serializing_if_is_none)]
    pub vote_url: Option<String>,
}

/// Which invitations to mail.
#[derive(Object, Deserialize, Debug, Clone, Default)]
#[oai(rename_all = "snake_case", example)]
#[serde(deny_unknown_fields)]
pub struct SendInvitationEmailsRequest {
    /// Mail these invitations (again, if they were mailed before). Left
    /// out: every invitee who has not been mailed yet.
    #[oai(skip_serializing_if_is_none)]
    pub invitation_ids: Option<Items<Uuid, 1, MAX_MEMBERS_PER_REQUEST>>,
}

impl poem_openapi::types::Example for SendInvitationEmailsRequest {
    fn example() -> Self {
        SendInvitationEmailsRequest::default()
    }
}

/// Whom to remind.
#[derive(Object, Deserialize, Debug, Clone, Default)]
#[oai(rename_all = "snake_case", example)]
#[serde(deny_unknown_fields)]
pub struct SendRemindersRequest {
    /// Remind required members only. Default false: every invited member
    /// who has not answered.
    #[oai(skip_serializing_if_is_none)]
    pub required_only: Option<bool>,
}

impl poem_openapi::types::Example for SendRemindersRequest {
    fn example() -> Self {
        SendRemindersRequest {
            required_only: Some(true),
        }
    }
}

/// Why an invitation was not mailed.
#[derive(poem_openapi::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum SkipReason {
    /// The member has no email address.
    NoAddress,
    /// Mailed before (ask for it by id to mail it again).
    AlreadyMailed,
    /// A mail to it is on its way.
    AlreadyQueued,
    /// The service has no SMTP server (`CONVENE_SMTP_URL`).
    NotConfigured,
}

/// An invitation left out, and why.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case")]
pub struct SkippedMail {
    pub invitation_id: Uuid,
    pub reason: SkipReason,
}

/// What a request to mail invitations did.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct MailsQueued {
    /// Invitations whose mail is now queued; listInvitations shows each
    /// one's `email_state` as it is sent.
    pub queued: Vec<Uuid>,
    pub skipped: Vec<SkippedMail>,
}

impl poem_openapi::types::Example for MailsQueued {
    fn example() -> Self {
        MailsQueued {
            queued: vec![super::examples::id(0x300), super::examples::id(0x301)],
            skipped: vec![SkippedMail {
                invitation_id: super::examples::id(0x302),
                reason: SkipReason::NoAddress,
            }],
        }
    }
}

#[derive(ApiResponse)]
pub enum MailsAccepted {
    /// Queued: the outbox sends them shortly, retrying temporary failures.
    #[oai(status = 202, content_type = "application/json")]
    Accepted(Json<MailsQueued>),
}

fn mails_queued(QueuedMails { queued, skipped }: QueuedMails) -> MailsQueued {
    let reason = |skip| match skip {
        Skip::NoAddress => SkipReason::NoAddress,
        Skip::AlreadyMailed => SkipReason::AlreadyMailed,
        Skip::AlreadyQueued => SkipReason::AlreadyQueued,
        Skip::NotConfigured => SkipReason::NotConfigured,
    };
    MailsQueued {
        queued,
        skipped: skipped
            .into_iter()
            .map(|(invitation_id, r)| SkippedMail {
                invitation_id,
                reason: reason(r),
            })
            .collect(),
    }
}

/// Where the invitation's mail is: `queued` (on its way, or being retried
/// after a temporary failure), `sent`, `failed` (see `email_error`),
/// `not_configured` (the service has no SMTP server), `no_address` (the
/// member has no email). Absent when no mail was asked for.
#[derive(poem_openapi::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum EmailState {
    Queued,
    Sent,
    Failed,
    NotConfigured,
    NoAddress,
}

/// An invitation's mail state: the outbox's latest row for it, else what
/// keeps it from being mailed.
fn email_state(
    invitee: &Invitee,
    delivery: Option<&Delivery>,
    configured: bool,
) -> (Option<EmailState>, Option<String>) {
    match (invitee.email.as_ref(), delivery) {
        (None, _) => (Some(EmailState::NoAddress), None),
        (_, Some(d)) => {
            let state = match d.state.as_str() {
                "sent" => EmailState::Sent,
                "failed" => EmailState::Failed,
                _ => EmailState::Queued,
            };
            (Some(state), d.error.clone())
        }
        (_, None) if !configured => (Some(EmailState::NotConfigured), None),
        (_, None) => (None, None),
    }
}

/// A new or reissued invitation, with the member's secrets shown only now.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct IssuedInvitationView {
    #[oai(flatten)]
    pub invitation: InvitationView,
    /// The member's personal token: send it to them; it reads and votes in
    /// this poll only. Shown only now (reissue to get a new one).
    pub token: String,
    /// The member's calendar feed: holds and confirmed events of every poll
    /// they are invited to. Shown only now.
    pub feed_url: String,
    /// The same feed as `webcal://`, which calendar apps open as a subscription.
    pub webcal_url: String,
}

impl poem_openapi::types::Example for IssuedInvitationView {
    fn example() -> Self {
        let mut all = <CreatedInvitations as poem_openapi::types::Example>::example().invitations;
        all.swap_remove(0)
    }
}

/// The invitations made by one request.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct CreatedInvitations {
    pub invitations: Vec<IssuedInvitationView>,
    /// Members who were invited already; their invitations are unchanged.
    pub already_invited: Vec<Uuid>,
}

/// A page of a poll's invitations, oldest first.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct InvitationPage {
    pub items: Vec<InvitationView>,
    /// Invited members in all.
    pub invited: i64,
    /// Of whom have answered.
    pub answered: i64,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

impl poem_openapi::types::Example for CreatedInvitations {
    /// The MAG roster invited to the reference poll.
    fn example() -> Self {
        CreatedInvitations {
            invitations: super::examples::roster()
                .into_iter()
                .enumerate()
                .map(|(n, mut invitee)| {
                    invitee.answer = None;
                    let secret = format!("{n}q2Yk0bV7dXn1uGmPzL8tA5wRcE9hJfS4oKiNyTgWb");
                    issued_view(
                        "https://convene.example.org",
                        IssuedInvitation {
                            invitee,
                            token: format!("cvn_inv_{secret}"),
                            feed_token: format!("cvn_feed_{secret}"),
                        },
                        Some(true),
                    )
                })
                .collect(),
            already_invited: Vec::new(),
        }
    }
}

impl poem_openapi::types::Example for InvitationPage {
    /// Who has answered the reference poll: Amara by phone, Anna not yet.
    fn example() -> Self {
        let roster = super::examples::roster();
        let links = Links {
            base: "https://convene.example.org",
            key: LinkKey::new(b"example".to_vec()),
        };
        InvitationPage {
            invited: roster.len() as i64,
            answered: roster.iter().filter(|i| i.answer.is_some()).count() as i64,
            items: roster
                .into_iter()
                .map(|i| {
                    let vote_url = links.vote_url(&i);
                    let email = email_state(
                        &i,
                        Some(&Delivery {
                            state: "sent".into(),
                            error: None,
                        }),
                        true,
                    );
                    invitation_view(i, AnswerShown::All, vote_url, email)
                })
                .collect(),
            next_cursor: None,
        }
    }
}

/// What an invitation view tells of the member's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AnswerShown {
    /// Whether, when, by whom and how (their choices).
    All,
    /// Whether, when and by whom, not how (a newly issued token's answer).
    NotHow,
    /// Nothing (aggregate-only polls never say who answered).
    Nothing,
}

/// Writes each invitation's personal link again from its salt.
struct Links<'a> {
    base: &'a str,
    key: LinkKey,
}

impl Links<'_> {
    fn vote_url(&self, i: &Invitee) -> Option<String> {
        let salt = i.link_salt.as_deref()?;
        let token = self.key.derive(TokenKind::Invitation, salt);
        Some(crate::links::vote_url(self.base, &token.secret))
    }
}

fn invitation_view(
    i: Invitee,
    shown: AnswerShown,
    vote_url: Option<String>,
    email: (Option<EmailState>, Option<String>),
) -> InvitationView {
    let answer = i.answer.filter(|_| shown != AnswerShown::Nothing);
    InvitationView {
        vote_url,
        email_state: email.0,
        email_error: email.1,
        id: i.invitation_id,
        member_id: i.member_id,
        name: i.name,
        email: i.email,
        time_zone: TimeZone(i.zone.name().into()),
        required: i.required,
        invited_at: Instant(render_utc(i.invited_at)),
        answered: (shown != AnswerShown::Nothing).then_some(answer.is_some()),
        answered_at: answer.as_ref().map(|a| Instant(render_utc(a.answered_at))),
        recorded_by: answer.as_ref().and_then(|a| a.recorded_by.clone()),
        votes: answer.filter(|_| shown == AnswerShown::All).map(|a| {
            a.votes
                .into_iter()
                .map(|(option_id, c)| VoteView {
                    option_id,
                    choice: c.into(),
                    attendance: None,
                    days: None,
                    seat: None,
                })
                .collect()
        }),
    }
}

/// `mail`: whether this request asked for the invitation mail, and whether
/// the service can send it.
fn issued_view(base: &str, i: IssuedInvitation, mail: Option<bool>) -> IssuedInvitationView {
    let (feed_url, webcal_url) = feed_urls(base, &i.feed_token);
    let email = match mail {
        None => (None, None),
        Some(configured) => {
            let queued = Delivery {
                state: "queued".into(),
                error: None,
            };
            email_state(&i.invitee, configured.then_some(&queued), configured)
        }
    };
    IssuedInvitationView {
        invitation: invitation_view(
            i.invitee,
            AnswerShown::NotHow,
            Some(crate::links::vote_url(base, &i.token)),
            email,
        ),
        token: i.token,
        feed_url,
        webcal_url,
    }
}

error_responses!(InvitationsError {
    BadRequest = 400: "The body or a parameter is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    Forbidden = 403: "A read token, or a viewer: this needs an editor or an owner with a write token.",
    NotFound = 404: "No such poll, group or invitation of yours.",
    PayloadTooLarge = 413: "The body is too large.",
    UnsupportedMediaType = 415: "The body is not JSON.",
    Unprocessable = 422: "A field is invalid; `errors` names each one.",
});

error_responses!(ListInvitationsError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    NotFound = 404: "No such poll of yours.",
    Unprocessable = 422: "A parameter is invalid.",
});

error_responses!(ReissueError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    Forbidden = 403: "A read token, or a viewer: this needs an editor or an owner with a write token.",
    NotFound = 404: "No such poll or invitation of yours.",
});

error_responses!(SendEmailsError {
    BadRequest = 400: "The body is not valid JSON.",
    Unauthorized = 401: "No valid organiser token.",
    Forbidden = 403: "A read token, or a viewer: this needs an editor or an owner with a write token.",
    NotFound = 404: "No such poll of yours.",
    PayloadTooLarge = 413: "The body is too large.",
    UnsupportedMediaType = 415: "The body is not JSON.",
    Unprocessable = 422: "An id is not an invitation of this poll; `errors` names each one.",
});

error_responses!(RemindersError {
    BadRequest = 400: "The body is not valid JSON.",
    Unauthorized = 401: "No valid organiser token.",
    Forbidden = 403: "A read token, or a viewer: this needs an editor or an owner with a write token.",
    NotFound = 404: "No such poll of yours.",
    Conflict = 409: "Voting is closed: no reminders.",
    PayloadTooLarge = 413: "The body is too large.",
    UnsupportedMediaType = 415: "The body is not JSON.",
    Unprocessable = 422: "A field is invalid; `errors` names each one.",
});

error_responses!(ProxyError {
    BadRequest = 400: "The body is not valid JSON.",
    Unauthorized = 401: "No valid organiser token.",
    Forbidden = 403: "A read token, or a viewer: this needs an editor or an owner with a write token.",
    NotFound = 404: "No such poll or invitation of yours.",
    Conflict = 409: "Voting is closed.",
    PayloadTooLarge = 413: "The body is too large.",
    UnsupportedMediaType = 415: "The body is not JSON.",
    Unprocessable = 422: "A field is invalid; `errors` names each one.",
});

#[derive(ApiResponse)]
pub enum InvitationsCreated {
    /// The invitations, each with its token and feed address (shown only now).
    #[oai(status = 201, content_type = "application/json")]
    Created(Json<CreatedInvitations>),
}

#[derive(ApiResponse)]
pub enum InvitationsRead {
    /// A page of invitations.
    #[oai(status = 200, content_type = "application/json")]
    Ok(Json<InvitationPage>),
}

#[derive(ApiResponse)]
pub enum InvitationReissued {
    /// The invitation with new secrets; the old token and feed address stop working.
    #[oai(status = 200, content_type = "application/json")]
    Ok(Json<IssuedInvitationView>),
}

#[derive(ApiResponse)]
pub enum ProxyRecorded {
    /// The member's answer was replaced.
    #[oai(status = 200, content_type = "application/json")]
    Ok(Json<ResponseView>),
    /// The member's first answer was recorded.
    #[oai(status = 201, content_type = "application/json")]
    Created(Json<ResponseView>),
}

pub struct InvitationsApi;

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Invitations")]
impl InvitationsApi {
    /// Invite members
    ///
    /// Invites a whole group (`group_id`) or chosen members (`member_ids`)
    /// of your groups. Each new invitation comes with the member's personal
    /// token (`cvn_inv_…`) and calendar feed address, shown only in this
    /// answer: pass them on to the member. Members already invited are left
    /// as they are and listed in `already_invited`.
    #[oai(
        path = "/polls/:poll_id/invitations",
        method = "post",
        operation_id = "createInvitations"
    )]
    async fn create_invitations(
        &self,
        store: Data<&Store>,
        base: Data<&PublicUrl>,
        mail: Data<&Mail>,
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
        body: JsonBody<CreateInvitationsRequest>,
    ) -> Result<InvitationsCreated, InvitationsError> {
        auth.0.may(Action::Edit)?;
        let required = body.0.required.unwrap_or(true);
        let send_email = body.0.send_email.unwrap_or(false);
        let who = body.0.parse()?;
        let (issued, already_invited) = store
            .create_invitations(
                auth.0.workspace_id,
                &Actor::organiser(&auth.0.name),
                poll_id.0,
                who,
                required,
                send_email.then_some(mail.configured()),
            )
            .await?;
        let asked = send_email.then_some(mail.configured());
        Ok(InvitationsCreated::Created(Json(CreatedInvitations {
            invitations: issued
                .into_iter()
                .map(|i| issued_view(&base.0.0, i, asked))
                .collect(),
            already_invited,
        })))
    }

    /// Mail invitations
    ///
    /// Queues the invitation mail (with the member's personal `vote_url`,
    /// in their language and zone) for every invitee not mailed yet, or for
    /// the given `invitation_ids` (again, if mailed before). Send `{}` for
    /// everyone. Members without an address are skipped; without an SMTP
    /// server nothing is queued and every invitation says `not_configured`.
    #[oai(
        path = "/polls/:poll_id/invitations/emails",
        method = "post",
        operation_id = "sendInvitationEmails"
    )]
    async fn send_invitation_emails(
        &self,
        store: Data<&Store>,
        mail: Data<&Mail>,
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
        body: JsonBody<SendInvitationEmailsRequest>,
    ) -> Result<MailsAccepted, SendEmailsError> {
        auth.0.may(Action::Edit)?;
        let chosen = body.0.invitation_ids.map(|ids| ids.0);
        match chosen.as_ref().map(Vec::len) {
            Some(0) => {
                return Err(
                    Error::invalid("invitation_ids", "name at least one invitation").into(),
                );
            }
            Some(n) if n > MAX_MEMBERS_PER_REQUEST => {
                return Err(Error::invalid(
                    "invitation_ids",
                    format!("at most {MAX_MEMBERS_PER_REQUEST} invitations per request"),
                )
                .into());
            }
            _ => {}
        }
        let queued = store
            .queue_invitation_mails(auth.0.workspace_id, poll_id.0, chosen, mail.configured())
            .await?;
        Ok(MailsAccepted::Accepted(Json(mails_queued(queued))))
    }

    /// Remind those who have not answered
    ///
    /// Queues a reminder mail (their invitation again, with their
    /// `vote_url`) to every invited member who has not answered, or only
    /// the required ones. Each is checked again when it is sent: a member
    /// who answers meanwhile, or a poll that closes, gets no reminder.
    /// Send `{}` to remind everyone who has not answered.
    #[oai(
        path = "/polls/:poll_id/reminders",
        method = "post",
        operation_id = "sendReminders"
    )]
    async fn send_reminders(
        &self,
        store: Data<&Store>,
        mail: Data<&Mail>,
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
        body: JsonBody<SendRemindersRequest>,
    ) -> Result<MailsAccepted, RemindersError> {
        auth.0.may(Action::Edit)?;
        let required_only = body.0.required_only.unwrap_or(false);
        let queued = store
            .queue_reminders(
                auth.0.workspace_id,
                poll_id.0,
                required_only,
                mail.configured(),
            )
            .await?;
        Ok(MailsAccepted::Accepted(Json(mails_queued(queued))))
    }

    /// List invitations
    ///
    /// Who is invited, who has answered, when, and how (their choices, and
    /// whether you recorded them on their behalf). Oldest invitation first.
    /// `has_answered=false` lists those who have not answered (results name
    /// only the first of them), `has_answered=true` those who have. Aggregate-only
    /// polls give the counts only, never who answered or how.
    #[oai(
        path = "/polls/:poll_id/invitations",
        method = "get",
        operation_id = "listInvitations"
    )]
    // Each argument is an input the operation declares, or what its
    // answer is written with (the public URL, the mail setting).
    #[allow(clippy::too_many_arguments)]
    async fn list_invitations(
        &self,
        store: Data<&Store>,
        base: Data<&PublicUrl>,
        mail: Data<&Mail>,
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
        /// `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
        /// Page size, 1–500 (default 50).
        limit: Query<Option<u32>>,
        /// Only those who have (`true`) or have not (`false`) answered.
        has_answered: Query<Option<bool>>,
    ) -> Result<InvitationsRead, ListInvitationsError> {
        let poll = store.owned_poll(auth.0.workspace_id, poll_id.0).await?;
        let limit = page_limit(limit.0)?;
        let after = parse_cursor(cursor.0.as_deref())?;
        let show_answers = access::answers_shown(&poll);
        if has_answered.0.is_some() && !show_answers {
            return Err(Error::invalid(
                "has_answered",
                "an aggregate-only poll does not say who has answered",
            )
            .into());
        }
        let mut rows = store
            .list_invitations(poll.id, after, limit + 1, show_answers, has_answered.0)
            .await?;
        let next_cursor = if rows.len() as u64 > limit {
            rows.truncate(limit as usize);
            rows.last().map(|r| r.invitation_id.to_string())
        } else {
            None
        };
        let (invited, answered) = store.invitation_counts(poll.id).await?;
        let deliveries = store.invitation_deliveries(poll.id).await?;
        let links = Links {
            base: &base.0.0,
            key: store.link_key().await?,
        };
        let shown = if show_answers {
            AnswerShown::All
        } else {
            AnswerShown::Nothing
        };
        // A personal link votes as its member: only for those who may edit.
        let secrets = auth.0.sees_secrets();
        Ok(InvitationsRead::Ok(Json(InvitationPage {
            items: rows
                .into_iter()
                .map(|i| {
                    let vote_url = links.vote_url(&i).filter(|_| secrets);
                    let email =
                        email_state(&i, deliveries.get(&i.invitation_id), mail.configured());
                    invitation_view(i, shown, vote_url, email)
                })
                .collect(),
            invited,
            answered,
            next_cursor,
        })))
    }

    /// Reissue an invitation
    ///
    /// A new token and feed address for a member (say their email was
    /// forwarded); the old token answers 401 and the old feed address 404
    /// from now on. The member's answer stays.
    #[oai(
        path = "/polls/:poll_id/invitations/:invitation_id/reissue",
        method = "post",
        operation_id = "reissueInvitation"
    )]
    async fn reissue_invitation(
        &self,
        store: Data<&Store>,
        base: Data<&PublicUrl>,
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
        /// The invitation's id (from createInvitations or listInvitations).
        invitation_id: Path<Uuid>,
    ) -> Result<InvitationReissued, ReissueError> {
        auth.0.may(Action::Edit)?;
        let issued = store
            .reissue_invitation(
                auth.0.workspace_id,
                &Actor::organiser(&auth.0.name),
                poll_id.0,
                invitation_id.0,
            )
            .await?;
        Ok(InvitationReissued::Ok(Json(issued_view(
            &base.0.0, issued, None,
        ))))
    }

    /// Record an answer on a member's behalf
    ///
    /// For a member who answered by phone or email: records (or replaces)
    /// their answer. It shows as recorded by you in results, invitations,
    /// history and export; if the member later answers themselves, theirs
    /// replaces it.
    #[oai(
        path = "/polls/:poll_id/invitations/:invitation_id/response",
        method = "put",
        operation_id = "recordProxyResponse"
    )]
    async fn record_proxy_response(
        &self,
        store: Data<&Store>,
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
        /// The invitation's id (from createInvitations or listInvitations).
        invitation_id: Path<Uuid>,
        body: JsonBody<ResponseInput>,
    ) -> Result<ProxyRecorded, ProxyError> {
        auth.0.may(Action::Edit)?;
        store.owned_poll(auth.0.workspace_id, poll_id.0).await?;
        let ballot = body.0.parse(false).map_err(Error::Invalid)?;
        let voter = Voter::Invited {
            invitation_id: invitation_id.0,
            proxy: Some(&auth.0.name),
        };
        let recorded = store.record_ballot(poll_id.0, voter, &ballot).await?;
        let view = Json(view(recorded.response, true));
        Ok(if recorded.created {
            ProxyRecorded::Created(view)
        } else {
            ProxyRecorded::Ok(view)
        })
    }
}
