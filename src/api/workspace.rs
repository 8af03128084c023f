//! The workspace: its name and reply address, its people with their roles,
//! and their personal API tokens. Who may do what is `domain::roles`; this
//! file only translates.

use poem::web::Data;
use poem_openapi::{
    ApiResponse, Enum, Object, OpenApi, param::Path, payload::Json, types::MaybeUndefined,
};
use serde::Deserialize;
use uuid::Uuid;

use super::auth::OrganiserToken;
use super::body::JsonBody;
use super::error::error_responses;
use super::tags::ApiTags;
use super::types::{Email, Instant, Language, Name, plain};
use super::views::Deleted;
use crate::domain::Violations;
use crate::domain::poll::parse_person_name;
use crate::domain::roles::{self as dr, Action};
use crate::domain::roster::{parse_email, parse_required_email};
use crate::domain::time::render_utc;
use crate::error::Error;
use crate::store::Store;
use crate::store::workspaces::{self as sw, PersonPatch, WorkspacePatch};

/// A person's role in the workspace: `owner` (everything, including people
/// and API tokens), `editor` (polls, groups, invitations, mail, confirm),
/// `viewer` (reads polls, results and history; never a personal vote link,
/// feed address, webhook secret or API token).
#[derive(Enum, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Editor,
    Viewer,
}

impl From<Role> for dr::Role {
    fn from(r: Role) -> Self {
        match r {
            Role::Owner => dr::Role::Owner,
            Role::Editor => dr::Role::Editor,
            Role::Viewer => dr::Role::Viewer,
        }
    }
}

impl From<dr::Role> for Role {
    fn from(r: dr::Role) -> Self {
        match r {
            dr::Role::Owner => Role::Owner,
            dr::Role::Editor => Role::Editor,
            dr::Role::Viewer => Role::Viewer,
        }
    }
}

/// What a token may do: `read` only reads (every write answers 403);
/// `write` does what its person's role allows.
#[derive(Enum, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Read,
    Write,
}

impl From<Scope> for dr::Scope {
    fn from(s: Scope) -> Self {
        match s {
            Scope::Read => dr::Scope::Read,
            Scope::Write => dr::Scope::Write,
        }
    }
}

impl From<dr::Scope> for Scope {
    fn from(s: dr::Scope) -> Self {
        match s {
            dr::Scope::Read => Scope::Read,
            dr::Scope::Write => Scope::Write,
        }
    }
}

/// A person of the workspace.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct PersonView {
    pub id: Uuid,
    /// Their address (how they will sign in); absent only for a person
    /// carried over from a single-organiser account, until an owner sets it.
    #[oai(skip_serializing_if_is_none)]
    pub email: Option<String>,
    pub name: String,
    pub role: Role,
    pub created_at: Instant,
}

/// The workspace (a secretariat): its name, where replies go, its people.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct WorkspaceView {
    pub id: Uuid,
    /// Shown as the sender's name of every mail (`From: "IGF Secretariat"`).
    pub name: String,
    /// Where members' replies go: mail `Reply-To`, and the ORGANIZER of
    /// calendar invitations. Absent: the service's own address.
    #[oai(skip_serializing_if_is_none)]
    pub reply_to: Option<String>,
    pub people: Vec<PersonView>,
}

/// Changes to the workspace; fields left out stay as they are.
#[derive(Object, Deserialize, Debug, Clone, Default)]
#[oai(rename_all = "snake_case", example)]
#[serde(deny_unknown_fields)]
pub struct UpdateWorkspaceRequest {
    #[serde(default)]
    pub name: MaybeUndefined<Name>,
    /// `null` removes it (replies go to the service's address).
    #[serde(default)]
    #[oai(nullable)]
    pub reply_to: MaybeUndefined<Email>,
}

/// A new person of the workspace.
#[derive(Object, Deserialize, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
#[serde(deny_unknown_fields)]
pub struct AddPersonRequest {
    pub email: Email,
    pub name: Name,
    pub role: Role,
    /// BCP 47 tag of the language their sign-in mail is written in
    /// (default: English).
    #[serde(default)]
    pub language: Option<Language>,
}

