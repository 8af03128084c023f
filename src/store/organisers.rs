//! Organiser accounts and their API tokens.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use uuid::Uuid;

use super::{Store, transaction};
use crate::domain::access::Organiser;
use crate::domain::token::{self, TokenKind};
use crate::entity::organiser;
use crate::error::Result;

impl Store {
    /// Issues a token for the organiser called `name`, creating the account if
    /// it is new. An existing organiser's old token stops working: that is how
    /// a token is re-issued. Returns the secret, to be shown once.
    #[tracing::instrument(name = "store.issue_organiser_token", skip_all)]
    pub async fn issue_organiser_token(&self, name: &str) -> Result<(Organiser, String)> {
        let name = name.to_string();
        transaction!(self, txn => {
            let minted = token::generate(TokenKind::Organiser);
            let existing = organiser::Entity::find()
                .filter(organiser::Column::Name.eq(&name))
                .one(txn)
                .await?;
            let model = match existing {
                Some(m) => {
                    let mut active: organiser::ActiveModel = m.into();
                    active.token_hash = Set(minted.hash.clone());
                    active.update(txn).await?
                }
                None => {
                    organiser::ActiveModel {
                        id: Set(Uuid::now_v7()),
                        name: Set(name.clone()),
                        token_hash: Set(minted.hash.clone()),
                        created_at: Set(Utc::now()),
                    }
                    .insert(txn)
                    .await?
                }
            };
            Ok((
                Organiser {
                    id: model.id,
                    name: model.name,
                },
                minted.secret,
            ))
        })
    }

    /// On an empty database, creates a first organiser and returns its token
    /// so the operator can start at once. Several instances starting together
    /// race on the unique name; only one wins and prints a token.
    #[tracing::instrument(name = "store.bootstrap_organiser", skip_all)]
    pub async fn bootstrap_organiser(&self) -> Result<Option<String>> {
        if organiser::Entity::find().count(&self.write).await? > 0 {
            return Ok(None);
        }
        let minted = token::generate(TokenKind::Organiser);
        let inserted = organiser::Entity::insert(organiser::ActiveModel {
            id: Set(Uuid::now_v7()),
            name: Set("Organiser".into()),
            token_hash: Set(minted.hash),
            created_at: Set(Utc::now()),
        })
        .exec(&self.write)
        .await;
        match inserted {
            Ok(_) => Ok(Some(minted.secret)),
            Err(e) if super::is_unique_violation(&e) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    #[tracing::instrument(name = "store.organiser_by_token", skip_all)]
    pub async fn organiser_by_token(&self, secret: &str) -> Result<Option<Organiser>> {
        let found = organiser::Entity::find()
            .filter(organiser::Column::TokenHash.eq(token::hash(secret)))
            .one(&self.read)
            .await?;
        Ok(found.map(|m| Organiser {
            id: m.id,
            name: m.name,
        }))
    }
}
