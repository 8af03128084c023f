//! Rosters: groups of members, each owned by one organiser.

use chrono::{DateTime, NaiveTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement, sea_query::Expr,
};
use uuid::Uuid;

use super::roster::clock_of;
use super::{Store, transaction};
use crate::domain::limits::MAX_MEMBERS_PER_GROUP;
pub use crate::domain::roster::MemberPatch;
use crate::domain::roster::NewMember;
use crate::domain::time::{SocialHours, Zone};
use crate::entity::{invitation, member, member_group};
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct Group {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub member_count: u64,
}

/// A member as stored, read back.
#[derive(Debug, Clone)]
pub struct Member {
    pub id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub zone: Zone,
    pub social_hours: SocialHours,
    pub language: Option<String>,
}

impl TryFrom<member::Model> for Member {
    type Error = Error;

    fn try_from(m: member::Model) -> Result<Self> {
        let (zone, social_hours) = clock_of(m.id, &m.time_zone, &m.social_start, &m.social_end)?;
        Ok(Member {
            id: m.id,
            name: m.name,
            email: m.email,
            zone,
            social_hours,
            language: m.language,
        })
    }
}

fn members_of(models: Vec<member::Model>) -> Result<Vec<Member>> {
    models.into_iter().map(Member::try_from).collect()
}

