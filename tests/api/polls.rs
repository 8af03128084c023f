use reqwest::Method;
use serde_json::json;

use crate::both_databases;
use crate::helpers::{TestApp, id, reference_poll_body};

async fn creating_the_reference_poll_returns_it_with_location_etag_and_options_in_order(
    app: TestApp,
) {
    let reply = app
        .post("/api/v1/polls", Some(&app.token), &reference_poll_body())
        .await;
    let poll = reply.ok(201);
    assert_eq!(
        reply.header("location"),
        Some(format!("/api/v1/polls/{}", id(poll)).as_str())
    );
    assert_eq!(reply.header("etag"), Some("\"1\""));
    assert_eq!(poll["title"], "Second Open Consultations and MAG Meeting");
    assert_eq!(poll["status"], "open");
    assert_eq!(poll["time_zone"], "Europe/Vienna");
    assert_eq!(poll["version"], 1);
    let options = poll["options"].as_array().unwrap();
    assert_eq!(options.len(), 3);
    assert_eq!(options[0]["kind"], "all_day");
    assert_eq!(options[0]["start_date"], "2026-07-05");
    assert_eq!(options[0]["end_date"], "2026-07-07");
    assert_eq!(options[0]["label"], "Sun 5 Jul – Tue 7 Jul 2026");
    assert_eq!(options[2]["start_date"], "2026-07-12");
    assert_eq!(
        options
            .iter()
            .map(|o| o["number"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        vec![1, 2, 3]
    );

    let read = app.get(&format!("/api/v1/polls/{}", id(poll)), None).await;
    assert_eq!(read.ok(200)["options"], poll["options"]);
    assert_eq!(read.header("etag"), Some("\"1\""));
}

async fn a_timed_option_is_shown_in_the_poll_zone_in_utc_and_in_the_viewer_zone(app: TestApp) {
    let poll = app
        .create_poll(&json!({
            "title": "MAG call", "time_zone": "Europe/Vienna",
            "options": [{ "kind": "timed", "start": "2026-07-10T13:00", "end": "2026-07-10T16:00:00" }]
        }))
        .await;
    let o = &poll["options"][0];
    assert_eq!(o["start_utc"], "2026-07-10T11:00:00Z");
    assert_eq!(o["end_utc"], "2026-07-10T14:00:00Z");
    assert_eq!(o["start_local"], "2026-07-10T13:00:00+02:00");
    assert_eq!(o["start_viewer"], "2026-07-10T13:00:00+02:00");
    assert_eq!(poll["viewer_time_zone"], "Europe/Vienna");

    let tokyo = app
        .get(&format!("/api/v1/polls/{}?tz=Asia/Tokyo", id(&poll)), None)
        .await;
    let t = &tokyo.ok(200)["options"][0];
    assert_eq!(t["start_viewer"], "2026-07-10T20:00:00+09:00");
    assert_eq!(t["end_viewer"], "2026-07-10T23:00:00+09:00");
    assert_eq!(
        t["start_local"], "2026-07-10T13:00:00+02:00",
        "the poll's own rendering does not move"
    );
    assert_eq!(t["start_utc"], "2026-07-10T11:00:00Z");
    assert_eq!(tokyo.body["viewer_time_zone"], "Asia/Tokyo");

    let ny = app
        .get(
            &format!("/api/v1/polls/{}?tz=America/New_York", id(&poll)),
            None,
        )
        .await;
    assert_eq!(
        ny.ok(200)["options"][0]["start_viewer"],
        "2026-07-10T07:00:00-04:00"
    );
}

async fn all_day_ranges_never_shift_with_the_viewer_zone(app: TestApp) {
    let poll = app.reference_poll().await;
    for tz in ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Tokyo"] {
        let r = app
            .get(&format!("/api/v1/polls/{}?tz={tz}", id(&poll)), None)
            .await;
        let o = &r.ok(200)["options"][0];
        assert_eq!(o["start_date"], "2026-07-05");
        assert_eq!(o["end_date"], "2026-07-07");
        assert!(o.get("start_viewer").is_none());
    }
}

async fn an_organiser_lists_only_their_own_polls_newest_first_page_by_page(app: TestApp) {
    let mut ids = Vec::new();
    for i in 0..5 {
        let mut body = reference_poll_body();
        body["title"] = json!(format!("Poll {i}"));
        ids.push(id(&app.create_poll(&body).await).to_string());
    }
    let other = app.other_organiser().await;
    app.post("/api/v1/polls", Some(&other), &reference_poll_body())
        .await
        .ok(201);

    let first = app.get("/api/v1/polls?limit=2", Some(&app.token)).await;
    let page = first.ok(200);
    let titles: Vec<_> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(titles, vec!["Poll 4", "Poll 3"]);
    let mut seen: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| id(p).to_string())
        .collect();
    let mut cursor = page["next_cursor"].as_str().map(str::to_string);
    while let Some(c) = cursor {
        let next = app
            .get(
                &format!("/api/v1/polls?limit=2&cursor={c}"),
                Some(&app.token),
            )
            .await;
        let body = next.ok(200);
        seen.extend(
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| id(p).to_string()),
        );
        cursor = body["next_cursor"].as_str().map(str::to_string);
    }
    ids.reverse();
    assert_eq!(
        seen, ids,
        "every own poll once, newest first, none of the other organiser's"
    );

    let theirs = app.get("/api/v1/polls", Some(&other)).await;
    assert_eq!(theirs.ok(200)["items"].as_array().unwrap().len(), 1);
}

