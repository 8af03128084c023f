//! Results: counts per option and the ranking, visible per the poll's settings.

use chrono::{DateTime, Utc};
use poem::Request;
use poem::web::Data;
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Header, Path},
};
use uuid::Uuid;

use super::auth::{ReaderAuth, resolve};
use super::error::error_responses;
use super::hybrid::{AttendanceCounts, DayCounts, SeatCounts};
use super::payload::Reply;
use super::tags::ApiTags;
use super::types::{Date, Instant, TimeZone};
use super::views::PollStatus;
use crate::domain::access;
use crate::domain::hybrid;
use crate::domain::ranking;
use crate::domain::standing::Named;
use crate::domain::standing::Standing;
use crate::domain::time::Slot;
use crate::error::Error;
use crate::store::Store;
use crate::web::conditional::{none_match_hits, results_etag};

/// An invited member for whom a timed option is not wholly inside their
/// social hours, with the option's times on their own clock.
#[derive(Object, serde::Serialize, Debug, Clone)]
#[oai(rename_all = "snake_case")]
pub struct OutsideSocialHours {
    /// The member's id.
    pub member_id: Uuid,
    /// The member's name.
    pub name: String,
    pub time_zone: TimeZone,
    /// The option's start on the member's wall clock, with its offset.
    pub local_start: Instant,
    pub local_end: Instant,
    /// The member's social hours, `HH:MM`–`HH:MM` local.
    pub social_hours: String,
}

/// An invited member who has not answered.
#[derive(Object, serde::Serialize, Debug, Clone)]
#[oai(rename_all = "snake_case")]
pub struct NonRespondent {
    /// The member's id.
    pub member_id: Uuid,
    /// The member's name.
    pub name: String,
    /// Whether the poll waits for them (required) or not (optional).
    pub required: bool,
}

/// An invited member whose answer the organiser recorded on their behalf.
#[derive(Object, serde::Serialize, Debug, Clone)]
#[oai(rename_all = "snake_case")]
pub struct ProxyAnswer {
    /// The member's id.
    pub member_id: Uuid,
    /// The member's name.
    pub name: String,
    /// The organiser who recorded it.
    pub recorded_by: String,
}

/// Counts and rank of one option.
#[derive(Object, serde::Serialize, Debug, Clone)]
#[oai(rename_all = "snake_case")]
pub struct OptionResult {
    /// The option's id (`options[].id` of the poll).
    pub option_id: Uuid,
    /// 1-based place in the organiser's order.
    pub number: u32,
    /// A short human label of the option in the poll's zone.
    pub label: String,
    /// 1 for the leading option; every option has its own rank.
    pub rank: u32,
    /// Equal to another option on availability and yes count: only start time or order separate them.
    pub tied: bool,
    /// Respondents who said yes.
    pub yes: i64,
    /// Respondents who said if need be.
    pub if_need_be: i64,
    /// Respondents who said no.
    pub no: i64,
    /// Respondents who gave no answer for this option.
    pub no_answer: i64,
    /// yes + if need be.
    pub available: i64,
    /// Required invited members who can make it (yes or if need be).
    pub required_available: i64,
    /// Every required member can make it (true when nobody is required).
    pub all_required_available: bool,
    /// Whether `required_available` reaches the poll's quorum; absent when
    /// the poll sets none.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meets_quorum: Option<bool>,
    /// How many invited members would sit in this timed option outside
    /// their social hours (0 for all-day options).
    pub outside_social_hours_count: i64,
    /// Who they are, with their local times (for the poll's organiser): the
    /// first 20 by invitation; the count says how many in all.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outside_social_hours: Option<Vec<OutsideSocialHours>>,
    /// Why the option stands where it does.
    pub explanation: String,
    // Hybrid polls: of the yes and if need be, how many attend in person
    // and how many online. (Documented on its type: a field's own doc
    // comment would wrap the $ref in allOf, which generators drop.)
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attendance: Option<AttendanceCounts>,
    /// Per-day options: the answers for each day of the range (the
    /// option's own counts are of those available on every day).
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<Vec<DayCounts>>,
    // Seated options: in-person places, taken, and yes answers waiting
    // (documented on its type).
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seats: Option<SeatCounts>,
    /// How many members' connected calendars show this option busy (for the
    /// poll's organiser; never which member or which event). It decides
    /// nothing: members still answer.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub busy_count: Option<u32>,
}

