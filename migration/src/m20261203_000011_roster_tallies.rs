//! Running tallies of a poll's roster, so results read a few rows per poll
//! however many members are invited (issue 15):
//!
//! - `invitation` carries its member's clock (zone and social hours), copied
//!   when the member is invited and whenever the member's clock changes
//!   (`Store::update_member`), indexed so each clock's first members are a
//!   range of the index;
//! - `roster_clock` counts each poll's invited (and required) members by
//!   clock;
//! - `poll_tally` gains `answered` and `proxies`: invited members who
//!   answered, and answers the organiser recorded for them, sharded with the
//!   response like `responses`.
//!
//! Triggers keep them, in the statement that changes an invitation or an
//! answer: that is the one place that sees every such change, the cascades
//! included (a removed member's invitations go and their answers are
//! unlinked by foreign keys, with no code of ours running). Anonymous votes
//! (no invitation) do not fire them. The triggers only ever add or subtract,
//! so concurrent writers commute.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Adds the columns and the table, and fills them from what is stored.
const SCHEMA: &[&str] = &[
    "ALTER TABLE invitation ADD COLUMN time_zone VARCHAR(64) NOT NULL DEFAULT ''",
    "ALTER TABLE invitation ADD COLUMN social_start VARCHAR(5) NOT NULL DEFAULT ''",
    "ALTER TABLE invitation ADD COLUMN social_end VARCHAR(5) NOT NULL DEFAULT ''",
    "UPDATE invitation SET
        time_zone = (SELECT m.time_zone FROM member m WHERE m.id = invitation.member_id),
        social_start = (SELECT m.social_start FROM member m WHERE m.id = invitation.member_id),
        social_end = (SELECT m.social_end FROM member m WHERE m.id = invitation.member_id)",
    "CREATE INDEX invitation_by_clock ON invitation (poll_id, time_zone, social_start, social_end, id)",
    "ALTER TABLE poll_tally ADD COLUMN answered BIGINT NOT NULL DEFAULT 0",
    "ALTER TABLE poll_tally ADD COLUMN proxies BIGINT NOT NULL DEFAULT 0",
    "INSERT INTO poll_tally (poll_id, shard, responses)
     SELECT DISTINCT poll_id, shard, 0 FROM response WHERE invitation_id IS NOT NULL
     ON CONFLICT (poll_id, shard) DO NOTHING",
    "UPDATE poll_tally SET
        answered = (SELECT COUNT(*) FROM response r WHERE r.poll_id = poll_tally.poll_id
                    AND r.shard = poll_tally.shard AND r.invitation_id IS NOT NULL),
        proxies = (SELECT COUNT(*) FROM response r WHERE r.poll_id = poll_tally.poll_id
                   AND r.shard = poll_tally.shard AND r.invitation_id IS NOT NULL
                   AND r.recorded_by IS NOT NULL)",
];

const ROSTER_CLOCK_FILL: &str = "INSERT INTO roster_clock
    (poll_id, time_zone, social_start, social_end, members, required)
    SELECT poll_id, time_zone, social_start, social_end, COUNT(*),
           SUM(CASE WHEN required THEN 1 ELSE 0 END)
    FROM invitation GROUP BY poll_id, time_zone, social_start, social_end";

