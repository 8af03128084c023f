//! The secretariat's console (`/console`): server-rendered pages for the
//! people of a workspace, working without JavaScript. This part is signing
//! in and out — by an emailed link, or single sign-on — and the signed-in
//! landing page; every rule it applies (who may do what, how long a link
//! or session lives) is the core's, never written again here.
//!
//! The routes sit outside the OpenAPI spec: they serve HTML to people.

mod groups;
mod invitations;
mod new_poll;
mod session;

use askama::Template;
use chrono::Utc;
use poem::http::{StatusCode, header};
use poem::web::{Data, Path};
use poem::{Body, Request, Response, Route, get, handler, post};

use crate::domain::poll::PollStatus;
use crate::domain::roles::{Action, Role};
use crate::domain::roster::parse_email;
use crate::domain::sign_in::{LinkRefused, normalise_email};
use crate::error::Error;
use crate::lang::{Lang, filters};
use crate::store::Store;
use crate::store::polls::PollFilter;
use crate::store::sessions::Session;
use crate::web::PublicUrl;
use crate::web::html::{CSS_HREF, html, secure};
use crate::web::problem::Problem;
use crate::web::rate_limit::{AnonymousWrites, SIGN_IN_LINKS};

pub use session::sign_in_as;
use session::{Binding, Forged, check_form, current, form_token, pre_session};

/// Adds the console's routes.
pub fn mount(routes: Route) -> Route {
    routes
        .at("/console", get(home))
        .at("/console/sign-in", get(sign_in_page).post(ask_for_link))
        .at(
            "/console/sign-in/:token",
            get(confirm_page).post(redeem_link),
        )
        .at("/console/sign-out", post(sign_out))
        .at(
            "/console/polls/new",
            get(new_poll::form).post(new_poll::create),
        )
        .at(
            "/console/polls/:poll_id/invitations",
            get(invitations::show).post(invitations::invite),
        )
        .at("/console/groups", get(groups::list).post(groups::create))
        .at("/console/groups/:group_id", get(groups::show))
        .at("/console/groups/:group_id/members", post(groups::add))
        .at(
            "/console/groups/:group_id/members/:member_id/remove",
            post(groups::remove),
        )
}

/// Errors a page cannot show itself (the database is down) go to the
/// service's problem responses: 503 with Retry-After.
fn failed(e: Error) -> poem::Error {
    Problem::from(e).into()
}

/// A form's fields, as posted.
struct Posted(Vec<(String, String)>);

