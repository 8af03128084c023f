//! Which options each connected calendar shows busy: one row per
//! (calendar, option) that is busy, written in the same transaction as the
//! calendar's busy intervals and rewritten when an option's time changes.
//! getResults counts these rows per option instead of reading every
//! interval of every calendar. Deleting a calendar or an option deletes its
//! marks, so a count can never outlive what it counts.
//!
//! Calendars stored before this migration have `options_marked` false: the
//! service marks them at its next start (their options' spans depend on
//! each member's zone, which SQL alone cannot apply).

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
                .table("calendar_option_busy")
                .col(uuid("calendar_id"))
                .col(uuid("option_id"))
                .col(uuid("poll_id"))
                .primary_key(Index::create().col("calendar_id").col("option_id"))
                .foreign_key(&mut fk(
                    "calendar_option_busy",
                    "calendar_id",
                    "member_calendar",
                ))
                .foreign_key(&mut fk("calendar_option_busy", "option_id", "poll_option"))
                .take(),
        )
        .await?;
        // Covers the per-option count of a poll.
        m.create_index(
            Index::create()
                .name("calendar_option_busy_poll")
                .table("calendar_option_busy")
                .col("poll_id")
                .col("option_id")
                .take(),
        )
        .await?;
        // The option's marks are rewritten by option.
        m.create_index(
            Index::create()
                .name("calendar_option_busy_option")
                .table("calendar_option_busy")
                .col("option_id")
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("member_calendar")
                .add_column(boolean("options_marked").default(false))
                .take(),
        )
        .await?;
        Ok(())
    }
}
