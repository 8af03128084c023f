//! A poll's records in the console: its history as getPollHistory gives it
//! (`Store::history_entries`, the same rows and the same hiding on
//! aggregate-only polls), a page at a time, each entry's time on the
//! poll's clock, who acted and what they did in words; the CSV export as
//! exportPoll gives it (`Store::poll_csv`), served with the session; and
//! the calendar feeds that show the poll, as `webcal://` links when their
//! address may be shown (only when made or renewed: only its hash is
//! kept).

use askama::Template;
use poem::http::{StatusCode, header};
use poem::web::{Data, Path};
use poem::{Body, Request, Response, handler};
use uuid::Uuid;

use super::frame::{
    Frame, Posted, SecretPage, editor_form, failed, lang_of, missing, page, page_for, query_of,
    render,
};
use super::poll::{not_found, owned};
use super::session::Binding;
use crate::domain::history::{ActorKind, Entry, HistoryAction};
use crate::domain::roles::Action;
use crate::error::Error;
use crate::lang::{Lang, filters};
use crate::links::feed_urls;
use crate::store::Store;
use crate::store::export::{PollCsv, attachment};
use crate::store::sessions::Session;
use crate::web::PublicUrl;
use crate::web::html::secure;

/// History entries a page shows.
const ENTRIES_PER_PAGE: u64 = 50;

/// The words for what an entry records.
fn action_message(action: HistoryAction) -> &'static str {
    use HistoryAction::*;
    match action {
        PollCreated => "console-history-poll-created",
        PollUpdated => "console-history-poll-updated",
        OptionAdded => "console-history-option-added",
        OptionUpdated => "console-history-option-updated",
        OptionDeleted => "console-history-option-deleted",
        PollClosed => "console-history-poll-closed",
        PollReopened => "console-history-poll-reopened",
        PollConfirmed => "console-history-poll-confirmed",
        PollCancelled => "console-history-poll-cancelled",
        MembersInvited => "console-history-members-invited",
        InvitationReissued => "console-history-invitation-reissued",
        ResponseSubmitted => "console-history-response-submitted",
        ResponseReplaced => "console-history-response-replaced",
        ResponseWithdrawn => "console-history-response-withdrawn",
    }
}

struct HistoryRow {
    at: String,
    actor: String,
    action: String,
}

fn history_row(lang: Lang, zone: crate::domain::time::Zone, e: Entry) -> HistoryRow {
    let actor = match (e.actor_kind, e.actor_name, e.on_behalf_of) {
        (ActorKind::Organiser, Some(name), Some(member)) => lang.t_with(
            "console-history-on-behalf",
            &[("name", name.into()), ("member", member.into())],
        ),
        (_, Some(name), _) => name,
        (ActorKind::Organiser, None, _) => lang.t("console-history-organiser"),
        (ActorKind::Respondent, None, _) => lang.t("console-history-respondent"),
    };
    HistoryRow {
        at: lang.instant(zone, e.at),
        actor,
        action: lang.t(action_message(e.action)),
    }
}

/// A feed that shows the poll.
struct FeedRow {
    id: Uuid,
    label: String,
    /// Its address, when it was made just now (shown this once).
    webcal: Option<String>,
}

#[derive(Template)]
#[template(path = "console/history.html")]
struct HistoryPage {
    f: Frame,
    poll_id: Uuid,
    title: String,
    zone: &'static str,
    rows: Vec<HistoryRow>,
    first: Option<String>,
    next: Option<String>,
    feeds: Vec<FeedRow>,
    /// Whether the reader may see and renew feed addresses.
    sees_secrets: bool,
}

/// `GET /console/polls/{poll_id}/history`.
#[handler]
pub(super) async fn history(
    req: &Request,
    Path(poll_id): Path<String>,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let lang = lang_of(req, None);
    let session = match page_for(req, &store, &base, lang, Action::Read).await? {
        Ok(s) => s,
        Err(answer) => return Ok(answer),
    };
    let binding = Binding::Session(session.id);
    let found = match poll_id.parse::<Uuid>() {
        Ok(id) => owned(&store, &session, id).await.map_err(failed)?,
        Err(_) => None,
    };
    let Some((poll, _)) = found else {
        return not_found(&store, lang, &binding, &session, &base).await;
    };
    let after = query_of(req)
        .get("after")
        .and_then(|a| a.parse::<i64>().ok())
        .unwrap_or(0)
        .max(0);
    let mut entries = store
        .history_entries(&poll, after, ENTRIES_PER_PAGE + 1)
        .await
        .map_err(failed)?;
    let more = entries.len() as u64 > ENTRIES_PER_PAGE;
    entries.truncate(ENTRIES_PER_PAGE as usize);
    let link = |after: i64| {
        format!(
            "/console/polls/{}/history?lang={}&after={after}",
            poll.id,
            lang.code()
        )
    };
    let next = more.then(|| entries.last().map(|e| link(e.id))).flatten();
    let rows = entries
        .into_iter()
        .map(|e| history_row(lang, poll.zone, e))
        .collect();
    let feeds = poll_feeds(&store, lang, &session, poll.id, &base)
        .await
        .map_err(failed)?;
    let shown = HistoryPage {
        f: Frame::new(&store, lang, &binding, Some(&session))
            .await
            .map_err(failed)?,
        poll_id: poll.id,
        title: poll.title.clone(),
        zone: poll.zone.name(),
        rows,
        first: (after > 0).then(|| link(0)),
        next,
        feeds,
        sees_secrets: session.organiser.may(Action::SeeSecrets).is_ok(),
    };
    Ok(page(StatusCode::OK, render(shown), &binding, &base))
}

