//! Invitations: members invited to a poll, their personal tokens, and the
//! roster a poll's results and calendars are computed against.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QuerySelect, Statement, sea_query::Expr,
};
use serde_json::json;
use uuid::Uuid;

use super::history::append;
use super::names_cache::{NamedLists, NamesKey};
use super::outbox::{self, Claimed, Topic};
use super::{Store, transaction};
use crate::domain::FieldError;
use crate::domain::history::{Actor, HistoryAction};
use crate::domain::poll::Choice;
use crate::domain::ranking;
use crate::domain::roster::parse_clock;
use crate::domain::standing::{Answer, Clock, Invitee, NAMED, Named, Roster};
use crate::domain::time::{Slot, SocialHours, Zone};
use crate::domain::token::{self, LinkKey, TokenKind};
use crate::entity::{invitation, member, member_group, poll, vote};
use crate::error::{Error, Result};

/// Whom to invite.
#[derive(Debug, Clone)]
pub enum Invitees {
    /// Every member of one of the organiser's groups.
    Group(Uuid),
    /// Members of any of the organiser's groups.
    Members(Vec<Uuid>),
}

/// A new or reissued invitation with its secrets, shown only this once.
#[derive(Debug, Clone)]
pub struct IssuedInvitation {
    pub invitee: Invitee,
    pub token: String,
    pub feed_token: String,
}

