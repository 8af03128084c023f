//! The HTTP API: one unit struct per resource, the shared error responses,
//! the security schemes, and the assembly of the OpenAPI service.

pub mod auth;
pub mod body;
pub mod calendar;
pub mod error;
pub mod examples;
pub mod export;
pub mod groups;
pub mod health;
pub mod history;
pub mod invitations;
pub mod polls;
pub mod rate_limit;
pub mod responses;
pub mod results;
pub mod types;

use poem_openapi::{OpenApiService, Tags};
use uuid::Uuid;

use crate::domain::limits::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use crate::error::Error;

#[derive(Tags)]
pub enum ApiTags {
    /// Create polls, edit them and their options, close and reopen them (organisers).
    Polls,
    /// Vote, and read, replace or withdraw your own answer.
    Responses,
    /// Rosters: groups of members with their time zones and social hours (organisers).
    Groups,
    /// Inviting members to a poll, following who has answered, and answering on a member's behalf (organisers).
    Invitations,
    /// Counts per option and their ranking.
    Results,
    /// The confirmed event and the holds as ICS, and calendar subscription feeds.
    Calendar,
    /// Everything that happened to a poll, and its export (organisers).
    Records,
    /// Liveness and readiness for operators and load balancers.
    Operations,
}

/// The order Swagger UI shows the sections in: the order of the work.
pub const TAG_ORDER: [&str; 8] = [
    "Polls",
    "Groups",
    "Invitations",
    "Responses",
    "Results",
    "Calendar",
    "Records",
    "Operations",
];

pub type Apis = (
    polls::PollsApi,
    responses::ResponsesApi,
    results::ResultsApi,
    calendar::CalendarApi,
    groups::GroupsApi,
    invitations::InvitationsApi,
    history::HistoryApi,
    export::ExportApi,
    health::HealthApi,
);

const DESCRIPTION: &str = "Convene is a scheduling-poll service for groups spread over many time zones. \
An organiser proposes dates or times, members vote yes / if need be / no, and everybody sees each \
option in their own time zone.\n\n\
Authorise with one of the bearer tokens: an organiser token (`cvn_org_…`, from `convene token create`), \
an invited member's invitation token (`cvn_inv_…`, from the organiser), \
or a response edit token (`cvn_rsp_…`, returned when you vote on an open poll). Errors are `application/problem+json` \
(RFC 9457) and name each invalid field.";

/// The OpenAPI service; `server_url` is where clients reach it.
pub fn service(server_url: &str) -> OpenApiService<Apis, ()> {
    OpenApiService::new(
        (
            polls::PollsApi,
            responses::ResponsesApi,
            results::ResultsApi,
            calendar::CalendarApi,
            groups::GroupsApi,
            invitations::InvitationsApi,
            history::HistoryApi,
            export::ExportApi,
            health::HealthApi,
        ),
        "Convene",
        env!("CARGO_PKG_VERSION"),
    )
    .description(DESCRIPTION)
    .license(
        poem_openapi::LicenseObject::new("Apache-2.0")
            .url("https://www.apache.org/licenses/LICENSE-2.0"),
    )
    .server(server_url)
}

/// Page size from `?limit=`.
pub fn page_limit(limit: Option<u32>) -> Result<u64, Error> {
    match limit {
        None => Ok(DEFAULT_PAGE_SIZE as u64),
        Some(n) if (1..=MAX_PAGE_SIZE).contains(&n) => Ok(n as u64),
        Some(_) => Err(Error::invalid(
            "limit",
            format!("must be between 1 and {MAX_PAGE_SIZE}"),
        )),
    }
}

/// Position from `?cursor=`: the id of the last item of the previous page.
pub fn parse_cursor(cursor: Option<&str>) -> Result<Option<Uuid>, Error> {
    cursor
        .map(|c| {
            Uuid::parse_str(c)
                .map_err(|_| Error::invalid("cursor", "not a cursor this API returned"))
        })
        .transpose()
}
