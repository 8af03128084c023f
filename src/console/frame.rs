//! What every console page is drawn in and answers with: the language, the
//! frame (language switch, who is signed in, the sections their role may
//! open, the workspace switcher, the sign-out button, the form token), the
//! message pages (not allowed, not found, conflict, refused),
//! and the plain responses. Every console page module uses it; it uses none
//! of them.

use askama::Template;
use poem::http::{StatusCode, header};
use poem::{Body, Request, Response};

use super::session::{Binding, Forged, check_form, current, form_token};
use crate::domain::roles::{Action, NotAllowed, Role};
use crate::error::Error;
use crate::lang::{Lang, filters};
use crate::store::Store;
use crate::store::sessions::Session;
use crate::web::PublicUrl;
use crate::web::html::{CSS_HREF, html, secure};
use crate::web::problem::Problem;

/// Errors a page cannot show itself (the database is down) go to the
/// service's problem responses: 503 with Retry-After.
pub fn failed(e: Error) -> poem::Error {
    Problem::from(e).into()
}

/// What [`Posted::read_with_files`] keeps for a file that is not UTF-8
/// text: a marker no one types.
pub const NOT_TEXT: &str = "\0not-text";

/// A form's fields, as posted.
pub struct Posted(Vec<(String, String)>);

impl Posted {
    pub async fn read(body: Body) -> Self {
        let bytes = body.into_bytes().await.unwrap_or_default();
        Posted(serde_urlencoded::from_bytes(&bytes).unwrap_or_default())
    }

    /// A form posted as `multipart/form-data` (one that carries a file)
    /// or urlencoded: every field as text, a file by its content. A file
    /// that is not UTF-8 is kept as [`NOT_TEXT`].
    pub async fn read_with_files(req: &Request, body: Body) -> Self {
        let multipart = req
            .content_type()
            .is_some_and(|c| c.starts_with("multipart/form-data"));
        if !multipart {
            return Self::read(body).await;
        }
        let mut body = poem::RequestBody::new(body);
        let Ok(mut form) =
            <poem::web::Multipart as poem::FromRequest>::from_request(req, &mut body).await
        else {
            return Posted(Vec::new());
        };
        let mut fields = Vec::new();
        while let Ok(Some(field)) = form.next_field().await {
            let Some(name) = field.name().map(str::to_string) else {
                continue;
            };
            let bytes = field.bytes().await.unwrap_or_default();
            // Spreadsheets write a byte-order mark before CSV "UTF-8".
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
            let text = String::from_utf8(bytes.to_vec()).unwrap_or_else(|_| NOT_TEXT.into());
            fields.push((name, text));
        }
        Posted(fields)
    }

