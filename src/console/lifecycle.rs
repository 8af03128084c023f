//! A poll's life from the console: close, reopen, cancel, and confirm
//! after a preview of each invitee's local date and who will be mailed.
//! Each is a POST carrying the form token and the version of the poll the
//! page showed: `Store::transition` refuses a move made on an older
//! version (as If-Match does in the API), and the console shows that as a
//! conflict (409) with nothing changed. Rights are `domain::roles`', the
//! moves `domain::lifecycle`'s, the writes the store's — as for the API.

use askama::Template;
use chrono::Utc;
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Body, Request, Response, handler};
use uuid::Uuid;

use super::frame::{
    Frame, MessagePage, Posted, failed, forged, lang_of, page, query_of, render, see_other,
};
use super::poll::{MEMBERS_PER_PAGE, columns, east_to_west, not_found, owned};
use super::session::{Binding, check_form, current};
use crate::domain::history::Actor;
use crate::domain::lifecycle::{self, Transition};
use crate::domain::roles::Action;
use crate::error::Error;
use crate::lang::{Lang, filters};
use crate::mail::Mail;
use crate::store::Store;
use crate::store::sessions::Session;
use crate::web::PublicUrl;

/// A page that says why nothing was done, with a way back to the poll.
async fn refusal(
    store: &Store,
    (lang, binding, session, base): (Lang, &Binding, &Session, &PublicUrl),
    status: StatusCode,
    heading: &str,
    text: String,
    back: &str,
) -> poem::Result<Response> {
    let f = Frame::new(store, lang, binding, Some(session))
        .await
        .map_err(failed)?;
    let body = render(MessagePage {
        f,
        heading: lang.t(heading),
        text,
        link: Some((back, lang.t("console-back-to-poll"))),
    });
    Ok(page(status, body, binding, base))
}

/// The 403 a viewer gets: their role does not allow it; nothing changed.
async fn not_allowed(
    store: &Store,
    ctx: (Lang, &Binding, &Session, &PublicUrl),
    back: &str,
) -> poem::Result<Response> {
    let lang = ctx.0;
    let role = lang.t(super::frame::role_message(ctx.2.organiser.role));
    refusal(
        store,
        ctx,
        StatusCode::FORBIDDEN,
        "console-not-allowed-heading",
        lang.t_with("console-not-allowed-text", &[("role", role.into())]),
        back,
    )
    .await
}

macro_rules! moves {
    ($($name:ident),*) => {$(
        #[doc = concat!("`POST /console/polls/{poll_id}/", stringify!($name), "`.")]
        #[handler]
        pub(super) async fn $name(
            req: &Request,
            Path(poll_id): Path<String>,
            body: Body,
            store: Data<&Store>,
            base: Data<&PublicUrl>,
            mail: Data<&Mail>,
        ) -> poem::Result<Response> {
            act(req, poll_id, stringify!($name), body, &store, &base, &mail).await
        }
    )*};
}

moves!(close, reopen, confirm, cancel);

