//! Calendar feeds: their tokens, the one-query fingerprint that answers
//! conditional requests, and the polls a feed shows.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Statement, sea_query::Expr,
};
use uuid::Uuid;

use super::Store;
use super::polls::{poll_and_options_columns, poll_from_rows};
use std::collections::HashMap;

use crate::domain::calendar::{FeedFigures, FeedScope, Guest};
use crate::domain::poll::{Choice, Poll};
use crate::domain::token::{self, TokenKind};
use crate::entity::{feed, member_group};
use crate::error::{Error, Result};

/// One indexed query for whichever feed the token hash opens: an
/// organiser's feed (every poll of theirs) or a member's, addressed by one of
/// their invitations' feed tokens (every poll they are invited to, and their
/// answers; a member removed from the roster has no invitations left, so no
/// row). Calendar apps poll feeds forever, so a hit costs one round trip
/// whichever kind it is.
/// What every branch of [`FEED_STAMP`] counts of the feed's polls `p`.
macro_rules! poll_figures {
    () => {
        "
       COUNT(p.id) AS polls,
       CAST(COALESCE(SUM(p.version), 0) AS BIGINT) AS version_sum,
       MAX(p.updated_at) AS last_modified,"
    };
}

/// The member columns of a feed that is no member's (organiser and group
/// feeds): no email, no answers.
macro_rules! no_member {
    () => {
        "
       CAST(NULL AS TEXT) AS owner_email,
       CAST(0 AS BIGINT) AS answers, CAST(0 AS BIGINT) AS answer_revisions,
       CAST(NULL AS TIMESTAMPTZ) AS answers_modified"
    };
}

const FEED_STAMP: &str = concat!(
    r#"
SELECT 'organiser' AS scope,
       f.id AS feed_id, f.organiser_id AS owner_id, o.name AS owner_name,
"#,
    poll_figures!(),
    no_member!(),
    r#"
FROM feed f
JOIN organiser o ON o.id = f.organiser_id
LEFT JOIN poll p ON p.organiser_id = f.organiser_id
WHERE f.token_hash = $1 AND f.group_id IS NULL
GROUP BY f.id, f.organiser_id, o.name
UNION ALL
SELECT 'group' AS scope,
       f.id AS feed_id, g.id AS owner_id, g.name AS owner_name,
"#,
    poll_figures!(),
    no_member!(),
    r#"
FROM feed f
JOIN member_group g ON g.id = f.group_id
LEFT JOIN poll p ON p.id IN (
    SELECT i.poll_id FROM invitation i JOIN member m ON m.id = i.member_id
    WHERE m.group_id = g.id)
WHERE f.token_hash = $1
GROUP BY f.id, g.id, g.name
UNION ALL
SELECT 'member' AS scope,
       mine.id AS feed_id, mine.member_id AS owner_id, m.name AS owner_name,
"#,
    poll_figures!(),
    // In the order of `no_member!`: UNION ALL matches columns by position.
    r#"
       m.email AS owner_email,
       COUNT(r.id) AS answers,
       CAST(COALESCE(SUM(r.revision), 0) AS BIGINT) AS answer_revisions,
       MAX(i.answer_changed_at) AS answers_modified
FROM invitation mine
JOIN member m ON m.id = mine.member_id
JOIN invitation i ON i.member_id = mine.member_id
JOIN poll p ON p.id = i.poll_id
LEFT JOIN response r ON r.invitation_id = i.id
WHERE mine.feed_token_hash = $1
GROUP BY mine.id, mine.member_id, m.name, m.email"#
);

const MEMBER_POLLS: &str = concat!(
    poll_and_options_columns!(),
    "
FROM poll p
LEFT JOIN poll_option o ON o.poll_id = p.id
WHERE p.id IN (
    SELECT poll_id FROM invitation WHERE member_id = $1 AND poll_id > $2
    ORDER BY poll_id LIMIT $3)
ORDER BY p.id, o.position, o.id"
);

/// A member's invitations with their answers' choices, one row per vote
/// (or one row with no vote for an invitation not answered). A yes that
/// waits for an in-person seat reads as "if need be": TENTATIVE in the
/// member's calendar until a seat is theirs.
const MEMBER_ANSWERS: &str = r#"
SELECT i.poll_id, i.required, m.name, m.email, v.option_id,
       CASE WHEN v.seat = 'waiting' THEN 'if_need_be' ELSE v.choice END AS choice
