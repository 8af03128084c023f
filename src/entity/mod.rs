//! sea-orm entities, one file per table. The schema itself (constraints,
//! indexes) lives in the `migration` crate; these mirror it for queries.

pub mod api_token;
pub mod console_session;
pub mod feed;
pub mod invitation;
pub mod member;
pub mod member_group;
pub mod oidc_flow;
pub mod option_tally;
pub mod organiser;
pub mod person;
pub mod poll;
pub mod poll_history;
pub mod poll_option;
pub mod poll_tally;
pub mod response;
pub mod sign_in_link;
pub mod vote;
