//! Required members' availability per option as a running count beside the
//! option's yes / if need be / no (issue 15): results of a poll whose 5,000
//! invited members are all required read it from the tallies instead of
//! joining every required invitation to its answer and votes (8.5 ms per
//! read on SQLite). Kept by the vote's own upsert of `option_tally`
//! (`store::ballots::adjust_tallies`), and taken back when a removed
//! member's answers stop counting as a required member's
//! (`Store::remove_member`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared(
            "ALTER TABLE option_tally ADD COLUMN required_available BIGINT NOT NULL DEFAULT 0",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE option_tally SET required_available = (
                SELECT COUNT(*) FROM vote v
                JOIN response r ON r.id = v.response_id
                JOIN invitation i ON i.id = r.invitation_id
                WHERE v.option_id = option_tally.option_id AND r.shard = option_tally.shard
                  AND i.required AND v.choice IN ('yes', 'if_need_be'))",
        )
        .await?;
        Ok(())
    }
}