/// Results of a poll, options in rank order.
#[derive(Object, serde::Serialize, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct PollResults {
    /// The poll's id.
    pub poll_id: Uuid,
    pub status: PollStatus,
    /// How many responses count.
    pub responses: i64,
    /// Invited members (0 for a poll without invitations).
    pub invited: i64,
    /// Required invited members.
    pub required: i64,
    /// Invited members who have answered.
    pub invited_answered: i64,
    /// `invited_answered / invited`, 0–1; absent without invitations.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_rate: Option<f64>,
    /// Invited members who have not answered (for the poll's organiser;
    /// never on aggregate-only polls): the first 20 by invitation, of
    /// `invited - invited_answered`; listInvitations with `has_answered=false`
    /// pages through them all.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub non_respondents: Option<Vec<NonRespondent>>,
    /// Answers the organiser recorded on members' behalf (by phone or email).
    pub proxy_answers_count: i64,
    /// Whose they are (for the poll's organiser; never on aggregate-only
    /// polls): the first 20.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy_answers: Option<Vec<ProxyAnswer>>,
    /// The poll's quorum of required members, if it sets one.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quorum: Option<u32>,
    /// How options are ranked.
    pub ranking_rule: String,
    /// Whether the leading option is tied on availability and yes count with another.
    pub top_tied: bool,
    /// Every option, leader first.
    pub options: Vec<OptionResult>,
}

impl poem_openapi::types::Example for PollResults {
    /// The reference poll as its organiser sees it: 10–12 July suits every
    /// required member; the 06:00 Vienna call is midnight in New York.
    fn example() -> Self {
        results(&super::examples::standing(), true)
    }
}

error_responses!(ResultsError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "A token was sent but is not valid.",
    Forbidden = 403: "The poll's settings hide results from this caller.",
    NotFound = 404: "No such poll visible to the caller.",
});

