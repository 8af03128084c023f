//! Calling an organiser's webhook: the body queued with the event, signed
//! per Standard Webhooks, POSTed with a 10-second limit, only to a public
//! address (unless private networks are allowed).
//!
//! The address check covers what the name resolves to when the call is
//! made, not only when the webhook was registered (see `crate::outbound`).

use std::time::Duration;

use chrono::Utc;

use crate::domain::FieldError;
use crate::domain::webhooks::{Event, NewWebhook, check_new_webhook, refused_url, retry_after};
use crate::outbound::{Outbound, chain, refusal_in};
use crate::store::Store;
use crate::store::outbox::Claimed;
use crate::store::webhooks::message_id;

/// How long one call may take, connection included.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// The webhook client every worker shares.
#[derive(Clone)]
pub struct Webhooks {
    /// `CONVENE_WEBHOOK_ALLOW_PRIVATE`: also `http`, loopback and private
    /// networks (tests, and services on an organisation's own network).
    pub allow_private: bool,
    client: reqwest::Client,
}

impl std::fmt::Debug for Webhooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhooks")
            .field("allow_private", &self.allow_private)
            .finish()
    }
}

impl Default for Webhooks {
    fn default() -> Self {
        Webhooks::new(false)
    }
}

/// What became of one call.
#[derive(Debug)]
pub enum CallOutcome {
    Sent,
    /// Try again later: no answer, 5xx, 429, 408, DNS trouble; with how
    /// long the endpoint asked us to wait, if it said (`Retry-After`).
    Retry(String, Option<chrono::Duration>),
    /// Never: refused address, other 4xx, webhook deleted or disabled.
    Failed(String),
    /// The endpoint answered 410 Gone: it is gone for good, so it is
    /// disabled and gets no more calls.
    Gone(String),
}

impl Webhooks {
    pub fn new(allow_private: bool) -> Self {
        let client = Outbound { allow_private }.client(
            concat!("Convene-Webhooks/", env!("CARGO_PKG_VERSION")),
            CALL_TIMEOUT,
        );
        Webhooks {
            allow_private,
            client,
        }
    }

    /// Why a URL cannot be registered, if it cannot.
    pub fn refused(&self, url: &str) -> Option<String> {
        refused_url(url, self.allow_private)
    }

    /// A webhook's registration checked against this service's setting
    /// (whether private networks may be called).
    pub fn check_new(&self, url: &str, events: &[Event]) -> Result<NewWebhook, FieldError> {
        check_new_webhook(url, events, self.allow_private)
    }

    /// Delivers one queued call.
    pub async fn call(&self, store: &Store, row: &Claimed) -> CallOutcome {
        let (Some(hook_id), Some(body)) = (row.webhook_id, row.payload.as_deref()) else {
            return CallOutcome::Failed("not a webhook call".into());
        };
        let hook = match store.webhook(hook_id).await {
            Ok(Some(hook)) => hook,
            Ok(None) => return CallOutcome::Failed("the webhook was deleted".into()),
            Err(e) => return CallOutcome::Retry(format!("reading the webhook: {e}"), None),
        };
        if let Some((at, why)) = &hook.disabled {
            return CallOutcome::Failed(format!(
                "the webhook was disabled at {} ({why})",
                crate::domain::time::render_utc(*at)
            ));
        }
        // Checked again at each call: the setting may have changed since
        // the webhook was registered, or another instance registered it.
        if let Some(why) = self.refused(&hook.url) {
            return CallOutcome::Failed(format!("refused: {why}"));
        }
        let signer = match standardwebhooks::Webhook::new(&hook.secret) {
            Ok(s) => s,
            Err(e) => return CallOutcome::Failed(format!("the webhook's secret is unusable: {e}")),
        };
        let id = message_id(row.id);
        // A fresh timestamp on each try (receivers refuse old ones); the
        // same id and body, so a receiver recognises a retry.
        let timestamp = Utc::now().timestamp();
        let signature = match signer.sign(&id, timestamp, body.as_bytes()) {
            Ok(s) => s,
            Err(e) => return CallOutcome::Failed(format!("signing failed: {e}")),
        };
        let sent = self
            .client
            .post(&hook.url)
            .header("content-type", "application/json")
            .header(standardwebhooks::HEADER_WEBHOOK_ID, &id)
            .header(
                standardwebhooks::HEADER_WEBHOOK_TIMESTAMP,
                timestamp.to_string(),
            )
            .header(standardwebhooks::HEADER_WEBHOOK_SIGNATURE, signature)
            .body(body.to_string())
            .send()
            .await;
        match sent {
            Ok(resp) => {
                let status = resp.status();
                if status.is_success() {
                    CallOutcome::Sent
                } else if status == reqwest::StatusCode::GONE {
                    CallOutcome::Gone(format!("HTTP {status}"))
                } else if status.is_server_error()
                    || status == reqwest::StatusCode::TOO_MANY_REQUESTS
                    || status == reqwest::StatusCode::REQUEST_TIMEOUT
                {
                    let wait = resp
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| retry_after(v, Utc::now()));
                    CallOutcome::Retry(format!("HTTP {status}"), wait)
                } else {
                    CallOutcome::Failed(format!("HTTP {status}"))
                }
            }
            Err(e) => {
                if let Some(refusal) = refusal_in(&e) {
                    CallOutcome::Failed(format!("refused: {refusal}"))
                } else if e.is_timeout() {
                    CallOutcome::Retry(
                        format!("no answer within {} s", CALL_TIMEOUT.as_secs()),
                        None,
                    )
                } else {
                    CallOutcome::Retry(chain(&e), None)
                }
            }
        }
    }
}
