//! Optimistic concurrency over HTTP: a poll's version as its ETag, and the
//! `If-Match` a client sends back so an edit applies only to what it read.

use crate::error::Error;

/// The ETag of a poll at `version`.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// Reads `If-Match`: `"3"`, `W/"3"`, `3` or `*` (any version).
pub fn parse_if_match(value: &str) -> Result<Option<i32>, Error> {
    let v = value.trim();
    if v == "*" {
        return Ok(None);
    }
    let v = v.trim_start_matches("W/").trim_matches('"');
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
