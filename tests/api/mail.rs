//! Invitation mails through the outbox, against a real SMTP server
//! (aiosmtpd, `tests/mail/sink.py`), on SQLite and PostgreSQL: what a mail
//! says and in which language and zone, its link, the delivery states the
//! organiser sees, a refused recipient, and the service without SMTP.

use std::path::PathBuf;
use std::time::Duration;

use convene::mail::{Mail, MailConfig, Mailer};
use convene::startup::Options;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, id, spawn_app, spawn_app_with};
use crate::invitations::{
    create_group, invitations_path, invite, invite_only_poll, issued, member,
};

/// A real SMTP server on a port of its own, writing what it accepts to a
/// directory; stopped when dropped.
pub struct Sink {
    port: u16,
    dir: tempfile::TempDir,
    child: std::process::Child,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Sink {
    /// Starts the server, or says why it cannot (no aiosmtpd): CI sets
    /// `CONVENE_TEST_REQUIRE_SMTP=1` so that it fails instead.
    pub fn start() -> Option<Sink> {
        Sink::start_on(free_port())
    }

    /// The server on a given port (one the service was told of before).
    pub fn start_on(port: u16) -> Option<Sink> {
        let dir = tempfile::tempdir().unwrap();
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/mail/sink.py");
        // CI points this at a venv holding aiosmtpd (.ci/run).
        let python = std::env::var("CONVENE_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let spawned = std::process::Command::new(&python)
            .arg(script)
            .arg(port.to_string())
            .arg(dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            // No Python at all: the same as no aiosmtpd.
            Err(e) => {
                if std::env::var("CONVENE_TEST_REQUIRE_SMTP").is_ok_and(|v| v == "1") {
                    panic!("the SMTP test server needs {python}: {e}");
                }
                eprintln!("SKIPPED: no SMTP test server ({python}: {e}; pip install aiosmtpd)");
                return None;
            }
        };
        let mut line = String::new();
        use std::io::BufRead;
        let ready = std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .is_ok()
            && line.trim() == "ready";
        if !ready {
            let _ = child.kill();
            let _ = child.wait();
            let mut err = String::new();
            use std::io::Read;
            let _ = child.stderr.take().unwrap().read_to_string(&mut err);
            if std::env::var("CONVENE_TEST_REQUIRE_SMTP").is_ok_and(|v| v == "1") {
                panic!("the SMTP test server did not start (pip install aiosmtpd): {err}");
            }
            eprintln!("SKIPPED: no SMTP test server (pip install aiosmtpd): {err}");
            return None;
        }
        Some(Sink { port, dir, child })
    }

    pub fn mail(&self) -> Mail {
        mail_to(self.port)
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<Value> {
        let mut files: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }

    /// Waits (up to 15 s) until `n` messages have arrived.
    pub async fn wait_for(&self, n: usize) -> Vec<Value> {
        for _ in 0..150 {
            let got = self.messages();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("expected {n} mails, got {}", self.messages().len());
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The service's mail setting for an SMTP server on `port`.
fn mail_to(port: u16) -> Mail {
    Mail(Some(
        Mailer::new(&MailConfig {
            smtp_url: format!("smtp://127.0.0.1:{port}"),
            from: "IGF Secretariat <secretariat@example.org>".into(),
        })
        .unwrap(),
    ))
}

async fn with_mail<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp, Sink) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let Some(sink) = Sink::start() else {
        return;
    };
    let options = Options {
        mail: sink.mail(),
        ..Options::default()
    };
    if let Some(app) = spawn_app_with(backend, options).await {
        test(app, sink).await;
    }
}

macro_rules! with_mail_on_both_databases {
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

/// A timed poll in Vienna (13:00 on 10 July) with a deadline, and a group:
/// Yoichi in Tokyo reading French, Anna in New York, Vera without email.
async fn poll_and_group(app: &TestApp) -> (Value, Value) {
    let poll = invite_only_poll(
        app,
        json!({
            "title": "Second Open Consultations — MAG",
            "deadline": "2027-06-30T12:00:00Z",
            "options": [
                { "kind": "timed", "start": "2026-07-10T13:00", "end": "2026-07-10T16:00" },
                { "kind": "all_day", "start_date": "2026-07-13", "end_date": "2026-07-14" }
            ]
        }),
    )
    .await;
    let mut yoichi = member("Yoichi Ōta", Some("yoichi@example.org"), "Asia/Tokyo");
    yoichi["language"] = json!("fr");
    let group = create_group(
        app,
        vec![
            yoichi,
            member("Anna", Some("anna@example.org"), "America/New_York"),
            member("Vera", None, "Europe/Vienna"),
        ],
    )
    .await;
    (poll, group)
}

fn row<'a>(list: &'a Value, name: &str) -> &'a Value {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {list}"))
}

async fn listed(app: &TestApp, poll: &Value) -> Value {
    app.get(&invitations_path(poll), Some(&app.token))
        .await
        .ok(200)
        .clone()
}

async fn invitations_are_mailed_in_the_member_s_language_and_zone(app: TestApp, sink: Sink) {
    let (poll, group) = poll_and_group(&app).await;
    let created = invite(
        &app,
        &poll,
        &json!({ "group_id": id(&group), "send_email": true }),
    )
    .await
    .ok(201)
    .clone();
    assert_eq!(issued(&created, "Anna")["email_state"], "queued");
    assert_eq!(issued(&created, "Vera")["email_state"], "no_address");

    let mails = sink.wait_for(2).await;
    // Let the worker record the second delivery, then look at the states.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let list = listed(&app, &poll).await;
    for name in ["Yoichi Ōta", "Anna"] {
        assert_eq!(row(&list, name)["email_state"], "sent", "{list}");
    }
    assert_eq!(row(&list, "Vera")["email_state"], "no_address");

    let to = |m: &Value| m["rcpt_tos"][0].as_str().unwrap().to_string();
    let yoichi = mails
        .iter()
        .find(|m| to(m) == "yoichi@example.org")
        .unwrap();
    let anna = mails.iter().find(|m| to(m) == "anna@example.org").unwrap();
    for (m, lang) in [(yoichi, "fr"), (anna, "en")] {
        let h = &m["headers"];
        assert_eq!(h["Auto-Submitted"], "auto-generated");
        // The language, in the header and on the HTML part's content (mail
        // clients drop <html>'s attributes).
        assert_eq!(h["Content-Language"], lang, "{h}");
        let html = m["parts"]["text/html"].as_str().unwrap();
        assert!(
            html.contains(&format!("<div lang=\"{lang}\" dir=\"ltr\">")),
            "{html}"
        );
        assert!(
            h["Message-ID"].as_str().is_some_and(|v| v.contains('@')),
            "{h}"
        );
        assert!(
            h["From"]
                .as_str()
                .unwrap()
                .contains("secretariat@example.org")
        );
        assert_eq!(m["content_type"], "multipart/alternative");
        assert!(m["parts"]["text/plain"].is_string() && m["parts"]["text/html"].is_string());
    }
    // UTF-8 names and subjects, encoded so that they read back whole.
    assert!(
        yoichi["headers"]["To"]
            .as_str()
            .unwrap()
            .contains("Yoichi Ōta")
    );
    let subject = yoichi["headers"]["Subject"].as_str().unwrap();
    assert!(
        subject.contains("Quelles dates vous conviennent")
            && subject.contains("Second Open Consultations — MAG"),
        "{subject}"
    );
    // Yoichi: French, Tokyo time with its offset; the deadline in his zone.
    let text = yoichi["parts"]["text/plain"].as_str().unwrap();
    assert!(
        text.contains("vendredi 10 juillet 2026, 20:00–23:00 (UTC+09:00)"),
        "{text}"
    );
    assert!(
        text.contains("Le vote est ouvert jusqu’au mercredi 30 juin 2027 21:00 UTC+09:00."),
        "{text}"
    );
    // Anna: English, New York time.
    let text = anna["parts"]["text/plain"].as_str().unwrap();
    assert!(
        text.contains("Friday 10 July 2026, 07:00–10:00 (UTC-04:00)"),
        "{text}"
    );
    assert!(
        anna["parts"]["text/html"]
            .as_str()
            .unwrap()
            .contains("<html lang=\"en\"")
    );

    // The link in the mail is the member's page, and it is the vote_url.
    let url = text
        .lines()
        .find(|l| l.contains("/vote/cvn_inv_"))
        .expect("a vote link")
        .trim()
        .to_string();
    assert_eq!(url, row(&list, "Anna")["vote_url"].as_str().unwrap());
    let page = app.client.get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Hello Anna"));
}

async fn mails_are_queued_on_demand_once_and_refusals_are_kept(app: TestApp, sink: Sink) {
    let (poll, group) = poll_and_group(&app).await;
    let mut refused = member("Ravi", Some("reject-me@example.org"), "Asia/Kolkata");
    refused["language"] = json!("es");
    let extra = app
        .post(
            &format!("/api/v1/groups/{}/members", id(&group)),
            Some(&app.token),
            &json!({ "members": [refused] }),
        )
        .await;
    extra.ok(201);
    invite(&app, &poll, &json!({ "group_id": id(&group) }))
        .await
        .ok(201);
    let list = listed(&app, &poll).await;
    assert!(
        row(&list, "Anna").get("email_state").is_none(),
        "not mailed yet: {list}"
    );

    let emails = format!("/api/v1/polls/{}/invitations/emails", id(&poll));
    let sent = app.post(&emails, Some(&app.token), &json!({})).await;
    let sent = sent.ok(202).clone();
    assert_eq!(sent["queued"].as_array().unwrap().len(), 3, "{sent}");
    assert_eq!(sent["skipped"][0]["reason"], "no_address");
    // Asking again mails nobody twice.
    let again = app.post(&emails, Some(&app.token), &json!({})).await;
    let again = again.ok(202).clone();
    assert_eq!(again["queued"].as_array().unwrap().len(), 0, "{again}");

    sink.wait_for(2).await;
    // The refused one fails at once with the server's reply; the others go.
    let mut list = Value::Null;
    for _ in 0..100 {
        list = listed(&app, &poll).await;
        if row(&list, "Ravi")["email_state"] == "failed"
            && row(&list, "Anna")["email_state"] == "sent"
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(row(&list, "Ravi")["email_state"], "failed", "{list}");
    assert!(
        row(&list, "Ravi")["email_error"]
            .as_str()
            .unwrap()
            .contains("550"),
        "{list}"
    );
    assert_eq!(row(&list, "Yoichi Ōta")["email_state"], "sent");
    assert_eq!(sink.messages().len(), 2);
    // /metrics counts the outbox by state (every instance reads the table).
    let metrics = app.get("/metrics", None).await.text;
    let gauge = |state: &str| {
        metrics
            .lines()
            .find(|l| l.starts_with(&format!("convene_outbox_rows{{state=\"{state}\"}}")))
            .and_then(|l| l.rsplit(' ').next())
            .map(str::to_string)
    };
    assert_eq!(gauge("sent").as_deref(), Some("2"), "{metrics}");
    assert_eq!(gauge("failed").as_deref(), Some("1"));
    assert_eq!(gauge("queued").as_deref(), Some("0"));
    assert!(
        metrics.contains("convene_outbox_oldest_due_seconds 0"),
        "{metrics}"
    );

    // By id: mailed again, even though it was sent.
    let anna = row(&list, "Anna")["id"].clone();
    let resent = app
        .post(
            &emails,
            Some(&app.token),
            &json!({ "invitation_ids": [anna] }),
        )
        .await;
    assert_eq!(resent.ok(202)["queued"][0], anna);
    sink.wait_for(3).await;

    // Not an invitation of this poll: refused by name, nothing queued.
    let bad = app
        .post(
            &emails,
            Some(&app.token),
            &json!({ "invitation_ids": [uuid::Uuid::new_v4()] }),
        )
        .await;
    bad.problem(422);
    assert!(bad.text.contains("invitation_ids[0]"), "{}", bad.text);
    // Another organiser's poll is not there.
    let other = app.other_organiser().await;
    app.post(&emails, Some(&other), &json!({}))
        .await
        .problem(404);
    app.post(&emails, None, &json!({})).await.problem(401);
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(sink.messages().len(), 3, "nothing sent twice");
}

async fn reminders_go_only_to_those_who_have_not_answered(app: TestApp, sink: Sink) {
    let (poll, group) = poll_and_group(&app).await;
    let created = invite(&app, &poll, &json!({ "group_id": id(&group) }))
        .await
        .ok(201)
        .clone();
    // Ola is invited as an optional member.
    let ola = app
        .post(
            &format!("/api/v1/groups/{}/members", id(&group)),
            Some(&app.token),
            &json!({ "members": [member("Ola", Some("ola@example.org"), "Africa/Lagos")] }),
        )
        .await
        .ok(201)["members"][0]["id"]
        .clone();
    invite(
        &app,
        &poll,
        &json!({ "member_ids": [ola], "required": false }),
    )
    .await
    .ok(201);
    // Anna answers.
    crate::invitations::answer(
        &app,
        &poll,
        issued(&created, "Anna")["token"].as_str().unwrap(),
        &[(0, "yes")],
    )
    .await
    .ok(201);

    let reminders = format!("/api/v1/polls/{}/reminders", id(&poll));
    let sent = app
        .post(
            &reminders,
            Some(&app.token),
            &json!({ "required_only": true }),
        )
        .await;
    let sent = sent.ok(202).clone();
    assert_eq!(
        sent["queued"],
        json!([issued(&created, "Yoichi Ōta")["id"]]),
        "{sent}"
    );
    assert_eq!(
        sent["skipped"][0]["invitation_id"],
        issued(&created, "Vera")["id"]
    );
    assert_eq!(sent["skipped"][0]["reason"], "no_address");
    let mails = sink.wait_for(1).await;
    assert_eq!(mails[0]["rcpt_tos"], json!(["yoichi@example.org"]));
    let subject = mails[0]["headers"]["Subject"].as_str().unwrap();
    assert!(subject.starts_with("Rappel"), "{subject}");
    assert!(
        mails[0]["parts"]["text/plain"]
            .as_str()
            .unwrap()
            .contains("Vous n’avez pas encore répondu.")
    );

    // Everyone who has not answered, optional members too; never Anna.
    let sent = app.post(&reminders, Some(&app.token), &json!({})).await;
    assert_eq!(sent.ok(202)["queued"].as_array().unwrap().len(), 2);
    let mails = sink.wait_for(3).await;
    let to: Vec<&str> = mails
        .iter()
        .map(|m| m["rcpt_tos"][0].as_str().unwrap())
        .collect();
    assert!(!to.contains(&"anna@example.org"), "{to:?}");
    assert!(to.contains(&"ola@example.org"));

    // Closed: no reminders.
    app.close(&poll).await.ok(200);
    app.post(&reminders, Some(&app.token), &json!({}))
        .await
        .problem(409);
    let other = app.other_organiser().await;
    app.post(&reminders, Some(&other), &json!({}))
        .await
        .problem(404);
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(sink.messages().len(), 3);
}

/// The event from a mail's calendar part, unfolded, as lines.
fn calendar_lines(mail: &Value) -> Vec<String> {
    mail["parts"]["text/calendar"]
        .as_str()
        .expect("a text/calendar part")
        .replace("\r\n ", "")
        .lines()
        .map(str::to_string)
        // The calendar's own lines and the event's; not the VTIMEZONE's
        // DTSTARTs.
        .filter({
            let mut in_zone = false;
            move |l: &String| {
                if l == "BEGIN:VTIMEZONE" {
                    in_zone = true;
                }
                let keep = !in_zone;
                if l == "END:VTIMEZONE" {
                    in_zone = false;
                }
                keep
            }
        })
        .collect()
}

fn line<'a>(lines: &'a [String], prefix: &str) -> &'a str {
    lines
        .iter()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix} in {lines:?}"))
}

async fn the_outcome_reaches_calendars_as_itip_request_then_cancel(app: TestApp, sink: Sink) {
    let (poll, group) = poll_and_group(&app).await;
    let created = invite(&app, &poll, &json!({ "group_id": id(&group) }))
        .await
        .ok(201)
        .clone();
    crate::invitations::answer(
        &app,
        &poll,
        issued(&created, "Anna")["token"].as_str().unwrap(),
        &[(0, "yes")],
    )
    .await
    .ok(201);
    let confirm = format!("/api/v1/polls/{}/confirm", id(&poll));
    let first = poll["options"][0]["id"].clone();
    app.post(&confirm, Some(&app.token), &json!({ "option_id": first }))
        .await
        .ok(200);
    // One REQUEST per invitee with an address (Vera has none).
    let mails = sink.wait_for(2).await;
    let to = |m: &Value| m["rcpt_tos"][0].as_str().unwrap().to_string();
    let anna = mails.iter().find(|m| to(m) == "anna@example.org").unwrap();
    assert_eq!(
        anna["calendar_methods"],
        json!(["REQUEST", "REQUEST"]),
        "{anna}"
    );
    assert_eq!(anna["attachments"], json!(["invite.ics"]));
    assert!(
        anna["headers"]["Subject"]
            .as_str()
            .unwrap()
            .starts_with("Confirmed: ")
    );
    let cal = calendar_lines(anna);
    assert_eq!(line(&cal, "METHOD:"), "METHOD:REQUEST");
    let uid = line(&cal, "UID:").to_string();
    assert_eq!(uid, format!("UID:poll-{}@convene", id(&poll)));
    assert!(
        line(&cal, "ORGANIZER").ends_with("mailto:secretariat@example.org"),
        "{cal:?}"
    );
    let attendee = line(&cal, "ATTENDEE");
    assert!(
        attendee.contains("PARTSTAT=ACCEPTED") && attendee.ends_with("mailto:anna@example.org"),
        "{attendee}"
    );
    assert!(
        !cal.iter().any(|l| l.contains("yoichi@")),
        "only the member's own line"
    );
    // The same event as event.ics: its instants, in the poll's zone.
    assert_eq!(
        line(&cal, "DTSTART"),
        "DTSTART;TZID=Europe/Vienna:20260710T130000"
    );
    assert_eq!(
        line(&cal, "DTEND"),
        "DTEND;TZID=Europe/Vienna:20260710T160000"
    );
    assert!(
        anna["parts"]["text/calendar"]
            .as_str()
            .unwrap()
            .contains("BEGIN:VTIMEZONE")
    );
    let seq1: u32 = line(&cal, "SEQUENCE:")[9..].parse().unwrap();
    let text = anna["parts"]["text/plain"].as_str().unwrap();
    assert!(
        text.contains("Friday 10 July 2026, 07:00–10:00 (UTC-04:00)"),
        "{text}"
    );
    let yoichi = mails
        .iter()
        .find(|m| to(m) == "yoichi@example.org")
        .unwrap();
    assert!(
        yoichi["parts"]["text/plain"]
            .as_str()
            .unwrap()
            .contains("20:00–23:00 (UTC+09:00)")
    );
    let event_ics = app
        .get(
            &format!("/api/v1/polls/{}/event.ics", id(&poll)),
            Some(&app.token),
        )
        .await;
    assert!(event_ics.text.replace("\r\n ", "").contains(&uid));

    // Re-confirmed to the other option: a REQUEST with a higher SEQUENCE.
    app.post(
        &format!("/api/v1/polls/{}/reopen", id(&poll)),
        Some(&app.token),
        &json!({}),
    )
    .await
    .ok(200);
    let second = poll["options"][1]["id"].clone();
    app.post(&confirm, Some(&app.token), &json!({ "option_id": second }))
        .await
        .ok(200);
    let mails = sink.wait_for(4).await;
    let anna = mails
        .iter()
        .rev()
        .find(|m| to(m) == "anna@example.org")
        .unwrap();
    let cal = calendar_lines(anna);
    assert_eq!(line(&cal, "METHOD:"), "METHOD:REQUEST");
    assert_eq!(line(&cal, "UID:"), uid);
    assert_eq!(line(&cal, "DTSTART"), "DTSTART;VALUE=DATE:20260713");
    let seq2: u32 = line(&cal, "SEQUENCE:")[9..].parse().unwrap();
    assert!(seq2 > seq1, "{seq2} > {seq1}");

    // Cancelled: CANCEL, same UID, higher SEQUENCE still.
    app.post(
        &format!("/api/v1/polls/{}/cancel", id(&poll)),
        Some(&app.token),
        &json!({}),
    )
    .await
    .ok(200);
    let mails = sink.wait_for(6).await;
    let anna = mails
        .iter()
        .rev()
        .find(|m| to(m) == "anna@example.org")
        .unwrap();
    assert_eq!(anna["calendar_methods"][0], "CANCEL");
    let cal = calendar_lines(anna);
    assert_eq!(line(&cal, "METHOD:"), "METHOD:CANCEL");
    assert_eq!(line(&cal, "UID:"), uid);
    assert_eq!(line(&cal, "STATUS:"), "STATUS:CANCELLED");
    let seq3: u32 = line(&cal, "SEQUENCE:")[9..].parse().unwrap();
    assert!(seq3 > seq2);
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        sink.messages().len(),
        6,
        "two invitees, three outcomes each, once"
    );
}

