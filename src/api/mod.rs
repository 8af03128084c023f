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
pub mod hybrid;
pub mod invitations;
pub mod lifecycle;
pub mod my_calendar;
pub mod options;
pub mod paging;
pub mod payload;
pub mod polls;
pub mod responses;
pub mod results;
pub mod tags;
pub mod types;
pub mod views;
pub mod webhooks;
pub mod workspace;

use poem_openapi::OpenApiService;

pub use tags::TAG_ORDER;

/// Every API of the service, once: the type and the value the service is
/// built from.
macro_rules! apis {
    ($($api:path),+ $(,)?) => {
        pub type Apis = ($($api,)+);

        fn apis() -> Apis {
            ($($api,)+)
        }
    };
}

apis!(
    polls::PollsApi,
    lifecycle::LifecycleApi,
    options::OptionsApi,
    responses::ResponsesApi,
    my_calendar::MyCalendarApi,
    results::ResultsApi,
    calendar::CalendarApi,
    groups::GroupsApi,
    invitations::InvitationsApi,
    history::HistoryApi,
    export::ExportApi,
    webhooks::WebhooksApi,
    workspace::WorkspaceApi,
    health::HealthApi,
);

const DESCRIPTION: &str = "Convene is a scheduling-poll service for groups spread over many time zones. \
An organiser proposes dates or times, members vote yes / if need be / no, and everybody sees each \
option in their own time zone.\n\n\
Authorise with one of the bearer tokens: an organiser's API token (`cvn_org_…`: a person of a workspace, `read` or `write`, from createApiToken or `convene token create`), \
an invited member's invitation token (`cvn_inv_…`, from the organiser), \
or a response edit token (`cvn_rsp_…`, returned when you vote on an open poll). Errors are `application/problem+json` \
(RFC 9457) and name each invalid field.";

/// The OpenAPI service; `server_url` is where clients reach it.
pub fn service(server_url: &str) -> OpenApiService<Apis, ()> {
    OpenApiService::new(apis(), "Convene", env!("CARGO_PKG_VERSION"))
        .description(DESCRIPTION)
        .license(
            poem_openapi::LicenseObject::new("Apache-2.0")
                .url("https://www.apache.org/licenses/LICENSE-2.0"),
        )
        .server(server_url)
}
