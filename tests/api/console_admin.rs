//! The console's workspace pages, through real HTTP and a real SMTP
//! server, on SQLite and PostgreSQL: a poll's history, export and calendar
//! feeds; webhooks and their deliveries; people and API tokens (owners
//! only); the workspace switcher. Every refusal (another role, another
//! origin, no token, another workspace) changes nothing.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use convene::startup::Options;
use convene::webhooks::Webhooks;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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

/// An endpoint on 127.0.0.1 that answers every call 204; how many came.
async fn receiver() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let mut read = 0;
                // The head, then as much body as it announces.
                loop {
                    match socket.read(&mut buf[read..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => read += n,
                    }
                    let text = String::from_utf8_lossy(&buf[..read]).to_lowercase();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if read >= end + 4 + length {
                            break;
                        }
                    }
                }
                seen.fetch_add(1, Ordering::SeqCst);
                let _ = socket
                    .write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (format!("http://127.0.0.1:{port}/hooks/convene"), calls)
}

async fn webhooks(app: &TestApp) -> Vec<Value> {
    app.get("/api/v1/webhooks", Some(&app.token)).await.ok(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn webhooks_are_added_with_their_secret_shown_once_followed_and_removed(
    app: TestApp,
    sink: Sink,
) {
    let (url, calls) = receiver().await;
    let mut owner = signed_in(&app, &sink, "owner@example.org", "owner").await;
    let empty = owner.get("/console/webhooks").await;
    assert_eq!(empty.status, 200);
    assert!(empty.body.contains("No webhooks yet."));
    assert!(
        empty.body.contains("href=\"/console/people?lang=en\""),
        "owners see People"
    );
    let csrf = empty.csrf();

    // A refused address: the reason beside the field, 422, nothing stored.
    let port = url.split(':').nth(2).unwrap().split('/').next().unwrap();
    let ftp = format!("ftp://127.0.0.1:{port}/hooks");
    let refused = owner
        .post(
            "/console/webhooks",
            &[
                ("csrf", csrf.as_str()),
                ("url", ftp.as_str()),
                ("events", "response.created"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let beside = &refused.body[refused
        .body
        .find("id=\"url-error\"")
        .expect("beside the url")..];
    assert!(beside[..200].contains("url:"), "{beside}");
    assert!(refused.body.contains("role=\"alert\""));
    assert!(
        refused.body.contains(&format!("value=\"{ftp}\"")),
        "kept as typed"
    );
    // No event ticked: beside the events.
    let no_events = owner
        .post(
            "/console/webhooks",
            &[("csrf", csrf.as_str()), ("url", url.as_str())],
        )
        .await;
    assert_eq!(no_events.status, 422);
    assert!(no_events.body.contains("id=\"events-error\""));
    assert!(webhooks(&app).await.is_empty(), "nothing stored");

    // Added: the secret on the answer, once, never in an address.
    let added = owner
        .post(
            "/console/webhooks",
            &[
                ("csrf", csrf.as_str()),
                ("url", url.as_str()),
                ("events", "response.created"),
                ("events", "poll.closed"),
            ],
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.body);
    assert!(added.location.is_none());
    let at = added.body.find("whsec_").expect("the signing secret");
    let secret = &added.body[at..at + added.body[at..].find('"').unwrap()];
    let hooks = webhooks(&app).await;
    assert_eq!(hooks.len(), 1);
    assert_eq!(hooks[0]["url"], url);
    assert_eq!(
        hooks[0]["events"],
        json!(["response.created", "poll.closed"])
    );
    let listed = owner.get("/console/webhooks").await;
    assert!(listed.body.contains(&url));
    assert!(!listed.body.contains(secret), "shown only once");
    assert!(!listed.body.contains("whsec_"));

    // A call, followed to its delivery.
    let poll = app.reference_poll().await;
    app.vote(&poll, "Amara", &[(0, "yes")]).await.ok(201);
    let mut delivered = false;
    for _ in 0..100 {
        let page = owner.get("/console/webhooks").await;
        if page.body.contains(">delivered<") {
            assert!(page.body.contains("response.created"));
            delivered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(delivered, "the call shows as delivered");
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // Editors and viewers read the list but add and remove nothing.
    let hook = hooks[0]["id"].as_str().unwrap();
    let remove = format!("/console/webhooks/{hook}/remove");
    for (email, role) in [
        ("editor@example.org", "editor"),
        ("viewer@example.org", "viewer"),
    ] {
        let mut other = signed_in(&app, &sink, email, role).await;
        let page = other.get("/console/webhooks").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains(&url));
        assert!(!page.body.contains(&remove), "{role}: no remove button");
        assert!(
            !page.body.contains("action=\"/console/webhooks\""),
            "{role}: no form"
        );
        assert!(
            !page.body.contains("href=\"/console/people"),
            "{role}: no People"
        );
        let csrf = page.csrf();
        let r = other
            .post(
                "/console/webhooks",
                &[
                    ("csrf", csrf.as_str()),
                    ("url", url.as_str()),
                    ("events", "poll.closed"),
                ],
            )
            .await;
        assert_eq!(r.status, 403, "{role}");
        assert!(r.body.contains("only an owner"), "{role}");
        let r = other.post(&remove, &[("csrf", csrf.as_str())]).await;
        assert_eq!(r.status, 403, "{role}");
    }
    // Another origin, or no token: refused.
    let mut evil = owner
        .at(&app.address)
        .with_header("origin", "https://evil.example");
    assert_eq!(
        evil.post(&remove, &[("csrf", csrf.as_str())]).await.status,
        403
    );
    assert_eq!(owner.post(&remove, &[("csrf", "forged")]).await.status, 403);
    assert_eq!(webhooks(&app).await.len(), 1, "nothing changed");

    // Another workspace's webhook: not found.
    let other = app.other_organiser().await;
    let theirs = app
        .post(
            "/api/v1/webhooks",
            Some(&other),
            &json!({ "url": url, "events": ["poll.closed"] }),
        )
        .await
        .ok(201)
        .clone();
    let r = owner
        .post(
            &format!("/console/webhooks/{}/remove", id(&theirs)),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(r.status, 404);

    // Removed by its owner.
    let gone = owner.post(&remove, &[("csrf", csrf.as_str())]).await;
    assert_eq!(gone.status, 303);
    let after = owner.get(gone.location.as_deref().unwrap()).await;
    assert!(after.body.contains("The webhook is removed"));
    assert!(webhooks(&app).await.is_empty());
}

async fn people_of(app: &TestApp, token: &str) -> Vec<Value> {
    app.get("/api/v1/workspace", Some(token)).await.ok(200)["people"]
        .as_array()
        .unwrap()
        .clone()
}

fn person<'a>(people: &'a [Value], email: &str) -> Option<&'a Value> {
    people.iter().find(|p| p["email"] == email)
}

async fn people_are_added_given_roles_and_removed_by_owners_only(app: TestApp, sink: Sink) {
    let mut owner = signed_in(&app, &sink, "owner@example.org", "owner").await;
    let page = owner.get("/console/people").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("owner@example.org"));
    let csrf = page.csrf();
    let before = people_of(&app, &app.token).await.len();

    // Every error beside its field, nothing stored.
    let wrong = owner
        .post(
            "/console/people",
            &[
                ("csrf", csrf.as_str()),
                ("email", "not-an-address"),
                ("name", ""),
                ("role", "editor"),
                ("language", "fr"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("id=\"email-error\""));
    assert!(wrong.body.contains("id=\"name-error\""));
    assert!(wrong.body.contains("value=\"not-an-address\""));
    assert_eq!(people_of(&app, &app.token).await.len(), before);

    // Added, and mailed a sign-in link in their language.
    let mails = sink.messages().len();
    let added = owner
        .post(
            "/console/people",
            &[
                ("csrf", csrf.as_str()),
                ("email", "Anna@Example.org"),
                ("name", "Anna"),
                ("role", "viewer"),
                ("language", "fr"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let shown = owner.get(added.location.as_deref().unwrap()).await;
    assert!(shown.body.contains("The person is added"));
    let people = people_of(&app, &app.token).await;
    let anna = person(&people, "anna@example.org")
        .expect("Anna is added")
        .clone();
    assert_eq!(anna["role"], "viewer");
    let link = mailed_link(&sink, mails, "anna@example.org").await;
    let mail = sink
        .messages()
        .into_iter()
        .rev()
        .find(|m| m["rcpt_tos"] == json!(["anna@example.org"]))
        .unwrap();
    assert_eq!(mail["headers"]["Content-Language"], "fr");
    // The same address again: beside the field, 409.
    let again = owner
        .post(
            "/console/people",
            &[
                ("csrf", csrf.as_str()),
                ("email", "anna@example.org"),
                ("name", "Anna"),
                ("role", "viewer"),
                ("language", "fr"),
            ],
        )
        .await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("id=\"email-error\""));

    // A new role.
    let anna_id = id(&anna).to_string();
    let r = owner
        .post(
            &format!("/console/people/{anna_id}/role"),
            &[("csrf", csrf.as_str()), ("role", "editor")],
        )
        .await;
    assert_eq!(r.status, 303);
    let people = people_of(&app, &app.token).await;
    assert_eq!(
        person(&people, "anna@example.org").unwrap()["role"],
        "editor"
    );

    // An editor is refused the page and every form, and nothing changes.
    let mut editor = Browser::new(&app.address);
    assert_eq!(follow_link(&mut editor, &link).await.status, 303);
    let refused = editor.get("/console/people").await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("only an owner"));
    assert!(
        !refused.body.contains("href=\"/console/people"),
        "no People link"
    );
    let theirs = refused.csrf();
    for (path, form) in [
        (
            "/console/people".to_string(),
            vec![
                ("email", "eve@example.org"),
                ("name", "Eve"),
                ("role", "owner"),
                ("language", "en"),
            ],
        ),
        (
            format!("/console/people/{anna_id}/role"),
            vec![("role", "owner")],
        ),
        (format!("/console/people/{anna_id}/remove"), vec![]),
    ] {
        let mut form = form.clone();
        form.push(("csrf", theirs.as_str()));
        let r = editor.post(&path, &form).await;
        assert_eq!(r.status, 403, "{path}");
    }
    let mut viewer = signed_in(&app, &sink, "viewer@example.org", "viewer").await;
    assert_eq!(viewer.get("/console/people").await.status, 403);
    let people = people_of(&app, &app.token).await;
    assert!(person(&people, "eve@example.org").is_none());
    assert_eq!(
        person(&people, "anna@example.org").unwrap()["role"],
        "editor"
    );

    // Another origin, or no token: refused.
    let mut evil = owner
        .at(&app.address)
        .with_header("origin", "https://evil.example");
    let remove = format!("/console/people/{anna_id}/remove");
    assert_eq!(
        evil.post(&remove, &[("csrf", csrf.as_str())]).await.status,
        403
    );
    assert_eq!(owner.post(&remove, &[("csrf", "x")]).await.status, 403);
    // Another workspace's person: not found.
    let other = app.other_organiser().await;
    let stranger = people_of(&app, &other).await;
    let r = owner
        .post(
            &format!("/console/people/{}/remove", id(&stranger[0])),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(people_of(&app, &other).await.len(), 1);

    // Removed: they are signed out at once.
    let r = owner.post(&remove, &[("csrf", csrf.as_str())]).await;
    assert_eq!(r.status, 303);
    assert!(person(&people_of(&app, &app.token).await, "anna@example.org").is_none());
    assert_eq!(editor.get("/console").await.status, 303);

    // The last owner keeps the role.
    let first_owner = people_of(&app, &app.token)
        .await
        .into_iter()
        .find(|p| p["role"] == "owner" && p["email"] != "owner@example.org")
        .unwrap();
    let r = owner
        .post(
            &format!("/console/people/{}/role", id(&first_owner)),
            &[("csrf", csrf.as_str()), ("role", "editor")],
        )
        .await;
    assert_eq!(r.status, 303);
    let me = person(&people_of(&app, &app.token).await, "owner@example.org")
        .unwrap()
        .clone();
    let r = owner
        .post(
            &format!("/console/people/{}/role", id(&me)),
            &[("csrf", csrf.as_str()), ("role", "viewer")],
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    let people = people_of(&app, &app.token).await;
    assert_eq!(
        person(&people, "owner@example.org").unwrap()["role"],
        "owner"
    );
}

async fn token_count(app: &TestApp) -> usize {
    app.get("/api/v1/tokens", Some(&app.token)).await.ok(200)["tokens"]
        .as_array()
        .unwrap()
        .len()
}

async fn tokens_are_created_shown_once_and_revoked_by_owners_only(app: TestApp, sink: Sink) {
    let mut owner = signed_in(&app, &sink, "owner@example.org", "owner").await;
    let page = owner.get("/console/tokens").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let csrf = page.csrf();
    let before = token_count(&app).await;

    let wrong = owner
        .post(
            "/console/tokens",
            &[("csrf", csrf.as_str()), ("name", ""), ("scope", "read")],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("id=\"name-error\""));
    assert_eq!(token_count(&app).await, before);

    // Created: the secret on the answer only, and it works as a read token.
    let created = owner
        .post(
            "/console/tokens",
            &[
                ("csrf", csrf.as_str()),
                ("name", "Reporting"),
                ("scope", "read"),
            ],
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert!(created.location.is_none());
    let at = created.body.find("cvn_org_").expect("the token");
    let secret = created.body[at..at + created.body[at..].find('"').unwrap()].to_string();
    app.get("/api/v1/polls", Some(&secret)).await.ok(200);
    let write = app
        .post(
            "/api/v1/polls",
            Some(&secret),
            &crate::helpers::reference_poll_body(),
        )
        .await;
    assert_eq!(write.status, 403, "a read token writes nothing");
    let listed = owner.get("/console/tokens").await;
    assert!(listed.body.contains("Reporting"));
    assert!(!listed.body.contains(&secret), "shown only once");
    assert!(!listed.body.contains("cvn_org_"));
    assert_eq!(token_count(&app).await, before + 1);
    let tokens = app.get("/api/v1/tokens", Some(&app.token)).await.ok(200)["tokens"].clone();
    let token_id = tokens
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Reporting")
        .map(|t| id(t).to_string())
        .unwrap();
    let revoke = format!("/console/tokens/{token_id}/revoke");

    // Editors and viewers: refused, nothing changed.
    for (email, role) in [
        ("editor@example.org", "editor"),
        ("viewer@example.org", "viewer"),
    ] {
        let mut other = signed_in(&app, &sink, email, role).await;
        let refused = other.get("/console/tokens").await;
        assert_eq!(refused.status, 403, "{role}");
        assert!(
            !refused.body.contains("href=\"/console/tokens"),
            "{role}: no link"
        );
        let theirs = refused.csrf();
        let r = other
            .post(
                "/console/tokens",
                &[
                    ("csrf", theirs.as_str()),
                    ("name", "Mine"),
                    ("scope", "write"),
                ],
            )
            .await;
        assert_eq!(r.status, 403, "{role}");
        assert_eq!(
            other
                .post(&revoke, &[("csrf", theirs.as_str())])
                .await
                .status,
            403
        );
    }
    let mut evil = owner
        .at(&app.address)
        .with_header("origin", "https://evil.example");
    assert_eq!(
        evil.post(&revoke, &[("csrf", csrf.as_str())]).await.status,
        403
    );
    assert_eq!(token_count(&app).await, before + 1);
    app.get("/api/v1/polls", Some(&secret)).await.ok(200);

    // Revoked: the API refuses it at once.
    let r = owner.post(&revoke, &[("csrf", csrf.as_str())]).await;
    assert_eq!(r.status, 303);
    assert!(
        owner
            .get(r.location.as_deref().unwrap())
            .await
            .body
            .contains("The token is revoked")
    );
    assert_eq!(app.get("/api/v1/polls", Some(&secret)).await.status, 401);
    assert_eq!(
        owner.post(&revoke, &[("csrf", csrf.as_str())]).await.status,
        404
    );
}

/// The `value` of the `<option>` whose text is `label`.
fn option_value(page: &Page, label: &str) -> String {
    let at = page
        .body
        .find(&format!(">{label}</option>"))
        .unwrap_or_else(|| panic!("no option {label} in {}", page.body));
    let head = &page.body[..at];
    let from = head.rfind("value=\"").unwrap() + "value=\"".len();
    head[from..from + head[from..].find('"').unwrap()].to_string()
}

async fn a_person_of_two_workspaces_switches_between_them(app: TestApp, sink: Sink) {
    let ours = app.get("/api/v1/workspace", Some(&app.token)).await.ok(200)["name"]
        .as_str()
        .unwrap()
        .to_string();
    let other = app.other_organiser().await;
    let theirs_poll = app
        .post(
            "/api/v1/polls",
            Some(&other),
            &json!({
                "title": "Their own consultation",
                "time_zone": "UTC",
                "options": [{ "kind": "all_day", "start_date": "2027-07-05", "end_date": "2027-07-06" }]
            }),
        )
        .await
        .ok(201)
        .clone();
    // Signed in first where they were added first: ours, as an editor.
    let mut anna = signed_in(&app, &sink, "anna@example.org", "editor").await;
    app.post(
        "/api/v1/workspace/people",
        Some(&other),
        &json!({ "email": "anna@example.org", "name": "Anna", "role": "viewer" }),
    )
    .await
    .ok(201);
    let home = anna.get("/console").await;
    assert_eq!(home.status, 200);
    assert!(
        home.body.contains(&format!("in {ours} (editor)")),
        "{}",
        home.body
    );
    assert!(home.body.contains("action=\"/console/workspace\""));
    let target = option_value(&home, "Another Secretariat");
    let csrf = home.csrf();

    // Not a workspace of theirs, another origin, no token: nothing moves.
    let owner_id = people_of(&app, &app.token)
        .await
        .into_iter()
        .find(|p| p["role"] == "owner")
        .map(|p| id(&p).to_string())
        .unwrap();
    let r = anna
        .post(
            "/console/workspace",
            &[("csrf", csrf.as_str()), ("person_id", owner_id.as_str())],
        )
        .await;
    assert_eq!(r.status, 404);
    let mut evil = anna
        .at(&app.address)
        .with_header("origin", "https://evil.example");
    let r = evil
        .post(
            "/console/workspace",
            &[("csrf", csrf.as_str()), ("person_id", target.as_str())],
        )
        .await;
    assert_eq!(r.status, 403);
    let r = anna
        .post(
            "/console/workspace",
            &[("csrf", "x"), ("person_id", target.as_str())],
        )
        .await;
    assert_eq!(r.status, 403);
    assert!(
        anna.get("/console")
            .await
            .body
            .contains(&format!("in {ours} (editor)"))
    );

    // Switched: the other workspace, with the role they have there.
    let r = anna
        .post(
            "/console/workspace",
            &[
                ("csrf", csrf.as_str()),
                ("person_id", target.as_str()),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let there = anna.get(r.location.as_deref().unwrap()).await;
    assert!(
        there.body.contains("in Another Secretariat (viewer)"),
        "{}",
        there.body
    );
    assert!(there.body.contains("Their own consultation"));
    assert_eq!(
        anna.get(&format!("/console/polls/{}", id(&theirs_poll)))
            .await
            .status,
        200
    );
    // A viewer there: an editor's form is refused.
    let r = anna
        .post(
            "/console/groups",
            &[
                ("csrf", csrf.as_str()),
                ("name", "X"),
                ("members", "A, UTC"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    // And back.
    let back = option_value(&there, &ours);
    let r = anna
        .post(
            "/console/workspace",
            &[("csrf", csrf.as_str()), ("person_id", back.as_str())],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(
        anna.get("/console")
            .await
            .body
            .contains(&format!("in {ours} (editor)"))
    );

    // A person of one workspace sees no switcher.
    let mut solo = signed_in(&app, &sink, "solo@example.org", "viewer").await;
    assert!(
        !solo
            .get("/console")
            .await
            .body
            .contains("/console/workspace")
    );
}

/// An owner may change any address in their own workspace, their own too;
/// that must open no one else's workspace. The switcher follows the address
/// the sign-in proved, never the person row's.
async fn an_address_changed_by_an_owner_opens_no_other_workspace(app: TestApp, sink: Sink) {
    let other = app.other_organiser().await;
    let victim = app
        .post(
            "/api/v1/workspace/people",
            Some(&other),
            &json!({ "email": "victim@example.org", "name": "Victim", "role": "owner" }),
        )
        .await
        .ok(201)
        .clone();
    let mut mallory = signed_in(&app, &sink, "mallory@example.org", "owner").await;
    let mallory_id = people_of(&app, &app.token)
        .await
        .into_iter()
        .find(|p| p["email"] == "mallory@example.org")
        .map(|p| id(&p).to_string())
        .expect("mallory is a person of ours");
    app.request(
        reqwest::Method::PATCH,
        &format!("/api/v1/workspace/people/{mallory_id}"),
        Some(&app.token),
        Some(&json!({ "email": "victim@example.org" })),
    )
    .await
    .ok(200);
    let home = mallory.get("/console?lang=en").await;
    assert_eq!(home.status, 200);
    assert!(!home.body.contains("Another Secretariat"), "{}", home.body);
    assert!(!home.body.contains("action=\"/console/workspace\""));
    let r = mallory
        .post(
            "/console/workspace",
            &[("csrf", home.csrf().as_str()), ("person_id", id(&victim))],
        )
        .await;
    assert_eq!(r.status, 404);
    let after = mallory.get("/console?lang=en").await;
    assert!(
        !after.body.contains("Another Secretariat"),
        "{}",
        after.body
    );
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

on_both_databases_with_mail!(
    a_polls_history_export_and_feeds_are_in_the_console,
    webhooks_are_added_with_their_secret_shown_once_followed_and_removed,
    people_are_added_given_roles_and_removed_by_owners_only,
    tokens_are_created_shown_once_and_revoked_by_owners_only,
    a_person_of_two_workspaces_switches_between_them,
    an_address_changed_by_an_owner_opens_no_other_workspace,
);
