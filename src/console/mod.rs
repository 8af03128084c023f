//! The secretariat's console (`/console`): server-rendered pages for the
//! people of a workspace, working without JavaScript: signing in and out —
//! by an emailed link, or single sign-on — polls, rosters, a poll's
//! records, webhooks, people and API tokens, and switching workspaces;
//! every rule it applies (who may do what, how long a link or session
//! lives) is the core's, never written again here.
//!
//! The routes sit outside the OpenAPI spec: they serve HTML to people.

mod edit_poll;
mod frame;
mod groups;
mod invitation_actions;
mod invitations;
mod lifecycle;
mod new_poll;
mod oidc;
mod people;
mod poll;
mod polls;
mod records;
mod session;
mod sign_in;
mod switch;
mod webhooks;
mod zones_preview;

use poem::{Route, get, post};

pub use session::sign_in_as;

/// Adds the console's routes.
pub fn mount(routes: Route) -> Route {
    oidc::mount(routes)
        .at("/console", get(polls::list))
        .at(
            "/console/sign-in",
            get(sign_in::sign_in_page).post(sign_in::ask_for_link),
        )
        .at(
            "/console/sign-in/:token",
            get(sign_in::confirm_page).post(sign_in::redeem_link),
        )
        .at("/console/sign-out", post(sign_in::sign_out))
        .at("/console/workspace", post(switch::switch))
        .at("/console/polls/:poll_id", get(poll::show))
        .at(
            "/console/polls/:poll_id/confirm",
            get(lifecycle::preview).post(lifecycle::confirm),
        )
        .at(
            "/console/polls/:poll_id/edit",
            get(edit_poll::form).post(edit_poll::save),
        )
        .at("/console/polls/:poll_id/close", post(lifecycle::close))
        .at("/console/polls/:poll_id/reopen", post(lifecycle::reopen))
        .at("/console/polls/:poll_id/cancel", post(lifecycle::cancel))
        .at(
            "/console/polls/new",
            get(new_poll::form).post(new_poll::create),
        )
        .at(
            "/console/polls/:poll_id/invitations",
            get(invitations::show).post(invitations::invite),
        )
        .at("/console/polls/:poll_id/history", get(records::history))
        .at("/console/polls/:poll_id/export.csv", get(records::export))
        .at("/console/feeds/:feed_id/rotate", post(records::rotate_feed))
        .at(
            "/console/webhooks",
            get(webhooks::list).post(webhooks::create),
        )
        .at("/console/webhooks/:hook_id/remove", post(webhooks::remove))
        .at(
            "/console/people",
            get(people::list_people).post(people::add_person),
        )
        .at("/console/people/:person_id/role", post(people::change_role))
        .at(
            "/console/people/:person_id/remove",
            post(people::remove_person),
        )
        .at(
            "/console/tokens",
            get(people::list_tokens).post(people::create_token),
        )
        .at(
            "/console/tokens/:token_id/revoke",
            post(people::revoke_token),
        )
        .at(
            "/console/polls/:poll_id/invitations/:invitation_id/reissue",
            post(invitation_actions::reissue),
        )
        .at(
            "/console/polls/:poll_id/invitations/:invitation_id/response",
            get(invitation_actions::proxy_form).post(invitation_actions::record_proxy),
        )
        .at(
            "/console/polls/:poll_id/reminders",
            get(invitation_actions::remind_preview).post(invitation_actions::remind),
        )
        .at("/console/groups", get(groups::list).post(groups::create))
        .at("/console/groups/:group_id", get(groups::show))
        .at("/console/groups/:group_id/members", post(groups::add))
        .at(
            "/console/groups/:group_id/members/:member_id",
            get(groups::member_form).post(groups::update_member),
        )
        .at(
            "/console/groups/:group_id/members/:member_id/remove",
            post(groups::remove),
        )
}
