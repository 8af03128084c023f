//! A member's own calendar, for free/busy: connect an ICS address or upload a
//! file, see what it shows busy among the poll's options, disconnect.
//! Busy marks decide nothing: the member still answers.

use chrono::Utc;
use chrono_tz::Tz;
use poem_openapi::{
    ApiRequest, ApiResponse, Object, OpenApi,
    param::Path,
    payload::{Binary, Json},
};
use uuid::Uuid;

use super::auth::{InvitationToken, OwnResponseAuth, ResponseToken};
use super::body::JsonBody;
use super::error::error_responses;
use super::tags::ApiTags;
use super::types::Instant;
use crate::calendars::{Calendars, Source};
use crate::domain::freebusy::{Busy, options};
use crate::domain::poll::{Poll, PollStatus};
use crate::domain::time::render_utc;
use crate::error::Error;
use crate::store::Store;
use crate::store::calendars::{MemberCalendar, Owner};
use poem::web::Data;

pub struct MyCalendarApi;

/// An ICS address to read busy time from.
#[derive(Object, Debug, serde::Deserialize)]
#[oai(rename = "CalendarAddress")]
#[serde(deny_unknown_fields)]
pub struct CalendarAddress {
    /// The calendar's ICS address: `https://` or `webcal://` (Google's
    /// "secret address in iCal format", Outlook's published ICS link, an
    /// iCloud public calendar, a Nextcloud or Thunderbird share). Stored
    /// encrypted, never shown back but for its host.
    #[oai(validator(max_length = 2048))]
    pub url: String,
}

/// The calendar to connect: an address as JSON, or the file itself.
#[derive(ApiRequest)]
pub enum CalendarSource {
    /// An ICS address to read now and again every 15 minutes while the poll is open.
    #[oai(content_type = "application/json")]
    Address(JsonBody<CalendarAddress>),
    /// An iCalendar file (`.ics`, at most 10 MiB), read once.
    #[oai(content_type = "text/calendar")]
    File(Binary<Vec<u8>>),
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
#[oai(rename = "MyCalendar")]
pub struct MyCalendar {
    pub source: SourceKind,
    /// The address's host (the address itself is not shown back).
    pub host: Option<String>,
    // When the calendar was last read successfully (documented on its type).
    pub read_at: Option<Instant>,
    // When it was last tried.
    pub checked_at: Instant,
    /// Why the last re-read failed (the busy time shown is from `read_at`).
    pub error: Option<String>,
    /// The zone all-day and floating events are read in (the member's).
    pub time_zone: String,
    /// Merged busy intervals that overlap the poll's options.
    pub busy: Vec<BusyInterval>,
    /// Per option, in the poll's order.
    pub options: Vec<OptionBusy>,
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
            CalendarSource::File(Binary(bytes)) => Source::Upload(bytes),
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
