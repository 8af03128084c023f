//! Calendar output in the API: a poll's event and holds (written by
//! `crate::web::calendar`, which the pages' "add to calendar" shares), and
//! the organiser's feeds.

use crate::domain::roles::Action;
use poem::Request;
use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, param::Path, payload::Json};
use uuid::Uuid;

use super::auth::{OrganiserToken, ReaderAuth, resolve};
use super::error::error_responses;
use super::tags::ApiTags;
use super::types::Instant;
use crate::domain::time::render_utc;
use crate::error::Error;
use crate::store::Store;
use crate::store::feeds::Feed;
use crate::web::PublicUrl;
use crate::web::calendar::{IcsFile, PollFile, PollFiles, poll_file, poll_files};

error_responses!(IcsError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "A token was sent but is not valid.",
    NotFound = 404: "No such poll visible to the caller, or (event.ics) no confirmed event yet.",
});

/// What a feed shows. `organiser`: every poll of yours, with holds and
/// confirmed events. `group`: the polls any member of one of your groups is
/// invited to, for the group to share (no one's answers in it). (Each
/// member's own feed comes with their invitation.)
#[derive(poem_openapi::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum FeedKind {
    Organiser,
    Group,
}

/// A subscription feed.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct FeedView {
    /// The feed's id.
    pub id: Uuid,
    pub kind: FeedKind,
    /// The group a `group` feed shows.
    #[oai(skip_serializing_if_is_none)]
    pub group_id: Option<Uuid>,
    pub created_at: Instant,
    /// The feed's `https://` (or `http://`) address. Only its hash is stored,
    /// so it is shown only when the feed is created or rotated.
    #[oai(skip_serializing_if_is_none)]
    pub url: Option<String>,
    /// The same feed as `webcal://`, which calendar apps open as a subscription.
    #[oai(skip_serializing_if_is_none)]
    pub webcal_url: Option<String>,
}

impl poem_openapi::types::Example for FeedView {
    /// A feed just created: its address is shown this once.
    fn example() -> Self {
        use super::examples::{at, id};
        let (url, webcal) = feed_urls(
            "https://convene.example.org",
            "cvn_feed_Jq2Yk0bV7dXn1uGmPzL8tA5wRcE9hJfS4oKiNyTgWb",
        );
        FeedView {
            id: id(5),
            kind: FeedKind::Organiser,
            group_id: None,
            created_at: Instant(render_utc(at("2026-05-04T08:40:00Z"))),
            url: Some(url),
            webcal_url: Some(webcal),
        }
    }
}

/// The organiser's feeds.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct FeedList {
    pub items: Vec<FeedView>,
}

impl poem_openapi::types::Example for FeedList {
    fn example() -> Self {
        FeedList {
            items: vec![<FeedView as poem_openapi::types::Example>::example()],
        }
    }
}

#[derive(ApiResponse)]
pub enum FeedsRead {
    /// The feeds.
    #[oai(status = 200, content_type = "application/json")]
    Ok(Json<FeedList>),
}

#[derive(ApiResponse)]
pub enum FeedRotated {
    /// The feed with its new address; the old address stops working.
    #[oai(status = 200, content_type = "application/json")]
    Ok(Json<FeedView>),
}

error_responses!(ListFeedsError {
    Unauthorized = 401: "No valid organiser token.",
});

error_responses!(FeedsError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    Forbidden = 403: "A read token, or a viewer: this needs an editor or an owner with a write token.",
    NotFound = 404: "No such feed of this organiser.",
});

/// A feed's `https://` (or `http://`) address and the same as `webcal://`.
pub use crate::links::feed_urls;

fn feed_view(base: &str, model: &Feed, secret: Option<&str>) -> FeedView {
    let (url, webcal_url) = secret.map(|s| feed_urls(base, s)).unzip();
    FeedView {
        id: model.id,
        kind: if model.group_id.is_some() {
            FeedKind::Group
        } else {
            FeedKind::Organiser
        },
        group_id: model.group_id,
        created_at: Instant(render_utc(model.created_at)),
        url,
        webcal_url,
    }
}

