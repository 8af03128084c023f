//! The workspace's people and API tokens from the console, for owners:
//! people with their roles, added (mailed a sign-in link, as addPerson),
//! given another role and removed (updatePerson, removePerson: never the
//! last owner); tokens listed without their secret, created (the secret
//! shown once, on the answer to the form) and revoked. The rules are the
//! API's (`domain::roles`, `domain::roster`, `store::workspaces`); others
//! get the not-allowed page, and their forms change nothing.

use askama::Template;
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Body, Request, Response, handler};
use uuid::Uuid;

use super::frame::{
    Frame, Posted, SecretPage, conflict, failed, form_for, lang_of, missing, page, page_for,
    query_of, render, role_message, see_other, utc_instant,
};
use super::session::Binding;
use crate::domain::Violations;
use crate::domain::poll::parse_person_name;
use crate::domain::roles::{Action, Role, Scope};
use crate::domain::roster::{parse_language, parse_required_email};
use crate::error::Error;
use crate::lang::{Lang, filters};
use crate::store::Store;
use crate::store::sessions::Session;
use crate::store::workspaces::PersonPatch;
use crate::web::PublicUrl;

struct Choice {
    value: &'static str,
    label: String,
    selected: bool,
}

fn roles(lang: Lang, chosen: Role) -> Vec<Choice> {
    [Role::Owner, Role::Editor, Role::Viewer]
        .into_iter()
        .map(|r| Choice {
            value: r.as_str(),
            label: lang.t(role_message(r)),
            selected: r == chosen,
        })
        .collect()
}

struct PersonRow {
    id: Uuid,
    name: String,
    email: String,
    role: String,
    roles: Vec<Choice>,
    you: bool,
}

/// A form's errors, by field.
#[derive(Default)]
struct Errors(Vec<(String, String)>);

