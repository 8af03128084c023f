//! A poll's page in the console: its details, the results as getResults
//! computes them (the same store reads and `domain::ranking`, the
//! explanation worded from the ranking's reasons in the reader's
//! language), the members × options grid a page of members at a time,
//! the heat map of availability across the roster's zones (inline SVG
//! drawn from counts per zone, with the same figures as a table), who has
//! not answered with their mail's state, and — for those who may edit —
//! the forms that move the poll through its life.

use askama::Template;
use chrono::Utc;
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Request, Response, handler};
use uuid::Uuid;

use super::frame::{Frame, MessagePage, failed, lang_of, page, query_of, render, see_other};
use super::polls::{rate, status_message};
use super::session::{Binding, current};
use crate::domain::access::{self, Reader};
use crate::domain::ics::PartStat;
use crate::domain::lifecycle::{self, Transition};
use crate::domain::poll::{Choice, Poll, Voting};
use crate::domain::ranking::{self, Place, Why};
use crate::domain::roles::Action;
use crate::domain::standing::{Invitee, Tallies, ZoneAvailability};
use crate::domain::time::Slot;
use crate::error::Error;
use crate::lang::{Lang, filters};
use crate::store::Store;
use crate::store::outbox::{Delivery, Topic};
use crate::store::sessions::Session;
use crate::web::PublicUrl;

/// Members a page of the grid shows.
pub(super) const MEMBERS_PER_PAGE: u64 = 50;
/// Non-respondents the page names (the grid filtered to them shows all).
const SILENT_NAMED: u64 = 20;

/// The workspace's poll with its counts; another workspace's poll, or
/// none, is `None` (the same answer: "not found").
pub(super) async fn owned(
    store: &Store,
    session: &Session,
    poll_id: Uuid,
) -> Result<Option<(Poll, Tallies)>, Error> {
    Ok(store
        .poll_with_tallies(poll_id)
        .await?
        .filter(|(p, _)| p.organiser_id == session.organiser.workspace_id))
}

/// The 404 page: no such poll in this workspace.
pub(super) async fn not_found(
    store: &Store,
    lang: Lang,
    binding: &Binding,
    session: &Session,
    base: &PublicUrl,
) -> poem::Result<Response> {
    let f = Frame::new(store, lang, binding, Some(session))
        .await
        .map_err(failed)?;
    let body = render(MessagePage {
        f,
        heading: lang.t("console-not-found-heading"),
        text: lang.t("console-not-found-text"),
        link: Some(("/console", lang.t("console-back-to-polls"))),
    });
    Ok(page(StatusCode::NOT_FOUND, body, binding, base))
}

/// An option as a column: its number and when it is in the poll's zone.
pub(super) struct OptionCol {
    pub id: Uuid,
    pub number: usize,
    pub when: String,
    pub offset: String,
}

pub(super) fn columns(lang: Lang, poll: &Poll) -> Vec<OptionCol> {
    poll.options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let (when, offset) = lang.when(&o.slot, poll.zone);
            OptionCol {
                id: o.id,
                number: i + 1,
                when,
                offset,
            }
        })
        .collect()
}

/// A reason of the ranking in the reader's language.
fn why(lang: Lang, why: Why) -> String {
    let pair =
        |id: &str, a: u64, b: u64| lang.t_with(id, &[("mine", a.into()), ("theirs", b.into())]);
    match why {
        Why::EveryRequired => lang.t("console-why-required"),
        Why::MoreAvailable(a, b) => pair("console-why-available", a, b),
        Why::MoreYes(a, b) => pair("console-why-yes", a, b),
        Why::StartsEarlier => lang.t("console-why-earlier"),
        Why::ListedFirst => lang.t("console-why-listed"),
    }
}

