//! Mail queued for invited members: invitations and reminders, each
//! decided by the mailing policy (`domain::mailing`) inside the transaction
//! that writes its outbox row, and the automatic reminder rounds.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseTransaction, Statement};
use uuid::Uuid;

use super::invitations::lock_own_poll;
use super::outbox::{self, Claimed, Topic};
use super::{Store, transaction};
use crate::domain::mailing::{self, Earlier, MemberMail, Skip};
use crate::error::{Error, Result};

/// What a request to mail invitations did: the invitations queued, and
/// those skipped with why.
#[derive(Debug, Clone)]
pub struct QueuedMails {
    pub queued: Vec<Uuid>,
    pub skipped: Vec<(Uuid, Skip)>,
}

impl Store {
    /// Queues invitation mails: to `chosen` invitations (again, if mailed
    /// before), or to every invitee not mailed yet. Returns the invitations
    /// queued and those skipped with why (`no_address`, `already_mailed`,
    /// `already_queued`; `not_configured` for all the others when the
    /// service has no mail server, and nothing is queued).
    #[tracing::instrument(name = "store.queue_invitation_mails", skip_all, fields(poll_id = %poll_id))]
    pub async fn queue_invitation_mails(
        &self,
        organiser: Uuid,
        poll_id: Uuid,
        chosen: Option<Vec<Uuid>>,
        configured: bool,
    ) -> Result<QueuedMails> {
        let now = Utc::now();
        transaction!(self, txn => {
            lock_own_poll(txn, organiser, poll_id).await?;
            let backend = txn.get_database_backend();
            let invited: Vec<(Uuid, Option<String>)> = txn
                .query_all_raw(Statement::from_sql_and_values(
                    backend,
                    "SELECT i.id, m.email FROM invitation i JOIN member m ON m.id = i.member_id \
                     WHERE i.poll_id = $1 ORDER BY i.id",
                    [poll_id.into()],
                ))
                .await?
                .iter()
                .map(|r| Ok((r.try_get("", "id")?, r.try_get("", "email")?)))
                .collect::<Result<_>>()?;
            let mut earlier: HashMap<Uuid, Earlier> = HashMap::new();
            for r in txn
                .query_all_raw(Statement::from_sql_and_values(
                    backend,
                    "SELECT invitation_id, state FROM outbox WHERE poll_id = $1 AND topic = 'invitation' \
                     AND state IN ('queued', 'sent')",
                    [poll_id.into()],
                ))
                .await?
            {
                let id: Option<Uuid> = r.try_get("", "invitation_id")?;
                let state: String = r.try_get("", "state")?;
                if let Some(id) = id {
                    let telling = Earlier::most_telling(earlier.get(&id).copied(), Earlier::of_state(&state));
                    if let Some(e) = telling {
                        earlier.insert(id, e);
                    }
                }
            }
            let targets: Vec<(Uuid, Option<String>)> = match &chosen {
                None => invited.clone(),
                Some(ids) => {
                    let mut v = crate::domain::Violations::default();
                    let mut out = Vec::new();
                    for (n, id) in ids.iter().enumerate() {
                        match invited.iter().find(|(i, _)| i == id) {
                            Some(found) => out.push(found.clone()),
                            None => v.push(format!("invitation_ids[{n}]"), "not an invitation of this poll"),
                        }
                    }
                    v.into_result().map_err(Error::Invalid)?;
                    out
                }
            };
            let mail = MemberMail::Invitation { resend: chosen.is_some() };
            let (mut queued, mut skipped) = (Vec::new(), Vec::new());
            for (id, email) in targets {
                match mailing::decide(mail, email.is_some(), earlier.get(&id).copied(), configured) {
                    Err(skip) => skipped.push((id, skip)),
                    Ok(()) => {
                        outbox::enqueue(txn, Topic::Invitation, poll_id, Some(id), now).await?;
                        queued.push(id);
                    }
                }
            }
            Ok(QueuedMails { queued, skipped })
        })
    }

    /// Queues a reminder to every invited member who has not answered
    /// (`required_only`: required members only) while voting is open.
    /// Skipped: `no_address`, `already_queued`, `not_configured`.
    #[tracing::instrument(name = "store.queue_reminders", skip_all, fields(poll_id = %poll_id))]
    pub async fn queue_reminders(
        &self,
        organiser: Uuid,
        poll_id: Uuid,
        required_only: bool,
        configured: bool,
    ) -> Result<QueuedMails> {
        let now = Utc::now();
        transaction!(self, txn => {
            lock_own_poll(txn, organiser, poll_id).await?;
            let poll = super::polls::load_poll(txn, poll_id).await?.ok_or(Error::NotFound("poll"))?;
            if let Some(reason) = poll.voting_closed_reason(now) {
                return Err(Error::Conflict(format!("no reminders: {reason}")));
            }
            queue_reminders_in(txn, poll_id, required_only, configured, now).await
        })
    }

