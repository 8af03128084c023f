//! The one error type that store and handlers share. Each variant is an
//! outcome a client can act on; `Internal` is the rest, logged with its cause
//! chain and shown to the client only as an id.

use crate::domain::FieldError;

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

impl From<sea_orm::DbErr> for Error {
    fn from(err: sea_orm::DbErr) -> Self {
        if crate::store::is_unavailable(&err) {
            tracing::warn!(error = %err, "database unavailable");
            Error::Unavailable("the database is unavailable for a moment: try again shortly".into())
        } else {
            Error::Internal(anyhow::Error::new(err))
        }
    }
}

impl Error {
    /// Whether this failure is the database being unreachable, however it
    /// was wrapped on the way up.
    pub fn is_unavailable(&self) -> bool {
        match self {
            Error::Unavailable(_) => true,
            Error::Internal(e) => e.chain().any(|cause| {
                cause
                    .downcast_ref::<sea_orm::DbErr>()
                    .is_some_and(crate::store::is_unavailable)
            }),
            _ => false,
        }
    }
}

impl From<Vec<FieldError>> for Error {
    fn from(errors: Vec<FieldError>) -> Self {
        Error::Invalid(errors)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
