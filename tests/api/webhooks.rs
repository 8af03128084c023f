//! Webhooks through the outbox, against a real HTTP endpoint on a loopback
//! port (the service runs with private addresses allowed, as on a private
//! network): calls signed per Standard Webhooks and verified with the
//! reference crate, retried with the same id after a 500, nothing personal
//! from an aggregate-only poll, and the refusals — at registration and at
//! delivery — of loopback addresses without the setting. Every address
//! used is a loopback one.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use convene::startup::Options;
use convene::webhooks::Webhooks;
use poem::http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{Backend, TestApp, id, reference_poll_body, spawn_app_with};

/// One call the endpoint received.
#[derive(Debug, Clone)]
struct Call {
    headers: HeaderMap,
    body: String,
}

impl Call {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).unwrap().to_str().unwrap()
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

/// A plain HTTP/1.1 endpoint on 127.0.0.1 that records every call and
/// answers 500 to the first `failing` ones, 204 after.
struct Endpoint {
    port: u16,
    calls: Arc<Mutex<Vec<Call>>>,
}

impl Endpoint {
    async fn start(failing: usize) -> Endpoint {
        Endpoint::answering(move |n| {
            if n <= failing {
                "500 Internal Server Error\r\ncontent-length: 0".into()
            } else {
                "204 No Content\r\ncontent-length: 0".into()
            }
        })
        .await
    }

