//! Storage: connections, migrations, and every query and transaction the
//! service runs, over sea-orm. Handlers never build SQL; they call functions
//! here, which return domain-shaped values.

pub mod ballots;
pub mod calendars;
pub mod export;
pub mod feeds;
pub mod group_commit;
pub mod groups;
pub mod history;
pub mod invitations;
pub mod mailing;
mod names_cache;
pub mod oidc;
pub mod organisers;
pub mod outbox;
pub mod overview;
pub mod poll_cache;
pub mod polls;
pub mod rate_limits;
pub mod responses;
pub mod results;
pub mod roster;
mod seats;
pub mod sessions;
mod slots;
mod vote_batch;
mod vote_sql;
pub mod webhooks;
pub mod workspaces;

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, TransactionTrait,
};

use crate::error::{Error, Result};

/// Number of tally shards per option on PostgreSQL. Concurrent voters
/// update different rows unless they land on the same shard, so hot polls
/// do not serialise on one row lock; reading results sums `options ×
/// SHARDS` rows.
pub const SHARDS: i16 = 16;

/// The database, as a pool for reads and one for writes.
///
/// SQLite allows one writer at a time; sharing a single write connection makes
/// writers queue inside the process instead of failing with "database is
/// locked" (a deferred transaction that upgrades to a write can fail at once,
/// busy timeout or not). PostgreSQL uses one pool for both.
#[derive(Clone)]
pub struct Store {
    read: DatabaseConnection,
    write: DatabaseConnection,
    /// Read from the database once, on first use (see `link_key`).
    link_key: std::sync::Arc<tokio::sync::OnceCell<crate::domain::token::LinkKey>>,
    /// SQLite only: new answers committed together (`group_commit`).
    group_commit: Option<group_commit::GroupCommit>,
    /// PostgreSQL only: new answers written several to a statement
    /// (`vote_batch`).
    vote_batch: Option<vote_batch::VoteBatch>,
    poll_cache: std::sync::Arc<poll_cache::PollCache>,
    names_cache: std::sync::Arc<names_cache::NamesCache>,
}

