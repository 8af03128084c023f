//! The voting form as a browser posts it, read into a ballot. The form uses
//! the API's words: one radio group `choice-<option id>` per option with the
//! values `yes`, `if_need_be`, `no`; `comment`; `name` on open polls. A
//! per-day option has a group `day-<option id>-<date>` per day instead; on
//! a hybrid poll `attendance-<option id>` (`in_person`, `online`) says how
//! the member attends.
//! Anything tampered or stale is named by field, so the page can show each
//! error beside its field, and nothing is recorded.

use uuid::Uuid;

use crate::domain::ballot::Ballot;
use crate::domain::hybrid::{self, Attendance, VoteDetail};
use crate::domain::limits::{MAX_COMMENT_CHARS, MAX_NAME_CHARS};
use crate::domain::poll::{Choice, Poll, parse_comment, parse_person_name};

/// What the visitor typed, kept to show it again beside the errors.
#[derive(Debug, Default, Clone)]
pub struct Posted {
    pub name: String,
    pub comment: String,
    pub choices: Vec<(Uuid, Choice)>,
    /// Attendance and day answers as posted, by option.
    pub details: std::collections::BTreeMap<Uuid, VoteDetail>,
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
    /// A yes or if need be on a hybrid poll without a (valid) attendance.
    Attendance(Uuid),
    Name(&'static str),
    Comment(&'static str),
}

impl FormError {
    /// The catalogue message for the error.
    pub fn message(&self) -> &'static str {
        match self {
            FormError::UnknownOption => "error-unknown-option",
            FormError::Attendance(_) => "error-attendance",
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
            _ if key.starts_with("attendance-") || key.starts_with("day-") => {
                detail_field(&key, &value, poll, &mut posted, &mut errors);
            }
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
    let (votes, details) = hybrid_votes(poll, &mut posted, &mut errors);
    if !errors.is_empty() {
        return Err((posted, errors));
    }
    Ok(Ballot {
        name,
        comment,
        votes,
        details,
    })
}

/// Reads `attendance-<option>` and `day-<option>-<date>` into `posted`.
fn detail_field(
    key: &str,
    value: &str,
    poll: &Poll,
    posted: &mut Posted,
    errors: &mut Vec<FormError>,
) {
    let unknown = |errors: &mut Vec<FormError>| {
        if !errors.contains(&FormError::UnknownOption) {
            errors.push(FormError::UnknownOption);
        }
    };
    if let Some(id) = key.strip_prefix("attendance-") {
        let Some(option) = Uuid::parse_str(id)
            .ok()
            .filter(|id| poll.options.iter().any(|o| o.id == *id))
        else {
            return unknown(errors);
        };
        match Attendance::parse(value).filter(|a| poll.settings.attendance.offers(*a)) {
            Some(a) => posted.details.entry(option).or_default().attendance = Some(a),
            None => errors.push(FormError::Attendance(option)),
        }
        return;
    }
    // day-<uuid>-<yyyy-mm-dd>: a UUID is 36 characters.
    let rest = key.trim_start_matches("day-");
    let (Some(id), Some(date)) = (rest.get(..36), rest.get(37..)) else {
        return unknown(errors);
    };
    let option = Uuid::parse_str(id)
        .ok()
        .and_then(|id| poll.options.iter().find(|o| o.id == id));
    let day = date.parse::<chrono::NaiveDate>().ok();
    let (Some(option), Some(day)) = (option, day) else {
        return unknown(errors);
    };
    if !option.setup.per_day || !hybrid::days_of(&option.slot).contains(&day) {
        return unknown(errors);
    }
    match Choice::parse(value) {
        Some(Choice::IfNeedBe) if !poll.settings.allow_if_need_be => {
            errors.push(FormError::Choice(option.id, "error-if-need-be"))
        }
        Some(c) => {
            let days = &mut posted.details.entry(option.id).or_default().days;
            days.retain(|(d, _)| *d != day);
            days.push((day, c));
        }
        None => errors.push(FormError::Choice(option.id, "error-choice")),
    }
}

/// The votes and their details from what was posted: a per-day option's
/// choice from its days (all of them, or an error), attendance required
/// with yes or if need be where the poll offers more than one mode (and
/// dropped with no, whose form may still have one checked).
fn hybrid_votes(
    poll: &Poll,
    posted: &mut Posted,
    errors: &mut Vec<FormError>,
) -> (Vec<(Uuid, Choice)>, Vec<VoteDetail>) {
    for o in poll.options.iter().filter(|o| o.setup.per_day) {
        let Some(detail) = posted.details.get(&o.id) else {
            continue;
        };
        if detail.days.is_empty() {
            continue;
        }
        let all = hybrid::days_of(&o.slot);
        if detail.days.len() != all.len() {
            errors.push(FormError::Choice(o.id, "error-days"));
            continue;
        }
        if let Some(c) = hybrid::overall(&detail.days) {
            posted.choices.retain(|(id, _)| *id != o.id);
            posted.choices.push((o.id, c));
        }
    }
    let modes = poll.settings.attendance;
    let mut votes = Vec::new();
    let mut details = Vec::new();
    for (option, choice) in &posted.choices {
        let mut detail = posted.details.get(option).cloned().unwrap_or_default();
        if *choice == Choice::No || !modes.is_hybrid() {
            detail.attendance = None;
        } else if detail.attendance.is_none() && modes.only().is_none() {
            errors.push(FormError::Attendance(*option));
        }
        votes.push((*option, *choice));
        details.push(detail);
    }
    (votes, details)
}

/// The longest name and comment, for the inputs' `maxlength` and the hints.
pub const NAME_MAX: usize = MAX_NAME_CHARS;
pub const COMMENT_MAX: usize = MAX_COMMENT_CHARS;
