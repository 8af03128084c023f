//! Invitations: members invited to a poll with personal tokens, proxy
//! answers, a poll's quorum, and "on whose behalf" in the history.

use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("invitation")
                .col(pk_uuid("id"))
                .col(uuid("poll_id"))
                .col(uuid("member_id"))
                .col(boolean("required"))
                // Both tokens are stored only as hashes; reissuing replaces both.
                .col(string_len_uniq("token_hash", 64))
                .col(string_len_uniq("feed_token_hash", 64))
                .col(timestamp_with_time_zone("created_at"))
                // When the member's answer last changed (given, replaced or
                // withdrawn): their calendars' Last-Modified, and the row
                // lock every change of their answer takes first.
                .col(timestamp_with_time_zone_null("answer_changed_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("invitation", "poll_id")
                        .to("poll", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                // A member removed from the roster loses their invitations:
                // their token and feed stop answering.
                .foreign_key(
                    ForeignKey::create()
                        .from("invitation", "member_id")
                        .to("member", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("invitation_once_per_member")
                .table("invitation")
                .col("poll_id")
                .col("member_id")
                .unique()
                .take(),
        )
        .await?;
        // listInvitations pages through a poll's invitations in id order.
        m.create_index(
            Index::create()
                .name("invitation_by_poll")
                .table("invitation")
                .col("poll_id")
                .col("id")
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("invitation_by_member")
                .table("invitation")
                .col("member_id")
                .take(),
        )
        .await?;

        // An invited member's answer points at their invitation; when the
        // invitation goes (the member left the roster, the poll was deleted)
        // the answer stays, uninvited. The database clears the link itself,
        // in the same statement that deletes the invitation, so no answer
        // committed in between can keep a dangling one. sea-query cannot add
        // a foreign key to an existing SQLite table, but SQLite takes one
        // inline in ADD COLUMN, hence the SQL per backend.
        let add_invitation_id = match m.get_database_backend() {
            DbBackend::Sqlite => {
                "ALTER TABLE response ADD COLUMN invitation_id uuid_text NULL \
                 REFERENCES invitation (id) ON DELETE SET NULL"
            }
            _ => {
                "ALTER TABLE response ADD COLUMN invitation_id uuid NULL \
                 REFERENCES invitation (id) ON DELETE SET NULL"
            }
        };
        m.get_connection()
            .execute_unprepared(add_invitation_id)
            .await?;
        m.alter_table(
            Table::alter()
                .table("response")
                .add_column(string_len_null("recorded_by", 200))
                .take(),
        )
        .await?;
        // One answer per invitation, whatever the races.
        m.create_index(
            Index::create()
                .name("response_once_per_invitation")
                .table("response")
                .col("invitation_id")
                .unique()
                .take(),
        )
        .await?;
        // Counts a poll's invited answers from the index alone.
        m.create_index(
            Index::create()
                .name("response_invited_by_poll")
                .table("response")
                .col("poll_id")
                .col("invitation_id")
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("poll")
                .add_column(integer_null("quorum"))
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("poll_history")
                .add_column(string_len_null("on_behalf_of", 200))
                .take(),
        )
        .await?;
        Ok(())
    }
}
