//! The one error type that store and handlers share. Each variant is an
//! outcome a client can act on; `Internal` is the rest, logged with its cause
//! chain and shown to the client only as an id.

use crate::domain::access::Denied;
use crate::domain::roles::NotAllowed;
use crate::domain::{FieldError, Refusal};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PreconditionFailed(String),
    #[error("{0}")]
    PreconditionRequired(String),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// Too many requests from one client; it may try again after
    /// `retry_after` seconds.
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: u32 },
    /// The database cannot be reached right now (down, restarting, or the
    /// connection was cut): the same request may well succeed shortly.
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl Error {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid(vec![FieldError::new(field, message)])
    }
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Invalid(errors) => Error::Invalid(errors),
            Refusal::Conflict(reason) => Error::Conflict(reason),
        }
    }
}

/// A refusal of the access rules, in the API's words (the pages say it
/// from their catalogue instead).
impl From<Denied> for Error {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::Invisible => Error::NotFound("poll"),
            Denied::ResultsAfterVoting => Error::Forbidden(
                "results are shown once you have voted: vote, then send your invitation or response token".into(),
            ),
            Denied::ResultsOrganisersOnly => {
                Error::Forbidden("only the organiser sees results of this poll".into())
            }
            Denied::CountsOnly => Error::Forbidden(
                "this poll publishes counts only: individual answers are never shown".into(),
            ),
        }
    }
}

/// A refusal of the workspace's roles: the person or their token may not.
impl From<NotAllowed> for Error {
    fn from(refused: NotAllowed) -> Self {
        Error::Forbidden(refused.to_string())
    }
}

impl From<Vec<FieldError>> for Error {
    fn from(errors: Vec<FieldError>) -> Self {
        Error::Invalid(errors)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
