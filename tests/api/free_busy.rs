//! Free/busy from members' calendars through the API: connect an address
//! (served by a small HTTP server this test starts on 127.0.0.1) or upload
//! a file, read what it marks busy, disconnect; the refusals (scheme,
//! private address, hanging, redirect loops and redirects out of http(s),
//! too large, not a calendar, broken lines) store nothing and leave the
//! member's answers untouched; busy counts in results; re-reads with a
//! conditional GET; the 30-day purge.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use convene::startup::Options;
use convene::webhooks::Webhooks;
use poem::{
    EndpointExt, IntoResponse, Response, Route, get, handler,
    http::{HeaderMap, StatusCode},
    listener::TcpListener as PoemListener,
    web::Data,
};
use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::helpers::{Backend, Reply, TestApp, id, spawn_app_with};
use crate::invitations::{create_group, invite_group, mag_members, token_of};

/// Monday 1 March 2027 09:00–10:00 and Tuesday 09:30–10:30 Vienna, and 25
/// March all day (in each member's own zone).
fn poll_body() -> Value {
    json!({
        "title": "Budget call", "time_zone": "Europe/Vienna", "voting": "invite_only",
        "options": [
            { "kind": "timed", "start": "2027-03-01T09:00", "end": "2027-03-01T10:00" },
            { "kind": "timed", "start": "2027-03-02T09:30", "end": "2027-03-02T10:30" },
            { "kind": "all_day", "start_date": "2027-03-25", "end_date": "2027-03-25" }
        ]
    })
}

/// Busy on Mondays 09:30 Berlin (the first option), free (transparent) on
/// Tuesday, busy all day on 25 March; with a title, place and UID the
/// privacy test looks for.
pub const CALENDAR: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
BEGIN:VEVENT\r\nUID:secret-uid-weekly-4711@example.test\r\nSUMMARY:Secret therapy session\r\n\
LOCATION:Clinic Hidden Street 9\r\nDTSTART;TZID=Europe/Berlin:20270104T093000\r\n\
DTEND;TZID=Europe/Berlin:20270104T100000\r\nRRULE:FREQ=WEEKLY;BYDAY=MO\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:secret-uid-free-4712@example.test\r\nSUMMARY:Secret reminder\r\n\
DTSTART;TZID=Europe/Berlin:20270302T090000\r\nDTEND;TZID=Europe/Berlin:20270302T120000\r\n\
TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:secret-uid-day-4713@example.test\r\nSUMMARY:Secret holiday\r\n\
DTSTART;VALUE=DATE:20270325\r\nDTEND;VALUE=DATE:20270326\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

/// The same calendar, with the Tuesday event made busy.
const CALENDAR_V2: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
BEGIN:VEVENT\r\nUID:secret-uid-tuesday-4714@example.test\r\nSUMMARY:Secret meeting\r\n\
DTSTART;TZID=Europe/Berlin:20270302T090000\r\nDTEND;TZID=Europe/Berlin:20270302T120000\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n";

/// The feed server's state: the calendar served and what was asked.
#[derive(Clone, Default)]
struct FeedState {
    body: Arc<std::sync::Mutex<(String, u32)>>,
    full: Arc<AtomicUsize>,
    not_modified: Arc<AtomicUsize>,
}

#[handler]
fn serve_calendar(Data(state): Data<&FeedState>, headers: &HeaderMap) -> Response {
    let (body, version) = state.body.lock().unwrap().clone();
    let etag = format!("\"v{version}\"");
    if headers
        .get("if-none-match")
        .is_some_and(|v| v.to_str().unwrap_or("") == etag)
    {
        state.not_modified.fetch_add(1, Ordering::SeqCst);
        return StatusCode::NOT_MODIFIED.into_response();
    }
    state.full.fetch_add(1, Ordering::SeqCst);
    Response::builder()
        .header("content-type", "text/calendar")
        .header("etag", etag)
        .body(body)
}

#[handler]
fn redirect() -> Response {
    Response::builder()
        .status(StatusCode::FOUND)
        .header("location", "/cal.ics")
        .finish()
}

#[handler]
fn redirect_loop() -> Response {
    Response::builder()
        .status(StatusCode::FOUND)
        .header("location", "/loop")
        .finish()
}

#[handler]
fn redirect_to_file() -> Response {
    Response::builder()
        .status(StatusCode::FOUND)
        .header("location", "file:///etc/passwd")
        .finish()
}

#[handler]
async fn hang() -> &'static str {
    tokio::time::sleep(Duration::from_secs(30)).await;
    "too late"
}

#[handler]
fn big() -> Response {
    Response::builder()
        .header("content-type", "text/calendar")
        .body(vec![b'X'; 11 * 1024 * 1024])
}

#[handler]
fn login_page() -> Response {
    Response::builder()
        .header("content-type", "text/html")
        .body("<html><body>Log in to see this calendar</body></html>")
}

