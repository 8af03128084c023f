//! Hybrid meetings, answers per day and seats (issue 28): the reference
//! meeting as it really was — online and onsite at the Vienna International
//! Centre over three days, with a room of so many seats.

use std::sync::Arc;

use convene::startup::Options;
use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::{Backend, Reply, TestApp, at_once, id, result_for, spawn_app_with};
use crate::invitations::{create_group, invite_group, invite_only_poll, member, token_of};

/// The reference meeting: 5–7 July answered per day with 2 in-person
/// seats, and 10–12 July as one range; hybrid unless `modes` is empty.
async fn meeting(app: &TestApp, modes: Value, capacity: Option<i64>) -> Value {
    let mut first = json!({ "kind": "all_day", "start_date": "2027-07-05",
                            "end_date": "2027-07-07", "per_day": true });
    if let Some(c) = capacity {
        first["capacity"] = json!(c);
    }
    app.create_poll(&json!({
        "title": "Second Open Consultations and MAG Meeting",
        "location": "Vienna International Centre",
        "time_zone": "Europe/Vienna",
        "voting": "open",
        "attendance_modes": modes,
        "options": [
            first,
            { "kind": "all_day", "start_date": "2027-07-10", "end_date": "2027-07-12" }
        ]
    }))
    .await
}

fn option(poll: &Value, i: usize) -> &str {
    poll["options"][i]["id"].as_str().unwrap()
}

async fn respond(app: &TestApp, poll: &Value, name: &str, votes: Value) -> Reply {
    app.post(
        &format!("/api/v1/polls/{}/responses", id(poll)),
        None,
        &json!({ "name": name, "votes": votes }),
    )
    .await
}

fn days(choices: [&str; 3]) -> Value {
    json!([
        { "date": "2027-07-05", "choice": choices[0] },
        { "date": "2027-07-06", "choice": choices[1] },
        { "date": "2027-07-07", "choice": choices[2] }
    ])
}

/// A single-range poll with `capacity` seats (hybrid if `hybrid`).
async fn seated(app: &TestApp, capacity: i64, hybrid: bool) -> Value {
    let modes = if hybrid {
        json!(["in_person", "online"])
    } else {
        json!([])
    };
    app.create_poll(&json!({
        "title": "MAG meeting, Vienna International Centre",
        "time_zone": "Europe/Vienna",
        "voting": "open",
        "attendance_modes": modes,
        "options": [
            { "kind": "all_day", "start_date": "2027-07-06", "end_date": "2027-07-07", "capacity": capacity }
        ]
    }))
    .await
}

fn seat_of(reply: &Value) -> &str {
    reply["votes"][0]["seat"].as_str().unwrap_or("none")
}

async fn attendance_is_counted_per_mode_on_a_hybrid_poll(app: TestApp) {
    let poll = meeting(&app, json!(["in_person", "online"]), None).await;
    assert_eq!(poll["attendance_modes"], json!(["in_person", "online"]));
    assert_eq!(poll["options"][0]["per_day"], true);
    assert!(poll["options"][1].get("per_day").is_none());
    let second = option(&poll, 1);
    let bruna = respond(
        &app,
        &poll,
        "Bruna",
        json!([{ "option_id": second, "choice": "yes", "attendance": "in_person" }]),
    )
    .await;
    assert_eq!(bruna.ok(201)["votes"][0]["attendance"], "in_person");
    respond(
        &app,
        &poll,
        "Yoichi",
        json!([{ "option_id": second, "choice": "if_need_be", "attendance": "online" }]),
    )
    .await
    .ok(201);
    respond(
        &app,
        &poll,
        "Anna",
        json!([{ "option_id": second, "choice": "no" }]),
    )
    .await
    .ok(201);
    let results = app.results(&poll, None).await.ok(200).clone();
    let row = result_for(&results, second);
    assert_eq!(row["attendance"], json!({ "in_person": 1, "online": 1 }));
    assert_eq!(
        (row["yes"].as_i64(), row["if_need_be"].as_i64()),
        (Some(1), Some(1))
    );
    // Bruna changes to online: the counts move with her.
    let token = bruna.ok(201)["edit_token"].as_str().unwrap().to_string();
    app.put(
        &format!("/api/v1/polls/{}/responses/me", id(&poll)),
        Some(&token),
        &json!({ "votes": [{ "option_id": second, "choice": "yes", "attendance": "online" }] }),
    )
    .await
    .ok(200);
    let results = app.results(&poll, None).await.ok(200).clone();
    assert_eq!(
        result_for(&results, second)["attendance"],
        json!({ "in_person": 0, "online": 2 })
    );
    // The history and the export carry it.
    let history = app.history(&poll, 100).await;
    assert!(
        history
            .iter()
            .any(|h| h["details"].to_string().contains("online")),
        "{history:?}"
    );
    let csv = app
        .request(
            Method::GET,
            &format!("/api/v1/polls/{}/export.csv", id(&poll)),
            Some(&app.token),
            None,
        )
        .await;
    assert!(csv.text.contains("online"), "{}", csv.text);
    // A poll without these settings looks exactly as before.
    let plain = app.reference_poll().await;
    assert!(plain.get("attendance_modes").is_none());
    let r = app.vote(&plain, "Bruna", &[(0, "yes")]).await;
    let vote = &r.ok(201)["votes"][0];
    assert!(vote.get("attendance").is_none() && vote.get("seat").is_none());
    let results = app.results(&plain, None).await.ok(200).clone();
    let row = &results["options"][0];
    assert!(
        row.get("attendance").is_none() && row.get("days").is_none() && row.get("seats").is_none()
    );
}