/// Changes to a person; fields left out stay as they are.
#[derive(Object, Deserialize, Debug, Clone, Default)]
#[oai(rename_all = "snake_case", example)]
#[serde(deny_unknown_fields)]
pub struct UpdatePersonRequest {
    #[serde(default)]
    pub email: MaybeUndefined<Email>,
    #[serde(default)]
    pub name: MaybeUndefined<Name>,
    #[serde(default)]
    pub role: MaybeUndefined<Role>,
}

/// A new API token.
#[derive(Object, Deserialize, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenRequest {
    /// What it is for, e.g. "reminder script".
    pub name: Name,
    pub scope: Scope,
    /// Owners only: issue it to another person of the workspace. Left out,
    /// the token is the caller's own.
    #[oai(skip_serializing_if_is_none)]
    pub person_id: Option<Uuid>,
}

impl poem_openapi::types::Example for UpdateWorkspaceRequest {
    fn example() -> Self {
        UpdateWorkspaceRequest {
            name: MaybeUndefined::Value("IGF Secretariat".into()),
            reply_to: MaybeUndefined::Value("secretariat@intgovforum.example".into()),
        }
    }
}

impl poem_openapi::types::Example for AddPersonRequest {
    fn example() -> Self {
        AddPersonRequest {
            email: "chengetai@intgovforum.example".into(),
            name: "Chengetai".into(),
            role: Role::Editor,
            language: Some("en".into()),
        }
    }
}

impl poem_openapi::types::Example for UpdatePersonRequest {
    fn example() -> Self {
        UpdatePersonRequest {
            role: MaybeUndefined::Value(Role::Owner),
            ..Default::default()
        }
    }
}

impl poem_openapi::types::Example for CreateTokenRequest {
    fn example() -> Self {
        CreateTokenRequest {
            name: "reminder script".into(),
            scope: Scope::Write,
            person_id: None,
        }
    }
}

/// An API token, never with its secret.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case")]
pub struct TokenView {
    pub id: Uuid,
    pub name: String,
    pub scope: Scope,
    /// The person it acts as.
    pub person_id: Uuid,
    pub created_at: Instant,
    /// To the minute.
    #[oai(skip_serializing_if_is_none)]
    pub last_used_at: Option<Instant>,
}

/// A new API token with its secret, shown only now.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct TokenCreatedView {
    /// The secret (`cvn_org_…`): send it as `Authorization: Bearer …`.
    /// Only its hash is kept; it is never shown again.
    pub token: String,
    pub id: Uuid,
    pub name: String,
    pub scope: Scope,
    pub person_id: Uuid,
    pub created_at: Instant,
}

#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct TokenList {
    pub tokens: Vec<TokenView>,
}

const AT: &str = "2026-06-01T09:00:00Z";

fn example_person(n: u128, name: &str, role: Role) -> PersonView {
    PersonView {
        id: Uuid::from_u128(0x019ac0de_5a1e_7c4e_9b1a_3f2d5e6a7c00 + n),
        email: Some(format!("{}@intgovforum.example", name.to_lowercase())),
        name: name.into(),
        role,
        created_at: Instant(AT.into()),
    }
}

fn example_token() -> TokenView {
    TokenView {
        id: Uuid::from_u128(0x019ac0de_5a1e_7c4e_9b1a_3f2d5e6a7d01),
        name: "reminder script".into(),
        scope: Scope::Write,
        person_id: example_person(1, "Chengetai", Role::Editor).id,
        created_at: Instant(AT.into()),
        last_used_at: Some(Instant("2026-06-02T07:30:00Z".into())),
    }
}

impl poem_openapi::types::Example for PersonView {
    fn example() -> Self {
        example_person(1, "Chengetai", Role::Editor)
    }
}

impl poem_openapi::types::Example for WorkspaceView {
    fn example() -> Self {
        WorkspaceView {
            id: Uuid::from_u128(0x019ac0de_5a1e_7c4e_9b1a_3f2d5e6a7b00),
            name: "IGF Secretariat".into(),
            reply_to: Some("secretariat@intgovforum.example".into()),
            people: vec![
                example_person(0, "Anja", Role::Owner),
                example_person(1, "Chengetai", Role::Editor),
                example_person(2, "Luis", Role::Viewer),
            ],
        }
    }
}

