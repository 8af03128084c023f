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
//! lone answer waits for nothing and is written by [`super::ballots`]'s
//! one-answer statement as before.

use std::collections::HashSet;
use std::sync::Arc;

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, Value};
use tokio::sync::{Mutex, mpsc, oneshot};
use uuid::Uuid;

use super::group_commit::next_batch;
use crate::domain::poll::Choice;
use crate::error::{Error, Result};

/// Statements in flight at once, each on a connection of the pool.
const WRITERS: usize = 4;
/// At most this many answers per statement.
const MAX_BATCH: usize = 16;

/// One new answer: the one-answer statement's parameters $1–$18
/// (`ballots::new_answer_values`) and its votes, sorted by option.
pub(super) struct NewAnswer {
    pub values: Vec<Value>,
    pub votes: Vec<(Uuid, Choice)>,
    /// The statement for this answer alone (`ballots::VOTE_POSTGRES`).
    pub alone: Statement,
    /// The statement for several answers at once, this one first
    /// (`ballots::answers_together`); it returns the ids written.
    pub together: fn(&[&NewAnswer]) -> Result<Statement>,
}

struct Job {
    answer: NewAnswer,
    done: oneshot::Sender<Result<bool>>,
}

#[derive(Clone)]
pub(super) struct VoteBatch {
    jobs: mpsc::Sender<Job>,
}

impl VoteBatch {
    pub(super) fn start(db: DatabaseConnection) -> Self {
        let (jobs, queue) = mpsc::channel(1024);
        let queue = Arc::new(Mutex::new(queue));
        for _ in 0..WRITERS {
            tokio::spawn(run(db.clone(), queue.clone()));
        }
        VoteBatch { jobs }
    }

    /// Writes `answer` in the next statement; whether it was written (the
    /// poll was still at the version it was checked against), once
    /// committed.
    pub(super) async fn write(&self, answer: NewAnswer) -> Result<bool> {
        let (done, outcome) = oneshot::channel();
        let gone = || Error::Internal(anyhow::anyhow!("the vote writers stopped"));
        self.jobs
            .send(Job { answer, done })
            .await
            .map_err(|_| gone())?;
        outcome.await.map_err(|_| gone())?
    }
}

async fn run(db: DatabaseConnection, queue: Arc<Mutex<mpsc::Receiver<Job>>>) {
    loop {
        // One writer takes a batch at a time; the others write theirs.
        let Some(batch) = next_batch(&mut *queue.lock().await, MAX_BATCH).await else {
            return;
        };
        if batch.len() > 1 {
            match write_together(&db, &batch).await {
                Ok(written) => {
                    for job in batch {
                        let id = job.answer.values[0].clone();
                        job.done.send(Ok(written.contains(&uuid_of(&id)))).ok();
                    }
                    continue;
                }
                // The statement failed as a whole, so none of it happened:
                // each answer is written alone, so one bad answer fails only
                // its own request.
                Err(e) => tracing::warn!(error = %e, "a batch of votes failed; writing each alone"),
            }
        }
        for job in batch {
            let written = write_alone(&db, job.answer.alone).await;
            job.done.send(written).ok();
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

async fn write_alone(db: &DatabaseConnection, statement: Statement) -> Result<bool> {
    let found = db.query_one_raw(statement).await?;
    let inserted: i64 = found
        .map(|r| r.try_get("", "inserted"))
        .transpose()?
        .unwrap_or(0);
    Ok(inserted == 1)
}

/// The ids of the responses written.
async fn write_together(db: &DatabaseConnection, batch: &[Job]) -> Result<HashSet<Uuid>> {
    let answers: Vec<&NewAnswer> = batch.iter().map(|j| &j.answer).collect();
    let rows = db
        .query_all_raw((batch[0].answer.together)(&answers)?)
        .await?;
    rows.iter()
        .map(|r| r.try_get::<Uuid>("", "id").map_err(Error::from))
        .collect()
}
