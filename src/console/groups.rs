//! Rosters from the console: the workspace's groups, a new group from
//! pasted lines (`Name <email>, Zone, language`), pasted CSV or an uploaded
//! CSV file, members added and removed. The text is read by the same rules as addMembers
//! (`domain/roster.rs`), and every line's error is shown before anything is
//! saved.

use askama::Template;
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Body, Request, Response, handler};
use uuid::Uuid;

use super::frame::{
    Frame, NOT_TEXT, Posted, editor_form, failed, lang_of, page, render, see_other,
};
use super::session::{Binding, current};
use crate::domain::FieldError;
use crate::domain::Violations;
use crate::domain::poll::parse_person_name;
use crate::domain::roles::Action;
use crate::domain::roster::{MemberEdit, members_from_text, parse_member_edit};
use crate::error::Error;
use crate::lang::Lang;
use crate::store::Store;
use crate::store::groups::{Group, Member};
use crate::store::sessions::Session;
use crate::web::PublicUrl;

struct LineError {
    field: String,
    message: String,
    /// The element the summary links to.
    anchor: &'static str,
}

/// The roster as sent: an uploaded file's text if one was chosen, else the
/// pasted lines. The file's text is shown back in the box, so that a line
/// in error can be put right there.
fn roster_text(posted: &Posted, lang: Lang) -> (String, Option<LineError>) {
    match posted.get("file") {
        Some(NOT_TEXT) => (
            posted.get("members").unwrap_or("").to_string(),
            Some(LineError {
                field: lang.t("console-group-file"),
                message: lang.t("console-file-not-text"),
                anchor: "file",
            }),
        ),
        Some(file) if !file.trim().is_empty() => (file.to_string(), None),
        _ => (posted.get("members").unwrap_or("").to_string(), None),
    }
}

fn line_errors(errors: Vec<FieldError>) -> Vec<LineError> {
    errors
        .into_iter()
        .map(|e| LineError {
            field: e.field,
            message: e.message,
            anchor: "members",
        })
        .collect()
}

#[derive(Template)]
#[template(path = "console/groups.html")]
struct GroupsPage {
    f: Frame,
    groups: Vec<Group>,
    can_edit: bool,
    name: String,
    members: String,
    name_error: Option<String>,
    errors: Vec<LineError>,
}

struct MemberRow {
    id: Uuid,
    name: String,
    email: String,
    zone: String,
    language: String,
}

#[derive(Template)]
#[template(path = "console/group.html")]
struct GroupPage {
    f: Frame,
    group: Group,
    rows: Vec<MemberRow>,
    can_edit: bool,
    members: String,
    errors: Vec<LineError>,
}

/// The signed-in session, or the answer that sends the browser to sign in.
async fn signed_in(
    req: &Request,
    store: &Store,
    base: &PublicUrl,
) -> poem::Result<Result<Session, Response>> {
    Ok(match current(req, store, base).await.map_err(failed)? {
        Some(s) => Ok(s),
        None => Err(see_other("/console/sign-in")),
    })
}

async fn groups_page(
    store: &Store,
    lang: Lang,
    session: &Session,
    typed: (String, String, Option<String>, Vec<LineError>),
) -> Result<GroupsPage, Error> {
    let binding = Binding::Session(session.id);
    let groups = store
        .list_groups(session.organiser.workspace_id, None, 200)
        .await?;
    let (name, members, name_error, errors) = typed;
    Ok(GroupsPage {
        f: Frame::new(store, lang, &binding, Some(session)).await?,
        groups,
        can_edit: session.organiser.may(Action::Edit).is_ok(),
        name,
        members,
        name_error,
        errors,
    })
}

/// `GET /console/groups`: the groups, and a form for a new one.
#[handler]
pub async fn list(
    req: &Request,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let session = match signed_in(req, &store, &base).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let lang = lang_of(req, None);
    let shown = groups_page(&store, lang, &session, Default::default())
        .await
        .map_err(failed)?;
    Ok(page(
        StatusCode::OK,
        render(shown),
        &Binding::Session(session.id),
        &base,
    ))
}

