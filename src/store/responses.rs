//! Responses: the SQL that runs when someone votes, changes their answer or
//! withdraws it. Each is one transaction that writes the response, its votes,
//! the running tallies and the history entry together, so counts always match
//! the votes and no answer is lost.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rand::Rng;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, ExprTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement,
    sea_query::{Expr, OnConflict},
};
use serde_json::json;
use uuid::Uuid;

use super::history::append;
use super::polls::load_poll;
use super::{SHARDS, Store, transaction};
use crate::domain::ballot::{Ballot, in_option_order, tally_deltas};
use crate::domain::history::Actor;
use crate::domain::history::{ActorKind, HistoryAction};
use crate::domain::poll::{Choice, Poll, Voting};
use crate::domain::token::{self, TokenKind};
use crate::entity::{
    invitation, member, option_tally, poll, poll_history, poll_tally, response, vote,
};
use crate::error::{Error, Result};
use sea_orm::DbBackend;

#[derive(Debug, Clone)]
pub struct StoredResponse {
    pub id: Uuid,
    pub poll_id: Uuid,
    pub name: String,
    pub comment: String,
    pub revision: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// In the poll's option order.
    pub votes: Vec<(Uuid, Choice)>,
    /// Set for an invited member's answer.
    pub invitation_id: Option<Uuid>,
    /// The organiser who recorded it on the member's behalf, if one did.
    pub recorded_by: Option<String>,
}

/// What a response edit token opens.
#[derive(Debug, Clone, Copy)]
pub struct ResponseGrant {
    pub response_id: Uuid,
    pub poll_id: Uuid,
}

impl Store {
    /// Records a new response to an open poll and returns it with its edit
    /// token, shown only this once.
    ///
    /// The poll is read outside the write transaction, so voters do not hold
    /// the (on SQLite, single) writer while it is read; the insert then only
    /// happens if the poll is still at the version that was checked. A poll
    /// changed in between (closed, edited) is read again.
    pub async fn submit_response(
        &self,
        poll_id: Uuid,
        ballot: Ballot,
    ) -> Result<(StoredResponse, String)> {
        let minted = token::generate(TokenKind::Response);
        let id = Uuid::now_v7();
        let shard = rand::rng().random_range(0..SHARDS);
        let name = ballot.name.clone().unwrap_or_default();
        let comment = ballot.comment.clone().unwrap_or_default();
        for _ in 0..3 {
            let now = Utc::now();
            let poll = load_poll(self.read(), poll_id)
                .await?
                .ok_or(Error::NotFound("poll"))?;
            if poll.settings.voting == Voting::InviteOnly {
                return Err(Error::Forbidden(
                    "this poll is invite-only: vote with your invitation token".into(),
                ));
            }
            ballot.check(&poll, now)?;
            let recorded = self
                .insert_new_response(&NewResponse {
                    id,
                    poll_id,
                    poll_version: poll.version,
                    name: &name,
                    comment: &comment,
                    token_hash: &minted.hash,
                    shard,
                    now,
                    votes: &ballot.votes,
                })
                .await?;
            if recorded {
                let stored = StoredResponse {
                    id,
                    poll_id,
                    name,
                    comment,
                    revision: 1,
                    created_at: now,
                    updated_at: now,
                    votes: in_option_order(&poll, ballot.votes),
                    invitation_id: None,
                    recorded_by: None,
                };
                return Ok((stored, minted.secret));
            }
        }
        Err(Error::Conflict(
            "the poll kept changing while the vote was recorded: try again".into(),
        ))
    }

    /// Replaces a response's answer while its poll is open. Concurrent
    /// replacements of one response queue on its row, so the last one wins
    /// whole and the tallies match it.
    pub async fn replace_response(
        &self,
        grant: ResponseGrant,
        ballot: Ballot,
    ) -> Result<StoredResponse> {
        let now = Utc::now();
        transaction!(self, txn => {
            let poll = lock_poll_for_voting(txn, grant.poll_id).await?;
            let current = lock_response(txn, grant.response_id, now).await?;
            ballot.check(&poll, now)?;
            let name = ballot.name.clone().unwrap_or(current.name.clone());
            replace_locked(txn, &current, &ballot, (&name, None), &Actor::respondent(&name)).await
        })?;
        self.response(grant.response_id)
            .await?
            .ok_or(Error::NotFound("response"))
    }

