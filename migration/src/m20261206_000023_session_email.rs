//! The address a console session's sign-in proved (the emailed link's, or
//! the provider's verified `email`). The workspaces a session may switch
//! between are the ones of this address, never of the person row's
//! address, which a workspace's owner can change. Sessions begun before
//! have none, and switch nowhere until their person signs in again.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("console_session")
                .add_column(string_len_null("proven_email", 320))
                .take(),
        )
        .await
    }
}
