//! Editing a poll and acting on its invitations from the console, through
//! real HTTP and a real SMTP server, on SQLite and PostgreSQL: the edit
//! form saves details and options together or nothing; a form from a
//! stale page is a conflict; a local time the zone skips or repeats is
//! answered beside its field; viewers, other origins and missing tokens
//! change nothing.

use convene::startup::Options;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::console::{Browser, Page};
use crate::console_polls::{hidden, signed_in};
use crate::helpers::{Backend, TestApp, id, spawn_app_with};
use crate::mail::Sink;

/// A poll in Vienna with two whole-day ranges and a timed slot.
async fn vienna_poll(app: &TestApp) -> Value {
    app.create_poll(&json!({
        "title": "MAG Working Group on Strategy",
        "description": "Second meeting.",
        "location": "Vienna International Centre",
        "time_zone": "Europe/Vienna",
        "deadline": "2027-06-30T16:00:00Z",
        "reminders": ["P3D"],
        "options": [
            { "kind": "all_day", "start_date": "2027-07-05", "end_date": "2027-07-07" },
            { "kind": "all_day", "start_date": "2027-07-10", "end_date": "2027-07-12" },
            { "kind": "timed", "start": "2027-07-09T13:00", "end": "2027-07-09T16:00" }
        ]
    }))
    .await
}

async fn poll_now(app: &TestApp, poll: &Value) -> Value {
    app.get(&format!("/api/v1/polls/{}", id(poll)), Some(&app.token))
        .await
        .ok(200)
        .clone()
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let at = tag.find(&marker)? + marker.len();
    let rest = &tag[at..];
    Some(unescape(&rest[..rest.find('"')?]))
}

/// What a browser would send from the page's form whose action is
/// `action`: its inputs, checked boxes, selected options and text areas.
fn form_fields(page: &Page, action: &str) -> Vec<(String, String)> {
    let start = page
        .body
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("no form to {action} in {}", page.body));
    let form = &page.body[start..];
    let form = &form[..form.find("</form>").unwrap()];
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let end = rest.find('>').unwrap();
        let tag = &rest[..end];
        if tag.starts_with("<input") {
            let kind = attr(tag, "type").unwrap_or_default();
            let name = attr(tag, "name");
            let included =
                !["checkbox", "radio"].contains(&kind.as_str()) || tag.contains(" checked");
            if let (Some(name), true) = (name, included) {
                fields.push((name, attr(tag, "value").unwrap_or_default()));
            }
        } else if tag.starts_with("<textarea") {
            let body = &rest[end + 1..];
            let text = &body[..body.find("</textarea>").unwrap()];
            fields.push((attr(tag, "name").unwrap(), unescape(text)));
        } else if tag.starts_with("<select") {
            let name = attr(tag, "name").unwrap();
            let body = &rest[end + 1..];
            let body = &body[..body.find("</select>").unwrap()];
            let chosen = body
                .split("<option")
                .find(|o| o.contains(" selected"))
                .or_else(|| body.split("<option").nth(1))
                .and_then(|o| attr(o, "value"))
                .unwrap_or_default();
            fields.push((name, chosen));
        }
        rest = &rest[end..];
    }
    fields
}

/// Sets (or adds) a field's value.
fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    match fields.iter_mut().find(|(k, _)| k == name) {
        Some(f) => f.1 = value.to_string(),
        None => fields.push((name.to_string(), value.to_string())),
    }
}

async fn post_fields(browser: &mut Browser, path: &str, fields: &[(String, String)]) -> Page {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    browser.post(path, &pairs).await
}

