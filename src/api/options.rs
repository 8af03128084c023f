//! A poll's options: adding, changing and removing a candidate (organisers).

use crate::domain::roles::Action;
use poem::web::Data;
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Header, Path},
    payload::Json,
};
use serde::Deserialize;
use uuid::Uuid;

use super::auth::OrganiserToken;
use super::body::JsonBody;
use super::error::error_responses;
use super::tags::ApiTags;
use super::types::{Date, WallTime};
pub use super::views::OptionKind;
use super::views::{Deleted, OptionView, PollRead, option_view};
use crate::domain::Violations;
use crate::domain::draft::{DraftKind, OptionDraft};
use crate::domain::history::Actor;
use crate::domain::hybrid::OptionSetup;
use crate::domain::time::{Slot, Zone};
use crate::error::Error;
use crate::store::Store;
use crate::store::polls::PollEdit;
use crate::web::PublicUrl;
use crate::web::conditional::{etag, optional_if_match};

/// One candidate date range or time slot.
#[derive(Object, Deserialize, Debug, Clone)]
#[oai(rename_all = "snake_case", example)]
#[serde(deny_unknown_fields)]
pub struct OptionInput {
    pub kind: OptionKind,
    /// All-day options: the first day.
    #[oai(skip_serializing_if_is_none)]
    pub start_date: Option<Date>,
    /// All-day options: the last day, inclusive (defaults to `start_date`).
    #[oai(skip_serializing_if_is_none)]
    pub end_date: Option<Date>,
    /// Timed options: local start in the poll's zone.
    #[oai(skip_serializing_if_is_none)]
    pub start: Option<WallTime>,
    /// Timed options: local end in the poll's zone.
    #[oai(skip_serializing_if_is_none)]
    pub end: Option<WallTime>,
    /// All-day ranges of more than one day: members answer each day, and
    /// the option counts those available on every day. Default false; left
    /// out when changing an option, it stays as it is.
    #[oai(skip_serializing_if_is_none)]
    pub per_day: Option<bool>,
    /// In-person places: yes answers beyond them wait in arrival order (on
    /// a hybrid poll, only in-person yes answers take places). Left out
    /// when changing an option, it stays as it is; it cannot go below the
    /// places taken (409).
    #[oai(skip_serializing_if_is_none)]
    pub capacity: Option<Capacity>,
}

/// In-person places of an option.
pub type Capacity = super::types::Count<1, { crate::domain::hybrid::MAX_CAPACITY }>;

impl poem_openapi::types::Example for OptionInput {
    fn example() -> Self {
        OptionInput {
            kind: OptionKind::AllDay,
            start_date: Some(Date("2026-07-05".into())),
            end_date: Some(Date("2026-07-07".into())),
            start: None,
            end: None,
            per_day: Some(true),
            capacity: Some(super::types::Count(120)),
        }
    }
}

impl OptionInput {
    /// The option as typed, for the rules every face shares
    /// (domain/draft.rs).
    pub fn draft(&self) -> OptionDraft<'_> {
        OptionDraft {
            kind: match self.kind {
                OptionKind::AllDay => DraftKind::AllDay,
                OptionKind::Timed => DraftKind::Timed,
            },
            start_date: self.start_date.as_ref().map(|d| d.0.as_str()),
            end_date: self.end_date.as_ref().map(|d| d.0.as_str()),
            start: self.start.as_ref().map(|w| w.0.as_str()),
            end: self.end.as_ref().map(|w| w.0.as_str()),
            per_day: self.per_day,
            capacity: self.capacity.map(|c| c.0),
        }
    }

    /// The slot and setup this input denotes in `zone` (what is left out
    /// taken from `keep`), or the errors under `path`.
    pub fn parse_with_setup(
        &self,
        zone: Zone,
        path: &str,
        keep: OptionSetup,
        v: &mut Violations,
    ) -> Option<(Slot, OptionSetup)> {
        self.draft().parse_with_setup(zone, path, keep, v)
    }

    /// The slot this input denotes in `zone`, or the errors under `path`.
    pub fn parse(&self, zone: Zone, path: &str, v: &mut Violations) -> Option<Slot> {
        self.draft().parse(zone, path, v)
    }
}

error_responses!(OptionDeleteError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    Forbidden = 403: "A read token, or a viewer: this needs an editor or an owner with a write token.",
    NotFound = 404: "No such poll or option of this organiser.",
    Conflict = 409: "It is the poll's last option.",
    PreconditionFailed = 412: "The poll changed since the version in `If-Match`.",
    Unprocessable = 422: "`If-Match` is not an ETag of this API.",
});

error_responses!(OptionChangeError {
    BadRequest = 400: "The body or a parameter is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    Forbidden = 403: "A read token, or a viewer: this needs an editor or an owner with a write token.",
    NotFound = 404: "No such poll or option of this organiser.",
    Conflict = 409: "The change would leave the poll without options or over the limit, lower the capacity below the in-person places taken, or change answering per day after answers were given.",
    PreconditionFailed = 412: "The poll changed since the version in `If-Match`.",
    PayloadTooLarge = 413: "The body is too large.",
    UnsupportedMediaType = 415: "The body is not JSON.",
    Unprocessable = 422: "A field is invalid, or the slot duplicates another option.",
});