async fn every_hybrid_refusal_is_a_422_naming_the_field_and_changes_nothing(app: TestApp) {
    let poll = meeting(&app, json!(["in_person", "online"]), Some(2)).await;
    let plain = app.reference_poll().await;
    let (first, second) = (option(&poll, 0), option(&poll, 1));
    let cases: Vec<(&Value, Value, &str)> = vec![
        // Attendance on a poll that is not hybrid.
        (
            &plain,
            json!([{ "option_id": option(&plain, 0), "choice": "yes", "attendance": "online" }]),
            "votes[0].attendance",
        ),
        // An unknown mode.
        (
            &poll,
            json!([{ "option_id": second, "choice": "yes", "attendance": "onsite" }]),
            "votes[0].attendance",
        ),
        // Attendance with no.
        (
            &poll,
            json!([{ "option_id": second, "choice": "no", "attendance": "online" }]),
            "votes[0].attendance",
        ),
        // A yes on a hybrid poll that does not say how.
        (
            &poll,
            json!([{ "option_id": second, "choice": "yes" }]),
            "votes[0].attendance",
        ),
        // A per-day option answered without days.
        (
            &poll,
            json!([{ "option_id": first, "choice": "no" }]),
            "votes[0].days",
        ),
        // A missing day.
        (
            &poll,
            json!([{ "option_id": first, "days": [
            { "date": "2027-07-05", "choice": "no" }, { "date": "2027-07-06", "choice": "no" } ] }]),
            "votes[0].days",
        ),
        // A day outside the range.
        (
            &poll,
            json!([{ "option_id": second, "choice": "no" }, { "option_id": first, "days": [
            { "date": "2027-07-05", "choice": "no" }, { "date": "2027-07-06", "choice": "no" },
            { "date": "2027-07-09", "choice": "no" } ] }]),
            "votes[1].days[2].date",
        ),
        // A repeated day.
        (
            &poll,
            json!([{ "option_id": first, "days": [
            { "date": "2027-07-05", "choice": "no" }, { "date": "2027-07-05", "choice": "no" },
            { "date": "2027-07-07", "choice": "no" } ] }]),
            "votes[0].days[1].date",
        ),
        // A date that is no date.
        (
            &poll,
            json!([{ "option_id": first, "days": [
            { "date": "2027-07-05", "choice": "no" }, { "date": "7 July", "choice": "no" },
            { "date": "2027-07-07", "choice": "no" } ] }]),
            "votes[0].days[1].date",
        ),
        // Days on an option that is not answered per day.
        (
            &poll,
            json!([{ "option_id": second, "choice": "no", "days": days(["no", "no", "no"]) }]),
            "votes[0].days",
        ),
        // A choice the days contradict.
        (
            &poll,
            json!([{ "option_id": first, "choice": "yes", "attendance": "online", "days": days(["yes", "no", "yes"]) }]),
            "votes[0].choice",
        ),
    ];
    for (target, votes, field) in cases {
        let r = respond(&app, target, "Mallory", votes.clone()).await;
        eprintln!("{votes} → {}", r.invalid_field(field));
    }
    let bad_polls = [
        (
            json!({ "kind": "all_day", "start_date": "2027-07-05", "per_day": true }),
            "options[0].per_day",
        ),
        (
            json!({ "kind": "timed", "start": "2027-07-05T10:00", "end": "2027-07-05T12:00", "per_day": true }),
            "options[0].per_day",
        ),
        (
            json!({ "kind": "all_day", "start_date": "2027-07-05", "capacity": 0 }),
            "options[0].capacity",
        ),
        (
            json!({ "kind": "all_day", "start_date": "2027-07-05", "capacity": -3 }),
            "options[0].capacity",
        ),
    ];
    for (o, field) in bad_polls {
        let r = app
            .post(
                "/api/v1/polls",
                Some(&app.token),
                &json!({ "title": "T", "time_zone": "Europe/Vienna", "options": [o] }),
            )
            .await;
        r.invalid_field(field);
    }
    let r = app
        .post(
            "/api/v1/polls",
            Some(&app.token),
            &json!({ "title": "T", "time_zone": "Europe/Vienna", "attendance_modes": ["onsite"],
                     "options": [{ "kind": "all_day", "start_date": "2027-07-05" }] }),
        )
        .await;
    r.invalid_field("attendance_modes[0]");
    // Nothing was recorded.
    for p in [&poll, &plain] {
        let results = app.results(p, None).await.ok(200).clone();
        assert_eq!(results["responses"], 0);
    }
}

