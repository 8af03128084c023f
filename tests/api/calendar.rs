//! Calendar output, read back the way a calendar app reads it: with an
//! independent parser (the `ical` crate), computing instants from the
//! VTIMEZONE in the file itself, never from our own time-zone code.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::{TestApp, id, reference_poll_body};

/// A property: name, parameters, raw value.
type Prop = (String, Vec<(String, Vec<String>)>, String);

/// One VEVENT, as a client sees it.
#[derive(Debug)]
pub struct ClientEvent {
    pub props: Vec<Prop>,
    /// Start and end as a client computes them: UTC instants for timed
    /// events, dates for all-day ones.
    pub start: When,
    pub end: When,
}

#[derive(Debug, PartialEq)]
pub enum When {
    Instant(DateTime<Utc>),
    Date(NaiveDate),
}

impl ClientEvent {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, _, v)| v.as_str())
    }

    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name).map(unescape)
    }
}

fn unescape(v: &str) -> String {
    let mut out = String::new();
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') | Some('N') => out.push('\n'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Observance onsets (UTC) and offsets of one VTIMEZONE.
struct ClientZone {
    observances: Vec<(DateTime<Utc>, i64)>,
}

fn offset_seconds(s: &str) -> i64 {
    let sign = if s.starts_with('-') { -1 } else { 1 };
    let d = &s[1..];
    let h: i64 = d[0..2].parse().unwrap();
    let m: i64 = d[2..4].parse().unwrap();
    let sec: i64 = if d.len() >= 6 {
        d[4..6].parse().unwrap()
    } else {
        0
    };
    sign * (h * 3600 + m * 60 + sec)
}

impl ClientZone {
    /// The instant of a local time, as RFC 5545 clients resolve it: the
    /// observance in force is the last one whose onset is not after it.
    fn to_utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        let mut candidates: Vec<DateTime<Utc>> = self
            .observances
            .iter()
            .map(|(_, off)| (local - Duration::seconds(*off)).and_utc())
            .filter(|utc| {
                let in_force = self.observances.iter().rfind(|(onset, _)| onset <= utc);
                in_force.is_some_and(|(_, off)| (local - Duration::seconds(*off)).and_utc() == *utc)
            })
            .collect();
        candidates.sort();
        candidates.dedup();
        *candidates
            .first()
            .unwrap_or_else(|| panic!("{local} cannot be resolved with this VTIMEZONE"))
    }
}

/// Parses an ICS body and resolves every event's times.
pub fn parse_ics(body: &str) -> Vec<ClientEvent> {
    assert!(
        body.starts_with("BEGIN:VCALENDAR\r\n") && body.ends_with("END:VCALENDAR\r\n"),
        "{body}"
    );
    for line in body.split("\r\n") {
        assert!(line.len() <= 75, "line longer than 75 octets: {line}");
    }
    let cal = ical::IcalParser::new(std::io::BufReader::new(body.as_bytes()))
        .next()
        .expect("one calendar")
        .expect("a calendar the independent parser accepts");
    let prop = |ps: &[ical::property::Property], n: &str| {
        ps.iter()
            .find(|p| p.name == n)
            .and_then(|p| p.value.clone())
    };
    assert_eq!(prop(&cal.properties, "VERSION").as_deref(), Some("2.0"));
    assert!(prop(&cal.properties, "PRODID").is_some());
    let mut zones = std::collections::HashMap::new();
    for tz in &cal.timezones {
        let id = prop(&tz.properties, "TZID").unwrap();
        let mut observances: Vec<(DateTime<Utc>, i64)> = tz
            .transitions
            .iter()
            .map(|t| {
                let start = NaiveDateTime::parse_from_str(
                    &prop(&t.properties, "DTSTART").unwrap(),
                    "%Y%m%dT%H%M%S",
                )
                .unwrap();
                let from = offset_seconds(&prop(&t.properties, "TZOFFSETFROM").unwrap());
                let to = offset_seconds(&prop(&t.properties, "TZOFFSETTO").unwrap());
                ((start - Duration::seconds(from)).and_utc(), to)
            })
            .collect();
        observances.sort();
        zones.insert(id, ClientZone { observances });
    }
    cal.events
        .iter()
        .map(|e| {
            let resolve = |name: &str| {
                let p = e
                    .properties
                    .iter()
                    .find(|p| p.name == name)
                    .unwrap_or_else(|| panic!("no {name}"));
                let value = p.value.clone().unwrap();
                let params = p.params.clone().unwrap_or_default();
                let param = |k: &str| {
                    params
                        .iter()
                        .find(|(n, _)| n == k)
                        .map(|(_, v)| v[0].clone())
                };
                if param("VALUE").as_deref() == Some("DATE") {
                    When::Date(NaiveDate::parse_from_str(&value, "%Y%m%d").unwrap())
                } else if let Some(tzid) = param("TZID") {
                    let local = NaiveDateTime::parse_from_str(&value, "%Y%m%dT%H%M%S").unwrap();
                    When::Instant(
                        zones
                            .get(&tzid)
                            .unwrap_or_else(|| panic!("no VTIMEZONE for {tzid}"))
                            .to_utc(local),
                    )
                } else {
                    When::Instant(
                        NaiveDateTime::parse_from_str(&value, "%Y%m%dT%H%M%SZ")
                            .unwrap()
                            .and_utc(),
                    )
                }
            };
            ClientEvent {
                props: e
                    .properties
                    .iter()
                    .map(|p| {
                        (
                            p.name.clone(),
                            p.params.clone().unwrap_or_default(),
                            p.value.clone().unwrap_or_default(),
                        )
                    })
                    .collect(),
                start: resolve("DTSTART"),
                end: resolve("DTEND"),
            }
        })
        .collect()
}

