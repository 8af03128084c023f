//! Members' calendars: reading an ICS address through the outbound guard,
//! turning a file into the busy time a poll needs, and keeping it fresh.
//!
//! An address is read with a 10-second limit for the whole exchange, at most
//! 10 MiB, following at most five redirects itself (each new address is
//! checked before it is asked: a public feed cannot send us inward), only
//! to public addresses unless `CONVENE_WEBHOOK_ALLOW_PRIVATE`. While the
//! poll is open it is read again at most every 15 minutes, with the feed's
//! validators (ETag, Last-Modified), so an unchanged feed costs a 304. The
//! address is never logged: errors name its host at most.

use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::freebusy::{self, Busy, options};
use crate::domain::limits::MAX_CALENDAR_BYTES;
use crate::domain::poll::Poll;
use crate::domain::webhooks::refused_url;
use crate::error::{Error, Result};
use crate::outbound::{Outbound, chain, refusal_in};
use crate::secrets::Sealer;
use crate::store::Store;
use crate::store::calendars::{MemberCalendar, Owner, Reading};

/// The whole read, redirects included.
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);
pub const MAX_REDIRECTS: usize = 5;
/// How often an address is read again while its poll is open.
pub const REREAD_EVERY: chrono::Duration = chrono::Duration::minutes(15);
/// Busy time is kept this long after its poll closes.
pub const KEEP_AFTER_CLOSE: chrono::Duration = chrono::Duration::days(30);
pub const MAX_ADDRESS_CHARS: usize = 2048;

#[derive(Clone)]
pub struct Calendars {
    allow_private: bool,
    client: reqwest::Client,
}

impl std::fmt::Debug for Calendars {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Calendars")
            .field("allow_private", &self.allow_private)
            .finish()
    }
}

/// Where the busy time comes from.
pub enum Source {
    Address(String),
    Upload(Vec<u8>),
}

/// Why a calendar could not be used, for the member: the input field and
/// the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unusable {
    pub field: &'static str,
    pub reason: String,
}

impl From<Unusable> for Error {
    fn from(u: Unusable) -> Self {
        Error::invalid(u.field, u.reason)
    }
}

/// What one read of an address gave.
enum Fetched {
    Body {
        bytes: Vec<u8>,
        etag: Option<String>,
        last_modified: Option<String>,
    },
    NotModified,
}

/// The address's host (what is shown back), or None.
pub fn host_of(address: &str) -> Option<String> {
    url::Url::parse(address)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
}

impl Calendars {
    pub fn new(allow_private: bool) -> Self {
        let client = Outbound { allow_private }.client(
            concat!("Convene-Calendars/", env!("CARGO_PKG_VERSION")),
            READ_TIMEOUT,
        );
        Calendars {
            allow_private,
            client,
        }
    }

