//! Polls and their options: the organiser's operations, and the public read.

use chrono::Utc;
use poem::Request;
use poem::web::Data;
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Header, Path, Query},
    payload::Json,
    types::MaybeUndefined,
};
use serde::Deserialize;
use uuid::Uuid;

use super::auth::{OrganiserToken, Reader, ReaderAuth};
use super::body::JsonBody;
use super::error::error_responses;
use super::types::{Date, Instant, TimeZone, WallTime};
use super::{ApiTags, page_limit, parse_cursor};
use crate::domain::limits::MAX_OPTIONS_PER_POLL;
use crate::domain::poll::{self as dp, NewPoll, Poll, PollOption, PollPatch, Settings};
use crate::domain::time::{self, Slot, Zone};
use crate::domain::{FieldError, Violations};
use crate::error::Error;
use crate::store::Store;
use crate::store::polls::{Actor, PollFilter};

// ---- wire enums ---------------------------------------------------------

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident => $domain:path { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(poem_openapi::Enum, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
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
    /// All-day date range (floating dates) or a timed slot in the poll's zone.
    OptionKind => dp::OptionKind { AllDay, Timed }
);

// ---- requests -----------------------------------------------------------

/// One candidate date range or time slot.
#[derive(Object, Deserialize, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
#[serde(deny_unknown_fields)]
pub struct OptionInput {
    pub kind: OptionKind,
    /// All-day options: the first day.
    #[oai(skip_serializing_if_is_none)]
    pub start_date: Option<Date>,
    /// All-day options: the last day, inclusive (defaults to `start_date`).
    #[oai(skip_serializing_if_is_none)]
    pub end_date: Option<Date>,
    /// Timed options: local start in the poll's zone.
    #[oai(skip_serializing_if_is_none)]
    pub start: Option<WallTime>,
    /// Timed options: local end in the poll's zone.
    #[oai(skip_serializing_if_is_none)]
    pub end: Option<WallTime>,
}

impl poem_openapi::types::Example for OptionInput {
    fn example() -> Self {
        OptionInput {
            kind: OptionKind::AllDay,
            start_date: Some(Date("2026-07-05".into())),
            end_date: Some(Date("2026-07-07".into())),
            start: None,
            end: None,
        }
    }
}

impl OptionInput {
    /// The slot this input denotes in `zone`, or the errors under `path`.
    fn parse(&self, zone: Zone, path: &str, v: &mut Violations) -> Option<Slot> {
        let at = |f: &str| {
            if path.is_empty() {
                f.to_string()
            } else {
                format!("{path}.{f}")
            }
        };
        match self.kind {
            OptionKind::AllDay => {
                for (f, given) in [("start", self.start.is_some()), ("end", self.end.is_some())] {
                    if given {
                        v.push(
                            at(f),
                            "all-day options take start_date and end_date, not start and end",
                        );
                    }
                }
                let Some(start) = &self.start_date else {
                    v.push(at("start_date"), "all-day options need a start_date");
                    return None;
                };
                let start = v.check(at("start_date"), time::parse_date(&start.0))?;
                let end = match &self.end_date {
                    Some(e) => v.check(at("end_date"), time::parse_date(&e.0))?,
                    None => start,
                };
                Slot::all_day(start, end)
                    .map_err(|(f, m)| v.push(at(f), m))
                    .ok()
            }
            OptionKind::Timed => {
                for (f, given) in [
                    ("start_date", self.start_date.is_some()),
                    ("end_date", self.end_date.is_some()),
                ] {
                    if given {
                        v.push(
                            at(f),
                            "timed options take start and end, not start_date and end_date",
                        );
                    }
                }
                let mut resolve = |f: &str, value: &Option<WallTime>| match value {
                    None => {
                        v.push(at(f), format!("timed options need {f}"));
                        None
                    }
                    Some(w) => v.check(
                        at(f),
                        time::WallTime::parse(&w.0).and_then(|w| w.resolve(zone)),
                    ),
                };
                let (start, end) = (resolve("start", &self.start), resolve("end", &self.end));
                Slot::timed(start?, end?)
                    .map_err(|(f, m)| v.push(at(f), m))
                    .ok()
            }
        }
    }
}

/// A new poll. Settings left out take their defaults: `voting` is `open`,
/// `results_visibility` is `everyone`.
#[derive(Object, Deserialize, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
#[serde(deny_unknown_fields)]
pub struct CreatePollRequest {
    /// What the poll is about, one line (at most 200 characters).
    #[oai(validator(min_length = 1, max_length = 200))]
    pub title: String,
    /// Longer text shown with the poll (at most 10,000 characters).
    #[oai(validator(max_length = 10000), skip_serializing_if_is_none)]
    pub description: Option<String>,
    /// Where it takes place (free text, at most 500 characters).
    #[oai(validator(max_length = 500), skip_serializing_if_is_none)]
    pub location: Option<String>,
    /// The poll's IANA zone: timed options are entered and shown in it.
    pub time_zone: TimeZone,
    /// Voting stops by itself at this instant.
    #[oai(skip_serializing_if_is_none)]
    pub deadline: Option<Instant>,
    // No doc comment: a $ref with a description turns into allOf, which
    // generators handle badly. The default is in the struct's doc.
    #[oai(skip_serializing_if_is_none)]
    pub voting: Option<VotingMode>,
    /// Offer "if need be" besides yes and no. Default true.
    #[oai(skip_serializing_if_is_none)]
    pub allow_if_need_be: Option<bool>,
    #[oai(skip_serializing_if_is_none)]
    pub results_visibility: Option<ResultsVisibility>,
    /// Show respondents' names next to their answers. Default true.
    #[oai(skip_serializing_if_is_none)]
    pub show_voter_names: Option<bool>,
    /// Publish counts only: names and individual answers are never shown, to anyone. Default false.
    #[oai(skip_serializing_if_is_none)]
    pub aggregate_only: Option<bool>,
    /// The least number of required invited members who must be available
    /// (yes or if need be) for an option; results say whether each meets it.
    #[oai(validator(minimum(value = "1"), maximum(value = "10000")))]
    #[oai(skip_serializing_if_is_none)]
    pub quorum: Option<i64>,
    /// At least one, at most 500.
    #[oai(validator(min_items = 1, max_items = 500))]
    pub options: Vec<OptionInput>,
}

impl poem_openapi::types::Example for CreatePollRequest {
    fn example() -> Self {
        let day = |s: &str, e: &str| OptionInput {
            kind: OptionKind::AllDay,
            start_date: Some(Date(s.into())),
            end_date: Some(Date(e.into())),
            start: None,
            end: None,
        };
        CreatePollRequest {
            title: "Second Open Consultations and MAG Meeting".into(),
            description: Some(
                "Three days at the Vienna International Centre, online and onsite.".into(),
            ),
            location: Some("Vienna International Centre".into()),
            time_zone: TimeZone("Europe/Vienna".into()),
            deadline: None,
            voting: Some(VotingMode::Open),
            allow_if_need_be: Some(true),
            results_visibility: Some(ResultsVisibility::Everyone),
            show_voter_names: Some(true),
            aggregate_only: Some(false),
            quorum: None,
            options: vec![
                day("2026-07-05", "2026-07-07"),
                day("2026-07-10", "2026-07-12"),
                day("2026-07-12", "2026-07-14"),
                OptionInput {
                    kind: OptionKind::Timed,
                    start_date: None,
                    end_date: None,
                    start: Some(WallTime("2026-07-10T13:00".into())),
                    end: Some(WallTime("2026-07-10T16:00".into())),
                },
            ],
        }
    }
}

impl CreatePollRequest {
    fn parse(self) -> Result<NewPoll, Vec<FieldError>> {
        let mut v = Violations::default();
        let title = v.check("title", dp::parse_title(&self.title));
        let description = v.check(
            "description",
            dp::parse_description(self.description.as_deref().unwrap_or("")),
        );
        let location = v.check(
            "location",
            dp::parse_location(self.location.as_deref().unwrap_or("")),
        );
        let zone = v.check("time_zone", Zone::parse(&self.time_zone.0));
        let deadline = match &self.deadline {
            Some(d) => v.check("deadline", parse_deadline(&d.0)).map(Some),
            None => Some(None),
        };
        let quorum = match self.quorum {
            Some(q) => v.check("quorum", dp::parse_quorum(q)).map(Some),
            None => Some(None),
        };
        if self.options.is_empty() {
            v.push("options", "a poll needs at least one option");
        } else if self.options.len() > MAX_OPTIONS_PER_POLL {
            v.push(
                "options",
                format!("a poll may have at most {MAX_OPTIONS_PER_POLL} options"),
            );
        }
        let mut slots = Vec::with_capacity(self.options.len());
        if let Some(zone) = zone {
            for (i, o) in self.options.iter().enumerate() {
                let path = format!("options[{i}]");
                if let Some(slot) = o.parse(zone, &path, &mut v) {
                    if let Some((first, _)) = slots.iter().find(|(_, s)| *s == slot) {
                        v.push(path, format!("the same slot as options[{first}]"));
                    }
                    slots.push((i, slot));
                }
            }
        }
        v.into_result()?;
        let defaults = Settings::default();
        Ok(NewPoll {
            title: title.expect("checked"),
            description: description.expect("checked"),
            location: location.expect("checked"),
            zone: zone.expect("checked"),
            deadline: deadline.expect("checked"),
            settings: Settings {
                voting: self.voting.map(Into::into).unwrap_or(defaults.voting),
                allow_if_need_be: self.allow_if_need_be.unwrap_or(defaults.allow_if_need_be),
                results_visibility: self
                    .results_visibility
                    .map(Into::into)
                    .unwrap_or(defaults.results_visibility),
                show_voter_names: self.show_voter_names.unwrap_or(defaults.show_voter_names),
                aggregate_only: self.aggregate_only.unwrap_or(defaults.aggregate_only),
                quorum: quorum.expect("checked"),
            },
            options: slots.into_iter().map(|(_, s)| s).collect(),
        })
    }
}

/// Changes to a poll; fields left out stay as they are. Options have their own operations.
#[derive(Object, Deserialize, Debug, Clone, Default)]
#[oai(rename_all = "snake_case", example)]
#[serde(deny_unknown_fields)]
pub struct UpdatePollRequest {
    /// What the poll is about, one line (at most 200 characters).
    #[serde(default)]
    #[oai(validator(min_length = 1, max_length = 200))]
    pub title: MaybeUndefined<String>,
    /// Longer text shown with the poll (at most 10,000 characters).
    #[serde(default)]
    #[oai(validator(max_length = 10000))]
    pub description: MaybeUndefined<String>,
    /// Where it takes place (free text, at most 500 characters).
    #[serde(default)]
    #[oai(validator(max_length = 500))]
    pub location: MaybeUndefined<String>,
    /// Timed options keep their instants and are shown in the new zone.
    #[serde(default)]
    pub time_zone: MaybeUndefined<TimeZone>,
    /// `null` removes the deadline.
    #[serde(default)]
    #[oai(nullable)]
    pub deadline: MaybeUndefined<Instant>,
    #[serde(default)]
    pub voting: MaybeUndefined<VotingMode>,
    /// Offer "if need be" besides yes and no.
    #[serde(default)]
    pub allow_if_need_be: MaybeUndefined<bool>,
    #[serde(default)]
    pub results_visibility: MaybeUndefined<ResultsVisibility>,
    /// Show respondents' names next to their answers.
    #[serde(default)]
    pub show_voter_names: MaybeUndefined<bool>,
    /// Publish counts only: names and individual answers are never shown, to anyone.
    #[serde(default)]
    pub aggregate_only: MaybeUndefined<bool>,
    /// `null` removes the quorum.
    #[serde(default)]
    #[oai(nullable, validator(minimum(value = "1"), maximum(value = "10000")))]
    pub quorum: MaybeUndefined<i64>,
}

impl poem_openapi::types::Example for UpdatePollRequest {
    fn example() -> Self {
        UpdatePollRequest {
            location: MaybeUndefined::Value(
                "Vienna International Centre, Conference Room 3".into(),
            ),
            deadline: MaybeUndefined::Value(Instant("2026-06-30T22:00:00Z".into())),
            ..Default::default()
        }
    }
}

/// A field that may be left out but not set to null.
fn required<T: Clone>(f: &MaybeUndefined<T>, name: &str, v: &mut Violations) -> Option<T> {
    match f {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => {
            v.push(name, "may be left out but not null");
            None
        }
        MaybeUndefined::Value(x) => Some(x.clone()),
    }
}

impl UpdatePollRequest {
    fn parse(self) -> Result<PollPatch, Vec<FieldError>> {
        let mut v = Violations::default();
        let mut text =
            |f: &MaybeUndefined<String>, name: &str, parse: fn(&str) -> Result<String, String>| {
                required(f, name, &mut v).and_then(|s| v.check(name, parse(&s)))
            };
        let title = text(&self.title, "title", dp::parse_title);
        let description = text(&self.description, "description", dp::parse_description);
        let location = text(&self.location, "location", dp::parse_location);
        let zone = required(&self.time_zone, "time_zone", &mut v)
            .and_then(|z| v.check("time_zone", Zone::parse(&z.0)));
        let deadline = match &self.deadline {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(d) => v.check("deadline", parse_deadline(&d.0)).map(Some),
        };
        let patch = PollPatch {
            title,
            description,
            location,
            zone,
            deadline,
            voting: required(&self.voting, "voting", &mut v).map(Into::into),
            allow_if_need_be: required(&self.allow_if_need_be, "allow_if_need_be", &mut v),
            results_visibility: required(&self.results_visibility, "results_visibility", &mut v)
                .map(Into::into),
            show_voter_names: required(&self.show_voter_names, "show_voter_names", &mut v),
            aggregate_only: required(&self.aggregate_only, "aggregate_only", &mut v),
            quorum: match self.quorum {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(q) => v.check("quorum", dp::parse_quorum(q)).map(Some),
            },
        };
        v.into_result()?;
        Ok(patch)
    }
}

/// A deadline must lie ahead: one in the past would close the poll at once,
/// which `closePoll` says more plainly.
fn parse_deadline(s: &str) -> Result<chrono::DateTime<Utc>, String> {
    let d = parse_instant(s)?;
    if d <= Utc::now() {
        return Err(format!(
            "{s} has already passed: to stop voting now, close the poll"
        ));
    }
    Ok(d)
}

fn parse_instant(s: &str) -> Result<chrono::DateTime<Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(s.trim())
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| format!("\"{s}\" is not an RFC 3339 instant such as 2026-06-30T12:00:00Z"))
        .and_then(time::check_instant)
}

