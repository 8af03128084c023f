//! Who a bearer API token is, and the operator's ways in: the first start,
//! `convene token create` and `convene organiser add`.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::{Store, transaction};
use crate::domain::access::Organiser;
use crate::domain::roles::{self, Role, Scope};
use crate::domain::token::{self, TokenKind};
use crate::entity::{api_token, organiser, person};
use crate::error::{Error, Result};

/// The name of the tokens `convene token create --name` issues: issuing
/// one again revokes the earlier ones of this name.
const CLI_TOKEN: &str = "convene token create";

/// How stale `last_used_at` may get before a request writes it again: one
/// write a minute per token, not one per request.
const LAST_USED_GRANULARITY: Duration = Duration::seconds(60);

/// What the operator is told after creating a person from the command line
/// or at the first start.
#[derive(Debug, Clone)]
pub struct Issued {
    pub workspace: String,
    pub person: String,
    pub role: Role,
    pub scope: Scope,
    /// The token's secret, to be shown once.
    pub token: String,
    /// Whether the workspace was created now.
    pub new_workspace: bool,
}

pub(super) fn unique_or(err: sea_orm::DbErr, conflict: &str) -> Error {
    if super::is_unique_violation(&err) {
        Error::Conflict(conflict.to_string())
    } else {
        err.into()
    }
}

/// The placeholder a new workspace keeps in the retired `token_hash` column:
/// unique, and never the hash of a token (it is not hexadecimal).
fn no_token_hash(id: Uuid) -> String {
    format!("none:{}", id.simple())
}

pub(super) async fn insert_workspace(
    txn: &DatabaseTransaction,
    name: &str,
) -> Result<organiser::Model> {
    let id = Uuid::now_v7();
    organiser::ActiveModel {
        id: Set(id),
        name: Set(name.to_string()),
        token_hash: Set(no_token_hash(id)),
        created_at: Set(Utc::now()),
        reply_to: Set(None),
    }
    .insert(txn)
    .await
    .map_err(|e| unique_or(e, "a workspace of this name exists already"))
}

pub(super) async fn insert_person(
    txn: &DatabaseTransaction,
    workspace_id: Uuid,
    email: Option<&str>,
    name: &str,
    role: Role,
) -> Result<person::Model> {
    person::ActiveModel {
        id: Set(Uuid::now_v7()),
        workspace_id: Set(workspace_id),
        email: Set(email.map(str::to_lowercase)),
        name: Set(name.to_string()),
        role: Set(role.as_str().to_string()),
        created_at: Set(Utc::now()),
    }
    .insert(txn)
    .await
    .map_err(|e| unique_or(e, "a person with this email is in the workspace already"))
}

/// Mints a token for a person and stores its hash; returns the row and the
/// secret (shown once).
pub(super) async fn insert_token(
    txn: &impl ConnectionTrait,
    person_id: Uuid,
    name: &str,
    scope: Scope,
) -> Result<(api_token::Model, String)> {
    let minted = token::generate(TokenKind::Organiser);
    let model = api_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        person_id: Set(person_id),
        name: Set(name.to_string()),
        scope: Set(scope.as_str().to_string()),
        token_hash: Set(minted.hash),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
    }
    .insert(txn)
    .await?;
    Ok((model, minted.secret))
}

pub(super) fn role_of(p: &person::Model) -> Result<Role> {
    Role::parse(&p.role)
        .ok_or_else(|| anyhow::anyhow!("person {} has an unknown role {:?}", p.id, p.role).into())
}

impl Store {
    /// Issues a token for the workspace called `name`, creating it (with an
    /// owner of the same name) if it is new. The token is its first owner's
    /// `write` token; one issued this way before stops working: that is how
    /// `convene token create --name` re-issues. Returns the secret, to be
    /// shown once.
    #[tracing::instrument(name = "store.issue_organiser_token", skip_all)]
    pub async fn issue_organiser_token(&self, name: &str) -> Result<(Organiser, String)> {
        let name = name.to_string();
        transaction!(self, txn => {
            let existing = organiser::Entity::find()
                .filter(organiser::Column::Name.eq(&name))
                .one(txn)
                .await?;
            let workspace = match existing {
                Some(w) => w,
                None => insert_workspace(txn, &name).await?,
            };
            let owner = person::Entity::find()
                .filter(person::Column::WorkspaceId.eq(workspace.id))
                .filter(person::Column::Role.eq(Role::Owner.as_str()))
                .order_by_asc(person::Column::CreatedAt)
                .order_by_asc(person::Column::Id)
                .one(txn)
                .await?;
            let owner = match owner {
                Some(p) => p,
                None => insert_person(txn, workspace.id, None, &name, Role::Owner).await?,
            };
            api_token::Entity::delete_many()
                .filter(api_token::Column::PersonId.eq(owner.id))
                .filter(api_token::Column::Name.eq(CLI_TOKEN))
                .exec(txn)
                .await?;
            let (_, secret) = insert_token(txn, owner.id, CLI_TOKEN, Scope::Write).await?;
            Ok((
                Organiser {
                    workspace_id: workspace.id,
                    person_id: owner.id,
                    name: owner.name,
                    role: Role::Owner,
                    scope: Scope::Write,
                },
                secret,
            ))
        })
    }

