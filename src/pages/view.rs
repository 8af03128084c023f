//! What a page shows, gathered from the store and written out in the
//! visitor's language and zone: the poll, its options, the visitor's answer
//! (or what they just typed, beside its errors), the results as the poll
//! allows, the confirmed date.

use std::sync::LazyLock;

use askama::Template;
use chrono::{DateTime, Utc};
use fluent_bundle::FluentValue;
use poem::Request;
use poem::Response;
use poem::http::StatusCode;
use uuid::Uuid;

use super::busy;
use super::form::{self, FormError, Posted};
use super::http::{CSS_HREF, PageQuery, accept_language, html};
use crate::domain::access::{self, Denied, InvitationGrant, Reader, ResponseGrant};
use crate::domain::ballot::Ballot;
use crate::domain::freebusy::Busy;
use crate::domain::hybrid::{self, Attendance, Seat, VoteDetail};
use crate::domain::poll::{Choice, Poll, PollOption, PollStatus, Voting};
use crate::domain::ranking;
use crate::domain::standing::Standing;
use crate::domain::time::{Slot, SocialHours, Zone};
use crate::domain::token::TokenKind;
use crate::error::Error;
use crate::lang::Lang;
use crate::lang::filters;
use crate::store::Store;
use crate::store::calendars::{MemberCalendar, Owner};
use crate::store::responses::StoredResponse;

/// Whose page it is.
#[derive(Debug, Clone)]
pub enum Visitor {
    /// An invited member, by their invitation token.
    Member(InvitationGrant),
    /// An open poll's respondent, by their edit token.
    Respondent(ResponseGrant),
    /// Anyone, on an open poll's public page.
    Anyone(Uuid),
}

/// How the page comes to be shown.
#[derive(Debug)]
pub enum Outcome {
    /// Asked for (200).
    Shown,
    /// The form had errors: shown beside their fields, nothing saved (422).
    Refused(Posted, Vec<FormError>),
    /// Voting closed before the answer came (409).
    Closed,
    /// The poll changed under the form (an option deleted): reload (409).
    Stale,
    /// Too many anonymous answers from this network (429).
    TooMany,
}

/// What the page says in place of results its visitor may not see.
fn results_hidden_note(denied: Denied) -> &'static str {
    match denied {
        Denied::ResultsAfterVoting => "results-after-voting",
        Denied::ResultsOrganisersOnly | Denied::Invisible | Denied::CountsOnly => {
            "results-organisers-only"
        }
    }
}

/// A page, loaded and ready to render.
pub struct Page {
    pub poll: Poll,
    pub lang: Lang,
    visitor: Visitor,
    /// The personal token of the page's address (empty on the open page).
    token: String,
    base: String,
    query: PageQuery,
    zone: Zone,
    /// Set when `?tz=` is not a zone: the page keeps the default one.
    zone_error: Option<String>,
    answer: Option<StoredResponse>,
    standing: Option<Standing>,
    /// Why the results are not shown, if they are not.
    results_hidden: Option<&'static str>,
    /// A member's calendar feed as `webcal://`, written again from the
    /// invitation's salt.
    feed_webcal: Option<String>,
    /// The member's connected calendar and its busy time (members and
    /// respondents only).
    calendar: Option<(MemberCalendar, Vec<Busy>)>,
    /// Why the calendar just sent could not be used.
    pub calendar_refusal: Option<String>,
    now: DateTime<Utc>,
}

