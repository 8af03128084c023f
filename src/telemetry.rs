//! Structured logs via tracing. `RUST_LOG` sets the filter;
//! `CONVENE_LOG_FORMAT=json` writes one JSON object per line for log shippers.
//! Every request runs in a span named by its operation and poll (see
//! [`request_span`]); every store call in a span of its own (`store.*`).

use std::sync::Arc;

use poem::{Endpoint, IntoResponse, Request, Response};
use tracing::Instrument;
use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let json = std::env::var("CONVENE_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    if json {
        builder.json().flatten_event(true).init();
    } else {
        builder.init();
    }
}

/// The API's routes, to name a request's span by its OpenAPI operation and
/// poll before the request is handled, so that everything logged while it
/// runs (store calls included) says which operation and poll it served.
/// Built once from the spec, so it cannot drift from the routes.
#[derive(Clone, Default)]
pub struct Routes(Arc<Vec<Route>>);

struct Route {
    method: String,
    /// `Some(name)` for a `{name}` segment.
    segments: Vec<(String, Option<String>)>,
    operation: String,
    template: String,
}

impl Routes {
    /// The routes of an OpenAPI document (JSON).
    pub fn from_spec(spec: &str) -> Self {
        let spec: serde_json::Value = serde_json::from_str(spec).unwrap_or_default();
        let mut routes = Vec::new();
        for (template, ops) in spec["paths"].as_object().into_iter().flatten() {
            for (method, op) in ops.as_object().into_iter().flatten() {
                let Some(operation) = op["operationId"].as_str() else {
                    continue;
                };
                let segments = template
                    .split('/')
                    .map(|s| {
                        let param = s.strip_prefix('{').and_then(|s| s.strip_suffix('}'));
                        (s.to_string(), param.map(str::to_string))
                    })
                    .collect();
                routes.push(Route {
                    method: method.to_ascii_uppercase(),
                    segments,
                    operation: operation.to_string(),
                    template: template.clone(),
                });
            }
        }
        Routes(Arc::new(routes))
    }

    /// The operation, path template and poll id of a request, if it is one
    /// of the API's.
    fn find<'a>(&'a self, method: &str, path: &'a str) -> Option<(&'a Route, Option<&'a str>)> {
        let parts: Vec<&str> = path.split('/').collect();
        self.0.iter().find_map(|route| {
            let method = if method == "HEAD" { "GET" } else { method };
            if route.method != method || route.segments.len() != parts.len() {
                return None;
            }
            let mut poll_id = None;
            for ((literal, param), part) in route.segments.iter().zip(&parts) {
                match param {
                    Some(name) if name == "poll_id" => poll_id = Some(*part),
                    Some(_) => {}
                    None if literal != part => return None,
                    None => {}
                }
            }
            Some((route, poll_id))
        })
    }
}

/// The kind of a path the spec does not hold (the calendar feeds, the member
/// pages, the docs, /metrics), for logs and metrics, and the template to log
/// for it: never the path itself, which for a feed or a member's page holds
/// its token.
pub fn outside_the_spec(path: &str) -> (&'static str, &str) {
    match path {
        p if p.starts_with("/calendar/") => ("feed", "/calendar/{feed_token}.ics"),
        p if p.starts_with("/vote/") && p.ends_with("/event.ics") => {
            ("page", "/vote/{token}/event.ics")
        }
        p if p.starts_with("/vote/") => ("page", "/vote/{token}"),
        p if p.starts_with("/p/") => ("page", "/p/{poll_id}"),
        p if p.starts_with("/assets/") => ("asset", "/assets/{file}"),
        // An emailed sign-in link carries its secret in the path.
        p if p.starts_with("/console/sign-in/") => ("console", "/console/sign-in/{token}"),
        p if p == "/console" || p.starts_with("/console/") => ("console", p),
        p if p.starts_with("/docs") || p == "/openapi.json" || p == "/" => ("docs", p),
        "/metrics" => ("metrics", "/metrics"),
        _ => ("unmatched", "(not a route)"),
    }
}

/// Middleware: one span per request, named by what it reached — the
/// operationId and the route's template, never the raw path (tokens travel
/// in some paths: calendar feeds) — with the poll's id, and one line when it
/// ends with its status and time.
pub async fn request_span<E: Endpoint>(
    next: E,
    req: Request,
    routes: Routes,
) -> poem::Result<Response> {
    let method = req.method().to_string();
    let path = req.uri().path();
    let (operation, template, poll_id) = match routes.find(&method, path) {
        Some((route, poll_id)) => (
            route.operation.clone(),
            route.template.clone(),
            poll_id.map(str::to_string),
        ),
        None => {
            let (kind, template) = outside_the_spec(path);
            // An open poll's page names its poll (not a secret).
            let poll_id = path
                .strip_prefix("/p/")
                .filter(|id| uuid::Uuid::parse_str(id).is_ok())
                .map(str::to_string);
            (kind.to_string(), template.to_string(), poll_id)
        }
    };
    let span = tracing::info_span!(
        "request",
        operation = %operation,
        method = %method,
        route = %template,
        poll_id = tracing::field::Empty,
        remote = %req.remote_addr(),
    );
    if let Some(poll_id) = &poll_id {
        span.record("poll_id", poll_id.as_str());
    }
    async move {
        let started = std::time::Instant::now();
        let result = next.call(req).await.map(IntoResponse::into_response);
        let status = match &result {
            Ok(resp) => resp.status(),
            Err(err) => err.status(),
        };
        let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
        if status.is_server_error() {
            tracing::warn!(status = status.as_u16(), latency_ms, "request failed");
        } else {
            tracing::info!(status = status.as_u16(), latency_ms, "request");
        }
        result
    }
    .instrument(span)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_named_by_its_operation_and_poll_never_its_raw_path() {
        let routes = Routes::from_spec(
            r#"{"paths": {
                "/api/v1/polls/{poll_id}/results": {"get": {"operationId": "getResults"}},
                "/api/v1/polls/{poll_id}/options/{option_id}": {"patch": {"operationId": "updateOption"}},
                "/api/v1/polls": {"post": {"operationId": "createPoll"}}}}"#,
        );
        let (route, poll) = routes.find("GET", "/api/v1/polls/abc/results").unwrap();
        assert_eq!(
            (route.operation.as_str(), poll),
            ("getResults", Some("abc"))
        );
        assert_eq!(route.template, "/api/v1/polls/{poll_id}/results");
        let (route, poll) = routes.find("PATCH", "/api/v1/polls/p/options/o").unwrap();
        assert_eq!(
            (route.operation.as_str(), poll),
            ("updateOption", Some("p"))
        );
        assert_eq!(
            routes
                .find("HEAD", "/api/v1/polls/p/results")
                .unwrap()
                .0
                .operation,
            "getResults"
        );
        assert!(routes.find("DELETE", "/api/v1/polls").is_none());
        assert!(routes.find("GET", "/api/v1/polls/p/results/x").is_none());
    }
}