impl Errors {
    fn of(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

#[derive(Template)]
#[template(path = "console/people.html")]
struct PeoplePage {
    f: Frame,
    people: Vec<PersonRow>,
    notice: Option<String>,
    email: String,
    name: String,
    roles: Vec<Choice>,
    languages: Vec<Choice>,
    errors: Errors,
}

/// What the add form held.
struct Typed {
    email: String,
    name: String,
    role: Role,
    language: String,
    errors: Errors,
}

impl Typed {
    fn blank(lang: Lang) -> Self {
        Typed {
            email: String::new(),
            name: String::new(),
            role: Role::Editor,
            language: lang.code().to_string(),
            errors: Errors::default(),
        }
    }
}

async fn people_page(
    store: &Store,
    lang: Lang,
    session: &Session,
    typed: Typed,
    notice: Option<String>,
) -> Result<PeoplePage, Error> {
    let binding = Binding::Session(session.id);
    let workspace = store.workspace(session.organiser.workspace_id).await?;
    Ok(PeoplePage {
        f: Frame::new(store, lang, &binding, Some(session)).await?,
        people: workspace
            .people
            .into_iter()
            .map(|p| PersonRow {
                you: p.id == session.organiser.person_id,
                id: p.id,
                name: p.name,
                email: p.email.unwrap_or_default(),
                role: lang.t(role_message(p.role)),
                roles: roles(lang, p.role),
            })
            .collect(),
        notice,
        email: typed.email,
        name: typed.name,
        roles: roles(lang, typed.role),
        languages: Lang::ALL
            .into_iter()
            .map(|l| Choice {
                value: l.code(),
                label: l.endonym().to_string(),
                selected: l.code() == typed.language,
            })
            .collect(),
        errors: typed.errors,
    })
}

fn notice(req: &Request, lang: Lang) -> Option<String> {
    let id = match query_of(req).get("done").map(String::as_str) {
        Some("added") => "console-person-added",
        Some("role") => "console-person-changed",
        Some("removed") => "console-person-removed",
        Some("revoked") => "console-token-revoked",
        _ => return None,
    };
    Some(lang.t(id))
}

/// `GET /console/people`.
#[handler]
pub(super) async fn list_people(
    req: &Request,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let lang = lang_of(req, None);
    let session = match page_for(req, &store, &base, lang, Action::ManageWorkspace).await? {
        Ok(s) => s,
        Err(answer) => return Ok(answer),
    };
    let shown = people_page(
        &store,
        lang,
        &session,
        Typed::blank(lang),
        notice(req, lang),
    )
    .await
    .map_err(failed)?;
    Ok(page(
        StatusCode::OK,
        render(shown),
        &Binding::Session(session.id),
        &base,
    ))
}

/// `POST /console/people`: a new person, mailed a sign-in link (addPerson).
#[handler]
pub(super) async fn add_person(
    req: &Request,
    body: Body,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let posted = Posted::read(body).await;
    let lang = lang_of(req, Some(&posted));
    let session = match form_for(req, &store, &base, &posted, lang, Action::ManageWorkspace).await?
    {
        Ok(s) => s,
        Err(answer) => return Ok(answer),
    };
    let binding = Binding::Session(session.id);
    let field = |name: &str| posted.get(name).unwrap_or("").to_string();
    let mut typed = Typed {
        email: field("email"),
        name: field("name"),
        role: Role::parse(&field("role")).unwrap_or(Role::Editor),
        language: field("language"),
        errors: Errors::default(),
    };
    let mut v = Violations::default();
    let email = v.check("email", parse_required_email(&typed.email));
    let name = v.check("name", parse_person_name(&typed.name));
    let role = v.check(
        "role",
        Role::parse(&field("role")).ok_or_else(|| "not a role".to_string()),
    );
    let language = v.check("language", parse_language(&typed.language));
    let status = match (v.into_result(), email, name, role, language) {
        (Ok(()), Some(email), Some(name), Some(role), Some(language)) => {
            // The person's mail is in the language chosen for them.
            let mail_lang = Lang::negotiate(language.as_deref(), None, None);
            match store
                .add_person(
                    session.organiser.workspace_id,
                    &email,
                    &name,
                    role,
                    mail_lang.code(),
                )
                .await
            {
                Ok(_) => {
                    return Ok(see_other(&format!(
                        "/console/people?lang={}&done=added",
                        lang.code()
                    )));
                }
                Err(Error::Conflict(why)) => {
                    typed.errors.0.push(("email".into(), why));
                    StatusCode::CONFLICT
                }
                Err(e) => return Err(failed(e)),
            }
        }
        (Err(errors), ..) => {
            typed.errors.0 = errors.into_iter().map(|e| (e.field, e.message)).collect();
            StatusCode::UNPROCESSABLE_ENTITY
        }
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let shown = people_page(&store, lang, &session, typed, None)
        .await
        .map_err(failed)?;
    Ok(page(status, render(shown), &binding, &base))
}

/// A refusal of the store as the console answers it: not found (404) or
/// the reason the present state forbids it (409).
async fn refused(
    e: Error,
    store: &Store,
    lang: Lang,
    session: &Session,
    base: &PublicUrl,
) -> poem::Result<Response> {
    let binding = Binding::Session(session.id);
    match e {
        Error::NotFound(_) => missing(store, lang, &binding, base, session).await,
        Error::Conflict(why) => conflict(store, lang, &binding, base, session, &why).await,
        e => Err(failed(e)),
    }
}

/// `POST /console/people/{id}/role` (updatePerson; never the last owner).
#[handler]
pub(super) async fn change_role(
    req: &Request,
    Path(person_id): Path<String>,
    body: Body,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let posted = Posted::read(body).await;
    let lang = lang_of(req, Some(&posted));
    let session = match form_for(req, &store, &base, &posted, lang, Action::ManageWorkspace).await?
    {
        Ok(s) => s,
        Err(answer) => return Ok(answer),
    };
    let (Ok(person_id), Some(role)) = (
        person_id.parse::<Uuid>(),
        posted.get("role").and_then(Role::parse),
    ) else {
        return missing(&store, lang, &Binding::Session(session.id), &base, &session).await;
    };
    let patch = PersonPatch {
        role: Some(role),
        ..PersonPatch::default()
    };
    match store
        .update_person(session.organiser.workspace_id, person_id, patch)
        .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/console/people?lang={}&done=role",
            lang.code()
        ))),
        Err(e) => refused(e, &store, lang, &session, &base).await,
    }
}

