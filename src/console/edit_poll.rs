//! Editing a poll from the console: its details and its options on one
//! form with the API's field names, read through the same domain rules as
//! updatePoll and the option operations, and saved by the same store calls
//! in one transaction (`Store::edit_poll`) — if one change is refused, none
//! is made. The form carries the version of the poll it showed: a form
//! from a stale page is a conflict (409), never an overwrite, exactly as
//! `If-Match` is in the API.

use askama::Template;
use chrono::{DateTime, Utc};
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Body, Request, Response, handler};
use uuid::Uuid;

use super::frame::{
    Frame, MessagePage, Posted, editor_form, failed, lang_of, page, query_of, render, see_other,
};
use super::new_poll::{FieldMessage, Row, element_id, field_error, row_error};
use super::poll::{not_found, owned};
use super::session::{Binding, current};
use super::zones_preview::{self, Person, PreviewOption};
use crate::domain::Violations;
use crate::domain::draft::{self, DraftKind};
use crate::domain::history::Actor;
use crate::domain::hybrid::OptionSetup;
use crate::domain::limits::MAX_OPTIONS_PER_POLL;
use crate::domain::poll::{self as dp, Poll, PollPatch, ResultsVisibility, Voting};
use crate::domain::roles::Action;
use crate::domain::time::{Slot, WallTime, Zone};
use crate::error::Error;
use crate::lang::{Lang, filters};
use crate::store::Store;
use crate::store::polls::{OptionChange, PollEdit};
use crate::store::sessions::Session;
use crate::web::PublicUrl;

/// Empty rows for new options the form shows at first; "more rows" adds
/// this many again, up to [`MAX_NEW_ROWS`].
const NEW_ROWS: usize = 1;
const MAX_NEW_ROWS: usize = 30;

/// One option row: an existing option (with its id) or a new one.
struct EditRow {
    row: Row,
    id: Option<Uuid>,
    remove: bool,
}

#[derive(Template)]
#[template(path = "console/edit_poll.html")]
struct EditPage {
    f: Frame,
    poll_id: Uuid,
    version: i32,
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
    rows: Vec<EditRow>,
    more_rows: usize,
    errors: Vec<FieldMessage>,
    /// The options as saved, on the clocks of the invited roster.
    preview: Vec<PreviewOption>,
    preview_heading: String,
}

impl EditPage {
    fn error(&self, field: &str) -> Option<&str> {
        field_error(&self.errors, field)
    }

    fn row_error(&self, row: usize, field: &str) -> Option<&str> {
        row_error(&self.errors, row, field)
    }
}

/// A wall time as a `datetime-local` field shows it.
fn wall(zone: Zone, at: DateTime<Utc>) -> String {
    zone.local(at).format("%Y-%m-%dT%H:%M").to_string()
}

/// An option as the form shows it, in the poll's zone.
fn shown_row(index: usize, slot: &Slot, zone: Zone) -> Row {
    match *slot {
        Slot::AllDay { start, end } => Row {
            index,
            kind: "all_day".into(),
            start_date: start.format("%Y-%m-%d").to_string(),
            end_date: end.format("%Y-%m-%d").to_string(),
            ..Row::default()
        },
        Slot::Timed { start, end } => Row {
            index,
            kind: "timed".into(),
            start: wall(zone, start),
            end: wall(zone, end),
            ..Row::default()
        },
    }
}

/// The poll as the form shows it.
fn shown(f: Frame, poll: &Poll, new_rows: usize) -> EditPage {
    let mut rows: Vec<EditRow> = poll
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| EditRow {
            row: shown_row(i, &o.slot, poll.zone),
            id: Some(o.id),
            remove: false,
        })
        .collect();
    let first_new = rows.len();
    rows.extend((0..new_rows).map(|k| EditRow {
        row: Row {
            index: first_new + k,
            kind: "all_day".into(),
            ..Row::default()
        },
        id: None,
        remove: false,
    }));
    let s = &poll.settings;
    EditPage {
        f,
        poll_id: poll.id,
        version: poll.version,
        title: poll.title.clone(),
        description: poll.description.clone(),
        location: poll.location.clone(),
        time_zone: poll.zone.name().into(),
        deadline: poll
            .deadline
            .map(|d| wall(poll.zone, d))
            .unwrap_or_default(),
        voting: s.voting.as_str().into(),
        results_visibility: s.results_visibility.as_str().into(),
        allow_if_need_be: s.allow_if_need_be,
        show_voter_names: s.show_voter_names,
        aggregate_only: s.aggregate_only,
        reminders: poll
            .reminders
            .iter()
            .map(|r| r.text.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        rows,
        more_rows: (new_rows + NEW_ROWS).min(MAX_NEW_ROWS),
        errors: Vec::new(),
        preview: Vec::new(),
        preview_heading: String::new(),
    }
}

