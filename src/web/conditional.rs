//! Conditional requests: a poll's version as its ETag, the `If-Match` a
//! client sends back so an edit applies only to what it read, and the
//! `If-None-Match` a polling client sends so an unchanged read costs no body.

use chrono::{DateTime, Utc};
use poem::Request;
use poem::http::header;
use sha2::{Digest, Sha256};

use crate::domain::poll::Poll;
use crate::domain::time::Zone;
use crate::error::Error;

/// The ETag of a poll at `version`, as its organiser reads it.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// The ETag of a poll as one reader sees it: the version, and, when the
/// reply differs from the organiser's plain read, a short mark of how —
/// times shown in another zone, or a status a passed deadline gives — so
/// that two different replies never share a tag. `If-Match` reads the
/// version from either form.
pub fn poll_etag(poll: &Poll, viewer: Zone, now: DateTime<Utc>) -> String {
    let status = poll.status_at(now);
    if viewer == poll.zone && status == poll.status {
        return etag(poll.version);
    }
    let mark = Sha256::digest(format!("{}|{}", viewer.name(), status.as_str()));
    format!("\"{}-{}\"", poll.version, hex::encode(&mark[..4]))
}

/// The ETag of a poll's results as one reader sees them: the poll's
/// version and its count of changes to the results (`poll_tally.changes`,
/// which every vote, edit, withdrawal and roster change adds to), the
/// status a passed deadline gives, and whether the reader sees members by
/// name — so two different replies never share a tag, and a client's copy
/// is checked with one lookup (`Store::results_head`) instead of computing
/// the results again.
pub fn results_etag(poll: &Poll, changes: i64, named: bool, now: DateTime<Utc>) -> String {
    let named = if named { "-named" } else { "" };
    let status = poll.status_at(now);
    format!("\"r{}.{changes}-{}{named}\"", poll.version, status.as_str())
}

/// Whether the client's copy is the current one: `If-None-Match` names
/// `etag` (a weak `W/` form too, as compressed replies carry) or is `*`.
pub fn none_match_hits(req: &Request, etag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|inm| {
            inm.split(',')
                .map(str::trim)
                .any(|t| t == "*" || t.trim_start_matches("W/") == etag)
        })
}

/// Reads `If-Match`: `"3"`, `W/"3"`, `"3-9f2c01ab"` (a reader's view of
/// version 3), `3` or `*` (any version).
pub fn parse_if_match(value: &str) -> Result<Option<i32>, Error> {
    let v = value.trim();
    if v == "*" {
        return Ok(None);
    }
    let v = v.trim_start_matches("W/").trim_matches('"');
    let v = v.split_once('-').map_or(v, |(version, _)| version);
    v.parse::<i32>().map(Some).map_err(|_| {
        Error::invalid(
            "If-Match",
            format!("{value:?} is not an ETag of this API, such as \"3\""),
        )
    })
}

/// An optional `If-Match`: the version it names, if any.
pub fn optional_if_match(value: Option<&str>) -> Result<Option<i32>, Error> {
    Ok(value.map(parse_if_match).transpose()?.flatten())
}
