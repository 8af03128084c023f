//! The roster as results and calendars read it: who is invited, on which
//! clock, who has answered; counted from indexes and running tallies, and
//! named only as far as a reader sees names (the first few of each list).

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Statement};
use uuid::Uuid;

use super::Store;
use super::names_cache::{NamedLists, NamesKey};
use crate::domain::ranking;
use crate::domain::roster::parse_clock;
use crate::domain::standing::{Answer, Clock, Invitee, NAMED, Named, Roster};
use crate::domain::time::{Slot, SocialHours, Zone};
use crate::entity::invitation;
use crate::error::{Error, Result};

/// The select list and joins of every roster query: invitation, member,
/// answer, over the invitations `i` that the query picks. A macro so queries
/// can `concat!` their choice of invitations into it.
macro_rules! roster_of {
    ($invitations:literal) => {
        concat!(
            r#"
SELECT i.id AS invitation_id, i.member_id, i.required, i.created_at AS invited_at,
       i.link_salt, m.name, m.email, m.time_zone, m.social_start, m.social_end, m.language,
       r.id AS response_id, r.updated_at AS answered_at, r.recorded_by, r.revision
FROM ("#,
            $invitations,
            r#") i
JOIN member m ON m.id = i.member_id
LEFT JOIN response r ON r.invitation_id = i.id
ORDER BY i.id"#
        )
    };
}

/// A poll's roster, or one page of it, oldest invitation first. The page
/// is cut before the joins (from the `invitation_by_poll` index, in order),
/// so a page of 50 joins 50 rows however many members are invited — even
/// when PostgreSQL's statistics have not caught up with a bulk invitation.
const ROSTER: &str =
    roster_of!("SELECT * FROM invitation WHERE poll_id = $1 AND id > $2 ORDER BY id LIMIT $3");

/// [`ROSTER`] of those who have answered, or not.
const ROSTER_ANSWERED: &str = roster_of!(
    "SELECT * FROM invitation WHERE poll_id = $1 AND answered = TRUE AND id > $2 \
     ORDER BY id LIMIT $3"
);
const ROSTER_SILENT: &str = roster_of!(
    "SELECT * FROM invitation WHERE poll_id = $1 AND answered = FALSE AND id > $2 \
     ORDER BY id LIMIT $3"
);

pub(super) const ONE_INVITEE: &str =
    roster_of!("SELECT * FROM invitation WHERE poll_id = $1 AND id = $2");

/// Per option, how many required members can make it (yes or if need be):
/// counted in the database from the votes of required invitees only.
const REQUIRED_AVAILABLE: &str = r#"
SELECT v.option_id, COUNT(*) AS available
FROM invitation i
JOIN response r ON r.invitation_id = i.id
JOIN vote v ON v.response_id = r.id
WHERE i.poll_id = $1 AND i.required AND v.choice IN ('yes', 'if_need_be')
GROUP BY v.option_id"#;

/// A roster's running tallies (migration 11): one row per clock with its
/// invited and required members, each carrying the poll's answered and
/// proxy counts and its count of changes (migration 14) (one row with no clock when nobody is invited) — a few rows
/// however many members are invited.
const ROSTER_TALLIES: &str = r#"
SELECT a.answered, a.proxies, a.changes, c.time_zone, c.social_start, c.social_end,
       c.members, c.required
FROM (SELECT CAST(COALESCE(SUM(answered), 0) AS BIGINT) AS answered,
             CAST(COALESCE(SUM(proxies), 0) AS BIGINT) AS proxies,
             CAST(COALESCE(SUM(changes), 0) AS BIGINT) AS changes
      FROM poll_tally WHERE poll_id = $1) a
LEFT JOIN roster_clock c ON c.poll_id = $1"#;

/// Who a results reply names ([`Roster`]): for each group of clocks some
/// timed option keeps up outside their social hours, the first `NAMED`
/// members of those clocks by invitation (options keeping up the same clocks
/// share a group); the first non-respondents; the first answers the
/// organiser recorded. One statement reads them: each list is cut to `NAMED`
/// ids from index ranges (`invitation_by_clock`, `invitation_answered_by_poll`)
/// before anything is joined, so it reads a few dozen rows however many
/// members are invited. Its rows: `list` (`o` outside social hours, `s`
/// silent, `p` recorded by the organiser), then the member, and for `p`
/// who recorded the answer (only those rows look up the answer).
struct Names<'a> {
    poll_id: Uuid,
    silent: bool,
    proxies: bool,
    /// Groups of clocks, as indexes into `stored`.
    sets: &'a [Vec<usize>],
    /// Each clock as stored (zone, social start, social end).
    stored: &'a [[String; 3]],
}

