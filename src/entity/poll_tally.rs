use sea_orm::entity::prelude::*;

/// Running count of responses per poll, sharded like `option_tally`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "poll_tally")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub poll_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub shard: i16,
    pub responses: i64,
    /// Responses by invited members, and those of them the organiser
    /// recorded: kept by triggers (migration 11), whichever way an answer
    /// comes or goes.
    pub answered: i64,
    pub proxies: i64,
    /// Changes to what the poll's results show, counted by the writes
    /// and triggers that make them (migration 14): equal sums over a
    /// poll's shards, at one poll version, the same results.
    pub changes: i64,
}

impl ActiveModelBehavior for ActiveModel {}