/// A page that says why nothing was saved, with a way on.
async fn refusal(
    store: &Store,
    (lang, binding, session, base): (Lang, &Binding, &Session, &PublicUrl),
    status: StatusCode,
    (heading, text): (&str, String),
    link: (&str, String),
) -> poem::Result<Response> {
    let f = Frame::new(store, lang, binding, Some(session))
        .await
        .map_err(failed)?;
    let body = render(MessagePage {
        f,
        heading: lang.t(heading),
        text,
        link: Some((link.0, link.1)),
    });
    Ok(page(status, body, binding, base))
}

/// The poll changed since the form was shown: 409, nothing saved, with
/// the way to the form as the poll is now.
async fn stale(
    store: &Store,
    ctx: (Lang, &Binding, &Session, &PublicUrl),
    reload: &str,
) -> poem::Result<Response> {
    let lang = ctx.0;
    refusal(
        store,
        ctx,
        StatusCode::CONFLICT,
        (
            "console-conflict-changed-heading",
            lang.t("console-edit-conflict"),
        ),
        (reload, lang.t("console-edit-reload")),
    )
    .await
}

/// `GET /console/polls/{poll_id}/edit`: the poll's details and options in
/// a form (`?rows=` for more rows for new options).
#[handler]
pub(super) async fn form(
    req: &Request,
    Path(poll_id): Path<String>,
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
    let found = match poll_id.parse::<Uuid>() {
        Ok(id) => owned(&store, &session, id).await.map_err(failed)?,
        Err(_) => None,
    };
    let Some((poll, _)) = found else {
        return not_found(&store, lang, &binding, &session, &base).await;
    };
    let new_rows = query_of(req)
        .get("rows")
        .and_then(|r| r.parse::<usize>().ok())
        .unwrap_or(NEW_ROWS)
        .clamp(1, MAX_NEW_ROWS);
    let f = Frame::new(&store, lang, &binding, Some(&session))
        .await
        .map_err(failed)?;
    let mut shown = shown(f, &poll, new_rows);
    shown.preview = roster_preview(&store, lang, &poll).await.map_err(failed)?;
    shown.preview_heading = lang.t("console-zones-preview-roster");
    Ok(page(StatusCode::OK, render(shown), &binding, &base))
}

/// The poll's options on the clocks of everyone invited (nothing before
/// anyone is).
async fn roster_preview(
    store: &Store,
    lang: Lang,
    poll: &Poll,
) -> Result<Vec<PreviewOption>, Error> {
    let invited = store.all_invitations(poll.id, None).await?;
    let people: Vec<Person<'_>> = invited
        .iter()
        .map(|i| Person {
            name: &i.name,
            zone: i.zone,
            social_hours: i.social_hours,
        })
        .collect();
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let slots: Vec<&Slot> = poll.options.iter().map(|o| &o.slot).collect();
    Ok(zones_preview::build(lang, poll.zone, &slots, &people))
}