/// What a request to mail invitations did: the invitations queued, and
/// those skipped with why.
#[derive(Debug, Clone)]
pub struct QueuedMails {
    pub queued: Vec<Uuid>,
    pub skipped: Vec<(Uuid, &'static str)>,
}

/// What an invitation token opens: voting and reading in one poll.
#[derive(Debug, Clone)]
pub struct InvitationGrant {
    pub invitation_id: Uuid,
    pub poll_id: Uuid,
    pub member_id: Uuid,
    pub member_name: String,
    /// The member's own zone: the default for showing them option times.
    pub zone: Zone,
    pub social_hours: SocialHours,
    /// The member's language (BCP 47), for their page.
    pub language: Option<String>,
    /// What the invitation's links are derived from (`LinkKey::derive`).
    pub link_salt: Option<String>,
    pub answered: bool,
}

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

const ONE_INVITEE: &str = roster_of!("SELECT * FROM invitation WHERE poll_id = $1 AND id = $2");

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

const GRANT: &str = r#"
SELECT i.id, i.poll_id, i.member_id, i.link_salt, m.name, m.time_zone, m.social_start,
       m.social_end, m.language,
       (SELECT COUNT(*) FROM response r WHERE r.invitation_id = i.id) AS answered
FROM invitation i
JOIN member m ON m.id = i.member_id
WHERE i.token_hash = $1"#;

/// A member's stored zone and social hours, read back.
fn clock_of(member: Uuid, zone: &str, start: &str, end: &str) -> Result<(Zone, SocialHours)> {
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
fn member_clock_of(row: &sea_orm::QueryResult) -> Result<(Uuid, Zone, SocialHours)> {
    let member_id: Uuid = row.try_get("", "member_id")?;
    let (zone, social_hours) = clock_of(
        member_id,
        &row.try_get::<String>("", "time_zone")?,
        &row.try_get::<String>("", "social_start")?,
        &row.try_get::<String>("", "social_end")?,
    )?;
    Ok((member_id, zone, social_hours))
}

fn invitee_from_row(row: &sea_orm::QueryResult) -> Result<Invitee> {
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

async fn roster_page(
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

/// Takes the poll's row lock (PostgreSQL) or the writer (SQLite), so that
/// concurrent invitation requests for one poll run one after the other;
/// 404 unless the organiser owns the poll.
async fn lock_own_poll(txn: &DatabaseTransaction, organiser: Uuid, poll_id: Uuid) -> Result<()> {
    let locked = poll::Entity::update_many()
        .col_expr(poll::Column::Id, Expr::col(poll::Column::Id))
        .filter(poll::Column::Id.eq(poll_id))
        .filter(poll::Column::OrganiserId.eq(organiser))
        .exec(txn)
        .await?;
    if locked.rows_affected == 0 {
        return Err(Error::NotFound("poll"));
    }
    Ok(())
}

impl Store {
    /// The deployment's key for invitation links: made by the first instance
    /// that needs it (insert-if-absent, so instances starting together agree
    /// on one) and read once per process.
    pub async fn link_key(&self) -> Result<LinkKey> {
        self.link_key
            .get_or_try_init(|| async {
                let fresh = hex::encode(LinkKey::generate().bytes());
                let backend = self.backend();
                self.write
                    .execute_raw(Statement::from_sql_and_values(
                        backend,
                        "INSERT INTO server_key (id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
                        [fresh.into()],
                    ))
                    .await?;
                let row = self
                    .write
                    .query_one_raw(Statement::from_string(
                        backend,
                        "SELECT key FROM server_key WHERE id = 1",
                    ))
                    .await?
                    .ok_or_else(|| Error::Internal(anyhow::anyhow!("the server key is missing")))?;
                let key: String = row.try_get("", "key")?;
                let key = hex::decode(key)
                    .map_err(|e| Error::Internal(anyhow::anyhow!("the server key is not hex: {e}")))?;
                Ok(LinkKey::new(key))
            })
            .await
            .cloned()
    }

    /// Invites members to a poll and returns each new invitation with its
    /// tokens (shown only now). Members already invited are left as they are
    /// and returned in the second list.
    #[tracing::instrument(name = "store.create_invitations", skip_all, fields(poll_id = %poll_id))]
    pub async fn create_invitations(
        &self,
        organiser: Uuid,
        actor: &Actor,
        poll_id: Uuid,
        who: Invitees,
        required: bool,
        mail: bool,
    ) -> Result<(Vec<IssuedInvitation>, Vec<Uuid>)> {
        let now = Utc::now();
        let key = self.link_key().await?;
        transaction!(self, txn => {
            lock_own_poll(txn, organiser, poll_id).await?;
            // Read under the lock, so a member removed meanwhile is not invited.
            let members = members_to_invite(txn, organiser, &who).await?;
            let already: HashSet<Uuid> = invitation::Entity::find()
                .filter(invitation::Column::PollId.eq(poll_id))
                .all(txn)
                .await?
                .into_iter()
                .map(|i| i.member_id)
                .collect();
            let mut issued = Vec::new();
            let mut skipped = Vec::new();
            let mut rows = Vec::new();
            for m in &members {
                if already.contains(&m.id) {
                    skipped.push(m.id);
                    continue;
                }
                let salt = token::salt();
                let (token, feed) = (key.derive(TokenKind::Invitation, &salt), key.derive(TokenKind::Feed, &salt));
                let id = Uuid::now_v7();
                rows.push(invitation::ActiveModel {
                    id: Set(id),
                    poll_id: Set(poll_id),
                    member_id: Set(m.id),
                    required: Set(required),
                    token_hash: Set(token.hash),
                    feed_token_hash: Set(feed.hash),
                    link_salt: Set(Some(salt.clone())),
                    created_at: Set(now),
                    answer_changed_at: Set(None),
                    time_zone: Set(m.time_zone.clone()),
                    social_start: Set(m.social_start.clone()),
                    social_end: Set(m.social_end.clone()),
                    answered: Set(false),
                });
                issued.push(IssuedInvitation {
                    invitee: invitee_of(id, m, required, now, Some(salt))?,
                    token: token.secret,
                    feed_token: feed.secret,
                });
            }
            for chunk in rows.chunks(500) {
                invitation::Entity::insert_many(chunk.to_vec())
                    .exec_without_returning(txn)
                    .await?;
            }
            // The mails exist exactly when the invitations do.
            if mail {
                for i in issued.iter().filter(|i| i.invitee.email.is_some()) {
                    outbox::enqueue(txn, Topic::Invitation, poll_id, Some(i.invitee.invitation_id), now)
                        .await?;
                }
            }
            if !issued.is_empty() {
                append(
                    txn,
                    poll_id,
                    actor,
                    HistoryAction::MembersInvited,
                    None,
                    json!({
                        "required": required,
                        "members": issued.iter().map(|i| json!({
                            "member_id": i.invitee.member_id, "name": i.invitee.name
                        })).collect::<Vec<_>>(),
                    }),
                )
                .await?;
            }
            Ok((issued, skipped))
        })
    }

    /// One page of a poll's invitations, oldest first, with answers (and,
    /// when `with_votes`, each answer's choices).
    #[tracing::instrument(name = "store.list_invitations", skip_all, fields(poll_id = %poll_id))]
    pub async fn list_invitations(
        &self,
        poll_id: Uuid,
        after: Option<Uuid>,
        limit: u64,
        with_votes: bool,
        answered: Option<bool>,
    ) -> Result<Vec<Invitee>> {
        let mut page = roster_page(self.read(), poll_id, after, limit, answered).await?;
        if with_votes {
            let ids: Vec<Uuid> = page
                .iter()
                .filter_map(|i| i.answer.as_ref().map(|a| a.response_id))
                .collect();
            let mut by_response: BTreeMap<Uuid, Vec<(Uuid, Choice)>> = BTreeMap::new();
            for chunk in ids.chunks(500) {
                for v in vote::Entity::find()
                    .filter(vote::Column::ResponseId.is_in(chunk.iter().copied()))
                    .all(self.read())
                    .await?
                {
                    if let Some(c) = Choice::parse(&v.choice) {
                        by_response
                            .entry(v.response_id)
                            .or_default()
                            .push((v.option_id, c));
                    }
                }
            }
            for answer in page.iter_mut().filter_map(|i| i.answer.as_mut()) {
                answer.votes = by_response.remove(&answer.response_id).unwrap_or_default();
            }
        }
        Ok(page)
    }

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

    /// Queues invitation mails: to `chosen` invitations (again, if mailed
    /// before), or to every invitee not mailed yet. Returns the invitations
    /// queued and those skipped with why (`no_address`, `already_mailed`,
    /// `already_queued`; `not_configured` for all the others when the
    /// service has no mail server, and nothing is queued).
    #[tracing::instrument(name = "store.queue_invitation_mails", skip_all, fields(poll_id = %poll_id))]
    pub async fn queue_invitation_mails(
        &self,
        organiser: Uuid,
        poll_id: Uuid,
        chosen: Option<Vec<Uuid>>,
        configured: bool,
    ) -> Result<QueuedMails> {
        let now = Utc::now();
        transaction!(self, txn => {
            lock_own_poll(txn, organiser, poll_id).await?;
            let backend = txn.get_database_backend();
            let invited: Vec<(Uuid, Option<String>)> = txn
                .query_all_raw(Statement::from_sql_and_values(
                    backend,
                    "SELECT i.id, m.email FROM invitation i JOIN member m ON m.id = i.member_id \
                     WHERE i.poll_id = $1 ORDER BY i.id",
                    [poll_id.into()],
                ))
                .await?
                .iter()
                .map(|r| Ok((r.try_get("", "id")?, r.try_get("", "email")?)))
                .collect::<Result<_>>()?;
            let mut mailed: HashMap<Uuid, String> = HashMap::new();
            for r in txn
                .query_all_raw(Statement::from_sql_and_values(
                    backend,
                    "SELECT invitation_id, state FROM outbox WHERE poll_id = $1 AND topic = 'invitation' \
                     AND state IN ('queued', 'sent')",
                    [poll_id.into()],
                ))
                .await?
            {
                let id: Option<Uuid> = r.try_get("", "invitation_id")?;
                let state: String = r.try_get("", "state")?;
                if let Some(id) = id {
                    // A queued row wins over a sent one: it says "on its way".
                    if state == "queued" || !mailed.contains_key(&id) {
                        mailed.insert(id, state);
                    }
                }
            }
            let targets: Vec<(Uuid, Option<String>)> = match &chosen {
                None => invited.clone(),
                Some(ids) => {
                    let mut v = crate::domain::Violations::default();
                    let mut out = Vec::new();
                    for (n, id) in ids.iter().enumerate() {
                        match invited.iter().find(|(i, _)| i == id) {
                            Some(found) => out.push(found.clone()),
                            None => v.push(format!("invitation_ids[{n}]"), "not an invitation of this poll"),
                        }
                    }
                    v.into_result().map_err(Error::Invalid)?;
                    out
                }
            };
            let (mut queued, mut skipped) = (Vec::new(), Vec::new());
            for (id, email) in targets {
                let reason = match (email, mailed.get(&id).map(String::as_str)) {
                    (None, _) => Some("no_address"),
                    (_, Some("queued")) => Some("already_queued"),
                    (_, Some(_)) if chosen.is_none() => Some("already_mailed"),
                    _ if !configured => Some("not_configured"),
                    _ => None,
                };
                match reason {
                    Some(r) => skipped.push((id, r)),
                    None => {
                        outbox::enqueue(txn, Topic::Invitation, poll_id, Some(id), now).await?;
                        queued.push(id);
                    }
                }
            }
            Ok(QueuedMails { queued, skipped })
        })
    }

    /// Queues a reminder to every invited member who has not answered
    /// (`required_only`: required members only) while voting is open.
    /// Skipped: `no_address`, `already_queued`, `not_configured`.
    #[tracing::instrument(name = "store.queue_reminders", skip_all, fields(poll_id = %poll_id))]
    pub async fn queue_reminders(
        &self,
        organiser: Uuid,
        poll_id: Uuid,
        required_only: bool,
        configured: bool,
    ) -> Result<QueuedMails> {
        let now = Utc::now();
        transaction!(self, txn => {
            lock_own_poll(txn, organiser, poll_id).await?;
            let poll = super::polls::load_poll(txn, poll_id).await?.ok_or(Error::NotFound("poll"))?;
            if let Some(reason) = poll.voting_closed_reason(now) {
                return Err(Error::Conflict(format!("no reminders: {reason}")));
            }
            queue_reminders_in(txn, poll_id, required_only, configured, now).await
        })
    }

    /// Delivers a poll's automatic reminder that fell due (`row`, claimed
    /// by this worker): queues a reminder to each member who has not
    /// answered, in one transaction with the round's own record, which
    /// holds only while this worker's lease does — so a round is sent once
    /// however many instances run, and not at all if the organiser moved
    /// the deadline meanwhile (the row is gone). Returns what it did.
    #[tracing::instrument(name = "store.run_reminder_round", skip_all, fields(poll_id = %row.poll_id))]
    pub async fn run_reminder_round(
        &self,
        row: &Claimed,
        configured: bool,
    ) -> Result<RoundOutcome> {
        let now = Utc::now();
        let poll_id = row.poll_id;
        transaction!(self, txn => {
            let poll = super::polls::load_poll(txn, poll_id).await?;
            let closed = match &poll {
                None => Some("the poll no longer exists".to_string()),
                Some(p) if p.deadline.is_none() => Some("the poll has no deadline any more".to_string()),
                Some(p) => p.voting_closed_reason(now),
            };
            if let Some(reason) = closed {
                return Ok(if outbox::finish_in(txn, row, "dropped", Some(&reason), now).await? {
                    RoundOutcome::Dropped(reason)
                } else {
                    RoundOutcome::LeaseLost
                });
            }
            if !configured {
                let reason = "mail is not configured (CONVENE_SMTP_URL)";
                return Ok(if outbox::finish_in(txn, row, "failed", Some(reason), now).await? {
                    RoundOutcome::Dropped(reason.into())
                } else {
                    RoundOutcome::LeaseLost
                });
            }
            if !outbox::finish_in(txn, row, "sent", None, now).await? {
                return Ok(RoundOutcome::LeaseLost);
            }
            let queued = queue_reminders_in(txn, poll_id, false, configured, now).await?;
            Ok(RoundOutcome::Queued(queued.queued.len()))
        })
    }

    /// New tokens for an invitation; the old invitation and feed tokens stop
    /// working at once. The member's answer stays.
    #[tracing::instrument(name = "store.reissue_invitation", skip_all, fields(poll_id = %poll_id))]
    pub async fn reissue_invitation(
        &self,
        organiser: Uuid,
        actor: &Actor,
        poll_id: Uuid,
        invitation_id: Uuid,
    ) -> Result<IssuedInvitation> {
        let salt = token::salt();
        let key = self.link_key().await?;
        let (token, feed) = (
            key.derive(TokenKind::Invitation, &salt),
            key.derive(TokenKind::Feed, &salt),
        );
        transaction!(self, txn => {
            lock_own_poll(txn, organiser, poll_id).await?;
            let done = invitation::Entity::update_many()
                .col_expr(invitation::Column::TokenHash, Expr::value(token.hash.clone()))
                .col_expr(invitation::Column::FeedTokenHash, Expr::value(feed.hash.clone()))
                .col_expr(invitation::Column::LinkSalt, Expr::value(salt.clone()))
                .filter(invitation::Column::Id.eq(invitation_id))
                .filter(invitation::Column::PollId.eq(poll_id))
                .exec(txn)
                .await?;
            if done.rows_affected == 0 {
                return Err(Error::NotFound("invitation"));
            }
            append(txn, poll_id, actor, HistoryAction::InvitationReissued, None,
                json!({ "invitation_id": invitation_id })).await?;
            Ok(())
        })?;
        let invitee = self
            .invitee(poll_id, invitation_id)
            .await?
            .ok_or(Error::NotFound("invitation"))?;
        Ok(IssuedInvitation {
            invitee,
            token: token.secret,
            feed_token: feed.secret,
        })
    }

    /// One invitation of a poll.
    #[tracing::instrument(name = "store.invitee", skip_all, fields(poll_id = %poll_id))]
    pub async fn invitee(&self, poll_id: Uuid, invitation_id: Uuid) -> Result<Option<Invitee>> {
        let db = self.read();
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                ONE_INVITEE,
                [poll_id.into(), invitation_id.into()],
            ))
            .await?;
        row.as_ref().map(invitee_from_row).transpose()
    }

    #[tracing::instrument(name = "store.invitation_by_token", skip_all)]
    pub async fn invitation_by_token(&self, secret: &str) -> Result<Option<InvitationGrant>> {
        let db = self.read();
        let Some(row) = db
            .query_one_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                GRANT,
                [token::hash(secret).into()],
            ))
            .await?
        else {
            return Ok(None);
        };
        let (member_id, zone, social_hours) = member_clock_of(&row)?;
        Ok(Some(InvitationGrant {
            invitation_id: row.try_get("", "id")?,
            poll_id: row.try_get("", "poll_id")?,
            member_id,
            member_name: row.try_get("", "name")?,
            zone,
            social_hours,
            language: row.try_get("", "language")?,
            link_salt: row.try_get("", "link_salt")?,
            answered: row.try_get::<i64>("", "answered")? > 0,
        }))
    }
}

