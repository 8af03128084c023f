//! Calendar output: the confirmed option of a poll, and subscription feeds
//! addressed by hashed tokens.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // No foreign key: SQLite cannot add one to an existing table. The
        // store refuses to delete a confirmed option instead.
        m.alter_table(
            Table::alter()
                .table("poll")
                .add_column(uuid_null("confirmed_option_id"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("feed")
                .col(pk_uuid("id"))
                .col(uuid("organiser_id"))
                .col(string_len("kind", 16))
                .col(string_len_uniq("token_hash", 64))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("feed", "organiser_id")
                        .to("organiser", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("feed_by_organiser")
                .table("feed")
                .col("organiser_id")
                .take(),
        )
        .await?;
        Ok(())
    }
}
