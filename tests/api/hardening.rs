//! Faults and hostile input found when the service was attacked as an
//! outsider would (issue 9): each test here failed before its fix.

use chrono::{DateTime, Duration, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_databases;
use crate::calendar::{When, parse_ics};
use crate::helpers::{TestApp, id, reference_poll_body};
use crate::invitations::{create_group, create_group_as, invite_group, invite_only_poll, member};

async fn patch_poll(app: &TestApp, poll: &Value, body: &Value) -> crate::helpers::Reply {
    let path = format!("/api/v1/polls/{}", id(poll));
    let etag = app
        .get(&path, Some(&app.token))
        .await
        .header("etag")
        .expect("an ETag")
        .to_string();
    app.request_with(
        Method::PATCH,
        &path,
        Some(&app.token),
        Some(body),
        &[("If-Match", &etag)],
    )
    .await
}

async fn an_answered_aggregate_only_poll_stays_aggregate_only(app: TestApp) {
    let mut body = reference_poll_body();
    body["aggregate_only"] = json!(true);

    // Nobody has answered yet: the organiser may still change their mind.
    let unanswered = app.create_poll(&body).await;
    let r = patch_poll(&app, &unanswered, &json!({ "aggregate_only": false })).await;
    assert_eq!(r.ok(200)["aggregate_only"], false);

    let poll = app.create_poll(&body).await;
    app.vote(&poll, "Bruna", &[(0, "yes")]).await.ok(201);
    let r = patch_poll(&app, &poll, &json!({ "aggregate_only": false })).await;
    let detail = r.problem(409)["detail"].as_str().unwrap().to_string();
    assert!(detail.contains("aggregate-only"), "{detail}");
    // Nothing changed: not the setting, not the version, and nothing shows.
    let read = app
        .get(&format!("/api/v1/polls/{}", id(&poll)), Some(&app.token))
        .await;
    assert_eq!(read.ok(200)["aggregate_only"], true);
    assert_eq!(read.header("etag"), Some("\"1\""));
    let responses = format!("/api/v1/polls/{}/responses", id(&poll));
    app.get(&responses, Some(&app.token)).await.problem(403);
    let export = app
        .get(
            &format!("/api/v1/polls/{}/export.csv", id(&poll)),
            Some(&app.token),
        )
        .await;
    assert!(!export.text.contains("Bruna"), "{}", export.text);
    // Other edits of the same poll still go through.
    let r = patch_poll(&app, &poll, &json!({ "title": "Open consultation" })).await;
    assert_eq!(r.ok(200)["aggregate_only"], true);

    // A withdrawn answer was still given under the promise.
    let withdrawn = app.create_poll(&body).await;
    let token = app.vote(&withdrawn, "Yoichi", &[(1, "no")]).await.ok(201)["edit_token"]
        .as_str()
        .unwrap()
        .to_string();
    app.delete(
        &format!("/api/v1/polls/{}/responses/me", id(&withdrawn)),
        Some(&token),
    )
    .await
    .ok(204);
    patch_poll(&app, &withdrawn, &json!({ "aggregate_only": false }))
        .await
        .problem(409);
}

async fn titles_are_one_line(app: TestApp) {
    for title in ["MAG\r\nBcc: everyone", "MAG\nmeeting", "MAG\rmeeting"] {
        let mut body = reference_poll_body();
        body["title"] = json!(title);
        let message = app
            .post("/api/v1/polls", Some(&app.token), &body)
            .await
            .invalid_field("title");
        assert!(message.contains("one line"), "{message}");
    }
    let poll = app.reference_poll().await;
    patch_poll(&app, &poll, &json!({ "title": "MAG\r\nmeeting" }))
        .await
        .invalid_field("title");
    let list = app.get("/api/v1/polls", Some(&app.token)).await;
    assert_eq!(list.ok(200)["items"].as_array().unwrap().len(), 1);
}

async fn every_instant_stays_within_the_years_1900_to_9999(app: TestApp) {
    let timed = |start: &str, end: &str| {
        json!({ "title": "Typo", "time_zone": "Europe/Vienna",
                "options": [{ "kind": "timed", "start": start, "end": end }] })
    };
    for (start, end, field) in [
        ("0001-01-01T10:00", "2026-07-10T11:00", "options[0].start"),
        ("1899-12-31T10:00", "2026-07-10T11:00", "options[0].start"),
        ("2026-07-10T10:00", "10000-01-01T10:00", "options[0].end"),
        // Inside the years on the wall clock, past them in UTC.
        (
            "9999-12-31T10:00",
            "9999-12-31T23:30-05:00",
            "options[0].end",
        ),
    ] {
        let mut body = timed(start, end);
        body["time_zone"] = json!("America/New_York");
        app.post("/api/v1/polls", Some(&app.token), &body)
            .await
            .invalid_field(field);
    }
    // Inside the years in the poll's zone and in UTC, but already the year
    // 10000 in zones ahead of UTC (Pacific/Kiritimati is +14:00), where a
    // viewer, a page or a mail would have to write it.
    let mut vienna = timed("9999-12-31T10:00", "9999-12-31T11:00");
    app.post("/api/v1/polls", Some(&app.token), &vienna)
        .await
        .invalid_field("options[0].start");
    vienna["options"][0]["start"] = json!("9999-12-30T10:00");
    app.post("/api/v1/polls", Some(&app.token), &vienna)
        .await
        .invalid_field("options[0].end");
    // An all-day range's calendar end is the day after it: 10000-01-01 for
    // one ending 9999-12-31.
    let all_day = json!({ "title": "Typo", "time_zone": "Europe/Vienna", "options": [
        { "kind": "all_day", "start_date": "9999-12-30", "end_date": "9999-12-31" } ] });
    app.post("/api/v1/polls", Some(&app.token), &all_day)
        .await
        .invalid_field("options[0].end_date");
    for deadline in ["9999-12-31T23:00:00-05:00", "9999-12-31T00:00:01Z"] {
        let mut late = reference_poll_body();
        late["deadline"] = json!(deadline);
        app.post("/api/v1/polls", Some(&app.token), &late)
            .await
            .invalid_field("deadline");
    }
    let poll = app.reference_poll().await;
    app.post(
        &format!("/api/v1/polls/{}/options", id(&poll)),
        Some(&app.token),
        &json!({ "kind": "timed", "start": "0001-01-01T10:00", "end": "0001-01-01T11:00" }),
    )
    .await
    .invalid_field("start");
    app.request(
        Method::PATCH,
        &format!(
            "/api/v1/polls/{}/options/{}",
            id(&poll),
            id(&poll["options"][0])
        ),
        Some(&app.token),
        Some(&json!({ "kind": "all_day", "start_date": "9999-12-31", "end_date": "9999-12-31" })),
    )
    .await
    .invalid_field("end_date");
    // The edges themselves are accepted.
    let mut edges = timed("1900-01-01T10:00", "1900-01-01T11:00");
    let options = edges["options"].as_array_mut().unwrap();
    options
        .push(json!({ "kind": "timed", "start": "9999-12-30T10:00", "end": "9999-12-30T11:00" }));
    options
        .push(json!({ "kind": "all_day", "start_date": "9999-12-29", "end_date": "9999-12-30" }));
    edges["deadline"] = json!("9999-12-30T11:00:00Z");
    let edges = app.create_poll(&edges).await;
    // Every reading of them keeps four-digit years: in the zone furthest
    // ahead, in a calendar file (exclusive ends, VTIMEZONE), confirmed.
    let far_east = app
        .get(
            &format!("/api/v1/polls/{}?tz=Pacific/Kiritimati", id(&edges)),
            Some(&app.token),
        )
        .await;
    assert!(
        !far_east.ok(200).to_string().contains("10000"),
        "{}",
        far_east.text
    );
    let confirmed = app
        .post(
            &format!("/api/v1/polls/{}/confirm", id(&edges)),
            Some(&app.token),
            &json!({ "option_id": id(&edges["options"][2]) }),
        )
        .await;
    confirmed.ok(200);
    for path in ["holds.ics", "event.ics"] {
        for poll in [&poll, &edges] {
            let ics = app
                .get(
                    &format!("/api/v1/polls/{}/{path}", id(poll)),
                    Some(&app.token),
                )
                .await;
            if ics.status.as_u16() == 404 {
                continue;
            }
            assert!(!ics.text.contains("DTSTART:-"), "{}", ics.text);
            // Every date property is YYYYMMDD, or YYYYMMDDTHHMMSS(Z).
            for line in ics.text.lines().filter(|l| l.starts_with("DT")) {
                let value = line.split_once(':').unwrap().1;
                let date_time =
                    value.len() == 8 || (matches!(value.len(), 15 | 16) && &value[8..9] == "T");
                assert!(
                    date_time && value[..8].bytes().all(|b| b.is_ascii_digit()),
                    "{line} in {}",
                    ics.text
                );
            }
            parse_ics(&ics.text);
        }
    }
}

/// The first backward offset change of `tz` in 2026: when, and the offsets
/// before and after it (before > after).
fn fall_back(tz: Tz) -> (DateTime<Utc>, i32, i32) {
    let offset = |t: DateTime<Utc>| tz.offset_from_utc_datetime(&t.naive_utc()).fix();
    let mut t = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let end = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
    while t < end {
        let next = t + Duration::minutes(15);
        let (a, b) = (offset(t), offset(next));
        if b.local_minus_utc() < a.local_minus_utc() {
            return (next, a.local_minus_utc(), b.local_minus_utc());
        }
        t = next;
    }
    panic!("{tz} has no fall-back in 2026");
}

fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.abs();
    format!("{sign}{:02}:{:02}", s / 3600, (s % 3600) / 60)
}

