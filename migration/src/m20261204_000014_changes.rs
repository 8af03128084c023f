//! A count of the changes to what each poll's results show
//! (`poll_tally.changes`), besides the poll's own row (its `version`), so
//! that (issue 15) a results ETag is the poll's version and this count — a
//! client's copy is checked with one lookup, not by computing the results
//! again — and a server can keep the names an organiser's results give and
//! read them again only after a change (reading them was most of that
//! read).
//!
//! The writes that change the tallies count themselves (a vote, an edit, a
//! withdrawal: `store::ballots`). Whatever changes a member the results
//! name counts one through triggers, beside the roster tallies of
//! migration 11 and for the same reason (they see every change, cascades
//! included): an invitation made or removed, an invitation's clock moved,
//! an answer given, withdrawn, unlinked or recorded by someone else, a
//! member renamed. Answers count on their own shard's row, as `answered`
//! does, so concurrent voters do not queue on one row; the rarer roster
//! changes count on shard 0, which every poll with an invitation has from
//! then on. The count only grows, and each change adds to it, so equal
//! counts mean the same results.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SCHEMA: &[&str] = &[
    "ALTER TABLE poll_tally ADD COLUMN changes BIGINT NOT NULL DEFAULT 0",
    "INSERT INTO poll_tally (poll_id, shard, responses)
     SELECT DISTINCT poll_id, 0, 0 FROM invitation WHERE TRUE -- (SQLite parses the ON so)
     ON CONFLICT (poll_id, shard) DO NOTHING",
];

const SQLITE_TRIGGERS: &[&str] = &[
    r#"CREATE TRIGGER changes_invited AFTER INSERT ON invitation BEGIN
    INSERT INTO poll_tally (poll_id, shard, responses, changes)
    VALUES (NEW.poll_id, 0, 0, 1)
    ON CONFLICT (poll_id, shard) DO UPDATE SET changes = changes + 1;
END"#,
    // Only an UPDATE, here and below: a poll being deleted must not get a
    // row back.
    r#"CREATE TRIGGER changes_uninvited AFTER DELETE ON invitation BEGIN
    UPDATE poll_tally SET changes = changes + 1
    WHERE poll_id = OLD.poll_id AND shard = 0;
END"#,
    r#"CREATE TRIGGER changes_moved
AFTER UPDATE OF time_zone, social_start, social_end, required, member_id ON invitation
WHEN OLD.time_zone IS NOT NEW.time_zone OR OLD.social_start IS NOT NEW.social_start
  OR OLD.social_end IS NOT NEW.social_end OR OLD.required IS NOT NEW.required
  OR OLD.member_id IS NOT NEW.member_id BEGIN
    UPDATE poll_tally SET changes = changes + 1
    WHERE poll_id = NEW.poll_id AND shard = 0;
END"#,
    r#"CREATE TRIGGER changes_renamed AFTER UPDATE OF name ON member
WHEN OLD.name IS NOT NEW.name BEGIN
    UPDATE poll_tally SET changes = changes + 1
    WHERE shard = 0 AND poll_id IN (SELECT poll_id FROM invitation WHERE member_id = NEW.id);
END"#,
    r#"CREATE TRIGGER changes_answered AFTER INSERT ON response
WHEN NEW.invitation_id IS NOT NULL BEGIN
    INSERT INTO poll_tally (poll_id, shard, responses, changes)
    VALUES (NEW.poll_id, NEW.shard, 0, 1)
    ON CONFLICT (poll_id, shard) DO UPDATE SET changes = changes + 1;
END"#,
    r#"CREATE TRIGGER changes_unanswered AFTER DELETE ON response
WHEN OLD.invitation_id IS NOT NULL BEGIN
    UPDATE poll_tally SET changes = changes + 1
    WHERE poll_id = OLD.poll_id AND shard = OLD.shard;
END"#,
    r#"CREATE TRIGGER changes_answer_changed AFTER UPDATE OF invitation_id, recorded_by ON response
WHEN OLD.invitation_id IS NOT NEW.invitation_id OR OLD.recorded_by IS NOT NEW.recorded_by BEGIN
    UPDATE poll_tally SET changes = changes + 1
    WHERE poll_id = NEW.poll_id AND shard = NEW.shard;
END"#,
];