    /// Withdraws a response while its poll is open: it stops counting and its
    /// token stops working; the history keeps what it said.
    pub async fn withdraw_response(&self, poll_id: Uuid, response_id: Uuid) -> Result<()> {
        let now = Utc::now();
        transaction!(self, txn => {
            let poll = lock_poll_for_voting(txn, poll_id).await?;
            let current = lock_response(txn, response_id, now).await?;
            withdraw_locked(txn, &poll, &current, now).await
        })
    }

    /// Withdraws an invited member's answer; their invitation stays, to
    /// answer again. Locks poll → invitation → response like every writer
    /// of an invited answer, so it cannot pull a response from under a proxy
    /// answer that is already waiting to replace it.
    pub async fn withdraw_invitation_answer(
        &self,
        poll_id: Uuid,
        invitation_id: Uuid,
    ) -> Result<()> {
        let now = Utc::now();
        transaction!(self, txn => {
            let poll = lock_poll_for_voting(txn, poll_id).await?;
            lock_invitation(txn, poll_id, invitation_id, now).await?;
            let answer = response::Entity::find()
                .filter(response::Column::InvitationId.eq(invitation_id))
                .one(txn)
                .await?
                .ok_or(Error::NotFound("response"))?;
            let current = lock_response(txn, answer.id, now).await?;
            withdraw_locked(txn, &poll, &current, now).await
        })
    }

    /// An invited member's answer, given by the member or, with `proxy`, by
    /// the organiser on their behalf: the first answer creates the response,
    /// later ones replace it. Returns the response and whether it is new.
    ///
    /// Locks are taken in the order poll → invitation → response, the same
    /// as every other writer, so concurrent answers queue rather than
    /// deadlock, and a member answering twice at once ends with one response.
    pub async fn answer_invitation(
        &self,
        poll_id: Uuid,
        invitation_id: Uuid,
        ballot: Ballot,
        proxy: Option<&str>,
    ) -> Result<(StoredResponse, bool)> {
        let now = Utc::now();
        let (response_id, created) = transaction!(self, txn => {
            let poll = lock_poll_for_voting(txn, poll_id).await?;
            let invited = lock_invitation(txn, poll_id, invitation_id, now).await?;
            let name = member::Entity::find_by_id(invited.member_id)
                .one(txn)
                .await?
                .ok_or(Error::NotFound("member"))?
                .name;
            ballot.check(&poll, now)?;
            let actor = match proxy {
                Some(organiser) => Actor::proxy(organiser, &name),
                None => Actor::respondent(&name),
            };
            let existing = response::Entity::find()
                .filter(response::Column::InvitationId.eq(invitation_id))
                .one(txn)
                .await?;
            if let Some(existing) = existing {
                let current = lock_response(txn, existing.id, now).await?;
                replace_locked(txn, &current, &ballot, (&name, proxy), &actor).await?;
                return Ok((current.id, false));
            }
            let id = Uuid::now_v7();
            let shard = rand::rng().random_range(0..SHARDS);
            let comment = ballot.comment.clone().unwrap_or_default();
            response::Entity::insert(response::ActiveModel {
                id: Set(id),
                poll_id: Set(poll_id),
                name: Set(name.clone()),
                comment: Set(comment.clone()),
                edit_token_hash: Set(None),
                shard: Set(shard),
                revision: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                invitation_id: Set(Some(invitation_id)),
                recorded_by: Set(proxy.map(str::to_string)),
            })
            .exec_without_returning(txn)
            .await?;
            insert_votes(txn, id, &ballot.votes).await?;
            adjust_tallies(txn, poll_id, shard, &tally_deltas(&[], &ballot.votes), 1).await?;
            append(
                txn,
                poll_id,
                &actor,
                HistoryAction::ResponseSubmitted,
                Some(id),
                answer_details(1, &name, &comment, &ballot.votes),
            )
            .await?;
            Ok((id, true))
        })?;
        let stored = self
            .response(response_id)
            .await?
            .ok_or(Error::NotFound("response"))?;
        Ok((stored, created))
    }

