//! Single sign-on's two pages: `GET /console/oidc/start` sends the browser
//! to the organisation's OpenID provider, `GET /console/oidc/callback`
//! takes it back, finishes the flow (`crate::oidc`: code exchange, ID token
//! verified) and signs the person in with a session like the emailed
//! link's. A refusal is a page that says why, with nothing changed and no
//! session.
//!
//! The start is a plain link, not a form: the console's CSP allows forms
//! to post only to itself, which browsers also apply to the redirect a
//! form's answer makes, so a form could not lead to the provider.
//!
//! The flow is bound to the browser that began it: the start sets a short
//! cookie holding the flow's `state`, and the callback must bring the same
//! one. Without that, someone could begin a flow, sign in at the provider
//! as themselves, and send the callback link to another person, whose
//! browser would then be signed in to the sender's account.

use chrono::Utc;
use poem::http::{StatusCode, header};
use poem::web::Data;
use poem::web::cookie::{Cookie, SameSite};
use poem::{Request, Response, Route, get, handler};

use super::frame::{Frame, MessagePage, failed, lang_of, page, render, see_other};
use super::session::{cookie_value, pre_session, sign_in_as};
use crate::domain::token;
use crate::error::Error;
use crate::lang::Lang;
use crate::oidc::{FLOW_LIFETIME, Oidc, Refusal};
use crate::store::Store;
use crate::store::sessions::Method;
use crate::web::PublicUrl;
use crate::web::rate_limit::{AnonymousWrites, Limit};

/// Flows a client address may begin per 10 minutes: each is a row until it
/// is pruned. Generous, since a whole office may sign in from one address
/// at nine o'clock.
pub const OIDC_STARTS: Limit = Limit {
    what: "oidc-start",
    per_window: 60,
    window_seconds: 600,
};

/// Adds the single sign-on routes.
pub fn mount(routes: Route) -> Route {
    routes
        .at("/console/oidc/start", get(start))
        .at("/console/oidc/callback", get(callback))
}

/// The cookie binding a flow to its browser: `__Host-` on https, as the
/// console's other cookies.
fn flow_cookie_name(base: &PublicUrl) -> &'static str {
    if base.0.starts_with("https://") {
        "__Host-convene_oidc"
    } else {
        "convene_oidc"
    }
}

fn flow_cookie(base: &PublicUrl, value: &str, max_age: chrono::Duration) -> String {
    let mut c = Cookie::new_with_str(flow_cookie_name(base), value);
    c.set_http_only(true);
    // Lax: sent on the provider's redirect back (a top-level GET).
    c.set_same_site(SameSite::Lax);
    c.set_path("/");
    c.set_secure(base.0.starts_with("https://"));
    c.set_max_age(max_age.to_std().unwrap_or_default());
    c.to_string()
}

fn with_cookie(mut resp: Response, cookie: String) -> Response {
    if let Ok(v) = cookie.parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// Single sign-on is not configured: there is nothing here.
fn not_configured() -> poem::Error {
    poem::Error::from_status(StatusCode::NOT_FOUND)
}

/// The page that says why the sign-in was refused.
async fn refused(
    req: &Request,
    store: &Store,
    base: &PublicUrl,
    lang: Lang,
    refusal: Refusal,
) -> poem::Result<Response> {
    match &refusal {
        Refusal::Internal(_) | Refusal::Unavailable(_) => {
            tracing::warn!(reason = refusal.code(), detail = %refusal.detail(), "single sign-on failed")
        }
        _ => {
            tracing::info!(reason = refusal.code(), detail = %refusal.detail(), "single sign-on refused")
        }
    }
    let binding = pre_session(req, base);
    let f = Frame::new(store, lang, &binding, None)
        .await
        .map_err(failed)?;
    let body = render(MessagePage {
        f,
        heading: lang.t("console-oidc-refused-heading"),
        text: lang.t(&format!(
            "console-oidc-refused-{}",
            refusal.code().replace('_', "-")
        )),
        link: Some(("/console/sign-in", lang.t("console-oidc-start-again"))),
    });
    let status = StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::BAD_REQUEST);
    Ok(page(status, body, &binding, base))
}