/// PostgreSQL: invitations come and go in bulk, so those count once per
/// statement; answers count in the row trigger that already tallies them
/// (migration 11's `roster_answers`, replaced).
const POSTGRES_TRIGGERS: &[&str] = &[
    r#"CREATE FUNCTION changes_invited() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO poll_tally (poll_id, shard, responses, changes)
    SELECT DISTINCT poll_id, 0, 0, 1 FROM added ORDER BY poll_id
    ON CONFLICT (poll_id, shard) DO UPDATE SET changes = poll_tally.changes + 1;
    RETURN NULL;
END $$"#,
    "CREATE TRIGGER changes_invited AFTER INSERT ON invitation
     REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION changes_invited()",
    r#"CREATE FUNCTION changes_uninvited() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE poll_tally SET changes = changes + 1
    WHERE shard = 0 AND poll_id IN (SELECT poll_id FROM removed);
    RETURN NULL;
END $$"#,
    "CREATE TRIGGER changes_uninvited AFTER DELETE ON invitation
     REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION changes_uninvited()",
    r#"CREATE FUNCTION changes_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE poll_tally SET changes = changes + 1
    WHERE poll_id = NEW.poll_id AND shard = 0;
    RETURN NULL;
END $$"#,
    "CREATE TRIGGER changes_moved
     AFTER UPDATE OF time_zone, social_start, social_end, required, member_id ON invitation
     FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone
                        OR OLD.social_start IS DISTINCT FROM NEW.social_start
                        OR OLD.social_end IS DISTINCT FROM NEW.social_end
                        OR OLD.required IS DISTINCT FROM NEW.required
                        OR OLD.member_id IS DISTINCT FROM NEW.member_id)
     EXECUTE FUNCTION changes_moved()",
    r#"CREATE FUNCTION changes_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE poll_tally SET changes = changes + 1
    WHERE shard = 0 AND poll_id IN (SELECT poll_id FROM invitation WHERE member_id = NEW.id);
    RETURN NULL;
END $$"#,
    "CREATE TRIGGER changes_renamed AFTER UPDATE OF name ON member
     FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
     EXECUTE FUNCTION changes_renamed()",
    // Migration 11's, counting every change it sees: its triggers fire on
    // an answer given or withdrawn, and on one unlinked or recorded by
    // someone else (which may leave both counts as they were).
    r#"CREATE OR REPLACE FUNCTION roster_answers() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d_answered BIGINT := 0;
    d_proxies BIGINT := 0;
BEGIN
    IF TG_OP <> 'DELETE' AND NEW.invitation_id IS NOT NULL THEN
        d_answered := d_answered + 1;
        IF NEW.recorded_by IS NOT NULL THEN d_proxies := d_proxies + 1; END IF;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD.invitation_id IS NOT NULL THEN
        d_answered := d_answered - 1;
        IF OLD.recorded_by IS NOT NULL THEN d_proxies := d_proxies - 1; END IF;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO poll_tally (poll_id, shard, responses, answered, proxies, changes)
        VALUES (NEW.poll_id, NEW.shard, 0, d_answered, d_proxies, 1)
        ON CONFLICT (poll_id, shard) DO UPDATE SET
            answered = poll_tally.answered + excluded.answered,
            proxies = poll_tally.proxies + excluded.proxies,
            changes = poll_tally.changes + 1;
    ELSE
        -- Only an UPDATE: the row exists since the answer was counted, and
        -- a poll being deleted must not get one back.
        UPDATE poll_tally SET answered = answered + d_answered, proxies = proxies + d_proxies,
            changes = changes + 1
        WHERE poll_id = OLD.poll_id AND shard = OLD.shard;
    END IF;
    RETURN NULL;
END $$"#,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for sql in SCHEMA {
            db.execute_unprepared(sql).await?;
        }
        let triggers = match m.get_database_backend() {
            DbBackend::Sqlite => SQLITE_TRIGGERS,
            _ => POSTGRES_TRIGGERS,
        };
        for sql in triggers {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
