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

/// The ETag of a reply computed from many rows (results): a digest of
/// the JSON it writes, so it changes exactly when the reply does.
pub fn body_etag<T: serde::Serialize>(body: &T) -> String {
    struct Digesting(Sha256);
    impl std::io::Write for Digesting {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.update(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut digest = Digesting(Sha256::new());
    // Writing a view to a digest cannot fail.
    let _ = serde_json::to_writer(&mut digest, body);
    format!("\"r{}\"", hex::encode(&digest.0.finalize()[..12]))
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
