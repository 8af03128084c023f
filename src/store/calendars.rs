//! Members' connected calendars and their busy intervals (migration 20).
//! One calendar per invitation or response; replacing it replaces its
//! intervals in the same transaction, and deleting it deletes them.
//!
//! Busy counts are kept as vote tallies are: beside the intervals, each
//! calendar has a mark per option it shows busy (migration 22), written in
//! the transaction that stores its intervals and rewritten in the one that
//! moves an option. The organiser's results count marks per option, so
//! reading them costs the same with 5,000 calendars as with none.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseTransaction, QueryResult, Statement,
    TransactionTrait, Value,
};
use uuid::Uuid;

use super::Store;
use super::slots::option_slots;
use crate::domain::freebusy::{Busy, options};
use crate::domain::time::Slot;
use crate::error::{Error, Result};

/// Whose calendar: an invited member's or an open respondent's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Invitation(Uuid),
    Response(Uuid),
}

impl Owner {
    fn column(self) -> &'static str {
        match self {
            Owner::Invitation(_) => "invitation_id",
            Owner::Response(_) => "response_id",
        }
    }

    fn id(self) -> Uuid {
        match self {
            Owner::Invitation(id) | Owner::Response(id) => id,
        }
    }
}

/// A connected calendar as stored (the address still sealed).
#[derive(Debug, Clone)]
pub struct MemberCalendar {
    pub id: Uuid,
    pub poll_id: Uuid,
    pub zone: String,
    pub source_host: Option<String>,
    pub address_sealed: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub read_at: Option<DateTime<Utc>>,
    pub checked_at: DateTime<Utc>,
    pub error: Option<String>,
}

fn calendar_from(row: &QueryResult) -> Result<MemberCalendar> {
    Ok(MemberCalendar {
        id: row.try_get("", "id")?,
        poll_id: row.try_get("", "poll_id")?,
        zone: row.try_get("", "zone")?,
        source_host: row.try_get("", "source_host")?,
        address_sealed: row.try_get("", "address_sealed")?,
        etag: row.try_get("", "etag")?,
        last_modified: row.try_get("", "last_modified")?,
        read_at: row.try_get("", "read_at")?,
        checked_at: row.try_get("", "checked_at")?,
        error: row.try_get("", "error")?,
    })
}

/// A calendar just read: what to store.
#[derive(Debug, Clone)]
pub struct Reading {
    pub zone: String,
    pub source_host: Option<String>,
    pub address_sealed: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub at: DateTime<Utc>,
}

const COLUMNS: &str = "id, poll_id, zone, source_host, address_sealed, etag, last_modified, \
                       read_at, checked_at, error";

async fn insert_busy(
    db: &impl ConnectionTrait,
    calendar_id: Uuid,
    poll_id: Uuid,
    busy: &[Busy],
) -> Result<()> {
    // A few hundred rows per statement keeps under SQLite's bound-value limit.
    for chunk in busy.chunks(200) {
        let mut sql = String::from(
            "INSERT INTO calendar_busy (calendar_id, poll_id, starts_at, ends_at) VALUES ",
        );
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 4);
        for (i, b) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            let n = i * 4;
            sql.push_str(&format!("(${}, ${}, ${}, ${})", n + 1, n + 2, n + 3, n + 4));
            values.extend([
                calendar_id.into(),
                poll_id.into(),
                b.start.into(),
                b.end.into(),
            ]);
        }
        db.execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            values,
        ))
        .await?;
    }
    Ok(())
}

/// Which marks to write again from the stored intervals.
#[derive(Debug, Clone, Copy)]
pub(super) enum Marks {
    /// One calendar's, for every option (its intervals just changed).
    Calendar(Uuid),
    /// One option's, for every calendar of the poll (its time just changed).
    Option(Uuid),
}