    /// `convene organiser add`: a new person in the workspace `workspace`
    /// (created if new; left out, the only workspace there is, or a new one
    /// named after the person when there is none), with a token for them:
    /// `write`, or `read` for a viewer.
    #[tracing::instrument(name = "store.add_organiser", skip_all)]
    pub async fn add_organiser(
        &self,
        email: &str,
        name: &str,
        workspace: Option<&str>,
        role: Role,
    ) -> Result<Issued> {
        let (email, name) = (email.to_lowercase(), name.to_string());
        let workspace = workspace.map(str::to_string);
        transaction!(self, txn => {
            let found = match &workspace {
                Some(w) => organiser::Entity::find()
                    .filter(organiser::Column::Name.eq(w))
                    .one(txn)
                    .await?,
                None => {
                    let all = organiser::Entity::find().all(txn).await?;
                    if all.len() > 1 {
                        return Err(Error::Conflict(
                            "there are several workspaces: say which with --workspace".into(),
                        ));
                    }
                    all.into_iter().next()
                }
            };
            let (ws, new_workspace) = match found {
                Some(w) => (w, false),
                None => {
                    let ws_name = workspace.clone().unwrap_or_else(|| name.clone());
                    (insert_workspace(txn, &ws_name).await?, true)
                }
            };
            let p = insert_person(txn, ws.id, Some(&email), &name, role).await?;
            let scope = roles::issued_scope(role, Scope::Write);
            let (_, secret) = insert_token(txn, p.id, "convene organiser add", scope).await?;
            Ok(Issued {
                workspace: ws.name,
                person: p.name,
                role,
                scope,
                token: secret,
                new_workspace,
            })
        })
    }

    /// `convene token create --email`: a further token for the person with
    /// this address (in the only workspace that has one, else `workspace`).
    #[tracing::instrument(name = "store.issue_person_token", skip_all)]
    pub async fn issue_person_token(
        &self,
        email: &str,
        workspace: Option<&str>,
        scope: Scope,
        label: &str,
    ) -> Result<Issued> {
        let email = email.to_lowercase();
        let workspace = workspace.map(str::to_string);
        let label = label.to_string();
        transaction!(self, txn => {
            let mut people = person::Entity::find()
                .filter(person::Column::Email.eq(&email))
                .all(txn)
                .await?;
            let mut spaces = Vec::new();
            for p in &people {
                spaces.push(organiser::Entity::find_by_id(p.workspace_id).one(txn).await?);
            }
            let mut pairs: Vec<_> = people.drain(..).zip(spaces).filter_map(|(p, w)| Some((p, w?))).collect();
            if let Some(w) = &workspace {
                pairs.retain(|(_, ws)| &ws.name == w);
            }
            let (p, ws) = match pairs.len() {
                0 => return Err(Error::NotFound("person with this email")),
                1 => pairs.remove(0),
                _ => return Err(Error::Conflict(
                    "this address is in several workspaces: say which with --workspace".into(),
                )),
            };
            let role = role_of(&p)?;
            let scope = roles::issued_scope(role, scope);
            let (_, secret) = insert_token(txn, p.id, &label, scope).await?;
            Ok(Issued {
                workspace: ws.name,
                person: p.name,
                role,
                scope,
                token: secret,
                new_workspace: false,
            })
        })
    }

    /// On an empty database, creates a first workspace with its owner and
    /// returns the owner's token so the operator can start at once. Several
    /// instances starting together race on the unique workspace name; only
    /// one wins and prints a token.
    #[tracing::instrument(name = "store.bootstrap_organiser", skip_all)]
    pub async fn bootstrap_organiser(&self) -> Result<Option<Issued>> {
        if organiser::Entity::find().count(&self.write).await? > 0 {
            return Ok(None);
        }
        let made = transaction!(self, txn => {
            let ws = insert_workspace(txn, "My workspace").await?;
            let p = insert_person(txn, ws.id, None, "Owner", Role::Owner).await?;
            let (_, secret) = insert_token(txn, p.id, "first start", Scope::Write).await?;
            Ok(Issued {
                workspace: ws.name,
                person: p.name,
                role: Role::Owner,
                scope: Scope::Write,
                token: secret,
                new_workspace: true,
            })
        });
        match made {
            Ok(issued) => Ok(Some(issued)),
            Err(Error::Conflict(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The person a `cvn_org_` token stands for, with its scope; None when
    /// no such token exists (never issued, revoked, or its person removed).
    #[tracing::instrument(name = "store.organiser_by_token", skip_all)]
    pub async fn organiser_by_token(&self, secret: &str) -> Result<Option<Organiser>> {
        let Some(t) = api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(token::hash(secret)))
            .one(&self.read)
            .await?
        else {
            return Ok(None);
        };
        let Some(p) = person::Entity::find_by_id(t.person_id)
            .one(&self.read)
            .await?
        else {
            return Ok(None);
        };
        let now = Utc::now();
        if t.last_used_at
            .is_none_or(|at| now - at > LAST_USED_GRANULARITY)
        {
            api_token::Entity::update_many()
                .col_expr(
                    api_token::Column::LastUsedAt,
                    sea_orm::sea_query::Expr::value(now),
                )
                .filter(api_token::Column::Id.eq(t.id))
                .exec(&self.write)
                .await?;
        }
        let scope = Scope::parse(&t.scope)
            .ok_or_else(|| anyhow::anyhow!("token {} has an unknown scope {:?}", t.id, t.scope))?;
        Ok(Some(Organiser {
            workspace_id: p.workspace_id,
            person_id: p.id,
            role: role_of(&p)?,
            name: p.name,
            scope,
        }))
    }
}
