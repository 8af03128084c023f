//! What an editor does to a poll's invitations beyond inviting: a member's
//! new link (reissueInvitation's store call: the old link stops working),
//! their answer recorded on their behalf (recordProxyResponse's: the same
//! ballot rules, shown as recorded by the editor), and reminders now to
//! those who have not answered (sendReminders's) — after a preview of who
//! gets one, in which language, and the mail as the mail module writes
//! it. Who is reminded is `domain::mailing`'s rule, never written again.

use askama::Template;
use chrono::Utc;
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Body, Request, Response, handler};
use uuid::Uuid;

use super::frame::{
    Frame, MessagePage, Posted, editor_form, failed, lang_of, page, query_of, render, see_other,
};
use super::new_poll::FieldMessage;
use super::poll::{columns, not_found};
use super::session::{Binding, current};
use crate::domain::access;
use crate::domain::ballot::Ballot;
use crate::domain::history::Actor;
use crate::domain::hybrid::VoteDetail;
use crate::domain::mailing::{self, Earlier, MemberMail, Skip};
use crate::domain::poll::{Choice, Poll};
use crate::domain::roles::Action;
use crate::domain::standing::Invitee;
use crate::error::Error;
use crate::lang::{Lang, filters};
use crate::mail::{self, Mail};
use crate::store::Store;
use crate::store::ballots::Voter;
use crate::store::outbox::Topic;
use crate::store::sessions::Session;
use crate::web::PublicUrl;

/// The workspace's poll, or `None` (another workspace's, or none).
async fn own_poll(store: &Store, session: &Session, poll_id: &str) -> Result<Option<Poll>, Error> {
    let Ok(id) = Uuid::parse_str(poll_id) else {
        return Ok(None);
    };
    Ok(store
        .poll(id)
        .await?
        .filter(|p| p.organiser_id == session.organiser.workspace_id))
}

/// The poll's invitation, or `None`.
async fn invitee_of(
    store: &Store,
    poll: &Poll,
    invitation_id: &str,
) -> Result<Option<Invitee>, Error> {
    let Ok(id) = Uuid::parse_str(invitation_id) else {
        return Ok(None);
    };
    store.invitee(poll.id, id).await
}

fn invitations_path(poll: &Poll) -> String {
    format!("/console/polls/{}/invitations", poll.id)
}

/// A page that says what happened (or why nothing did), with a way on.
async fn message(
    store: &Store,
    (lang, binding, session, base): (Lang, &Binding, &Session, &PublicUrl),
    status: StatusCode,
    (heading, text): (String, String),
    back: &str,
) -> poem::Result<Response> {
    let f = Frame::new(store, lang, binding, Some(session))
        .await
        .map_err(failed)?;
    let body = render(MessagePage {
        f,
        heading,
        text,
        link: Some((back, lang.t("console-back-to-invitations"))),
    });
    Ok(page(status, body, binding, base))
}

#[derive(Template)]
#[template(path = "console/reissued.html")]
struct ReissuedPage {
    f: Frame,
    poll_id: Uuid,
    heading: String,
    link: String,
}