/// A poll's automatic reminders: at the time before the deadline it names,
/// each member who has not answered gets one reminder — once, though two
/// instances deliver — and a reminder the organiser removed never comes.
async fn automatic_reminders_go_out_once_before_the_deadline(app: TestApp, sink: Sink) {
    let second = app.second_instance().await;
    // Due four seconds from now.
    let deadline = (chrono::Utc::now() + chrono::Duration::seconds(600))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let poll = invite_only_poll(
        &app,
        json!({ "deadline": deadline, "reminders": ["P3D", "PT9M56S"] }),
    )
    .await;
    assert_eq!(poll["reminders"], json!(["P3D", "PT9M56S"]));
    let group = create_group(
        &app,
        vec![
            member("Yoichi", Some("yoichi@example.org"), "Asia/Tokyo"),
            member("Anna", Some("anna@example.org"), "America/New_York"),
            member("Vera", None, "Europe/Vienna"),
        ],
    )
    .await;
    let created = invite(&app, &poll, &json!({ "group_id": id(&group) }))
        .await
        .ok(201)
        .clone();
    // The same poll again, whose reminder the organiser then removes.
    let quiet = invite_only_poll(
        &app,
        json!({ "title": "Quiet", "deadline": deadline, "reminders": ["PT9M56S"] }),
    )
    .await;
    invite(&app, &quiet, &json!({ "group_id": id(&group) }))
        .await
        .ok(201);
    let patched = app
        .request_with(
            reqwest::Method::PATCH,
            &format!("/api/v1/polls/{}", id(&quiet)),
            Some(&app.token),
            Some(&json!({ "reminders": [] })),
            &[("If-Match", "*")],
        )
        .await;
    assert_eq!(patched.ok(200)["reminders"], json!([]));
    // Anna answers before the reminder is due.
    crate::invitations::answer(
        &app,
        &poll,
        issued(&created, "Anna")["token"].as_str().unwrap(),
        &[(0, "yes")],
    )
    .await
    .ok(201);
    assert!(sink.messages().is_empty(), "nothing before it is due");

    let mails = sink.wait_for(1).await;
    assert_eq!(mails[0]["rcpt_tos"], json!(["yoichi@example.org"]));
    assert!(
        mails[0]["headers"]["Subject"]
            .as_str()
            .unwrap()
            .starts_with("Reminder"),
        "{}",
        mails[0]["headers"]["Subject"]
    );
    // Both instances' workers have looked many times by now.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mails = sink.messages();
    assert_eq!(
        mails.len(),
        1,
        "one reminder, once, and none from the poll whose reminder was removed: {mails:?}"
    );
    drop(second);
}

