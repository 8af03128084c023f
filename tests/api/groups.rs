use reqwest::Method;
use serde_json::json;

use crate::both_databases;
use crate::helpers::{TestApp, id};

fn mag_group() -> serde_json::Value {
    json!({ "name": "MAG 2026", "members": [
        { "name": "Yoichi", "email": "yoichi@example.org", "time_zone": "Asia/Tokyo" },
        { "name": "Anna", "time_zone": "America/New_York", "social_hours_start": "08:00", "social_hours_end": "23:30" },
        { "name": "Bruna", "email": "bruna@example.org", "time_zone": "America/Sao_Paulo" }
    ] })
}

async fn an_organiser_keeps_rosters_of_members_with_zones_and_social_hours(app: TestApp) {
    let r = app
        .post("/api/v1/groups", Some(&app.token), &mag_group())
        .await;
    let group = r.ok(201).clone();
    assert_eq!(
        r.header("location"),
        Some(format!("/api/v1/groups/{}", id(&group)).as_str())
    );
    assert_eq!(group["member_count"], 3);
    let yoichi = &group["members"][0];
    assert_eq!(
        (yoichi["name"].as_str(), yoichi["time_zone"].as_str()),
        (Some("Yoichi"), Some("Asia/Tokyo"))
    );
    assert_eq!(
        (
            yoichi["social_hours_start"].as_str(),
            yoichi["social_hours_end"].as_str()
        ),
        (Some("07:00"), Some("22:00"))
    );
    assert_eq!(group["members"][1]["social_hours_end"], "23:30");
    assert!(group["members"][1].get("email").is_none());

    let read = app
        .get(&format!("/api/v1/groups/{}", id(&group)), Some(&app.token))
        .await;
    assert_eq!(read.ok(200)["members"], group["members"]);
    let list = app.get("/api/v1/groups", Some(&app.token)).await;
    assert_eq!(list.ok(200)["items"][0]["member_count"], 3);

    let path = format!("/api/v1/groups/{}/members/{}", id(&group), id(yoichi));
    let changed = app
        .request(
            Method::PATCH,
            &path,
            Some(&app.token),
            Some(&json!({ "time_zone": "Europe/Vienna", "email": null })),
        )
        .await;
    assert_eq!(changed.ok(200)["time_zone"], "Europe/Vienna");
    assert!(changed.body.get("email").is_none());
    // Start and end may change one at a time; the pair as it would stand
    // is what is checked, and a refused change changes nothing.
    let end = changed.body["social_hours_end"]
        .as_str()
        .unwrap()
        .to_string();
    let collapsed = app
        .request(
            Method::PATCH,
            &path,
            Some(&app.token),
            Some(&json!({ "social_hours_start": end, "name": "Yoichi S." })),
        )
        .await;
    collapsed.invalid_field("social_hours_end");
    let read = app
        .get(&format!("/api/v1/groups/{}", id(&group)), Some(&app.token))
        .await;
    let unchanged = read.ok(200)["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == yoichi["id"])
        .unwrap();
    assert_eq!(unchanged["name"], yoichi["name"]);
    assert_eq!(
        unchanged["social_hours_start"],
        yoichi["social_hours_start"]
    );
    app.delete(&path, Some(&app.token)).await.ok(204);
    app.delete(&path, Some(&app.token)).await.problem(404);
    assert_eq!(
        app.get(&format!("/api/v1/groups/{}", id(&group)), Some(&app.token))
            .await
            .body["member_count"],
        2
    );
}

async fn members_are_added_in_bulk_as_json_or_csv_all_or_none(app: TestApp) {
    let group = app
        .post(
            "/api/v1/groups",
            Some(&app.token),
            &json!({ "name": "Open consultation" }),
        )
        .await
        .ok(201)
        .clone();
    let path = format!("/api/v1/groups/{}/members", id(&group));
    let many: Vec<_> = (0..300)
        .map(|i| json!({ "name": format!("Member {i}"), "time_zone": "Africa/Nairobi" }))
        .collect();
    let added = app
        .post(&path, Some(&app.token), &json!({ "members": many }))
        .await;
    assert_eq!(added.ok(201)["members"].as_array().unwrap().len(), 300);

    let csv = "name,email,time_zone\nYoichi,yoichi@example.org,Asia/Tokyo\n\"Doe, Jane\",,Europe/Vienna\n";
    let r = app
        .client
        .post(format!("{}{path}", app.address))
        .bearer_auth(&app.token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["members"][1]["name"], "Doe, Jane");

    let bad_csv = "name,time_zone\nOk,Asia/Tokyo\nBad,Nowhere/Land\n";
    let r = app
        .client
        .post(format!("{}{path}", app.address))
        .bearer_auth(&app.token)
        .header("content-type", "text/csv")
        .body(bad_csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "row 3.time_zone");

    let bad_json = app
        .post(
            &path,
            Some(&app.token),
            &json!({ "members": [
            { "name": "Fine", "time_zone": "UTC" },
            { "name": "", "time_zone": "UTC", "email": "nope" }
        ] }),
        )
        .await;
    bad_json.invalid_field("members[1].name");
    bad_json.invalid_field("members[1].email");
    let count = app
        .get(&format!("/api/v1/groups/{}", id(&group)), Some(&app.token))
        .await
        .body["member_count"]
        .clone();
    assert_eq!(count, 302, "refused requests add no one");
}

async fn another_organisers_groups_are_invisible_and_untouchable(app: TestApp) {
    let group = app
        .post("/api/v1/groups", Some(&app.token), &mag_group())
        .await
        .ok(201)
        .clone();
    let other = app.other_organiser().await;
    let path = format!("/api/v1/groups/{}", id(&group));
    app.get(&path, Some(&other)).await.problem(404);
    app.post(
        &format!("{path}/members"),
        Some(&other),
        &json!({ "members": [{ "name": "Mole", "time_zone": "UTC" }] }),
    )
    .await
    .problem(404);
    let member = format!("{path}/members/{}", id(&group["members"][0]));
    app.request(
        Method::PATCH,
        &member,
        Some(&other),
        Some(&json!({ "name": "Renamed" })),
    )
    .await
    .problem(404);
    app.delete(&member, Some(&other)).await.problem(404);
    assert!(
        app.get("/api/v1/groups", Some(&other)).await.ok(200)["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    app.get("/api/v1/groups", None).await.problem(401);
    app.get(&path, Some(&app.token)).await.ok(200);
    assert_eq!(
        app.get(&path, Some(&app.token)).await.body["members"][0]["name"],
        "Yoichi"
    );
}

both_databases!(
    an_organiser_keeps_rosters_of_members_with_zones_and_social_hours,
    members_are_added_in_bulk_as_json_or_csv_all_or_none,
    another_organisers_groups_are_invisible_and_untouchable,
);
