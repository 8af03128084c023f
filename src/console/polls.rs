//! The console's landing page: the workspace's polls with their status,
//! deadline, response rate and next reminder, filtered by status (a plain
//! GET form, the API's `status` values). Every figure comes from the store
//! and the rules the API reads; this only writes them for people.

use askama::Template;
use chrono::Utc;
use poem::http::StatusCode;
use poem::web::Data;
use poem::{Request, Response, handler};
use uuid::Uuid;

use super::frame::{Frame, failed, lang_of, page, query_of, render, see_other};
use crate::domain::poll::{PollStatus, Voting};
use crate::domain::roles::Action;
use crate::lang::{Lang, filters};
use crate::store::Store;
use crate::store::polls::PollFilter;
use crate::web::PublicUrl;

use super::session::{Binding, current};

/// Polls a page lists; older ones follow by the "more" link.
const PAGE: u64 = 50;

/// The catalogue's word for a status.
pub(super) fn status_message(status: PollStatus) -> &'static str {
    match status {
        PollStatus::Open => "console-status-open",
        PollStatus::Closed => "console-status-closed",
        PollStatus::Confirmed => "console-status-confirmed",
        PollStatus::Cancelled => "console-status-cancelled",
    }
}

/// The response rate as the list writes it: answered of invited for a
/// poll with invitations, else how many answers came.
pub(super) fn rate(
    lang: Lang,
    invite_only: bool,
    invited: i64,
    answered: i64,
    responses: i64,
) -> String {
    if invite_only || invited > 0 {
        let percent = if invited > 0 {
            answered * 100 / invited
        } else {
            0
        };
        lang.t_with(
            "console-rate",
            &[
                ("answered", answered.into()),
                ("invited", invited.into()),
                ("percent", percent.into()),
            ],
        )
    } else {
        lang.t_with("console-answers", &[("count", responses.into())])
    }
}

struct Row {
    id: Uuid,
    title: String,
    status: String,
    deadline: Option<String>,
    rate: String,
    next_reminder: Option<String>,
}

struct StatusChoice {
    value: &'static str,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "console/polls.html")]
struct PollsPage {
    f: Frame,
    rows: Vec<Row>,
    statuses: Vec<StatusChoice>,
    filtered: bool,
    more: Option<String>,
    /// Whether to offer a new poll (editors and owners).
    can_edit: bool,
}

/// `GET /console`: the workspace's polls; signed out, the sign-in page.
#[handler]
pub(super) async fn list(
    req: &Request,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let Some(session) = current(req, &store, &base).await.map_err(failed)? else {
        return Ok(see_other("/console/sign-in"));
    };
    let lang = lang_of(req, None);
    let binding = Binding::Session(session.id);
    let query = query_of(req);
    // An unknown status or cursor is ignored rather than refused: the
    // form offers only real ones, and a hand-edited address gets the list.
    let status = query
        .get("status")
        .and_then(|s| PollStatus::parse(s.as_str()));
    let after = query.get("after").and_then(|s| s.parse::<Uuid>().ok());
    let polls = store
        .list_polls(
            session.organiser.workspace_id,
            PollFilter {
                status,
                after,
                limit: PAGE,
            },
        )
        .await
        .map_err(failed)?;
    let ids: Vec<Uuid> = polls.iter().map(|p| p.poll.id).collect();
    let figures = store.poll_figures(&ids).await.map_err(failed)?;
    let now = Utc::now();
    let more = (polls.len() as u64 == PAGE).then(|| {
        let last = polls.last().map(|p| p.poll.id).unwrap_or_default();
        let status = status.map(|s| format!("&status={}", s.as_str()));
        format!(
            "/console?lang={}{}&after={last}",
            lang.code(),
            status.unwrap_or_default()
        )
    });
    let rows = polls
        .into_iter()
        .map(|p| {
            let (invited, answered) = figures.get(&p.poll.id).copied().unwrap_or((0, 0));
            let poll = &p.poll;
            Row {
                id: poll.id,
                status: lang.t(status_message(poll.status_at(now))),
                deadline: poll.deadline.map(|d| lang.instant(poll.zone, d)),
                rate: rate(
                    lang,
                    poll.settings.voting == Voting::InviteOnly,
                    invited,
                    answered,
                    p.responses,
                ),
                next_reminder: poll
                    .next_reminder(now)
                    .map(|at| lang.instant(poll.zone, at)),
                title: p.poll.title,
            }
        })
        .collect();
    let statuses = [
        PollStatus::Open,
        PollStatus::Closed,
        PollStatus::Confirmed,
        PollStatus::Cancelled,
    ]
    .into_iter()
    .map(|s| StatusChoice {
        value: s.as_str(),
        label: lang.t(status_message(s)),
        selected: status == Some(s),
    })
    .collect();
    let f = Frame::new(&store, lang, &binding, Some(&session))
        .await
        .map_err(failed)?;
    Ok(page(
        StatusCode::OK,
        render(PollsPage {
            f,
            rows,
            statuses,
            filtered: status.is_some(),
            more,
            can_edit: session.organiser.may(Action::Edit).is_ok(),
        }),
        &binding,
        &base,
    ))
}
