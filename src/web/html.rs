//! What every HTML face (the member pages, the console) sends with a page:
//! the security headers and the one stylesheet.

use std::sync::LazyLock;

use poem::http::{HeaderValue, StatusCode, header};
use poem::{Response, handler};
use sha2::{Digest, Sha256};

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

/// `GET /assets/convene.css`.
#[handler]
pub fn stylesheet() -> Response {
    Response::builder()
        .content_type("text/css; charset=utf-8")
        .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .body(CSS)
}
