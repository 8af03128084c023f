//! The HTTP server: accepts connections and serves the app on each, bounding
//! how long a client may take over the parts of a request it controls.
//!
//! poem's own server sets no such bounds (hyper's header timeout needs a
//! timer poem does not give it), so 200 connections that send a header line
//! now and then stayed open for ever. Here every connection has a watchdog:
//!
//! - *header read*: from the first byte of a request until the request
//!   reaches the app, at most `header_read_timeout` (a slowloris trickling
//!   header bytes is cut off however steadily it trickles);
//! - *idle*: a keep-alive connection with no request in flight and nothing
//!   read or written for `idle_timeout` is closed;
//! - *body*: the app reads each request body whole before handling it, within
//!   `body_read_timeout` (see [`read_whole_body`]), so an answer never leaves
//!   unread bytes behind on a keep-alive connection.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::AsyncReadExt;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use poem::error::ResponseError;
use poem::http::Method;
use poem::http::header;
use poem::{Addr, Endpoint, EndpointExt, IntoResponse};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;

use crate::domain::limits::{MAX_BODY_BYTES, MAX_BULK_BODY_BYTES};
use crate::web::problem::Problem;

/// How long clients may take; see the module's doc.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub header_read: Duration,
    pub idle: Duration,
    pub body_read: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            header_read: Duration::from_secs(10),
            idle: Duration::from_secs(60),
            body_read: Duration::from_secs(30),
        }
    }
}

/// How long to let requests in flight finish after the shutdown signal.
const GRACE: Duration = Duration::from_secs(20);

