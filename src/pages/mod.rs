//! Member pages: the plain web pages behind a member's `vote_url`, an open
//! poll's `page_url` and a respondent's private link. Server-rendered from
//! compile-time-checked templates (`templates/`), in the visitor's language
//! (`crate::lang`) and zone, working without JavaScript: plain forms that post,
//! then redirect to a confirmation. No external requests, no script.
//!
//! The routes sit outside the OpenAPI spec (they serve HTML to people, not
//! JSON to programs); everything they record goes through the same store
//! calls as the API, so a vote cast here and one sent to the API are one
//! and the same.

mod busy;
pub mod form;
mod http;
mod view;

use poem::http::{HeaderValue, StatusCode, header};
use poem::web::{Data, Path};
use poem::{Body, IntoResponse, Request, Response, Route, get, handler};
use uuid::Uuid;

use crate::domain::access::Reader;
use crate::domain::ballot::Ballot;
use crate::domain::poll::Voting;
use crate::domain::token::TokenKind;
use crate::error::Error;
use crate::store::Store;
use crate::store::ballots::Voter;
use crate::web::PublicUrl;
use crate::web::problem::Problem;
use crate::web::rate_limit::AnonymousWrites;

use crate::lang::Lang;
use http::{PageQuery, accept_language, html, secure};
use view::{Outcome, Visitor};

/// Adds the pages to the service's routes.
pub fn mount(routes: Route) -> Route {
    routes
        .at("/vote/:token", get(personal_page).post(personal_vote))
        .at("/vote/:token/event.ics", get(personal_event))
        .at("/vote/:token/calendar", poem::post(connect_calendar))
        .at(
            "/vote/:token/calendar/delete",
            poem::post(disconnect_calendar),
        )
        .at("/p/:poll_id", get(open_page).post(open_vote))
        .at("/assets/convene.css", get(crate::web::html::stylesheet))
}

fn see_other(location: &str) -> Response {
    secure(
        Response::builder()
            .status(StatusCode::SEE_OTHER)
            .header(header::LOCATION, location)
            .body(Body::empty()),
    )
}

/// The language for a page that has no poll or member behind it.
fn browser_lang(req: &Request, q: &PageQuery) -> Lang {
    Lang::negotiate(q.lang.as_deref(), None, accept_language(req))
}

/// A page that only says something: a dead link, an invite-only poll.
fn message(status: StatusCode, lang: Lang, heading: &str, text: &str) -> Response {
    html(status, view::message(lang, heading, text))
}

fn not_found(lang: Lang) -> Response {
    message(
        StatusCode::NOT_FOUND,
        lang,
        &lang.t("not-found-heading"),
        &lang.t("not-found-text"),
    )
}

/// Who a personal token stands for: an invited member or an open poll's
/// respondent. Any other kind of token opens no page.
async fn visitor_of(store: &Store, token: &str) -> Result<Option<Visitor>, Error> {
    Ok(match TokenKind::of(token) {
        Some(TokenKind::Invitation) => store.invitation_by_token(token).await?.map(Visitor::Member),
        Some(TokenKind::Response) => store
            .response_by_token(token)
            .await?
            .map(Visitor::Respondent),
        _ => None,
    })
}

/// Errors the pages cannot turn into a page of their own (the database is
/// down, say) go to the service's problem responses: 503 with Retry-After.
fn failed(e: Error) -> poem::Error {
    Problem::from(e).into()
}

/// `GET /vote/{token}`: a member's (or respondent's) own page.
#[handler]
async fn personal_page(
    req: &Request,
    Path(token): Path<String>,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let q = PageQuery::of(req);
    let Some(visitor) = visitor_of(&store, &token).await.map_err(failed)? else {
        return Ok(not_found(browser_lang(req, &q)));
    };
    let page = view::Page::load(&store, &base.0.0, req, visitor, &token, q)
        .await
        .map_err(failed)?;
    Ok(match page {
        Some(page) => page.render(Outcome::Shown),
        None => not_found(browser_lang(req, &PageQuery::of(req))),
    })
}