impl poem_openapi::types::Example for TokenCreatedView {
    fn example() -> Self {
        let t = example_token();
        TokenCreatedView {
            token: format!("cvn_org_{}", "0".repeat(64)),
            id: t.id,
            name: t.name,
            scope: t.scope,
            person_id: t.person_id,
            created_at: t.created_at,
        }
    }
}

impl poem_openapi::types::Example for TokenList {
    fn example() -> Self {
        TokenList {
            tokens: vec![example_token()],
        }
    }
}

#[derive(ApiResponse)]
pub enum WorkspaceRead {
    /// The workspace.
    #[oai(status = 200, content_type = "application/json")]
    Ok(Json<WorkspaceView>),
}

#[derive(ApiResponse)]
pub enum PersonCreated {
    /// The person was added.
    #[oai(status = 201, content_type = "application/json")]
    Created(Json<PersonView>),
}

#[derive(ApiResponse)]
pub enum PersonRead {
    /// The person, changed.
    #[oai(status = 200, content_type = "application/json")]
    Ok(Json<PersonView>),
}

#[derive(ApiResponse)]
pub enum TokenCreated {
    /// The token, with its secret shown only now.
    #[oai(status = 201, content_type = "application/json")]
    Created(Json<TokenCreatedView>),
}

#[derive(ApiResponse)]
pub enum TokensRead {
    /// The tokens, oldest first, without their secrets.
    #[oai(status = 200, content_type = "application/json")]
    Ok(Json<TokenList>),
}

error_responses!(WorkspaceReadError {
    Unauthorized = 401: "No valid organiser token.",
});

error_responses!(UpdateWorkspaceError {
    BadRequest = 400: "The body is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    Forbidden = 403: "A read token, or a role other than owner.",
    Conflict = 409: "Another workspace has this name.",
    PayloadTooLarge = 413: "The body is too large.",
    UnsupportedMediaType = 415: "The body is not JSON.",
    Unprocessable = 422: "A field is invalid; `errors` names each one.",
});

error_responses!(AddPersonError {
    BadRequest = 400: "The body is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    Forbidden = 403: "A read token, or a role other than owner.",
    Conflict = 409: "A person with this email is in the workspace already.",
    PayloadTooLarge = 413: "The body is too large.",
    UnsupportedMediaType = 415: "The body is not JSON.",
    Unprocessable = 422: "A field is invalid; `errors` names each one.",
});

error_responses!(UpdatePersonError {
    BadRequest = 400: "The body or a parameter is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    Forbidden = 403: "A read token, or a role other than owner.",
    NotFound = 404: "No such person in your workspace.",
    Conflict = 409: "The last owner cannot be demoted, or the email is taken.",
    PayloadTooLarge = 413: "The body is too large.",
    UnsupportedMediaType = 415: "The body is not JSON.",
    Unprocessable = 422: "A field is invalid; `errors` names each one.",
});

error_responses!(RemovePersonError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    Forbidden = 403: "A read token, or a role other than owner.",
    NotFound = 404: "No such person in your workspace.",
    Conflict = 409: "The last owner cannot be removed.",
});

error_responses!(CreateTokenError {
    BadRequest = 400: "The body is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    Forbidden = 403: "A read token, a viewer, or (for another person) a role other than owner.",
    NotFound = 404: "No such person in your workspace.",
    PayloadTooLarge = 413: "The body is too large.",
    UnsupportedMediaType = 415: "The body is not JSON.",
    Unprocessable = 422: "A field is invalid; `errors` names each one.",
});

error_responses!(ListTokensError {
    Unauthorized = 401: "No valid organiser token.",
});

error_responses!(RevokeTokenError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    Forbidden = 403: "A read token, or another person's token and a role other than owner.",
    NotFound = 404: "No such token in your workspace.",
});

fn person_view(p: sw::Person) -> PersonView {
    PersonView {
        id: p.id,
        email: p.email,
        name: p.name,
        role: p.role.into(),
        created_at: Instant(render_utc(p.created_at)),
    }
}

fn workspace_view(w: sw::Workspace) -> WorkspaceView {
    WorkspaceView {
        id: w.id,
        name: w.name,
        reply_to: w.reply_to,
        people: w.people.into_iter().map(person_view).collect(),
    }
}

