//! A real OpenID provider for the single sign-on tests: tests/oidc/provider.mjs
//! (oidc-provider, OpenID Certified) started on a free loopback port, and a
//! browser made of reqwest and a cookie store that goes through its login
//! and consent forms with plain HTTP, one redirect at a time.
//!
//! Needs Node.js and `npm ci` in tests/oidc; without them the tests say they
//! are skipped, unless `CONVENE_TEST_REQUIRE_OIDC=1` (CI) makes that a
//! failure. `CONVENE_TEST_NODE` names the node binary (default `node`).

use std::io::BufRead;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::{Value, json};

pub const CLIENT_ID: &str = "convene";
pub const CLIENT_SECRET: &str = "convene-test-secret";

/// The provider, ended when dropped.
pub struct Provider {
    pub issuer: String,
    child: Child,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn required() -> bool {
    std::env::var("CONVENE_TEST_REQUIRE_OIDC").is_ok_and(|v| v == "1")
}

fn skip(why: &str) -> Option<Provider> {
    if required() {
        panic!("the OpenID provider is required (CONVENE_TEST_REQUIRE_OIDC=1): {why}");
    }
    eprintln!(
        "SKIPPED: no OpenID provider for the single sign-on tests ({why}; run `npm ci` in tests/oidc)"
    );
    None
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Provider {
    /// The provider with our client registered for `redirect_uri` (and a
    /// second client, `other-app`, for the same URI), or None (said why)
    /// when Node.js or the package is missing. `options`: `{}`, or
    /// `{"conform": true}` to give the address at the userinfo endpoint
    /// only, not in the ID token.
    pub fn start(redirect_uri: &str, options: Value) -> Option<Provider> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc");
        if !dir.join("node_modules/oidc-provider/package.json").exists() {
            return skip("tests/oidc/node_modules is not installed");
        }
        let node = std::env::var("CONVENE_TEST_NODE").unwrap_or_else(|_| "node".into());
        let port = free_port();
        let clients = json!([
            {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": [redirect_uri]},
            {"client_id": "other-app", "client_secret": "other-secret", "redirect_uris": [redirect_uri]},
        ]);
        let spawned = Command::new(&node)
            .arg(dir.join("provider.mjs"))
            .arg(port.to_string())
            .arg(clients.to_string())
            .arg(options.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            // Its warnings (development adapter and interactions) only
            // with TEST_LOG, as our own logs.
            .stderr(if std::env::var("TEST_LOG").is_ok() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn();
        let mut child = match spawned {
            Ok(c) => c,
            Err(e) => return skip(&format!("{node}: {e}")),
        };
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = std::io::BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line);
            // Keep reading: a closed pipe would end the provider (EPIPE).
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(line) if line.starts_with("ready ") => Some(Provider {
                issuer: line.trim()["ready ".len()..].to_string(),
                child,
            }),
            other => {
                let _ = child.kill();
                let _ = child.wait();
                // Installed but not starting is a failure, not a skip.
                panic!("the OpenID provider did not start: {other:?}")
            }
        }
    }

    /// Makes the provider rewrite the ID token it issues for `code`: the
    /// claims given replace its own, and it is signed again with the
    /// provider's key, or with another key under the same key id.
    pub async fn tamper(&self, code: &str, claims: Value, foreign_key: bool) {
        self.tamper_with(code, json!({"claims": claims, "foreign_key": foreign_key}))
            .await
    }

    /// [`Provider::tamper`] with the harness's fields as they are
    /// (`claims`, `foreign_key`, `hmac`).
    pub async fn tamper_with(&self, code: &str, change: Value) {
        let mut body = change;
        body["code"] = json!(code);
        let r = reqwest::Client::new()
            .post(format!("{}/_harness/tamper", self.issuer))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }
}

/// A browser: cookies kept, redirects followed one at a time by the test.
pub struct Browser {
    pub client: reqwest::Client,
    jar: Arc<reqwest::cookie::Jar>,
}

impl Default for Browser {
    fn default() -> Self {
        Self::new()
    }
}

/// One answer, read whole; `location` made absolute.
#[derive(Debug)]
pub struct Hop {
    pub status: StatusCode,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Hop {
    /// The `Set-Cookie` headers that set (or clear) the cookie `name`.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(&format!("{name}=")))
            .map(str::to_string)
    }
}

impl Browser {
    pub fn new() -> Browser {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser { client, jar }
    }

    /// The value of the cookie `name` this browser would send to `url`.
    pub fn cookie(&self, url: &str, name: &str) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let header = self.jar.cookies(&url.parse().unwrap())?;
        header
            .to_str()
            .unwrap()
            .split("; ")
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_string))
    }

    pub async fn get(&self, url: &str) -> Hop {
        let r = self.client.get(url).send().await.unwrap();
        Self::read(url, r).await
    }

    pub async fn post_form(&self, url: &str, form: &[(&str, &str)]) -> Hop {
        let r = self.client.post(url).form(form).send().await.unwrap();
        Self::read(url, r).await
    }

    async fn read(url: &str, r: reqwest::Response) -> Hop {
        let status = r.status();
        let location = r.headers().get(LOCATION).map(|l| {
            reqwest::Url::parse(url)
                .unwrap()
                .join(l.to_str().unwrap())
                .unwrap()
                .to_string()
        });
        let headers = r.headers().clone();
        Hop {
            status,
            location,
            headers,
            body: r.text().await.unwrap(),
        }
    }

    /// From the provider's authorization URL, through its login form (as
    /// `login`) and consent form, to the redirect back to the client: the
    /// URL the provider sends the browser to, which this does not follow.
    pub async fn through_provider(&self, authorize_url: &str, issuer: &str, login: &str) -> String {
        let mut url = authorize_url.to_string();
        for _ in 0..10 {
            if !url.starts_with(issuer) {
                return url;
            }
            let hop = if url.contains("/interaction/") {
                let page = self.get(&url).await.body;
                if page.contains("name=\"login\"") {
                    self.post_form(
                        &url,
                        &[("prompt", "login"), ("login", login), ("password", "x")],
                    )
                    .await
                } else {
                    assert!(
                        page.contains("consent"),
                        "an unexpected interaction page: {page}"
                    );
                    self.post_form(&url, &[("prompt", "consent")]).await
                }
            } else {
                self.get(&url).await
            };
            url = hop
                .location
                .unwrap_or_else(|| panic!("no redirect from {url} ({}): {}", hop.status, hop.body));
        }
        panic!("the provider kept redirecting");
    }
}

/// The query parameters of a URL.
pub fn query(url: &str) -> std::collections::HashMap<String, String> {
    reqwest::Url::parse(url)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}
