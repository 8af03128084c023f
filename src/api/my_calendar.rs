//! A member's own calendar, for free/busy: connect an ICS address or upload a
//! file, see what it shows busy among the poll's options, disconnect.
//! Busy marks decide nothing: the member still answers.

use chrono::Utc;
use chrono_tz::Tz;
use poem::{Request, RequestBody};
use poem_openapi::{
    ApiRequest, ApiResponse, Object, OpenApi,
    param::Path,
    payload::{Json, ParsePayload, Payload},
    registry::{MetaSchema, MetaSchemaRef},
};
use uuid::Uuid;

use super::auth::{InvitationToken, OwnResponseAuth, ResponseToken};
use super::body::JsonBody;
use super::error::error_responses;
use super::tags::ApiTags;
use super::types::Instant;
use crate::calendars::{Calendars, Source};
use crate::domain::freebusy::{Busy, options};
use crate::domain::limits::MAX_CALENDAR_BYTES;
use crate::domain::poll::{Poll, PollStatus};
use crate::domain::time::render_utc;
use crate::error::Error;
use crate::store::Store;
use crate::store::calendars::{MemberCalendar, Owner};
use crate::web::problem::Problem;
use poem::web::Data;

pub struct MyCalendarApi;

/// An ICS address to read busy time from.
#[derive(Object, Debug, serde::Deserialize)]
#[oai(rename = "CalendarAddress", example)]
#[serde(deny_unknown_fields)]
pub struct CalendarAddress {
    /// The calendar's ICS address: `https://` or `webcal://` (Google's
    /// "secret address in iCal format", Outlook's published ICS link, an
    /// iCloud public calendar, a Nextcloud or Thunderbird share). Stored
    /// encrypted, never shown back but for its host.
    #[oai(validator(max_length = 2048))]
    pub url: String,
}

impl poem_openapi::types::Example for CalendarAddress {
    fn example() -> Self {
        CalendarAddress {
            url: "webcal://calendar.example.org/ical/anna.ics".into(),
        }
    }
}

/// An iCalendar file, as uploaded.
pub struct IcsBody(pub Vec<u8>);

impl Payload for IcsBody {
    const CONTENT_TYPE: &'static str = "text/calendar";

    fn check_content_type(content_type: &str) -> bool {
        content_type.starts_with("text/calendar")
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            description: Some("An iCalendar file (RFC 5545), at most 10 MiB: what a calendar app exports as .ics."),
            example: Some(
                "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//EN\r\nBEGIN:VEVENT\r\nUID:1@example.org\r\n\
                 DTSTART;TZID=Europe/Vienna:20260710T090000\r\nDTEND;TZID=Europe/Vienna:20260710T100000\r\n\
                 RRULE:FREQ=WEEKLY;BYDAY=FR\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
                    .into(),
            ),
            format: Some("binary"),
            max_length: Some(MAX_CALENDAR_BYTES),
            ..MetaSchema::new("string")
        }))
    }
}

impl ParsePayload for IcsBody {
    const IS_REQUIRED: bool = true;

    async fn from_request(_request: &Request, body: &mut RequestBody) -> poem::Result<Self> {
        match body.take()?.into_bytes_limit(MAX_CALENDAR_BYTES).await {
            Ok(bytes) => Ok(IcsBody(bytes.to_vec())),
            Err(_) => Err(Problem::new(
                413,
                format!("the calendar is larger than {MAX_CALENDAR_BYTES} bytes"),
            )
            .into()),
        }
    }
}

/// The calendar to connect: an address as JSON, or the file itself.
#[derive(ApiRequest)]
pub enum CalendarSource {
    /// An ICS address to read now and again every 15 minutes while the poll is open.
    Address(JsonBody<CalendarAddress>),
    /// An iCalendar file (`.ics`, at most 10 MiB), read once.
    File(IcsBody),
}

/// A busy interval, in UTC.
#[derive(Object, Debug)]
#[oai(rename = "BusyInterval")]
pub struct BusyInterval {
    pub start: Instant,
    pub end: Instant,
}

/// Whether the calendar shows an option busy.
#[derive(Object, Debug)]
#[oai(rename = "OptionBusy")]
pub struct OptionBusy {
    pub option_id: Uuid,
    /// Some event of the calendar overlaps the option.
    pub busy: bool,
}

/// Where the busy time comes from: an address, read again while the poll is
/// open, or an uploaded file.
#[derive(poem_openapi::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename_all = "snake_case", rename = "CalendarSourceKind")]
pub enum SourceKind {
    Address,
    File,
}

