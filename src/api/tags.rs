//! The sections of the API, as Swagger UI and generated clients group
//! operations.

use poem_openapi::Tags;

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
    /// Signed calls to your tools when something happens to your polls (organisers).
    Webhooks,
    /// Your workspace (the secretariat): its people with their roles, and their API tokens.
    Workspace,
    /// Liveness and readiness for operators and load balancers.
    Operations,
}

/// The order Swagger UI shows the sections in: the order of the work.
pub const TAG_ORDER: [&str; 10] = [
    "Polls",
    "Groups",
    "Invitations",
    "Responses",
    "Results",
    "Calendar",
    "Records",
    "Webhooks",
    "Workspace",
    "Operations",
];
