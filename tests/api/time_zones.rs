use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::{TestApp, id};

fn timed(zone: &str, start: &str, end: &str) -> Value {
    json!({ "title": "Call", "time_zone": zone, "options": [{ "kind": "timed", "start": start, "end": end }] })
}

async fn a_time_in_the_spring_forward_gap_is_refused_with_the_clock_change_named(app: TestApp) {
    let r = app
        .post(
            "/api/v1/polls",
            Some(&app.token),
            &timed("Europe/Vienna", "2026-03-29T02:30", "2026-03-29T04:00"),
        )
        .await;
    assert_eq!(
        r.invalid_field("options[0].start"),
        "02:30 on 2026-03-29 does not exist in Europe/Vienna: clocks go from 02:00 to 03:00"
    );
    assert!(
        app.get("/api/v1/polls", Some(&app.token)).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing was created"
    );
}

async fn a_time_in_the_fall_back_hour_needs_an_offset(app: TestApp) {
    let r = app
        .post(
            "/api/v1/polls",
            Some(&app.token),
            &timed("Europe/Vienna", "2026-10-25T02:30", "2026-10-25T04:00"),
        )
        .await;
    let message = r.invalid_field("options[0].start");
    assert!(
        message.contains("happens twice")
            && message.contains("+02:00")
            && message.contains("+01:00"),
        "{message}"
    );

    let first = app
        .create_poll(&timed(
            "Europe/Vienna",
            "2026-10-25T02:30+02:00",
            "2026-10-25T04:00",
        ))
        .await;
    assert_eq!(first["options"][0]["start_utc"], "2026-10-25T00:30:00Z");
    assert_eq!(
        first["options"][0]["start_local"],
        "2026-10-25T02:30:00+02:00"
    );
    let second = app
        .create_poll(&timed(
            "Europe/Vienna",
            "2026-10-25T02:30:00+01:00",
            "2026-10-25T04:00",
        ))
        .await;
    assert_eq!(second["options"][0]["start_utc"], "2026-10-25T01:30:00Z");
    assert_eq!(
        second["options"][0]["start_local"],
        "2026-10-25T02:30:00+01:00"
    );
    let wrong = app
        .post(
            "/api/v1/polls",
            Some(&app.token),
            &timed(
                "Europe/Vienna",
                "2026-07-10T13:00+05:00",
                "2026-07-10T14:00",
            ),
        )
        .await;
    assert!(wrong.invalid_field("options[0].start").contains("+02:00"));
}

async fn zones_of_both_hemispheres_and_half_hour_offsets_convert_exactly(app: TestApp) {
    for (zone, start, utc) in [
        (
            "America/New_York",
            "2026-07-14T20:00",
            "2026-07-15T00:00:00Z",
        ),
        (
            "America/New_York",
            "2026-01-14T20:00",
            "2026-01-15T01:00:00Z",
        ),
        (
            "Australia/Sydney",
            "2026-07-15T09:00",
            "2026-07-14T23:00:00Z",
        ),
        (
            "Australia/Sydney",
            "2026-01-15T09:00",
            "2026-01-14T22:00:00Z",
        ),
        ("Asia/Kolkata", "2026-07-15T09:00", "2026-07-15T03:30:00Z"),
        (
            "America/St_Johns",
            "2026-07-15T09:00",
            "2026-07-15T11:30:00Z",
        ),
        ("Asia/Tokyo", "2026-07-15T13:00", "2026-07-15T04:00:00Z"),
    ] {
        let end = format!("{}T23:59", &start[..10]);
        let poll = app.create_poll(&timed(zone, start, &end)).await;
        assert_eq!(poll["options"][0]["start_utc"], utc, "{zone} {start}");
    }
}

async fn an_option_spanning_a_clock_change_keeps_both_offsets(app: TestApp) {
    let poll = app
        .create_poll(&timed(
            "Europe/Vienna",
            "2026-03-28T22:00",
            "2026-03-29T06:00",
        ))
        .await;
    let o = &poll["options"][0];
    assert_eq!(o["start_local"], "2026-03-28T22:00:00+01:00");
    assert_eq!(o["end_local"], "2026-03-29T06:00:00+02:00");
    assert_eq!(o["start_utc"], "2026-03-28T21:00:00Z");
    assert_eq!(o["end_utc"], "2026-03-29T04:00:00Z");
}

async fn unknown_zones_are_refused_naming_the_field(app: TestApp) {
    let mut body = timed("Europe/Vienna", "2026-07-10T13:00", "2026-07-10T14:00");
    body["time_zone"] = json!("Europe/Atlantis");
    let r = app.post("/api/v1/polls", Some(&app.token), &body).await;
    assert!(r.invalid_field("time_zone").contains("Europe/Atlantis"));
    let poll = app.reference_poll().await;
    app.get(
        &format!("/api/v1/polls/{}?tz=Mars/Olympus", id(&poll)),
        None,
    )
    .await
    .invalid_field("tz");
}

async fn reversed_ranges_missing_fields_empty_and_duplicate_options_are_refused_by_field(
    app: TestApp,
) {
    let body = json!({
        "title": "Bad", "time_zone": "Europe/Vienna",
        "options": [
            { "kind": "all_day", "start_date": "2026-07-07", "end_date": "2026-07-05" },
            { "kind": "timed", "start": "2026-07-10T16:00", "end": "2026-07-10T13:00" },
            { "kind": "timed", "start": "2026-07-10T13:00" },
            { "kind": "all_day", "start_date": "2026-07-05", "end_date": "2026-07-06" },
            { "kind": "all_day", "start_date": "2026-07-05", "end_date": "2026-07-06" },
            { "kind": "all_day", "start_date": "2026-02-30" },
            { "kind": "all_day", "start": "2026-07-10T13:00" }
        ]
    });
    let r = app.post("/api/v1/polls", Some(&app.token), &body).await;
    assert!(r.invalid_field("options[0].end_date").contains("before"));
    assert!(r.invalid_field("options[1].end").contains("after"));
    r.invalid_field("options[2].end");
    assert!(r.invalid_field("options[4]").contains("options[3]"));
    r.invalid_field("options[5].start_date");
    r.invalid_field("options[6].start");
    r.invalid_field("options[6].start_date");

    let empty = app
        .post(
            "/api/v1/polls",
            Some(&app.token),
            &json!({ "title": "Empty", "time_zone": "UTC", "options": [] }),
        )
        .await;
    empty.invalid_field("options");
    let kind = app
        .post(
            "/api/v1/polls",
            Some(&app.token),
            &json!({ "title": "K", "time_zone": "UTC", "options": [{ "kind": "sometimes" }] }),
        )
        .await;
    kind.invalid_field("options[0].kind");
    assert!(
        app.get("/api/v1/polls", Some(&app.token)).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

both_databases!(
    a_time_in_the_spring_forward_gap_is_refused_with_the_clock_change_named,
    a_time_in_the_fall_back_hour_needs_an_offset,
    zones_of_both_hemispheres_and_half_hour_offsets_convert_exactly,
    an_option_spanning_a_clock_change_keeps_both_offsets,
    unknown_zones_are_refused_naming_the_field,
    reversed_ranges_missing_fields_empty_and_duplicate_options_are_refused_by_field,
);
