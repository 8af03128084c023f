//! Aggregates for results, read from the running tallies: a fixed number of
//! rows per option, however many people answered.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, Statement, sea_query::Expr};
use uuid::Uuid;

use super::Store;
use crate::error::Result;

/// Counts for one poll.
#[derive(Debug, Clone, Default)]
pub struct Tallies {
    pub responses: i64,
    /// Per option: yes, if need be, no.
    pub options: HashMap<Uuid, [i64; 3]>,
}

/// `SUM` as a 64-bit integer on every backend (PostgreSQL widens a bigint
/// sum to numeric otherwise).
pub(super) fn sum(column: &str) -> Expr {
    Expr::cust(format!(r#"CAST(SUM("{column}") AS BIGINT)"#))
}

/// Every count of a poll in one round trip: one row per option with votes,
/// and one row (option_id NULL) with the number of responses.
const TALLIES: &str = r#"
SELECT option_id,
       CAST(SUM(yes) AS BIGINT) AS yes,
       CAST(SUM(if_need_be) AS BIGINT) AS if_need_be,
       CAST(SUM("no") AS BIGINT) AS "no"
FROM option_tally WHERE poll_id = $1 GROUP BY option_id
UNION ALL
SELECT NULL, CAST(SUM(responses) AS BIGINT), 0, 0 FROM poll_tally WHERE poll_id = $1"#;

impl Store {
    pub async fn tallies(&self, poll_id: Uuid) -> Result<Tallies> {
        let db = self.read();
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(db.get_database_backend(), TALLIES, [poll_id.into()]))
            .await?;
        let mut tallies = Tallies::default();
        for row in rows {
            let count = |col: &str| -> Result<i64> { Ok(row.try_get::<Option<i64>>("", col)?.unwrap_or(0)) };
            match row.try_get::<Option<Uuid>>("", "option_id")? {
                Some(option) => {
                    tallies.options.insert(option, [count("yes")?, count("if_need_be")?, count("no")?]);
                }
                None => tallies.responses = count("yes")?,
            }
        }
        Ok(tallies)
    }
}
