//! Concurrent writers: nothing acknowledged is lost, nothing counted twice.

use std::sync::Arc;

use reqwest::Method;
use serde_json::json;

use crate::both_databases;
use crate::helpers::{TestApp, at_once, id, result_for};

async fn concurrent_voters_are_each_counted_once(app: TestApp) {
    let app = Arc::new(app);
    let poll = Arc::new(app.reference_poll().await);
    let statuses = at_once(60, |i| {
        let (app, poll) = (app.clone(), poll.clone());
        async move {
            let choice = ["yes", "if_need_be", "no"][i % 3];
            app.vote(&poll, &format!("Voter {i}"), &[(0, choice), (1, "yes")])
                .await
                .status
                .as_u16()
        }
    })
    .await;
    for status in statuses {
        assert_eq!(status, 201);
    }
    let body = app.results(&poll, None).await.ok(200).clone();
    assert_eq!(body["responses"], 60);
    let first = result_for(&body, poll["options"][0]["id"].as_str().unwrap());
    assert_eq!(
        (
            first["yes"].as_i64(),
            first["if_need_be"].as_i64(),
            first["no"].as_i64()
        ),
        (Some(20), Some(20), Some(20))
    );
    assert_eq!(
        result_for(&body, poll["options"][1]["id"].as_str().unwrap())["yes"],
        60
    );
    assert_eq!(
        result_for(&body, poll["options"][2]["id"].as_str().unwrap())["no_answer"],
        60
    );
}

/// Votes racing the organiser's close: each vote answered 201 is counted
/// and in the history exactly once, each refused one (409) is in neither —
/// whether it was written alone or together with others (SQLite commits
/// the answers that queue up together, in one transaction).
async fn votes_racing_a_close_are_counted_exactly_when_acknowledged(app: TestApp) {
    let app = Arc::new(app);
    let poll = Arc::new(app.reference_poll().await);
    // 59 votes: within the per-client limit on anonymous votes (60 a minute).
    let replies = at_once(60, |i| {
        let (app, poll) = (app.clone(), poll.clone());
        async move {
            if i == 30 {
                return (true, app.close(&poll).await.status.as_u16());
            }
            let r = app.vote(&poll, &format!("Voter {i}"), &[(0, "yes")]).await;
            (false, r.status.as_u16())
        }
    })
    .await;
    let mut acknowledged = 0;
    for reply in replies {
        match reply {
            (true, code) => assert_eq!(code, 200),
            (false, 201) => acknowledged += 1,
            (false, code) => assert_eq!(code, 409),
        }
    }
    let body = app.results(&poll, Some(&app.token)).await.ok(200).clone();
    assert_eq!(body["responses"], acknowledged);
    assert_eq!(
        result_for(&body, poll["options"][0]["id"].as_str().unwrap())["yes"],
        acknowledged
    );
    let submitted = app
        .history(&poll, 100)
        .await
        .iter()
        .filter(|e| e["action"] == "response_submitted")
        .count();
    assert_eq!(submitted, acknowledged as usize);
}

/// A vote is checked against the poll as it is now, not as the last vote
/// saw it: an option added since can be voted on, a closed poll refuses,
/// even though the service keeps the copy of the poll it last voted on.
async fn each_vote_sees_the_poll_as_it_is_now(app: TestApp) {
    let poll = app.reference_poll().await;
    app.vote(&poll, "First", &[(0, "yes")]).await.ok(201);
    let added = app
        .post(
            &format!("/api/v1/polls/{}/options", id(&poll)),
            Some(&app.token),
            &json!({ "kind": "all_day", "start_date": "2026-07-20", "end_date": "2026-07-21" }),
        )
        .await
        .ok(201)
        .clone();
    let votes = json!({ "name": "Second", "votes": [
        { "option_id": added["id"], "choice": "yes" }
    ] });
    let responses = format!("/api/v1/polls/{}/responses", id(&poll));
    app.post(&responses, None, &votes).await.ok(201);
    app.close(&poll).await.ok(200);
    app.post(&responses, None, &votes).await.problem(409);
    let body = app.results(&poll, Some(&app.token)).await.ok(200).clone();
    assert_eq!(body["responses"], 2);
    assert_eq!(result_for(&body, added["id"].as_str().unwrap())["yes"], 1);
}