    /// Delivers a poll's automatic reminder that fell due (`row`, claimed
    /// by this worker): queues a reminder to each member who has not
    /// answered, in one transaction with the round's own record, which
    /// holds only while this worker's lease does — so a round is sent once
    /// however many instances run, and not at all if the organiser moved
    /// the deadline meanwhile (the row is gone). Returns what it did.
    #[tracing::instrument(name = "store.run_reminder_round", skip_all, fields(poll_id = %row.poll_id))]
    pub async fn run_reminder_round(
        &self,
        row: &Claimed,
        configured: bool,
    ) -> Result<RoundOutcome> {
        let now = Utc::now();
        let poll_id = row.poll_id;
        transaction!(self, txn => {
            let poll = super::polls::load_poll(txn, poll_id).await?;
            let closed = match &poll {
                None => Some("the poll no longer exists".to_string()),
                Some(p) if p.deadline.is_none() => Some("the poll has no deadline any more".to_string()),
                Some(p) => p.voting_closed_reason(now),
            };
            if let Some(reason) = closed {
                return Ok(if outbox::finish_in(txn, row, "dropped", Some(&reason), now).await? {
                    RoundOutcome::Dropped(reason)
                } else {
                    RoundOutcome::LeaseLost
                });
            }
            if !configured {
                let reason = "mail is not configured (CONVENE_SMTP_URL)";
                return Ok(if outbox::finish_in(txn, row, "failed", Some(reason), now).await? {
                    RoundOutcome::Dropped(reason.into())
                } else {
                    RoundOutcome::LeaseLost
                });
            }
            if !outbox::finish_in(txn, row, "sent", None, now).await? {
                return Ok(RoundOutcome::LeaseLost);
            }
            let queued = queue_reminders_in(txn, poll_id, false, configured, now).await?;
            Ok(RoundOutcome::Queued(queued.queued.len()))
        })
    }
}

/// What a reminder round did.
#[derive(Debug)]
pub enum RoundOutcome {
    /// Reminders queued to this many members.
    Queued(usize),
    /// Nothing to send, and why (the poll closed, lost its deadline…).
    Dropped(String),
    /// Another worker has the round (this one stalled past its lease), or
    /// the round was replaced: nothing was written.
    LeaseLost,
}

/// Queues a reminder to each invited member of an open poll who has not
/// answered, inside the caller's transaction: the one place that decides
/// who is reminded, for `sendReminders` and the automatic rounds alike.
async fn queue_reminders_in(
    txn: &DatabaseTransaction,
    poll_id: Uuid,
    required_only: bool,
    configured: bool,
    now: DateTime<Utc>,
) -> Result<QueuedMails> {
    let backend = txn.get_database_backend();
    let silent: Vec<(Uuid, Option<String>, bool)> = txn
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            "SELECT i.id, m.email, i.required FROM invitation i \
             JOIN member m ON m.id = i.member_id \
             LEFT JOIN response r ON r.invitation_id = i.id \
             WHERE i.poll_id = $1 AND r.id IS NULL ORDER BY i.id",
            [poll_id.into()],
        ))
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("", "id")?,
                r.try_get("", "email")?,
                r.try_get("", "required")?,
            ))
        })
        .collect::<Result<_>>()?;
    let pending: HashSet<Uuid> = txn
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            "SELECT invitation_id FROM outbox WHERE poll_id = $1 AND topic = 'reminder' AND state = 'queued'",
            [poll_id.into()],
        ))
        .await?
        .iter()
        .filter_map(|r| r.try_get::<Option<Uuid>>("", "invitation_id").ok().flatten())
        .collect();
    let (mut queued, mut skipped) = (Vec::new(), Vec::new());
    for (id, email, required) in silent {
        if !mailing::reminded(false, required, required_only) {
            continue;
        }
        let earlier = pending.contains(&id).then_some(Earlier::Queued);
        match mailing::decide(MemberMail::Reminder, email.is_some(), earlier, configured) {
            Err(skip) => skipped.push((id, skip)),
            Ok(()) => {
                outbox::enqueue(txn, Topic::Reminder, poll_id, Some(id), now).await?;
                queued.push(id);
            }
        }
    }
    Ok(QueuedMails { queued, skipped })
}