#[derive(ApiResponse)]
pub enum OptionCreated {
    /// The option was added; the ETag is the poll's new version.
    #[oai(status = 201, content_type = "application/json")]
    Created(Json<OptionView>, #[oai(header = "ETag")] String),
}

pub struct OptionsApi;

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Polls")]
impl OptionsApi {
    /// Add an option
    ///
    /// Adds a candidate at the end of the poll's list. `If-Match` is optional here.
    #[oai(
        path = "/polls/:poll_id/options",
        method = "post",
        operation_id = "addOption"
    )]
    async fn add_option(
        &self,
        store: Data<&Store>,
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
        /// The poll's ETag; if given, the change applies only to that version.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: JsonBody<OptionInput>,
    ) -> Result<OptionCreated, OptionChangeError> {
        auth.0.may(Action::Edit)?;
        let edit = edit(&auth, poll_id.0, if_match.0.as_deref())?;
        let (slot, setup) = slot_of(&store, &edit, &body.0, None).await?;
        let (poll, id) = store.add_option(&edit, slot, setup).await?;
        let (n, option) = poll
            .options
            .iter()
            .enumerate()
            .find(|(_, x)| x.id == id)
            .ok_or(Error::NotFound("option"))?;
        Ok(OptionCreated::Created(
            Json(option_view(option, n + 1, poll.zone, poll.zone)),
            etag(poll.version),
        ))
    }

    /// Change an option
    ///
    /// Replaces the option's date range or time slot (give it in full).
    /// Votes already cast for it are kept.
    #[oai(
        path = "/polls/:poll_id/options/:option_id",
        method = "patch",
        operation_id = "updateOption"
    )]
    // Each argument is an input the operation declares (or the public URL
    // its reply's links are written with); grouping them would hide that.
    #[allow(clippy::too_many_arguments)]
    async fn update_option(
        &self,
        store: Data<&Store>,
        base: Data<&PublicUrl>,
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
        /// The option's id (`options[].id` of the poll).
        option_id: Path<Uuid>,
        /// The poll's ETag; if given, the change applies only to that version.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: JsonBody<OptionInput>,
    ) -> Result<PollRead, OptionChangeError> {
        auth.0.may(Action::Edit)?;
        let edit = edit(&auth, poll_id.0, if_match.0.as_deref())?;
        let (slot, setup) = slot_of(&store, &edit, &body.0, Some(option_id.0)).await?;
        let poll = store.update_option(&edit, option_id.0, slot, setup).await?;
        Ok(PollRead::of(&poll, &base.0.0))
    }

    /// Remove an option
    ///
    /// Removes the option and the votes cast for it (the history keeps them).
    /// The last option cannot be removed.
    #[oai(
        path = "/polls/:poll_id/options/:option_id",
        method = "delete",
        operation_id = "deleteOption"
    )]
    async fn delete_option(
        &self,
        store: Data<&Store>,
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
        /// The option's id (`options[].id` of the poll).
        option_id: Path<Uuid>,
        /// The poll's ETag; if given, the change applies only to that version.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
    ) -> Result<Deleted, OptionDeleteError> {
        auth.0.may(Action::Edit)?;
        let edit = edit(&auth, poll_id.0, if_match.0.as_deref())?;
        store.delete_option(&edit, option_id.0).await?;
        Ok(Deleted::NoContent)
    }
}

/// The change an organiser's option request makes to their poll.
fn edit(auth: &OrganiserToken, poll_id: Uuid, if_match: Option<&str>) -> Result<PollEdit, Error> {
    Ok(PollEdit {
        organiser: auth.0.workspace_id,
        actor: Actor::organiser(&auth.0.name),
        poll_id,
        expected_version: optional_if_match(if_match)?,
    })
}

/// The slot and setup an option request asks for, read in the poll's zone;
/// a changed option keeps what the request leaves out.
async fn slot_of(
    store: &Store,
    edit: &PollEdit,
    input: &OptionInput,
    changed: Option<Uuid>,
) -> Result<(Slot, OptionSetup), Error> {
    let poll = store.owned_poll(edit.organiser, edit.poll_id).await?;
    let keep = changed
        .and_then(|id| poll.options.iter().find(|o| o.id == id))
        .map(|o| o.setup)
        .unwrap_or_default();
    let mut v = Violations::default();
    let parsed = input.parse_with_setup(poll.zone, "", keep, &mut v);
    v.into_result()?;
    parsed.ok_or_else(|| Error::invalid("kind", "the option is incomplete"))
}

pub fn parse_option(input: &OptionInput, zone: Zone) -> Result<Slot, Error> {
    let mut v = Violations::default();
    let slot = input.parse(zone, "", &mut v);
    v.into_result()?;
    slot.ok_or_else(|| Error::invalid("kind", "the option is incomplete"))
}