// ---- views --------------------------------------------------------------

/// A candidate, shown in the poll's zone, in UTC and in the viewer's zone.
#[derive(Object, Debug, Clone)]
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
    pub start_date: Option<Date>,
    /// All-day: last day, inclusive.
    #[oai(skip_serializing_if_is_none)]
    pub end_date: Option<Date>,
    /// Timed: start as an instant in UTC.
    #[oai(skip_serializing_if_is_none)]
    pub start_utc: Option<Instant>,
    /// Timed: end as an instant in UTC.
    #[oai(skip_serializing_if_is_none)]
    pub end_utc: Option<Instant>,
    /// Timed: start on the poll's wall clock, with its offset.
    #[oai(skip_serializing_if_is_none)]
    pub start_local: Option<Instant>,
    /// Timed: end on the poll's wall clock, with its offset.
    #[oai(skip_serializing_if_is_none)]
    pub end_local: Option<Instant>,
    /// Timed: start in the viewer's zone (`viewer_time_zone`), with its offset.
    #[oai(skip_serializing_if_is_none)]
    pub start_viewer: Option<Instant>,
    /// Timed: end in the viewer's zone, with its offset.
    #[oai(skip_serializing_if_is_none)]
    pub end_viewer: Option<Instant>,
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
#[derive(Object, Debug, Clone)]
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
    pub quorum: Option<u32>,
    /// Rises with every change; send it back as `If-Match` to edit.
    pub version: i32,
    pub created_at: Instant,
    /// The last change to the poll or its options.
    pub updated_at: Instant,
    /// The candidates, in the organiser's order.
    pub options: Vec<OptionView>,
    /// The confirmed option, once there is one (kept if the poll is reopened).
    #[oai(skip_serializing_if_is_none)]
    pub confirmed_option_id: Option<Uuid>,
}

