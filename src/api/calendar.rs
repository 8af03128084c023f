//! Calendar output over HTTP: a poll's event and holds as ICS files, the
//! organiser's feeds, and the feed endpoint calendar apps poll forever (with
//! ETag / Last-Modified so that most polls end in a 304).

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use futures_util::StreamExt;

use chrono::{DateTime, Duration, Utc};
use poem::{
    Body, Request, Response, handler,
    http::{StatusCode, header},
    web::{Data, Path as PoemPath},
};
use poem_openapi::{ApiResponse, Object, OpenApi, param::Path, payload::Json};
use uuid::Uuid;

use super::auth::{OrganiserToken, Reader, ReaderAuth};
use super::error::{Problem, error_responses};
use super::payload::CalendarBody;
use super::tags::ApiTags;
use super::types::Instant;
use super::views::ensure_readable;
use crate::domain::calendar::{self, CalendarStamp, FeedScope, Guest};
use crate::domain::ics::{self, CalendarHeader};
use crate::domain::poll::Poll;
use crate::domain::standing::Invitee;
use crate::domain::time::render_utc;
use crate::error::Error;
use crate::store::Store;

/// The public base URL, for links in calendars and feed URLs.
#[derive(Clone)]
pub struct PublicUrl(pub String);

pub const ICS_CONTENT_TYPE: &str = "text/calendar; charset=utf-8";
/// Calendar apps poll feeds on their own schedule; this asks for hourly.
const REFRESH_MINUTES: i64 = 60;
const CACHE_CONTROL: &str = "private, max-age=300, must-revalidate";

fn poll_link(base: &str, poll: &Poll) -> String {
    crate::links::api_poll_url(base, poll.id)
}

fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Whether the client's copy is current: `If-None-Match` decides when sent
/// (RFC 9110), else `If-Modified-Since`.
fn not_modified(req: &Request, stamp: &CalendarStamp) -> bool {
    let (etag, last_modified) = (&stamp.etag, stamp.last_modified);
    if req.headers().contains_key(header::IF_NONE_MATCH) {
        return super::preconditions::none_match_hits(req, etag);
    }
    match (
        req.headers()
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok()),
        last_modified,
    ) {
        (Some(since), Some(modified)) => DateTime::parse_from_rfc2822(since)
            .map(|since| modified.timestamp() <= since.timestamp())
            .unwrap_or(false),
        _ => false,
    }
}

/// A filename from the poll's title: letters, digits and dashes.
fn filename(title: &str) -> String {
    let slug: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let slug: String = slug.chars().take(60).collect();
    if slug.is_empty() {
        "event".into()
    } else {
        slug
    }
}

#[derive(ApiResponse)]
pub enum IcsFile {
    /// The calendar (RFC 5545).
    #[oai(status = 200, content_type = "text/calendar; charset=utf-8")]
    Ok(
        CalendarBody,
        #[oai(header = "ETag")] String,
        #[oai(header = "Last-Modified")] String,
        #[oai(header = "Cache-Control")] String,
        #[oai(header = "Content-Disposition")] Option<String>,
    ),
    /// The copy the client has (per `If-None-Match` / `If-Modified-Since`) is current.
    #[oai(status = 304)]
    NotModified(#[oai(header = "ETag")] String),
}

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
    NotFound = 404: "No such feed of this organiser.",
});

/// A feed's `https://` (or `http://`) address and the same as `webcal://`.
pub use crate::links::feed_urls;

fn feed_view(base: &str, model: &crate::entity::feed::Model, secret: Option<&str>) -> FeedView {
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
    /// (only its hash is kept) — rotate it to get a new one.
    #[oai(path = "/feeds", method = "get", operation_id = "listFeeds")]
    async fn list_feeds(
        &self,
        store: Data<&Store>,
        base: Data<&PublicUrl>,
        auth: OrganiserToken,
    ) -> Result<FeedsRead, ListFeedsError> {
        let feeds = store.organiser_feeds(auth.0.id).await?;
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
        let (model, secret) = store.rotate_feed(auth.0.id, feed_id.0).await?;
        Ok(FeedRotated::Ok(Json(feed_view(
            &base.0.0,
            &model,
            Some(&secret),
        ))))
    }
}

