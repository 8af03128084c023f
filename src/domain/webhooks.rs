//! Webhooks: the events a tool can subscribe to, the body each call
//! carries, and which addresses a call may go to.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use super::FieldError;
use super::hybrid::{VoteDetail, vote_json};
use super::limits::MAX_WEBHOOK_URL_CHARS;
use super::poll::{Choice, string_enum};

string_enum!(
    /// What happened. Listed in DESIGN.md ("Reaching members").
    Event {
        ResponseCreated = "response.created",
        ResponseUpdated = "response.updated",
        ResponseDeleted = "response.deleted",
        PollClosed = "poll.closed",
        PollReopened = "poll.reopened",
        PollConfirmed = "poll.confirmed",
        PollCancelled = "poll.cancelled",
        DeliveryFailed = "delivery.failed",
    }
);

impl Event {
    pub const ALL: [Event; 8] = [
        Event::ResponseCreated,
        Event::ResponseUpdated,
        Event::ResponseDeleted,
        Event::PollClosed,
        Event::PollReopened,
        Event::PollConfirmed,
        Event::PollCancelled,
        Event::DeliveryFailed,
    ];
}

/// The event types a webhook wants, stored comma-separated.
pub fn store_events(events: &[Event]) -> String {
    events
        .iter()
        .map(|e| e.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

pub fn stored_events(stored: &str) -> Vec<Event> {
    stored.split(',').filter_map(Event::parse).collect()
}

/// A call's body: `{"type", "timestamp", "data": {"poll_id", …}}`. Fixed
/// when the event happens, so every retry carries the same bytes.
pub fn body(event: Event, at: DateTime<Utc>, poll_id: Uuid, mut data: Value) -> String {
    if let Some(map) = data.as_object_mut() {
        map.insert("poll_id".into(), json!(poll_id));
    }
    json!({
        "type": event.as_str(),
        "timestamp": super::time::render_utc(at),
        "data": data,
    })
    .to_string()
}

/// What a response event says about the answer. An aggregate-only poll's
/// respondents were promised that nobody sees their name or answer: its
/// events say only that a response came, changed or went.
pub fn response_data(
    response_id: Uuid,
    aggregate_only: bool,
    name: &str,
    votes: &[(Uuid, Choice)],
    details: &BTreeMap<Uuid, VoteDetail>,
) -> Value {
    if aggregate_only {
        return json!({ "response_id": response_id });
    }
    let votes: Vec<Value> = votes
        .iter()
        .map(|(option, choice)| vote_json(*option, *choice, details.get(option)))
        .collect();
    json!({ "response_id": response_id, "name": name, "votes": votes })
}

/// How long an endpoint asks us to wait before the next call (its
/// `Retry-After`: delay-seconds or an HTTP-date, RFC 9110); `None` when it
/// says nothing usable. A date in the past asks for no wait at all.
pub fn retry_after(value: &str, now: DateTime<Utc>) -> Option<chrono::Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u32>() {
        return Some(chrono::Duration::seconds(seconds.into()));
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?;
    Some((at.with_timezone(&Utc) - now).max(chrono::Duration::zero()))
}

/// A webhook to register, as its registration was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhook {
    pub url: String,
    pub events: Vec<Event>,
}

/// Checks a webhook's registration (createWebhook and the console's form):
/// the URL trimmed, at most [`MAX_WEBHOOK_URL_CHARS`] characters, one the
/// service may call ([`refused_url`]); between one and every event type,
/// each once. The first rule broken, under its field's name.
pub fn check_new_webhook(
    url: &str,
    events: &[Event],
    allow_private: bool,
) -> Result<NewWebhook, FieldError> {
    let url = url.trim();
    if url.chars().count() > MAX_WEBHOOK_URL_CHARS {
        let why = format!("at most {MAX_WEBHOOK_URL_CHARS} characters");
        return Err(FieldError::new("url", why));
    }
    if let Some(why) = refused_url(url, allow_private) {
        return Err(FieldError::new("url", why));
    }
    let most = Event::ALL.len();
    if events.is_empty() || events.len() > most {
        let why = format!("between 1 and {most} event types");
        return Err(FieldError::new("events", why));
    }
    let mut kept: Vec<Event> = Vec::new();
    for (i, event) in events.iter().enumerate() {
        if kept.contains(event) {
            return Err(FieldError::new(format!("events[{i}]"), "listed twice"));
        }
        kept.push(*event);
    }
    Ok(NewWebhook {
        url: url.to_string(),
        events: kept,
    })
}

/// Why a webhook URL is refused, if it is: only `https` to a public
/// address, unless private networks are allowed (`CONVENE_WEBHOOK_ALLOW_PRIVATE`,
/// which also allows `http`). A name is checked again, resolved, at each
/// call ([`refused_address`]); here only what the URL itself says.
pub fn refused_url(url: &str, allow_private: bool) -> Option<String> {
    refused(url, allow_private).map(|(why, address)| {
        if address {
            format!("{why}: webhooks go to public addresses only")
        } else {
            why
        }
    })
}

/// Why the service may not call `url`, whoever chose it (a webhook, the
/// identity provider's endpoints): not `https` (unless private networks are
/// allowed), credentials in it, or a host that is a loopback name or a
/// non-public address literal. Names are checked again when resolved.
pub fn refused_endpoint(url: &str, allow_private: bool) -> Option<String> {
    refused(url, allow_private).map(|(why, _)| why)
}

/// The reason, and whether it is the address (rather than the URL's form).
fn refused(url: &str, allow_private: bool) -> Option<(String, bool)> {
    let Ok(parsed) = url::Url::parse(url) else {
        return Some(("not an absolute URL".into(), false));
    };
    match parsed.scheme() {
        "https" => {}
        "http" if allow_private => {}
        "http" => return Some(("only https URLs are accepted".into(), false)),
        other => return Some((format!("the scheme must be https, not {other}"), false)),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Some((
            "credentials do not belong in the URL: verify the signature instead".into(),
            false,
        ));
    }
    let refused = match parsed.host() {
        None => return Some(("the URL has no host".into(), false)),
        Some(url::Host::Ipv4(ip)) => refused_address(IpAddr::V4(ip), allow_private),
        Some(url::Host::Ipv6(ip)) => refused_address(IpAddr::V6(ip), allow_private),
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            let local = name == "localhost" || name.ends_with(".localhost");
            (local && !allow_private).then(|| format!("{name} is a loopback name"))
        }
    };
    refused.map(|why| (why, true))
}