async fn listing_filters_by_status(app: TestApp) {
    let open = app.reference_poll().await;
    let closed = app.reference_poll().await;
    app.close(&closed).await.ok(200);
    let list = |s: &'static str| {
        let app = &app;
        async move {
            let r = app
                .get(&format!("/api/v1/polls?status={s}"), Some(&app.token))
                .await;
            r.ok(200)["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| id(p).to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(list("open").await, vec![id(&open).to_string()]);
    assert_eq!(list("closed").await, vec![id(&closed).to_string()]);
    assert!(list("confirmed").await.is_empty());
    app.get("/api/v1/polls?status=bogus", Some(&app.token))
        .await
        .problem(400);
}

async fn editing_a_poll_needs_if_match_and_a_stale_version_changes_nothing(app: TestApp) {
    let poll = app.reference_poll().await;
    let path = format!("/api/v1/polls/{}", id(&poll));
    let edit = json!({ "title": "Second Open Consultations", "location": "Online" });

    let missing = app
        .request(Method::PATCH, &path, Some(&app.token), Some(&edit))
        .await;
    missing.problem(428);

    let ok = app
        .request_with(
            Method::PATCH,
            &path,
            Some(&app.token),
            Some(&edit),
            &[("If-Match", "\"1\"")],
        )
        .await;
    let updated = ok.ok(200);
    assert_eq!(updated["title"], "Second Open Consultations");
    assert_eq!(updated["location"], "Online");
    assert_eq!(
        updated["description"], poll["description"],
        "fields left out stay"
    );
    assert_eq!(updated["version"], 2);
    assert_eq!(ok.header("etag"), Some("\"2\""));

    let stale = app
        .request_with(
            Method::PATCH,
            &path,
            Some(&app.token),
            Some(&json!({ "title": "Overwritten" })),
            &[("If-Match", "\"1\"")],
        )
        .await;
    stale.problem(412);
    assert_eq!(
        app.get(&path, None).await.body["title"],
        "Second Open Consultations",
        "a 412 changes nothing"
    );

    let settings =
        json!({ "results_visibility": "organisers", "allow_if_need_be": false, "deadline": null });
    let r = app
        .request_with(
            Method::PATCH,
            &path,
            Some(&app.token),
            Some(&settings),
            &[("If-Match", "W/\"2\"")],
        )
        .await;
    assert_eq!(r.ok(200)["results_visibility"], "organisers");
    assert_eq!(r.body["allow_if_need_be"], false);

    let bad = app
        .request_with(
            Method::PATCH,
            &path,
            Some(&app.token),
            Some(&json!({ "title": null, "time_zone": "Nowhere/Land" })),
            &[("If-Match", "*")],
        )
        .await;
    bad.invalid_field("title");
    bad.invalid_field("time_zone");
}

async fn another_organiser_can_neither_see_nor_touch_a_poll(app: TestApp) {
    let mut body = reference_poll_body();
    body["voting"] = json!("invite_only");
    let poll = app.create_poll(&body).await;
    let other = app.other_organiser().await;
    let path = format!("/api/v1/polls/{}", id(&poll));
    app.get(&path, Some(&other)).await.problem(404);
    app.get(&path, None).await.problem(404);
    app.request_with(
        Method::PATCH,
        &path,
        Some(&other),
        Some(&json!({ "title": "Mine" })),
        &[("If-Match", "\"1\"")],
    )
    .await
    .problem(404);
    app.request(
        Method::PATCH,
        &path,
        Some(&other),
        Some(&json!({ "title": "Mine" })),
    )
    .await
    .problem(404);
    app.delete(&path, Some(&other)).await.problem(404);
    app.post(&format!("{path}/close"), Some(&other), &json!({}))
        .await
        .problem(404);
    app.post(
        &format!("{path}/options"),
        Some(&other),
        &json!({ "kind": "all_day", "start_date": "2026-08-01" }),
    )
    .await
    .problem(404);
    let option = poll["options"][0]["id"].as_str().unwrap();
    app.delete(&format!("{path}/options/{option}"), Some(&other))
        .await
        .problem(404);
    // Still intact for its owner.
    let mine = app.get(&path, Some(&app.token)).await;
    assert_eq!(mine.ok(200)["version"], 1);
    assert_eq!(mine.body["options"].as_array().unwrap().len(), 3);
}

async fn options_are_added_changed_and_removed_with_the_version_rising(app: TestApp) {
    let poll = app.reference_poll().await;
    let path = format!("/api/v1/polls/{}", id(&poll));
    let added = app
        .post(
            &format!("{path}/options"),
            Some(&app.token),
            &json!({ "kind": "timed", "start": "2026-07-15T06:00", "end": "2026-07-15T09:00" }),
        )
        .await;
    let option = added.ok(201).clone();
    assert_eq!(option["number"], 4);
    assert_eq!(option["start_utc"], "2026-07-15T04:00:00Z");
    assert_eq!(added.header("etag"), Some("\"2\""));

    let dup = app
        .post(
            &format!("{path}/options"),
            Some(&app.token),
            &json!({ "kind": "all_day", "start_date": "2026-07-05", "end_date": "2026-07-07" }),
        )
        .await;
    dup.invalid_field("start_date");

    let changed = app
        .request(
            Method::PATCH,
            &format!("{path}/options/{}", id(&option)),
            Some(&app.token),
            Some(&json!({ "kind": "all_day", "start_date": "2026-07-20" })),
        )
        .await;
    let p = changed.ok(200);
    assert_eq!(p["version"], 3);
    assert_eq!(p["options"][3]["kind"], "all_day");
    assert_eq!(
        p["options"][3]["end_date"], "2026-07-20",
        "end_date defaults to start_date"
    );

    let stale = app
        .request_with(
            Method::DELETE,
            &format!("{path}/options/{}", id(&option)),
            Some(&app.token),
            None,
            &[("If-Match", "\"2\"")],
        )
        .await;
    stale.problem(412);
    app.delete(&format!("{path}/options/{}", id(&option)), Some(&app.token))
        .await
        .ok(204);
    let after = app.get(&path, None).await;
    assert_eq!(after.ok(200)["options"].as_array().unwrap().len(), 3);
    assert_eq!(after.body["version"], 4);

    app.delete(
        &format!("{path}/options/{}", uuid::Uuid::now_v7()),
        Some(&app.token),
    )
    .await
    .problem(404);
    for o in &poll["options"].as_array().unwrap()[..2] {
        app.delete(&format!("{path}/options/{}", id(o)), Some(&app.token))
            .await
            .ok(204);
    }
    let last = &poll["options"][2];
    app.delete(&format!("{path}/options/{}", id(last)), Some(&app.token))
        .await
        .problem(409);
}

async fn closing_stops_voting_and_reopening_resumes_it(app: TestApp) {
    let poll = app.reference_poll().await;
    let path = format!("/api/v1/polls/{}", id(&poll));
    let closed = app
        .post(&format!("{path}/close"), Some(&app.token), &json!({}))
        .await;
    assert_eq!(closed.ok(200)["status"], "closed");
    app.post(&format!("{path}/close"), Some(&app.token), &json!({}))
        .await
        .problem(409);
    app.vote(&poll, "Bruna", &[(0, "yes")]).await.problem(409);
    let reopened = app
        .post(&format!("{path}/reopen"), Some(&app.token), &json!({}))
        .await;
    assert_eq!(reopened.ok(200)["status"], "open");
    app.post(&format!("{path}/reopen"), Some(&app.token), &json!({}))
        .await
        .problem(409);
    app.vote(&poll, "Bruna", &[(0, "yes")]).await.ok(201);
}

async fn a_deadline_closes_voting_by_itself(app: TestApp) {
    let poll = app.reference_poll().await;
    let path = format!("/api/v1/polls/{}", id(&poll));
    let voter = app
        .vote(&poll, "Early", &[(0, "yes")])
        .await
        .ok(201)
        .clone();
    let soon = (chrono::Utc::now() + chrono::Duration::milliseconds(1500)).to_rfc3339();
    app.request_with(
        Method::PATCH,
        &path,
        Some(&app.token),
        Some(&json!({ "deadline": soon })),
        &[("If-Match", "*")],
    )
    .await
    .ok(200);
    tokio::time::sleep(std::time::Duration::from_millis(1800)).await;
    assert_eq!(app.get(&path, None).await.ok(200)["status"], "closed");
    let closed = app
        .get("/api/v1/polls?status=closed", Some(&app.token))
        .await;
    assert_eq!(
        closed.ok(200)["items"][0]["id"],
        poll["id"],
        "the deadline counts in the status filter"
    );
    assert!(
        app.get("/api/v1/polls?status=open", Some(&app.token))
            .await
            .body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let late = app.vote(&poll, "Late", &[(0, "yes")]).await;
    assert!(
        late.problem(409)["detail"]
            .as_str()
            .unwrap()
            .contains("deadline")
    );
    let token = voter["edit_token"].as_str().unwrap();
    app.put(
        &format!("{path}/responses/me"),
        Some(token),
        &json!({ "votes": [] }),
    )
    .await
    .problem(409);
    app.delete(&format!("{path}/responses/me"), Some(token))
        .await
        .problem(409);
    // Reopening removes the passed deadline, else it would close again at once.
    let reopened = app
        .post(&format!("{path}/reopen"), Some(&app.token), &json!({}))
        .await;
    assert_eq!(reopened.ok(200)["status"], "open");
    assert!(reopened.body.get("deadline").is_none());
}

async fn deleting_a_poll_removes_it_and_its_responses(app: TestApp) {
    let poll = app.reference_poll().await;
    let vote = app
        .vote(&poll, "Bruna", &[(0, "yes")])
        .await
        .ok(201)
        .clone();
    let path = format!("/api/v1/polls/{}", id(&poll));
    app.delete(&path, Some(&app.token)).await.ok(204);
    app.get(&path, None).await.problem(404);
    app.delete(&path, Some(&app.token)).await.problem(404);
    app.get(&format!("{path}/responses/me"), vote["edit_token"].as_str())
        .await
        .problem(401);
}

both_databases!(
    creating_the_reference_poll_returns_it_with_location_etag_and_options_in_order,
    a_timed_option_is_shown_in_the_poll_zone_in_utc_and_in_the_viewer_zone,
    all_day_ranges_never_shift_with_the_viewer_zone,
    an_organiser_lists_only_their_own_polls_newest_first_page_by_page,
    listing_filters_by_status,
    editing_a_poll_needs_if_match_and_a_stale_version_changes_nothing,
    another_organiser_can_neither_see_nor_touch_a_poll,
    options_are_added_changed_and_removed_with_the_version_rising,
    closing_stops_voting_and_reopening_resumes_it,
    a_deadline_closes_voting_by_itself,
    deleting_a_poll_removes_it_and_its_responses,
);