/// `POST /console/people/{id}/remove` (removePerson; never the last owner).
#[handler]
pub(super) async fn remove_person(
    req: &Request,
    Path(person_id): Path<String>,
    body: Body,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let posted = Posted::read(body).await;
    let lang = lang_of(req, Some(&posted));
    let session = match form_for(req, &store, &base, &posted, lang, Action::ManageWorkspace).await?
    {
        Ok(s) => s,
        Err(answer) => return Ok(answer),
    };
    let Ok(person_id) = person_id.parse::<Uuid>() else {
        return missing(&store, lang, &Binding::Session(session.id), &base, &session).await;
    };
    match store
        .remove_person(session.organiser.workspace_id, person_id)
        .await
    {
        // Removing oneself ends one's own session too.
        Ok(()) if person_id == session.organiser.person_id => Ok(see_other("/console/sign-in")),
        Ok(()) => Ok(see_other(&format!(
            "/console/people?lang={}&done=removed",
            lang.code()
        ))),
        Err(e) => refused(e, &store, lang, &session, &base).await,
    }
}

struct TokenRow {
    id: Uuid,
    name: String,
    scope: String,
    person: String,
    created: String,
    last_used: Option<String>,
}

#[derive(Template)]
#[template(path = "console/tokens.html")]
struct TokensPage {
    f: Frame,
    tokens: Vec<TokenRow>,
    notice: Option<String>,
    name: String,
    scope: &'static str,
    people: Vec<PersonChoice>,
    errors: Errors,
}

struct PersonChoice {
    id: Uuid,
    name: String,
    selected: bool,
}

async fn tokens_page(
    store: &Store,
    lang: Lang,
    session: &Session,
    typed: (String, Scope, Option<Uuid>, Errors),
    notice: Option<String>,
) -> Result<TokensPage, Error> {
    let binding = Binding::Session(session.id);
    let workspace = store.workspace(session.organiser.workspace_id).await?;
    let tokens = store
        .list_api_tokens(session.organiser.workspace_id, None)
        .await?;
    let name_of = |id: Uuid| {
        workspace
            .people
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    };
    let (name, scope, person, errors) = typed;
    let person = person.unwrap_or(session.organiser.person_id);
    Ok(TokensPage {
        f: Frame::new(store, lang, &binding, Some(session)).await?,
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow {
                id: t.id,
                person: name_of(t.person_id),
                name: t.name,
                scope: lang.t(scope_message(t.scope)),
                created: utc_instant(lang, t.created_at),
                last_used: t.last_used_at.map(|at| utc_instant(lang, at)),
            })
            .collect(),
        notice,
        name,
        scope: scope.as_str(),
        people: workspace
            .people
            .iter()
            .map(|p| PersonChoice {
                id: p.id,
                name: p.name.clone(),
                selected: p.id == person,
            })
            .collect(),
        errors,
    })
}

fn scope_message(scope: Scope) -> &'static str {
    match scope {
        Scope::Read => "console-token-scope-read",
        Scope::Write => "console-token-scope-write",
    }
}

/// `GET /console/tokens`.
#[handler]
pub(super) async fn list_tokens(
    req: &Request,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let lang = lang_of(req, None);
    let session = match page_for(req, &store, &base, lang, Action::ManageWorkspace).await? {
        Ok(s) => s,
        Err(answer) => return Ok(answer),
    };
    let typed = (String::new(), Scope::Read, None, Errors::default());
    let shown = tokens_page(&store, lang, &session, typed, notice(req, lang))
        .await
        .map_err(failed)?;
    Ok(page(
        StatusCode::OK,
        render(shown),
        &Binding::Session(session.id),
        &base,
    ))
}

