//! The workspace switcher: a person who belongs to several workspaces (a
//! person row in each, with the same address) moves their session from
//! one to another. Signing in lands in the one they joined first.

use poem::web::Data;
use poem::{Body, Request, Response, handler};
use uuid::Uuid;

use super::frame::{Posted, failed, form_for, lang_of, missing, see_other};
use super::session::Binding;
use crate::domain::roles::Action;
use crate::store::Store;
use crate::web::PublicUrl;

/// `POST /console/workspace`: `person_id` is the person's row in the
/// workspace to switch to; any other is not found, and nothing changes.
#[handler]
pub(super) async fn switch(
    req: &Request,
    body: Body,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let posted = Posted::read(body).await;
    let lang = lang_of(req, Some(&posted));
    let session = match form_for(req, &store, &base, &posted, lang, Action::Read).await? {
        Ok(s) => s,
        Err(answer) => return Ok(answer),
    };
    let to = posted.get("person_id").and_then(|p| p.parse::<Uuid>().ok());
    let switched = match to {
        Some(to) => store.switch_workspace(&session, to).await.map_err(failed)?,
        None => false,
    };
    if !switched {
        let binding = Binding::Session(session.id);
        return missing(&store, lang, &binding, &base, &session).await;
    }
    tracing::info!("console session moved to another workspace");
    Ok(see_other(&format!("/console?lang={}", lang.code())))
}
