//! Webhooks from the console: the workspace's endpoints with each one's
//! recent calls and their state (listWebhooks, listWebhookDeliveries), for
//! everyone of the workspace; registering one (the same checks as
//! createWebhook, `domain::webhooks::check_new_webhook`, its signing secret
//! shown once on the answer) and removing one, for owners.

use askama::Template;
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Body, Request, Response, handler};
use uuid::Uuid;

use super::frame::{
    Frame, Posted, SecretPage, conflict, failed, form_for, lang_of, missing, page, page_for,
    render, see_other, utc_instant,
};
use super::session::Binding;
use crate::domain::FieldError;
use crate::domain::roles::Action;
use crate::domain::webhooks::Event;
use crate::error::Error;
use crate::lang::{Lang, filters};
use crate::store::Store;
use crate::store::sessions::Session;
use crate::store::webhooks::WebhookDelivery;
use crate::web::PublicUrl;
use crate::webhooks::Webhooks;

/// Calls listed under each endpoint.
const RECENT_CALLS: u64 = 10;

fn event_message(e: Event) -> &'static str {
    match e {
        Event::ResponseCreated => "console-event-response-created",
        Event::ResponseUpdated => "console-event-response-updated",
        Event::ResponseDeleted => "console-event-response-deleted",
        Event::PollClosed => "console-event-poll-closed",
        Event::PollReopened => "console-event-poll-reopened",
        Event::PollConfirmed => "console-event-poll-confirmed",
        Event::PollCancelled => "console-event-poll-cancelled",
        Event::DeliveryFailed => "console-event-delivery-failed",
    }
}

struct EventChoice {
    value: &'static str,
    label: String,
    checked: bool,
}

struct CallRow {
    event: String,
    state: String,
    attempts: i32,
    at: String,
}

struct HookRow {
    id: Uuid,
    url: String,
    events: Vec<&'static str>,
    scope: String,
    created: String,
    disabled: Option<String>,
    calls: Vec<CallRow>,
}

#[derive(Template)]
#[template(path = "console/webhooks.html")]
struct WebhooksPage {
    f: Frame,
    hooks: Vec<HookRow>,
    owner: bool,
    notice: Option<String>,
    url: String,
    events: Vec<EventChoice>,
    url_error: Option<String>,
    events_error: Option<String>,
}

fn call_state(lang: Lang, d: &WebhookDelivery) -> String {
    match d.state.as_str() {
        "sent" => lang.t("console-call-sent"),
        "failed" => lang.t_with(
            "console-call-failed",
            &[("error", d.last_error.clone().unwrap_or_default().into())],
        ),
        "dropped" => lang.t("console-call-dropped"),
        _ => match &d.last_error {
            Some(e) => lang.t_with("console-call-retrying", &[("error", e.clone().into())]),
            None => lang.t("console-call-queued"),
        },
    }
}

/// What the form showed: the URL typed, the events ticked, the errors.
#[derive(Default)]
struct Typed {
    url: String,
    events: Vec<String>,
    url_error: Option<String>,
    events_error: Option<String>,
}

async fn webhooks_page(
    store: &Store,
    lang: Lang,
    session: &Session,
    typed: Typed,
    notice: Option<String>,
) -> Result<WebhooksPage, Error> {
    let binding = Binding::Session(session.id);
    let workspace = session.organiser.workspace_id;
    let mut hooks = Vec::new();
    for h in store.list_webhooks(workspace).await? {
        let calls = store
            .webhook_deliveries(workspace, h.id, None, RECENT_CALLS)
            .await?
            .iter()
            .map(|d| CallRow {
                event: d.event.clone(),
                state: call_state(lang, d),
                attempts: d.attempts,
                at: utc_instant(lang, d.created_at),
            })
            .collect();
        hooks.push(HookRow {
            id: h.id,
            url: h.url,
            events: h.events.iter().map(|e| e.as_str()).collect(),
            scope: match h.poll_id {
                None => lang.t("console-webhook-every-poll"),
                Some(p) => lang.t_with("console-webhook-one-poll", &[("id", p.to_string().into())]),
            },
            created: utc_instant(lang, h.created_at),
            disabled: h.disabled.map(|(at, why)| {
                lang.t_with(
                    "console-webhook-disabled",
                    &[
                        ("when", utc_instant(lang, at).into()),
                        ("reason", why.into()),
                    ],
                )
            }),
            calls,
        });
    }
    let fresh = typed.url.is_empty() && typed.events.is_empty();
    Ok(WebhooksPage {
        f: Frame::new(store, lang, &binding, Some(session)).await?,
        hooks,
        owner: session.organiser.may(Action::ManageWebhooks).is_ok(),
        notice,
        events: Event::ALL
            .iter()
            .map(|e| EventChoice {
                value: e.as_str(),
                label: lang.t(event_message(*e)),
                checked: !fresh && typed.events.iter().any(|t| t == e.as_str()),
            })
            .collect(),
        url: typed.url,
        url_error: typed.url_error,
        events_error: typed.events_error,
    })
}

