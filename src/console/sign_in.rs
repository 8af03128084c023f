//! Signing in and out of the console, and the signed-in landing page: the
//! emailed link asked for (the same answer for every address, limited per
//! address and per client), opened (which signs no one in) and redeemed
//! once; signing out ends the session on the server.

use askama::Template;
use chrono::Utc;
use poem::http::{StatusCode, header};
use poem::web::{Data, Path};
use poem::{Body, Request, Response, handler};

use super::frame::{Frame, MessagePage, Posted, failed, forged, lang_of, page, render, see_other};
use super::session::{self, Binding, check_form, current, pre_session};
use crate::domain::roster::parse_email;
use crate::domain::sign_in::{LinkRefused, normalise_email};
use crate::error::Error;
use crate::store::Store;
use crate::web::PublicUrl;
use crate::web::rate_limit::{AnonymousWrites, SIGN_IN_LINKS};

#[derive(Template)]
#[template(path = "console/sign_in.html")]
struct SignInPage<'a> {
    f: Frame,
    notice: Option<String>,
    email: &'a str,
    error: Option<String>,
    /// Single sign-on is configured: offer it beside the emailed link.
    sso: bool,
}

#[derive(Template)]
#[template(path = "console/confirm.html")]
struct ConfirmPage {
    f: Frame,
}

/// `GET /console/sign-in`: the form that mails a sign-in link.
#[handler]
pub async fn sign_in_page(
    req: &Request,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
    oidc: Data<&Option<crate::oidc::Oidc>>,
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
        sso: oidc.is_some(),
    });
    Ok(page(StatusCode::OK, body, &binding, &base))
}

/// `POST /console/sign-in`: mails a link to the address if it is a
/// person's. The answer is the same whether it is or not, and so is the
/// count against the limits.
#[handler]
pub async fn ask_for_link(
    req: &Request,
    body: Body,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
    clients: Data<&AnonymousWrites>,
    oidc: Data<&Option<crate::oidc::Oidc>>,
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
                sso: oidc.is_some(),
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
pub async fn confirm_page(
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
pub async fn redeem_link(
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
pub async fn sign_out(
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
