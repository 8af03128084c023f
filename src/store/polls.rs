//! Polls and their options: creation, reads, edits guarded by the poll's
//! version, status changes, and the history entries each of them leaves.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, ExprTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, Statement, sea_query::Expr,
};
use serde_json::json;
use uuid::Uuid;

use super::history::append;
use super::outbox;
use super::slots::slot_of;
use super::{Store, transaction};
use crate::domain::history::{Actor, HistoryAction};
use crate::domain::hybrid::{Modes, OptionSetup};
use crate::domain::lifecycle::Transition;
use crate::domain::poll::{
    NewPoll, Poll, PollOption, PollPatch, PollStatus, ResultsVisibility, Settings, Voting,
};
use crate::domain::reminders;
use crate::domain::time::{Slot, Zone};
use crate::domain::webhooks::Event;
use crate::entity::{poll, poll_history, poll_option, poll_tally};
use crate::error::{Error, Result};

/// An organiser's change to one of their polls: who makes it, and the
/// version it was made against (`If-Match`), if the client sent one.
#[derive(Debug, Clone)]
pub struct PollEdit {
    pub organiser: Uuid,
    pub actor: Actor,
    pub poll_id: Uuid,
    pub expected_version: Option<i32>,
}

/// One row of `listPolls`.
#[derive(Debug, Clone)]
pub struct PollSummary {
    pub poll: Poll,
    pub responses: i64,
}

/// Which polls `listPolls` returns.
#[derive(Debug, Clone, Copy)]
pub struct PollFilter {
    pub status: Option<PollStatus>,
    pub after: Option<Uuid>,
    pub limit: u64,
}

impl Store {
    #[tracing::instrument(name = "store.create_poll", skip_all)]
    pub async fn create_poll(&self, organiser: Uuid, actor: &Actor, new: NewPoll) -> Result<Poll> {
        let now = Utc::now();
        let id = Uuid::now_v7();
        transaction!(self, txn => {
            poll::Entity::insert(poll::ActiveModel {
                id: Set(id),
                organiser_id: Set(organiser),
                title: Set(new.title.clone()),
                description: Set(new.description.clone()),
                location: Set(new.location.clone()),
                time_zone: Set(new.zone.name().to_string()),
                status: Set(PollStatus::Open.as_str().to_string()),
                deadline: Set(new.deadline),
                voting: Set(new.settings.voting.as_str().to_string()),
                allow_if_need_be: Set(new.settings.allow_if_need_be),
                results_visibility: Set(new.settings.results_visibility.as_str().to_string()),
                show_voter_names: Set(new.settings.show_voter_names),
                aggregate_only: Set(new.settings.aggregate_only),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                confirmed_option_id: Set(None),
                quorum: Set(new.settings.quorum.map(|q| q as i32)),
                reminders: Set(reminders::store_reminders(&new.reminders)),
                attendance_modes: Set(new.settings.attendance.stored()),
            })
            .exec_without_returning(txn)
            .await?;
            let options: Vec<_> = new
                .options
                .iter()
                .enumerate()
                .map(|(i, (slot, setup))| option_model(id, i as i32, slot, setup, now))
                .collect();
            let seated: Vec<(Uuid, u32)> = options
                .iter()
                .filter_map(|o| Some((*o.id.as_ref(), (*o.capacity.as_ref())? as u32)))
                .collect();
            insert_options(txn, options).await?;
            super::seats::create_seats(txn, id, &seated).await?;
            let due = reminders::due_times(&new.reminders, new.deadline, now);
            outbox::schedule_timers(txn, id, &due, new.deadline, now).await?;
            append(
                txn,
                id,
                actor,
                HistoryAction::PollCreated,
                None,
                json!({ "title": new.title, "time_zone": new.zone.name(), "options": new.options.len() }),
            )
            .await?;
            Ok(())
        })?;
        self.poll(id).await?.ok_or(Error::NotFound("poll"))
    }

    /// A poll with its options, whoever owns it.
    #[tracing::instrument(name = "store.poll", skip_all, fields(poll_id = %id))]
    pub async fn poll(&self, id: Uuid) -> Result<Option<Poll>> {
        load_poll(&self.read, id).await
    }

    /// A poll's own columns, without its options (`options` is empty): one
    /// lookup by key, for checks that need no more — whether a client's
    /// copy is current.
    #[tracing::instrument(name = "store.poll_head", skip_all, fields(poll_id = %id))]
    pub async fn poll_head(&self, id: Uuid) -> Result<Option<Poll>> {
        poll::Entity::find_by_id(id)
            .one(self.read())
            .await?
            .map(|m| to_poll(m, Vec::new()))
            .transpose()
    }