async fn ics(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, String) {
    let r = app.get(path, token).await;
    (r.status.as_u16(), r.headers, r.text)
}

async fn confirm(app: &TestApp, poll: &Value, option: Option<usize>) -> crate::helpers::Reply {
    let body = match option {
        Some(i) => json!({ "option_id": poll["options"][i]["id"] }),
        None => json!({}),
    };
    app.post(
        &format!("/api/v1/polls/{}/confirm", id(poll)),
        Some(&app.token),
        &body,
    )
    .await
}

fn instant(v: &Value) -> When {
    When::Instant(v.as_str().unwrap().parse().unwrap())
}

async fn every_client_computes_the_instants_the_api_reports(app: TestApp) {
    let cases = [
        ("Europe/Vienna", "2026-03-28T22:00", "2026-03-29T06:00"), // across spring forward
        ("Europe/Vienna", "2026-10-24T23:00", "2026-10-25T05:00"), // across fall back
        ("Europe/Vienna", "2026-07-10T13:00", "2026-07-10T16:00"),
        ("Europe/Vienna", "2026-01-15T09:00", "2026-01-15T10:00"),
        ("America/New_York", "2026-07-14T20:00", "2026-07-14T22:00"),
        (
            "America/New_York",
            "2026-11-01T01:30-04:00",
            "2026-11-01T03:00",
        ),
        ("Australia/Sydney", "2026-04-05T01:00", "2026-04-05T04:00"),
        ("Australia/Sydney", "2026-10-04T09:00", "2026-10-04T10:00"),
        ("Asia/Kolkata", "2026-07-15T09:00", "2026-07-15T10:30"),
        ("America/St_Johns", "2026-03-08T01:00", "2026-03-08T04:00"),
        ("Asia/Tokyo", "2026-07-15T13:00", "2026-07-15T14:00"),
    ];
    for (zone, start, end) in cases {
        let poll = app
            .create_poll(
                &json!({ "title": format!("Call in {zone}"), "time_zone": zone,
                "options": [{ "kind": "timed", "start": start, "end": end }] }),
            )
            .await;
        confirm(&app, &poll, Some(0)).await.ok(200);
        let (status, headers, body) = ics(
            &app,
            &format!("/api/v1/polls/{}/event.ics", id(&poll)),
            None,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            headers.get("content-type").unwrap(),
            "text/calendar; charset=utf-8"
        );
        let events = parse_ics(&body);
        assert_eq!(events.len(), 1);
        let e = &events[0];
        assert_eq!(
            e.start,
            instant(&poll["options"][0]["start_utc"]),
            "{zone} {start}\n{body}"
        );
        assert_eq!(
            e.end,
            instant(&poll["options"][0]["end_utc"]),
            "{zone} {end}\n{body}"
        );
        // A start in a fall-back hour is written in UTC (see hardening.rs);
        // every other one in the poll's zone.
        let in_zone = e.props.iter().any(|(n, params, _)| {
            n == "DTSTART" && params.iter().any(|(k, v)| k == "TZID" && v[0] == zone)
        });
        assert_eq!(
            in_zone,
            !start.ends_with("-04:00"),
            "{zone} {start}\n{body}"
        );
        assert_eq!(e.get("STATUS"), Some("CONFIRMED"));
    }
}