/// `POST /console/groups`: a new group with its members, or every error.
#[handler]
pub async fn create(
    req: &Request,
    body: Body,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let posted = Posted::read_with_files(req, body).await;
    let lang = lang_of(req, Some(&posted));
    let session = match editor_form(req, &store, &base, &posted, lang).await? {
        Ok(s) => s,
        Err(answer) => return Ok(answer),
    };
    let binding = Binding::Session(session.id);
    let name = posted.get("name").unwrap_or("").to_string();
    let (text, unreadable) = roster_text(&posted, lang);
    let parsed_name = parse_person_name(&name).map_err(|m| m.replace("the name", "the group name"));
    let parsed = match unreadable {
        Some(e) => Err(vec![e]),
        None => members_from_text(&text).map_err(line_errors),
    };
    match (parsed_name, parsed) {
        (Ok(group_name), Ok(members)) => {
            let id = store
                .create_group(session.organiser.workspace_id, &group_name, &members)
                .await
                .map_err(failed)?;
            Ok(see_other(&format!(
                "/console/groups/{id}?lang={}",
                lang.code()
            )))
        }
        (n, m) => {
            let shown = groups_page(
                &store,
                lang,
                &session,
                (name, text, n.err(), m.err().unwrap_or_default()),
            )
            .await
            .map_err(failed)?;
            Ok(page(
                StatusCode::UNPROCESSABLE_ENTITY,
                render(shown),
                &binding,
                &base,
            ))
        }
    }
}

async fn group_page(
    store: &Store,
    lang: Lang,
    session: &Session,
    group_id: Uuid,
    typed: (String, Vec<LineError>),
) -> Result<GroupPage, Error> {
    let binding = Binding::Session(session.id);
    let group = store
        .owned_group(session.organiser.workspace_id, group_id)
        .await?;
    let rows = store
        .members(group.id)
        .await?
        .into_iter()
        .map(|m: Member| MemberRow {
            id: m.id,
            name: m.name,
            email: m.email.unwrap_or_default(),
            zone: m.zone.name().to_string(),
            language: m.language.unwrap_or_default(),
        })
        .collect();
    Ok(GroupPage {
        f: Frame::new(store, lang, &binding, Some(session)).await?,
        group,
        rows,
        can_edit: session.organiser.may(Action::Edit).is_ok(),
        members: typed.0,
        errors: typed.1,
    })
}

/// Another workspace's group, or none: the same 404 page.
async fn shown_or_missing(
    result: Result<GroupPage, Error>,
    store: &Store,
    lang: Lang,
    session: &Session,
    base: &PublicUrl,
    status: StatusCode,
) -> poem::Result<Response> {
    let binding = Binding::Session(session.id);
    match result {
        Ok(p) => Ok(page(status, render(p), &binding, base)),
        Err(Error::NotFound(_)) => {
            super::frame::missing(store, lang, &binding, base, session).await
        }
        Err(e) => Err(failed(e)),
    }
}

/// `GET /console/groups/{id}`: the members, and forms to add and remove.
#[handler]
pub async fn show(
    req: &Request,
    Path(group_id): Path<String>,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let session = match signed_in(req, &store, &base).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let lang = lang_of(req, None);
    let Ok(group_id) = Uuid::parse_str(&group_id) else {
        return super::frame::missing(&store, lang, &Binding::Session(session.id), &base, &session)
            .await;
    };
    let shown = group_page(&store, lang, &session, group_id, Default::default()).await;
    shown_or_missing(shown, &store, lang, &session, &base, StatusCode::OK).await
}