/// `POST /console/polls/{poll_id}/invitations/{invitation_id}/reissue`: a
/// new link for the member, shown once here; the old one stops working.
#[handler]
pub(super) async fn reissue(
    req: &Request,
    Path((poll_id, invitation_id)): Path<(String, String)>,
    body: Body,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let posted = Posted::read(body).await;
    let lang = lang_of(req, Some(&posted));
    let session = match editor_form(req, &store, &base, &posted, lang).await? {
        Ok(s) => s,
        Err(answer) => return Ok(answer),
    };
    let binding = Binding::Session(session.id);
    let Some(poll) = own_poll(&store, &session, &poll_id).await.map_err(failed)? else {
        return not_found(&store, lang, &binding, &session, &base).await;
    };
    let Ok(invitation_id) = Uuid::parse_str(&invitation_id) else {
        return not_found(&store, lang, &binding, &session, &base).await;
    };
    let issued = match store
        .reissue_invitation(
            session.organiser.workspace_id,
            &Actor::organiser(&session.organiser.name),
            poll.id,
            invitation_id,
        )
        .await
    {
        Ok(issued) => issued,
        Err(Error::NotFound(_)) => {
            return not_found(&store, lang, &binding, &session, &base).await;
        }
        Err(e) => return Err(failed(e)),
    };
    let f = Frame::new(&store, lang, &binding, Some(&session))
        .await
        .map_err(failed)?;
    let body = render(ReissuedPage {
        f,
        poll_id: poll.id,
        heading: lang.t_with(
            "console-reissued-heading",
            &[("name", issued.invitee.name.as_str().into())],
        ),
        link: crate::links::vote_url(&base.0.0, &issued.token),
    });
    Ok(page(StatusCode::OK, body, &binding, &base))
}

/// One option of the proxy form, with the member's present answer.
struct ProxyOption {
    index: usize,
    id: Uuid,
    number: usize,
    when: String,
    chosen: Option<Choice>,
}

#[derive(Template)]
#[template(path = "console/proxy.html")]
struct ProxyPage {
    f: Frame,
    poll_id: Uuid,
    invitation_id: Uuid,
    heading: String,
    if_need_be: bool,
    options: Vec<ProxyOption>,
    errors: Vec<FieldMessage>,
}

impl ProxyPage {
    fn error(&self, index: usize) -> Option<&str> {
        let field = format!("votes[{index}].choice");
        let option = format!("votes[{index}].option_id");
        self.errors
            .iter()
            .find(|e| e.field == field || e.field == option || e.field == format!("votes[{index}]"))
            .map(|e| e.message.as_str())
    }
}

fn proxy_page(f: Frame, poll: &Poll, invitee: &Invitee, lang: Lang) -> ProxyPage {
    let answered = |id: Uuid| {
        invitee
            .answer
            .as_ref()
            .and_then(|a| a.votes.iter().find(|(o, _)| *o == id))
            .map(|(_, c)| *c)
    };
    ProxyPage {
        f,
        poll_id: poll.id,
        invitation_id: invitee.invitation_id,
        heading: lang.t_with(
            "console-proxy-heading",
            &[("name", invitee.name.as_str().into())],
        ),
        if_need_be: poll.settings.allow_if_need_be,
        options: columns(lang, poll)
            .into_iter()
            .enumerate()
            .map(|(index, c)| ProxyOption {
                index,
                id: c.id,
                number: c.number,
                when: format!("{} {}", c.when, c.offset).trim_end().to_string(),
                chosen: answered(c.id),
            })
            .collect(),
        errors: Vec::new(),
    }
}

/// The invitation with its answer's votes, as the proxy form shows it.
async fn invitee_with_votes(
    store: &Store,
    poll: &Poll,
    invitation_id: &str,
) -> Result<Option<Invitee>, Error> {
    let Some(invitee) = invitee_of(store, poll, invitation_id).await? else {
        return Ok(None);
    };
    // An aggregate-only poll shows no one's answers, not even to the one
    // recording an answer for them.
    if invitee.answer.is_none() || !access::answers_shown(poll) {
        return Ok(Some(invitee));
    }
    // The invitation listed before it: listed after that one, with votes,
    // the first is this member's.
    let all = store.all_invitations(poll.id, None).await?;
    let Some(at) = all
        .iter()
        .position(|i| i.invitation_id == invitee.invitation_id)
    else {
        return Ok(Some(invitee));
    };
    let before = at.checked_sub(1).map(|b| all[b].invitation_id);
    Ok(store
        .list_invitations(poll.id, before, 1, true, None)
        .await?
        .into_iter()
        .find(|i| i.invitation_id == invitee.invitation_id)
        .or(Some(invitee)))
}

