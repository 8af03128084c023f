//! Signing in to the console by emailed link, through real HTTP and a real
//! SMTP server, on SQLite and PostgreSQL: the link works once and for 15
//! minutes, the form tells no one which addresses are known and is limited,
//! every POST needs our own page's token and origin, sessions are rows that
//! every instance reads and that idle and absolute expiry and signing out
//! end on the server.

use std::collections::BTreeMap;
use std::time::Instant;

use convene::startup::Options;
use poem::http::HeaderName;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, id, spawn_app_with};
use crate::mail::Sink;

/// A browser without JavaScript: follows no redirect by itself, keeps the
/// cookies it is given (by name), sends them back.
pub struct Browser {
    pub base: String,
    client: reqwest::Client,
    pub cookies: BTreeMap<String, String>,
    /// Headers every request carries (an Origin, a forwarded address).
    extra: Vec<(String, String)>,
}

pub struct Page {
    pub status: StatusCode,
    pub body: String,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub retry_after: Option<String>,
}

impl Page {
    /// The value of the hidden `csrf` field of the page's (first) form.
    pub fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .unwrap_or_else(|| panic!("no form token in {}", self.body));
        let rest = &self.body[at + "name=\"csrf\" value=\"".len()..];
        rest[..rest.find('"').unwrap()].to_string()
    }
}

impl Browser {
    pub fn new(base: &str) -> Self {
        Browser {
            base: base.to_string(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
            extra: Vec::new(),
        }
    }

    /// The same browser (same cookies) talking to another instance.
    pub fn at(&self, base: &str) -> Self {
        Browser {
            base: base.to_string(),
            client: self.client.clone(),
            cookies: self.cookies.clone(),
            extra: self.extra.clone(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.extra.push((name.to_string(), value.to_string()));
        self
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Page {
        let mut req = req.header("cookie", self.cookie_header());
        for (k, v) in &self.extra {
            req = req.header(k.as_str(), v.as_str());
        }
        let resp = req.send().await.unwrap();
        let set_cookies: Vec<String> = resp
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        for c in &set_cookies {
            let pair = c.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || c.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_string(), value.to_string());
            }
        }
        Page {
            status: resp.status(),
            location: resp
                .headers()
                .get("location")
                .map(|v| v.to_str().unwrap().to_string()),
            retry_after: resp
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_string()),
            set_cookies,
            body: resp.text().await.unwrap(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let url = format!("{}{path}", self.base);
        let req = self.client.get(url);
        self.send(req).await
    }

    /// A form with a file, as a browser sends it (`multipart/form-data`):
    /// each field's name, file name (for a file) and content.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, Option<&str>, &[u8])],
    ) -> Page {
        let boundary = "----conveneConsoleBoundary0x5Yq";
        let mut body = Vec::new();
        for (name, file_name, value) in fields {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match file_name {
                Some(f) => body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\n\
                         Content-Type: text/csv\r\n\r\n"
                    )
                    .as_bytes(),
                ),
                None => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                ),
            }
            body.extend_from_slice(value);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let url = format!("{}{path}", self.base);
        let req = self
            .client
            .post(url)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body);
        self.send(req).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let url = format!("{}{path}", self.base);
        let req = self.client.post(url).form(form);
        self.send(req).await
    }
}

/// The path of the sign-in link in a mail (its only address under
/// `/console/`), checked in both the text and the HTML part.
pub fn link_in(mail: &Value) -> String {
    let text = mail["parts"]["text/plain"].as_str().unwrap();
    let links: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.contains("/console/"))
        .collect();
    assert_eq!(links.len(), 1, "one console address in {text}");
    let html = mail["parts"]["text/html"].as_str().unwrap();
    assert!(html.contains(links[0]), "the HTML part has the same link");
    let url = links[0];
    url[url.find("/console/").unwrap()..].to_string()
}

/// Adds a person by the API (which mails them a link); their id.
async fn add_person(app: &TestApp, email: &str, role: &str, language: &str) -> String {
    let r = app
        .post(
            "/api/v1/workspace/people",
            Some(&app.token),
            &json!({ "email": email, "name": "Anriette", "role": role, "language": language }),
        )
        .await;
    id(r.ok(201)).to_string()
}