/// The member's connected calendar: busy time only (no event, title or
/// place is kept).
#[derive(Object, Debug)]
#[oai(rename = "MyCalendar", example)]
pub struct MyCalendar {
    pub source: SourceKind,
    /// The address's host (the address itself is not shown back); absent
    /// for an uploaded file.
    #[oai(skip_serializing_if_is_none)]
    pub host: Option<String>,
    // When the calendar was last read successfully (documented on its type).
    #[oai(skip_serializing_if_is_none)]
    pub read_at: Option<Instant>,
    // When it was last tried.
    pub checked_at: Instant,
    /// Why the last re-read failed (the busy time shown is from `read_at`);
    /// absent when it did not.
    #[oai(skip_serializing_if_is_none)]
    pub error: Option<String>,
    /// The zone all-day and floating events are read in (the member's).
    pub time_zone: String,
    /// Merged busy intervals that overlap the poll's options.
    pub busy: Vec<BusyInterval>,
    /// Per option, in the poll's order.
    pub options: Vec<OptionBusy>,
}

impl poem_openapi::types::Example for MyCalendar {
    /// Anna's calendar, read from her provider, busy on the first of the
    /// reference poll's options.
    fn example() -> Self {
        let at = |s: &str| Instant(s.into());
        MyCalendar {
            source: SourceKind::Address,
            host: Some("calendar.example.org".into()),
            read_at: Some(at("2026-06-20T08:15:00Z")),
            checked_at: at("2026-06-20T08:15:00Z"),
            error: None,
            time_zone: "America/New_York".into(),
            busy: vec![BusyInterval {
                start: at("2026-07-05T13:00:00Z"),
                end: at("2026-07-05T15:30:00Z"),
            }],
            options: vec![
                OptionBusy {
                    option_id: Uuid::from_u128(0x0190_7a3c_0000_7000_8000_0000_0000_0001),
                    busy: true,
                },
                OptionBusy {
                    option_id: Uuid::from_u128(0x0190_7a3c_0000_7000_8000_0000_0000_0002),
                    busy: false,
                },
            ],
        }
    }
}

#[derive(ApiResponse)]
pub enum CalendarRead {
    /// The connected calendar.
    #[oai(status = 200)]
    Ok(Json<MyCalendar>),
}

#[derive(ApiResponse)]
pub enum CalendarPut {
    /// Connected (a previous calendar, if any, is replaced).
    #[oai(status = 200)]
    Ok(Json<MyCalendar>),
}

#[derive(ApiResponse)]
pub enum CalendarDeleted {
    /// Disconnected: the address and the busy time are deleted.
    #[oai(status = 204)]
    Deleted,
}

error_responses!(ConnectCalendarError {
    BadRequest = 400: "The body or a parameter is malformed.",
    Unauthorized = 401: "No valid invitation or response token.",
    Forbidden = 403: "The token belongs to another poll.",
    NotFound = 404: "No such poll.",
    Conflict = 409: "The poll is not open.",
    PayloadTooLarge = 413: "The body is larger than 10 MiB.",
    UnsupportedMediaType = 415: "The body is neither JSON nor text/calendar.",
    Unprocessable = 422: "The address is refused or cannot be read, or the file is not a calendar (the field says which); nothing was stored.",
});

error_responses!(MyCalendarError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "No valid invitation or response token.",
    Forbidden = 403: "The token belongs to another poll.",
    NotFound = 404: "No calendar connected.",
});

/// Whose calendar the token opens, and the zone its all-day and floating
/// events are read in.
fn owner(auth: &OwnResponseAuth, poll_id: Uuid) -> Result<(Owner, Option<Tz>), Error> {
    match auth {
        OwnResponseAuth::Invitee(InvitationToken(grant)) => {
            if grant.poll_id != poll_id {
                return Err(Error::Forbidden(
                    "this invitation is for another poll".into(),
                ));
            }
            Ok((
                Owner::Invitation(grant.invitation_id),
                Some(grant.zone.tz()),
            ))
        }
        OwnResponseAuth::Respondent(ResponseToken(grant)) => {
            if grant.poll_id != poll_id {
                return Err(Error::Forbidden(
                    "this response token belongs to another poll".into(),
                ));
            }
            Ok((Owner::Response(grant.response_id), None))
        }
    }
}

