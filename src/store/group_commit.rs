//! Group commit of new answers on SQLite: answers that arrive while the
//! writer is busy are written together in one transaction, and each voter
//! hears back only after that transaction has committed.
//!
//! Why: a commit writes every page the transaction dirtied to the WAL in
//! full, and a vote dirties about ten (the response and its indexes, the
//! votes, two tally rows, the history). perf showed the WAL writes of those
//! commits as a quarter of the writer's time, and each vote also paid its
//! own BEGIN and COMMIT trips to the connection's thread. Votes committed
//! together share the pages (the same tally rows, the same leaf of each
//! index) and the trips. A lone vote waits for nothing: a batch is what
//! queued while the previous one was being written, at most [`MAX_BATCH`].
//!
//! PostgreSQL's connections commit in parallel and it groups their WAL
//! flushes itself; there, answers that queue share a statement instead
//! (`vote_batch`).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use sea_orm::{DatabaseConnection, DatabaseTransaction, TransactionTrait};
use tokio::sync::{mpsc, oneshot};

use crate::error::{Error, Result};

/// At most this many answers per transaction: enough to share the pages,
/// few enough that a batch's commit stays short.
const MAX_BATCH: usize = 64;

/// One write to run in a shared transaction; it may run twice (once in a
/// batch that failed on another write and was rolled back, then alone), so
/// it only reads what it was given. Returns whether it wrote.
pub(super) type Write = Arc<
    dyn Fn(&DatabaseTransaction) -> Pin<Box<dyn Future<Output = Result<bool>> + Send + '_>>
        + Send
        + Sync,
>;

struct Job {
    write: Write,
    done: oneshot::Sender<Result<bool>>,
}

/// The handle writes are sent through; the writer task ends when every
/// handle is gone.
#[derive(Clone)]
pub(super) struct GroupCommit {
    jobs: mpsc::Sender<Job>,
}

impl GroupCommit {
    pub(super) fn start(write: DatabaseConnection) -> Self {
        let (jobs, queue) = mpsc::channel(1024);
        tokio::spawn(run(write, queue));
        GroupCommit { jobs }
    }

    /// Runs `write` in the next batch; returns once it is committed.
    pub(super) async fn run(&self, write: Write) -> Result<bool> {
        let (done, outcome) = oneshot::channel();
        let gone = || Error::Internal(anyhow::anyhow!("the group-commit writer stopped"));
        self.jobs
            .send(Job { write, done })
            .await
            .map_err(|_| gone())?;
        outcome.await.map_err(|_| gone())?
    }
}

/// The next batch: waits for one job, then takes what else has queued,
/// up to `most` in all; `None` once every sender is gone. Shared with
/// `vote_batch`.
pub(super) async fn next_batch<T>(queue: &mut mpsc::Receiver<T>, most: usize) -> Option<Vec<T>> {
    let first = queue.recv().await?;
    let mut batch = vec![first];
    while batch.len() < most {
        match queue.try_recv() {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
    }
    Some(batch)
}

async fn run(db: DatabaseConnection, mut queue: mpsc::Receiver<Job>) {
    while let Some(batch) = next_batch(&mut queue, MAX_BATCH).await {
        match commit(&db, &batch).await {
            Ok(outcomes) => {
                for (job, outcome) in batch.into_iter().zip(outcomes) {
                    job.done.send(Ok(outcome)).ok();
                }
            }
            // One write failed and the transaction was rolled back before
            // its commit: nothing of the batch happened. Each runs alone,
            // so one bad write fails only its own request.
            Err(Failure::Write(_)) if batch.len() > 1 => {
                for job in batch {
                    let alone = commit(&db, std::slice::from_ref(&job)).await;
                    job.done
                        .send(alone.map(|o| o[0]).map_err(Failure::into_error))
                        .ok();
                }
            }
            Err(failure) => {
                let error = failure.into_error();
                for job in batch {
                    job.done.send(Err(same(&error))).ok();
                }
            }
        }
    }
}

enum Failure {
    /// A write failed; the transaction was rolled back.
    Write(Error),
    /// BEGIN or COMMIT failed. A failed COMMIT is not retried, since it may
    /// have been applied (as `store::settle` does for every transaction).
    Transaction(Error),
}

impl Failure {
    fn into_error(self) -> Error {
        match self {
            Failure::Write(e) | Failure::Transaction(e) => e,
        }
    }
}

/// Runs `batch` in one transaction: what each write returned, once
/// committed.
async fn commit(db: &DatabaseConnection, batch: &[Job]) -> std::result::Result<Vec<bool>, Failure> {
    let txn = db
        .begin()
        .await
        .map_err(|e| Failure::Transaction(e.into()))?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for job in batch {
        match (job.write)(&txn).await {
            Ok(wrote) => outcomes.push(wrote),
            Err(e) => {
                txn.rollback().await.ok();
                return Err(Failure::Write(e));
            }
        }
    }
    txn.commit()
        .await
        .map_err(|e| Failure::Transaction(e.into()))?;
    Ok(outcomes)
}

/// The same failure for every write of a batch whose BEGIN or COMMIT
/// failed; errors are not `Clone`, so each gets one of the same kind.
fn same(error: &Error) -> Error {
    match error {
        Error::Unavailable(why) => Error::Unavailable(why.clone()),
        e => Error::Internal(anyhow::anyhow!("{e}")),
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectOptions, ConnectionTrait, Database};

    use super::*;

    /// On a real SQLite database: fifty writes sent at once share
    /// transactions; the one that breaks a key fails alone, and every other
    /// is committed and acknowledged.
    #[tokio::test]
    async fn a_failing_write_fails_alone_and_the_rest_commit() {
        let mut opts = ConnectOptions::new("sqlite::memory:");
        opts.max_connections(1).min_connections(1);
        let db = Database::connect(opts).await.unwrap();
        db.execute_unprepared("CREATE TABLE t (k INTEGER PRIMARY KEY)")
            .await
            .unwrap();
        let group = GroupCommit::start(db.clone());
        let tasks: Vec<_> = (0..50)
            .map(|n| {
                let group = group.clone();
                // The last write repeats key 7.
                let key = if n == 49 { 7 } else { n };
                tokio::spawn(async move {
                    let write: Write = Arc::new(move |txn| {
                        Box::pin(async move {
                            txn.execute_unprepared(&format!("INSERT INTO t VALUES ({key})"))
                                .await?;
                            Ok(true)
                        })
                    });
                    group.run(write).await
                })
            })
            .collect();
        let mut committed = 0;
        let mut failed = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(true) => committed += 1,
                Ok(false) => panic!("every write wrote"),
                Err(_) => failed += 1,
            }
        }
        assert_eq!((committed, failed), (49, 1));
        let rows = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM t",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(rows.try_get::<i64>("", "n").unwrap(), 49);
    }
}
