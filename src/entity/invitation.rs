use sea_orm::entity::prelude::*;

/// A member invited to a poll. Its token votes in that poll only; its feed
/// token opens the member's calendar feed (every poll they are invited to).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub poll_id: Uuid,
    pub member_id: Uuid,
    /// Required members decide the ranking and the quorum.
    pub required: bool,
    #[sea_orm(unique)]
    pub token_hash: String,
    #[sea_orm(unique)]
    pub feed_token_hash: String,
    /// What the tokens are derived from with the server key
    /// (`domain::token::derive`); `None` for tokens issued at random before.
    pub link_salt: Option<String>,
    pub created_at: DateTimeUtc,
    /// When the member's answer last changed; every change of it locks this
    /// row first by setting it.
    pub answer_changed_at: Option<DateTimeUtc>,
    /// The member's clock, copied here so the roster can be counted and
    /// named by clock from an index (migration 11's `roster_clock`); kept
    /// equal to the member's by `Store::update_member`.
    pub time_zone: String,
    pub social_start: String,
    pub social_end: String,
    /// Whether the member has an answer: set and cleared by the vote that
    /// creates or withdraws it (`store::ballots`), so the first who have
    /// not answered are a range of `invitation_answered_by_poll`.
    pub answered: bool,
}

impl ActiveModelBehavior for ActiveModel {}
