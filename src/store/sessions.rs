//! The console's sign-in: emailed links (asked for, mailed through the
//! outbox, redeemed once) and sessions (begun, read on each request, ended).
//! Rows every instance shares; only hashes of secrets.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter,
    QueryOrder, sea_query::Expr,
};
use uuid::Uuid;

use super::organisers::role_of;
use super::{Store, transaction};
use crate::domain::access::Organiser;
use crate::domain::roles::Scope;
use crate::domain::sign_in::{
    LINK_VALIDITY, LinkRefused, SessionState, SessionTimes, link_state, normalise_email,
};
use crate::domain::token::{self, LinkKey, TokenKind};
use crate::entity::{console_session, organiser, person, sign_in_link};
use crate::error::{Error, Result};

/// How a person signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Email,
    Oidc,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Email => "email",
            Method::Oidc => "oidc",
        }
    }
}

/// A session just begun: the secret for the cookie (never stored).
#[derive(Debug, Clone)]
pub struct NewSession {
    pub secret: String,
    pub id: Uuid,
    pub expires_at: DateTime<Utc>,
}

/// Who a live session is.
#[derive(Debug, Clone)]
pub struct Session {
    /// The row's id: what the forms' CSRF tokens are bound to.
    pub id: Uuid,
    /// The person, as every check of rights takes them (a session acts
    /// with the person's whole role).
    pub organiser: Organiser,
    /// The address the sign-in proved (not the person row's, which an
    /// owner can change): the workspaces it may switch between are this
    /// address's.
    pub email: Option<String>,
    pub workspace: String,
    pub expires_at: DateTime<Utc>,
}

/// One workspace a person belongs to.
#[derive(Debug, Clone)]
pub struct Membership {
    /// The person's row in that workspace.
    pub person_id: Uuid,
    pub workspace_id: Uuid,
    pub workspace: String,
    pub role: crate::domain::roles::Role,
}

/// What a sign-in link's mail says.
#[derive(Debug, Clone)]
pub struct LinkMail {
    pub email: String,
    /// The name of the first person with this address, for the greeting.
    pub name: String,
    pub lang: String,
    pub secret: String,
    pub expires_at: DateTime<Utc>,
}

impl Store {
    /// Asks for a sign-in link for `email`: a link is made and its mail
    /// queued in one transaction, whether or not a person has this address.
    /// The request does the same work either way, so neither its answer
    /// nor its time tells which addresses are known; the outbox worker
    /// sends the mail only to a person's address and drops the rest.
    #[tracing::instrument(name = "store.request_sign_in_link", skip_all)]
    pub async fn request_sign_in_link(
        &self,
        email: &str,
        lang: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let email = normalise_email(email);
        let key = self.link_key().await?;
        let lang = lang.to_string();
        transaction!(self, txn => { insert_link(txn, &key, &email, &lang, now).await })
    }

