//! The SQL for a vote: recording a ballot (new or replacing an answer) and
//! withdrawing one. Every vote — anonymous on an open poll, by edit token, by
//! an invited member or by the organiser for them — goes through
//! [`Store::record_ballot`], which checks the ballot against the poll
//! (`domain::ballot`), writes the response and its votes, moves the running
//! tallies and appends the history entry in one transaction, so counts always
//! match the votes and no answer is lost.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, ExprTrait,
    QueryFilter, QuerySelect, Statement,
    sea_query::{Expr, OnConflict},
};
use serde_json::json;
use uuid::Uuid;

use super::group_commit::Write;
use super::history::append;
use super::polls::load_poll;
use super::responses::StoredResponse;
use super::seats::move_seats;
use super::vote_batch::NewAnswer;
use super::vote_sql::{
    INSERT_RESPONSE_IF_POLL_UNCHANGED, NewRow, answer_details, new_answer_sqlite,
    new_answer_values, new_answers_postgres, new_votes, response_values,
};
use super::webhooks::emit;
use super::{Store, transaction};
use crate::domain::ballot::{Ballot, day_deltas, in_option_order, tally_deltas};
use crate::domain::history::{Actor, HistoryAction};
use crate::domain::hybrid::{Seat, VoteDetail};
use crate::domain::poll::{Choice, Poll, Voting};
use crate::domain::token::{self, TokenKind};
use crate::domain::webhooks::{Event, response_data};
use crate::entity::{invitation, member, option_tally, poll, poll_tally, response, vote};
use crate::error::{Error, Result};

/// The seats a new answer's SQLite batch gave, handed out of its write.
type SeatsGiven = Arc<std::sync::Mutex<Option<Vec<(Uuid, Seat)>>>>;

/// Whose ballot it is: which response it goes to, and whom the history names.
#[derive(Debug, Clone, Copy)]
pub enum Voter<'a> {
    /// Someone voting by name on an open poll: a new response, with an edit
    /// token to change it later.
    Anonymous,
    /// The holder of a response's edit token.
    Respondent { response_id: Uuid },
    /// An invited member, or the organiser recording their answer (`proxy`).
    Invited {
        invitation_id: Uuid,
        proxy: Option<&'a str>,
    },
}

/// A recorded ballot.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub response: StoredResponse,
    /// Whether the ballot created the response (else it replaced its answer).
    pub created: bool,
    /// A new anonymous response's edit token, shown only this once.
    pub edit_token: Option<String>,
}

impl Store {
    /// Records a ballot — the one path for every vote.
    ///
    /// An anonymous vote creates a response without locking anything: the
    /// poll is read outside the write transaction, so voters do not hold the
    /// (on SQLite, single) writer while it is read, and the response is
    /// inserted only if the poll is still at the version checked; a poll
    /// changed in between (closed, edited) is read again. Every other ballot
    /// locks poll → invitation → response, the same order as every writer of
    /// an answer, so concurrent answers queue rather than deadlock, and a
    /// member answering twice at once ends with one response.
    ///
    /// A ballot that creates a response counts as a vote recorded (the
    /// `convene_votes_recorded_total` metric), here and nowhere else.
    #[tracing::instrument(name = "store.record_ballot", skip_all, fields(poll_id = %poll_id))]
    pub async fn record_ballot(
        &self,
        poll_id: Uuid,
        voter: Voter<'_>,
        ballot: &Ballot,
    ) -> Result<Recorded> {
        let recorded = self.write_ballot(poll_id, voter, ballot).await?;
        if recorded.created {
            crate::metrics::vote_recorded();
        }
        Ok(recorded)
    }

