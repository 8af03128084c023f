//! Cursor pagination: the `limit` and `cursor` query parameters every list
//! operation takes.

use uuid::Uuid;

use crate::domain::limits::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use crate::error::Error;

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