/// `POST /console/groups/{id}/members`: more members, or every error.
#[handler]
pub async fn add(
    req: &Request,
    Path(group_id): Path<String>,
    body: Body,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let posted = Posted::read_with_files(req, body).await;
    let lang = lang_of(req, Some(&posted));
    let session = match editor_form(req, &store, &base, &posted, lang).await? {
        Ok(s) => s,
        Err(answer) => return Ok(answer),
    };
    let binding = Binding::Session(session.id);
    let Ok(group_id) = Uuid::parse_str(&group_id) else {
        return super::frame::missing(&store, lang, &binding, &base, &session).await;
    };
    let (text, unreadable) = roster_text(&posted, lang);
    let parsed = match unreadable {
        Some(e) => Err(vec![e]),
        None => members_from_text(&text).map_err(line_errors),
    };
    match parsed {
        Ok(members) => {
            match store
                .add_members(session.organiser.workspace_id, group_id, &members)
                .await
            {
                Ok(_) => Ok(see_other(&format!(
                    "/console/groups/{group_id}?lang={}",
                    lang.code()
                ))),
                Err(Error::NotFound(_)) => {
                    super::frame::missing(&store, lang, &binding, &base, &session).await
                }
                Err(e) => Err(failed(e)),
            }
        }
        Err(errors) => {
            let shown = group_page(&store, lang, &session, group_id, (text, errors)).await;
            shown_or_missing(
                shown,
                &store,
                lang,
                &session,
                &base,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /console/groups/{id}/members/{member_id}/remove`.
#[handler]
pub async fn remove(
    req: &Request,
    Path((group_id, member_id)): Path<(String, String)>,
    body: Body,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let posted = Posted::read(body).await;
    let lang = lang_of(req, Some(&posted));
    let session = match editor_form(req, &store, &base, &posted, lang).await? {
        Ok(s) => s,
        Err(answer) => return Ok(answer),
    };
    let binding = Binding::Session(session.id);
    let (Ok(group_id), Ok(member_id)) = (Uuid::parse_str(&group_id), Uuid::parse_str(&member_id))
    else {
        return super::frame::missing(&store, lang, &binding, &base, &session).await;
    };
    match store
        .remove_member(session.organiser.workspace_id, group_id, member_id)
        .await
    {
        Ok(()) => Ok(see_other(&format!(
            "/console/groups/{group_id}?lang={}",
            lang.code()
        ))),
        Err(Error::NotFound(_)) => {
            super::frame::missing(&store, lang, &binding, &base, &session).await
        }
        Err(e) => Err(failed(e)),
    }
}

/// A field of the member form.
struct MemberField {
    name: &'static str,
    label: String,
    hint: String,
    value: String,
    error: Option<String>,
    dir: &'static str,
}

#[derive(Template)]
#[template(path = "console/member.html")]
struct MemberPage {
    f: Frame,
    group: Group,
    member_id: Uuid,
    heading: String,
    fields: Vec<MemberField>,
    errors: Vec<FieldError>,
}

/// The member form: the fields as stored, or as typed with their errors.
fn member_page(
    f: Frame,
    group: Group,
    member: &Member,
    typed: Option<&Posted>,
    errors: Vec<FieldError>,
) -> MemberPage {
    let lang = f.lang;
    let stored = [
        member.name.clone(),
        member.email.clone().unwrap_or_default(),
        member.zone.name().to_string(),
        member.social_hours.start.format("%H:%M").to_string(),
        member.social_hours.end.format("%H:%M").to_string(),
        member.language.clone().unwrap_or_default(),
    ];
    // The API's field names, so its errors land beside their fields.
    let names = [
        ("name", "console-member-name", "", "auto"),
        (
            "email",
            "console-email-label",
            "console-member-email-hint",
            "ltr",
        ),
        (
            "time_zone",
            "console-member-zone",
            "console-hint-time-zone",
            "ltr",
        ),
        (
            "social_hours_start",
            "console-social-start",
            "console-social-hint",
            "ltr",
        ),
        ("social_hours_end", "console-social-end", "", "ltr"),
        (
            "language",
            "console-member-language",
            "console-member-language-hint",
            "ltr",
        ),
    ];
    let fields = names
        .iter()
        .zip(stored)
        .map(|(&(name, label, hint, dir), value)| MemberField {
            name,
            label: lang.t(label),
            hint: if hint.is_empty() {
                String::new()
            } else {
                lang.t(hint)
            },
            value: typed
                .and_then(|p| p.get(name))
                .map_or(value, str::to_string),
            error: errors
                .iter()
                .find(|e| e.field == name)
                .map(|e| e.message.clone()),
            dir,
        })
        .collect();
    MemberPage {
        f,
        group,
        member_id: member.id,
        heading: member.name.clone(),
        fields,
        errors,
    }
}

/// The workspace's group and its member, or the 404 page.
async fn group_and_member(
    store: &Store,
    session: &Session,
    group_id: &str,
    member_id: &str,
) -> Result<Option<(Group, Member)>, Error> {
    let (Ok(group_id), Ok(member_id)) = (Uuid::parse_str(group_id), Uuid::parse_str(member_id))
    else {
        return Ok(None);
    };
    let group = match store
        .owned_group(session.organiser.workspace_id, group_id)
        .await
    {
        Ok(g) => g,
        Err(Error::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let member = store
        .members(group.id)
        .await?
        .into_iter()
        .find(|m| m.id == member_id);
    Ok(member.map(|m| (group, m)))
}

/// `GET /console/groups/{id}/members/{member_id}`: the member's form.
#[handler]
pub async fn member_form(
    req: &Request,
    Path((group_id, member_id)): Path<(String, String)>,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let session = match signed_in(req, &store, &base).await? {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let lang = lang_of(req, None);
    let binding = Binding::Session(session.id);
    if session.organiser.may(Action::Edit).is_err() {
        return super::frame::not_allowed(&store, lang, &binding, &base, &session).await;
    }
    let Some((group, member)) = group_and_member(&store, &session, &group_id, &member_id)
        .await
        .map_err(failed)?
    else {
        return super::frame::missing(&store, lang, &binding, &base, &session).await;
    };
    let f = Frame::new(&store, lang, &binding, Some(&session))
        .await
        .map_err(failed)?;
    Ok(page(
        StatusCode::OK,
        render(member_page(f, group, &member, None, Vec::new())),
        &binding,
        &base,
    ))
}

/// `POST /console/groups/{id}/members/{member_id}`: saves the member by
/// updateMember's rules (a changed zone or social hours moves their open
/// invitations' counts too), or shows every error, nothing saved.
#[handler]
pub async fn update_member(
    req: &Request,
    Path((group_id, member_id)): Path<(String, String)>,
    body: Body,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let posted = Posted::read(body).await;
    let lang = lang_of(req, Some(&posted));
    let session = match editor_form(req, &store, &base, &posted, lang).await? {
        Ok(s) => s,
        Err(answer) => return Ok(answer),
    };
    let binding = Binding::Session(session.id);
    let Some((group, member)) = group_and_member(&store, &session, &group_id, &member_id)
        .await
        .map_err(failed)?
    else {
        return super::frame::missing(&store, lang, &binding, &base, &session).await;
    };
    let mut v = Violations::default();
    let patch = parse_member_edit(
        &MemberEdit {
            name: posted.get("name"),
            email: posted.get("email"),
            time_zone: posted.get("time_zone"),
            social_start: posted.get("social_hours_start"),
            social_end: posted.get("social_hours_end"),
            language: posted.get("language"),
        },
        &mut v,
    );
    let errors = match v.into_result() {
        Ok(()) => match store
            .update_member(session.organiser.workspace_id, group.id, member.id, patch)
            .await
        {
            Ok(_) => {
                return Ok(see_other(&format!(
                    "/console/groups/{}?lang={}",
                    group.id,
                    lang.code()
                )));
            }
            Err(Error::Invalid(errors)) => errors,
            Err(Error::NotFound(_)) => {
                return super::frame::missing(&store, lang, &binding, &base, &session).await;
            }
            Err(e) => return Err(failed(e)),
        },
        Err(errors) => errors,
    };
    let f = Frame::new(&store, lang, &binding, Some(&session))
        .await
        .map_err(failed)?;
    Ok(page(
        StatusCode::UNPROCESSABLE_ENTITY,
        render(member_page(f, group, &member, Some(&posted), errors)),
        &binding,
        &base,
    ))
}
