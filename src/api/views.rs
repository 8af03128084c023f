//! Polls and options as the API shows them: the wire enums, a poll with its
//! options in the poll's, UTC and the viewer's zone, and who may read it.

use chrono::Utc;
use poem_openapi::{ApiResponse, Object};
use uuid::Uuid;

use super::payload::Reply;
use super::types::{Date, Instant};
use crate::domain::access::{self, Reader};
use crate::domain::poll::{self as dp, Poll, PollOption};
use crate::domain::time::{self, Slot, Zone};
use crate::error::Error;
use crate::web::conditional::etag;

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident => $domain:path { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(poem_openapi::Enum, serde::Deserialize, serde::Serialize, Debug, Clone, Copy, PartialEq, Eq)]
        #[oai(rename_all = "snake_case")]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl From<$name> for $domain {
            fn from(v: $name) -> Self {
                match v { $($name::$variant => <$domain>::$variant),+ }
            }
        }

        impl From<$domain> for $name {
            fn from(v: $domain) -> Self {
                match v { $(<$domain>::$variant => $name::$variant),+ }
            }
        }
    };
}
pub(crate) use wire_enum;

wire_enum!(
    /// Where a poll is in its life. An open poll whose deadline has passed reads as `closed`.
    PollStatus => dp::PollStatus { Open, Closed, Confirmed, Cancelled }
);
wire_enum!(
    /// Who may vote: invited members only, or anyone with the link and a name.
    VotingMode => dp::Voting { InviteOnly, Open }
);
wire_enum!(
    /// Who sees results: everyone who can read the poll, only those who have voted, or only the organiser.
    ResultsVisibility => dp::ResultsVisibility { Everyone, AfterVoting, Organisers }
);
wire_enum!(
    /// How a member attends a hybrid meeting.
    Attendance => crate::domain::hybrid::Attendance { InPerson, Online }
);
wire_enum!(
    /// A seat-seeking yes has an in-person seat (`taken`) or waits for one
    /// (`waiting`, in arrival order).
    SeatState => crate::domain::hybrid::Seat { Taken, Waiting }
);

wire_enum!(
    /// All-day date range (floating dates) or a timed slot in the poll's zone.
    OptionKind => dp::OptionKind { AllDay, Timed }
);

/// A candidate, shown in the poll's zone, in UTC and in the viewer's zone.
#[derive(Object, serde::Serialize, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct OptionView {
    /// The option's id (for votes and confirmPoll).
    pub id: Uuid,
    /// 1-based place in the organiser's order.
    pub number: u32,
    pub kind: OptionKind,
    /// A short human label in the poll's zone.
    pub label: String,
    /// All-day: first day (floating: the same in every zone).
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<Date>,
    /// All-day: last day, inclusive.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<Date>,
    /// Timed: start as an instant in UTC.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_utc: Option<Instant>,
    /// Timed: end as an instant in UTC.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_utc: Option<Instant>,
    /// Timed: start on the poll's wall clock, with its offset.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_local: Option<Instant>,
    /// Timed: end on the poll's wall clock, with its offset.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_local: Option<Instant>,
    /// Timed: start in the viewer's zone (`viewer_time_zone`), with its offset.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_viewer: Option<Instant>,
    /// Timed: end in the viewer's zone, with its offset.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_viewer: Option<Instant>,
    /// Present (true) when members answer each day of the range.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_day: Option<bool>,
    /// In-person places, when the option has a limit.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
}

impl poem_openapi::types::Example for OptionView {
    /// The 06:00 Vienna call, as Yoichi reads it in Tokyo.
    fn example() -> Self {
        let poll = super::examples::poll();
        let tokyo = Zone::parse("Asia/Tokyo").expect("a zone");
        option_view(&poll.options[3], 4, poll.zone, tokyo)
    }
}

pub fn option_view(o: &PollOption, number: usize, poll_zone: Zone, viewer: Zone) -> OptionView {
    let mut view = OptionView {
        id: o.id,
        number: number as u32,
        kind: OptionKind::AllDay,
        label: o.slot.label(poll_zone),
        start_date: None,
        end_date: None,
        start_utc: None,
        end_utc: None,
        start_local: None,
        end_local: None,
        start_viewer: None,
        end_viewer: None,
        per_day: o.setup.per_day.then_some(true),
        capacity: o.setup.capacity,
    };
    match o.slot {
        Slot::AllDay { start, end } => {
            view.start_date = Some(Date(start.to_string()));
            view.end_date = Some(Date(end.to_string()));
        }
        Slot::Timed { start, end } => {
            view.kind = OptionKind::Timed;
            view.start_utc = Some(Instant(time::render_utc(start)));
            view.end_utc = Some(Instant(time::render_utc(end)));
            view.start_local = Some(Instant(poll_zone.render(start)));
            view.end_local = Some(Instant(poll_zone.render(end)));
            view.start_viewer = Some(Instant(viewer.render(start)));
            view.end_viewer = Some(Instant(viewer.render(end)));
        }
    }
    view
}

