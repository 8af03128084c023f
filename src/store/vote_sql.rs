//! The SQL of a new answer without an invitation, in one trip: on SQLite a
//! batch of statements run in a shared transaction (`group_commit`), on
//! PostgreSQL one statement for one answer or several (`vote_batch`). The
//! steps and their order are `ballots::insert_answer`'s: the response (if
//! the poll is still at the version checked), its votes with their seats,
//! the tallies (per option, per day), the poll's count, the history entry,
//! the webhook calls.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{DbBackend, Statement};
use serde_json::json;
use uuid::Uuid;

use super::history::entry_values;
use super::vote_batch::{NewAnswer, NewVote, uuid_of};
use crate::domain::ballot::Ballot;
use crate::domain::history::{Actor, HistoryAction};
use crate::domain::hybrid::{self, VoteDetail, vote_json};
use crate::domain::poll::{Choice, Poll};
use crate::domain::webhooks::{self, Event, response_data};
use crate::error::{Error, Result};

/// The response row a new ballot creates.
pub(super) struct NewRow<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub comment: &'a str,
    pub edit_token_hash: Option<&'a str>,
    pub invitation_id: Option<Uuid>,
    pub recorded_by: Option<&'a str>,
    /// Whether the invitation is of a required member.
    pub required: bool,
    pub shard: i16,
}

/// The votes of a ballot as written, sorted by option (so concurrent
/// voters on one shard lock tally rows in the same order).
pub(super) fn new_votes(poll: &Poll, ballot: &Ballot) -> Vec<NewVote> {
    let mut votes: Vec<NewVote> = ballot
        .votes
        .iter()
        .enumerate()
        .map(|(i, (option, choice))| {
            let detail = hybrid::written(poll, *choice, &ballot.detail(i));
            let seeks = poll
                .options
                .iter()
                .find(|o| o.id == *option)
                .is_some_and(|o| hybrid::seeks_seat(poll, o, *choice, &detail));
            NewVote {
                option: *option,
                choice: *choice,
                attendance: detail.attendance,
                days: detail.days,
                seeks,
            }
        })
        .collect();
    votes.sort_by_key(|v| v.option);
    votes
}

