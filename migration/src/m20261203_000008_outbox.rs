//! The outbox: every mail (and, later, webhook call) is a row written in the
//! same transaction as the change that caused it, and delivered by a worker
//! in every instance.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("outbox")
                .col(uuid("id").primary_key())
                // What to deliver: `invitation` (a member's invitation mail).
                .col(string_len("topic", 40))
                .col(uuid("poll_id"))
                .col(uuid_null("invitation_id"))
                // `queued` until `sent` or `failed`.
                .col(string_len("state", 16))
                .col(integer("attempts").default(0))
                // When it may next be tried, in milliseconds since the epoch
                // (compared in SQL the same way on both databases).
                .col(big_integer("due_at"))
                // A worker that claimed it holds it until then (ms); a
                // worker that died leaves it to be claimed again after.
                .col(big_integer_null("leased_until"))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .take(),
        )
        .await?;
        // Workers look for due rows by state and time.
        m.create_index(
            Index::create()
                .name("outbox_due")
                .table("outbox")
                .col("state")
                .col("due_at")
                .take(),
        )
        .await?;
        // An invitation's delivery state is its latest row.
        m.create_index(
            Index::create()
                .name("outbox_by_invitation")
                .table("outbox")
                .col("invitation_id")
                .col("created_at")
                .take(),
        )
        .await?;
        Ok(())
    }
}