/// Mail names the workspace: `From` carries its name at the service's own
/// address (the envelope sender stays `CONVENE_MAIL_FROM`, so SPF and DKIM
/// stay the operator's), `Reply-To` its address, and the calendar
/// invitation's ORGANIZER is the workspace, so an "Accept" reaches it.
async fn mail_is_from_the_workspace_and_replies_go_to_it(app: TestApp, sink: Sink) {
    app.request(
        reqwest::Method::PATCH,
        "/api/v1/workspace",
        Some(&app.token),
        Some(&json!({ "name": "IGF Secretariat (MAG)", "reply_to": "mag@intgovforum.example" })),
    )
    .await
    .ok(200);
    let (poll, group) = poll_and_group(&app).await;
    let mut body = json!({ "group_id": id(&group) });
    body["send_email"] = json!(true);
    invite(&app, &poll, &body).await.ok(201);
    let invitations = sink.wait_for(2).await;
    for m in &invitations {
        let h = &m["headers"];
        assert_eq!(
            h["From"], "\"IGF Secretariat (MAG)\" <secretariat@example.org>",
            "{h}"
        );
        assert!(
            h["Reply-To"]
                .as_str()
                .unwrap()
                .contains("<mag@intgovforum.example>"),
            "{h}"
        );
        assert_eq!(m["mail_from"], "secretariat@example.org", "the envelope");
    }
    app.post(
        &format!("/api/v1/polls/{}/confirm", id(&poll)),
        Some(&app.token),
        &json!({ "option_id": poll["options"][0]["id"] }),
    )
    .await
    .ok(200);
    let mails = sink.wait_for(4).await;
    let outcome = mails
        .iter()
        .find(|m| {
            m["calendar_methods"]
                .as_array()
                .is_some_and(|c| !c.is_empty())
        })
        .unwrap();
    let cal = calendar_lines(outcome);
    let organizer = line(&cal, "ORGANIZER");
    assert!(
        organizer.contains("CN=IGF Secretariat (MAG)")
            && organizer.ends_with("mailto:mag@intgovforum.example"),
        "{organizer}"
    );
    assert_eq!(outcome["mail_from"], "secretariat@example.org");
}

