//! The HTTP side of the pages: what a page's address may carry, the headers
//! every page is sent with, and the stylesheet's address.

use std::sync::LazyLock;

use poem::http::{HeaderValue, StatusCode, header};
use poem::{Request, Response};
use sha2::{Digest, Sha256};

use crate::lang::Lang;

/// What a page's address may say besides its path: `?lang=` (the language
/// switch), `?tz=` (the zone picker), `?saved=1` (after a vote).
#[derive(Debug, Default, Clone)]
pub struct PageQuery {
    pub lang: Option<String>,
    pub tz: Option<String>,
    pub saved: bool,
}

impl PageQuery {
    pub fn of(req: &Request) -> Self {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(req.uri().query().unwrap_or("")).unwrap_or_default();
        let mut q = PageQuery::default();
        for (k, v) in pairs {
            match k.as_str() {
                "lang" if !v.is_empty() => q.lang = Some(v),
                "tz" if !v.is_empty() => q.tz = Some(v),
                "saved" => q.saved = true,
                _ => {}
            }
        }
        q
    }

    /// `?lang=…&tz=…` as chosen on the page (not the confirmation flag), to
    /// carry the visitor's choices over a redirect.
    pub fn carried(&self) -> String {
        let mut pairs = Vec::new();
        if let Some(l) = self.lang.as_deref().and_then(Lang::parse) {
            pairs.push(("lang", l.code().to_string()));
        }
        if let Some(tz) = &self.tz {
            pairs.push(("tz", tz.clone()));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// The stylesheet's address carries a hash of its content, so browsers may
/// keep it for a year and still never use a stale one.
pub const CSS: &str = include_str!("assets/convene.css");
pub static CSS_HREF: LazyLock<String> = LazyLock::new(|| {
    let hash = hex::encode(&Sha256::digest(CSS.as_bytes())[..6]);
    format!("/assets/convene.css?v={hash}")
});

/// Headers of every page: never stored (they hold tokens and live answers),
/// never sent on as a referrer, never framed or indexed, and nothing loaded
/// but our own stylesheet — no script runs at all.
pub fn secure(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    let set = |h: &mut poem::http::HeaderMap, name: &'static str, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(h, "cache-control", "no-store");
    set(h, "referrer-policy", "no-referrer");
    set(
        h,
        "content-security-policy",
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'",
    );
    set(h, "x-content-type-options", "nosniff");
    set(h, "x-frame-options", "DENY");
    set(h, "x-robots-tag", "noindex, nofollow");
    resp
}

pub fn html(status: StatusCode, body: String) -> Response {
    secure(
        Response::builder()
            .status(status)
            .content_type("text/html; charset=utf-8")
            .body(body),
    )
}

pub fn accept_language(req: &Request) -> Option<&str> {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
}