pub struct CalendarApi;

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Calendar")]
impl CalendarApi {
    /// Download the confirmed event
    ///
    /// The confirmed (or since cancelled) event as an ICS file, in the poll's
    /// time zone with its VTIMEZONE. Its UID stays the same across
    /// re-confirmations and its SEQUENCE rises with every change. 404 until
    /// the poll is confirmed.
    #[oai(
        path = "/polls/:poll_id/event.ics",
        method = "get",
        operation_id = "getEventIcs"
    )]
    async fn get_event_ics(
        &self,
        store: Data<&Store>,
        base: Data<&PublicUrl>,
        req: &Request,
        auth: ReaderAuth,
        /// The poll's id.
        poll_id: Path<Uuid>,
    ) -> Result<IcsFile, IcsError> {
        let files = readable_poll(&store, req, auth, poll_id.0).await?;
        Ok(poll_file(req, &base.0.0, files, PollFile::Event)?)
    }

    /// Download the holds
    ///
    /// One TENTATIVE event per option while the poll is undecided ("Hold:
    /// title (option 2 of 3)"), so members see candidate dates beside their
    /// other commitments; CANCELLED once the poll is confirmed or cancelled.
    #[oai(
        path = "/polls/:poll_id/holds.ics",
        method = "get",
        operation_id = "getHoldsIcs"
    )]
    async fn get_holds_ics(
        &self,
        store: Data<&Store>,
        base: Data<&PublicUrl>,
        req: &Request,
        auth: ReaderAuth,
        /// The poll's id.
        poll_id: Path<Uuid>,
    ) -> Result<IcsFile, IcsError> {
        let files = readable_poll(&store, req, auth, poll_id.0).await?;
        Ok(poll_file(req, &base.0.0, files, PollFile::Holds)?)
    }

    /// List your feeds
    ///
    /// Your calendar subscription feeds: your own (every poll of yours, with
    /// holds and confirmed events) and one per group (the polls its members
    /// are invited to). A feed is created the first time it is listed, and
    /// its address is shown then; later calls list it without the address
    /// (only its hash is kept) — rotate it to get a new one. Viewers and
    /// read tokens never see an address, and their listing creates nothing.
    #[oai(path = "/feeds", method = "get", operation_id = "listFeeds")]
    async fn list_feeds(
        &self,
        store: Data<&Store>,
        base: Data<&PublicUrl>,
        auth: OrganiserToken,
    ) -> Result<FeedsRead, ListFeedsError> {
        // A feed address is shown once, when the feed is made: only to
        // someone who may see it (a viewer lists the feeds that exist).
        let feeds = store
            .organiser_feeds(auth.0.workspace_id, auth.0.sees_secrets())
            .await?;
        Ok(FeedsRead::Ok(Json(FeedList {
            items: feeds
                .iter()
                .map(|(f, secret)| feed_view(&base.0.0, f, secret.as_deref()))
                .collect(),
        })))
    }

    /// Rotate a feed's address
    ///
    /// Issues a new feed address and shows it once; the old address answers
    /// 404 from now on.
    #[oai(
        path = "/feeds/:feed_id/rotate",
        method = "post",
        operation_id = "rotateFeed"
    )]
    async fn rotate_feed(
        &self,
        store: Data<&Store>,
        base: Data<&PublicUrl>,
        auth: OrganiserToken,
        /// The feed's id.
        feed_id: Path<Uuid>,
    ) -> Result<FeedRotated, FeedsError> {
        auth.0.may(Action::Edit)?;
        let (model, secret) = store.rotate_feed(auth.0.workspace_id, feed_id.0).await?;
        Ok(FeedRotated::Ok(Json(feed_view(
            &base.0.0,
            &model,
            Some(&secret),
        ))))
    }
}

/// A poll's calendar files as the caller of a read operation gets them.
async fn readable_poll(
    store: &Store,
    req: &Request,
    auth: ReaderAuth,
    id: Uuid,
) -> Result<PollFiles, Error> {
    poll_files(store, resolve(auth, req)?, id).await
}
