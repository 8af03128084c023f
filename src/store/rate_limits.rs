//! Rate-limit counters, in the database so that every instance counts the
//! same hits: one upsert per limited request.

use sea_orm::{ConnectionTrait, Statement};

use super::Store;
use crate::error::Result;

/// Counts a hit in a bucket's window and returns the window's hits so far.
const HIT: &str = "
INSERT INTO rate_limit (bucket, window_start, hits) VALUES ($1, $2, 1)
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit.hits + 1
RETURNING hits";

impl Store {
    /// One more hit for `bucket` in the window starting at `window_start`
    /// (seconds since the epoch); the window's hits, this one included.
    #[tracing::instrument(skip(self), level = "debug")]
    pub async fn rate_limit_hit(&self, bucket: &str, window_start: i64) -> Result<i64> {
        let db = &self.write;
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                HIT,
                [bucket.into(), window_start.into()],
            ))
            .await?
            .ok_or_else(|| anyhow::anyhow!("the rate-limit upsert returned no row"))?;
        let hits: i32 = row.try_get("", "hits")?;
        Ok(hits.into())
    }

    /// Forgets windows that started before `before`.
    #[tracing::instrument(name = "store.prune_rate_limits", skip_all)]
    pub async fn prune_rate_limits(&self, before: i64) -> Result<u64> {
        let db = &self.write;
        let done = db
            .execute_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                "DELETE FROM rate_limit WHERE window_start < $1",
                [before.into()],
            ))
            .await?;
        Ok(done.rows_affected())
    }
}