/// A wall time in the repeated hour happens twice; calendars read a local
/// time as the first occurrence, so the second must be written in UTC. Zones
/// with 30-minute (Lord Howe) and 2-hour (Troll) changes and tzdb's negative
/// DST (Dublin, Casablanca) included.
async fn fall_back_hours_reach_calendars_on_the_right_occurrence(app: TestApp) {
    let zones = [
        "Europe/Vienna",
        "America/New_York",
        "Australia/Lord_Howe",
        "Antarctica/Troll",
        "Europe/Dublin",
        "Africa/Casablanca",
    ];
    for zone in zones {
        let tz: Tz = zone.parse().unwrap();
        let (at, before, after) = fall_back(tz);
        // The middle of the repeated interval, as a wall time.
        let wall = (at + Duration::seconds(((before - after) / 2).into())).naive_utc()
            + Duration::seconds(after.into());
        let wall = wall.format("%Y-%m-%dT%H:%M").to_string();
        let first = format!("{wall}{}", offset_text(before));
        let second = format!("{wall}{}", offset_text(after));
        let later = (at + Duration::hours(6)).naive_utc() + Duration::seconds(after.into());
        let later = later.format("%Y-%m-%dT%H:%M").to_string();
        let poll = app
            .create_poll(&json!({
                "title": format!("Fall back in {zone}"), "time_zone": zone,
                "options": [
                    { "kind": "timed", "start": first, "end": later },
                    { "kind": "timed", "start": second, "end": later },
                ] }))
            .await;
        let options = poll["options"].as_array().unwrap();
        assert_ne!(options[0]["start_utc"], options[1]["start_utc"], "{zone}");
        // The labels tell the two apart.
        assert_ne!(options[0]["label"], options[1]["label"], "{zone}");
        assert!(
            options[1]["label"]
                .as_str()
                .unwrap()
                .contains(&offset_text(after)),
            "{zone}: {}",
            options[1]["label"]
        );
        let holds = app
            .get(
                &format!("/api/v1/polls/{}/holds.ics", id(&poll)),
                Some(&app.token),
            )
            .await;
        let events = parse_ics(&holds.text);
        assert_eq!(events.len(), 2, "{}", holds.text);
        for (event, option) in events.iter().zip(options) {
            let expected: DateTime<Utc> = option["start_utc"].as_str().unwrap().parse().unwrap();
            assert_eq!(
                event.start,
                When::Instant(expected),
                "{zone} {}\n{}",
                option["label"],
                holds.text
            );
        }
        // The confirmed event of the second occurrence too.
        app.post(
            &format!("/api/v1/polls/{}/confirm", id(&poll)),
            Some(&app.token),
            &json!({ "option_id": options[1]["id"] }),
        )
        .await
        .ok(200);
        let event = app
            .get(&format!("/api/v1/polls/{}/event.ics", id(&poll)), None)
            .await;
        let expected: DateTime<Utc> = options[1]["start_utc"].as_str().unwrap().parse().unwrap();
        assert_eq!(
            parse_ics(&event.text)[0].start,
            When::Instant(expected),
            "{zone}\n{}",
            event.text
        );
    }
}