/// Signs a browser in through the emailed link `path`.
pub async fn follow_link(browser: &mut Browser, path: &str) -> Page {
    let page = browser.get(path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    // Opening the link signs no one in: a mail scanner may open it.
    assert!(page.set_cookies.iter().all(|c| !c.contains("session")));
    let csrf = page.csrf();
    browser.post(path, &[("csrf", &csrf)]).await
}

/// Asks for a link on the sign-in page.
pub async fn ask_for_link(browser: &mut Browser, email: &str) -> Page {
    let form = browser.get("/console/sign-in").await;
    assert_eq!(form.status, 200);
    let csrf = form.csrf();
    browser
        .post("/console/sign-in", &[("csrf", &csrf), ("email", email)])
        .await
}

async fn sql(app: &TestApp, statement: &str) {
    let db = Database::connect(app.database_url.as_str()).await.unwrap();
    db.execute_unprepared(statement).await.unwrap();
}

fn session_cookie(browser: &Browser) -> Option<&String> {
    browser.cookies.get("convene_session")
}

async fn a_person_added_signs_in_by_the_emailed_link_once(app: TestApp, sink: Sink) {
    add_person(&app, "Anriette@Example.org", "editor", "fr").await;
    let mails = sink.wait_for(1).await;
    let mail = &mails[0];
    assert_eq!(mail["rcpt_tos"], json!(["anriette@example.org"]));
    assert_eq!(mail["headers"]["Content-Language"], "fr");
    assert!(
        mail["headers"]["Subject"]
            .as_str()
            .unwrap()
            .contains("connexion"),
        "{}",
        mail["headers"]["Subject"]
    );
    let link = link_in(mail);
    assert!(link.starts_with("/console/sign-in/cvn_sil_"), "{link}");

    let mut browser = Browser::new(&app.address);
    let started = Instant::now();
    let signed_in = follow_link(&mut browser, &link).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    assert_eq!(signed_in.location.as_deref(), Some("/console"));
    let cookie = signed_in
        .set_cookies
        .iter()
        .find(|c| c.starts_with("convene_session="))
        .expect("a session cookie");
    for part in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=604800"] {
        assert!(cookie.contains(part), "{cookie} lacks {part}");
    }
    let home = browser.get("/console").await;
    eprintln!(
        "sign-in by link, link page to landing page: {:?}",
        started.elapsed()
    );
    assert_eq!(home.status, 200, "{}", home.body);
    assert!(home.body.contains("Anriette") && home.body.contains("IGF Secretariat"));
    assert!(home.body.contains("lang=\"fr\"") || home.body.contains("lang=\"en\""));

    // The link again, in this browser or another: refused, no session.
    let mut other = Browser::new(&app.address);
    let again = follow_link(&mut other, &link).await;
    assert_eq!(again.status, 410, "{}", again.body);
    assert!(again.body.contains("used already"), "{}", again.body);
    assert!(session_cookie(&other).is_none());
    // A made-up link: not found, no session.
    let made_up = follow_link(&mut other, "/console/sign-in/cvn_sil_0000").await;
    assert_eq!(made_up.status, 404);
    assert!(session_cookie(&other).is_none());

    // The session cookie opens nothing in the API: that takes a token.
    let api = reqwest::Client::new()
        .get(format!("{}/api/v1/workspace", app.address))
        .header(
            "cookie",
            format!("convene_session={}", session_cookie(&browser).unwrap()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 401);

    // Signing out ends the session on the server: the old cookie, kept,
    // opens nothing.
    let kept = session_cookie(&browser).unwrap().clone();
    let csrf = home.csrf();
    let out = browser.post("/console/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 303);
    assert!(
        out.location
            .unwrap()
            .starts_with("/console/sign-in?signed-out=1")
    );
    assert!(session_cookie(&browser).is_none(), "the cookie is cleared");
    browser.cookies.insert("convene_session".into(), kept);
    let home = browser.get("/console").await;
    assert_eq!(home.status, 303);
    assert_eq!(home.location.as_deref(), Some("/console/sign-in"));
}

async fn the_form_answers_alike_for_unknown_addresses_and_limits_requests(
    app: TestApp,
    sink: Sink,
) {
    add_person(&app, "anriette@example.org", "viewer", "en").await;
    sink.wait_for(1).await;
    // Each browser comes from an address of its own (through the trusted
    // proxy header the service was started with).
    let mut known = Browser::new(&app.address).with_header("x-forwarded-for", "203.0.113.1");
    let mut unknown = Browser::new(&app.address).with_header("x-forwarded-for", "203.0.113.2");
    let a = ask_for_link(&mut known, "ANRIETTE@example.org ").await;
    let b = ask_for_link(&mut unknown, "nobody@example.org").await;
    assert_eq!(a.status, 200);
    assert_eq!(b.status, 200);
    let normalise = |p: &Page, email: &str| {
        p.body
            .replace(email, "EMAIL")
            .split("name=\"csrf\"")
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        normalise(&a, "anriette@example.org"),
        normalise(&b, "nobody@example.org"),
        "the same answer for a known and an unknown address"
    );
    let mails = sink.wait_for(2).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(sink.messages().len(), 2, "no mail to an unknown address");
    assert_eq!(mails[1]["rcpt_tos"], json!(["anriette@example.org"]));

    // Per address: 5 in 10 minutes, from whichever client.
    for i in 0..4 {
        let mut b =
            Browser::new(&app.address).with_header("x-forwarded-for", &format!("198.51.100.{i}"));
        assert_eq!(
            ask_for_link(&mut b, "anriette@example.org").await.status,
            200
        );
    }
    let mut late = Browser::new(&app.address).with_header("x-forwarded-for", "198.51.100.99");
    let refused = ask_for_link(&mut late, "anriette@example.org").await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    let wait: u32 = refused.retry_after.unwrap().parse().unwrap();
    assert!((1..=600).contains(&wait));
    // Unknown addresses count alike (no telling them apart by the limit).
    for _ in 0..4 {
        assert_eq!(
            ask_for_link(&mut unknown, "nobody@example.org")
                .await
                .status,
            200
        );
    }
    assert_eq!(
        ask_for_link(&mut unknown, "nobody@example.org")
            .await
            .status,
        429
    );
    // Per client address: its sixth request is refused whatever the address.
    let mut busy = Browser::new(&app.address).with_header("x-forwarded-for", "192.0.2.7");
    for i in 0..5 {
        assert_eq!(
            ask_for_link(&mut busy, &format!("someone{i}@example.org"))
                .await
                .status,
            200
        );
    }
    assert_eq!(
        ask_for_link(&mut busy, "someone9@example.org").await.status,
        429
    );
    // A malformed address is named beside its field, nothing counted.
    let mut typo = Browser::new(&app.address).with_header("x-forwarded-for", "192.0.2.8");
    let bad = ask_for_link(&mut typo, "anriette.example.org").await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("aria-invalid=\"true\"") && bad.body.contains("email-error"));
    // Every mail that should come has come, and no other.
    sink.wait_for(6).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        sink.messages().len(),
        6,
        "5 links to the known address, 1 from addPerson"
    );
}

