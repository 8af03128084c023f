use sea_orm::entity::prelude::*;

/// A single sign-on flow in progress (see `store::oidc`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oidc_flow")]
pub struct Model {
    /// SHA-256 of the `state`, hex.
    #[sea_orm(primary_key, auto_increment = false)]
    pub state_hash: String,
    /// None once used.
    pub nonce: Option<String>,
    /// None once used.
    pub pkce_verifier: Option<String>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
