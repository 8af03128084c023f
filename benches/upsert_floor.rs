//! The floor vote throughput is compared to: how many single-row upserts a
//! second the database takes through sqlx (the driver under sea-orm), from
//! 32 concurrent tasks, on the pool settings the service itself uses (SQLite:
//! one writer, WAL, synchronous=NORMAL; PostgreSQL: 24 connections, every
//! statement its own committed transaction). No HTTP, no parsing, no
//! checks: what is left when a vote costs nothing but its write.
//!
//!     cargo bench --bench upsert_floor -- sqlite:///tmp/floor.db 5
//!     cargo bench --bench upsert_floor -- postgres://postgres@127.0.0.1:5432/floor 5
//!
//! Prints one line: `upserts/s=N`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sea_orm::sqlx::{self, Executor};

const UPSERT: &str = "INSERT INTO floor (k, v) VALUES ($1, 1) \
                      ON CONFLICT (k) DO UPDATE SET v = floor.v + 1";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // `cargo bench` passes `--bench` first; skip flags.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let url = args
        .first()
        .cloned()
        .unwrap_or_else(|| "sqlite::memory:".into());
    let seconds: u64 = args.get(1).map(|s| s.parse()).transpose()?.unwrap_or(5);
    let rate = if url.starts_with("sqlite:") {
        use sqlx::sqlite::{
            SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
        };
        use std::str::FromStr;
        let opts = SqliteConnectOptions::from_str(&url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(opts)
            .await?;
        pool.execute("DROP TABLE IF EXISTS floor").await?;
        pool.execute("CREATE TABLE floor (k INTEGER PRIMARY KEY, v INTEGER NOT NULL)")
            .await?;
        run(seconds, move |k| {
            let pool = pool.clone();
            async move {
                sqlx::query(UPSERT).bind(k as i64).execute(&pool).await?;
                Ok(())
            }
        })
        .await?
    } else {
        use sqlx::postgres::PgPoolOptions;
        let pool = PgPoolOptions::new()
            .max_connections(24)
            .connect(&url)
            .await?;
        pool.execute("DROP TABLE IF EXISTS floor").await?;
        pool.execute("CREATE TABLE floor (k BIGINT PRIMARY KEY, v BIGINT NOT NULL)")
            .await?;
        run(seconds, move |k| {
            let pool = pool.clone();
            async move {
                sqlx::query(UPSERT).bind(k as i64).execute(&pool).await?;
                Ok(())
            }
        })
        .await?
    };
    println!("upserts/s={rate:.0}");
    Ok(())
}

/// Runs `TASKS` tasks, each upserting fresh keys (every write a new row, as
/// every vote of the benchmark is a new voter) until `seconds` pass.
async fn run<F, Fut>(seconds: u64, upsert: F) -> anyhow::Result<f64>
where
    F: Fn(u64) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
{
    // FLOOR_TASKS varies the concurrency (32 is the vote benchmark's).
    let tasks_wanted: u64 = std::env::var("FLOOR_TASKS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(32);
    let done = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let until = start + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for t in 0..tasks_wanted {
        let upsert = upsert.clone();
        let done = done.clone();
        tasks.push(tokio::spawn(async move {
            let mut k = t;
            while Instant::now() < until {
                upsert(k).await?;
                done.fetch_add(1, Ordering::Relaxed);
                k += tasks_wanted;
            }
            anyhow::Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64())
}
