//! Assembles the service from a store and a listener. `main` and the tests
//! both start it through here, so tests run exactly what users run.

use std::future::Future;

use poem::{
    Endpoint, EndpointExt, IntoEndpoint, IntoResponse, Route,
    endpoint::make_sync,
    get,
    http::{Method, header},
    web::{Html, Redirect},
};

use crate::api;
use crate::store::Store;
use crate::web::{PublicUrl, calendar, problem::catch_problems};

/// How the service treats its clients (see `config::LimitArgs`).
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub timeouts: crate::server::Timeouts,
    pub anonymous_writes: crate::web::rate_limit::AnonymousWrites,
    /// `/metrics` is served on a listener of its own ([`serve_metrics`]),
    /// not beside the API.
    pub metrics_apart: bool,
    /// Where mail goes (none: not configured).
    pub mail: crate::mail::Mail,
    /// How the outbox retries (tests shorten it).
    pub backoff: crate::delivery::Backoff,
    /// Where webhooks may call.
    pub webhooks: crate::webhooks::Webhooks,
    /// Run no outbox worker: other instances deliver.
    pub api_only: bool,
    /// Single sign-on with OpenID Connect, when configured.
    pub oidc: Option<crate::oidc::Oidc>,
}

/// Every route of the service.
pub fn app(store: Store, public_url: &str, options: &Options) -> impl poem::Endpoint + 'static {
    let body_read = options.timeouts.body_read;
    let service = api::service(public_url);
    // Swagger UI, served from the binary (works offline), with a page title
    // that says what this is rather than "Swagger UI". Sections follow the
    // order of the work (polls first) rather than the alphabet the spec's tag
    // list is sorted in, and an authorised token survives a page reload.
    let docs = service
        .swagger_ui_html()
        .replacen(
            "<title>Swagger UI</title>",
            "<title>Convene API: scheduling polls across time zones</title>\n    \
             <meta name=\"description\" content=\"Convene: propose dates, vote yes / if need be / no in your own \
             time zone, confirm the result and get it in every calendar.\">",
            1,
        )
        .replacen(
            "deepLinking: true,",
            "deepLinking: true,\n        persistAuthorization: true,\n        \
             tagsSorter: (a, b) => TAG_ORDER.indexOf(a) - TAG_ORDER.indexOf(b),",
            1,
        )
        .replacen(
            "SwaggerUIBundle({",
            &format!(
                "const TAG_ORDER = {};\n    SwaggerUIBundle({{",
                serde_json::json!(api::TAG_ORDER)
            ),
            1,
        );
    let routes = crate::telemetry::Routes::from_spec(&service.spec());
    let spec = service.spec_endpoint();
    let app = Route::new()
        .nest("/", service)
        .at("/docs", make_sync(move |_| Html(docs.clone())))
        .at("/openapi.json", spec)
        .at("/", make_sync(|_| Redirect::see_other("/docs")))
        .at("/calendar/:file", get(calendar::feed));
    let mut app = crate::console::mount(crate::pages::mount(app));
    if !options.metrics_apart {
        app = app.at("/metrics", get(crate::metrics::scrape));
    }
    app.data(options.anonymous_writes.clone())
        .data(options.mail.clone())
        .data(options.webhooks.clone())
        .data(crate::calendars::Calendars::new(
            options.webhooks.allow_private,
        ))
        .data(options.oidc.clone())
        .data(store)
        .data(PublicUrl(public_url.to_string()))
        // The layers below would each repeat the whole type above them
        // (past the compiler's recursion limit in the tests): one box here
        // erases it, for one indirect call per request.
        .boxed()
        .around(head_as_get)
        .around(move |next, req| crate::server::read_whole_body(next, req, body_read))
        .around(crate::metrics::observe)
        .around(catch_problems)
        .around(crate::compression::gzip)
        .around(move |next, req| crate::telemetry::request_span(next, req, routes.clone()))
        .into_endpoint()
}

