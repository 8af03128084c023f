//! A poll's history, read back in order: the append-only record that every
//! write in `polls.rs`, `responses.rs` and `invitations.rs` adds to.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::Store;
use crate::entity::poll_history;
use crate::error::Result;

impl Store {
    /// One page of a poll's history, oldest first, after entry `after`.
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
}
