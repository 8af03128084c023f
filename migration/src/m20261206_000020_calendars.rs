//! Members' calendars (free/busy): one connected calendar per invitation
//! or response, and its busy intervals. Only what busy time needs is kept:
//! the address encrypted (AES-256-GCM, see src/secrets.rs) and its host,
//! the feed's validators for a conditional re-read, when it was read and
//! why it failed; the intervals as UTC start and end, no title, place,
//! attendee or UID. Deleting the calendar (or its invitation, response or
//! poll) deletes its intervals.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(from: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from, col)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("member_calendar")
                .col(pk_uuid("id"))
                .col(uuid("poll_id"))
                .col(uuid_null("invitation_id").unique_key())
                .col(uuid_null("response_id").unique_key())
                // The zone all-day and floating events are read in.
                .col(string_len("zone", 64))
                // Where the busy time came from: the address's host, or
                // none for an uploaded file.
                .col(string_len_null("source_host", 255))
                .col(text_null("address_sealed"))
                .col(text_null("etag"))
                .col(text_null("last_modified"))
                .col(timestamp_with_time_zone_null("read_at"))
                .col(timestamp_with_time_zone("checked_at"))
                .col(text_null("error"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("member_calendar", "poll_id", "poll"))
                .foreign_key(&mut fk("member_calendar", "invitation_id", "invitation"))
                .foreign_key(&mut fk("member_calendar", "response_id", "response"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("member_calendar_poll")
                .table("member_calendar")
                .col("poll_id")
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("calendar_busy")
                .col(uuid("calendar_id"))
                .col(uuid("poll_id"))
                .col(timestamp_with_time_zone("starts_at"))
                .col(timestamp_with_time_zone("ends_at"))
                .primary_key(Index::create().col("calendar_id").col("starts_at"))
                .foreign_key(&mut fk("calendar_busy", "calendar_id", "member_calendar"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("calendar_busy_poll")
                .table("calendar_busy")
                .col("poll_id")
                .take(),
        )
        .await?;
        Ok(())
    }
}