/// `POST /console/tokens`: a new token (createApiToken), its secret on
/// this answer only.
#[handler]
pub(super) async fn create_token(
    req: &Request,
    body: Body,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let posted = Posted::read(body).await;
    let lang = lang_of(req, Some(&posted));
    let session = match form_for(req, &store, &base, &posted, lang, Action::ManageWorkspace).await?
    {
        Ok(s) => s,
        Err(answer) => return Ok(answer),
    };
    let binding = Binding::Session(session.id);
    let typed_name = posted.get("name").unwrap_or("").to_string();
    let mut v = Violations::default();
    let name = v.check("name", parse_person_name(&typed_name));
    let scope = v.check(
        "scope",
        posted
            .get("scope")
            .and_then(Scope::parse)
            .ok_or_else(|| "read or write".to_string()),
    );
    let person = match posted.get("person_id").filter(|p| !p.is_empty()) {
        None => Some(session.organiser.person_id),
        Some(p) => v.check(
            "person_id",
            p.parse::<Uuid>()
                .map_err(|_| "not a person of the workspace".to_string()),
        ),
    };
    let mut errors = Errors::default();
    match v.into_result() {
        Err(list) => errors.0 = list.into_iter().map(|e| (e.field, e.message)).collect(),
        Ok(()) => {
            let (name, scope, person) = (
                name.clone().expect("checked"),
                scope.expect("checked"),
                person.expect("checked"),
            );
            match store
                .create_api_token(session.organiser.workspace_id, person, &name, scope)
                .await
            {
                Ok((_, _, secret)) => {
                    let shown = SecretPage {
                        f: Frame::new(&store, lang, &binding, Some(&session))
                            .await
                            .map_err(failed)?,
                        heading: lang.t("console-token-created-heading"),
                        text: lang.t("console-token-created-text"),
                        label: lang.t("console-token-secret"),
                        secret,
                        href: None,
                        back: (
                            format!("/console/tokens?lang={}", lang.code()),
                            lang.t("console-tokens-heading"),
                        ),
                    };
                    return Ok(page(StatusCode::OK, render(shown), &binding, &base));
                }
                Err(Error::NotFound(_)) => errors
                    .0
                    .push(("person_id".into(), "not a person of the workspace".into())),
                Err(e) => return Err(failed(e)),
            }
        }
    }
    let typed = (typed_name, scope.unwrap_or(Scope::Read), person, errors);
    let shown = tokens_page(&store, lang, &session, typed, None)
        .await
        .map_err(failed)?;
    Ok(page(
        StatusCode::UNPROCESSABLE_ENTITY,
        render(shown),
        &binding,
        &base,
    ))
}

/// `POST /console/tokens/{id}/revoke` (revokeApiToken): refused by the API
/// from now on.
#[handler]
pub(super) async fn revoke_token(
    req: &Request,
    Path(token_id): Path<String>,
    body: Body,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let posted = Posted::read(body).await;
    let lang = lang_of(req, Some(&posted));
    let session = match form_for(req, &store, &base, &posted, lang, Action::ManageWorkspace).await?
    {
        Ok(s) => s,
        Err(answer) => return Ok(answer),
    };
    let Ok(token_id) = token_id.parse::<Uuid>() else {
        return missing(&store, lang, &Binding::Session(session.id), &base, &session).await;
    };
    let revoked = match store
        .api_token(session.organiser.workspace_id, token_id)
        .await
    {
        Ok(t) => store.revoke_api_token(t.id).await,
        Err(e) => Err(e),
    };
    match revoked {
        Ok(()) => Ok(see_other(&format!(
            "/console/tokens?lang={}&done=revoked",
            lang.code()
        ))),
        Err(e) => refused(e, &store, lang, &session, &base).await,
    }
}
