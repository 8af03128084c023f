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

both_databases!(
    health_readiness_docs_and_spec_answer,
    instances_starting_together_migrate_a_fresh_database_once,
);