/// `GET /console/polls/{poll_id}/invitations/{invitation_id}/response`:
/// the form that records a member's answer on their behalf.
#[handler]
pub(super) async fn proxy_form(
    req: &Request,
    Path((poll_id, invitation_id)): Path<(String, String)>,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let Some(session) = current(req, &store, &base).await.map_err(failed)? else {
        return Ok(see_other("/console/sign-in"));
    };
    let lang = lang_of(req, None);
    let binding = Binding::Session(session.id);
    if session.organiser.may(Action::Edit).is_err() {
        return super::frame::not_allowed(&store, lang, &binding, &base, &session).await;
    }
    let Some(poll) = own_poll(&store, &session, &poll_id).await.map_err(failed)? else {
        return not_found(&store, lang, &binding, &session, &base).await;
    };
    let Some(invitee) = invitee_with_votes(&store, &poll, &invitation_id)
        .await
        .map_err(failed)?
    else {
        return not_found(&store, lang, &binding, &session, &base).await;
    };
    let f = Frame::new(&store, lang, &binding, Some(&session))
        .await
        .map_err(failed)?;
    Ok(page(
        StatusCode::OK,
        render(proxy_page(f, &poll, &invitee, lang)),
        &binding,
        &base,
    ))
}

/// `POST /console/polls/{poll_id}/invitations/{invitation_id}/response`:
/// records the answer (the API's field names: `votes[i].option_id`,
/// `votes[i].choice`), or shows the form again with every error (422).
#[handler]
pub(super) async fn record_proxy(
    req: &Request,
    Path((poll_id, invitation_id)): Path<(String, String)>,
    body: Body,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let posted = Posted::read(body).await;
    let lang = lang_of(req, Some(&posted));
    let session = match editor_form(req, &store, &base, &posted, lang).await? {
        Ok(s) => s,
        Err(answer) => return Ok(answer),
    };
    let binding = Binding::Session(session.id);
    let ctx = (lang, &binding, &session, *base);
    let Some(poll) = own_poll(&store, &session, &poll_id).await.map_err(failed)? else {
        return not_found(&store, lang, &binding, &session, &base).await;
    };
    let Some(invitee) = invitee_of(&store, &poll, &invitation_id)
        .await
        .map_err(failed)?
    else {
        return not_found(&store, lang, &binding, &session, &base).await;
    };
    let f = Frame::new(&store, lang, &binding, Some(&session))
        .await
        .map_err(failed)?;
    let mut shown = proxy_page(f, &poll, &invitee, lang);
    // What was chosen, shown again if something is wrong.
    for o in &mut shown.options {
        o.chosen = posted
            .get(&format!("votes[{}].choice", o.index))
            .and_then(Choice::parse);
    }
    let mut votes = Vec::new();
    let mut errors = Vec::new();
    for i in 0..poll.options.len() {
        let option = posted
            .get(&format!("votes[{i}].option_id"))
            .and_then(|id| Uuid::parse_str(id).ok());
        let choice = posted
            .get(&format!("votes[{i}].choice"))
            .and_then(Choice::parse);
        match (option, choice) {
            (Some(option), Some(choice)) => votes.push((option, choice)),
            _ => errors.push(FieldMessage {
                field: format!("votes[{i}].choice"),
                id: format!("votes-{i}-choice"),
                message: lang.t("console-proxy-choose"),
            }),
        }
    }
    let refused =
        |shown: ProxyPage, status: StatusCode| page(status, render(shown), &binding, &base);
    if !errors.is_empty() {
        shown.errors = errors;
        return Ok(refused(shown, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let ballot = Ballot {
        name: None,
        comment: None,
        details: vec![VoteDetail::default(); votes.len()],
        votes,
    };
    let voter = Voter::Invited {
        invitation_id: invitee.invitation_id,
        proxy: Some(&session.organiser.name),
    };
    match store.record_ballot(poll.id, voter, &ballot).await {
        Ok(_) => Ok(see_other(&format!(
            "{}?lang={}&done=proxy",
            invitations_path(&poll),
            lang.code()
        ))),
        Err(Error::Invalid(errors)) => {
            shown.errors = errors
                .into_iter()
                .map(|e| FieldMessage {
                    id: super::new_poll::element_id(&e.field),
                    field: e.field,
                    message: e.message,
                })
                .collect();
            Ok(refused(shown, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(Error::Conflict(why)) => {
            // Voting closed is said in the reader's language; any other
            // refusal in the store's words.
            let text = match store.poll(poll.id).await.map_err(failed)? {
                Some(p) if p.voting_closed_reason(Utc::now()).is_some() => {
                    lang.t("console-proxy-closed")
                }
                _ => why,
            };
            message(
                &store,
                ctx,
                StatusCode::CONFLICT,
                (lang.t("console-conflict-heading"), text),
                &invitations_path(&poll),
            )
            .await
        }
        Err(Error::NotFound(_)) => not_found(&store, lang, &binding, &session, &base).await,
        Err(e) => Err(failed(e)),
    }
}

/// One member in the reminders' preview.
struct RemindRow {
    name: String,
    required: bool,
    /// "mailed, in Français", or why not.
    outcome: String,
    mailed: bool,
}

/// The reminder as one language's members get it (written for the first
/// of them).
struct Sample {
    code: &'static str,
    dir: &'static str,
    who: String,
    subject: String,
    text: String,
}

#[derive(Template)]
#[template(path = "console/remind_preview.html")]
struct RemindPage {
    f: Frame,
    poll_id: Uuid,
    title: String,
    required_only: bool,
    rows: Vec<RemindRow>,
    samples: Vec<Sample>,
    summary: String,
    mailed: usize,
}

/// `GET /console/polls/{poll_id}/reminders[?required_only=true]`: who a
/// reminder now would go to, in which language, and the mail itself; then
/// the button that sends them.
#[handler]
pub(super) async fn remind_preview(
    req: &Request,
    Path(poll_id): Path<String>,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
    mail: Data<&Mail>,
) -> poem::Result<Response> {
    let Some(session) = current(req, &store, &base).await.map_err(failed)? else {
        return Ok(see_other("/console/sign-in"));
    };
    let lang = lang_of(req, None);
    let binding = Binding::Session(session.id);
    if session.organiser.may(Action::Edit).is_err() {
        return super::frame::not_allowed(&store, lang, &binding, &base, &session).await;
    }
    let Some(poll) = own_poll(&store, &session, &poll_id).await.map_err(failed)? else {
        return not_found(&store, lang, &binding, &session, &base).await;
    };
    let ctx = (lang, &binding, &session, *base);
    if poll.voting_closed_reason(Utc::now()).is_some() {
        return message(
            &store,
            ctx,
            StatusCode::CONFLICT,
            (
                lang.t("console-conflict-heading"),
                lang.t("console-remind-closed"),
            ),
            &invitations_path(&poll),
        )
        .await;
    }
    let required_only = query_of(req)
        .get("required_only")
        .is_some_and(|v| v == "true");
    let configured = mail.configured();
    let members = store
        .all_invitations(poll.id, Some(false))
        .await
        .map_err(failed)?;
    let ids: Vec<Uuid> = members.iter().map(|m| m.invitation_id).collect();
    let pending = store
        .deliveries_of(poll.id, Topic::Reminder, &ids)
        .await
        .map_err(failed)?;
    let mut rows = Vec::new();
    let mut samples: Vec<Sample> = Vec::new();
    let mut mailed = 0;
    for m in members
        .iter()
        .filter(|m| mailing::reminded(false, m.required, required_only))
    {
        let earlier = pending
            .get(&m.invitation_id)
            .filter(|d| d.state == "queued")
            .map(|_| Earlier::Queued);
        let outcome =
            match mailing::decide(MemberMail::Reminder, m.email.is_some(), earlier, configured) {
                Ok(()) => Ok(Lang::negotiate(None, m.language.as_deref(), None)),
                Err(Skip::NoAddress) => Err(lang.t("console-preview-no-address")),
                Err(Skip::NotConfigured) => Err(lang.t("console-preview-not-configured")),
                Err(_) => Err(lang.t("console-remind-already-queued")),
            };
        if let Ok(mail_lang) = outcome {
            mailed += 1;
            if !samples.iter().any(|s| s.code == mail_lang.code()) {
                let stand_in = format!("{}/vote/…", base.0.0);
                // On an aggregate-only poll the sample names no one: who
                // has not answered is not shown.
                let mut shown = m.clone();
                if !access::answers_shown(&poll) {
                    shown.name = "…".into();
                }
                let written = mail::invitation_written(&poll, &shown, &stand_in, true)
                    .map_err(|e| failed(e.into()))?;
                samples.push(Sample {
                    code: mail_lang.code(),
                    dir: mail_lang.dir(),
                    who: lang.t_with(
                        "console-remind-sample",
                        &[
                            ("language", mail_lang.endonym().into()),
                            ("name", shown.name.as_str().into()),
                        ],
                    ),
                    subject: written.subject,
                    text: written.text,
                });
            }
        }
        rows.push(RemindRow {
            name: m.name.clone(),
            required: m.required,
            mailed: outcome.is_ok(),
            outcome: match outcome {
                Ok(mail_lang) => lang.t_with(
                    "console-preview-mailed-in",
                    &[("language", mail_lang.endonym().into())],
                ),
                Err(why) => why,
            },
        });
    }
    let f = Frame::new(&store, lang, &binding, Some(&session))
        .await
        .map_err(failed)?;
    let body = render(RemindPage {
        f,
        poll_id: poll.id,
        title: poll.title.clone(),
        required_only,
        summary: lang.t_with(
            "console-remind-summary",
            &[("mailed", mailed.into()), ("count", rows.len().into())],
        ),
        // On an aggregate-only poll, who has not answered is not shown.
        rows: if access::answers_shown(&poll) {
            rows
        } else {
            Vec::new()
        },
        samples,
        mailed,
    });
    Ok(page(StatusCode::OK, body, &binding, &base))
}

/// `POST /console/polls/{poll_id}/reminders`: queues the reminders
/// (`required_only` as the preview had it), then the invitations page.
#[handler]
pub(super) async fn remind(
    req: &Request,
    Path(poll_id): Path<String>,
    body: Body,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
    mail: Data<&Mail>,
) -> poem::Result<Response> {
    let posted = Posted::read(body).await;
    let lang = lang_of(req, Some(&posted));
    let session = match editor_form(req, &store, &base, &posted, lang).await? {
        Ok(s) => s,
        Err(answer) => return Ok(answer),
    };
    let binding = Binding::Session(session.id);
    let ctx = (lang, &binding, &session, *base);
    let Some(poll) = own_poll(&store, &session, &poll_id).await.map_err(failed)? else {
        return not_found(&store, lang, &binding, &session, &base).await;
    };
    let required_only = posted.get("required_only") == Some("true");
    match store
        .queue_reminders(
            session.organiser.workspace_id,
            poll.id,
            required_only,
            mail.configured(),
        )
        .await
    {
        Ok(queued) => Ok(see_other(&format!(
            "{}?lang={}&done=remind&count={}",
            invitations_path(&poll),
            lang.code(),
            queued.queued.len()
        ))),
        // Voting closed meanwhile: nobody is reminded.
        Err(Error::Conflict(_)) => {
            message(
                &store,
                ctx,
                StatusCode::CONFLICT,
                (
                    lang.t("console-conflict-heading"),
                    lang.t("console-remind-closed"),
                ),
                &invitations_path(&poll),
            )
            .await
        }
        Err(Error::NotFound(_)) => not_found(&store, lang, &binding, &session, &base).await,
        Err(e) => Err(failed(e)),
    }
}
