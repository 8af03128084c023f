//! Workspaces, people and personal API tokens. The `organiser` table keeps
//! its name and its rows but now holds workspaces (a secretariat): every
//! poll, group, feed and webhook already points at it, so nothing else moves.
//! Each existing organiser becomes a one-person workspace whose person is its
//! owner, and its token becomes that owner's `write` API token, with the same
//! hash, so it keeps working unchanged.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Where members' replies go: the workspace's own address (mail
        // `Reply-To`, iTIP ORGANIZER). Unset until an owner sets it.
        m.alter_table(
            Table::alter()
                .table("organiser")
                .add_column(string_len_null("reply_to", 254))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("person")
                .col(uuid("id").primary_key())
                .col(uuid("workspace_id"))
                // Lower-cased. Null only for people migrated from an
                // organiser, who had none; an owner sets it.
                .col(string_len_null("email", 254))
                .col(string_len("name", 200))
                // `owner`, `editor` or `viewer`.
                .col(string_len("role", 16))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("person", "workspace_id")
                        .to("organiser", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        // One person per address in a workspace (nulls are distinct on both
        // databases); the index also serves "the people of a workspace".
        m.create_index(
            Index::create()
                .name("person_by_workspace_email")
                .table("person")
                .col("workspace_id")
                .col("email")
                .unique()
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("api_token")
                .col(uuid("id").primary_key())
                .col(uuid("person_id"))
                .col(string_len("name", 200))
                // `read` or `write`.
                .col(string_len("scope", 16))
                .col(string_len_uniq("token_hash", 64))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("api_token", "person_id")
                        .to("person", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("api_token_by_person")
                .table("api_token")
                .col("person_id")
                .take(),
        )
        .await?;

        // The data: the person and the token reuse the organiser's id (a new
        // table each, so no clash), which keeps this plain SQL that runs the
        // same on SQLite and PostgreSQL.
        let db = m.get_connection();
        db.execute_unprepared(
            "INSERT INTO person (id, workspace_id, email, name, role, created_at) \
             SELECT id, id, NULL, name, 'owner', created_at FROM organiser",
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO api_token (id, person_id, name, scope, token_hash, created_at, last_used_at) \
             SELECT id, id, 'organiser token', 'write', token_hash, created_at, NULL FROM organiser",
        )
        .await?;
        // The old column is unique and not null, and SQLite cannot drop a
        // unique column: it stays, retired. Nothing reads it any more; its
        // hashes are upper-cased (still unique, but no longer what hashing a
        // token gives) so that no stale credential is left in it. New
        // workspaces put a placeholder there.
        db.execute_unprepared("UPDATE organiser SET token_hash = UPPER(token_hash)")
            .await?;
        Ok(())
    }
}
