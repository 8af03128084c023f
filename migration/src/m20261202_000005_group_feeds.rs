//! Group feeds: a calendar feed per roster, besides the organiser's own.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // No foreign key: SQLite cannot add one to an existing table. Groups
        // are never deleted, and a feed whose group is gone finds no row in
        // the feed query (it joins the group), so it answers 404.
        m.alter_table(
            Table::alter()
                .table("feed")
                .add_column(uuid_null("group_id"))
                .take(),
        )
        .await?;
        // One feed per group, even when two first listings race: NULLs (the
        // organisers' own feeds) are distinct in both databases.
        m.create_index(
            Index::create()
                .name("feed_one_per_group")
                .table("feed")
                .col("group_id")
                .unique()
                .take(),
        )
        .await?;
        Ok(())
    }
}
