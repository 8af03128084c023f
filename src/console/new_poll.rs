//! Creating a poll from the console: a plain form with the API's field
//! names (`title`, `time_zone`, `options[0].start`, …), read through the
//! same rules as createPoll (`domain/draft.rs`), every error shown beside
//! its field and in a summary, nothing saved until all is right.

use askama::Template;
use chrono::Utc;
use poem::http::StatusCode;
use poem::web::Data;
use poem::{Body, Request, Response, handler};
use uuid::Uuid;

use super::frame::{Frame, Posted, editor_form, failed, lang_of, page, render, see_other};
use super::session::{Binding, current};
use super::zones_preview::{self, Person, PreviewOption};
use crate::domain::draft::{DraftKind, OptionDraft, PollDraft};
use crate::domain::history::Actor;
use crate::domain::poll::{ResultsVisibility, Settings, Voting};
use crate::domain::roles::Action;
use crate::domain::time::{Slot, WallTime, Zone};
use crate::error::Error;
use crate::lang::filters;
use crate::store::Store;
use crate::store::sessions::Session;
use crate::web::PublicUrl;

/// Option rows the form shows at first; "more rows" adds this many again.
const ROWS: usize = 3;
/// The most rows one form shows (more options: add them on the poll).
const MAX_ROWS: usize = 30;

/// One option row as typed (to show it again beside its errors).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Row {
    pub index: usize,
    pub kind: String,
    pub start_date: String,
    pub end_date: String,
    pub start: String,
    pub end: String,
}

impl Row {
    pub fn is_empty(&self) -> bool {
        [&self.start_date, &self.end_date, &self.start, &self.end]
            .iter()
            .all(|s| s.trim().is_empty())
    }

    pub fn draft(&self) -> OptionDraft<'_> {
        fn given(s: &str) -> Option<&str> {
            let s = s.trim();
            (!s.is_empty()).then_some(s)
        }
        let timed = self.kind == "timed";
        OptionDraft {
            kind: if timed {
                DraftKind::Timed
            } else {
                DraftKind::AllDay
            },
            start_date: given(&self.start_date).filter(|_| !timed),
            end_date: given(&self.end_date).filter(|_| !timed),
            start: given(&self.start).filter(|_| timed),
            end: given(&self.end).filter(|_| timed),
            per_day: None,
            capacity: None,
        }
    }
}

/// A field's error, by its API path; `id` is the input's element id.
pub(super) struct FieldMessage {
    pub field: String,
    pub id: String,
    pub message: String,
}

/// What the form shows: the values typed, the errors.
#[derive(Template)]
#[template(path = "console/new_poll.html")]
struct NewPollPage {
    f: Frame,
    title: String,
    description: String,
    location: String,
    time_zone: String,
    deadline: String,
    voting: String,
    results_visibility: String,
    allow_if_need_be: bool,
    show_voter_names: bool,
    aggregate_only: bool,
    reminders: String,
    rows: Vec<Row>,
    more_rows: usize,
    errors: Vec<FieldMessage>,
    /// The workspace's groups, to preview the options in their zones.
    groups: Vec<(Uuid, String)>,
    preview_group: String,
    preview: Vec<PreviewOption>,
    preview_heading: String,
}

impl NewPollPage {
    fn error(&self, field: &str) -> Option<&str> {
        field_error(&self.errors, field)
    }

    fn row_error(&self, row: usize, field: &str) -> Option<&str> {
        row_error(&self.errors, row, field)
    }
}

/// The message of the error on `field` (an API path), if any: what both
/// poll forms show beside a field.
pub(super) fn field_error<'a>(errors: &'a [FieldMessage], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.as_str())
}

/// The error beside an option row's field; an error on the whole option
/// shows beside its start.
pub(super) fn row_error<'a>(
    errors: &'a [FieldMessage],
    row: usize,
    field: &str,
) -> Option<&'a str> {
    field_error(errors, &format!("options[{row}].{field}")).or_else(|| {
        (field == "start")
            .then(|| field_error(errors, &format!("options[{row}]")))
            .flatten()
    })
}

/// An element id from an API path: `options[0].start` → `options-0-start`.
pub(super) fn element_id(field: &str) -> String {
    field
        .replace("].", "-")
        .replace(['[', '.'], "-")
        .replace(']', "")
}

