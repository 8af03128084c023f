//! Invitations: members invited to a poll, their personal tokens and
//! links, and what an invitation token opens. The roster they make is read
//! in `roster.rs`; the mail they get is queued in `mailing.rs`.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    Statement, sea_query::Expr,
};
use serde_json::json;
use uuid::Uuid;

use super::history::append;
use super::outbox::{self, Topic};
use super::roster::{ONE_INVITEE, clock_of, invitee_from_row, member_clock_of, roster_page};
use super::{Store, transaction};
use crate::domain::FieldError;
use crate::domain::access::InvitationGrant;
use crate::domain::history::{Actor, HistoryAction};
use crate::domain::mailing::{self, MemberMail};
use crate::domain::poll::Choice;
use crate::domain::standing::Invitee;
use crate::domain::token::{self, LinkKey, TokenKind};
use crate::entity::{invitation, member, member_group, poll, vote};
use crate::error::{Error, Result};

/// Whom to invite.
#[derive(Debug, Clone)]
pub enum Invitees {
    /// Every member of one of the organiser's groups.
    Group(Uuid),
    /// Members of any of the organiser's groups.
    Members(Vec<Uuid>),
}

/// A new or reissued invitation with its secrets, shown only this once.
#[derive(Debug, Clone)]
pub struct IssuedInvitation {
    pub invitee: Invitee,
    pub token: String,
    pub feed_token: String,
}

const GRANT: &str = r#"
SELECT i.id, i.poll_id, i.member_id, i.link_salt, m.name, m.time_zone, m.social_start,
       m.social_end, m.language,
       (SELECT COUNT(*) FROM response r WHERE r.invitation_id = i.id) AS answered
FROM invitation i
JOIN member m ON m.id = i.member_id
WHERE i.token_hash = $1"#;

/// Takes the poll's row lock (PostgreSQL) or the writer (SQLite), so that
/// concurrent invitation requests for one poll run one after the other;
/// 404 unless the organiser owns the poll.
pub(super) async fn lock_own_poll(
    txn: &DatabaseTransaction,
    organiser: Uuid,
    poll_id: Uuid,
) -> Result<()> {
    let locked = poll::Entity::update_many()
        .col_expr(poll::Column::Id, Expr::col(poll::Column::Id))
        .filter(poll::Column::Id.eq(poll_id))
        .filter(poll::Column::OrganiserId.eq(organiser))
        .exec(txn)
        .await?;
    if locked.rows_affected == 0 {
        return Err(Error::NotFound("poll"));
    }
    Ok(())
}

impl Store {
    /// The deployment's key for invitation links: made by the first instance
    /// that needs it (insert-if-absent, so instances starting together agree
    /// on one) and read once per process.
    pub async fn link_key(&self) -> Result<LinkKey> {
        self.link_key
            .get_or_try_init(|| async {
                let fresh = hex::encode(LinkKey::generate().bytes());
                let backend = self.backend();
                self.write
                    .execute_raw(Statement::from_sql_and_values(
                        backend,
                        "INSERT INTO server_key (id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
                        [fresh.into()],
                    ))
                    .await?;
                let row = self
                    .write
                    .query_one_raw(Statement::from_string(
                        backend,
                        "SELECT key FROM server_key WHERE id = 1",
                    ))
                    .await?
                    .ok_or_else(|| Error::Internal(anyhow::anyhow!("the server key is missing")))?;
                let key: String = row.try_get("", "key")?;
                let key = hex::decode(key)
                    .map_err(|e| Error::Internal(anyhow::anyhow!("the server key is not hex: {e}")))?;
                Ok(LinkKey::new(key))
            })
            .await
            .cloned()
    }

