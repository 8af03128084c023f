//! Per-client limits on what anyone may ask without a token. An open poll
//! takes a vote from anyone with its link, so without a limit one client
//! could cast thousands (2,000 in 5 s were all counted); the console's
//! sign-in form mails a link to whatever address it is given. Each is
//! counted per window of time and per key (the client's address, the
//! address a link goes to); past the limit the caller gets a 429 with
//! `Retry-After`. The counts live in the database (`store::rate_limits`),
//! so several instances behind a load balancer share one limit.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use poem::Request;
use poem::http::HeaderName;

use crate::error::{Error, Result};
use crate::store::Store;

/// How many requests of one kind a key may make per window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The kind of request, as the counts' bucket names it.
    pub what: &'static str,
    pub per_window: u32,
    pub window_seconds: i64,
}

/// Anonymous votes: the window of [`AnonymousWrites::per_minute`].
const VOTE_WINDOW_SECONDS: i64 = 60;

/// Sign-in links asked for: at most 5 per address and per client address
/// in 10 minutes (DESIGN, "Signing in").
pub const SIGN_IN_LINKS: Limit = Limit {
    what: "sign-in",
    per_window: 5,
    window_seconds: 600,
};

/// The longest window of any limit: counts are kept this long.
pub const LONGEST_WINDOW_SECONDS: i64 = 600;

impl Limit {
    /// Counts one request for `key`; refuses it (429) past the limit.
    pub async fn check(
        &self,
        store: &Store,
        key: &str,
        now: DateTime<Utc>,
        refusal: impl FnOnce(u32) -> String,
    ) -> Result<()> {
        let window = window_start(now, self.window_seconds);
        let hits = store
            .rate_limit_hit(&format!("{} {key}", self.what), window)
            .await?;
        verdict(hits, self.per_window, window, self.window_seconds, now).map_err(|retry_after| {
            Error::TooManyRequests {
                message: refusal(retry_after),
                retry_after,
            }
        })
    }
}

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
        let per_minute = self.per_minute;
        let votes = Limit {
            what: "vote",
            per_window: per_minute,
            window_seconds: VOTE_WINDOW_SECONDS,
        };
        votes
            .check(store, &self.client(req), now, |retry_after| {
                format!(
                    "too many votes without a token from your address: at most {per_minute} a minute; \
                     try again in {retry_after} s"
                )
            })
            .await
    }

    /// The client's address as counted: IPv6 clients by their /64, which
    /// one subscriber usually holds whole.
    pub fn client(&self, req: &Request) -> String {
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

fn window_start(now: DateTime<Utc>, window_seconds: i64) -> i64 {
    let t = now.timestamp();
    t - t.rem_euclid(window_seconds)
}

/// Whether the `hits`-th request of the window is allowed; if not, the
/// seconds until the window ends.
fn verdict(
    hits: i64,
    per_window: u32,
    window: i64,
    window_seconds: i64,
    now: DateTime<Utc>,
) -> std::result::Result<(), u32> {
    if hits <= i64::from(per_window) {
        return Ok(());
    }
    Err((window + window_seconds - now.timestamp()).clamp(1, window_seconds) as u32)
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
        let window = window_start(now, 60);
        assert_eq!(window % 60, 0);
        assert_eq!(now.timestamp() - window, 45);
        assert!(verdict(60, 60, window, 60, now).is_ok());
        assert_eq!(verdict(61, 60, window, 60, now), Err(15));
        // Ten-minute windows (sign-in links): 10:00:45 is 45 s into one.
        let window = window_start(now, 600);
        assert_eq!(verdict(5, 5, window, 600, now), Ok(()));
        assert_eq!(verdict(6, 5, window, 600, now), Err(555));
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
