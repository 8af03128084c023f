//! Denials: every organiser operation without a valid organiser token.

use reqwest::Method;

use crate::both_databases;
use crate::helpers::{TestApp, id, reference_poll_body};

async fn organiser_operations_refuse_missing_malformed_and_revoked_tokens(app: TestApp) {
    let poll = app.reference_poll().await;
    let p = format!("/api/v1/polls/{}", id(&poll));
    let o = format!("{p}/options/{}", poll["options"][0]["id"].as_str().unwrap());
    let body = reference_poll_body();
    let ops: Vec<(Method, String)> = vec![
        (Method::POST, "/api/v1/polls".into()),
        (Method::GET, "/api/v1/polls".into()),
        (Method::PATCH, p.clone()),
        (Method::DELETE, p.clone()),
        (Method::POST, format!("{p}/options")),
        (Method::PATCH, o.clone()),
        (Method::DELETE, o.clone()),
        (Method::POST, format!("{p}/close")),
        (Method::POST, format!("{p}/reopen")),
    ];
    // Re-issuing revokes the old token.
    let (_, fresh) = app
        .store
        .issue_organiser_token("IGF Secretariat")
        .await
        .unwrap();
    let revoked = app.token.clone();
    for (method, path) in &ops {
        for token in [
            None,
            Some("not-a-token"),
            Some("cvn_org_"),
            Some(revoked.as_str()),
        ] {
            let r = app.request(method.clone(), path, token, Some(&body)).await;
            r.problem(401);
        }
    }
    // Nothing changed, and the new token works.
    let read = app.get(&p, Some(&fresh)).await;
    assert_eq!(read.ok(200)["version"], 1);
    assert_eq!(
        app.get("/api/v1/polls", Some(&fresh)).await.ok(200)["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

async fn a_sent_token_that_is_not_recognised_is_refused_even_where_anonymous_reads_are_allowed(
    app: TestApp,
) {
    let poll = app.reference_poll().await;
    let p = format!("/api/v1/polls/{}", id(&poll));
    app.get(&p, Some("cvn_org_deadbeef")).await.problem(401);
    app.get(&format!("{p}/results"), Some("garbage"))
        .await
        .problem(401);
    app.get(&format!("{p}/responses"), Some("cvn_rsp_x"))
        .await
        .problem(401);
    app.get(&p, None).await.ok(200);
}

both_databases!(
    organiser_operations_refuse_missing_malformed_and_revoked_tokens,
    a_sent_token_that_is_not_recognised_is_refused_even_where_anonymous_reads_are_allowed,
);