#[derive(ApiResponse)]
pub enum ResultsRead {
    /// The results, with an ETag to send back as `If-None-Match`.
    #[oai(status = 200, content_type = "application/json")]
    Ok(Reply<PollResults>, #[oai(header = "ETag")] String),
    /// The copy the client has (its `If-None-Match`) is current.
    #[oai(status = 304)]
    NotModified(#[oai(header = "ETag")] String),
}

/// Counts, ranks and reasons for every option, leader first (computed by
/// `domain::ranking::evaluate`). With `show_roster` false, members are
/// counted but not named.
pub fn results(standing: &Standing, show_roster: bool) -> PollResults {
    let Standing {
        poll,
        tallies,
        roster,
        ..
    } = standing;
    let evaluation = ranking::evaluate(standing);
    let options: Vec<OptionResult> = evaluation
        .options
        .iter()
        .map(|o| OptionResult {
            option_id: o.option.id,
            number: o.number,
            label: o.option.slot.label(poll.zone),
            rank: o.ranked.rank,
            tied: o.ranked.tied,
            yes: o.yes,
            if_need_be: o.if_need_be,
            no: o.no,
            no_answer: o.no_answer,
            available: o.yes + o.if_need_be,
            required_available: o.required_available,
            all_required_available: o.all_required_available,
            meets_quorum: o.meets_quorum,
            outside_social_hours_count: o.outside_social_hours,
            outside_social_hours: show_roster.then(|| match o.option.slot {
                Slot::Timed { start, end } => o
                    .outside_named
                    .iter()
                    .map(|m| outside_social_hours(m, start, end))
                    .collect(),
                // All-day options are floating dates: they keep nobody up.
                Slot::AllDay { .. } => Vec::new(),
            }),
            explanation: o.ranked.explanation.clone(),
            attendance: tallies
                .attendance
                .get(&o.option.id)
                .map(|[in_person, online]| AttendanceCounts {
                    in_person: *in_person,
                    online: *online,
                }),
            days: o.option.setup.per_day.then(|| {
                let counted = tallies.days.get(&o.option.id);
                hybrid::days_of(&o.option.slot)
                    .into_iter()
                    .map(|day| {
                        let [yes, if_need_be, no] = counted
                            .and_then(|c| c.get(&day))
                            .copied()
                            .unwrap_or_default();
                        DayCounts {
                            date: Date(day.to_string()),
                            yes,
                            if_need_be,
                            no,
                        }
                    })
                    .collect()
            }),
            seats: o.option.setup.capacity.map(|capacity| {
                let [_, taken, waiting] =
                    tallies.seats.get(&o.option.id).copied().unwrap_or_default();
                SeatCounts {
                    capacity: i64::from(capacity),
                    taken,
                    waiting,
                }
            }),
            busy_count: None,
        })
        .collect();
    let (invited, answered) = (roster.invited, roster.answered);
    PollResults {
        poll_id: poll.id,
        status: poll.status_at(chrono::Utc::now()).into(),
        responses: tallies.responses,
        invited,
        required: evaluation.required,
        invited_answered: answered,
        response_rate: (invited > 0).then(|| answered as f64 / invited as f64),
        non_respondents: (show_roster && invited > 0).then(|| {
            roster
                .silent
                .iter()
                .map(|i| NonRespondent {
                    member_id: i.member_id,
                    name: i.name.clone(),
                    required: i.required,
                })
                .collect()
        }),
        proxy_answers_count: roster.proxies,
        proxy_answers: show_roster.then(|| {
            roster
                .proxy_answers
                .iter()
                .map(|(i, by)| ProxyAnswer {
                    member_id: i.member_id,
                    name: i.name.clone(),
                    recorded_by: by.clone(),
                })
                .collect()
        }),
        quorum: poll.settings.quorum,
        ranking_rule: ranking::RULE.into(),
        top_tied: evaluation.top_tied,
        options,
    }
}

/// The results' tag, changed by any change of a busy count (the only thing
/// members' calendars add to the results); as is without any.
fn with_calendars(tag: String, counts: &[(Uuid, u32)]) -> String {
    if counts.is_empty() {
        return tag;
    }
    let mut sorted = counts.to_vec();
    sorted.sort_unstable();
    let mut hash = std::hash::DefaultHasher::new();
    std::hash::Hash::hash(&sorted, &mut hash);
    format!(
        "{}-b{:x}\"",
        tag.trim_end_matches('"'),
        std::hash::Hasher::finish(&hash)
    )
}

/// A member kept up outside their social hours by a timed option, with its
/// times on their own clock.
fn outside_social_hours(m: &Named, start: DateTime<Utc>, end: DateTime<Utc>) -> OutsideSocialHours {
    OutsideSocialHours {
        member_id: m.member_id,
        name: m.name.clone(),
        time_zone: TimeZone(m.zone.name().into()),
        local_start: Instant(m.zone.render(start)),
        local_end: Instant(m.zone.render(end)),
        social_hours: m.social_hours.to_string(),
    }
}

pub struct ResultsApi;

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Results")]
impl ResultsApi {
    /// Read results
    ///
    /// Per option: yes, if need be, no and no answer, with a deterministic
    /// rank and the reason for it. Counts come from running tallies, so the
    /// cost does not grow with the number of respondents. Polls with
    /// invitations add the response rate, who has not answered, whether each
    /// option suits every required member and meets the quorum, and which
    /// members a timed option would keep up outside their social hours.
    /// Send the ETag of your copy as `If-None-Match` to get 304 while the
    /// results are unchanged, checked with one lookup.
    #[oai(
        path = "/polls/:poll_id/results",
        method = "get",
        operation_id = "getResults"
    )]
    async fn get_results(
        &self,
        store: Data<&Store>,
        req: &Request,
        auth: ReaderAuth,
        /// The poll's id.
        poll_id: Path<Uuid>,
        /// The ETag of the results you have: 304 while they are current.
        #[oai(name = "If-None-Match")]
        if_none_match: Header<Option<String>>,
    ) -> Result<ResultsRead, ResultsError> {
        let reader = resolve(auth, req)?;
        let now = chrono::Utc::now();
        // A client polling for changes: the poll's row and its count of
        // changes say whether its copy is current (for the organiser, with
        // the state of the members' calendars behind the busy counts).
        if if_none_match.0.is_some() {
            let (head, changes) = store
                .results_head(poll_id.0)
                .await?
                .ok_or(Error::NotFound("poll"))?;
            access::ensure_results_visible(&head, &reader)?;
            let mut tag = results_etag(&head, changes, access::roster_visible(&head, &reader), now);
            if reader.owns(&head) {
                tag = with_calendars(tag, &store.busy_counts(head.id).await?);
            }
            if none_match_hits(req, &tag) {
                return Ok(ResultsRead::NotModified(tag));
            }
        }
        let (poll, tallies) = store
            .poll_with_tallies(poll_id.0)
            .await?
            .ok_or(Error::NotFound("poll"))?;
        // Refused callers cost no roster read.
        access::ensure_results_visible(&poll, &reader)?;
        let show_roster = access::roster_visible(&poll, &reader);
        let owner = reader.owns(&poll);
        // Read with the counts: the roster, read after, is as new or newer,
        // so a copy under this tag is never older than the tag says.
        let mut tag = results_etag(&poll, tallies.changes, show_roster, now);
        let standing = store.standing(poll, tallies, show_roster).await?;
        let mut body = results(&standing, show_roster);
        if owner {
            let counts = store.busy_counts(standing.poll.id).await?;
            tag = with_calendars(tag, &counts);
            for o in body.options.iter_mut() {
                let n = counts.iter().find(|(id, _)| *id == o.option_id);
                o.busy_count = Some(n.map_or(0, |(_, n)| *n));
            }
        }
        Ok(ResultsRead::Ok(Reply(body), tag))
    }
}
