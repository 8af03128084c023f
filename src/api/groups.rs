//! Groups (rosters) of members: the organiser's address book for invitations.

use crate::domain::roles::Action;
use poem::{Request, RequestBody, web::Data};
use poem_openapi::{
    ApiRequest, ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::{Json, ParsePayload, Payload},
    registry::{MetaSchema, MetaSchemaRef},
    types::MaybeUndefined,
};
use serde::Deserialize;
use uuid::Uuid;

use super::body::JsonBody;
use super::error::error_responses;
use super::paging::{page_limit, parse_cursor};
use super::tags::ApiTags;
use super::types::{Email, Instant, Items, Language, Name, TimeZone, plain};
use crate::domain::limits::MAX_MEMBERS_PER_REQUEST;
use crate::domain::poll::parse_person_name;
use crate::domain::roster::{self, MemberFields};
use crate::domain::time::render_utc;
use crate::domain::{FieldError, Violations};
use crate::error::Error;
use crate::store::Store;
use crate::store::groups::{Group, Member};
use crate::web::problem::Problem;

/// A member to add.
#[derive(Object, Deserialize, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    /// The member's name, as shown to the organiser and in calendars.
    pub name: Name,
    /// Optional; invited members with an email appear as ATTENDEE in calendar files.
    #[oai(skip_serializing_if_is_none)]
    pub email: Option<Email>,
    pub time_zone: TimeZone,
    /// Local time their social hours start, `HH:MM` (default 07:00).
    #[oai(
        validator(pattern = r"^\s*([01]?[0-9]|2[0-3]):[0-5][0-9]\s*$"),
        skip_serializing_if_is_none
    )]
    pub social_hours_start: Option<String>,
    /// Local time their social hours end, `HH:MM` (default 22:00).
    #[oai(
        validator(pattern = r"^\s*([01]?[0-9]|2[0-3]):[0-5][0-9]\s*$"),
        skip_serializing_if_is_none
    )]
    pub social_hours_end: Option<String>,
    /// BCP 47 tag of the language their page and emails are written in
    /// (`ar`, `zh`, `en`, `fr`, `ru`, `es`; others fall back to the
    /// browser's language, then English).
    #[oai(skip_serializing_if_is_none)]
    pub language: Option<Language>,
}

impl poem_openapi::types::Example for MemberInput {
    fn example() -> Self {
        MemberInput {
            name: "Yoichi".into(),
            email: Some("yoichi@example.org".into()),
            time_zone: TimeZone("Asia/Tokyo".into()),
            social_hours_start: Some("08:00".into()),
            social_hours_end: Some("23:00".into()),
            language: Some("ja".into()),
        }
    }
}

impl MemberInput {
    fn fields(&self) -> MemberFields<'_> {
        MemberFields {
            name: &self.name,
            email: self.email.as_deref(),
            time_zone: &self.time_zone.0,
            social_start: self.social_hours_start.as_deref(),
            social_end: self.social_hours_end.as_deref(),
            language: self.language.as_deref(),
        }
    }
}

/// A new group, with members if you have them.
#[derive(Object, Deserialize, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
#[serde(deny_unknown_fields)]
pub struct CreateGroupRequest {
    /// The group's name, e.g. "MAG 2026".
    pub name: Name,
    #[serde(default)]
    #[oai(default)]
    pub members: Items<MemberInput, 0, MAX_MEMBERS_PER_REQUEST>,
}

/// Members of the reference group, from Tokyo to New York.
fn mag_members() -> Vec<MemberInput> {
    [
        ("Yoichi", "Asia/Tokyo"),
        ("Bruna", "America/Sao_Paulo"),
        ("Amara", "Africa/Lagos"),
        ("Lena", "Europe/Vienna"),
        ("Anna", "America/New_York"),
    ]
    .into_iter()
    .map(|(name, zone)| MemberInput {
        name: name.into(),
        email: Some(format!("{}@example.org", name.to_lowercase()).into()),
        time_zone: TimeZone(zone.into()),
        social_hours_start: None,
        social_hours_end: None,
        language: None,
    })
    .collect()
}

