//! Calendar feeds: their tokens, the one-query fingerprint that answers
//! conditional requests, and the polls a feed shows.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    Statement, sea_query::Expr,
};
use uuid::Uuid;

use super::Store;
use super::polls::{poll_and_options_columns, poll_from_rows};
use crate::domain::poll::Poll;
use crate::domain::token::{self, TokenKind};
use crate::entity::feed;
use crate::error::{Error, Result};

/// What a feed shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedScope {
    /// Every poll of one organiser.
    Organiser(Uuid),
}

/// Enough to answer `If-None-Match` / `If-Modified-Since` without rendering:
/// any change to any poll in the feed changes the count, the sum of
/// versions (versions only rise) or the latest update.
#[derive(Debug, Clone)]
pub struct FeedStamp {
    pub feed_id: Uuid,
    pub scope: FeedScope,
    /// For the calendar's name.
    pub organiser_name: String,
    pub polls: i64,
    pub version_sum: i64,
    pub last_modified: Option<DateTime<Utc>>,
}

/// One indexed query: the feed by its token hash, and its polls' stamps.
const FEED_STAMP: &str = r#"
SELECT f.id AS feed_id, f.organiser_id, o.name AS organiser_name,
       COUNT(p.id) AS polls,
       CAST(COALESCE(SUM(p.version), 0) AS BIGINT) AS version_sum,
       MAX(p.updated_at) AS last_modified
FROM feed f
JOIN organiser o ON o.id = f.organiser_id
LEFT JOIN poll p ON p.organiser_id = f.organiser_id
WHERE f.token_hash = $1
GROUP BY f.id, f.organiser_id, o.name"#;

const ORGANISER_POLLS: &str = concat!(
    poll_and_options_columns!(),
    "
FROM poll p
LEFT JOIN poll_option o ON o.poll_id = p.id
WHERE p.organiser_id = $1
ORDER BY p.id, o.position, o.id"
);

impl Store {
    /// The organiser's feeds, creating the organiser feed on first use. A
    /// feed created now comes with its token (shown only this once).
    pub async fn organiser_feeds(
        &self,
        organiser: Uuid,
    ) -> Result<Vec<(feed::Model, Option<String>)>> {
        let existing = feed::Entity::find()
            .filter(feed::Column::OrganiserId.eq(organiser))
            .order_by_asc(feed::Column::Id)
            .all(self.read())
            .await?;
        if !existing.is_empty() {
            return Ok(existing.into_iter().map(|f| (f, None)).collect());
        }
        let minted = token::generate(TokenKind::Feed);
        let model = feed::Model {
            id: Uuid::now_v7(),
            organiser_id: organiser,
            kind: "organiser".into(),
            token_hash: minted.hash,
            created_at: Utc::now(),
        };
        feed::Entity::insert(feed::ActiveModel {
            id: Set(model.id),
            organiser_id: Set(model.organiser_id),
            kind: Set(model.kind.clone()),
            token_hash: Set(model.token_hash.clone()),
            created_at: Set(model.created_at),
        })
        .exec_without_returning(&self.write)
        .await?;
        Ok(vec![(model, Some(minted.secret))])
    }

    /// A new token for a feed; the old one stops working at once.
    pub async fn rotate_feed(
        &self,
        organiser: Uuid,
        feed_id: Uuid,
    ) -> Result<(feed::Model, String)> {
        let minted = token::generate(TokenKind::Feed);
        let done = feed::Entity::update_many()
            .col_expr(feed::Column::TokenHash, Expr::value(minted.hash.clone()))
            .filter(feed::Column::Id.eq(feed_id))
            .filter(feed::Column::OrganiserId.eq(organiser))
            .exec(&self.write)
            .await?;
        if done.rows_affected == 0 {
            return Err(Error::NotFound("feed"));
        }
        let model = feed::Entity::find_by_id(feed_id)
            .one(self.read())
            .await?
            .ok_or(Error::NotFound("feed"))?;
        Ok((model, minted.secret))
    }

    pub async fn feed_stamp(&self, secret: &str) -> Result<Option<FeedStamp>> {
        let db = self.read();
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                FEED_STAMP,
                [token::hash(secret).into()],
            ))
            .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(FeedStamp {
            feed_id: row.try_get("", "feed_id")?,
            scope: FeedScope::Organiser(row.try_get("", "organiser_id")?),
            organiser_name: row.try_get("", "organiser_name")?,
            polls: row.try_get("", "polls")?,
            version_sum: row.try_get("", "version_sum")?,
            last_modified: row.try_get("", "last_modified")?,
        }))
    }

    /// Every poll a feed shows, with options, in one query.
    pub async fn feed_polls(&self, scope: FeedScope) -> Result<Vec<Poll>> {
        let FeedScope::Organiser(organiser) = scope;
        let db = self.read();
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                ORGANISER_POLLS,
                [organiser.into()],
            ))
            .await?;
        let mut polls = Vec::new();
        let mut start = 0;
        for i in 1..=rows.len() {
            let boundary = i == rows.len()
                || rows[i].try_get::<Uuid>("", "id")? != rows[start].try_get::<Uuid>("", "id")?;
            if boundary {
                if let Some(p) = poll_from_rows(&rows[start..i])? {
                    polls.push(p);
                }
                start = i;
            }
        }
        Ok(polls)
    }
}
