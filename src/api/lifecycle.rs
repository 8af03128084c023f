//! A poll's life over HTTP: close, reopen, confirm, cancel (organisers).
//! The rules of each move are in `domain::lifecycle`; these handlers only
//! carry them.

use crate::domain::roles::Action;
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path};
use serde::Deserialize;
use uuid::Uuid;

use super::auth::OrganiserToken;
use super::body::JsonBody;
use super::error::error_responses;
use super::polls::OrganiserPollError;
use super::tags::ApiTags;
use super::views::PollRead;
use crate::domain::history::Actor;
use crate::domain::lifecycle::{self, Transition};
use crate::error::{Error, Result};
use crate::mail::Mail;
use crate::store::Store;
use crate::web::PublicUrl;

/// Which option to confirm.
#[derive(Object, Deserialize, Debug, Clone, Default)]
#[oai(rename_all = "snake_case", example)]
#[serde(deny_unknown_fields)]
pub struct ConfirmRequest {
    /// The option to confirm; leave out to confirm the top-ranked one.
    pub option_id: Option<Uuid>,
}

impl poem_openapi::types::Example for ConfirmRequest {
    fn example() -> Self {
        ConfirmRequest {
            option_id: Some(Uuid::from_u128(0x0196f1c2_7a10_7c4e_9b1a_3f2d5e6a7b02)),
        }
    }
}

error_responses!(ConfirmError {
    BadRequest = 400: "The body is not valid JSON.",
    Unauthorized = 401: "No valid organiser token.",
    Forbidden = 403: "A read token, or a viewer: this needs an editor or an owner with a write token.",
    NotFound = 404: "No such poll of this organiser.",
    Conflict = 409: "The top is tied, the poll is cancelled, or it changed meanwhile.",
    PayloadTooLarge = 413: "The body is too large.",
    UnsupportedMediaType = 415: "The body is not JSON.",
    Unprocessable = 422: "`option_id` is not an option of this poll.",
});

/// Makes `transition` on the organiser's poll.
async fn make(
    store: &Store,
    base: &str,
    mail: &Mail,
    auth: OrganiserToken,
    poll_id: Uuid,
    transition: Transition,
) -> Result<PollRead> {
    let o = auth.0;
    let poll = store
        .transition(
            o.workspace_id,
            &Actor::organiser(&o.name),
            poll_id,
            transition,
            None,
            mail.configured(),
        )
        .await?;
    Ok(PollRead::of(&poll, base))
}

pub struct LifecycleApi;

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Polls")]
impl LifecycleApi {
    /// Close voting
    ///
    /// Stops voting now. Responses stay; the poll can be reopened.
    #[oai(
        path = "/polls/:poll_id/close",
        method = "post",
        operation_id = "closePoll"
    )]
    async fn close_poll(
        &self,
        store: Data<&Store>,
        base: Data<&PublicUrl>,
        mail: Data<&Mail>,
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
    ) -> Result<PollRead, OrganiserPollError> {
        auth.0.may(Action::Edit)?;
        Ok(make(&store, &base.0.0, &mail, auth, poll_id.0, Transition::Close).await?)
    }

    /// Reopen voting
    ///
    /// Opens a closed, confirmed or cancelled poll for voting again. A
    /// confirmed event keeps its identity and shows as tentative until the
    /// poll is confirmed again. A deadline that has passed is removed, since
    /// it would close the poll again at once.
    #[oai(
        path = "/polls/:poll_id/reopen",
        method = "post",
        operation_id = "reopenPoll"
    )]
    async fn reopen_poll(
        &self,
        store: Data<&Store>,
        base: Data<&PublicUrl>,
        mail: Data<&Mail>,
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
    ) -> Result<PollRead, OrganiserPollError> {
        auth.0.may(Action::Edit)?;
        Ok(make(
            &store,
            &base.0.0,
            &mail,
            auth,
            poll_id.0,
            Transition::Reopen,
        )
        .await?)
    }

    /// Confirm the result
    ///
    /// Confirms an option as the event, or, without `option_id`, the
    /// top-ranked option (refused with 409 if the top is tied). Voting
    /// closes. Confirming again moves the same event to another option;
    /// subscribed calendars follow, since the event keeps its UID and its
    /// SEQUENCE rises.
    #[oai(
        path = "/polls/:poll_id/confirm",
        method = "post",
        operation_id = "confirmPoll"
    )]
    async fn confirm_poll(
        &self,
        store: Data<&Store>,
        base: Data<&PublicUrl>,
        mail: Data<&Mail>,
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
        body: JsonBody<ConfirmRequest>,
    ) -> Result<PollRead, ConfirmError> {
        auth.0.may(Action::Edit)?;
        let o = auth.0;
        let (poll, tallies) = store
            .poll_with_tallies(poll_id.0)
            .await?
            .filter(|(p, _)| p.organiser_id == o.workspace_id)
            .ok_or(Error::NotFound("poll"))?;
        let option_id = match body.0.option_id {
            Some(id) => lifecycle::requested_option(&poll, id)?,
            // The ranking needs the roster (required members) only here.
            None => lifecycle::top_of(&store.standing(poll.clone(), tallies, false).await?)?,
        };
        // The choice was made on this version of the poll: if it changed
        // meanwhile, the organiser should look again.
        let poll = store
            .transition(
                o.workspace_id,
                &Actor::organiser(&o.name),
                poll.id,
                Transition::Confirm(option_id),
                Some(poll.version),
                mail.configured(),
            )
            .await?;
        Ok(PollRead::of(&poll, &base.0.0))
    }

    /// Cancel the poll
    ///
    /// Calls the meeting off: voting stops, holds and any confirmed event
    /// turn CANCELLED in calendars. It can be reopened.
    #[oai(
        path = "/polls/:poll_id/cancel",
        method = "post",
        operation_id = "cancelPoll"
    )]
    async fn cancel_poll(
        &self,
        store: Data<&Store>,
        base: Data<&PublicUrl>,
        mail: Data<&Mail>,
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
    ) -> Result<PollRead, OrganiserPollError> {
        auth.0.may(Action::Edit)?;
        Ok(make(
            &store,
            &base.0.0,
            &mail,
            auth,
            poll_id.0,
            Transition::Cancel,
        )
        .await?)
    }
}