impl poem_openapi::types::Example for CreateGroupRequest {
    fn example() -> Self {
        CreateGroupRequest {
            name: "MAG 2026".into(),
            members: mag_members().into(),
        }
    }
}

/// Members to add in bulk.
#[derive(Object, Deserialize, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
#[serde(deny_unknown_fields)]
pub struct AddMembersRequest {
    pub members: Items<MemberInput, 1, MAX_MEMBERS_PER_REQUEST>,
}

impl poem_openapi::types::Example for AddMembersRequest {
    fn example() -> Self {
        AddMembersRequest {
            members: mag_members().into(),
        }
    }
}

/// Changes to a member; fields left out stay as they are.
#[derive(Object, Deserialize, Debug, Clone, Default)]
#[oai(rename_all = "snake_case", example)]
#[serde(deny_unknown_fields)]
pub struct UpdateMemberRequest {
    /// The member's name, as shown to the organiser and in calendars.
    #[serde(default)]
    pub name: MaybeUndefined<Name>,
    /// `null` removes the email.
    #[serde(default)]
    #[oai(nullable)]
    pub email: MaybeUndefined<Email>,
    #[serde(default)]
    pub time_zone: MaybeUndefined<TimeZone>,
    /// Local time their social hours start, `HH:MM`.
    #[serde(default)]
    #[oai(validator(pattern = r"^\s*([01]?[0-9]|2[0-3]):[0-5][0-9]\s*$"))]
    pub social_hours_start: MaybeUndefined<String>,
    /// Local time their social hours end, `HH:MM`.
    #[serde(default)]
    #[oai(validator(pattern = r"^\s*([01]?[0-9]|2[0-3]):[0-5][0-9]\s*$"))]
    pub social_hours_end: MaybeUndefined<String>,
    /// BCP 47 language tag; `null` removes it (the browser's language is used).
    #[serde(default)]
    #[oai(nullable)]
    pub language: MaybeUndefined<Language>,
}

impl poem_openapi::types::Example for UpdateMemberRequest {
    fn example() -> Self {
        UpdateMemberRequest {
            time_zone: MaybeUndefined::Value(TimeZone("America/New_York".into())),
            social_hours_start: MaybeUndefined::Value("06:30".into()),
            language: MaybeUndefined::Value("fr".into()),
            ..Default::default()
        }
    }
}

/// A CSV body: a header row naming `name`, `email`, `time_zone` (and
/// optionally `social_hours_start`, `social_hours_end`, `language`), one
/// member a row.
pub struct CsvBody(pub String);

impl Payload for CsvBody {
    const CONTENT_TYPE: &'static str = "text/csv";

    fn check_content_type(content_type: &str) -> bool {
        content_type.starts_with("text/csv")
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            description: Some(
                "CSV with a header row: name,email,time_zone[,social_hours_start,social_hours_end]",
            ),
            example: Some("name,email,time_zone\nYoichi,yoichi@example.org,Asia/Tokyo\n".into()),
            ..MetaSchema::new("string")
        }))
    }
}

impl ParsePayload for CsvBody {
    const IS_REQUIRED: bool = true;

    async fn from_request(_request: &Request, body: &mut RequestBody) -> poem::Result<Self> {
        let bytes = super::body::read_limited(body).await?;
        let text =
            String::from_utf8(bytes).map_err(|_| Problem::new(400, "the CSV is not UTF-8"))?;
        Ok(CsvBody(text))
    }
}

/// Members as JSON or as CSV.
#[derive(ApiRequest)]
pub enum MembersBody {
    Json(JsonBody<AddMembersRequest>),
    Csv(CsvBody),
}

fn parse_group_name(s: &str) -> Result<String, String> {
    parse_person_name(s).map_err(|m| m.replace("the name", "the group name"))
}

/// A member as the organiser sees them.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct MemberView {
    /// The member's id (for invitations by `member_ids`).
    pub id: Uuid,
    /// The member's name.
    pub name: String,
    /// Optional; invited members with an email appear as ATTENDEE in calendar files.
    #[oai(skip_serializing_if_is_none)]
    pub email: Option<String>,
    /// Their IANA zone: option times and social hours are read on it.
    pub time_zone: String,
    /// Local time their social hours start, `HH:MM`.
    pub social_hours_start: String,
    /// Local time their social hours end, `HH:MM` (before the start: over midnight).
    pub social_hours_end: String,
    /// BCP 47 tag of the language their page and emails are written in.
    #[oai(skip_serializing_if_is_none)]
    pub language: Option<String>,
}

