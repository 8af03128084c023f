//! Responses: voting, and reading, replacing or withdrawing one's own answer.

use poem::Request;
use poem::web::Data;
use poem_openapi::{
    ApiResponse, Enum, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};
use serde::Deserialize;
use uuid::Uuid;

use super::auth::{
    InvitationToken, OwnResponseAuth, ReaderAuth, ResponseToken, VoterAuth, reject_unrecognised,
    resolve,
};
use super::body::JsonBody;
use super::error::error_responses;
use super::paging::{page_limit, parse_cursor};
use super::tags::ApiTags;
use super::types::Date;
use super::types::{Comment, Instant, Items, Name};
use super::views::{Attendance, SeatState};
use crate::domain::access;
use crate::domain::ballot::Ballot;
use crate::domain::hybrid::{self, MAX_PER_DAY_DAYS, VoteDetail};
use crate::domain::limits::MAX_OPTIONS_PER_POLL;
use crate::domain::poll::{self as dp, parse_comment, parse_person_name};
use crate::domain::time::render_utc;
use crate::domain::{FieldError, Violations};
use crate::error::Error;
use crate::store::Store;
use crate::store::ballots::Voter;
use crate::store::responses::StoredResponse;
use crate::web::rate_limit::AnonymousWrites;

/// An answer for one option.
#[derive(Enum, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    Yes,
    IfNeedBe,
    No,
}

impl From<Choice> for dp::Choice {
    fn from(c: Choice) -> Self {
        match c {
            Choice::Yes => dp::Choice::Yes,
            Choice::IfNeedBe => dp::Choice::IfNeedBe,
            Choice::No => dp::Choice::No,
        }
    }
}

impl From<dp::Choice> for Choice {
    fn from(c: dp::Choice) -> Self {
        match c {
            dp::Choice::Yes => Choice::Yes,
            dp::Choice::IfNeedBe => Choice::IfNeedBe,
            dp::Choice::No => Choice::No,
        }
    }
}

/// One day's answer of a per-day option.
#[derive(Object, Deserialize, Debug, Clone)]
#[oai(rename_all = "snake_case")]
#[serde(deny_unknown_fields)]
pub struct DayAnswer {
    /// A day of the option's range.
    pub date: Date,
    pub choice: Choice,
}

/// The day answers of a vote, read from the wire: each date parsed, each
/// error naming its item (`votes[1].days[2].date`).
pub fn parse_days(
    days: &[DayAnswer],
    at: &str,
    v: &mut crate::domain::Violations,
) -> Vec<(chrono::NaiveDate, dp::Choice)> {
    days.iter()
        .enumerate()
        .filter_map(|(j, d)| {
            let date = v.check(
                format!("{at}.days[{j}].date"),
                crate::domain::time::parse_date(&d.date.0),
            )?;
            Some((date, d.choice.into()))
        })
        .collect()
}

/// A vote's detail as a response shows it.
pub fn detail_views(
    detail: Option<&VoteDetail>,
) -> (
    Option<Attendance>,
    Option<Vec<DayAnswer>>,
    Option<SeatState>,
) {
    let Some(d) = detail else {
        return (None, None, None);
    };
    let days = (!d.days.is_empty()).then(|| {
        d.days
            .iter()
            .map(|(date, c)| DayAnswer {
                date: Date(date.to_string()),
                choice: (*c).into(),
            })
            .collect()
    });
    (d.attendance.map(Into::into), days, d.seat.map(Into::into))
}