/// Which of a poll's calendar files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PollFile {
    Event,
    Holds,
}

/// A poll's ICS file: 304 when the client's copy is current (the poll's
/// version and the attendees' answers make the ETag, so no rendering is
/// needed to tell), else the calendar. The event file is 404 until the poll
/// has been confirmed.
fn poll_file(
    req: &Request,
    base: &str,
    files: PollFiles,
    file: PollFile,
) -> Result<IcsFile, Error> {
    let files = Arc::new(files);
    let (poll, guests) = (&files.poll, files.guests.as_slice());
    if file == PollFile::Event && poll.confirmed_option.is_none() {
        return Err(Error::NotFound("confirmed event"));
    }
    let slug = filename(&poll.title);
    let (kind, name, refresh, disposition) = match file {
        PollFile::Event => (
            "event",
            poll.title.clone(),
            None,
            format!("attachment; filename=\"{slug}.ics\""),
        ),
        PollFile::Holds => (
            "holds",
            format!("Holds: {}", poll.title),
            Some(Duration::minutes(REFRESH_MINUTES)),
            format!("inline; filename=\"{slug}-holds.ics\""),
        ),
    };
    let stamp =
        CalendarStamp::of_poll_file(kind, poll, guests, files.answers_changed_at, Utc::now());
    if not_modified(req, &stamp) {
        return Ok(IcsFile::NotModified(stamp.etag));
    }
    let link = poll_link(base, poll);
    let body = match file {
        PollFile::Event => {
            let events: Vec<_> = calendar::confirmed_event(poll, &link, stamp.now, guests)
                .into_iter()
                .collect();
            Body::from_string(ics::render(
                &CalendarHeader::publish(&name, refresh),
                &events,
            ))
        }
        PollFile::Holds => {
            Body::from_bytes_stream(holds_stream(files.clone(), link, name, refresh, stamp.now))
        }
    };
    Ok(IcsFile::Ok(
        CalendarBody(body),
        stamp.etag,
        http_date(stamp.last_modified.unwrap_or(poll.updated_at)),
        CACHE_CONTROL.into(),
        Some(disposition),
    ))
}

/// Holds written to the client [`EVENTS_PER_PIECE`] at a time, so a 500-option
/// poll (with every attendee on every hold) never sits in memory as one
/// calendar. The same bytes as [`ics::render`] of [`calendar::holds`].
fn holds_stream(
    files: Arc<PollFiles>,
    link: String,
    name: String,
    refresh: Option<Duration>,
    now: DateTime<Utc>,
) -> impl futures_util::Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static {
    let poll = &files.poll;
    let mut zones = ics::ZoneSpans::default();
    for o in &poll.options {
        zones.add(poll.zone, &o.slot);
    }
    let head = ics::begin(&CalendarHeader::publish(&name, refresh), &zones);
    let count = poll.options.len();
    let pieces = (0..count).step_by(EVENTS_PER_PIECE).map(move |from| {
        let (poll, guests) = (&files.poll, files.guests.as_slice());
        let events: Vec<_> = (from..count.min(from + EVENTS_PER_PIECE))
            .map(|i| calendar::hold(poll, i, &link, now, guests))
            .collect();
        ics::render_events(&CalendarHeader::publish(&name, refresh), &events)
    });
    futures_util::stream::iter(
        std::iter::once(head)
            .chain(pieces)
            .chain(std::iter::once(ics::END.to_string()))
            .map(|piece| Ok(piece.into_bytes())),
    )
}

/// A poll the caller may read, the attendees to list in its files, and
/// when their answers last changed (which the poll's row does not show).
struct PollFiles {
    poll: Poll,
    guests: Vec<Guest>,
    answers_changed_at: Option<DateTime<Utc>>,
}