    /// An endpoint whose answer to the `n`th call (from 1) is `answer(n)`:
    /// the status line's rest and any headers.
    async fn answering(answer: impl Fn(usize) -> String + Send + Sync + 'static) -> Endpoint {
        let answer = Arc::new(answer);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let calls: Arc<Mutex<Vec<Call>>> = Arc::default();
        let seen = calls.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let (seen, answer) = (seen.clone(), answer.clone());
                tokio::spawn(async move {
                    let Some(call) = read_call(&mut socket).await else {
                        return;
                    };
                    let n = {
                        let mut calls = seen.lock().unwrap();
                        calls.push(call);
                        calls.len()
                    };
                    let reply = format!("HTTP/1.1 {}\r\nconnection: close\r\n\r\n", answer(n));
                    let _ = socket.write_all(reply.as_bytes()).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        Endpoint { port, calls }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hooks/convene", self.port)
    }

    fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    /// Waits (up to 15 s) for `n` calls.
    async fn wait_for(&self, n: usize) -> Vec<Call> {
        for _ in 0..150 {
            let calls = self.calls();
            if calls.len() >= n {
                return calls;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("expected {n} calls, got {:?}", self.calls());
    }
}

/// A request's head and body, read by Content-Length.
async fn read_call(socket: &mut tokio::net::TcpStream) -> Option<Call> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut headers = HeaderMap::new();
    for line in head.lines().skip(1) {
        if let Some((k, v)) = line.split_once(':') {
            headers.insert(
                HeaderName::from_bytes(k.trim().to_ascii_lowercase().as_bytes()).ok()?,
                HeaderValue::from_str(v.trim()).ok()?,
            );
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&buf[head_end..]).to_string();
    Some(Call { headers, body })
}

/// The service as run on a private network, retrying after ~0.3 s.
fn private_network() -> Options {
    Options {
        webhooks: Webhooks::new(true),
        backoff: convene::delivery::Backoff {
            first: Duration::from_millis(300),
            ..Default::default()
        },
        ..Options::default()
    }
}

async fn register(app: &TestApp, body: &Value) -> crate::helpers::Reply {
    app.post("/api/v1/webhooks", Some(&app.token), body).await
}

fn verify(secret: &str, call: &Call) {
    standardwebhooks::Webhook::new(secret)
        .unwrap()
        .verify(call.body.as_bytes(), &call.headers)
        .unwrap_or_else(|e| panic!("the signature does not verify ({e}): {call:?}"));
}

async fn deliveries(app: &TestApp, hook: &Value) -> Value {
    app.get(
        &format!("/api/v1/webhooks/{}/deliveries", id(hook)),
        Some(&app.token),
    )
    .await
    .ok(200)
    .clone()
}

/// Calls follow the poll — a vote, its change and withdrawal, the close and
/// the confirmation — each signed with the secret shown once, each
/// verified by the Standard Webhooks crate; only the organiser sees and
/// removes their webhook.
async fn calls_are_signed_and_follow_the_poll(backend: Backend) {
    let Some(app) = spawn_app_with(backend, private_network()).await else {
        return;
    };
    let endpoint = Endpoint::start(0).await;
    let hook = register(
        &app,
        &json!({ "url": endpoint.url(), "events": [
            "response.created", "response.updated", "response.deleted",
            "poll.closed", "poll.confirmed"
        ] }),
    )
    .await
    .ok(201)
    .clone();
    let secret = hook["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"), "{hook}");
    let listed = app.get("/api/v1/webhooks", Some(&app.token)).await;
    let listed = listed.ok(200);
    assert_eq!(listed["items"][0]["id"], hook["id"]);
    assert!(listed["items"][0].get("secret").is_none(), "shown once");

    let poll = app.reference_poll().await;
    let voted = app
        .vote(&poll, "Bruna", &[(0, "yes"), (1, "if_need_be")])
        .await
        .ok(201)
        .clone();
    let calls = endpoint.wait_for(1).await;
    verify(&secret, &calls[0]);
    let event = calls[0].json();
    assert_eq!(event["type"], "response.created");
    assert_eq!(event["data"]["poll_id"], poll["id"]);
    assert_eq!(event["data"]["response_id"], voted["id"]);
    assert_eq!(event["data"]["name"], "Bruna");
    assert_eq!(event["data"]["votes"][1]["choice"], "if_need_be");
    assert!(calls[0].header("webhook-id").starts_with("msg_"));

    let me = format!("/api/v1/polls/{}/responses/me", id(&poll));
    let edit = voted["edit_token"].as_str().unwrap().to_string();
    app.put(
        &me,
        Some(&edit),
        &json!({ "votes": [{ "option_id": poll["options"][2]["id"], "choice": "yes" }] }),
    )
    .await
    .ok(200);
    app.delete(&me, Some(&edit)).await;
    let poll_path = format!("/api/v1/polls/{}", id(&poll));
    app.post(&format!("{poll_path}/close"), Some(&app.token), &json!({}))
        .await
        .ok(200);
    app.post(
        &format!("{poll_path}/confirm"),
        Some(&app.token),
        &json!({ "option_id": poll["options"][0]["id"] }),
    )
    .await
    .ok(200);
    let calls = endpoint.wait_for(5).await;
    let types: Vec<String> = calls
        .iter()
        .map(|c| c.json()["type"].as_str().unwrap().to_string())
        .collect();
    for expected in [
        "response.created",
        "response.updated",
        "response.deleted",
        "poll.closed",
        "poll.confirmed",
    ] {
        assert!(
            types.iter().any(|t| t == expected),
            "{expected} in {types:?}"
        );
    }
    for call in &calls {
        verify(&secret, call);
    }
    let confirmed = calls
        .iter()
        .map(Call::json)
        .find(|c| c["type"] == "poll.confirmed")
        .unwrap();
    assert_eq!(confirmed["data"]["option_id"], poll["options"][0]["id"]);
    assert_eq!(confirmed["data"]["status"], "confirmed");

    // Each call is listed once, sent, under the id its headers carried.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let listed = deliveries(&app, &hook).await;
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 5, "{listed}");
    for call in &calls {
        let item = items
            .iter()
            .find(|i| i["id"] == call.header("webhook-id"))
            .unwrap_or_else(|| panic!("{call:?} not in {listed}"));
        assert_eq!(item["state"], "sent");
        assert_eq!(item["event"], call.json()["type"]);
    }
    // Paged, newest first.
    let first = app
        .get(
            &format!("/api/v1/webhooks/{}/deliveries?limit=2", id(&hook)),
            Some(&app.token),
        )
        .await
        .ok(200)
        .clone();
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    assert_eq!(first["items"][0]["event"], "poll.confirmed");
    let cursor = first["next_cursor"].as_str().unwrap();
    let next = app
        .get(
            &format!(
                "/api/v1/webhooks/{}/deliveries?limit=2&cursor={cursor}",
                id(&hook)
            ),
            Some(&app.token),
        )
        .await
        .ok(200)
        .clone();
    assert_ne!(next["items"][0]["id"], first["items"][1]["id"]);

    // Another organiser sees none of it; nobody without a token does.
    let other = app.other_organiser().await;
    let theirs = app.get("/api/v1/webhooks", Some(&other)).await;
    assert_eq!(theirs.ok(200)["items"], json!([]));
    let hook_path = format!("/api/v1/webhooks/{}", id(&hook));
    app.get(&format!("{hook_path}/deliveries"), Some(&other))
        .await
        .problem(404);
    app.delete(&hook_path, Some(&other)).await.problem(404);
    app.get("/api/v1/webhooks", None).await.problem(401);
    app.post("/api/v1/webhooks", None, &json!({}))
        .await
        .problem(401);
    assert_eq!(app.vote(&poll, "Late", &[]).await.status.as_u16(), 409);

    // Deleted: no more calls.
    let deleted = app.delete(&hook_path, Some(&app.token)).await;
    assert_eq!(deleted.status.as_u16(), 204);
    app.get(&format!("{hook_path}/deliveries"), Some(&app.token))
        .await
        .problem(404);
    let fresh = app.reference_poll().await;
    app.vote(&fresh, "After", &[(0, "yes")]).await.ok(201);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(endpoint.calls().len(), 5, "no call after deletion");
}

/// An endpoint that fails gets the call again, with the same id and body
/// (a new timestamp and signature), until it answers 2xx.
async fn a_failed_call_is_retried_with_the_same_id(backend: Backend) {
    let Some(app) = spawn_app_with(backend, private_network()).await else {
        return;
    };
    let endpoint = Endpoint::start(2).await;
    let poll = app.reference_poll().await;
    let hook = register(
        &app,
        &json!({ "url": endpoint.url(), "events": ["response.created"], "poll_id": poll["id"] }),
    )
    .await
    .ok(201)
    .clone();
    let secret = hook["secret"].as_str().unwrap().to_string();
    app.vote(&poll, "Bruna", &[(0, "yes")]).await.ok(201);
    let calls = endpoint.wait_for(3).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let calls = if endpoint.calls().len() > calls.len() {
        endpoint.calls()
    } else {
        calls
    };
    assert_eq!(calls.len(), 3, "two 500s, then delivered once: {calls:?}");
    for call in &calls {
        verify(&secret, call);
        assert_eq!(call.header("webhook-id"), calls[0].header("webhook-id"));
        assert_eq!(call.body, calls[0].body);
    }
    let listed = deliveries(&app, &hook).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed["items"][0]["state"], "sent");
    assert_eq!(listed["items"][0]["attempts"], 3);

    // A webhook for this poll only: another poll's votes call nothing.
    let other = app.reference_poll().await;
    app.vote(&other, "Elsewhere", &[(0, "yes")]).await.ok(201);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(endpoint.calls().len(), 3);
}

/// An endpoint that answers 410 Gone is taken down for good: it is
/// disabled at once (listWebhooks says when and why), and later events
/// queue no call to it.
async fn a_gone_endpoint_is_disabled(backend: Backend) {
    let Some(app) = spawn_app_with(backend, private_network()).await else {
        return;
    };
    let endpoint = Endpoint::answering(|_| "410 Gone\r\ncontent-length: 0".into()).await;
    let poll = app.reference_poll().await;
    let hook = register(
        &app,
        &json!({ "url": endpoint.url(), "events": ["response.created"] }),
    )
    .await
    .ok(201)
    .clone();
    let listed = app.get("/api/v1/webhooks", Some(&app.token)).await;
    assert!(
        listed.ok(200)["items"][0].get("disabled_at").is_none(),
        "{}",
        listed.text
    );
    app.vote(&poll, "Bruna", &[(0, "yes")]).await.ok(201);
    endpoint.wait_for(1).await;
    let mut item = Value::Null;
    for _ in 0..50 {
        let listed = app.get("/api/v1/webhooks", Some(&app.token)).await;
        item = listed.ok(200)["items"][0].clone();
        if item["disabled_at"].is_string() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(item["disabled_at"].is_string(), "{item}");
    assert!(
        item["disabled_reason"].as_str().unwrap().contains("410"),
        "{item}"
    );
    let listed = deliveries(&app, &hook).await;
    assert_eq!(listed["items"][0]["state"], "failed", "{listed}");
    assert_eq!(listed["items"][0]["attempts"], 1, "not retried: {listed}");
    // Gone stays gone: the next votes call nothing and queue nothing.
    app.vote(&poll, "Yoichi", &[(0, "yes")]).await.ok(201);
    app.vote(&poll, "Anna", &[(1, "no")]).await.ok(201);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(endpoint.calls().len(), 1, "{:?}", endpoint.calls());
    let listed = deliveries(&app, &hook).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "{listed}");
}

/// An endpoint that asks for time (`Retry-After` with a 503 or a 429)
/// gets it: the next try comes no sooner than it asked, rather than at the
/// backoff's first step (0.3 s here).
async fn retry_after_is_honoured(backend: Backend) {
    let Some(app) = spawn_app_with(backend, private_network()).await else {
        return;
    };
    let endpoint = Endpoint::answering(|n| match n {
        1 => "503 Service Unavailable\r\nretry-after: 2\r\ncontent-length: 0".into(),
        _ => "204 No Content\r\ncontent-length: 0".into(),
    })
    .await;
    let poll = app.reference_poll().await;
    let hook = register(
        &app,
        &json!({ "url": endpoint.url(), "events": ["response.created"] }),
    )
    .await
    .ok(201)
    .clone();
    app.vote(&poll, "Bruna", &[(0, "yes")]).await.ok(201);
    endpoint.wait_for(1).await;
    let first = std::time::Instant::now();
    endpoint.wait_for(2).await;
    let waited = first.elapsed();
    assert!(
        waited >= Duration::from_millis(1800),
        "the retry came after {waited:?}, not the 2 s asked for"
    );
    let mut listed = Value::Null;
    for _ in 0..30 {
        listed = deliveries(&app, &hook).await;
        if listed["items"][0]["state"] == "sent" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(listed["items"][0]["state"], "sent", "{listed}");
    assert_eq!(listed["items"][0]["attempts"], 2, "{listed}");
}

/// Nothing happens at a deadline — voting closes because it is read — but
/// a tool wants to know: `poll.closed` comes when it passes, once; not for a
/// poll closed by hand before (that one was announced then).
async fn a_passing_deadline_is_announced_as_poll_closed(backend: Backend) {
    let Some(app) = spawn_app_with(backend, private_network()).await else {
        return;
    };
    let second = app.second_instance().await;
    let endpoint = Endpoint::start(0).await;
    register(
        &app,
        &json!({ "url": endpoint.url(), "events": ["poll.closed"] }),
    )
    .await
    .ok(201);
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(3))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut body = reference_poll_body();
    body["deadline"] = json!(soon);
    let poll = app.create_poll(&body).await;
    let by_hand = app.create_poll(&body).await;
    app.close(&by_hand).await.ok(200);
    endpoint.wait_for(2).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let calls = endpoint
        .calls()
        .into_iter()
        .map(|c| c.json())
        .collect::<Vec<_>>();
    assert_eq!(calls.len(), 2, "{calls:?}");
    let at_deadline = calls
        .iter()
        .find(|c| c["data"]["poll_id"] == poll["id"])
        .unwrap();
    assert_eq!(at_deadline["data"]["reason"], "deadline");
    assert_eq!(
        calls
            .iter()
            .filter(|c| c["data"]["poll_id"] == by_hand["id"])
            .count(),
        1,
        "{calls:?}"
    );
    drop(second);
}

/// Respondents to an aggregate-only poll were promised that nobody sees
/// their name or answer: a call says only that a response came.
async fn aggregate_only_calls_carry_no_name_or_answer(backend: Backend) {
    let Some(app) = spawn_app_with(backend, private_network()).await else {
        return;
    };
    let endpoint = Endpoint::start(0).await;
    let mut body = reference_poll_body();
    body["aggregate_only"] = json!(true);
    let poll = app.create_poll(&body).await;
    register(
        &app,
        &json!({ "url": endpoint.url(), "events": ["response.created"] }),
    )
    .await
    .ok(201);
    app.vote(&poll, "Bruna Secretname", &[(0, "if_need_be")])
        .await
        .ok(201);
    let calls = endpoint.wait_for(1).await;
    let event = calls[0].json();
    assert_eq!(event["type"], "response.created");
    assert!(event["data"]["response_id"].is_string());
    assert!(
        !calls[0].body.contains("Secretname") && !calls[0].body.contains("if_need_be"),
        "{}",
        calls[0].body
    );
}

/// Without `CONVENE_WEBHOOK_ALLOW_PRIVATE`, loopback and `http` URLs are
/// refused at registration (and nothing is stored), and a URL registered
/// where they were allowed is refused at delivery by an instance where
/// they are not — also when the name only resolves to loopback, which is
/// what the delivery-time check is for.
async fn loopback_is_refused_without_the_setting(backend: Backend) {
    // Registers, never delivers (API only), with private addresses allowed.
    let registrar = Options {
        webhooks: Webhooks::new(true),
        api_only: true,
        ..Options::default()
    };
    let Some(app) = spawn_app_with(backend, registrar).await else {
        return;
    };
    let public_only = app.instance_with(Options::default()).await;
    let endpoint = Endpoint::start(0).await;
    let port = endpoint.port;
    for url in [
        endpoint.url(),
        format!("https://127.0.0.1:{port}/hooks"),
        format!("https://localhost:{port}/hooks"),
        format!("https://[::1]:{port}/hooks"),
        format!("https://127.1.2.3:{port}/hooks"),
        format!("ftp://127.0.0.1:{port}/hooks"),
        "not a url".to_string(),
    ] {
        register(
            &public_only,
            &json!({ "url": url, "events": ["response.created"] }),
        )
        .await
        .invalid_field("url");
    }
    let poll = app.reference_poll().await;
    let other = app.other_organiser().await;
    let theirs = public_only
        .post(
            "/api/v1/webhooks",
            Some(&other),
            &json!({ "url": "https://hooks.example.org/x", "events": ["poll.closed"], "poll_id": poll["id"] }),
        )
        .await;
    theirs.invalid_field("poll_id");
    register(
        &public_only,
        &json!({ "url": "https://hooks.example.org/x", "events": ["poll.closed", "poll.closed"] }),
    )
    .await
    .invalid_field("events[1]");
    let none = public_only.get("/api/v1/webhooks", Some(&app.token)).await;
    assert_eq!(none.ok(200)["items"], json!([]), "nothing stored");

    // Registered where allowed: `localhost` by name, and (if this machine's
    // hosts file has one) another name that resolves to loopback, which
    // only the resolved address gives away.
    let mut urls = vec![format!("http://localhost:{port}/hooks")];
    if let Some(name) = loopback_name_in_hosts_file() {
        urls.push(format!("https://{name}:{port}/hooks"));
    } else {
        eprintln!(
            "no loopback name besides localhost in /etc/hosts: the resolved-address case is skipped"
        );
    }
    let mut hooks = Vec::new();
    for url in &urls {
        hooks.push(
            register(&app, &json!({ "url": url, "events": ["response.created"] }))
                .await
                .ok(201)
                .clone(),
        );
    }
    app.vote(&poll, "Bruna", &[(0, "yes")]).await.ok(201);
    for hook in &hooks {
        let mut listed = Value::Null;
        for _ in 0..100 {
            listed = deliveries(&app, hook).await;
            if listed["items"][0]["state"] == "failed" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(listed["items"][0]["state"], "failed", "{hook} {listed}");
        let error = listed["items"][0]["last_error"].as_str().unwrap();
        assert!(error.starts_with("refused:"), "{error}");
    }
    assert!(endpoint.calls().is_empty(), "no call reached loopback");
}

/// A name other than `localhost` that the hosts file maps to a loopback
/// address: resolved without any traffic off the machine.
fn loopback_name_in_hosts_file() -> Option<String> {
    let hosts = std::fs::read_to_string("/etc/hosts").ok()?;
    hosts.lines().find_map(|line| {
        let mut words = line.split('#').next()?.split_whitespace();
        let ip: std::net::IpAddr = words.next()?.parse().ok()?;
        if !ip.is_loopback() {
            return None;
        }
        words
            .find(|w| {
                !w.contains("localhost") && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            .map(str::to_string)
    })
}

macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(super::Backend::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name(super::Backend::Postgres).await;
                }
            }
        )*
    };
}

