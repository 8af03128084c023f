//! Prometheus metrics: request counts and latencies by operation and status,
//! votes recorded, polls by status and database pool state. Counters live
//! in the process (each instance is scraped on its own); poll counts are read
//! from the database at scrape time, so every instance reports the truth.

use std::sync::LazyLock;
use std::time::Instant;

use poem::{Endpoint, IntoResponse, Request, Response, handler, http::StatusCode, web::Data};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

use crate::store::Store;

struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    votes: IntCounter,
    polls: IntGaugeVec,
    pool: IntGaugeVec,
    deliveries: IntCounterVec,
    outbox: IntGaugeVec,
    outbox_oldest_due: prometheus::Gauge,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let registry = Registry::new();
    let requests = IntCounterVec::new(
        Opts::new(
            "convene_http_requests_total",
            "HTTP requests by operation, method and status",
        ),
        &["operation", "method", "status"],
    )
    .expect("valid metric");
    let latency = HistogramVec::new(
        HistogramOpts::new(
            "convene_http_request_duration_seconds",
            "HTTP request latency by operation and status",
        )
        .buckets(vec![
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
        ]),
        &["operation", "status"],
    )
    .expect("valid metric");
    let votes = IntCounter::new(
        "convene_votes_recorded_total",
        "Responses recorded by this instance",
    )
    .expect("valid metric");
    let polls = IntGaugeVec::new(
        Opts::new("convene_polls", "Polls by stored status"),
        &["status"],
    )
    .expect("valid metric");
    let pool = IntGaugeVec::new(
        Opts::new(
            "convene_db_pool_connections",
            "Database pool connections by pool and state",
        ),
        &["pool", "state"],
    )
    .expect("valid metric");
    let deliveries = IntCounterVec::new(
        Opts::new(
            "convene_outbox_deliveries_total",
            "Outbox deliveries finished by this instance, by outcome",
        ),
        &["outcome"],
    )
    .expect("valid metric");
    let outbox = IntGaugeVec::new(
        Opts::new(
            "convene_outbox_rows",
            "Outbox rows by state, all instances: queued (mails and webhook calls to go), scheduled (reminders and deadlines to come), sent, failed",
        ),
        &["state"],
    )
    .expect("valid metric");
    let outbox_oldest_due = prometheus::Gauge::new(
        "convene_outbox_oldest_due_seconds",
        "How long the oldest due outbox row has waited",
    )
    .expect("valid metric");
    for m in [
        Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
        Box::new(deliveries.clone()),
        Box::new(outbox.clone()),
        Box::new(outbox_oldest_due.clone()),
        Box::new(latency.clone()),
        Box::new(votes.clone()),
        Box::new(polls.clone()),
        Box::new(pool.clone()),
    ] {
        registry.register(m).expect("unique metric");
    }
    Metrics {
        registry,
        requests,
        latency,
        votes,
        polls,
        pool,
        deliveries,
        outbox,
        outbox_oldest_due,
    }
});

/// Counts a finished delivery (`sent` or `failed`).
pub fn outbox_delivered(outcome: &str) {
    METRICS.deliveries.with_label_values(&[outcome]).inc();
}

/// Counts a recorded response.
pub fn vote_recorded() {
    METRICS.votes.inc();
}

/// Middleware: times every request and labels it with the OpenAPI operation
/// it reached (or the kind of path, for the few routes outside the spec).
pub async fn observe<E: Endpoint>(next: E, req: Request) -> poem::Result<Response> {
    let started = Instant::now();
    let method = req.method().to_string();
    let (path_kind, _) = crate::telemetry::outside_the_spec(req.uri().path());
    let result = next.call(req).await.map(IntoResponse::into_response);
    let (status, operation) = match &result {
        Ok(resp) => (
            resp.status(),
            resp.data::<poem_openapi::OperationId>().map(|o| o.0),
        ),
        Err(err) => (
            err.status(),
            err.data::<poem_openapi::OperationId>().map(|o| o.0),
        ),
    };
    let operation = operation.unwrap_or(path_kind);
    let status = status.as_u16().to_string();
    METRICS
        .requests
        .with_label_values(&[operation, &method, &status])
        .inc();
    METRICS
        .latency
        .with_label_values(&[operation, &status])
        .observe(started.elapsed().as_secs_f64());
    result
}

/// `GET /metrics` in the Prometheus text format.
#[handler]
pub async fn scrape(store: Data<&Store>) -> Response {
    match store.poll_counts_by_status().await {
        Ok(counts) => {
            METRICS.polls.reset();
            for (status, n) in counts {
                METRICS.polls.with_label_values(&[&status]).set(n);
            }
        }
        Err(e) => tracing::warn!(error = ?e, "metrics: counting polls failed"),
    }
    match store.outbox_figures(chrono::Utc::now()).await {
        Ok(f) => {
            for (state, n) in [
                ("queued", f.queued),
                ("scheduled", f.scheduled),
                ("sent", f.sent),
                ("failed", f.failed),
            ] {
                METRICS.outbox.with_label_values(&[state]).set(n);
            }
            METRICS.outbox_oldest_due.set(f.oldest_due_seconds);
        }
        Err(e) => tracing::warn!(error = ?e, "metrics: counting the outbox failed"),
    }
    for (pool, size, idle) in store.pool_state() {
        METRICS
            .pool
            .with_label_values(&[pool, "idle"])
            .set(idle as i64);
        METRICS
            .pool
            .with_label_values(&[pool, "in_use"])
            .set(size as i64 - idle as i64);
    }
    let mut body = Vec::new();
    if TextEncoder::new()
        .encode(&METRICS.registry.gather(), &mut body)
        .is_err()
    {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    Response::builder()
        .content_type(prometheus::TEXT_FORMAT)
        .body(body)
}