/// Makes the move `which` on the poll, from a posted form.
async fn act(
    req: &Request,
    poll_id: String,
    which: &str,
    body: Body,
    store: &Store,
    base: &PublicUrl,
    mail: &Mail,
) -> poem::Result<Response> {
    let posted = Posted::read(body).await;
    let lang = lang_of(req, Some(&posted));
    let Some(session) = current(req, store, base).await.map_err(failed)? else {
        return Ok(see_other("/console/sign-in"));
    };
    let binding = Binding::Session(session.id);
    // Nothing is read before the form is known to be ours.
    if let Err(why) = check_form(req, store, base, &binding, posted.get("csrf"))
        .await
        .map_err(failed)?
    {
        return forged(store, lang, &binding, base, why).await;
    }
    let Ok(poll_id) = poll_id.parse::<Uuid>() else {
        return not_found(store, lang, &binding, &session, base).await;
    };
    let back = format!("/console/polls/{poll_id}");
    let ctx = (lang, &binding, &session, base);
    if session.organiser.may(Action::Edit).is_err() {
        return not_allowed(store, ctx, &back).await;
    }
    let Some((poll, _)) = owned(store, &session, poll_id).await.map_err(failed)? else {
        return not_found(store, lang, &binding, &session, base).await;
    };
    let transition = match which {
        "close" => Transition::Close,
        "reopen" => Transition::Reopen,
        "cancel" => Transition::Cancel,
        "confirm" => {
            let chosen = posted
                .get("option_id")
                .and_then(|s| s.parse::<Uuid>().ok())
                .and_then(|id| lifecycle::requested_option(&poll, id).ok());
            match chosen {
                Some(id) => Transition::Confirm(id),
                None => {
                    return refusal(
                        store,
                        ctx,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "console-errors-heading",
                        lang.t("console-error-option"),
                        &back,
                    )
                    .await;
                }
            }
        }
        _ => return not_found(store, lang, &binding, &session, base).await,
    };
    // The version the page showed; a form without one is as stale as one
    // with an old one.
    let Some(version) = posted.get("version").and_then(|v| v.parse::<i32>().ok()) else {
        return conflict(store, ctx, &back, lang.t("console-conflict-stale")).await;
    };
    let done = store
        .transition(
            session.organiser.workspace_id,
            &Actor::organiser(&session.organiser.name),
            poll_id,
            transition,
            Some(version),
            mail.configured(),
        )
        .await;
    match done {
        Ok(_) => Ok(see_other(&format!(
            "/console/polls/{poll_id}?lang={}&done={which}",
            lang.code()
        ))),
        Err(Error::Conflict(_)) => {
            // Stale, or a move the poll cannot make from where it is now
            // (someone else moved it): say which, from the poll as it is.
            let now = Utc::now();
            let text = match store.poll_head(poll_id).await.map_err(failed)? {
                Some(current) if current.version != version => lang.t("console-conflict-stale"),
                Some(current) => lang.t_with(
                    "console-conflict-move",
                    &[(
                        "status",
                        lang.t(super::polls::status_message(current.status_at(now)))
                            .into(),
                    )],
                ),
                None => lang.t("console-conflict-stale"),
            };
            conflict(store, ctx, &back, text).await
        }
        Err(Error::NotFound(_)) => not_found(store, lang, &binding, &session, base).await,
        Err(e) => Err(failed(e)),
    }
}

async fn conflict(
    store: &Store,
    ctx: (Lang, &Binding, &Session, &PublicUrl),
    back: &str,
    text: String,
) -> poem::Result<Response> {
    refusal(
        store,
        ctx,
        StatusCode::CONFLICT,
        "console-conflict-changed-heading",
        text,
        back,
    )
    .await
}

struct ZoneRow {
    zone: &'static str,
    members: i64,
    when: String,
}

struct InviteeRow {
    name: String,
    zone: &'static str,
    when: String,
    mailed: String,
}

#[derive(Template)]
#[template(path = "console/confirm_preview.html")]
struct PreviewPage {
    f: Frame,
    poll_id: Uuid,
    title: String,
    version: i32,
    option_id: Uuid,
    option: String,
    zones: Vec<ZoneRow>,
    invitees: Vec<InviteeRow>,
    caption: String,
    prev: Option<String>,
    next: Option<String>,
    mailed: String,
    button: String,
}

