//! Results count a roster's invited and required members from an index
//! alone (an index-only scan rather than reading every invitation's row).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("invitation_required_by_poll")
                .table("invitation")
                .col("poll_id")
                .col("required")
                .take(),
        )
        .await
    }
}
