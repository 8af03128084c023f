//! Aggregates for results, read from the running tallies: a fixed number of
//! rows per option, however many people answered.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, Statement};
use uuid::Uuid;

use super::Store;
use super::polls::{poll_and_options_columns, poll_from_rows};
use crate::domain::poll::Poll;
use crate::domain::standing::{Standing, Tallies};
use crate::error::Result;

/// A poll, its options and every count, in one round trip: the poll and
/// option columns, plus each option's summed shards
/// (`t_*`) and the number of responses.
const POLL_WITH_TALLIES: &str = concat!(
    poll_and_options_columns!(),
    r#",
       t.yes AS t_yes, t.if_need_be AS t_if_need_be, t."no" AS t_no,
       (SELECT CAST(SUM(responses) AS BIGINT) FROM poll_tally WHERE poll_id = $1) AS t_responses
FROM poll p
LEFT JOIN poll_option o ON o.poll_id = p.id
LEFT JOIN (
    SELECT option_id,
           CAST(SUM(yes) AS BIGINT) AS yes,
           CAST(SUM(if_need_be) AS BIGINT) AS if_need_be,
           CAST(SUM("no") AS BIGINT) AS "no"
    FROM option_tally WHERE poll_id = $1 GROUP BY option_id
) t ON t.option_id = o.id
WHERE p.id = $1
ORDER BY o.position, o.id"#
);

impl Store {
    /// A poll's standing from its counts: the roster (one row per invited
    /// member; none for an open poll without invitations) and, when someone
    /// is required, the required members' availability per option, counted
    /// in the database. Open respondents' votes are never read.
    #[tracing::instrument(name = "store.standing", skip_all)]
    pub async fn standing(&self, poll: Poll, tallies: Tallies) -> Result<Standing> {
        let poll_id = poll.id;
        let roster = self.roster(poll_id).await?;
        let required_available = if roster.iter().any(|i| i.required) {
            self.required_available(poll_id).await?
        } else {
            HashMap::new()
        };
        Ok(Standing {
            poll,
            tallies,
            roster,
            required_available,
        })
    }

    /// A poll with its counts, for results.
    #[tracing::instrument(name = "store.poll_with_tallies", skip_all, fields(poll_id = %poll_id))]
    pub async fn poll_with_tallies(&self, poll_id: Uuid) -> Result<Option<(Poll, Tallies)>> {
        let db = self.read();
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                POLL_WITH_TALLIES,
                [poll_id.into()],
            ))
            .await?;
        let Some(poll) = poll_from_rows(&rows)? else {
            return Ok(None);
        };
        let mut tallies = Tallies::default();
        for row in &rows {
            let count = |col: &str| -> Result<i64> {
                Ok(row.try_get::<Option<i64>>("", col)?.unwrap_or(0))
            };
            tallies.responses = count("t_responses")?;
            if let Some(option) = row.try_get::<Option<Uuid>>("", "o_id")? {
                tallies.options.insert(
                    option,
                    [count("t_yes")?, count("t_if_need_be")?, count("t_no")?],
                );
            }
        }
        Ok(Some((poll, tallies)))
    }
}