/// `GET /console/webhooks`.
#[handler]
pub(super) async fn list(
    req: &Request,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let lang = lang_of(req, None);
    let session = match page_for(req, &store, &base, lang, Action::Read).await? {
        Ok(s) => s,
        Err(answer) => return Ok(answer),
    };
    let notice = super::frame::query_of(req)
        .get("done")
        .filter(|d| *d == "removed")
        .map(|_| lang.t("console-webhook-removed"));
    let shown = webhooks_page(&store, lang, &session, Typed::default(), notice)
        .await
        .map_err(failed)?;
    Ok(page(
        StatusCode::OK,
        render(shown),
        &Binding::Session(session.id),
        &base,
    ))
}

/// `POST /console/webhooks`: registers an endpoint and shows its signing
/// secret once, or shows every error beside its field (422).
#[handler]
pub(super) async fn create(
    req: &Request,
    body: Body,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
    webhooks: Data<&Webhooks>,
) -> poem::Result<Response> {
    let posted = Posted::read(body).await;
    let lang = lang_of(req, Some(&posted));
    let session = match form_for(req, &store, &base, &posted, lang, Action::ManageWebhooks).await? {
        Ok(s) => s,
        Err(answer) => return Ok(answer),
    };
    let binding = Binding::Session(session.id);
    let url = posted.get("url").unwrap_or("").to_string();
    let ticked: Vec<String> = posted.all("events").iter().map(|e| e.to_string()).collect();
    let mut events = Vec::new();
    let mut refused: Option<FieldError> = None;
    for (i, e) in ticked.iter().enumerate() {
        match Event::parse(e) {
            Some(event) => events.push(event),
            None => refused = Some(FieldError::new(format!("events[{i}]"), "not an event type")),
        }
    }
    let checked = match refused {
        Some(e) => Err(e),
        None => webhooks.check_new(&url, &events),
    };
    let error = match checked {
        Ok(hook) => {
            match store
                .create_webhook(
                    session.organiser.workspace_id,
                    None,
                    &hook.url,
                    &hook.events,
                )
                .await
            {
                Ok(created) => {
                    let shown = SecretPage {
                        f: Frame::new(&store, lang, &binding, Some(&session))
                            .await
                            .map_err(failed)?,
                        heading: lang.t("console-webhook-added-heading"),
                        text: lang.t("console-webhook-added-text"),
                        label: lang.t("console-webhook-secret"),
                        secret: created.secret,
                        href: None,
                        back: (
                            format!("/console/webhooks?lang={}", lang.code()),
                            lang.t("console-webhooks-heading"),
                        ),
                    };
                    return Ok(page(StatusCode::OK, render(shown), &binding, &base));
                }
                Err(Error::Conflict(why)) => {
                    return conflict(&store, lang, &binding, &base, &session, &why).await;
                }
                Err(Error::Invalid(mut errors)) if !errors.is_empty() => errors.remove(0),
                Err(e) => return Err(failed(e)),
            }
        }
        Err(e) => e,
    };
    let message = format!("{}: {}", error.field, error.message);
    let mut typed = Typed {
        url,
        events: ticked,
        ..Typed::default()
    };
    if error.field == "url" {
        typed.url_error = Some(message);
    } else {
        typed.events_error = Some(message);
    }
    let shown = webhooks_page(&store, lang, &session, typed, None)
        .await
        .map_err(failed)?;
    Ok(page(
        StatusCode::UNPROCESSABLE_ENTITY,
        render(shown),
        &binding,
        &base,
    ))
}

/// `POST /console/webhooks/{id}/remove` (deleteWebhook).
#[handler]
pub(super) async fn remove(
    req: &Request,
    Path(hook_id): Path<String>,
    body: Body,
    store: Data<&Store>,
    base: Data<&PublicUrl>,
) -> poem::Result<Response> {
    let posted = Posted::read(body).await;
    let lang = lang_of(req, Some(&posted));
    let session = match form_for(req, &store, &base, &posted, lang, Action::ManageWebhooks).await? {
        Ok(s) => s,
        Err(answer) => return Ok(answer),
    };
    let binding = Binding::Session(session.id);
    let Ok(hook_id) = hook_id.parse::<Uuid>() else {
        return missing(&store, lang, &binding, &base, &session).await;
    };
    match store
        .delete_webhook(session.organiser.workspace_id, hook_id)
        .await
    {
        Ok(()) => Ok(see_other(&format!(
            "/console/webhooks?lang={}&done=removed",
            lang.code()
        ))),
        Err(Error::NotFound(_)) => missing(&store, lang, &binding, &base, &session).await,
        Err(e) => Err(failed(e)),
    }
}