#[handler]
fn broken() -> Response {
    Response::builder()
        .header("content-type", "text/calendar")
        .body("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART 20270301T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
}

pub(crate) struct Feeds {
    addr: SocketAddr,
    state: FeedState,
}

impl Feeds {
    pub(crate) async fn start() -> Feeds {
        let state = FeedState::default();
        *state.body.lock().unwrap() = (CALENDAR.to_string(), 1);
        let app = Route::new()
            .at("/cal.ics", get(serve_calendar))
            .at("/redirect", get(redirect))
            .at("/loop", get(redirect_loop))
            .at("/to-file", get(redirect_to_file))
            .at("/hang", get(hang))
            .at("/big.ics", get(big))
            .at("/login", get(login_page))
            .at("/broken.ics", get(broken))
            .data(state.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        tokio::spawn(async move {
            let _ = poem::Server::new(PoemListener::bind(addr)).run(app).await;
        });
        // Until it answers.
        for _ in 0..50 {
            if tokio::net::TcpStream::connect(addr).await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Feeds { addr, state }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.addr.port())
    }
}

/// The service as run on a private network (calendars on 127.0.0.1).
pub(crate) fn private_network() -> Options {
    Options {
        webhooks: Webhooks::new(true),
        ..Options::default()
    }
}

pub(crate) fn calendar_path(poll: &Value) -> String {
    format!("/api/v1/polls/{}/responses/me/calendar", id(poll))
}

pub(crate) async fn upload(app: &TestApp, poll: &Value, token: &str, body: &str) -> Reply {
    let resp = app
        .client
        .put(format!("{}{}", app.address, calendar_path(poll)))
        .bearer_auth(token)
        .header("content-type", "text/calendar")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap();
    Reply {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
    }
}

fn busy_marks(calendar: &Value) -> Vec<bool> {
    calendar["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["busy"].as_bool().unwrap())
        .collect()
}

/// An invite-only poll with the MAG roster invited; Anna (New York) and
/// Yoichi (Tokyo) tokens.
pub(crate) async fn setup(app: &TestApp) -> (Value, String, String) {
    let group = create_group(app, mag_members()).await;
    let poll = app.create_poll(&poll_body()).await;
    let created = invite_group(app, &poll, &group).await;
    (
        poll,
        token_of(&created, "Anna"),
        token_of(&created, "Yoichi"),
    )
}

async fn an_address_is_read_and_marks_the_busy_options_then_disconnects(backend: Backend) {
    let Some(app) = spawn_app_with(backend, private_network()).await else {
        return;
    };
    let feeds = Feeds::start().await;
    let (poll, anna, yoichi) = setup(&app).await;
    let path = calendar_path(&poll);

    // Nothing connected yet.
    app.get(&path, Some(&anna)).await.problem(404);

    let connected = app
        .put(&path, Some(&anna), &json!({ "url": feeds.url("/cal.ics") }))
        .await
        .ok(200)
        .clone();
    assert_eq!(connected["source"], "address");
    assert_eq!(connected["host"], "127.0.0.1");
    assert!(
        !connected.to_string().contains("/cal.ics"),
        "the address is not shown back: {connected}"
    );
    assert_eq!(connected["time_zone"], "America/New_York");
    assert_eq!(connected["error"], Value::Null);
    // Monday 09:30–10:00 Berlin overlaps 09:00–10:00 Vienna; Tuesday's event
    // is transparent; 25 March is a whole day in New York too.
    assert_eq!(busy_marks(&connected), vec![true, false, true]);
    assert_eq!(
        connected["busy"],
        json!([
            { "start": "2027-03-01T08:30:00Z", "end": "2027-03-01T09:00:00Z" },
            { "start": "2027-03-25T04:00:00Z", "end": "2027-03-26T04:00:00Z" }
        ]),
        "only intervals overlapping the options; the all-day event is Anna's day in New York"
    );

    let read = app.get(&path, Some(&anna)).await.ok(200).clone();
    assert_eq!(read["busy"], connected["busy"]);
    assert!(read["read_at"].is_string());

    // Another member's calendar is theirs: Yoichi has none.
    app.get(&path, Some(&yoichi)).await.problem(404);
    // A token of another poll is refused.
    let other = app.create_poll(&poll_body()).await;
    app.get(&calendar_path(&other), Some(&anna))
        .await
        .problem(403);
    // No token, or an organiser's: refused.
    app.get(&path, None).await.problem(401);
    app.get(&path, Some(&app.token)).await.problem(401);

    // A redirect is followed (its target checked first).
    let via = app
        .put(
            &path,
            Some(&anna),
            &json!({ "url": feeds.url("/redirect") }),
        )
        .await
        .ok(200)
        .clone();
    assert_eq!(busy_marks(&via), vec![true, false, true]);

    // Disconnecting deletes it at once.
    assert_eq!(app.delete(&path, Some(&anna)).await.status.as_u16(), 204);
    app.get(&path, Some(&anna)).await.problem(404);
    app.delete(&path, Some(&anna)).await.problem(404);
    let rows = app
        .store
        .read()
        .query_one_raw(sea_orm::Statement::from_string(
            app.store.backend(),
            "SELECT (SELECT COUNT(*) FROM member_calendar) + (SELECT COUNT(*) FROM calendar_busy) AS n",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rows.try_get::<i64>("", "n").unwrap(), 0, "nothing left");
}

async fn an_uploaded_file_is_read_in_the_members_zone(backend: Backend) {
    let Some(app) = spawn_app_with(backend, private_network()).await else {
        return;
    };
    let (poll, anna, yoichi) = setup(&app).await;
    let connected = upload(&app, &poll, &yoichi, CALENDAR).await.ok(200).clone();
    assert_eq!(connected["source"], "file");
    assert_eq!(connected["host"], Value::Null);
    assert_eq!(connected["time_zone"], "Asia/Tokyo");
    // The all-day event is 25 March in Tokyo: 24 March 15:00Z to 25 March 15:00Z.
    assert_eq!(busy_marks(&connected), vec![true, false, true]);
    assert_eq!(
        connected["busy"][1],
        json!({ "start": "2027-03-24T15:00:00Z", "end": "2027-03-25T15:00:00Z" })
    );
    // A second upload replaces the first.
    let replaced = upload(&app, &poll, &yoichi, CALENDAR_V2)
        .await
        .ok(200)
        .clone();
    assert_eq!(busy_marks(&replaced), vec![false, true, false]);
    // Anna's stays unconnected.
    app.get(&calendar_path(&poll), Some(&anna))
        .await
        .problem(404);
}

async fn refused_sources_store_nothing_and_leave_the_answers(backend: Backend) {
    let Some(app) = spawn_app_with(backend, private_network()).await else {
        return;
    };
    let feeds = Feeds::start().await;
    let (poll, anna, _) = setup(&app).await;
    let path = calendar_path(&poll);
    // Anna answered before.
    let answer = json!({ "votes": [
        { "option_id": poll["options"][0]["id"], "choice": "yes" },
        { "option_id": poll["options"][1]["id"], "choice": "no" } ] });
    app.put(
        &format!("/api/v1/polls/{}/responses/me", id(&poll)),
        Some(&anna),
        &answer,
    )
    .await
    .ok(201);
    let before = app
        .get(
            &format!("/api/v1/polls/{}/responses/me", id(&poll)),
            Some(&anna),
        )
        .await
        .ok(200)
        .clone();

    let cases: Vec<(String, &str)> = vec![
        ("ftp://127.0.0.1/cal.ics".into(), "scheme"),
        ("not an address".into(), "absolute"),
        ("".into(), "required"),
        (
            format!("http://user:pw@127.0.0.1:{}/cal.ics", feeds.addr.port()),
            "credentials",
        ),
        (feeds.url("/hang"), "within 10 s"),
        (feeds.url("/loop"), "redirects"),
        (feeds.url("/to-file"), "redirect was refused"),
        (feeds.url("/big.ics"), "larger than 10 MiB"),
        (feeds.url("/login"), "not a calendar"),
        (feeds.url("/broken.ics"), "line 3"),
        (feeds.url("/missing.ics"), "HTTP 404"),
        (
            format!("http://127.0.0.1:{}/cal.ics", free_port()),
            "could not be read",
        ),
    ];
    for (url, why) in &cases {
        let started = std::time::Instant::now();
        let reply = app.put(&path, Some(&anna), &json!({ "url": url })).await;
        let message = reply.invalid_field("url");
        assert!(message.contains(why), "{url}: {message}");
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{url} took {:?}",
            started.elapsed()
        );
        app.get(&path, Some(&anna)).await.problem(404);
    }
    // Files: not a calendar, broken lines.
    let reply = upload(&app, &poll, &anna, "hello").await;
    assert!(
        reply.invalid_field("calendar").contains("not a calendar"),
        "{}",
        reply.text
    );
    let reply = upload(
        &app,
        &poll,
        &anna,
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nbroken\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    .await;
    assert!(
        reply.invalid_field("calendar").contains("line 3"),
        "{}",
        reply.text
    );
    // Neither JSON nor text/calendar.
    let reply = app
        .request_with(
            Method::PUT,
            &path,
            Some(&anna),
            None,
            &[("content-type", "text/plain")],
        )
        .await;
    assert_eq!(reply.status.as_u16(), 415, "{}", reply.text);
    // Unknown fields in the JSON.
    app.put(
        &path,
        Some(&anna),
        &json!({ "url": feeds.url("/cal.ics"), "title": "x" }),
    )
    .await
    .problem(422);
    app.get(&path, Some(&anna)).await.problem(404);

    let after = app
        .get(
            &format!("/api/v1/polls/{}/responses/me", id(&poll)),
            Some(&anna),
        )
        .await
        .ok(200)
        .clone();
    assert_eq!(before, after, "the answers are untouched");
    assert_eq!(feeds.state.full.load(Ordering::SeqCst), 0);
}

/// A port nothing listens on.
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

async fn public_only_refuses_private_addresses_without_connecting(backend: Backend) {
    // The default: public addresses only.
    let Some(app) = spawn_app_with(backend, Options::default()).await else {
        return;
    };
    let feeds = Feeds::start().await;
    let (poll, anna, _) = setup(&app).await;
    let path = calendar_path(&poll);
    for url in [
        feeds.url("/cal.ics"),
        format!("https://127.0.0.1:{}/cal.ics", feeds.addr.port()),
        format!("webcal://localhost:{}/cal.ics", feeds.addr.port()),
        "https://10.1.2.3/cal.ics".to_string(),
        "https://[::1]/cal.ics".to_string(),
        "https://169.254.169.254/latest/meta-data".to_string(),
    ] {
        let message = app
            .put(&path, Some(&anna), &json!({ "url": url }))
            .await
            .invalid_field("url");
        assert!(
            message.contains("public") || message.contains("https"),
            "{url}: {message}"
        );
    }
    assert_eq!(
        feeds.state.full.load(Ordering::SeqCst),
        0,
        "nothing reached the server"
    );
    app.get(&path, Some(&anna)).await.problem(404);
}

async fn results_count_busy_calendars_per_option_never_which_event(backend: Backend) {
    let Some(app) = spawn_app_with(backend, private_network()).await else {
        return;
    };
    let (poll, anna, yoichi) = setup(&app).await;
    let results = app.results(&poll, Some(&app.token)).await.ok(200).clone();
    for option in results["options"].as_array().unwrap() {
        assert_eq!(option["busy_count"], 0, "{option}");
    }
    upload(&app, &poll, &anna, CALENDAR).await.ok(200);
    upload(&app, &poll, &yoichi, CALENDAR_V2).await.ok(200);
    let results = app.results(&poll, Some(&app.token)).await.ok(200).clone();
    let counts: Vec<Value> = results["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["busy_count"].clone())
        .collect();
    assert_eq!(counts, vec![json!(1), json!(1), json!(1)]);
    assert!(
        !results.to_string().contains("Secret"),
        "no event shows: {results}"
    );
    // The counts do not change anyone's answer.
    assert_eq!(results["responses"], 0);
    // Disconnecting takes a calendar out of the counts.
    app.delete(&calendar_path(&poll), Some(&anna)).await;
    let results = app.results(&poll, Some(&app.token)).await.ok(200).clone();
    let counts: Vec<Value> = results["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["busy_count"].clone())
        .collect();
    assert_eq!(counts, vec![json!(0), json!(1), json!(0)]);
}

async fn addresses_are_read_again_conditionally_and_failures_are_a_state(backend: Backend) {
    let Some(app) = spawn_app_with(backend, private_network()).await else {
        return;
    };
    let feeds = Feeds::start().await;
    let (poll, anna, _) = setup(&app).await;
    let path = calendar_path(&poll);
    app.put(&path, Some(&anna), &json!({ "url": feeds.url("/cal.ics") }))
        .await
        .ok(200);
    let calendars = convene::calendars::Calendars::new(true);
    let now = chrono::Utc::now();
    // Read less than 15 minutes ago: not read again.
    assert_eq!(calendars.refresh_due(&app.store, now).await.unwrap(), 0);
    // 16 minutes later: read with the ETag, unchanged (304).
    let later = now + chrono::Duration::minutes(16);
    assert_eq!(calendars.refresh_due(&app.store, later).await.unwrap(), 1);
    assert_eq!(feeds.state.not_modified.load(Ordering::SeqCst), 1);
    assert_eq!(feeds.state.full.load(Ordering::SeqCst), 1);
    // The feed changes: the next read takes the new busy time.
    *feeds.state.body.lock().unwrap() = (CALENDAR_V2.to_string(), 2);
    let later = later + chrono::Duration::minutes(16);
    assert_eq!(calendars.refresh_due(&app.store, later).await.unwrap(), 1);
    let read = app.get(&path, Some(&anna)).await.ok(200).clone();
    assert_eq!(busy_marks(&read), vec![false, true, false]);
    // The feed breaks: the state says why, the last busy time stays.
    *feeds.state.body.lock().unwrap() = ("<html>gone</html>".to_string(), 3);
    let later = later + chrono::Duration::minutes(16);
    calendars.refresh_due(&app.store, later).await.unwrap();
    let read = app.get(&path, Some(&anna)).await.ok(200).clone();
    assert!(
        read["error"].as_str().unwrap().contains("not a calendar"),
        "{read}"
    );
    assert_eq!(busy_marks(&read), vec![false, true, false]);
    // A closed poll's calendars are not read again...
    app.close(&poll).await.ok(200);
    let later = later + chrono::Duration::minutes(16);
    assert_eq!(calendars.refresh_due(&app.store, later).await.unwrap(), 0);
    // ...and go 30 days after it closed.
    let purged = app
        .store
        .purge_calendars(chrono::Utc::now() - chrono::Duration::days(30))
        .await
        .unwrap();
    assert_eq!(purged, 0, "not yet");
    let purged = app
        .store
        .purge_calendars(chrono::Utc::now() + chrono::Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(purged, 1);
    app.get(&path, Some(&anna)).await.problem(404);
}

async fn an_open_polls_respondent_connects_with_the_edit_token(backend: Backend) {
    let Some(app) = spawn_app_with(backend, private_network()).await else {
        return;
    };
    let mut body = poll_body();
    body["voting"] = json!("open");
    let poll = app.create_poll(&body).await;
    let voted = app
        .vote(&poll, "Bruna", &[(0, "yes")])
        .await
        .ok(201)
        .clone();
    let token = voted["edit_token"].as_str().unwrap().to_string();
    let connected = upload(&app, &poll, &token, CALENDAR).await.ok(200).clone();
    assert_eq!(connected["time_zone"], "Europe/Vienna", "the poll's zone");
    assert_eq!(busy_marks(&connected), vec![true, false, true]);
    // Closed polls take no new calendar.
    app.close(&poll).await.ok(200);
    upload(&app, &poll, &token, CALENDAR).await.problem(409);
}

/// Per option, the busy counts getResults gives the organiser.
async fn busy_counts(app: &TestApp, poll: &Value) -> Vec<u64> {
    app.results(poll, Some(&app.token)).await.ok(200)["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["busy_count"].as_u64().unwrap())
        .collect()
}

/// The same counts from each member's own view of their calendar
/// (getMyCalendar reads their intervals against the poll's options as they
/// are now): an independent path to compare the kept counts with.
async fn counts_from_each_calendar(app: &TestApp, poll: &Value, tokens: &[String]) -> Vec<u64> {
    let options = app
        .get(&format!("/api/v1/polls/{}", id(poll)), Some(&app.token))
        .await
        .ok(200)["options"]
        .as_array()
        .unwrap()
        .len();
    let mut counts = vec![0u64; options];
    for token in tokens {
        let read = app.get(&calendar_path(poll), Some(token)).await;
        if read.status == 404 {
            continue;
        }
        for (count, busy) in counts.iter_mut().zip(busy_marks(read.ok(200))) {
            *count += busy as u64;
        }
    }
    counts
}

async fn busy_counts_follow_options_moved_added_and_removed(backend: Backend) {
    let Some(app) = spawn_app_with(backend, private_network()).await else {
        return;
    };
    let (poll, anna, yoichi) = setup(&app).await;
    upload(&app, &poll, &anna, CALENDAR).await.ok(200);
    upload(&app, &poll, &yoichi, CALENDAR_V2).await.ok(200);
    assert_eq!(busy_counts(&app, &poll).await, vec![1, 1, 1]);
    let results_path = format!("/api/v1/polls/{}/results", id(&poll));
    let before = app.get(&results_path, Some(&app.token)).await;
    let tag = before.headers["etag"].to_str().unwrap().to_string();
    let unchanged = app
        .request_with(
            Method::GET,
            &results_path,
            Some(&app.token),
            None,
            &[("if-none-match", &tag)],
        )
        .await;
    assert_eq!(unchanged.status, 304);

    // Tuesday's option moves to Monday 11:00, when no one is busy: the
    // count follows at once, and so does the results' tag.
    let options: Vec<String> = poll["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect();
    let option_path = |o: &str| format!("/api/v1/polls/{}/options/{o}", id(&poll));
    app.request(
        Method::PATCH,
        &option_path(&options[1]),
        Some(&app.token),
        Some(&json!({ "kind": "timed", "start": "2027-03-01T11:00", "end": "2027-03-01T12:00" })),
    )
    .await
    .ok(200);
    assert_eq!(busy_counts(&app, &poll).await, vec![1, 0, 1]);
    let moved = app
        .request_with(
            Method::GET,
            &results_path,
            Some(&app.token),
            None,
            &[("if-none-match", &tag)],
        )
        .await;
    assert_eq!(moved.status, 200, "a changed count changes the tag");
    // Moved back onto Yoichi's Tuesday (his interval is kept, as it
    // overlapped the option when he connected).
    app.request(
        Method::PATCH,
        &option_path(&options[1]),
        Some(&app.token),
        Some(&json!({ "kind": "timed", "start": "2027-03-02T10:00", "end": "2027-03-02T10:30" })),
    )
    .await
    .ok(200);
    assert_eq!(busy_counts(&app, &poll).await, vec![1, 1, 1]);
    // An added option over Anna's Monday counts her at once.
    app.post(
        &format!("/api/v1/polls/{}/options", id(&poll)),
        Some(&app.token),
        &json!({ "kind": "timed", "start": "2027-03-01T09:45", "end": "2027-03-01T10:15" }),
    )
    .await
    .ok(201);
    assert_eq!(busy_counts(&app, &poll).await, vec![1, 1, 1, 1]);
    // A removed option takes its count with it.
    app.delete(&option_path(&options[0]), Some(&app.token))
        .await;
    assert_eq!(busy_counts(&app, &poll).await, vec![1, 1, 1]);
    let tokens = [anna.clone(), yoichi.clone()];
    assert_eq!(
        busy_counts(&app, &poll).await,
        counts_from_each_calendar(&app, &poll, &tokens).await
    );
    // Calendars stored before counts were kept (migration 22) are marked
    // when the service starts.
    let db = app.store.read();
    db.execute_unprepared("DELETE FROM calendar_option_busy")
        .await
        .unwrap();
    db.execute_unprepared("UPDATE member_calendar SET options_marked = FALSE")
        .await
        .unwrap();
    assert_eq!(busy_counts(&app, &poll).await, vec![0, 0, 0]);
    assert_eq!(app.store.mark_unmarked_calendars().await.unwrap(), 2);
    assert_eq!(busy_counts(&app, &poll).await, vec![1, 1, 1]);
    assert_eq!(app.store.mark_unmarked_calendars().await.unwrap(), 0);
    // A poll without calendars keeps no counts.
    app.delete(&calendar_path(&poll), Some(&anna)).await;
    app.delete(&calendar_path(&poll), Some(&yoichi)).await;
    assert_eq!(busy_counts(&app, &poll).await, vec![0, 0, 0]);
}

/// Twelve members connect at once while the organiser moves an option:
/// the kept counts equal what each member's calendar shows afterwards.
async fn racing_calendars_and_an_option_edit_keep_the_counts_exact(backend: Backend) {
    let Some(app) = spawn_app_with(backend, private_network()).await else {
        return;
    };
    let zones = [
        "Asia/Tokyo",
        "America/New_York",
        "Europe/Vienna",
        "Pacific/Auckland",
    ];
    let members: Vec<Value> = (0..12)
        .map(|i| crate::invitations::member(&format!("Member {i}"), None, zones[i % zones.len()]))
        .collect();
    let group = create_group(&app, members).await;
    let poll = app.create_poll(&poll_body()).await;
    let created = invite_group(&app, &poll, &group).await;
    let tokens: Vec<String> = (0..12)
        .map(|i| token_of(&created, &format!("Member {i}")))
        .collect();
    let option = poll["options"][1]["id"].as_str().unwrap().to_string();
    let app = Arc::new(app);
    let poll = Arc::new(poll);
    let tokens_for_race = Arc::new(tokens.clone());
    crate::helpers::at_once(13, |i| {
        let (app, poll, tokens, option) = (app.clone(), poll.clone(), tokens_for_race.clone(), option.clone());
        async move {
            if i == 12 {
                app.request(
                    Method::PATCH,
                    &format!("/api/v1/polls/{}/options/{option}", id(&poll)),
                    Some(&app.token),
                    Some(&json!({ "kind": "timed", "start": "2027-03-01T09:40", "end": "2027-03-01T10:10" })),
                )
                .await
                .ok(200);
            } else {
                let body = if i % 2 == 0 { CALENDAR } else { CALENDAR_V2 };
                upload(&app, &poll, &tokens[i], body).await.ok(200);
            }
        }
    })
    .await;
    let kept = busy_counts(&app, &poll).await;
    assert_eq!(kept, counts_from_each_calendar(&app, &poll, &tokens).await);
    // Six weekly Mondays, now under both Monday options; six all-day 25
    // Marches, each read in its member's own zone.
    assert_eq!(kept, vec![6, 6, 6]);
}

macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(super::Backend::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name(super::Backend::Postgres).await;
                }
            }
        )*
    };
}

pub(crate) use on_both_databases;

on_both_databases!(
    an_address_is_read_and_marks_the_busy_options_then_disconnects,
    an_uploaded_file_is_read_in_the_members_zone,
    refused_sources_store_nothing_and_leave_the_answers,
    public_only_refuses_private_addresses_without_connecting,
    results_count_busy_calendars_per_option_never_which_event,
    addresses_are_read_again_conditionally_and_failures_are_a_state,
    an_open_polls_respondent_connects_with_the_edit_token,
    the_member_page_connects_marks_and_disconnects_without_javascript,
    the_database_keeps_no_title_place_uid_or_address,
    busy_counts_follow_options_moved_added_and_removed,
    racing_calendars_and_an_option_edit_keep_the_counts_exact,
);

/// A multipart form as a browser sends the member page's calendar form.
fn multipart(fields: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----conveneTestBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, file_name, value) in fields {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file_name {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: text/calendar\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_form(
    app: &TestApp,
    path: &str,
    fields: &[(&str, Option<&str>, &[u8])],
) -> (u16, String) {
    let (content_type, body) = multipart(fields);
    let resp = app
        .client
        .post(format!("{}{path}", app.address))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

async fn the_member_page_connects_marks_and_disconnects_without_javascript(backend: Backend) {
    let Some(app) = spawn_app_with(backend, private_network()).await else {
        return;
    };
    let feeds = Feeds::start().await;
    let (poll, anna, _) = setup(&app).await;
    let page = format!("/vote/{anna}");
    let html = app.get(&page, None).await.text;
    assert!(
        html.contains("enctype=\"multipart/form-data\""),
        "the form is there"
    );
    assert!(html.contains(&format!("action=\"/vote/{anna}/calendar\"")));
    assert!(!html.contains("Your calendar shows you busy."));

    // Upload a file (the browser follows the 303 back to the page).
    let (status, html) = post_form(
        &app,
        &format!("{page}/calendar"),
        &[
            ("url", None, b""),
            ("file", Some("me.ics"), CALENDAR.as_bytes()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(
        html.matches("Your calendar shows you busy.").count(),
        2,
        "two options marked"
    );
    assert!(html.contains("Busy times from an uploaded file"), "{html}");
    assert!(!html.contains("Secret"), "no event shows");
    // The marks decide nothing: Anna has still not answered.
    app.get(
        &format!("/api/v1/polls/{}/responses/me", id(&poll)),
        Some(&anna),
    )
    .await
    .problem(404);

    // An address, by the same form.
    let (status, html) = post_form(
        &app,
        &format!("{page}/calendar"),
        &[
            ("url", None, feeds.url("/cal.ics").as_bytes()),
            ("file", Some(""), b""),
        ],
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Busy times from 127.0.0.1"), "{html}");
    assert!(!html.contains("/cal.ics"), "the address is not shown back");

    // Refused: shown on the page, nothing changed.
    let (status, html) = post_form(
        &app,
        &format!("{page}/calendar"),
        &[("url", None, b"ftp://127.0.0.1/x.ics")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("This calendar could not be used"), "{html}");
    let (status, html) = post_form(&app, &format!("{page}/calendar"), &[("url", None, b"")]).await;
    assert_eq!(status, 422);
    assert!(html.contains("Give your calendar"), "{html}");
    let api = app
        .get(&calendar_path(&poll), Some(&anna))
        .await
        .ok(200)
        .clone();
    assert_eq!(api["host"], "127.0.0.1", "the address stays connected");

    // In French too.
    let html = app.get(&format!("{page}?lang=fr"), None).await.text;
    assert!(
        html.contains("Votre agenda vous indique comme occupé(e)."),
        "{html}"
    );

    // Disconnect.
    let resp = app
        .client
        .post(format!("{}{page}/calendar/delete", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let html = resp.text().await.unwrap();
    assert!(!html.contains("Your calendar shows you busy."));
    app.get(&calendar_path(&poll), Some(&anna))
        .await
        .problem(404);
    // A dead token gets no calendar.
    let (status, _) = post_form(
        &app,
        "/vote/cvn_inv_nothing/calendar",
        &[("file", Some("me.ics"), CALENDAR.as_bytes())],
    )
    .await;
    assert_eq!(status, 404);
}

/// The values a calendar file holds that must never be stored: titles,
/// descriptions, places, UIDs (text fragments of six characters or more).
fn private_values(ics: &str) -> Vec<String> {
    let unfolded = ics
        .replace("\r\n ", "")
        .replace("\n ", "")
        .replace("\r\n\t", "");
    let mut out = vec![];
    for line in unfolded.lines() {
        let Some((head, value)) = line.split_once(':') else {
            continue;
        };
        let name = head.split(';').next().unwrap_or("").to_ascii_uppercase();
        if matches!(
            name.as_str(),
            "SUMMARY" | "DESCRIPTION" | "LOCATION" | "UID" | "X-WR-CALNAME"
        ) {
            for fragment in value.split(['\\', ',']) {
                let fragment = fragment.trim_start_matches(['n', 'N']).trim();
                if fragment.chars().count() >= 6 {
                    out.push(fragment.to_string());
                }
            }
        }
    }
    out
}

/// Everything the database holds, as text: every row of every table
/// (PostgreSQL), or the database files themselves with their write-ahead
/// log, free pages included (SQLite).
async fn dump(app: &TestApp) -> String {
    match app.backend {
        Backend::Sqlite => {
            let path = app
                .database_url
                .trim_start_matches("sqlite://")
                .split('?')
                .next()
                .unwrap()
                .to_string();
            let mut text = String::new();
            for file in [path.clone(), format!("{path}-wal")] {
                if let Ok(bytes) = std::fs::read(&file) {
                    text.push_str(&String::from_utf8_lossy(&bytes));
                }
            }
            assert!(text.len() > 10_000, "the database files were read ({path})");
            text
        }
        Backend::Postgres => {
            let db = app.store.read();
            let tables = db
                .query_all_raw(sea_orm::Statement::from_string(
                    app.store.backend(),
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
                ))
                .await
                .unwrap();
            let mut text = String::new();
            for t in tables {
                let name: String = t.try_get("", "table_name").unwrap();
                let rows = db
                    .query_all_raw(sea_orm::Statement::from_string(
                        app.store.backend(),
                        format!("SELECT row_to_json(t)::text AS j FROM \"{name}\" t"),
                    ))
                    .await
                    .unwrap();
                for r in rows {
                    text.push_str(&r.try_get::<String>("", "j").unwrap());
                    text.push('\n');
                }
            }
            text
        }
    }
}

async fn the_database_keeps_no_title_place_uid_or_address(backend: Backend) {
    let Some(app) = spawn_app_with(backend, private_network()).await else {
        return;
    };
    let feeds = Feeds::start().await;
    // A daily option over the corpus' windows, so busy time is kept.
    let mut options = vec![];
    for (month, days) in [(3, 31), (4, 14), (9, 30), (10, 31), (11, 14)] {
        for day in 1..=days {
            options.push(json!({ "kind": "timed", "start": format!("2027-{month:02}-{day:02}T06:00"), "end": format!("2027-{month:02}-{day:02}T20:00") }));
        }
    }
    let poll = app
        .create_poll(&json!({ "title": "Privacy", "time_zone": "UTC", "voting": "open", "options": options }))
        .await;
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/freebusy/corpus");
    let mut secrets = private_values(CALENDAR);
    secrets.extend(private_values(CALENDAR_V2));
    let mut files: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "ics"));
    files.sort();
    let mut busy_somewhere = 0;
    for (n, file) in files.iter().enumerate() {
        let text = std::fs::read_to_string(file).unwrap();
        secrets.extend(private_values(&text));
        let voted = app
            .vote(&poll, &format!("Member {n}"), &[(0, "yes")])
            .await
            .ok(201)
            .clone();
        let token = voted["edit_token"].as_str().unwrap().to_string();
        let connected = upload(&app, &poll, &token, &text).await.ok(200).clone();
        busy_somewhere += busy_marks(&connected).iter().filter(|b| **b).count();
    }
    assert!(
        busy_somewhere > 100,
        "the corpus is busy on many options: {busy_somewhere}"
    );
    // An address with a secret in its path, connected, read again, kept.
    let secret_address = format!(
        "{}?token=s3cr3t-feed-token-0xBADC0FFEE",
        feeds.url("/cal.ics")
    );
    let voted = app
        .vote(&poll, "Addressed", &[(0, "yes")])
        .await
        .ok(201)
        .clone();
    let token = voted["edit_token"].as_str().unwrap().to_string();
    app.put(
        &calendar_path(&poll),
        Some(&token),
        &json!({ "url": secret_address }),
    )
    .await
    .ok(200);
    convene::calendars::Calendars::new(true)
        .refresh_due(
            &app.store,
            chrono::Utc::now() + chrono::Duration::minutes(16),
        )
        .await
        .unwrap();
    // And one connected then disconnected.
    let voted = app.vote(&poll, "Gone", &[(0, "yes")]).await.ok(201).clone();
    let gone = voted["edit_token"].as_str().unwrap().to_string();
    upload(&app, &poll, &gone, CALENDAR_V2).await.ok(200);
    app.delete(&calendar_path(&poll), Some(&gone)).await;

    let text = dump(&app).await;
    assert!(
        text.contains("127.0.0.1"),
        "the host is kept (and the dump is real)"
    );
    assert!(!text.contains("s3cr3t-feed-token"), "the address is sealed");
    assert!(!text.contains("/cal.ics"), "the address is sealed");
    secrets.sort();
    secrets.dedup();
    assert!(
        secrets.len() > 150,
        "the corpus' private values: {}",
        secrets.len()
    );
    let found: Vec<&String> = secrets
        .iter()
        .filter(|s| text.contains(s.as_str()))
        .collect();
    assert!(found.is_empty(), "found in the database: {found:?}");
}
