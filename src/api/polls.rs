//! Polls: creating, listing, reading, editing and deleting them. Options,
//! the lifecycle and the wire views each have their own file.

use crate::domain::roles::Action;
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

use super::auth::{OrganiserToken, ReaderAuth, resolve};
use super::body::JsonBody;
use super::error::error_responses;
use super::options::{OptionInput, OptionKind};
use super::paging::{page_limit, parse_cursor};
use super::payload::Reply;
use super::tags::ApiTags;
use super::types::{
    Date, Description, Instant, Items, Location, Quorum, ReminderLead, TimeZone, Title, WallTime,
    plain,
};
use super::views::{
    Attendance, Deleted, PollGet, PollRead, PollStatus, PollView, ResultsVisibility, VotingMode,
    poll_view, viewer_zone,
};
use crate::domain::access;
use crate::domain::draft::{self, PollDraft};
use crate::domain::history::Actor;
use crate::domain::hybrid::Modes;
use crate::domain::limits::{MAX_OPTIONS_PER_POLL, MAX_REMINDERS};
use crate::domain::poll::{self as dp, NewPoll, PollPatch, Settings};
use crate::domain::time::Zone;
use crate::domain::{FieldError, Violations};
use crate::error::Error;
use crate::store::Store;
use crate::store::polls::PollFilter;
use crate::web::PublicUrl;
use crate::web::conditional::{etag, none_match_hits, parse_if_match, poll_etag};

/// A new poll. Settings left out take their defaults: `voting` is `open`,
/// `results_visibility` is `everyone`.
#[derive(Object, Deserialize, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
#[serde(deny_unknown_fields)]
pub struct CreatePollRequest {
    /// What the poll is about, one line (at most 200 characters).
    pub title: Title,
    /// Longer text shown with the poll (at most 10,000 characters).
    #[oai(skip_serializing_if_is_none)]
    pub description: Option<Description>,
    /// Where it takes place (free text, at most 500 characters).
    #[oai(skip_serializing_if_is_none)]
    pub location: Option<Location>,
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
    #[oai(skip_serializing_if_is_none)]
    pub quorum: Option<Quorum>,
    /// Reminders mailed automatically before the deadline to invited
    /// members who have not answered: ISO 8601 durations before it, e.g.
    /// `["P3D", "PT24H"]` (weeks, days, hours, minutes, seconds; at most 90
    /// days). One whose time has already passed is not sent.
    #[oai(skip_serializing_if_is_none)]
    pub reminders: Option<Items<ReminderLead, 0, MAX_REMINDERS>>,
    /// At least one, at most 500.
    pub options: Items<OptionInput, 1, MAX_OPTIONS_PER_POLL>,
    /// A hybrid meeting: the ways members may attend, e.g.
    /// `["in_person", "online"]`; each yes or if need be then says which.
    /// Left out or empty: not hybrid.
    #[oai(skip_serializing_if_is_none, validator(max_items = 2))]
    pub attendance_modes: Option<Vec<Attendance>>,
}

impl poem_openapi::types::Example for CreatePollRequest {
    fn example() -> Self {
        let day = |s: &str, e: &str| OptionInput {
            kind: OptionKind::AllDay,
            start_date: Some(Date(s.into())),
            end_date: Some(Date(e.into())),
            start: None,
            end: None,
            per_day: None,
            capacity: None,
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
            reminders: Some(Items(vec!["P3D".into(), "PT24H".into()])),
            options: Items(vec![
                day("2026-07-05", "2026-07-07"),
                day("2026-07-10", "2026-07-12"),
                day("2026-07-12", "2026-07-14"),
                OptionInput {
                    kind: OptionKind::Timed,
                    start_date: None,
                    end_date: None,
                    start: Some(WallTime("2026-07-10T13:00".into())),
                    end: Some(WallTime("2026-07-10T16:00".into())),
                    per_day: None,
                    capacity: None,
                },
            ]),
            attendance_modes: Some(vec![Attendance::InPerson, Attendance::Online]),
        }
    }
}

impl CreatePollRequest {
    /// Read through the rules every face shares (domain/draft.rs).
    fn parse(self) -> Result<NewPoll, Vec<FieldError>> {
        let defaults = Settings::default();
        let draft = PollDraft {
            title: &self.title,
            description: self.description.as_deref().unwrap_or(""),
            location: self.location.as_deref().unwrap_or(""),
            time_zone: &self.time_zone.0,
            deadline: self.deadline.as_ref().map(|d| d.0.as_str()),
            settings: Settings {
                voting: self.voting.map(Into::into).unwrap_or(defaults.voting),
                allow_if_need_be: self.allow_if_need_be.unwrap_or(defaults.allow_if_need_be),
                results_visibility: self
                    .results_visibility
                    .map(Into::into)
                    .unwrap_or(defaults.results_visibility),
                show_voter_names: self.show_voter_names.unwrap_or(defaults.show_voter_names),
                aggregate_only: self.aggregate_only.unwrap_or(defaults.aggregate_only),
                ..defaults
            },
            quorum: self.quorum.map(|q| q.0),
            reminders: self
                .reminders
                .as_ref()
                .map_or_else(Vec::new, |r| reminder_texts(r)),
            options: self.options.iter().map(OptionInput::draft).collect(),
            attendance_modes: mode_texts(self.attendance_modes.as_deref()),
        };
        draft.parse(Utc::now())
    }
}

