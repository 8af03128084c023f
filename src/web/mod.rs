//! The HTTP plumbing every face stands on (the JSON API, the member pages,
//! the console): problem responses, the public URL links are written with,
//! the anonymous-write limit, conditional requests, and calendar files and
//! feeds as responses. It knows HTTP and the store, never a face.

pub mod calendar;
pub mod conditional;
pub mod html;
pub mod problem;
pub mod rate_limit;

/// The public base URL, for links in calendars, mails and feed URLs.
#[derive(Clone)]
pub struct PublicUrl(pub String);