    async fn write_ballot(
        &self,
        poll_id: Uuid,
        voter: Voter<'_>,
        ballot: &Ballot,
    ) -> Result<Recorded> {
        let now = Utc::now();
        let (invitation_id, proxy) = match voter {
            Voter::Anonymous => return self.record_anonymous(poll_id, ballot).await,
            Voter::Respondent { .. } => (None, None),
            Voter::Invited {
                invitation_id,
                proxy,
            } => (Some(invitation_id), proxy),
        };
        let shard = self.new_shard();
        let (response_id, created) = transaction!(self, txn => {
            let poll = lock_poll_for_voting(txn, poll_id).await?;
            let (current, name, required) = match voter {
                Voter::Respondent { response_id } => {
                    let current = lock_response(txn, response_id, now).await?;
                    if current.poll_id != poll_id {
                        return Err(Error::NotFound("response"));
                    }
                    let name = ballot.name.clone().unwrap_or(current.name.clone());
                    (Some(current), name, false)
                }
                // Answered above, without a transaction.
                Voter::Anonymous => return Err(Error::NotFound("response")),
                Voter::Invited { invitation_id, .. } => {
                    let invited = lock_invitation(txn, poll_id, invitation_id, now).await?;
                    let name = member::Entity::find_by_id(invited.member_id)
                        .one(txn)
                        .await?
                        .ok_or(Error::NotFound("member"))?
                        .name;
                    let existing = response::Entity::find()
                        .select_only()
                        .column(response::Column::Id)
                        .filter(response::Column::InvitationId.eq(invitation_id))
                        .into_tuple::<Uuid>()
                        .one(txn)
                        .await?;
                    let current = match existing {
                        Some(id) => Some(lock_response(txn, id, now).await?),
                        None => None,
                    };
                    (current, name, invited.required)
                }
            };
            ballot.check(&poll, now)?;
            let actor = match proxy {
                Some(organiser) => Actor::proxy(organiser, &name),
                None => Actor::respondent(&name),
            };
            match current {
                Some(current) => {
                    replace_answer(txn, &poll, &current, ballot, (&name, proxy, required), &actor)
                        .await?;
                    Ok((current.id, false))
                }
                None => {
                    let row = NewRow {
                        id: Uuid::now_v7(),
                        name: &name,
                        comment: ballot.comment.as_deref().unwrap_or_default(),
                        edit_token_hash: None,
                        invitation_id,
                        recorded_by: proxy,
                        required,
                        shard,
                    };
                    // The poll is locked (or SQLite's writer held): its
                    // version cannot have moved since it was read above.
                    if !insert_answer(txn, &poll, &row, ballot, &actor, now).await? {
                        return Err(Error::Conflict(
                            "the poll changed while the answer was recorded: try again".into(),
                        ));
                    }
                    Ok((row.id, true))
                }
            }
        })?;
        let response = self
            .response(response_id)
            .await?
            .ok_or(Error::NotFound("response"))?;
        Ok(Recorded {
            response,
            created,
            edit_token: None,
        })
    }

