//! A poll's invitations from the console: who is invited, whether they
//! answered, whether they are required, what became of their mail; and
//! inviting a group, with a preview first — who gets a mail, in which
//! language, who has no address — through the same store call and mailing
//! rule (`domain/mailing.rs`) as createInvitations.

use askama::Template;
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Body, Request, Response, handler};
use uuid::Uuid;

use super::frame::{Frame, Posted, editor_form, failed, lang_of, page, render, see_other};
use super::session::{Binding, current};
use crate::domain::access;
use crate::domain::history::Actor;
use crate::domain::mailing::{self, MemberMail, Skip};
use crate::domain::poll::Poll;
use crate::domain::roles::Action;
use crate::error::Error;
use crate::lang::Lang;
use crate::mail::Mail;
use crate::store::Store;
use crate::store::groups::Group;
use crate::store::invitations::Invitees;
use crate::store::sessions::Session;
use crate::web::PublicUrl;

/// The most invitations one page lists.
/// Invited members a page of the list shows.
const PAGE: u64 = 100;

struct InviteeRow {
    id: Uuid,
    name: String,
    /// None on an aggregate-only poll: no one's answer shows, not even
    /// whether they gave one.
    answered: Option<bool>,
    required: bool,
    /// The mail's state as the API says it (`sent`, `queued`, `failed`, …).
    mail: String,
    mail_error: Option<String>,
}

struct PreviewRow {
    /// The member, ticked to be invited unless already invited.
    id: Uuid,
    already: bool,
    name: String,
    /// "Mailed in Français", or why not.
    outcome: String,
    mailed: bool,
}

#[derive(Template)]
#[template(path = "console/invitations.html")]
struct InvitationsPage {
    f: Frame,
    poll: Poll,
    rows: Vec<InviteeRow>,
    groups: Vec<Group>,
    can_edit: bool,
    /// The group previewed, with what inviting it would do.
    preview: Option<(Group, Vec<PreviewRow>, usize)>,
    required: bool,
    send_email: bool,
    /// What was just done (a proxy answer recorded, reminders queued).
    notice: Option<String>,
    /// Voting is open and someone has not answered: "remind now".
    can_remind: bool,
    /// Everyone invited, and the list's page of them.
    invited: i64,
    page_no: u64,
    pages: u64,
    prev: Option<String>,
    next: Option<String>,
}

/// The poll if it is this workspace's.
async fn own_poll(store: &Store, session: &Session, poll_id: &str) -> Result<Option<Poll>, Error> {
    let Ok(id) = Uuid::parse_str(poll_id) else {
        return Ok(None);
    };
    Ok(store
        .poll(id)
        .await?
        .filter(|p| p.organiser_id == session.organiser.workspace_id))
}

fn query(req: &Request) -> Vec<(String, String)> {
    serde_urlencoded::from_str(req.uri().query().unwrap_or("")).unwrap_or_default()
}

/// `GET /console/polls/{id}/invitations[?group=…]`: the invitations, and
/// with `group` the preview of inviting it (nothing changes on a GET).
#[handler]
pub async fn show(
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
    let Some(poll) = own_poll(&store, &session, &poll_id).await.map_err(failed)? else {
        return super::frame::missing(&store, lang, &binding, &base, &session).await;
    };
    let q = query(req);
    let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let required = get("required").is_some() || get("group").is_none();
    let send_email = get("send_email").is_some() || get("group").is_none();
    let preview = match get("group").map(Uuid::parse_str) {
        Some(Ok(group_id)) => {
            match preview(
                &store,
                &session,
                &poll,
                group_id,
                lang,
                send_email,
                mail.configured(),
            )
            .await
            {
                Ok(p) => Some(p),
                Err(Error::NotFound(_)) => None,
                Err(e) => return Err(failed(e)),
            }
        }
        _ => None,
    };
    let notice = match get("done") {
        Some("proxy") => Some(lang.t("console-done-proxy")),
        Some("none-chosen") => Some(lang.t("console-invite-none-chosen")),
        Some("remind") => Some(
            lang.t_with(
                "console-done-remind",
                &[(
                    "count",
                    get("count")
                        .and_then(|c| c.parse::<i64>().ok())
                        .unwrap_or(0)
                        .into(),
                )],
            ),
        ),
        _ => None,
    };
    let (invited, answered) = store.invitation_counts(poll.id).await.map_err(failed)?;
    let pages = (invited.max(0) as u64).div_ceil(PAGE).max(1);
    let page_no = get("page")
        .and_then(|p| p.parse::<u64>().ok())
        .unwrap_or(1)
        .clamp(1, pages);
    let href = |n: u64| {
        format!(
            "/console/polls/{}/invitations?lang={}&page={n}",
            poll.id,
            lang.code()
        )
    };
    let (prev, next) = (
        (page_no > 1).then(|| href(page_no - 1)),
        (page_no < pages).then(|| href(page_no + 1)),
    );
    let rows = rows(&store, &poll, page_no).await.map_err(failed)?;
    let can_remind = poll.voting_closed_reason(chrono::Utc::now()).is_none() && answered < invited;
    let shown = InvitationsPage {
        f: Frame::new(&store, lang, &binding, Some(&session))
            .await
            .map_err(failed)?,
        rows,
        groups: store
            .list_groups(session.organiser.workspace_id, None, 200)
            .await
            .map_err(failed)?,
        can_edit: session.organiser.may(Action::Edit).is_ok(),
        poll,
        preview,
        required,
        send_email,
        notice,
        can_remind,
        invited,
        page_no,
        pages,
        prev,
        next,
    };
    Ok(page(StatusCode::OK, render(shown), &binding, &base))
}

