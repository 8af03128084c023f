//! A poll's history: the one writer of the append-only record that every
//! change adds to in its own transaction, and the reader that pages it back.

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::Store;
use crate::domain::access;
use crate::domain::history::{Actor, Entry, HistoryAction, Recorded};
use crate::domain::poll::Poll;
use crate::entity::poll_history;
use crate::error::{Error, Result};

impl Store {
    /// One page of a poll's history, oldest first, after entry `after`.
    #[tracing::instrument(name = "store.poll_history", skip_all, fields(poll_id = %poll_id))]
    pub async fn poll_history(
        &self,
        poll_id: Uuid,
        after: i64,
        limit: u64,
    ) -> Result<Vec<poll_history::Model>> {
        Ok(poll_history::Entity::find()
            .filter(poll_history::Column::PollId.eq(poll_id))
            .filter(poll_history::Column::Id.gt(after))
            .order_by_asc(poll_history::Column::Id)
            .limit(limit)
            .all(self.read())
            .await?)
    }

    /// One page of `poll`'s history as its reader is shown it, oldest
    /// first, after entry `after` (what [`Entry::read`] keeps of each row).
    pub async fn history_entries(&self, poll: &Poll, after: i64, limit: u64) -> Result<Vec<Entry>> {
        let counts_only = !access::answers_shown(poll);
        self.poll_history(poll.id, after, limit)
            .await?
            .into_iter()
            .map(|h| {
                let id = h.id;
                Entry::read(
                    Recorded {
                        id: h.id,
                        at: h.at,
                        actor_kind: h.actor_kind,
                        actor_name: h.actor_name,
                        action: h.action,
                        response_id: h.response_id,
                        details: h.details,
                        on_behalf_of: h.on_behalf_of,
                    },
                    counts_only,
                )
                .ok_or_else(|| Error::Internal(anyhow::anyhow!("history entry {id} is unreadable")))
            })
            .collect()
    }
}

/// The values of a history row that its writer decides — actor kind, actor
/// name, action, details, on whose behalf — as [`append`] writes them, for
/// the one statement that writes a row in SQL (the PostgreSQL vote).
pub(super) fn entry_values(
    actor: &Actor,
    action: HistoryAction,
    details: serde_json::Value,
) -> [sea_orm::Value; 5] {
    [
        actor.kind.as_str().into(),
        actor.name.clone().into(),
        action.as_str().into(),
        details.to_string().into(),
        actor.on_behalf_of.clone().into(),
    ]
}

/// Appends one history entry. Every write path calls this inside its own
/// transaction, so an action and its record commit together.
pub(super) async fn append(
    txn: &DatabaseTransaction,
    poll_id: Uuid,
    actor: &Actor,
    action: HistoryAction,
    response_id: Option<Uuid>,
    details: serde_json::Value,
) -> Result<()> {
    poll_history::Entity::insert(poll_history::ActiveModel {
        poll_id: Set(poll_id),
        at: Set(Utc::now()),
        actor_kind: Set(actor.kind.as_str().to_string()),
        actor_name: Set(actor.name.clone()),
        action: Set(action.as_str().to_string()),
        response_id: Set(response_id),
        details: Set(details.to_string()),
        on_behalf_of: Set(actor.on_behalf_of.clone()),
        ..Default::default()
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}