impl Page {
    /// Everything a page shows; `None` when its poll is gone.
    pub async fn load(
        store: &Store,
        base: &str,
        req: &Request,
        visitor: Visitor,
        token: &str,
        query: PageQuery,
    ) -> Result<Option<Page>, Error> {
        let poll_id = match &visitor {
            Visitor::Member(g) => g.poll_id,
            Visitor::Respondent(g) => g.poll_id,
            Visitor::Anyone(id) => *id,
        };
        let Some((poll, tallies)) = store.poll_with_tallies(poll_id).await? else {
            return Ok(None);
        };
        let member_language = match &visitor {
            Visitor::Member(g) => g.language.as_deref(),
            _ => None,
        };
        let lang = Lang::negotiate(query.lang.as_deref(), member_language, accept_language(req));
        let reader = match &visitor {
            Visitor::Member(g) => Reader::Invitee(g.clone()),
            Visitor::Respondent(g) => Reader::Respondent(*g),
            Visitor::Anyone(_) => Reader::Anonymous,
        };
        let own_zone = access::default_zone(&poll, &reader);
        let (zone, zone_error) = match query.tz.as_deref().map(Zone::parse) {
            None => (own_zone, None),
            Some(Ok(z)) => (z, None),
            Some(Err(_)) => (
                own_zone,
                Some(lang.t_with(
                    "zone-error",
                    &[("zone", query.tz.clone().unwrap_or_default().into())],
                )),
            ),
        };
        let answer = match &visitor {
            Visitor::Member(g) => store.response_of_invitation(g.invitation_id).await?,
            Visitor::Respondent(g) => store.response(g.response_id).await?,
            Visitor::Anyone(_) => None,
        };
        let (standing, results_hidden) = match access::ensure_results_visible(&poll, &reader) {
            Ok(()) => {
                let named = access::roster_visible(&poll, &reader);
                (
                    Some(store.standing(poll.clone(), tallies, named).await?),
                    None,
                )
            }
            Err(denied) => (None, Some(results_hidden_note(denied))),
        };
        let feed_webcal = match &visitor {
            Visitor::Member(InvitationGrant {
                link_salt: Some(salt),
                ..
            }) => {
                let feed = store.link_key().await?.derive(TokenKind::Feed, salt);
                Some(crate::links::feed_urls(base, &feed.secret).1)
            }
            _ => None,
        };
        let calendar = match calendar_owner(&visitor) {
            Some(owner) => match store.calendar_of(owner).await? {
                Some(c) => {
                    let busy = store.calendar_busy(c.id).await?;
                    Some((c, busy))
                }
                None => None,
            },
            None => None,
        };
        Ok(Some(Page {
            feed_webcal,
            calendar,
            calendar_refusal: None,
            poll,
            lang,
            visitor,
            token: token.to_string(),
            base: base.to_string(),
            query,
            zone,
            zone_error,
            answer,
            standing,
            results_hidden,
            now: Utc::now(),
        }))
    }

    /// The poll this page is of, with the calendar owner and zone its
    /// visitor connects calendars as (None on the open page).
    pub fn calendar_target(&self) -> Option<(Owner, chrono_tz::Tz)> {
        let zone = match &self.visitor {
            Visitor::Member(g) => g.zone.tz(),
            _ => self.poll.zone.tz(),
        };
        calendar_owner(&self.visitor).map(|o| (o, zone))
    }

    fn can_vote(&self) -> bool {
        self.poll.status_at(self.now) == PollStatus::Open
    }

    /// Reads a posted form: the ballot to record, or the outcome to show.
    pub fn check(&self, body: &[u8], name_required: bool) -> Result<Ballot, Outcome> {
        if !self.can_vote() {
            return Err(Outcome::Closed);
        }
        form::read(body, &self.poll, name_required)
            .map_err(|(posted, errors)| Outcome::Refused(posted, errors))
    }

    /// The page's own path (relative to the service).
    fn path(&self) -> String {
        match &self.visitor {
            Visitor::Anyone(id) => format!("/p/{id}"),
            _ => crate::links::vote_url("", &self.token),
        }
    }