    /// A poll's deadline came (`row`, claimed by this worker): if it
    /// closed voting — the poll is still open in the database, with this
    /// deadline passed, not reopened without one — webhooks hear
    /// `poll.closed`, once, as they would from closePoll.
    #[tracing::instrument(name = "store.run_deadline", skip_all, fields(poll_id = %row.poll_id))]
    pub async fn run_deadline(&self, row: &outbox::Claimed) -> Result<bool> {
        let now = Utc::now();
        transaction!(self, txn => {
            let poll = super::polls::load_poll(txn, row.poll_id).await?;
            let closed = poll.filter(|p| {
                p.status == PollStatus::Open && p.deadline.is_some_and(|d| d <= now)
            });
            let Some(poll) = closed else {
                outbox::finish_in(txn, row, "dropped", Some("the deadline no longer closes the poll"), now).await?;
                return Ok(false);
            };
            if !outbox::finish_in(txn, row, "sent", None, now).await? {
                return Ok(false);
            }
            let data = serde_json::json!({
                "from": "open",
                "status": "closed",
                "reason": "deadline",
                "version": poll.version,
            });
            super::webhooks::emit(txn, poll.id, Event::PollClosed, data, now).await?;
            Ok(true)
        })
    }

    /// A poll owned by `organiser`; another organiser's poll is "not found".
    #[tracing::instrument(name = "store.owned_poll", skip_all, fields(poll_id = %id))]
    pub async fn owned_poll(&self, organiser: Uuid, id: Uuid) -> Result<Poll> {
        match self.poll(id).await? {
            Some(p) if p.organiser_id == organiser => Ok(p),
            _ => Err(Error::NotFound("poll")),
        }
    }