fn blank(f: Frame, rows: usize) -> NewPollPage {
    let defaults = Settings::default();
    NewPollPage {
        f,
        title: String::new(),
        description: String::new(),
        location: String::new(),
        time_zone: "UTC".into(),
        deadline: String::new(),
        voting: defaults.voting.as_str().into(),
        results_visibility: defaults.results_visibility.as_str().into(),
        allow_if_need_be: defaults.allow_if_need_be,
        show_voter_names: defaults.show_voter_names,
        aggregate_only: defaults.aggregate_only,
        reminders: String::new(),
        rows: (0..rows)
            .map(|index| Row {
                index,
                kind: "all_day".into(),
                ..Row::default()
            })
            .collect(),
        more_rows: (rows + ROWS).min(MAX_ROWS),
        errors: Vec::new(),
        groups: Vec::new(),
        preview_group: String::new(),
        preview: Vec::new(),
        preview_heading: String::new(),
    }
}

/// The workspace's groups, for the preview's choice.
async fn group_choices(store: &Store, session: &Session) -> Result<Vec<(Uuid, String)>, Error> {
    Ok(store
        .list_groups(session.organiser.workspace_id, None, 200)
        .await?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect())
}

/// `GET /console/polls/new`: the empty form (`?rows=` for more rows).
#[handler]
pub async fn form(
    req: &Request,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let Some(session) = current(req, &store, &base).await.map_err(failed)? else {
        return Ok(see_other("/console/sign-in"));
    };
    let lang = lang_of(req, None);
    let binding = Binding::Session(session.id);
    if session.organiser.may(Action::Edit).is_err() {
        return super::frame::not_allowed(&store, lang, &binding, &base, &session).await;
    }
    let rows: usize =
        serde_urlencoded::from_str::<Vec<(String, String)>>(req.uri().query().unwrap_or(""))
            .unwrap_or_default()
            .into_iter()
            .find(|(k, _)| k == "rows")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(ROWS)
            .clamp(1, MAX_ROWS);
    let f = Frame::new(&store, lang, &binding, Some(&session))
        .await
        .map_err(failed)?;
    let mut shown = blank(f, rows);
    shown.groups = group_choices(&store, &session).await.map_err(failed)?;
    Ok(page(StatusCode::OK, render(shown), &binding, &base))
}

/// `POST /console/polls/new`: creates the poll, or shows the form again
/// with every error (422), nothing saved.
#[handler]
pub async fn create(
    req: &Request,
    body: Body,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let posted = Posted::read(body).await;
    let lang = lang_of(req, Some(&posted));
    let session = match editor_form(req, &store, &base, &posted, lang).await? {
        Ok(s) => s,
        Err(answer) => return Ok(answer),
    };
    let binding = Binding::Session(session.id);
    let f = Frame::new(&store, lang, &binding, Some(&session))
        .await
        .map_err(failed)?;
    let mut shown = read_form(&posted, f);
    shown.groups = group_choices(&store, &session).await.map_err(failed)?;
    // "Preview": the options on the clocks of a group's members, nothing
    // saved.
    if posted.get("preview").is_some() {
        let group = Uuid::parse_str(shown.preview_group.trim())
            .ok()
            .filter(|g| shown.groups.iter().any(|(id, _)| id == g));
        let parsed = parse(&shown);
        let status = match (group, parsed) {
            (Some(group), Ok(new)) => {
                let members = store.members(group).await.map_err(failed)?;
                let people: Vec<Person<'_>> = members
                    .iter()
                    .map(|m| Person {
                        name: &m.name,
                        zone: m.zone,
                        social_hours: m.social_hours,
                    })
                    .collect();
                let slots: Vec<&Slot> = new.options.iter().map(|(slot, _)| slot).collect();
                shown.preview = zones_preview::build(lang, new.zone, &slots, &people);
                shown.preview_heading = lang.t("console-zones-preview-heading");
                StatusCode::OK
            }
            (group, parsed) => {
                shown.errors = parsed.err().unwrap_or_default();
                if group.is_none() {
                    shown.errors.push(FieldMessage {
                        field: "preview_group".into(),
                        id: "preview_group".into(),
                        message: lang.t("console-zones-preview-choose"),
                    });
                }
                StatusCode::UNPROCESSABLE_ENTITY
            }
        };
        return Ok(page(status, render(shown), &binding, &base));
    }
    match parse(&shown) {
        Ok(new) => {
            let poll = store
                .create_poll(
                    session.organiser.workspace_id,
                    &Actor::organiser(&session.organiser.name),
                    new,
                )
                .await
                .map_err(failed)?;
            Ok(see_other(&format!(
                "/console/polls/{}?lang={}",
                poll.id,
                lang.code()
            )))
        }
        Err(errors) => {
            shown.errors = errors;
            Ok(page(
                StatusCode::UNPROCESSABLE_ENTITY,
                render(shown),
                &binding,
                &base,
            ))
        }
    }
}

