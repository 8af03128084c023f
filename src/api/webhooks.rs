//! Webhooks: an organiser registers an endpoint for events of their polls,
//! and follows each call made to it.

use crate::domain::roles::Action;
use poem::web::Data;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, param::Path, param::Query, payload::Json};
use serde::Deserialize;
use uuid::Uuid;

use super::auth::OrganiserToken;
use super::body::JsonBody;
use super::error::error_responses;
use super::paging::{page_limit, parse_cursor};
use super::tags::ApiTags;
use super::types::{Instant, Items, Text};
use super::views::Deleted;
use crate::domain::limits::MAX_WEBHOOK_URL_CHARS;
use crate::domain::time::render_utc;
use crate::domain::webhooks::Event;
use crate::error::Error;
use crate::store::Store;
use crate::store::webhooks::{Webhook, WebhookDelivery, message_id};
use crate::webhooks::Webhooks;

/// An event a webhook is called for. `response.*`: an answer to a poll
/// came, changed or was withdrawn; `poll.*`: the poll was closed, reopened,
/// confirmed or cancelled; `delivery.failed`: a mail to a member could not
/// be delivered.
#[derive(Enum, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookEvent {
    #[oai(rename = "response.created")]
    #[serde(rename = "response.created")]
    ResponseCreated,
    #[oai(rename = "response.updated")]
    #[serde(rename = "response.updated")]
    ResponseUpdated,
    #[oai(rename = "response.deleted")]
    #[serde(rename = "response.deleted")]
    ResponseDeleted,
    #[oai(rename = "poll.closed")]
    #[serde(rename = "poll.closed")]
    PollClosed,
    #[oai(rename = "poll.reopened")]
    #[serde(rename = "poll.reopened")]
    PollReopened,
    #[oai(rename = "poll.confirmed")]
    #[serde(rename = "poll.confirmed")]
    PollConfirmed,
    #[oai(rename = "poll.cancelled")]
    #[serde(rename = "poll.cancelled")]
    PollCancelled,
    #[oai(rename = "delivery.failed")]
    #[serde(rename = "delivery.failed")]
    DeliveryFailed,
}

impl From<WebhookEvent> for Event {
    fn from(e: WebhookEvent) -> Self {
        match e {
            WebhookEvent::ResponseCreated => Event::ResponseCreated,
            WebhookEvent::ResponseUpdated => Event::ResponseUpdated,
            WebhookEvent::ResponseDeleted => Event::ResponseDeleted,
            WebhookEvent::PollClosed => Event::PollClosed,
            WebhookEvent::PollReopened => Event::PollReopened,
            WebhookEvent::PollConfirmed => Event::PollConfirmed,
            WebhookEvent::PollCancelled => Event::PollCancelled,
            WebhookEvent::DeliveryFailed => Event::DeliveryFailed,
        }
    }
}

impl From<Event> for WebhookEvent {
    fn from(e: Event) -> Self {
        match e {
            Event::ResponseCreated => WebhookEvent::ResponseCreated,
            Event::ResponseUpdated => WebhookEvent::ResponseUpdated,
            Event::ResponseDeleted => WebhookEvent::ResponseDeleted,
            Event::PollClosed => WebhookEvent::PollClosed,
            Event::PollReopened => WebhookEvent::PollReopened,
            Event::PollConfirmed => WebhookEvent::PollConfirmed,
            Event::PollCancelled => WebhookEvent::PollCancelled,
            Event::DeliveryFailed => WebhookEvent::DeliveryFailed,
        }
    }
}

/// An endpoint to call when something happens to your polls.
#[derive(Object, Deserialize, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// Where to POST: an `https` URL on a public address (at most 2,000
    /// characters). Private and loopback addresses, and `http`, are refused
    /// unless the service runs with `CONVENE_WEBHOOK_ALLOW_PRIVATE=true`.
    pub url: Text<0, MAX_WEBHOOK_URL_CHARS>,
    /// The events to be called for (at least one, each once).
    pub events: Items<WebhookEvent, 1, 8>,
    /// Only this poll's events; left out: every poll of yours.
    #[oai(skip_serializing_if_is_none)]
    pub poll_id: Option<Uuid>,
}

