//! Per-client limits on anonymous writes. An open poll takes a vote from
//! anyone with its link, so without a limit one client could cast thousands
//! (2,000 in 5 s were all counted). Each client address may cast a number of
//! anonymous votes per minute; past that it gets a 429 with `Retry-After`.
//! The counts live in the database (`store::rate_limits`), so several
//! instances behind a load balancer share one limit per client.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use poem::Request;
use poem::http::HeaderName;

use crate::error::{Error, Result};
use crate::store::Store;

/// The length of a counting window.
const WINDOW_SECONDS: i64 = 60;

/// How many anonymous votes a client may cast, and how to tell clients apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnonymousWrites {
    /// Votes per client address per minute; 0 turns the limit off.
    pub per_minute: u32,
    /// A header a trusted reverse proxy sets to the client's address (e.g.
    /// `X-Forwarded-For`); its last address is used, the one the proxy
    /// added, since a client can forge any before it. Without it, the
    /// connection's peer address is the client.
    pub client_ip_header: Option<HeaderName>,
}

impl Default for AnonymousWrites {
    fn default() -> Self {
        AnonymousWrites {
            per_minute: 60,
            client_ip_header: None,
        }
    }
}

impl AnonymousWrites {
    /// Counts an anonymous vote from the request's client; refuses it (429)
    /// past the limit.
    pub async fn check(&self, store: &Store, req: &Request, now: DateTime<Utc>) -> Result<()> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let client = self.client(req);
        let window = window_start(now);
        let hits = store
            .rate_limit_hit(&format!("vote {client}"), window)
            .await?;
        verdict(hits, self.per_minute, window, now)
    }

    /// The client's address as counted: IPv6 clients by their /64, which
    /// one subscriber usually holds whole.
    fn client(&self, req: &Request) -> String {
        let forwarded = self.client_ip_header.as_ref().and_then(|name| {
            req.headers()
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|a| a.trim().parse::<IpAddr>().ok())
                .next_back()
        });
        let peer = || req.remote_addr().as_socket_addr().map(|a| a.ip());
        match forwarded.or_else(peer) {
            Some(ip) => client_key(ip),
            None => "unknown".into(),
        }
    }
}

fn window_start(now: DateTime<Utc>) -> i64 {
    let t = now.timestamp();
    t - t.rem_euclid(WINDOW_SECONDS)
}

/// Whether the `hits`-th vote of the window is allowed; if not, how long
/// until the window ends.
fn verdict(hits: i64, per_minute: u32, window: i64, now: DateTime<Utc>) -> Result<()> {
    if hits <= i64::from(per_minute) {
        return Ok(());
    }
    let retry_after = (window + WINDOW_SECONDS - now.timestamp()).clamp(1, WINDOW_SECONDS) as u32;
    Err(Error::TooManyRequests {
        message: format!(
            "too many votes without a token from your address: at most {per_minute} a minute; \
             try again in {retry_after} s"
        ),
        retry_after,
    })
}

fn client_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn votes_past_the_limit_wait_for_the_next_window() {
        let now: DateTime<Utc> = "2026-07-01T10:00:45Z".parse().unwrap();
        let window = window_start(now);
        assert_eq!(window % 60, 0);
        assert_eq!(now.timestamp() - window, 45);
        assert!(verdict(60, 60, window, now).is_ok());
        match verdict(61, 60, window, now) {
            Err(Error::TooManyRequests { retry_after, .. }) => assert_eq!(retry_after, 15),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn clients_are_counted_by_address_and_ipv6_by_its_64() {
        let key = |s: &str| client_key(s.parse().unwrap());
        assert_eq!(key("203.0.113.7"), "203.0.113.7");
        assert_eq!(key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:bbbb::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
    }
}
