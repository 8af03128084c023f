//! The addresses handed to people rather than programs: a member's personal
//! page, an open poll's page, a calendar feed. One place, so the API that
//! hands them out and the pages that answer them cannot disagree.

use uuid::Uuid;

/// A member's page (invitation token) or a respondent's private edit page
/// (response edit token): the token is the whole credential.
pub fn vote_url(base: &str, token: &str) -> String {
    format!("{base}/vote/{token}")
}

/// An open poll's public page, where anyone votes by name.
pub fn poll_page_url(base: &str, poll_id: Uuid) -> String {
    format!("{base}/p/{poll_id}")
}

/// A poll in the API: the URL and description link of its calendar events.
pub fn api_poll_url(base: &str, poll_id: Uuid) -> String {
    format!("{base}/api/v1/polls/{poll_id}")
}

/// A calendar feed, as `https://…` and as the `webcal://…` that calendar
/// apps open as a subscription.
pub fn feed_urls(base: &str, secret: &str) -> (String, String) {
    let url = format!("{base}/calendar/{secret}.ics");
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(&url);
    let webcal = format!("webcal://{rest}");
    (url, webcal)
}

/// An emailed sign-in link to the console: the mail's only address under
/// `/console/` (DESIGN), and the only URL of the console with a secret in it.
pub fn sign_in_url(base: &str, secret: &str) -> String {
    format!("{base}/console/sign-in/{secret}")
}