fn explanation(lang: Lang, place: Place, per_day: bool) -> String {
    let mut text = match place {
        Place::AheadOfNext(w) => lang.t_with("console-why-ahead", &[("why", why(lang, w).into())]),
        Place::BehindAbove(w) => lang.t_with("console-why-behind", &[("why", why(lang, w).into())]),
        Place::Only => lang.t("console-why-only"),
    };
    if per_day {
        text.push(' ');
        text.push_str(&lang.t("console-why-per-day"));
    }
    text
}

struct RankRow {
    number: u32,
    when: String,
    offset: String,
    yes: i64,
    if_need_be: i64,
    no: i64,
    no_answer: i64,
    required_available: i64,
    all_required: bool,
    meets_quorum: Option<bool>,
    outside: i64,
    /// Invitees whose connected calendars show the option busy (None: no
    /// calendar shows any option busy).
    busy: Option<u32>,
    tied: bool,
    explanation: String,
}

/// The heat map: one row per zone, one column per option.
struct Heat {
    width: usize,
    height: usize,
    cols: Vec<HeatCol>,
    rows: Vec<HeatRow>,
}

struct HeatCol {
    x: usize,
    number: usize,
}

struct HeatRow {
    y: usize,
    zone: &'static str,
    members: i64,
    cells: Vec<HeatCell>,
}

struct HeatCell {
    x: usize,
    percent: i64,
    available: i64,
    fill: &'static str,
    light_text: bool,
    /// The option's start on this zone's clock, with "(+1)" when that is
    /// the next day in the poll's zone (timed options only).
    local: Option<String>,
}

const LABEL_WIDTH: usize = 200;
const CELL_WIDTH: usize = 78;
const CELL_HEIGHT: usize = 42;
const HEAD_HEIGHT: usize = 28;

/// Five shades of one hue, light to dark; the figure is written in every
/// cell, so the colour is never the only way to read it.
fn shade(percent: i64) -> (&'static str, bool) {
    match percent {
        ..20 => ("#f2f6fb", false),
        20..40 => ("#cfe0f2", false),
        40..60 => ("#93badf", false),
        60..80 => ("#2f6aa8", true),
        _ => ("#0b3f75", true),
    }
}

/// Zones east to west, as the reference roster runs from Tokyo to New
/// York: by their offset at the poll's first timed option (or now), then
/// by name.
pub(super) fn east_to_west(poll: &Poll, zones: &mut [ZoneAvailability]) {
    let at = poll
        .options
        .iter()
        .find_map(|o| match o.slot {
            Slot::Timed { start, .. } => Some(start),
            Slot::AllDay { .. } => None,
        })
        .unwrap_or_else(Utc::now);
    zones.sort_by_key(|z| (-z.zone.offset_at(at).local_minus_utc(), z.zone.name()));
}

/// A start on `zone`'s clock, "07:00", with "(+1)" or "(-1)" when it falls
/// on another day than in the poll's zone.
fn local_start(
    poll: &Poll,
    zone: crate::domain::time::Zone,
    start: chrono::DateTime<Utc>,
) -> String {
    let (here, there) = (zone.local(start), poll.zone.local(start));
    let time = here.format("%H:%M");
    match (here.date() - there.date()).num_days() {
        0 => time.to_string(),
        d if d > 0 => format!("{time} (+{d})"),
        d => format!("{time} ({d})"),
    }
}

fn heat(poll: &Poll, mut zones: Vec<ZoneAvailability>) -> Option<Heat> {
    if zones.is_empty() {
        return None;
    }
    east_to_west(poll, &mut zones);
    let cols = (0..poll.options.len())
        .map(|i| HeatCol {
            x: LABEL_WIDTH + i * CELL_WIDTH,
            number: i + 1,
        })
        .collect();
    let rows: Vec<HeatRow> = zones
        .iter()
        .enumerate()
        .map(|(r, z)| HeatRow {
            y: HEAD_HEIGHT + r * CELL_HEIGHT,
            zone: z.zone.name(),
            members: z.members,
            cells: poll
                .options
                .iter()
                .enumerate()
                .map(|(c, o)| {
                    let percent = z.percent(o.id);
                    let (fill, light_text) = shade(percent);
                    HeatCell {
                        x: LABEL_WIDTH + c * CELL_WIDTH,
                        percent,
                        available: z.available.get(&o.id).copied().unwrap_or(0),
                        fill,
                        light_text,
                        local: match o.slot {
                            Slot::Timed { start, .. } => Some(local_start(poll, z.zone, start)),
                            Slot::AllDay { .. } => None,
                        },
                    }
                })
                .collect(),
        })
        .collect();
    Some(Heat {
        width: LABEL_WIDTH + poll.options.len() * CELL_WIDTH,
        height: HEAD_HEIGHT + rows.len() * CELL_HEIGHT,
        cols,
        rows,
    })
}

