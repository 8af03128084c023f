use sea_orm::entity::prelude::*;

/// Append-only record of everything done to a poll and its responses: who,
/// what, when, on whose behalf. Never updated; a response's earlier answers
/// stay here after it is replaced or withdrawn.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "poll_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub poll_id: Uuid,
    pub at: DateTimeUtc,
    /// `organiser` or `respondent`.
    pub actor_kind: String,
    pub actor_name: String,
    pub action: String,
    pub response_id: Option<Uuid>,
    /// What changed, as JSON (for responses: the full new answer).
    pub details: String,
    /// For proxy answers: the member the organiser answered for.
    pub on_behalf_of: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