    /// Invites members to a poll and returns each new invitation with its
    /// tokens (shown only now). Members already invited are left as they are
    /// and returned in the second list. `mail`: queue the new invitations'
    /// mails, saying whether a mail server is configured (the mailing policy
    /// decides who gets one); `None`: mail no one.
    #[tracing::instrument(name = "store.create_invitations", skip_all, fields(poll_id = %poll_id))]
    pub async fn create_invitations(
        &self,
        organiser: Uuid,
        actor: &Actor,
        poll_id: Uuid,
        who: Invitees,
        required: bool,
        mail: Option<bool>,
    ) -> Result<(Vec<IssuedInvitation>, Vec<Uuid>)> {
        let now = Utc::now();
        let key = self.link_key().await?;
        transaction!(self, txn => {
            lock_own_poll(txn, organiser, poll_id).await?;
            // Read under the lock, so a member removed meanwhile is not invited.
            let members = members_to_invite(txn, organiser, &who).await?;
            let already: HashSet<Uuid> = invitation::Entity::find()
                .filter(invitation::Column::PollId.eq(poll_id))
                .all(txn)
                .await?
                .into_iter()
                .map(|i| i.member_id)
                .collect();
            let mut issued = Vec::new();
            let mut skipped = Vec::new();
            let mut rows = Vec::new();
            for m in &members {
                if already.contains(&m.id) {
                    skipped.push(m.id);
                    continue;
                }
                let salt = token::salt();
                let (token, feed) = (key.derive(TokenKind::Invitation, &salt), key.derive(TokenKind::Feed, &salt));
                let id = Uuid::now_v7();
                rows.push(invitation::ActiveModel {
                    id: Set(id),
                    poll_id: Set(poll_id),
                    member_id: Set(m.id),
                    required: Set(required),
                    token_hash: Set(token.hash),
                    feed_token_hash: Set(feed.hash),
                    link_salt: Set(Some(salt.clone())),
                    created_at: Set(now),
                    answer_changed_at: Set(None),
                    time_zone: Set(m.time_zone.clone()),
                    social_start: Set(m.social_start.clone()),
                    social_end: Set(m.social_end.clone()),
                    answered: Set(false),
                });
                issued.push(IssuedInvitation {
                    invitee: invitee_of(id, m, required, now, Some(salt))?,
                    token: token.secret,
                    feed_token: feed.secret,
                });
            }
            for chunk in rows.chunks(500) {
                invitation::Entity::insert_many(chunk.to_vec())
                    .exec_without_returning(txn)
                    .await?;
            }
            // The mails exist exactly when the invitations do.
            if let Some(configured) = mail {
                let first = MemberMail::Invitation { resend: false };
                for i in &issued {
                    if mailing::decide(first, i.invitee.email.is_some(), None, configured).is_ok() {
                        outbox::enqueue(txn, Topic::Invitation, poll_id, Some(i.invitee.invitation_id), now)
                            .await?;
                    }
                }
            }
            if !issued.is_empty() {
                append(
                    txn,
                    poll_id,
                    actor,
                    HistoryAction::MembersInvited,
                    None,
                    json!({
                        "required": required,
                        "members": issued.iter().map(|i| json!({
                            "member_id": i.invitee.member_id, "name": i.invitee.name
                        })).collect::<Vec<_>>(),
                    }),
                )
                .await?;
            }
            Ok((issued, skipped))
        })
    }

    /// Every invitation of the poll, oldest first, with answers but not
    /// their choices (of those who answered, or not, when `answered` is
    /// given): read a batch at a time, for the pages that need them all.
    pub async fn all_invitations(
        &self,
        poll_id: Uuid,
        answered: Option<bool>,
    ) -> Result<Vec<Invitee>> {
        const BATCH: u64 = 1000;
        let mut all = Vec::new();
        let mut after = None;
        loop {
            let batch = self
                .list_invitations(poll_id, after, BATCH, false, answered)
                .await?;
            let full = batch.len() as u64 == BATCH;
            after = batch.last().map(|i| i.invitation_id);
            all.extend(batch);
            if !full {
                return Ok(all);
            }
        }
    }

    /// One page of a poll's invitations, oldest first, with answers (and,
    /// when `with_votes`, each answer's choices).
    #[tracing::instrument(name = "store.list_invitations", skip_all, fields(poll_id = %poll_id))]
    pub async fn list_invitations(
        &self,
        poll_id: Uuid,
        after: Option<Uuid>,
        limit: u64,
        with_votes: bool,
        answered: Option<bool>,
    ) -> Result<Vec<Invitee>> {
        let mut page = roster_page(self.read(), poll_id, after, limit, answered).await?;
        if with_votes {
            let ids: Vec<Uuid> = page
                .iter()
                .filter_map(|i| i.answer.as_ref().map(|a| a.response_id))
                .collect();
            let mut by_response: BTreeMap<Uuid, Vec<(Uuid, Choice)>> = BTreeMap::new();
            for chunk in ids.chunks(500) {
                for v in vote::Entity::find()
                    .filter(vote::Column::ResponseId.is_in(chunk.iter().copied()))
                    .all(self.read())
                    .await?
                {
                    if let Some(c) = Choice::parse(&v.choice) {
                        by_response
                            .entry(v.response_id)
                            .or_default()
                            .push((v.option_id, c));
                    }
                }
            }
            for answer in page.iter_mut().filter_map(|i| i.answer.as_mut()) {
                answer.votes = by_response.remove(&answer.response_id).unwrap_or_default();
            }
        }
        Ok(page)
    }