/// A member's answer to one option: its words, which the stylesheet
/// draws as a symbol (the words stay for screen readers and without the
/// stylesheet), and the class that picks the symbol.
struct Cell {
    class: &'static str,
    label: String,
}

fn cell(lang: Lang, choice: Option<Choice>) -> Cell {
    let (class, id) = match choice {
        Some(Choice::Yes) => ("y", "console-choice-yes"),
        Some(Choice::IfNeedBe) => ("m", "console-choice-if-need-be"),
        Some(Choice::No) => ("n", "console-choice-no"),
        None => ("x", "console-choice-none"),
    };
    Cell {
        class,
        label: lang.t(id),
    }
}

/// A mail's state as the console writes it.
pub(super) fn mail_state(lang: Lang, delivery: Option<&Delivery>, email: bool) -> String {
    match delivery {
        Some(d) => match d.state.as_str() {
            "queued" => lang.t("console-mail-queued"),
            "sent" => lang.t("console-mail-sent"),
            "failed" => lang.t_with(
                "console-mail-failed",
                &[("error", d.error.clone().unwrap_or_default().into())],
            ),
            _ => lang.t("console-mail-dropped"),
        },
        None if !email => lang.t("console-mail-no-address"),
        None => lang.t("console-mail-none"),
    }
}

struct GridRow {
    name: String,
    zone: &'static str,
    required: bool,
    cells: Vec<Cell>,
    /// Confirmed polls: the member's PARTSTAT and their outcome mail.
    partstat: Option<&'static str>,
    outcome: Option<String>,
}

struct Grid {
    rows: Vec<GridRow>,
    caption: String,
    prev: Option<String>,
    next: Option<String>,
    silent_only: bool,
    confirmed: bool,
}

struct SilentRow {
    name: String,
    required: bool,
    mail: String,
}

struct ConfirmChoice {
    id: Uuid,
    number: usize,
    when: String,
    checked: bool,
}

/// The forms shown to those who may edit: which moves the poll may make now.
struct Actions {
    close: bool,
    reopen: bool,
    cancel: bool,
    confirm: Vec<ConfirmChoice>,
}

struct Details {
    id: Uuid,
    title: String,
    description: String,
    location: String,
    zone: &'static str,
    status: String,
    deadline: Option<String>,
    next_reminder: Option<String>,
    voting: String,
    confirmed: Option<String>,
    version: i32,
}

#[derive(Template)]
#[template(path = "console/poll.html")]
struct PollPage {
    f: Frame,
    p: Details,
    notice: Option<String>,
    rate: String,
    required: i64,
    ranking: Vec<RankRow>,
    top_tied: bool,
    cols: Vec<OptionCol>,
    heat: Option<Heat>,
    grid: Option<Grid>,
    silent: Option<Vec<SilentRow>>,
    silent_text: String,
    actions: Option<Actions>,
}

