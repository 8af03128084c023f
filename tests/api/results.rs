use serde_json::json;

use crate::both_databases;
use crate::helpers::{TestApp, result_for};

async fn results_count_each_choice_and_no_answer_and_rank_with_reasons(app: TestApp) {
    let poll = app.reference_poll().await;
    // 10–12 July has 4 available, 12–14 July 3, 5–7 July 2.
    app.vote(&poll, "Anna", &[(0, "yes"), (1, "yes"), (2, "if_need_be")])
        .await
        .ok(201);
    app.vote(&poll, "Bruna", &[(0, "yes"), (1, "if_need_be"), (2, "yes")])
        .await
        .ok(201);
    app.vote(&poll, "Carlos", &[(0, "no"), (1, "yes"), (2, "if_need_be")])
        .await
        .ok(201);
    app.vote(&poll, "Dana", &[(1, "if_need_be")]).await.ok(201);

    let r = app.results(&poll, None).await;
    let body = r.ok(200);
    assert_eq!(body["responses"], 4);
    let ids: Vec<&str> = poll["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    let ranked: Vec<&str> = body["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["option_id"].as_str().unwrap())
        .collect();
    assert_eq!(ranked, vec![ids[1], ids[2], ids[0]], "listed in rank order");

    let second = result_for(body, ids[1]);
    assert_eq!(
        (
            second["yes"].as_i64(),
            second["if_need_be"].as_i64(),
            second["no"].as_i64(),
            second["no_answer"].as_i64()
        ),
        (Some(2), Some(2), Some(0), Some(0))
    );
    assert_eq!(second["rank"], 1);
    assert_eq!(second["available"], 4);
    assert!(
        second["explanation"]
            .as_str()
            .unwrap()
            .contains("more available (4 vs 3)")
    );

    let first = result_for(body, ids[0]);
    assert_eq!(
        (
            first["yes"].as_i64(),
            first["no"].as_i64(),
            first["no_answer"].as_i64()
        ),
        (Some(2), Some(1), Some(1))
    );
    let third = result_for(body, ids[2]);
    assert_eq!(
        (
            third["yes"].as_i64(),
            third["if_need_be"].as_i64(),
            third["no_answer"].as_i64()
        ),
        (Some(1), Some(2), Some(1))
    );
    assert_eq!(first["available"], 2);
    assert_eq!(third["rank"], 2);
    assert_eq!(first["rank"], 3);
    assert!(
        body["ranking_rule"]
            .as_str()
            .unwrap()
            .contains("earliest start")
    );
    assert_eq!(body["top_tied"], false);
}

async fn ties_are_broken_by_earliest_start_and_reported(app: TestApp) {
    let poll = app
        .create_poll(&json!({
            "title": "Tie", "time_zone": "Europe/Vienna",
            "options": [
                { "kind": "all_day", "start_date": "2026-07-12", "end_date": "2026-07-14" },
                { "kind": "all_day", "start_date": "2026-07-05", "end_date": "2026-07-07" }
            ]
        }))
        .await;
    app.vote(&poll, "Anna", &[(0, "yes"), (1, "yes")])
        .await
        .ok(201);
    let body = app.results(&poll, None).await.ok(200).clone();
    assert_eq!(
        body["options"][0]["option_id"], poll["options"][1]["id"],
        "the earlier start leads"
    );
    assert_eq!(body["options"][0]["tied"], true);
    assert_eq!(body["top_tied"], true);
    assert!(
        body["options"][0]["explanation"]
            .as_str()
            .unwrap()
            .contains("starts earlier")
    );
    // Stable across reads.
    assert_eq!(app.results(&poll, None).await.body, body);
}

async fn a_poll_without_responses_has_zero_counts(app: TestApp) {
    let poll = app.reference_poll().await;
    let body = app.results(&poll, None).await.ok(200).clone();
    assert_eq!(body["responses"], 0);
    for o in body["options"].as_array().unwrap() {
        assert_eq!(
            (o["yes"].as_i64(), o["no_answer"].as_i64()),
            (Some(0), Some(0))
        );
    }
    assert_eq!(body["options"][0]["option_id"], poll["options"][0]["id"]);
}

async fn removing_an_option_removes_its_counts_and_keeps_the_others(app: TestApp) {
    let poll = app.reference_poll().await;
    app.vote(&poll, "Anna", &[(0, "yes"), (1, "no")])
        .await
        .ok(201);
    let option = poll["options"][0]["id"].as_str().unwrap();
    app.delete(
        &format!(
            "/api/v1/polls/{}/options/{option}",
            poll["id"].as_str().unwrap()
        ),
        Some(&app.token),
    )
    .await
    .ok(204);
    let body = app.results(&poll, None).await.ok(200).clone();
    assert_eq!(body["options"].as_array().unwrap().len(), 2);
    assert_eq!(
        result_for(&body, poll["options"][1]["id"].as_str().unwrap())["no"],
        1
    );
}

both_databases!(
    results_count_each_choice_and_no_answer_and_rank_with_reasons,
    ties_are_broken_by_earliest_start_and_reported,
    a_poll_without_responses_has_zero_counts,
    removing_an_option_removes_its_counts_and_keeps_the_others,
);