async fn all_day_events_end_on_the_day_after(app: TestApp) {
    let poll = app.reference_poll().await;
    confirm(&app, &poll, Some(0)).await.ok(200);
    let (_, _, body) = ics(
        &app,
        &format!("/api/v1/polls/{}/event.ics", id(&poll)),
        None,
    )
    .await;
    let e = &parse_ics(&body)[0];
    assert_eq!(e.start, When::Date("2026-07-05".parse().unwrap()));
    assert_eq!(e.end, When::Date("2026-07-08".parse().unwrap()));
    assert!(!body.contains("BEGIN:VTIMEZONE"));
}

async fn the_event_keeps_its_uid_and_its_sequence_rises_with_each_change(app: TestApp) {
    let poll = app.reference_poll().await;
    let path = format!("/api/v1/polls/{}/event.ics", id(&poll));
    app.get(&path, None).await.problem(404);
    confirm(&app, &poll, Some(0)).await.ok(200);
    let first = parse_ics(&ics(&app, &path, None).await.2).remove(0);
    let uid = first.get("UID").unwrap().to_string();
    let seq = |e: &ClientEvent| e.get("SEQUENCE").unwrap().parse::<u32>().unwrap();

    confirm(&app, &poll, Some(1)).await.ok(200);
    let moved = parse_ics(&ics(&app, &path, None).await.2).remove(0);
    assert_eq!(moved.get("UID"), Some(uid.as_str()));
    assert!(seq(&moved) > seq(&first));
    assert_eq!(moved.start, When::Date("2026-07-10".parse().unwrap()));

    app.post(
        &format!("/api/v1/polls/{}/reopen", id(&poll)),
        Some(&app.token),
        &json!({}),
    )
    .await
    .ok(200);
    let reopened = parse_ics(&ics(&app, &path, None).await.2).remove(0);
    assert_eq!(
        (reopened.get("UID"), reopened.get("STATUS")),
        (Some(uid.as_str()), Some("TENTATIVE"))
    );
    assert!(seq(&reopened) > seq(&moved));

    app.post(
        &format!("/api/v1/polls/{}/cancel", id(&poll)),
        Some(&app.token),
        &json!({}),
    )
    .await
    .ok(200);
    let cancelled = parse_ics(&ics(&app, &path, None).await.2).remove(0);
    assert_eq!(
        (cancelled.get("UID"), cancelled.get("STATUS")),
        (Some(uid.as_str()), Some("CANCELLED"))
    );
    assert!(seq(&cancelled) > seq(&reopened));
    confirm(&app, &poll, Some(0)).await.problem(409);
    app.post(
        &format!("/api/v1/polls/{}/cancel", id(&poll)),
        Some(&app.token),
        &json!({}),
    )
    .await
    .problem(409);
}

async fn holds_are_tentative_until_confirmation_then_cancelled(app: TestApp) {
    let poll = app.reference_poll().await;
    let path = format!("/api/v1/polls/{}/holds.ics", id(&poll));
    let (status, _, body) = ics(&app, &path, None).await;
    assert_eq!(status, 200);
    assert!(body.contains("REFRESH-INTERVAL;VALUE=DURATION:") && body.contains("X-PUBLISHED-TTL:"));
    let holds = parse_ics(&body);
    assert_eq!(holds.len(), 3);
    assert!(holds.iter().all(|h| h.get("STATUS") == Some("TENTATIVE")));
    assert_eq!(
        holds[1].text("SUMMARY").unwrap(),
        "Hold: Second Open Consultations and MAG Meeting (option 2 of 3)"
    );
    confirm(&app, &poll, Some(2)).await.ok(200);
    let after = parse_ics(&ics(&app, &path, None).await.2);
    assert!(after.iter().all(|h| h.get("STATUS") == Some("CANCELLED")));
    for (before, now) in holds.iter().zip(&after) {
        assert_eq!(before.get("UID"), now.get("UID"));
        assert!(
            now.get("SEQUENCE").unwrap().parse::<u32>().unwrap()
                > before.get("SEQUENCE").unwrap().parse::<u32>().unwrap()
        );
    }
}

