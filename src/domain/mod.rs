//! The rules of the product, free of HTTP and of the database: time zones and
//! option times, ranking, tokens, and the validated values handlers work with.

pub mod access;
pub mod ballot;
pub mod calendar;
pub mod draft;
pub mod export;
pub mod freebusy;
pub mod history;
pub mod hybrid;
pub mod ics;
pub mod lifecycle;
pub mod limits;
pub mod mailing;
pub mod poll;
pub mod ranking;
pub mod reminders;
pub mod roles;
pub mod roster;
pub mod sign_in;
pub mod standing;
pub mod time;
pub mod token;
pub mod webhooks;

/// A rule broken by one field of the input. `field` is the JSON path the client
/// sent (`options[1].start`), so a client can point at the exact input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Why a rule refuses a request, in words a client can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Fields break their rules; each is named.
    Invalid(Vec<FieldError>),
    /// The request does not fit the poll's present state.
    Conflict(String),
}

/// Collects every field error of one request, so a client learns about all of
/// them at once instead of fixing one per round trip.
#[derive(Debug, Default)]
pub struct Violations(pub Vec<FieldError>);

impl Violations {
    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// Runs a parser, keeping its value or recording its error under `field`.
    pub fn check<T>(&mut self, field: impl Into<String>, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(v) => Some(v),
            Err(message) => {
                self.push(field, message);
                None
            }
        }
    }

    pub fn into_result(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.0)
        }
    }
}
