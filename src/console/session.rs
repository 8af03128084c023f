//! Who is signed in, and that a form came from our own page: the console's
//! cookies, the CSRF token every form carries, the Origin check on every
//! POST, and beginning and ending a session.
//!
//! Sessions are rows (`store::sessions`), so every instance reads the same
//! ones; the cookie holds only the secret. CSRF tokens are not stored
//! either: each is an HMAC of what the browser holds (its session, or
//! before sign-in its pre-session cookie), which another origin can neither
//! read nor write. poem's own `csrf` middleware binds its token to a cookie
//! of its own, not to the session the database keeps, so it is not used.

use chrono::Utc;
use poem::http::{StatusCode, header};
use poem::web::cookie::{Cookie, SameSite};
use poem::{Body, Request, Response};

use crate::domain::sign_in::{ABSOLUTE_EXPIRY, csrf_token, csrf_valid};
use crate::domain::token::{self, TokenKind};
use crate::error::Error;
use crate::store::Store;
use crate::store::sessions::{Method, NewSession, Session};
use crate::web::PublicUrl;
use crate::web::html::secure;

/// The cookies' names: with the `__Host-` prefix when the service is on
/// https (the browser then insists on Secure, Path=/ and no Domain), plain
/// on http (a browser refuses `__Host-` without Secure).
pub struct CookieNames {
    pub session: &'static str,
    pub pre: &'static str,
    pub secure: bool,
}

pub fn cookie_names(base: &PublicUrl) -> CookieNames {
    if base.0.starts_with("https://") {
        CookieNames {
            session: "__Host-convene_session",
            pre: "__Host-convene_pre",
            secure: true,
        }
    } else {
        CookieNames {
            session: "convene_session",
            pre: "convene_pre",
            secure: false,
        }
    }
}

/// A cookie as every console cookie is set: HttpOnly, SameSite=Lax,
/// Path=/, Secure on https.
fn cookie(name: &str, value: &str, max_age: chrono::Duration, secure: bool) -> String {
    let mut c = Cookie::new_with_str(name, value);
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c.set_path("/");
    c.set_secure(secure);
    c.set_max_age(max_age.to_std().unwrap_or_default());
    c.to_string()
}

/// The value of the request's cookie `name`, if it sent one.
pub fn cookie_value(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| Cookie::parse(pair.trim()).ok())
        .find(|c| c.name() == name)
        .map(|c| c.value_str().to_string())
}

/// The signed-in person of this request, if any.
pub async fn current(
    req: &Request,
    store: &Store,
    base: &PublicUrl,
) -> Result<Option<Session>, Error> {
    match cookie_value(req, cookie_names(base).session) {
        Some(secret) => store.session(&secret, Utc::now()).await,
        None => Ok(None),
    }
}

/// What a form's CSRF token is bound to: the session when signed in, else
/// the pre-session cookie (created now if the browser has none; the caller
/// sets it with the page).
pub enum Binding {
    Session(uuid::Uuid),
    Pre { value: String, new: bool },
}

impl Binding {
    fn bound_to(&self) -> String {
        match self {
            Binding::Session(id) => format!("session {id}"),
            Binding::Pre { value, .. } => format!("pre {value}"),
        }
    }

    /// The pre-session cookie to set with a page, if it is new.
    pub fn set_cookie(&self, base: &PublicUrl) -> Option<String> {
        match self {
            Binding::Pre { value, new: true } => Some(cookie(
                cookie_names(base).pre,
                value,
                chrono::Duration::hours(12),
                cookie_names(base).secure,
            )),
            _ => None,
        }
    }
}

/// The binding for a page shown to a signed-out browser.
pub fn pre_session(req: &Request, base: &PublicUrl) -> Binding {
    match cookie_value(req, cookie_names(base).pre) {
        Some(value) if value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Binding::Pre { value, new: false }
        }
        _ => Binding::Pre {
            value: token::generate(TokenKind::Session).hash,
            new: true,
        },
    }
}

/// The token a form carries for `binding`.
pub async fn form_token(store: &Store, binding: &Binding) -> Result<String, Error> {
    Ok(csrf_token(&store.link_key().await?, &binding.bound_to()))
}

/// Why a POST is refused before anything is read or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forged {
    /// The browser says it comes from another site.
    CrossOrigin,
    /// No token, or not the one for this browser.
    BadToken,
}