async fn confirming_picks_the_unambiguous_leader_and_refuses_a_tie(app: TestApp) {
    let poll = app.reference_poll().await;
    confirm(&app, &poll, None).await.problem(409);
    app.vote(&poll, "Anna", &[(1, "yes")]).await.ok(201);
    let r = confirm(&app, &poll, None).await;
    assert_eq!(r.ok(200)["status"], "confirmed");
    assert_eq!(r.body["confirmed_option_id"], poll["options"][1]["id"]);
    app.vote(&poll, "Late", &[(0, "yes")]).await.problem(409);
    app.post(
        &format!("/api/v1/polls/{}/confirm", id(&poll)),
        Some(&app.token),
        &json!({ "option_id": uuid::Uuid::now_v7() }),
    )
    .await
    .invalid_field("option_id");
    let other = app.other_organiser().await;
    app.post(
        &format!("/api/v1/polls/{}/confirm", id(&poll)),
        Some(&other),
        &json!({}),
    )
    .await
    .problem(404);
    app.post(
        &format!("/api/v1/polls/{}/cancel", id(&poll)),
        Some(&other),
        &json!({}),
    )
    .await
    .problem(404);
    // The confirmed option cannot be removed from under the event.
    let option = poll["options"][1]["id"].as_str().unwrap();
    app.delete(
        &format!("/api/v1/polls/{}/options/{option}", id(&poll)),
        Some(&app.token),
    )
    .await
    .problem(409);
}

async fn hostile_text_reads_back_verbatim_and_injects_nothing(app: TestApp) {
    let mut body = reference_poll_body();
    let title = "Evil, title; with \\ and END:VEVENT BEGIN:VEVENT ".to_string() + &"ü".repeat(40);
    body["title"] = json!(title);
    body["description"] =
        json!("line one\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:owned\nX-INJECTED:1\n");
    body["location"] = json!("Room 1, \"VIC\"; Vienna");
    let poll = app.create_poll(&body).await;
    confirm(&app, &poll, Some(0)).await.ok(200);
    let (_, _, ics_body) = ics(
        &app,
        &format!("/api/v1/polls/{}/event.ics", id(&poll)),
        None,
    )
    .await;
    let events = parse_ics(&ics_body);
    assert_eq!(events.len(), 1, "{ics_body}");
    let e = &events[0];
    assert_eq!(e.text("SUMMARY").unwrap(), title);
    assert!(
        e.text("DESCRIPTION")
            .unwrap()
            .starts_with("line one\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:owned\nX-INJECTED:1\n")
    );
    assert_eq!(e.text("LOCATION").unwrap(), "Room 1, \"VIC\"; Vienna");
    assert!(e.get("X-INJECTED").is_none());
    assert_eq!(e.props.iter().filter(|(n, _, _)| n == "SUMMARY").count(), 1);
}

async fn event_files_answer_conditional_requests_and_head(app: TestApp) {
    let poll = app.reference_poll().await;
    confirm(&app, &poll, Some(0)).await.ok(200);
    let path = format!("/api/v1/polls/{}/event.ics", id(&poll));
    let first = app.get(&path, None).await;
    let etag = first.header("etag").unwrap().to_string();
    let modified = first.header("last-modified").unwrap().to_string();
    assert!(
        etag.starts_with('"') && !etag.starts_with("W/"),
        "a strong ETag: {etag}"
    );
    assert!(
        first
            .header("content-disposition")
            .unwrap()
            .contains("second-open-consultations-and-mag-meeting.ics")
    );
    assert!(first.header("cache-control").is_some());

    let same = app
        .request_with(Method::GET, &path, None, None, &[("If-None-Match", &etag)])
        .await;
    assert_eq!(same.status.as_u16(), 304);
    assert!(same.text.is_empty());
    let since = app
        .request_with(
            Method::GET,
            &path,
            None,
            None,
            &[("If-Modified-Since", &modified)],
        )
        .await;
    assert_eq!(since.status.as_u16(), 304);
    let head = app.request(Method::HEAD, &path, None, None).await;
    assert_eq!((head.status.as_u16(), head.text.as_str()), (200, ""));
    assert_eq!(head.header("etag"), Some(etag.as_str()));

    confirm(&app, &poll, Some(1)).await.ok(200);
    let changed = app
        .request_with(Method::GET, &path, None, None, &[("If-None-Match", &etag)])
        .await;
    assert_eq!(
        changed.status.as_u16(),
        200,
        "a change invalidates the ETag"
    );
    assert_ne!(changed.header("etag"), Some(etag.as_str()));
}