impl poem_openapi::types::Example for PollView {
    /// The reference poll as Yoichi, invited from Tokyo, reads it.
    fn example() -> Self {
        poll_view(
            &super::examples::poll(),
            Zone::parse("Asia/Tokyo").expect("a zone"),
        )
    }
}

pub fn poll_view(p: &Poll, viewer: Zone) -> PollView {
    PollView {
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

/// One poll in a list.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case")]
pub struct PollListItem {
    #[oai(flatten)]
    pub poll: PollView,
    /// How many responses it has.
    pub response_count: i64,
}

/// A page of polls, newest first.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct PollPage {
    pub items: Vec<PollListItem>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

impl poem_openapi::types::Example for PollPage {
    fn example() -> Self {
        let poll = super::examples::poll();
        PollPage {
            items: vec![PollListItem {
                poll: poll_view(&poll, poll.zone),
                response_count: 4,
            }],
            next_cursor: None,
        }
    }
}

fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// Reads `If-Match`: `"3"`, `W/"3"`, `3` or `*` (any version).
fn parse_if_match(value: &str) -> Result<Option<i32>, Error> {
    let v = value.trim();
    if v == "*" {
        return Ok(None);
    }
    let v = v.trim_start_matches("W/").trim_matches('"');
    v.parse::<i32>().map(Some).map_err(|_| {
        Error::invalid(
            "If-Match",
            format!("{value:?} is not an ETag of this API, such as \"3\""),
        )
    })
}

/// The viewer's zone: `?tz=` if given, else the poll's.
pub fn viewer_zone(tz: Option<&str>, poll: &Poll, reader: &Reader) -> Result<Zone, Error> {
    match (tz, reader) {
        (Some(name), _) => Zone::parse(name).map_err(|m| Error::invalid("tz", m)),
        // An invited member sees times on their own clock unless they ask.
        (None, Reader::Invitee(i)) if i.poll_id == poll.id => Ok(i.zone),
        (None, _) => Ok(poll.zone),
    }
}

/// May this caller read the poll at all?
pub fn ensure_readable(poll: &Poll, reader: &Reader) -> Result<(), Error> {
    match reader {
        Reader::Organiser(o) if o.id == poll.organiser_id => Ok(()),
        Reader::Respondent(r) if r.poll_id == poll.id => Ok(()),
        Reader::Invitee(i) if i.poll_id == poll.id => Ok(()),
        _ if poll.settings.voting == dp::Voting::Open => Ok(()),
        // Invite-only polls are invisible to outsiders, whether or not they exist.
        _ => Err(Error::NotFound("poll")),
    }
}

// ---- responses ----------------------------------------------------------

error_responses!(CreatePollError {
    BadRequest = 400: "The body is not valid JSON.",
    Unauthorized = 401: "No valid organiser token.",
    PayloadTooLarge = 413: "The body is too large.",
    UnsupportedMediaType = 415: "The body is not JSON.",
    Unprocessable = 422: "A field is invalid; `errors` names each one.",
});

error_responses!(ListPollsError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    Unprocessable = 422: "A parameter is invalid.",
});

error_responses!(GetPollError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "A token was sent but is not valid.",
    NotFound = 404: "No such poll visible to the caller.",
    Unprocessable = 422: "`tz` is not an IANA time zone.",
});