/// `GET /console/oidc/start`: records a flow and sends the browser to the
/// provider, with the flow's cookie.
#[handler]
async fn start(
    req: &Request,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
    oidc: Data<&Option<Oidc>>,
    clients: Data<&AnonymousWrites>,
) -> poem::Result<Response> {
    let Some(oidc) = oidc.0 else {
        return Err(not_configured());
    };
    let lang = lang_of(req, None);
    let limited = OIDC_STARTS
        .check(
            &store,
            &format!("client {}", clients.client(req)),
            Utc::now(),
            |s| s.div_ceil(60).to_string(),
        )
        .await;
    match limited {
        Ok(()) => {}
        Err(Error::TooManyRequests {
            message,
            retry_after,
        }) => {
            let binding = pre_session(req, &base);
            let f = Frame::new(&store, lang, &binding, None)
                .await
                .map_err(failed)?;
            let body = render(MessagePage {
                f,
                heading: lang.t("console-too-many-heading"),
                text: lang.t_with("console-oidc-too-many", &[("minutes", message.into())]),
                link: None,
            });
            let mut resp = page(StatusCode::TOO_MANY_REQUESTS, body, &binding, &base);
            resp.headers_mut()
                .insert(header::RETRY_AFTER, retry_after.into());
            return Ok(resp);
        }
        Err(e) => return Err(failed(e)),
    }
    match oidc.begin(&store).await {
        Ok(begun) => Ok(with_cookie(
            see_other(&begun.url),
            flow_cookie(&base, &begun.state, FLOW_LIFETIME),
        )),
        Err(refusal) => refused(req, &store, &base, lang, refusal).await,
    }
}

/// What the provider sends back.
#[derive(Debug, Default, serde::Deserialize)]
struct Answer {
    state: Option<String>,
    code: Option<String>,
    iss: Option<String>,
    error: Option<String>,
}

/// `GET /console/oidc/callback`: finishes the flow this browser began and
/// signs the person in; or says why not. Either way the flow's cookie is
/// cleared.
#[handler]
async fn callback(
    req: &Request,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
    oidc: Data<&Option<Oidc>>,
) -> poem::Result<Response> {
    let Some(oidc) = oidc.0 else {
        return Err(not_configured());
    };
    let lang = lang_of(req, None);
    let answer: Answer =
        serde_urlencoded::from_str(req.uri().query().unwrap_or("")).unwrap_or_default();
    let outcome = finish(req, &store, &base, oidc, &answer).await;
    let resp = match outcome {
        Ok((person, email)) => {
            tracing::info!(person = %person, "signed in by single sign-on");
            sign_in_as(req, &store, &base, person, Method::Oidc, &email)
                .await
                .map_err(failed)?
        }
        Err(refusal) => refused(req, &store, &base, lang, refusal).await?,
    };
    Ok(with_cookie(
        resp,
        flow_cookie(&base, "", chrono::Duration::zero()),
    ))
}

/// The person the callback signs in, or why not.
async fn finish(
    req: &Request,
    store: &Store,
    base: &PublicUrl,
    oidc: &Oidc,
    answer: &Answer,
) -> Result<(uuid::Uuid, String), Refusal> {
    let Some(state) = answer.state.as_deref().filter(|s| !s.is_empty()) else {
        return Err(Refusal::UnknownState);
    };
    // Compared as hashes: no early exit on the first differing byte.
    let bound = cookie_value(req, flow_cookie_name(base))
        .is_some_and(|c| token::hash(&c) == token::hash(state));
    if !bound {
        // A replay, a made-up state or an old one says so; only a flow that
        // could still finish, in another browser, is "another browser".
        return Err(oidc
            .flow_refusal(store, state)
            .await?
            .unwrap_or(Refusal::OtherBrowser));
    }
    if let Some(error) = &answer.error {
        return Err(Refusal::ProviderDenied(error.clone()));
    }
    let Some(code) = answer.code.as_deref().filter(|c| !c.is_empty()) else {
        return Err(Refusal::CodeRefused("the answer has no code".into()));
    };
    let verified = oidc
        .finish(store, state, code, answer.iss.as_deref())
        .await?;
    let person = oidc.person_for(store, &verified).await?.id;
    Ok((person, verified.email))
}