/// A choice for one option.
#[derive(Object, Deserialize, Debug, Clone)]
#[oai(rename_all = "snake_case")]
#[serde(deny_unknown_fields)]
pub struct Vote {
    /// The option's id (`options[].id` of the poll).
    pub option_id: Uuid,
    // Required, except for a per-day option answered with `days`, whose
    // choice is the worst of the days (given, it must be that). Fields of
    // an enum type are documented on the type: a field's own doc comment
    // would wrap the $ref in allOf, which generators drop.
    #[oai(skip_serializing_if_is_none)]
    pub choice: Option<Choice>,
    // Hybrid polls: how you attend, with `yes` or `if_need_be` (the only
    // mode is assumed when the poll offers one).
    #[oai(skip_serializing_if_is_none)]
    pub attendance: Option<Attendance>,
    /// Per-day options: an answer for each day of the range, each once.
    #[oai(skip_serializing_if_is_none)]
    pub days: Option<Vec<DayAnswer>>,
}

/// An answer to a poll. Options left out count as "no answer".
#[derive(Object, Deserialize, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
#[serde(deny_unknown_fields)]
pub struct ResponseInput {
    /// Your name, as others will see it. Required for a new response to an
    /// open poll; when replacing, leave it out to keep the current one.
    /// Invited members answer under their roster name, so theirs is not needed.
    #[oai(skip_serializing_if_is_none)]
    pub name: Option<Name>,
    /// A note from the respondent (at most 2,000 characters).
    #[oai(skip_serializing_if_is_none)]
    pub comment: Option<Comment>,
    pub votes: Items<Vote, 0, MAX_OPTIONS_PER_POLL>,
}

impl poem_openapi::types::Example for ResponseInput {
    fn example() -> Self {
        ResponseInput {
            name: Some("Bruna".into()),
            comment: Some("I can join online if need be.".into()),
            // Option ids come from the poll (`options[].id`).
            votes: Items(vec![
                Vote {
                    option_id: Uuid::from_u128(0x019ac0de_5a1e_7c4e_9b1a_3f2d5e6a7b01),
                    choice: Some(Choice::Yes),
                    attendance: None,
                    days: None,
                },
                Vote {
                    option_id: Uuid::from_u128(0x019ac0de_5a1e_7c4e_9b1a_3f2d5e6a7b02),
                    choice: Some(Choice::IfNeedBe),
                    attendance: None,
                    days: None,
                },
            ]),
        }
    }
}

impl ResponseInput {
    pub fn parse(self, name_required: bool) -> Result<Ballot, Vec<FieldError>> {
        let mut v = Violations::default();
        let name = match self.name.as_deref() {
            Some(n) => v.check("name", parse_person_name(n)),
            None if name_required => {
                v.push("name", "a name is required to vote on an open poll");
                None
            }
            None => None,
        };
        let comment = self
            .comment
            .as_deref()
            .and_then(|c| v.check("comment", parse_comment(c)));
        if self.votes.len() > MAX_OPTIONS_PER_POLL {
            v.push(
                "votes",
                format!("at most {MAX_OPTIONS_PER_POLL} votes, one per option"),
            );
        }
        let mut votes = Vec::with_capacity(self.votes.len());
        let mut details = Vec::with_capacity(self.votes.len());
        for (i, x) in self.votes.iter().enumerate() {
            let at = format!("votes[{i}]");
            let days = match &x.days {
                Some(days) if days.len() > MAX_PER_DAY_DAYS as usize => {
                    v.push(
                        format!("{at}.days"),
                        format!("at most {MAX_PER_DAY_DAYS} days"),
                    );
                    Vec::new()
                }
                Some(days) => parse_days(days, &at, &mut v),
                None => Vec::new(),
            };
            let overall = hybrid::overall(&days);
            let choice = match (x.choice.map(dp::Choice::from), overall) {
                (Some(c), Some(o)) if c != o => {
                    v.push(
                        format!("{at}.choice"),
                        format!(
                            "the days make this option's choice {}, not {}",
                            o.as_str(),
                            c.as_str()
                        ),
                    );
                    None
                }
                (Some(c), _) => Some(c),
                (None, Some(o)) => Some(o),
                (None, None) if x.days.is_some() => {
                    v.push(format!("{at}.days"), "give a choice for each day");
                    None
                }
                (None, None) => {
                    v.push(format!("{at}.choice"), "a choice is required");
                    None
                }
            };
            if let Some(choice) = choice {
                votes.push((x.option_id, choice));
                details.push(VoteDetail {
                    attendance: x.attendance.map(Into::into),
                    days,
                    seat: None,
                });
            }
        }
        v.into_result()?;
        Ok(Ballot {
            name,
            comment,
            votes,
            details,
        })
    }
}