async fn concurrent_replacements_of_one_response_leave_exactly_one_consistent_answer(app: TestApp) {
    let app = Arc::new(app);
    let poll = Arc::new(app.reference_poll().await);
    let created = app
        .vote(&poll, "Bruna", &[(0, "yes")])
        .await
        .ok(201)
        .clone();
    let token = Arc::new(created["edit_token"].as_str().unwrap().to_string());
    let me = Arc::new(format!("/api/v1/polls/{}/responses/me", id(&poll)));
    let mut tasks = Vec::new();
    for i in 0..20usize {
        let (app, poll, token, me) = (app.clone(), poll.clone(), token.clone(), me.clone());
        tasks.push(tokio::spawn(async move {
            // Each writer says something different about every option.
            let votes: Vec<_> = (0..3)
                .filter(|o| (i + o) % 4 != 0)
                .map(|o| {
                    let choice = ["yes", "if_need_be", "no"][(i + o) % 3];
                    json!({ "option_id": poll["options"][o]["id"], "choice": choice })
                })
                .collect();
            app.put(&me, Some(&token), &json!({ "votes": votes }))
                .await
                .status
                .as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    let final_answer = app.get(&me, Some(&token)).await.ok(200).clone();
    assert_eq!(
        final_answer["revision"], 21,
        "every replacement applied, in turn"
    );
    let results = app.results(&poll, None).await.ok(200).clone();
    assert_eq!(results["responses"], 1);
    for (n, option) in poll["options"].as_array().unwrap().iter().enumerate() {
        let oid = option["id"].as_str().unwrap();
        let said = final_answer["votes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["option_id"] == oid)
            .map(|v| v["choice"].as_str().unwrap());
        let r = result_for(&results, oid);
        let counts = (
            r["yes"].as_i64().unwrap(),
            r["if_need_be"].as_i64().unwrap(),
            r["no"].as_i64().unwrap(),
            r["no_answer"].as_i64().unwrap(),
        );
        let expected = match said {
            Some("yes") => (1, 0, 0, 0),
            Some("if_need_be") => (0, 1, 0, 0),
            Some("no") => (0, 0, 1, 0),
            _ => (0, 0, 0, 1),
        };
        assert_eq!(
            counts, expected,
            "option {n}: the counts match the one final answer"
        );
    }
}

async fn two_organisers_editing_one_version_get_one_success_and_one_412(app: TestApp) {
    let app = Arc::new(app);
    let poll = app.reference_poll().await;
    let path = Arc::new(format!("/api/v1/polls/{}", id(&poll)));
    let mut tasks = Vec::new();
    for title in ["Edit A", "Edit B", "Edit C", "Edit D"] {
        let (app, path) = (app.clone(), path.clone());
        tasks.push(tokio::spawn(async move {
            let r = app
                .request_with(
                    Method::PATCH,
                    &path,
                    Some(&app.token),
                    Some(&json!({ "title": title })),
                    &[("If-Match", "\"1\"")],
                )
                .await;
            (r.status.as_u16(), title)
        }));
    }
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.unwrap());
    }
    let winners: Vec<_> = outcomes.iter().filter(|(s, _)| *s == 200).collect();
    assert_eq!(winners.len(), 1, "{outcomes:?}");
    assert_eq!(
        outcomes.iter().filter(|(s, _)| *s == 412).count(),
        3,
        "{outcomes:?}"
    );
    let now = app.get(&path, None).await.ok(200).clone();
    assert_eq!(now["title"], winners[0].1);
    assert_eq!(now["version"], 2);
}

async fn racing_status_changes_each_either_happen_or_say_409(app: TestApp) {
    let app = Arc::new(app);
    for _ in 0..5 {
        let poll = app.reference_poll().await;
        let tasks: Vec<_> = ["close", "cancel", "confirm"]
            .into_iter()
            .map(|action| {
                let (app, poll) = (app.clone(), poll.clone());
                tokio::spawn(async move {
                    let body = json!({ "option_id": poll["options"][0]["id"] });
                    let body = if action == "confirm" { body } else { json!({}) };
                    let r = app
                        .post(
                            &format!("/api/v1/polls/{}/{action}", id(&poll)),
                            Some(&app.token),
                            &body,
                        )
                        .await;
                    r.status.as_u16()
                })
            })
            .collect();
        let mut successes = 0;
        for t in tasks {
            let code = t.await.unwrap();
            assert!(code == 200 || code == 409, "{code}");
            successes += (code == 200) as i64;
        }
        // Each change that answered 200 really happened: each raised the
        // version once (a silently skipped update would not have).
        let now = app.get(&format!("/api/v1/polls/{}", id(&poll)), None).await;
        assert_eq!(
            now.ok(200)["version"],
            1 + successes,
            "{successes} changes reported"
        );
    }
}

both_databases!(
    each_vote_sees_the_poll_as_it_is_now,
    votes_racing_a_close_are_counted_exactly_when_acknowledged,
    racing_status_changes_each_either_happen_or_say_409,
    concurrent_voters_are_each_counted_once,
    concurrent_replacements_of_one_response_leave_exactly_one_consistent_answer,
    two_organisers_editing_one_version_get_one_success_and_one_412,
);