/// The members a request names, checked to belong to the organiser.
async fn members_to_invite(
    db: &impl ConnectionTrait,
    organiser: Uuid,
    who: &Invitees,
) -> Result<Vec<member::Model>> {
    match who {
        Invitees::Group(group_id) => {
            member_group::Entity::find_by_id(*group_id)
                .filter(member_group::Column::OrganiserId.eq(organiser))
                .one(db)
                .await?
                .ok_or(Error::NotFound("group"))?;
            Ok(member::Entity::find()
                .filter(member::Column::GroupId.eq(*group_id))
                .all(db)
                .await?)
        }
        Invitees::Members(ids) => {
            let groups: Vec<Uuid> = member_group::Entity::find()
                .filter(member_group::Column::OrganiserId.eq(organiser))
                .all(db)
                .await?
                .into_iter()
                .map(|g| g.id)
                .collect();
            let found: HashMap<Uuid, member::Model> = member::Entity::find()
                .filter(member::Column::GroupId.is_in(groups))
                .filter(member::Column::Id.is_in(ids.iter().copied()))
                .all(db)
                .await?
                .into_iter()
                .map(|m| (m.id, m))
                .collect();
            let mut errors = Vec::new();
            let mut seen = HashSet::new();
            let mut members = Vec::new();
            for (i, id) in ids.iter().enumerate() {
                match found.get(id) {
                    None => errors.push(FieldError::new(
                        format!("member_ids[{i}]"),
                        "no member of your groups has this id",
                    )),
                    Some(_) if !seen.insert(*id) => errors.push(FieldError::new(
                        format!("member_ids[{i}]"),
                        "this member is listed twice",
                    )),
                    Some(m) => members.push(m.clone()),
                }
            }
            if errors.is_empty() {
                Ok(members)
            } else {
                Err(errors.into())
            }
        }
    }
}

