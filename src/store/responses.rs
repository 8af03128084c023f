//! Responses as they are read back: one, a page, all of a poll's for the
//! export, and the response an edit token opens. Writing them is
//! `ballots.rs`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::Store;
use crate::domain::access::ResponseGrant;
use crate::domain::hybrid::VoteDetail;
use crate::domain::poll::Choice;
use crate::domain::token;
use crate::entity::{response, vote};
use crate::error::Result;

#[derive(Debug, Clone)]
pub struct StoredResponse {
    pub id: Uuid,
    pub poll_id: Uuid,
    pub name: String,
    pub comment: String,
    pub revision: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// In the poll's option order.
    pub votes: Vec<(Uuid, Choice)>,
    /// Attendance, day answers and seats, by option (only where there are).
    pub details: BTreeMap<Uuid, VoteDetail>,
    /// Set for an invited member's answer.
    pub invitation_id: Option<Uuid>,
    /// The organiser who recorded it on the member's behalf, if one did.
    pub recorded_by: Option<String>,
}

impl Store {
    /// An invited member's current answer, if they have given one.
    #[tracing::instrument(name = "store.response_of_invitation", skip_all)]
    pub async fn response_of_invitation(
        &self,
        invitation_id: Uuid,
    ) -> Result<Option<StoredResponse>> {
        let Some(model) = response::Entity::find()
            .filter(response::Column::InvitationId.eq(invitation_id))
            .one(self.read())
            .await?
        else {
            return Ok(None);
        };
        let mut all = self.with_votes(vec![model]).await?;
        Ok(all.pop())
    }

    #[tracing::instrument(name = "store.response_by_token", skip_all)]
    pub async fn response_by_token(&self, secret: &str) -> Result<Option<ResponseGrant>> {
        let found: Option<(Uuid, Uuid)> = response::Entity::find()
            .select_only()
            .column(response::Column::Id)
            .column(response::Column::PollId)
            .filter(response::Column::EditTokenHash.eq(token::hash(secret)))
            .into_tuple()
            .one(self.read())
            .await?;
        Ok(found.map(|(response_id, poll_id)| ResponseGrant {
            response_id,
            poll_id,
        }))
    }

    #[tracing::instrument(name = "store.response", skip_all)]
    pub async fn response(&self, id: Uuid) -> Result<Option<StoredResponse>> {
        let Some(model) = response::Entity::find_by_id(id).one(self.read()).await? else {
            return Ok(None);
        };
        let mut all = self.with_votes(vec![model]).await?;
        Ok(all.pop())
    }

    /// One page of a poll's responses, oldest first.
    #[tracing::instrument(name = "store.list_responses", skip_all, fields(poll_id = %poll_id))]
    pub async fn list_responses(
        &self,
        poll_id: Uuid,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<StoredResponse>> {
        let mut q = response::Entity::find().filter(response::Column::PollId.eq(poll_id));
        if let Some(after) = after {
            q = q.filter(response::Column::Id.gt(after));
        }
        let models = q
            .order_by_asc(response::Column::Id)
            .limit(limit)
            .all(self.read())
            .await?;
        self.with_votes(models).await
    }

    /// One page of a poll's responses with their votes, oldest first,
    /// after the response `after`: the export reads a poll this way, a page
    /// at a time, so its memory does not grow with the number of answers.
    #[tracing::instrument(name = "store.responses_page", skip_all, fields(poll_id = %poll_id))]
    pub async fn responses_page(
        &self,
        poll_id: Uuid,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<StoredResponse>> {
        let mut query = response::Entity::find().filter(response::Column::PollId.eq(poll_id));
        if let Some(after) = after {
            query = query.filter(response::Column::Id.gt(after));
        }
        let models = query
            .order_by_asc(response::Column::Id)
            .limit(limit)
            .all(self.read())
            .await?;
        self.with_votes(models).await
    }

    async fn with_votes(&self, models: Vec<response::Model>) -> Result<Vec<StoredResponse>> {
        let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
        let votes = vote::Entity::find()
            .filter(vote::Column::ResponseId.is_in(ids))
            .all(self.read())
            .await?;
        let mut by_response: BTreeMap<Uuid, Vec<(Uuid, Choice)>> = BTreeMap::new();
        let mut details: BTreeMap<Uuid, BTreeMap<Uuid, VoteDetail>> = BTreeMap::new();
        for v in votes {
            let choice = Choice::parse(&v.choice)
                .ok_or_else(|| anyhow::anyhow!("vote with unknown choice {:?}", v.choice))?;
            by_response
                .entry(v.response_id)
                .or_default()
                .push((v.option_id, choice));
            let detail = VoteDetail::from_stored(
                v.attendance.as_deref(),
                v.days.as_deref(),
                v.seat.as_deref(),
            );
            if !detail.is_empty() {
                details
                    .entry(v.response_id)
                    .or_default()
                    .insert(v.option_id, detail);
            }
        }
        Ok(models
            .into_iter()
            .map(|m| StoredResponse {
                votes: by_response.remove(&m.id).unwrap_or_default(),
                details: details.remove(&m.id).unwrap_or_default(),
                id: m.id,
                poll_id: m.poll_id,
                name: m.name,
                comment: m.comment,
                revision: m.revision,
                created_at: m.created_at,
                updated_at: m.updated_at,
                invitation_id: m.invitation_id,
                recorded_by: m.recorded_by,
            })
            .collect())
    }
}
