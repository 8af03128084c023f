//! An endpoint that answers 410 Gone has been taken down for good: it is
//! disabled (no more calls are queued to it), and listWebhooks says when
//! and why, so the organiser can register it again if it comes back.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        m.alter_table(
            Table::alter()
                .table("webhook")
                .add_column(timestamp_with_time_zone_null("disabled_at"))
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("webhook")
                .add_column(text_null("disabled_reason"))
                .take(),
        )
        .await
    }
}