async fn an_editor_changes_details_and_options_in_one_save(app: TestApp, sink: Sink) {
    let poll = vienna_poll(&app).await;
    let mut editor = signed_in(&app, &sink, "editor@example.org", "editor").await;
    let poll_path = format!("/console/polls/{}", id(&poll));
    let edit_path = format!("{poll_path}/edit");

    // The poll's page links to the form, which shows the poll as it is.
    let shown = editor.get(&format!("{poll_path}?lang=en")).await;
    assert!(shown.body.contains(&format!("{edit_path}?lang=en")));
    let form = editor.get(&format!("{edit_path}?lang=en")).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert_eq!(hidden(&form, "version"), poll["version"].to_string());
    assert!(
        form.body
            .contains("value=\"MAG Working Group on Strategy\"")
    );
    // The deadline and timed slot on the poll's clock (UTC+02:00 in summer).
    assert!(
        form.body.contains("value=\"2027-06-30T18:00\""),
        "{}",
        form.body
    );
    assert!(form.body.contains("value=\"2027-07-09T13:00\""));
    assert!(form.body.contains("value=\"P3D\""));

    // Saving the form as shown changes nothing, not even the version.
    let fields = form_fields(&form, &edit_path);
    let same = post_fields(&mut editor, &edit_path, &fields).await;
    assert_eq!(same.status, 303, "{}", same.body);
    assert_eq!(poll_now(&app, &poll).await["version"], poll["version"]);

    // Details, one option changed, one removed, one added: one save.
    let mut fields = fields;
    set(
        &mut fields,
        "title",
        "MAG Working Group on Strategy (rescheduled)",
    );
    set(&mut fields, "location", "Online");
    set(&mut fields, "deadline", "2027-07-01T12:00");
    set(&mut fields, "reminders", "P2D, PT12H");
    set(&mut fields, "voting", "invite_only");
    set(&mut fields, "options[0].end_date", "2027-07-08");
    set(&mut fields, "options[1].remove", "true");
    set(&mut fields, "options[2].start", "2027-07-09T14:00");
    set(&mut fields, "options[3].kind", "timed");
    set(&mut fields, "options[3].start", "2027-07-15T09:30");
    set(&mut fields, "options[3].end", "2027-07-15T11:00");
    let saved = post_fields(&mut editor, &edit_path, &fields).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(
        saved.location.as_deref(),
        Some(format!("{poll_path}?lang=en&done=edit").as_str())
    );
    let now = poll_now(&app, &poll).await;
    assert_eq!(now["title"], "MAG Working Group on Strategy (rescheduled)");
    assert_eq!(now["location"], "Online");
    assert_eq!(now["deadline"], "2027-07-01T10:00:00Z");
    assert_eq!(now["reminders"], json!(["P2D", "PT12H"]));
    assert_eq!(now["voting"], "invite_only");
    assert_eq!(now["description"], "Second meeting.");
    let options = now["options"].as_array().unwrap();
    assert_eq!(options.len(), 3, "{now}");
    assert_eq!(options[0]["id"], poll["options"][0]["id"]);
    assert_eq!(options[0]["end_date"], "2027-07-08");
    assert_eq!(options[1]["id"], poll["options"][2]["id"]);
    assert_eq!(options[1]["start_utc"], "2027-07-09T12:00:00Z");
    assert_eq!(options[2]["start_utc"], "2027-07-15T07:30:00Z");
    // Each change is a step of the version, as the API's calls would be.
    assert!(now["version"].as_i64() > poll["version"].as_i64());
    let page = editor.get(&format!("{poll_path}?lang=en&done=edit")).await;
    assert!(page.body.contains("The changes are saved."));

    // The history names the person who acted.
    let history = app.history(&poll, 50).await;
    assert!(
        history
            .iter()
            .any(|h| h["action"] == "option_deleted" && h["actor_name"] == "Anriette (editor)"),
        "{history:?}"
    );

    // Moving the zone keeps the moments left as they were.
    let form = editor.get(&format!("{edit_path}?lang=en")).await;
    let mut fields = form_fields(&form, &edit_path);
    set(&mut fields, "time_zone", "Asia/Tokyo");
    let moved = post_fields(&mut editor, &edit_path, &fields).await;
    assert_eq!(moved.status, 303, "{}", moved.body);
    let after = poll_now(&app, &poll).await;
    assert_eq!(after["time_zone"], "Asia/Tokyo");
    assert_eq!(after["deadline"], "2027-07-01T10:00:00Z");
    assert_eq!(after["options"][1]["start_utc"], "2027-07-09T12:00:00Z");

    // In Arabic the form is right to left, with the same fields.
    let ar = editor.get(&format!("{edit_path}?lang=ar")).await;
    assert_eq!(ar.status, 200);
    assert!(ar.body.contains("dir=\"rtl\""));
    assert!(ar.body.contains("تعديل الاستطلاع"));
}