/// Whether a POST comes from our own pages: its `Origin` must be ours —
/// the public URL's, or the host the request was sent to (a browser sends
/// the Host it addressed; a page elsewhere cannot make it send ours with its
/// own Origin). Without an Origin, `Sec-Fetch-Site` must not say another
/// site. A client that sends neither (not a browser) still needs the form's
/// token.
pub fn same_origin(req: &Request, base: &PublicUrl) -> Result<(), Forged> {
    let fetch_site = req
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok());
    if let Some(origin) = req.headers().get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        let public = url::Url::parse(&base.0)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_default();
        let addressed = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .is_some_and(|host| {
                url::Url::parse(origin).is_ok_and(|o| {
                    let port = o.port().map(|p| format!(":{p}")).unwrap_or_default();
                    format!("{}{port}", o.host_str().unwrap_or("")) == host
                })
            });
        // Our pages send no referrer (`Referrer-Policy: no-referrer`), and
        // under that policy browsers send `Origin: null` with a form's POST
        // even from our own page (Chromium does); then only the browser's
        // own word that the request is same-origin lets it through.
        let null_but_same = origin == "null" && fetch_site == Some("same-origin");
        return if origin == public || addressed || null_but_same {
            Ok(())
        } else {
            Err(Forged::CrossOrigin)
        };
    }
    match fetch_site {
        None | Some("same-origin") | Some("none") => Ok(()),
        Some(_) => Err(Forged::CrossOrigin),
    }
}

/// Checks a posted form: same origin, and the token for this browser.
pub async fn check_form(
    req: &Request,
    store: &Store,
    base: &PublicUrl,
    binding: &Binding,
    token: Option<&str>,
) -> Result<Result<(), Forged>, Error> {
    if let Err(f) = same_origin(req, base) {
        return Ok(Err(f));
    }
    // A pre-session binding made up now (no cookie came) cannot match.
    if matches!(binding, Binding::Pre { new: true, .. }) {
        return Ok(Err(Forged::BadToken));
    }
    let key = store.link_key().await?;
    Ok(match token {
        Some(t) if csrf_valid(&key, &binding.bound_to(), t) => Ok(()),
        _ => Err(Forged::BadToken),
    })
}

/// Signs this browser in as `person_id`: a new session (a new id at each
/// sign-in; the browser's earlier session, if any, is ended), its cookie,
/// and a redirect to the console. For the emailed link and for OpenID
/// Connect alike.
pub async fn sign_in_as(
    req: &Request,
    store: &Store,
    base: &PublicUrl,
    person_id: uuid::Uuid,
    method: Method,
    proven_email: &str,
) -> Result<Response, Error> {
    let session = store
        .start_session(person_id, method, proven_email, Utc::now())
        .await?;
    signed_in(req, store, base, session).await
}

/// The answer that hands a browser its new session.
pub async fn signed_in(
    req: &Request,
    store: &Store,
    base: &PublicUrl,
    session: NewSession,
) -> Result<Response, Error> {
    let names = cookie_names(base);
    if let Some(old) = cookie_value(req, names.session) {
        store.end_session(&old).await?;
    }
    Ok(secure(
        Response::builder()
            .status(StatusCode::SEE_OTHER)
            .header(header::LOCATION, "/console")
            .header(
                header::SET_COOKIE,
                cookie(
                    names.session,
                    &session.secret,
                    ABSOLUTE_EXPIRY,
                    names.secure,
                ),
            )
            .body(Body::empty()),
    ))
}

/// Ends this browser's session on the server and clears its cookie.
pub async fn sign_out(req: &Request, store: &Store, base: &PublicUrl) -> Result<String, Error> {
    let names = cookie_names(base);
    if let Some(secret) = cookie_value(req, names.session) {
        store.end_session(&secret).await?;
    }
    Ok(cookie(
        names.session,
        "",
        chrono::Duration::zero(),
        names.secure,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_host_only_and_secure_on_https() {
        let https = cookie_names(&PublicUrl("https://convene.example.org".into()));
        assert_eq!(https.session, "__Host-convene_session");
        let c = cookie(https.session, "cvn_ses_x", ABSOLUTE_EXPIRY, https.secure);
        for part in [
            "HttpOnly",
            "SameSite=Lax",
            "Path=/",
            "Secure",
            "Max-Age=604800",
        ] {
            assert!(c.contains(part), "{c} lacks {part}");
        }
        assert!(!c.contains("Domain"), "{c}");
        let http = cookie_names(&PublicUrl("http://127.0.0.1:8080".into()));
        assert_eq!(http.session, "convene_session");
        let c = cookie(http.session, "cvn_ses_x", ABSOLUTE_EXPIRY, http.secure);
        assert!(!c.contains("Secure"), "{c}");
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax"), "{c}");
    }
}