/// On PostgreSQL, holds the poll's row against option edits until the
/// transaction ends: an edit moves an option and rewrites its marks under
/// the row's lock (`bump_version`), so marks written here are computed from
/// options no edit is changing. SQLite has one writer at a time already.
async fn hold_poll(txn: &DatabaseTransaction, poll_id: Uuid) -> Result<()> {
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        txn.query_one_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT id FROM poll WHERE id = $1 FOR SHARE",
            [poll_id.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Writes the marks again: for each calendar in scope, one row per option
/// its intervals overlap, the option read as the member's day in their
/// zone (`options::span`). The one place busy counts are computed.
pub(super) async fn write_marks(
    txn: &DatabaseTransaction,
    poll_id: Uuid,
    which: Marks,
) -> Result<()> {
    let backend = txn.get_database_backend();
    let Some((poll_zone, slots)) = option_slots(txn, poll_id).await? else {
        return Ok(());
    };
    let (delete, rows) = match which {
        Marks::Calendar(id) => (
            "DELETE FROM calendar_option_busy WHERE calendar_id = $1",
            txn.query_all_raw(Statement::from_sql_and_values(
                backend,
                "SELECT c.id AS calendar_id, c.zone, b.starts_at, b.ends_at \
                 FROM member_calendar c JOIN calendar_busy b ON b.calendar_id = c.id \
                 WHERE c.id = $1 ORDER BY b.starts_at",
                [id.into()],
            ))
            .await?,
        ),
        Marks::Option(id) => {
            let Some((_, slot)) = slots.iter().find(|(o, _)| *o == id) else {
                return Ok(());
            };
            // Wide enough for the member's day in any zone (UTC-12 to
            // UTC+14); the exact span is applied per calendar below.
            let (lo, hi) = match *slot {
                Slot::Timed { start, end } => (start, end),
                Slot::AllDay { start, end } => (
                    start.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() - Duration::days(1),
                    end.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() + Duration::days(2),
                ),
            };
            (
                "DELETE FROM calendar_option_busy WHERE option_id = $1",
                txn.query_all_raw(Statement::from_sql_and_values(
                    backend,
                    "SELECT b.calendar_id, c.zone, b.starts_at, b.ends_at \
                     FROM calendar_busy b JOIN member_calendar c ON c.id = b.calendar_id \
                     WHERE b.poll_id = $1 AND b.starts_at < $2 AND b.ends_at > $3 \
                     ORDER BY b.calendar_id, b.starts_at",
                    [poll_id.into(), hi.into(), lo.into()],
                ))
                .await?,
            )
        }
    };
    let scope = match which {
        Marks::Calendar(id) | Marks::Option(id) => id,
    };
    txn.execute_raw(Statement::from_sql_and_values(
        backend,
        delete,
        [scope.into()],
    ))
    .await?;
    if let Marks::Calendar(id) = which {
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            "UPDATE member_calendar SET options_marked = TRUE WHERE id = $1",
            [id.into()],
        ))
        .await?;
    }
    // Rows come grouped by calendar, each group sorted by start.
    let mut groups: Vec<(Uuid, String, Vec<Busy>)> = vec![];
    for r in &rows {
        let id: Uuid = r.try_get("", "calendar_id")?;
        let busy = Busy {
            start: r.try_get("", "starts_at")?,
            end: r.try_get("", "ends_at")?,
        };
        match groups.last_mut() {
            Some((last, _, v)) if *last == id => v.push(busy),
            _ => groups.push((id, r.try_get("", "zone")?, vec![busy])),
        }
    }
    let mut marks: Vec<(Uuid, Uuid)> = vec![];
    for (calendar, zone, busy) in &groups {
        let zone: Tz = zone.parse().unwrap_or(poll_zone);
        let in_scope = slots.iter().filter(|(o, _)| match which {
            Marks::Calendar(_) => true,
            Marks::Option(id) => *o == id,
        });
        for (option, slot) in in_scope {
            let span = options::span(slot, zone);
            if options::busy_options(busy, &[span])[0] {
                marks.push((*calendar, *option));
            }
        }
    }
    for chunk in marks.chunks(300) {
        let mut sql = String::from(
            "INSERT INTO calendar_option_busy (calendar_id, option_id, poll_id) VALUES ",
        );
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 3);
        for (i, (calendar, option)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            let n = i * 3;
            sql.push_str(&format!("(${}, ${}, ${})", n + 1, n + 2, n + 3));
            values.extend([(*calendar).into(), (*option).into(), poll_id.into()]);
        }
        // Two instances marking the same calendar at once (at start) write
        // the same rows: the second's are already there.
        sql.push_str(" ON CONFLICT DO NOTHING");
        txn.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
    }
    Ok(())
}

