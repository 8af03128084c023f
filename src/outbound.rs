//! Requests the service makes to addresses others chose: webhooks, members'
//! calendars, the identity provider. One guard for all of them.
//!
//! The address check covers what a name resolves to when the request is
//! made, not only when the address was registered: the client resolves
//! names through [`CheckedResolver`], which refuses private addresses, and
//! connects only to the addresses it returned — so a name that later points
//! at 127.0.0.1 or a cloud metadata address (DNS rebinding) gets nothing.
//! Redirects are not followed by the client, for the same reason: a caller
//! that follows one checks the new address first.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::domain::webhooks::refused_address;

/// `CONVENE_WEBHOOK_ALLOW_PRIVATE`: whether `http`, loopback and private
/// networks may be reached too (tests, services on an organisation's own
/// network).
#[derive(Debug, Clone, Copy, Default)]
pub struct Outbound {
    pub allow_private: bool,
}

impl Outbound {
    /// A client that reaches only what the guard allows, within `timeout`
    /// (connection included), following no redirect.
    pub fn client(self, user_agent: &'static str, timeout: Duration) -> reqwest::Client {
        reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(user_agent)
            .dns_resolver(Arc::new(CheckedResolver {
                allow_private: self.allow_private,
            }))
            .build()
            .expect("a client with rustls and a resolver builds")
    }
}

/// An error and its causes, in one line ("error sending request: …:
/// Connection refused").
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// The resolver's refusal, if that is why the request failed.
pub fn refusal_in(e: &reqwest::Error) -> Option<String> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(r) = s.downcast_ref::<Refused>() {
            return Some(r.0.clone());
        }
        source = s.source();
    }
    None
}

/// A name that resolves to an address the service may not reach.
#[derive(Debug)]
struct Refused(String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// Resolves with the system's resolver, then refuses the whole name if any
/// address it has is not public: the client connects only to addresses
/// this returned.
struct CheckedResolver {
    allow_private: bool,
}

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            for addr in &addrs {
                if let Some(why) = refused_address(addr.ip(), allow_private) {
                    return Err(Box::new(Refused(format!(
                        "{host} resolves to {why}: only public addresses are reached"
                    )))
                        as Box<dyn std::error::Error + Send + Sync>);
                }
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}