    /// Renders the page with the outcome's status.
    pub fn render(self, outcome: Outcome) -> Response {
        let lang = self.lang;
        let status = match &outcome {
            Outcome::Shown if self.calendar_refusal.is_some() => StatusCode::UNPROCESSABLE_ENTITY,
            Outcome::Shown if self.zone_error.is_some() => StatusCode::BAD_REQUEST,
            Outcome::Shown => StatusCode::OK,
            Outcome::Refused(..) => StatusCode::UNPROCESSABLE_ENTITY,
            Outcome::Closed | Outcome::Stale => StatusCode::CONFLICT,
            Outcome::TooMany => StatusCode::TOO_MANY_REQUESTS,
        };
        let (posted, form_errors) = match outcome {
            Outcome::Refused(posted, errors) => (Some(posted), errors),
            _ => (None, Vec::new()),
        };
        let field_error = |pick: &dyn Fn(&FormError) -> bool| {
            form_errors
                .iter()
                .find(|e| pick(e))
                .map(|e| self.error_text(e))
        };
        let status_now = self.poll.status_at(self.now);
        let ask_name = matches!(self.visitor, Visitor::Anyone(_));
        let comment = match &posted {
            Some(p) => p.comment.clone(),
            None => self
                .answer
                .as_ref()
                .map(|a| a.comment.clone())
                .unwrap_or_default(),
        };
        let private_link = match &self.visitor {
            Visitor::Respondent(_) if self.query.saved => {
                Some(crate::links::vote_url(&self.base, &self.token))
            }
            _ => None,
        };
        let carried = self.query.carried();
        let action = if carried.is_empty() {
            self.path()
        } else {
            format!("{}?{carried}", self.path())
        };
        let selected_zone = self.zone.name();
        let page = PageHtml {
            lang,
            title: &self.poll.title,
            css_href: &CSS_HREF,
            lang_links: self.lang_links(),
            errors: self.summary(status, &form_errors),
            saved: self.query.saved && posted.is_none(),
            private_link,
            status_note: match status_now {
                PollStatus::Open => None,
                PollStatus::Closed => Some(lang.t("status-closed")),
                PollStatus::Cancelled => Some(lang.t("status-cancelled")),
                PollStatus::Confirmed => Some(lang.t("status-confirmed")),
            },
            confirmed: self.confirmed(status_now),
            greeting: self.greeting(),
            description: &self.poll.description,
            location: &self.poll.location,
            deadline: match (status_now, self.poll.deadline) {
                (PollStatus::Open, Some(d)) => {
                    Some(lang.t_with("deadline", &[("when", lang.instant(self.zone, d).into())]))
                }
                _ => None,
            },
            zone_action: self.path(),
            zone_note: lang.t_with("zone-current", &[("zone", selected_zone.into())]),
            zone_error: self.zone_error.clone(),
            zone_groups: &ZONES,
            extra_zone: (!ZONES.iter().any(|(_, zs)| zs.contains(&selected_zone)))
                .then_some(selected_zone),
            selected_zone,
            explicit_lang: self
                .query
                .lang
                .as_deref()
                .and_then(Lang::parse)
                .map(Lang::code),
            action,
            show_no_answer_yet: self.answer.is_none() && !ask_name && posted.is_none(),
            ask_name,
            name_value: posted.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
            name_error: field_error(&|e| matches!(e, FormError::Name(_))),
            name_max: form::NAME_MAX,
            can_vote: self.can_vote(),
            options: self.option_rows(posted.as_ref(), &form_errors),
            allow_if_need_be: self.poll.settings.allow_if_need_be,
            comment,
            comment_hint: lang.t_with("comment-hint", &[("max", form::COMMENT_MAX.into())]),
            comment_error: field_error(&|e| matches!(e, FormError::Comment(_))),
            comment_max: form::COMMENT_MAX,
            submit_label: lang.t(if self.answer.is_some() {
                "submit-change"
            } else {
                "submit-first"
            }),
            calendar: (calendar_owner(&self.visitor).is_some() && status_now == PollStatus::Open)
                .then(|| {
                    busy::block(
                        lang,
                        &self.path(),
                        self.zone,
                        self.calendar.as_ref().map(|(c, _)| c),
                        self.calendar_refusal.as_deref(),
                    )
                }),
            results: self.results(status_now),
            results_hidden: if self.standing.is_none() {
                self.results_hidden.map(|id| lang.t(id))
            } else {
                None
            },
        };
        html(status, page.render().unwrap_or_else(|e| format!("{e}")))
    }

    /// A form error, in the page's language.
    fn error_text(&self, e: &FormError) -> String {
        let lang = self.lang;
        match e {
            FormError::Comment("error-comment-long") => {
                lang.t_with(e.message(), &[("max", form::COMMENT_MAX.into())])
            }
            FormError::Name("error-name-invalid") => {
                lang.t_with(e.message(), &[("max", form::NAME_MAX.into())])
            }
            _ => lang.t(e.message()),
        }
    }

