//! Two instances of the service on one database behave like one: nothing
//! that decides an outcome lives in a process's memory.

use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::both_databases;
use crate::helpers::{TestApp, id, result_for};

async fn votes_through_both_instances_are_all_counted_and_both_see_the_same_results(app: TestApp) {
    let other = app.second_instance().await;
    let poll = app.reference_poll().await;
    let url = |via: &TestApp| format!("{}/api/v1/polls/{}/responses", via.address, id(&poll));
    let mut voters = JoinSet::new();
    for n in 0..30 {
        let (client, url) = if n % 2 == 0 {
            (app.client.clone(), url(&app))
        } else {
            (other.client.clone(), url(&other))
        };
        let choice = if n % 3 == 0 { "yes" } else { "if_need_be" };
        let body = json!({ "name": format!("Member {n}"), "votes": [
            { "option_id": poll["options"][0]["id"], "choice": choice },
            { "option_id": poll["options"][1]["id"], "choice": "no" } ] });
        voters.spawn(async move { client.post(url).json(&body).send().await.unwrap().status() });
    }
    while let Some(status) = voters.join_next().await {
        assert_eq!(status.unwrap().as_u16(), 201);
    }
    let here: Value = app.results(&poll, None).await.ok(200).clone();
    let there = other.results(&poll, None).await.ok(200).clone();
    assert_eq!(here["responses"], 30);
    assert_eq!(here["options"], there["options"]);
    let first = result_for(&here, id(&poll["options"][0]));
    assert_eq!(first["yes"], 10);
    assert_eq!(first["if_need_be"], 20);
    assert_eq!(result_for(&here, id(&poll["options"][1]))["no"], 30);
}

async fn a_poll_closed_on_one_instance_refuses_votes_on_the_other(app: TestApp) {
    let other = app.second_instance().await;
    let poll = app.reference_poll().await;
    app.vote(&poll, "Bruna", &[(0, "yes")]).await.ok(201);
    other.close(&poll).await.ok(200);
    let late = app.vote(&poll, "Yoichi", &[(0, "yes")]).await;
    late.problem(409);
    assert_eq!(app.results(&poll, None).await.ok(200)["responses"], 1);
}

async fn a_deadline_closes_voting_on_every_instance_without_a_timer(app: TestApp) {
    let other = app.second_instance().await;
    // Time enough for the first vote even on a loaded machine; then wait
    // until just past the deadline.
    let deadline = chrono::Utc::now() + chrono::Duration::milliseconds(2500);
    let mut body = crate::helpers::reference_poll_body();
    body["deadline"] = json!(deadline.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
    let poll = app.create_poll(&body).await;
    other.vote(&poll, "Bruna", &[(0, "yes")]).await.ok(201);
    let wait = deadline - chrono::Utc::now() + chrono::Duration::milliseconds(100);
    tokio::time::sleep(wait.to_std().unwrap_or_default()).await;
    for instance in [&app, &other] {
        instance
            .vote(&poll, "Late", &[(0, "yes")])
            .await
            .problem(409);
        let read = instance
            .get(&format!("/api/v1/polls/{}", id(&poll)), None)
            .await;
        assert_eq!(read.ok(200)["status"], "closed");
    }
}

async fn one_version_edited_on_two_instances_at_once_succeeds_once(app: TestApp) {
    let other = app.second_instance().await;
    let poll = app.reference_poll().await;
    let mut edits = JoinSet::new();
    for (n, via) in [&app, &other, &app, &other].into_iter().enumerate() {
        let request = via
            .client
            .patch(format!("{}/api/v1/polls/{}", via.address, id(&poll)))
            .bearer_auth(&via.token)
            .header("If-Match", "\"1\"")
            .json(&json!({ "location": format!("Room {n}") }));
        edits.spawn(async move { request.send().await.unwrap().status().as_u16() });
    }
    let mut statuses: Vec<u16> = edits.join_all().await;
    statuses.sort();
    assert_eq!(statuses, [200, 412, 412, 412]);
}

both_databases!(
    votes_through_both_instances_are_all_counted_and_both_see_the_same_results,
    a_poll_closed_on_one_instance_refuses_votes_on_the_other,
    a_deadline_closes_voting_on_every_instance_without_a_timer,
    one_version_edited_on_two_instances_at_once_succeeds_once,
);