/// Social hours as stored: "HH:MM".
fn clock_text(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

fn member_model(group_id: Uuid, m: &NewMember, now: DateTime<Utc>) -> member::Model {
    member::Model {
        id: Uuid::now_v7(),
        group_id,
        name: m.name.clone(),
        email: m.email.clone(),
        time_zone: m.zone.name().to_string(),
        social_start: clock_text(m.social_start),
        social_end: clock_text(m.social_end),
        language: m.language.clone(),
        created_at: now,
    }
}

/// Inserts the members and returns them as stored, in input order.
async fn insert_members(
    txn: &sea_orm::DatabaseTransaction,
    group_id: Uuid,
    members: &[NewMember],
) -> Result<Vec<member::Model>> {
    let now = Utc::now();
    let stored: Vec<member::Model> = members
        .iter()
        .map(|m| member_model(group_id, m, now))
        .collect();
    let rows: Vec<member::ActiveModel> = stored
        .iter()
        .map(|m| member::ActiveModel {
            id: Set(m.id),
            group_id: Set(m.group_id),
            name: Set(m.name.clone()),
            email: Set(m.email.clone()),
            time_zone: Set(m.time_zone.clone()),
            social_start: Set(m.social_start.clone()),
            social_end: Set(m.social_end.clone()),
            language: Set(m.language.clone()),
            created_at: Set(m.created_at),
        })
        .collect();
    // Chunked to stay under SQLite's bound-parameter limit.
    for chunk in rows.chunks(500) {
        member::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(stored)
}

impl Store {
    #[tracing::instrument(name = "store.create_group", skip_all)]
    pub async fn create_group(
        &self,
        organiser: Uuid,
        name: &str,
        members: &[NewMember],
    ) -> Result<Uuid> {
        let id = Uuid::now_v7();
        transaction!(self, txn => {
            member_group::Entity::insert(member_group::ActiveModel {
                id: Set(id),
                organiser_id: Set(organiser),
                name: Set(name.to_string()),
                created_at: Set(Utc::now()),
            })
            .exec_without_returning(txn)
            .await?;
            insert_members(txn, id, members).await?;
            Ok(())
        })?;
        Ok(id)
    }

    /// The group if `organiser` owns it.
    #[tracing::instrument(name = "store.owned_group", skip_all)]
    pub async fn owned_group(&self, organiser: Uuid, id: Uuid) -> Result<Group> {
        let g = member_group::Entity::find_by_id(id)
            .filter(member_group::Column::OrganiserId.eq(organiser))
            .one(self.read())
            .await?
            .ok_or(Error::NotFound("group"))?;
        let member_count = member::Entity::find()
            .filter(member::Column::GroupId.eq(id))
            .count(self.read())
            .await?;
        Ok(Group {
            id: g.id,
            name: g.name,
            created_at: g.created_at,
            member_count,
        })
    }

    #[tracing::instrument(name = "store.members", skip_all)]
    pub async fn members(&self, group_id: Uuid) -> Result<Vec<Member>> {
        members_of(
            member::Entity::find()
                .filter(member::Column::GroupId.eq(group_id))
                .order_by_asc(member::Column::Id)
                .all(self.read())
                .await?,
        )
    }

    /// The organiser's groups, oldest first, one page.
    #[tracing::instrument(name = "store.list_groups", skip_all)]
    pub async fn list_groups(
        &self,
        organiser: Uuid,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<Group>> {
        let mut q =
            member_group::Entity::find().filter(member_group::Column::OrganiserId.eq(organiser));
        if let Some(after) = after {
            q = q.filter(member_group::Column::Id.gt(after));
        }
        let groups = q
            .order_by_asc(member_group::Column::Id)
            .limit(limit)
            .all(self.read())
            .await?;
        let ids: Vec<Uuid> = groups.iter().map(|g| g.id).collect();
        let counts: Vec<(Uuid, i64)> = member::Entity::find()
            .select_only()
            .column(member::Column::GroupId)
            .column_as(Expr::cust("COUNT(*)"), "n")
            .filter(member::Column::GroupId.is_in(ids))
            .group_by(member::Column::GroupId)
            .into_tuple()
            .all(self.read())
            .await?;
        Ok(groups
            .into_iter()
            .map(|g| Group {
                member_count: counts
                    .iter()
                    .find(|(id, _)| *id == g.id)
                    .map(|(_, n)| *n as u64)
                    .unwrap_or(0),
                id: g.id,
                name: g.name,
                created_at: g.created_at,
            })
            .collect())
    }

    /// Adds members in bulk, all or none; returns them as stored, in input order.
    #[tracing::instrument(name = "store.add_members", skip_all)]
    pub async fn add_members(
        &self,
        organiser: Uuid,
        group_id: Uuid,
        members: &[NewMember],
    ) -> Result<Vec<Member>> {
        let added = transaction!(self, txn => {
            member_group::Entity::find_by_id(group_id)
                .filter(member_group::Column::OrganiserId.eq(organiser))
                .one(txn)
                .await?
                .ok_or(Error::NotFound("group"))?;
            let existing = member::Entity::find().filter(member::Column::GroupId.eq(group_id)).count(txn).await?;
            if existing as usize + members.len() > MAX_MEMBERS_PER_GROUP {
                return Err(Error::Conflict(format!(
                    "a group may have at most {MAX_MEMBERS_PER_GROUP} members; it has {existing}"
                )));
            }
            insert_members(txn, group_id, members).await
        })?;
        members_of(added)
    }

    #[tracing::instrument(name = "store.update_member", skip_all)]
    pub async fn update_member(
        &self,
        organiser: Uuid,
        group_id: Uuid,
        member_id: Uuid,
        patch: MemberPatch,
    ) -> Result<Member> {
        self.owned_group(organiser, group_id).await?;
        let clock_changes =
            patch.time_zone.is_some() || patch.social_start.is_some() || patch.social_end.is_some();
        let mut update = member::Entity::update_many()
            .filter(member::Column::Id.eq(member_id))
            .filter(member::Column::GroupId.eq(group_id));
        if let Some(v) = patch.name {
            update = update.col_expr(member::Column::Name, Expr::value(v));
        }
        if let Some(v) = patch.email {
            update = update.col_expr(member::Column::Email, Expr::value(v));
        }
        if let Some(v) = patch.time_zone {
            update = update.col_expr(member::Column::TimeZone, Expr::value(v.name()));
        }
        if let Some(v) = patch.social_start {
            update = update.col_expr(member::Column::SocialStart, Expr::value(clock_text(v)));
        }
        if let Some(v) = patch.social_end {
            update = update.col_expr(member::Column::SocialEnd, Expr::value(clock_text(v)));
        }
        if let Some(v) = patch.language {
            update = update.col_expr(member::Column::Language, Expr::value(v));
        }
        // An empty patch still checks that the member exists.
        update = update.col_expr(member::Column::GroupId, Expr::value(group_id));
        let updated = transaction!(self, txn => {
            if update.clone().exec(txn).await?.rows_affected == 0 {
                return Err(Error::NotFound("member"));
            }
            let updated = member::Entity::find_by_id(member_id)
                .one(txn)
                .await?
                .ok_or(Error::NotFound("member"))?;
            // Start or end may change alone: the pair is checked as it now stands.
            if updated.social_start == updated.social_end {
                return Err(Error::invalid(
                    "social_hours_end",
                    "social hours must not start and end at the same time",
                ));
            }
            if clock_changes {
                // Each invitation carries its member's clock, which the
                // roster's tallies count by (their trigger moves the count).
                invitation::Entity::update_many()
                    .col_expr(invitation::Column::TimeZone, Expr::value(updated.time_zone.clone()))
                    .col_expr(invitation::Column::SocialStart, Expr::value(updated.social_start.clone()))
                    .col_expr(invitation::Column::SocialEnd, Expr::value(updated.social_end.clone()))
                    .filter(invitation::Column::MemberId.eq(member_id))
                    .exec(txn)
                    .await?;
            }
            Ok(updated)
        })?;
        Member::try_from(updated)
    }

    #[tracing::instrument(name = "store.remove_member", skip_all)]
    pub async fn remove_member(
        &self,
        organiser: Uuid,
        group_id: Uuid,
        member_id: Uuid,
    ) -> Result<()> {
        self.owned_group(organiser, group_id).await?;
        // Their invitations go with them (the foreign keys cascade), so
        // their tokens and feed stop answering; what they answered stays,
        // counted and in the history, no longer linked to an invitation —
        // and so no longer a required member's: that count is taken back
        // first, with their invitations locked (as a vote locks them) so no
        // answer of theirs moves in between.
        let done = transaction!(self, txn => {
            let backend = txn.get_database_backend();
            let member = [member_id.into(), group_id.into()];
            txn.execute_raw(Statement::from_sql_and_values(backend, LOCK_INVITATIONS, member.clone()))
                .await?;
            txn.execute_raw(Statement::from_sql_and_values(
                backend,
                UNCOUNT_REQUIRED_ANSWERS,
                member,
            ))
            .await?;
            Ok(member::Entity::delete_many()
                .filter(member::Column::Id.eq(member_id))
                .filter(member::Column::GroupId.eq(group_id))
                .exec(txn)
                .await?)
        })?;
        if done.rows_affected == 0 {
            return Err(Error::NotFound("member"));
        }
        Ok(())
    }
}

/// Takes a member's invitation row locks, as every vote of theirs does first.
const LOCK_INVITATIONS: &str = "UPDATE invitation SET answer_changed_at = answer_changed_at \
     WHERE member_id = $1 AND member_id IN (SELECT id FROM member WHERE group_id = $2)";

/// Takes a member's answers out of the required members' availability
/// (`option_tally.required_available`), before their invitations go.
const UNCOUNT_REQUIRED_ANSWERS: &str = r#"
UPDATE option_tally SET required_available = required_available - (
    SELECT COUNT(*) FROM vote v
    JOIN response r ON r.id = v.response_id
    JOIN invitation i ON i.id = r.invitation_id
    WHERE i.member_id = $1 AND i.required AND v.option_id = option_tally.option_id
      AND r.shard = option_tally.shard AND v.choice IN ('yes', 'if_need_be'))
WHERE option_id IN (
    SELECT v.option_id FROM vote v
    JOIN response r ON r.id = v.response_id
    JOIN invitation i ON i.id = r.invitation_id
    JOIN member m ON m.id = i.member_id
    WHERE i.member_id = $1 AND m.group_id = $2 AND i.required)"#;