/// The workspace's feed and the feeds of the groups invited to the poll,
/// as listFeeds gives them: made on first listing, by someone who may see
/// their address; a viewer lists those that exist.
async fn poll_feeds(
    store: &Store,
    lang: Lang,
    session: &Session,
    poll_id: Uuid,
    base: &PublicUrl,
) -> Result<Vec<FeedRow>, Error> {
    let workspace = session.organiser.workspace_id;
    let mint = session.organiser.may(Action::SeeSecrets).is_ok();
    let invited = store.poll_feed_groups(poll_id).await?;
    let feeds = store.organiser_feeds(workspace, mint).await?;
    let groups = if invited.is_empty() {
        Vec::new()
    } else {
        store.list_groups(workspace, None, 200).await?
    };
    Ok(feeds
        .into_iter()
        .filter(|(f, _)| f.group_id.is_none_or(|g| invited.contains(&g)))
        .map(|(f, secret)| FeedRow {
            id: f.id,
            label: match f.group_id {
                None => lang.t("console-feed-workspace"),
                Some(g) => lang.t_with(
                    "console-feed-group",
                    &[(
                        "name",
                        groups
                            .iter()
                            .find(|x| x.id == g)
                            .map(|x| x.name.clone())
                            .unwrap_or_default()
                            .into(),
                    )],
                ),
            },
            webcal: secret.map(|s| feed_urls(&base.0, &s).1),
        })
        .collect())
}

/// `GET /console/polls/{poll_id}/export.csv`: the export, as a download.
#[handler]
pub(super) async fn export(
    req: &Request,
    Path(poll_id): Path<String>,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let lang = lang_of(req, None);
    let session = match page_for(req, &store, &base, lang, Action::Read).await? {
        Ok(s) => s,
        Err(answer) => return Ok(answer),
    };
    let found = match poll_id.parse::<Uuid>() {
        Ok(id) => owned(&store, &session, id).await.map_err(failed)?,
        Err(_) => None,
    };
    let Some((poll, tallies)) = found else {
        let binding = Binding::Session(session.id);
        return not_found(&store, lang, &binding, &session, &base).await;
    };
    let disposition = attachment(poll.id);
    let body = match store.poll_csv(poll, &tallies) {
        PollCsv::Whole(text) => Body::from_string(text),
        PollCsv::Streamed(chunks) => Body::from_bytes_stream(chunks),
    };
    Ok(secure(
        Response::builder()
            .status(StatusCode::OK)
            .content_type("text/csv; charset=utf-8")
            .header(header::CONTENT_DISPOSITION, disposition)
            .body(body),
    ))
}

/// `POST /console/feeds/{feed_id}/rotate`: a new address for a feed,
/// shown once; the old one stops working (rotateFeed).
#[handler]
pub(super) async fn rotate_feed(
    req: &Request,
    Path(feed_id): Path<String>,
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
    let Ok(feed_id) = feed_id.parse::<Uuid>() else {
        return missing(&store, lang, &binding, &base, &session).await;
    };
    let (_, secret) = match store
        .rotate_feed(session.organiser.workspace_id, feed_id)
        .await
    {
        Ok(done) => done,
        Err(Error::NotFound(_)) => {
            return missing(&store, lang, &binding, &base, &session).await;
        }
        Err(e) => return Err(failed(e)),
    };
    let back = match posted.get("poll_id").and_then(|p| p.parse::<Uuid>().ok()) {
        Some(p) => (
            format!("/console/polls/{p}/history?lang={}", lang.code()),
            lang.t("console-back-to-history"),
        ),
        None => (
            format!("/console?lang={}", lang.code()),
            lang.t("console-back-to-polls"),
        ),
    };
    let (_, webcal) = feed_urls(&base.0.0, &secret);
    let shown = SecretPage {
        f: Frame::new(&store, lang, &binding, Some(&session))
            .await
            .map_err(failed)?,
        heading: lang.t("console-feed-renewed-heading"),
        text: lang.t("console-feed-renewed-text"),
        label: lang.t("console-feed-address"),
        href: Some(webcal.clone()),
        secret: webcal,
        back,
    };
    Ok(page(StatusCode::OK, render(shown), &binding, &base))
}