error_responses!(UpdatePollError {
    BadRequest = 400: "The body or a parameter is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    NotFound = 404: "No such poll of this organiser.",
    Conflict = 409: "The poll is aggregate-only and has been answered: it stays aggregate-only.",
    PreconditionFailed = 412: "The poll changed since the version in `If-Match`.",
    PayloadTooLarge = 413: "The body is too large.",
    UnsupportedMediaType = 415: "The body is not JSON.",
    Unprocessable = 422: "A field is invalid.",
    PreconditionRequired = 428: "`If-Match` is required.",
});

error_responses!(OrganiserPollError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    NotFound = 404: "No such poll of this organiser.",
    Conflict = 409: "The poll's status does not allow this.",
});

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
    NotFound = 404: "No such poll of this organiser.",
    Conflict = 409: "The top is tied, the poll is cancelled, or it changed meanwhile.",
    PayloadTooLarge = 413: "The body is too large.",
    UnsupportedMediaType = 415: "The body is not JSON.",
    Unprocessable = 422: "`option_id` is not an option of this poll.",
});

error_responses!(OptionDeleteError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    NotFound = 404: "No such poll or option of this organiser.",
    Conflict = 409: "It is the poll's last option.",
    PreconditionFailed = 412: "The poll changed since the version in `If-Match`.",
    Unprocessable = 422: "`If-Match` is not an ETag of this API.",
});

