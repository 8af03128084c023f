//! Calendar files as HTTP responses, for every face: a poll's event and
//! holds (ETag / Last-Modified, 304, streamed a piece at a time), and the
//! subscription feeds calendar apps poll forever.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt;
use poem::{
    Body, IntoResponse, Request, Response, handler,
    http::{StatusCode, header},
    web::{Data, Path as PoemPath},
};
use poem_openapi::{ApiResponse, payload::Payload, registry::MetaSchemaRef, types::Type};
use uuid::Uuid;

use super::PublicUrl;
use super::problem::Problem;
use crate::domain::access::{self, Attendees, Reader};
use crate::domain::calendar::{self, CalendarStamp, FeedScope, Guest};
use crate::domain::ics::{self, CalendarHeader};
use crate::domain::poll::Poll;
use crate::domain::standing::Invitee;
use crate::error::Error;
use crate::store::Store;

/// A calendar (RFC 5545) as a body that may be written as it is sent: the
/// spec shows it as a string, as `PlainText` would.
pub struct CalendarBody(pub poem::Body);

impl Payload for CalendarBody {
    const CONTENT_TYPE: &'static str = "text/calendar; charset=utf-8";

    fn schema_ref() -> MetaSchemaRef {
        String::schema_ref()
    }
}

impl IntoResponse for CalendarBody {
    fn into_response(self) -> Response {
        Response::builder()
            .content_type(Self::CONTENT_TYPE)
            .body(self.0)
    }
}

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
        return super::conditional::none_match_hits(req, etag);
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

/// Which of a poll's calendar files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollFile {
    Event,
    Holds,
}

/// A poll's ICS file: 304 when the client's copy is current (the poll's
/// version and the attendees' answers make the ETag, so no rendering is
/// needed to tell), else the calendar. The event file is 404 until the poll
/// has been confirmed.
pub fn poll_file(
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
pub struct PollFiles {
    poll: Poll,
    guests: Vec<Guest>,
    answers_changed_at: Option<DateTime<Utc>>,
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
    let files = poll_files(store, reader, poll_id).await?;
    poll_file(req, base, files, PollFile::Event)
}

/// A poll `reader` may read, with the attendees they see in its files
/// ([`access::calendar_attendees`]) and when those answers last changed.
pub async fn poll_files(store: &Store, reader: Reader, id: Uuid) -> Result<PollFiles, Error> {
    let poll = store.poll(id).await?.ok_or(Error::NotFound("poll"))?;
    access::ensure_readable(&poll, &reader)?;
    let guest = |i: Invitee, votes: Vec<_>| {
        Some(Guest {
            email: i.email?,
            name: i.name,
            required: i.required,
            votes,
        })
    };
    let guests: Vec<Guest> = match access::calendar_attendees(&poll, &reader) {
        Attendees::Everyone => store
            .list_invitations(poll.id, None, u64::MAX, true, None)
            .await?
            .into_iter()
            .filter_map(|mut i| {
                let votes = i.answer.take().map(|a| a.votes).unwrap_or_default();
                guest(i, votes)
            })
            .collect(),
        Attendees::Own(invitation_id) => {
            let votes = store
                .response_of_invitation(invitation_id)
                .await?
                .map(|r| r.votes)
                .unwrap_or_default();
            store
                .invitee(poll.id, invitation_id)
                .await?
                .and_then(|i| guest(i, votes))
                .into_iter()
                .collect()
        }
        Attendees::Nobody => Vec::new(),
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
