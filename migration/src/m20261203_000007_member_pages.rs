//! Member pages: a member's language, invitation links the server can write
//! again, and the key those links are derived with.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // BCP 47 tag; pages and emails fall back to the browser's language.
        m.alter_table(
            Table::alter()
                .table("member")
                .add_column(string_len_null("language", 35))
                .take(),
        )
        .await?;
        // The random input from which an invitation's tokens are derived
        // (with the server key), so that its vote_url can be written again
        // while only the token's hash is stored. NULL for invitations issued
        // before: their links can only be had by reissuing them.
        m.alter_table(
            Table::alter()
                .table("invitation")
                .add_column(string_len_null("link_salt", 64))
                .take(),
        )
        .await?;
        // One row: the key every instance derives links with, created by the
        // first instance to start (insert-if-absent, so starts may race).
        m.create_table(
            Table::create()
                .table("server_key")
                .col(integer("id").primary_key())
                .col(string_len("key", 128))
                .take(),
        )
        .await?;
        Ok(())
    }
}