    /// A new response to an open poll, checked against a read of the poll
    /// and written only while the poll is still at that version.
    async fn record_anonymous(&self, poll_id: Uuid, ballot: &Ballot) -> Result<Recorded> {
        let minted = token::generate(TokenKind::Response);
        let name = ballot.name.clone().unwrap_or_default();
        let comment = ballot.comment.clone().unwrap_or_default();
        let row = NewRow {
            id: Uuid::now_v7(),
            name: &name,
            comment: &comment,
            edit_token_hash: Some(&minted.hash),
            invitation_id: None,
            recorded_by: None,
            required: false,
            shard: self.new_shard(),
        };
        let actor = Actor::respondent(&name);
        // The copy of the poll the last vote was checked against, if any:
        // the insert below proceeds only while the poll is still at its
        // version, so a stale copy costs a read, never a wrong vote.
        let mut cached = self.poll_cache.get(poll_id);
        for _ in 0..3 {
            let now = Utc::now();
            let from_cache = cached.is_some();
            let poll = match cached.take() {
                Some(poll) => poll,
                None => {
                    let poll = load_poll(self.read(), poll_id)
                        .await?
                        .ok_or(Error::NotFound("poll"))?;
                    self.poll_cache.put(poll)
                }
            };
            let refused = if poll.settings.voting == Voting::InviteOnly {
                Err(Error::Forbidden(
                    "this poll is invite-only: vote with your invitation token".into(),
                ))
            } else {
                ballot.check(&poll, now).map_err(Error::from)
            };
            match refused {
                Ok(()) => {}
                // Refused by a copy that may be stale: ask the database.
                Err(_) if from_cache => continue,
                Err(e) => return Err(e),
            }
            // PostgreSQL takes the whole vote as one statement (one round
            // trip, one implicit transaction), shared with the answers that
            // queued meanwhile (`vote_batch`); SQLite as one batch of
            // statements in a transaction shared likewise (`group_commit`).
            let seeks = new_votes(&poll, ballot).iter().any(|v| v.seeks);
            let seats_given: SeatsGiven = Arc::default();
            let inserted = if let Some(batch) = &self.vote_batch {
                let (values, votes) = new_answer_values(&poll, &row, ballot, &actor, now);
                batch
                    .write(NewAnswer {
                        values,
                        votes,
                        statement: new_answers_postgres,
                    })
                    .await?
            } else {
                let vote = new_answer_sqlite(&poll, &row, ballot, &actor, now);
                let vote = Arc::new(vote);
                let given = seats_given.clone();
                let write: Write = Arc::new(move |txn| {
                    let vote = Statement::clone(&vote);
                    let given = given.clone();
                    Box::pin(async move {
                        if !seeks {
                            return Ok(txn.execute_raw(vote).await?.rows_affected() > 0);
                        }
                        // The batch ends by reading the seats it gave: a
                        // row per seat, or one of NULLs; none if the
                        // answer was not written.
                        let rows = txn.query_all_raw(vote).await?;
                        let mut seats = Vec::new();
                        for r in &rows {
                            let option: Option<Uuid> = r.try_get("", "option_id")?;
                            let seat: Option<String> = r.try_get("", "seat")?;
                            if let (Some(o), Some(s)) =
                                (option, seat.as_deref().and_then(Seat::parse))
                            {
                                seats.push((o, s));
                            }
                        }
                        *given.lock().expect("not poisoned") = Some(seats);
                        Ok(!rows.is_empty())
                    })
                });
                match &self.group_commit {
                    Some(group) => group.run(write).await?,
                    None => transaction!(self, txn => { write(txn).await })?,
                }
            };
            if inserted {
                let given = seats_given.lock().expect("not poisoned").take();
                let details = match given {
                    Some(seats) => {
                        let mut details = ballot.written_details(&poll);
                        for (o, s) in seats {
                            details.entry(o).or_default().seat = Some(s);
                        }
                        details
                    }
                    None => self.with_seats(row.id, &poll, ballot).await?,
                };
                let response = StoredResponse {
                    id: row.id,
                    poll_id,
                    name,
                    comment,
                    revision: 1,
                    created_at: now,
                    updated_at: now,
                    votes: in_option_order(&poll, ballot.votes.clone()),
                    details,
                    invitation_id: None,
                    recorded_by: None,
                };
                return Ok(Recorded {
                    response,
                    created: true,
                    edit_token: Some(minted.secret),
                });
            }
        }
        Err(Error::Conflict(
            "the poll kept changing while the vote was recorded: try again".into(),
        ))
    }

    /// A new answer's details, with the seats its statement gave (read
    /// back, one indexed read, only when it asked for any).
    async fn with_seats(
        &self,
        response_id: Uuid,
        poll: &Poll,
        ballot: &Ballot,
    ) -> Result<BTreeMap<Uuid, VoteDetail>> {
        let mut details = ballot.written_details(poll);
        if !new_votes(poll, ballot).iter().any(|v| v.seeks) {
            return Ok(details);
        }
        let db = self.read();
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                "SELECT option_id, seat FROM vote WHERE response_id = $1 AND seat IS NOT NULL",
                [response_id.into()],
            ))
            .await?;
        for r in rows {
            let option: Uuid = r.try_get("", "option_id")?;
            let seat: String = r.try_get("", "seat")?;
            details.entry(option).or_default().seat = Seat::parse(&seat);
        }
        Ok(details)
    }

    /// Withdraws an answer while its poll is open: it stops counting, an
    /// edit token stops working (an invitation stays, to answer again), and
    /// the history keeps what it said. Locks poll → invitation → response
    /// like every writer of an answer, so it cannot pull a response from
    /// under a proxy answer that is already waiting to replace it.
    #[tracing::instrument(name = "store.withdraw_ballot", skip_all, fields(poll_id = %poll_id))]
    pub async fn withdraw_ballot(&self, poll_id: Uuid, voter: Voter<'_>) -> Result<()> {
        let now = Utc::now();
        transaction!(self, txn => {
            let poll = lock_poll_for_voting(txn, poll_id).await?;
            let (response_id, required) = match voter {
                Voter::Respondent { response_id } => (response_id, false),
                Voter::Invited { invitation_id, .. } => {
                    let invited = lock_invitation(txn, poll_id, invitation_id, now).await?;
                    let response = response::Entity::find()
                        .select_only()
                        .column(response::Column::Id)
                        .filter(response::Column::InvitationId.eq(invitation_id))
                        .into_tuple::<Uuid>()
                        .one(txn)
                        .await?
                        .ok_or(Error::NotFound("response"))?;
                    (response, invited.required)
                }
                Voter::Anonymous => return Err(Error::NotFound("response")),
            };
            let current = lock_response(txn, response_id, now).await?;
            if current.poll_id != poll.id {
                return Err(Error::NotFound("response"));
            }
            if let Some(reason) = poll.voting_closed_reason(now) {
                return Err(Error::Conflict(reason));
            }
            let (old, old_details) = votes_of(txn, current.id).await?;
            // Seats first (their rows before any tally's, as every vote).
            move_seats(txn, &poll, Some(current.id), &BTreeSet::new(), now).await?;
            if let Some(invitation_id) = current.invitation_id {
                mark_answered(txn, invitation_id, false).await?;
            }
            response::Entity::delete_by_id(current.id).exec(txn).await?;
            let none = BTreeMap::new();
            let deltas = tally_deltas((&old, &old_details), (&[], &none));
            adjust_tallies(txn, current.poll_id, current.shard, &deltas, -1, required).await?;
            adjust_day_tallies(txn, current.poll_id, current.shard, &day_deltas(&old_details, &none)).await?;
            append(
                txn,
                current.poll_id,
                &Actor::respondent(&current.name),
                HistoryAction::ResponseWithdrawn,
                Some(current.id),
                json!({ "revision": current.revision }),
            )
            .await?;
            let data = response_data(current.id, poll.settings.aggregate_only, &current.name, &[], &none);
            emit(txn, poll.id, Event::ResponseDeleted, data, now).await
        })
    }
}