async fn a_stale_form_is_a_conflict_and_saves_nothing(app: TestApp, sink: Sink) {
    let poll = vienna_poll(&app).await;
    let mut editor = signed_in(&app, &sink, "editor@example.org", "editor").await;
    let edit_path = format!("/console/polls/{}/edit", id(&poll));
    let form = editor.get(&format!("{edit_path}?lang=en")).await;
    let mut fields = form_fields(&form, &edit_path);

    // Someone else changes the poll meanwhile (by the API, with If-Match).
    let etag = format!("\"{}\"", poll["version"]);
    let theirs = app
        .request_with(
            Method::PATCH,
            &format!("/api/v1/polls/{}", id(&poll)),
            Some(&app.token),
            Some(&json!({ "title": "Changed by a colleague" })),
            &[("if-match", etag.as_str())],
        )
        .await;
    theirs.ok(200);

    set(&mut fields, "title", "Mine");
    set(&mut fields, "options[0].end_date", "2027-07-09");
    let stale = post_fields(&mut editor, &edit_path, &fields).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(stale.body.contains("The poll has changed"));
    assert!(stale.body.contains("Nothing was saved"));
    assert!(
        stale
            .body
            .contains(&format!("href=\"{edit_path}?lang=en\"")),
        "a link to reload: {}",
        stale.body
    );
    let now = poll_now(&app, &poll).await;
    assert_eq!(now["title"], "Changed by a colleague");
    assert_eq!(now["options"][0]["end_date"], "2027-07-07");

    // No version at all is as stale as an old one.
    fields.retain(|(k, _)| k != "version");
    let bare = post_fields(&mut editor, &edit_path, &fields).await;
    assert_eq!(bare.status, StatusCode::CONFLICT);
    assert_eq!(poll_now(&app, &poll).await["version"], now["version"]);
}