async fn answers_per_day_are_counted_per_day_and_the_option_counts_those_available_every_day(
    app: TestApp,
) {
    let poll = meeting(&app, json!([]), None).await;
    let first = option(&poll, 0);
    let every = respond(
        &app,
        &poll,
        "Bruna",
        json!([{ "option_id": first, "days": days(["yes", "yes", "yes"]) }]),
    )
    .await;
    let vote = &every.ok(201)["votes"][0];
    assert_eq!(vote["choice"], "yes");
    assert_eq!(vote["days"].as_array().unwrap().len(), 3);
    respond(
        &app,
        &poll,
        "Yoichi",
        json!([{ "option_id": first, "days": days(["yes", "yes", "no"]) }]),
    )
    .await
    .ok(201);
    // Days given out of order are the same days.
    respond(
        &app,
        &poll,
        "Anna",
        json!([{ "option_id": first, "choice": "if_need_be", "days": [
        { "date": "2027-07-07", "choice": "yes" }, { "date": "2027-07-05", "choice": "if_need_be" },
        { "date": "2027-07-06", "choice": "yes" } ] }]),
    )
    .await
    .ok(201);
    let results = app.results(&poll, None).await.ok(200).clone();
    let row = result_for(&results, first);
    // Available on every day: Bruna (yes), Anna (if need be); Yoichi not.
    assert_eq!(
        (
            row["yes"].as_i64(),
            row["if_need_be"].as_i64(),
            row["no"].as_i64()
        ),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(
        row["days"],
        json!([
            { "date": "2027-07-05", "yes": 2, "if_need_be": 1, "no": 0 },
            { "date": "2027-07-06", "yes": 3, "if_need_be": 0, "no": 0 },
            { "date": "2027-07-07", "yes": 2, "if_need_be": 0, "no": 1 }
        ])
    );
    assert!(
        row["explanation"].as_str().unwrap().contains("every day"),
        "{row}"
    );
    // Bruna withdraws: her days go.
    let token = every.ok(201)["edit_token"].as_str().unwrap().to_string();
    app.delete(
        &format!("/api/v1/polls/{}/responses/me", id(&poll)),
        Some(&token),
    )
    .await
    .ok(204);
    let results = app.results(&poll, None).await.ok(200).clone();
    assert_eq!(
        result_for(&results, first)["days"][1],
        json!({ "date": "2027-07-06", "yes": 2, "if_need_be": 0, "no": 0 })
    );
}

async fn seats_fill_in_arrival_order_and_a_withdrawal_or_changed_answer_promotes_the_first_waiting(
    app: TestApp,
) {
    let poll = seated(&app, 2, true).await;
    let o = option(&poll, 0);
    let mut tokens = Vec::new();
    let mut seats = Vec::new();
    for name in ["Ana", "Ben", "Cleo", "Dev"] {
        let r = respond(
            &app,
            &poll,
            name,
            json!([{ "option_id": o, "choice": "yes", "attendance": "in_person" }]),
        )
        .await;
        let body = r.ok(201).clone();
        seats.push(seat_of(&body).to_string());
        tokens.push(body["edit_token"].as_str().unwrap().to_string());
    }
    assert_eq!(seats, ["taken", "taken", "waiting", "waiting"]);
    // Online answers take no in-person seat.
    let online = respond(
        &app,
        &poll,
        "Eve",
        json!([{ "option_id": o, "choice": "yes", "attendance": "online" }]),
    )
    .await;
    assert_eq!(seat_of(online.ok(201)), "none");
    let seats_now = |results: &Value| result_for(results, o)["seats"].clone();
    let results = app.results(&poll, None).await.ok(200).clone();
    assert_eq!(
        seats_now(&results),
        json!({ "capacity": 2, "taken": 2, "waiting": 2 })
    );
    let me = |t: &str| {
        let (app, poll, t) = (&app, &poll, t.to_string());
        async move {
            app.get(
                &format!("/api/v1/polls/{}/responses/me", id(poll)),
                Some(&t),
            )
            .await
            .ok(200)
            .clone()
        }
    };
    // Ana withdraws: Cleo, the first waiting, gets the seat.
    app.delete(
        &format!("/api/v1/polls/{}/responses/me", id(&poll)),
        Some(&tokens[0]),
    )
    .await
    .ok(204);
    assert_eq!(seat_of(&me(&tokens[2]).await), "taken");
    assert_eq!(seat_of(&me(&tokens[3]).await), "waiting");
    // Ben changes to online: Dev gets his seat.
    app.put(
        &format!("/api/v1/polls/{}/responses/me", id(&poll)),
        Some(&tokens[1]),
        &json!({ "votes": [{ "option_id": o, "choice": "yes", "attendance": "online" }] }),
    )
    .await
    .ok(200);
    assert_eq!(seat_of(&me(&tokens[3]).await), "taken");
    let results = app.results(&poll, None).await.ok(200).clone();
    assert_eq!(
        seats_now(&results),
        json!({ "capacity": 2, "taken": 2, "waiting": 0 })
    );
    // Ben comes back in person: he waits, behind nobody.
    let ben = app
        .put(
            &format!("/api/v1/polls/{}/responses/me", id(&poll)),
            Some(&tokens[1]),
            &json!({ "votes": [{ "option_id": o, "choice": "yes", "attendance": "in_person" }] }),
        )
        .await;
    assert_eq!(seat_of(ben.ok(200)), "waiting");
    // Cleo keeps her seat when she edits her comment.
    let cleo = app
        .put(
            &format!("/api/v1/polls/{}/responses/me", id(&poll)),
            Some(&tokens[2]),
            &json!({ "comment": "Arriving on the 5th", "votes": [{ "option_id": o, "choice": "yes", "attendance": "in_person" }] }),
        )
        .await;
    assert_eq!(seat_of(cleo.ok(200)), "taken");
}

async fn raising_capacity_seats_the_waiting_and_lowering_it_below_the_seats_taken_is_refused(
    app: TestApp,
) {
    let poll = seated(&app, 2, false).await;
    let o = option(&poll, 0);
    let mut tokens = Vec::new();
    for name in ["Ana", "Ben", "Cleo", "Dev", "Eve"] {
        let r = respond(
            &app,
            &poll,
            name,
            json!([{ "option_id": o, "choice": "yes" }]),
        )
        .await;
        tokens.push(r.ok(201)["edit_token"].as_str().unwrap().to_string());
    }
    let path = format!("/api/v1/polls/{}/options/{o}", id(&poll));
    let change = |capacity: i64| json!({ "kind": "all_day", "start_date": "2027-07-06", "end_date": "2027-07-07", "capacity": capacity });
    let refused = app
        .request(Method::PATCH, &path, Some(&app.token), Some(&change(1)))
        .await;
    let problem = refused.problem(409);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("2 in-person seats are taken"),
        "{problem}"
    );
    let results = app.results(&poll, None).await.ok(200).clone();
    assert_eq!(
        result_for(&results, o)["seats"],
        json!({ "capacity": 2, "taken": 2, "waiting": 3 })
    );
    let raised = app
        .request(Method::PATCH, &path, Some(&app.token), Some(&change(4)))
        .await;
    assert_eq!(raised.ok(200)["options"][0]["capacity"], 4);
    let results = app.results(&poll, None).await.ok(200).clone();
    assert_eq!(
        result_for(&results, o)["seats"],
        json!({ "capacity": 4, "taken": 4, "waiting": 1 })
    );
    for (i, want) in ["taken", "taken", "taken", "taken", "waiting"]
        .iter()
        .enumerate()
    {
        let me = app
            .get(
                &format!("/api/v1/polls/{}/responses/me", id(&poll)),
                Some(&tokens[i]),
            )
            .await;
        assert_eq!(seat_of(me.ok(200)), *want, "voter {i}");
    }
}

