//! The outbox: what is to be delivered, written in the transaction of the
//! change that caused it, and claimed by the workers of every instance.
//!
//! A claim is a lease: the row is the worker's until `leased_until`, long
//! enough for one delivery with its timeout. A worker that dies mid-delivery
//! leaves the row to be claimed again once the lease runs out, so nothing is
//! lost; while the lease holds, no other worker takes it, so nothing is sent
//! twice in normal operation. PostgreSQL claims with `FOR UPDATE SKIP
//! LOCKED`, so instances share the work instead of queueing on one row.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement};
use uuid::Uuid;

use super::Store;
use crate::error::Result;

/// What an outbox row delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// A member's invitation mail.
    Invitation,
    /// A reminder to a member who has not answered.
    Reminder,
    /// The outcome as a calendar invitation (iTIP REQUEST, or CANCEL).
    Outcome,
    /// A poll's automatic reminder falls due: delivering it queues a
    /// `Reminder` to each member who has not answered by then.
    ReminderRound,
    /// A call to an organiser's webhook, its body in `payload`.
    Webhook,
    /// A poll's deadline passes: delivering it tells webhooks (`poll.closed`).
    Deadline,
    /// A member waiting for an in-person seat got one (the option's id in
    /// `payload`).
    Seat,
    /// A console sign-in link (the link's id in `payload`; no poll).
    SignIn,
}

impl Topic {
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Invitation => "invitation",
            Topic::Reminder => "reminder",
            Topic::Outcome => "outcome",
            Topic::ReminderRound => "reminder_round",
            Topic::Webhook => "webhook",
            Topic::Deadline => "deadline",
            Topic::Seat => "seat",
            Topic::SignIn => "sign_in",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "invitation" => Some(Topic::Invitation),
            "reminder" => Some(Topic::Reminder),
            "outcome" => Some(Topic::Outcome),
            "reminder_round" => Some(Topic::ReminderRound),
            "webhook" => Some(Topic::Webhook),
            "deadline" => Some(Topic::Deadline),
            "seat" => Some(Topic::Seat),
            "sign_in" => Some(Topic::SignIn),
            _ => None,
        }
    }
}

/// A claimed row, to deliver.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: Uuid,
    pub topic: Topic,
    pub poll_id: Uuid,
    pub invitation_id: Option<Uuid>,
    pub webhook_id: Option<Uuid>,
    /// A webhook call's body, fixed when the event happened.
    pub payload: Option<String>,
    /// Including this one.
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    /// Until when (ms) this worker holds the row: recording the outcome
    /// requires it to be unchanged.
    pub lease: i64,
}

/// An invitation's latest mail: its state and, when it failed, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub state: String,
    pub error: Option<String>,
}

/// Counts for `/metrics`.
#[derive(Debug, Clone, Default)]
pub struct OutboxFigures {
    /// Mails and calls waiting to go, or to be tried again.
    pub queued: i64,
    /// Timers (reminder rounds, deadlines) waiting for their time.
    pub scheduled: i64,
    pub sent: i64,
    pub failed: i64,
    /// Seconds the oldest due row has waited (0 when none is due).
    pub oldest_due_seconds: f64,
}

fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// Queues a delivery inside the caller's transaction: it exists exactly when
/// the change that caused it does.
pub async fn enqueue(
    txn: &DatabaseTransaction,
    topic: Topic,
    poll_id: Uuid,
    invitation_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    insert(txn, topic, poll_id, invitation_id, None, None, now, now).await
}

/// Queues a delivery with what it needs to know (`payload`), inside the
/// transaction of the change that causes it.
pub async fn enqueue_with_payload(
    txn: &DatabaseTransaction,
    topic: Topic,
    poll_id: Uuid,
    invitation_id: Option<Uuid>,
    payload: &str,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    insert(
        txn,
        topic,
        poll_id,
        invitation_id,
        None,
        Some(payload),
        now,
        now,
    )
    .await
}

/// Queues a sign-in link's mail, inside the transaction that made the link.
/// It belongs to no poll; the outbox's poll column is not null, so it holds
/// the nil id.
pub async fn enqueue_sign_in(
    txn: &DatabaseTransaction,
    link_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let payload = link_id.to_string();
    insert(
        txn,
        Topic::SignIn,
        Uuid::nil(),
        None,
        None,
        Some(&payload),
        now,
        now,
    )
    .await
}

/// Queues a webhook call with its body, inside the event's transaction.
pub async fn enqueue_webhook_call(
    txn: &DatabaseTransaction,
    poll_id: Uuid,
    webhook_id: Uuid,
    payload: &str,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let webhook = Some(webhook_id);
    insert(
        txn,
        Topic::Webhook,
        poll_id,
        None,
        webhook,
        Some(payload),
        now,
        now,
    )
    .await
}