async fn an_invite_only_poll_keeps_its_calendar_to_its_organiser(app: TestApp) {
    let mut body = reference_poll_body();
    body["voting"] = json!("invite_only");
    let poll = app.create_poll(&body).await;
    confirm(&app, &poll, Some(0)).await.ok(200);
    for file in ["event.ics", "holds.ics"] {
        let path = format!("/api/v1/polls/{}/{file}", id(&poll));
        app.get(&path, None).await.problem(404);
        app.get(&path, Some(&app.other_organiser().await))
            .await
            .problem(404);
        app.get(&path, Some("cvn_org_nonsense")).await.problem(401);
        assert_eq!(app.get(&path, Some(&app.token)).await.status.as_u16(), 200);
    }
}

async fn the_organiser_feed_shows_own_polls_answers_304_and_rotates(app: TestApp) {
    let open = app.reference_poll().await;
    let confirmed = app
        .create_poll(&json!({ "title": "MAG call", "time_zone": "America/New_York",
            "options": [{ "kind": "timed", "start": "2026-07-14T09:00", "end": "2026-07-14T11:00" }] }))
        .await;
    confirm(&app, &confirmed, Some(0)).await.ok(200);
    let other = app.other_organiser().await;
    app.post("/api/v1/polls", Some(&other), &reference_poll_body())
        .await
        .ok(201);

    let feeds = app
        .get("/api/v1/feeds", Some(&app.token))
        .await
        .ok(200)
        .clone();
    let feed = &feeds["items"][0];
    let url = feed["url"].as_str().unwrap().to_string();
    assert!(
        url.starts_with(&app.address)
            && url.contains("/calendar/cvn_feed_")
            && url.ends_with(".ics")
    );
    assert_eq!(
        feed["webcal_url"].as_str().unwrap(),
        url.replace("http://", "webcal://")
    );
    let again = app
        .get("/api/v1/feeds", Some(&app.token))
        .await
        .ok(200)
        .clone();
    assert_eq!(again["items"][0]["id"], feed["id"]);
    assert!(
        again["items"][0].get("url").is_none(),
        "only the hash is kept: the address is shown once"
    );
    app.get("/api/v1/feeds", None).await.problem(401);

    let path = url.trim_start_matches(&app.address).to_string();
    let r = app.get(&path, None).await;
    assert_eq!(r.status.as_u16(), 200);
    assert_eq!(
        r.header("content-type"),
        Some("text/calendar; charset=utf-8")
    );
    assert!(r.text.contains("X-WR-CALNAME:Convene: IGF Secretariat"));
    let events = parse_ics(&r.text);
    // Three holds of the open poll, one cancelled hold and the event of the confirmed one.
    assert_eq!(events.len(), 5, "{}", r.text);
    let event = events
        .iter()
        .find(|e| e.get("STATUS") == Some("CONFIRMED"))
        .unwrap();
    assert_eq!(event.start, instant(&confirmed["options"][0]["start_utc"]));
    assert_eq!(
        events
            .iter()
            .filter(|e| e.get("STATUS") == Some("TENTATIVE"))
            .count(),
        3
    );
    assert!(!r.text.contains("Another"), "nothing of another organiser");

    let etag = r.header("etag").unwrap().to_string();
    let cached = app
        .request_with(Method::GET, &path, None, None, &[("If-None-Match", &etag)])
        .await;
    assert_eq!(cached.status.as_u16(), 304);
    let head = app.request(Method::HEAD, &path, None, None).await;
    assert_eq!((head.status.as_u16(), head.text.as_str()), (200, ""));
    app.close(&open).await.ok(200);
    let changed = app
        .request_with(Method::GET, &path, None, None, &[("If-None-Match", &etag)])
        .await;
    assert_eq!(
        changed.status.as_u16(),
        200,
        "a poll change invalidates the feed's ETag"
    );

    let feed_id = feed["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/feeds/{feed_id}/rotate"),
        Some(&other),
        &json!({}),
    )
    .await
    .problem(404);
    let rotated = app
        .post(
            &format!("/api/v1/feeds/{feed_id}/rotate"),
            Some(&app.token),
            &json!({}),
        )
        .await
        .ok(200)
        .clone();
    let new_path = rotated["url"]
        .as_str()
        .unwrap()
        .trim_start_matches(&app.address)
        .to_string();
    assert_ne!(new_path, path);
    app.get(&path, None).await.problem(404);
    assert_eq!(app.get(&new_path, None).await.status.as_u16(), 200);
    app.get("/calendar/cvn_feed_nonsense.ics", None)
        .await
        .problem(404);
}