    /// New tokens for an invitation; the old invitation and feed tokens stop
    /// working at once. The member's answer stays.
    #[tracing::instrument(name = "store.reissue_invitation", skip_all, fields(poll_id = %poll_id))]
    pub async fn reissue_invitation(
        &self,
        organiser: Uuid,
        actor: &Actor,
        poll_id: Uuid,
        invitation_id: Uuid,
    ) -> Result<IssuedInvitation> {
        let salt = token::salt();
        let key = self.link_key().await?;
        let (token, feed) = (
            key.derive(TokenKind::Invitation, &salt),
            key.derive(TokenKind::Feed, &salt),
        );
        transaction!(self, txn => {
            lock_own_poll(txn, organiser, poll_id).await?;
            let done = invitation::Entity::update_many()
                .col_expr(invitation::Column::TokenHash, Expr::value(token.hash.clone()))
                .col_expr(invitation::Column::FeedTokenHash, Expr::value(feed.hash.clone()))
                .col_expr(invitation::Column::LinkSalt, Expr::value(salt.clone()))
                .filter(invitation::Column::Id.eq(invitation_id))
                .filter(invitation::Column::PollId.eq(poll_id))
                .exec(txn)
                .await?;
            if done.rows_affected == 0 {
                return Err(Error::NotFound("invitation"));
            }
            append(txn, poll_id, actor, HistoryAction::InvitationReissued, None,
                json!({ "invitation_id": invitation_id })).await?;
            Ok(())
        })?;
        let invitee = self
            .invitee(poll_id, invitation_id)
            .await?
            .ok_or(Error::NotFound("invitation"))?;
        Ok(IssuedInvitation {
            invitee,
            token: token.secret,
            feed_token: feed.secret,
        })
    }

    /// One invitation of a poll.
    #[tracing::instrument(name = "store.invitee", skip_all, fields(poll_id = %poll_id))]
    pub async fn invitee(&self, poll_id: Uuid, invitation_id: Uuid) -> Result<Option<Invitee>> {
        let db = self.read();
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                ONE_INVITEE,
                [poll_id.into(), invitation_id.into()],
            ))
            .await?;
        row.as_ref().map(invitee_from_row).transpose()
    }

    #[tracing::instrument(name = "store.invitation_by_token", skip_all)]
    pub async fn invitation_by_token(&self, secret: &str) -> Result<Option<InvitationGrant>> {
        let db = self.read();
        let Some(row) = db
            .query_one_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                GRANT,
                [token::hash(secret).into()],
            ))
            .await?
        else {
            return Ok(None);
        };
        let (member_id, zone, social_hours) = member_clock_of(&row)?;
        Ok(Some(InvitationGrant {
            invitation_id: row.try_get("", "id")?,
            poll_id: row.try_get("", "poll_id")?,
            member_id,
            member_name: row.try_get("", "name")?,
            zone,
            social_hours,
            language: row.try_get("", "language")?,
            link_salt: row.try_get("", "link_salt")?,
            answered: row.try_get::<i64>("", "answered")? > 0,
        }))
    }
}

/// The members a request names, checked to belong to the organiser.
async fn members_to_invite(
    db: &impl ConnectionTrait,
    organiser: Uuid,
    who: &Invitees,
) -> Result<Vec<member::Model>> {
    match who {
        Invitees::Group(group_id) => {
            member_group::Entity::find_by_id(*group_id)
                .filter(member_group::Column::OrganiserId.eq(organiser))
                .one(db)
                .await?
                .ok_or(Error::NotFound("group"))?;
            Ok(member::Entity::find()
                .filter(member::Column::GroupId.eq(*group_id))
                .all(db)
                .await?)
        }
        Invitees::Members(ids) => {
            let groups: Vec<Uuid> = member_group::Entity::find()
                .filter(member_group::Column::OrganiserId.eq(organiser))
                .all(db)
                .await?
                .into_iter()
                .map(|g| g.id)
                .collect();
            let found: HashMap<Uuid, member::Model> = member::Entity::find()
                .filter(member::Column::GroupId.is_in(groups))
                .filter(member::Column::Id.is_in(ids.iter().copied()))
                .all(db)
                .await?
                .into_iter()
                .map(|m| (m.id, m))
                .collect();
            let mut errors = Vec::new();
            let mut seen = HashSet::new();
            let mut members = Vec::new();
            for (i, id) in ids.iter().enumerate() {
                match found.get(id) {
                    None => errors.push(FieldError::new(
                        format!("member_ids[{i}]"),
                        "no member of your groups has this id",
                    )),
                    Some(_) if !seen.insert(*id) => errors.push(FieldError::new(
                        format!("member_ids[{i}]"),
                        "this member is listed twice",
                    )),
                    Some(m) => members.push(m.clone()),
                }
            }
            if errors.is_empty() {
                Ok(members)
            } else {
                Err(errors.into())
            }
        }
    }
}

fn invitee_of(
    invitation_id: Uuid,
    m: &member::Model,
    required: bool,
    at: DateTime<Utc>,
    link_salt: Option<String>,
) -> Result<Invitee> {
    let (zone, social_hours) = clock_of(m.id, &m.time_zone, &m.social_start, &m.social_end)?;
    Ok(Invitee {
        invitation_id,
        member_id: m.id,
        name: m.name.clone(),
        email: m.email.clone(),
        zone,
        social_hours,
        required,
        invited_at: at,
        language: m.language.clone(),
        link_salt,
        answer: None,
    })
}