/// The attendees a caller sees: the organiser sees every invited member
/// with an email and their PARTSTAT (a PARTSTAT is an answer, so never on
/// aggregate-only polls); an invited member sees their own line; others none.
async fn readable_poll(
    store: &Store,
    req: &Request,
    auth: ReaderAuth,
    id: Uuid,
) -> Result<PollFiles, Error> {
    files_for(store, Reader::resolve(auth, req)?, id).await
}

/// The confirmed event as `reader` gets it: for the member pages' "add to
/// calendar" link, whose token came in the path rather than a header.
pub async fn event_file(
    store: &Store,
    req: &Request,
    base: &str,
    reader: Reader,
    poll_id: Uuid,
) -> Result<IcsFile, Error> {
    let files = files_for(store, reader, poll_id).await?;
    poll_file(req, base, files, PollFile::Event)
}

async fn files_for(store: &Store, reader: Reader, id: Uuid) -> Result<PollFiles, Error> {
    let poll = store.poll(id).await?.ok_or(Error::NotFound("poll"))?;
    ensure_readable(&poll, &reader)?;
    let guest = |i: Invitee, votes: Vec<_>| {
        Some(Guest {
            email: i.email?,
            name: i.name,
            required: i.required,
            votes,
        })
    };
    let guests: Vec<Guest> = match &reader {
        _ if reader.owns(&poll) && !poll.settings.aggregate_only => store
            .list_invitations(poll.id, None, u64::MAX, true, None)
            .await?
            .into_iter()
            .filter_map(|mut i| {
                let votes = i.answer.take().map(|a| a.votes).unwrap_or_default();
                guest(i, votes)
            })
            .collect(),
        Reader::Invitee(me) if me.poll_id == poll.id => {
            let votes = store
                .response_of_invitation(me.invitation_id)
                .await?
                .map(|r| r.votes)
                .unwrap_or_default();
            store
                .invitee(poll.id, me.invitation_id)
                .await?
                .and_then(|i| guest(i, votes))
                .into_iter()
                .collect()
        }
        _ => Vec::new(),
    };
    // Answers change attendees' PARTSTAT without touching the poll; each
    // invitation stamps when its answer last changed (withdrawals too).
    let answers_changed_at = if guests.is_empty() {
        None
    } else {
        store.answers_changed_at(poll.id).await?
    };
    Ok(PollFiles {
        poll,
        guests,
        answers_changed_at,
    })
}

/// `GET /calendar/{feed_token}.ics`: a subscription feed. A conditional
/// request costs one indexed query and no rendering.
#[handler]
pub async fn feed(
    req: &Request,
    PoemPath(file): PoemPath<String>,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let not_found = || Problem::new(404, "no such feed: the address may have been rotated");
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    let now = Utc::now();
    let figures = store
        .feed_figures(token)
        .await
        .map_err(Problem::from)?
        .ok_or_else(not_found)?;
    let stamp = CalendarStamp::of_feed(&figures, now);
    if not_modified(req, &stamp) {
        return Ok(Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .header(header::ETAG, stamp.etag)
            .header(header::CACHE_CONTROL, CACHE_CONTROL)
            .finish());
    }
    // A member's feed lists the member themself as attendee, with their answer.
    let guests = match figures.scope {
        FeedScope::Member(member) => store.member_guests(member).await.map_err(Problem::from)?,
        FeedScope::Organiser(_) | FeedScope::Group(_) => Default::default(),
    };
    let writer = Feed {
        store: (*store).clone(),
        scope: figures.scope,
        guests: Arc::new(guests),
        base: base.0.0.clone(),
        name: format!("Convene: {}", figures.owner_name),
        now: stamp.now,
    };
    // A calendar names its zones before its events: a first pass over the
    // pages gathers them, the second writes the events as it reads them.
    let mut zones = ics::ZoneSpans::default();
    let mut after = None;
    loop {
        let page = writer.page(after).await.map_err(Problem::from)?;
        for p in &page {
            for slot in calendar::feed_slots(p, writer.now) {
                zones.add(p.zone, &slot);
            }
        }
        after = match page.last() {
            Some(last) if page.len() as u64 == FEED_PAGE => Some(last.id),
            _ => break,
        };
    }
    let head = ics::begin(&writer.header(), &zones);
    let body = Body::from_bytes_stream(
        futures_util::stream::once(async move { Ok(head.into_bytes()) })
            .chain(writer.events())
            .chain(futures_util::stream::once(async {
                Ok(ics::END.as_bytes().to_vec())
            })),
    );
    let mut resp = Response::builder()
        .status(StatusCode::OK)
        .content_type(ICS_CONTENT_TYPE)
        .header(header::ETAG, &stamp.etag)
        .header(header::CACHE_CONTROL, CACHE_CONTROL);
    if let Some(modified) = stamp.last_modified {
        resp = resp.header(header::LAST_MODIFIED, http_date(modified));
    }
    Ok(resp.body(body))
}