/// Feeds are written a page of 100 polls at a time and holds 50 options at
/// a time: a feed of 230 polls and a poll of 60 options come out whole, each
/// event once and in order, every zone's VTIMEZONE before the events (a
/// client resolves every TZID), and the bytes are the same on every read.
async fn long_feeds_and_many_holds_come_out_whole(app: TestApp) {
    let zones = ["Asia/Tokyo", "America/New_York", "Europe/Vienna"];
    let mut polls = Vec::new();
    for i in 0..230 {
        let poll = app
            .create_poll(
                &json!({ "title": format!("Call {i:03}"), "time_zone": zones[i % 3],
                "options": [{ "kind": "timed", "start": format!("2026-08-{:02}T09:00", 1 + i % 28),
                              "end": format!("2026-08-{:02}T10:00", 1 + i % 28) }] }),
            )
            .await;
        polls.push(poll);
    }
    let options: Vec<Value> = (0..60)
        .map(|d| {
            json!({ "kind": "timed", "start": format!("2026-09-{:02}T{:02}:00", 1 + d / 2, 8 + d % 2 * 6),
                    "end": format!("2026-09-{:02}T{:02}:00", 1 + d / 2, 10 + d % 2 * 6) })
        })
        .collect();
    let many = app
        .create_poll(
            &json!({ "title": "Sixty", "time_zone": "Australia/Sydney", "options": options }),
        )
        .await;

    let holds = app
        .get(&format!("/api/v1/polls/{}/holds.ics", id(&many)), None)
        .await;
    assert_eq!(holds.status.as_u16(), 200);
    let events = parse_ics(&holds.text);
    assert_eq!(events.len(), 60);
    for (i, (e, o)) in events
        .iter()
        .zip(many["options"].as_array().unwrap())
        .enumerate()
    {
        assert_eq!(e.start, instant(&o["start_utc"]), "hold {i}");
        assert!(
            e.get("SUMMARY")
                .unwrap()
                .ends_with(&format!("(option {} of 60)", i + 1)),
            "hold {i}"
        );
    }
    assert!(holds.text.ends_with("END:VCALENDAR\r\n"));
    let again = app
        .get(&format!("/api/v1/polls/{}/holds.ics", id(&many)), None)
        .await;
    assert_eq!(again.text, holds.text);

    let feeds = app
        .get("/api/v1/feeds", Some(&app.token))
        .await
        .ok(200)
        .clone();
    let url = feeds["items"][0]["url"].as_str().unwrap().to_string();
    let path = url.trim_start_matches(&app.address).to_string();
    let feed = app.get(&path, None).await;
    assert_eq!(feed.status.as_u16(), 200);
    assert!(feed.text.ends_with("END:VCALENDAR\r\n"));
    assert_eq!(feed.text.matches("BEGIN:VCALENDAR").count(), 1);
    let first_event = feed.text.find("BEGIN:VEVENT").unwrap();
    for zone in zones.iter().chain(["Australia/Sydney"].iter()) {
        let at = feed.text.find(&format!("TZID:{zone}\r\n")).unwrap();
        assert!(at < first_event, "the VTIMEZONE of {zone} comes first");
    }
    let events = parse_ics(&feed.text);
    assert_eq!(events.len(), 230 + 60);
    let mut uids: Vec<&str> = events.iter().map(|e| e.get("UID").unwrap()).collect();
    uids.sort();
    uids.dedup();
    assert_eq!(uids.len(), 290, "each event once");
    for poll in &polls {
        let hold = events
            .iter()
            .find(|e| {
                e.get("SUMMARY")
                    == Some(&format!(
                        "Hold: {} (option 1 of 1)",
                        poll["title"].as_str().unwrap()
                    ))
            })
            .unwrap_or_else(|| panic!("{} is in the feed", poll["title"]));
        assert_eq!(hold.start, instant(&poll["options"][0]["start_utc"]));
    }
    assert_eq!(app.get(&path, None).await.text, feed.text);
}

both_databases!(
    long_feeds_and_many_holds_come_out_whole,
    every_client_computes_the_instants_the_api_reports,
    all_day_events_end_on_the_day_after,
    the_event_keeps_its_uid_and_its_sequence_rises_with_each_change,
    holds_are_tentative_until_confirmation_then_cancelled,
    confirming_picks_the_unambiguous_leader_and_refuses_a_tie,
    hostile_text_reads_back_verbatim_and_injects_nothing,
    event_files_answer_conditional_requests_and_head,
    an_invite_only_poll_keeps_its_calendar_to_its_organiser,
    the_organiser_feed_shows_own_polls_answers_304_and_rotates,
);