impl Store {
    #[tracing::instrument(name = "store.connect", skip_all)]
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            let read = sqlite_pool(url, 8).await?;
            let write = sqlite_pool(url, 1).await?;
            tokio::spawn(checkpoint_sqlite(read.clone()));
            Ok(Store {
                read,
                group_commit: Some(group_commit::GroupCommit::start(write.clone())),
                vote_batch: None,
                write,
                link_key: Default::default(),
                poll_cache: Default::default(),
                names_cache: Default::default(),
            })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let mut opts = ConnectOptions::new(url);
            // A ping before every checkout would be a round trip per query,
            // twice per vote. Only a connection that sat idle is pinged: a
            // server restart kills every idle connection, and without the
            // ping each would fail its next query. A busy connection cut by
            // a restart fails its one statement, which transactions retry
            // (see `settle`). Waiting longer than a few seconds for a
            // connection means the database is down or swamped: answer 503.
            opts.max_connections(24)
                .min_connections(2)
                // No JIT: our statements are short lookups, but a plan
                // whose estimate crosses jit_above_cost (the feed stamp's
                // group branch does, by its correlated subquery) is
                // compiled on every execution: 64 ms per feed request with
                // 5,000 invitations, seconds with 25,000 (bench/scale.sh).
                // Generic plans: every statement is prepared once per
                // connection, but PostgreSQL re-plans a prepared statement
                // for each execution's values while it thinks that pays —
                // 0.4 ms of a poll read's 0.6 ms, 0.9 ms of naming a
                // roster's members (bench/scale.sh). Our statements' plans
                // do not hinge on the values (keys and index ranges, shaped
                // not to depend on fresh statistics).
                .map_sqlx_postgres_opts(|o| {
                    o.options([("jit", "off"), ("plan_cache_mode", "force_generic_plan")])
                })
                .test_before_acquire_if_idle_for(Duration::from_secs(1))
                .map_sqlx_postgres_before_acquire(|conn, _| {
                    // Right after a cut connection, the pool's other ones
                    // were likely cut too, however recently used: check each
                    // before handing it out, until the trouble is past.
                    Box::pin(async move {
                        if connection_trouble_recent() {
                            sea_orm::sqlx::Connection::ping(conn).await?;
                        }
                        Ok(true)
                    })
                })
                .acquire_timeout(Duration::from_secs(5))
                .connect_timeout(Duration::from_secs(5))
                .sqlx_logging(false);
            let pool = Database::connect(opts)
                .await
                .context("connecting to PostgreSQL")?;
            Ok(Store {
                read: pool.clone(),
                vote_batch: Some(vote_batch::VoteBatch::start(pool.clone())),
                write: pool,
                link_key: Default::default(),
                group_commit: None,
                poll_cache: Default::default(),
                names_cache: Default::default(),
            })
        } else {
            anyhow::bail!(
                "unsupported database URL {:?}: use sqlite://FILE or postgres://…",
                redact(url)
            )
        }
    }

    /// The tally shard a new response counts in. SQLite has one writer at a
    /// time, so spreading counts buys nothing there and would only make
    /// every read of results sum more rows: one shard. (Reads sum whatever
    /// shards exist, so either way of writing reads back the same.)
    pub(crate) fn new_shard(&self) -> i16 {
        use rand::Rng;
        match self.backend() {
            DbBackend::Postgres => rand::rng().random_range(0..SHARDS),
            _ => 0,
        }
    }

    pub fn backend(&self) -> DbBackend {
        self.write.get_database_backend()
    }

    pub fn read(&self) -> &DatabaseConnection {
        &self.read
    }

    /// Applies pending migrations, once, even when several instances (or
    /// processes on one SQLite file) start together: on PostgreSQL they take
    /// turns on an advisory lock, on SQLite on the database's write lock.
    #[tracing::instrument(name = "store.migrate", skip_all)]
    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self.backend() {
            DbBackend::Postgres => {
                // The lock belongs to a session, so take it on one connection
                // held for the whole run.
                let txn = self.write.begin().await?;
                txn.execute_unprepared("SELECT pg_advisory_xact_lock(7411)")
                    .await
                    .context("waiting for the migration lock")?;
                Migrator::up(&txn, None)
                    .await
                    .context("applying migrations")?;
                txn.commit().await?;
            }
            _ => {
                // The write pool has exactly one connection, so these
                // statements share it: BEGIN IMMEDIATE takes the write lock
                // first (waiting out the busy timeout for another process),
                // and the migrator then sees what the winner applied.
                self.write
                    .execute_unprepared("BEGIN IMMEDIATE")
                    .await
                    .context("waiting for the database write lock")?;
                match Migrator::up(&self.write, None).await {
                    Ok(()) => {
                        self.write.execute_unprepared("COMMIT").await?;
                    }
                    Err(e) => {
                        self.write.execute_unprepared("ROLLBACK").await.ok();
                        return Err(anyhow::Error::new(e).context("applying migrations"));
                    }
                }
            }
        }
        Ok(())
    }

    /// How many polls there are of each stored status (for metrics).
    #[tracing::instrument(name = "store.poll_counts_by_status", skip_all)]
    pub async fn poll_counts_by_status(&self) -> Result<Vec<(String, i64)>> {
        use sea_orm::{EntityTrait, QuerySelect};
        let rows: Vec<(String, i64)> = crate::entity::poll::Entity::find()
            .select_only()
            .column(crate::entity::poll::Column::Status)
            .column_as(sea_orm::sea_query::Expr::cust("COUNT(*)"), "n")
            .group_by(crate::entity::poll::Column::Status)
            .into_tuple()
            .all(&self.read)
            .await?;
        Ok(rows)
    }

    /// Each pool's size and idle connections (for metrics).
    pub fn pool_state(&self) -> Vec<(&'static str, u32, usize)> {
        let pools = if self.backend() == DbBackend::Postgres {
            vec![("postgres", &self.write)]
        } else {
            vec![("sqlite_read", &self.read), ("sqlite_write", &self.write)]
        };
        pools
            .into_iter()
            .filter_map(|(name, db)| match &db.inner {
                sea_orm::DatabaseConnectionType::SqlxPostgresPoolConnection(_) => {
                    let pool = db.get_postgres_connection_pool();
                    Some((name, pool.size(), pool.num_idle()))
                }
                sea_orm::DatabaseConnectionType::SqlxSqlitePoolConnection(_) => {
                    let pool = db.get_sqlite_connection_pool();
                    Some((name, pool.size(), pool.num_idle()))
                }
                _ => None,
            })
            .collect()
    }

    /// Whether the database answers and every migration is applied.
    #[tracing::instrument(name = "store.ready", skip_all)]
    pub async fn ready(&self) -> anyhow::Result<()> {
        // A connection cut since its last use fails once and is dropped;
        // the second try takes a fresh one. Readiness is about the database,
        // not about one stale connection.
        match self.check_ready().await {
            Err(e) if error_is_unavailable(&e) => self.check_ready().await,
            other => other,
        }
    }

    async fn check_ready(&self) -> anyhow::Result<()> {
        let pending = Migrator::get_pending_migrations(&self.read).await?;
        anyhow::ensure!(pending.is_empty(), "{} migrations pending", pending.len());
        Ok(())
    }

    /// Starts a write transaction; use through [`transaction!`].
    #[tracing::instrument(name = "store.begin", skip_all)]
    pub(crate) async fn begin(&self) -> Result<DatabaseTransaction> {
        Ok(self.write.begin().await?)
    }
}

