//! Webhooks: an organiser's endpoints, the events that queue calls to them
//! (in the transaction of the change, like every outbox row), and each
//! endpoint's deliveries.

use base64::Engine;
use chrono::{DateTime, Utc};
use rand::RngCore;
use sea_orm::{ConnectionTrait, DatabaseTransaction, Statement};
use serde_json::Value;
use uuid::Uuid;

use super::outbox;
use super::{Store, transaction};
use crate::domain::webhooks::{self, Event};
use crate::error::{Error, Result};

/// A registered endpoint.
#[derive(Debug, Clone)]
pub struct Webhook {
    pub id: Uuid,
    /// Only this poll's events; none: every poll of the organiser.
    pub poll_id: Option<Uuid>,
    pub url: String,
    pub events: Vec<Event>,
    /// `whsec_…`: signs every call. Shown once, at creation.
    pub secret: String,
    pub created_at: DateTime<Utc>,
    /// When the endpoint answered 410 Gone, and what it said: no calls are
    /// queued to it since.
    pub disabled: Option<(DateTime<Utc>, String)>,
}

/// One call to an endpoint, as listWebhookDeliveries shows it.
#[derive(Debug, Clone)]
pub struct WebhookDelivery {
    pub id: Uuid,
    pub event: String,
    pub state: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// The `webhook-id` of a call: the same on every retry (the outbox row's
/// id), so a receiver can drop a call it has already handled.
pub fn message_id(outbox_id: Uuid) -> String {
    format!("msg_{}", outbox_id.simple())
}

/// Endpoints one organiser may register.
pub const MAX_WEBHOOKS_PER_ORGANISER: i64 = 20;

fn webhook_from(row: &sea_orm::QueryResult) -> Result<Webhook> {
    let events: String = row.try_get("", "events")?;
    Ok(Webhook {
        id: row.try_get("", "id")?,
        poll_id: row.try_get("", "poll_id")?,
        url: row.try_get("", "url")?,
        events: webhooks::stored_events(&events),
        secret: row.try_get("", "secret")?,
        created_at: row.try_get("", "created_at")?,
        disabled: match row.try_get::<Option<DateTime<Utc>>>("", "disabled_at")? {
            Some(at) => Some((
                at,
                row.try_get::<Option<String>>("", "disabled_reason")?
                    .unwrap_or_default(),
            )),
            None => None,
        },
    })
}

impl Store {
    /// Registers an endpoint for the organiser's polls (or one of them),
    /// with a new secret.
    #[tracing::instrument(name = "store.create_webhook", skip_all)]
    pub async fn create_webhook(
        &self,
        organiser: Uuid,
        poll_id: Option<Uuid>,
        url: &str,
        events: &[Event],
    ) -> Result<Webhook> {
        let mut key = [0u8; 24];
        rand::rng().fill_bytes(&mut key);
        let hook = Webhook {
            id: Uuid::now_v7(),
            poll_id,
            url: url.to_string(),
            events: events.to_vec(),
            secret: format!(
                "whsec_{}",
                base64::engine::general_purpose::STANDARD.encode(key)
            ),
            created_at: Utc::now(),
            disabled: None,
        };
        transaction!(self, txn => {
            let backend = txn.get_database_backend();
            if let Some(poll_id) = poll_id {
                let own = txn
                    .query_one_raw(Statement::from_sql_and_values(
                        backend,
                        "SELECT id FROM poll WHERE id = $1 AND organiser_id = $2",
                        [poll_id.into(), organiser.into()],
                    ))
                    .await?;
                if own.is_none() {
                    return Err(Error::invalid("poll_id", "not one of your polls"));
                }
            }
            let count: i64 = txn
                .query_one_raw(Statement::from_sql_and_values(
                    backend,
                    "SELECT COUNT(*) AS n FROM webhook WHERE organiser_id = $1",
                    [organiser.into()],
                ))
                .await?
                .map(|r| r.try_get("", "n"))
                .transpose()?
                .unwrap_or(0);
            if count >= MAX_WEBHOOKS_PER_ORGANISER {
                return Err(Error::Conflict(format!(
                    "an organiser may register at most {MAX_WEBHOOKS_PER_ORGANISER} webhooks: delete one first"
                )));
            }
            txn.execute_raw(Statement::from_sql_and_values(
                backend,
                "INSERT INTO webhook (id, organiser_id, poll_id, url, events, secret, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                [
                    hook.id.into(),
                    organiser.into(),
                    poll_id.into(),
                    hook.url.clone().into(),
                    webhooks::store_events(&hook.events).into(),
                    hook.secret.clone().into(),
                    hook.created_at.into(),
                ],
            ))
            .await?;
            Ok(())
        })?;
        Ok(hook)
    }