/// A seat freed by a withdrawal goes to the first waiting, who is mailed
/// in their language, through the outbox, once; a member seated from the
/// start is not mailed.
async fn a_member_given_a_freed_seat_is_mailed_in_their_language(app: TestApp, sink: Sink) {
    let poll = invite_only_poll(
        &app,
        json!({ "title": "MAG meeting, Vienna International Centre",
                "attendance_modes": ["in_person", "online"],
                "options": [ { "kind": "all_day", "start_date": "2027-07-06",
                               "end_date": "2027-07-07", "capacity": 1 } ] }),
    )
    .await;
    let mut yoichi = member("Yoichi Ōta", Some("yoichi@example.org"), "Asia/Tokyo");
    yoichi["language"] = json!("fr");
    let group = create_group(
        &app,
        vec![
            yoichi,
            member("Anna", Some("anna@example.org"), "America/New_York"),
        ],
    )
    .await;
    let created = invite(&app, &poll, &json!({ "group_id": id(&group) }))
        .await
        .ok(201)
        .clone();
    let token = |name: &str| {
        issued(&created, name)["token"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let option = poll["options"][0]["id"].clone();
    for name in ["Anna", "Yoichi Ōta"] {
        app.post(
            &format!("/api/v1/polls/{}/responses", id(&poll)),
            Some(&token(name)),
            &json!({ "votes": [{ "option_id": option, "choice": "yes", "attendance": "in_person" }] }),
        )
        .await
        .ok(201);
    }
    // Anna goes online: Yoichi, waiting, gets her seat.
    app.put(
        &format!("/api/v1/polls/{}/responses/me", id(&poll)),
        Some(&token("Anna")),
        &json!({ "votes": [{ "option_id": option, "choice": "yes", "attendance": "online" }] }),
    )
    .await
    .ok(200);
    let mails = sink.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mails = if sink.messages().len() > mails.len() {
        sink.messages()
    } else {
        mails
    };
    assert_eq!(mails.len(), 1, "{mails:?}");
    let m = &mails[0];
    assert_eq!(m["rcpt_tos"][0], "yoichi@example.org");
    let subject = m["headers"]["Subject"].as_str().unwrap();
    assert!(subject.contains("Une place pour vous"), "{subject}");
    let text = m["parts"]["text/plain"].as_str().unwrap();
    assert!(text.contains("Une place en présentiel"), "{text}");
    assert!(text.contains("juillet 2027"), "{text}");
    assert!(text.contains("/vote/cvn_inv_"), "{text}");

    // The outcome says how each attends, and Yoichi's seat.
    app.close(&poll).await.ok(200);
    app.post(
        &format!("/api/v1/polls/{}/confirm", id(&poll)),
        Some(&app.token),
        &json!({ "option_id": option }),
    )
    .await
    .ok(200);
    let mails = sink.wait_for(3).await;
    let outcome_to = |to: &str| {
        mails[1..]
            .iter()
            .find(|m| m["rcpt_tos"][0] == to)
            .unwrap_or_else(|| panic!("no outcome to {to}: {mails:?}"))
    };
    let yoichi = outcome_to("yoichi@example.org");
    let text = yoichi["parts"]["text/plain"].as_str().unwrap();
    assert!(
        text.contains("Vous avez indiqué votre participation : En présentiel"),
        "{text}"
    );
    assert!(
        text.contains("Vous avez une place en présentiel."),
        "{text}"
    );
    let html = yoichi["parts"]["text/html"].as_str().unwrap();
    assert!(
        html.contains("Vous avez indiqué votre participation"),
        "{html}"
    );
    let anna = outcome_to("anna@example.org");
    let text = anna["parts"]["text/plain"].as_str().unwrap();
    assert!(text.contains("You said you will attend: Online"), "{text}");
    assert!(!text.contains("seat"), "online: no seat line: {text}");
}

with_mail_on_both_databases!(
    mail_is_from_the_workspace_and_replies_go_to_it,
    automatic_reminders_go_out_once_before_the_deadline,
    a_member_given_a_freed_seat_is_mailed_in_their_language,
    the_outcome_reaches_calendars_as_itip_request_then_cancel,
    reminders_go_only_to_those_who_have_not_answered,
    invitations_are_mailed_in_the_member_s_language_and_zone,
    an_arabic_mail_keeps_every_time_and_offset_in_its_order,
    mails_are_queued_on_demand_once_and_refusals_are_kept,
    two_instances_send_each_of_200_mails_once,
);

/// A mail the server defers (451, as greylisting does) is sent again with
/// the same Message-ID, made from its outbox row: one mail, tried twice.
async fn a_retried_mail_keeps_its_message_id(backend: Backend) {
    let Some(sink) = Sink::start() else {
        return;
    };
    let options = Options {
        mail: sink.mail(),
        backoff: convene::delivery::Backoff {
            first: Duration::from_millis(300),
            ..Default::default()
        },
        ..Options::default()
    };
    let Some(app) = spawn_app_with(backend, options).await else {
        return;
    };
    let poll = invite_only_poll(&app, json!({})).await;
    let group = create_group(
        &app,
        vec![
            member("Lena", Some("later@example.org"), "Europe/Vienna"),
            member("Omar", Some("omar@example.org"), "Africa/Cairo"),
        ],
    )
    .await;
    invite(
        &app,
        &poll,
        &json!({ "group_id": id(&group), "send_email": true }),
    )
    .await
    .ok(201);
    let mails = sink.wait_for(2).await;
    let deferred = std::fs::read_to_string(sink.dir.path().join("deferred.txt")).unwrap();
    let deferred: Vec<&str> = deferred.lines().collect();
    assert_eq!(deferred.len(), 1, "{deferred:?}");
    let id_of = |to: &str| {
        mails
            .iter()
            .find(|m| m["rcpt_tos"][0] == to)
            .unwrap_or_else(|| panic!("no mail to {to}: {mails:?}"))["headers"]["Message-ID"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (lena, omar) = (id_of("later@example.org"), id_of("omar@example.org"));
    assert_eq!(lena, deferred[0], "the retry is the same message");
    assert_ne!(lena, omar, "each mail has its own id");
    for id in [&lena, &omar] {
        let inner = id.trim_start_matches('<').trim_end_matches('>');
        let (row, domain) = inner.split_once('@').unwrap();
        assert!(uuid::Uuid::parse_str(row).is_ok(), "{id}");
        assert_eq!(domain, "example.org", "{id}");
    }
}

/// The mail server is down when the invitations go out, then comes back:
/// every mail arrives once it is up, none twice.
async fn mail_server_down_then_up(backend: Backend) {
    let port = free_port();
    let options = Options {
        mail: mail_to(port),
        // Retries after about 0.3 s, 0.6 s, 1.2 s… instead of 20 s, 40 s…
        backoff: convene::delivery::Backoff {
            first: Duration::from_millis(300),
            ..Default::default()
        },
        ..Options::default()
    };
    let Some(app) = spawn_app_with(backend, options).await else {
        return;
    };
    let (poll, group) = poll_and_group(&app).await;
    invite(
        &app,
        &poll,
        &json!({ "group_id": id(&group), "send_email": true }),
    )
    .await
    .ok(201);
    // Tried and refused: still queued, with the reason.
    let mut list = Value::Null;
    for _ in 0..50 {
        list = listed(&app, &poll).await;
        if row(&list, "Anna")["email_error"].is_string() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(row(&list, "Anna")["email_state"], "queued", "{list}");
    assert!(row(&list, "Anna")["email_error"].is_string(), "{list}");
    let Some(sink) = Sink::start_on(port) else {
        return;
    };
    let mails = sink.wait_for(2).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(sink.messages().len(), 2, "each mail once: {mails:?}");
    let list = listed(&app, &poll).await;
    assert_eq!(row(&list, "Anna")["email_state"], "sent", "{list}");
    assert_eq!(row(&list, "Yoichi Ōta")["email_state"], "sent");
}

/// Two instances on one database share 200 invitation mails: 200 arrive,
/// one per member, none twice.
async fn two_instances_send_each_of_200_mails_once(app: TestApp, sink: Sink) {
    let second = app.second_instance().await;
    let poll = invite_only_poll(&app, json!({})).await;
    let members: Vec<Value> = (0..200)
        .map(|n| {
            member(
                &format!("Member {n}"),
                Some(&format!("member{n}@example.org")),
                "Europe/Vienna",
            )
        })
        .collect();
    let group = create_group(&app, members).await;
    let started = std::time::Instant::now();
    invite(
        &second,
        &poll,
        &json!({ "group_id": id(&group), "send_email": true }),
    )
    .await
    .ok(201);
    let mails = sink.wait_for(200).await;
    let took = started.elapsed();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mails = if sink.messages().len() > mails.len() {
        sink.messages()
    } else {
        mails
    };
    let mut to: Vec<String> = mails
        .iter()
        .map(|m| m["rcpt_tos"][0].as_str().unwrap().to_string())
        .collect();
    assert_eq!(to.len(), 200, "mails sent");
    to.sort();
    to.dedup();
    assert_eq!(to.len(), 200, "no member mailed twice");
    eprintln!(
        "outbox on {:?}: 200 invitation mails by two instances in {:.2} s ({:.0} mails/s), 0 duplicates",
        app.backend,
        took.as_secs_f64(),
        200.0 / took.as_secs_f64()
    );
}

/// A worker that stalls mid-delivery (as one killed then does) holds its
/// rows only for its lease: another instance then delivers them, once.
async fn a_stalled_worker_loses_its_rows_to_another_instance(backend: Backend) {
    // A mail server that accepts connections and never says a word: the
    // worker sending to it hangs in the SMTP greeting.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let short = convene::delivery::Backoff {
        first: Duration::from_millis(300),
        lease: Duration::from_secs(2),
    };
    let stalled = Options {
        mail: mail_to(silent.local_addr().unwrap().port()),
        backoff: short,
        ..Options::default()
    };
    let Some(app) = spawn_app_with(backend, stalled).await else {
        return;
    };
    let (poll, group) = poll_and_group(&app).await;
    invite(
        &app,
        &poll,
        &json!({ "group_id": id(&group), "send_email": true }),
    )
    .await
    .ok(201);
    tokio::time::sleep(Duration::from_millis(800)).await;
    let Some(sink) = Sink::start() else {
        return;
    };
    assert!(sink.messages().is_empty());
    let healthy = app
        .instance_with(Options {
            mail: sink.mail(),
            backoff: short,
            ..Options::default()
        })
        .await;
    let started = std::time::Instant::now();
    sink.wait_for(2).await;
    assert!(started.elapsed() < Duration::from_secs(10));
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(sink.messages().len(), 2, "each mail once");
    let list = listed(&healthy, &poll).await;
    assert_eq!(row(&list, "Anna")["email_state"], "sent", "{list}");
    drop(silent);
}

mod stalled {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::a_stalled_worker_loses_its_rows_to_another_instance(super::Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::a_stalled_worker_loses_its_rows_to_another_instance(super::Backend::Postgres).await;
    }
}

mod deferred {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::a_retried_mail_keeps_its_message_id(super::Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::a_retried_mail_keeps_its_message_id(super::Backend::Postgres).await;
    }
}

mod outages {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::mail_server_down_then_up(super::Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::mail_server_down_then_up(super::Backend::Postgres).await;
    }
}

/// Without an SMTP server nothing is queued, and the API says so.
async fn without_smtp_the_api_says_mail_is_not_configured(app: TestApp) {
    let (poll, group) = poll_and_group(&app).await;
    let created = invite(
        &app,
        &poll,
        &json!({ "group_id": id(&group), "send_email": true }),
    )
    .await
    .ok(201)
    .clone();
    assert_eq!(issued(&created, "Anna")["email_state"], "not_configured");
    assert_eq!(issued(&created, "Vera")["email_state"], "no_address");
    let list = listed(&app, &poll).await;
    assert_eq!(row(&list, "Anna")["email_state"], "not_configured");
    let sent = app
        .post(
            &format!("/api/v1/polls/{}/invitations/emails", id(&poll)),
            Some(&app.token),
            &json!({}),
        )
        .await;
    let sent = sent.ok(202).clone();
    assert!(sent["queued"].as_array().unwrap().is_empty());
    let reasons: Vec<&str> = sent["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons.iter().filter(|r| **r == "not_configured").count(),
        2,
        "{sent}"
    );
    assert_eq!(reasons.iter().filter(|r| **r == "no_address").count(), 1);
}

mod not_configured {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        if let Some(app) = super::spawn_app(super::Backend::Sqlite).await {
            super::without_smtp_the_api_says_mail_is_not_configured(app).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some(app) = super::spawn_app(super::Backend::Postgres).await {
            super::without_smtp_the_api_says_mail_is_not_configured(app).await;
        }
    }
}

/// Inside Arabic (right-to-left) text, a time or an offset is isolated as
/// left-to-right, so "UTC+09:00" is not shown as "+09:00UTC": Unicode
/// isolates in the plain text, `<bdi>` in the HTML.
async fn an_arabic_mail_keeps_every_time_and_offset_in_its_order(app: TestApp, sink: Sink) {
    let (poll, _) = poll_and_group(&app).await;
    let mut samir = member("سمير", Some("samir@example.org"), "Asia/Tokyo");
    samir["language"] = json!("ar");
    let group = create_group(&app, vec![samir]).await;
    invite(
        &app,
        &poll,
        &json!({ "group_id": id(&group), "send_email": true }),
    )
    .await
    .ok(201);
    let mails = sink.wait_for(1).await;
    let mail = &mails[0];
    assert_eq!(mail["headers"]["Content-Language"], "ar");
    let (lri, fsi, pdi) = ('\u{2066}', '\u{2068}', '\u{2069}');
    let text = mail["parts"]["text/plain"].as_str().unwrap();
    for isolated in [
        format!("{lri}20:00{pdi}"),
        format!("{lri}23:00{pdi}"),
        format!("{lri}UTC{fsi}+09:00{pdi}{pdi}"),
        // The deadline, 21:00 in Tokyo.
        format!("{lri}21:00{pdi}"),
    ] {
        assert!(text.contains(&isolated), "{isolated:?} in {text:?}");
    }
    let html = mail["parts"]["text/html"].as_str().unwrap();
    assert!(html.contains("<div lang=\"ar\" dir=\"rtl\">"), "{html}");
    assert!(html.contains("<bdi dir=\"ltr\">21:00</bdi>"), "{html}");
    assert!(
        html.contains("<bdi dir=\"ltr\">UTC<bdi>+09:00</bdi></bdi>"),
        "{html}"
    );
    assert!(
        !html.contains(lri) && !html.contains(pdi),
        "marks left in {html}"
    );
}