#[allow(clippy::too_many_arguments)] // one column each; private to the two above
async fn insert(
    txn: &DatabaseTransaction,
    topic: Topic,
    poll_id: Uuid,
    invitation_id: Option<Uuid>,
    webhook_id: Option<Uuid>,
    payload: Option<&str>,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    txn.execute_raw(Statement::from_sql_and_values(
        txn.get_database_backend(),
        "INSERT INTO outbox (id, topic, poll_id, invitation_id, webhook_id, payload, state, attempts, due_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'queued', 0, $7, $8)",
        [
            id.into(),
            topic.as_str().into(),
            poll_id.into(),
            invitation_id.into(),
            webhook_id.into(),
            payload.map(str::to_string).into(),
            millis(due).into(),
            now.into(),
        ],
    ))
    .await?;
    Ok(id)
}

/// Puts a poll's timed work on the outbox: its automatic reminders at the
/// times they fall due, and the deadline itself (which tells webhooks the
/// poll closed: nothing else happens at that instant, since a deadline
/// closes voting by being read). Replaces what is not yet delivered; called
/// in the transaction that creates the poll or changes its deadline or
/// reminders. A row already claimed by a worker is replaced too: that
/// worker's fenced finish then finds its row gone and writes nothing.
pub async fn schedule_timers(
    txn: &DatabaseTransaction,
    poll_id: Uuid,
    reminders: &[DateTime<Utc>],
    deadline: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<()> {
    txn.execute_raw(Statement::from_sql_and_values(
        txn.get_database_backend(),
        "DELETE FROM outbox WHERE poll_id = $1 AND topic IN ('reminder_round', 'deadline') \
         AND state = 'queued'",
        [poll_id.into()],
    ))
    .await?;
    for at in reminders {
        insert(
            txn,
            Topic::ReminderRound,
            poll_id,
            None,
            None,
            None,
            *at,
            now,
        )
        .await?;
    }
    if let Some(at) = deadline.filter(|d| *d > now) {
        insert(txn, Topic::Deadline, poll_id, None, None, None, at, now).await?;
    }
    Ok(())
}

/// Records, inside the caller's transaction, what became of a claimed row
/// whose delivery is itself a write (a reminder round queueing mails): it
/// holds only while the worker's lease does, so the write and the record
/// commit together or not at all. Returns whether the lease held.
pub async fn finish_in(
    txn: &DatabaseTransaction,
    row: &Claimed,
    state: &str,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done = txn
        .execute_raw(Statement::from_sql_and_values(
            txn.get_database_backend(),
            "UPDATE outbox SET state = $3, last_error = $4, sent_at = $5, leased_until = NULL \
             WHERE id = $1 AND leased_until = $2",
            [
                row.id.into(),
                row.lease.into(),
                state.into(),
                note.map(str::to_string).into(),
                (state == "sent").then_some(now).into(),
            ],
        ))
        .await?;
    Ok(done.rows_affected() == 1)
}

impl Store {
    /// Claims up to `limit` due rows for `lease`, oldest due first.
    #[tracing::instrument(name = "store.claim_outbox", skip_all)]
    pub async fn claim_outbox(
        &self,
        limit: u64,
        lease: std::time::Duration,
        now: DateTime<Utc>,
    ) -> Result<Vec<Claimed>> {
        let backend = self.backend();
        // Most of the time nothing is due: find that out with a read, and
        // take no write lock (SQLite's single writer) for nothing.
        let due = self
            .read()
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                "SELECT id FROM outbox WHERE state = 'queued' AND due_at <= $1 LIMIT 1",
                [millis(now).into()],
            ))
            .await?;
        if due.is_none() {
            return Ok(Vec::new());
        }
        let skip_locked = if backend == DbBackend::Postgres {
            "FOR UPDATE SKIP LOCKED"
        } else {
            // One writer at a time: the UPDATE below is the lock.
            ""
        };
        let sql = format!(
            "UPDATE outbox SET leased_until = $1, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM outbox \
                          WHERE state = 'queued' AND due_at <= $2 \
                            AND (leased_until IS NULL OR leased_until <= $2) \
                          ORDER BY due_at LIMIT $3 {skip_locked}) \
             RETURNING id, topic, poll_id, invitation_id, webhook_id, payload, attempts, created_at"
        );
        let until = millis(now) + lease.as_millis() as i64;
        let rows = self
            .write
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [until.into(), millis(now).into(), (limit as i64).into()],
            ))
            .await?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in rows {
            let topic: String = row.try_get("", "topic")?;
            let Some(topic) = Topic::parse(&topic) else {
                continue;
            };
            claimed.push(Claimed {
                id: row.try_get("", "id")?,
                topic,
                poll_id: row.try_get("", "poll_id")?,
                invitation_id: row.try_get("", "invitation_id")?,
                webhook_id: row.try_get("", "webhook_id")?,
                payload: row.try_get("", "payload")?,
                attempts: row.try_get("", "attempts")?,
                created_at: row.try_get("", "created_at")?,
                lease: until,
            });
        }
        Ok(claimed)
    }

    // Each outcome below applies only while the worker's lease holds (the
    // row still carries the `leased_until` its claim set): a worker that
    // stalled past its lease, while another claimed and delivered the row,
    // changes nothing when it wakes up.

    /// Delivered: never tried again.
    pub async fn outbox_sent(&self, row: &Claimed, now: DateTime<Utc>) -> Result<()> {
        self.finish(
            row,
            "state = 'sent', sent_at = $3, last_error = NULL",
            [now.into()],
        )
        .await
    }

    /// A temporary failure: tried again at `due`.
    pub async fn outbox_retry(&self, row: &Claimed, due: DateTime<Utc>, error: &str) -> Result<()> {
        self.finish(
            row,
            "due_at = $3, last_error = $4",
            [millis(due).into(), error.into()],
        )
        .await
    }

    /// No longer to be sent (a reminder to someone who has answered since):
    /// kept with the reason, neither sent nor failed.
    pub async fn outbox_dropped(&self, row: &Claimed, reason: &str) -> Result<()> {
        self.finish(row, "state = 'dropped', last_error = $3", [reason.into()])
            .await
    }

    /// A permanent failure (or one retried long enough): kept with its reason.
    pub async fn outbox_failed(&self, row: &Claimed, error: &str) -> Result<()> {
        self.finish(row, "state = 'failed', last_error = $3", [error.into()])
            .await
    }

    async fn finish<const N: usize>(
        &self,
        row: &Claimed,
        set: &str,
        values: [sea_orm::Value; N],
    ) -> Result<()> {
        let sql = format!(
            "UPDATE outbox SET {set}, leased_until = NULL WHERE id = $1 AND leased_until = $2"
        );
        let mut all = vec![row.id.into(), row.lease.into()];
        all.extend(values);
        let done = self
            .write
            .execute_raw(Statement::from_sql_and_values(self.backend(), sql, all))
            .await?;
        if done.rows_affected() == 0 {
            tracing::warn!(outbox_id = %row.id, "the lease ran out before the delivery was recorded; another worker has the row");
        }
        Ok(())
    }

    /// Each invitation's latest invitation mail, for listInvitations.
    #[tracing::instrument(name = "store.invitation_deliveries", skip_all, fields(poll_id = %poll_id))]
    pub async fn invitation_deliveries(&self, poll_id: Uuid) -> Result<HashMap<Uuid, Delivery>> {
        let rows = self
            .read()
            .query_all_raw(Statement::from_sql_and_values(
                self.backend(),
                "SELECT invitation_id, state, last_error, created_at FROM outbox \
                 WHERE poll_id = $1 AND topic = 'invitation' ORDER BY created_at",
                [poll_id.into()],
            ))
            .await?;
        let mut latest = HashMap::new();
        for row in rows {
            let Some(invitation) = row.try_get::<Option<Uuid>>("", "invitation_id")? else {
                continue;
            };
            let state: String = row.try_get("", "state")?;
            let error: Option<String> = row.try_get("", "last_error")?;
            // A queued row that failed once carries its last error too.
            latest.insert(invitation, Delivery { state, error });
        }
        Ok(latest)
    }

    /// Queued, sent and failed rows, and the oldest due row's wait.
    pub async fn outbox_figures(&self, now: DateTime<Utc>) -> Result<OutboxFigures> {
        let row = self
            .read()
            .query_one_raw(Statement::from_sql_and_values(
                self.backend(),
                "SELECT \
                   (SELECT COUNT(*) FROM outbox WHERE state = 'queued' AND topic NOT IN ('reminder_round', 'deadline')) AS queued, \
                   (SELECT COUNT(*) FROM outbox WHERE state = 'queued' AND topic IN ('reminder_round', 'deadline')) AS scheduled, \
                   (SELECT COUNT(*) FROM outbox WHERE state = 'sent') AS sent, \
                   (SELECT COUNT(*) FROM outbox WHERE state = 'failed') AS failed, \
                   (SELECT MIN(due_at) FROM outbox WHERE state = 'queued' AND due_at <= $1) AS oldest",
                [millis(now).into()],
            ))
            .await?;
        let Some(row) = row else {
            return Ok(OutboxFigures::default());
        };
        let oldest: Option<i64> = row.try_get("", "oldest")?;
        Ok(OutboxFigures {
            queued: row.try_get("", "queued")?,
            scheduled: row.try_get("", "scheduled")?,
            sent: row.try_get("", "sent")?,
            failed: row.try_get("", "failed")?,
            oldest_due_seconds: oldest
                .map(|t| (millis(now) - t).max(0) as f64 / 1000.0)
                .unwrap_or(0.0),
        })
    }

    /// Forgets delivered rows older than `before`.
    pub async fn prune_outbox(&self, before: DateTime<Utc>) -> Result<u64> {
        let done = self
            .write
            .execute_raw(Statement::from_sql_and_values(
                self.backend(),
                "DELETE FROM outbox WHERE (state = 'sent' AND sent_at < $1) \
                 OR (state = 'dropped' AND created_at < $1)",
                [before.into()],
            ))
            .await?;
        Ok(done.rows_affected())
    }
}