    /// The organiser's endpoints, oldest first.
    #[tracing::instrument(name = "store.list_webhooks", skip_all)]
    pub async fn list_webhooks(&self, organiser: Uuid) -> Result<Vec<Webhook>> {
        self.read()
            .query_all_raw(Statement::from_sql_and_values(
                self.backend(),
                "SELECT * FROM webhook WHERE organiser_id = $1 ORDER BY created_at, id",
                [organiser.into()],
            ))
            .await?
            .iter()
            .map(webhook_from)
            .collect()
    }

    /// One of the organiser's endpoints; another organiser's is "not found".
    pub async fn owned_webhook(&self, organiser: Uuid, id: Uuid) -> Result<Webhook> {
        let row = self
            .read()
            .query_one_raw(Statement::from_sql_and_values(
                self.backend(),
                "SELECT * FROM webhook WHERE id = $1 AND organiser_id = $2",
                [id.into(), organiser.into()],
            ))
            .await?
            .ok_or(Error::NotFound("webhook"))?;
        webhook_from(&row)
    }

    /// An endpoint, whoever owns it: the worker signing a call.
    pub async fn webhook(&self, id: Uuid) -> Result<Option<Webhook>> {
        self.read()
            .query_one_raw(Statement::from_sql_and_values(
                self.backend(),
                "SELECT * FROM webhook WHERE id = $1",
                [id.into()],
            ))
            .await?
            .map(|r| webhook_from(&r))
            .transpose()
    }

    /// Removes an endpoint; calls still queued for it are dropped with it.
    /// Disables an endpoint that answered 410 Gone: no more calls are
    /// queued to it, and the calls already queued fail when their turn
    /// comes. The first disabling stands (its time and reason).
    #[tracing::instrument(name = "store.disable_webhook", skip_all)]
    pub async fn disable_webhook(&self, id: Uuid, reason: &str, now: DateTime<Utc>) -> Result<()> {
        self.write
            .execute_raw(Statement::from_sql_and_values(
                self.write.get_database_backend(),
                "UPDATE webhook SET disabled_at = $2, disabled_reason = $3 \
                 WHERE id = $1 AND disabled_at IS NULL",
                [id.into(), now.into(), reason.into()],
            ))
            .await?;
        Ok(())
    }

    #[tracing::instrument(name = "store.delete_webhook", skip_all)]
    pub async fn delete_webhook(&self, organiser: Uuid, id: Uuid) -> Result<()> {
        transaction!(self, txn => {
            let backend = txn.get_database_backend();
            let done = txn
                .execute_raw(Statement::from_sql_and_values(
                    backend,
                    "DELETE FROM webhook WHERE id = $1 AND organiser_id = $2",
                    [id.into(), organiser.into()],
                ))
                .await?;
            if done.rows_affected() == 0 {
                return Err(Error::NotFound("webhook"));
            }
            txn.execute_raw(Statement::from_sql_and_values(
                backend,
                "UPDATE outbox SET state = 'dropped', last_error = 'the webhook was deleted' \
                 WHERE webhook_id = $1 AND state = 'queued'",
                [id.into()],
            ))
            .await?;
            Ok(())
        })
    }