/// [`Names`] on PostgreSQL: one text whatever the clocks (they come as
/// arrays), so it is planned once per connection, not per read. `$5…$8`:
/// each clock of each group with its group's number.
const NAMES_POSTGRES: &str = r#"
WITH legs AS (
    SELECT c.set_no, k.id, row_number() OVER (PARTITION BY c.set_no ORDER BY k.id) AS n
    FROM unnest($5::int[], $6::text[], $7::text[], $8::text[])
         AS c(set_no, time_zone, social_start, social_end)
    CROSS JOIN LATERAL (
        SELECT id FROM invitation
        WHERE poll_id = $1 AND time_zone = c.time_zone AND social_start = c.social_start
          AND social_end = c.social_end
        ORDER BY id LIMIT $2) AS k
), lists AS (
    SELECT DISTINCT 'o' AS list, id FROM legs WHERE n <= $2
    UNION ALL
    SELECT 's', id FROM (
        SELECT id FROM invitation WHERE $3 AND poll_id = $1 AND answered = FALSE
        ORDER BY id LIMIT $2) AS s
    UNION ALL
    SELECT 'p', id FROM (
        SELECT invitation_id AS id FROM response
        WHERE $4 AND poll_id = $1 AND recorded_by IS NOT NULL AND invitation_id IS NOT NULL
        ORDER BY invitation_id LIMIT $2) AS p
)
SELECT l.list, x.* FROM lists l
CROSS JOIN LATERAL (
    SELECT i.id AS invitation_id, i.member_id, i.required, m.name, i.time_zone,
           i.social_start, i.social_end,
           CASE WHEN l.list = 'p'
                THEN (SELECT r.recorded_by FROM response r WHERE r.invitation_id = i.id) END
             AS recorded_by
    FROM invitation i JOIN member m ON m.id = i.member_id
    WHERE i.id = l.id
    -- One row (the id is the key); the LIMIT keeps PostgreSQL from turning
    -- the few lookups into a hash join over every invitation.
    LIMIT 1) AS x"#;

/// [`Names`] on SQLite, which has no LATERAL: the lists written out,
/// joined with UNION (statements are prepared once per text, and a poll's
/// text stays the same while its clocks do).
const NAMES_SQLITE: &str = r#"
SELECT n.list, i.id AS invitation_id, i.member_id, i.required, m.name, i.time_zone,
       i.social_start, i.social_end,
       CASE WHEN n.list = 'p'
            THEN (SELECT r.recorded_by FROM response r WHERE r.invitation_id = i.id) END
         AS recorded_by
FROM ($LISTS) AS n
JOIN invitation i ON i.id = n.id
JOIN member m ON m.id = i.member_id
ORDER BY n.list, i.id"#;

/// The first `$2` non-respondents.
const SILENT_IDS: &str = "SELECT 's' AS list, id FROM (SELECT id FROM invitation \
     WHERE poll_id = $1 AND answered = FALSE ORDER BY id LIMIT $2) AS s";

/// The first `$2` answers the organiser recorded, by invitation.
const PROXY_IDS: &str = "SELECT 'p' AS list, id FROM (SELECT invitation_id AS id FROM response \
     WHERE poll_id = $1 AND recorded_by IS NOT NULL AND invitation_id IS NOT NULL \
     ORDER BY invitation_id LIMIT $2) AS p";