// How database failures become the service's errors lives here, beside the
// pool whose trouble they note, so that error.rs knows nothing of storage.
impl From<sea_orm::DbErr> for Error {
    fn from(err: sea_orm::DbErr) -> Self {
        if is_unavailable(&err) {
            tracing::warn!(error = %err, "database unavailable");
            Error::Unavailable("the database is unavailable for a moment: try again shortly".into())
        } else {
            Error::Internal(anyhow::Error::new(err))
        }
    }
}

impl Error {
    /// Whether this failure is the database being unreachable, however it
    /// was wrapped on the way up.
    pub fn is_unavailable(&self) -> bool {
        match self {
            Error::Unavailable(_) => true,
            Error::Internal(e) => e.chain().any(|cause| {
                cause
                    .downcast_ref::<sea_orm::DbErr>()
                    .is_some_and(is_unavailable)
            }),
            _ => false,
        }
    }
}

/// How often a transaction is tried before its failure is the answer.
pub(crate) const ATTEMPTS: u32 = 4;

/// What to do with a finished transaction body.
pub(crate) enum Settled<T> {
    Retry,
    Done(Result<T>),
}

/// Commits on success, rolls back on failure. On PostgreSQL a deadlock or
/// serialisation failure is worth a retry: it means another writer won, not
/// that the request was wrong.
pub(crate) async fn settle<T>(
    txn: DatabaseTransaction,
    outcome: Result<T>,
    attempt: u32,
) -> Settled<T> {
    match outcome {
        Ok(value) => match txn.commit().await {
            Ok(()) => Settled::Done(Ok(value)),
            Err(e) if attempt < ATTEMPTS && is_retryable(&e) => Settled::Retry,
            Err(e) => Settled::Done(Err(e.into())),
        },
        // The connection broke before the commit was sent (a restart, a cut
        // connection): the server rolled the transaction back, so running it
        // again on another connection is safe. A failed commit is not
        // retried: it may have been applied.
        Err(err) if attempt < ATTEMPTS && err.is_unavailable() => {
            txn.rollback().await.ok();
            tokio::time::sleep(Duration::from_millis(50 * u64::from(attempt))).await;
            Settled::Retry
        }
        Err(err) => {
            txn.rollback().await.ok();
            match err {
                Error::Internal(e)
                    if attempt < ATTEMPTS
                        && e.downcast_ref::<DbErr>().is_some_and(is_retryable) =>
                {
                    Settled::Retry
                }
                other => Settled::Done(Err(other)),
            }
        }
    }
}

/// Runs a block in one write transaction: `transaction!(store, txn => { … })`.
/// The block is the body of an async block, so `?` inside it rolls back.
/// (A macro rather than a closure-taking function: async closures borrowing
/// the transaction are not yet `Send` for every lifetime, which poem needs.)
macro_rules! transaction {
    ($store:expr, $txn:ident => $body:block) => {{
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let owned = match $store.begin().await {
                Ok(txn) => txn,
                // A stale connection fails its BEGIN; the pool drops it and
                // the next try gets another.
                Err(e) if attempt < $crate::store::ATTEMPTS && e.is_unavailable() => continue,
                Err(e) => break Err(e),
            };
            let $txn = &owned;
            let outcome: $crate::error::Result<_> = async { $body }.await;
            match $crate::store::settle(owned, outcome, attempt).await {
                $crate::store::Settled::Retry => continue,
                $crate::store::Settled::Done(result) => break result,
            }
        }
    }};
}
pub(crate) use transaction;