/// `GET /console/polls/{poll_id}`.
#[handler]
pub(super) async fn show(
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
    let found = match poll_id.parse::<Uuid>() {
        Ok(id) => owned(&store, &session, id).await.map_err(failed)?,
        Err(_) => None,
    };
    let Some((poll, tallies)) = found else {
        return not_found(&store, lang, &binding, &session, &base).await;
    };
    let query = query_of(req);
    let now = Utc::now();
    let reader = Reader::Organiser(session.organiser.clone());
    // Who is named, and whose answers are shown, is the API's rule: the
    // workspace sees its roster, except on aggregate-only polls.
    let named = access::roster_visible(&poll, &reader);
    let standing = store
        .standing(poll.clone(), tallies, named)
        .await
        .map_err(failed)?;
    let evaluation = ranking::evaluate(&standing);
    // The same kept counts getResults gives the organiser.
    let busy = store.busy_counts(poll.id).await.map_err(failed)?;
    let ranking_rows = evaluation
        .options
        .iter()
        .map(|o| {
            let (when, offset) = lang.when(&o.option.slot, poll.zone);
            RankRow {
                number: o.number,
                when,
                offset,
                yes: o.yes,
                if_need_be: o.if_need_be,
                no: o.no,
                no_answer: o.no_answer,
                required_available: o.required_available,
                all_required: o.all_required_available,
                meets_quorum: o.meets_quorum,
                outside: o.outside_social_hours,
                busy: (!busy.is_empty()).then(|| {
                    busy.iter()
                        .find(|(id, _)| *id == o.option.id)
                        .map_or(0, |(_, n)| *n)
                }),
                tied: o.ranked.tied,
                explanation: explanation(lang, o.ranked.place, o.option.setup.per_day),
            }
        })
        .collect();
    let roster = &standing.roster;
    let heat_map = if named && roster.invited > 0 {
        heat(
            &poll,
            store.zone_availability(poll.id).await.map_err(failed)?,
        )
    } else {
        None
    };
    let silent_only = query.get("members").is_some_and(|m| m == "silent");
    let confirmed_option = (poll.status_at(now) == crate::domain::poll::PollStatus::Confirmed)
        .then_some(poll.confirmed_option)
        .flatten();
    let grid = if named && roster.invited > 0 {
        let total = if silent_only {
            roster.invited - roster.answered
        } else {
            roster.invited
        };
        let pages = (total.max(0) as u64).div_ceil(MEMBERS_PER_PAGE).max(1);
        let page_no = query
            .get("page")
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(1)
            .clamp(1, pages);
        let filter = silent_only.then_some(false);
        let cursor = store
            .roster_cursor(poll.id, (page_no - 1) * MEMBERS_PER_PAGE, filter)
            .await
            .map_err(failed)?;
        let members = store
            .list_invitations(poll.id, cursor, MEMBERS_PER_PAGE, true, filter)
            .await
            .map_err(failed)?;
        let outcomes = match confirmed_option {
            Some(_) => {
                let ids: Vec<Uuid> = members.iter().map(|m| m.invitation_id).collect();
                Some(
                    store
                        .deliveries_of(poll.id, Topic::Outcome, &ids)
                        .await
                        .map_err(failed)?,
                )
            }
            None => None,
        };
        let link = |n: u64| {
            format!(
                "/console/polls/{}?lang={}{}&page={n}#grid",
                poll.id,
                lang.code(),
                if silent_only { "&members=silent" } else { "" }
            )
        };
        Some(Grid {
            rows: members
                .iter()
                .map(|m| grid_row(lang, &poll, m, confirmed_option, outcomes.as_ref()))
                .collect(),
            caption: lang.t_with(
                "console-page-of",
                &[("page", page_no.into()), ("pages", pages.into())],
            ),
            prev: (page_no > 1).then(|| link(page_no - 1)),
            next: (page_no < pages).then(|| link(page_no + 1)),
            silent_only,
            confirmed: confirmed_option.is_some(),
        })
    } else {
        None
    };
    let silent_count = roster.invited - roster.answered;
    let silent = if named && silent_count > 0 {
        let first = store
            .list_invitations(poll.id, None, SILENT_NAMED, false, Some(false))
            .await
            .map_err(failed)?;
        let ids: Vec<Uuid> = first.iter().map(|m| m.invitation_id).collect();
        let mails = store
            .deliveries_of(poll.id, Topic::Invitation, &ids)
            .await
            .map_err(failed)?;
        Some(
            first
                .iter()
                .map(|m| SilentRow {
                    name: m.name.clone(),
                    required: m.required,
                    mail: mail_state(lang, mails.get(&m.invitation_id), m.email.is_some()),
                })
                .collect(),
        )
    } else {
        None
    };
    let actions = session.organiser.may(Action::Edit).is_ok().then(|| {
        let top = lifecycle::top_of(&standing).ok();
        let may = |t: Transition| t.apply(&poll, now).is_ok();
        Actions {
            close: may(Transition::Close),
            reopen: may(Transition::Reopen),
            cancel: may(Transition::Cancel),
            confirm: if may(Transition::Confirm(Uuid::nil())) {
                columns(lang, &poll)
                    .into_iter()
                    .map(|c| ConfirmChoice {
                        checked: top == Some(c.id),
                        id: c.id,
                        number: c.number,
                        when: c.when,
                    })
                    .collect()
            } else {
                Vec::new()
            },
        }
    });
    let notice = query
        .get("done")
        .and_then(|d| match d.as_str() {
            "close" => Some("console-done-close"),
            "reopen" => Some("console-done-reopen"),
            "confirm" => Some("console-done-confirm"),
            "cancel" => Some("console-done-cancel"),
            "edit" => Some("console-done-edit"),
            _ => None,
        })
        .map(|id| lang.t(id));
    let p = Details {
        id: poll.id,
        title: poll.title.clone(),
        description: poll.description.clone(),
        location: poll.location.clone(),
        zone: poll.zone.name(),
        status: lang.t(status_message(poll.status_at(now))),
        deadline: poll.deadline.map(|d| lang.instant(poll.zone, d)),
        next_reminder: poll
            .next_reminder(now)
            .map(|at| lang.instant(poll.zone, at)),
        voting: lang.t(match poll.settings.voting {
            Voting::InviteOnly => "console-voting-invite-only",
            Voting::Open => "console-voting-open",
        }),
        confirmed: confirmed_option.and_then(|id| {
            let o = poll.options.iter().find(|o| o.id == id)?;
            let (when, offset) = lang.when(&o.slot, poll.zone);
            Some(format!("{when} {offset}").trim_end().to_string())
        }),
        version: poll.version,
    };
    let f = Frame::new(&store, lang, &binding, Some(&session))
        .await
        .map_err(failed)?;
    let body = render(PollPage {
        f,
        rate: rate(
            lang,
            poll.settings.voting == Voting::InviteOnly,
            roster.invited,
            roster.answered,
            standing.tallies.responses,
        ),
        required: evaluation.required,
        ranking: ranking_rows,
        top_tied: evaluation.top_tied,
        cols: columns(lang, &poll),
        heat: heat_map,
        grid,
        silent,
        silent_text: lang.t_with("console-silent-count", &[("count", silent_count.into())]),
        actions,
        notice,
        p,
    });
    Ok(page(StatusCode::OK, body, &binding, &base))
}

fn grid_row(
    lang: Lang,
    poll: &Poll,
    m: &Invitee,
    confirmed: Option<Uuid>,
    outcomes: Option<&std::collections::HashMap<Uuid, Delivery>>,
) -> GridRow {
    let choice_of = |option: Uuid| {
        m.answer
            .as_ref()
            .and_then(|a| a.votes.iter().find(|(o, _)| *o == option))
            .map(|(_, c)| *c)
    };
    GridRow {
        name: m.name.clone(),
        zone: m.zone.name(),
        required: m.required,
        cells: poll
            .options
            .iter()
            .map(|o| cell(lang, choice_of(o.id)))
            .collect(),
        partstat: confirmed.map(|o| PartStat::of(choice_of(o)).as_str()),
        outcome: outcomes.map(|d| mail_state(lang, d.get(&m.invitation_id), m.email.is_some())),
    }
}
