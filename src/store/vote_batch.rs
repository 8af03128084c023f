//! New answers on PostgreSQL, written several to a statement when they
//! arrive together (see [`VoteBatch`]).
//!
//! Why: perf of 32 concurrent voters showed PostgreSQL's own work as two
//! thirds of the machine, and of that about a third the same for every
//! statement whatever it writes — starting the executor on the vote's
//! nine-step plan, committing, flushing the WAL, the round trip. Answers
//! that queued while the previous statement ran share one: each still gets
//! its own response, votes, history entry and webhook calls, and is
//! acknowledged only once the statement that wrote it has committed. A
//! lone answer waits for nothing and is a statement of one.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, Value};
use tokio::sync::{Mutex, mpsc, oneshot};
use uuid::Uuid;

use super::group_commit::next_batch;
use crate::domain::hybrid::{self, Attendance};
use crate::domain::poll::Choice;
use crate::error::{Error, Result};

/// Statements in flight at once, each on a connection of the pool.
const WRITERS: usize = 4;
/// At most this many answers per statement.
const MAX_BATCH: usize = 16;
/// At most this many answers per statement of the writer of answers that
/// seek seats (see [`VoteBatch::start`]).
const MAX_SEAT_BATCH: usize = 64;

/// One new answer: its parameters $1–$18 (`vote_sql::new_answer_values`)
/// and its votes, sorted by option.
pub(super) struct NewAnswer {
    pub values: Vec<Value>,
    pub votes: Vec<NewVote>,
    /// The statement that writes answers, one or several
    /// (`vote_sql::new_answers_postgres`: the SQL of a vote stays with the
    /// others'); it returns the ids of the responses written.
    pub statement: fn(&[&NewAnswer]) -> Result<Statement>,
}

/// One vote of a new answer, as written.
#[derive(Debug, Clone)]
pub(super) struct NewVote {
    pub option: Uuid,
    pub choice: Choice,
    pub attendance: Option<Attendance>,
    /// The day answers of a per-day option, in date order.
    pub days: Vec<(NaiveDate, Choice)>,
    /// Whether it asks for one of the option's seats.
    pub seeks: bool,
}

impl NewVote {
    pub(super) fn stored_days(&self) -> Option<String> {
        hybrid::VoteDetail {
            days: self.days.clone(),
            ..Default::default()
        }
        .stored_days()
    }
}

struct Job {
    answer: NewAnswer,
    done: oneshot::Sender<Result<bool>>,
}

#[derive(Clone)]
pub(super) struct VoteBatch {
    jobs: mpsc::Sender<Job>,
    /// Answers that seek an option's seats.
    seat_jobs: mpsc::Sender<Job>,
}

impl VoteBatch {
    /// The writers. Answers that seek seats have a writer of their own:
    /// every statement that seats on an option holds the option's seat row
    /// until it commits, so such statements run one after another whatever
    /// the number of writers, and one writer taking all that queued (up to
    /// [`MAX_SEAT_BATCH`]) seats the most per lock; the others do not wait
    /// behind them.
    pub(super) fn start(db: DatabaseConnection) -> Self {
        let (jobs, queue) = mpsc::channel(1024);
        let queue = Arc::new(Mutex::new(queue));
        for _ in 0..WRITERS {
            tokio::spawn(run(db.clone(), queue.clone(), MAX_BATCH));
        }
        let (seat_jobs, seat_queue) = mpsc::channel(1024);
        tokio::spawn(run(db, Arc::new(Mutex::new(seat_queue)), MAX_SEAT_BATCH));
        VoteBatch { jobs, seat_jobs }
    }

    /// Writes `answer` in the next statement; whether it was written (the
    /// poll was still at the version it was checked against), once
    /// committed.
    pub(super) async fn write(&self, answer: NewAnswer) -> Result<bool> {
        let (done, outcome) = oneshot::channel();
        let gone = || Error::Internal(anyhow::anyhow!("the vote writers stopped"));
        let queue = if answer.votes.iter().any(|v| v.seeks) {
            &self.seat_jobs
        } else {
            &self.jobs
        };
        queue.send(Job { answer, done }).await.map_err(|_| gone())?;
        outcome.await.map_err(|_| gone())?
    }
}

async fn run(db: DatabaseConnection, queue: Arc<Mutex<mpsc::Receiver<Job>>>, most: usize) {
    loop {
        // One writer takes a batch at a time; the others write theirs.
        let Some(batch) = next_batch(&mut *queue.lock().await, most).await else {
            return;
        };
        let answers: Vec<&NewAnswer> = batch.iter().map(|j| &j.answer).collect();
        match write(&db, &answers).await {
            Ok(written) => {
                for job in batch {
                    let id = uuid_of(&job.answer.values[0]);
                    job.done.send(Ok(written.contains(&id))).ok();
                }
            }
            // The statement failed as a whole, so none of it happened: each
            // answer of a batch is written alone, so one bad answer fails
            // only its own request.
            Err(e) if batch.len() > 1 => {
                tracing::warn!(error = %e, "a batch of votes failed; writing each alone");
                for job in batch {
                    let written = write(&db, &[&job.answer]).await;
                    let id = uuid_of(&job.answer.values[0]);
                    job.done.send(written.map(|w| w.contains(&id))).ok();
                }
            }
            Err(e) => {
                if let Some(job) = batch.into_iter().next() {
                    job.done.send(Err(e)).ok();
                }
            }
        }
    }
}

/// An answer's response id, its parameter $1.
pub(super) fn uuid_of(value: &Value) -> Uuid {
    match value {
        Value::Uuid(Some(id)) => *id,
        _ => Uuid::nil(),
    }
}

/// The ids of the responses written.
async fn write(db: &DatabaseConnection, answers: &[&NewAnswer]) -> Result<HashSet<Uuid>> {
    let rows = db.query_all_raw((answers[0].statement)(answers)?).await?;
    rows.iter()
        .map(|r| r.try_get::<Uuid>("", "id").map_err(Error::from))
        .collect()
}