    /// An invited member's current answer, if they have given one.
    pub async fn response_of_invitation(
        &self,
        invitation_id: Uuid,
    ) -> Result<Option<StoredResponse>> {
        let Some(model) = response::Entity::find()
            .filter(response::Column::InvitationId.eq(invitation_id))
            .one(self.read())
            .await?
        else {
            return Ok(None);
        };
        let mut all = self.with_votes(vec![model]).await?;
        Ok(all.pop())
    }

    pub async fn response_by_token(&self, secret: &str) -> Result<Option<ResponseGrant>> {
        let found: Option<(Uuid, Uuid)> = response::Entity::find()
            .select_only()
            .column(response::Column::Id)
            .column(response::Column::PollId)
            .filter(response::Column::EditTokenHash.eq(token::hash(secret)))
            .into_tuple()
            .one(self.read())
            .await?;
        Ok(found.map(|(response_id, poll_id)| ResponseGrant {
            response_id,
            poll_id,
        }))
    }

    pub async fn response(&self, id: Uuid) -> Result<Option<StoredResponse>> {
        let Some(model) = response::Entity::find_by_id(id).one(self.read()).await? else {
            return Ok(None);
        };
        let mut all = self.with_votes(vec![model]).await?;
        Ok(all.pop())
    }

    /// One page of a poll's responses, oldest first.
    pub async fn list_responses(
        &self,
        poll_id: Uuid,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<StoredResponse>> {
        let mut q = response::Entity::find().filter(response::Column::PollId.eq(poll_id));
        if let Some(after) = after {
            q = q.filter(response::Column::Id.gt(after));
        }
        let models = q
            .order_by_asc(response::Column::Id)
            .limit(limit)
            .all(self.read())
            .await?;
        self.with_votes(models).await
    }

    /// Every response of a poll, oldest first, for the export.
    pub async fn all_responses(&self, poll_id: Uuid) -> Result<Vec<StoredResponse>> {
        let models = response::Entity::find()
            .filter(response::Column::PollId.eq(poll_id))
            .order_by_asc(response::Column::Id)
            .all(self.read())
            .await?;
        let mut out = Vec::with_capacity(models.len());
        // Votes are fetched per chunk of responses to keep each IN list short.
        let mut models = models.into_iter().peekable();
        while models.peek().is_some() {
            let chunk: Vec<_> = models.by_ref().take(500).collect();
            out.extend(self.with_votes(chunk).await?);
        }
        Ok(out)
    }

    async fn with_votes(&self, models: Vec<response::Model>) -> Result<Vec<StoredResponse>> {
        let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
        let votes = vote::Entity::find()
            .filter(vote::Column::ResponseId.is_in(ids))
            .all(self.read())
            .await?;
        let mut by_response: BTreeMap<Uuid, Vec<(Uuid, Choice)>> = BTreeMap::new();
        for v in votes {
            let choice = Choice::parse(&v.choice)
                .ok_or_else(|| anyhow::anyhow!("vote with unknown choice {:?}", v.choice))?;
            by_response
                .entry(v.response_id)
                .or_default()
                .push((v.option_id, choice));
        }
        Ok(models
            .into_iter()
            .map(|m| StoredResponse {
                votes: by_response.remove(&m.id).unwrap_or_default(),
                id: m.id,
                poll_id: m.poll_id,
                name: m.name,
                comment: m.comment,
                revision: m.revision,
                created_at: m.created_at,
                updated_at: m.updated_at,
                invitation_id: m.invitation_id,
                recorded_by: m.recorded_by,
            })
            .collect())
    }
}

/// A checked vote, ready to be written.
struct NewResponse<'a> {
    id: Uuid,
    poll_id: Uuid,
    /// The poll version the vote was checked against.
    poll_version: i32,
    name: &'a str,
    comment: &'a str,
    token_hash: &'a str,
    shard: i16,
    now: DateTime<Utc>,
    votes: &'a [(Uuid, Choice)],
}

impl NewResponse<'_> {
    /// Parameters $1–$8 of both vote statements.
    fn response_values(&self) -> [sea_orm::Value; 8] {
        [
            self.id.into(),
            self.poll_id.into(),
            self.name.into(),
            self.comment.into(),
            self.token_hash.into(),
            self.shard.into(),
            self.now.into(),
            self.poll_version.into(),
        ]
    }
}