    /// The organiser's polls, newest first, one page.
    #[tracing::instrument(name = "store.list_polls", skip_all)]
    pub async fn list_polls(
        &self,
        organiser: Uuid,
        filter: PollFilter,
    ) -> Result<Vec<PollSummary>> {
        let now = Utc::now();
        let mut q = poll::Entity::find().filter(poll::Column::OrganiserId.eq(organiser));
        if let Some(after) = filter.after {
            q = q.filter(poll::Column::Id.lt(after));
        }
        // A passed deadline makes an open poll read as closed; filter on
        // that, not on the stored word.
        let deadline_passed = poll::Column::Deadline
            .is_not_null()
            .and(poll::Column::Deadline.lte(now));
        let open = poll::Column::Status.eq("open");
        q = match filter.status {
            None => q,
            Some(PollStatus::Open) => q.filter(open.and(deadline_passed.not())),
            Some(PollStatus::Closed) => q.filter(
                poll::Column::Status
                    .eq("closed")
                    .or(open.and(deadline_passed)),
            ),
            Some(s) => q.filter(poll::Column::Status.eq(s.as_str())),
        };
        let models = q
            .order_by_desc(poll::Column::Id)
            .limit(filter.limit)
            .all(&self.read)
            .await?;
        let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
        let counts: Vec<(Uuid, Option<i64>)> = poll_tally::Entity::find()
            .select_only()
            .column(poll_tally::Column::PollId)
            .column_as(super::sum("responses"), "responses")
            .filter(poll_tally::Column::PollId.is_in(ids.clone()))
            .group_by(poll_tally::Column::PollId)
            .into_tuple()
            .all(&self.read)
            .await?;
        let options = poll_option::Entity::find()
            .filter(poll_option::Column::PollId.is_in(ids))
            .order_by_asc(poll_option::Column::Position)
            .order_by_asc(poll_option::Column::Id)
            .all(&self.read)
            .await?;
        models
            .into_iter()
            .map(|m| {
                let responses = counts
                    .iter()
                    .find(|(id, _)| *id == m.id)
                    .and_then(|(_, n)| *n)
                    .unwrap_or(0);
                let own = options
                    .iter()
                    .filter(|o| o.poll_id == m.id)
                    .map(|o| {
                        let slot = slot_of(
                            o.id,
                            &o.kind,
                            o.start_date,
                            o.end_date,
                            o.start_utc,
                            o.end_utc,
                        )?;
                        Ok(PollOption {
                            id: o.id,
                            position: o.position,
                            slot,
                            setup: setup_of(o.per_day, o.capacity),
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok(PollSummary {
                    poll: to_poll(m, own)?,
                    responses,
                })
            })
            .collect()
    }

    /// Applies an edit if the poll is still at `expected_version`.
    #[tracing::instrument(name = "store.update_poll", skip_all, fields(poll_id = %id))]
    pub async fn update_poll(
        &self,
        organiser: Uuid,
        actor: &Actor,
        id: Uuid,
        expected_version: i32,
        patch: PollPatch,
    ) -> Result<Poll> {
        transaction!(self, txn => {
            patch_poll(txn, organiser, actor, id, expected_version, &patch).await
        })?;
        self.poll(id).await?.ok_or(Error::NotFound("poll"))
    }

    #[tracing::instrument(name = "store.delete_poll", skip_all, fields(poll_id = %id))]
    pub async fn delete_poll(&self, organiser: Uuid, id: Uuid) -> Result<()> {
        let done = poll::Entity::delete_many()
            .filter(poll::Column::Id.eq(id))
            .filter(poll::Column::OrganiserId.eq(organiser))
            .exec(&self.write)
            .await?;
        if done.rows_affected == 0 {
            return Err(Error::NotFound("poll"));
        }
        Ok(())
    }

    /// Moves the organiser's poll through its life: the move is checked
    /// (`domain::lifecycle`) against the poll as it is inside the
    /// transaction, and, when the caller decided something on an earlier
    /// read (which option to confirm), against that version too. Returns
    /// the poll after the change.
    #[tracing::instrument(name = "store.transition", skip_all, fields(poll_id = %id))]
    pub async fn transition(
        &self,
        organiser: Uuid,
        actor: &Actor,
        id: Uuid,
        transition: Transition,
        decided_on: Option<i32>,
        mail: bool,
    ) -> Result<Poll> {
        let now = Utc::now();
        transaction!(self, txn => {
            let current = load_poll(txn, id)
                .await?
                .filter(|p| p.organiser_id == organiser)
                .ok_or(Error::NotFound("poll"))?;
            let change = transition.apply(&current, now)?;
            if decided_on.is_some_and(|v| v != current.version) {
                return Err(Error::Conflict(
                    "the poll changed while it was being confirmed: look at the results again and retry".into(),
                ));
            }
            let mut update = poll::Entity::update_many()
                .col_expr(poll::Column::Status, Expr::value(change.to.as_str()))
                .col_expr(poll::Column::Version, Expr::col(poll::Column::Version).add(1))
                .col_expr(poll::Column::UpdatedAt, Expr::value(now));
            if change.clear_deadline {
                update = update.col_expr(poll::Column::Deadline, Expr::value(None::<DateTime<Utc>>));
            }
            if let Some(option) = change.confirmed_option {
                update = update.col_expr(poll::Column::ConfirmedOptionId, Expr::value(Some(option)));
            }
            let done = update
                .filter(poll::Column::Id.eq(id))
                .filter(poll::Column::Version.eq(current.version))
                .exec(txn)
                .await?;
            // Another writer changed the poll between the read and the
            // update (possible on PostgreSQL): say so rather than record a
            // change that did not happen.
            if done.rows_affected == 0 {
                return Err(Error::Conflict(
                    "the poll changed at the same moment: read it again and retry".into(),
                ));
            }
            // The outcome goes to every invitee with an address, in this
            // transaction: confirming sends the event (REQUEST), cancelling
            // a confirmed poll withdraws it (CANCEL).
            let announces = change.confirmed_option.is_some()
                || (change.to == PollStatus::Cancelled && current.confirmed_option.is_some());
            if mail && announces {
                let invited: Vec<Uuid> = txn
                    .query_all_raw(Statement::from_sql_and_values(
                        txn.get_database_backend(),
                        super::overview::OUTCOME_RECIPIENTS,
                        [id.into()],
                    ))
                    .await?
                    .iter()
                    .map(|r| r.try_get("", "id"))
                    .collect::<std::result::Result<_, _>>()?;
                for invitation in invited {
                    super::outbox::enqueue(txn, super::outbox::Topic::Outcome, id, Some(invitation), now).await?;
                }
            }
            let details = match change.confirmed_option {
                Some(option) => json!({ "option_id": option }),
                None => json!({ "from": change.from.as_str() }),
            };
            append(txn, id, actor, change.action, None, details.clone()).await?;
            let event = match transition {
                Transition::Close => Event::PollClosed,
                Transition::Reopen => Event::PollReopened,
                Transition::Confirm(_) => Event::PollConfirmed,
                Transition::Cancel => Event::PollCancelled,
            };
            let mut data = details;
            data["status"] = json!(change.to.as_str());
            data["version"] = json!(current.version + 1);
            super::webhooks::emit(txn, id, event, data, now).await
        })?;
        self.poll(id).await?.ok_or(Error::NotFound("poll"))
    }

    #[tracing::instrument(name = "store.add_option", skip_all, fields(poll_id = %edit.poll_id))]
    pub async fn add_option(
        &self,
        edit: &PollEdit,
        slot: Slot,
        setup: OptionSetup,
    ) -> Result<(Poll, Uuid)> {
        let option_id = Uuid::now_v7();
        transaction!(self, txn => {
            add_option_in(txn, edit, option_id, &slot, &setup).await
        })?;
        let poll = self
            .poll(edit.poll_id)
            .await?
            .ok_or(Error::NotFound("poll"))?;
        Ok((poll, option_id))
    }

    #[tracing::instrument(name = "store.update_option", skip_all, fields(poll_id = %edit.poll_id))]
    pub async fn update_option(
        &self,
        edit: &PollEdit,
        option_id: Uuid,
        slot: Slot,
        setup: OptionSetup,
    ) -> Result<Poll> {
        transaction!(self, txn => {
            update_option_in(txn, edit, option_id, &slot, &setup).await
        })?;
        self.poll(edit.poll_id)
            .await?
            .ok_or(Error::NotFound("poll"))
    }

    /// Removes an option; its votes and tallies go with it (the history keeps
    /// what each respondent had said).
    #[tracing::instrument(name = "store.delete_option", skip_all, fields(poll_id = %edit.poll_id))]
    pub async fn delete_option(&self, edit: &PollEdit, option_id: Uuid) -> Result<Poll> {
        transaction!(self, txn => {
            delete_option_in(txn, edit, option_id).await
        })?;
        self.poll(edit.poll_id)
            .await?
            .ok_or(Error::NotFound("poll"))
    }

    /// Several edits of one poll at once — its fields, then options removed,
    /// changed and added — each as updatePoll, deleteOption, updateOption
    /// and addOption make it (the same checks, history entries and version
    /// steps), in one transaction: if one is refused, none is made. The
    /// first is made only if the poll is still at `edit.expected_version`.
    /// A refusal of an option's slot names the field under the change's
    /// `path` (`options[2].start`).
    #[tracing::instrument(name = "store.edit_poll", skip_all, fields(poll_id = %edit.poll_id))]
    pub async fn edit_poll(
        &self,
        edit: &PollEdit,
        patch: Option<&PollPatch>,
        changes: &[OptionChange],
    ) -> Result<Poll> {
        let expected = edit.expected_version.ok_or_else(|| {
            Error::PreconditionRequired("an edit needs the version it was made on".into())
        })?;
        let added: Vec<Uuid> = changes.iter().map(|_| Uuid::now_v7()).collect();
        transaction!(self, txn => {
            let mut step = PollEdit { expected_version: Some(expected), ..edit.clone() };
            let mut next = || {
                let at = step.clone();
                step.expected_version = step.expected_version.map(|v| v + 1);
                at
            };
            if let Some(patch) = patch {
                let at = next();
                patch_poll(txn, at.organiser, &at.actor, at.poll_id, expected, patch).await?;
            }
            // Removals first, additions last: a slot freed by one change
            // may be taken by another.
            let mut ordered: Vec<(usize, &OptionChange)> = changes.iter().enumerate().collect();
            ordered.sort_by_key(|(_, c)| match c {
                OptionChange::Remove { .. } => 0,
                OptionChange::Change { .. } => 1,
                OptionChange::Add { .. } => 2,
            });
            for (i, change) in ordered {
                let at = next();
                let done = match change {
                    OptionChange::Remove { option_id } => delete_option_in(txn, &at, *option_id).await,
                    OptionChange::Change { option_id, slot, setup, .. } => {
                        update_option_in(txn, &at, *option_id, slot, setup).await
                    }
                    OptionChange::Add { slot, setup, .. } => {
                        add_option_in(txn, &at, added[i], slot, setup).await
                    }
                };
                done.map_err(|e| match (e, change.path()) {
                    (Error::Invalid(errors), Some(path)) => Error::Invalid(
                        errors
                            .into_iter()
                            .map(|f| crate::domain::FieldError::new(format!("{path}.{}", f.field), f.message))
                            .collect(),
                    ),
                    (e, _) => e,
                })?;
            }
            Ok(())
        })?;
        self.poll(edit.poll_id)
            .await?
            .ok_or(Error::NotFound("poll"))
    }
}

/// One change to a poll's options in [`Store::edit_poll`]; `path` names
/// the option's fields in the caller's form (`options[2]`).
#[derive(Debug, Clone)]
pub enum OptionChange {
    Remove {
        option_id: Uuid,
    },
    Change {
        option_id: Uuid,
        slot: Slot,
        setup: OptionSetup,
        path: String,
    },
    Add {
        slot: Slot,
        setup: OptionSetup,
        path: String,
    },
}

impl OptionChange {
    fn path(&self) -> Option<&str> {
        match self {
            OptionChange::Remove { .. } => None,
            OptionChange::Change { path, .. } | OptionChange::Add { path, .. } => Some(path),
        }
    }
}

/// The select list of every query that reads polls with their options, one
/// row per option (see [`poll_from_rows`]): the option's columns first, at
/// fixed positions, so they are read by position (a read by name looks each
/// column up, and this runs for every option of every poll read); then the
/// poll's columns as they are. A macro so queries can `concat!` it.
macro_rules! poll_and_options_columns {
    () => {
        "SELECT o.id AS o_id, o.position AS o_position, o.kind AS o_kind,
       o.start_date AS o_start_date, o.end_date AS o_end_date,
       o.start_utc AS o_start_utc, o.end_utc AS o_end_utc,
       o.per_day AS o_per_day, o.capacity AS o_capacity,
       p.*"
    };
}
pub(super) use poll_and_options_columns;

/// A poll and its options in one round trip: every read of a poll (and every
/// vote, which checks against it) goes through here. The poll's columns come
/// once, in the first row, and each option in a row of its own with the
/// poll's columns NULL — a join would repeat every poll column (the
/// description too) on every option's row, and the driver copies each value
/// it is sent. Rows have the shape of `poll_and_options_columns!` (option
/// columns first), so [`poll_from_rows`] reads both.
static LOAD_POLL: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| poll_then_options("", "", ""));

/// The statement of [`LOAD_POLL`], with more columns: `poll_extra` in the
/// poll's row, `option_extra` (the same names, in the same order) in the
/// options' rows, which may join `option_joins`. `$1` is the poll's id.
pub(super) fn poll_then_options(
    poll_extra: &str,
    option_extra: &str,
    option_joins: &str,
) -> String {
    use sea_orm::{IdenStatic, Iterable};
    let columns: Vec<&str> = poll::Column::iter().map(|c| c.as_str()).collect();
    let of_poll = columns
        .iter()
        .map(|c| format!("p.\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let nulls = vec!["NULL"; columns.len()].join(", ");
    format!(
        "SELECT NULL AS o_id, NULL AS o_position, NULL AS o_kind, NULL AS o_start_date,
       NULL AS o_end_date, NULL AS o_start_utc, NULL AS o_end_utc, NULL AS o_per_day,
       NULL AS o_capacity, {of_poll}{poll_extra}, 0 AS k
FROM poll p WHERE p.id = $1
UNION ALL
SELECT o.id, o.position, o.kind, o.start_date, o.end_date, o.start_utc, o.end_utc,
       o.per_day, o.capacity, {nulls}{option_extra}, 1
FROM poll_option o {option_joins} WHERE o.poll_id = $1
ORDER BY k, o_position, o_id"
    )
}

pub(super) async fn load_poll(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Poll>> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            LOAD_POLL.as_str(),
            [id.into()],
        ))
        .await?;
    poll_from_rows(&rows)
}

/// The poll in rows selected with `poll_and_options_columns!`.
pub(super) fn poll_from_rows(rows: &[sea_orm::QueryResult]) -> Result<Option<Poll>> {
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let model = poll::Model::from_query_result(first, "")?;
    let options = rows
        .iter()
        .map(option_at)
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    to_poll(model, options).map(Some)
}

/// The option in the leading columns of a row selected with
/// `poll_and_options_columns!`; none for a poll without options (the LEFT
/// JOIN's row of NULLs).
fn option_at(row: &sea_orm::QueryResult) -> Result<Option<PollOption>> {
    let Some(id) = row.try_get_by_index::<Option<Uuid>>(0)? else {
        return Ok(None);
    };
    let slot = slot_of(
        id,
        &row.try_get_by_index::<String>(2)?,
        row.try_get_by_index(3)?,
        row.try_get_by_index(4)?,
        row.try_get_by_index(5)?,
        row.try_get_by_index(6)?,
    )?;
    Ok(Some(PollOption {
        id,
        position: row.try_get_by_index(1)?,
        slot,
        setup: setup_of(row.try_get_by_index(7)?, row.try_get_by_index(8)?),
    }))
}

/// An option's per-day answers and seats from its stored columns.
pub(super) fn setup_of(per_day: bool, capacity: Option<i32>) -> OptionSetup {
    OptionSetup {
        per_day,
        capacity: capacity.map(|c| Ord::max(c, 0) as u32),
    }
}

/// Applies `patch` to the poll if it is still at `expected_version`
/// (updatePoll, and the console's edit form in the same transaction as
/// its option changes).
async fn patch_poll(
    txn: &DatabaseTransaction,
    organiser: Uuid,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
    patch: &PollPatch,
) -> Result<()> {
    // Names and answers given under an aggregate-only poll were given
    // on the promise that nobody would see them: once anyone has
    // answered, the promise cannot be withdrawn.
    let unveils = patch.aggregate_only == Some(false)
        && load_poll(txn, id)
            .await?
            .is_some_and(|p| p.organiser_id == organiser && p.settings.aggregate_only);
    let mut update = poll::Entity::update_many()
        .col_expr(
            poll::Column::Version,
            Expr::col(poll::Column::Version).add(1),
        )
        .col_expr(poll::Column::UpdatedAt, Expr::value(Utc::now()));
    if let Some(v) = &patch.title {
        update = update.col_expr(poll::Column::Title, Expr::value(v.clone()));
    }
    if let Some(v) = &patch.description {
        update = update.col_expr(poll::Column::Description, Expr::value(v.clone()));
    }
    if let Some(v) = &patch.location {
        update = update.col_expr(poll::Column::Location, Expr::value(v.clone()));
    }
    if let Some(v) = patch.zone {
        update = update.col_expr(poll::Column::TimeZone, Expr::value(v.name()));
    }
    if let Some(v) = patch.deadline {
        update = update.col_expr(poll::Column::Deadline, Expr::value(v));
    }
    if let Some(v) = patch.voting {
        update = update.col_expr(poll::Column::Voting, Expr::value(v.as_str()));
    }
    if let Some(v) = patch.allow_if_need_be {
        update = update.col_expr(poll::Column::AllowIfNeedBe, Expr::value(v));
    }
    if let Some(v) = patch.results_visibility {
        update = update.col_expr(poll::Column::ResultsVisibility, Expr::value(v.as_str()));
    }
    if let Some(v) = patch.show_voter_names {
        update = update.col_expr(poll::Column::ShowVoterNames, Expr::value(v));
    }
    if let Some(v) = patch.aggregate_only {
        update = update.col_expr(poll::Column::AggregateOnly, Expr::value(v));
    }
    if let Some(v) = patch.quorum {
        update = update.col_expr(poll::Column::Quorum, Expr::value(v.map(|q| q as i32)));
    }
    if let Some(v) = &patch.reminders {
        update = update.col_expr(
            poll::Column::Reminders,
            Expr::value(reminders::store_reminders(v)),
        );
    }
    if let Some(v) = patch.attendance {
        update = update.col_expr(poll::Column::AttendanceModes, Expr::value(v.stored()));
    }
    let done = update
        .filter(poll::Column::Id.eq(id))
        .filter(poll::Column::OrganiserId.eq(organiser))
        .filter(poll::Column::Version.eq(expected_version))
        .exec(txn)
        .await?;
    if done.rows_affected == 0 {
        return Err(version_mismatch(txn, organiser, id).await);
    }
    // Checked after the update, whose row lock a first vote (which
    // reads the poll under a share lock) must wait for: no answer can
    // slip in between this check and the commit.
    if unveils && anyone_answered(txn, id).await? {
        return Err(Error::Conflict(
            "the poll is aggregate-only and has been answered: names and answers were \
             given on the promise that they stay private, so it stays aggregate-only"
                .into(),
        ));
    }
    if patch.deadline.is_some() || patch.reminders.is_some() {
        let now = Utc::now();
        let p = load_poll(txn, id).await?.ok_or(Error::NotFound("poll"))?;
        let due = reminders::due_times(&p.reminders, p.deadline, now);
        outbox::schedule_timers(txn, id, &due, p.deadline, now).await?;
    }
    append(
        txn,
        id,
        actor,
        HistoryAction::PollUpdated,
        None,
        patch_details(patch),
    )
    .await?;
    Ok(())
}

async fn add_option_in(
    txn: &DatabaseTransaction,
    edit: &PollEdit,
    option_id: Uuid,
    slot: &Slot,
    setup: &OptionSetup,
) -> Result<()> {
    let (poll_id, actor, setup) = (edit.poll_id, &edit.actor, *setup);
    let poll = bump_version(txn, edit).await?;
    if poll.options.len() >= crate::domain::limits::MAX_OPTIONS_PER_POLL {
        return Err(Error::Conflict(format!(
            "a poll may have at most {} options",
            crate::domain::limits::MAX_OPTIONS_PER_POLL
        )));
    }
    ensure_slot_free(&poll, slot, None)?;
    let position = poll
        .options
        .iter()
        .map(|o| o.position + 1)
        .max()
        .unwrap_or(0);
    let mut model = option_model(poll_id, position, slot, &setup, Utc::now());
    model.id = Set(option_id);
    insert_options(txn, vec![model]).await?;
    if let Some(capacity) = setup.capacity {
        super::seats::create_seats(txn, poll_id, &[(option_id, capacity)]).await?;
    }
    super::calendars::write_marks(txn, poll_id, super::calendars::Marks::Option(option_id)).await?;
    append(txn, poll_id, actor, HistoryAction::OptionAdded, None, json!({ "option_id": option_id, "slot": slot.key(), "per_day": setup.per_day, "capacity": setup.capacity })).await?;
    Ok(())
}

async fn update_option_in(
    txn: &DatabaseTransaction,
    edit: &PollEdit,
    option_id: Uuid,
    slot: &Slot,
    setup: &OptionSetup,
) -> Result<()> {
    let (poll_id, actor, setup) = (edit.poll_id, &edit.actor, *setup);
    let poll = bump_version(txn, edit).await?;
    let Some(before) = poll.options.iter().find(|o| o.id == option_id) else {
        return Err(Error::NotFound("option"));
    };
    super::seats::change_setup(txn, &poll, option_id, before.setup, setup).await?;
    ensure_slot_free(&poll, slot, Some(option_id))?;
    let fields = slot_fields(slot);
    poll_option::Entity::update_many()
        .col_expr(poll_option::Column::Kind, Expr::value(fields.kind))
        .col_expr(
            poll_option::Column::StartDate,
            Expr::value(fields.start_date),
        )
        .col_expr(poll_option::Column::EndDate, Expr::value(fields.end_date))
        .col_expr(poll_option::Column::StartUtc, Expr::value(fields.start_utc))
        .col_expr(poll_option::Column::EndUtc, Expr::value(fields.end_utc))
        .col_expr(poll_option::Column::SlotKey, Expr::value(slot.key()))
        .col_expr(poll_option::Column::PerDay, Expr::value(setup.per_day))
        .col_expr(
            poll_option::Column::Capacity,
            Expr::value(setup.capacity.map(|c| c as i32)),
        )
        .filter(poll_option::Column::Id.eq(option_id))
        .exec(txn)
        .await
        .map_err(unique_to_conflict)?;
    // Calendars busy at the old time may not be at the new one.
    super::calendars::write_marks(txn, poll_id, super::calendars::Marks::Option(option_id)).await?;
    append(txn, poll_id, actor, HistoryAction::OptionUpdated, None, json!({ "option_id": option_id, "slot": slot.key(), "per_day": setup.per_day, "capacity": setup.capacity })).await?;
    Ok(())
}

async fn delete_option_in(
    txn: &DatabaseTransaction,
    edit: &PollEdit,
    option_id: Uuid,
) -> Result<()> {
    let (poll_id, actor) = (edit.poll_id, &edit.actor);
    let poll = bump_version(txn, edit).await?;
    if !poll.options.iter().any(|o| o.id == option_id) {
        return Err(Error::NotFound("option"));
    }
    if poll.confirmed_option == Some(option_id) {
        return Err(Error::Conflict(
            "this option is the confirmed event: confirm another option before removing it".into(),
        ));
    }
    if poll.options.len() == 1 {
        return Err(Error::Conflict(
            "a poll needs at least one option: add another before removing this one".into(),
        ));
    }
    poll_option::Entity::delete_by_id(option_id)
        .exec(txn)
        .await?;
    append(
        txn,
        poll_id,
        actor,
        HistoryAction::OptionDeleted,
        None,
        json!({ "option_id": option_id }),
    )
    .await?;
    Ok(())
}

/// Raises the poll's version (checking it if the client sent one) and
/// returns the poll as it was. Option edits go through here, so an ETag read
/// before an option changed no longer matches.
async fn bump_version(txn: &DatabaseTransaction, edit: &PollEdit) -> Result<Poll> {
    let (organiser, poll_id) = (edit.organiser, edit.poll_id);
    let mut update = poll::Entity::update_many()
        .col_expr(
            poll::Column::Version,
            Expr::col(poll::Column::Version).add(1),
        )
        .col_expr(poll::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(poll::Column::Id.eq(poll_id))
        .filter(poll::Column::OrganiserId.eq(organiser));
    if let Some(v) = edit.expected_version {
        update = update.filter(poll::Column::Version.eq(v));
    }
    if update.exec(txn).await?.rows_affected == 0 {
        return Err(version_mismatch(txn, organiser, poll_id).await);
    }
    load_poll(txn, poll_id)
        .await?
        .ok_or(Error::NotFound("poll"))
}

/// Whether anyone has ever answered the poll (a withdrawn answer counts: its
/// revisions stay in the history).
async fn anyone_answered(txn: &DatabaseTransaction, id: Uuid) -> Result<bool> {
    let answered = poll_history::Entity::find()
        .select_only()
        .column(poll_history::Column::Id)
        .filter(poll_history::Column::PollId.eq(id))
        .filter(poll_history::Column::Action.is_in([
            HistoryAction::ResponseSubmitted.as_str(),
            HistoryAction::ResponseReplaced.as_str(),
            HistoryAction::ResponseWithdrawn.as_str(),
        ]))
        .limit(1)
        .into_tuple::<i64>()
        .one(txn)
        .await?;
    Ok(answered.is_some())
}

async fn version_mismatch(txn: &DatabaseTransaction, organiser: Uuid, id: Uuid) -> Error {
    match load_poll(txn, id).await {
        Ok(Some(p)) if p.organiser_id == organiser => Error::PreconditionFailed(format!(
            "the poll has changed since you read it (now at version {}): read it again and retry",
            p.version
        )),
        Ok(_) => Error::NotFound("poll"),
        Err(e) => e,
    }
}

fn ensure_slot_free(poll: &Poll, slot: &Slot, except: Option<Uuid>) -> Result<()> {
    if poll
        .options
        .iter()
        .any(|o| Some(o.id) != except && o.slot == *slot)
    {
        let field = match slot {
            Slot::AllDay { .. } => "start_date",
            Slot::Timed { .. } => "start",
        };
        return Err(Error::invalid(
            field,
            "the poll already has an option for exactly this slot",
        ));
    }
    Ok(())
}

fn unique_to_conflict(e: sea_orm::DbErr) -> Error {
    if super::is_unique_violation(&e) {
        Error::Conflict("the poll already has an option for exactly this slot".into())
    } else {
        e.into()
    }
}

async fn insert_options(
    txn: &DatabaseTransaction,
    options: Vec<poll_option::ActiveModel>,
) -> Result<()> {
    if options.is_empty() {
        return Ok(());
    }
    // Chunked so a 500-option poll stays under SQLite's bound-parameter limit.
    for chunk in options.chunks(100) {
        poll_option::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await
            .map_err(unique_to_conflict)?;
    }
    Ok(())
}

struct SlotFields {
    kind: &'static str,
    start_date: Option<chrono::NaiveDate>,
    end_date: Option<chrono::NaiveDate>,
    start_utc: Option<DateTime<Utc>>,
    end_utc: Option<DateTime<Utc>>,
}

fn slot_fields(slot: &Slot) -> SlotFields {
    match *slot {
        Slot::AllDay { start, end } => SlotFields {
            kind: "all_day",
            start_date: Some(start),
            end_date: Some(end),
            start_utc: None,
            end_utc: None,
        },
        Slot::Timed { start, end } => SlotFields {
            kind: "timed",
            start_date: None,
            end_date: None,
            start_utc: Some(start),
            end_utc: Some(end),
        },
    }
}

fn option_model(
    poll_id: Uuid,
    position: i32,
    slot: &Slot,
    setup: &OptionSetup,
    now: DateTime<Utc>,
) -> poll_option::ActiveModel {
    let f = slot_fields(slot);
    poll_option::ActiveModel {
        id: Set(Uuid::now_v7()),
        poll_id: Set(poll_id),
        position: Set(position),
        kind: Set(f.kind.to_string()),
        start_date: Set(f.start_date),
        end_date: Set(f.end_date),
        start_utc: Set(f.start_utc),
        end_utc: Set(f.end_utc),
        slot_key: Set(slot.key()),
        created_at: Set(now),
        per_day: Set(setup.per_day),
        capacity: Set(setup.capacity.map(|c| c as i32)),
    }
}

pub(super) fn to_poll(m: poll::Model, options: Vec<PollOption>) -> Result<Poll> {
    let bad = |what: &str| anyhow::anyhow!("poll {} has an unreadable {what}", m.id);
    Ok::<_, anyhow::Error>(Poll {
        zone: Zone::parse(&m.time_zone).map_err(|_| bad("time zone"))?,
        status: PollStatus::parse(&m.status).ok_or_else(|| bad("status"))?,
        settings: Settings {
            voting: Voting::parse(&m.voting).ok_or_else(|| bad("voting mode"))?,
            allow_if_need_be: m.allow_if_need_be,
            results_visibility: ResultsVisibility::parse(&m.results_visibility)
                .ok_or_else(|| bad("results visibility"))?,
            show_voter_names: m.show_voter_names,
            aggregate_only: m.aggregate_only,
            quorum: m.quorum.map(|q| Ord::max(q, 0) as u32),
            attendance: Modes::from_stored(m.attendance_modes.as_deref()),
        },
        id: m.id,
        organiser_id: m.organiser_id,
        title: m.title,
        description: m.description,
        location: m.location,
        deadline: m.deadline,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
        confirmed_option: m.confirmed_option_id,
        reminders: reminders::stored_reminders(m.reminders.as_deref()),
        options,
    })
    .context("reading a poll")
    .map_err(Error::Internal)
}

fn patch_details(p: &PollPatch) -> serde_json::Value {
    let mut d = serde_json::Map::new();
    if let Some(v) = &p.title {
        d.insert("title".into(), json!(v));
    }
    if let Some(v) = &p.description {
        d.insert("description".into(), json!(v));
    }
    if let Some(v) = &p.location {
        d.insert("location".into(), json!(v));
    }
    if let Some(v) = p.zone {
        d.insert("time_zone".into(), json!(v.name()));
    }
    if let Some(v) = p.deadline {
        d.insert(
            "deadline".into(),
            json!(v.map(crate::domain::time::render_utc)),
        );
    }
    if let Some(v) = p.voting {
        d.insert("voting".into(), json!(v.as_str()));
    }
    if let Some(v) = p.allow_if_need_be {
        d.insert("allow_if_need_be".into(), json!(v));
    }
    if let Some(v) = p.results_visibility {
        d.insert("results_visibility".into(), json!(v.as_str()));
    }
    if let Some(v) = p.show_voter_names {
        d.insert("show_voter_names".into(), json!(v));
    }
    if let Some(v) = p.aggregate_only {
        d.insert("aggregate_only".into(), json!(v));
    }
    if let Some(v) = p.quorum {
        d.insert("quorum".into(), json!(v));
    }
    if let Some(v) = &p.reminders {
        let texts: Vec<&str> = v.iter().map(|r| r.text.as_str()).collect();
        d.insert("reminders".into(), json!(texts));
    }
    if let Some(v) = p.attendance {
        let modes: Vec<&str> = v.list().iter().map(|a| a.as_str()).collect();
        d.insert("attendance_modes".into(), json!(modes));
    }
    serde_json::Value::Object(d)
}