/// Serves `app` on `listener` until `shutdown` resolves, then lets requests
/// in flight finish (for up to [`GRACE`]).
pub async fn run<E>(
    listener: TcpListener,
    app: E,
    timeouts: Timeouts,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()>
where
    E: Endpoint + 'static,
{
    let app: Arc<dyn poem::endpoint::DynEndpoint<Output = poem::Response>> =
        Arc::new(poem::endpoint::ToDynEndpoint(app.map_to_response()));
    let local = Addr::SocketAddr(listener.local_addr()?);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                // Out of file descriptors and the like: the listener itself
                // is fine, so wait a moment rather than give up.
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        connections.spawn(connection(
            stream,
            app.clone(),
            (local.clone(), Addr::SocketAddr(remote)),
            timeouts,
            stop_rx.clone(),
        ));
        // Reap finished connections as we go so the set stays small.
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let _ = tokio::time::timeout(GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    Ok(())
}

/// What the watchdog knows of a connection, in milliseconds since it opened.
#[derive(Default)]
struct Activity {
    /// Last byte read or written.
    last_io: AtomicU64,
    /// When the request now being received sent its first byte (0: none).
    head_started: AtomicU64,
    /// Requests handed to the app and not yet answered.
    in_flight: AtomicUsize,
}

struct Clock(Instant);

impl Clock {
    /// Milliseconds since the connection opened, never 0 (0 means "none").
    fn now(&self) -> u64 {
        self.0.elapsed().as_millis() as u64 + 1
    }
}

async fn connection(
    stream: tokio::net::TcpStream,
    app: Arc<dyn poem::endpoint::DynEndpoint<Output = poem::Response>>,
    (local, remote): (Addr, Addr),
    timeouts: Timeouts,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let clock = Arc::new(Clock(Instant::now()));
    let activity = Arc::new(Activity::default());
    activity.last_io.store(clock.now(), Ordering::Relaxed);
    let io = Watched {
        inner: stream,
        clock: clock.clone(),
        activity: activity.clone(),
    };
    let peer = remote.clone();
    let service = hyper::service::service_fn({
        let (activity, clock) = (activity.clone(), clock.clone());
        move |req: hyper::Request<hyper::body::Incoming>| {
            let (app, activity, clock) = (app.clone(), activity.clone(), clock.clone());
            let (local, remote) = (local.clone(), remote.clone());
            async move {
                activity.in_flight.fetch_add(1, Ordering::SeqCst);
                activity.head_started.store(0, Ordering::SeqCst);
                let req = poem::Request::from((
                    req,
                    poem::web::LocalAddr(local),
                    poem::web::RemoteAddr(remote),
                    poem::http::uri::Scheme::HTTP,
                ));
                let resp = app.get_response(req).await;
                activity.last_io.store(clock.now(), Ordering::Relaxed);
                activity.in_flight.fetch_sub(1, Ordering::SeqCst);
                Ok::<_, Infallible>(hyper::Response::<_>::from(resp))
            }
        }
    });
    let builder = auto::Builder::new(TokioExecutor::new());
    let conn = builder.serve_connection(TokioIo::new(io), service);
    tokio::pin!(conn);
    let tick = (timeouts.header_read.min(timeouts.idle) / 4)
        .clamp(Duration::from_millis(50), Duration::from_secs(1));
    let mut closing = false;
    loop {
        tokio::select! {
            _ = conn.as_mut() => return,
            changed = stop.changed(), if !closing => {
                // Shutting down (or the server is gone): finish what is in
                // flight, take no new requests.
                let _ = changed;
                closing = true;
                conn.as_mut().graceful_shutdown();
            }
            () = tokio::time::sleep(tick) => {
                if let Some(why) = overdue(&activity, clock.now(), timeouts) {
                    tracing::debug!(remote = %peer, why, "closing connection");
                    return; // dropping the connection closes the socket
                }
            }
        }
    }
}

/// Why a connection should be closed now, if it should.
fn overdue(activity: &Activity, now: u64, timeouts: Timeouts) -> Option<&'static str> {
    if activity.in_flight.load(Ordering::SeqCst) > 0 {
        return None;
    }
    let millis = |d: Duration| d.as_millis() as u64;
    match activity.head_started.load(Ordering::SeqCst) {
        0 if now.saturating_sub(activity.last_io.load(Ordering::Relaxed))
            > millis(timeouts.idle) =>
        {
            Some("idle")
        }
        0 => None,
        started if now.saturating_sub(started) > millis(timeouts.header_read) => {
            Some("request head not received in time")
        }
        _ => None,
    }
}

/// The socket, noting each read and write for the watchdog.
struct Watched {
    inner: tokio::net::TcpStream,
    clock: Arc<Clock>,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            let now = self.clock.now();
            self.activity.last_io.store(now, Ordering::Relaxed);
            // Bytes with no request in flight begin the next request's head.
            if self.activity.in_flight.load(Ordering::SeqCst) == 0 {
                let _ = self.activity.head_started.compare_exchange(
                    0,
                    now,
                    Ordering::SeqCst,
                    Ordering::SeqCst,
                );
            }
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity
                .last_io
                .store(self.clock.now(), Ordering::Relaxed);
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity
                .last_io
                .store(self.clock.now(), Ordering::Relaxed);
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// Reads a request's body whole, within the body timeout and the size limit,
/// before the app sees the request. An answer given before the body was read
/// (a 401 for a bad token, say) would otherwise leave the body's bytes on
/// the connection, where hyper must close it, sometimes without telling the
/// client, whose next request on it then fails. A body too large or too slow
/// is refused with `Connection: close`, since its rest is never read.
/// How much of a refused body is still read (and thrown away) before the
/// connection closes.
const LINGER_BYTES: u64 = 16 * 1024 * 1024;

/// Reads and discards what the client is still sending of a refused body
/// (up to [`LINGER_BYTES`], for a few seconds), so that it finishes writing
/// and reads the 413: closing on a client in mid-write makes its write fail
/// with a broken pipe, and it never sees the answer (a "lingering close").
async fn linger(body: &mut (impl tokio::io::AsyncRead + Unpin), within: Duration) {
    let (mut rest, mut sink) = (body.take(LINGER_BYTES), tokio::io::sink());
    let drain = tokio::io::copy(&mut rest, &mut sink);
    let _ = tokio::time::timeout(within.min(Duration::from_secs(5)), drain).await;
}

/// How large a request's body may be: rosters come in bulk (a group of
/// 20,000 members is a few megabytes of JSON, and so are its invitations
/// by id), every other body stays under [`MAX_BODY_BYTES`].
pub fn body_limit(method: &Method, path: &str) -> usize {
    let bulk = method == Method::POST
        && (path == "/api/v1/groups"
            || (path.starts_with("/api/v1/groups/") && path.ends_with("/members"))
            // The console's roster forms, which may carry a CSV file.
            || path == "/console/groups"
            || (path.starts_with("/console/groups/") && path.ends_with("/members"))
            || (path.starts_with("/api/v1/polls/")
                && (path.ends_with("/invitations") || path.ends_with("/invitations/emails"))));
    // A member's calendar file: 10 MiB, and the page's form around it.
    if method == Method::PUT && path.ends_with("/responses/me/calendar") {
        crate::domain::limits::MAX_CALENDAR_BYTES
    } else if method == Method::POST && path.starts_with("/vote/") && path.ends_with("/calendar") {
        crate::domain::limits::MAX_CALENDAR_BYTES + 64 * 1024
    } else if bulk {
        MAX_BULK_BODY_BYTES
    } else {
        MAX_BODY_BYTES
    }
}

pub async fn read_whole_body<E: Endpoint>(
    next: E,
    mut req: poem::Request,
    body_read: Duration,
) -> poem::Result<poem::Response> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let chunked = req.headers().contains_key(header::TRANSFER_ENCODING);
    if declared.unwrap_or(0) > 0 || chunked {
        let refuse = |status: u16, detail: String| {
            let mut resp = Problem::new(status, detail).as_response();
            resp.headers_mut().insert(
                header::CONNECTION,
                header::HeaderValue::from_static("close"),
            );
            Ok(resp)
        };
        let limit = body_limit(req.method(), req.uri().path());
        let too_large = || format!("the request body is larger than {limit} bytes");
        let mut body = req.take_body().into_async_read();
        if declared.is_some_and(|n| n > limit as u64) {
            if declared.is_some_and(|n| n <= LINGER_BYTES) {
                linger(&mut body, body_read).await;
            }
            return refuse(413, too_large());
        }
        let read = async {
            let mut bytes = Vec::with_capacity(declared.unwrap_or(0) as usize);
            (&mut body)
                .take(limit as u64 + 1)
                .read_to_end(&mut bytes)
                .await
                .map(|_| bytes)
        };
        match tokio::time::timeout(body_read, read).await {
            Ok(Ok(bytes)) if bytes.len() > limit => {
                linger(&mut body, body_read).await;
                return refuse(413, too_large());
            }
            Ok(Ok(bytes)) => req.set_body(bytes),
            Ok(Err(e)) => return refuse(400, format!("the request body could not be read: {e}")),
            Err(_) => {
                return refuse(
                    408,
                    format!(
                        "the request body did not arrive within {} seconds",
                        body_read.as_secs_f64()
                    ),
                );
            }
        }
    }
    next.call(req).await.map(IntoResponse::into_response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timeouts() -> Timeouts {
        Timeouts {
            header_read: Duration::from_secs(10),
            idle: Duration::from_secs(60),
            body_read: Duration::from_secs(30),
        }
    }

    #[test]
    fn a_connection_is_closed_only_when_its_client_is_overdue() {
        let a = Activity::default();
        a.last_io.store(1, Ordering::Relaxed);
        assert_eq!(overdue(&a, 59_000, timeouts()), None);
        assert_eq!(overdue(&a, 61_002, timeouts()), Some("idle"));
        a.head_started.store(60_000, Ordering::SeqCst);
        assert_eq!(overdue(&a, 61_002, timeouts()), None, "a head has begun");
        assert_eq!(
            overdue(&a, 70_001, timeouts()),
            Some("request head not received in time")
        );
        a.in_flight.store(1, Ordering::SeqCst);
        assert_eq!(overdue(&a, 999_999, timeouts()), None, "the app is working");
    }
}