impl Store {
    /// The SQL that runs when someone votes: the response, its votes, the
    /// tallies and the history entry, atomically, and only if the poll is
    /// still at the checked version. Returns false if it was not.
    ///
    /// PostgreSQL does it in one statement (data-modifying CTEs), so a vote
    /// costs one round trip and one implicit transaction; SQLite, which has
    /// no such CTEs, runs the same steps in one transaction on the writer.
    async fn insert_new_response(&self, r: &NewResponse<'_>) -> Result<bool> {
        let details = answer_details(1, r.name, r.comment, r.votes).to_string();
        if self.backend() == DbBackend::Postgres {
            // Sorted by option so concurrent voters on one shard lock tally
            // rows in the same order.
            let mut votes = r.votes.to_vec();
            votes.sort_by_key(|(o, _)| *o);
            let options: Vec<Uuid> = votes.iter().map(|(o, _)| *o).collect();
            let choices: Vec<String> = votes.iter().map(|(_, c)| c.as_str().to_string()).collect();
            let row = self
                .write
                .query_one_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    VOTE_POSTGRES,
                    r.response_values().into_iter().chain([
                        options.into(),
                        choices.into(),
                        details.into(),
                    ]),
                ))
                .await?;
            let inserted: i64 = row
                .map(|row| row.try_get("", "inserted"))
                .transpose()?
                .unwrap_or(0);
            return Ok(inserted == 1);
        }
        transaction!(self, txn => {
            let inserted = txn
                .execute_raw(Statement::from_sql_and_values(
                    txn.get_database_backend(),
                    INSERT_RESPONSE_IF_POLL_UNCHANGED,
                    r.response_values(),
                ))
                .await?;
            if inserted.rows_affected() == 0 {
                return Ok(false);
            }
            insert_votes(txn, r.id, r.votes).await?;
            adjust_tallies(txn, r.poll_id, r.shard, &tally_deltas(&[], r.votes), 1).await?;
            poll_history::Entity::insert(poll_history::ActiveModel {
                poll_id: Set(r.poll_id),
                at: Set(r.now),
                actor_kind: Set(ActorKind::Respondent.as_str().into()),
                actor_name: Set(r.name.to_string()),
                action: Set(HistoryAction::ResponseSubmitted.as_str().into()),
                response_id: Set(Some(r.id)),
                details: Set(details.clone()),
                ..Default::default()
            })
            .exec_without_returning(txn)
            .await?;
            Ok(true)
        })
    }
}

/// A new vote on PostgreSQL, in one statement. `ok` holds a row only while
/// the poll is at the checked version; every insert hangs off `r`, so either
/// all happen or none.
/// The history row spells `ActorKind::Respondent` and
/// `HistoryAction::ResponseSubmitted` as SQL literals (see domain/history.rs).
const VOTE_POSTGRES: &str = r#"
WITH ok AS (SELECT 1 FROM poll WHERE id = $2 AND version = $8),
r AS (
    INSERT INTO response (id, poll_id, name, comment, edit_token_hash, shard, revision, created_at, updated_at)
    SELECT $1, $2, $3, $4, $5, $6, 1, $7, $7 FROM ok
    RETURNING id),
x AS (SELECT * FROM unnest($9::uuid[], $10::text[]) AS x(option_id, choice)),
v AS (
    INSERT INTO vote (response_id, option_id, choice)
    SELECT r.id, x.option_id, x.choice FROM r, x),
t AS (
    INSERT INTO option_tally (option_id, shard, poll_id, yes, if_need_be, "no")
    SELECT x.option_id, $6, $2,
           (x.choice = 'yes')::int::bigint, (x.choice = 'if_need_be')::int::bigint, (x.choice = 'no')::int::bigint
    FROM r, x
    ON CONFLICT (option_id, shard) DO UPDATE SET
        yes = option_tally.yes + excluded.yes,
        if_need_be = option_tally.if_need_be + excluded.if_need_be,
        "no" = option_tally."no" + excluded."no"),
p AS (
    INSERT INTO poll_tally (poll_id, shard, responses)
    SELECT $2, $6, 1 FROM r
    ON CONFLICT (poll_id, shard) DO UPDATE SET responses = poll_tally.responses + 1),
h AS (
    INSERT INTO poll_history (poll_id, at, actor_kind, actor_name, action, response_id, details)
    SELECT $2, $7, 'respondent', $3, 'response_submitted', r.id, $11 FROM r)