    /// What the mail for link `id` says, with the link's secret derived
    /// again; None when the link is gone, used or expired, or its address
    /// is no person's (nothing to send).
    pub async fn sign_in_link_mail(
        &self,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Option<LinkMail>> {
        let Some(link) = sign_in_link::Entity::find_by_id(id)
            .one(&self.write)
            .await?
        else {
            return Ok(None);
        };
        if link_state(link.used_at, link.expires_at, now).is_err() {
            return Ok(None);
        }
        let Some(person) = person::Entity::find()
            .filter(person::Column::Email.eq(link.email.clone()))
            .order_by_asc(person::Column::CreatedAt)
            .one(&self.write)
            .await?
        else {
            return Ok(None);
        };
        let name = person.name;
        let key = self.link_key().await?;
        Ok(Some(LinkMail {
            secret: key.derive(TokenKind::SignIn, &id.to_string()).secret,
            email: link.email,
            name,
            lang: link.lang,
            expires_at: link.expires_at,
        }))
    }

    /// Redeems an emailed link: marks it used (once: the update is
    /// conditional, so two clicks racing sign in one browser) and begins a
    /// session for the address's person. A person in several workspaces
    /// signs in to the one they joined first.
    #[tracing::instrument(name = "store.redeem_sign_in_link", skip_all)]
    pub async fn redeem_sign_in_link(
        &self,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<NewSession, LinkRefused>> {
        if TokenKind::of(secret) != Some(TokenKind::SignIn) {
            return Ok(Err(LinkRefused::Unknown));
        }
        let hash = token::hash(secret);
        transaction!(self, txn => {
            let Some(link) = sign_in_link::Entity::find()
                .filter(sign_in_link::Column::TokenHash.eq(hash.clone()))
                .one(txn)
                .await?
            else {
                return Ok(Err(LinkRefused::Unknown));
            };
            if let Err(refused) = link_state(link.used_at, link.expires_at, now) {
                return Ok(Err(refused));
            }
            let claimed = sign_in_link::Entity::update_many()
                .col_expr(sign_in_link::Column::UsedAt, Expr::value(now))
                .filter(sign_in_link::Column::Id.eq(link.id))
                .filter(sign_in_link::Column::UsedAt.is_null())
                .exec(txn)
                .await?;
            if claimed.rows_affected != 1 {
                return Ok(Err(LinkRefused::Used));
            }
            let Some(person) = person::Entity::find()
                .filter(person::Column::Email.eq(link.email.clone()))
                .order_by_asc(person::Column::CreatedAt)
                .one(txn)
                .await?
            else {
                // Removed since the link was asked for.
                return Ok(Err(LinkRefused::Unknown));
            };
            Ok(Ok(insert_session(txn, person.id, Method::Email, &link.email, now).await?))
        })
    }

    /// Begins a session for a person (after an emailed link, or a verified
    /// OpenID Connect sign-in).
    #[tracing::instrument(name = "store.start_session", skip_all)]
    pub async fn start_session(
        &self,
        person_id: Uuid,
        method: Method,
        proven_email: &str,
        now: DateTime<Utc>,
    ) -> Result<NewSession> {
        transaction!(self, txn => { insert_session(txn, person_id, method, proven_email, now).await })
    }

    /// The live session a cookie's secret stands for; an ended one is
    /// deleted and reads as none.
    pub async fn session(&self, secret: &str, now: DateTime<Utc>) -> Result<Option<Session>> {
        if TokenKind::of(secret) != Some(TokenKind::Session) {
            return Ok(None);
        }
        let Some(s) = console_session::Entity::find()
            .filter(console_session::Column::TokenHash.eq(token::hash(secret)))
            .one(&self.read)
            .await?
        else {
            return Ok(None);
        };
        // The row goes with its person (a cascade), but a read may land
        // between the two.
        let Some(p) = person::Entity::find_by_id(s.person_id)
            .one(&self.read)
            .await?
        else {
            return Ok(None);
        };
        let times = SessionTimes {
            last_seen_at: s.last_seen_at,
            expires_at: s.expires_at,
        };
        match times.state(now) {
            SessionState::Ended => {
                self.end_session_by_id(s.id).await?;
                return Ok(None);
            }
            SessionState::Live { touch: true } => {
                console_session::Entity::update_many()
                    .col_expr(console_session::Column::LastSeenAt, Expr::value(now))
                    .filter(console_session::Column::Id.eq(s.id))
                    .exec(&self.write)
                    .await?;
            }
            SessionState::Live { touch: false } => {}
        }
        let workspace = organiser::Entity::find_by_id(p.workspace_id)
            .one(&self.read)
            .await?
            .map(|w| w.name)
            .unwrap_or_default();
        let role = role_of(&p)?;
        Ok(Some(Session {
            id: s.id,
            organiser: Organiser {
                workspace_id: p.workspace_id,
                person_id: p.id,
                name: p.name,
                role,
                // A person in the console acts with their whole role.
                scope: Scope::Write,
            },
            // The address the sign-in proved, not the person row's, which
            // an owner may change: it decides where the session may switch.
            email: s.proven_email,
            workspace,
            expires_at: s.expires_at,
        }))
    }

    /// The workspaces a person with this address belongs to (one person
    /// row each), in the order they joined: the first is where signing in
    /// lands.
    #[tracing::instrument(name = "store.memberships", skip_all)]
    pub async fn memberships(&self, email: &str) -> Result<Vec<Membership>> {
        let people = person::Entity::find()
            .filter(person::Column::Email.eq(normalise_email(email)))
            .order_by_asc(person::Column::CreatedAt)
            .order_by_asc(person::Column::Id)
            .all(&self.read)
            .await?;
        let ids: Vec<Uuid> = people.iter().map(|p| p.workspace_id).collect();
        let names: std::collections::HashMap<Uuid, String> = organiser::Entity::find()
            .filter(organiser::Column::Id.is_in(ids))
            .all(&self.read)
            .await?
            .into_iter()
            .map(|w| (w.id, w.name))
            .collect();
        people
            .into_iter()
            .map(|p| {
                Ok(Membership {
                    role: role_of(&p)?,
                    workspace: names.get(&p.workspace_id).cloned().unwrap_or_default(),
                    person_id: p.id,
                    workspace_id: p.workspace_id,
                })
            })
            .collect()
    }

    /// Moves a session to another workspace of its person: to the person
    /// row `to`, which must have the session person's address (the same
    /// person, who could sign in there as well). False, and nothing
    /// changed, when `to` is no such row.
    #[tracing::instrument(name = "store.switch_workspace", skip_all)]
    pub async fn switch_workspace(&self, session: &Session, to: Uuid) -> Result<bool> {
        let Some(email) = session.email.as_deref() else {
            return Ok(false);
        };
        let same = self
            .memberships(email)
            .await?
            .iter()
            .any(|m| m.person_id == to);
        if !same {
            return Ok(false);
        }
        let done = console_session::Entity::update_many()
            .col_expr(console_session::Column::PersonId, Expr::value(to))
            .filter(console_session::Column::Id.eq(session.id))
            .filter(console_session::Column::PersonId.eq(session.organiser.person_id))
            .exec(&self.write)
            .await?;
        Ok(done.rows_affected == 1)
    }

    /// Signs a browser out: its session row goes, so every instance refuses
    /// the cookie from now on.
    pub async fn end_session(&self, secret: &str) -> Result<()> {
        console_session::Entity::delete_many()
            .filter(console_session::Column::TokenHash.eq(token::hash(secret)))
            .exec(&self.write)
            .await?;
        Ok(())
    }

    async fn end_session_by_id(&self, id: Uuid) -> Result<()> {
        console_session::Entity::delete_by_id(id)
            .exec(&self.write)
            .await?;
        Ok(())
    }

    /// Forgets ended sessions and links that can no longer be used.
    pub async fn prune_sign_in(&self, now: DateTime<Utc>) -> Result<u64> {
        let idle_from = now - crate::domain::sign_in::IDLE_EXPIRY;
        let sessions = console_session::Entity::delete_many()
            .filter(
                Condition::any()
                    .add(console_session::Column::ExpiresAt.lte(now))
                    .add(console_session::Column::LastSeenAt.lte(idle_from)),
            )
            .exec(&self.write)
            .await?;
        // Kept a day past expiry, so a late click is told "expired" rather
        // than "unknown".
        let links = sign_in_link::Entity::delete_many()
            .filter(sign_in_link::Column::ExpiresAt.lte(now - chrono::Duration::days(1)))
            .exec(&self.write)
            .await?;
        Ok(sessions.rows_affected + links.rows_affected)
    }
}

/// Makes a sign-in link for `email` and queues its mail, in the caller's
/// transaction.
pub(super) async fn insert_link(
    txn: &sea_orm::DatabaseTransaction,
    key: &LinkKey,
    email: &str,
    lang: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let id = Uuid::now_v7();
    let derived = key.derive(TokenKind::SignIn, &id.to_string());
    sign_in_link::ActiveModel {
        id: Set(id),
        email: Set(normalise_email(email)),
        token_hash: Set(derived.hash),
        lang: Set(lang.to_string()),
        created_at: Set(now),
        expires_at: Set(now + LINK_VALIDITY),
        used_at: Set(None),
    }
    .insert(txn)
    .await?;
    super::outbox::enqueue_sign_in(txn, id, now).await?;
    Ok(())
}

async fn insert_session(
    txn: &sea_orm::DatabaseTransaction,
    person_id: Uuid,
    method: Method,
    proven_email: &str,
    now: DateTime<Utc>,
) -> Result<NewSession> {
    let new = token::generate(TokenKind::Session);
    let times = SessionTimes::begin(now);
    let id = Uuid::now_v7();
    console_session::ActiveModel {
        id: Set(id),
        token_hash: Set(new.hash),
        person_id: Set(person_id),
        method: Set(method.as_str().to_string()),
        created_at: Set(now),
        last_seen_at: Set(times.last_seen_at),
        expires_at: Set(times.expires_at),
        proven_email: Set(Some(normalise_email(proven_email))),
    }
    .insert(txn)
    .await
    .map_err(|e| match e {
        sea_orm::DbErr::Exec(_) | sea_orm::DbErr::Query(_) if super::is_unique_violation(&e) => {
            Error::Conflict("session id clash; sign in again".into())
        }
        other => other.into(),
    })?;
    Ok(NewSession {
        secret: new.secret,
        id,
        expires_at: times.expires_at,
    })
}