/// Changes to a poll; fields left out stay as they are. Options have their own operations.
#[derive(Object, Deserialize, Debug, Clone, Default)]
#[oai(rename_all = "snake_case", example)]
#[serde(deny_unknown_fields)]
pub struct UpdatePollRequest {
    /// What the poll is about, one line (at most 200 characters).
    #[serde(default)]
    pub title: MaybeUndefined<Title>,
    /// Longer text shown with the poll (at most 10,000 characters).
    #[serde(default)]
    pub description: MaybeUndefined<Description>,
    /// Where it takes place (free text, at most 500 characters).
    #[serde(default)]
    pub location: MaybeUndefined<Location>,
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
    #[oai(nullable)]
    pub quorum: MaybeUndefined<Quorum>,
    /// Replaces the automatic reminders (ISO 8601 durations before the
    /// deadline); `[]` or `null` removes them.
    #[serde(default)]
    #[oai(nullable)]
    pub reminders: MaybeUndefined<Items<ReminderLead, 0, MAX_REMINDERS>>,
    /// The ways members may attend (hybrid); `[]` or `null`: not hybrid.
    #[serde(default)]
    #[oai(nullable, validator(max_items = 2))]
    pub attendance_modes: MaybeUndefined<Vec<Attendance>>,
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
        let title = text(&plain(&self.title), "title", dp::parse_title);
        let description = text(
            &plain(&self.description),
            "description",
            dp::parse_description,
        );
        let location = text(&plain(&self.location), "location", dp::parse_location);
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
                MaybeUndefined::Value(q) => v.check("quorum", dp::parse_quorum(q.0)).map(Some),
            },
            reminders: match &self.reminders {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(Vec::new()),
                MaybeUndefined::Value(list) => reminders(list, &mut v),
            },
            attendance: match &self.attendance_modes {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(Modes::default()),
                MaybeUndefined::Value(list) => modes(Some(list), &mut v),
            },
        };
        v.into_result()?;
        Ok(patch)
    }
}

/// A poll's attendance modes, each error naming its item
/// (`attendance_modes[1]`).
fn mode_texts(list: Option<&[Attendance]>) -> Vec<String> {
    list.unwrap_or_default()
        .iter()
        .map(|a| {
            crate::domain::hybrid::Attendance::from(*a)
                .as_str()
                .to_string()
        })
        .collect()
}

fn modes(list: Option<&[Attendance]>, v: &mut Violations) -> Option<Modes> {
    draft::modes(&mode_texts(list), v)
}

fn reminder_texts(list: &[ReminderLead]) -> Vec<String> {
    list.iter().map(|t| t.0.clone()).collect()
}

/// A poll's reminders, each error naming its item (`reminders[1]`).
fn reminders(
    list: &[ReminderLead],
    v: &mut Violations,
) -> Option<Vec<crate::domain::reminders::Reminder>> {
    draft::reminders(&reminder_texts(list), v)
}

// ---- views --------------------------------------------------------------

fn parse_deadline(s: &str) -> Result<chrono::DateTime<Utc>, String> {
    draft::parse_deadline(s, Utc::now())
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
                poll: poll_view(&poll, poll.zone, "https://convene.example.org"),
                response_count: 4,
            }],
            next_cursor: None,
        }
    }
}

error_responses!(CreatePollError {
    BadRequest = 400: "The body is not valid JSON.",
    Unauthorized = 401: "No valid organiser token.",
    Forbidden = 403: "A read token, or a viewer: this needs an editor or an owner with a write token.",
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
    Forbidden = 403: "A read token, or a viewer: this needs an editor or an owner with a write token.",
    NotFound = 404: "No such poll of this organiser.",
    Conflict = 409: "The poll is aggregate-only and has been answered: it stays aggregate-only.",
    PreconditionFailed = 412: "The poll changed since the version in `If-Match`.",
    PayloadTooLarge = 413: "The body is too large.",
    UnsupportedMediaType = 415: "The body is not JSON.",
    Unprocessable = 422: "A field is invalid.",
    PreconditionRequired = 428: "`If-Match` is required.",
});