SELECT COUNT(*) AS inserted FROM r"#;

/// Inserts a response only while its poll is at the version the vote was
/// checked against (every change of status, settings or options raises it).
const INSERT_RESPONSE_IF_POLL_UNCHANGED: &str = r#"
INSERT INTO response (id, poll_id, name, comment, edit_token_hash, shard, revision, created_at, updated_at)
SELECT $1, $2, $3, $4, $5, $6, 1, $7, $7
WHERE EXISTS (SELECT 1 FROM poll WHERE id = $2 AND version = $8)"#;

/// Reads the poll for a change of an answer, holding a share lock on its
/// row (PostgreSQL; SQLite's single writer needs none) so that a close,
/// confirmation or edit cannot commit between the check and the write.
async fn lock_poll_for_voting(txn: &DatabaseTransaction, poll_id: Uuid) -> Result<Poll> {
    // SQLite has no row locks (its writer is already exclusive): one read.
    if txn.get_database_backend() == DbBackend::Postgres {
        poll::Entity::find_by_id(poll_id)
            .lock_shared()
            .one(txn)
            .await?
            .ok_or(Error::NotFound("poll"))?;
    }
    load_poll(txn, poll_id)
        .await?
        .ok_or(Error::NotFound("poll"))
}

/// Replaces a locked response's name, who recorded it (an organiser for a
/// proxy answer, else nobody), comment and votes, moves the tallies by the
/// difference and records the new answer in the history.
async fn replace_locked(
    txn: &DatabaseTransaction,
    current: &response::Model,
    ballot: &Ballot,
    (name, recorded_by): (&str, Option<&str>),
    actor: &Actor,
) -> Result<()> {
    let comment = ballot.comment.clone().unwrap_or(current.comment.clone());
    response::Entity::update_many()
        .col_expr(response::Column::Name, Expr::value(name))
        .col_expr(
            response::Column::RecordedBy,
            Expr::value(recorded_by.map(str::to_string)),
        )
        .col_expr(response::Column::Comment, Expr::value(comment.clone()))
        .filter(response::Column::Id.eq(current.id))
        .exec(txn)
        .await?;
    let old = votes_of(txn, current.id).await?;
    vote::Entity::delete_many()
        .filter(vote::Column::ResponseId.eq(current.id))
        .exec(txn)
        .await?;
    insert_votes(txn, current.id, &ballot.votes).await?;
    adjust_tallies(
        txn,
        current.poll_id,
        current.shard,
        &tally_deltas(&old, &ballot.votes),
        0,
    )
    .await?;
    append(
        txn,
        current.poll_id,
        actor,
        HistoryAction::ResponseReplaced,
        Some(current.id),
        answer_details(current.revision, name, &comment, &ballot.votes),
    )
    .await
}

/// Takes the invitation's row lock (stamping when its answer changed) and
/// returns it; 404 if it is gone (reissued tokens keep the row; a removed
/// member's does not).
async fn lock_invitation(
    txn: &DatabaseTransaction,
    poll_id: Uuid,
    invitation_id: Uuid,
    now: DateTime<Utc>,
) -> Result<invitation::Model> {
    let locked = invitation::Entity::update_many()
        .col_expr(invitation::Column::AnswerChangedAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(invitation_id))
        .filter(invitation::Column::PollId.eq(poll_id))
        .exec(txn)
        .await?;
    if locked.rows_affected == 0 {
        return Err(Error::NotFound("invitation"));
    }
    invitation::Entity::find_by_id(invitation_id)
        .one(txn)
        .await?
        .ok_or(Error::NotFound("invitation"))
}

/// Removes a locked response from the counts while voting is open, keeping
/// what it said in the history.
async fn withdraw_locked(
    txn: &DatabaseTransaction,
    poll: &Poll,
    current: &response::Model,
    now: DateTime<Utc>,
) -> Result<()> {
    if current.poll_id != poll.id {
        return Err(Error::NotFound("response"));
    }
    if let Some(reason) = poll.voting_closed_reason(now) {
        return Err(Error::Conflict(reason));
    }
    let old = votes_of(txn, current.id).await?;
    response::Entity::delete_by_id(current.id).exec(txn).await?;
    adjust_tallies(
        txn,
        current.poll_id,
        current.shard,
        &tally_deltas(&old, &[]),
        -1,
    )
    .await?;
    append(
        txn,
        current.poll_id,
        &Actor::respondent(&current.name),
        HistoryAction::ResponseWithdrawn,
        Some(current.id),
        json!({ "revision": current.revision }),
    )
    .await
}

