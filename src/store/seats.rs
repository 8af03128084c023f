//! Seats: an option's in-person places (`option_seat`) and who holds them
//! (`vote.seat`, `vote.seat_order`). The rules are `domain::hybrid`'s; here
//! is the SQL.
//!
//! Every change of who holds a seat locks the option's `option_seat` row
//! first (`FOR UPDATE` on PostgreSQL; SQLite's writer is one at a time), in
//! option order, before any tally row — the order the one-statement vote
//! (`vote_sql`) takes them in too — so seats are counted under one lock on
//! every instance and are never overbooked, and two writers cannot
//! deadlock. A freed seat goes to the first waiting in the same
//! transaction, which queues their mail (`Topic::Seat`).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement, Value};
use uuid::Uuid;

use super::outbox::{self, Topic};
use crate::domain::hybrid::{Attendance, OptionSetup, Seat};
use crate::domain::poll::Poll;
use crate::error::{Error, Result};

/// An option's seats, read under its row lock.
#[derive(Debug, Clone, Copy)]
struct SeatRow {
    capacity: i64,
    taken: i64,
    waiting: i64,
    next_order: i64,
}

fn statement(txn: &DatabaseTransaction, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(txn.get_database_backend(), sql, values)
}

/// Locks an option's seat row and reads it; `None` for an option without
/// seats.
async fn lock_seats(txn: &DatabaseTransaction, option_id: Uuid) -> Result<Option<SeatRow>> {
    let sql = match txn.get_database_backend() {
        DbBackend::Postgres => {
            "SELECT capacity, taken, waiting, next_order FROM option_seat WHERE option_id = $1 FOR UPDATE"
        }
        _ => "SELECT capacity, taken, waiting, next_order FROM option_seat WHERE option_id = $1",
    };
    let row = txn
        .query_one_raw(statement(txn, sql, vec![option_id.into()]))
        .await?;
    row.map(|r| {
        Ok(SeatRow {
            capacity: r.try_get("", "capacity")?,
            taken: r.try_get("", "taken")?,
            waiting: r.try_get("", "waiting")?,
            next_order: r.try_get("", "next_order")?,
        })
    })
    .transpose()
}

