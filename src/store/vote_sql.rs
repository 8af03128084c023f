//! The SQL of a new answer, one statement per database: on SQLite a batch
//! of statements sent in one call, on PostgreSQL one statement over arrays
//! (one answer or several, `store::vote_batch`). Both do the steps of
//! `ballots::insert_answer` in its order; `ballots.rs` runs them.

use chrono::{DateTime, Utc};
use sea_orm::{DbBackend, Statement};
use serde_json::json;
use uuid::Uuid;

use super::history::entry_values;
use super::vote_batch::{NewAnswer, uuid_of};
use crate::domain::ballot::Ballot;
use crate::domain::history::{Actor, HistoryAction};
use crate::domain::poll::{Choice, Poll};
use crate::domain::webhooks::{self, Event, response_data};
use crate::error::{Error, Result};

/// A new answer on SQLite, as one batch of statements executed in one call
/// (sqlx binds `$n` across them): each statement of the batch is a trip
/// from the async task to the connection's thread and back, which cost more
/// than the statement itself. Every insert after the response's is guarded
/// by the response existing, so all happen or none; the steps and their
/// order are [`super::ballots::insert_answer`]'s, as in [`VOTE_POSTGRES`]. `$19…` are the
/// votes as (option, choice) pairs, sorted by option.
pub(super) fn vote_sqlite_sql(votes: usize) -> String {
    let pairs = (0..votes)
        .map(|i| format!("(${}, ${})", 19 + 2 * i, 20 + 2 * i))
        .collect::<Vec<_>>()
        .join(", ");
    let mut sql = format!("{INSERT_RESPONSE_IF_POLL_UNCHANGED};");
    if votes > 0 {
        sql += &format!(
            r#"
INSERT INTO vote (response_id, option_id, choice)
SELECT $1, x.column1, x.column2 FROM (VALUES {pairs}) x WHERE {RESPONSE_EXISTS};
INSERT INTO option_tally (option_id, shard, poll_id, yes, if_need_be, "no", required_available)
SELECT x.column1, $6, $2, x.column2 = 'yes', x.column2 = 'if_need_be', x.column2 = 'no', 0
FROM (VALUES {pairs}) x WHERE {RESPONSE_EXISTS}
ON CONFLICT (option_id, shard) DO UPDATE SET
    yes = option_tally.yes + excluded.yes,
    if_need_be = option_tally.if_need_be + excluded.if_need_be,
    "no" = option_tally."no" + excluded."no";"#
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
    sql
}

/// The guard of every step after the response's in [`vote_sqlite_sql`].
pub(super) const RESPONSE_EXISTS: &str = "EXISTS (SELECT 1 FROM response WHERE id = $1)";

/// A random (version 4) UUID as SQLite stores ours (16 bytes), for the
/// outbox rows a vote queues — SQLite has no `gen_random_uuid()`. Each
/// `randomblob` is drawn anew, so the pieces are independent random hex.
pub(super) const RANDOM_UUID: &str = "unhex(substr(hex(randomblob(6)), 1, 12) || '4' \
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
/// $17 when it is due, $18 its event; and the votes sorted by option, so
/// concurrent voters on one shard lock tally rows in the same order.
pub(super) fn new_answer_values(
    poll: &Poll,
    row: &NewRow<'_>,
    ballot: &Ballot,
    actor: &Actor,
    now: DateTime<Utc>,
) -> (Vec<sea_orm::Value>, Vec<(Uuid, Choice)>) {
    let event = Event::ResponseCreated;
    let data = response_data(
        row.id,
        poll.settings.aggregate_only,
        row.name,
        &ballot.votes,
    );
    let values = response_values(poll, row, now)
        .into_iter()
        .chain(entry_values(
            actor,
            HistoryAction::ResponseSubmitted,
            answer_details(1, row.name, row.comment, &ballot.votes),
        ))
        .chain([
            webhooks::body(event, now, poll.id, data).into(),
            now.timestamp_millis().into(),
            event.as_str().into(),
        ])
        .collect();
    let mut votes = ballot.votes.clone();
    votes.sort_by_key(|(o, _)| *o);
    (values, votes)
}

/// [`super::ballots::insert_answer`] of a new answer without an invitation on SQLite, as
/// the batch of [`vote_sqlite_sql`], the votes as pairs from $19 (on
/// PostgreSQL: [`new_answers_postgres`]).
pub(super) fn new_answer_sqlite(
    poll: &Poll,
    row: &NewRow<'_>,
    ballot: &Ballot,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Statement {
    let (mut values, votes) = new_answer_values(poll, row, ballot, actor, now);
    values.extend(
        votes
            .iter()
            .flat_map(|(o, c)| [(*o).into(), c.as_str().into()]),
    );
    Statement::from_sql_and_values(DbBackend::Sqlite, vote_sqlite_sql(votes.len()), values)
}

/// The statement that writes new answers without an invitation on
/// PostgreSQL, one or several at once ([`VOTE_POSTGRES`]).
pub(super) fn new_answers_postgres(answers: &[&NewAnswer]) -> Result<Statement> {
    use sea_orm::Value;
    // An array's elements cannot be NULL when bound, but a NULL array is
    // what unnest pads with NULLs: a column that is NULL for every answer
    // (no invitation, nobody recording for another) goes as one.
    let columns = answers[0].values.len();
    let mut values: Vec<Value> = Vec::with_capacity(columns + 3);
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
    for answer in answers {
        let id = uuid_of(&answer.values[0]);
        for (option, choice) in &answer.votes {
            responses.push(id);
            options.push(*option);
            choices.push(choice.as_str().to_string());
        }
    }
    values.extend([responses.into(), options.into(), choices.into()]);
    Ok(Statement::from_sql_and_values(
        DbBackend::Postgres,
        VOTE_POSTGRES.as_str(),
        values,
    ))
}

pub(super) fn is_null(value: &sea_orm::Value) -> bool {
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
/// [`super::ballots::insert_answer`]'s, over arrays ($1–$18 one element per answer,
/// $19–$21 the votes). Each answer is written only while its poll is at
/// the version it was checked against; every insert hangs off `r`, so an
/// answer's writes all happen or none; the webhook calls (`w`) go to the
/// endpoints `store::webhooks::wanting` selects. Tally rows are
/// summed per row before the upsert (one statement may not change a row
/// twice) and written in key order, as every vote writes them, so two
/// statements cannot deadlock.
pub(super) static VOTE_POSTGRES: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        r#"
WITH b AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::int2[],
                         $7::timestamptz[], $8::uuid[], $9::text[], $10::int4[], $11::text[],
                         $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
                         $17::int8[], $18::text[])
        AS b(id, poll_id, name, comment, edit_token_hash, shard, at, invitation_id, recorded_by,
             version, actor_kind, actor_name, action, details, on_behalf_of, payload, due_at,
             event)
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
    FROM unnest($19::uuid[], $20::uuid[], $21::text[]) AS x(response_id, option_id, choice)
    JOIN r ON r.id = x.response_id),
v AS (
    INSERT INTO vote (response_id, option_id, choice)
    SELECT response_id, option_id, choice FROM x),
t AS (
    INSERT INTO option_tally (option_id, shard, poll_id, yes, if_need_be, "no")
    SELECT option_id, shard, poll_id,
           COUNT(*) FILTER (WHERE choice = 'yes'), COUNT(*) FILTER (WHERE choice = 'if_need_be'),
           COUNT(*) FILTER (WHERE choice = 'no')
    FROM x GROUP BY option_id, shard, poll_id ORDER BY option_id, shard
    ON CONFLICT (option_id, shard) DO UPDATE SET
        yes = option_tally.yes + excluded.yes,
        if_need_be = option_tally.if_need_be + excluded.if_need_be,
        "no" = option_tally."no" + excluded."no"),
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

/// The response row a new ballot creates.
pub(super) struct NewRow<'a> {
    pub(super) id: Uuid,
    pub(super) name: &'a str,
    pub(super) comment: &'a str,
    pub(super) edit_token_hash: Option<&'a str>,
    pub(super) invitation_id: Option<Uuid>,
    pub(super) recorded_by: Option<&'a str>,
    /// Whether the invitation is of a required member.
    pub(super) required: bool,
    pub(super) shard: i16,
}

/// What the history keeps of an answer.
pub(super) fn answer_details(
    revision: i32,
    name: &str,
    comment: &str,
    votes: &[(Uuid, Choice)],
) -> serde_json::Value {
    let votes: serde_json::Map<String, serde_json::Value> = votes
        .iter()
        .map(|(o, c)| (o.to_string(), json!(c.as_str())))
        .collect();
    json!({ "revision": revision, "name": name, "comment": comment, "votes": votes })
}