/// `POST /console/polls/{poll_id}/edit`: saves every change, or none —
/// the form again with every error (422), or the conflict page (409) when
/// the poll changed since the form was shown.
#[handler]
pub(super) async fn save(
    req: &Request,
    Path(poll_id): Path<String>,
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
    let found = match poll_id.parse::<Uuid>() {
        Ok(id) => owned(&store, &session, id).await.map_err(failed)?,
        Err(_) => None,
    };
    let Some((poll, _)) = found else {
        return not_found(&store, lang, &binding, &session, &base).await;
    };
    let ctx = (lang, &binding, &session, *base);
    let reload = format!("/console/polls/{}/edit", poll.id);
    // The version the page showed; a form without one is as stale as one
    // with an old one. Compared here so that what the form says unchanged
    // is read against the poll it showed.
    let version = posted.get("version").and_then(|v| v.parse::<i32>().ok());
    if version != Some(poll.version) {
        return stale(&store, ctx, &reload).await;
    }
    let f = Frame::new(&store, lang, &binding, Some(&session))
        .await
        .map_err(failed)?;
    let mut typed = read_form(&posted, f, &poll);
    let (patch, changes) = match parse(&typed, &poll, Utc::now()) {
        Ok(parsed) => parsed,
        Err(errors) => {
            typed.errors = errors;
            return Ok(page(
                StatusCode::UNPROCESSABLE_ENTITY,
                render(typed),
                &binding,
                &base,
            ));
        }
    };
    let done_at = format!("/console/polls/{}?lang={}&done=edit", poll.id, lang.code());
    if patch.is_none() && changes.is_empty() {
        return Ok(see_other(&done_at));
    }
    let edit = PollEdit {
        organiser: session.organiser.workspace_id,
        actor: Actor::organiser(&session.organiser.name),
        poll_id: poll.id,
        expected_version: Some(poll.version),
    };
    match store.edit_poll(&edit, patch.as_ref(), &changes).await {
        Ok(_) => Ok(see_other(&done_at)),
        Err(Error::PreconditionFailed(_)) => stale(&store, ctx, &reload).await,
        Err(Error::NotFound(_)) => not_found(&store, lang, &binding, &session, &base).await,
        Err(Error::Invalid(errors)) => {
            typed.errors = errors
                .into_iter()
                .map(|e| FieldMessage {
                    id: element_id(&e.field),
                    field: e.field,
                    message: e.message,
                })
                .collect();
            Ok(page(
                StatusCode::UNPROCESSABLE_ENTITY,
                render(typed),
                &binding,
                &base,
            ))
        }
        // A change the poll's state refuses (its last option, the confirmed
        // one, an answered aggregate-only poll): the form again, the reason
        // at the top, nothing saved.
        Err(Error::Conflict(why)) => {
            typed.errors = vec![FieldMessage {
                field: String::new(),
                id: "edit-form".into(),
                message: why,
            }];
            Ok(page(StatusCode::CONFLICT, render(typed), &binding, &base))
        }
        Err(e) => Err(failed(e)),
    }
}

fn read_form(posted: &Posted, f: Frame, poll: &Poll) -> EditPage {
    let text = |name: &str| posted.get(name).unwrap_or("").to_string();
    let checked = |name: &str| posted.get(name).is_some();
    let rows: Vec<EditRow> = (0..MAX_OPTIONS_PER_POLL + MAX_NEW_ROWS)
        .filter(|i| posted.get(&format!("options[{i}].kind")).is_some())
        .map(|i| EditRow {
            row: Row {
                index: i,
                kind: text(&format!("options[{i}].kind")),
                start_date: text(&format!("options[{i}].start_date")),
                end_date: text(&format!("options[{i}].end_date")),
                start: text(&format!("options[{i}].start")),
                end: text(&format!("options[{i}].end")),
            },
            id: posted
                .get(&format!("options[{i}].id"))
                .and_then(|id| id.parse().ok()),
            remove: checked(&format!("options[{i}].remove")),
        })
        .collect();
    let new_rows = rows.iter().filter(|r| r.id.is_none()).count();
    EditPage {
        f,
        poll_id: poll.id,
        version: poll.version,
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
        more_rows: (new_rows + NEW_ROWS).clamp(1, MAX_NEW_ROWS),
        errors: Vec::new(),
        preview: Vec::new(),
        preview_heading: String::new(),
    }
}

