//! The core schema: organisers, polls, options, responses with their votes,
//! running tallies, and the append-only poll history.

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
        m.create_table(
            Table::create()
                .table("organiser")
                .col(pk_uuid("id"))
                .col(string_len_uniq("name", 200))
                .col(string_len_uniq("token_hash", 64))
                .col(timestamp_with_time_zone("created_at"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("poll")
                .col(pk_uuid("id"))
                .col(uuid("organiser_id"))
                .col(text("title"))
                .col(text("description"))
                .col(text("location"))
                .col(string_len("time_zone", 64))
                .col(string_len("status", 16))
                .col(timestamp_with_time_zone_null("deadline"))
                .col(string_len("voting", 16))
                .col(boolean("allow_if_need_be"))
                .col(string_len("results_visibility", 16))
                .col(boolean("show_voter_names"))
                .col(boolean("aggregate_only"))
                .col(integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("poll", "organiser_id", "organiser"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("poll_by_organiser")
                .table("poll")
                .col("organiser_id")
                .col("id")
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("poll_option")
                .col(pk_uuid("id"))
                .col(uuid("poll_id"))
                .col(integer("position"))
                .col(string_len("kind", 16))
                .col(date_null("start_date"))
                .col(date_null("end_date"))
                .col(timestamp_with_time_zone_null("start_utc"))
                .col(timestamp_with_time_zone_null("end_utc"))
                .col(string_len("slot_key", 80))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("poll_option", "poll_id", "poll"))
                .take(),
        )
        .await?;
        // Two options of one poll may not denote the same slot.
        m.create_index(
            Index::create()
                .name("poll_option_unique_slot")
                .table("poll_option")
                .col("poll_id")
                .col("slot_key")
                .unique()
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("response")
                .col(pk_uuid("id"))
                .col(uuid("poll_id"))
                .col(string_len("name", 200))
                .col(text("comment"))
                .col(string_len_null("edit_token_hash", 64).unique_key())
                .col(small_integer("shard"))
                .col(integer("revision"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("response", "poll_id", "poll"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("response_by_poll")
                .table("response")
                .col("poll_id")
                .col("id")
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("vote")
                .col(uuid("response_id"))
                .col(uuid("option_id"))
                .col(string_len("choice", 16))
                .primary_key(Index::create().col("response_id").col("option_id"))
                .foreign_key(&mut fk("vote", "response_id", "response"))
                .foreign_key(&mut fk("vote", "option_id", "poll_option"))
                .check(Expr::col("choice").is_in(["yes", "if_need_be", "no"]))
                .take(),
        )
        .await?;
        // Deleting an option cascades to its votes; without this that is a scan.
        m.create_index(
            Index::create()
                .name("vote_by_option")
                .table("vote")
                .col("option_id")
                .take(),
        )
        .await?;

        // No CHECK (count >= 0) here: SQLite evaluates CHECK on the proposed
        // row of an upsert before resolving the conflict, so a decrement
        // written as an upsert would fail. The vote transaction keeps the
        // counts equal to the votes; the tests recount them.
        m.create_table(
            Table::create()
                .table("option_tally")
                .col(uuid("option_id"))
                .col(small_integer("shard"))
                .col(uuid("poll_id"))
                .col(big_integer("yes").default(0))
                .col(big_integer("if_need_be").default(0))
                .col(big_integer("no").default(0))
                .primary_key(Index::create().col("option_id").col("shard"))
                .foreign_key(&mut fk("option_tally", "option_id", "poll_option"))
                .foreign_key(&mut fk("option_tally", "poll_id", "poll"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("option_tally_by_poll")
                .table("option_tally")
                .col("poll_id")
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("poll_tally")
                .col(uuid("poll_id"))
                .col(small_integer("shard"))
                .col(big_integer("responses").default(0))
                .primary_key(Index::create().col("poll_id").col("shard"))
                .foreign_key(&mut fk("poll_tally", "poll_id", "poll"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("poll_history")
                .col(big_pk_auto("id"))
                .col(uuid("poll_id"))
                .col(timestamp_with_time_zone("at"))
                .col(string_len("actor_kind", 16))
                .col(string_len("actor_name", 200))
                .col(string_len("action", 32))
                .col(uuid_null("response_id"))
                .col(text("details"))
                .foreign_key(&mut fk("poll_history", "poll_id", "poll"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("poll_history_by_poll")
                .table("poll_history")
                .col("poll_id")
                .col("id")
                .take(),
        )
        .await?;
        Ok(())
    }
}