async fn local_times_the_zone_skips_or_repeats_are_answered_beside_the_field(
    app: TestApp,
    sink: Sink,
) {
    let poll = vienna_poll(&app).await;
    let mut editor = signed_in(&app, &sink, "editor@example.org", "editor").await;
    let edit_path = format!("/console/polls/{}/edit", id(&poll));
    let form = editor.get(&format!("{edit_path}?lang=en")).await;
    let fields = form_fields(&form, &edit_path);

    // 02:30 on the last Sunday of March 2027 never happens in Vienna;
    // 02:30 on the last Sunday of October happens twice.
    let mut wrong = fields.clone();
    set(&mut wrong, "title", "Not saved");
    set(&mut wrong, "options[2].start", "2027-03-28T02:30");
    set(&mut wrong, "options[2].end", "2027-03-28T05:00");
    set(&mut wrong, "options[3].kind", "timed");
    set(&mut wrong, "options[3].start", "2027-10-31T02:30");
    set(&mut wrong, "options[3].end", "2027-10-31T04:00");
    set(&mut wrong, "deadline", "2027-03-28T02:15");
    let page = post_fields(&mut editor, &edit_path, &wrong).await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    let body = &page.body;
    assert!(body.contains("There is a problem"));
    // In the summary, linking to the field, and beside the field.
    assert!(body.contains("href=\"#options-2-start\""), "{body}");
    assert!(body.contains("id=\"options-2-start-error\""), "{body}");
    assert!(body.contains("does not exist in Europe/Vienna"), "{body}");
    assert!(body.contains("id=\"options-3-start-error\""), "{body}");
    assert!(body.contains("happens twice in Europe/Vienna"), "{body}");
    assert!(body.contains("id=\"deadline-error\""), "{body}");
    // What was typed is shown again.
    assert!(body.contains("value=\"Not saved\""));
    assert!(body.contains("value=\"2027-10-31T02:30\""));
    // Nothing saved.
    let now = poll_now(&app, &poll).await;
    assert_eq!(now["version"], poll["version"]);
    assert_eq!(now["title"], poll["title"]);
    assert_eq!(now["options"].as_array().unwrap().len(), 3);

    // A slot that duplicates another option: refused beside the row, and
    // the title typed with it is not saved either.
    let mut twice = fields.clone();
    set(&mut twice, "title", "Not saved either");
    set(&mut twice, "options[3].kind", "all_day");
    set(&mut twice, "options[3].start_date", "2027-07-05");
    set(&mut twice, "options[3].end_date", "2027-07-07");
    let page = post_fields(&mut editor, &edit_path, &twice).await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(page.body.contains("id=\"options-3-start_date-error\""));
    let now = poll_now(&app, &poll).await;
    assert_eq!(now["version"], poll["version"]);
    assert_eq!(now["title"], poll["title"]);

    // Removing every option: refused with the reason, nothing saved.
    let mut none = fields;
    for i in 0..3 {
        set(&mut none, &format!("options[{i}].remove"), "true");
    }
    let page = post_fields(&mut editor, &edit_path, &none).await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    assert!(page.body.contains("at least one option"), "{}", page.body);
    assert_eq!(
        poll_now(&app, &poll).await["options"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

async fn viewers_and_forged_forms_edit_nothing(app: TestApp, sink: Sink) {
    let poll = vienna_poll(&app).await;
    let mut viewer = signed_in(&app, &sink, "viewer@example.org", "viewer").await;
    let mut editor = signed_in(&app, &sink, "editor@example.org", "editor").await;
    let poll_path = format!("/console/polls/{}", id(&poll));
    let edit_path = format!("{poll_path}/edit");

    // A viewer sees no link, gets the not-allowed page, and a POST of a
    // well-formed form changes nothing.
    let page = viewer.get(&format!("{poll_path}?lang=en")).await;
    assert!(!page.body.contains(&edit_path));
    let refused = viewer.get(&format!("{edit_path}?lang=en")).await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("Nothing was changed"));
    let form = editor.get(&format!("{edit_path}?lang=en")).await;
    let mut fields = form_fields(&form, &edit_path);
    set(&mut fields, "title", "Viewer's title");
    let mut as_viewer = fields.clone();
    set(&mut as_viewer, "csrf", &page.csrf());
    let r = post_fields(&mut viewer, &edit_path, &as_viewer).await;
    assert_eq!(r.status, 403, "{}", r.body);

    // Another origin, no token, another browser's token: 403.
    let mut evil = editor
        .at(&app.address)
        .with_header("origin", "https://evil.example");
    let r = post_fields(&mut evil, &edit_path, &fields).await;
    assert_eq!(r.status, 403);
    for token in ["", page.csrf().as_str()] {
        let mut forged = fields.clone();
        set(&mut forged, "csrf", token);
        let r = post_fields(&mut editor, &edit_path, &forged).await;
        assert_eq!(r.status, 403, "token {token:?}");
    }
    // Signed out: to the sign-in page.
    let mut stranger = Browser::new(&app.address);
    let r = post_fields(&mut stranger, &edit_path, &fields).await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location.as_deref(), Some("/console/sign-in"));
    let now = poll_now(&app, &poll).await;
    assert_eq!(now["version"], poll["version"]);
    assert_eq!(now["title"], poll["title"]);

    // Another workspace's poll: not found, to read or to edit.
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
    let their_edit = format!("/console/polls/{}/edit", id(&theirs));
    assert_eq!(editor.get(&their_edit).await.status, 404);
    let r = post_fields(&mut editor, &their_edit, &fields).await;
    assert_eq!(r.status, 404);
    assert_eq!(editor.get("/console/polls/nothing/edit").await.status, 404);
}

/// A poll with two groups invited: two required members, four others (one
/// without an address); every invitation as createInvitations answers it.
struct Roster {
    poll: Value,
    invitations: Vec<Value>,
}

impl Roster {
    fn invitation(&self, name: &str) -> &Value {
        self.invitations
            .iter()
            .find(|i| i["name"] == name)
            .unwrap_or_else(|| panic!("no invitation of {name}"))
    }
}

async fn roster(app: &TestApp) -> Roster {
    let poll = vienna_poll(app).await;
    let mut invitations = Vec::new();
    for (group, required, members) in [
        (
            "Bureau",
            true,
            json!([
                { "name": "Amani", "email": "amani@example.org", "time_zone": "Africa/Nairobi", "language": "en" },
                { "name": "Chen Wei", "email": "chen@example.org", "time_zone": "Asia/Shanghai", "language": "zh" }
            ]),
        ),
        (
            "Members",
            false,
            json!([
                { "name": "Élodie", "email": "elodie@example.org", "time_zone": "Europe/Paris", "language": "fr" },
                { "name": "Olga", "email": "olga@example.org", "time_zone": "Europe/Moscow", "language": "ru" },
                { "name": "Rashid", "time_zone": "Asia/Dubai", "language": "ar" },
                { "name": "Bruna", "email": "bruna@example.org", "time_zone": "America/Sao_Paulo", "language": "es" }
            ]),
        ),
    ] {
        let g = app
            .post(
                "/api/v1/groups",
                Some(&app.token),
                &json!({ "name": group, "members": members }),
            )
            .await
            .ok(201)
            .clone();
        let invited = app
            .post(
                &format!("/api/v1/polls/{}/invitations", id(&poll)),
                Some(&app.token),
                &json!({ "group_id": id(&g), "required": required, "send_email": false }),
            )
            .await
            .ok(201)
            .clone();
        invitations.extend(invited["invitations"].as_array().unwrap().iter().cloned());
    }
    Roster { poll, invitations }
}

async fn invitations_of(app: &TestApp, poll: &Value) -> Vec<Value> {
    app.get(
        &format!("/api/v1/polls/{}/invitations?limit=500", id(poll)),
        Some(&app.token),
    )
    .await
    .ok(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn reissuing_gives_a_new_link_and_the_old_one_stops_working(app: TestApp, sink: Sink) {
    let r = roster(&app).await;
    let mut viewer = signed_in(&app, &sink, "viewer@example.org", "viewer").await;
    let mut editor = signed_in(&app, &sink, "editor@example.org", "editor").await;
    let amani = r.invitation("Amani");
    let old = amani["token"].as_str().unwrap().to_string();
    let poll_api = format!("/api/v1/polls/{}", id(&r.poll));
    let list = format!("/console/polls/{}/invitations", id(&r.poll));
    let reissue = format!("{list}/{}/reissue", id(amani));

    // The poll page links to its invitations; viewers see no actions.
    let page = viewer
        .get(&format!("/console/polls/{}?lang=en", id(&r.poll)))
        .await;
    assert!(page.body.contains(&format!("{list}?lang=en")));
    let vpage = viewer.get(&format!("{list}?lang=en")).await;
    assert_eq!(vpage.status, 200);
    assert!(!vpage.body.contains("/reissue"));
    assert!(!vpage.body.contains("/reminders"));
    // A viewer's POST, a forged one and a bare one change nothing.
    let r2 = viewer.post(&reissue, &[("csrf", &vpage.csrf())]).await;
    assert_eq!(r2.status, 403);
    let epage = editor.get(&format!("{list}?lang=en")).await;
    assert!(
        epage.body.contains(&format!("action=\"{reissue}\"")),
        "{}",
        epage.body
    );
    let mut evil = editor
        .at(&app.address)
        .with_header("origin", "https://evil.example");
    assert_eq!(
        evil.post(&reissue, &[("csrf", &epage.csrf())]).await.status,
        403
    );
    assert_eq!(editor.post(&reissue, &[("csrf", "")]).await.status, 403);
    app.get(&poll_api, Some(&old)).await.ok(200);

    // The editor's reissue: the new link, once; the old one refused.
    let done = editor
        .post(&reissue, &[("csrf", &epage.csrf()), ("lang", "en")])
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("A new link for Amani"));
    let at = done.body.find("/vote/").expect("the new link") + "/vote/".len();
    let new = &done.body[at..];
    let new = &new[..new.find('"').unwrap()];
    assert!(new.starts_with("cvn_inv_"), "{new}");
    assert_ne!(new, old);
    app.get(&poll_api, Some(&old)).await.problem(401);
    app.get(&poll_api, Some(new)).await.ok(200);
    let history = app.history(&r.poll, 50).await;
    assert!(
        history
            .iter()
            .any(|h| h["actor_name"] == "Anriette (editor)"
                && h["action"].as_str().unwrap().contains("reissued")),
        "{history:?}"
    );

    // Another poll's invitation, or none: not found.
    let other = vienna_poll(&app).await;
    let wrong = format!(
        "/console/polls/{}/invitations/{}/reissue",
        id(&other),
        id(amani)
    );
    assert_eq!(
        editor.post(&wrong, &[("csrf", &epage.csrf())]).await.status,
        404
    );
    assert_eq!(
        editor
            .post(
                &format!("{list}/nothing/reissue"),
                &[("csrf", &epage.csrf())]
            )
            .await
            .status,
        404
    );
}

async fn a_proxy_answer_is_recorded_and_shows_in_the_results(app: TestApp, sink: Sink) {
    let r = roster(&app).await;
    let mut viewer = signed_in(&app, &sink, "viewer@example.org", "viewer").await;
    let mut editor = signed_in(&app, &sink, "editor@example.org", "editor").await;
    let olga = r.invitation("Olga");
    let list = format!("/console/polls/{}/invitations", id(&r.poll));
    let path = format!("{list}/{}/response", id(olga));
    let option = |i: usize| r.poll["options"][i]["id"].as_str().unwrap().to_string();

    // Viewers may not record an answer.
    assert_eq!(viewer.get(&format!("{path}?lang=en")).await.status, 403);
    let vpage = viewer.get(&format!("{list}?lang=en")).await;
    let (o0, o1, o2) = (option(0), option(1), option(2));
    let all: Vec<(&str, &str)> = vec![
        ("votes[0].option_id", &o0),
        ("votes[0].choice", "yes"),
        ("votes[1].option_id", &o1),
        ("votes[1].choice", "no"),
        ("votes[2].option_id", &o2),
        ("votes[2].choice", "yes"),
    ];
    let mut as_viewer = all.clone();
    let vcsrf = vpage.csrf();
    as_viewer.push(("csrf", &vcsrf));
    assert_eq!(viewer.post(&path, &as_viewer).await.status, 403);

    // The form: one question per option.
    let form = editor.get(&format!("{path}?lang=en")).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("Record an answer for Olga"));
    let csrf = form.csrf();
    // An option left unanswered: 422 beside it, nothing recorded.
    let partial = editor
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("lang", "en"),
                ("votes[0].option_id", &o0),
                ("votes[0].choice", "yes"),
                ("votes[1].option_id", &o1),
                ("votes[2].option_id", &o2),
                ("votes[2].choice", "no"),
            ],
        )
        .await;
    assert_eq!(partial.status, 422, "{}", partial.body);
    assert!(partial.body.contains("id=\"votes-1-choice-error\""));
    assert!(partial.body.contains("Choose an answer for this option."));
    // An option of no such poll: the ballot's rule, beside the option.
    let stranger = uuid::Uuid::now_v7().to_string();
    let mut wrong = all.clone();
    wrong[0] = ("votes[0].option_id", &stranger);
    wrong.push(("csrf", &csrf));
    let refused = editor.post(&path, &wrong).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("id=\"votes-0-choice-error\""),
        "{}",
        refused.body
    );
    let silent = invitations_of(&app, &r.poll).await;
    assert!(silent.iter().all(|i| i["answered"] == false), "{silent:?}");

    // Recorded, as the editor's.
    let mut complete = all.clone();
    complete.push(("csrf", &csrf));
    complete.push(("lang", "en"));
    let done = editor.post(&path, &complete).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(
        done.location.as_deref(),
        Some(format!("{list}?lang=en&done=proxy").as_str())
    );
    let listed = editor.get(&format!("{list}?lang=en&done=proxy")).await;
    assert!(listed.body.contains("The answer is recorded."));
    let items = invitations_of(&app, &r.poll).await;
    let theirs = items.iter().find(|i| i["name"] == "Olga").unwrap();
    assert_eq!(theirs["answered"], true);
    assert_eq!(theirs["recorded_by"], "Anriette (editor)", "{theirs}");
    let results = app.results(&r.poll, Some(&app.token)).await.ok(200).clone();
    assert_eq!(crate::helpers::result_for(&results, &o0)["yes"], 1);
    assert_eq!(crate::helpers::result_for(&results, &o1)["no"], 1);
    // The console's grid shows it, and the form shows it again.
    let grid = editor
        .get(&format!("/console/polls/{}?lang=en", id(&r.poll)))
        .await;
    let row = &grid.body[grid.body.find(">Olga<").expect("Olga's row")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains("class=\"y\"") && row.contains("class=\"n\""),
        "{row}"
    );
    let again = editor.get(&format!("{path}?lang=en")).await;
    assert!(
        again
            .body
            .contains("id=\"votes-1-no\" name=\"votes[1].choice\" value=\"no\" checked")
    );

    // Voting closed: nothing recorded, said so.
    app.close(&r.poll).await.ok(200);
    let mut other = all.clone();
    other[1] = ("votes[0].choice", "no");
    other.push(("csrf", &csrf));
    let closed = editor.post(&path, &other).await;
    assert_eq!(closed.status, 409, "{}", closed.body);
    let results = app.results(&r.poll, Some(&app.token)).await.ok(200).clone();
    assert_eq!(crate::helpers::result_for(&results, &o0)["yes"], 1);
}

