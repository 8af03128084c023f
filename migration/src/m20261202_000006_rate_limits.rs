//! Rate limits shared by every instance: hits per client and time window.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("rate_limit")
                // What is limited and for whom, e.g. `vote 203.0.113.7`.
                .col(string_len("bucket", 80))
                // The window's start, in seconds since the epoch.
                .col(big_integer("window_start"))
                .col(integer("hits"))
                .primary_key(Index::create().col("bucket").col("window_start"))
                .take(),
        )
        .await?;
        // Old windows are pruned by their start.
        m.create_index(
            Index::create()
                .name("rate_limit_by_window")
                .table("rate_limit")
                .col("window_start")
                .take(),
        )
        .await?;
        Ok(())
    }
}