/// The design promises feeds per member, per group and per organiser.
async fn each_group_has_a_feed_of_the_polls_its_members_are_invited_to(app: TestApp) {
    let mag = create_group(
        &app,
        vec![
            member("Yoichi", Some("yoichi@example.org"), "Asia/Tokyo"),
            member("Bruna", Some("bruna@example.org"), "America/Sao_Paulo"),
        ],
    )
    .await;
    let bureau = create_group_as(
        &app,
        &app.token,
        "Bureau",
        vec![member("Anna", None, "America/New_York")],
    )
    .await;
    let mag_poll = invite_only_poll(&app, json!({ "title": "MAG meeting" })).await;
    invite_group(&app, &mag_poll, &mag).await;
    let bureau_poll = invite_only_poll(&app, json!({ "title": "Bureau call" })).await;
    invite_group(&app, &bureau_poll, &bureau).await;
    app.create_poll(&json!({ "title": "Nobody invited", "time_zone": "UTC",
        "options": [{ "kind": "all_day", "start_date": "2026-09-01" }] }))
        .await;

    let feeds = app.get("/api/v1/feeds", Some(&app.token)).await;
    let items = feeds.ok(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 3, "{}", feeds.text);
    assert_eq!(items[0]["kind"], "organiser");
    let group_feed = items
        .iter()
        .find(|f| f["group_id"] == mag["id"])
        .expect("the MAG group's feed")
        .clone();
    assert_eq!(group_feed["kind"], "group");
    let url = group_feed["url"].as_str().unwrap();
    assert_eq!(
        group_feed["webcal_url"].as_str().unwrap(),
        url.replace("http://", "webcal://")
    );
    let path = url.trim_start_matches(&app.address).to_string();

    let r = app.get(&path, None).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(
        r.header("content-type"),
        Some("text/calendar; charset=utf-8")
    );
    assert!(
        r.text.contains("X-WR-CALNAME:Convene: MAG 2026"),
        "{}",
        r.text
    );
    let events = parse_ics(&r.text);
    assert_eq!(
        events.len(),
        3,
        "the MAG poll's three holds only: {}",
        r.text
    );
    assert!(
        events
            .iter()
            .all(|e| e.text("SUMMARY").unwrap().contains("MAG meeting"))
    );
    assert!(
        !r.text.contains("ATTENDEE"),
        "a shared feed names no one's answer"
    );

    // The same caching rules as every feed.
    let etag = r.header("etag").unwrap().to_string();
    assert!(r.header("last-modified").is_some());
    let cached = app
        .request_with(Method::GET, &path, None, None, &[("If-None-Match", &etag)])
        .await;
    assert_eq!(cached.status.as_u16(), 304);
    let head = app.request(Method::HEAD, &path, None, None).await;
    assert_eq!((head.status.as_u16(), head.text.as_str()), (200, ""));
    app.close(&bureau_poll).await.ok(200);
    let other_group_changed = app
        .request_with(Method::GET, &path, None, None, &[("If-None-Match", &etag)])
        .await;
    assert_eq!(other_group_changed.status.as_u16(), 304);
    app.close(&mag_poll).await.ok(200);
    let changed = app
        .request_with(Method::GET, &path, None, None, &[("If-None-Match", &etag)])
        .await;
    assert_eq!(changed.status.as_u16(), 200);

    // Listed again: the same feeds, without addresses.
    let again = app.get("/api/v1/feeds", Some(&app.token)).await;
    let again = again.ok(200)["items"].as_array().unwrap().clone();
    assert_eq!(again.len(), 3);
    assert!(again.iter().all(|f| f.get("url").is_none()));
    // A group created later gets its feed at the next listing.
    create_group_as(&app, &app.token, "Observers", vec![]).await;
    let more = app.get("/api/v1/feeds", Some(&app.token)).await;
    let more = more.ok(200)["items"].as_array().unwrap().clone();
    assert_eq!(more.len(), 4);
    assert_eq!(more.iter().filter(|f| f.get("url").is_some()).count(), 1);

    // Another organiser sees none of these and cannot rotate them.
    let other = app.other_organiser().await;
    let theirs = app.get("/api/v1/feeds", Some(&other)).await;
    let theirs = theirs.ok(200)["items"].as_array().unwrap().clone();
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0]["kind"], "organiser");
    let rotate = format!(
        "/api/v1/feeds/{}/rotate",
        group_feed["id"].as_str().unwrap()
    );
    app.post(&rotate, Some(&other), &json!({}))
        .await
        .problem(404);
    let rotated = app.post(&rotate, Some(&app.token), &json!({})).await;
    assert_eq!(rotated.ok(200)["kind"], "group");
    let new_path = rotated.body["url"]
        .as_str()
        .unwrap()
        .trim_start_matches(&app.address)
        .to_string();
    app.get(&path, None).await.problem(404);
    assert_eq!(app.get(&new_path, None).await.status.as_u16(), 200);
}