    /// The error summary at the top: each field's error, linked to it, and
    /// why an answer could not be taken at all.
    fn summary(&self, status: StatusCode, form_errors: &[FormError]) -> Vec<SummaryError> {
        let mut errors: Vec<SummaryError> = form_errors
            .iter()
            .map(|e| SummaryError {
                anchor: match e {
                    FormError::UnknownOption => "options".to_string(),
                    FormError::Choice(id, _) | FormError::Attendance(id) => format!("option-{id}"),
                    FormError::Name(_) => "name".to_string(),
                    FormError::Comment(_) => "comment".to_string(),
                },
                text: self.error_text(e),
            })
            .collect();
        let refusal = match status {
            StatusCode::CONFLICT if !self.can_vote() => Some("error-closed"),
            StatusCode::CONFLICT => Some("error-unknown-option"),
            StatusCode::TOO_MANY_REQUESTS => Some("error-too-many"),
            _ => None,
        };
        errors.extend(refusal.map(|id| SummaryError {
            anchor: "options".into(),
            text: self.lang.t(id),
        }));
        errors
    }

    /// Each option as the form asks it: its time in the page's zone, the
    /// member's social hours, the choice made (posted, else stored).
    fn option_rows(&self, posted: Option<&Posted>, form_errors: &[FormError]) -> Vec<OptionRow> {
        let lang = self.lang;
        let social = match &self.visitor {
            Visitor::Member(g) => Some((g.zone, g.social_hours)),
            _ => None,
        };
        let chosen = |option: Uuid| -> Option<Choice> {
            let votes = match posted {
                Some(p) => &p.choices,
                None => &self.answer.as_ref()?.votes,
            };
            votes.iter().find(|(o, _)| *o == option).map(|(_, c)| *c)
        };
        let busy = busy::marks(&self.poll, self.calendar.as_ref());
        self.poll
            .options
            .iter()
            .zip(busy)
            .map(|(o, busy)| {
                let (when, offset) = lang.when(&o.slot, self.zone);
                let detail = match &posted {
                    Some(p) => p.details.get(&o.id).cloned(),
                    None => self.answer.as_ref().and_then(|a| a.details.get(&o.id).cloned()),
                }
                .unwrap_or_default();
                OptionRow {
                    busy,
                    id: o.id.to_string(),
                    when,
                    offset,
                    outside: social.and_then(|(zone, hours)| outside(lang, &o.slot, zone, hours)),
                    choice: chosen(o.id).map(Choice::as_str),
                    error: form_errors
                        .iter()
                        .find(|e| {
                            matches!(e, FormError::Choice(id, _) | FormError::Attendance(id) if *id == o.id)
                        })
                        .map(|e| self.error_text(e)),
                    days: day_rows(lang, o, &detail),
                    modes: mode_rows(lang, &self.poll, &detail),
                    seat: detail.seat.map(|s| match s {
                        Seat::Taken => lang.t("seat-taken"),
                        Seat::Waiting => lang.t("seat-waiting"),
                    }),
                }
            })
            .collect()
    }

    /// The chosen date, once the poll is confirmed, with its calendar links.
    fn confirmed(&self, status_now: PollStatus) -> Option<Confirmed> {
        let id = match (status_now, self.poll.confirmed_option) {
            (PollStatus::Confirmed, Some(id)) => id,
            _ => return None,
        };
        let o = self.poll.options.iter().find(|o| o.id == id)?;
        let (when, offset) = self.lang.when(&o.slot, self.zone);
        Some(Confirmed {
            when,
            offset,
            ics_url: match &self.visitor {
                Visitor::Anyone(id) => format!("/api/v1/polls/{id}/event.ics"),
                _ => format!("{}/event.ics", self.path()),
            },
            webcal_url: self.feed_webcal.clone(),
        })
    }

    fn greeting(&self) -> String {
        let lang = self.lang;
        match &self.visitor {
            Visitor::Member(g) => lang.t_with(
                "greeting-invited",
                &[("name", g.member_name.as_str().into())],
            ),
            Visitor::Respondent(_) => lang.t_with(
                "greeting-respondent",
                &[(
                    "name",
                    self.answer
                        .as_ref()
                        .map(|a| a.name.as_str())
                        .unwrap_or("")
                        .into(),
                )],
            ),
            Visitor::Anyone(_) => lang.t("greeting-open"),
        }
    }

