use crate::both_databases;
use crate::helpers::TestApp;

async fn health_readiness_docs_and_spec_answer(app: TestApp) {
    let h = app.get("/healthz", None).await;
    assert_eq!((h.status.as_u16(), h.text.as_str()), (200, "ok"));
    let r = app.get("/readyz", None).await;
    assert_eq!((r.status.as_u16(), r.text.as_str()), (200, "ready"));
    let docs = app.get("/docs", None).await;
    assert_eq!(docs.status.as_u16(), 200);
    assert!(
        docs.text.contains("swagger"),
        "Swagger UI is served from the binary"
    );
    let spec = app.get("/openapi.json", None).await;
    assert_eq!(spec.ok(200)["info"]["title"], "Convene");
    assert_eq!(spec.body["servers"][0]["url"], app.address.as_str());
}

async fn instances_starting_together_migrate_a_fresh_database_once(app: TestApp) {
    let (url, _guard) = crate::helpers::fresh_database(app.backend).await.unwrap();
    // Connect first, then migrate all at once, so the migrations really race.
    let mut stores = Vec::new();
    for _ in 0..3 {
        stores.push(convene::store::Store::connect(&url).await.unwrap());
    }
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(stores.len()));
    let runs: Vec<_> = stores
        .iter()
        .cloned()
        .map(|store| {
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                store.migrate().await
            })
        })
        .collect();
    for run in runs {
        run.await.unwrap().expect("every instance starts");
    }
    for store in &stores {
        store.ready().await.expect("fully migrated");
    }
    // The schema works: an organiser and a poll can be stored.
    let (organiser, _) = stores[0].issue_organiser_token("After race").await.unwrap();
    assert_eq!(organiser.name, "After race");
}

async fn metrics_count_requests_votes_and_polls_in_prometheus_format(app: TestApp) {
    let poll = app.reference_poll().await;
    app.vote(&poll, "Bruna", &[(0, "yes")]).await.ok(201);
    app.get("/api/v1/polls/not-a-uuid", None).await.problem(400);
    let r = app.get("/metrics", None).await;
    assert_eq!(r.status.as_u16(), 200);
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));
    let text = &r.text;
    let line = |prefix: &str| {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .map(str::to_string)
    };
    assert!(
        line(
            r#"convene_http_requests_total{method="POST",operation="submitResponse",status="201"}"#
        )
        .is_some(),
        "{text}"
    );
    assert!(
        line(r#"convene_http_requests_total{method="GET",operation="getPoll",status="400"}"#)
            .is_some(),
        "{text}"
    );
    assert!(
        line(r#"convene_http_request_duration_seconds_bucket{operation="createPoll",status="201""#)
            .is_some()
    );
    // Poll counts come from this test's own database.
    assert_eq!(
        line(r#"convene_polls{status="open"}"#).as_deref(),
        Some(r#"convene_polls{status="open"} 1"#)
    );
    assert!(line("convene_votes_recorded_total").is_some());
    assert!(line("convene_db_pool_connections{").is_some(), "{text}");
}

/// With `CONVENE_METRICS_LISTEN`, `/metrics` leaves the public router and
/// is served on its own listener (a private address for the scraper).
async fn metrics_can_be_served_apart_from_the_api(app: TestApp) {
    let options = convene::startup::Options {
        metrics_apart: true,
        ..app.options.clone()
    };
    let public = crate::helpers::spawn_app_on(
        app.backend,
        app.database_url.clone(),
        crate::helpers::DbGuard::None,
        options,
    )
    .await;
    public.get("/metrics", None).await.problem(404);
    public.get("/readyz", None).await.ok(200);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(convene::startup::serve_metrics(
        listener,
        public.store.clone(),
        std::future::pending(),
    ));
    let text = reqwest::get(format!("http://{address}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("convene_db_pool_connections"), "{text}");
    let elsewhere = reqwest::get(format!("http://{address}/api/v1/polls"))
        .await
        .unwrap();
    assert_eq!(elsewhere.status().as_u16(), 404, "only /metrics there");
}

both_databases!(
    health_readiness_docs_and_spec_answer,
    metrics_count_requests_votes_and_polls_in_prometheus_format,
    metrics_can_be_served_apart_from_the_api,
    instances_starting_together_migrate_a_fresh_database_once,
);
