//! Aggregates for results, read from the running tallies: a fixed number of
//! rows per option, however many people answered.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, sea_query::Expr};
use uuid::Uuid;

use super::Store;
use crate::entity::{option_tally, poll_tally};
use crate::error::Result;

/// Counts for one poll.
#[derive(Debug, Clone, Default)]
pub struct Tallies {
    pub responses: i64,
    /// Per option: yes, if need be, no.
    pub options: HashMap<Uuid, [i64; 3]>,
}

/// `SUM` as a 64-bit integer on every backend (PostgreSQL widens a bigint
/// sum to numeric otherwise).
pub(super) fn sum(column: &str) -> Expr {
    Expr::cust(format!(r#"CAST(SUM("{column}") AS BIGINT)"#))
}

/// One option's summed shards: id, yes, if need be, no.
type OptionSums = (Uuid, Option<i64>, Option<i64>, Option<i64>);

impl Store {
    pub async fn tallies(&self, poll_id: Uuid) -> Result<Tallies> {
        let rows: Vec<OptionSums> = option_tally::Entity::find()
            .select_only()
            .column(option_tally::Column::OptionId)
            .column_as(sum("yes"), "yes")
            .column_as(sum("if_need_be"), "if_need_be")
            .column_as(sum("no"), "no")
            .filter(option_tally::Column::PollId.eq(poll_id))
            .group_by(option_tally::Column::OptionId)
            .into_tuple()
            .all(self.read())
            .await?;
        let responses: Option<Option<i64>> = poll_tally::Entity::find()
            .select_only()
            .column_as(sum("responses"), "responses")
            .filter(poll_tally::Column::PollId.eq(poll_id))
            .into_tuple()
            .one(self.read())
            .await?;
        Ok(Tallies {
            responses: responses.flatten().unwrap_or(0),
            options: rows
                .into_iter()
                .map(|(id, y, i, n)| (id, [y.unwrap_or(0), i.unwrap_or(0), n.unwrap_or(0)]))
                .collect(),
        })
    }
}