/// Polls a feed reads at a time. A feed is written a page at a time, so a
/// thousand events never sit in memory as one calendar.
const FEED_PAGE: u64 = 100;

/// A feed being written: what each page of its polls is rendered with.
struct Feed {
    store: Store,
    scope: FeedScope,
    guests: Arc<HashMap<Uuid, Guest>>,
    base: String,
    name: String,
    now: DateTime<Utc>,
}

impl Feed {
    fn header(&self) -> CalendarHeader<'_> {
        CalendarHeader::publish(&self.name, Some(Duration::minutes(REFRESH_MINUTES)))
    }

    async fn page(&self, after: Option<Uuid>) -> crate::error::Result<Vec<Poll>> {
        self.store
            .feed_polls_page(self.scope, after, FEED_PAGE)
            .await
    }

    fn entries(&self, p: &Poll) -> Vec<ics::Event> {
        let me: Vec<Guest> = self.guests.get(&p.id).cloned().into_iter().collect();
        calendar::feed_entries(p, &poll_link(&self.base, p), self.now, &me)
    }

    /// The events, [`EVENTS_PER_PIECE`] at a time, reading a page of polls
    /// when the last is written. A page that cannot be read ends the reply
    /// early: the client sees a cut transfer, never a calendar that looks
    /// complete. (A poll changed between the two passes shows as it is now;
    /// the ETag, taken before both, makes the client fetch the feed again on
    /// its next poll.)
    fn events(self) -> impl futures_util::Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static {
        let start = Pieces {
            feed: self,
            polls: VecDeque::new(),
            events: VecDeque::new(),
            after: None,
            finished: false,
        };
        futures_util::stream::try_unfold(start, |mut at| async move {
            loop {
                if !at.events.is_empty() {
                    let n = at.events.len().min(EVENTS_PER_PIECE);
                    let events: Vec<_> = at.events.drain(..n).collect();
                    let piece = ics::render_events(&at.feed.header(), &events).into_bytes();
                    return Ok(Some((piece, at)));
                }
                if let Some(poll) = at.polls.pop_front() {
                    at.events = at.feed.entries(&poll).into();
                    continue;
                }
                if at.finished {
                    return Ok(None);
                }
                let page = at.feed.page(at.after).await.map_err(|e| {
                    tracing::warn!(error = %e, "a feed stopped: a page could not be read");
                    std::io::Error::other(e.to_string())
                })?;
                at.finished = (page.len() as u64) < FEED_PAGE;
                at.after = page.last().map(|p| p.id);
                at.polls = page.into();
            }
        })
    }
}

/// Events written per piece of a streamed calendar (holds.ics, feeds).
const EVENTS_PER_PIECE: usize = 50;

/// Where a feed's second pass is: the polls of the page read last, the
/// events of the poll taken last.
struct Pieces {
    feed: Feed,
    polls: VecDeque<Poll>,
    events: VecDeque<ics::Event>,
    after: Option<Uuid>,
    finished: bool,
}