#[derive(ApiResponse)]
pub enum PollCreated {
    /// The poll was created.
    #[oai(status = 201, content_type = "application/json")]
    Created(
        Reply<PollView>,
        #[oai(header = "Location")] String,
        #[oai(header = "ETag")] String,
    ),
}

#[derive(ApiResponse)]
pub enum PollList {
    /// A page of the organiser's polls.
    #[oai(status = 200, content_type = "application/json")]
    Ok(Json<PollPage>),
}

error_responses!(OrganiserPollError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    Forbidden = 403: "A read token, or a viewer: this needs an editor or an owner with a write token.",
    NotFound = 404: "No such poll of this organiser.",
    Conflict = 409: "The poll's status does not allow this.",
});

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
        base: Data<&PublicUrl>,
        auth: OrganiserToken,
        body: JsonBody<CreatePollRequest>,
    ) -> Result<PollCreated, CreatePollError> {
        auth.0.may(Action::Edit)?;
        let organiser = auth.0;
        let new = body.0.parse().map_err(Error::Invalid)?;
        let poll = store
            .create_poll(
                organiser.workspace_id,
                &Actor::organiser(&organiser.name),
                new,
            )
            .await?;
        Ok(PollCreated::Created(
            Reply(poll_view(&poll, poll.zone, &base.0.0)),
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
        base: Data<&PublicUrl>,
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
                auth.0.workspace_id,
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
                    poll: poll_view(&r.poll, r.poll.zone, &base.0.0),
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
    /// Send the ETag of your copy as `If-None-Match`: while the poll is
    /// unchanged the answer is 304 without a body, found by one lookup.
    #[oai(path = "/polls/:poll_id", method = "get", operation_id = "getPoll")]
    // Each argument is an input the operation declares, or what its answer
    // is written with (the public URL).
    #[allow(clippy::too_many_arguments)]
    async fn get_poll(
        &self,
        store: Data<&Store>,
        base: Data<&PublicUrl>,
        req: &Request,
        auth: ReaderAuth,
        /// The poll's id.
        poll_id: Path<Uuid>,
        /// Show times in this IANA zone too, e.g. `Asia/Tokyo`.
        tz: Query<Option<String>>,
        /// The ETag of the copy you have, e.g. `"3"`: 304 while it is current.
        #[oai(name = "If-None-Match")]
        if_none_match: Header<Option<String>>,
    ) -> Result<PollGet, GetPollError> {
        let reader = resolve(auth, req)?;
        let now = Utc::now();
        // A client polling for changes: the poll's own row says whether its
        // copy is current, without reading the options.
        if if_none_match.0.is_some() {
            let head = store
                .poll_head(poll_id.0)
                .await?
                .ok_or(Error::NotFound("poll"))?;
            access::ensure_readable(&head, &reader)?;
            let viewer = viewer_zone(tz.0.as_deref(), &head, &reader)?;
            let tag = poll_etag(&head, viewer, now);
            if none_match_hits(req, &tag) {
                return Ok(PollGet::NotModified(tag));
            }
        }
        let poll = store
            .poll(poll_id.0)
            .await?
            .ok_or(Error::NotFound("poll"))?;
        access::ensure_readable(&poll, &reader)?;
        let viewer = viewer_zone(tz.0.as_deref(), &poll, &reader)?;
        let tag = poll_etag(&poll, viewer, now);
        Ok(PollGet::Ok(Reply(poll_view(&poll, viewer, &base.0.0)), tag))
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
        base: Data<&PublicUrl>,
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
        /// The poll's ETag from a previous read, e.g. `"3"`.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: JsonBody<UpdatePollRequest>,
    ) -> Result<PollRead, UpdatePollError> {
        auth.0.may(Action::Edit)?;
        let organiser = auth.0;
        let Some(if_match) = if_match.0 else {
            // Check ownership first so another organiser learns nothing.
            store.owned_poll(organiser.workspace_id, poll_id.0).await?;
            return Err(Error::PreconditionRequired(
                "send the poll's ETag as If-Match so concurrent edits are not overwritten".into(),
            )
            .into());
        };
        let expected = parse_if_match(&if_match)?;
        let patch = body.0.parse().map_err(Error::Invalid)?;
        let expected = match expected {
            Some(v) => v,
            None => {
                store
                    .owned_poll(organiser.workspace_id, poll_id.0)
                    .await?
                    .version
            }
        };
        let poll = store
            .update_poll(
                organiser.workspace_id,
                &Actor::organiser(&organiser.name),
                poll_id.0,
                expected,
                patch,
            )
            .await?;
        Ok(PollRead::of(&poll, &base.0.0))
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
        auth.0.may(Action::Edit)?;
        store.delete_poll(auth.0.workspace_id, poll_id.0).await?;
        Ok(Deleted::NoContent)
    }
}