async fn save(txn: &DatabaseTransaction, option_id: Uuid, row: SeatRow) -> Result<()> {
    txn.execute_raw(statement(
        txn,
        "UPDATE option_seat SET capacity = $2, taken = $3, waiting = $4, next_order = $5 \
         WHERE option_id = $1",
        vec![
            option_id.into(),
            row.capacity.into(),
            row.taken.into(),
            row.waiting.into(),
            row.next_order.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// The seat rows of a new poll's seated options.
pub(super) async fn create_seats(
    txn: &DatabaseTransaction,
    poll_id: Uuid,
    seated: &[(Uuid, u32)],
) -> Result<()> {
    for (option_id, capacity) in seated {
        txn.execute_raw(statement(
            txn,
            "INSERT INTO option_seat (option_id, poll_id, capacity, taken, waiting, next_order) \
             VALUES ($1, $2, $3, 0, 0, 1)",
            vec![
                (*option_id).into(),
                poll_id.into(),
                i64::from(*capacity).into(),
            ],
        ))
        .await?;
    }
    Ok(())
}

/// The seat a response's vote on an option holds, and its place.
async fn held(
    txn: &DatabaseTransaction,
    response_id: Uuid,
    option_id: Uuid,
) -> Result<Option<(Seat, i64)>> {
    let row = txn
        .query_one_raw(statement(
            txn,
            "SELECT seat, seat_order FROM vote WHERE response_id = $1 AND option_id = $2",
            vec![response_id.into(), option_id.into()],
        ))
        .await?;
    let Some(row) = row else { return Ok(None) };
    let seat: Option<String> = row.try_get("", "seat")?;
    let order: Option<i64> = row.try_get("", "seat_order")?;
    Ok(seat
        .as_deref()
        .and_then(Seat::parse)
        .map(|s| (s, order.unwrap_or(0))))
}

/// The seats a response holds after its answer changes to one that seeks
/// the seats of `seeking` (none for a withdrawal): each seated option's row
/// is locked in option order; a vote that still seeks keeps its place, one
/// that no longer does frees its seat (to the first waiting) or leaves the
/// list, and a new seeker takes a free seat or joins the list's end.
/// Returns the seat and place to write with each seeking vote.
pub(super) async fn move_seats(
    txn: &DatabaseTransaction,
    poll: &Poll,
    response_id: Option<Uuid>,
    seeking: &BTreeSet<Uuid>,
    now: DateTime<Utc>,
) -> Result<BTreeMap<Uuid, (Seat, i64)>> {
    let mut seated: Vec<Uuid> = poll
        .options
        .iter()
        .filter(|o| o.setup.capacity.is_some())
        .map(|o| o.id)
        .collect();
    seated.sort();
    let mut out = BTreeMap::new();
    for option_id in seated {
        let seeks = seeking.contains(&option_id);
        // A seat once held is held until this response lets it go (a
        // promotion only moves it from waiting to taken), so this read
        // without the lock decides rightly whether the lock is needed.
        let before = match response_id {
            Some(r) => held(txn, r, option_id).await?,
            None => None,
        };
        if !seeks && before.is_none() {
            continue;
        }
        let Some(mut row) = lock_seats(txn, option_id).await? else {
            continue;
        };
        // Read again under the lock: a promotion may have seated it.
        let before = match response_id {
            Some(r) => held(txn, r, option_id).await?,
            None => None,
        };
        match (before, seeks) {
            (Some(kept), true) => {
                out.insert(option_id, kept);
                continue;
            }
            (Some((Seat::Taken, _)), false) => row.taken -= 1,
            (Some((Seat::Waiting, _)), false) => row.waiting -= 1,
            (None, true) => {
                let seat = if row.taken < row.capacity && row.waiting == 0 {
                    row.taken += 1;
                    Seat::Taken
                } else {
                    row.waiting += 1;
                    Seat::Waiting
                };
                out.insert(option_id, (seat, row.next_order));
                row.next_order += 1;
            }
            (None, false) => continue,
        }
        promote(txn, poll, option_id, &mut row, response_id, now).await?;
        save(txn, option_id, row).await?;
    }
    Ok(out)
}

/// Gives free seats to the first waiting, in arrival order, and queues
/// each promoted member's mail (if they were invited and have an address).
/// `except` is a response whose votes are being rewritten (never promoted
/// by its own change).
async fn promote(
    txn: &DatabaseTransaction,
    poll: &Poll,
    option_id: Uuid,
    row: &mut SeatRow,
    except: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<()> {
    let free = (row.capacity - row.taken).min(row.waiting);
    if free <= 0 {
        return Ok(());
    }
    let rows = txn
        .query_all_raw(statement(
            txn,
            "SELECT v.response_id, r.invitation_id, m.email FROM vote v
             JOIN response r ON r.id = v.response_id
             LEFT JOIN invitation i ON i.id = r.invitation_id
             LEFT JOIN member m ON m.id = i.member_id
             WHERE v.option_id = $1 AND v.seat = 'waiting' AND v.response_id <> $2
             ORDER BY v.seat_order LIMIT $3",
            vec![
                option_id.into(),
                except.unwrap_or(Uuid::nil()).into(),
                free.into(),
            ],
        ))
        .await?;
    for r in &rows {
        let response_id: Uuid = r.try_get("", "response_id")?;
        txn.execute_raw(statement(
            txn,
            "UPDATE vote SET seat = 'taken' WHERE response_id = $1 AND option_id = $2",
            vec![response_id.into(), option_id.into()],
        ))
        .await?;
        row.taken += 1;
        row.waiting -= 1;
        let invitation: Option<Uuid> = r.try_get("", "invitation_id")?;
        let email: Option<String> = r.try_get("", "email")?;
        if let Some(invitation) = invitation {
            // Their feed shows the seat: its answers' time moves, so its
            // ETag does. (A member changing their own answer at this moment
            // holds this row and waits for the seat's: PostgreSQL breaks
            // that tie and the transaction runs again.)
            txn.execute_raw(statement(
                txn,
                "UPDATE invitation SET answer_changed_at = $2 WHERE id = $1",
                vec![invitation.into(), now.into()],
            ))
            .await?;
        }
        if let (Some(invitation), Some(_)) = (invitation, email) {
            outbox::enqueue_with_payload(
                txn,
                Topic::Seat,
                poll.id,
                Some(invitation),
                &option_id.to_string(),
                now,
            )
            .await?;
        }
    }
    Ok(())
}

/// Sets an option's capacity: refused below the seats already taken; a
/// raise seats the first waiting; an option that had none seats its yes
/// answers in the order they came.
async fn set_capacity(
    txn: &DatabaseTransaction,
    poll: &Poll,
    option_id: Uuid,
    capacity: u32,
    now: DateTime<Utc>,
) -> Result<()> {
    let capacity = i64::from(capacity);
    if let Some(mut row) = lock_seats(txn, option_id).await? {
        if capacity < row.taken {
            return Err(Error::Conflict(format!(
                "{} in-person seats are taken: the capacity cannot go below {} \
                 (those answers would lose the seats they were given)",
                row.taken, row.taken
            )));
        }
        row.capacity = capacity;
        promote(txn, poll, option_id, &mut row, None, now).await?;
        return save(txn, option_id, row).await;
    }
    create_seats(txn, poll.id, &[(option_id, capacity as u32)]).await?;
    let mut row = lock_seats(txn, option_id)
        .await?
        .ok_or(Error::NotFound("option"))?;
    // The yes answers given before there were seats, oldest first (response
    // ids grow with time).
    let in_person_only = poll.settings.attendance.is_hybrid();
    let sql = if in_person_only {
        "SELECT response_id FROM vote WHERE option_id = $1 AND choice = 'yes' AND attendance = $2 \
         ORDER BY response_id"
    } else {
        "SELECT response_id FROM vote WHERE option_id = $1 AND choice = 'yes' AND $2 = $2 \
         ORDER BY response_id"
    };
    let seekers = txn
        .query_all_raw(statement(
            txn,
            sql,
            vec![option_id.into(), Attendance::InPerson.as_str().into()],
        ))
        .await?;
    for r in seekers {
        let response_id: Uuid = r.try_get("", "response_id")?;
        let seat = if row.taken < row.capacity {
            row.taken += 1;
            Seat::Taken
        } else {
            row.waiting += 1;
            Seat::Waiting
        };
        txn.execute_raw(statement(
            txn,
            "UPDATE vote SET seat = $3, seat_order = $4 WHERE response_id = $1 AND option_id = $2",
            vec![
                response_id.into(),
                option_id.into(),
                seat.as_str().into(),
                row.next_order.into(),
            ],
        ))
        .await?;
        row.next_order += 1;
    }
    save(txn, option_id, row).await
}

/// Applies a change of an option's per-day answers and seats, in the
/// transaction of the option's change: answering per day cannot be turned
/// on or off once the option has answers (they were given for the range or
/// for its days); a new capacity is [`set_capacity`].
pub(super) async fn change_setup(
    txn: &DatabaseTransaction,
    poll: &Poll,
    option_id: Uuid,
    before: OptionSetup,
    after: OptionSetup,
) -> Result<()> {
    if before.per_day != after.per_day && answered(txn, option_id).await? {
        return Err(Error::Conflict(
            "answers were given to this option: whether it is answered per day cannot change now"
                .into(),
        ));
    }
    match after.capacity {
        Some(capacity) if before.capacity != Some(capacity) => {
            set_capacity(txn, poll, option_id, capacity, Utc::now()).await
        }
        _ => Ok(()),
    }
}

/// Whether anyone has answered an option.
async fn answered(txn: &DatabaseTransaction, option_id: Uuid) -> Result<bool> {
    let row = txn
        .query_one_raw(statement(
            txn,
            "SELECT 1 AS one FROM vote WHERE option_id = $1 LIMIT 1",
            vec![option_id.into()],
        ))
        .await?;
    Ok(row.is_some())
}