impl poem_openapi::types::Example for CreateWebhookRequest {
    fn example() -> Self {
        CreateWebhookRequest {
            url: "https://hooks.example.org/convene".into(),
            events: Items(vec![
                WebhookEvent::ResponseCreated,
                WebhookEvent::PollConfirmed,
                WebhookEvent::DeliveryFailed,
            ]),
            poll_id: None,
        }
    }
}

/// A registered endpoint. Each call is a POST of
/// `{"type", "timestamp", "data": {"poll_id", …}}` signed per Standard
/// Webhooks: headers `webhook-id` (the same on every retry of a call),
/// `webhook-timestamp` and `webhook-signature` (`v1,<base64 HMAC-SHA256>`
/// of `id.timestamp.body` with the secret). Aggregate-only polls never put a
/// name or an answer in a call.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct WebhookView {
    pub id: Uuid,
    pub url: String,
    pub events: Vec<WebhookEvent>,
    /// Only this poll's events; absent: every poll of yours.
    #[oai(skip_serializing_if_is_none)]
    pub poll_id: Option<Uuid>,
    pub created_at: Instant,
    /// The signing secret (`whsec_…`): in createWebhook's answer only.
    #[oai(skip_serializing_if_is_none)]
    pub secret: Option<String>,
    /// When the endpoint answered 410 Gone: it gets no calls since.
    /// Register it again if it comes back. Absent while it is active.
    #[oai(skip_serializing_if_is_none)]
    pub disabled_at: Option<Instant>,
    /// What the endpoint answered when it was disabled (`HTTP 410 Gone`).
    #[oai(skip_serializing_if_is_none)]
    pub disabled_reason: Option<String>,
}

fn example_id(n: u128) -> Uuid {
    Uuid::from_u128(0x0196_9a2e_7c00_7000_8000_0000_0000_0000 + n)
}

impl poem_openapi::types::Example for WebhookView {
    /// The secretariat's chat bot, as createWebhook answers (with the secret).
    fn example() -> Self {
        WebhookView {
            id: example_id(0x500),
            url: "https://hooks.example.org/convene".into(),
            events: vec![
                WebhookEvent::ResponseCreated,
                WebhookEvent::PollConfirmed,
                WebhookEvent::DeliveryFailed,
            ],
            poll_id: None,
            created_at: Instant("2026-05-04T09:00:00Z".into()),
            secret: Some("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD".into()),
            disabled_at: None,
            disabled_reason: None,
        }
    }
}

impl poem_openapi::types::Example for WebhookList {
    fn example() -> Self {
        let mut hook = WebhookView::example();
        hook.secret = None;
        WebhookList { items: vec![hook] }
    }
}

impl poem_openapi::types::Example for WebhookDeliveryPage {
    /// A confirmation delivered, and a vote's call being retried.
    fn example() -> Self {
        WebhookDeliveryPage {
            items: vec![
                WebhookDeliveryView {
                    id: message_id(example_id(0x602)),
                    event: "poll.confirmed".into(),
                    state: CallState::Sent,
                    attempts: 1,
                    last_error: None,
                    created_at: Instant("2026-06-01T12:00:00Z".into()),
                    sent_at: Some(Instant("2026-06-01T12:00:01Z".into())),
                },
                WebhookDeliveryView {
                    id: message_id(example_id(0x601)),
                    event: "response.created".into(),
                    state: CallState::Queued,
                    attempts: 2,
                    last_error: Some("HTTP 503 Service Unavailable".into()),
                    created_at: Instant("2026-05-20T08:15:00Z".into()),
                    sent_at: None,
                },
            ],
            next_cursor: None,
        }
    }
}

