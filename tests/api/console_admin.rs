//! The console's workspace pages, through real HTTP and a real SMTP
//! server, on SQLite and PostgreSQL: a poll's history, export and calendar
//! feeds; webhooks and their deliveries; people and API tokens (owners
//! only); the workspace switcher. Every refusal (another role, another
//! origin, no token, another workspace) changes nothing.

use convene::startup::Options;
use convene::webhooks::Webhooks;
use serde_json::{Value, json};

use crate::console::{Browser, Page, follow_link, link_in};
use crate::helpers::{Backend, TestApp, id, spawn_app_with};
use crate::mail::Sink;

/// A person of the workspace with `role`, signed in by the link mailed to
/// them.
async fn signed_in(app: &TestApp, sink: &Sink, email: &str, role: &str) -> Browser {
    let before = sink.messages().len();
    app.post(
        "/api/v1/workspace/people",
        Some(&app.token),
        &json!({ "email": email, "name": format!("Anriette ({role})"), "role": role }),
    )
    .await
    .ok(201);
    let mut browser = Browser::new(&app.address);
    let link = mailed_link(sink, before, email).await;
    let done = follow_link(&mut browser, &link).await;
    assert_eq!(done.status, 303, "{}", done.body);
    browser
}

/// The sign-in link of the latest mail to `email` after the first `before`.
async fn mailed_link(sink: &Sink, before: usize, email: &str) -> String {
    for _ in 0..100 {
        let mails = sink.wait_for(before + 1).await;
        if let Some(link) = mails[before..]
            .iter()
            .rev()
            .find(|m| m["rcpt_tos"] == json!([email]))
            .map(link_in)
        {
            return link;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no sign-in mail to {email}");
}

/// The first `webcal://` address on a page.
fn webcal(page: &Page) -> Option<String> {
    let at = page.body.find("href=\"webcal://")?;
    let rest = &page.body[at + "href=\"".len()..];
    Some(rest[..rest.find('"').unwrap()].to_string())
}

/// A poll of the workspace with a group of `members` invited (no mail),
/// each of whom answers: a history of `members` + 2 entries.
async fn answered_poll(app: &TestApp, members: usize) -> Value {
    let poll = app.reference_poll().await;
    let roster: Vec<Value> = (0..members)
        .map(|n| json!({ "name": format!("Member {n:03}"), "time_zone": "Asia/Tokyo" }))
        .collect();
    let group = app
        .post(
            "/api/v1/groups",
            Some(&app.token),
            &json!({ "name": "MAG 2027", "members": roster }),
        )
        .await
        .ok(201)
        .clone();
    let invited = app
        .post(
            &format!("/api/v1/polls/{}/invitations", id(&poll)),
            Some(&app.token),
            &json!({ "group_id": id(&group), "send_email": false }),
        )
        .await
        .ok(201)
        .clone();
    for i in invited["invitations"].as_array().unwrap() {
        let votes = json!([{ "option_id": poll["options"][0]["id"], "choice": "yes" }]);
        app.put(
            &format!("/api/v1/polls/{}/responses/me", id(&poll)),
            i["token"].as_str(),
            &json!({ "votes": votes }),
        )
        .await
        .ok(201);
    }
    poll
}

async fn a_polls_history_export_and_feeds_are_in_the_console(app: TestApp, sink: Sink) {
    let poll = answered_poll(&app, 55).await;
    app.close(&poll).await.ok(200);
    let poll_id = id(&poll);
    let api_history = app.history(&poll, 500).await;
    assert_eq!(
        api_history.len(),
        58,
        "created, invited, 55 answers, closed"
    );

    let mut editor = signed_in(&app, &sink, "editor@example.org", "editor").await;
    let page = editor.get(&format!("/console/polls/{poll_id}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains(&format!("/console/polls/{poll_id}/history"))
    );
    assert!(
        page.body
            .contains(&format!("/console/polls/{poll_id}/export.csv"))
    );

    // The first page: fifty entries, oldest first, in words, on the
    // poll's clock; the next page has the rest.
    let first = editor
        .get(&format!("/console/polls/{poll_id}/history"))
        .await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert!(first.body.contains("Created the poll"));
    assert!(first.body.contains("Invited members"));
    assert_eq!(first.body.matches("<td dir=\"auto\">Member ").count(), 48);
    assert!(first.body.contains("Europe/Vienna"));
    assert!(!first.body.contains("Closed voting"));
    let at = first.body.find("rel=\"next\"").expect("a next page");
    let href = &first.body[..at];
    let href = &href[href.rfind("href=\"").unwrap() + 6..];
    let href = href[..href.find('"').unwrap()].replace("&#38;", "&");
    let second = editor.get(&href).await;
    assert_eq!(second.status, 200);
    assert_eq!(second.body.matches("<td dir=\"auto\">Member ").count(), 7);
    assert!(second.body.contains("Closed voting"));
    assert!(!second.body.contains("rel=\"next\""));
    // In another language: the same entries in its words.
    let french = editor
        .get(&format!("/console/polls/{poll_id}/history?lang=fr"))
        .await;
    assert!(french.body.contains("A créé le sondage"));

    // The export: the API's CSV, as an attachment.
    let csv = reqwest::Client::new()
        .get(format!(
            "{}/console/polls/{poll_id}/export.csv",
            app.address
        ))
        .header(
            "cookie",
            format!("convene_session={}", editor.cookies["convene_session"]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = csv.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    let body = csv.text().await.unwrap();
    let api_csv = app
        .get(
            &format!("/api/v1/polls/{poll_id}/export.csv"),
            Some(&app.token),
        )
        .await;
    assert_eq!(body, api_csv.text);
    assert!(body.contains("Member 054"));

    // Feeds: the workspace's and the group's, made now and shown once as
    // webcal:// links; then only a button that gives a new address.
    let feeds = webcal(&first).expect("a webcal:// link");
    assert_eq!(first.body.matches("href=\"webcal://").count(), 2);
    let https = feeds.replacen("webcal://", "http://", 1);
    let calendar = reqwest::get(&https).await.unwrap();
    assert_eq!(calendar.status(), 200);
    let again = editor
        .get(&format!("/console/polls/{poll_id}/history"))
        .await;
    assert!(webcal(&again).is_none(), "an address is shown only once");
    let rotate = again
        .body
        .find("/rotate\"")
        .map(|at| {
            let head = &again.body[..at];
            head[head.rfind("action=\"").unwrap() + 8..].to_string() + "/rotate"
        })
        .expect("a button for a new address");
    let renewed = editor
        .post(
            &rotate,
            &[("csrf", again.csrf().as_str()), ("poll_id", poll_id)],
        )
        .await;
    assert_eq!(renewed.status, 200, "{}", renewed.body);
    let new_address = webcal(&renewed).expect("the new address");
    assert_ne!(new_address, feeds);
    let renewed_address = new_address.replacen("webcal://", "http://", 1);
    // The workspace's feed comes first: its old address is gone.
    assert_eq!(reqwest::get(&https).await.unwrap().status(), 404);
    assert_eq!(reqwest::get(&renewed_address).await.unwrap().status(), 200);

    // A viewer reads the history and exports, but sees no address and
    // cannot renew one.
    let mut viewer = signed_in(&app, &sink, "viewer@example.org", "viewer").await;
    let seen = viewer
        .get(&format!("/console/polls/{poll_id}/history"))
        .await;
    assert_eq!(seen.status, 200);
    assert!(seen.body.contains("Created the poll"));
    assert!(webcal(&seen).is_none());
    assert!(!seen.body.contains("/rotate"));
    let refused = viewer
        .post(&rotate, &[("csrf", seen.csrf().as_str())])
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(
        viewer
            .get(&format!("/console/polls/{poll_id}/export.csv"))
            .await
            .status,
        200
    );
    // A forged renewal changes nothing.
    let mut evil = editor
        .at(&app.address)
        .with_header("origin", "https://evil.example");
    let forged = evil.post(&rotate, &[("csrf", again.csrf().as_str())]).await;
    assert_eq!(forged.status, 403);
    assert_eq!(
        reqwest::get(&renewed_address).await.unwrap().status(),
        200,
        "the forged form changed nothing"
    );

    // Another workspace's poll, or none: not found; signed out: sign in.
    let other = app.other_organiser().await;
    let theirs = app
        .post(
            "/api/v1/polls",
            Some(&other),
            &crate::helpers::reference_poll_body(),
        )
        .await
        .ok(201)
        .clone();
    for path in [
        format!("/console/polls/{}/history", id(&theirs)),
        format!("/console/polls/{}/export.csv", id(&theirs)),
        "/console/polls/not-a-poll/history".to_string(),
    ] {
        assert_eq!(editor.get(&path).await.status, 404, "{path}");
    }
    let mut stranger = Browser::new(&app.address);
    for path in ["history", "export.csv"] {
        let r = stranger
            .get(&format!("/console/polls/{poll_id}/{path}"))
            .await;
        assert_eq!(r.status, 303);
    }
}

/// Each test with a real SMTP server and an app that mails through it;
/// webhooks may call loopback addresses (the tests' receivers).
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
        webhooks: Webhooks::new(true),
        ..Options::default()
    };
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

on_both_databases_with_mail!(a_polls_history_export_and_feeds_are_in_the_console,);