/// A new answer on SQLite, as one batch of statements executed in one call
/// (sqlx binds `$n` across them): each statement of the batch is a trip
/// from the async task to the connection's thread and back, which cost more
/// than the statement itself. Every insert after the response's is guarded
/// by the response existing, so all happen or none; the steps and their
/// order are `insert_answer`'s, as in [`VOTE_POSTGRES`]. `$19…` are the
/// votes as (option, choice, attendance, days, seeks), sorted by option,
/// then the day answers as (option, day, choice). A seat is given as the
/// vote is inserted, from the option's seat row, which the same batch then
/// moves: SQLite's one writer makes the two one step.
fn vote_sqlite_sql(votes: &[NewVote]) -> String {
    let tuples = (0..votes.len())
        .map(|i| {
            let p = 19 + 5 * i;
            format!("(${p}, ${}, ${}, ${}, ${})", p + 1, p + 2, p + 3, p + 4)
        })
        .collect::<Vec<_>>()
        .join(", ");
    let first_day = 19 + 5 * votes.len();
    let days = votes.iter().map(|v| v.days.len()).sum::<usize>();
    let day_tuples = (0..days)
        .map(|i| {
            let p = first_day + 3 * i;
            format!("(${p}, ${}, ${})", p + 1, p + 2)
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut sql = format!("{INSERT_RESPONSE_IF_POLL_UNCHANGED};");
    if !votes.is_empty() {
        sql += &format!(
            r#"
INSERT INTO vote (response_id, option_id, choice, attendance, days, seat, seat_order)
SELECT $1, x.column1, x.column2, x.column3, x.column4,
       CASE WHEN x.column5 THEN (SELECT CASE WHEN s.taken < s.capacity AND s.waiting = 0
                                             THEN 'taken' ELSE 'waiting' END
                                 FROM option_seat s WHERE s.option_id = x.column1) END,
       CASE WHEN x.column5 THEN (SELECT s.next_order FROM option_seat s
                                 WHERE s.option_id = x.column1) END
FROM (VALUES {tuples}) x WHERE {RESPONSE_EXISTS};
INSERT INTO option_tally (option_id, shard, poll_id, yes, if_need_be, "no", required_available,
                          in_person, online)
SELECT x.column1, $6, $2, x.column2 = 'yes', x.column2 = 'if_need_be', x.column2 = 'no', 0,
       x.column3 IS 'in_person', x.column3 IS 'online'
FROM (VALUES {tuples}) x WHERE {RESPONSE_EXISTS}
ON CONFLICT (option_id, shard) DO UPDATE SET
    yes = option_tally.yes + excluded.yes,
    if_need_be = option_tally.if_need_be + excluded.if_need_be,
    "no" = option_tally."no" + excluded."no",
    in_person = option_tally.in_person + excluded.in_person,
    online = option_tally.online + excluded.online;"#
        );
    }
    if votes.iter().any(|v| v.seeks) {
        sql += r#"
UPDATE option_seat SET
    taken = taken + (SELECT COUNT(*) FROM vote v WHERE v.response_id = $1
                     AND v.option_id = option_seat.option_id AND v.seat = 'taken'),
    waiting = waiting + (SELECT COUNT(*) FROM vote v WHERE v.response_id = $1
                         AND v.option_id = option_seat.option_id AND v.seat = 'waiting'),
    next_order = next_order + 1
WHERE option_id IN (SELECT option_id FROM vote WHERE response_id = $1 AND seat IS NOT NULL);"#;
    }
    if days > 0 {
        sql += &format!(
            r#"
INSERT INTO day_tally (option_id, shard, day, poll_id, yes, if_need_be, "no")
SELECT d.column1, $6, d.column2, $2, d.column3 = 'yes', d.column3 = 'if_need_be', d.column3 = 'no'
FROM (VALUES {day_tuples}) d WHERE {RESPONSE_EXISTS}
ON CONFLICT (option_id, shard, day) DO UPDATE SET
    yes = day_tally.yes + excluded.yes,
    if_need_be = day_tally.if_need_be + excluded.if_need_be,
    "no" = day_tally."no" + excluded."no";"#
        );
    }
    sql += &format!(
        r#"
INSERT INTO poll_tally (poll_id, shard, responses, changes) SELECT $2, $6, 1, 1 WHERE {RESPONSE_EXISTS}
ON CONFLICT (poll_id, shard) DO UPDATE SET
    responses = poll_tally.responses + 1, changes = poll_tally.changes + 1;
INSERT INTO poll_history (poll_id, at, actor_kind, actor_name, action, response_id, details, on_behalf_of)
SELECT $2, $7, $11, $12, $13, $1, $14, $15 WHERE {RESPONSE_EXISTS};
INSERT INTO outbox (id, topic, poll_id, webhook_id, payload, state, attempts, due_at, created_at)
SELECT {RANDOM_UUID}, 'webhook', $2, w.id, $16, 'queued', 0, $17, $7
{} AND {RESPONSE_EXISTS};"#,
        super::webhooks::wanting("$2", "$18")
    );
    if votes.iter().any(|v| v.seeks) {
        // The seats given, read back in the same call (no other trip): a
        // row per seat, or one of NULLs; none if the answer was not written.
        sql += r#"
SELECT v.option_id, v.seat FROM response r
LEFT JOIN vote v ON v.response_id = r.id AND v.seat IS NOT NULL WHERE r.id = $1;"#;
    }
    sql
}

/// The guard of every step after the response's in [`vote_sqlite_sql`].
const RESPONSE_EXISTS: &str = "EXISTS (SELECT 1 FROM response WHERE id = $1)";

/// A random (version 4) UUID as SQLite stores ours (16 bytes), for the
/// outbox rows a vote queues — SQLite has no `gen_random_uuid()`. Each
/// `randomblob` is drawn anew, so the pieces are independent random hex.
const RANDOM_UUID: &str = "unhex(substr(hex(randomblob(6)), 1, 12) || '4' \
    || substr(hex(randomblob(2)), 1, 3) || substr('89AB', 1 + (random() & 3), 1) \
    || substr(hex(randomblob(8)), 1, 15))";

/// Inserts a response only while its poll is at the version the ballot was
/// checked against (every change of status, settings or options raises it).
pub(super) const INSERT_RESPONSE_IF_POLL_UNCHANGED: &str = r#"
INSERT INTO response (id, poll_id, name, comment, edit_token_hash, shard, revision,
                      created_at, updated_at, invitation_id, recorded_by)
SELECT $1, $2, $3, $4, $5, $6, 1, $7, $7, $8, $9
WHERE EXISTS (SELECT 1 FROM poll WHERE id = $2 AND version = $10)"#;

/// Parameters $1–$10 of both statements that create a response.
pub(super) fn response_values(
    poll: &Poll,
    row: &NewRow<'_>,
    now: DateTime<Utc>,
) -> [sea_orm::Value; 10] {
    [
        row.id.into(),
        poll.id.into(),
        row.name.into(),
        row.comment.into(),
        row.edit_token_hash.map(str::to_string).into(),
        row.shard.into(),
        now.into(),
        row.invitation_id.into(),
        row.recorded_by.map(str::to_string).into(),
        poll.version.into(),
    ]
}

/// The parameters both one-trip votes share: $1–$10 the response
/// ([`response_values`]), $11–$15 the history entry, $16 the webhook call,
/// $17 when it is due, $18 its event; and the votes as written.
pub(super) fn new_answer_values(
    poll: &Poll,
    row: &NewRow<'_>,
    ballot: &Ballot,
    actor: &Actor,
    now: DateTime<Utc>,
) -> (Vec<sea_orm::Value>, Vec<NewVote>) {
    let event = Event::ResponseCreated;
    let details = ballot.written_details(poll);
    let data = response_data(
        row.id,
        poll.settings.aggregate_only,
        row.name,
        &ballot.votes,
        &details,
    );
    let values = response_values(poll, row, now)
        .into_iter()
        .chain(entry_values(
            actor,
            HistoryAction::ResponseSubmitted,
            answer_details(1, row.name, row.comment, &ballot.votes, &details),
        ))
        .chain([
            webhooks::body(event, now, poll.id, data).into(),
            now.timestamp_millis().into(),
            event.as_str().into(),
        ])
        .collect();
    (values, new_votes(poll, ballot))
}

/// `insert_answer` of a new answer without an invitation on SQLite, as
/// the batch of [`vote_sqlite_sql`] (on PostgreSQL: [`new_answers_postgres`]).
pub(super) fn new_answer_sqlite(
    poll: &Poll,
    row: &NewRow<'_>,
    ballot: &Ballot,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Statement {
    let (mut values, votes) = new_answer_values(poll, row, ballot, actor, now);
    for v in &votes {
        values.extend([
            v.option.into(),
            v.choice.as_str().into(),
            v.attendance.map(|a| a.as_str().to_string()).into(),
            v.stored_days().into(),
            v.seeks.into(),
        ]);
    }
    for v in &votes {
        for (day, choice) in &v.days {
            values.extend([v.option.into(), (*day).into(), choice.as_str().into()]);
        }
    }
    Statement::from_sql_and_values(DbBackend::Sqlite, vote_sqlite_sql(&votes), values)
}

/// The statement that writes new answers without an invitation on
/// PostgreSQL, one or several at once ([`VOTE_POSTGRES`]).
pub(super) fn new_answers_postgres(answers: &[&NewAnswer]) -> Result<Statement> {
    use sea_orm::Value;
    // An array's elements cannot be NULL when bound, but a NULL array is
    // what unnest pads with NULLs: a column that is NULL for every answer
    // (no invitation, nobody recording for another) goes as one.
    let columns = answers[0].values.len();
    let mut values: Vec<Value> = Vec::with_capacity(columns + 10);
    for i in 0..columns {
        let kind = answers[0].values[i].array_type();
        let column: Vec<Value> = answers.iter().map(|a| a.values[i].clone()).collect();
        let nulls = column.iter().filter(|v| is_null(v)).count();
        values.push(match nulls {
            0 => Value::Array(kind, Some(Box::new(column))),
            n if n == column.len() => Value::Array(kind, None),
            _ => {
                return Err(Error::Internal(anyhow::anyhow!(
                    "a batch mixes NULL and values"
                )));
            }
        });
    }
    let mut responses = Vec::new();
    let mut options = Vec::new();
    let mut choices = Vec::new();
    // Absent attendance and days go as '' (NULLIF in the statement).
    let mut attendance = Vec::new();
    let mut days = Vec::new();
    let mut seeks = Vec::new();
    let mut day_responses = Vec::new();
    let mut day_options = Vec::new();
    let mut day_dates = Vec::new();
    let mut day_choices = Vec::new();
    for answer in answers {
        let id = uuid_of(&answer.values[0]);
        for v in &answer.votes {
            responses.push(id);
            options.push(v.option);
            choices.push(v.choice.as_str().to_string());
            attendance.push(v.attendance.map(|a| a.as_str()).unwrap_or("").to_string());
            days.push(v.stored_days().unwrap_or_default());
            seeks.push(v.seeks);
            for (day, choice) in &v.days {
                day_responses.push(id);
                day_options.push(v.option);
                day_dates.push(*day);
                day_choices.push(choice.as_str().to_string());
            }
        }
    }
    values.extend([
        responses.into(),
        options.into(),
        choices.into(),
        attendance.into(),
        days.into(),
        seeks.into(),
        day_responses.into(),
        day_options.into(),
        day_dates.into(),
        day_choices.into(),
    ]);
    Ok(Statement::from_sql_and_values(
        DbBackend::Postgres,
        VOTE_POSTGRES.as_str(),
        values,
    ))
}

fn is_null(value: &sea_orm::Value) -> bool {
    use sea_orm::Value;
    matches!(
        value,
        Value::Uuid(None)
            | Value::String(None)
            | Value::SmallInt(None)
            | Value::Int(None)
            | Value::BigInt(None)
            | Value::ChronoDateTimeUtc(None)
    )
}

/// New answers without an invitation on PostgreSQL, one or several
/// (`store::vote_batch`), in one statement: the steps and their order are
/// `insert_answer`'s, over arrays ($1–$18 one element per answer,
/// $19–$24 the votes, $25–$28 the day answers). Each answer is written
/// only while its poll is at the version it was checked against; every
/// insert hangs off `r`, so an answer's writes all happen or none; the
/// webhook calls (`w`) go to the endpoints `store::webhooks::wanting`
/// selects. Tally rows are summed per row before the upsert (one statement
/// may not change a row twice) and written in key order, as every vote
/// writes them, so two statements cannot deadlock.
///
/// Seats: `l` locks the seat row of every option the batch seeks a seat
/// of, in option order, before anything is written (`b` waits for it), and
/// reads it as the last writer committed it. The batch's seekers of an
/// option, in arrival order (`n`), take the free seats, the rest join the
/// list behind those already on it; `s` moves the row by as much. Another
/// statement or transaction seating on the option waits for the lock, so
/// the seats are never overbooked, on any number of instances.
static VOTE_POSTGRES: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        r#"
WITH l AS MATERIALIZED (
    SELECT s.option_id, s.capacity, s.taken, s.waiting, s.next_order FROM option_seat s
    WHERE s.option_id IN (SELECT k.o FROM unnest($20::uuid[], $24::bool[]) AS k(o, seek) WHERE k.seek)
    ORDER BY s.option_id FOR UPDATE),
b AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::int2[],
                         $7::timestamptz[], $8::uuid[], $9::text[], $10::int4[], $11::text[],
                         $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
                         $17::int8[], $18::text[])
        AS b(id, poll_id, name, comment, edit_token_hash, shard, at, invitation_id, recorded_by,
             version, actor_kind, actor_name, action, details, on_behalf_of, payload, due_at,
             event)
    WHERE (SELECT COUNT(*) FROM l) >= 0
),
r AS (
    INSERT INTO response (id, poll_id, name, comment, edit_token_hash, shard, revision,
                          created_at, updated_at, invitation_id, recorded_by)
    SELECT b.id, b.poll_id, b.name, b.comment, b.edit_token_hash, b.shard, 1, b.at, b.at,
           b.invitation_id, b.recorded_by
    FROM b JOIN poll p ON p.id = b.poll_id AND p.version = b.version
    RETURNING id, poll_id, shard),
x AS (
    SELECT x.*, r.poll_id, r.shard
    FROM unnest($19::uuid[], $20::uuid[], $21::text[], $22::text[], $23::text[], $24::bool[])
        WITH ORDINALITY AS x(response_id, option_id, choice, attendance, days, seek, n)
    JOIN r ON r.id = x.response_id),
q AS (
    SELECT x.response_id, x.option_id, l.taken, l.waiting, l.next_order,
           CASE WHEN l.waiting = 0 THEN GREATEST(l.capacity - l.taken, 0) ELSE 0 END AS free,
           ROW_NUMBER() OVER (PARTITION BY x.option_id ORDER BY x.n) AS k
    FROM x JOIN l ON l.option_id = x.option_id WHERE x.seek),
v AS (
    INSERT INTO vote (response_id, option_id, choice, attendance, days, seat, seat_order)
    SELECT x.response_id, x.option_id, x.choice, NULLIF(x.attendance, ''), NULLIF(x.days, ''),
           CASE WHEN q.k IS NULL THEN NULL WHEN q.k <= q.free THEN 'taken' ELSE 'waiting' END,
           q.next_order + q.k - 1
    FROM x LEFT JOIN q ON q.response_id = x.response_id AND q.option_id = x.option_id),
s AS (
    UPDATE option_seat o SET
        taken = g.taken + LEAST(g.k, g.free),
        waiting = g.waiting + g.k - LEAST(g.k, g.free),
        next_order = g.next_order + g.k
    FROM (SELECT option_id, MAX(taken) AS taken, MAX(waiting) AS waiting,
                 MAX(next_order) AS next_order, MAX(free) AS free, MAX(k) AS k
          FROM q GROUP BY option_id) g
    WHERE o.option_id = g.option_id),
t AS (
    INSERT INTO option_tally (option_id, shard, poll_id, yes, if_need_be, "no", in_person, online)
    SELECT option_id, shard, poll_id,
           COUNT(*) FILTER (WHERE choice = 'yes'), COUNT(*) FILTER (WHERE choice = 'if_need_be'),
           COUNT(*) FILTER (WHERE choice = 'no'),
           COUNT(*) FILTER (WHERE attendance = 'in_person'),
           COUNT(*) FILTER (WHERE attendance = 'online')
    FROM x GROUP BY option_id, shard, poll_id ORDER BY option_id, shard
    ON CONFLICT (option_id, shard) DO UPDATE SET
        yes = option_tally.yes + excluded.yes,
        if_need_be = option_tally.if_need_be + excluded.if_need_be,
        "no" = option_tally."no" + excluded."no",
        in_person = option_tally.in_person + excluded.in_person,
        online = option_tally.online + excluded.online),
dx AS (
    SELECT d.option_id, d.day, d.choice, r.poll_id, r.shard
    FROM unnest($25::uuid[], $26::uuid[], $27::date[], $28::text[])
        AS d(response_id, option_id, day, choice)
    JOIN r ON r.id = d.response_id),
dt AS (
    INSERT INTO day_tally (option_id, shard, day, poll_id, yes, if_need_be, "no")
    SELECT option_id, shard, day, poll_id,
           COUNT(*) FILTER (WHERE choice = 'yes'), COUNT(*) FILTER (WHERE choice = 'if_need_be'),
           COUNT(*) FILTER (WHERE choice = 'no')
    FROM dx GROUP BY option_id, shard, day, poll_id ORDER BY option_id, shard, day
    ON CONFLICT (option_id, shard, day) DO UPDATE SET
        yes = day_tally.yes + excluded.yes,
        if_need_be = day_tally.if_need_be + excluded.if_need_be,
        "no" = day_tally."no" + excluded."no"),
p AS (
    INSERT INTO poll_tally (poll_id, shard, responses, changes)
    SELECT poll_id, shard, COUNT(*), COUNT(*) FROM r GROUP BY poll_id, shard ORDER BY poll_id, shard
    ON CONFLICT (poll_id, shard) DO UPDATE SET
        responses = poll_tally.responses + excluded.responses,
        changes = poll_tally.changes + excluded.changes),
h AS (
    INSERT INTO poll_history (poll_id, at, actor_kind, actor_name, action, response_id, details, on_behalf_of)
    SELECT b.poll_id, b.at, b.actor_kind, b.actor_name, b.action, b.id, b.details, b.on_behalf_of
    FROM b JOIN r ON r.id = b.id ORDER BY b.id),
w AS (
    INSERT INTO outbox (id, topic, poll_id, webhook_id, payload, state, attempts, due_at, created_at)
    SELECT gen_random_uuid(), 'webhook', b.poll_id, w.id, b.payload, 'queued', 0, b.due_at, b.at
    FROM b JOIN r ON r.id = b.id, LATERAL (SELECT w.id {}) w)
SELECT id FROM r"#,
        super::webhooks::wanting("b.poll_id", "b.event")
    )
});

/// What the history keeps of an answer: each vote's choice, and where
/// there are, attendance and day answers.
pub(super) fn answer_details(
    revision: i32,
    name: &str,
    comment: &str,
    votes: &[(Uuid, Choice)],
    details: &BTreeMap<Uuid, VoteDetail>,
) -> serde_json::Value {
    let choices: serde_json::Map<String, serde_json::Value> = votes
        .iter()
        .map(|(o, c)| (o.to_string(), json!(c.as_str())))
        .collect();
    let mut out =
        json!({ "revision": revision, "name": name, "comment": comment, "votes": choices });
    let extra: serde_json::Map<String, serde_json::Value> = votes
        .iter()
        .filter_map(|(o, c)| {
            let d = details.get(o)?;
            let mut v = vote_json(*o, *c, Some(d));
            let v = v.as_object_mut()?;
            v.remove("option_id");
            v.remove("choice");
            Some((o.to_string(), serde_json::Value::Object(v.clone())))
        })
        .collect();
    if !extra.is_empty() {
        out["details"] = serde_json::Value::Object(extra);
    }
    out
}
