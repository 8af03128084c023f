//! An option's time as stored — a kind, and dates or UTC instants — read
//! back as a [`Slot`]: by the polls' queries, and by the busy marks, which
//! must not read whole polls (the polls' store writes marks).

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, Statement};
use uuid::Uuid;

use crate::domain::time::{Slot, Zone};
use crate::error::Result;

/// An option's slot from its stored columns.
pub(super) fn slot_of(
    id: Uuid,
    kind: &str,
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
    start_utc: Option<DateTime<Utc>>,
    end_utc: Option<DateTime<Utc>>,
) -> Result<Slot> {
    match (kind, start_date, end_date, start_utc, end_utc) {
        ("all_day", Some(start), Some(end), _, _) => Ok(Slot::AllDay { start, end }),
        ("timed", _, _, Some(start), Some(end)) => Ok(Slot::Timed { start, end }),
        _ => Err(anyhow::anyhow!("option {id} has an unreadable slot").into()),
    }
}

/// A poll's zone and its options' slots (none for no such poll).
pub(super) async fn option_slots(
    db: &impl ConnectionTrait,
    poll_id: Uuid,
) -> Result<Option<(Tz, Vec<(Uuid, Slot)>)>> {
    let backend = db.get_database_backend();
    let Some(poll) = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            "SELECT time_zone FROM poll WHERE id = $1",
            [poll_id.into()],
        ))
        .await?
    else {
        return Ok(None);
    };
    let zone: String = poll.try_get("", "time_zone")?;
    let zone = Zone::parse(&zone).map_or(Tz::UTC, Zone::tz);
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            "SELECT id, kind, start_date, end_date, start_utc, end_utc FROM poll_option \
             WHERE poll_id = $1 ORDER BY position, id",
            [poll_id.into()],
        ))
        .await?;
    let slots = rows
        .iter()
        .map(|r| {
            let id: Uuid = r.try_get("", "id")?;
            let slot = slot_of(
                id,
                &r.try_get::<String>("", "kind")?,
                r.try_get("", "start_date")?,
                r.try_get("", "end_date")?,
                r.try_get("", "start_utc")?,
                r.try_get("", "end_utc")?,
            )?;
            Ok((id, slot))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some((zone, slots)))
}
