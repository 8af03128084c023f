//! The HTTP side of the pages: what a page's address may carry. The headers
//! every page is sent with and the stylesheet are the faces' shared
//! plumbing (`crate::web::html`).

use poem::Request;
use poem::http::header;

pub use crate::web::html::{CSS_HREF, html, secure};

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

pub fn accept_language(req: &Request) -> Option<&str> {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
}
