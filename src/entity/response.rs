use sea_orm::entity::prelude::*;

/// A participant's current answer to a poll; its choices are in `vote`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "response")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub poll_id: Uuid,
    pub name: String,
    pub comment: String,
    #[sea_orm(unique)]
    pub edit_token_hash: Option<String>,
    /// Which tally shard this response counts in (see `option_tally`).
    pub shard: i16,
    pub revision: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Set for an invited member's answer (one per invitation); the database
    /// clears it when the invitation is deleted.
    #[sea_orm(unique)]
    pub invitation_id: Option<Uuid>,
    /// The organiser who recorded this answer on the member's behalf (a
    /// proxy vote); cleared when the member answers themselves.
    pub recorded_by: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