fn invitee_of(
    invitation_id: Uuid,
    m: &member::Model,
    required: bool,
    at: DateTime<Utc>,
    link_salt: Option<String>,
) -> Result<Invitee> {
    let (zone, social_hours) = clock_of(m.id, &m.time_zone, &m.social_start, &m.social_end)?;
    Ok(Invitee {
        invitation_id,
        member_id: m.id,
        name: m.name.clone(),
        email: m.email.clone(),
        zone,
        social_hours,
        required,
        invited_at: at,
        language: m.language.clone(),
        link_salt,
        answer: None,
    })
}

/// What a reminder round did.
#[derive(Debug)]
pub enum RoundOutcome {
    /// Reminders queued to this many members.
    Queued(usize),
    /// Nothing to send, and why (the poll closed, lost its deadline…).
    Dropped(String),
    /// Another worker has the round (this one stalled past its lease), or
    /// the round was replaced: nothing was written.
    LeaseLost,
}

/// Queues a reminder to each invited member of an open poll who has not
/// answered, inside the caller's transaction: the one place that decides
/// who is reminded, for `sendReminders` and the automatic rounds alike.
async fn queue_reminders_in(
    txn: &DatabaseTransaction,
    poll_id: Uuid,
    required_only: bool,
    configured: bool,
    now: DateTime<Utc>,
) -> Result<QueuedMails> {
    let backend = txn.get_database_backend();
    let silent: Vec<(Uuid, Option<String>, bool)> = txn
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            "SELECT i.id, m.email, i.required FROM invitation i \
             JOIN member m ON m.id = i.member_id \
             LEFT JOIN response r ON r.invitation_id = i.id \
             WHERE i.poll_id = $1 AND r.id IS NULL ORDER BY i.id",
            [poll_id.into()],
        ))
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("", "id")?,
                r.try_get("", "email")?,
                r.try_get("", "required")?,
            ))
        })
        .collect::<Result<_>>()?;
    let pending: HashSet<Uuid> = txn
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            "SELECT invitation_id FROM outbox WHERE poll_id = $1 AND topic = 'reminder' AND state = 'queued'",
            [poll_id.into()],
        ))
        .await?
        .iter()
        .filter_map(|r| r.try_get::<Option<Uuid>>("", "invitation_id").ok().flatten())
        .collect();
    let (mut queued, mut skipped) = (Vec::new(), Vec::new());
    for (id, email, required) in silent {
        if required_only && !required {
            continue;
        }
        let reason = match email {
            None => Some("no_address"),
            Some(_) if pending.contains(&id) => Some("already_queued"),
            Some(_) if !configured => Some("not_configured"),
            Some(_) => None,
        };
        match reason {
            Some(r) => skipped.push((id, r)),
            None => {
                outbox::enqueue(txn, Topic::Reminder, poll_id, Some(id), now).await?;
                queued.push(id);
            }
        }
    }
    Ok(QueuedMails { queued, skipped })
}
