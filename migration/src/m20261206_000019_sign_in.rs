//! Signing in to the console: the emailed links and the sessions, as rows
//! every instance reads. Only hashes of the secrets are kept.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One emailed sign-in link. Its secret is derived from the row's id
        // with the deployment's link key when the mail is written, so the
        // outbox row needs to carry no secret; only its hash is here.
        m.create_table(
            Table::create()
                .table("sign_in_link")
                .col(uuid("id").primary_key())
                // Lower-cased; the address the link signs in.
                .col(string_len("email", 254))
                .col(string_len_uniq("token_hash", 64))
                // The language the mail is written in.
                .col(string_len("lang", 8))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                // Set when it is used: a link signs in once.
                .col(timestamp_with_time_zone_null("used_at"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("sign_in_link_by_expiry")
                .table("sign_in_link")
                .col("expires_at")
                .take(),
        )
        .await?;

        // A signed-in browser. The cookie holds the secret; the row its hash.
        m.create_table(
            Table::create()
                .table("console_session")
                .col(uuid("id").primary_key())
                .col(string_len_uniq("token_hash", 64))
                .col(uuid("person_id"))
                // How the person signed in: `email` or `oidc`.
                .col(string_len("method", 16))
                .col(timestamp_with_time_zone("created_at"))
                // Idle expiry counts from here; written at most once a minute.
                .col(timestamp_with_time_zone("last_seen_at"))
                // The absolute end, whatever the activity.
                .col(timestamp_with_time_zone("expires_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("console_session", "person_id")
                        .to("person", "id")
                        // Removing a person signs them out everywhere.
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("console_session_by_person")
                .table("console_session")
                .col("person_id")
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("console_session_by_expiry")
                .table("console_session")
                .col("expires_at")
                .take(),
        )
        .await?;
        Ok(())
    }
}