error_responses!(OptionChangeError {
    BadRequest = 400: "The body or a parameter is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    NotFound = 404: "No such poll or option of this organiser.",
    Conflict = 409: "The change would leave the poll without options or over the limit.",
    PreconditionFailed = 412: "The poll changed since the version in `If-Match`.",
    PayloadTooLarge = 413: "The body is too large.",
    UnsupportedMediaType = 415: "The body is not JSON.",
    Unprocessable = 422: "A field is invalid, or the slot duplicates another option.",
});

#[derive(ApiResponse)]
pub enum PollCreated {
    /// The poll was created.
    #[oai(status = 201, content_type = "application/json")]
    Created(
        Json<PollView>,
        #[oai(header = "Location")] String,
        #[oai(header = "ETag")] String,
    ),
}

#[derive(ApiResponse)]
pub enum PollRead {
    /// The poll.
    #[oai(status = 200, content_type = "application/json")]
    Ok(Json<PollView>, #[oai(header = "ETag")] String),
}

impl PollRead {
    /// The poll as its organiser sees it, with its ETag.
    fn of(poll: &Poll) -> Self {
        PollRead::Ok(Json(poll_view(poll, poll.zone)), etag(poll.version))
    }
}

#[derive(ApiResponse)]
pub enum PollList {
    /// A page of the organiser's polls.
    #[oai(status = 200, content_type = "application/json")]
    Ok(Json<PollPage>),
}

#[derive(ApiResponse)]
pub enum OptionCreated {
    /// The option was added; the ETag is the poll's new version.
    #[oai(status = 201, content_type = "application/json")]
    Created(Json<OptionView>, #[oai(header = "ETag")] String),
}

#[derive(ApiResponse)]
pub enum Deleted {
    /// Done.
    #[oai(status = 204)]
    NoContent,
}

// ---- operations ---------------------------------------------------------

pub struct PollsApi;

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Polls")]
impl PollsApi {
    /// Create a poll
    ///
    /// Creates a poll with its options. Timed options are local wall-clock
    /// times in the poll's `time_zone`; a time that does not exist (the
    /// spring-forward gap) is refused, and one that happens twice (the
    /// fall-back hour) needs an explicit offset.
    #[oai(path = "/polls", method = "post", operation_id = "createPoll")]
    async fn create_poll(
        &self,
        store: Data<&Store>,
        auth: OrganiserToken,
        body: JsonBody<CreatePollRequest>,
    ) -> Result<PollCreated, CreatePollError> {
        let organiser = auth.0;
        let new = body.0.parse().map_err(Error::Invalid)?;
        let poll = store
            .create_poll(organiser.id, &Actor::organiser(&organiser.name), new)
            .await?;
        Ok(PollCreated::Created(
            Json(poll_view(&poll, poll.zone)),
            format!("/api/v1/polls/{}", poll.id),
            etag(poll.version),
        ))
    }

