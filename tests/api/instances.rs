//! Two instances of the service on one database behave like one: nothing
//! that decides an outcome lives in a process's memory.

use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::both_databases;
use crate::helpers::{TestApp, id, result_for};
use crate::invitations::{
    create_group, invite_group, invite_only_poll, issued, member, member_id, proxy, token_of, votes,
};

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

/// An instance keeps the names its organiser's results gave while nothing
/// named changes (`store::names_cache`): each change made through another
/// instance shows in its next read — a member renamed, an answer, an
/// answer recorded by the organiser, a member's clock moved.
async fn an_organisers_results_name_what_another_instance_changed(app: TestApp) {
    let other = app.second_instance().await;
    // 13:00 in Vienna is 23:00 in Sydney's winter: outside its default
    // social hours (07:00–22:00).
    let poll = invite_only_poll(
        &app,
        json!({ "options": [
            { "kind": "timed", "start": "2026-07-10T13:00", "end": "2026-07-10T16:00" }
        ] }),
    )
    .await;
    let group = create_group(
        &app,
        ["Ana", "Ben", "Chen"]
            .iter()
            .map(|name| member(name, None, "Australia/Sydney"))
            .collect(),
    )
    .await;
    let created = invite_group(&app, &poll, &group).await;
    let names = |results: &Value, list: &str| -> Vec<String> {
        let list = if list == "outside_social_hours" {
            &results["options"][0][list]
        } else {
            &results[list]
        };
        let mut names: Vec<String> = list
            .as_array()
            .unwrap_or_else(|| panic!("{results}"))
            .iter()
            .map(|m| m["name"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        names
    };
    let read = || async { app.results(&poll, Some(&app.token)).await.ok(200).clone() };
    let first = read().await;
    assert_eq!(names(&first, "non_respondents"), ["Ana", "Ben", "Chen"]);
    assert_eq!(
        names(&first, "outside_social_hours"),
        ["Ana", "Ben", "Chen"]
    );
    // The same read again, unchanged.
    assert_eq!(read().await, first);

    let ana = format!(
        "/api/v1/groups/{}/members/{}",
        id(&group),
        member_id(&group, "Ana")
    );
    other
        .request(
            poem::http::Method::PATCH,
            &ana,
            Some(&other.token),
            Some(&json!({ "name": "Ana Maria" })),
        )
        .await
        .ok(200);
    let renamed = read().await;
    assert_eq!(
        names(&renamed, "non_respondents"),
        ["Ana Maria", "Ben", "Chen"]
    );
    assert_eq!(
        names(&renamed, "outside_social_hours"),
        ["Ana Maria", "Ben", "Chen"]
    );

    other
        .post(
            &format!("/api/v1/polls/{}/responses", id(&poll)),
            Some(&token_of(&created, "Ben")),
            &json!({ "votes": votes(&poll, &[(0, "yes")]) }),
        )
        .await
        .ok(201);
    assert_eq!(
        names(&read().await, "non_respondents"),
        ["Ana Maria", "Chen"]
    );

    proxy(
        &other,
        &poll,
        id(issued(&created, "Chen")),
        &json!({ "votes": votes(&poll, &[(0, "no")]) }),
    )
    .await
    .ok(201);
    let recorded = read().await;
    assert_eq!(names(&recorded, "non_respondents"), ["Ana Maria"]);
    assert_eq!(names(&recorded, "proxy_answers"), ["Chen"]);

    other
        .request(
            poem::http::Method::PATCH,
            &ana,
            Some(&other.token),
            Some(&json!({ "time_zone": "Europe/Vienna" })),
        )
        .await
        .ok(200);
    assert_eq!(
        names(&read().await, "outside_social_hours"),
        ["Ben", "Chen"]
    );
}

both_databases!(
    an_organisers_results_name_what_another_instance_changed,
    votes_through_both_instances_are_all_counted_and_both_see_the_same_results,
    a_poll_closed_on_one_instance_refuses_votes_on_the_other,
    a_deadline_closes_voting_on_every_instance_without_a_timer,
    one_version_edited_on_two_instances_at_once_succeeds_once,
);
