//! Bad input of every shape gets a problem+json naming what is wrong, and changes nothing.

use reqwest::Method;
use serde_json::json;

use crate::both_databases;
use crate::helpers::{TestApp, id, reference_poll_body};

async fn text_limits_are_enforced_by_field(app: TestApp) {
    let mut body = reference_poll_body();
    body["title"] = json!("x".repeat(201));
    body["description"] = json!("d".repeat(10_001));
    body["location"] = json!("l".repeat(501));
    let r = app.post("/api/v1/polls", Some(&app.token), &body).await;
    r.invalid_field("title");
    r.invalid_field("description");
    r.invalid_field("location");
    let poll = app.reference_poll().await;
    app.vote(&poll, &"n".repeat(101), &[])
        .await
        .invalid_field("name");
    let path = format!("/api/v1/polls/{}/responses", id(&poll));
    app.post(
        &path,
        None,
        &json!({ "name": "A", "comment": "c".repeat(2001), "votes": [] }),
    )
    .await
    .invalid_field("comment");
}

async fn a_poll_takes_five_hundred_options_and_no_more(app: TestApp) {
    let options: Vec<_> = (0..500)
        .map(|h| json!({ "kind": "timed", "start": format!("2026-09-{:02}T{:02}:00", 1 + h / 24, h % 24), "end": format!("2026-09-{:02}T{:02}:30", 1 + h / 24, h % 24) }))
        .collect();
    let body = json!({ "title": "Hourly", "time_zone": "UTC", "options": options });
    let poll = app.create_poll(&body).await;
    assert_eq!(poll["options"].as_array().unwrap().len(), 500);
    let more = app
        .post(
            &format!("/api/v1/polls/{}/options", id(&poll)),
            Some(&app.token),
            &json!({ "kind": "all_day", "start_date": "2026-12-01" }),
        )
        .await;
    more.problem(409);
    let mut too_many = body.clone();
    too_many["options"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "kind": "all_day", "start_date": "2026-12-01" }));
    app.post("/api/v1/polls", Some(&app.token), &too_many)
        .await
        .invalid_field("options");
}

async fn malformed_requests_get_problems_not_crashes(app: TestApp) {
    let url = format!("{}/api/v1/polls", app.address);
    let send = |body: &'static str, ct: &'static str| {
        let app = &app;
        let url = url.clone();
        async move {
            let resp = app
                .client
                .post(url)
                .bearer_auth(&app.token)
                .header("content-type", ct)
                .body(body)
                .send()
                .await
                .unwrap();
            let status = resp.status().as_u16();
            let ct = resp
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_string());
            (status, ct, resp.text().await.unwrap())
        }
    };
    let (s, ct, text) = send("{\"title\": ", "application/json").await;
    assert_eq!(
        (s, ct.as_deref()),
        (400, Some("application/problem+json")),
        "{text}"
    );
    let (s, ct, _) = send("title=x", "application/x-www-form-urlencoded").await;
    assert_eq!((s, ct.as_deref()), (415, Some("application/problem+json")));
    let (s, _, _) = send("", "application/json").await;
    assert_eq!(s, 400);
    let (s, _, text) = send("[1,2]", "application/json").await;
    assert_eq!(s, 422, "{text}");
    let (s, _, text) = send(
        r#"{"title":"T","time_zone":"UTC","options":[],"colour":"red"}"#,
        "application/json",
    )
    .await;
    assert_eq!(s, 422, "unknown fields are refused: {text}");
    assert!(text.contains("colour"), "{text}");
    let (s, _, text) = send(
        r#"{"title":5,"time_zone":"UTC","options":[]}"#,
        "application/json",
    )
    .await;
    assert_eq!(s, 422);
    assert!(text.contains("\"field\":\"title\""), "{text}");

    app.get("/api/v1/polls/not-a-uuid", None).await.problem(400);
    app.get("/api/v1/nowhere", None).await.problem(404);
    app.request(
        Method::PUT,
        "/api/v1/polls",
        Some(&app.token),
        Some(&json!({})),
    )
    .await
    .problem(405);
    app.get(&format!("/api/v1/polls/{}", uuid::Uuid::now_v7()), None)
        .await
        .problem(404);
    assert!(
        app.get("/api/v1/polls", Some(&app.token)).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

async fn an_oversized_body_is_refused_with_413(app: TestApp) {
    let mut body = reference_poll_body();
    body["description"] = json!("x".repeat(2 * 1024 * 1024));
    app.post("/api/v1/polls", Some(&app.token), &body)
        .await
        .problem(413);
}

both_databases!(
    text_limits_are_enforced_by_field,
    a_poll_takes_five_hundred_options_and_no_more,
    malformed_requests_get_problems_not_crashes,
    an_oversized_body_is_refused_with_413,
);
