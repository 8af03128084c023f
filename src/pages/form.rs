//! The voting form as a browser posts it, read into a ballot. The form uses
//! the API's words: one radio group `choice-<option id>` per option with the
//! values `yes`, `if_need_be`, `no`; `comment`; `name` on open polls.
//! Anything tampered or stale is named by field, so the page can show each
//! error beside its field, and nothing is recorded.

use uuid::Uuid;

use crate::domain::ballot::Ballot;
use crate::domain::limits::{MAX_COMMENT_CHARS, MAX_NAME_CHARS};
use crate::domain::poll::{Choice, Poll, parse_comment, parse_person_name};

/// What the visitor typed, kept to show it again beside the errors.
#[derive(Debug, Default, Clone)]
pub struct Posted {
    pub name: String,
    pub comment: String,
    pub choices: Vec<(Uuid, Choice)>,
}

/// A field of the form that is wrong, and why (a catalogue message id with
/// its number, if it takes one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormError {
    /// The form names an option the poll does not have (any more).
    UnknownOption,
    /// An option's choice is not one of the three (or "if need be" where the
    /// poll does not offer it).
    Choice(Uuid, &'static str),
    Name(&'static str),
    Comment(&'static str),
}

impl FormError {
    /// The catalogue message for the error.
    pub fn message(&self) -> &'static str {
        match self {
            FormError::UnknownOption => "error-unknown-option",
            FormError::Choice(_, m) | FormError::Name(m) | FormError::Comment(m) => m,
        }
    }
}

/// Reads an `application/x-www-form-urlencoded` body against the poll. On
/// errors, returns what was typed (to fill the form again) and every error.
pub fn read(
    body: &[u8],
    poll: &Poll,
    name_required: bool,
) -> Result<Ballot, (Posted, Vec<FormError>)> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let mut posted = Posted::default();
    let mut errors = Vec::new();
    for (key, value) in pairs {
        match key.as_str() {
            "name" => posted.name = value,
            "comment" => posted.comment = value,
            _ => {
                let Some(id) = key.strip_prefix("choice-") else {
                    continue; // a field we do not use (a browser extension's, say)
                };
                let known = Uuid::parse_str(id)
                    .ok()
                    .filter(|id| poll.options.iter().any(|o| o.id == *id));
                let Some(option) = known else {
                    if !errors.contains(&FormError::UnknownOption) {
                        errors.push(FormError::UnknownOption);
                    }
                    continue;
                };
                if posted.choices.iter().any(|(o, _)| *o == option) {
                    errors.push(FormError::Choice(option, "error-choice"));
                    continue;
                }
                match Choice::parse(&value) {
                    Some(Choice::IfNeedBe) if !poll.settings.allow_if_need_be => {
                        errors.push(FormError::Choice(option, "error-if-need-be"))
                    }
                    Some(choice) => posted.choices.push((option, choice)),
                    None => errors.push(FormError::Choice(option, "error-choice")),
                }
            }
        }
    }
    let name = if name_required {
        match posted.name.trim() {
            "" => {
                errors.push(FormError::Name("error-name-required"));
                None
            }
            n => parse_person_name(n)
                .map_err(|_| errors.push(FormError::Name("error-name-invalid")))
                .ok(),
        }
    } else {
        None
    };
    let comment = if posted.comment.chars().count() > MAX_COMMENT_CHARS {
        errors.push(FormError::Comment("error-comment-long"));
        None
    } else {
        parse_comment(&posted.comment)
            .map_err(|_| errors.push(FormError::Comment("error-comment-invalid")))
            .ok()
    };
    if !errors.is_empty() {
        return Err((posted, errors));
    }
    Ok(Ballot {
        name,
        comment,
        votes: posted.choices,
        details: Vec::new(),
    })
}

/// The longest name and comment, for the inputs' `maxlength` and the hints.
pub const NAME_MAX: usize = MAX_NAME_CHARS;
pub const COMMENT_MAX: usize = MAX_COMMENT_CHARS;
