//! Automatic reminders (a poll's list of durations before its deadline) and
//! webhooks, delivered through the outbox like mail.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // ISO 8601 durations before the deadline, comma-separated.
        m.alter_table(
            Table::alter()
                .table("poll")
                .add_column(string_len_null("reminders", 200))
                .take(),
        )
        .await?;
        // An organiser's endpoint for events of their polls (all of them,
        // or one). The secret signs every call, so it is kept readable.
        m.create_table(
            Table::create()
                .table("webhook")
                .col(uuid("id").primary_key())
                .col(uuid("organiser_id"))
                .col(uuid_null("poll_id"))
                .col(string_len("url", 2048))
                // Event types, comma-separated.
                .col(string_len("events", 400))
                .col(string_len("secret", 100))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("webhook", "organiser_id")
                        .to("organiser", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("webhook", "poll_id")
                        .to("poll", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        // Each event is matched to webhooks in the writer's transaction.
        m.create_index(
            Index::create()
                .name("webhook_by_organiser")
                .table("webhook")
                .col("organiser_id")
                .take(),
        )
        .await?;
        // A webhook call's row names its webhook and carries the body as it
        // was when the event happened (the event's data, not a later state).
        m.alter_table(
            Table::alter()
                .table("outbox")
                .add_column(uuid_null("webhook_id"))
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("outbox")
                .add_column(text_null("payload"))
                .take(),
        )
        .await?;
        // listWebhookDeliveries, newest first.
        m.create_index(
            Index::create()
                .name("outbox_by_webhook")
                .table("outbox")
                .col("webhook_id")
                .col("created_at")
                .take(),
        )
        .await?;
        Ok(())
    }
}