fn token_view(t: sw::ApiToken) -> TokenView {
    TokenView {
        id: t.id,
        name: t.name,
        scope: t.scope.into(),
        person_id: t.person_id,
        created_at: Instant(render_utc(t.created_at)),
        last_used_at: t.last_used_at.map(|at| Instant(render_utc(at))),
    }
}

pub struct WorkspaceApi;

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Workspace")]
impl WorkspaceApi {
    /// Read your workspace
    ///
    /// Its name, reply address and people with their roles; for any person
    /// of the workspace.
    #[oai(path = "/workspace", method = "get", operation_id = "getWorkspace")]
    async fn get_workspace(
        &self,
        store: Data<&Store>,
        auth: OrganiserToken,
    ) -> Result<WorkspaceRead, WorkspaceReadError> {
        auth.0.may(Action::Read)?;
        let w = store.workspace(auth.0.workspace_id).await?;
        Ok(WorkspaceRead::Ok(Json(workspace_view(w))))
    }

    /// Change your workspace
    ///
    /// Its name (the sender's name on every mail) and reply address (mail
    /// `Reply-To` and the calendar invitations' ORGANIZER). Owners only.
    #[oai(
        path = "/workspace",
        method = "patch",
        operation_id = "updateWorkspace"
    )]
    async fn update_workspace(
        &self,
        store: Data<&Store>,
        auth: OrganiserToken,
        body: JsonBody<UpdateWorkspaceRequest>,
    ) -> Result<WorkspaceRead, UpdateWorkspaceError> {
        auth.0.may(Action::ManageWorkspace)?;
        let b = body.0;
        let mut v = Violations::default();
        let mut patch = WorkspacePatch::default();
        if b.name.is_null() {
            v.push("name", "may be left out but not null");
        }
        patch.name = plain(&b.name)
            .value()
            .and_then(|n| v.check("name", parse_person_name(n)));
        patch.reply_to = match &b.reply_to {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(e) => v.check("reply_to", parse_email(e)),
        };
        v.into_result().map_err(Error::Invalid)?;
        let w = store.update_workspace(auth.0.workspace_id, patch).await?;
        Ok(WorkspaceRead::Ok(Json(workspace_view(w))))
    }

    /// Add a person
    ///
    /// A person of the workspace with a role. They are mailed a link that
    /// signs them in to the console (`/console`), valid 15 minutes; later
    /// they ask for a new one on its sign-in page. Owners only.
    #[oai(
        path = "/workspace/people",
        method = "post",
        operation_id = "addPerson"
    )]
    async fn add_person(
        &self,
        store: Data<&Store>,
        auth: OrganiserToken,
        body: JsonBody<AddPersonRequest>,
    ) -> Result<PersonCreated, AddPersonError> {
        auth.0.may(Action::ManageWorkspace)?;
        let b = body.0;
        let mut v = Violations::default();
        let email = v.check("email", parse_required_email(&b.email));
        let name = v.check("name", parse_person_name(&b.name));
        let language = match &b.language {
            Some(l) => v.check("language", crate::domain::roster::parse_language(l)),
            None => Some(None),
        };
        v.into_result().map_err(Error::Invalid)?;
        let lang = crate::lang::Lang::negotiate(language.flatten().as_deref(), None, None);
        let p = store
            .add_person(
                auth.0.workspace_id,
                &email.expect("checked"),
                &name.expect("checked"),
                b.role.into(),
                lang.code(),
            )
            .await?;
        Ok(PersonCreated::Created(Json(person_view(p))))
    }

    /// Change a person
    ///
    /// Their email, name or role. The workspace's last owner is never
    /// demoted (409). Owners only.
    #[oai(
        path = "/workspace/people/:person_id",
        method = "patch",
        operation_id = "updatePerson"
    )]
    async fn update_person(
        &self,
        store: Data<&Store>,
        auth: OrganiserToken,
        /// The person's id.
        person_id: Path<Uuid>,
        body: JsonBody<UpdatePersonRequest>,
    ) -> Result<PersonRead, UpdatePersonError> {
        auth.0.may(Action::ManageWorkspace)?;
        let b = body.0;
        let mut v = Violations::default();
        for (field, null) in [
            ("email", b.email.is_null()),
            ("name", b.name.is_null()),
            ("role", b.role.is_null()),
        ] {
            if null {
                v.push(field, "may be left out but not null");
            }
        }
        let patch = PersonPatch {
            email: plain(&b.email)
                .value()
                .and_then(|e| v.check("email", parse_required_email(e))),
            name: plain(&b.name)
                .value()
                .and_then(|n| v.check("name", parse_person_name(n))),
            role: b.role.value().map(|&r| r.into()),
        };
        v.into_result().map_err(Error::Invalid)?;
        let p = store
            .update_person(auth.0.workspace_id, person_id.0, patch)
            .await?;
        Ok(PersonRead::Ok(Json(person_view(p))))
    }

    /// Remove a person
    ///
    /// They and their API tokens go at once. The workspace's last owner is
    /// never removed (409). What they did stays in history, by name.
    /// Owners only.
    #[oai(
        path = "/workspace/people/:person_id",
        method = "delete",
        operation_id = "removePerson"
    )]
    async fn remove_person(
        &self,
        store: Data<&Store>,
        auth: OrganiserToken,
        /// The person's id.
        person_id: Path<Uuid>,
    ) -> Result<Deleted, RemovePersonError> {
        auth.0.may(Action::ManageWorkspace)?;
        store
            .remove_person(auth.0.workspace_id, person_id.0)
            .await?;
        Ok(Deleted::NoContent)
    }

    /// Create an API token
    ///
    /// A named token, `read` or `write`, acting as its person: its rights
    /// are what both the person's role and the scope allow. The secret is
    /// in this answer only. Owners may issue one to another person of the
    /// workspace (`person_id`); editors create their own; viewers none.
    #[oai(path = "/tokens", method = "post", operation_id = "createApiToken")]
    async fn create_api_token(
        &self,
        store: Data<&Store>,
        auth: OrganiserToken,
        body: JsonBody<CreateTokenRequest>,
    ) -> Result<TokenCreated, CreateTokenError> {
        let b = body.0;
        let person = b.person_id.unwrap_or(auth.0.person_id);
        auth.0.may(if person == auth.0.person_id {
            Action::CreateOwnToken
        } else {
            Action::ManageWorkspace
        })?;
        let mut v = Violations::default();
        let name = v.check("name", parse_person_name(&b.name));
        v.into_result().map_err(Error::Invalid)?;
        let (t, _, secret) = store
            .create_api_token(
                auth.0.workspace_id,
                person,
                &name.expect("checked"),
                b.scope.into(),
            )
            .await?;
        Ok(TokenCreated::Created(Json(TokenCreatedView {
            token: secret,
            id: t.id,
            name: t.name,
            scope: t.scope.into(),
            person_id: t.person_id,
            created_at: Instant(render_utc(t.created_at)),
        })))
    }

    /// List API tokens
    ///
    /// Owners see every token of the workspace; others their own. Never a
    /// secret.
    #[oai(path = "/tokens", method = "get", operation_id = "listApiTokens")]
    async fn list_api_tokens(
        &self,
        store: Data<&Store>,
        auth: OrganiserToken,
    ) -> Result<TokensRead, ListTokensError> {
        auth.0.may(Action::Read)?;
        let whose = (auth.0.role != dr::Role::Owner).then_some(auth.0.person_id);
        let tokens = store.list_api_tokens(auth.0.workspace_id, whose).await?;
        Ok(TokensRead::Ok(Json(TokenList {
            tokens: tokens.into_iter().map(token_view).collect(),
        })))
    }

    /// Revoke an API token
    ///
    /// Effective at once: the next request with it gets 401. Owners revoke
    /// any token of the workspace; others their own.
    #[oai(
        path = "/tokens/:token_id",
        method = "delete",
        operation_id = "revokeApiToken"
    )]
    async fn revoke_api_token(
        &self,
        store: Data<&Store>,
        auth: OrganiserToken,
        /// The token's id.
        token_id: Path<Uuid>,
    ) -> Result<Deleted, RevokeTokenError> {
        // A read token writes nothing, whichever token it names.
        auth.0.may(Action::RevokeOwnToken)?;
        let t = store.api_token(auth.0.workspace_id, token_id.0).await?;
        auth.0.may(if t.person_id == auth.0.person_id {
            Action::RevokeOwnToken
        } else {
            Action::ManageWorkspace
        })?;
        store.revoke_api_token(t.id).await?;
        Ok(Deleted::NoContent)
    }
}