/// Why a call may not go to `ip`, if it may not: loopback, private,
/// link-local, shared, documentation, multicast and other non-global
/// ranges are refused unless private networks are allowed.
pub fn refused_address(ip: IpAddr, allow_private: bool) -> Option<String> {
    if allow_private || is_global(ip) {
        None
    } else {
        Some(format!("{ip} is not a public address"))
    }
}

/// Whether an address is reachable on the public internet (the ranges of
/// the IANA special-purpose registries; `IpAddr::is_global` is unstable).
fn is_global(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_global_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_global_v4(v4);
            }
            let s = v6.segments();
            !(v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                // unique local fc00::/7, link-local fe80::/10
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                // documentation 2001:db8::/32, NAT64 64:ff9b::/96 (may map
                // to private IPv4), discard 100::/64, 6to4 2002::/16
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                || (s[0] == 0x0064 && s[1] == 0xff9b)
                || (s[0] == 0x0100 && s[1] == 0 && s[2] == 0 && s[3] == 0)
                || s[0] == 0x2002
                // IPv4-compatible ::a.b.c.d (deprecated)
                || (s[0..6] == [0, 0, 0, 0, 0, 0]))
        }
    }
}

fn is_global_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || o[0] == 0
        // shared address space (carrier NAT) 100.64.0.0/10
        || (o[0] == 100 && (o[1] & 0xc0) == 64)
        // IETF protocol assignments 192.0.0.0/24, benchmarking 198.18.0.0/15
        || (o[0] == 192 && o[1] == 0 && o[2] == 0)
        || (o[0] == 198 && (o[1] & 0xfe) == 18)
        // reserved 240.0.0.0/4
        || o[0] >= 240)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now: DateTime<Utc> = "2026-12-06T10:00:00Z".parse().unwrap();
        assert_eq!(
            retry_after("120", now),
            Some(chrono::Duration::seconds(120))
        );
        assert_eq!(
            retry_after("Sun, 06 Dec 2026 10:05:00 GMT", now),
            Some(chrono::Duration::minutes(5))
        );
        assert_eq!(
            retry_after("Sun, 06 Dec 2026 09:00:00 GMT", now),
            Some(chrono::Duration::zero())
        );
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("-5", now), None);
    }

    #[test]
    fn only_https_to_public_addresses_unless_private_is_allowed() {
        assert_eq!(
            refused_url("https://hooks.example.org/convene", false),
            None
        );
        assert_eq!(refused_url("https://93.184.215.14/x", false), None);
        for bad in [
            "http://hooks.example.org/x",
            "ftp://hooks.example.org/x",
            "hooks.example.org/x",
            "https://user:pw@hooks.example.org/x",
            "https://127.0.0.1/x",
            "https://localhost:8443/x",
            "https://api.localhost/x",
            "https://[::1]/x",
            "https://10.1.2.3/x",
            "https://172.16.0.1/x",
            "https://192.168.1.1/x",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/x",
            "https://0.0.0.0/x",
            "https://[::ffff:127.0.0.1]/x",
            "https://[fd00::1]/x",
            "https://[fe80::1]/x",
        ] {
            assert!(refused_url(bad, false).is_some(), "{bad}");
        }
        assert_eq!(refused_url("http://127.0.0.1:9000/x", true), None);
        assert_eq!(refused_url("http://localhost:9000/x", true), None);
        assert!(refused_url("ftp://127.0.0.1/x", true).is_some());
    }

    #[test]
    fn addresses_are_classified_by_their_range() {
        let refused = |s: &str| refused_address(s.parse().unwrap(), false).is_some();
        assert!(!refused("8.8.8.8"));
        assert!(!refused("2a00:1450:4001::200e"));
        assert!(refused("127.0.0.2"));
        assert!(refused("::1"));
        assert!(refused("::"));
        assert!(refused("224.0.0.1"));
        assert!(refused("255.255.255.255"));
        assert!(refused("198.19.0.1"));
        assert!(refused("64:ff9b::a00:1"));
        assert!(refused("::ffff:10.0.0.1"));
        assert!(refused_address("127.0.0.1".parse().unwrap(), true).is_none());
    }

    #[test]
    fn bodies_name_the_event_and_keep_aggregate_only_answers_out() {
        let poll = Uuid::nil();
        let response = Uuid::now_v7();
        let at: DateTime<Utc> = "2026-07-01T09:00:00Z".parse().unwrap();
        let votes = [(Uuid::nil(), Choice::Yes)];
        let open = body(
            Event::ResponseCreated,
            at,
            poll,
            response_data(response, false, "Bruna", &votes, &Default::default()),
        );
        let v: Value = serde_json::from_str(&open).unwrap();
        assert_eq!(v["type"], "response.created");
        assert_eq!(v["timestamp"], "2026-07-01T09:00:00Z");
        assert_eq!(v["data"]["poll_id"], json!(poll));
        assert_eq!(v["data"]["name"], "Bruna");
        assert_eq!(v["data"]["votes"][0]["choice"], "yes");
        let private = body(
            Event::ResponseCreated,
            at,
            poll,
            response_data(response, true, "Bruna", &votes, &Default::default()),
        );
        assert!(
            !private.contains("Bruna") && !private.contains("yes"),
            "{private}"
        );
        assert_eq!(
            stored_events(&store_events(&Event::ALL)),
            Event::ALL.to_vec()
        );
    }
}