/// What the form changes, through the rules updatePoll and the option
/// operations apply: only what differs from the poll as shown. A field or
/// an option left as shown keeps its value — with a new zone too, where
/// timed options and the deadline keep their moments, as updatePoll keeps
/// them; what is typed anew is read in the new zone.
fn parse(
    typed: &EditPage,
    poll: &Poll,
    now: DateTime<Utc>,
) -> Result<(Option<PollPatch>, Vec<OptionChange>), Vec<FieldMessage>> {
    let mut v = Violations::default();
    let title = v.check("title", dp::parse_title(&typed.title));
    let description = v.check("description", dp::parse_description(&typed.description));
    let location = v.check("location", dp::parse_location(&typed.location));
    let zone = v.check("time_zone", Zone::parse(typed.time_zone.trim()));
    let shown_deadline = poll
        .deadline
        .map(|d| wall(poll.zone, d))
        .unwrap_or_default();
    let deadline = match (typed.deadline.trim(), zone) {
        (d, _) if d == shown_deadline => None,
        ("", _) => Some(None),
        (d, Some(zone)) => v
            .check(
                "deadline",
                WallTime::parse(d)
                    .and_then(|w| w.resolve(zone))
                    .and_then(|at| draft::parse_deadline(&at.to_rfc3339(), now)),
            )
            .map(Some),
        // The zone's own error says what is wrong.
        (_, None) => None,
    };
    let reminders: Vec<String> = typed
        .reminders
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let reminders = draft::reminders(&reminders, &mut v);
    let s = &poll.settings;
    let mut changes = Vec::new();
    if let Some(zone) = zone {
        for r in &typed.rows {
            let path = format!("options[{}]", r.row.index);
            let existing = r.id.and_then(|id| poll.options.iter().find(|o| o.id == id));
            match existing {
                Some(o) if r.remove => changes.push(OptionChange::Remove { option_id: o.id }),
                Some(o) => {
                    let before = shown_row(r.row.index, &o.slot, poll.zone);
                    if same_row(&r.row, &before) {
                        continue;
                    }
                    if let Some((slot, setup)) =
                        r.row.draft().parse_with_setup(zone, &path, o.setup, &mut v)
                        && slot != o.slot
                    {
                        changes.push(OptionChange::Change {
                            option_id: o.id,
                            slot,
                            setup,
                            path,
                        });
                    }
                }
                // An id of no option of this poll: the option was removed
                // meanwhile, which the version would have said.
                None if r.id.is_some() => {}
                None if r.row.is_empty() => {}
                None => {
                    if let Some((slot, setup)) =
                        r.row
                            .draft()
                            .parse_with_setup(zone, &path, OptionSetup::default(), &mut v)
                    {
                        changes.push(OptionChange::Add { slot, setup, path });
                    }
                }
            }
        }
    }
    let errors = match v.into_result() {
        Ok(()) => Vec::new(),
        Err(errors) => errors,
    };
    if !errors.is_empty() {
        return Err(errors
            .into_iter()
            .map(|e| FieldMessage {
                id: element_id(&e.field),
                field: e.field,
                message: e.message,
            })
            .collect());
    }
    let differs = |now: bool, before: bool| (now != before).then_some(now);
    let voting = Voting::parse(&typed.voting).unwrap_or(s.voting);
    let visibility =
        ResultsVisibility::parse(&typed.results_visibility).unwrap_or(s.results_visibility);
    let reminders = reminders.expect("checked");
    let patch = PollPatch {
        title: title.filter(|t| *t != poll.title),
        description: description.filter(|d| *d != poll.description),
        location: location.filter(|l| *l != poll.location),
        zone: zone.filter(|z| z.name() != poll.zone.name()),
        deadline,
        voting: (voting != s.voting).then_some(voting),
        allow_if_need_be: differs(typed.allow_if_need_be, s.allow_if_need_be),
        results_visibility: (visibility != s.results_visibility).then_some(visibility),
        show_voter_names: differs(typed.show_voter_names, s.show_voter_names),
        aggregate_only: differs(typed.aggregate_only, s.aggregate_only),
        quorum: None,
        reminders: (reminders != poll.reminders).then_some(reminders),
        attendance: None,
    };
    let changed = patch.title.is_some()
        || patch.description.is_some()
        || patch.location.is_some()
        || patch.zone.is_some()
        || patch.deadline.is_some()
        || patch.voting.is_some()
        || patch.allow_if_need_be.is_some()
        || patch.results_visibility.is_some()
        || patch.show_voter_names.is_some()
        || patch.aggregate_only.is_some()
        || patch.reminders.is_some();
    Ok((changed.then_some(patch), changes))
}

/// Whether a row is typed as shown (only the fields of its kind count).
fn same_row(typed: &Row, shown: &Row) -> bool {
    let t = |s: &str| s.trim().to_string();
    match typed.draft().kind {
        DraftKind::AllDay => {
            shown.kind != "timed"
                && t(&typed.start_date) == shown.start_date
                && (t(&typed.end_date) == shown.end_date
                    || (typed.end_date.trim().is_empty() && shown.start_date == shown.end_date))
        }
        DraftKind::Timed => {
            shown.kind == "timed" && t(&typed.start) == shown.start && t(&typed.end) == shown.end
        }
    }
}