    /// List your polls
    ///
    /// The organiser's own polls, newest first, optionally by status.
    #[oai(path = "/polls", method = "get", operation_id = "listPolls")]
    async fn list_polls(
        &self,
        store: Data<&Store>,
        auth: OrganiserToken,
        /// Only polls with this status.
        status: Query<Option<PollStatus>>,
        /// `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
        /// Page size, 1–500 (default 50).
        limit: Query<Option<u32>>,
    ) -> Result<PollList, ListPollsError> {
        let limit = page_limit(limit.0)?;
        let after = parse_cursor(cursor.0.as_deref())?;
        let mut rows = store
            .list_polls(
                auth.0.id,
                PollFilter {
                    status: status.0.map(Into::into),
                    after,
                    limit: limit + 1,
                },
            )
            .await?;
        let next_cursor = if rows.len() as u64 > limit {
            rows.truncate(limit as usize);
            rows.last().map(|r| r.poll.id.to_string())
        } else {
            None
        };
        Ok(PollList::Ok(Json(PollPage {
            items: rows
                .iter()
                .map(|r| PollListItem {
                    poll: poll_view(&r.poll, r.poll.zone),
                    response_count: r.responses,
                })
                .collect(),
            next_cursor,
        })))
    }

    /// Read a poll
    ///
    /// Anyone may read an open-voting poll; an invite-only poll only its
    /// organiser and its invited members (with their invitation token).
    /// Timed options are shown in the poll's zone, in UTC and in the
    /// viewer's zone: `tz`, else an invited member's own zone, else the
    /// poll's.
    #[oai(path = "/polls/:poll_id", method = "get", operation_id = "getPoll")]
    async fn get_poll(
        &self,
        store: Data<&Store>,
        req: &Request,
        auth: ReaderAuth,
        /// The poll's id.
        poll_id: Path<Uuid>,
        /// Show times in this IANA zone too, e.g. `Asia/Tokyo`.
        tz: Query<Option<String>>,
    ) -> Result<PollRead, GetPollError> {
        let reader = Reader::resolve(auth, req)?;
        let poll = store
            .poll(poll_id.0)
            .await?
            .ok_or(Error::NotFound("poll"))?;
        ensure_readable(&poll, &reader)?;
        let viewer = viewer_zone(tz.0.as_deref(), &poll, &reader)?;
        Ok(PollRead::Ok(
            Json(poll_view(&poll, viewer)),
            etag(poll.version),
        ))
    }