impl Names<'_> {
    /// The lists, each in invitation order, each member once.
    async fn read(&self, db: &impl ConnectionTrait) -> Result<NamedLists> {
        let mut lists = NamedLists::default();
        for statement in self.statements(db.get_database_backend()) {
            for row in db.query_all_raw(statement).await? {
                let (member_id, zone, social_hours) = member_clock_of(&row)?;
                let member = Named {
                    invitation_id: row.try_get("", "invitation_id")?,
                    member_id,
                    name: row.try_get("", "name")?,
                    required: row.try_get("", "required")?,
                    zone,
                    social_hours,
                };
                match row.try_get::<String>("", "list")?.as_str() {
                    "o" => lists.outside.push(member),
                    "s" => lists.silent.push(member),
                    _ => {
                        let by: Option<String> = row.try_get("", "recorded_by")?;
                        lists.proxy_answers.push((member, by.unwrap_or_default()));
                    }
                }
            }
        }
        // PostgreSQL's rows come in no particular order; SQLite's may come
        // in more than one statement.
        lists.outside.sort_by_key(|m| m.invitation_id);
        lists.outside.dedup_by_key(|m| m.invitation_id);
        lists.silent.sort_by_key(|m| m.invitation_id);
        lists.proxy_answers.sort_by_key(|(m, _)| m.invitation_id);
        Ok(lists)
    }

    fn is_empty(&self) -> bool {
        !self.silent && !self.proxies && self.sets.is_empty()
    }

    fn statements(&self, backend: sea_orm::DatabaseBackend) -> Vec<Statement> {
        if self.is_empty() {
            return Vec::new();
        }
        let shared = [self.poll_id.into(), (NAMED as i64).into()];
        if backend == sea_orm::DatabaseBackend::Postgres {
            let legs: Vec<(i32, &[String; 3])> = (0..)
                .zip(self.sets)
                .flat_map(|(n, set)| set.iter().map(move |&c| (n, &self.stored[c])))
                .collect();
            let column = |k: usize| -> sea_orm::Value {
                legs.iter()
                    .map(|(_, clock)| clock[k].clone())
                    .collect::<Vec<_>>()
                    .into()
            };
            let values = shared.into_iter().chain([
                self.silent.into(),
                self.proxies.into(),
                legs.iter().map(|(n, _)| *n).collect::<Vec<_>>().into(),
                column(0),
                column(1),
                column(2),
            ]);
            return vec![Statement::from_sql_and_values(
                backend,
                NAMES_POSTGRES,
                values,
            )];
        }
        // A statement takes a couple of hundred index ranges; most polls
        // need one.
        let mut statements = Vec::new();
        let mut lists: Vec<String> = Vec::new();
        let mut values: Vec<sea_orm::Value> = shared.to_vec();
        let mut bound: HashMap<usize, usize> = HashMap::new();
        let mut legs = 0;
        let flush = |lists: &mut Vec<String>, values: &mut Vec<sea_orm::Value>| {
            let sql = NAMES_SQLITE.replace("$LISTS", &lists.join("\nUNION\n"));
            lists.clear();
            Statement::from_sql_and_values(backend, sql, std::mem::replace(values, shared.to_vec()))
        };
        if self.silent {
            lists.push(SILENT_IDS.into());
        }
        if self.proxies {
            lists.push(PROXY_IDS.into());
        }
        for (n, set) in self.sets.iter().enumerate() {
            if legs + set.len() > 200 && !lists.is_empty() {
                statements.push(flush(&mut lists, &mut values));
                bound.clear();
                legs = 0;
            }
            legs += set.len();
            let ranges: Vec<String> = set
                .iter()
                .map(|&clock| {
                    let next = values.len() + 1;
                    let p = *bound.entry(clock).or_insert(next);
                    if p == next {
                        values.extend(self.stored[clock].iter().map(|v| v.as_str().into()));
                    }
                    format!(
                        "SELECT id FROM (SELECT id FROM invitation WHERE poll_id = $1 \
                         AND time_zone = ${p} AND social_start = ${} AND social_end = ${} \
                         ORDER BY id LIMIT $2) AS k{n}_{clock}",
                        p + 1,
                        p + 2
                    )
                })
                .collect();
            lists.push(format!(
                "SELECT 'o' AS list, id FROM (SELECT id FROM ({}) AS u{n} \
                 ORDER BY id LIMIT $2) AS o{n}",
                ranges.join(" UNION ALL ")
            ));
        }
        if !lists.is_empty() {
            statements.push(flush(&mut lists, &mut values));
        }
        statements
    }
}