/// A response as its owner (or, per the poll's settings, others) see it.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct ResponseView {
    /// The response's id.
    pub id: Uuid,
    /// The poll's id.
    pub poll_id: Uuid,
    /// Absent when the poll hides voter names.
    #[oai(skip_serializing_if_is_none)]
    pub name: Option<String>,
    /// A note from the respondent (at most 2,000 characters).
    pub comment: String,
    pub votes: Vec<VoteView>,
    /// Whether this is an invited member's answer.
    pub invited: bool,
    /// The organiser who recorded this answer on the member's behalf (given
    /// by phone or email); absent when the member answered themselves.
    #[oai(skip_serializing_if_is_none)]
    pub recorded_by: Option<String>,
    /// 1 for the first answer, raised by each replacement.
    pub revision: i32,
    pub created_at: Instant,
    pub updated_at: Instant,
}

impl poem_openapi::types::Example for ResponseView {
    /// Bruna's answer to the reference poll, given from São Paulo.
    fn example() -> Self {
        use super::examples::{at, id};
        let at = Instant(render_utc(at("2026-05-05T10:00:00Z")));
        ResponseView {
            id: id(0x403),
            poll_id: id(1),
            name: Some("Bruna".into()),
            comment: "I can join online if need be.".into(),
            votes: [Choice::Yes, Choice::Yes, Choice::IfNeedBe, Choice::No]
                .into_iter()
                .enumerate()
                .map(|(n, choice)| VoteView {
                    option_id: id(0x100 + n as u128),
                    choice,
                    attendance: None,
                    days: None,
                    seat: None,
                })
                .collect(),
            invited: true,
            recorded_by: None,
            revision: 1,
            created_at: at.clone(),
            updated_at: at,
        }
    }
}

/// A recorded choice.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case")]
pub struct VoteView {
    /// The option's id (`options[].id` of the poll).
    pub option_id: Uuid,
    pub choice: Choice,
    // Hybrid polls: how the member attends (documented on its type).
    #[oai(skip_serializing_if_is_none)]
    pub attendance: Option<Attendance>,
    /// Per-day options: the answer for each day, in date order.
    #[oai(skip_serializing_if_is_none)]
    pub days: Option<Vec<DayAnswer>>,
    // Seated options: whether this yes has an in-person seat or waits for
    // one (documented on its type).
    #[oai(skip_serializing_if_is_none)]
    pub seat: Option<SeatState>,
}

/// A new response and its edit token.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct CreatedResponse {
    #[oai(flatten)]
    pub response: ResponseView,
    /// Shown only now: send it as a bearer token to read, replace or withdraw
    /// this response. Absent for invited members, whose invitation token does that.
    #[oai(skip_serializing_if_is_none)]
    pub edit_token: Option<String>,
}

impl poem_openapi::types::Example for CreatedResponse {
    fn example() -> Self {
        CreatedResponse {
            response: ResponseView {
                invited: false,
                ..<ResponseView as poem_openapi::types::Example>::example()
            },
            edit_token: Some("cvn_rsp_3q2Yk0bV7dXn1uGmPzL8tA5wRcE9hJfS4oKiNyTgWb".into()),
        }
    }
}

/// A page of responses, oldest first.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct ResponsePage {
    pub items: Vec<ResponseView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

impl poem_openapi::types::Example for ResponsePage {
    fn example() -> Self {
        ResponsePage {
            items: vec![<ResponseView as poem_openapi::types::Example>::example()],
            next_cursor: None,
        }
    }
}

