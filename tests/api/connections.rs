//! Connections as a hostile or careless client uses them, over raw TCP:
//! slowloris heads, idle keep-alive, slow bodies, and early answers on a
//! keep-alive connection (src/server.rs).

use std::time::{Duration, Instant};

use convene::server::Timeouts;
use convene::startup::Options;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::helpers::{Backend, TestApp, spawn_app_with};

fn tight() -> Options {
    Options {
        timeouts: Timeouts {
            header_read: Duration::from_secs(1),
            idle: Duration::from_secs(2),
            body_read: Duration::from_secs(1),
        },
        ..Options::default()
    }
}

/// The app on each database in turn, with tight timeouts.
async fn apps() -> Vec<TestApp> {
    let mut apps = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        if let Some(app) = spawn_app_with(backend, tight()).await {
            apps.push(app);
        }
    }
    apps
}

fn host(app: &TestApp) -> String {
    app.address.trim_start_matches("http://").to_string()
}

/// One HTTP/1.1 response read off a connection: status, headers, body.
async fn response(r: &mut BufReader<TcpStream>) -> Option<(u16, String, String)> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0; length];
    r.read_exact(&mut body).await.ok()?;
    Some((status, head, String::from_utf8_lossy(&body).into()))
}

/// Waits until the server closes the connection; how long that took.
async fn closed_after(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    let mut buf = [0u8; 1024];
    tokio::time::timeout(limit, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return start.elapsed(),
                Ok(_) => {}
            }
        }
    })
    .await
    .ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slowloris_connections_are_cut_off_at_the_header_timeout() {
    for app in apps().await {
        // 200 clients each trickle a header line every 300 ms: steady
        // traffic, but no request ever completes.
        let mut clients = Vec::new();
        for _ in 0..200 {
            let host = host(&app);
            clients.push(tokio::spawn(async move {
                let mut s = TcpStream::connect(&host).await.unwrap();
                let start = Instant::now();
                s.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n").as_bytes())
                    .await
                    .unwrap();
                let mut buf = [0u8; 256];
                loop {
                    tokio::select! {
                        read = s.read(&mut buf) => match read {
                            Ok(0) | Err(_) => return Some(start.elapsed()),
                            Ok(_) => {}
                        },
                        () = tokio::time::sleep(Duration::from_millis(300)) => {
                            if s.write_all(b"X-Slow: 1\r\n").await.is_err() {
                                return Some(start.elapsed());
                            }
                            if start.elapsed() > Duration::from_secs(8) {
                                return None;
                            }
                        }
                    }
                }
            }));
        }
        for c in clients {
            let took = c
                .await
                .unwrap()
                .expect("a slowloris connection stayed open");
            assert!(took < Duration::from_secs(4), "closed after {took:?}");
        }
        // The service still answers everyone else.
        assert_eq!(app.get("/healthz", None).await.status.as_u16(), 200);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_keep_alive_connections_are_closed_at_the_idle_timeout() {
    for app in apps().await {
        let host = host(&app);
        let mut s = BufReader::new(TcpStream::connect(&host).await.unwrap());
        let request = format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n");
        // Requests within the idle time keep the connection.
        for _ in 0..3 {
            s.get_mut().write_all(request.as_bytes()).await.unwrap();
            assert_eq!(response(&mut s).await.unwrap().0, 200);
            tokio::time::sleep(Duration::from_millis(1200)).await;
        }
        let took = closed_after(s.get_mut(), Duration::from_secs(6))
            .await
            .expect("an idle connection stayed open");
        // Closed for being idle (2 s, less the 1.2 s already waited), not
        // by the header timeout (1 s).
        assert!(took >= Duration::from_millis(500), "closed after {took:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_does_not_arrive_gets_408_and_the_connection_closed() {
    for app in apps().await {
        let host = host(&app);
        let mut s = BufReader::new(TcpStream::connect(&host).await.unwrap());
        s.get_mut()
            .write_all(
                format!(
                    "POST /api/v1/polls HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"title\""
                )
                .as_bytes(),
            )
            .await
            .unwrap();
        let (status, head, body) = response(&mut s).await.expect("a response");
        assert_eq!(status, 408, "{head}{body}");
        assert!(
            head.to_ascii_lowercase().contains("connection: close"),
            "{head}"
        );
        assert!(body.contains("\"status\":408"), "{body}");
        assert!(
            closed_after(s.get_mut(), Duration::from_secs(3))
                .await
                .is_some()
        );
    }
}

/// An answer given before the body is needed (401 for a missing token)
/// must leave the connection usable, or say `Connection: close`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_early_answer_leaves_a_keep_alive_connection_usable() {
    for app in apps().await {
        let host = host(&app);
        let mut s = BufReader::new(TcpStream::connect(&host).await.unwrap());
        let body = format!(
            "{{\"title\": \"{}\", \"time_zone\": \"UTC\", \"options\": []}}",
            "x".repeat(200_000)
        );
        for round in 0..20 {
            let post = format!(
                "POST /api/v1/polls HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            let get = format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n");
            s.get_mut().write_all(post.as_bytes()).await.unwrap();
            s.get_mut().write_all(get.as_bytes()).await.unwrap();
            let (status, head, _) = response(&mut s).await.expect("the POST's answer");
            assert_eq!(status, 401, "round {round}: {head}");
            let next = response(&mut s).await;
            assert_eq!(
                next.map(|r| r.0),
                Some(200),
                "round {round}: the connection must carry the next request"
            );
        }
        // A body over the limit is refused unread, and the client is told.
        let mut s = BufReader::new(TcpStream::connect(&host).await.unwrap());
        s.get_mut()
            .write_all(
                format!(
                    "POST /api/v1/polls HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                    2 * 1024 * 1024
                )
                .as_bytes(),
            )
            .await
            .unwrap();
        let (status, head, _) = response(&mut s).await.expect("an answer");
        assert_eq!(status, 413, "{head}");
        assert!(
            head.to_ascii_lowercase().contains("connection: close"),
            "{head}"
        );
    }
}