    /// Every value posted under `name` (a group of checkboxes).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The request's query string, by name (the first of each).
pub fn query_of(req: &Request) -> std::collections::HashMap<String, String> {
    let mut out = std::collections::HashMap::new();
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(req.uri().query().unwrap_or("")).unwrap_or_default();
    for (k, v) in pairs {
        out.entry(k).or_insert(v);
    }
    out
}

/// The language: `?lang=` or the form's `lang`, else the browser's.
pub fn lang_of(req: &Request, posted: Option<&Posted>) -> Lang {
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

pub struct LangLink {
    pub code: &'static str,
    pub endonym: &'static str,
    pub current: bool,
}

pub fn lang_links(lang: Lang) -> Vec<LangLink> {
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
pub struct Frame {
    pub lang: Lang,
    pub css_href: &'static str,
    pub lang_links: Vec<LangLink>,
    /// The form token of this browser (every form carries it).
    pub csrf: String,
    pub signed_in: Option<String>,
    /// The sections the signed-in person may open (none signed out).
    pub nav: Option<Nav>,
    /// The workspaces the signed-in person belongs to, when more than one:
    /// the switcher's choices.
    pub workspaces: Vec<WorkspaceChoice>,
}

/// Which sections the navigation offers: every role reads polls, groups
/// and webhooks; people and API tokens are for owners.
pub struct Nav {
    pub owner: bool,
}

/// A workspace of the signed-in person, for the switcher.
pub struct WorkspaceChoice {
    /// The person's row in that workspace: what the switcher posts.
    pub person_id: uuid::Uuid,
    pub name: String,
    pub current: bool,
}

impl Frame {
    pub async fn new(
        store: &Store,
        lang: Lang,
        binding: &Binding,
        session: Option<&Session>,
    ) -> Result<Self, Error> {
        let memberships = match session.and_then(|s| s.email.as_deref()) {
            Some(email) => store.memberships(email).await?,
            None => Vec::new(),
        };
        let workspaces = if memberships.len() > 1 {
            memberships
                .into_iter()
                .map(|m| WorkspaceChoice {
                    current: session.is_some_and(|s| s.organiser.person_id == m.person_id),
                    person_id: m.person_id,
                    name: m.workspace,
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(Frame {
            nav: session.map(|s| Nav {
                owner: s.organiser.may(Action::ManageWorkspace).is_ok(),
            }),
            workspaces,
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

/// An instant for pages that belong to no poll (webhook calls, tokens):
/// in UTC, with its offset written.
pub fn utc_instant(lang: Lang, at: chrono::DateTime<chrono::Utc>) -> String {
    let utc = crate::domain::time::Zone::parse("UTC").expect("UTC is a time zone");
    lang.instant(utc, at)
}

pub fn role_message(role: Role) -> &'static str {
    match role {
        Role::Owner => "console-role-owner",
        Role::Editor => "console-role-editor",
        Role::Viewer => "console-role-viewer",
    }
}

#[derive(Template)]
#[template(path = "console/message.html")]
pub struct MessagePage<'a> {
    pub f: Frame,
    pub heading: String,
    pub text: String,
    pub link: Option<(&'a str, String)>,
}

/// A secret shown once, on the page that answers the form that made it
/// (never in an address): a feed's, a webhook's signing secret, an API
/// token.
#[derive(Template)]
#[template(path = "console/secret.html")]
pub struct SecretPage {
    pub f: Frame,
    pub heading: String,
    pub text: String,
    pub label: String,
    pub secret: String,
    /// A link that opens it (a feed's `webcal://` address).
    pub href: Option<String>,
    pub back: (String, String),
}

pub fn render(t: impl Template) -> String {
    t.render().unwrap_or_else(|e| format!("{e}"))
}

/// A page with the pre-session cookie set when it is new.
pub fn page(status: StatusCode, body: String, binding: &Binding, base: &PublicUrl) -> Response {
    let mut resp = html(status, body);
    if let Some(c) = binding.set_cookie(base)
        && let Ok(v) = c.parse()
    {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

pub fn see_other(location: &str) -> Response {
    secure(
        Response::builder()
            .status(StatusCode::SEE_OTHER)
            .header(header::LOCATION, location)
            .body(Body::empty()),
    )
}

/// A signed-in person whose role does not allow what they asked: 403 with
/// the reason, nothing changed.
pub async fn not_allowed(
    store: &Store,
    lang: Lang,
    binding: &Binding,
    base: &PublicUrl,
    session: &Session,
) -> poem::Result<Response> {
    refused_role(store, lang, binding, base, session, Role::Editor).await
}

/// The not-allowed page for an action that needs `needs`.
async fn refused_role(
    store: &Store,
    lang: Lang,
    binding: &Binding,
    base: &PublicUrl,
    session: &Session,
    needs: Role,
) -> poem::Result<Response> {
    let f = Frame::new(store, lang, binding, Some(session))
        .await
        .map_err(failed)?;
    let text = match needs {
        Role::Owner => "console-not-allowed-owner-text",
        _ => "console-not-allowed-text",
    };
    let body = render(MessagePage {
        f,
        heading: lang.t("console-not-allowed-heading"),
        text: lang.t_with(
            text,
            &[("role", lang.t(role_message(session.organiser.role)).into())],
        ),
        link: Some(("/console", lang.t("console-home-heading"))),
    });
    Ok(page(StatusCode::FORBIDDEN, body, binding, base))
}

/// Something of another workspace, or nothing: the same 404 either way.
pub async fn missing(
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
pub async fn conflict(
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
pub async fn forged(
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

/// The checks every form that changes the workspace passes first, in this
/// order: signed in (else to the sign-in page), the form is our own page's
/// (else 403, nothing read), the role may edit (else 403 with the reason).
/// `Err` is the answer to give instead.
pub async fn editor_form(
    req: &Request,
    store: &Store,
    base: &PublicUrl,
    posted: &Posted,
    lang: Lang,
) -> poem::Result<Result<Session, Response>> {
    form_for(req, store, base, posted, lang, Action::Edit).await
}

/// The same checks as [`editor_form`], for a form whose role rule is
/// `action` (owners' forms: `ManageWorkspace`, `ManageWebhooks`; a form
/// any person of the workspace may send: `Read`).
pub async fn form_for(
    req: &Request,
    store: &Store,
    base: &PublicUrl,
    posted: &Posted,
    lang: Lang,
    action: Action,
) -> poem::Result<Result<Session, Response>> {
    let Some(session) = current(req, store, base).await.map_err(failed)? else {
        return Ok(Err(see_other("/console/sign-in")));
    };
    let binding = Binding::Session(session.id);
    if let Err(why) = check_form(req, store, base, &binding, posted.get("csrf"))
        .await
        .map_err(failed)?
    {
        return forged(store, lang, &binding, base, why).await.map(Err);
    }
    if let Err(why) = session.organiser.may(action) {
        return refused_role(store, lang, &binding, base, &session, needed(why))
            .await
            .map(Err);
    }
    Ok(Ok(session))
}

/// The role a refusal says is needed (a session acts with its person's
/// whole role, so a refusal is always the role's).
fn needed(why: NotAllowed) -> Role {
    match why {
        NotAllowed::Role { needs, .. } => needs,
        _ => Role::Editor,
    }
}

/// A page for those whose role allows `action`: signed in (else to the
/// sign-in page), else the not-allowed page (403).
pub async fn page_for(
    req: &Request,
    store: &Store,
    base: &PublicUrl,
    lang: Lang,
    action: Action,
) -> poem::Result<Result<Session, Response>> {
    let Some(session) = current(req, store, base).await.map_err(failed)? else {
        return Ok(Err(see_other("/console/sign-in")));
    };
    if let Err(why) = session.organiser.may(action) {
        let binding = Binding::Session(session.id);
        return refused_role(store, lang, &binding, base, &session, needed(why))
            .await
            .map(Err);
    }
    Ok(Ok(session))
}
