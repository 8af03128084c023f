//! Aggregates for results, read from the running tallies: a fixed number of
//! rows per option, however many people answered.

use sea_orm::{ConnectionTrait, FromQueryResult, Statement};
use uuid::Uuid;

use super::Store;
use super::polls::{poll_from_rows, poll_then_options, to_poll};
use crate::domain::poll::Poll;
use crate::domain::standing::{Standing, Tallies};
use crate::entity::poll as poll_row;
use crate::error::Result;

/// A poll, its options and every count, in one round trip: the poll's row
/// with the number of responses (`t_responses`) and of changes to the
/// results (`t_changes`, migration 14), then each option's row with its
/// summed shards (`t_*`): its choices and attendance modes, its days
/// (`date=yes/if need be/no`, comma-separated: a few rows per option and
/// day summed in the database) and its seats.
static POLL_WITH_TALLIES: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    poll_then_options(
        ",
       NULL AS t_yes, NULL AS t_if_need_be, NULL AS t_no, NULL AS t_required,
       NULL AS t_in_person, NULL AS t_online, NULL AS t_days, NULL AS t_capacity,
       NULL AS t_taken, NULL AS t_waiting,
       (SELECT CAST(SUM(responses) AS BIGINT) FROM poll_tally WHERE poll_id = $1) AS t_responses,
       (SELECT CAST(SUM(changes) AS BIGINT) FROM poll_tally WHERE poll_id = $1) AS t_changes",
        r#", t.yes, t.if_need_be, t."no", t.required, t.in_person, t.online, d.days,
       s.capacity, s.taken, s.waiting, NULL, NULL"#,
        r#"LEFT JOIN (
    SELECT option_id,
           CAST(SUM(yes) AS BIGINT) AS yes,
           CAST(SUM(if_need_be) AS BIGINT) AS if_need_be,
           CAST(SUM("no") AS BIGINT) AS "no",
           CAST(SUM(required_available) AS BIGINT) AS required,
           CAST(SUM(in_person) AS BIGINT) AS in_person,
           CAST(SUM(online) AS BIGINT) AS online
    FROM option_tally WHERE poll_id = $1 GROUP BY option_id
) t ON t.option_id = o.id
LEFT JOIN (
    SELECT option_id,
           string_agg(CAST(day AS TEXT) || '=' || CAST(y AS TEXT) || '/' || CAST(i AS TEXT)
                      || '/' || CAST(n AS TEXT), ',') AS days
    FROM (SELECT option_id, day, SUM(yes) AS y, SUM(if_need_be) AS i, SUM("no") AS n
          FROM day_tally WHERE poll_id = $1 GROUP BY option_id, day) dd
    GROUP BY option_id
) d ON d.option_id = o.id
LEFT JOIN option_seat s ON s.option_id = o.id"#,
    )
});

/// A poll's own row and its count of changes to the results: what the
/// results' ETag is made of, by key and one index range (16 tally shards
/// at most), without options, tallies or roster.
const RESULTS_HEAD: &str = "SELECT p.*,
       (SELECT CAST(COALESCE(SUM(changes), 0) AS BIGINT) FROM poll_tally WHERE poll_id = $1)
         AS t_changes
FROM poll p WHERE p.id = $1";

impl Store {
    /// A poll (without its options) and its count of changes to the
    /// results, for checking a client's copy of the results.
    #[tracing::instrument(name = "store.results_head", skip_all, fields(poll_id = %poll_id))]
    pub async fn results_head(&self, poll_id: Uuid) -> Result<Option<(Poll, i64)>> {
        let db = self.read();
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                RESULTS_HEAD,
                [poll_id.into()],
            ))
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let changes: i64 = row.try_get("", "t_changes")?;
        let poll = to_poll(poll_row::Model::from_query_result(&row, "")?, Vec::new())?;
        Ok(Some((poll, changes)))
    }

    /// A poll's standing from its counts (which carry the required members'
    /// availability, see [`POLL_WITH_TALLIES`]) and the roster's summary
    /// (`named`: with the first members of each list, for a reader who sees
    /// them by name). Open respondents' votes are never read.
    #[tracing::instrument(name = "store.standing", skip_all)]
    pub async fn standing(&self, poll: Poll, tallies: Tallies, named: bool) -> Result<Standing> {
        let poll_id = poll.id;
        let slots: Vec<_> = poll.options.iter().map(|o| o.slot).collect();
        let roster = self.roster_summary(poll_id, &slots, named).await?;
        Ok(Standing {
            poll,
            tallies,
            roster,
        })
    }

    /// A poll with its counts, for results.
    #[tracing::instrument(name = "store.poll_with_tallies", skip_all, fields(poll_id = %poll_id))]
    pub async fn poll_with_tallies(&self, poll_id: Uuid) -> Result<Option<(Poll, Tallies)>> {
        let db = self.read();
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                POLL_WITH_TALLIES.as_str(),
                [poll_id.into()],
            ))
            .await?;
        let Some(poll) = poll_from_rows(&rows)? else {
            return Ok(None);
        };
        let count = |row: &sea_orm::QueryResult, col: &str| -> Result<i64> {
            Ok(row.try_get::<Option<i64>>("", col)?.unwrap_or(0))
        };
        let mut tallies = Tallies {
            responses: count(&rows[0], "t_responses")?,
            changes: count(&rows[0], "t_changes")?,
            ..Tallies::default()
        };
        for row in &rows[1..] {
            let count = |col: &str| count(row, col);
            if let Some(option) = row.try_get::<Option<Uuid>>("", "o_id")? {
                tallies.options.insert(
                    option,
                    [count("t_yes")?, count("t_if_need_be")?, count("t_no")?],
                );
                tallies.required.insert(option, count("t_required")?);
                if let Some(days) = row.try_get::<Option<String>>("", "t_days")? {
                    tallies.days.insert(option, parse_days(&days));
                }
                if let Some(capacity) = row.try_get::<Option<i64>>("", "t_capacity")? {
                    tallies
                        .seats
                        .insert(option, [capacity, count("t_taken")?, count("t_waiting")?]);
                }
                if poll.settings.attendance.is_hybrid() {
                    tallies
                        .attendance
                        .insert(option, [count("t_in_person")?, count("t_online")?]);
                }
            }
        }
        Ok(Some((poll, tallies)))
    }
}

/// The days column of [`POLL_WITH_TALLIES`]: `date=yes/if need be/no`,
/// comma-separated; an unreadable part is skipped.
fn parse_days(text: &str) -> std::collections::BTreeMap<chrono::NaiveDate, [i64; 3]> {
    text.split(',')
        .filter_map(|part| {
            let (day, counts) = part.split_once('=')?;
            let mut n = counts.split('/').map(|c| c.parse::<i64>().ok());
            Some((day.parse().ok()?, [n.next()??, n.next()??, n.next()??]))
        })
        .collect()
}
