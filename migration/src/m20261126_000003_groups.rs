//! Rosters: an organiser's groups of members, each with a time zone and
//! social hours.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // "group" is an SQL keyword, hence member_group.
        m.create_table(
            Table::create()
                .table("member_group")
                .col(pk_uuid("id"))
                .col(uuid("organiser_id"))
                .col(string_len("name", 200))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("member_group", "organiser_id")
                        .to("organiser", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("member_group_by_organiser")
                .table("member_group")
                .col("organiser_id")
                .col("id")
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("member")
                .col(pk_uuid("id"))
                .col(uuid("group_id"))
                .col(string_len("name", 200))
                .col(string_len_null("email", 254))
                .col(string_len("time_zone", 64))
                .col(string_len("social_start", 5))
                .col(string_len("social_end", 5))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("member", "group_id")
                        .to("member_group", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("member_by_group")
                .table("member")
                .col("group_id")
                .col("id")
                .take(),
        )
        .await?;
        Ok(())
    }
}