async fn remind_now_previews_who_gets_mail_then_queues_it(app: TestApp, sink: Sink) {
    let r = roster(&app).await;
    let mut viewer = signed_in(&app, &sink, "viewer@example.org", "viewer").await;
    let mut editor = signed_in(&app, &sink, "editor@example.org", "editor").await;
    // Bruna has answered: she is not reminded.
    let bruna = r.invitation("Bruna")["token"].as_str().unwrap().to_string();
    let votes: Vec<Value> = (0..3)
        .map(|i| json!({ "option_id": r.poll["options"][i]["id"], "choice": "yes" }))
        .collect();
    app.put(
        &format!("/api/v1/polls/{}/responses/me", id(&r.poll)),
        Some(&bruna),
        &json!({ "votes": votes }),
    )
    .await
    .ok(201);
    let list = format!("/console/polls/{}/invitations", id(&r.poll));
    let path = format!("/console/polls/{}/reminders", id(&r.poll));

    let page = editor.get(&format!("{list}?lang=en")).await;
    assert!(page.body.contains(&format!("action=\"{path}\"")));
    // Everyone who has not answered: who is mailed, in which language.
    let all = editor
        .get(&format!("{path}?lang=en&required_only=false"))
        .await;
    assert_eq!(all.status, 200, "{}", all.body);
    let body = &all.body;
    for name in ["Amani", "Chen Wei", "Élodie", "Olga", "Rashid"] {
        assert!(body.contains(&format!(">{name}")), "{name}: {body}");
    }
    assert!(!body.contains(">Bruna"), "{body}");
    assert!(
        body.contains("Reminders: 4 of 5 members who have not answered."),
        "{body}"
    );
    assert!(body.contains("mailed, in Français"));
    assert!(body.contains("mailed, in 中文"));
    assert!(body.contains("not mailed: no address"));
    // The mail itself, as the mail module writes it, per language.
    assert!(
        body.contains("Reminder: which dates suit you? MAG Working Group on Strategy"),
        "{body}"
    );
    assert!(body.contains("lang=\"fr\""));
    assert!(body.contains("Rappel"));
    assert!(body.contains("Élodie"));
    assert!(
        !body.contains("cvn_inv_"),
        "no personal link in the preview"
    );
    // Only the required members.
    let required = editor
        .get(&format!("{path}?lang=en&required_only=true"))
        .await;
    assert!(
        required
            .body
            .contains("Reminders: 2 of 2 members who have not answered.")
    );
    assert!(!required.body.contains(">Olga"));
    assert!(
        required
            .body
            .contains("name=\"required_only\" value=\"true\"")
    );

    // Viewers: neither the preview nor the sending.
    assert_eq!(viewer.get(&format!("{path}?lang=en")).await.status, 403);
    let vcsrf = viewer.get("/console?lang=en").await.csrf();
    assert_eq!(viewer.post(&path, &[("csrf", &vcsrf)]).await.status, 403);
    assert_eq!(editor.post(&path, &[("csrf", "")]).await.status, 403);

    // Sending: the four with an address get the reminder, each in their
    // language.
    let before = sink.messages().len();
    let sent = editor
        .post(&path, &[("csrf", &all.csrf()), ("lang", "en")])
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(
        sent.location.as_deref(),
        Some(format!("{list}?lang=en&done=remind&count=4").as_str())
    );
    let done = editor.get(sent.location.as_deref().unwrap()).await;
    assert!(done.body.contains("Reminders queued: 4."), "{}", done.body);
    let mails = sink.wait_for(before + 4).await;
    let reminders: Vec<&Value> = mails[before..].iter().collect();
    assert_eq!(reminders.len(), 4, "{reminders:?}");
    let to = |addr: &str| {
        reminders
            .iter()
            .find(|m| m["rcpt_tos"] == json!([addr]))
            .unwrap_or_else(|| panic!("a reminder to {addr}"))
    };
    assert_eq!(
        to("elodie@example.org")["headers"]["Content-Language"],
        "fr"
    );
    assert_eq!(to("chen@example.org")["headers"]["Content-Language"], "zh");
    assert!(
        to("amani@example.org")["headers"]["Subject"]
            .as_str()
            .unwrap()
            .starts_with("Reminder:")
    );

    // Voting closed: no preview, no reminder.
    app.close(&r.poll).await.ok(200);
    assert_eq!(editor.get(&format!("{path}?lang=en")).await.status, 409);
    let late = editor.post(&path, &[("csrf", &all.csrf())]).await;
    assert_eq!(late.status, 409);
    assert!(
        !editor
            .get(&format!("{list}?lang=en"))
            .await
            .body
            .contains(&format!("action=\"{path}\""))
    );
}

