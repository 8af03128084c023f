//! A poll's history for its organiser: everything that was done and said,
//! in order.

use poem::web::Data;
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};
use uuid::Uuid;

use super::auth::OrganiserToken;
use super::error::error_responses;
use super::paging::page_limit;
use super::tags::ApiTags;
use super::types::Instant;
use super::views::wire_enum;
use crate::domain::history as dh;
use crate::domain::time::render_utc;
use crate::error::Error;
use crate::store::Store;

wire_enum!(
    /// Who acted.
    ActorKind => dh::ActorKind { Organiser, Respondent }
);

wire_enum!(
    /// What happened.
    HistoryAction => dh::HistoryAction {
        PollCreated,
        PollUpdated,
        OptionAdded,
        OptionUpdated,
        OptionDeleted,
        PollClosed,
        PollReopened,
        PollConfirmed,
        PollCancelled,
        MembersInvited,
        InvitationReissued,
        ResponseSubmitted,
        ResponseReplaced,
        ResponseWithdrawn,
    }
);

/// One thing that happened to a poll.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case")]
pub struct HistoryEntry {
    /// Entries are numbered in the order they happened.
    pub id: i64,
    pub at: Instant,
    pub actor_kind: ActorKind,
    /// The organiser's or respondent's name; absent on aggregate-only polls
    /// for respondents.
    #[oai(skip_serializing_if_is_none)]
    pub actor_name: Option<String>,
    /// For answers an organiser recorded for a member: that member.
    #[oai(skip_serializing_if_is_none)]
    pub on_behalf_of: Option<String>,
    pub action: HistoryAction,
    /// The response concerned, for answers.
    #[oai(skip_serializing_if_is_none)]
    pub response_id: Option<Uuid>,
    /// What changed. For answers: the whole answer as given (`name`,
    /// `comment`, `votes` by option id, `revision`); aggregate-only polls
    /// keep only the revision.
    pub details: serde_json::Value,
}

/// A page of history, oldest first.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct HistoryPage {
    pub items: Vec<HistoryEntry>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

impl poem_openapi::types::Example for HistoryPage {
    /// The reference poll's first steps: created, the roster invited,
    /// Amara's answer taken by phone.
    fn example() -> Self {
        use super::examples::id;
        let entry = |n: i64, at: &str, kind, who: &str, action, details| HistoryEntry {
            id: n,
            at: Instant(at.into()),
            actor_kind: kind,
            actor_name: Some(who.into()),
            on_behalf_of: None,
            action,
            response_id: None,
            details,
        };
        let mut proxy = entry(
            3,
            "2026-05-05T10:00:00Z",
            ActorKind::Organiser,
            "IGF Secretariat",
            HistoryAction::ResponseSubmitted,
            serde_json::json!({
                "revision": 1, "name": "Amara", "comment": "By phone",
                "votes": { id(0x100).to_string(): "yes", id(0x101).to_string(): "yes" }
            }),
        );
        proxy.on_behalf_of = Some("Amara".into());
        proxy.response_id = Some(id(0x402));
        HistoryPage {
            items: vec![
                entry(
                    1,
                    "2026-05-04T08:30:00Z",
                    ActorKind::Organiser,
                    "IGF Secretariat",
                    HistoryAction::PollCreated,
                    serde_json::json!({
                        "title": "Second Open Consultations and MAG Meeting",
                        "time_zone": "Europe/Vienna", "options": 4
                    }),
                ),
                entry(
                    2,
                    "2026-05-04T08:35:00Z",
                    ActorKind::Organiser,
                    "IGF Secretariat",
                    HistoryAction::MembersInvited,
                    serde_json::json!({ "required": true, "members": [
                        { "member_id": id(0x200), "name": "Yoichi" } ] }),
                ),
                proxy,
            ],
            next_cursor: None,
        }
    }
}

error_responses!(RecordsError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    NotFound = 404: "No such poll of yours.",
    Unprocessable = 422: "A parameter is invalid.",
});

#[derive(ApiResponse)]
pub enum HistoryRead {
    /// A page of the history.
    #[oai(status = 200, content_type = "application/json")]
    Ok(Json<HistoryPage>),
}

pub struct HistoryApi;

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Records")]
impl HistoryApi {
    /// Read a poll's history
    ///
    /// Every organiser action and every change of a response, in order: who,
    /// what, when, and on whose behalf. Replaced and withdrawn answers stay
    /// here, so a disputed vote can be traced.
    #[oai(
        path = "/polls/:poll_id/history",
        method = "get",
        operation_id = "getPollHistory"
    )]
    async fn get_poll_history(
        &self,
        store: Data<&Store>,
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
        /// `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
        /// Page size, 1–500 (default 50).
        limit: Query<Option<u32>>,
    ) -> Result<HistoryRead, RecordsError> {
        let poll = store.owned_poll(auth.0.workspace_id, poll_id.0).await?;
        let limit = page_limit(limit.0)?;
        let after = match cursor.0.as_deref() {
            None => 0,
            Some(c) => c
                .parse::<i64>()
                .map_err(|_| Error::invalid("cursor", "not a cursor this API returned"))?,
        };
        let mut rows = store.history_entries(&poll, after, limit + 1).await?;
        let next_cursor = if rows.len() as u64 > limit {
            rows.truncate(limit as usize);
            rows.last().map(|r| r.id.to_string())
        } else {
            None
        };
        let items = rows
            .into_iter()
            .map(|h| HistoryEntry {
                id: h.id,
                at: Instant(render_utc(h.at)),
                actor_kind: h.actor_kind.into(),
                actor_name: h.actor_name,
                on_behalf_of: h.on_behalf_of,
                action: h.action.into(),
                response_id: h.response_id,
                details: h.details,
            })
            .collect();
        Ok(HistoryRead::Ok(Json(HistoryPage { items, next_cursor })))
    }
}