pub fn view(r: StoredResponse, show_name: bool) -> ResponseView {
    ResponseView {
        id: r.id,
        poll_id: r.poll_id,
        name: show_name.then_some(r.name),
        comment: r.comment,
        invited: r.invitation_id.is_some(),
        recorded_by: if show_name { r.recorded_by } else { None },
        votes: r
            .votes
            .into_iter()
            .map(|(option_id, c)| {
                let (attendance, days, seat) = detail_views(r.details.get(&option_id));
                VoteView {
                    option_id,
                    choice: c.into(),
                    attendance,
                    days,
                    seat,
                }
            })
            .collect(),
        revision: r.revision,
        created_at: Instant(render_utc(r.created_at)),
        updated_at: Instant(render_utc(r.updated_at)),
    }
}

error_responses!(SubmitError {
    BadRequest = 400: "The body is not valid JSON.",
    Unauthorized = 401: "A token was sent but is not valid.",
    Forbidden = 403: "The poll is invite-only, or the invitation is for another poll.",
    NotFound = 404: "No such poll.",
    Conflict = 409: "Voting is closed (closed, confirmed, cancelled, or past its deadline).",
    PayloadTooLarge = 413: "The body is too large.",
    UnsupportedMediaType = 415: "The body is not JSON.",
    Unprocessable = 422: "A field is invalid; `errors` names each one.",
} with_retry_after {
    TooManyRequests = 429: "Too many votes without a token from this client address; retry after `Retry-After` seconds.",
});

error_responses!(ListResponsesError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "A token was sent but is not valid.",
    Forbidden = 403: "The poll's settings hide individual answers from this caller.",
    NotFound = 404: "No such poll visible to the caller.",
    Unprocessable = 422: "A parameter is invalid.",
});

error_responses!(MyResponseReadError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "No valid invitation or response token.",
    Forbidden = 403: "The token belongs to another poll.",
    NotFound = 404: "No such response (an invited member who has not answered yet has none).",
});

error_responses!(MyResponseWithdrawError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "No valid invitation or response token.",
    Forbidden = 403: "The token belongs to another poll.",
    NotFound = 404: "No such response (an invited member who has not answered yet has none).",
    Conflict = 409: "Voting is closed.",
});

error_responses!(MyResponseError {
    BadRequest = 400: "The body or a parameter is malformed.",
    Unauthorized = 401: "No valid invitation or response token.",
    Forbidden = 403: "The token belongs to another poll.",
    NotFound = 404: "No such response (an invited member who has not answered yet has none).",
    Conflict = 409: "Voting is closed.",
    PayloadTooLarge = 413: "The body is too large.",
    UnsupportedMediaType = 415: "The body is not JSON.",
    Unprocessable = 422: "A field is invalid.",
});

#[derive(ApiResponse)]
pub enum Submitted {
    /// The response was recorded. Keep the edit token to change it later.
    #[oai(status = 201, content_type = "application/json")]
    Created(Json<CreatedResponse>, #[oai(header = "Location")] String),
    /// An invited member who had already answered: the answer was replaced.
    #[oai(status = 200, content_type = "application/json")]
    Replaced(Json<CreatedResponse>),
}

#[derive(ApiResponse)]
pub enum ResponsePut {
    /// The answer was replaced.
    #[oai(status = 200, content_type = "application/json")]
    Ok(Json<ResponseView>),
    /// An invited member's first answer was recorded.
    #[oai(status = 201, content_type = "application/json")]
    Created(Json<ResponseView>),
}

#[derive(ApiResponse)]
pub enum ResponseRead {
    /// The response.
    #[oai(status = 200, content_type = "application/json")]
    Ok(Json<ResponseView>),
}

#[derive(ApiResponse)]
pub enum ResponseList {
    /// A page of responses.
    #[oai(status = 200, content_type = "application/json")]
    Ok(Json<ResponsePage>),
}

#[derive(ApiResponse)]
pub enum Withdrawn {
    /// The response was withdrawn and its token no longer works.
    #[oai(status = 204)]
    NoContent,
}

pub struct ResponsesApi;

fn own_response(token: &ResponseToken, poll_id: Uuid) -> Result<Uuid, Error> {
    if token.0.poll_id == poll_id {
        Ok(token.0.response_id)
    } else {
        Err(Error::Forbidden(
            "this response token belongs to another poll".into(),
        ))
    }
}

fn own_invitation(token: &InvitationToken, poll_id: Uuid) -> Result<(), Error> {
    if token.0.poll_id == poll_id {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "this invitation is for another poll".into(),
        ))
    }
}