/// What a connected calendar shows, for the member.
pub fn view(poll: &Poll, calendar: &MemberCalendar, busy: Vec<Busy>) -> MyCalendar {
    let zone: Tz = calendar.zone.parse().unwrap_or(poll.zone.tz());
    let spans: Vec<Busy> = poll
        .options
        .iter()
        .map(|o| options::span(&o.slot, zone))
        .collect();
    let marks = options::busy_options(&busy, &spans);
    MyCalendar {
        source: if calendar.address_sealed.is_some() {
            SourceKind::Address
        } else {
            SourceKind::File
        },
        host: calendar.source_host.clone(),
        read_at: calendar.read_at.map(|t| Instant(render_utc(t))),
        checked_at: Instant(render_utc(calendar.checked_at)),
        error: calendar.error.clone(),
        time_zone: calendar.zone.clone(),
        busy: busy
            .iter()
            .map(|b| BusyInterval {
                start: Instant(render_utc(b.start)),
                end: Instant(render_utc(b.end)),
            })
            .collect(),
        options: poll
            .options
            .iter()
            .zip(marks)
            .map(|(o, busy)| OptionBusy {
                option_id: o.id,
                busy,
            })
            .collect(),
    }
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Responses")]
impl MyCalendarApi {
    /// Connect my calendar
    ///
    /// Connects the calendar the poll's options are checked against: send
    /// `{"url": "https://…"}` (or `webcal://`) to have it read now and every
    /// 15 minutes while the poll is open, or the `.ics` file itself as
    /// `text/calendar`. Only busy intervals overlapping the options are
    /// kept, never titles, places or attendees. An address that is refused
    /// (not public, not https/webcal), does not answer within 10 s, is
    /// larger than 10 MiB, or is not a calendar is a 422 naming `url` (a
    /// file: `calendar`), and nothing is stored. Your answers are untouched:
    /// busy marks decide nothing.
    #[oai(
        path = "/polls/:poll_id/responses/me/calendar",
        method = "put",
        operation_id = "connectCalendar"
    )]
    async fn connect_calendar(
        &self,
        store: Data<&Store>,
        calendars: Data<&Calendars>,
        auth: OwnResponseAuth,
        /// The poll's id.
        poll_id: Path<Uuid>,
        body: CalendarSource,
    ) -> Result<CalendarPut, ConnectCalendarError> {
        let (owner, zone) = owner(&auth, poll_id.0)?;
        let poll = store
            .poll(poll_id.0)
            .await?
            .ok_or(Error::NotFound("poll"))?;
        if poll.status_at(Utc::now()) != PollStatus::Open {
            return Err(Error::Conflict(
                "the poll is not open: calendars are connected while it is".into(),
            )
            .into());
        }
        let zone = zone.unwrap_or(poll.zone.tz());
        let source = match body {
            CalendarSource::Address(JsonBody(a)) => Source::Address(a.url),
            CalendarSource::File(IcsBody(bytes)) => Source::Upload(bytes),
        };
        let calendar = calendars
            .connect(&store, &poll, owner, zone, source)
            .await?;
        let busy = store.calendar_busy(calendar.id).await?;
        Ok(CalendarPut::Ok(Json(view(&poll, &calendar, busy))))
    }

    /// Read my calendar
    ///
    /// The connected calendar's source (its host only), when it was last
    /// read and why the last re-read failed, if it did; its busy intervals
    /// among the poll's options, and per option whether it is busy.
    #[oai(
        path = "/polls/:poll_id/responses/me/calendar",
        method = "get",
        operation_id = "getMyCalendar"
    )]
    async fn get_my_calendar(
        &self,
        store: Data<&Store>,
        auth: OwnResponseAuth,
        /// The poll's id.
        poll_id: Path<Uuid>,
    ) -> Result<CalendarRead, MyCalendarError> {
        let (owner, _) = owner(&auth, poll_id.0)?;
        let poll = store
            .poll(poll_id.0)
            .await?
            .ok_or(Error::NotFound("poll"))?;
        let calendar = store
            .calendar_of(owner)
            .await?
            .ok_or(Error::NotFound("calendar"))?;
        let busy = store.calendar_busy(calendar.id).await?;
        Ok(CalendarRead::Ok(Json(view(&poll, &calendar, busy))))
    }

    /// Disconnect my calendar
    ///
    /// Deletes the address and every busy interval at once.
    #[oai(
        path = "/polls/:poll_id/responses/me/calendar",
        method = "delete",
        operation_id = "disconnectCalendar"
    )]
    async fn disconnect_calendar(
        &self,
        store: Data<&Store>,
        auth: OwnResponseAuth,
        /// The poll's id.
        poll_id: Path<Uuid>,
    ) -> Result<CalendarDeleted, MyCalendarError> {
        let (owner, _) = owner(&auth, poll_id.0)?;
        if !store.disconnect_calendar(owner).await? {
            return Err(Error::NotFound("calendar").into());
        }
        Ok(CalendarDeleted::Deleted)
    }
}
