//! Errors on the wire: RFC 9457 `application/problem+json`, with an `errors`
//! list naming each bad field. Every error the service sends — from an API
//! handler, a page that cannot show a page of its own, request parsing or
//! routing — leaves through here.

use poem::{Endpoint, IntoResponse, Response, error::ResponseError, http::StatusCode};
use poem_openapi::{
    Object,
    error::{AuthorizationError, ParseParamError},
};

use crate::domain::FieldError;
use crate::error::Error;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// A problem report (RFC 9457).
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct Problem {
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    #[oai(rename = "type")]
    pub kind: String,
    /// The status's short description.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong, for a person to read.
    pub detail: String,
    /// For invalid input: each offending field, by its JSON path.
    #[oai(default, skip_serializing_if_is_empty)]
    pub errors: Vec<ProblemField>,
    /// For server errors: quote this id when reporting the problem.
    #[oai(skip_serializing_if_is_none)]
    pub error_id: Option<String>,
    /// Seconds to wait before retrying (sent as `Retry-After`).
    #[oai(skip)]
    pub retry_after: Option<u32>,
}

/// One invalid field.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case")]
pub struct ProblemField {
    /// JSON path of the field, e.g. `options[1].start`, or a parameter name.
    pub field: String,
    /// What is wrong with the field.
    pub message: String,
}

impl poem_openapi::types::Example for Problem {
    fn example() -> Self {
        Problem::invalid(vec![FieldError::new(
            "options[1].start",
            "02:30 on 2026-03-29 does not exist in Europe/Vienna: clocks go from 02:00 to 03:00",
        )])
    }
}

impl Problem {
    pub fn new(status: u16, detail: impl Into<String>) -> Self {
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Problem {
            kind: "about:blank".into(),
            title: code.canonical_reason().unwrap_or("Error").into(),
            status: code.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            error_id: None,
            retry_after: None,
        }
    }

    pub fn invalid(errors: Vec<FieldError>) -> Self {
        let detail = match errors.as_slice() {
            [one] if one.field.is_empty() => one.message.clone(),
            [one] => format!("{}: {}", one.field, one.message),
            many => format!("{} fields are invalid", many.len()),
        };
        Problem {
            errors: errors
                .into_iter()
                .map(|e| ProblemField {
                    field: e.field,
                    message: e.message,
                })
                .collect(),
            ..Problem::new(422, detail)
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.title, self.detail)
    }
}

impl std::error::Error for Problem {}

impl ResponseError for Problem {
    fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn as_response(&self) -> Response {
        let body = poem_openapi::types::ToJSON::to_json(self).unwrap_or_default();
        let mut resp = Response::builder()
            .status(ResponseError::status(self))
            .content_type(PROBLEM_JSON);
        if let Some(seconds) = self.retry_after {
            resp = resp.header(poem::http::header::RETRY_AFTER, seconds);
        }
        resp.body(body.to_string())
    }
}

/// How long a client should wait before retrying while the database is
/// unreachable (`Retry-After`, seconds): a restart takes a few seconds.
pub const RETRY_AFTER_SECONDS: u32 = 2;

impl From<Error> for Problem {
    fn from(err: Error) -> Self {
        if err.is_unavailable() {
            if let Error::Internal(e) = &err {
                tracing::warn!(error = ?e, "database unavailable");
            }
            return Problem {
                retry_after: Some(RETRY_AFTER_SECONDS),
                ..Problem::new(
                    503,
                    "the database is unavailable for a moment: try again shortly",
                )
            };
        }
        match err {
            Error::NotFound(what) => {
                Problem::new(404, format!("no such {what}, or it is not yours to see"))
            }
            Error::Unauthorized(m) => Problem::new(401, m),
            Error::Forbidden(m) => Problem::new(403, m),
            Error::Conflict(m) => Problem::new(409, m),
            Error::PreconditionFailed(m) => Problem::new(412, m),
            Error::PreconditionRequired(m) => Problem::new(428, m),
            Error::Invalid(errors) => Problem::invalid(errors),
            Error::Unavailable(m) => Problem {
                retry_after: Some(RETRY_AFTER_SECONDS),
                ..Problem::new(503, m)
            },
            Error::TooManyRequests {
                message,
                retry_after,
            } => Problem {
                retry_after: Some(retry_after),
                ..Problem::new(429, message)
            },
            Error::Internal(e) => internal(&e),
        }
    }
}

/// Logs an unexpected failure with its whole cause chain under a fresh id,
/// and tells the client only the id.
pub fn internal(err: &anyhow::Error) -> Problem {
    let id = uuid::Uuid::new_v4().to_string();
    tracing::error!(error.id = %id, error = ?err, "request failed");
    Problem {
        error_id: Some(id),
        ..Problem::new(
            500,
            "the server failed to handle this request; it has been logged",
        )
    }
}

/// Turns any error that escaped a handler (routing, parameters, auth) into a
/// problem response.
pub fn to_problem(err: poem::Error) -> Response {
    if err.is::<Problem>() {
        return err.into_response();
    }
    let problem = if let Some(e) = err.downcast_ref::<ParseParamError>() {
        Problem {
            errors: vec![ProblemField {
                field: e.name.to_string(),
                message: e.reason.clone(),
            }],
            ..Problem::new(
                400,
                format!("the parameter `{}` is invalid: {}", e.name, e.reason),
            )
        }
    } else if err.is::<AuthorizationError>() {
        Problem::new(401, "send a valid token as `Authorization: Bearer <token>`")
    } else {
        let status = err.status();
        let detail = err.to_string();
        // Operation error enums arrive here as ready problem responses.
        let resp = err.into_response();
        if resp
            .content_type()
            .is_some_and(|ct| ct.starts_with(PROBLEM_JSON))
        {
            return resp;
        }
        if status.is_server_error() {
            internal(&anyhow::anyhow!("{detail}"))
        } else {
            let detail = match status {
                StatusCode::NOT_FOUND => "no such resource".to_string(),
                StatusCode::METHOD_NOT_ALLOWED => {
                    "this method is not allowed on this resource".to_string()
                }
                _ => detail,
            };
            Problem::new(status.as_u16(), detail)
        }
    };
    problem.as_response()
}

/// Middleware form of [`to_problem`].
pub async fn catch_problems<E: Endpoint>(next: E, req: poem::Request) -> poem::Result<Response> {
    match next.call(req).await {
        Ok(resp) => Ok(resp.into_response()),
        Err(err) => Ok(to_problem(err)),
    }
}