/// The voter an invitation token stands for: the member themselves.
fn invited(token: &InvitationToken) -> Voter<'static> {
    Voter::Invited {
        invitation_id: token.0.invitation_id,
        proxy: None,
    }
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Responses")]
impl ResponsesApi {
    /// Vote
    ///
    /// On an open poll, anyone records a response with their name; the
    /// answer carries an `edit_token`, shown only once, to change or withdraw
    /// it until voting closes. An invited member sends their invitation token
    /// instead (no name needed); answering again replaces their answer (200).
    #[oai(
        path = "/polls/:poll_id/responses",
        method = "post",
        operation_id = "submitResponse"
    )]
    async fn submit_response(
        &self,
        store: Data<&Store>,
        limits: Data<&AnonymousWrites>,
        req: &Request,
        auth: VoterAuth,
        /// The poll's id.
        poll_id: Path<Uuid>,
        body: JsonBody<ResponseInput>,
    ) -> Result<Submitted, SubmitError> {
        let location = format!("/api/v1/polls/{}/responses/me", poll_id.0);
        if let VoterAuth::Invitee(invitation) = &auth {
            own_invitation(invitation, poll_id.0)?;
            let ballot = body.0.parse(false).map_err(Error::Invalid)?;
            let recorded = store
                .record_ballot(poll_id.0, invited(invitation), &ballot)
                .await?;
            let reply = CreatedResponse {
                response: view(recorded.response, true),
                edit_token: None,
            };
            return Ok(if recorded.created {
                Submitted::Created(Json(reply), location)
            } else {
                Submitted::Replaced(Json(reply))
            });
        }
        reject_unrecognised(req)?;
        limits.check(&store, req, chrono::Utc::now()).await?;
        let ballot = body.0.parse(true).map_err(Error::Invalid)?;
        let recorded = store
            .record_ballot(poll_id.0, Voter::Anonymous, &ballot)
            .await?;
        Ok(Submitted::Created(
            Json(CreatedResponse {
                response: view(recorded.response, true),
                edit_token: recorded.edit_token,
            }),
            location,
        ))
    }

    /// List responses
    ///
    /// Individual answers, oldest first, visible per the poll's results
    /// setting. Never for aggregate-only polls; without names when the poll
    /// hides them (except to its organiser).
    #[oai(
        path = "/polls/:poll_id/responses",
        method = "get",
        operation_id = "listResponses"
    )]
    async fn list_responses(
        &self,
        store: Data<&Store>,
        req: &Request,
        auth: ReaderAuth,
        /// The poll's id.
        poll_id: Path<Uuid>,
        /// `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
        /// Page size, 1–500 (default 50).
        limit: Query<Option<u32>>,
    ) -> Result<ResponseList, ListResponsesError> {
        let reader = resolve(auth, req)?;
        let poll = store
            .poll(poll_id.0)
            .await?
            .ok_or(Error::NotFound("poll"))?;
        let access::AnswersNamed(show_names) = access::ensure_answers_listed(&poll, &reader)?;
        let limit = page_limit(limit.0)?;
        let after = parse_cursor(cursor.0.as_deref())?;
        let mut rows = store.list_responses(poll.id, after, limit + 1).await?;
        let next_cursor = if rows.len() as u64 > limit {
            rows.truncate(limit as usize);
            rows.last().map(|r| r.id.to_string())
        } else {
            None
        };
        Ok(ResponseList::Ok(Json(ResponsePage {
            items: rows.into_iter().map(|r| view(r, show_names)).collect(),
            next_cursor,
        })))
    }

    /// Read my response
    ///
    /// Your own answer: send your invitation token (invited members) or the
    /// edit token you got when you voted.
    #[oai(
        path = "/polls/:poll_id/responses/me",
        method = "get",
        operation_id = "getMyResponse"
    )]
    async fn get_my_response(
        &self,
        store: Data<&Store>,
        auth: OwnResponseAuth,
        /// The poll's id.
        poll_id: Path<Uuid>,
    ) -> Result<ResponseRead, MyResponseReadError> {
        let stored = match &auth {
            OwnResponseAuth::Invitee(invitation) => {
                own_invitation(invitation, poll_id.0)?;
                store
                    .response_of_invitation(invitation.0.invitation_id)
                    .await?
            }
            OwnResponseAuth::Respondent(token) => {
                store.response(own_response(token, poll_id.0)?).await?
            }
        };
        let stored = stored.ok_or(Error::NotFound("response"))?;
        Ok(ResponseRead::Ok(Json(view(stored, true))))
    }

    /// Replace my response
    ///
    /// Replaces the whole answer (options left out become "no answer") while
    /// voting is open. The previous answer is kept in the poll's history. An
    /// invited member who has not answered yet gets their first answer
    /// recorded (201).
    #[oai(
        path = "/polls/:poll_id/responses/me",
        method = "put",
        operation_id = "replaceMyResponse"
    )]
    async fn replace_my_response(
        &self,
        store: Data<&Store>,
        auth: OwnResponseAuth,
        /// The poll's id.
        poll_id: Path<Uuid>,
        body: JsonBody<ResponseInput>,
    ) -> Result<ResponsePut, MyResponseError> {
        match &auth {
            OwnResponseAuth::Invitee(invitation) => {
                own_invitation(invitation, poll_id.0)?;
                let ballot = body.0.parse(false).map_err(Error::Invalid)?;
                let recorded = store
                    .record_ballot(poll_id.0, invited(invitation), &ballot)
                    .await?;
                let view = Json(view(recorded.response, true));
                Ok(if recorded.created {
                    ResponsePut::Created(view)
                } else {
                    ResponsePut::Ok(view)
                })
            }
            OwnResponseAuth::Respondent(token) => {
                own_response(token, poll_id.0)?;
                let ballot = body.0.parse(false).map_err(Error::Invalid)?;
                let voter = Voter::Respondent {
                    response_id: token.0.response_id,
                };
                let recorded = store.record_ballot(poll_id.0, voter, &ballot).await?;
                Ok(ResponsePut::Ok(Json(view(recorded.response, true))))
            }
        }
    }

    /// Withdraw my response
    ///
    /// Removes the response from the counts while voting is open; an edit
    /// token stops working (an invitation token stays, to answer again). The
    /// history keeps what it said.
    #[oai(
        path = "/polls/:poll_id/responses/me",
        method = "delete",
        operation_id = "withdrawMyResponse"
    )]
    async fn withdraw_my_response(
        &self,
        store: Data<&Store>,
        auth: OwnResponseAuth,
        /// The poll's id.
        poll_id: Path<Uuid>,
    ) -> Result<Withdrawn, MyResponseWithdrawError> {
        match &auth {
            OwnResponseAuth::Invitee(invitation) => {
                own_invitation(invitation, poll_id.0)?;
                store
                    .withdraw_ballot(poll_id.0, invited(invitation))
                    .await?;
            }
            OwnResponseAuth::Respondent(token) => {
                let response_id = own_response(token, poll_id.0)?;
                store
                    .withdraw_ballot(poll_id.0, Voter::Respondent { response_id })
                    .await?;
            }
        }
        Ok(Withdrawn::NoContent)
    }
}