    /// Records a mail's permanent failure (`row`, claimed by this worker)
    /// and, in the same transaction, tells the organiser's tools
    /// (`delivery.failed`): the organiser learns of a bounced invitation
    /// without polling listInvitations.
    #[tracing::instrument(name = "store.mail_failed", skip_all, fields(poll_id = %row.poll_id))]
    pub async fn mail_failed(&self, row: &outbox::Claimed, reason: &str) -> Result<()> {
        let now = Utc::now();
        transaction!(self, txn => {
            if !outbox::finish_in(txn, row, "failed", Some(reason), now).await? {
                tracing::warn!(outbox_id = %row.id, "the lease ran out before the failure was recorded; another worker has the row");
                return Ok(());
            }
            let data = serde_json::json!({
                "invitation_id": row.invitation_id,
                "mail": row.topic.as_str(),
                "reason": reason,
            });
            emit(txn, row.poll_id, Event::DeliveryFailed, data, now).await
        })
    }

    /// An endpoint's calls, newest first, one page (`before`: the last id
    /// of the previous page).
    #[tracing::instrument(name = "store.webhook_deliveries", skip_all)]
    pub async fn webhook_deliveries(
        &self,
        organiser: Uuid,
        id: Uuid,
        before: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<WebhookDelivery>> {
        self.owned_webhook(organiser, id).await?;
        let rows = self
            .read()
            .query_all_raw(Statement::from_sql_and_values(
                self.backend(),
                // By time, not id: PostgreSQL's one-statement vote makes
                // its calls' ids in SQL, random rather than time-ordered.
                "SELECT id, payload, state, attempts, last_error, created_at, sent_at FROM outbox \
                 WHERE webhook_id = $1 AND ($2 IS NULL OR (created_at, id) < \
                   (SELECT created_at, id FROM outbox WHERE id = $2)) \
                 ORDER BY created_at DESC, id DESC LIMIT $3",
                [id.into(), before.into(), (limit as i64).into()],
            ))
            .await?;
        rows.iter()
            .map(|r| {
                let payload: Option<String> = r.try_get("", "payload")?;
                let event = payload
                    .and_then(|p| serde_json::from_str::<Value>(&p).ok())
                    .and_then(|v| v["type"].as_str().map(str::to_string))
                    .unwrap_or_default();
                Ok(WebhookDelivery {
                    id: r.try_get("", "id")?,
                    event,
                    state: r.try_get("", "state")?,
                    attempts: r.try_get("", "attempts")?,
                    last_error: r.try_get("", "last_error")?,
                    created_at: r.try_get("", "created_at")?,
                    sent_at: r.try_get("", "sent_at")?,
                })
            })
            .collect()
    }
}

/// The endpoints that want an event of a poll: those of the poll's
/// organiser, for all their polls or this one, that listed the event type
/// and are not disabled (gone).
/// `poll` and `event` are the statement's placeholders for the poll's id
/// and the type. The one place this is decided: [`emit`] and the
/// one-statement vote on PostgreSQL both select from it.
pub(super) fn wanting(poll: &str, event: &str) -> String {
    format!(
        "FROM webhook w JOIN poll wp ON wp.organiser_id = w.organiser_id \
         WHERE wp.id = {poll} AND (w.poll_id IS NULL OR w.poll_id = {poll}) \
         AND w.disabled_at IS NULL \
         AND (',' || w.events || ',') LIKE ('%,' || {event} || ',%')"
    )
}

/// Queues a call to every endpoint that wants `event` ([`wanting`]),
/// inside the transaction of the change: a call exists exactly when the
/// change does. Most organisers have no webhook: then this is one indexed
/// read.
pub async fn emit(
    txn: &DatabaseTransaction,
    poll_id: Uuid,
    event: Event,
    data: Value,
    now: DateTime<Utc>,
) -> Result<()> {
    let hooks = txn
        .query_all_raw(Statement::from_sql_and_values(
            txn.get_database_backend(),
            format!("SELECT w.id {}", wanting("$1", "$2")),
            [poll_id.into(), event.as_str().into()],
        ))
        .await?;
    if hooks.is_empty() {
        return Ok(());
    }
    let body = webhooks::body(event, now, poll_id, data);
    for hook in hooks {
        outbox::enqueue_webhook_call(txn, poll_id, hook.try_get("", "id")?, &body, now).await?;
    }
    Ok(())
}
