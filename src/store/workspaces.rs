//! A workspace: its name and reply address, its people and their API tokens.
//! Every query is scoped by the caller's workspace, so another workspace's
//! person or token is "not found", never touched.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::organisers::{insert_person, insert_token, role_of, unique_or};
use super::{Store, transaction};
use crate::domain::roles::{Role, Scope, ensure_owner_remains};
use crate::entity::{api_token, console_session, organiser, person};
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct Person {
    pub id: Uuid,
    pub email: Option<String>,
    pub name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct Workspace {
    pub id: Uuid,
    pub name: String,
    pub reply_to: Option<String>,
    pub people: Vec<Person>,
}

#[derive(Debug, Clone)]
pub struct ApiToken {
    pub id: Uuid,
    pub person_id: Uuid,
    pub name: String,
    pub scope: Scope,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A change to a person; None leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct PersonPatch {
    pub email: Option<String>,
    pub name: Option<String>,
    pub role: Option<Role>,
}

/// A change to a workspace; `reply_to: Some(None)` clears the address.
#[derive(Debug, Clone, Default)]
pub struct WorkspacePatch {
    pub name: Option<String>,
    pub reply_to: Option<Option<String>>,
}

fn person_view(p: person::Model) -> Result<Person> {
    Ok(Person {
        role: role_of(&p)?,
        id: p.id,
        email: p.email,
        name: p.name,
        created_at: p.created_at,
    })
}

fn token_view(t: api_token::Model) -> Result<ApiToken> {
    Ok(ApiToken {
        scope: Scope::parse(&t.scope)
            .ok_or_else(|| anyhow::anyhow!("token {} has an unknown scope", t.id))?,
        id: t.id,
        person_id: t.person_id,
        name: t.name,
        created_at: t.created_at,
        last_used_at: t.last_used_at,
    })
}

/// Takes the workspace's row lock for the rest of the transaction, so that
/// checks over its people (how many owners remain) cannot race: a no-op
/// update locks the row on PostgreSQL; SQLite's writer holds the database.
async fn lock_workspace(txn: &DatabaseTransaction, workspace: Uuid) -> Result<()> {
    organiser::Entity::update_many()
        .col_expr(
            organiser::Column::Name,
            sea_orm::sea_query::Expr::col(organiser::Column::Name),
        )
        .filter(organiser::Column::Id.eq(workspace))
        .exec(txn)
        .await?;
    Ok(())
}

async fn person_in(
    db: &impl ConnectionTrait,
    workspace: Uuid,
    person_id: Uuid,
) -> Result<person::Model> {
    person::Entity::find_by_id(person_id)
        .filter(person::Column::WorkspaceId.eq(workspace))
        .one(db)
        .await?
        .ok_or(Error::NotFound("person"))
}

async fn owners(txn: &DatabaseTransaction, workspace: Uuid) -> Result<u64> {
    Ok(person::Entity::find()
        .filter(person::Column::WorkspaceId.eq(workspace))
        .filter(person::Column::Role.eq(Role::Owner.as_str()))
        .count(txn)
        .await?)
}

impl Store {
    #[tracing::instrument(name = "store.workspace", skip_all)]
    pub async fn workspace(&self, id: Uuid) -> Result<Workspace> {
        let ws = organiser::Entity::find_by_id(id)
            .one(&self.read)
            .await?
            .ok_or(Error::NotFound("workspace"))?;
        let people = person::Entity::find()
            .filter(person::Column::WorkspaceId.eq(id))
            .order_by_asc(person::Column::CreatedAt)
            .order_by_asc(person::Column::Id)
            .all(&self.read)
            .await?
            .into_iter()
            .map(person_view)
            .collect::<Result<_>>()?;
        Ok(Workspace {
            id: ws.id,
            name: ws.name,
            reply_to: ws.reply_to,
            people,
        })
    }

    /// What a mail about one of the workspace's polls says it is from: its
    /// name and reply address (None when the workspace is gone).
    #[tracing::instrument(name = "store.workspace_sender", skip_all)]
    pub async fn workspace_sender(&self, id: Uuid) -> Result<Option<(String, Option<String>)>> {
        Ok(organiser::Entity::find_by_id(id)
            .one(&self.read)
            .await?
            .map(|w| (w.name, w.reply_to)))
    }

    #[tracing::instrument(name = "store.update_workspace", skip_all)]
    pub async fn update_workspace(&self, id: Uuid, patch: WorkspacePatch) -> Result<Workspace> {
        transaction!(self, txn => {
            let ws = organiser::Entity::find_by_id(id)
                .one(txn)
                .await?
                .ok_or(Error::NotFound("workspace"))?;
            let mut active: organiser::ActiveModel = ws.into();
            if let Some(name) = patch.name.clone() {
                active.name = Set(name);
            }
            if let Some(reply_to) = patch.reply_to.clone() {
                active.reply_to = Set(reply_to);
            }
            active
                .update(txn)
                .await
                .map_err(|e| unique_or(e, "another workspace has this name"))?;
            Ok(())
        })?;
        self.workspace(id).await
    }

    #[tracing::instrument(name = "store.add_person", skip_all)]
    pub async fn add_person(
        &self,
        workspace: Uuid,
        email: &str,
        name: &str,
        role: Role,
        lang: &str,
    ) -> Result<Person> {
        let (email, name) = (email.to_string(), name.to_string());
        let key = self.link_key().await?;
        let now = Utc::now();
        transaction!(self, txn => {
            let p = person_view(insert_person(txn, workspace, Some(&email), &name, role).await?)?;
            // Their way in: a sign-in link, mailed with the person's row.
            super::sessions::insert_link(txn, &key, &email, lang, now).await?;
            Ok(p)
        })
    }

    /// Changes a person; never demotes the workspace's last owner.
    #[tracing::instrument(name = "store.update_person", skip_all)]
    pub async fn update_person(
        &self,
        workspace: Uuid,
        person_id: Uuid,
        patch: PersonPatch,
    ) -> Result<Person> {
        transaction!(self, txn => {
            lock_workspace(txn, workspace).await?;
            let p = person_in(txn, workspace, person_id).await?;
            if let Some(next) = patch.role {
                ensure_owner_remains(role_of(&p)?, Some(next), owners(txn, workspace).await?)
                    .map_err(|e| Error::Conflict(e.to_string()))?;
            }
            let mut active: person::ActiveModel = p.into();
            if let Some(email) = &patch.email {
                active.email = Set(Some(email.to_lowercase()));
            }
            if let Some(name) = &patch.name {
                active.name = Set(name.clone());
            }
            if let Some(role) = patch.role {
                active.role = Set(role.as_str().to_string());
            }
            let updated = active.update(txn).await.map_err(|e| {
                unique_or(e, "a person with this email is in the workspace already")
            })?;
            person_view(updated)
        })
    }

    /// Removes a person and, with them, their API tokens; never the
    /// workspace's last owner.
    #[tracing::instrument(name = "store.remove_person", skip_all)]
    pub async fn remove_person(&self, workspace: Uuid, person_id: Uuid) -> Result<()> {
        transaction!(self, txn => {
            lock_workspace(txn, workspace).await?;
            let p = person_in(txn, workspace, person_id).await?;
            ensure_owner_remains(role_of(&p)?, None, owners(txn, workspace).await?)
                .map_err(|e| Error::Conflict(e.to_string()))?;
            api_token::Entity::delete_many()
                .filter(api_token::Column::PersonId.eq(p.id))
                .exec(txn)
                .await?;
            // Signed out everywhere, at once (not left to a cascade, which
            // SQLite applies only with foreign keys switched on).
            console_session::Entity::delete_many()
                .filter(console_session::Column::PersonId.eq(p.id))
                .exec(txn)
                .await?;
            person::Entity::delete_by_id(p.id).exec(txn).await?;
            Ok(())
        })
    }

    /// A new API token for a person of the workspace; the secret is
    /// returned once and only its hash kept.
    #[tracing::instrument(name = "store.create_api_token", skip_all)]
    pub async fn create_api_token(
        &self,
        workspace: Uuid,
        person_id: Uuid,
        name: &str,
        scope: Scope,
    ) -> Result<(ApiToken, Role, String)> {
        let name = name.to_string();
        transaction!(self, txn => {
            let p = person_in(txn, workspace, person_id).await?;
            let role = role_of(&p)?;
            let (model, secret) = insert_token(txn, p.id, &name, scope).await?;
            Ok((token_view(model)?, role, secret))
        })
    }

    /// The workspace's API tokens, or only `person`'s; never a secret.
    #[tracing::instrument(name = "store.list_api_tokens", skip_all)]
    pub async fn list_api_tokens(
        &self,
        workspace: Uuid,
        person: Option<Uuid>,
    ) -> Result<Vec<ApiToken>> {
        let people: Vec<Uuid> = match person {
            Some(p) => vec![p],
            None => person::Entity::find()
                .filter(person::Column::WorkspaceId.eq(workspace))
                .all(&self.read)
                .await?
                .into_iter()
                .map(|p| p.id)
                .collect(),
        };
        api_token::Entity::find()
            .filter(api_token::Column::PersonId.is_in(people))
            .order_by_asc(api_token::Column::CreatedAt)
            .order_by_asc(api_token::Column::Id)
            .all(&self.read)
            .await?
            .into_iter()
            .map(token_view)
            .collect()
    }

    /// The token `token_id` of the workspace, with its person.
    #[tracing::instrument(name = "store.api_token", skip_all)]
    pub async fn api_token(&self, workspace: Uuid, token_id: Uuid) -> Result<ApiToken> {
        let t = api_token::Entity::find_by_id(token_id)
            .one(&self.read)
            .await?
            .ok_or(Error::NotFound("token"))?;
        person_in(&self.read, workspace, t.person_id)
            .await
            .map_err(|_| Error::NotFound("token"))?;
        token_view(t)
    }

    /// Revokes a token at once: its row goes, so the next request with it
    /// finds nothing.
    #[tracing::instrument(name = "store.revoke_api_token", skip_all)]
    pub async fn revoke_api_token(&self, token_id: Uuid) -> Result<()> {
        let gone = api_token::Entity::delete_by_id(token_id)
            .exec(&self.write)
            .await?;
        if gone.rows_affected == 0 {
            return Err(Error::NotFound("token"));
        }
        Ok(())
    }
}
