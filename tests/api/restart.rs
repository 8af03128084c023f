//! A PostgreSQL restart, seen from the service: every connection in the pool
//! is cut and the server refuses new ones for a while. A TCP proxy between
//! the service and PostgreSQL plays the restart, so the machine's database
//! (shared by every other test) is never touched.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use convene::startup::Options;
use convene::web::rate_limit::AnonymousWrites;
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::helpers::{Backend, TestApp, fresh_database, spawn_app_on};

/// A loopback TCP proxy to PostgreSQL that can cut every connection and
/// refuse new ones, as a restarting server does.
struct Proxy {
    addr: String,
    down: Arc<AtomicBool>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
    _accept: JoinHandle<()>,
}

impl Proxy {
    async fn start(target: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let down = Arc::new(AtomicBool::new(false));
        let links: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let accept = tokio::spawn({
            let (down, links) = (down.clone(), links.clone());
            async move {
                while let Ok((mut inbound, _)) = listener.accept().await {
                    if down.load(Ordering::SeqCst) {
                        drop(inbound); // refused while "restarting"
                        continue;
                    }
                    let target = target.clone();
                    links.lock().unwrap().push(tokio::spawn(async move {
                        if let Ok(mut outbound) = TcpStream::connect(&target).await {
                            let _ =
                                tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                        }
                    }));
                }
            }
        });
        Proxy {
            addr,
            down,
            links,
            _accept: accept,
        }
    }

    /// Cuts every open connection; with `down`, refuses new ones until `up`.
    fn restart(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    fn up(&self) {
        self.down.store(false, Ordering::SeqCst);
    }
}

/// The app on a fresh PostgreSQL database reached through a proxy, or None
/// (with the harness's message) when PostgreSQL is unreachable.
async fn app_behind_proxy() -> Option<(TestApp, Proxy)> {
    let (url, guard) = fresh_database(Backend::Postgres).await?;
    // postgres://user@HOST:PORT/db → the proxy's address instead of HOST:PORT.
    let host = url.split('@').nth(1)?.split('/').next()?.to_string();
    let proxy = Proxy::start(host.clone()).await;
    let via = url.replacen(&host, &proxy.addr, 1);
    // Hundreds of votes from one address: no rate limit here.
    let options = Options {
        anonymous_writes: AnonymousWrites {
            per_minute: 0,
            client_ip_header: None,
        },
        ..Options::default()
    };
    let app = spawn_app_on(Backend::Postgres, via, guard, options).await;
    Some((app, proxy))
}

/// `n` votes and `n` results reads at once; the status of each.
async fn burst(app: &Arc<TestApp>, poll: &Value, n: usize, from: usize) -> Vec<u16> {
    let mut tasks = Vec::new();
    for i in 0..n {
        let (app, poll) = (app.clone(), poll.clone());
        tasks.push(tokio::spawn(async move {
            let name = format!("Voter {}", from + i);
            let vote = app.vote(&poll, &name, &[(0, "yes")]);
            let read = app.results(&poll, None);
            let (vote, read) = tokio::join!(vote, read);
            [vote.status.as_u16(), read.status.as_u16()]
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.extend(t.await.unwrap());
    }
    statuses
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_restart_costs_no_request_a_500() {
    let Some((app, proxy)) = app_behind_proxy().await else {
        return;
    };
    let app = Arc::new(app);
    let poll = app.reference_poll().await;
    // Warm the pool: many connections open at once.
    let warm = burst(&app, &poll, 30, 0).await;
    assert!(warm.iter().all(|s| *s < 300), "{warm:?}");

    // The restart: every pooled connection dies while the pool is idle.
    proxy.restart(true);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    proxy.up();
    let after = burst(&app, &poll, 100, 100).await;
    let failed: Vec<_> = after.iter().filter(|s| **s >= 300).collect();
    assert!(failed.is_empty(), "after a restart: {failed:?}");
    assert_eq!(app.get("/readyz", None).await.status.as_u16(), 200);

    // Cut again with requests right behind it (connections still warm).
    proxy.restart(false);
    let hot = burst(&app, &poll, 50, 300).await;
    assert!(!hot.contains(&500), "a cut connection is no 500: {hot:?}");

    // While the database is down: 503 with Retry-After, never a 500.
    proxy.restart(true);
    let (vote, ready) = tokio::join!(
        app.vote(&poll, "During the outage", &[(0, "yes")]),
        app.get("/readyz", None)
    );
    let problem = vote.problem(503);
    assert!(problem["detail"].as_str().unwrap().contains("unavailable"));
    assert!(vote.header("retry-after").is_some(), "{:?}", vote.headers);
    assert_eq!(ready.status.as_u16(), 503);

    proxy.up();
    app.vote(&poll, "After the outage", &[(0, "yes")])
        .await
        .ok(201);
    assert_eq!(app.get("/readyz", None).await.status.as_u16(), 200);
    // Every acknowledged vote counted: 30 + 100 + the hot ones that got a
    // 201 + 1. (A 503 for a commit cut mid-way may still have counted.)
    let acknowledged = 30 + 100 + hot.iter().step_by(2).filter(|s| **s == 201).count() as u64 + 1;
    let results = app.results(&poll, None).await;
    let counted = results.ok(200)["responses"].as_u64().unwrap();
    assert!(
        (acknowledged..=30 + 100 + 50 + 1).contains(&counted),
        "{acknowledged} acknowledged, {counted} counted"
    );
}