/// Takes the response's row lock before anything is read, so a concurrent
/// change of the same response waits and then sees this one's outcome.
async fn lock_response(
    txn: &DatabaseTransaction,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<response::Model> {
    let locked = response::Entity::update_many()
        .col_expr(
            response::Column::Revision,
            Expr::col(response::Column::Revision).add(1),
        )
        .col_expr(response::Column::UpdatedAt, Expr::value(now))
        .filter(response::Column::Id.eq(id))
        .exec(txn)
        .await?;
    if locked.rows_affected == 0 {
        return Err(Error::NotFound("response"));
    }
    response::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(Error::NotFound("response"))
}

async fn votes_of(txn: &DatabaseTransaction, response_id: Uuid) -> Result<Vec<(Uuid, Choice)>> {
    let rows = vote::Entity::find()
        .filter(vote::Column::ResponseId.eq(response_id))
        .all(txn)
        .await?;
    rows.into_iter()
        .map(|v| {
            Choice::parse(&v.choice)
                .map(|c| (v.option_id, c))
                .ok_or_else(|| anyhow::anyhow!("vote with unknown choice {:?}", v.choice).into())
        })
        .collect()
}

async fn insert_votes(
    txn: &DatabaseTransaction,
    response_id: Uuid,
    votes: &[(Uuid, Choice)],
) -> Result<()> {
    if votes.is_empty() {
        return Ok(());
    }
    let rows: Vec<vote::ActiveModel> = votes
        .iter()
        .map(|(option_id, choice)| vote::ActiveModel {
            response_id: Set(response_id),
            option_id: Set(*option_id),
            choice: Set(choice.as_str().to_string()),
        })
        .collect();
    for chunk in rows.chunks(200) {
        vote::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// Adds the deltas to the response's tally shard with one upsert per table.
/// Rows are written in option order, so two writers on one shard lock them
/// in the same order and cannot deadlock.
async fn adjust_tallies(
    txn: &DatabaseTransaction,
    poll_id: Uuid,
    shard: i16,
    deltas: &BTreeMap<Uuid, [i64; 3]>,
    responses: i64,
) -> Result<()> {
    if !deltas.is_empty() {
        let rows: Vec<option_tally::ActiveModel> = deltas
            .iter()
            .map(|(option_id, [yes, inb, no])| option_tally::ActiveModel {
                option_id: Set(*option_id),
                shard: Set(shard),
                poll_id: Set(poll_id),
                yes: Set(*yes),
                if_need_be: Set(*inb),
                no: Set(*no),
            })
            .collect();
        for chunk in rows.chunks(200) {
            option_tally::Entity::insert_many(chunk.to_vec())
                .on_conflict(
                    OnConflict::columns([
                        option_tally::Column::OptionId,
                        option_tally::Column::Shard,
                    ])
                    .value(
                        option_tally::Column::Yes,
                        Expr::cust(r#""option_tally"."yes" + "excluded"."yes""#),
                    )
                    .value(
                        option_tally::Column::IfNeedBe,
                        Expr::cust(r#""option_tally"."if_need_be" + "excluded"."if_need_be""#),
                    )
                    .value(
                        option_tally::Column::No,
                        Expr::cust(r#""option_tally"."no" + "excluded"."no""#),
                    )
                    .to_owned(),
                )
                .exec_without_returning(txn)
                .await?;
        }
    }
    if responses != 0 {
        poll_tally::Entity::insert(poll_tally::ActiveModel {
            poll_id: Set(poll_id),
            shard: Set(shard),
            responses: Set(responses),
        })
        .on_conflict(
            OnConflict::columns([poll_tally::Column::PollId, poll_tally::Column::Shard])
                .value(
                    poll_tally::Column::Responses,
                    Expr::cust(r#""poll_tally"."responses" + "excluded"."responses""#),
                )
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    }
    Ok(())
}

fn answer_details(
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
