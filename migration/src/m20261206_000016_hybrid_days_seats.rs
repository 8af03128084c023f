//! Hybrid meetings, answers per day and seats (issue 28).
//!
//! - `poll.attendance_modes`: the ways a member may attend a hybrid poll
//!   (`in_person,online`); NULL for a poll that is not hybrid.
//! - `poll_option.per_day`: a multi-day range answered day by day;
//!   `poll_option.capacity`: in-person places.
//! - `vote.attendance`, `vote.days` (the day answers, `date=choice` pairs),
//!   `vote.seat` (`taken` / `waiting`) and `vote.seat_order` (arrival order
//!   on the option's list).
//! - `option_tally.in_person` / `online`: running counts of attendance
//!   beside yes / if need be / no, kept by the same upsert.
//! - `day_tally`: running counts per day, sharded like `option_tally`, so
//!   results read a fixed number of rows however many answered.
//! - `option_seat`: one row per seated option — its capacity, the seats
//!   taken, the list's length and the next arrival number. Every vote that
//!   takes or frees a seat locks this row, so voters on one option queue
//!   there (on every instance) and the seats are never overbooked.
//!
//! Existing polls, options and votes take the defaults: not hybrid, not per
//! day, no seats — they behave exactly as before.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(
    from_table: &'static str,
    from_col: &'static str,
    to_table: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(to_table, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        let columns: [(&str, ColumnDef); 9] = [
            ("poll", text_null("attendance_modes").take()),
            ("poll_option", boolean("per_day").default(false).take()),
            ("poll_option", integer_null("capacity").take()),
            ("vote", string_len_null("attendance", 16).take()),
            ("vote", text_null("days").take()),
            ("vote", string_len_null("seat", 16).take()),
            ("vote", big_integer_null("seat_order").take()),
            ("option_tally", big_integer("in_person").default(0).take()),
            ("option_tally", big_integer("online").default(0).take()),
        ];
        for (table, mut column) in columns {
            m.alter_table(Table::alter().table(table).add_column(&mut column).take())
                .await?;
        }
        m.create_table(
            Table::create()
                .table("day_tally")
                .col(uuid("option_id"))
                .col(small_integer("shard"))
                .col(date("day"))
                .col(uuid("poll_id"))
                .col(big_integer("yes").default(0))
                .col(big_integer("if_need_be").default(0))
                .col(big_integer("no").default(0))
                .primary_key(Index::create().col("option_id").col("shard").col("day"))
                .foreign_key(&mut fk("day_tally", "option_id", "poll_option"))
                .foreign_key(&mut fk("day_tally", "poll_id", "poll"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("day_tally_by_poll")
                .table("day_tally")
                .col("poll_id")
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("option_seat")
                .col(pk_uuid("option_id"))
                .col(uuid("poll_id"))
                .col(big_integer("capacity"))
                .col(big_integer("taken").default(0))
                .col(big_integer("waiting").default(0))
                .col(big_integer("next_order").default(1))
                .foreign_key(&mut fk("option_seat", "option_id", "poll_option"))
                .foreign_key(&mut fk("option_seat", "poll_id", "poll"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("option_seat_by_poll")
                .table("option_seat")
                .col("poll_id")
                .take(),
        )
        .await?;
        // The waiting list of an option in arrival order: who is promoted
        // when a seat frees, found without reading the list.
        m.create_index(
            Index::create()
                .name("vote_seat_order")
                .table("vote")
                .col("option_id")
                .col("seat")
                .col("seat_order")
                .take(),
        )
        .await?;
        Ok(())
    }
}