/// Answers HEAD like GET without the body, for every GET route (calendar
/// apps and caches probe feeds with HEAD).
async fn head_as_get<E: Endpoint>(next: E, mut req: poem::Request) -> poem::Result<poem::Response> {
    if req.method() != Method::HEAD {
        return next.call(req).await.map(IntoResponse::into_response);
    }
    req.set_method(Method::GET);
    let resp = next.call(req).await.map(IntoResponse::into_response)?;
    let (parts, body) = resp.into_parts();
    let length = body.into_bytes().await.map(|b| b.len()).unwrap_or(0);
    let mut resp = poem::Response::from_parts(parts, poem::Body::empty());
    if !resp.headers().contains_key(header::CONTENT_LENGTH) {
        resp.headers_mut()
            .insert(header::CONTENT_LENGTH, length.into());
    }
    Ok(resp)
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Store,
    public_url: String,
    options: Options,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    tokio::spawn(prune_rate_limits(store.clone()));
    if !options.api_only {
        tokio::spawn(crate::delivery::run(
            store.clone(),
            options.mail.clone(),
            options.webhooks.clone(),
            public_url.clone(),
            options.backoff,
        ));
    }
    tokio::spawn(prune_outbox(store.clone()));
    // Calendars stored before busy counts were kept get their marks once.
    {
        let store = store.clone();
        tokio::spawn(async move {
            match store.mark_unmarked_calendars().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(calendars = n, "busy counts: older calendars marked"),
                Err(e) => tracing::warn!(error = %e, "busy counts: marking older calendars failed"),
            }
        });
    }
    // Members' calendars: re-read while their polls are open, purged 30
    // days after they close.
    if !options.api_only {
        tokio::spawn(
            crate::calendars::Calendars::new(options.webhooks.allow_private).run(store.clone()),
        );
    }
    if let Some(oidc) = &options.oidc {
        tokio::spawn(prune_oidc_flows(store.clone()));
        let oidc = oidc.clone();
        tokio::spawn(async move {
            match oidc.warm_up().await {
                Ok(()) => tracing::info!(
                    issuer = oidc.settings().issuer(),
                    "single sign-on: provider discovered"
                ),
                Err(e) => {
                    tracing::warn!(issuer = oidc.settings().issuer(), error = %e.detail(), "single sign-on: the provider could not be discovered yet")
                }
            }
        });
    }
    let app = app(store, &public_url, &options);
    crate::server::run(listener, app, options.timeouts, shutdown).await
}

/// Serves `/metrics` alone, for a listen address apart from the API's
/// (`CONVENE_METRICS_LISTEN`: a scraper on a private network).
pub async fn serve_metrics(
    listener: tokio::net::TcpListener,
    store: Store,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let app = Route::new()
        .at("/metrics", get(crate::metrics::scrape))
        .data(store)
        .into_endpoint();
    crate::server::run(listener, app, crate::server::Timeouts::default(), shutdown).await
}

/// Forgets delivered outbox rows after a week, every hour: their state
/// (`sent`) has been seen by then, and they hold nothing anyone needs.
async fn prune_outbox(store: Store) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let before = chrono::Utc::now() - chrono::Duration::days(7);
        if let Err(e) = store.prune_outbox(before).await {
            tracing::warn!(error = ?e, "pruning the outbox failed");
        }
    }
}

/// Forgets single sign-on flows an hour after they expired (until then a
/// replayed callback is told apart from an unknown one), every ten minutes.
async fn prune_oidc_flows(store: Store) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        let before = chrono::Utc::now() - chrono::Duration::hours(1);
        if let Err(e) = store.prune_oidc_flows(before).await {
            tracing::warn!(error = ?e, "pruning single sign-on flows failed");
        }
    }
}

/// Forgets rate-limit windows once the longest is over, every minute. Each
/// instance does it; deleting what another already deleted costs nothing.
async fn prune_rate_limits(store: Store) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        let before =
            chrono::Utc::now().timestamp() - 2 * crate::web::rate_limit::LONGEST_WINDOW_SECONDS;
        if let Err(e) = store.prune_rate_limits(before).await {
            tracing::warn!(error = ?e, "pruning rate limits failed");
        }
    }
}