/// Creates a response with its votes, counts it and records it, if the poll
/// is still at the version `poll` was read at. Returns whether it did.
pub(super) async fn insert_answer(
    txn: &DatabaseTransaction,
    poll: &Poll,
    row: &NewRow<'_>,
    ballot: &Ballot,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<bool> {
    let inserted = txn
        .execute_raw(Statement::from_sql_and_values(
            txn.get_database_backend(),
            INSERT_RESPONSE_IF_POLL_UNCHANGED,
            response_values(poll, row, now),
        ))
        .await?;
    if inserted.rows_affected() == 0 {
        return Ok(false);
    }
    if let Some(invitation_id) = row.invitation_id {
        mark_answered(txn, invitation_id, true).await?;
    }
    let details = ballot.written_details(poll);
    let seats = move_seats(txn, poll, None, &seeking(poll, ballot), now).await?;
    insert_votes(txn, row.id, poll, ballot, &seats).await?;
    let none = BTreeMap::new();
    adjust_tallies(
        txn,
        poll.id,
        row.shard,
        &tally_deltas((&[], &none), (&ballot.votes, &details)),
        1,
        row.required,
    )
    .await?;
    adjust_day_tallies(txn, poll.id, row.shard, &day_deltas(&none, &details)).await?;
    append(
        txn,
        poll.id,
        actor,
        HistoryAction::ResponseSubmitted,
        Some(row.id),
        answer_details(1, row.name, row.comment, &ballot.votes, &details),
    )
    .await?;
    let data = response_data(
        row.id,
        poll.settings.aggregate_only,
        row.name,
        &ballot.votes,
        &details,
    );
    emit(txn, poll.id, Event::ResponseCreated, data, now).await?;
    Ok(true)
}

/// Replaces a locked response's name, who recorded it (an organiser for a
/// proxy answer, else nobody), comment and votes, moves the tallies by the
/// difference and records the new answer in the history.
async fn replace_answer(
    txn: &DatabaseTransaction,
    poll: &Poll,
    current: &response::Model,
    ballot: &Ballot,
    (name, recorded_by, required): (&str, Option<&str>, bool),
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
    let (old, old_details) = votes_of(txn, current.id).await?;
    let details = ballot.written_details(poll);
    let now = Utc::now();
    // Seats first (their rows before any tally's, as every vote): a kept
    // seat keeps its place, a freed one goes to the first waiting.
    let seats = move_seats(txn, poll, Some(current.id), &seeking(poll, ballot), now).await?;
    vote::Entity::delete_many()
        .filter(vote::Column::ResponseId.eq(current.id))
        .exec(txn)
        .await?;
    insert_votes(txn, current.id, poll, ballot, &seats).await?;
    adjust_tallies(
        txn,
        current.poll_id,
        current.shard,
        &tally_deltas((&old, &old_details), (&ballot.votes, &details)),
        0,
        required,
    )
    .await?;
    adjust_day_tallies(
        txn,
        current.poll_id,
        current.shard,
        &day_deltas(&old_details, &details),
    )
    .await?;
    append(
        txn,
        current.poll_id,
        actor,
        HistoryAction::ResponseReplaced,
        Some(current.id),
        answer_details(current.revision, name, &comment, &ballot.votes, &details),
    )
    .await?;
    let data = response_data(
        current.id,
        poll.settings.aggregate_only,
        name,
        &ballot.votes,
        &details,
    );
    emit(txn, poll.id, Event::ResponseUpdated, data, now).await
}

/// Reads the poll for a change of an answer, holding a share lock on its
/// row (PostgreSQL; SQLite's single writer needs none) so that a close,
/// confirmation or edit cannot commit between the check and the write.
async fn lock_poll_for_voting(txn: &DatabaseTransaction, poll_id: Uuid) -> Result<Poll> {
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

/// Takes the invitation's row lock (stamping when its answer changed) and
/// returns it; 404 if it is gone (reissued tokens keep the row; a removed
/// member's does not).
async fn lock_invitation(
    txn: &DatabaseTransaction,
    poll_id: Uuid,
    invitation_id: Uuid,
    now: DateTime<Utc>,
) -> Result<invitation::Model> {
    let stamp = invitation::Entity::update_many()
        .col_expr(invitation::Column::AnswerChangedAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(invitation_id))
        .filter(invitation::Column::PollId.eq(poll_id));
    let read = invitation::Entity::find_by_id(invitation_id);
    lock_and_read(txn, stamp, read, "invitation").await
}

/// Takes the response's row lock before anything is read (raising its
/// revision), so a concurrent change of the same response waits and then
/// sees this one's outcome.
async fn lock_response(
    txn: &DatabaseTransaction,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<response::Model> {
    let stamp = response::Entity::update_many()
        .col_expr(
            response::Column::Revision,
            Expr::col(response::Column::Revision).add(1),
        )
        .col_expr(response::Column::UpdatedAt, Expr::value(now))
        .filter(response::Column::Id.eq(id));
    lock_and_read(txn, stamp, response::Entity::find_by_id(id), "response").await
}

/// Locks a row with an update that stamps it — the one way to take a row
/// lock that works alike on PostgreSQL and SQLite — and reads it back;
/// `what` is not found if no row matched.
async fn lock_and_read<E: EntityTrait>(
    txn: &DatabaseTransaction,
    stamp: sea_orm::UpdateMany<E>,
    read: sea_orm::Select<E>,
    what: &'static str,
) -> Result<E::Model> {
    if stamp.exec(txn).await?.rows_affected == 0 {
        return Err(Error::NotFound(what));
    }
    read.one(txn).await?.ok_or(Error::NotFound(what))
}

/// A response's votes, and their details by option.
async fn votes_of(
    txn: &DatabaseTransaction,
    response_id: Uuid,
) -> Result<(Vec<(Uuid, Choice)>, BTreeMap<Uuid, VoteDetail>)> {
    let rows = vote::Entity::find()
        .filter(vote::Column::ResponseId.eq(response_id))
        .all(txn)
        .await?;
    let mut votes = Vec::with_capacity(rows.len());
    let mut details = BTreeMap::new();
    for v in rows {
        let choice = Choice::parse(&v.choice)
            .ok_or_else(|| anyhow::anyhow!("vote with unknown choice {:?}", v.choice))?;
        votes.push((v.option_id, choice));
        let detail = VoteDetail::from_stored(
            v.attendance.as_deref(),
            v.days.as_deref(),
            v.seat.as_deref(),
        );
        if !detail.is_empty() {
            details.insert(v.option_id, detail);
        }
    }
    Ok((votes, details))
}

/// The options whose seats a ballot's votes ask for.
fn seeking(poll: &Poll, ballot: &Ballot) -> BTreeSet<Uuid> {
    new_votes(poll, ballot)
        .into_iter()
        .filter(|v| v.seeks)
        .map(|v| v.option)
        .collect()
}

/// Writes a ballot's votes with their attendance, day answers and seats.
async fn insert_votes(
    txn: &DatabaseTransaction,
    response_id: Uuid,
    poll: &Poll,
    ballot: &Ballot,
    seats: &BTreeMap<Uuid, (Seat, i64)>,
) -> Result<()> {
    let rows: Vec<vote::ActiveModel> = new_votes(poll, ballot)
        .into_iter()
        .map(|v| {
            let days = VoteDetail {
                days: v.days.clone(),
                ..Default::default()
            }
            .stored_days();
            let seat = seats.get(&v.option);
            vote::ActiveModel {
                response_id: Set(response_id),
                option_id: Set(v.option),
                choice: Set(v.choice.as_str().to_string()),
                attendance: Set(v.attendance.map(|a| a.as_str().to_string())),
                days: Set(days),
                seat: Set(seat.map(|(s, _)| s.as_str().to_string())),
                seat_order: Set(seat.map(|(_, n)| *n)),
            }
        })
        .collect();
    for chunk in rows.chunks(200) {
        vote::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// Adds the day answers' deltas to the response's day tally shard, in key
/// order.
async fn adjust_day_tallies(
    txn: &DatabaseTransaction,
    poll_id: Uuid,
    shard: i16,
    deltas: &BTreeMap<(Uuid, chrono::NaiveDate), [i64; 3]>,
) -> Result<()> {
    for ((option_id, day), [yes, inb, no]) in deltas {
        txn.execute_raw(Statement::from_sql_and_values(
            txn.get_database_backend(),
            r#"INSERT INTO day_tally (option_id, shard, day, poll_id, yes, if_need_be, "no")
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (option_id, shard, day) DO UPDATE SET
    yes = day_tally.yes + excluded.yes,
    if_need_be = day_tally.if_need_be + excluded.if_need_be,
    "no" = day_tally."no" + excluded."no""#,
            [
                (*option_id).into(),
                shard.into(),
                (*day).into(),
                poll_id.into(),
                (*yes).into(),
                (*inb).into(),
                (*no).into(),
            ],
        ))
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
    deltas: &BTreeMap<Uuid, [i64; 5]>,
    responses: i64,
    required: bool,
) -> Result<()> {
    if !deltas.is_empty() {
        let rows: Vec<option_tally::ActiveModel> = deltas
            .iter()
            .map(
                |(option_id, [yes, inb, no, in_person, online])| option_tally::ActiveModel {
                    option_id: Set(*option_id),
                    shard: Set(shard),
                    poll_id: Set(poll_id),
                    yes: Set(*yes),
                    if_need_be: Set(*inb),
                    no: Set(*no),
                    required_available: Set(if required { yes + inb } else { 0 }),
                    in_person: Set(*in_person),
                    online: Set(*online),
                },
            )
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
                        plus_excluded("option_tally", "yes"),
                    )
                    .value(
                        option_tally::Column::IfNeedBe,
                        plus_excluded("option_tally", "if_need_be"),
                    )
                    .value(
                        option_tally::Column::No,
                        plus_excluded("option_tally", "no"),
                    )
                    .value(
                        option_tally::Column::RequiredAvailable,
                        plus_excluded("option_tally", "required_available"),
                    )
                    .value(
                        option_tally::Column::InPerson,
                        plus_excluded("option_tally", "in_person"),
                    )
                    .value(
                        option_tally::Column::Online,
                        plus_excluded("option_tally", "online"),
                    )
                    .to_owned(),
                )
                .exec_without_returning(txn)
                .await?;
        }
    }
    // The results changed: counted, for their ETag (migration 14).
    if responses != 0 || !deltas.is_empty() {
        poll_tally::Entity::insert(poll_tally::ActiveModel {
            poll_id: Set(poll_id),
            shard: Set(shard),
            responses: Set(responses),
            changes: Set(1),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([poll_tally::Column::PollId, poll_tally::Column::Shard])
                .value(
                    poll_tally::Column::Responses,
                    plus_excluded("poll_tally", "responses"),
                )
                .value(
                    poll_tally::Column::Changes,
                    plus_excluded("poll_tally", "changes"),
                )
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    }
    Ok(())
}

/// Sets whether an invitation has an answer, beside the change of it.
async fn mark_answered(
    txn: &DatabaseTransaction,
    invitation_id: Uuid,
    answered: bool,
) -> Result<()> {
    invitation::Entity::update_many()
        .col_expr(invitation::Column::Answered, Expr::value(answered))
        .filter(invitation::Column::Id.eq(invitation_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// `table.column + excluded.column`: an upsert that adds to a count rather
/// than replacing it.
fn plus_excluded(table: &str, column: &str) -> Expr {
    Expr::cust(format!(r#""{table}"."{column}" + "excluded"."{column}""#))
}