/// `GET /console/polls/{poll_id}/confirm?option_id=…`: what confirming
/// the option will do — its date and time on each invitee's clock, and
/// who gets the calendar invitation — with the form that does it.
#[handler]
pub(super) async fn preview(
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
    let Ok(poll_id) = poll_id.parse::<Uuid>() else {
        return not_found(&store, lang, &binding, &session, &base).await;
    };
    let back = format!("/console/polls/{poll_id}");
    let ctx = (lang, &binding, &session, *base);
    if session.organiser.may(Action::Edit).is_err() {
        return not_allowed(&store, ctx, &back).await;
    }
    let Some((poll, _)) = owned(&store, &session, poll_id).await.map_err(failed)? else {
        return not_found(&store, lang, &binding, &session, &base).await;
    };
    let query = query_of(req);
    let chosen = query
        .get("option_id")
        .and_then(|s| s.parse::<Uuid>().ok())
        .and_then(|id| lifecycle::requested_option(&poll, id).ok());
    let Some(option_id) = chosen else {
        return refusal(
            &store,
            ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "console-errors-heading",
            lang.t("console-error-option"),
            &back,
        )
        .await;
    };
    let now = Utc::now();
    if let Err(refused) = Transition::Confirm(option_id).apply(&poll, now) {
        tracing::info!(reason = ?refused, "confirm preview refused");
        let status = lang.t(super::polls::status_message(poll.status_at(now)));
        return conflict(
            &store,
            ctx,
            &back,
            lang.t_with("console-conflict-move", &[("status", status.into())]),
        )
        .await;
    }
    let Some(option) = poll.options.iter().find(|o| o.id == option_id) else {
        return not_found(&store, lang, &binding, &session, &base).await;
    };
    let col = columns(lang, &poll)
        .into_iter()
        .find(|c| c.id == option_id)
        .map(|c| format!("{} {}", c.when, c.offset).trim_end().to_string())
        .unwrap_or_default();
    let mut zones = store.zone_availability(poll_id).await.map_err(failed)?;
    east_to_west(&poll, &mut zones);
    let zones = zones
        .into_iter()
        .map(|z| {
            let (when, offset) = lang.when(&option.slot, z.zone);
            ZoneRow {
                zone: z.zone.name(),
                members: z.members,
                when: format!("{when} {offset}").trim_end().to_string(),
            }
        })
        .collect::<Vec<_>>();
    let invited: i64 = zones.iter().map(|z| z.members).sum();
    let pages = (invited.max(0) as u64).div_ceil(MEMBERS_PER_PAGE).max(1);
    let page_no = query
        .get("page")
        .and_then(|p| p.parse::<u64>().ok())
        .unwrap_or(1)
        .clamp(1, pages);
    let cursor = store
        .roster_cursor(poll_id, (page_no - 1) * MEMBERS_PER_PAGE, None)
        .await
        .map_err(failed)?;
    let members = store
        .list_invitations(poll_id, cursor, MEMBERS_PER_PAGE, false, None)
        .await
        .map_err(failed)?;
    let recipients = store.outcome_recipients(poll_id).await.map_err(failed)?;
    let configured = mail.configured();
    let invitees = members
        .iter()
        .map(|m| {
            let (when, offset) = lang.when(&option.slot, m.zone);
            InviteeRow {
                name: m.name.clone(),
                zone: m.zone.name(),
                when: format!("{when} {offset}").trim_end().to_string(),
                mailed: lang.t(match (configured, m.email.is_some()) {
                    (true, true) => "console-mailed-yes",
                    (true, false) => "console-mail-no-address",
                    (false, _) => "console-mailed-not-configured",
                }),
            }
        })
        .collect();
    let link = |n: u64| {
        format!(
            "/console/polls/{poll_id}/confirm?lang={}&option_id={option_id}&page={n}",
            lang.code()
        )
    };
    let (mailed, button) = if configured {
        (
            lang.t_with(
                "console-preview-mailed",
                &[("count", recipients.into()), ("invited", invited.into())],
            ),
            lang.t_with("console-confirm-and-mail", &[("count", recipients.into())]),
        )
    } else {
        (
            lang.t("console-preview-no-mail"),
            lang.t("console-confirm-button-plain"),
        )
    };
    let f = Frame::new(&store, lang, &binding, Some(&session))
        .await
        .map_err(failed)?;
    let body = render(PreviewPage {
        f,
        poll_id,
        title: poll.title.clone(),
        version: poll.version,
        option_id,
        option: col,
        zones,
        invitees,
        caption: lang.t_with(
            "console-page-of",
            &[("page", page_no.into()), ("pages", pages.into())],
        ),
        prev: (page_no > 1).then(|| link(page_no - 1)),
        next: (page_no < pages).then(|| link(page_no + 1)),
        mailed,
        button,
    });
    Ok(page(StatusCode::OK, body, &binding, &base))
}