FROM invitation i
JOIN member m ON m.id = i.member_id
LEFT JOIN response r ON r.invitation_id = i.id
LEFT JOIN vote v ON v.response_id = r.id
WHERE i.member_id = $1"#;

const GROUP_POLLS: &str = concat!(
    poll_and_options_columns!(),
    "
FROM poll p
LEFT JOIN poll_option o ON o.poll_id = p.id
WHERE p.id IN (
    SELECT DISTINCT i.poll_id FROM invitation i JOIN member m ON m.id = i.member_id
    WHERE m.group_id = $1 AND i.poll_id > $2
    ORDER BY i.poll_id LIMIT $3)
ORDER BY p.id, o.position, o.id"
);

const ORGANISER_POLLS: &str = concat!(
    poll_and_options_columns!(),
    "
FROM poll p
LEFT JOIN poll_option o ON o.poll_id = p.id
WHERE p.id IN (
    SELECT id FROM poll WHERE organiser_id = $1 AND id > $2 ORDER BY id LIMIT $3)
ORDER BY p.id, o.position, o.id"
);

/// A subscription feed as its organiser lists it: an organiser's own
/// (`group_id` none) or a group's.
#[derive(Debug, Clone)]
pub struct Feed {
    pub id: Uuid,
    pub group_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<feed::Model> for Feed {
    fn from(m: feed::Model) -> Self {
        Feed {
            id: m.id,
            group_id: m.group_id,
            created_at: m.created_at,
        }
    }
}

impl Store {
    /// The workspace's feeds: its own and one per group, each created on
    /// first use. A feed created now comes with its token (shown only this
    /// once). Without `mint` (a caller who may not see addresses), only the
    /// feeds that exist, and nothing is created.
    #[tracing::instrument(name = "store.organiser_feeds", skip_all)]
    pub async fn organiser_feeds(
        &self,
        organiser: Uuid,
        mint: bool,
    ) -> Result<Vec<(Feed, Option<String>)>> {
        let existing = feed::Entity::find()
            .filter(feed::Column::OrganiserId.eq(organiser))
            .order_by_asc(feed::Column::Id)
            .all(self.read())
            .await?;
        let groups = member_group::Entity::find()
            .filter(member_group::Column::OrganiserId.eq(organiser))
            .order_by_asc(member_group::Column::Id)
            .all(self.read())
            .await?;
        let mut feeds: Vec<(feed::Model, Option<String>)> =
            existing.iter().cloned().map(|f| (f, None)).collect();
        let mut missing: Vec<Option<Uuid>> = Vec::new();
        if !existing.iter().any(|f| f.group_id.is_none()) {
            missing.push(None);
        }
        missing.extend(
            groups
                .iter()
                .filter(|g| !existing.iter().any(|f| f.group_id == Some(g.id)))
                .map(|g| Some(g.id)),
        );
        if !mint {
            missing.clear();
        }
        for group in missing {
            let minted = token::generate(TokenKind::Feed);
            let model = feed::Model {
                id: Uuid::now_v7(),
                organiser_id: organiser,
                kind: if group.is_some() {
                    "group"
                } else {
                    "organiser"
                }
                .into(),
                group_id: group,
                token_hash: minted.hash,
                created_at: Utc::now(),
            };
            let inserted = feed::Entity::insert(feed::ActiveModel::from(model.clone()))
                .exec_without_returning(&self.write)
                .await;
            match inserted {
                Ok(_) => feeds.push((model, Some(minted.secret))),
                // Another request created this group's feed just now: it
                // showed the address; this listing shows it without.
                Err(e) if group.is_some() && super::is_unique_violation(&e) => {
                    if let Some(f) = feed::Entity::find()
                        .filter(feed::Column::GroupId.eq(group))
                        .one(&self.write)
                        .await?
                    {
                        feeds.push((f, None));
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        // The organiser's own feed first, then the groups' in creation order.
        feeds.sort_by_key(|(f, _)| (f.group_id.is_some(), f.created_at, f.id));
        Ok(feeds
            .into_iter()
            .map(|(f, secret)| (f.into(), secret))
            .collect())
    }

    /// The groups whose feeds show `poll`: those with a member invited to it.
    #[tracing::instrument(name = "store.poll_feed_groups", skip_all)]
    pub async fn poll_feed_groups(&self, poll_id: Uuid) -> Result<Vec<Uuid>> {
        let rows = self
            .read()
            .query_all_raw(Statement::from_sql_and_values(
                self.backend(),
                "SELECT DISTINCT m.group_id FROM invitation i JOIN member m ON m.id = i.member_id \
                 WHERE i.poll_id = $1",
                [poll_id.into()],
            ))
            .await?;
        rows.iter()
            .map(|r| Ok(r.try_get::<Uuid>("", "group_id")?))
            .collect()
    }

    /// A new token for a feed; the old one stops working at once.
    #[tracing::instrument(name = "store.rotate_feed", skip_all)]
    pub async fn rotate_feed(&self, organiser: Uuid, feed_id: Uuid) -> Result<(Feed, String)> {
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
        Ok((model.into(), minted.secret))
    }

    /// The figures of the feed a token opens: an organiser's feed, else a
    /// member's. Each is one indexed query.
    #[tracing::instrument(name = "store.feed_figures", skip_all)]
    pub async fn feed_figures(&self, secret: &str) -> Result<Option<FeedFigures>> {
        let db = self.read();
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                FEED_STAMP,
                [token::hash(secret).into()],
            ))
            .await?;
        let Some(row) = row else { return Ok(None) };
        let owner: Uuid = row.try_get("", "owner_id")?;
        Ok(Some(FeedFigures {
            feed_id: row.try_get("", "feed_id")?,
            scope: match row.try_get::<String>("", "scope")?.as_str() {
                "member" => FeedScope::Member(owner),
                "group" => FeedScope::Group(owner),
                _ => FeedScope::Organiser(owner),
            },
            owner_name: row.try_get("", "owner_name")?,
            owner_email: row.try_get("", "owner_email")?,
            polls: row.try_get("", "polls")?,
            version_sum: row.try_get("", "version_sum")?,
            last_modified: row.try_get("", "last_modified")?,
            answers: row.try_get("", "answers")?,
            answer_revisions: row.try_get("", "answer_revisions")?,
            answers_modified: row.try_get("", "answers_modified")?,
        }))
    }

    /// A member's own entry in each poll they are invited to (if they have an
    /// email), keyed by poll: what their feed lists as its ATTENDEE.
    #[tracing::instrument(name = "store.member_guests", skip_all)]
    pub async fn member_guests(&self, member: Uuid) -> Result<HashMap<Uuid, Guest>> {
        let db = self.read();
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                MEMBER_ANSWERS,
                [member.into()],
            ))
            .await?;
        let mut guests: HashMap<Uuid, Guest> = HashMap::new();
        for row in &rows {
            let Some(email) = row.try_get::<Option<String>>("", "email")? else {
                continue;
            };
            let guest = guests
                .entry(row.try_get("", "poll_id")?)
                .or_insert_with(|| Guest {
                    name: String::new(),
                    email,
                    required: false,
                    votes: Vec::new(),
                });
            guest.name = row.try_get("", "name")?;
            guest.required = row.try_get("", "required")?;
            if let (Some(option), Some(choice)) = (
                row.try_get::<Option<Uuid>>("", "option_id")?,
                row.try_get::<Option<String>>("", "choice")?,
            ) && let Some(choice) = Choice::parse(&choice)
            {
                guest.votes.push((option, choice));
            }
        }
        Ok(guests)
    }

    /// A page of the polls a feed shows, in id order: up to `limit` polls
    /// after `after`, so a feed of any length is read a page at a time.
    #[tracing::instrument(name = "store.feed_polls_page", skip_all)]
    pub async fn feed_polls_page(
        &self,
        scope: FeedScope,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<Poll>> {
        let (sql, owner) = match scope {
            FeedScope::Organiser(id) => (ORGANISER_POLLS, id),
            FeedScope::Member(id) => (MEMBER_POLLS, id),
            FeedScope::Group(id) => (GROUP_POLLS, id),
        };
        let db = self.read();
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                sql,
                [
                    owner.into(),
                    after.unwrap_or(Uuid::nil()).into(),
                    (limit.min(i64::MAX as u64) as i64).into(),
                ],
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