fn view(hook: Webhook, with_secret: bool) -> WebhookView {
    WebhookView {
        id: hook.id,
        url: hook.url,
        events: hook.events.into_iter().map(Into::into).collect(),
        poll_id: hook.poll_id,
        created_at: Instant(render_utc(hook.created_at)),
        secret: with_secret.then_some(hook.secret),
        disabled_at: hook
            .disabled
            .as_ref()
            .map(|(at, _)| Instant(render_utc(*at))),
        disabled_reason: hook.disabled.map(|(_, why)| why),
    }
}

/// Your endpoints, oldest first (at most 20).
#[derive(Object, Debug, Clone)]
#[oai(example)]
pub struct WebhookList {
    pub items: Vec<WebhookView>,
}

/// Where a call is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum CallState {
    /// Waiting, or to be tried again (`last_error` says why the last try failed).
    Queued,
    /// The endpoint answered 2xx.
    Sent,
    /// Given up: a refused address, a 4xx answer, or a day of failures.
    Failed,
    /// Not to be made: the webhook was deleted first.
    Dropped,
}

/// One call to an endpoint.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case")]
pub struct WebhookDeliveryView {
    /// The call's `webhook-id` header, the same on every retry.
    pub id: String,
    /// The event type.
    pub event: String,
    pub state: CallState,
    /// Tries so far.
    pub attempts: i32,
    /// Why the last try failed.
    #[oai(skip_serializing_if_is_none)]
    pub last_error: Option<String>,
    pub created_at: Instant,
    #[oai(skip_serializing_if_is_none)]
    pub sent_at: Option<Instant>,
}

/// A page of calls, newest first.
#[derive(Object, Debug, Clone)]
#[oai(example)]
pub struct WebhookDeliveryPage {
    pub items: Vec<WebhookDeliveryView>,
    /// Pass as `cursor` for the next page; absent on the last.
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

fn delivery_view(d: WebhookDelivery) -> WebhookDeliveryView {
    WebhookDeliveryView {
        id: message_id(d.id),
        event: d.event,
        state: match d.state.as_str() {
            "sent" => CallState::Sent,
            "failed" => CallState::Failed,
            "dropped" => CallState::Dropped,
            _ => CallState::Queued,
        },
        attempts: d.attempts,
        last_error: d.last_error,
        created_at: Instant(render_utc(d.created_at)),
        sent_at: d.sent_at.map(|t| Instant(render_utc(t))),
    }
}

error_responses!(CreateWebhookError {
    BadRequest = 400: "The body is not valid JSON.",
    Unauthorized = 401: "No valid organiser token.",
    Forbidden = 403: "A read token, or a role other than owner: webhooks are kept by owners.",
    Conflict = 409: "You have 20 webhooks already.",
    PayloadTooLarge = 413: "The body is too large.",
    UnsupportedMediaType = 415: "The body is not JSON.",
    Unprocessable = 422: "A field is invalid (a refused URL, an unknown poll); `errors` names each one.",
});

error_responses!(ListWebhooksError {
    Unauthorized = 401: "No valid organiser token.",
});

error_responses!(WebhookError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    Forbidden = 403: "A read token, or a role other than owner: webhooks are kept by owners.",
    NotFound = 404: "No such webhook of yours.",
});

error_responses!(DeliveriesError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    NotFound = 404: "No such webhook of yours.",
    Unprocessable = 422: "A parameter is invalid.",
});

#[derive(ApiResponse)]
pub enum WebhookCreated {
    /// The endpoint, with its signing secret (shown only now).
    #[oai(status = 201, content_type = "application/json")]
    Created(Json<WebhookView>),
}

#[derive(ApiResponse)]
pub enum WebhooksRead {
    /// Your endpoints.
    #[oai(status = 200, content_type = "application/json")]
    Ok(Json<WebhookList>),
}

#[derive(ApiResponse)]
pub enum DeliveriesRead {
    /// A page of calls.
    #[oai(status = 200, content_type = "application/json")]
    Ok(Json<WebhookDeliveryPage>),
}

