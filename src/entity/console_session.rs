use sea_orm::entity::prelude::*;

/// A signed-in browser: the hash of its cookie's secret, and its times.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "console_session")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub person_id: Uuid,
    /// `email` or `oidc`.
    pub method: String,
    pub created_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    /// The address the sign-in proved (migration 23): the one whose
    /// workspaces the session may switch between.
    pub proven_email: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
