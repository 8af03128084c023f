//! The test harness: a real server on port 0 over a fresh database per test,
//! SQLite or PostgreSQL, and typed helpers for the requests tests make.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use convene::startup::Options;
use convene::store::Store;
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectOptions, ConnectionTrait, Database};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates, for each named `async fn(TestApp)`, one test on SQLite and one
/// on PostgreSQL, so the whole suite runs on both.
#[macro_export]
macro_rules! both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = $crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await {
                        super::$name(app).await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = $crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await {
                        super::$name(app).await;
                    }
                }
            )*
        }
    };
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub store: Store,
    /// An organiser's token (the organiser "IGF Secretariat").
    pub token: String,
    pub backend: Backend,
    /// Where the database is, for starting another instance on it.
    pub database_url: String,
    /// The limits it was started with.
    pub options: Options,
    _db: DbGuard,
}

pub enum DbGuard {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
    None,
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        if let DbGuard::Postgres { admin_url, name } = self {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs outside any runtime we may block; use a thread of its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    if let Ok(db) = Database::connect(admin_url.as_str()).await {
                        let _ = db
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                            ))
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

fn postgres_base() -> String {
    std::env::var("CONVENE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh PostgreSQL database, or None (with a message) when no server is
/// reachable. CI sets `CONVENE_TEST_REQUIRE_POSTGRES=1` so it fails instead.
async fn fresh_postgres() -> Option<(String, DbGuard)> {
    let base = postgres_base();
    let admin_url = format!("{base}/postgres");
    let mut opts = ConnectOptions::new(admin_url.clone());
    opts.connect_timeout(Duration::from_secs(3))
        .max_connections(1)
        .sqlx_logging(false);
    let admin = match Database::connect(opts).await {
        Ok(db) => db,
        Err(e) => {
            if std::env::var("CONVENE_TEST_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                panic!(
                    "PostgreSQL is required (CONVENE_TEST_REQUIRE_POSTGRES=1) but {admin_url} is unreachable: {e}"
                );
            }
            eprintln!(
                "SKIPPED on PostgreSQL: no server at {admin_url} ({e}). Set CONVENE_TEST_POSTGRES_URL to run the PostgreSQL half."
            );
            return None;
        }
    };
    let name = format!(
        "convene_t_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        uuid::Uuid::new_v4().simple()
    );
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("creating a test database");
    Some((
        format!("{base}/{name}"),
        DbGuard::Postgres { admin_url, name },
    ))
}

/// A fresh, empty database of the backend and what keeps it alive (None
/// when PostgreSQL is unreachable and not required).
pub async fn fresh_database(backend: Backend) -> Option<(String, DbGuard)> {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}/convene.db", dir.path().display());
            Some((url, DbGuard::Sqlite(dir)))
        }
        Backend::Postgres => fresh_postgres().await,
    }
}

pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, Options::default()).await
}

/// [`spawn_app`] with other limits than the defaults.
pub async fn spawn_app_with(backend: Backend, options: Options) -> Option<TestApp> {
    let (url, guard) = fresh_database(backend).await?;
    Some(spawn_app_on(backend, url, guard, options).await)
}

/// A server over the database at `url` (which `guard` keeps alive).
pub async fn spawn_app_on(
    backend: Backend,
    url: String,
    guard: DbGuard,
    options: Options,
) -> TestApp {
    init_logs();
    let store = Store::connect(&url).await.expect("connecting");
    // The real migrations, as in production: never a schema built another way.
    store.migrate().await.expect("migrating");
    let (_, token) = store
        .issue_organiser_token("IGF Secretariat")
        .await
        .expect("token");
    let address = serve(store.clone(), options.clone()).await;
    TestApp {
        address,
        client: reqwest::Client::new(),
        store,
        token,
        backend,
        database_url: url,
        options,
        _db: guard,
    }
}

/// Serves a store on a port of its own and returns the base address.
async fn serve(store: Store, options: Options) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(convene::startup::serve(
        listener,
        store,
        address.clone(),
        options,
        std::future::pending(),
    ));
    address
}

impl TestApp {
    /// Another instance of the service on the same database, with its own
    /// connection pool and nothing shared in memory: what a second replica
    /// behind a load balancer is. Requests go to it through the returned app.
    pub async fn second_instance(&self) -> TestApp {
        self.instance_with(self.options.clone()).await
    }

    /// [`second_instance`] with options of its own (another mail server).
    pub async fn instance_with(&self, options: Options) -> TestApp {
        let store = Store::connect(&self.database_url)
            .await
            .expect("connecting the second instance");
        store.migrate().await.expect("migrating (a no-op by now)");
        let address = serve(store.clone(), options.clone()).await;
        TestApp {
            address,
            client: reqwest::Client::new(),
            store,
            token: self.token.clone(),
            backend: self.backend,
            database_url: self.database_url.clone(),
            options,
            // The first instance owns the database's lifetime.
            _db: DbGuard::None,
        }
    }
}

