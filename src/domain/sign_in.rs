//! Signing in to the console, as rules: how long an emailed link and a
//! session live, when a session has ended, and the CSRF tokens forms carry.
//! The store keeps the rows; the console speaks HTTP; the times are here.

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::token::LinkKey;

/// An emailed link signs in once, within 15 minutes of being asked for.
pub const LINK_VALIDITY: Duration = Duration::minutes(15);

/// A session unused for 12 hours has ended.
pub const IDLE_EXPIRY: Duration = Duration::hours(12);

/// A session ends 7 days after sign-in, however busy.
pub const ABSOLUTE_EXPIRY: Duration = Duration::days(7);

/// How stale a session's last-seen time may get before a request writes it
/// again: one write a minute per session, not one per page.
pub const LAST_SEEN_GRANULARITY: Duration = Duration::minutes(1);

/// Why an emailed link does not sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefused {
    /// No such link (mistyped, or from another deployment).
    Unknown,
    /// It signed in once already.
    Used,
    /// Its 15 minutes are over.
    Expired,
}

/// Whether a link found by its hash may sign in now.
pub fn link_state(
    used_at: Option<DateTime<Utc>>,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), LinkRefused> {
    if used_at.is_some() {
        Err(LinkRefused::Used)
    } else if now >= expires_at {
        Err(LinkRefused::Expired)
    } else {
        Ok(())
    }
}

/// A session's times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTimes {
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// What a request finds of its session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    /// In use; `touch` says whether to write the new last-seen time.
    Live { touch: bool },
    /// Idle too long or past its absolute end: signed out.
    Ended,
}

impl SessionTimes {
    /// The times of a session begun at `now`.
    pub fn begin(now: DateTime<Utc>) -> Self {
        SessionTimes {
            last_seen_at: now,
            expires_at: now + ABSOLUTE_EXPIRY,
        }
    }

    pub fn state(&self, now: DateTime<Utc>) -> SessionState {
        if now >= self.expires_at || now - self.last_seen_at >= IDLE_EXPIRY {
            SessionState::Ended
        } else {
            SessionState::Live {
                touch: now - self.last_seen_at >= LAST_SEEN_GRANULARITY,
            }
        }
    }
}

/// The CSRF token a form carries: an HMAC, under the deployment's key, of
/// what the browser holds — its session's id when signed in, its pre-session
/// cookie before. A page from another origin cannot read either, so it
/// cannot write the token; no token is stored.
pub fn csrf_token(key: &LinkKey, bound_to: &str) -> String {
    hex::encode(csrf_mac(key, bound_to).finalize().into_bytes())
}

/// Whether a form's token is the one for `bound_to` (compared in constant
/// time).
pub fn csrf_valid(key: &LinkKey, bound_to: &str, token: &str) -> bool {
    match hex::decode(token) {
        Ok(bytes) => csrf_mac(key, bound_to).verify_slice(&bytes).is_ok(),
        Err(_) => false,
    }
}

fn csrf_mac(key: &LinkKey, bound_to: &str) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key.bytes()).expect("HMAC takes a key of any length");
    mac.update(b"convene csrf\0");
    mac.update(bound_to.as_bytes());
    mac
}

/// The address a sign-in is for, as stored and compared: trimmed and
/// lower-cased (people's addresses are stored so).
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_link_signs_in_once_within_fifteen_minutes() {
        let asked = at("2027-07-05T09:00:00Z");
        let expires = asked + LINK_VALIDITY;
        assert_eq!(
            link_state(None, expires, at("2027-07-05T09:14:59Z")),
            Ok(())
        );
        assert_eq!(
            link_state(None, expires, at("2027-07-05T09:15:00Z")),
            Err(LinkRefused::Expired)
        );
        assert_eq!(
            link_state(Some(asked), expires, at("2027-07-05T09:01:00Z")),
            Err(LinkRefused::Used)
        );
    }

    #[test]
    fn sessions_end_after_twelve_idle_hours_or_seven_days() {
        let t = SessionTimes::begin(at("2027-07-05T09:00:00Z"));
        assert_eq!(
            t.state(at("2027-07-05T09:00:30Z")),
            SessionState::Live { touch: false }
        );
        assert_eq!(
            t.state(at("2027-07-05T09:01:00Z")),
            SessionState::Live { touch: true }
        );
        assert_eq!(
            t.state(at("2027-07-05T20:59:59Z")),
            SessionState::Live { touch: true }
        );
        assert_eq!(t.state(at("2027-07-05T21:00:00Z")), SessionState::Ended);
        // Busy all week: still over at the seventh day.
        let busy = SessionTimes {
            last_seen_at: at("2027-07-12T08:59:00Z"),
            ..t
        };
        assert_eq!(
            busy.state(at("2027-07-12T08:59:30Z")),
            SessionState::Live { touch: false }
        );
        assert_eq!(busy.state(at("2027-07-12T09:00:00Z")), SessionState::Ended);
    }

    #[test]
    fn csrf_tokens_are_bound_to_the_browser_and_the_key() {
        let key = LinkKey::generate();
        let token = csrf_token(&key, "session 1");
        assert!(csrf_valid(&key, "session 1", &token));
        assert!(!csrf_valid(&key, "session 2", &token));
        assert!(!csrf_valid(&LinkKey::generate(), "session 1", &token));
        assert!(!csrf_valid(&key, "session 1", ""));
        assert!(!csrf_valid(&key, "session 1", "not hex"));
    }
}