/// Both counts from indexes alone (`invitation_by_poll`,
/// `response_invited_by_poll`), without joining 5,000 rows.
const INVITATION_COUNTS: &str = r#"
SELECT (SELECT COUNT(*) FROM invitation WHERE poll_id = $1) AS invited,
       (SELECT COUNT(*) FROM response WHERE poll_id = $1 AND invitation_id IS NOT NULL) AS answered"#;

/// A member's stored zone and social hours, read back.
pub(super) fn clock_of(
    member: Uuid,
    zone: &str,
    start: &str,
    end: &str,
) -> Result<(Zone, SocialHours)> {
    let bad = |what: &str| Error::Internal(anyhow::anyhow!("member {member} has a bad {what}"));
    Ok((
        Zone::parse(zone).map_err(|_| bad("time zone"))?,
        SocialHours {
            start: parse_clock(start).map_err(|_| bad("social hours start"))?,
            end: parse_clock(end).map_err(|_| bad("social hours end"))?,
        },
    ))
}

/// A row's member and their clock (`member_id`, `time_zone`,
/// `social_start`, `social_end`), read back.
pub(super) fn member_clock_of(row: &sea_orm::QueryResult) -> Result<(Uuid, Zone, SocialHours)> {
    let member_id: Uuid = row.try_get("", "member_id")?;
    let (zone, social_hours) = clock_of(
        member_id,
        &row.try_get::<String>("", "time_zone")?,
        &row.try_get::<String>("", "social_start")?,
        &row.try_get::<String>("", "social_end")?,
    )?;
    Ok((member_id, zone, social_hours))
}

pub(super) fn invitee_from_row(row: &sea_orm::QueryResult) -> Result<Invitee> {
    let (member_id, zone, social_hours) = member_clock_of(row)?;
    let answer = match row.try_get::<Option<Uuid>>("", "response_id")? {
        Some(response_id) => Some(Answer {
            response_id,
            answered_at: row.try_get("", "answered_at")?,
            recorded_by: row.try_get("", "recorded_by")?,
            revision: row.try_get("", "revision")?,
            votes: Vec::new(),
        }),
        None => None,
    };
    Ok(Invitee {
        invitation_id: row.try_get("", "invitation_id")?,
        member_id,
        name: row.try_get("", "name")?,
        email: row.try_get("", "email")?,
        zone,
        social_hours,
        required: row.try_get("", "required")?,
        invited_at: row.try_get("", "invited_at")?,
        language: row.try_get("", "language")?,
        link_salt: row.try_get("", "link_salt")?,
        answer,
    })
}

pub(super) async fn roster_page(
    db: &impl ConnectionTrait,
    poll_id: Uuid,
    after: Option<Uuid>,
    limit: u64,
    answered: Option<bool>,
) -> Result<Vec<Invitee>> {
    let sql = match answered {
        None => ROSTER,
        Some(true) => ROSTER_ANSWERED,
        Some(false) => ROSTER_SILENT,
    };
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            [
                poll_id.into(),
                after.unwrap_or(Uuid::nil()).into(),
                (limit.min(i64::MAX as u64) as i64).into(),
            ],
        ))
        .await?;
    rows.iter().map(invitee_from_row).collect()
}