fn init_logs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if std::env::var("TEST_LOG").is_ok() {
            tracing_subscriber::fmt()
                .with_env_filter("info")
                .with_test_writer()
                .init();
        }
    });
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts an RFC 9457 problem with this status, and returns it.
    #[track_caller]
    pub fn problem(&self, status: u16) -> &Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "expected {status}, got {}: {}",
            self.status,
            self.text
        );
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "errors are problem+json: {}",
            self.text
        );
        assert_eq!(self.body["status"], status, "{}", self.text);
        assert!(
            self.body["title"].is_string() && self.body["detail"].is_string(),
            "{}",
            self.text
        );
        &self.body
    }

    /// Asserts a 422 naming `field`, and returns that field's message.
    #[track_caller]
    pub fn invalid_field(&self, field: &str) -> String {
        let body = self.problem(422);
        let errors = body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("no errors list: {}", self.text));
        errors
            .iter()
            .find(|e| e["field"] == field)
            .unwrap_or_else(|| panic!("no error for {field}: {}", self.text))["message"]
            .as_str()
            .unwrap()
            .to_string()
    }

    #[track_caller]
    pub fn ok(&self, status: u16) -> &Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "expected {status}, got {}: {}",
            self.status,
            self.text
        );
        &self.body
    }
}

impl TestApp {
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        self.request_with(method, path, token, body, &[]).await
    }

    pub async fn request_with(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = self
            .client
            .request(method, format!("{}{}", self.address, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = req.send().await.expect("request failed");
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        self.request(Method::POST, path, token, Some(body)).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        self.request(Method::PUT, path, token, Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Reply {
        self.request(Method::DELETE, path, token, None).await
    }

    /// A second organiser, who must not see the first one's polls.
    pub async fn other_organiser(&self) -> String {
        self.store
            .issue_organiser_token("Another Secretariat")
            .await
            .unwrap()
            .1
    }

    pub async fn create_poll(&self, body: &Value) -> Value {
        self.post("/api/v1/polls", Some(&self.token), body)
            .await
            .ok(201)
            .clone()
    }

    /// The reference poll: Second Open Consultations, three all-day ranges in Vienna.
    pub async fn reference_poll(&self) -> Value {
        self.create_poll(&reference_poll_body()).await
    }

    /// Votes on an open poll as `name`; `choices` pairs option index and choice.
    pub async fn vote(&self, poll: &Value, name: &str, choices: &[(usize, &str)]) -> Reply {
        let votes: Vec<Value> = choices
            .iter()
            .map(|(i, c)| json!({ "option_id": poll["options"][*i]["id"], "choice": c }))
            .collect();
        self.post(
            &format!("/api/v1/polls/{}/responses", poll["id"].as_str().unwrap()),
            None,
            &json!({ "name": name, "votes": votes }),
        )
        .await
    }

    /// Every entry of a poll's history, read page by page (`limit` each)
    /// as the organiser.
    pub async fn history(&self, poll: &Value, limit: u32) -> Vec<Value> {
        let base = format!("/api/v1/polls/{}/history?limit={limit}", id(poll));
        let mut path = base.clone();
        let mut items = Vec::new();
        loop {
            let page = self.get(&path, Some(&self.token)).await.ok(200).clone();
            items.extend(page["items"].as_array().unwrap().iter().cloned());
            match page["next_cursor"].as_str() {
                Some(c) => path = format!("{base}&cursor={c}"),
                None => return items,
            }
        }
    }

    /// Closes a poll as its organiser.
    pub async fn close(&self, poll: &Value) -> Reply {
        self.post(
            &format!("/api/v1/polls/{}/close", id(poll)),
            Some(&self.token),
            &json!({}),
        )
        .await
    }

    pub async fn results(&self, poll: &Value, token: Option<&str>) -> Reply {
        self.get(
            &format!("/api/v1/polls/{}/results", poll["id"].as_str().unwrap()),
            token,
        )
        .await
    }
}

pub fn reference_poll_body() -> Value {
    json!({
        "title": "Second Open Consultations and MAG Meeting",
        "description": "IGF 2026 preparatory cycle, Vienna International Centre, online and onsite.",
        "location": "Vienna International Centre",
        "time_zone": "Europe/Vienna",
        "voting": "open",
        "options": [
            { "kind": "all_day", "start_date": "2026-07-05", "end_date": "2026-07-07" },
            { "kind": "all_day", "start_date": "2026-07-10", "end_date": "2026-07-12" },
            { "kind": "all_day", "start_date": "2026-07-12", "end_date": "2026-07-14" }
        ]
    })
}

/// `n` calls at once, each in a task of its own as separate clients would
/// send them; their results in the order of `i`.
pub async fn at_once<T, Fut>(n: usize, call: impl Fn(usize) -> Fut) -> Vec<T>
where
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let tasks: Vec<_> = (0..n).map(|i| tokio::spawn(call(i))).collect();
    let mut results = Vec::with_capacity(n);
    for task in tasks {
        results.push(task.await.expect("a concurrent call panicked"));
    }
    results
}

pub fn id(v: &Value) -> &str {
    v["id"].as_str().expect("an id")
}

/// The result row of the option with this id.
pub fn result_for<'a>(results: &'a Value, option_id: &str) -> &'a Value {
    results["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["option_id"] == option_id)
        .expect("option in results")
}