    /// Edit a poll
    ///
    /// Changes the given fields. Send the poll's ETag as `If-Match`: if
    /// someone changed the poll since you read it, nothing is changed and the
    /// answer is 412.
    #[oai(
        path = "/polls/:poll_id",
        method = "patch",
        operation_id = "updatePoll"
    )]
    async fn update_poll(
        &self,
        store: Data<&Store>,
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
        /// The poll's ETag from a previous read, e.g. `"3"`.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: JsonBody<UpdatePollRequest>,
    ) -> Result<PollRead, UpdatePollError> {
        let organiser = auth.0;
        let Some(if_match) = if_match.0 else {
            // Check ownership first so another organiser learns nothing.
            store.owned_poll(organiser.id, poll_id.0).await?;
            return Err(Error::PreconditionRequired(
                "send the poll's ETag as If-Match so concurrent edits are not overwritten".into(),
            )
            .into());
        };
        let expected = parse_if_match(&if_match)?;
        let patch = body.0.parse().map_err(Error::Invalid)?;
        let expected = match expected {
            Some(v) => v,
            None => store.owned_poll(organiser.id, poll_id.0).await?.version,
        };
        let poll = store
            .update_poll(
                organiser.id,
                &Actor::organiser(&organiser.name),
                poll_id.0,
                expected,
                patch,
            )
            .await?;
        Ok(PollRead::of(&poll))
    }

