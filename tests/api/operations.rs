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

both_databases!(health_readiness_docs_and_spec_answer);
