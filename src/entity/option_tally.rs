use sea_orm::entity::prelude::*;

/// Running counts per option, split into shards so concurrent voters on
/// PostgreSQL do not queue on one hot row. Kept in the same transaction as the
/// votes, so results are read in O(options × shards), whatever the turnout.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "option_tally")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub option_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub shard: i16,
    pub poll_id: Uuid,
    pub yes: i64,
    pub if_need_be: i64,
    pub no: i64,
    /// Of the yes and if-need-be, those of required invited members: kept
    /// with the others by every vote, so results need not join the roster.
    pub required_available: i64,
    /// Of the yes and if-need-be on a hybrid poll, those attending in person.
    pub in_person: i64,
    /// … and those attending online.
    pub online: i64,
}

impl ActiveModelBehavior for ActiveModel {}