async fn forged_posts_are_refused_and_change_nothing(app: TestApp, sink: Sink) {
    add_person(&app, "anriette@example.org", "owner", "en").await;
    let link = link_in(&sink.wait_for(1).await[0]);
    let mut browser = Browser::new(&app.address);
    let form = browser.get("/console/sign-in").await;
    let csrf = form.csrf();

    // No token, a wrong token, another browser's token: 403.
    let mut stranger = Browser::new(&app.address);
    let theirs = stranger.get("/console/sign-in").await.csrf();
    for token in ["", "00", theirs.as_str()] {
        let r = browser
            .post(
                "/console/sign-in",
                &[("csrf", token), ("email", "anriette@example.org")],
            )
            .await;
        assert_eq!(r.status, 403, "token {token:?}: {}", r.body);
        assert!(r.body.contains("Nothing was changed"));
    }
    // The right token from another origin, or a cross-site fetch: 403.
    for (header, value) in [
        ("origin", "https://evil.example"),
        ("origin", "null"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let mut b = browser.at(&app.address).with_header(header, value);
        let r = b
            .post(
                "/console/sign-in",
                &[("csrf", &csrf), ("email", "anriette@example.org")],
            )
            .await;
        assert_eq!(r.status, 403, "{header}: {value}");
        // Nor does a forged POST redeem the link.
        let r = b.post(&link, &[("csrf", &csrf)]).await;
        assert_eq!(r.status, 403);
    }
    // Our own origin is fine; so is the host the browser addressed (a
    // newcomer opening http://localhost:… rather than the printed
    // http://127.0.0.1:…). The link still works after all that.
    let mut ours = browser.at(&app.address).with_header("origin", &app.address);
    let r = ours
        .post(
            "/console/sign-in",
            &[("csrf", &csrf), ("email", "nobody@example.org")],
        )
        .await;
    assert_eq!(r.status, 200);
    let localhost = app.address.replace("127.0.0.1", "localhost");
    let mut there = browser.at(&localhost).with_header("origin", &localhost);
    let r = there
        .post(
            "/console/sign-in",
            &[("csrf", &csrf), ("email", "nobody@example.org")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(sink.messages().len(), 1, "no forged request mailed a link");
    let signed_in = follow_link(&mut browser, &link).await;
    assert_eq!(signed_in.status, 303);

    // Signing out from another origin, or without the session's token (a
    // signed-out page's token will not do): refused, still signed in.
    let home = browser.get("/console").await;
    assert_eq!(home.status, 200);
    let mut evil = browser
        .at(&app.address)
        .with_header("origin", "https://evil.example");
    assert_eq!(
        evil.post("/console/sign-out", &[("csrf", &home.csrf())])
            .await
            .status,
        403
    );
    assert_eq!(
        browser
            .post("/console/sign-out", &[("csrf", &csrf)])
            .await
            .status,
        403
    );
    assert_eq!(browser.get("/console").await.status, 200);
}

async fn links_expire_and_sessions_end_when_idle_or_old(app: TestApp, sink: Sink) {
    add_person(&app, "anriette@example.org", "editor", "en").await;
    let first = link_in(&sink.wait_for(1).await[0]);
    // A time in the past, as the database writes it.
    let past = |hours: i64| {
        let t = chrono::Utc::now() - chrono::Duration::hours(hours);
        if app.backend == Backend::Sqlite {
            format!("'{}'", t.format("%Y-%m-%d %H:%M:%S%:z"))
        } else {
            format!("'{}'::timestamptz", t.to_rfc3339())
        }
    };
    // Fifteen minutes pass (the link's expiry moved back, as time would).
    sql(
        &app,
        &format!("UPDATE sign_in_link SET expires_at = {}", past(1)),
    )
    .await;
    let mut browser = Browser::new(&app.address);
    let expired = follow_link(&mut browser, &first).await;
    assert_eq!(expired.status, 410);
    assert!(expired.body.contains("expired"), "{}", expired.body);
    assert!(session_cookie(&browser).is_none());

    // A new link signs in.
    let mut asking = Browser::new(&app.address);
    assert_eq!(
        ask_for_link(&mut asking, "anriette@example.org")
            .await
            .status,
        200
    );
    let second = link_in(&sink.wait_for(2).await[1]);
    assert_eq!(follow_link(&mut browser, &second).await.status, 303);
    assert_eq!(browser.get("/console").await.status, 200);

    // Twelve idle hours: signed out.
    sql(
        &app,
        &format!("UPDATE console_session SET last_seen_at = {}", past(13)),
    )
    .await;
    let idle = browser.get("/console").await;
    assert_eq!(idle.status, 303);
    assert_eq!(idle.location.as_deref(), Some("/console/sign-in"));

    // Seven days after sign-in, however busy: signed out.
    let mut asking = Browser::new(&app.address);
    ask_for_link(&mut asking, "anriette@example.org").await;
    let third = link_in(&sink.wait_for(3).await[2]);
    assert_eq!(follow_link(&mut browser, &third).await.status, 303);
    assert_eq!(browser.get("/console").await.status, 200);
    sql(
        &app,
        &format!("UPDATE console_session SET expires_at = {}", past(1)),
    )
    .await;
    assert_eq!(browser.get("/console").await.status, 303);
}

async fn sessions_are_rows_every_instance_reads_and_rotate_at_sign_in(app: TestApp, sink: Sink) {
    let person = add_person(&app, "anriette@example.org", "owner", "en").await;
    let link = link_in(&sink.wait_for(1).await[0]);
    let mut browser = Browser::new(&app.address);
    assert_eq!(follow_link(&mut browser, &link).await.status, 303);
    let first = session_cookie(&browser).unwrap().clone();

    // Another instance on the same database knows the session…
    let other = app.second_instance().await;
    let mut there = browser.at(&other.address);
    let home = there.get("/console").await;
    assert_eq!(home.status, 200);
    // …and a sign-in again gives a new session id; the browser's old one
    // is over.
    let mut asking = Browser::new(&app.address);
    ask_for_link(&mut asking, "anriette@example.org").await;
    let again = link_in(&sink.wait_for(2).await[1]);
    assert_eq!(follow_link(&mut there, &again).await.status, 303);
    let second = session_cookie(&there).unwrap().clone();
    assert_ne!(first, second);
    assert!(first.starts_with("cvn_ses_") && second.starts_with("cvn_ses_"));
    let mut stale = Browser::new(&app.address);
    stale.cookies.insert("convene_session".into(), first);
    assert_eq!(stale.get("/console").await.status, 303);

    // Signing out on one instance ends it on the other.
    let home = there.get("/console").await;
    assert_eq!(
        there
            .post("/console/sign-out", &[("csrf", &home.csrf())])
            .await
            .status,
        303
    );
    let mut back = Browser::new(&app.address);
    back.cookies.insert("convene_session".into(), second);
    assert_eq!(back.get("/console").await.status, 303);

    // Removing the person ends their sessions too.
    let mut asking = Browser::new(&app.address);
    ask_for_link(&mut asking, "anriette@example.org").await;
    let third = link_in(&sink.wait_for(3).await[2]);
    let mut browser = Browser::new(&app.address);
    assert_eq!(follow_link(&mut browser, &third).await.status, 303);
    assert_eq!(browser.get("/console").await.status, 200);
    app.delete(
        &format!("/api/v1/workspace/people/{person}"),
        Some(&app.token),
    )
    .await
    .ok(204);
    assert_eq!(browser.get("/console").await.status, 303);
}

/// Signs in a new person of the workspace with `role`; their browser.
async fn signed_in_as(app: &TestApp, sink: &Sink, email: &str, role: &str) -> Browser {
    let before = sink.messages().len();
    add_person(app, email, role, "en").await;
    let mails = sink.wait_for(before + 1).await;
    let link = link_in(&mails[before]);
    let mut browser = Browser::new(&app.address);
    assert_eq!(follow_link(&mut browser, &link).await.status, 303);
    browser
}

async fn polls(app: &TestApp) -> Vec<Value> {
    app.get("/api/v1/polls", Some(&app.token)).await.ok(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn an_editor_creates_the_reference_poll_from_the_console_form(app: TestApp, sink: Sink) {
    let mut editor = signed_in_as(&app, &sink, "anriette@example.org", "editor").await;
    let home = editor.get("/console").await;
    assert!(home.body.contains("/console/polls/new"), "{}", home.body);
    let form = editor.get("/console/polls/new").await;
    assert_eq!(form.status, 200);
    let csrf = form.csrf();
    let created = editor
        .post(
            "/console/polls/new",
            &[
                ("csrf", csrf.as_str()),
                ("title", "Second Open Consultations"),
                ("location", "Vienna International Centre"),
                ("time_zone", "Europe/Vienna"),
                ("deadline", "2027-06-30T18:00"),
                ("voting", "invite_only"),
                ("results_visibility", "organisers"),
                ("allow_if_need_be", "true"),
                ("show_voter_names", "true"),
                ("reminders", "P3D, PT24H"),
                ("options[0].kind", "all_day"),
                ("options[0].start_date", "2027-07-05"),
                ("options[0].end_date", "2027-07-07"),
                ("options[1].kind", "all_day"),
                ("options[1].start_date", "2027-07-10"),
                ("options[1].end_date", "2027-07-12"),
                ("options[2].kind", "timed"),
                ("options[2].start", "2027-07-13T13:00"),
                ("options[2].end", "2027-07-13T15:00"),
                // An empty row is no option.
                ("options[3].kind", "all_day"),
                ("options[3].start_date", ""),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let location = created.location.unwrap();
    assert!(location.starts_with("/console/polls/"), "{location}");
    let list = polls(&app).await;
    assert_eq!(list.len(), 1);
    let poll = app
        .get(&format!("/api/v1/polls/{}", id(&list[0])), Some(&app.token))
        .await;
    let poll = poll.ok(200);
    assert!(location.contains(id(poll)));
    assert_eq!(poll["title"], "Second Open Consultations");
    assert_eq!(poll["time_zone"], "Europe/Vienna");
    // 18:00 in Vienna in summer is 16:00 UTC.
    assert_eq!(poll["deadline"], "2027-06-30T16:00:00Z");
    assert_eq!(poll["voting"], "invite_only");
    assert_eq!(poll["results_visibility"], "organisers");
    assert_eq!(poll["reminders"], json!(["P3D", "PT24H"]));
    let options = poll["options"].as_array().unwrap();
    assert_eq!(options.len(), 3);
    assert_eq!(options[0]["start_date"], "2027-07-05");
    assert_eq!(options[1]["end_date"], "2027-07-12");
    assert_eq!(options[2]["start_utc"], "2027-07-13T11:00:00Z");
    // History names the person who acted.
    let history = app.history(poll, 10).await;
    assert!(
        history.iter().any(|h| h.to_string().contains("Anriette")),
        "{history:?}"
    );
}

async fn the_poll_form_previews_the_options_on_a_groups_clocks(app: TestApp, sink: Sink) {
    let group = app
        .post(
            "/api/v1/groups",
            Some(&app.token),
            &json!({ "name": "MAG 2027", "members": [
                { "name": "Yoichi", "time_zone": "Asia/Tokyo" },
                { "name": "Kenji", "time_zone": "Asia/Tokyo", "social_hours_start": "08:00", "social_hours_end": "23:30" },
                { "name": "Anna", "time_zone": "America/New_York" },
                { "name": "Vera", "time_zone": "Europe/Vienna" }
            ] }),
        )
        .await
        .ok(201)
        .clone();
    let mut editor = signed_in_as(&app, &sink, "anriette@example.org", "editor").await;
    let form = editor.get("/console/polls/new?lang=en").await;
    assert!(
        form.body.contains(&format!(
            "<option value=\"{}\">MAG 2027</option>",
            id(&group)
        )),
        "{}",
        form.body
    );
    let csrf = form.csrf();
    let fields = |group: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("lang", "en".to_string()),
            ("title", "Second Open Consultations".to_string()),
            ("time_zone", "Europe/Vienna".to_string()),
            ("voting", "invite_only".to_string()),
            ("results_visibility", "organisers".to_string()),
            ("options[0].kind", "all_day".to_string()),
            ("options[0].start_date", "2027-07-05".to_string()),
            ("options[0].end_date", "2027-07-07".to_string()),
            ("options[1].kind", "timed".to_string()),
            ("options[1].start", "2027-07-09T13:00".to_string()),
            ("options[1].end", "2027-07-09T16:00".to_string()),
            ("preview_group", group.to_string()),
            ("preview", "1".to_string()),
        ]
    };
    let typed = fields(id(&group));
    let pairs: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let shown = editor.post("/console/polls/new", &pairs).await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    let body = &shown.body;
    let preview = &body[body.find("id=\"preview-heading\"").expect("a preview")..];
    // The timed option, 13:00–16:00 in Vienna: 20:00–23:00 in Tokyo, past
    // Yoichi's 22:00 but inside Kenji's 23:30; 07:00–10:00 in New York.
    let timed = &preview[preview.find("Option 2:").unwrap()..];
    assert!(timed.contains("Asia/Tokyo (2)"), "{timed}");
    assert!(
        timed.contains("20:00") && timed.contains("07:00"),
        "{timed}"
    );
    assert!(
        timed.contains(">Yoichi<") && !timed.contains(">Kenji<"),
        "{timed}"
    );
    assert!(
        timed.find("Asia/Tokyo").unwrap() < timed.find("Europe/Vienna").unwrap()
            && timed.find("Europe/Vienna").unwrap() < timed.find("America/New_York").unwrap(),
        "east to west"
    );
    // Whole days keep no one up.
    let days = &preview[..preview.find("Option 2:").unwrap()];
    assert_eq!(days.matches(">no one<").count(), 3, "{days}");
    // What was typed stays in the form, and nothing is saved.
    assert!(body.contains("value=\"2027-07-09T13:00\""));
    assert!(polls(&app).await.is_empty());
    // Without a group: said beside the choice, nothing saved.
    let typed = fields("");
    let pairs: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = editor.post("/console/polls/new", &pairs).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("id=\"preview_group-error\""));
    assert!(polls(&app).await.is_empty());
    // Another workspace's group previews nothing either.
    let other = app.other_organiser().await;
    let theirs = app
        .post(
            "/api/v1/groups",
            Some(&other),
            &json!({ "name": "Theirs", "members": [{ "name": "X", "time_zone": "UTC" }] }),
        )
        .await
        .ok(201)
        .clone();
    let typed = fields(id(&theirs));
    let pairs: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = editor.post("/console/polls/new", &pairs).await;
    assert_eq!(refused.status, 422);
    assert!(!refused.body.contains("id=\"preview-heading\""));
}

async fn the_poll_form_shows_every_error_beside_its_field_and_saves_nothing(
    app: TestApp,
    sink: Sink,
) {
    let mut owner = signed_in_as(&app, &sink, "anriette@example.org", "owner").await;
    let csrf = owner.get("/console/polls/new").await.csrf();
    let refused = owner
        .post(
            "/console/polls/new",
            &[
                ("csrf", csrf.as_str()),
                ("title", ""),
                ("time_zone", "Europe/Vienna"),
                // 30 March 2025, 02:30 does not happen in Vienna.
                ("deadline", "2025-03-30T02:30"),
                ("options[0].kind", "all_day"),
                ("options[0].start_date", "2027-07-05"),
                ("options[1].kind", "timed"),
                ("options[1].start", "2027-03-28T02:30"),
                ("options[1].end", "2027-03-28T04:00"),
                ("options[2].kind", "all_day"),
                ("options[2].start_date", "2027-07-12"),
                ("options[2].end_date", "2027-07-10"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let body = &refused.body;
    for id in ["title", "deadline", "options-1-start", "options-2-end_date"] {
        assert!(
            body.contains(&format!("id=\"{id}-error\"")),
            "no error beside {id}: {body}"
        );
        assert!(
            body.contains(&format!("href=\"#{id}\"")),
            "no summary link to {id}"
        );
    }
    assert!(
        body.contains("does not exist") || body.contains("never happens"),
        "{body}"
    );
    // What was typed is shown again.
    assert!(body.contains("value=\"2027-07-05\""));
    assert!(polls(&app).await.is_empty(), "nothing saved");
    // No options at all: said beside the first row.
    let refused = owner
        .post(
            "/console/polls/new",
            &[
                ("csrf", csrf.as_str()),
                ("title", "Empty"),
                ("time_zone", "Mars/Olympus"),
                ("options[0].kind", "all_day"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("id=\"time_zone-error\""));
    assert!(refused.body.contains("id=\"options-0-start_date-error\""));
    assert!(polls(&app).await.is_empty());
}

async fn a_viewer_or_a_forged_form_creates_no_poll(app: TestApp, sink: Sink) {
    let mut viewer = signed_in_as(&app, &sink, "viewer@example.org", "viewer").await;
    let home = viewer.get("/console").await;
    assert!(!home.body.contains("/console/polls/new"));
    assert_eq!(viewer.get("/console/polls/new").await.status, 403);
    let fields = |csrf: &str| {
        vec![
            ("csrf".to_string(), csrf.to_string()),
            ("title".into(), "Not mine to make".into()),
            ("time_zone".into(), "UTC".into()),
            ("options[0].kind".into(), "all_day".into()),
            ("options[0].start_date".into(), "2027-07-05".into()),
        ]
    };
    let as_refs = |v: &Vec<(String, String)>| -> Vec<(String, String)> { v.clone() };
    let viewer_csrf = home.csrf();
    let form = as_refs(&fields(&viewer_csrf));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = viewer.post("/console/polls/new", &pairs).await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains("viewer"), "{}", r.body);

    let mut editor = signed_in_as(&app, &sink, "editor@example.org", "editor").await;
    let csrf = editor.get("/console/polls/new").await.csrf();
    // Another browser's token, or another origin: refused.
    let theirs = fields(&viewer_csrf);
    let pairs: Vec<(&str, &str)> = theirs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(editor.post("/console/polls/new", &pairs).await.status, 403);
    let mine = fields(&csrf);
    let pairs: Vec<(&str, &str)> = mine.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut evil = editor
        .at(&app.address)
        .with_header("origin", "https://evil.example");
    assert_eq!(evil.post("/console/polls/new", &pairs).await.status, 403);
    // Signed out: to the sign-in page, nothing made.
    let mut nobody = Browser::new(&app.address);
    let r = nobody.post("/console/polls/new", &pairs).await;
    assert_eq!(r.status, 303);
    assert!(polls(&app).await.is_empty());
    // The editor's own form does it.
    assert_eq!(editor.post("/console/polls/new", &pairs).await.status, 303);
    assert_eq!(polls(&app).await.len(), 1);
}

async fn groups(app: &TestApp) -> Vec<Value> {
    app.get("/api/v1/groups", Some(&app.token)).await.ok(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn a_roster_is_pasted_checked_line_by_line_and_kept(app: TestApp, sink: Sink) {
    let mut editor = signed_in_as(&app, &sink, "anriette@example.org", "editor").await;
    let page = editor.get("/console/groups").await;
    assert_eq!(page.status, 200);
    let csrf = page.csrf();
    // Two bad lines: both named, nothing saved.
    let refused = editor
        .post(
            "/console/groups",
            &[
                ("csrf", csrf.as_str()),
                ("name", "MAG 2027"),
                (
                    "members",
                    "Yoichi <yoichi@example.org>, Asia/Tokyo, ja\nAnna <anna@example>, America/New_York\nBruna, Mars/Olympus",
                ),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("line 2.email"), "{}", refused.body);
    assert!(refused.body.contains("line 3.time_zone"));
    assert!(refused.body.contains("Bruna, Mars"), "what was typed stays");
    assert!(groups(&app).await.is_empty(), "nothing saved");

    let created = editor
        .post(
            "/console/groups",
            &[
                ("csrf", csrf.as_str()),
                ("name", "MAG 2027"),
                (
                    "members",
                    "Yoichi <yoichi@example.org>, Asia/Tokyo, ja\nAnna <anna@example.org>, America/New_York\nBruna, America/Sao_Paulo, pt",
                ),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let location = created.location.unwrap();
    let list = groups(&app).await;
    assert_eq!(list.len(), 1);
    let group_id = id(&list[0]).to_string();
    assert!(location.starts_with(&format!("/console/groups/{group_id}")));
    let group = editor.get(&format!("/console/groups/{group_id}")).await;
    assert_eq!(group.status, 200);
    for text in ["Yoichi", "anna@example.org", "America/Sao_Paulo"] {
        assert!(group.body.contains(text), "{text}");
    }
    // More members, as CSV.
    let csrf = group.csrf();
    let added = editor
        .post(
            &format!("/console/groups/{group_id}/members"),
            &[
                ("csrf", csrf.as_str()),
                (
                    "members",
                    "name,email,time_zone\nJuan,juan@example.org,America/Havana\n",
                ),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let api = app
        .get(&format!("/api/v1/groups/{group_id}"), Some(&app.token))
        .await;
    let members = api.ok(200)["members"].as_array().unwrap().clone();
    assert_eq!(members.len(), 4);
    let yoichi = members.iter().find(|m| m["name"] == "Yoichi").unwrap();
    assert_eq!(yoichi["time_zone"], "Asia/Tokyo");
    assert_eq!(yoichi["language"], "ja");
    // Removed from the page: gone from the API too.
    let removed = editor
        .post(
            &format!("/console/groups/{group_id}/members/{}/remove", id(yoichi)),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(removed.status, 303);
    let api = app
        .get(&format!("/api/v1/groups/{group_id}"), Some(&app.token))
        .await;
    assert_eq!(api.ok(200)["members"].as_array().unwrap().len(), 3);
}

async fn a_roster_is_uploaded_as_a_csv_file_checked_and_kept(app: TestApp, sink: Sink) {
    let mut editor = signed_in_as(&app, &sink, "anriette@example.org", "editor").await;
    let page = editor.get("/console/groups?lang=en").await;
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    assert!(
        page.body
            .contains("type=\"file\" id=\"file\" name=\"file\"")
    );
    let csrf = page.csrf();
    // As a spreadsheet saves "CSV UTF-8": a byte-order mark first. One row
    // is wrong: it is named, the file's text is shown back to be put
    // right, and nothing is saved.
    let bad = "\u{feff}name,email,time_zone,language\nYoichi,yoichi@example.org,Asia/Tokyo,ja\nBruna,bruna@example,Mars/Olympus,pt\n";
    let refused = editor
        .post_multipart(
            "/console/groups",
            &[
                ("csrf", None, csrf.as_bytes()),
                ("lang", None, b"en"),
                ("name", None, "MAG 2027".as_bytes()),
                ("members", None, b""),
                ("file", Some("mag.csv"), bad.as_bytes()),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("email"), "{}", refused.body);
    assert!(refused.body.contains("time_zone"), "{}", refused.body);
    assert!(
        refused.body.contains("Bruna,bruna@example,Mars/Olympus"),
        "the file's text is shown back"
    );
    assert!(groups(&app).await.is_empty(), "nothing saved");
    // A file that is not UTF-8 (Latin-1, as older spreadsheets save it).
    let latin1: &[u8] = b"name,time_zone\nJos\xe9,Europe/Madrid\n";
    let refused = editor
        .post_multipart(
            "/console/groups",
            &[
                ("csrf", None, csrf.as_bytes()),
                ("lang", None, b"en"),
                ("name", None, "MAG 2027".as_bytes()),
                ("file", Some("mag.csv"), latin1),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("not UTF-8 text"), "{}", refused.body);
    assert!(refused.body.contains("href=\"#file\""));
    assert!(groups(&app).await.is_empty(), "nothing saved");
    // A forged form with a file changes nothing either.
    let forged = editor
        .post_multipart(
            "/console/groups",
            &[
                ("csrf", None, b"forged"),
                ("name", None, "MAG 2027".as_bytes()),
                ("file", Some("mag.csv"), bad.as_bytes()),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert!(groups(&app).await.is_empty(), "nothing saved");

    let good = bad.replace(
        "bruna@example,Mars/Olympus",
        "bruna@example.org,America/Sao_Paulo",
    );
    let created = editor
        .post_multipart(
            "/console/groups",
            &[
                ("csrf", None, csrf.as_bytes()),
                ("name", None, "MAG 2027".as_bytes()),
                ("members", None, b""),
                ("file", Some("mag.csv"), good.as_bytes()),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let list = groups(&app).await;
    assert_eq!(list.len(), 1);
    let group_id = id(&list[0]).to_string();
    // More members from a file on the group's page.
    let group = editor.get(&format!("/console/groups/{group_id}")).await;
    let added = editor
        .post_multipart(
            &format!("/console/groups/{group_id}/members"),
            &[
                ("csrf", None, group.csrf().as_bytes()),
                ("members", None, b""),
                (
                    "file",
                    Some("more.csv"),
                    b"name,email,time_zone\nJuan,juan@example.org,America/Havana\n",
                ),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let api = app
        .get(&format!("/api/v1/groups/{group_id}"), Some(&app.token))
        .await;
    let members = api.ok(200)["members"].as_array().unwrap().clone();
    let names: Vec<&str> = members
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    for name in ["Yoichi", "Bruna", "Juan"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    let yoichi = members.iter().find(|m| m["name"] == "Yoichi").unwrap();
    assert_eq!(yoichi["language"], "ja");
}

/// The group's first member as the API gives it.
async fn stored_member(app: &TestApp, group: &str) -> Value {
    app.get(&format!("/api/v1/groups/{group}"), Some(&app.token))
        .await
        .ok(200)["members"][0]
        .clone()
}

async fn a_member_is_changed_by_the_api_rules_and_refusals_change_nothing(
    app: TestApp,
    sink: Sink,
) {
    let other = app.other_organiser().await;
    let theirs = app
        .post(
            "/api/v1/groups",
            Some(&other),
            &json!({ "name": "Theirs", "members": [{ "name": "X", "time_zone": "UTC" }] }),
        )
        .await;
    let theirs = theirs.ok(201).clone();
    let ours = app
        .post(
            "/api/v1/groups",
            Some(&app.token),
            &json!({ "name": "MAG 2027", "members": [
                { "name": "Yoichi", "email": "yoichi@example.org", "time_zone": "Asia/Tokyo", "language": "ja" }
            ] }),
        )
        .await
        .ok(201)
        .clone();
    let group = id(&ours).to_string();
    let member = id(&ours["members"][0]).to_string();
    let path = format!("/console/groups/{group}/members/{member}");
    let before = stored_member(&app, &group).await;

    let mut editor = signed_in_as(&app, &sink, "editor@example.org", "editor").await;
    let listed = editor
        .get(&format!("/console/groups/{group}?lang=en"))
        .await;
    assert!(
        listed.body.contains(&format!("href=\"{path}?lang=en\"")),
        "{}",
        listed.body
    );
    let form = editor.get(&format!("{path}?lang=en")).await;
    assert_eq!(form.status, 200, "{}", form.body);
    for value in [
        "value=\"Yoichi\"",
        "value=\"Asia/Tokyo\"",
        "value=\"07:00\"",
        "value=\"22:00\"",
        "value=\"ja\"",
    ] {
        assert!(form.body.contains(value), "{value}");
    }
    let csrf = form.csrf();
    let fields =
        |zone: &'static str, email: &'static str, start: &'static str, end: &'static str| {
            vec![
                ("csrf", csrf.clone()),
                ("lang", "en".to_string()),
                ("name", "Yoichi Tanaka".to_string()),
                ("email", email.to_string()),
                ("time_zone", zone.to_string()),
                ("social_hours_start", start.to_string()),
                ("social_hours_end", end.to_string()),
                ("language", "fr".to_string()),
            ]
        };
    // Two fields wrong: both named beside their fields and in the summary,
    // what was typed kept, nothing saved.
    let typed = fields("Mars/Olympus", "yoichi@example", "08:00", "20:00");
    let pairs: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = editor.post(&path, &pairs).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("id=\"time_zone-error\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("id=\"email-error\""));
    assert!(
        refused.body.contains("href=\"#time_zone\"") && refused.body.contains("href=\"#email\"")
    );
    assert!(
        refused.body.contains("value=\"Mars/Olympus\""),
        "what was typed stays"
    );
    assert_eq!(stored_member(&app, &group).await, before, "nothing saved");
    // Social hours that start when they end: the store's rule, beside the end.
    let typed = fields("Asia/Kolkata", "", "09:00", "09:00");
    let pairs: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = editor.post(&path, &pairs).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("id=\"social_hours_end-error\""),
        "{}",
        refused.body
    );
    assert_eq!(stored_member(&app, &group).await, before, "nothing saved");

    // A viewer, a forged form and another workspace's member: refused.
    let mut viewer = signed_in_as(&app, &sink, "viewer@example.org", "viewer").await;
    assert_eq!(viewer.get(&path).await.status, 403);
    let viewer_csrf = viewer.get("/console/groups").await.csrf();
    let r = viewer
        .post(
            &path,
            &[("csrf", viewer_csrf.as_str()), ("time_zone", "UTC")],
        )
        .await;
    assert_eq!(r.status, 403);
    let r = editor
        .post(&path, &[("csrf", "forged"), ("time_zone", "UTC")])
        .await;
    assert_eq!(r.status, 403);
    let their_path = format!(
        "/console/groups/{}/members/{}",
        id(&theirs),
        id(&theirs["members"][0])
    );
    assert_eq!(editor.get(&their_path).await.status, 404);
    let r = editor
        .post(
            &their_path,
            &[("csrf", csrf.as_str()), ("time_zone", "UTC")],
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(stored_member(&app, &group).await, before, "nothing saved");

    // Put right: saved as updateMember saves it; the empty email removes it.
    let typed = fields("Asia/Kolkata", "", "08:00", "20:00");
    let pairs: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = editor.post(&path, &pairs).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let after = stored_member(&app, &group).await;
    assert_eq!(after["name"], "Yoichi Tanaka");
    assert_eq!(after["time_zone"], "Asia/Kolkata");
    assert_eq!(after["social_hours_start"], "08:00");
    assert_eq!(after["social_hours_end"], "20:00");
    assert_eq!(after["language"], "fr");
    assert!(after["email"].is_null(), "{after}");
}

async fn rosters_refuse_viewers_forgeries_and_other_workspaces(app: TestApp, sink: Sink) {
    let other = app.other_organiser().await;
    let theirs = app
        .post(
            "/api/v1/groups",
            Some(&other),
            &json!({ "name": "Theirs", "members": [{ "name": "X", "time_zone": "UTC" }] }),
        )
        .await;
    let theirs = id(theirs.ok(201)).to_string();
    let ours = app
        .post(
            "/api/v1/groups",
            Some(&app.token),
            &json!({ "name": "Ours", "members": [{ "name": "Yoichi", "time_zone": "Asia/Tokyo" }] }),
        )
        .await;
    let ours_json = ours.ok(201).clone();
    let ours = id(&ours_json).to_string();
    let member = id(&ours_json["members"][0]).to_string();

    let mut viewer = signed_in_as(&app, &sink, "viewer@example.org", "viewer").await;
    let page = viewer.get(&format!("/console/groups/{ours}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Yoichi"));
    assert!(
        !page.body.contains("/remove"),
        "a viewer gets no remove buttons"
    );
    let csrf = page.csrf();
    let r = viewer
        .post(
            &format!("/console/groups/{ours}/members/{member}/remove"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(r.status, 403);
    let r = viewer
        .post(
            "/console/groups",
            &[
                ("csrf", csrf.as_str()),
                ("name", "V"),
                ("members", "A, UTC"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);

    let mut editor = signed_in_as(&app, &sink, "editor@example.org", "editor").await;
    // Another workspace's group: as if it did not exist.
    assert_eq!(
        editor
            .get(&format!("/console/groups/{theirs}"))
            .await
            .status,
        404
    );
    assert_eq!(editor.get("/console/groups/not-an-id").await.status, 404);
    let csrf = editor.get("/console/groups").await.csrf();
    let r = editor
        .post(
            &format!("/console/groups/{theirs}/members"),
            &[("csrf", csrf.as_str()), ("members", "Intruder, UTC")],
        )
        .await;
    assert_eq!(r.status, 404);
    // A forged removal: refused.
    let mut evil = editor
        .at(&app.address)
        .with_header("origin", "https://evil.example");
    let r = evil
        .post(
            &format!("/console/groups/{ours}/members/{member}/remove"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(r.status, 403);
    let api = app
        .get(&format!("/api/v1/groups/{ours}"), Some(&app.token))
        .await;
    assert_eq!(
        api.ok(200)["members"].as_array().unwrap().len(),
        1,
        "nothing changed"
    );
    let api = app
        .get(&format!("/api/v1/groups/{theirs}"), Some(&other))
        .await;
    assert_eq!(
        api.ok(200)["members"].as_array().unwrap().len(),
        1,
        "theirs untouched"
    );
}

/// The names of the poll's invited members, sorted.
async fn invited_names(app: &TestApp, poll: &Value) -> Vec<String> {
    let mut names: Vec<String> = app
        .get(
            &format!("/api/v1/polls/{}/invitations", id(poll)),
            Some(&app.token),
        )
        .await
        .ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

async fn chosen_members_of_a_group_are_invited_and_none_chosen_invites_no_one(
    app: TestApp,
    sink: Sink,
) {
    let group = app
        .post(
            "/api/v1/groups",
            Some(&app.token),
            &json!({ "name": "MAG", "members": [
                { "name": "Yoichi", "email": "yoichi@example.org", "time_zone": "Asia/Tokyo" },
                { "name": "Anna", "email": "anna@example.org", "time_zone": "America/New_York" },
                { "name": "Vera", "time_zone": "Europe/Moscow" }
            ] }),
        )
        .await
        .ok(201)
        .clone();
    let member = |name: &str| {
        id(group["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == name)
            .unwrap())
        .to_string()
    };
    let mut body = crate::helpers::reference_poll_body();
    body["voting"] = json!("invite_only");
    let poll = app.create_poll(&body).await;
    let path = format!("/console/polls/{}/invitations", id(&poll));
    let mut editor = signed_in_as(&app, &sink, "editor@example.org", "editor").await;
    let preview = editor
        .get(&format!(
            "{path}?lang=en&group={}&required=true",
            id(&group)
        ))
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    // Every member ticked at first.
    assert_eq!(preview.body.matches("name=\"member_ids\"").count(), 3);
    let csrf = preview.csrf();
    let group_id = id(&group).to_string();
    // None ticked: no one invited, and the page says so.
    let none = editor
        .post(
            &path,
            &[
                ("csrf", csrf.as_str()),
                ("group_id", group_id.as_str()),
                ("chosen", "1"),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(none.status, 303);
    let back = editor.get(none.location.as_deref().unwrap()).await;
    assert!(back.body.contains("No one was ticked"), "{}", back.body);
    assert!(invited_names(&app, &poll).await.is_empty());
    // Two of three ticked: those two.
    let (yoichi, vera) = (member("Yoichi"), member("Vera"));
    let chosen = editor
        .post(
            &path,
            &[
                ("csrf", csrf.as_str()),
                ("group_id", group_id.as_str()),
                ("chosen", "1"),
                ("member_ids", yoichi.as_str()),
                ("member_ids", vera.as_str()),
            ],
        )
        .await;
    assert_eq!(chosen.status, 303, "{}", chosen.body);
    assert_eq!(invited_names(&app, &poll).await, vec!["Vera", "Yoichi"]);
    // The next preview offers only Anna.
    let again = editor
        .get(&format!("{path}?lang=en&group={}", id(&group)))
        .await;
    assert_eq!(again.body.matches("name=\"member_ids\"").count(), 1);
    assert!(
        again
            .body
            .contains(&format!("value=\"{}\"", member("Anna")))
    );
}

async fn a_group_is_invited_after_a_preview_of_who_gets_mail_in_which_language(
    app: TestApp,
    sink: Sink,
) {
    let group = app
        .post(
            "/api/v1/groups",
            Some(&app.token),
            &json!({ "name": "MAG", "members": [
                { "name": "Yoichi", "email": "yoichi@example.org", "time_zone": "Asia/Tokyo", "language": "fr" },
                { "name": "Anna", "email": "anna@example.org", "time_zone": "America/New_York" },
                { "name": "Vera", "time_zone": "Europe/Moscow" }
            ] }),
        )
        .await;
    let group = id(group.ok(201)).to_string();
    let mut body = crate::helpers::reference_poll_body();
    body["voting"] = json!("invite_only");
    let poll = app.create_poll(&body).await;
    let poll_id = id(&poll).to_string();
    let path = format!("/console/polls/{poll_id}/invitations");

    let mut editor = signed_in_as(&app, &sink, "editor@example.org", "editor").await;
    let page = editor.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Nobody is invited yet"));
    let preview = editor
        .get(&format!(
            "{path}?group={group}&required=true&send_email=true"
        ))
        .await;
    assert_eq!(preview.status, 200);
    assert!(
        preview.body.contains("mailed, in Français"),
        "{}",
        preview.body
    );
    assert!(preview.body.contains("mailed, in English"));
    assert!(preview.body.contains("not mailed: no address"));
    assert!(preview.body.contains("Mails: 2 of 3 members."));
    let listed = app
        .get(
            &format!("/api/v1/polls/{poll_id}/invitations"),
            Some(&app.token),
        )
        .await;
    assert!(
        listed.ok(200)["items"].as_array().unwrap().is_empty(),
        "a preview changes nothing"
    );

    let csrf = preview.csrf();
    let sent = editor
        .post(
            &path,
            &[
                ("csrf", csrf.as_str()),
                ("group_id", group.as_str()),
                ("required", "true"),
                ("send_email", "true"),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let listed = app
        .get(
            &format!("/api/v1/polls/{poll_id}/invitations"),
            Some(&app.token),
        )
        .await;
    assert_eq!(listed.ok(200)["items"].as_array().unwrap().len(), 3);
    // One sign-in mail (the editor's), then the two invitations.
    let mails = sink.wait_for(3).await;
    let to: Vec<&str> = mails[1..]
        .iter()
        .map(|m| m["rcpt_tos"][0].as_str().unwrap())
        .collect();
    assert!(to.contains(&"yoichi@example.org") && to.contains(&"anna@example.org"));
    let french = mails
        .iter()
        .find(|m| m["rcpt_tos"][0] == "yoichi@example.org")
        .unwrap();
    assert_eq!(french["headers"]["Content-Language"], "fr");
    let page = editor.get(&path).await;
    assert!(page.body.contains("Invited: 3"));
    assert!(page.body.contains("no_address"));
    // The preview now says they are invited already.
    let again = editor
        .get(&format!("{path}?group={group}&send_email=true"))
        .await;
    assert!(again.body.contains("already invited"));

    // A viewer sees the list, not the form, and cannot invite.
    let mut viewer = signed_in_as(&app, &sink, "viewer@example.org", "viewer").await;
    let page = viewer.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("group_id"));
    let r = viewer
        .post(
            &path,
            &[("csrf", page.csrf().as_str()), ("group_id", group.as_str())],
        )
        .await;
    assert_eq!(r.status, 403);
    // Another workspace's poll: 404.
    let other = app.other_organiser().await;
    let theirs = app.post("/api/v1/polls", Some(&other), &body).await;
    let theirs = id(theirs.ok(201)).to_string();
    assert_eq!(
        editor
            .get(&format!("/console/polls/{theirs}/invitations"))
            .await
            .status,
        404
    );
}

/// Each test with a real SMTP server and an app that mails through it,
/// trusting `X-Forwarded-For` (so tests can be several clients).
async fn with_mail<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp, Sink) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let Some(sink) = Sink::start() else {
        return;
    };
    let mut options = Options {
        mail: sink.mail(),
        ..Options::default()
    };
    options.anonymous_writes.client_ip_header = Some(HeaderName::from_static("x-forwarded-for"));
    if let Some(app) = spawn_app_with(backend, options).await {
        test(app, sink).await;
    }
}

macro_rules! on_both_databases_with_mail {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::with_mail($crate::helpers::Backend::Sqlite, super::$name).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::with_mail($crate::helpers::Backend::Postgres, super::$name).await;
                }
            )*
        }
    };
}

on_both_databases_with_mail!(
    a_person_added_signs_in_by_the_emailed_link_once,
    the_form_answers_alike_for_unknown_addresses_and_limits_requests,
    forged_posts_are_refused_and_change_nothing,
    links_expire_and_sessions_end_when_idle_or_old,
    sessions_are_rows_every_instance_reads_and_rotate_at_sign_in,
    an_editor_creates_the_reference_poll_from_the_console_form,
    the_poll_form_previews_the_options_on_a_groups_clocks,
    the_poll_form_shows_every_error_beside_its_field_and_saves_nothing,
    a_viewer_or_a_forged_form_creates_no_poll,
    a_roster_is_pasted_checked_line_by_line_and_kept,
    a_roster_is_uploaded_as_a_csv_file_checked_and_kept,
    a_member_is_changed_by_the_api_rules_and_refusals_change_nothing,
    rosters_refuse_viewers_forgeries_and_other_workspaces,
    a_group_is_invited_after_a_preview_of_who_gets_mail_in_which_language,
    chosen_members_of_a_group_are_invited_and_none_chosen_invites_no_one,
);