/// Each test with a real SMTP server and an app that mails through it.
/// An aggregate-only poll shows no one's answer in the console either: not
/// in the invitations list, not pre-ticked in the form that records an
/// answer for a member, not as names in the reminder's preview.
async fn an_aggregate_only_poll_shows_no_ones_answer(app: TestApp, sink: Sink) {
    let r = roster(&app).await;
    let path = format!("/api/v1/polls/{}", id(&r.poll));
    let current = app.get(&path, Some(&app.token)).await;
    let etag = current.headers["etag"].to_str().unwrap().to_string();
    app.request_with(
        reqwest::Method::PATCH,
        &path,
        Some(&app.token),
        Some(&json!({ "aggregate_only": true })),
        &[("if-match", etag.as_str())],
    )
    .await
    .ok(200);
    let olga = r.invitation("Olga");
    let votes: Vec<Value> = (0..3)
        .map(|i| json!({ "option_id": r.poll["options"][i]["id"], "choice": "yes" }))
        .collect();
    app.put(
        &format!("/api/v1/polls/{}/responses/me", id(&r.poll)),
        Some(olga["token"].as_str().unwrap()),
        &json!({ "votes": votes }),
    )
    .await
    .ok(201);
    let mut editor = signed_in(&app, &sink, "editor@example.org", "editor").await;
    let list = format!("/console/polls/{}/invitations", id(&r.poll));
    let page = editor.get(&format!("{list}?lang=en")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let row = &page.body[page.body.find(">Olga<").expect("Olga listed")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("<td>—</td>"), "{row}");
    assert!(
        !page.body.contains("<td>Yes</td><td>"),
        "no one's answer shows"
    );
    let form = editor
        .get(&format!("{list}/{}/response?lang=en", id(olga)))
        .await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(!form.body.contains(" checked"), "{}", form.body);
    let remind = editor
        .get(&format!(
            "/console/polls/{}/reminders?required_only=false&lang=en",
            id(&r.poll)
        ))
        .await;
    assert_eq!(remind.status, 200, "{}", remind.body);
    for name in ["Amani", "Chen Wei", "Élodie", "Bruna"] {
        assert!(
            !remind.body.contains(name),
            "{name} named in {}",
            remind.body
        );
    }
}

/// The edit form shows the options on the clocks of everyone invited, zone
/// by zone from east to west.
async fn the_edit_form_shows_the_options_on_the_invited_members_clocks(app: TestApp, sink: Sink) {
    let r = roster(&app).await;
    let mut editor = signed_in(&app, &sink, "editor@example.org", "editor").await;
    let form = editor
        .get(&format!("/console/polls/{}/edit?lang=en", id(&r.poll)))
        .await;
    assert_eq!(form.status, 200, "{}", form.body);
    let body = &form.body;
    let preview = &body[body
        .find("The options on the invited members’ clocks")
        .expect("a preview")..];
    // The timed option, 13:00–16:00 in Vienna: 19:00 in Shanghai, 08:00 in
    // São Paulo; inside everyone's default social hours.
    let timed = &preview[preview.find("Option 3:").unwrap()..];
    let (east, west) = (
        timed.find("Asia/Shanghai (1)").unwrap(),
        timed.find("America/Sao_Paulo (1)").unwrap(),
    );
    assert!(
        east < timed.find("Europe/Paris (1)").unwrap()
            && timed.find("Europe/Paris (1)").unwrap() < west
    );
    assert!(
        timed.contains("19:00") && timed.contains("08:00"),
        "{timed}"
    );
    assert_eq!(preview.matches(">no one<").count(), 3 * 6, "{preview}");
    // A poll no one is invited to has no preview.
    let lone = vienna_poll(&app).await;
    let form = editor
        .get(&format!("/console/polls/{}/edit?lang=en", id(&lone)))
        .await;
    assert!(
        !form
            .body
            .contains("The options on the invited members’ clocks")
    );
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
    an_editor_changes_details_and_options_in_one_save,
    a_stale_form_is_a_conflict_and_saves_nothing,
    local_times_the_zone_skips_or_repeats_are_answered_beside_the_field,
    viewers_and_forged_forms_edit_nothing,
    reissuing_gives_a_new_link_and_the_old_one_stops_working,
    a_proxy_answer_is_recorded_and_shows_in_the_results,
    an_aggregate_only_poll_shows_no_ones_answer,
    the_edit_form_shows_the_options_on_the_invited_members_clocks,
    remind_now_previews_who_gets_mail_then_queues_it,
);