/// SQLite: row triggers (cheap there: no plan per call).
const SQLITE_TRIGGERS: &[&str] = &[
    r#"CREATE TRIGGER roster_clock_invited AFTER INSERT ON invitation BEGIN
    INSERT INTO roster_clock (poll_id, time_zone, social_start, social_end, members, required)
    VALUES (NEW.poll_id, NEW.time_zone, NEW.social_start, NEW.social_end, 1,
            CASE WHEN NEW.required THEN 1 ELSE 0 END)
    ON CONFLICT (poll_id, time_zone, social_start, social_end) DO UPDATE SET
        members = members + 1, required = required + excluded.required;
END"#,
    r#"CREATE TRIGGER roster_clock_uninvited AFTER DELETE ON invitation BEGIN
    UPDATE roster_clock SET members = members - 1,
        required = required - CASE WHEN OLD.required THEN 1 ELSE 0 END
    WHERE poll_id = OLD.poll_id AND time_zone = OLD.time_zone
      AND social_start = OLD.social_start AND social_end = OLD.social_end;
    DELETE FROM roster_clock WHERE poll_id = OLD.poll_id AND time_zone = OLD.time_zone
      AND social_start = OLD.social_start AND social_end = OLD.social_end AND members <= 0;
END"#,
    r#"CREATE TRIGGER roster_clock_moved AFTER UPDATE OF time_zone, social_start, social_end ON invitation
WHEN OLD.time_zone <> NEW.time_zone OR OLD.social_start <> NEW.social_start
  OR OLD.social_end <> NEW.social_end BEGIN
    UPDATE roster_clock SET members = members - 1,
        required = required - CASE WHEN OLD.required THEN 1 ELSE 0 END
    WHERE poll_id = OLD.poll_id AND time_zone = OLD.time_zone
      AND social_start = OLD.social_start AND social_end = OLD.social_end;
    DELETE FROM roster_clock WHERE poll_id = OLD.poll_id AND time_zone = OLD.time_zone
      AND social_start = OLD.social_start AND social_end = OLD.social_end AND members <= 0;
    INSERT INTO roster_clock (poll_id, time_zone, social_start, social_end, members, required)
    VALUES (NEW.poll_id, NEW.time_zone, NEW.social_start, NEW.social_end, 1,
            CASE WHEN NEW.required THEN 1 ELSE 0 END)
    ON CONFLICT (poll_id, time_zone, social_start, social_end) DO UPDATE SET
        members = members + 1, required = required + excluded.required;
END"#,
    r#"CREATE TRIGGER roster_answered AFTER INSERT ON response
WHEN NEW.invitation_id IS NOT NULL BEGIN
    INSERT INTO poll_tally (poll_id, shard, responses, answered, proxies)
    VALUES (NEW.poll_id, NEW.shard, 0, 1, CASE WHEN NEW.recorded_by IS NULL THEN 0 ELSE 1 END)
    ON CONFLICT (poll_id, shard) DO UPDATE SET
        answered = answered + 1, proxies = proxies + excluded.proxies;
END"#,
    r#"CREATE TRIGGER roster_unanswered AFTER DELETE ON response
WHEN OLD.invitation_id IS NOT NULL BEGIN
    UPDATE poll_tally SET answered = answered - 1,
        proxies = proxies - CASE WHEN OLD.recorded_by IS NULL THEN 0 ELSE 1 END
    WHERE poll_id = OLD.poll_id AND shard = OLD.shard;
END"#,
    // An answer unlinked (its member removed) or recorded anew by the member
    // or the organiser. Only an UPDATE: the row exists since the answer was
    // counted, and a poll being deleted must not get one back.
    r#"CREATE TRIGGER roster_answer_changed AFTER UPDATE OF invitation_id, recorded_by ON response
WHEN (OLD.invitation_id IS NULL) <> (NEW.invitation_id IS NULL)
  OR (OLD.recorded_by IS NULL) <> (NEW.recorded_by IS NULL) BEGIN
    UPDATE poll_tally SET
        answered = answered + (CASE WHEN NEW.invitation_id IS NULL THEN 0 ELSE 1 END)
                            - (CASE WHEN OLD.invitation_id IS NULL THEN 0 ELSE 1 END),
        proxies = proxies
            + (CASE WHEN NEW.invitation_id IS NOT NULL AND NEW.recorded_by IS NOT NULL THEN 1 ELSE 0 END)
            - (CASE WHEN OLD.invitation_id IS NOT NULL AND OLD.recorded_by IS NOT NULL THEN 1 ELSE 0 END)
    WHERE poll_id = NEW.poll_id AND shard = NEW.shard;
END"#,
];