async fn feeds_show_members_waiting_for_a_seat_as_tentative(app: TestApp) {
    let poll = invite_only_poll(
        &app,
        json!({ "options": [ { "kind": "all_day", "start_date": "2027-07-06", "end_date": "2027-07-07", "capacity": 1 } ] }),
    )
    .await;
    let group = create_group(
        &app,
        vec![
            member("Yoichi", Some("yoichi@example.org"), "Asia/Tokyo"),
            member("Anna", Some("anna@example.org"), "America/New_York"),
        ],
    )
    .await;
    let created = invite_group(&app, &poll, &group).await;
    let o = option(&poll, 0);
    for name in ["Yoichi", "Anna"] {
        app.post(
            &format!("/api/v1/polls/{}/responses", id(&poll)),
            Some(&token_of(&created, name)),
            &json!({ "votes": [{ "option_id": o, "choice": "yes" }] }),
        )
        .await
        .ok(201);
    }
    let feed = |name: &str| {
        let path = crate::invitations::feed_path(&app, crate::invitations::issued(&created, name));
        let app = &app;
        async move { app.get(&path, None).await.text }
    };
    let anna = feed("Anna").await;
    assert!(anna.contains("PARTSTAT=TENTATIVE"), "{anna}");
    let yoichi = feed("Yoichi").await;
    assert!(yoichi.contains("PARTSTAT=ACCEPTED"), "{yoichi}");
    // Yoichi withdraws: Anna's seat shows in her feed.
    app.delete(
        &format!("/api/v1/polls/{}/responses/me", id(&poll)),
        Some(&token_of(&created, "Yoichi")),
    )
    .await
    .ok(204);
    let anna = feed("Anna").await;
    assert!(anna.contains("PARTSTAT=ACCEPTED"), "{anna}");
}

