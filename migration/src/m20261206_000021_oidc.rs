//! Single sign-on flows in progress (OpenID Connect): what the callback
//! needs to finish a sign-in that the browser began, possibly on another
//! instance. A flow is used once; its secrets are erased when it is used,
//! and the row is pruned once it has expired.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("oidc_flow")
                // SHA-256 of the `state` sent to the provider (hex): a
                // reader of the table cannot present it.
                .col(string_len("state_hash", 64).primary_key())
                // The ID token's expected `nonce` and the PKCE verifier;
                // null once the flow is used.
                .col(string_len_null("nonce", 128))
                .col(string_len_null("pkce_verifier", 128))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                // Kept until expiry so that a replay is told apart from an
                // unknown flow.
                .col(timestamp_with_time_zone_null("used_at"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("oidc_flow_by_expiry")
                .table("oidc_flow")
                .col("expires_at")
                .take(),
        )
        .await?;
        Ok(())
    }
}