/// A poll with its options.
#[derive(Object, serde::Serialize, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct PollView {
    /// The poll's id.
    pub id: Uuid,
    /// What the poll is about, one line (at most 200 characters).
    pub title: String,
    /// Longer text shown with the poll (at most 10,000 characters).
    pub description: String,
    /// Where it takes place (free text).
    pub location: String,
    /// The poll's IANA zone: timed options are entered and shown in it.
    pub time_zone: String,
    /// The zone `start_viewer`/`end_viewer` are shown in: `?tz=`, else an
    /// invited member's own zone, else the poll's zone.
    pub viewer_time_zone: String,
    pub status: PollStatus,
    /// Voting stops by itself at this instant.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Instant>,
    pub voting: VotingMode,
    /// Whether "if need be" is offered besides yes and no.
    pub allow_if_need_be: bool,
    pub results_visibility: ResultsVisibility,
    /// Whether respondents' names are shown next to their answers.
    pub show_voter_names: bool,
    /// Counts only: names and individual answers are never shown, to anyone.
    pub aggregate_only: bool,
    /// The least number of required members who must be available for an option.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quorum: Option<u32>,
    /// Reminders mailed automatically before the deadline to invited
    /// members who have not answered (ISO 8601 durations before it).
    pub reminders: Vec<String>,
    /// Hybrid polls: the ways members may attend.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attendance_modes: Option<Vec<Attendance>>,
    /// Rises with every change; send it back as `If-Match` to edit.
    pub version: i32,
    pub created_at: Instant,
    /// The last change to the poll or its options.
    pub updated_at: Instant,
    /// The candidates, in the organiser's order.
    pub options: Vec<OptionView>,
    /// The confirmed option, once there is one (kept if the poll is reopened).
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmed_option_id: Option<Uuid>,
    /// Open polls: the public page where anyone votes by name, without an
    /// API client, and gets a private link to change their answer.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
}

impl poem_openapi::types::Example for PollView {
    /// The reference poll as Yoichi, invited from Tokyo, reads it.
    fn example() -> Self {
        poll_view(
            &super::examples::poll(),
            Zone::parse("Asia/Tokyo").expect("a zone"),
            "https://convene.example.org",
        )
    }
}

pub fn poll_view(p: &Poll, viewer: Zone, base: &str) -> PollView {
    PollView {
        page_url: (p.settings.voting == dp::Voting::Open)
            .then(|| crate::links::poll_page_url(base, p.id)),
        id: p.id,
        title: p.title.clone(),
        description: p.description.clone(),
        location: p.location.clone(),
        time_zone: p.zone.name().into(),
        viewer_time_zone: viewer.name().into(),
        status: p.status_at(Utc::now()).into(),
        deadline: p.deadline.map(|d| Instant(time::render_utc(d))),
        voting: p.settings.voting.into(),
        allow_if_need_be: p.settings.allow_if_need_be,
        results_visibility: p.settings.results_visibility.into(),
        show_voter_names: p.settings.show_voter_names,
        aggregate_only: p.settings.aggregate_only,
        quorum: p.settings.quorum,
        reminders: p.reminders.iter().map(|r| r.text.clone()).collect(),
        attendance_modes: p.settings.attendance.is_hybrid().then(|| {
            p.settings
                .attendance
                .list()
                .into_iter()
                .map(Into::into)
                .collect()
        }),
        version: p.version,
        created_at: Instant(time::render_utc(p.created_at)),
        updated_at: Instant(time::render_utc(p.updated_at)),
        options: p
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| option_view(o, i + 1, p.zone, viewer))
            .collect(),
        confirmed_option_id: p.confirmed_option,
    }
}

/// The viewer's zone: `?tz=` if given, else their default one.
pub fn viewer_zone(tz: Option<&str>, poll: &Poll, reader: &Reader) -> Result<Zone, Error> {
    match tz {
        Some(name) => Zone::parse(name).map_err(|m| Error::invalid("tz", m)),
        None => Ok(access::default_zone(poll, reader)),
    }
}

#[derive(ApiResponse)]
pub enum PollRead {
    /// The poll.
    #[oai(status = 200, content_type = "application/json")]
    Ok(Reply<PollView>, #[oai(header = "ETag")] String),
}

/// getPoll's answer.
#[derive(ApiResponse)]
// Built once per request and written out at once: boxing the view would
// cost an allocation to save a few hundred bytes of stack.
#[allow(clippy::large_enum_variant)]
pub enum PollGet {
    /// The poll, with its ETag for `If-Match` and `If-None-Match`.
    #[oai(status = 200, content_type = "application/json")]
    Ok(Reply<PollView>, #[oai(header = "ETag")] String),
    /// The copy the client has (its `If-None-Match`) is current.
    #[oai(status = 304)]
    NotModified(#[oai(header = "ETag")] String),
}

impl PollRead {
    /// The poll as its organiser sees it, with its ETag.
    pub fn of(poll: &Poll, base: &str) -> Self {
        PollRead::Ok(Reply(poll_view(poll, poll.zone, base)), etag(poll.version))
    }
}

#[derive(ApiResponse)]
pub enum Deleted {
    /// Done.
    #[oai(status = 204)]
    NoContent,
}