/// `POST /vote/{token}`: records the member's answer, then redirects to
/// their page with a confirmation.
#[handler]
async fn personal_vote(
    req: &Request,
    Path(token): Path<String>,
    body: Body,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let q = PageQuery::of(req);
    let Some(visitor) = visitor_of(&store, &token).await.map_err(failed)? else {
        return Ok(not_found(browser_lang(req, &q)));
    };
    let voter = match &visitor {
        Visitor::Member(g) => Voter::Invited {
            invitation_id: g.invitation_id,
            proxy: None,
        },
        Visitor::Respondent(g) => Voter::Respondent {
            response_id: g.response_id,
        },
        // A token names a member or a respondent, never the open page.
        Visitor::Anyone(_) => return Ok(not_found(browser_lang(req, &q))),
    };
    let body = body.into_bytes().await.unwrap_or_default();
    let Some(page) = view::Page::load(&store, &base.0.0, req, visitor, &token, q.clone())
        .await
        .map_err(failed)?
    else {
        return Ok(not_found(browser_lang(req, &q)));
    };
    let ballot = match page.check(&body, false) {
        Ok(ballot) => ballot,
        Err(refused) => return Ok(page.render(refused)),
    };
    match record(&store, &page, voter, &ballot).await {
        Ok(_) => Ok(see_other(&view::confirmation_url(
            &crate::links::vote_url("", &token),
            &q,
        ))),
        Err(outcome) => Ok(page.render(outcome.map_err(failed)?)),
    }
}

/// A member's page and what their calendar is connected as; None: no such
/// page (or the open page, which has no calendar).
async fn calendar_page(
    store: &Store,
    base: &str,
    req: &Request,
    token: &str,
) -> poem::Result<Option<view::Page>> {
    let q = PageQuery::of(req);
    let Some(visitor) = visitor_of(store, token).await.map_err(failed)? else {
        return Ok(None);
    };
    view::Page::load(store, base, req, visitor, token, q)
        .await
        .map_err(failed)
}

/// `POST /vote/{token}/calendar`: connects an ICS address or an uploaded
/// `.ics` file (multipart form), then back to the page; a source that
/// cannot be used is shown on the page (422) and nothing is stored.
#[handler]
async fn connect_calendar(
    req: &Request,
    Path(token): Path<String>,
    mut form: poem::web::Multipart,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
    calendars: Data<&crate::calendars::Calendars>,
) -> poem::Result<Response> {
    let Some(mut page) = calendar_page(&store, &base.0.0, req, &token).await? else {
        return Ok(not_found(browser_lang(req, &PageQuery::of(req))));
    };
    let Some((owner, zone)) = page.calendar_target() else {
        return Ok(not_found(page.lang));
    };
    let (mut url, mut file) = (String::new(), Vec::new());
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("url") => url = field.text().await.unwrap_or_default(),
                Some("file") => file = field.bytes().await.unwrap_or_default(),
                _ => {}
            },
            Ok(None) => break,
            Err(_) => {
                page.calendar_refusal = Some(page.lang.t("calendar-nothing-given"));
                return Ok(page.render(view::Outcome::Shown));
            }
        }
    }
    let source = if !file.is_empty() {
        crate::calendars::Source::Upload(file)
    } else if !url.trim().is_empty() {
        crate::calendars::Source::Address(url)
    } else {
        page.calendar_refusal = Some(page.lang.t("calendar-nothing-given"));
        return Ok(page.render(view::Outcome::Shown));
    };
    if page.poll.status_at(chrono::Utc::now()) != crate::domain::poll::PollStatus::Open {
        return Ok(page.render(view::Outcome::Closed));
    }
    match calendars
        .connect(&store, &page.poll, owner, zone, source)
        .await
    {
        Ok(_) => Ok(see_other(&crate::links::vote_url("", &token))),
        Err(Error::Invalid(errors)) => {
            page.calendar_refusal = errors.first().map(|e| e.message.clone());
            Ok(page.render(view::Outcome::Shown))
        }
        Err(e) => Err(failed(e)),
    }
}

/// `POST /vote/{token}/calendar/delete`: disconnects (the address and the
/// busy time are deleted at once), then back to the page.
#[handler]
async fn disconnect_calendar(
    req: &Request,
    Path(token): Path<String>,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let Some(page) = calendar_page(&store, &base.0.0, req, &token).await? else {
        return Ok(not_found(browser_lang(req, &PageQuery::of(req))));
    };
    let Some((owner, _)) = page.calendar_target() else {
        return Ok(not_found(page.lang));
    };
    store.disconnect_calendar(owner).await.map_err(failed)?;
    Ok(see_other(&crate::links::vote_url("", &token)))
}