/// Votes arriving together (written several to a statement on
/// PostgreSQL, several to a transaction on SQLite) each get their own
/// call, history entry and place in the tallies, exactly once.
async fn votes_arriving_together_are_each_called_once(backend: Backend) {
    let Some(app) = spawn_app_with(backend, private_network()).await else {
        return;
    };
    let endpoint = Endpoint::start(0).await;
    register(
        &app,
        &json!({ "url": endpoint.url(), "events": ["response.created"] }),
    )
    .await
    .ok(201);
    let poll = app.reference_poll().await;
    let url = format!("{}/api/v1/polls/{}/responses", app.address, id(&poll));
    let created = crate::helpers::at_once(40, |n| {
        let (client, url) = (app.client.clone(), url.clone());
        let body = json!({ "name": format!("Member {n}"), "votes": [
            { "option_id": poll["options"][n % 2]["id"], "choice": "yes" },
            { "option_id": poll["options"][2]["id"], "choice": "no" } ] });
        async move {
            let reply = client.post(url).json(&body).send().await.unwrap();
            assert_eq!(reply.status().as_u16(), 201);
            reply.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        }
    })
    .await;
    let calls = endpoint.wait_for(40).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut called: Vec<String> = endpoint
        .calls()
        .iter()
        .map(|c| {
            c.json()["data"]["response_id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    called.sort();
    let mut expected = created.clone();
    expected.sort();
    assert_eq!(called, expected, "{} calls", calls.len());
    let results = app.results(&poll, None).await.ok(200).clone();
    assert_eq!(results["responses"], 40);
    let count = |i: usize, choice: &str| {
        crate::helpers::result_for(&results, id(&poll["options"][i]))[choice].clone()
    };
    assert_eq!(
        (count(0, "yes"), count(1, "yes"), count(2, "no")),
        (json!(20), json!(20), json!(40))
    );
    let submitted = app
        .history(&poll, 100)
        .await
        .iter()
        .filter(|e| e["action"] == "response_submitted")
        .count();
    assert_eq!(submitted, 40);
}

on_both_databases!(
    votes_arriving_together_are_each_called_once,
    calls_are_signed_and_follow_the_poll,
    a_failed_call_is_retried_with_the_same_id,
    a_gone_endpoint_is_disabled,
    retry_after_is_honoured,
    aggregate_only_calls_carry_no_name_or_answer,
    a_passing_deadline_is_announced_as_poll_closed,
    loopback_is_refused_without_the_setting,
);