impl Store {
    /// The key calendar addresses are sealed with when `CONVENE_SECRET_KEY`
    /// is not set: made by the first instance that needs it (row 2 of
    /// `server_key`; row 1 is the invitation-link key).
    pub async fn calendar_key_hex(&self) -> Result<String> {
        let backend = self.backend();
        self.write
            .execute_raw(Statement::from_sql_and_values(
                backend,
                "INSERT INTO server_key (id, key) VALUES (2, $1) ON CONFLICT (id) DO NOTHING",
                [crate::secrets::Key::generate_hex().into()],
            ))
            .await?;
        let row = self
            .write
            .query_one_raw(Statement::from_string(
                backend,
                "SELECT key FROM server_key WHERE id = 2",
            ))
            .await?
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("the calendar key is missing")))?;
        Ok(row.try_get("", "key")?)
    }

    pub async fn calendar_of(&self, owner: Owner) -> Result<Option<MemberCalendar>> {
        let row = self
            .write
            .query_one_raw(Statement::from_sql_and_values(
                self.backend(),
                format!(
                    "SELECT {COLUMNS} FROM member_calendar WHERE {} = $1",
                    owner.column()
                ),
                [owner.id().into()],
            ))
            .await?;
        row.as_ref().map(calendar_from).transpose()
    }

    /// Connects (or replaces) the owner's calendar with what was just read.
    #[tracing::instrument(name = "store.connect_calendar", skip_all, fields(poll_id = %poll_id))]
    pub async fn connect_calendar(
        &self,
        poll_id: Uuid,
        owner: Owner,
        reading: &Reading,
        busy: &[Busy],
    ) -> Result<MemberCalendar> {
        let txn = self.write.begin().await?;
        let backend = txn.get_database_backend();
        hold_poll(&txn, poll_id).await?;
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "DELETE FROM calendar_busy WHERE calendar_id IN \
                 (SELECT id FROM member_calendar WHERE {} = $1)",
                owner.column()
            ),
            [owner.id().into()],
        ))
        .await?;
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            format!("DELETE FROM member_calendar WHERE {} = $1", owner.column()),
            [owner.id().into()],
        ))
        .await?;
        let id = Uuid::now_v7();
        let (invitation, response) = match owner {
            Owner::Invitation(i) => (Some(i), None),
            Owner::Response(r) => (None, Some(r)),
        };
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            "INSERT INTO member_calendar (id, poll_id, invitation_id, response_id, zone, source_host, \
             address_sealed, etag, last_modified, read_at, checked_at, error, created_at, \
             options_marked) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, $12, TRUE)",
            [
                id.into(),
                poll_id.into(),
                invitation.into(),
                response.into(),
                reading.zone.clone().into(),
                reading.source_host.clone().into(),
                reading.address_sealed.clone().into(),
                reading.etag.clone().into(),
                reading.last_modified.clone().into(),
                Some(reading.at).into(),
                reading.at.into(),
                reading.at.into(),
            ],
        ))
        .await?;
        insert_busy(&txn, id, poll_id, busy).await?;
        write_marks(&txn, poll_id, Marks::Calendar(id)).await?;
        txn.commit().await?;
        self.calendar_of(owner)
            .await?
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("the calendar just stored is missing")))
    }

    /// Stores a re-read: new busy time (None: unchanged, 304), validators,
    /// and the address sealed again if its key was rotated.
    pub async fn record_calendar_read(
        &self,
        calendar: &MemberCalendar,
        reading: &Reading,
        busy: Option<&[Busy]>,
    ) -> Result<()> {
        let txn = self.write.begin().await?;
        let backend = txn.get_database_backend();
        hold_poll(&txn, calendar.poll_id).await?;
        let updated = txn
            .execute_raw(Statement::from_sql_and_values(
                backend,
                "UPDATE member_calendar SET address_sealed = $2, etag = $3, last_modified = $4, \
                 read_at = $5, checked_at = $5, error = NULL WHERE id = $1",
                [
                    calendar.id.into(),
                    reading.address_sealed.clone().into(),
                    reading.etag.clone().into(),
                    reading.last_modified.clone().into(),
                    reading.at.into(),
                ],
            ))
            .await?;
        // Disconnected meanwhile: nothing to write.
        if updated.rows_affected() == 0 {
            return Ok(());
        }
        if let Some(busy) = busy {
            txn.execute_raw(Statement::from_sql_and_values(
                backend,
                "DELETE FROM calendar_busy WHERE calendar_id = $1",
                [calendar.id.into()],
            ))
            .await?;
            insert_busy(&txn, calendar.id, calendar.poll_id, busy).await?;
            write_marks(&txn, calendar.poll_id, Marks::Calendar(calendar.id)).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// A failed re-read: the last busy time stays, with the reason.
    pub async fn record_calendar_failure(
        &self,
        id: Uuid,
        at: DateTime<Utc>,
        why: &str,
    ) -> Result<()> {
        self.write
            .execute_raw(Statement::from_sql_and_values(
                self.backend(),
                "UPDATE member_calendar SET checked_at = $2, error = $3 WHERE id = $1",
                [id.into(), at.into(), why.to_string().into()],
            ))
            .await?;
        Ok(())
    }

    /// Disconnects: the address and the busy time go at once.
    pub async fn disconnect_calendar(&self, owner: Owner) -> Result<bool> {
        let txn = self.write.begin().await?;
        let backend = txn.get_database_backend();
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "DELETE FROM calendar_busy WHERE calendar_id IN \
                 (SELECT id FROM member_calendar WHERE {} = $1)",
                owner.column()
            ),
            [owner.id().into()],
        ))
        .await?;
        let gone = txn
            .execute_raw(Statement::from_sql_and_values(
                backend,
                format!("DELETE FROM member_calendar WHERE {} = $1", owner.column()),
                [owner.id().into()],
            ))
            .await?;
        txn.commit().await?;
        Ok(gone.rows_affected() > 0)
    }

    /// A calendar's busy intervals, sorted.
    pub async fn calendar_busy(&self, calendar_id: Uuid) -> Result<Vec<Busy>> {
        let rows = self
            .write
            .query_all_raw(Statement::from_sql_and_values(
                self.backend(),
                "SELECT starts_at, ends_at FROM calendar_busy WHERE calendar_id = $1 ORDER BY starts_at",
                [calendar_id.into()],
            ))
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Busy {
                    start: r.try_get("", "starts_at")?,
                    end: r.try_get("", "ends_at")?,
                })
            })
            .collect()
    }

    /// Per option of the poll, how many connected calendars show it busy
    /// (options no calendar shows busy are absent): a count of marks.
    pub async fn busy_counts(&self, poll_id: Uuid) -> Result<Vec<(Uuid, u32)>> {
        let rows = self
            .read()
            .query_all_raw(Statement::from_sql_and_values(
                self.backend(),
                "SELECT option_id, COUNT(*) AS n FROM calendar_option_busy \
                 WHERE poll_id = $1 GROUP BY option_id",
                [poll_id.into()],
            ))
            .await?;
        rows.iter()
            .map(|r| {
                let n: i64 = r.try_get("", "n")?;
                Ok((r.try_get("", "option_id")?, n as u32))
            })
            .collect()
    }

    /// Marks the calendars stored before marks were kept (migration 22),
    /// each in a transaction of its own; run at start, a no-op after.
    pub async fn mark_unmarked_calendars(&self) -> Result<u64> {
        let rows = self
            .write
            .query_all_raw(Statement::from_string(
                self.backend(),
                "SELECT id, poll_id FROM member_calendar WHERE options_marked = FALSE",
            ))
            .await?;
        let mut marked = 0;
        for r in &rows {
            let (id, poll_id): (Uuid, Uuid) = (r.try_get("", "id")?, r.try_get("", "poll_id")?);
            let once = async {
                let txn = self.write.begin().await?;
                hold_poll(&txn, poll_id).await?;
                write_marks(&txn, poll_id, Marks::Calendar(id)).await?;
                txn.commit().await?;
                Ok::<(), Error>(())
            };
            // One calendar that fails (disconnected meanwhile, say) leaves
            // the others to be marked; it is tried again at the next start.
            match once.await {
                Ok(()) => marked += 1,
                Err(e) => tracing::warn!(error = %e, "busy counts: a calendar could not be marked"),
            }
        }
        Ok(marked)
    }

    /// Calendars with an address, in open polls, last tried before `before`:
    /// the ones to read again (oldest first).
    pub async fn calendars_due(
        &self,
        before: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<MemberCalendar>> {
        let rows = self
            .read()
            .query_all_raw(Statement::from_sql_and_values(
                self.backend(),
                format!(
                    "SELECT {} FROM member_calendar c JOIN poll p ON p.id = c.poll_id \
                     WHERE c.address_sealed IS NOT NULL AND c.checked_at < $1 AND p.status = 'open' \
                     AND (p.deadline IS NULL OR p.deadline > $2) ORDER BY c.checked_at LIMIT $3",
                    COLUMNS
                        .split(", ")
                        .map(|c| format!("c.{}", c.trim()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                [before.into(), Utc::now().into(), (limit as i64).into()],
            ))
            .await?;
        rows.iter().map(calendar_from).collect()
    }

    /// Deletes the calendars (addresses and busy time) of polls closed
    /// before `before`: closed, confirmed or cancelled since (their last
    /// change), or open past a deadline before it.
    #[tracing::instrument(name = "store.purge_calendars", skip_all)]
    pub async fn purge_calendars(&self, before: DateTime<Utc>) -> Result<u64> {
        let txn = self.write.begin().await?;
        let backend = txn.get_database_backend();
        let closed = "SELECT id FROM poll WHERE (status <> 'open' AND updated_at < $1) \
                      OR (status = 'open' AND deadline IS NOT NULL AND deadline < $1)";
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            format!("DELETE FROM calendar_busy WHERE poll_id IN ({closed})"),
            [before.into()],
        ))
        .await?;
        let gone = txn
            .execute_raw(Statement::from_sql_and_values(
                backend,
                format!("DELETE FROM member_calendar WHERE poll_id IN ({closed})"),
                [before.into()],
            ))
            .await?;
        txn.commit().await?;
        Ok(gone.rows_affected())
    }
}