impl poem_openapi::types::Example for MemberView {
    fn example() -> Self {
        let mut members = <GroupView as poem_openapi::types::Example>::example().members;
        members.swap_remove(0)
    }
}

fn member_view(m: &Member) -> MemberView {
    MemberView {
        id: m.id,
        name: m.name.clone(),
        email: m.email.clone(),
        time_zone: m.zone.name().to_string(),
        social_hours_start: m.social_hours.start.format("%H:%M").to_string(),
        social_hours_end: m.social_hours.end.format("%H:%M").to_string(),
        language: m.language.clone(),
    }
}

/// A group with its members.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct GroupView {
    /// The group's id.
    pub id: Uuid,
    /// The group's name.
    pub name: String,
    pub created_at: Instant,
    /// How many members the group has.
    pub member_count: u64,
    /// Its members, oldest first.
    pub members: Vec<MemberView>,
}

impl poem_openapi::types::Example for GroupView {
    /// The MAG roster, from Tokyo to New York.
    fn example() -> Self {
        use super::examples::{MEMBERS, at, id};
        GroupView {
            id: id(3),
            name: "MAG 2026".into(),
            created_at: Instant(render_utc(at("2026-05-04T08:00:00Z"))),
            member_count: MEMBERS.len() as u64,
            members: MEMBERS
                .iter()
                .enumerate()
                .map(|(n, (name, zone))| MemberView {
                    id: id(0x200 + n as u128),
                    name: name.to_string(),
                    email: Some(format!("{}@example.org", name.to_lowercase())),
                    time_zone: zone.to_string(),
                    social_hours_start: "07:00".into(),
                    social_hours_end: "22:00".into(),
                    language: None,
                })
                .collect(),
        }
    }
}

/// A group in a list.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case")]
pub struct GroupSummary {
    /// The group's id.
    pub id: Uuid,
    /// The group's name.
    pub name: String,
    pub created_at: Instant,
    /// How many members the group has.
    pub member_count: u64,
}

/// A page of groups, oldest first.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct GroupPage {
    pub items: Vec<GroupSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

impl poem_openapi::types::Example for GroupPage {
    fn example() -> Self {
        let g = <GroupView as poem_openapi::types::Example>::example();
        GroupPage {
            items: vec![GroupSummary {
                id: g.id,
                name: g.name,
                created_at: g.created_at,
                member_count: g.member_count,
            }],
            next_cursor: None,
        }
    }
}

/// Members just added.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
pub struct AddedMembers {
    pub members: Vec<MemberView>,
}

impl poem_openapi::types::Example for AddedMembers {
    fn example() -> Self {
        AddedMembers {
            members: <GroupView as poem_openapi::types::Example>::example().members,
        }
    }
}

fn summary(g: &Group) -> GroupSummary {
    GroupSummary {
        id: g.id,
        name: g.name.clone(),
        created_at: Instant(render_utc(g.created_at)),
        member_count: g.member_count,
    }
}

async fn group_view(store: &Store, g: Group) -> Result<GroupView, Error> {
    let members = store.members(g.id).await?;
    Ok(GroupView {
        id: g.id,
        name: g.name,
        created_at: Instant(render_utc(g.created_at)),
        member_count: g.member_count,
        members: members.iter().map(member_view).collect(),
    })
}

error_responses!(GroupWriteError {
    BadRequest = 400: "The body is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    Forbidden = 403: "A read token, or a viewer: this needs an editor or an owner with a write token.",
    NotFound = 404: "No such group or member of this organiser.",
    Conflict = 409: "The group would exceed its member limit.",
    PayloadTooLarge = 413: "The body is too large.",
    UnsupportedMediaType = 415: "The body is neither JSON nor CSV.",
    Unprocessable = 422: "A field (or CSV row) is invalid; `errors` names each one.",
});

