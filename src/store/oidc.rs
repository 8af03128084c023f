//! Single sign-on (OpenID Connect): the flows in progress, in the database so
//! that any instance can finish a flow another began, and the people an
//! address the identity provider vouched for signs in.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    sea_query::Expr,
};
use uuid::Uuid;

use super::organisers::{insert_person, insert_workspace, role_of};
use super::{Store, transaction};
use crate::domain::roles::Role;
use crate::entity::{oidc_flow, organiser, person};
use crate::error::{Error, Result};

/// What a flow's callback finds.
#[derive(Debug, PartialEq, Eq)]
pub enum TakenFlow {
    /// The flow, now used: its secrets, to finish it with.
    Ready {
        nonce: String,
        pkce_verifier: String,
    },
    /// No flow with this state began here (or it was pruned).
    Unknown,
    /// The flow was finished already: a replay.
    Used,
    /// The flow is older than its time limit.
    Expired,
}

/// A person an address signs in as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInPerson {
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub workspace: String,
    pub name: String,
    pub role: Role,
}

impl Store {
    /// Records a flow the browser is sent off to the provider with.
    #[tracing::instrument(name = "store.begin_oidc_flow", skip_all)]
    pub async fn begin_oidc_flow(
        &self,
        state_hash: &str,
        nonce: &str,
        pkce_verifier: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        oidc_flow::ActiveModel {
            state_hash: Set(state_hash.to_string()),
            nonce: Set(Some(nonce.to_string())),
            pkce_verifier: Set(Some(pkce_verifier.to_string())),
            created_at: Set(now),
            expires_at: Set(expires_at),
            used_at: Set(None),
        }
        .insert(&self.write)
        .await?;
        Ok(())
    }

    /// Takes the flow with this state for its one use: marks it used and
    /// erases its secrets, returning them. Of two callbacks racing with the
    /// same state, exactly one gets [`TakenFlow::Ready`].
    #[tracing::instrument(name = "store.take_oidc_flow", skip_all)]
    pub async fn take_oidc_flow(&self, state_hash: &str, now: DateTime<Utc>) -> Result<TakenFlow> {
        let Some(flow) = oidc_flow::Entity::find_by_id(state_hash.to_string())
            .one(&self.write)
            .await?
        else {
            return Ok(TakenFlow::Unknown);
        };
        if flow.used_at.is_some() {
            return Ok(TakenFlow::Used);
        }
        if flow.expires_at <= now {
            return Ok(TakenFlow::Expired);
        }
        let (Some(nonce), Some(pkce_verifier)) = (flow.nonce, flow.pkce_verifier) else {
            return Ok(TakenFlow::Used);
        };
        // The update is the claim: only one caller sees its row change.
        let claimed = oidc_flow::Entity::update_many()
            .col_expr(oidc_flow::Column::UsedAt, Expr::value(now))
            .col_expr(
                oidc_flow::Column::Nonce,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                oidc_flow::Column::PkceVerifier,
                Expr::value(Option::<String>::None),
            )
            .filter(oidc_flow::Column::StateHash.eq(state_hash))
            .filter(oidc_flow::Column::UsedAt.is_null())
            .exec(&self.write)
            .await?;
        if claimed.rows_affected != 1 {
            return Ok(TakenFlow::Used);
        }
        Ok(TakenFlow::Ready {
            nonce,
            pkce_verifier,
        })
    }

    /// What the flow with this state is, without using it: [`TakenFlow::Ready`]
    /// (with its secrets left out) while it may still be finished.
    #[tracing::instrument(name = "store.peek_oidc_flow", skip_all)]
    pub async fn peek_oidc_flow(&self, state_hash: &str, now: DateTime<Utc>) -> Result<TakenFlow> {
        let flow = oidc_flow::Entity::find_by_id(state_hash.to_string())
            .one(&self.read)
            .await?;
        Ok(match flow {
            None => TakenFlow::Unknown,
            Some(f) if f.used_at.is_some() => TakenFlow::Used,
            Some(f) if f.expires_at <= now => TakenFlow::Expired,
            Some(_) => TakenFlow::Ready {
                nonce: String::new(),
                pkce_verifier: String::new(),
            },
        })
    }

    /// Forgets flows that expired before `before`.
    #[tracing::instrument(name = "store.prune_oidc_flows", skip_all)]
    pub async fn prune_oidc_flows(&self, before: DateTime<Utc>) -> Result<u64> {
        let done = oidc_flow::Entity::delete_many()
            .filter(oidc_flow::Column::ExpiresAt.lt(before))
            .exec(&self.write)
            .await?;
        Ok(done.rows_affected)
    }

    /// The people with this address (lower-cased), in every workspace,
    /// oldest first.
    #[tracing::instrument(name = "store.people_with_email", skip_all)]
    pub async fn people_with_email(&self, email: &str) -> Result<Vec<SignInPerson>> {
        let people = person::Entity::find()
            .filter(person::Column::Email.eq(email.to_lowercase()))
            .order_by_asc(person::Column::CreatedAt)
            .order_by_asc(person::Column::Id)
            .all(&self.write)
            .await?;
        let mut out = Vec::with_capacity(people.len());
        for p in people {
            // One or two rows in practice: a query each is simpler than a join.
            let Some(ws) = organiser::Entity::find_by_id(p.workspace_id)
                .one(&self.write)
                .await?
            else {
                continue;
            };
            out.push(SignInPerson {
                role: role_of(&p)?,
                id: p.id,
                workspace_id: ws.id,
                workspace: ws.name,
                name: p.name,
            });
        }
        Ok(out)
    }

    /// A new person, owner of a new workspace of their own, for an address
    /// no workspace has yet. The workspace is named after the address
    /// (the owner can rename it); workspace names are unique, so of two
    /// first sign-ins racing for one address only one creates it, and the
    /// other is answered with the person it made.
    #[tracing::instrument(name = "store.create_own_workspace", skip_all)]
    pub async fn create_own_workspace(&self, email: &str, name: &str) -> Result<SignInPerson> {
        let email = email.to_lowercase();
        let name = name.to_string();
        for attempt in 0..3 {
            let ws_name = match attempt {
                0 => email.clone(),
                // A workspace someone else named after this address.
                _ => format!("{email} ({})", &Uuid::new_v4().simple().to_string()[..6]),
            };
            let made = transaction!(self, txn => {
                let ws = insert_workspace(txn, &ws_name).await?;
                let p = insert_person(txn, ws.id, Some(&email), &name, Role::Owner).await?;
                Ok(SignInPerson {
                    id: p.id,
                    workspace_id: ws.id,
                    workspace: ws.name,
                    name: p.name,
                    role: Role::Owner,
                })
            });
            match made {
                Err(Error::Conflict(_)) => {
                    if let Some(p) = self.people_with_email(&email).await?.into_iter().next() {
                        return Ok(p);
                    }
                }
                other => return other,
            }
        }
        Err(Error::Conflict(
            "no free workspace name was found for this address".into(),
        ))
    }
}