    /// The answers so far, as the poll's visibility lets this visitor see
    /// them: counts per option in the organiser's order, the leader marked.
    fn results(&self, status_now: PollStatus) -> Option<ResultsBlock> {
        let lang = self.lang;
        let standing = self.standing.as_ref()?;
        let evaluation = ranking::evaluate(standing);
        let mut rows: Vec<_> = evaluation.options.iter().collect();
        rows.sort_by_key(|o| o.number);
        // Invited members who have not answered at all count as "no
        // answer" on every option, beside respondents who skipped it.
        let silent = (standing.roster.invited - standing.tallies.responses).max(0);
        let invite_only = self.poll.settings.voting == Voting::InviteOnly;
        Some(ResultsBlock {
            heading: lang.t(if status_now == PollStatus::Open {
                "results-heading"
            } else {
                "results-final-heading"
            }),
            note: (!access::answers_shown(&self.poll)).then(|| lang.t("results-counts-only")),
            respondents: Some(lang.t_with(
                "results-respondents",
                &[("count", FluentValue::from(standing.tallies.responses))],
            )),
            rows: rows
                .into_iter()
                .map(|o| {
                    let (when, offset) = lang.when(&o.option.slot, self.zone);
                    ResultRow {
                        when,
                        offset,
                        yes: o.yes,
                        if_need_be: o.if_need_be,
                        no: o.no,
                        no_answer: invite_only.then_some(o.no_answer + silent),
                        leading: o.ranked.rank == 1 && o.yes + o.if_need_be > 0,
                    }
                })
                .collect(),
        })
    }

    /// The language switch: this page in each language, keeping its zone.
    fn lang_links(&self) -> Vec<LangLink> {
        Lang::ALL
            .into_iter()
            .map(|l| {
                let mut pairs = vec![("lang", l.code().to_string())];
                if let Some(tz) = &self.query.tz {
                    pairs.push(("tz", tz.clone()));
                }
                LangLink {
                    code: l.code(),
                    endonym: l.endonym(),
                    href: format!(
                        "?{}",
                        serde_urlencoded::to_string(pairs).unwrap_or_default()
                    ),
                    current: l == self.lang,
                }
            })
            .collect()
    }
}

/// Where a vote lands: the page with its confirmation, keeping the
/// visitor's language and zone.
pub fn confirmation_url(path: &str, q: &PageQuery) -> String {
    let carried = q.carried();
    if carried.is_empty() {
        format!("{path}?saved=1")
    } else {
        format!("{path}?saved=1&{carried}")
    }
}

/// The warning for an option outside the member's social hours, read in
/// the member's own zone (whatever zone the page shows).
fn outside(lang: Lang, slot: &Slot, zone: Zone, hours: SocialHours) -> Option<String> {
    let Slot::Timed { start, end } = *slot else {
        return None;
    };
    if hours.cover(zone, start, end) {
        return None;
    }
    Some(lang.t_with(
        "outside-social-hours",
        &[
            ("start", hours.start.format("%H:%M").to_string().into()),
            ("end", hours.end.format("%H:%M").to_string().into()),
        ],
    ))
}

/// The zones the picker offers: the IANA regions' zones, by region, then UTC.
static ZONES: LazyLock<Vec<(&'static str, Vec<&'static str>)>> = LazyLock::new(|| {
    const REGIONS: [&str; 9] = [
        "Africa",
        "America",
        "Antarctica",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    ];
    let mut groups: Vec<(&'static str, Vec<&'static str>)> =
        REGIONS.iter().map(|r| (*r, Vec::new())).collect();
    for tz in chrono_tz::TZ_VARIANTS {
        let name = tz.name();
        if let Some((region, _)) = name.split_once('/')
            && let Some(group) = groups.iter_mut().find(|(r, _)| *r == region)
        {
            group.1.push(name);
        }
    }
    for (_, zones) in &mut groups {
        zones.sort_unstable();
    }
    groups.push(("UTC", vec!["UTC"]));
    groups
});

struct LangLink {
    code: &'static str,
    endonym: &'static str,
    href: String,
    current: bool,
}

struct SummaryError {
    anchor: String,
    text: String,
}

struct OptionRow {
    /// The member's connected calendar shows it busy.
    busy: bool,
    id: String,
    when: String,
    offset: String,
    outside: Option<String>,
    choice: Option<&'static str>,
    error: Option<String>,
    /// A per-day option: one radio group per day (else empty).
    days: Vec<DayRow>,
    /// A hybrid poll of more than one mode: how the member attends.
    modes: Vec<ModeRow>,
    /// The member's seat, for a seated option they said yes to.
    seat: Option<String>,
}