error_responses!(CreateGroupError {
    BadRequest = 400: "The body is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    Forbidden = 403: "A read token, or a viewer: this needs an editor or an owner with a write token.",
    PayloadTooLarge = 413: "The body is too large.",
    UnsupportedMediaType = 415: "The body is not JSON.",
    Unprocessable = 422: "A field is invalid; `errors` names each one.",
});

error_responses!(GroupOneError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    NotFound = 404: "No such group or member of this organiser.",
});

error_responses!(RemoveMemberError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    Forbidden = 403: "A read token, or a viewer: this needs an editor or an owner with a write token.",
    NotFound = 404: "No such group or member of this organiser.",
});

error_responses!(GroupReadError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    NotFound = 404: "No such group of this organiser.",
    Unprocessable = 422: "A parameter is invalid.",
});

#[derive(ApiResponse)]
pub enum GroupCreated {
    /// The group was created.
    #[oai(status = 201, content_type = "application/json")]
    Created(Json<GroupView>, #[oai(header = "Location")] String),
}

#[derive(ApiResponse)]
pub enum GroupRead {
    /// The group.
    #[oai(status = 200, content_type = "application/json")]
    Ok(Json<GroupView>),
}

#[derive(ApiResponse)]
pub enum GroupList {
    /// A page of groups.
    #[oai(status = 200, content_type = "application/json")]
    Ok(Json<GroupPage>),
}

#[derive(ApiResponse)]
pub enum MembersAdded {
    /// The members were added.
    #[oai(status = 201, content_type = "application/json")]
    Created(Json<AddedMembers>),
}

#[derive(ApiResponse)]
pub enum MemberRead {
    /// The member.
    #[oai(status = 200, content_type = "application/json")]
    Ok(Json<MemberView>),
}

#[derive(ApiResponse)]
pub enum MemberRemoved {
    /// The member was removed.
    #[oai(status = 204)]
    NoContent,
}

pub struct GroupsApi;

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Groups")]
impl GroupsApi {
    /// Create a group
    ///
    /// A named roster of members, each with a time zone and social hours
    /// (default 07:00–22:00 local).
    #[oai(path = "/groups", method = "post", operation_id = "createGroup")]
    async fn create_group(
        &self,
        store: Data<&Store>,
        auth: super::auth::OrganiserToken,
        body: JsonBody<CreateGroupRequest>,
    ) -> Result<GroupCreated, CreateGroupError> {
        auth.0.may(Action::Edit)?;
        let mut v = Violations::default();
        let name = v.check("name", parse_group_name(&body.0.name));
        let members = match roster::parse_members(
            body.0.members.iter().map(MemberInput::fields),
            "members",
        ) {
            Ok(m) => Some(m),
            Err(errors) => {
                v.0.extend(errors);
                None
            }
        };
        v.into_result().map_err(Error::Invalid)?;
        let (name, members) = (name.expect("checked"), members.expect("checked"));
        let id = store
            .create_group(auth.0.workspace_id, &name, &members)
            .await?;
        let group = store.owned_group(auth.0.workspace_id, id).await?;
        Ok(GroupCreated::Created(
            Json(group_view(&store, group).await?),
            format!("/api/v1/groups/{id}"),
        ))
    }

    /// List your groups
    ///
    /// Your groups, oldest first, with how many members each has.
    #[oai(path = "/groups", method = "get", operation_id = "listGroups")]
    async fn list_groups(
        &self,
        store: Data<&Store>,
        auth: super::auth::OrganiserToken,
        /// `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
        /// Page size, 1–500 (default 50).
        limit: Query<Option<u32>>,
    ) -> Result<GroupList, GroupReadError> {
        let limit = page_limit(limit.0)?;
        let after = parse_cursor(cursor.0.as_deref())?;
        let mut groups = store
            .list_groups(auth.0.workspace_id, after, limit + 1)
            .await?;
        let next_cursor = if groups.len() as u64 > limit {
            groups.truncate(limit as usize);
            groups.last().map(|g| g.id.to_string())
        } else {
            None
        };
        Ok(GroupList::Ok(Json(GroupPage {
            items: groups.iter().map(summary).collect(),
            next_cursor,
        })))
    }