    /// The address to read: `webcal://` is `https://`; refused unless the
    /// guard allows it.
    pub fn checked_address(&self, raw: &str) -> std::result::Result<String, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("an ICS address is required".into());
        }
        if raw.chars().count() > MAX_ADDRESS_CHARS {
            return Err(format!(
                "an address has at most {MAX_ADDRESS_CHARS} characters"
            ));
        }
        let lower = raw.to_ascii_lowercase();
        let address = if lower.starts_with("webcal://") {
            format!("https://{}", &raw["webcal://".len()..])
        } else if lower.starts_with("webcals://") {
            format!("https://{}", &raw["webcals://".len()..])
        } else {
            raw.to_string()
        };
        match refused_url(&address, self.allow_private) {
            Some(why) => Err(why.replace(
                "webhooks go to public addresses only",
                "calendars are read from public addresses only",
            )),
            None => Ok(address),
        }
    }

    async fn fetch(
        &self,
        address: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> std::result::Result<Fetched, String> {
        match tokio::time::timeout(
            READ_TIMEOUT,
            self.fetch_following(address, etag, last_modified),
        )
        .await
        {
            Ok(r) => r,
            Err(_) => Err(format!(
                "no complete answer within {} s",
                READ_TIMEOUT.as_secs()
            )),
        }
    }

    async fn fetch_following(
        &self,
        address: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> std::result::Result<Fetched, String> {
        let mut current = address.to_string();
        for _ in 0..=MAX_REDIRECTS {
            let mut req = self
                .client
                .get(&current)
                .header("accept", "text/calendar, */*;q=0.5");
            if let Some(e) = etag {
                req = req.header("if-none-match", e);
            }
            if let Some(l) = last_modified {
                req = req.header("if-modified-since", l);
            }
            let mut resp = req.send().await.map_err(|e| {
                if let Some(r) = refusal_in(&e) {
                    format!("refused: {r}")
                } else if e.is_timeout() {
                    format!("no answer within {} s", READ_TIMEOUT.as_secs())
                } else {
                    // reqwest's message carries the URL; keep only the causes.
                    let text = chain(&e.without_url());
                    format!("the address could not be read: {text}")
                }
            })?;
            let status = resp.status();
            if status.is_redirection() && status != reqwest::StatusCode::NOT_MODIFIED {
                let location = resp
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| format!("HTTP {status} without a Location"))?;
                let next = url::Url::parse(&current)
                    .and_then(|base| base.join(location))
                    .map_err(|_| "a redirect to an address that is not one".to_string())?;
                if let Some(why) = refused_url(next.as_str(), self.allow_private) {
                    return Err(format!("a redirect was refused: {why}").replace(
                        "webhooks go to public addresses only",
                        "calendars are read from public addresses only",
                    ));
                }
                current = next.to_string();
                continue;
            }
            if status == reqwest::StatusCode::NOT_MODIFIED {
                return Ok(Fetched::NotModified);
            }
            if !status.is_success() {
                return Err(format!("the server answered HTTP {status}"));
            }
            let header = |name: &str| {
                resp.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(|v| v.chars().take(256).collect::<String>())
            };
            let (etag, last_modified) = (header("etag"), header("last-modified"));
            if resp
                .content_length()
                .is_some_and(|n| n > MAX_CALENDAR_BYTES as u64)
            {
                return Err(too_large());
            }
            let mut bytes = Vec::new();
            while let Some(chunk) = resp.chunk().await.map_err(|e| {
                if e.is_timeout() {
                    format!("no complete answer within {} s", READ_TIMEOUT.as_secs())
                } else {
                    format!("the answer broke off: {}", chain(&e.without_url()))
                }
            })? {
                bytes.extend_from_slice(&chunk);
                if bytes.len() > MAX_CALENDAR_BYTES {
                    return Err(too_large());
                }
            }
            return Ok(Fetched::Body {
                bytes,
                etag,
                last_modified,
            });
        }
        Err(format!("more than {MAX_REDIRECTS} redirects"))
    }

    async fn sealer(store: &Store) -> Result<Sealer> {
        let key = store.calendar_key_hex().await?;
        Sealer::from_env_or(&key).map_err(|e| Error::Internal(anyhow::anyhow!(e)))
    }

    /// Reads the source and connects it, replacing any earlier calendar; a
    /// source that cannot be read or is not a calendar stores nothing.
    pub async fn connect(
        &self,
        store: &Store,
        poll: &Poll,
        owner: Owner,
        zone: Tz,
        source: Source,
    ) -> Result<MemberCalendar> {
        let (bytes, reading) = match source {
            Source::Upload(bytes) => {
                if bytes.len() > MAX_CALENDAR_BYTES {
                    return Err(Unusable {
                        field: "calendar",
                        reason: too_large(),
                    }
                    .into());
                }
                let reading = Reading {
                    zone: zone.name().to_string(),
                    source_host: None,
                    address_sealed: None,
                    etag: None,
                    last_modified: None,
                    at: Utc::now(),
                };
                (bytes, reading)
            }
            Source::Address(raw) => {
                let address = self.checked_address(&raw).map_err(|reason| Unusable {
                    field: "url",
                    reason,
                })?;
                let fetched =
                    self.fetch(&address, None, None)
                        .await
                        .map_err(|reason| Unusable {
                            field: "url",
                            reason,
                        })?;
                let Fetched::Body {
                    bytes,
                    etag,
                    last_modified,
                } = fetched
                else {
                    return Err(Unusable {
                        field: "url",
                        reason: "the server answered 304 to a plain request".into(),
                    }
                    .into());
                };
                let sealer = Self::sealer(store).await?;
                let reading = Reading {
                    zone: zone.name().to_string(),
                    source_host: host_of(&address),
                    address_sealed: Some(sealer.seal(&address)),
                    etag,
                    last_modified,
                    at: Utc::now(),
                };
                (bytes, reading)
            }
        };
        let field = if reading.source_host.is_some() {
            "url"
        } else {
            "calendar"
        };
        let busy =
            busy_for_poll(&bytes, poll, zone).map_err(|reason| Unusable { field, reason })?;
        store
            .connect_calendar(poll.id, owner, &reading, &busy)
            .await
    }

    /// Reads a connected address again (conditionally), keeping the last
    /// busy time with the reason when that fails.
    pub async fn refresh(&self, store: &Store, calendar: &MemberCalendar) -> Result<()> {
        let now = Utc::now();
        let Some(sealed) = &calendar.address_sealed else {
            return Ok(());
        };
        let sealer = Self::sealer(store).await?;
        let Some((address, stale_key)) = sealer.open(sealed) else {
            return store
                .record_calendar_failure(calendar.id, now, "the stored address can no longer be opened (its key changed): connect the calendar again")
                .await;
        };
        let Some(poll) = store.poll(calendar.poll_id).await? else {
            return Ok(());
        };
        let zone: Tz = calendar.zone.parse().unwrap_or(poll.zone.tz());
        let checked = self.checked_address(&address);
        let outcome = match checked {
            Err(why) => Err(why),
            Ok(address) => {
                self.fetch(
                    &address,
                    calendar.etag.as_deref(),
                    calendar.last_modified.as_deref(),
                )
                .await
            }
        };
        let sealed = if stale_key {
            sealer.seal(&address)
        } else {
            sealed.clone()
        };
        match outcome {
            Ok(Fetched::NotModified) => {
                let reading = Reading {
                    zone: calendar.zone.clone(),
                    source_host: calendar.source_host.clone(),
                    address_sealed: Some(sealed),
                    etag: calendar.etag.clone(),
                    last_modified: calendar.last_modified.clone(),
                    at: now,
                };
                store.record_calendar_read(calendar, &reading, None).await
            }
            Ok(Fetched::Body {
                bytes,
                etag,
                last_modified,
            }) => match busy_for_poll(&bytes, &poll, zone) {
                Ok(busy) => {
                    let reading = Reading {
                        zone: calendar.zone.clone(),
                        source_host: calendar.source_host.clone(),
                        address_sealed: Some(sealed),
                        etag,
                        last_modified,
                        at: now,
                    };
                    store
                        .record_calendar_read(calendar, &reading, Some(&busy))
                        .await
                }
                Err(why) => store.record_calendar_failure(calendar.id, now, &why).await,
            },
            Err(why) => store.record_calendar_failure(calendar.id, now, &why).await,
        }
    }

    /// Reads again every address whose last try is older than 15 minutes.
    pub async fn refresh_due(&self, store: &Store, now: DateTime<Utc>) -> Result<usize> {
        let due = store.calendars_due(now - REREAD_EVERY, 50).await?;
        for calendar in &due {
            if let Err(e) = self.refresh(store, calendar).await {
                tracing::warn!(calendar_id = %calendar.id, error = %e, "re-reading a calendar failed");
            }
        }
        Ok(due.len())
    }

    /// The background task: re-reads due calendars each minute, and once an
    /// hour deletes the busy time of polls closed more than 30 days ago.
    pub async fn run(self, store: Store) {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        let mut minutes = 0u32;
        loop {
            tick.tick().await;
            if let Err(e) = self.refresh_due(&store, Utc::now()).await {
                tracing::warn!(error = %e, "finding calendars to re-read failed");
            }
            if minutes.is_multiple_of(60)
                && let Err(e) = store.purge_calendars(Utc::now() - KEEP_AFTER_CLOSE).await
            {
                tracing::warn!(error = %e, "purging old busy time failed");
            }
            minutes = minutes.wrapping_add(1);
        }
    }
}

fn too_large() -> String {
    format!(
        "the calendar is larger than {} MiB",
        MAX_CALENDAR_BYTES / (1024 * 1024)
    )
}

/// The busy intervals of a file that overlap the poll's options (read in
/// the member's zone); an error says why the file is not a calendar.
pub fn busy_for_poll(
    bytes: &[u8],
    poll: &Poll,
    zone: Tz,
) -> std::result::Result<Vec<Busy>, String> {
    let spans: Vec<Busy> = poll
        .options
        .iter()
        .map(|o| options::span(&o.slot, zone))
        .collect();
    // Parsed even without options, so a file that is no calendar is refused.
    let (from, to) = options::window(&spans).unwrap_or((Utc::now(), Utc::now()));
    let busy = freebusy::busy_time(bytes, from, to, zone)
        .map_err(|e| format!("not a calendar that can be read: {e}"))?;
    Ok(options::keep_overlapping(busy.intervals, &spans))
}