impl Store {
    /// A poll's roster as results need it ([`Roster`]): counts, members by
    /// clock (read only when one of `slots` is timed, the only kind social
    /// hours apply to), and — when `named`, for a reader who sees members
    /// by name — the first few of each list, read in one more statement;
    /// so a results read stays small however many members are invited.
    #[tracing::instrument(name = "store.roster_summary", skip_all, fields(poll_id = %poll_id))]
    pub async fn roster_summary(
        &self,
        poll_id: Uuid,
        slots: &[Slot],
        named: bool,
    ) -> Result<Roster> {
        let db = self.read();
        let backend = db.get_database_backend();
        let timed = slots.iter().any(|s| matches!(s, Slot::Timed { .. }));
        let tallies = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                ROSTER_TALLIES,
                [poll_id.into()],
            ))
            .await?;
        let Some(first) = tallies.first() else {
            return Ok(Roster::default());
        };
        let mut roster = Roster {
            answered: first.try_get("", "answered")?,
            proxies: first.try_get("", "proxies")?,
            ..Roster::default()
        };
        // Each clock as stored, for naming its first members below.
        let mut clocks: Vec<(Clock, [String; 3])> = Vec::new();
        for row in &tallies {
            let Some(members) = row.try_get::<Option<i64>>("", "members")? else {
                continue;
            };
            roster.invited += members;
            roster.required += row.try_get::<i64>("", "required")?;
            if !timed {
                continue;
            }
            let stored: [String; 3] = [
                row.try_get("", "time_zone")?,
                row.try_get("", "social_start")?,
                row.try_get("", "social_end")?,
            ];
            let (zone, social_hours) = clock_of(Uuid::nil(), &stored[0], &stored[1], &stored[2])?;
            let clock = Clock {
                zone,
                social_hours,
                members,
            };
            clocks.push((clock, stored));
        }
        clocks.sort_by_key(|(clock, _)| clock.order());
        let (clocks, stored): (Vec<Clock>, Vec<[String; 3]>) = clocks.into_iter().unzip();
        roster.clocks = clocks;
        if roster.invited == 0 || !named {
            return Ok(roster);
        }
        // Options keeping up the same clocks share a list; a statement
        // takes a couple of hundred index ranges, so most polls need one.
        let sets: Vec<Vec<usize>> = slots
            .iter()
            .map(|slot| ranking::clocks_kept_outside(slot, &roster.clocks))
            .filter(|set| !set.is_empty())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let key = NamesKey {
            changes: first.try_get("", "changes")?,
            sets,
            silent: roster.answered < roster.invited,
            proxies: roster.proxies > 0,
        };
        let lists = match self.names_cache.get(poll_id, &key) {
            Some(lists) => lists,
            None => {
                let names = Names {
                    poll_id,
                    silent: key.silent,
                    proxies: key.proxies,
                    sets: &key.sets,
                    stored: &stored,
                };
                let lists = names.read(db).await?;
                self.names_cache.put(poll_id, key, &lists);
                lists
            }
        };
        roster.outside = lists.outside;
        roster.silent = lists.silent;
        roster.proxy_answers = lists.proxy_answers;
        Ok(roster)
    }

    /// Every invited member of a poll, for results and calendars.
    #[tracing::instrument(name = "store.roster", skip_all, fields(poll_id = %poll_id))]
    pub async fn roster(&self, poll_id: Uuid) -> Result<Vec<Invitee>> {
        roster_page(self.read(), poll_id, None, u64::MAX, None).await
    }

    /// How many members are invited to a poll, and how many have answered.
    #[tracing::instrument(name = "store.invitation_counts", skip_all, fields(poll_id = %poll_id))]
    pub async fn invitation_counts(&self, poll_id: Uuid) -> Result<(i64, i64)> {
        let db = self.read();
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                INVITATION_COUNTS,
                [poll_id.into()],
            ))
            .await?;
        Ok(match row {
            Some(r) => (r.try_get("", "invited")?, r.try_get("", "answered")?),
            None => (0, 0),
        })
    }

    /// When any invited member's answer to the poll last changed.
    #[tracing::instrument(name = "store.answers_changed_at", skip_all, fields(poll_id = %poll_id))]
    pub async fn answers_changed_at(&self, poll_id: Uuid) -> Result<Option<DateTime<Utc>>> {
        Ok(invitation::Entity::find()
            .select_only()
            .column_as(invitation::Column::AnswerChangedAt.max(), "at")
            .filter(invitation::Column::PollId.eq(poll_id))
            .into_tuple::<Option<DateTime<Utc>>>()
            .one(self.read())
            .await?
            .flatten())
    }

    /// Per option, the number of required members who can make it, counted
    /// from the votes themselves: what the running tally
    /// (`Tallies::required`, read by `poll_with_tallies`) must always equal
    /// (the tests compare).
    #[tracing::instrument(name = "store.required_available", skip_all, fields(poll_id = %poll_id))]
    pub async fn required_available(&self, poll_id: Uuid) -> Result<HashMap<Uuid, i64>> {
        let db = self.read();
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                REQUIRED_AVAILABLE,
                [poll_id.into()],
            ))
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("", "option_id")?, r.try_get("", "available")?)))
            .collect()
    }
}