    /// Read a group
    ///
    /// The group with all its members.
    #[oai(path = "/groups/:group_id", method = "get", operation_id = "getGroup")]
    async fn get_group(
        &self,
        store: Data<&Store>,
        auth: super::auth::OrganiserToken,
        /// The group's id.
        group_id: Path<Uuid>,
    ) -> Result<GroupRead, GroupOneError> {
        let group = store.owned_group(auth.0.workspace_id, group_id.0).await?;
        Ok(GroupRead::Ok(Json(group_view(&store, group).await?)))
    }

    /// Add members
    ///
    /// Adds members in bulk (up to 20,000 a request), as JSON or as CSV with a
    /// header row `name,email,time_zone`. All or none: one bad row refuses
    /// the request, naming each bad field.
    #[oai(
        path = "/groups/:group_id/members",
        method = "post",
        operation_id = "addMembers"
    )]
    async fn add_members(
        &self,
        store: Data<&Store>,
        auth: super::auth::OrganiserToken,
        /// The group's id.
        group_id: Path<Uuid>,
        body: MembersBody,
    ) -> Result<MembersAdded, GroupWriteError> {
        auth.0.may(Action::Edit)?;
        let members = match body {
            MembersBody::Json(json) if json.0.members.is_empty() => {
                Err(vec![FieldError::new("members", "add at least one member")])
            }
            MembersBody::Json(json) => {
                roster::parse_members(json.0.members.iter().map(MemberInput::fields), "members")
            }
            MembersBody::Csv(csv) => roster::members_from_csv(&csv.0),
        }
        .map_err(Error::Invalid)?;
        let added = store
            .add_members(auth.0.workspace_id, group_id.0, &members)
            .await?;
        let added = added.iter().map(member_view).collect();
        Ok(MembersAdded::Created(Json(AddedMembers { members: added })))
    }

    /// Change a member
    ///
    /// Changes the given fields of a member; `email: null` removes the email.
    #[oai(
        path = "/groups/:group_id/members/:member_id",
        method = "patch",
        operation_id = "updateMember"
    )]
    async fn update_member(
        &self,
        store: Data<&Store>,
        auth: super::auth::OrganiserToken,
        /// The group's id.
        group_id: Path<Uuid>,
        /// The member's id.
        member_id: Path<Uuid>,
        body: JsonBody<UpdateMemberRequest>,
    ) -> Result<MemberRead, GroupWriteError> {
        auth.0.may(Action::Edit)?;
        let b = body.0;
        let mut v = Violations::default();
        if b.name.is_null() {
            v.push("name", "may be left out but not null");
        }
        // JSON's null removes an email or a language, as an empty one does.
        let text = |f: MaybeUndefined<String>| match f {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(String::new()),
            MaybeUndefined::Value(s) => Some(s),
        };
        let (name, email) = (plain(&b.name).value().cloned(), text(plain(&b.email)));
        let (start, end) = (
            b.social_hours_start.value().cloned(),
            b.social_hours_end.value().cloned(),
        );
        let language = text(plain(&b.language));
        let patch = roster::parse_member_edit(
            &roster::MemberEdit {
                name: name.as_deref(),
                email: email.as_deref(),
                time_zone: b.time_zone.value().map(|z| z.0.as_str()),
                social_start: start.as_deref(),
                social_end: end.as_deref(),
                language: language.as_deref(),
            },
            &mut v,
        );
        v.into_result().map_err(Error::Invalid)?;
        let m = store
            .update_member(auth.0.workspace_id, group_id.0, member_id.0, patch)
            .await?;
        Ok(MemberRead::Ok(Json(member_view(&m))))
    }

    /// Remove a member
    ///
    /// Removes the member from the group.
    #[oai(
        path = "/groups/:group_id/members/:member_id",
        method = "delete",
        operation_id = "removeMember"
    )]
    async fn remove_member(
        &self,
        store: Data<&Store>,
        auth: super::auth::OrganiserToken,
        /// The group's id.
        group_id: Path<Uuid>,
        /// The member's id.
        member_id: Path<Uuid>,
    ) -> Result<MemberRemoved, RemoveMemberError> {
        auth.0.may(Action::Edit)?;
        store
            .remove_member(auth.0.workspace_id, group_id.0, member_id.0)
            .await?;
        Ok(MemberRemoved::NoContent)
    }
}