/// `GET /vote/{token}/event.ics`: the confirmed event, for "add to
/// calendar" (a link cannot send the bearer token the API wants).
#[handler]
async fn personal_event(
    req: &Request,
    Path(token): Path<String>,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let (poll_id, reader) = match visitor_of(&store, &token).await.map_err(failed)? {
        Some(Visitor::Member(g)) => (g.poll_id, Reader::Invitee(g)),
        Some(Visitor::Respondent(g)) => (g.poll_id, Reader::Respondent(g)),
        _ => return Ok(not_found(browser_lang(req, &PageQuery::of(req)))),
    };
    let file = crate::web::calendar::event_file(&store, req, &base.0.0, reader, poll_id)
        .await
        .map_err(failed)?;
    let mut resp = file.into_response();
    for (name, value) in [
        ("cache-control", "no-store"),
        ("referrer-policy", "no-referrer"),
        ("x-robots-tag", "noindex, nofollow"),
    ] {
        resp.headers_mut()
            .insert(name, HeaderValue::from_static(value));
    }
    Ok(resp)
}

/// `GET /p/{poll_id}`: an open poll's public page.
#[handler]
async fn open_page(
    req: &Request,
    Path(poll_id): Path<String>,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let q = PageQuery::of(req);
    match open_poll_page(&store, &base.0.0, req, &poll_id, q).await? {
        Ok(page) => Ok(page.render(Outcome::Shown)),
        Err(resp) => Ok(resp),
    }
}

/// The open poll's page, or the page to answer instead (404, invite-only).
async fn open_poll_page(
    store: &Store,
    base: &str,
    req: &Request,
    poll_id: &str,
    q: PageQuery,
) -> poem::Result<Result<view::Page, Response>> {
    let lang = browser_lang(req, &q);
    let Ok(poll_id) = Uuid::parse_str(poll_id) else {
        return Ok(Err(not_found(lang)));
    };
    let page = view::Page::load(store, base, req, Visitor::Anyone(poll_id), "", q)
        .await
        .map_err(failed)?;
    Ok(match page {
        None => Err(not_found(lang)),
        Some(page) if page.poll.settings.voting == Voting::InviteOnly => Err(message(
            StatusCode::NOT_FOUND,
            page.lang,
            &page.poll.title,
            &page.lang.t("invite-only-text"),
        )),
        Some(page) => Ok(page),
    })
}

/// `POST /p/{poll_id}`: anyone votes by name; the answer's private link
/// (with its edit token) is where they land, to keep it.
#[handler]
async fn open_vote(
    req: &Request,
    Path(poll_id): Path<String>,
    body: Body,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
    limits: Data<&AnonymousWrites>,
) -> poem::Result<Response> {
    let q = PageQuery::of(req);
    let page = match open_poll_page(&store, &base.0.0, req, &poll_id, q.clone()).await? {
        Ok(page) => page,
        Err(resp) => return Ok(resp),
    };
    let body = body.into_bytes().await.unwrap_or_default();
    let ballot = match page.check(&body, true) {
        Ok(ballot) => ballot,
        Err(refused) => return Ok(page.render(refused)),
    };
    if let Err(e) = limits.check(&store, req, chrono::Utc::now()).await {
        return match e {
            Error::TooManyRequests { retry_after, .. } => {
                let mut resp = page.render(Outcome::TooMany);
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, retry_after.into());
                Ok(resp)
            }
            e => Err(failed(e)),
        };
    }
    match record(&store, &page, Voter::Anonymous, &ballot).await {
        Ok(edit_token) => {
            let token = edit_token.unwrap_or_default();
            Ok(see_other(&view::confirmation_url(
                &crate::links::vote_url("", &token),
                &q,
            )))
        }
        Err(outcome) => Ok(page.render(outcome.map_err(failed)?)),
    }
}

/// Records a ballot; a refusal the page can show (voting closed meanwhile,
/// an option deleted meanwhile) comes back as the outcome to render.
async fn record(
    store: &Store,
    page: &view::Page,
    voter: Voter<'_>,
    ballot: &Ballot,
) -> Result<Option<String>, Result<Outcome, Error>> {
    match store.record_ballot(page.poll.id, voter, ballot).await {
        Ok(recorded) => Ok(recorded.edit_token),
        Err(Error::Conflict(_)) => Err(Ok(Outcome::Closed)),
        Err(Error::Invalid(_)) => Err(Ok(Outcome::Stale)),
        Err(e) => Err(Err(e)),
    }
}