/// Anonymous votes are limited per client address (60 a minute by default),
/// and the count is shared by every instance on the database.
async fn anonymous_votes_are_rate_limited_per_client_across_instances(app: TestApp) {
    // 61 votes must fall in one minute's window: start early in a minute.
    let second = Utc::now().timestamp().rem_euclid(60);
    if second > 45 {
        tokio::time::sleep(std::time::Duration::from_secs((61 - second) as u64)).await;
    }
    let other = app.second_instance().await;
    let poll = app.reference_poll().await;
    let mut edit_token = String::new();
    for i in 0..30 {
        let first = app.vote(&poll, &format!("A{i}"), &[(0, "yes")]).await;
        edit_token = first.ok(201)["edit_token"].as_str().unwrap().to_string();
        other
            .vote(&poll, &format!("B{i}"), &[(0, "yes")])
            .await
            .ok(201);
    }
    for instance in [&app, &other] {
        let refused = instance.vote(&poll, "One too many", &[(0, "yes")]).await;
        let detail = refused.problem(429)["detail"].as_str().unwrap().to_string();
        assert!(detail.contains("60 a minute"), "{detail}");
        let wait: u64 = refused.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=60).contains(&wait), "{wait}");
    }
    // A forged forwarding header does not make another client.
    let forged = app
        .request_with(
            Method::POST,
            &format!("/api/v1/polls/{}/responses", id(&poll)),
            None,
            Some(&json!({ "name": "Forger", "votes": [] })),
            &[("X-Forwarded-For", "198.51.100.1")],
        )
        .await;
    forged.problem(429);
    let results = app.results(&poll, None).await;
    assert_eq!(
        results.ok(200)["responses"],
        60,
        "refused votes are not counted"
    );
    // A voter changing their answer with their edit token is not anonymous.
    app.put(
        &format!("/api/v1/polls/{}/responses/me", id(&poll)),
        Some(&edit_token),
        &json!({ "name": "A29", "votes": [] }),
    )
    .await
    .ok(200);
}

both_databases!(
    an_answered_aggregate_only_poll_stays_aggregate_only,
    titles_are_one_line,
    every_instant_stays_within_the_years_1900_to_9999,
    fall_back_hours_reach_calendars_on_the_right_occurrence,
    each_group_has_a_feed_of_the_polls_its_members_are_invited_to,
    anonymous_votes_are_rate_limited_per_client_across_instances,
);