both_databases!(
    attendance_is_counted_per_mode_on_a_hybrid_poll,
    every_hybrid_refusal_is_a_422_naming_the_field_and_changes_nothing,
    answers_per_day_are_counted_per_day_and_the_option_counts_those_available_every_day,
    seats_fill_in_arrival_order_and_a_withdrawal_or_changed_answer_promotes_the_first_waiting,
    raising_capacity_seats_the_waiting_and_lowering_it_below_the_seats_taken_is_refused,
    feeds_show_members_waiting_for_a_seat_as_tentative,
);

// ---- the overbooking race ------------------------------------------------

/// 200 voters say yes at once to an option with 10 seats, three times over
/// (a fresh poll each round); on PostgreSQL half of them through a second
/// instance. Every round: 200 answers, exactly 10 seats taken, 190
/// waiting, every place on the list different, the seats to the first 10
/// places — and a freed seat goes to place 11.
async fn two_hundred_simultaneous_yes_answers_never_overbook_ten_seats(backend: Backend) {
    let options = Options {
        anonymous_writes: convene::web::rate_limit::AnonymousWrites {
            per_minute: 0,
            client_ip_header: None,
        },
        ..Options::default()
    };
    let Some(app) = spawn_app_with(backend, options).await else {
        return;
    };
    let app = Arc::new(app);
    let other = Arc::new(match backend {
        Backend::Postgres => Some(app.second_instance().await),
        Backend::Sqlite => None,
    });
    for round in 1..=3 {
        let poll = Arc::new(seated(&app, 10, false).await);
        let replies = at_once(200, |i| {
            let (app, other, poll) = (app.clone(), other.clone(), poll.clone());
            async move {
                let via = match (&*other, i % 2) {
                    (Some(second), 1) => second,
                    _ => &*app,
                };
                let r = respond(
                    via,
                    &poll,
                    &format!("Voter {i}"),
                    json!([{ "option_id": option(&poll, 0), "choice": "yes" }]),
                )
                .await;
                let body = r.ok(201).clone();
                (
                    seat_of(&body).to_string(),
                    body["edit_token"].as_str().unwrap().to_string(),
                )
            }
        })
        .await;
        let taken = replies.iter().filter(|(s, _)| s == "taken").count();
        let waiting = replies.iter().filter(|(s, _)| s == "waiting").count();
        let results = app.results(&poll, None).await.ok(200).clone();
        let seats = &result_for(&results, option(&poll, 0))["seats"];
        eprintln!(
            "overbooking round {round} on {backend:?}{}: 200 answered, {taken} told taken, \
             {waiting} told waiting; results {seats}",
            if other.is_some() {
                " (two instances)"
            } else {
                ""
            }
        );
        assert_eq!((taken, waiting), (10, 190));
        assert_eq!(
            *seats,
            json!({ "capacity": 10, "taken": 10, "waiting": 190 })
        );
        // The list is in arrival order: 200 distinct places, the seats
        // to the first ten.
        let db = app.store.read();
        let rows = db
            .query_all_raw(sea_orm::Statement::from_sql_and_values(
                db.get_database_backend(),
                "SELECT seat, seat_order FROM vote WHERE option_id = $1 ORDER BY seat_order",
                [uuid::Uuid::parse_str(option(&poll, 0)).unwrap().into()],
            ))
            .await
            .unwrap();
        let order: Vec<(String, i64)> = rows
            .iter()
            .map(|r| {
                (
                    r.try_get("", "seat").unwrap(),
                    r.try_get("", "seat_order").unwrap(),
                )
            })
            .collect();
        assert_eq!(order.len(), 200);
        for (i, (seat, place)) in order.iter().enumerate() {
            assert_eq!(*place, i as i64 + 1, "places are distinct and gapless");
            assert_eq!(
                seat,
                if i < 10 { "taken" } else { "waiting" },
                "place {place}"
            );
        }
        // A seat holder withdraws: place 11 is seated, nobody else.
        let holder = replies.iter().find(|(s, _)| s == "taken").unwrap();
        app.delete(
            &format!("/api/v1/polls/{}/responses/me", id(&poll)),
            Some(&holder.1),
        )
        .await
        .ok(204);
        let row = db
            .query_one_raw(sea_orm::Statement::from_sql_and_values(
                db.get_database_backend(),
                "SELECT seat FROM vote WHERE option_id = $1 AND seat_order = 11",
                [uuid::Uuid::parse_str(option(&poll, 0)).unwrap().into()],
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.try_get::<String>("", "seat").unwrap(), "taken");
        let results = app.results(&poll, None).await.ok(200).clone();
        assert_eq!(
            result_for(&results, option(&poll, 0))["seats"],
            json!({ "capacity": 10, "taken": 10, "waiting": 189 })
        );
    }
}

mod race {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_two_hundred_simultaneous_yes_answers_never_overbook_ten_seats() {
        two_hundred_simultaneous_yes_answers_never_overbook_ten_seats(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_two_instances_two_hundred_simultaneous_yes_answers_never_overbook_ten_seats()
    {
        two_hundred_simultaneous_yes_answers_never_overbook_ten_seats(Backend::Postgres).await;
    }
}