/// PostgreSQL: invitations come and go in bulk (a group of 20,000 invited
/// at once), so those triggers run once per statement over its transition
/// table; answers change one at a time, so those are row triggers with a
/// WHEN that keeps anonymous votes out.
const POSTGRES_TRIGGERS: &[&str] = &[
    r#"CREATE FUNCTION roster_clock_invited() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO roster_clock (poll_id, time_zone, social_start, social_end, members, required)
    SELECT poll_id, time_zone, social_start, social_end, COUNT(*),
           SUM(CASE WHEN required THEN 1 ELSE 0 END)
    FROM added GROUP BY poll_id, time_zone, social_start, social_end
    ORDER BY poll_id, time_zone, social_start, social_end
    ON CONFLICT (poll_id, time_zone, social_start, social_end) DO UPDATE SET
        members = roster_clock.members + excluded.members,
        required = roster_clock.required + excluded.required;
    RETURN NULL;
END $$"#,
    "CREATE TRIGGER roster_clock_invited AFTER INSERT ON invitation
     REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION roster_clock_invited()",
    r#"CREATE FUNCTION roster_clock_uninvited() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE roster_clock c SET members = c.members - d.members, required = c.required - d.required
    FROM (SELECT poll_id, time_zone, social_start, social_end, COUNT(*) AS members,
                 SUM(CASE WHEN required THEN 1 ELSE 0 END) AS required
          FROM removed GROUP BY poll_id, time_zone, social_start, social_end) d
    WHERE c.poll_id = d.poll_id AND c.time_zone = d.time_zone
      AND c.social_start = d.social_start AND c.social_end = d.social_end;
    DELETE FROM roster_clock c USING (SELECT DISTINCT poll_id FROM removed) d
    WHERE c.poll_id = d.poll_id AND c.members <= 0;
    RETURN NULL;
END $$"#,
    "CREATE TRIGGER roster_clock_uninvited AFTER DELETE ON invitation
     REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION roster_clock_uninvited()",
    r#"CREATE FUNCTION roster_clock_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE roster_clock SET members = members - 1,
        required = required - CASE WHEN OLD.required THEN 1 ELSE 0 END
    WHERE poll_id = OLD.poll_id AND time_zone = OLD.time_zone
      AND social_start = OLD.social_start AND social_end = OLD.social_end;
    DELETE FROM roster_clock WHERE poll_id = OLD.poll_id AND time_zone = OLD.time_zone
      AND social_start = OLD.social_start AND social_end = OLD.social_end AND members <= 0;
    INSERT INTO roster_clock (poll_id, time_zone, social_start, social_end, members, required)
    VALUES (NEW.poll_id, NEW.time_zone, NEW.social_start, NEW.social_end, 1,
            CASE WHEN NEW.required THEN 1 ELSE 0 END)
    ON CONFLICT (poll_id, time_zone, social_start, social_end) DO UPDATE SET
        members = roster_clock.members + 1, required = roster_clock.required + excluded.required;
    RETURN NULL;
END $$"#,
    "CREATE TRIGGER roster_clock_moved AFTER UPDATE OF time_zone, social_start, social_end ON invitation
     FOR EACH ROW WHEN (OLD.time_zone <> NEW.time_zone OR OLD.social_start <> NEW.social_start
                        OR OLD.social_end <> NEW.social_end)
     EXECUTE FUNCTION roster_clock_moved()",
    r#"CREATE FUNCTION roster_answers() RETURNS trigger LANGUAGE plpgsql AS $$
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
        INSERT INTO poll_tally (poll_id, shard, responses, answered, proxies)
        VALUES (NEW.poll_id, NEW.shard, 0, d_answered, d_proxies)
        ON CONFLICT (poll_id, shard) DO UPDATE SET
            answered = poll_tally.answered + excluded.answered,
            proxies = poll_tally.proxies + excluded.proxies;
    ELSIF d_answered <> 0 OR d_proxies <> 0 THEN
        -- Only an UPDATE: the row exists since the answer was counted, and
        -- a poll being deleted must not get one back.
        UPDATE poll_tally SET answered = answered + d_answered, proxies = proxies + d_proxies
        WHERE poll_id = OLD.poll_id AND shard = OLD.shard;
    END IF;
    RETURN NULL;
END $$"#,
    "CREATE TRIGGER roster_answered AFTER INSERT ON response
     FOR EACH ROW WHEN (NEW.invitation_id IS NOT NULL) EXECUTE FUNCTION roster_answers()",
    "CREATE TRIGGER roster_unanswered AFTER DELETE ON response
     FOR EACH ROW WHEN (OLD.invitation_id IS NOT NULL) EXECUTE FUNCTION roster_answers()",
    "CREATE TRIGGER roster_answer_changed AFTER UPDATE OF invitation_id, recorded_by ON response
     FOR EACH ROW WHEN (OLD.invitation_id IS DISTINCT FROM NEW.invitation_id
                        OR OLD.recorded_by IS DISTINCT FROM NEW.recorded_by)
     EXECUTE FUNCTION roster_answers()",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let backend = m.get_database_backend();
        for sql in SCHEMA {
            db.execute_unprepared(sql).await?;
        }
        let (uuid, triggers) = match backend {
            DbBackend::Sqlite => ("uuid_text", SQLITE_TRIGGERS),
            _ => ("uuid", POSTGRES_TRIGGERS),
        };
        db.execute_unprepared(&format!(
            "CREATE TABLE roster_clock (
                poll_id {uuid} NOT NULL REFERENCES poll (id) ON DELETE CASCADE,
                time_zone VARCHAR(64) NOT NULL,
                social_start VARCHAR(5) NOT NULL,
                social_end VARCHAR(5) NOT NULL,
                members BIGINT NOT NULL,
                required BIGINT NOT NULL,
                PRIMARY KEY (poll_id, time_zone, social_start, social_end))"
        ))
        .await?;
        db.execute_unprepared(ROSTER_CLOCK_FILL).await?;
        for sql in triggers {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