async fn rows(store: &Store, poll: &Poll, page_no: u64) -> Result<Vec<InviteeRow>, Error> {
    let cursor = store
        .roster_cursor(poll.id, (page_no - 1) * PAGE, None)
        .await?;
    let invitees = store
        .list_invitations(poll.id, cursor, PAGE, false, None)
        .await?;
    let deliveries = store.invitation_deliveries(poll.id).await?;
    Ok(invitees
        .into_iter()
        .map(|i| {
            let delivery = deliveries.get(&i.invitation_id);
            InviteeRow {
                id: i.invitation_id,
                answered: access::answers_shown(poll).then_some(i.answer.is_some()),
                required: i.required,
                mail: match (&i.email, delivery) {
                    (None, _) => Skip::NoAddress.as_str().to_string(),
                    (Some(_), Some(d)) => d.state.clone(),
                    (Some(_), None) => "not_sent".into(),
                },
                mail_error: delivery.and_then(|d| d.error.clone()),
                name: i.name,
            }
        })
        .collect())
}

/// What inviting `group` would do, member by member: the mailing rule
/// decides who is mailed, the member's language which catalogue writes
/// the mail.
async fn preview(
    store: &Store,
    session: &Session,
    poll: &Poll,
    group_id: Uuid,
    lang: Lang,
    send_email: bool,
    configured: bool,
) -> Result<(Group, Vec<PreviewRow>, usize), Error> {
    let group = store
        .owned_group(session.organiser.workspace_id, group_id)
        .await?;
    // Everyone invited: a member past the first page is "already
    // invited" too.
    let invited: std::collections::HashSet<Uuid> = store
        .all_invitations(poll.id, None)
        .await?
        .into_iter()
        .map(|i| i.member_id)
        .collect();
    let mut mailed = 0;
    let rows = store
        .members(group.id)
        .await?
        .into_iter()
        .map(|m| {
            let already = invited.contains(&m.id);
            let outcome = if already {
                Err(lang.t("console-preview-already-invited"))
            } else if !send_email {
                Err(lang.t("console-preview-no-mail-asked"))
            } else {
                match mailing::decide(
                    MemberMail::Invitation { resend: false },
                    m.email.is_some(),
                    None,
                    configured,
                ) {
                    Ok(()) => Ok(Lang::negotiate(None, m.language.as_deref(), None)),
                    Err(Skip::NoAddress) => Err(lang.t("console-preview-no-address")),
                    Err(Skip::NotConfigured) => Err(lang.t("console-preview-not-configured")),
                    Err(_) => Err(lang.t("console-preview-already-invited")),
                }
            };
            if outcome.is_ok() {
                mailed += 1;
            }
            PreviewRow {
                id: m.id,
                already,
                name: m.name,
                mailed: outcome.is_ok(),
                outcome: match outcome {
                    Ok(mail_lang) => lang.t_with(
                        "console-preview-mailed-in",
                        &[("language", mail_lang.endonym().into())],
                    ),
                    Err(why) => why,
                },
            }
        })
        .collect();
    Ok((group, rows, mailed))
}

/// `POST /console/polls/{id}/invitations`: invites the group (and queues
/// the mails, if asked), then shows the list.
#[handler]
pub async fn invite(
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
    let Some(poll) = own_poll(&store, &session, &poll_id).await.map_err(failed)? else {
        return super::frame::missing(&store, lang, &binding, &base, &session).await;
    };
    let Some(group_id) = posted.get("group_id").and_then(|g| Uuid::parse_str(g).ok()) else {
        return super::frame::missing(&store, lang, &binding, &base, &session).await;
    };
    let send_email = posted.get("send_email").is_some();
    // The preview's form names the members ticked; none ticked invites no
    // one and says so. A form without the list invites the whole group.
    let invitees = if posted.get("chosen").is_some() {
        let ids: Vec<Uuid> = posted
            .all("member_ids")
            .into_iter()
            .filter_map(|id| Uuid::parse_str(id).ok())
            .collect();
        if ids.is_empty() {
            let mut back = format!(
                "/console/polls/{}/invitations?lang={}&group={group_id}&done=none-chosen",
                poll.id,
                lang.code()
            );
            for flag in ["required", "send_email"] {
                if posted.get(flag).is_some() {
                    back.push_str(&format!("&{flag}=true"));
                }
            }
            return Ok(see_other(&back));
        }
        Invitees::Members(ids)
    } else {
        Invitees::Group(group_id)
    };
    match store
        .create_invitations(
            session.organiser.workspace_id,
            &Actor::organiser(&session.organiser.name),
            poll.id,
            invitees,
            posted.get("required").is_some(),
            send_email.then_some(mail.configured()),
        )
        .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/console/polls/{}/invitations?lang={}",
            poll.id,
            lang.code()
        ))),
        Err(Error::NotFound(_)) => {
            super::frame::missing(&store, lang, &binding, &base, &session).await
        }
        Err(Error::Conflict(why)) => {
            super::frame::conflict(&store, lang, &binding, &base, &session, &why).await
        }
        Err(e) => Err(failed(e)),
    }
}