pub struct WebhooksApi;

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Webhooks")]
impl WebhooksApi {
    /// Register a webhook
    ///
    /// Calls `url` for the chosen events of all your polls (or of
    /// `poll_id`). The answer holds the signing secret, shown only now:
    /// verify every call with it (any Standard Webhooks library does).
    /// Calls that fail are retried with backoff for about a day, with the
    /// same `webhook-id`.
    #[oai(path = "/webhooks", method = "post", operation_id = "createWebhook")]
    async fn create_webhook(
        &self,
        store: Data<&Store>,
        webhooks: Data<&Webhooks>,
        auth: OrganiserToken,
        body: JsonBody<CreateWebhookRequest>,
    ) -> Result<WebhookCreated, CreateWebhookError> {
        auth.0.may(Action::ManageWebhooks)?;
        let request = body.0;
        let events: Vec<Event> = request.events.iter().map(|e| Event::from(*e)).collect();
        let checked = webhooks
            .check_new(&request.url.0, &events)
            .map_err(|e| Error::Invalid(vec![e]))?;
        let hook = store
            .create_webhook(
                auth.0.workspace_id,
                request.poll_id,
                &checked.url,
                &checked.events,
            )
            .await?;
        Ok(WebhookCreated::Created(Json(view(hook, true))))
    }

    /// List your webhooks
    ///
    /// Your endpoints, oldest first, without their secrets.
    #[oai(path = "/webhooks", method = "get", operation_id = "listWebhooks")]
    async fn list_webhooks(
        &self,
        store: Data<&Store>,
        auth: OrganiserToken,
    ) -> Result<WebhooksRead, ListWebhooksError> {
        let hooks = store.list_webhooks(auth.0.workspace_id).await?;
        Ok(WebhooksRead::Ok(Json(WebhookList {
            items: hooks.into_iter().map(|h| view(h, false)).collect(),
        })))
    }

    /// Delete a webhook
    ///
    /// No more calls are made to it, including those still queued.
    #[oai(
        path = "/webhooks/:webhook_id",
        method = "delete",
        operation_id = "deleteWebhook"
    )]
    async fn delete_webhook(
        &self,
        store: Data<&Store>,
        auth: OrganiserToken,
        /// The webhook's id.
        webhook_id: Path<Uuid>,
    ) -> Result<Deleted, WebhookError> {
        auth.0.may(Action::ManageWebhooks)?;
        store
            .delete_webhook(auth.0.workspace_id, webhook_id.0)
            .await?;
        Ok(Deleted::NoContent)
    }

    /// List a webhook's calls
    ///
    /// Each call made or to be made to the endpoint, newest first: its
    /// event, state, tries and the last error. Calls are kept a week after
    /// they succeed.
    #[oai(
        path = "/webhooks/:webhook_id/deliveries",
        method = "get",
        operation_id = "listWebhookDeliveries"
    )]
    async fn list_webhook_deliveries(
        &self,
        store: Data<&Store>,
        auth: OrganiserToken,
        /// The webhook's id.
        webhook_id: Path<Uuid>,
        /// `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
        /// Page size, 1–500 (default 50).
        limit: Query<Option<u32>>,
    ) -> Result<DeliveriesRead, DeliveriesError> {
        let limit = page_limit(limit.0)?;
        let before = parse_cursor(cursor.0.as_deref())?;
        let mut rows = store
            .webhook_deliveries(auth.0.workspace_id, webhook_id.0, before, limit + 1)
            .await?;
        let next_cursor = if rows.len() as u64 > limit {
            rows.truncate(limit as usize);
            rows.last().map(|r| r.id.to_string())
        } else {
            None
        };
        Ok(DeliveriesRead::Ok(Json(WebhookDeliveryPage {
            items: rows.into_iter().map(delivery_view).collect(),
            next_cursor,
        })))
    }
}