impl OptionRow {
    fn is(&self, choice: &str) -> bool {
        self.choice == Some(choice)
    }
}

/// One day of a per-day option: its radio group `day-<option>-<date>`.
struct DayRow {
    name: String,
    label: String,
    choice: Option<&'static str>,
}

impl DayRow {
    fn is(&self, choice: &str) -> bool {
        self.choice == Some(choice)
    }
}

/// One attendance mode of a hybrid poll.
struct ModeRow {
    value: &'static str,
    label: String,
    checked: bool,
}

fn day_rows(lang: Lang, o: &PollOption, detail: &VoteDetail) -> Vec<DayRow> {
    if !o.setup.per_day {
        return Vec::new();
    }
    hybrid::days_of(&o.slot)
        .into_iter()
        .map(|day| DayRow {
            name: format!("day-{}-{day}", o.id),
            label: lang.day(day),
            choice: detail
                .days
                .iter()
                .find(|(d, _)| *d == day)
                .map(|(_, c)| c.as_str()),
        })
        .collect()
}

fn mode_rows(lang: Lang, poll: &Poll, detail: &VoteDetail) -> Vec<ModeRow> {
    let modes = poll.settings.attendance.list();
    if modes.len() < 2 {
        return Vec::new();
    }
    modes
        .into_iter()
        .map(|m| ModeRow {
            value: m.as_str(),
            label: lang.t(match m {
                Attendance::InPerson => "attendance-in-person",
                Attendance::Online => "attendance-online",
            }),
            checked: detail.attendance == Some(m),
        })
        .collect()
}

struct Confirmed {
    when: String,
    offset: String,
    ics_url: String,
    webcal_url: Option<String>,
}

struct ResultsBlock {
    heading: String,
    note: Option<String>,
    respondents: Option<String>,
    rows: Vec<ResultRow>,
}

struct ResultRow {
    when: String,
    offset: String,
    yes: i64,
    if_need_be: i64,
    no: i64,
    no_answer: Option<i64>,
    leading: bool,
}

#[derive(Template)]
#[template(path = "page.html")]
struct PageHtml<'a> {
    lang: Lang,
    title: &'a str,
    css_href: &'a str,
    lang_links: Vec<LangLink>,
    errors: Vec<SummaryError>,
    saved: bool,
    private_link: Option<String>,
    status_note: Option<String>,
    confirmed: Option<Confirmed>,
    greeting: String,
    description: &'a str,
    location: &'a str,
    deadline: Option<String>,
    zone_action: String,
    zone_note: String,
    zone_error: Option<String>,
    zone_groups: &'a [(&'static str, Vec<&'static str>)],
    extra_zone: Option<&'static str>,
    selected_zone: &'static str,
    explicit_lang: Option<&'static str>,
    action: String,
    show_no_answer_yet: bool,
    ask_name: bool,
    name_value: String,
    name_error: Option<String>,
    name_max: usize,
    can_vote: bool,
    options: Vec<OptionRow>,
    allow_if_need_be: bool,
    comment: String,
    comment_hint: String,
    comment_error: Option<String>,
    comment_max: usize,
    submit_label: String,
    calendar: Option<busy::CalendarBlock>,
    results: Option<ResultsBlock>,
    results_hidden: Option<String>,
}

impl PageHtml<'_> {
    fn is_zone(&self, zone: &str) -> bool {
        zone == self.selected_zone
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessageHtml<'a> {
    lang: Lang,
    heading: &'a str,
    text: &'a str,
    css_href: &'a str,
}

/// A page that only says something.
pub fn message(lang: Lang, heading: &str, text: &str) -> String {
    MessageHtml {
        lang,
        heading,
        text,
        css_href: &CSS_HREF,
    }
    .render()
    .unwrap_or_else(|e| format!("{e}"))
}

/// Whose calendar a page's visitor connects: an invited member's or a
/// respondent's (nobody's on the open page).
fn calendar_owner(visitor: &Visitor) -> Option<Owner> {
    match visitor {
        Visitor::Member(g) => Some(Owner::Invitation(g.invitation_id)),
        Visitor::Respondent(g) => Some(Owner::Response(g.response_id)),
        Visitor::Anyone(_) => None,
    }
}