async fn sqlite_pool(url: &str, connections: u32) -> anyhow::Result<DatabaseConnection> {
    use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
    let mut opts = ConnectOptions::new(url);
    // A local file cannot go stale: skip sqlx's ping before each checkout
    // (a round trip to the connection's worker thread).
    opts.max_connections(connections)
        .min_connections(1)
        .test_before_acquire(false)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            // WAL lets readers run beside the writer. synchronous=NORMAL in
            // WAL mode keeps every committed transaction across a crash of the
            // process (only a power cut can lose the last commits).
            o.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                // Writers never checkpoint (a checkpoint's fsync would
                // stall the vote that triggered it); a background task does,
                // see `checkpoint_sqlite`.
                .pragma("wal_autocheckpoint", "0")
                // Each connection keeps a page cache of its own, so the
                // process's memory grows to nine of them: at 64 MiB each it
                // reached 155 MB after seeding 36,000 votes
                // (bench/scale.sh). 8 MiB (2,000 pages) holds the hot
                // upper levels of every index; anything else is one read
                // from the OS's file cache away.
                .pragma("cache_size", "-8192")
                .pragma("temp_store", "memory")
        });
    Database::connect(opts)
        .await
        .with_context(|| format!("opening SQLite database {url}"))
}

/// Moves the WAL into the database file once a second, from a reader
/// connection, so the writer never waits for it. PASSIVE never blocks
/// readers or the writer; whatever it cannot copy now it copies next time.
/// Ends when the pool closes.
async fn checkpoint_sqlite(db: DatabaseConnection) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        if let Err(e) = db
            .execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)")
            .await
        {
            if db.ping().await.is_err() {
                return;
            }
            tracing::warn!(error = %e, "SQLite checkpoint failed");
        }
    }
}

/// When a connection was last found cut (milliseconds since the epoch).
/// Process-wide: a restarted database cuts the connections of every pool.
static CONNECTION_TROUBLE_AT: AtomicI64 = AtomicI64::new(0);

/// Whether a connection was found cut in the last few seconds.
fn connection_trouble_recent() -> bool {
    let at = CONNECTION_TROUBLE_AT.load(Ordering::Relaxed);
    at != 0 && chrono::Utc::now().timestamp_millis() - at < 5_000
}

/// Whether a database error means the database could not be reached: down,
/// restarting, or the connection was cut under the query. Such a request may
/// succeed if sent again shortly (503), unlike a bug (500). A yes is also
/// noted, so that for a few seconds the pool checks each connection before
/// handing it out.
pub fn is_unavailable(err: &DbErr) -> bool {
    let unavailable = classify_unavailable(err);
    if unavailable {
        CONNECTION_TROUBLE_AT.store(chrono::Utc::now().timestamp_millis(), Ordering::Relaxed);
    }
    unavailable
}

fn classify_unavailable(err: &DbErr) -> bool {
    use sea_orm::{RuntimeErr, sqlx};
    let e = match err {
        DbErr::ConnectionAcquire(_) => return true,
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => e,
        _ => return false,
    };
    match e.as_ref() {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        // Class 08: connection exceptions; 57P0x: the server is shutting
        // down or starting up; SQLite 5: busy past the busy timeout.
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|c| c.starts_with("08") || c.starts_with("57P0") || c == "5"),
        _ => matches!(err, DbErr::Conn(_)),
    }
}

fn error_is_unavailable(err: &anyhow::Error) -> bool {
    err.chain()
        .any(|c| c.downcast_ref::<DbErr>().is_some_and(is_unavailable))
}

fn is_retryable(err: &DbErr) -> bool {
    let text = err.to_string();
    // 40P01 deadlock_detected, 40001 serialization_failure.
    text.contains("deadlock detected") || text.contains("could not serialize access")
}

/// `SUM` as a 64-bit integer on every backend (PostgreSQL widens a bigint
/// sum to numeric otherwise).
pub(crate) fn sum(column: &str) -> sea_orm::sea_query::Expr {
    sea_orm::sea_query::Expr::cust(format!(r#"CAST(SUM("{column}") AS BIGINT)"#))
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Whether a database error is a unique-constraint violation, the one
/// constraint failure a client can cause and fix.
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            super::redact("postgres://app:s3cret@db:5432/convene"),
            "postgres://app:***@db:5432/convene"
        );
        assert_eq!(super::redact("sqlite://convene.db"), "sqlite://convene.db");
    }
}