impl Posted {
    async fn read(body: Body) -> Self {
        let bytes = body.into_bytes().await.unwrap_or_default();
        Posted(serde_urlencoded::from_bytes(&bytes).unwrap_or_default())
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The language: `?lang=` or the form's `lang`, else the browser's.
fn lang_of(req: &Request, posted: Option<&Posted>) -> Lang {
    let query: Vec<(String, String)> =
        serde_urlencoded::from_str(req.uri().query().unwrap_or("")).unwrap_or_default();
    let chosen = query
        .iter()
        .find(|(k, _)| k == "lang")
        .map(|(_, v)| v.as_str())
        .or_else(|| posted.and_then(|p| p.get("lang")));
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Lang::negotiate(chosen, None, accept)
}

struct LangLink {
    code: &'static str,
    endonym: &'static str,
    current: bool,
}

fn lang_links(lang: Lang) -> Vec<LangLink> {
    Lang::ALL
        .into_iter()
        .map(|l| LangLink {
            code: l.code(),
            endonym: l.endonym(),
            current: l == lang,
        })
        .collect()
}

/// What every console page shows around its content: the language switch
/// and, when signed in, who and the sign-out button.
struct Frame {
    lang: Lang,
    css_href: &'static str,
    lang_links: Vec<LangLink>,
    /// The form token of this browser (every form carries it).
    csrf: String,
    signed_in: Option<String>,
}

impl Frame {
    async fn new(
        store: &Store,
        lang: Lang,
        binding: &Binding,
        session: Option<&Session>,
    ) -> Result<Self, Error> {
        Ok(Frame {
            lang,
            css_href: &CSS_HREF,
            lang_links: lang_links(lang),
            csrf: form_token(store, binding).await?,
            signed_in: session.map(|s| {
                lang.t_with(
                    "console-signed-in-as",
                    &[
                        ("name", s.organiser.name.as_str().into()),
                        ("workspace", s.workspace.as_str().into()),
                        ("role", lang.t(role_message(s.organiser.role)).into()),
                    ],
                )
            }),
        })
    }
}

fn role_message(role: Role) -> &'static str {
    match role {
        Role::Owner => "console-role-owner",
        Role::Editor => "console-role-editor",
        Role::Viewer => "console-role-viewer",
    }
}

#[derive(Template)]
#[template(path = "console/sign_in.html")]
struct SignInPage<'a> {
    f: Frame,
    notice: Option<String>,
    email: &'a str,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "console/message.html")]
struct MessagePage<'a> {
    f: Frame,
    heading: String,
    text: String,
    link: Option<(&'a str, String)>,
}

#[derive(Template)]
#[template(path = "console/confirm.html")]
struct ConfirmPage {
    f: Frame,
}

struct PollRow {
    title: String,
    status: String,
    responses: i64,
}

#[derive(Template)]
#[template(path = "console/home.html")]
struct HomePage {
    f: Frame,
    polls: Vec<PollRow>,
    can_edit: bool,
}

fn render(t: impl Template) -> String {
    t.render().unwrap_or_else(|e| format!("{e}"))
}

/// A page with the pre-session cookie set when it is new.
fn page(status: StatusCode, body: String, binding: &Binding, base: &PublicUrl) -> Response {
    let mut resp = html(status, body);
    if let Some(c) = binding.set_cookie(base)
        && let Ok(v) = c.parse()
    {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

fn see_other(location: &str) -> Response {
    secure(
        Response::builder()
            .status(StatusCode::SEE_OTHER)
            .header(header::LOCATION, location)
            .body(Body::empty()),
    )
}

/// `GET /console`: the signed-in landing page; signed out, the sign-in page.
#[handler]
async fn home(
    req: &Request,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let Some(session) = current(req, &store, &base).await.map_err(failed)? else {
        return Ok(see_other("/console/sign-in"));
    };
    let lang = lang_of(req, None);
    let binding = Binding::Session(session.id);
    let polls = store
        .list_polls(
            session.organiser.workspace_id,
            PollFilter {
                status: None,
                after: None,
                limit: 50,
            },
        )
        .await
        .map_err(failed)?
        .into_iter()
        .map(|p| PollRow {
            status: lang.t(match p.poll.status_at(Utc::now()) {
                PollStatus::Open => "console-status-open",
                PollStatus::Closed => "console-status-closed",
                PollStatus::Confirmed => "console-status-confirmed",
                PollStatus::Cancelled => "console-status-cancelled",
            }),
            title: p.poll.title,
            responses: p.responses,
        })
        .collect();
    let f = Frame::new(&store, lang, &binding, Some(&session))
        .await
        .map_err(failed)?;
    let can_edit = session.organiser.may(Action::Edit).is_ok();
    Ok(page(
        StatusCode::OK,
        render(HomePage { f, polls, can_edit }),
        &binding,
        &base,
    ))
}

/// `GET /console/sign-in`: the form that mails a sign-in link.
#[handler]
async fn sign_in_page(
    req: &Request,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    if current(req, &store, &base).await.map_err(failed)?.is_some() {
        return Ok(see_other("/console"));
    }
    let lang = lang_of(req, None);
    let binding = pre_session(req, &base);
    let signed_out = req.uri().query().is_some_and(|q| q.contains("signed-out"));
    let f = Frame::new(&store, lang, &binding, None)
        .await
        .map_err(failed)?;
    let body = render(SignInPage {
        notice: signed_out.then(|| lang.t("console-signed-out")),
        f,
        email: "",
        error: None,
    });
    Ok(page(StatusCode::OK, body, &binding, &base))
}

/// A signed-in person whose role does not allow what they asked: 403 with
/// the reason, nothing changed.
async fn not_allowed(
    store: &Store,
    lang: Lang,
    binding: &Binding,
    base: &PublicUrl,
    session: &Session,
) -> poem::Result<Response> {
    let f = Frame::new(store, lang, binding, Some(session))
        .await
        .map_err(failed)?;
    let body = render(MessagePage {
        f,
        heading: lang.t("console-not-allowed-heading"),
        text: lang.t_with(
            "console-not-allowed-text",
            &[("role", lang.t(role_message(session.organiser.role)).into())],
        ),
        link: Some(("/console", lang.t("console-home-heading"))),
    });
    Ok(page(StatusCode::FORBIDDEN, body, binding, base))
}

/// Something of another workspace, or nothing: the same 404 either way.
async fn missing(
    store: &Store,
    lang: Lang,
    binding: &Binding,
    base: &PublicUrl,
    session: &Session,
) -> poem::Result<Response> {
    let f = Frame::new(store, lang, binding, Some(session))
        .await
        .map_err(failed)?;
    let body = render(MessagePage {
        f,
        heading: lang.t("console-not-found-heading"),
        text: lang.t("console-not-found-text"),
        link: Some(("/console", lang.t("console-home-heading"))),
    });
    Ok(page(StatusCode::NOT_FOUND, body, binding, base))
}

/// A change the present state does not allow (409), with the reason.
async fn conflict(
    store: &Store,
    lang: Lang,
    binding: &Binding,
    base: &PublicUrl,
    session: &Session,
    why: &str,
) -> poem::Result<Response> {
    let f = Frame::new(store, lang, binding, Some(session))
        .await
        .map_err(failed)?;
    let body = render(MessagePage {
        f,
        heading: lang.t("console-conflict-heading"),
        text: why.to_string(),
        link: Some(("/console", lang.t("console-home-heading"))),
    });
    Ok(page(StatusCode::CONFLICT, body, binding, base))
}

/// A refused form: 403, nothing read or changed.
async fn forged(
    store: &Store,
    lang: Lang,
    binding: &Binding,
    base: &PublicUrl,
    why: Forged,
) -> poem::Result<Response> {
    tracing::info!(reason = ?why, "console form refused");
    let f = Frame::new(store, lang, binding, None)
        .await
        .map_err(failed)?;
    let body = render(MessagePage {
        f,
        heading: lang.t("console-forged-heading"),
        text: lang.t("console-forged-text"),
        link: Some(("/console/sign-in", lang.t("console-sign-in-heading"))),
    });
    Ok(page(StatusCode::FORBIDDEN, body, binding, base))
}

/// `POST /console/sign-in`: mails a link to the address if it is a
/// person's. The answer is the same whether it is or not, and so is the
/// count against the limits.
#[handler]
async fn ask_for_link(
    req: &Request,
    body: Body,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
    clients: Data<&AnonymousWrites>,
) -> poem::Result<Response> {
    let posted = Posted::read(body).await;
    let lang = lang_of(req, Some(&posted));
    let binding = pre_session(req, &base);
    if let Err(why) = check_form(req, &store, &base, &binding, posted.get("csrf"))
        .await
        .map_err(failed)?
    {
        return forged(&store, lang, &binding, &base, why).await;
    }
    let typed = posted.get("email").unwrap_or("");
    let email = match parse_email(typed) {
        Ok(Some(e)) => normalise_email(&e),
        _ => {
            let f = Frame::new(&store, lang, &binding, None)
                .await
                .map_err(failed)?;
            let body = render(SignInPage {
                f,
                notice: None,
                email: typed,
                error: Some(lang.t("console-error-email")),
            });
            return Ok(page(
                StatusCode::UNPROCESSABLE_ENTITY,
                body,
                &binding,
                &base,
            ));
        }
    };
    let now = Utc::now();
    let limited = async {
        let minutes = |s: u32| s.div_ceil(60).to_string();
        SIGN_IN_LINKS
            .check(
                &store,
                &format!("client {}", clients.client(req)),
                now,
                minutes,
            )
            .await?;
        SIGN_IN_LINKS
            .check(&store, &format!("address {email}"), now, minutes)
            .await
    }
    .await;
    match limited {
        Ok(()) => {}
        Err(Error::TooManyRequests {
            message,
            retry_after,
        }) => {
            let f = Frame::new(&store, lang, &binding, None)
                .await
                .map_err(failed)?;
            let body = render(MessagePage {
                f,
                heading: lang.t("console-too-many-heading"),
                text: lang.t_with("console-too-many-text", &[("minutes", message.into())]),
                link: None,
            });
            let mut resp = page(StatusCode::TOO_MANY_REQUESTS, body, &binding, &base);
            resp.headers_mut()
                .insert(header::RETRY_AFTER, retry_after.into());
            return Ok(resp);
        }
        Err(e) => return Err(failed(e)),
    }
    store
        .request_sign_in_link(&email, lang.code(), now)
        .await
        .map_err(failed)?;
    let f = Frame::new(&store, lang, &binding, None)
        .await
        .map_err(failed)?;
    let body = render(MessagePage {
        f,
        heading: lang.t("console-sent-heading"),
        text: lang.t_with(
            "console-sent-text",
            &[("email", lang.isolate(&email).into())],
        ),
        link: None,
    });
    Ok(page(StatusCode::OK, body, &binding, &base))
}

/// `GET /console/sign-in/{token}`: the emailed link's page. Opening it
/// signs no one in — mail scanners open links too — it shows a button that
/// does (a POST from this page).
#[handler]
async fn confirm_page(
    req: &Request,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let lang = lang_of(req, None);
    let binding = pre_session(req, &base);
    let f = Frame::new(&store, lang, &binding, None)
        .await
        .map_err(failed)?;
    Ok(page(
        StatusCode::OK,
        render(ConfirmPage { f }),
        &binding,
        &base,
    ))
}

/// `POST /console/sign-in/{token}`: redeems the link once and signs in.
#[handler]
async fn redeem_link(
    req: &Request,
    Path(token): Path<String>,
    body: Body,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let posted = Posted::read(body).await;
    let lang = lang_of(req, Some(&posted));
    let binding = pre_session(req, &base);
    if let Err(why) = check_form(req, &store, &base, &binding, posted.get("csrf"))
        .await
        .map_err(failed)?
    {
        return forged(&store, lang, &binding, &base, why).await;
    }
    match store
        .redeem_sign_in_link(&token, Utc::now())
        .await
        .map_err(failed)?
    {
        Ok(new) => session::signed_in(req, &store, &base, new)
            .await
            .map_err(failed),
        Err(refused) => {
            let (status, text) = match refused {
                LinkRefused::Used => (StatusCode::GONE, "console-link-used"),
                LinkRefused::Expired => (StatusCode::GONE, "console-link-expired"),
                LinkRefused::Unknown => (StatusCode::NOT_FOUND, "console-link-unknown"),
            };
            tracing::info!(reason = ?refused, "sign-in link refused");
            let f = Frame::new(&store, lang, &binding, None)
                .await
                .map_err(failed)?;
            let body = render(MessagePage {
                f,
                heading: lang.t("console-link-refused-heading"),
                text: lang.t(text),
                link: Some(("/console/sign-in", lang.t("console-new-link"))),
            });
            Ok(page(status, body, &binding, &base))
        }
    }
}

/// `POST /console/sign-out`: ends the session on the server.
#[handler]
async fn sign_out(
    req: &Request,
    body: Body,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let posted = Posted::read(body).await;
    let lang = lang_of(req, Some(&posted));
    let Some(session) = current(req, &store, &base).await.map_err(failed)? else {
        return Ok(see_other("/console/sign-in"));
    };
    let binding = Binding::Session(session.id);
    if let Err(why) = check_form(req, &store, &base, &binding, posted.get("csrf"))
        .await
        .map_err(failed)?
    {
        return forged(&store, lang, &binding, &base, why).await;
    }
    let clear = session::sign_out(req, &store, &base)
        .await
        .map_err(failed)?;
    let mut resp = see_other(&format!(
        "/console/sign-in?signed-out=1&lang={}",
        lang.code()
    ));
    if let Ok(v) = clear.parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}
