use sea_orm::entity::prelude::*;

/// A calendar subscription feed, addressed by a token kept only as a hash.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feed")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organiser_id: Uuid,
    /// `organiser` (all the organiser's polls) or `group` (the polls the
    /// group's members are invited to).
    pub kind: String,
    /// The group of a `group` feed.
    pub group_id: Option<Uuid>,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