    /// Delete a poll
    ///
    /// Deletes the poll with its options, responses and history.
    #[oai(
        path = "/polls/:poll_id",
        method = "delete",
        operation_id = "deletePoll"
    )]
    async fn delete_poll(
        &self,
        store: Data<&Store>,
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
    ) -> Result<Deleted, OrganiserPollError> {
        store.delete_poll(auth.0.id, poll_id.0).await?;
        Ok(Deleted::NoContent)
    }

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
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
    ) -> Result<PollRead, OrganiserPollError> {
        use dp::PollStatus as S;
        let o = auth.0;
        let poll = store
            .set_status(
                o.id,
                &Actor::organiser(&o.name),
                poll_id.0,
                &[S::Open],
                S::Closed,
            )
            .await?;
        Ok(PollRead::of(&poll))
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
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
    ) -> Result<PollRead, OrganiserPollError> {
        use dp::PollStatus as S;
        let o = auth.0;
        let poll = store
            .set_status(
                o.id,
                &Actor::organiser(&o.name),
                poll_id.0,
                &[S::Closed, S::Confirmed, S::Cancelled],
                S::Open,
            )
            .await?;
        Ok(PollRead::of(&poll))
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
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
        body: JsonBody<ConfirmRequest>,
    ) -> Result<PollRead, ConfirmError> {
        let o = auth.0;
        let (poll, tallies) = store
            .poll_with_tallies(poll_id.0)
            .await?
            .filter(|(p, _)| p.organiser_id == o.id)
            .ok_or(Error::NotFound("poll"))?;
        let option_id = match body.0.option_id {
            Some(id) if poll.options.iter().any(|x| x.id == id) => id,
            Some(_) => {
                return Err(
                    Error::invalid("option_id", "this poll has no option with this id").into(),
                );
            }
            None => {
                // The ranking needs the roster (required members) only here.
                let standing = store.standing(poll.clone(), tallies).await?;
                let ranked = super::results::results(&standing, false);
                let top = ranked
                    .options
                    .first()
                    .ok_or(Error::Conflict("the poll has no options".into()))?;
                if ranked.top_tied {
                    return Err(Error::Conflict(format!(
                        "the top is tied ({}): choose the option with option_id",
                        ranked
                            .options
                            .iter()
                            .filter(|r| r.tied)
                            .map(|r| r.label.as_str())
                            .collect::<Vec<_>>()
                            .join("; ")
                    ))
                    .into());
                }
                top.option_id
            }
        };
        let poll = store
            .confirm_poll(
                o.id,
                &Actor::organiser(&o.name),
                poll.id,
                option_id,
                poll.version,
            )
            .await?;
        Ok(PollRead::of(&poll))
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
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
    ) -> Result<PollRead, OrganiserPollError> {
        use dp::PollStatus as S;
        let o = auth.0;
        let poll = store
            .set_status(
                o.id,
                &Actor::organiser(&o.name),
                poll_id.0,
                &[S::Open, S::Closed, S::Confirmed],
                S::Cancelled,
            )
            .await?;
        Ok(PollRead::of(&poll))
    }

    /// Add an option
    ///
    /// Adds a candidate at the end of the poll's list. `If-Match` is optional here.
    #[oai(
        path = "/polls/:poll_id/options",
        method = "post",
        operation_id = "addOption"
    )]
    async fn add_option(
        &self,
        store: Data<&Store>,
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
        /// The poll's ETag; if given, the change applies only to that version.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: JsonBody<OptionInput>,
    ) -> Result<OptionCreated, OptionChangeError> {
        let o = auth.0;
        let expected = if_match
            .0
            .as_deref()
            .map(parse_if_match)
            .transpose()?
            .flatten();
        let current = store.owned_poll(o.id, poll_id.0).await?;
        let slot = parse_option(&body.0, current.zone)?;
        let (poll, id) = store
            .add_option(o.id, &Actor::organiser(&o.name), poll_id.0, expected, slot)
            .await?;
        let (n, option) = poll
            .options
            .iter()
            .enumerate()
            .find(|(_, x)| x.id == id)
            .ok_or(Error::NotFound("option"))?;
        Ok(OptionCreated::Created(
            Json(option_view(option, n + 1, poll.zone, poll.zone)),
            etag(poll.version),
        ))
    }

    /// Change an option
    ///
    /// Replaces the option's date range or time slot (give it in full).
    /// Votes already cast for it are kept.
    #[oai(
        path = "/polls/:poll_id/options/:option_id",
        method = "patch",
        operation_id = "updateOption"
    )]
    async fn update_option(
        &self,
        store: Data<&Store>,
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
        /// The option's id (`options[].id` of the poll).
        option_id: Path<Uuid>,
        /// The poll's ETag; if given, the change applies only to that version.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: JsonBody<OptionInput>,
    ) -> Result<PollRead, OptionChangeError> {
        let o = auth.0;
        let expected = if_match
            .0
            .as_deref()
            .map(parse_if_match)
            .transpose()?
            .flatten();
        let current = store.owned_poll(o.id, poll_id.0).await?;
        let slot = parse_option(&body.0, current.zone)?;
        let poll = store
            .update_option(
                o.id,
                &Actor::organiser(&o.name),
                poll_id.0,
                option_id.0,
                expected,
                slot,
            )
            .await?;
        Ok(PollRead::of(&poll))
    }

    /// Remove an option
    ///
    /// Removes the option and the votes cast for it (the history keeps them).
    /// The last option cannot be removed.
    #[oai(
        path = "/polls/:poll_id/options/:option_id",
        method = "delete",
        operation_id = "deleteOption"
    )]
    async fn delete_option(
        &self,
        store: Data<&Store>,
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
        /// The option's id (`options[].id` of the poll).
        option_id: Path<Uuid>,
        /// The poll's ETag; if given, the change applies only to that version.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
    ) -> Result<Deleted, OptionDeleteError> {
        let o = auth.0;
        let expected = if_match
            .0
            .as_deref()
            .map(parse_if_match)
            .transpose()?
            .flatten();
        store
            .delete_option(
                o.id,
                &Actor::organiser(&o.name),
                poll_id.0,
                option_id.0,
                expected,
            )
            .await?;
        Ok(Deleted::NoContent)
    }
}

fn parse_option(input: &OptionInput, zone: Zone) -> Result<Slot, Error> {
    let mut v = Violations::default();
    let slot = input.parse(zone, "", &mut v);
    v.into_result()?;
    slot.ok_or_else(|| Error::invalid("kind", "the option is incomplete"))
}