fn read_form(posted: &Posted, f: Frame) -> NewPollPage {
    let text = |name: &str| posted.get(name).unwrap_or("").to_string();
    let checked = |name: &str| posted.get(name).is_some();
    let rows: Vec<Row> = (0..MAX_ROWS)
        .filter(|i| posted.get(&format!("options[{i}].kind")).is_some())
        .map(|i| Row {
            index: i,
            kind: text(&format!("options[{i}].kind")),
            start_date: text(&format!("options[{i}].start_date")),
            end_date: text(&format!("options[{i}].end_date")),
            start: text(&format!("options[{i}].start")),
            end: text(&format!("options[{i}].end")),
        })
        .collect();
    let count = rows.len().max(1);
    NewPollPage {
        f,
        title: text("title"),
        description: text("description"),
        location: text("location"),
        time_zone: text("time_zone"),
        deadline: text("deadline"),
        voting: text("voting"),
        results_visibility: text("results_visibility"),
        allow_if_need_be: checked("allow_if_need_be"),
        show_voter_names: checked("show_voter_names"),
        aggregate_only: checked("aggregate_only"),
        reminders: text("reminders"),
        rows,
        more_rows: (count + ROWS).min(MAX_ROWS),
        errors: Vec::new(),
        groups: Vec::new(),
        preview_group: text("preview_group"),
        preview: Vec::new(),
        preview_heading: String::new(),
    }
}

/// The poll the form describes, through the same rules as createPoll. The
/// form's deadline is a local time in the poll's zone (a person types what
/// their clock says), resolved by the zone rules, gaps and repeats refused.
fn parse(shown: &NewPollPage) -> Result<crate::domain::poll::NewPoll, Vec<FieldMessage>> {
    let defaults = Settings::default();
    let mut extra = Vec::new();
    let deadline = match shown.deadline.trim() {
        "" => None,
        typed => match Zone::parse(&shown.time_zone)
            .ok()
            .map(|zone| WallTime::parse(typed).and_then(|w| w.resolve(zone)))
        {
            Some(Ok(at)) => Some(at.to_rfc3339()),
            Some(Err(m)) => {
                extra.push(("deadline".to_string(), m));
                None
            }
            // The zone's own error says what is wrong.
            None => None,
        },
    };
    // Rows left empty are no options; errors name the row as shown.
    let filled: Vec<&Row> = shown.rows.iter().filter(|r| !r.is_empty()).collect();
    let reminders: Vec<String> = shown
        .reminders
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let draft = PollDraft {
        title: &shown.title,
        description: &shown.description,
        location: &shown.location,
        time_zone: shown.time_zone.trim(),
        deadline: deadline.as_deref(),
        settings: Settings {
            voting: Voting::parse(&shown.voting).unwrap_or(defaults.voting),
            results_visibility: ResultsVisibility::parse(&shown.results_visibility)
                .unwrap_or(defaults.results_visibility),
            allow_if_need_be: shown.allow_if_need_be,
            show_voter_names: shown.show_voter_names,
            aggregate_only: shown.aggregate_only,
            ..defaults
        },
        quorum: None,
        reminders,
        options: filled.iter().map(|r| r.draft()).collect(),
        attendance_modes: Vec::new(),
    };
    let mut errors: Vec<(String, String)> = extra;
    match draft.parse(Utc::now()) {
        Ok(new) if errors.is_empty() => return Ok(new),
        Ok(_) => {}
        Err(e) => errors.extend(e.into_iter().map(|e| (e.field, e.message))),
    }
    Err(errors
        .into_iter()
        .map(|(field, message)| {
            // options[k] of the draft is the k-th filled row.
            let field = match field.strip_prefix("options[") {
                Some(rest) => match rest.split_once(']') {
                    Some((k, tail)) => match k.parse::<usize>().ok().and_then(|k| filled.get(k)) {
                        Some(row) => format!("options[{}]{tail}", row.index),
                        None => field.clone(),
                    },
                    None => field.clone(),
                },
                None => field,
            };
            let field = if field == "options" {
                // "a poll needs at least one option": beside the first row.
                "options[0].start_date".to_string()
            } else {
                field
            };
            FieldMessage {
                id: element_id(&field),
                field,
                message,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_ids_are_plain() {
        assert_eq!(
            element_id("options[12].start_date"),
            "options-12-start_date"
        );
        assert_eq!(element_id("title"), "title");
    }
}
