use sea_orm::entity::prelude::*;

/// A workspace (a secretariat). The table kept its first name, `organiser`,
/// from when each organiser was one account: polls, groups, feeds and
/// webhooks point at it by `organiser_id`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organiser")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub name: String,
    /// Retired: tokens live in `api_token` now. A placeholder that is never
    /// a token's hash (the column is unique and SQLite cannot drop it).
    #[sea_orm(unique)]
    pub token_hash: String,
    pub created_at: DateTimeUtc,
    /// Where members' replies go (mail `Reply-To`, iTIP ORGANIZER).
    pub reply_to: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
