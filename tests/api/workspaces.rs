//! Workspaces, their people and personal API tokens: the authorization
//! matrix of every API operation × every kind of caller, through real HTTP
//! on both databases (a denied write changing nothing), and the refusals
//! of the people and token operations.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, id, reference_poll_body, spawn_app_with};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    Owner,
    Editor,
    Viewer,
    /// The owner of another workspace.
    Other,
    /// The owner's own `read` token.
    ReadToken,
    /// A write token of the owner, revoked.
    Revoked,
    /// No token at all.
    Nobody,
}

const CALLERS: [Caller; 7] = [
    Caller::Owner,
    Caller::Editor,
    Caller::Viewer,
    Caller::Other,
    Caller::ReadToken,
    Caller::Revoked,
    Caller::Nobody,
];

/// The class of answer expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Want {
    Ok,
    E401,
    E403,
    E404,
}

/// How an operation treats each caller.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// Editors' work on something of the workspace (by id).
    Edit,
    /// Editors' work that creates something new in the caller's workspace.
    EditNew,
    /// Reading something of the workspace (by id).
    Read,
    /// Reading the caller's own workspace's list.
    ReadList,
    /// Owners' work on something of the workspace (by id).
    Owner,
    /// Owners' work on the caller's own workspace.
    OwnerNew,
    /// A token of one's own: owners and editors.
    OwnToken,
    /// A read open to anyone who may see the (invite-only) poll.
    PollReader,
    /// Takes an invitation or response token, never an organiser's.
    Member,
    /// Voting in an invite-only poll.
    Vote,
}

fn want(kind: Kind, caller: Caller) -> Want {
    use Caller::*;
    use Want::*;
    match (caller, kind) {
        (Revoked, _) => E401,
        (_, Kind::Member) => E401,
        (Nobody, Kind::Vote) => E403,
        (_, Kind::Vote) => E401,
        (Nobody, Kind::PollReader) => E404,
        (Nobody, _) => E401,
        (Owner, _) => Ok,
        (Other, Kind::Edit | Kind::Read | Kind::Owner | Kind::PollReader) => E404,
        (Other, _) => Ok,
        (Editor, Kind::Owner | Kind::OwnerNew) => E403,
        (Editor, _) => Ok,
        (Viewer | ReadToken, Kind::Read | Kind::ReadList | Kind::PollReader) => Ok,
        (Viewer | ReadToken, _) => E403,
    }
}

/// What the matrix acts on, made afresh by the owner whenever an allowed
/// write has changed it.
struct Fixture {
    values: Vec<(&'static str, String)>,
}

impl Fixture {
    fn fill(&self, template: &str) -> String {
        let mut s = template.to_string();
        for (k, v) in &self.values {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }
}

struct Matrix {
    app: TestApp,
    editor: String,
    viewer: String,
    other: String,
    read: String,
    revoked: String,
    n: u32,
    /// The last fixture's webhook (a workspace keeps at most 20).
    hook: Option<String>,
}

impl Matrix {
    fn token(&self, caller: Caller) -> Option<&str> {
        match caller {
            Caller::Owner => Some(&self.app.token),
            Caller::Editor => Some(&self.editor),
            Caller::Viewer => Some(&self.viewer),
            Caller::Other => Some(&self.other),
            Caller::ReadToken => Some(&self.read),
            Caller::Revoked => Some(&self.revoked),
            Caller::Nobody => None,
        }
    }

    async fn fixture(&mut self) -> Fixture {
        self.n += 1;
        let (app, t, n) = (&self.app, Some(self.app.token.as_str()), self.n);
        if let Some(hook) = self.hook.take() {
            app.delete(&format!("/api/v1/webhooks/{hook}"), t).await;
        }
        let group = app
            .post(
                "/api/v1/groups",
                t,
                &json!({ "name": format!("MAG 2026 #{n}"), "members": [
                    { "name": "Yoichi", "email": "yoichi@example.org", "time_zone": "Asia/Tokyo" },
                    { "name": "Anna", "time_zone": "America/New_York" } ] }),
            )
            .await
            .ok(201)
            .clone();
        let mut body = reference_poll_body();
        body["voting"] = json!("invite_only");
        let poll = app.create_poll(&body).await;
        let p = format!("/api/v1/polls/{}", id(&poll));
        let invited = app
            .post(
                &format!("{p}/invitations"),
                t,
                &json!({ "member_ids": [group["members"][0]["id"]] }),
            )
            .await
            .ok(201)
            .clone();
        let confirmed = app.create_poll(&body).await;
        app.post(
            &format!("/api/v1/polls/{}/confirm", id(&confirmed)),
            t,
            &json!({ "option_id": confirmed["options"][0]["id"] }),
        )
        .await
        .ok(200);
        let hook = app
            .post(
                "/api/v1/webhooks",
                t,
                &json!({ "url": "http://127.0.0.1:9/hook", "events": ["poll.closed"] }),
            )
            .await
            .ok(201)
            .clone();
        let feeds = app.get("/api/v1/feeds", t).await.ok(200).clone();
        let person = app
            .post(
                "/api/v1/workspace/people",
                t,
                &json!({ "email": format!("spare{n}@example.org"), "name": "Spare", "role": "editor" }),
            )
            .await
            .ok(201)
            .clone();
        let token = app
            .post(
                "/api/v1/tokens",
                t,
                &json!({ "name": "spare", "scope": "write", "person_id": id(&person) }),
            )
            .await
            .ok(201)
            .clone();
        let s = |v: &Value| v.as_str().unwrap().to_string();
        self.hook = Some(id(&hook).to_string());
        Fixture {
            values: vec![
                ("poll", id(&poll).into()),
                ("option", s(&poll["options"][0]["id"])),
                ("group", id(&group).into()),
                ("member", s(&group["members"][0]["id"])),
                ("member2", s(&group["members"][1]["id"])),
                ("invitation", s(&invited["invitations"][0]["id"])),
                ("confirmed", id(&confirmed).into()),
                ("webhook", id(&hook).into()),
                ("feed", s(&feeds["items"][0]["id"])),
                ("person", id(&person).into()),
                ("token", id(&token).into()),
                ("n", format!("{n}")),
            ],
        }
    }

    /// Everything a write could change, as the owner reads it (less what
    /// reading itself moves: a token's last use, a feed's address shown
    /// once).
    async fn snapshot(&self, f: &Fixture) -> Value {
        let t = Some(self.app.token.as_str());
        let mut all = Vec::new();
        for path in [
            "/api/v1/polls",
            "/api/v1/polls/{poll}",
            "/api/v1/polls/{poll}/invitations",
            "/api/v1/polls/{poll}/history",
            "/api/v1/polls/{confirmed}",
            "/api/v1/groups",
            "/api/v1/groups/{group}",
            "/api/v1/webhooks",
            "/api/v1/feeds",
            "/api/v1/workspace",
            "/api/v1/tokens",
        ] {
            let mut body = self.app.get(&f.fill(path), t).await.ok(200).clone();
            strip(&mut body, &["last_used_at", "url", "webcal_url"]);
            all.push(body);
        }
        Value::Array(all)
    }
}

fn strip(v: &mut Value, keys: &[&str]) {
    match v {
        Value::Object(map) => {
            for k in keys {
                map.remove(*k);
            }
            map.values_mut().for_each(|x| strip(x, keys));
        }
        Value::Array(items) => items.iter_mut().for_each(|x| strip(x, keys)),
        _ => {}
    }
}

/// Every operation of the API that takes a token, with what it acts on.
fn operations() -> Vec<(
    &'static str,
    Method,
    &'static str,
    Option<&'static str>,
    Kind,
)> {
    use Kind::*;
    use Method as M;
    let p = "/api/v1/polls/{poll}";
    let _ = p;
    vec![
        (
            "createPoll",
            M::POST,
            "/api/v1/polls",
            Some("POLL"),
            EditNew,
        ),
        ("listPolls", M::GET, "/api/v1/polls", None, ReadList),
        ("getPoll", M::GET, "/api/v1/polls/{poll}", None, PollReader),
        (
            "updatePoll",
            M::PATCH,
            "/api/v1/polls/{poll}",
            Some(r#"{"title":"Renamed"}"#),
            Edit,
        ),
        ("deletePoll", M::DELETE, "/api/v1/polls/{poll}", None, Edit),
        (
            "addOption",
            M::POST,
            "/api/v1/polls/{poll}/options",
            Some(r#"{"kind":"all_day","start_date":"2026-08-01","end_date":"2026-08-02"}"#),
            Edit,
        ),
        (
            "updateOption",
            M::PATCH,
            "/api/v1/polls/{poll}/options/{option}",
            Some(r#"{"kind":"all_day","start_date":"2026-07-06","end_date":"2026-07-08"}"#),
            Edit,
        ),
        (
            "deleteOption",
            M::DELETE,
            "/api/v1/polls/{poll}/options/{option}",
            None,
            Edit,
        ),
        (
            "closePoll",
            M::POST,
            "/api/v1/polls/{poll}/close",
            None,
            Edit,
        ),
        (
            "reopenPoll",
            M::POST,
            "/api/v1/polls/{confirmed}/reopen",
            None,
            Edit,
        ),
        (
            "confirmPoll",
            M::POST,
            "/api/v1/polls/{poll}/confirm",
            Some(r#"{"option_id":"{option}"}"#),
            Edit,
        ),
        (
            "cancelPoll",
            M::POST,
            "/api/v1/polls/{poll}/cancel",
            None,
            Edit,
        ),
        (
            "getResults",
            M::GET,
            "/api/v1/polls/{poll}/results",
            None,
            PollReader,
        ),
        (
            "exportPoll",
            M::GET,
            "/api/v1/polls/{poll}/export.csv",
            None,
            Read,
        ),
        (
            "submitResponse",
            M::POST,
            "/api/v1/polls/{poll}/responses",
            Some(r#"{"name":"Bruna","votes":[{"option_id":"{option}","choice":"yes"}]}"#),
            Vote,
        ),
        (
            "listResponses",
            M::GET,
            "/api/v1/polls/{poll}/responses",
            None,
            PollReader,
        ),
        (
            "getMyResponse",
            M::GET,
            "/api/v1/polls/{poll}/responses/me",
            None,
            Member,
        ),
        (
            "replaceMyResponse",
            M::PUT,
            "/api/v1/polls/{poll}/responses/me",
            Some(r#"{"votes":[{"option_id":"{option}","choice":"yes"}]}"#),
            Member,
        ),
        (
            "withdrawMyResponse",
            M::DELETE,
            "/api/v1/polls/{poll}/responses/me",
            None,
            Member,
        ),
        (
            "connectCalendar",
            M::PUT,
            "/api/v1/polls/{poll}/responses/me/calendar",
            Some(r#"{"url":"https://calendar.example.org/anna.ics"}"#),
            Member,
        ),
        (
            "getMyCalendar",
            M::GET,
            "/api/v1/polls/{poll}/responses/me/calendar",
            None,
            Member,
        ),
        (
            "disconnectCalendar",
            M::DELETE,
            "/api/v1/polls/{poll}/responses/me/calendar",
            None,
            Member,
        ),
        (
            "createGroup",
            M::POST,
            "/api/v1/groups",
            Some(
                r#"{"name":"New group {n}","members":[{"name":"Bruna","time_zone":"America/Sao_Paulo"}]}"#,
            ),
            EditNew,
        ),
        ("listGroups", M::GET, "/api/v1/groups", None, ReadList),
        ("getGroup", M::GET, "/api/v1/groups/{group}", None, Read),
        (
            "addMembers",
            M::POST,
            "/api/v1/groups/{group}/members",
            Some(r#"{"members":[{"name":"Chen","time_zone":"Asia/Shanghai"}]}"#),
            Edit,
        ),
        (
            "updateMember",
            M::PATCH,
            "/api/v1/groups/{group}/members/{member}",
            Some(r#"{"name":"Yoichi S."}"#),
            Edit,
        ),
        (
            "removeMember",
            M::DELETE,
            "/api/v1/groups/{group}/members/{member}",
            None,
            Edit,
        ),
        (
            "createInvitations",
            M::POST,
            "/api/v1/polls/{poll}/invitations",
            Some(r#"{"member_ids":["{member2}"]}"#),
            Edit,
        ),
        (
            "listInvitations",
            M::GET,
            "/api/v1/polls/{poll}/invitations",
            None,
            Read,
        ),
        (
            "reissueInvitation",
            M::POST,
            "/api/v1/polls/{poll}/invitations/{invitation}/reissue",
            None,
            Edit,
        ),
        (
            "recordProxyResponse",
            M::PUT,
            "/api/v1/polls/{poll}/invitations/{invitation}/response",
            Some(r#"{"votes":[{"option_id":"{option}","choice":"yes"}]}"#),
            Edit,
        ),
        (
            "sendInvitationEmails",
            M::POST,
            "/api/v1/polls/{poll}/invitations/emails",
            Some("{}"),
            Edit,
        ),
        (
            "sendReminders",
            M::POST,
            "/api/v1/polls/{poll}/reminders",
            Some("{}"),
            Edit,
        ),
        (
            "getPollHistory",
            M::GET,
            "/api/v1/polls/{poll}/history",
            None,
            Read,
        ),
        (
            "getEventIcs",
            M::GET,
            "/api/v1/polls/{confirmed}/event.ics",
            None,
            PollReader,
        ),
        (
            "getHoldsIcs",
            M::GET,
            "/api/v1/polls/{poll}/holds.ics",
            None,
            PollReader,
        ),
        ("listFeeds", M::GET, "/api/v1/feeds", None, ReadList),
        (
            "rotateFeed",
            M::POST,
            "/api/v1/feeds/{feed}/rotate",
            None,
            Edit,
        ),
        (
            "createWebhook",
            M::POST,
            "/api/v1/webhooks",
            Some(r#"{"url":"http://127.0.0.1:9/other","events":["poll.confirmed"]}"#),
            OwnerNew,
        ),
        ("listWebhooks", M::GET, "/api/v1/webhooks", None, ReadList),
        (
            "deleteWebhook",
            M::DELETE,
            "/api/v1/webhooks/{webhook}",
            None,
            Owner,
        ),
        (
            "listWebhookDeliveries",
            M::GET,
            "/api/v1/webhooks/{webhook}/deliveries",
            None,
            Read,
        ),
        ("getWorkspace", M::GET, "/api/v1/workspace", None, ReadList),
        (
            "updateWorkspace",
            M::PATCH,
            "/api/v1/workspace",
            Some(r#"{"reply_to":"igf@example.org"}"#),
            OwnerNew,
        ),
        (
            "addPerson",
            M::POST,
            "/api/v1/workspace/people",
            Some(r#"{"email":"new{n}@example.org","name":"New Person","role":"viewer"}"#),
            OwnerNew,
        ),
        (
            "updatePerson",
            M::PATCH,
            "/api/v1/workspace/people/{person}",
            Some(r#"{"role":"viewer"}"#),
            Owner,
        ),
        (
            "removePerson",
            M::DELETE,
            "/api/v1/workspace/people/{person}",
            None,
            Owner,
        ),
        (
            "createApiToken",
            M::POST,
            "/api/v1/tokens",
            Some(r#"{"name":"script","scope":"read"}"#),
            OwnToken,
        ),
        ("listApiTokens", M::GET, "/api/v1/tokens", None, ReadList),
        (
            "revokeApiToken",
            M::DELETE,
            "/api/v1/tokens/{token}",
            None,
            Owner,
        ),
    ]
}

async fn matrix(app: TestApp) -> Matrix {
    let t = Some(app.token.as_str());
    let person =
        |email: &str, name: &str, role: &str| json!({ "email": email, "name": name, "role": role });
    let mut tokens = Vec::new();
    for (email, name, role) in [
        ("chengetai@example.org", "Chengetai", "editor"),
        ("luis@example.org", "Luis", "viewer"),
    ] {
        let p = app
            .post("/api/v1/workspace/people", t, &person(email, name, role))
            .await
            .ok(201)
            .clone();
        // A write token: the role alone must hold the viewer back.
        let tok = app
            .post(
                "/api/v1/tokens",
                t,
                &json!({ "name": "laptop", "scope": "write", "person_id": id(&p) }),
            )
            .await
            .ok(201)
            .clone();
        tokens.push(tok["token"].as_str().unwrap().to_string());
    }
    let read = app
        .post(
            "/api/v1/tokens",
            t,
            &json!({ "name": "dashboard", "scope": "read" }),
        )
        .await
        .ok(201)["token"]
        .as_str()
        .unwrap()
        .to_string();
    let gone = app
        .post(
            "/api/v1/tokens",
            t,
            &json!({ "name": "old script", "scope": "write" }),
        )
        .await
        .ok(201)
        .clone();
    app.delete(&format!("/api/v1/tokens/{}", id(&gone)), t)
        .await
        .ok(204);
    let other = app.other_organiser().await;
    Matrix {
        editor: tokens.remove(0),
        viewer: tokens.remove(0),
        other,
        read,
        revoked: gone["token"].as_str().unwrap().to_string(),
        app,
        n: 0,
        hook: None,
    }
}

/// Every operation × {owner, editor, viewer, another workspace's owner,
/// read token, revoked token, no token}: exactly the expected class of
/// answer, and a refused write leaves every readable thing as it was.
async fn every_operation_answers_each_caller_as_their_role_and_token_allow(backend: Backend) {
    let Some(app) = spawn_app_with(backend, private_network()).await else {
        return;
    };
    let mut m = matrix(app).await;
    let mut f = m.fixture().await;
    let poll = reference_poll_body().to_string();
    let mut cells = 0;
    let mut failures = Vec::new();
    for (op, method, path, body, kind) in operations() {
        for caller in CALLERS {
            let expected = want(kind, caller);
            let writes = method != Method::GET;
            let before = if writes && expected != Want::Ok {
                Some(m.snapshot(&f).await)
            } else {
                None
            };
            let body: Option<Value> =
                body.map(|b| serde_json::from_str(&f.fill(&b.replace("POLL", &poll))).unwrap());
            // A fresh poll is at version 1; edits say which they change.
            let headers: &[(&str, &str)] = if op == "updatePoll" {
                &[("If-Match", "\"1\"")]
            } else {
                &[]
            };
            let r = m
                .app
                .request_with(
                    method.clone(),
                    &f.fill(path),
                    m.token(caller),
                    body.as_ref(),
                    headers,
                )
                .await;
            cells += 1;
            let got = match r.status.as_u16() {
                200..=299 => Want::Ok,
                401 => Want::E401,
                403 => Want::E403,
                404 => Want::E404,
                _ => {
                    failures.push(format!("{op} {caller:?}: {} {}", r.status, r.text));
                    continue;
                }
            };
            if got != expected {
                failures.push(format!(
                    "{op} {caller:?}: expected {expected:?}, got {} {}",
                    r.status, r.text
                ));
            } else if expected != Want::Ok {
                r.problem(r.status.as_u16());
            }
            if let Some(before) = before {
                assert_eq!(
                    before,
                    m.snapshot(&f).await,
                    "{op} by {caller:?} changed something"
                );
            }
            if writes && got == Want::Ok {
                f = m.fixture().await;
            }
        }
    }
    // Every operation of the spec is in the table, but liveness and readiness.
    let spec = m.app.get("/openapi.json", None).await.ok(200).clone();
    let mut in_spec: Vec<String> = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|op| op["operationId"].as_str().map(str::to_string))
        .filter(|op| op != "getHealth" && op != "getReadiness")
        .collect();
    in_spec.sort();
    let mut tested: Vec<String> = operations().iter().map(|o| o.0.to_string()).collect();
    tested.sort();
    assert_eq!(in_spec, tested);
    assert_eq!(cells, tested.len() * CALLERS.len());
    assert!(
        failures.is_empty(),
        "{} of {cells} cells wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn private_network() -> convene::startup::Options {
    convene::startup::Options {
        webhooks: convene::webhooks::Webhooks::new(true),
        ..convene::startup::Options::default()
    }
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

on_both_databases!(every_operation_answers_each_caller_as_their_role_and_token_allow);

/// The owner (the test app's token) adds a person and gives them a token.
async fn person_with_token(app: &TestApp, name: &str, role: &str, scope: &str) -> (Value, String) {
    let t = Some(app.token.as_str());
    let email = format!("{}@example.org", name.to_lowercase());
    let person = app
        .post(
            "/api/v1/workspace/people",
            t,
            &json!({ "email": email, "name": name, "role": role }),
        )
        .await
        .ok(201)
        .clone();
    let token = app
        .post(
            "/api/v1/tokens",
            t,
            &json!({ "name": "laptop", "scope": scope, "person_id": id(&person) }),
        )
        .await
        .ok(201)["token"]
        .as_str()
        .unwrap()
        .to_string();
    (person, token)
}

/// An invite-only poll with the roster invited, as the owner makes it.
async fn invited_poll(app: &TestApp) -> Value {
    let t = Some(app.token.as_str());
    let group = app
        .post(
            "/api/v1/groups",
            t,
            &json!({ "name": "MAG 2026", "members": [
                { "name": "Yoichi", "email": "yoichi@example.org", "time_zone": "Asia/Tokyo" } ] }),
        )
        .await
        .ok(201)
        .clone();
    let mut body = reference_poll_body();
    body["voting"] = json!("invite_only");
    let poll = app.create_poll(&body).await;
    app.post(
        &format!("/api/v1/polls/{}/invitations", id(&poll)),
        t,
        &json!({ "group_id": id(&group) }),
    )
    .await
    .ok(201);
    poll
}

async fn viewers_and_read_tokens_never_see_a_vote_link_or_a_feed_address(app: TestApp) {
    let poll = invited_poll(&app).await;
    let (_, editor) = person_with_token(&app, "Chengetai", "editor", "write").await;
    let (_, viewer) = person_with_token(&app, "Luis", "viewer", "write").await;
    let (_, editor_read) = person_with_token(&app, "Anja", "editor", "read").await;
    let invitations = format!("/api/v1/polls/{}/invitations", id(&poll));

    // Feeds listed first by a viewer: nothing is made, no address shown.
    let listed = app
        .get("/api/v1/feeds", Some(&viewer))
        .await
        .ok(200)
        .clone();
    assert_eq!(listed["items"], json!([]), "{listed}");

    let items = app.get(&invitations, Some(&editor)).await.ok(200)["items"].clone();
    assert!(items[0]["vote_url"].is_string(), "an editor gets the links");
    for token in [&viewer, &editor_read] {
        let r = app.get(&invitations, Some(token)).await;
        let items = r.ok(200)["items"].as_array().unwrap().clone();
        assert_eq!(items.len(), 1);
        assert!(!r.text.contains("/vote/"), "{}", r.text);
        assert!(!r.text.contains("cvn_"), "{}", r.text);
    }

    let owner_feeds = app
        .get("/api/v1/feeds", Some(&app.token))
        .await
        .ok(200)
        .clone();
    assert!(owner_feeds["items"][0]["url"].is_string(), "{owner_feeds}");
    for token in [&viewer, &editor_read] {
        let r = app.get("/api/v1/feeds", Some(token)).await;
        assert_eq!(r.ok(200)["items"].as_array().unwrap().len(), 2);
        assert!(!r.text.contains("cvn_feed_"), "{}", r.text);
    }

    // Nor any token or secret in what else a viewer reads.
    for path in [
        "/api/v1/workspace".to_string(),
        "/api/v1/tokens".to_string(),
        "/api/v1/webhooks".to_string(),
        format!("/api/v1/polls/{}", id(&poll)),
        format!("/api/v1/polls/{}/history", id(&poll)),
        format!("/api/v1/polls/{}/export.csv", id(&poll)),
    ] {
        let r = app.get(&path, Some(&viewer)).await;
        assert_eq!(r.status.as_u16(), 200, "{path}: {}", r.text);
        assert!(
            !r.text.contains("cvn_") && !r.text.contains("whsec_"),
            "{path}: {}",
            r.text
        );
    }
    // And the writes that would hand one out are refused.
    let create_token = json!({ "name": "mine", "scope": "read" });
    app.post("/api/v1/tokens", Some(&viewer), &create_token)
        .await
        .problem(403);
    app.post(
        &format!("{invitations}/{}/reissue", items[0]["id"].as_str().unwrap()),
        Some(&viewer),
        &json!({}),
    )
    .await
    .problem(403);
}

async fn the_last_owner_is_never_removed_or_demoted(app: TestApp) {
    let t = Some(app.token.as_str());
    let before = app.get("/api/v1/workspace", t).await.ok(200).clone();
    let people = before["people"].as_array().unwrap();
    assert_eq!(people.len(), 1);
    assert_eq!(people[0]["role"], "owner");
    let me = format!("/api/v1/workspace/people/{}", id(&people[0]));

    let demoted = app
        .request(Method::PATCH, &me, t, Some(&json!({ "role": "editor" })))
        .await;
    let reason = demoted.problem(409)["detail"].as_str().unwrap().to_string();
    assert!(reason.contains("last owner"), "{reason}");
    app.delete(&me, t).await.problem(409);
    assert_eq!(app.get("/api/v1/workspace", t).await.ok(200), &before);

    // With a second owner, the first may step down.
    let (second, second_token) = person_with_token(&app, "Anja", "owner", "write").await;
    app.request(Method::PATCH, &me, t, Some(&json!({ "role": "editor" })))
        .await
        .ok(200);
    // Now the second is the last owner.
    let second_path = format!("/api/v1/workspace/people/{}", id(&second));
    app.delete(&second_path, Some(&second_token))
        .await
        .problem(409);
    // And the demoted first cannot manage people any more.
    app.request(
        Method::PATCH,
        &second_path,
        t,
        Some(&json!({ "role": "viewer" })),
    )
    .await
    .problem(403);
}

async fn people_input_is_checked_and_refusals_change_nothing(app: TestApp) {
    let t = Some(app.token.as_str());
    let people = "/api/v1/workspace/people";
    let r = app
        .post(
            people,
            t,
            &json!({ "email": "not an address", "name": "X", "role": "editor" }),
        )
        .await;
    r.invalid_field("email");
    let r = app
        .post(
            people,
            t,
            &json!({ "email": "a@example.org", "name": "  ", "role": "editor" }),
        )
        .await;
    r.invalid_field("name");
    app.post(
        people,
        t,
        &json!({ "email": "a@example.org", "name": "A", "role": "boss" }),
    )
    .await
    .invalid_field("role");
    let (anja, _) = person_with_token(&app, "Anja", "editor", "write").await;
    // The same address twice (in any case) is a conflict.
    app.post(
        people,
        t,
        &json!({ "email": "ANJA@example.org", "name": "Anja 2", "role": "viewer" }),
    )
    .await
    .problem(409);
    let anja_path = format!("{people}/{}", id(&anja));
    app.request(Method::PATCH, &anja_path, t, Some(&json!({ "name": null })))
        .await
        .invalid_field("name");
    app.request(Method::PATCH, &anja_path, t, Some(&json!({ "email": "x" })))
        .await
        .invalid_field("email");
    let unknown = format!("{people}/{}", uuid::Uuid::now_v7());
    app.request(
        Method::PATCH,
        &unknown,
        t,
        Some(&json!({ "role": "viewer" })),
    )
    .await
    .problem(404);
    app.delete(&unknown, t).await.problem(404);
    // Another workspace's owner does not reach this workspace's people.
    let other = app.other_organiser().await;
    app.request(
        Method::PATCH,
        &anja_path,
        Some(&other),
        Some(&json!({ "role": "owner" })),
    )
    .await
    .problem(404);
    app.delete(&anja_path, Some(&other)).await.problem(404);
    let ws = app.get("/api/v1/workspace", t).await.ok(200).clone();
    let names: Vec<_> = ws["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].clone())
        .collect();
    assert_eq!(names, vec![json!("IGF Secretariat"), json!("Anja")]);
    assert_eq!(ws["people"][1]["role"], "editor");
    assert_eq!(ws["people"][1]["email"], "anja@example.org");
}

async fn a_revoked_token_or_a_removed_person_stops_at_once(app: TestApp) {
    let t = Some(app.token.as_str());
    let created = app
        .post(
            "/api/v1/tokens",
            t,
            &json!({ "name": "reminder script", "scope": "write" }),
        )
        .await
        .ok(201)
        .clone();
    let secret = created["token"].as_str().unwrap().to_string();
    assert!(secret.starts_with("cvn_org_"));
    assert_eq!(created["scope"], "write");
    app.get("/api/v1/polls", Some(&secret)).await.ok(200);
    let listed = app.get("/api/v1/tokens", t).await;
    assert!(
        !listed.text.contains("cvn_org_"),
        "never the secret: {}",
        listed.text
    );
    let mine = listed.ok(200)["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == created["id"])
        .unwrap()
        .clone();
    assert_eq!(mine["name"], "reminder script");
    assert!(mine["last_used_at"].is_string(), "{mine}");

    app.delete(&format!("/api/v1/tokens/{}", id(&created)), t)
        .await
        .ok(204);
    let r = app.get("/api/v1/polls", Some(&secret)).await;
    assert!(
        r.problem(401)["detail"]
            .as_str()
            .unwrap()
            .contains("revoked")
    );
    app.delete(&format!("/api/v1/tokens/{}", id(&created)), t)
        .await
        .problem(404);

    // Removing a person takes their tokens with them.
    let (luis, token) = person_with_token(&app, "Luis", "editor", "write").await;
    app.get("/api/v1/workspace", Some(&token)).await.ok(200);
    app.delete(&format!("/api/v1/workspace/people/{}", id(&luis)), t)
        .await
        .ok(204);
    app.get("/api/v1/workspace", Some(&token))
        .await
        .problem(401);
}

async fn owners_list_every_token_and_others_their_own(app: TestApp) {
    let t = Some(app.token.as_str());
    let (anja, editor) = person_with_token(&app, "Anja", "editor", "write").await;
    let own = app
        .post(
            "/api/v1/tokens",
            Some(&editor),
            &json!({ "name": "mine", "scope": "read" }),
        )
        .await
        .ok(201)
        .clone();
    assert_eq!(own["person_id"], anja["id"]);
    let all = app.get("/api/v1/tokens", t).await.ok(200)["tokens"].clone();
    assert_eq!(all.as_array().unwrap().len(), 3, "{all}");
    let theirs = app.get("/api/v1/tokens", Some(&editor)).await.ok(200)["tokens"].clone();
    assert_eq!(theirs.as_array().unwrap().len(), 2, "{theirs}");
    assert!(
        theirs
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["person_id"] == anja["id"])
    );

    // An editor issues no token to someone else, and revokes only their own.
    let me = app.get("/api/v1/workspace", t).await.ok(200)["people"][0]["id"].clone();
    app.post(
        "/api/v1/tokens",
        Some(&editor),
        &json!({ "name": "for you", "scope": "write", "person_id": me }),
    )
    .await
    .problem(403);
    let owners = all
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["person_id"] == me)
        .unwrap()
        .clone();
    app.delete(&format!("/api/v1/tokens/{}", id(&owners)), Some(&editor))
        .await
        .problem(403);
    app.delete(&format!("/api/v1/tokens/{}", id(&own)), Some(&editor))
        .await
        .ok(204);
    // Nobody issues a token to a person of another workspace.
    let other = app.other_organiser().await;
    app.post(
        "/api/v1/tokens",
        Some(&other),
        &json!({ "name": "sneaky", "scope": "write", "person_id": anja["id"] }),
    )
    .await
    .problem(404);
    // A bad scope or name is refused.
    app.post(
        "/api/v1/tokens",
        t,
        &json!({ "name": "x", "scope": "admin" }),
    )
    .await
    .invalid_field("scope");
    app.post(
        "/api/v1/tokens",
        t,
        &json!({ "name": " ", "scope": "read" }),
    )
    .await
    .invalid_field("name");
    // Nothing refused was made; only the editor's own revocation shows.
    let left: Vec<Value> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["id"] != own["id"])
        .cloned()
        .collect();
    assert_eq!(
        app.get("/api/v1/tokens", t).await.ok(200)["tokens"],
        json!(left)
    );
}

async fn history_names_the_person_who_acted(app: TestApp) {
    let (_, editor) = person_with_token(&app, "Chengetai", "editor", "write").await;
    let poll = app
        .post("/api/v1/polls", Some(&editor), &reference_poll_body())
        .await
        .ok(201)
        .clone();
    let p = format!("/api/v1/polls/{}", id(&poll));
    app.post(&format!("{p}/close"), Some(&app.token), &json!({}))
        .await
        .ok(200);
    let history = app
        .get(&format!("{p}/history"), Some(&app.token))
        .await
        .ok(200)
        .clone();
    let actors: Vec<_> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["action"].clone(), h["actor_name"].clone()))
        .collect();
    assert_eq!(
        actors,
        vec![
            (json!("poll_created"), json!("Chengetai")),
            (json!("poll_closed"), json!("IGF Secretariat")),
        ]
    );
    // The poll is the workspace's: another editor reads and edits it.
    let (_, second) = person_with_token(&app, "Anja", "editor", "write").await;
    app.post(&format!("{p}/reopen"), Some(&second), &json!({}))
        .await
        .ok(200);
}

async fn an_owner_names_the_workspace_and_its_reply_address(app: TestApp) {
    let t = Some(app.token.as_str());
    let ws = "/api/v1/workspace";
    let changed = app
        .request(
            Method::PATCH,
            ws,
            t,
            Some(&json!({ "name": "IGF Secretariat (Geneva)", "reply_to": "igf@example.org" })),
        )
        .await
        .ok(200)
        .clone();
    assert_eq!(changed["name"], "IGF Secretariat (Geneva)");
    assert_eq!(changed["reply_to"], "igf@example.org");
    app.request(Method::PATCH, ws, t, Some(&json!({ "reply_to": "nope" })))
        .await
        .invalid_field("reply_to");
    app.request(Method::PATCH, ws, t, Some(&json!({ "name": null })))
        .await
        .invalid_field("name");
    app.other_organiser().await;
    app.request(
        Method::PATCH,
        ws,
        t,
        Some(&json!({ "name": "Another Secretariat" })),
    )
    .await
    .problem(409);
    assert_eq!(app.get(ws, t).await.ok(200), &changed);
    let cleared = app
        .request(Method::PATCH, ws, t, Some(&json!({ "reply_to": null })))
        .await
        .ok(200)
        .clone();
    assert!(cleared.get("reply_to").is_none(), "{cleared}");
}

/// `convene organiser add`: the person, their workspace if new, and a token
/// as their role allows (a viewer's reads only).
async fn the_cli_adds_people_with_a_token_their_role_allows(app: TestApp) {
    use convene::domain::roles::Role;
    let owner = app
        .store
        .add_organiser(
            "Ana@Example.org",
            "Ana",
            Some("Ministry of Tourism"),
            Role::Owner,
        )
        .await
        .unwrap();
    assert!(owner.new_workspace);
    let ws = app
        .get("/api/v1/workspace", Some(&owner.token))
        .await
        .ok(200)
        .clone();
    assert_eq!(ws["name"], "Ministry of Tourism");
    assert_eq!(ws["people"][0]["email"], "ana@example.org");
    assert_eq!(ws["people"][0]["role"], "owner");
    let viewer = app
        .store
        .add_organiser(
            "bo@example.org",
            "Bo",
            Some("Ministry of Tourism"),
            Role::Viewer,
        )
        .await
        .unwrap();
    assert!(!viewer.new_workspace);
    app.get("/api/v1/polls", Some(&viewer.token)).await.ok(200);
    app.post("/api/v1/polls", Some(&viewer.token), &reference_poll_body())
        .await
        .problem(403);
    let again = app
        .store
        .add_organiser(
            "bo@example.org",
            "Bo",
            Some("Ministry of Tourism"),
            Role::Editor,
        )
        .await;
    assert!(again.is_err(), "one person per address in a workspace");
    let more = app
        .store
        .issue_person_token(
            "bo@example.org",
            None,
            convene::domain::roles::Scope::Write,
            "cli",
        )
        .await
        .unwrap();
    assert_eq!(more.scope, convene::domain::roles::Scope::Read);
}

crate::both_databases!(
    viewers_and_read_tokens_never_see_a_vote_link_or_a_feed_address,
    the_last_owner_is_never_removed_or_demoted,
    people_input_is_checked_and_refusals_change_nothing,
    a_revoked_token_or_a_removed_person_stops_at_once,
    owners_list_every_token_and_others_their_own,
    history_names_the_person_who_acted,
    an_owner_names_the_workspace_and_its_reply_address,
    the_cli_adds_people_with_a_token_their_role_allows,
    owners_demoting_each_other_at_once_leave_one_owner,
);

/// An organiser from before workspaces (schema up to the migration before
/// them, a row as `convene token create` wrote it) becomes a one-person
/// workspace, owner of it, and its token keeps working, as a write token.
async fn an_organiser_from_before_workspaces_keeps_its_token(backend: Backend) {
    use migration::{Migrator, MigratorTrait};
    use sea_orm::{ConnectionTrait, Statement, Value as V};
    let Some((url, guard)) = crate::helpers::fresh_database(backend).await else {
        return;
    };
    let connect = match backend {
        Backend::Sqlite => format!("{url}?mode=rwc"),
        Backend::Postgres => url.clone(),
    };
    let db = sea_orm::Database::connect(connect.as_str()).await.unwrap();
    let before = Migrator::migrations()
        .iter()
        .position(|m| m.name() == "m20261206_000018_workspaces")
        .unwrap();
    Migrator::up(&db, Some(before as u32)).await.unwrap();
    let secret = format!("cvn_org_{}", "ab".repeat(32));
    let hash = convene::domain::token::hash(&secret);
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            "INSERT INTO organiser (id, name, token_hash, created_at) VALUES ($1, $2, $3, $4)"
        }
        _ => "INSERT INTO organiser (id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
    };
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        [
            V::from(uuid::Uuid::now_v7()),
            V::from("Old Secretariat"),
            V::from(hash.clone()),
            V::from(chrono::Utc::now()),
        ],
    ))
    .await
    .unwrap();
    drop(db);

    let app = crate::helpers::spawn_app_on(backend, url, guard, Default::default()).await;
    let ws = app
        .get("/api/v1/workspace", Some(&secret))
        .await
        .ok(200)
        .clone();
    assert_eq!(ws["name"], "Old Secretariat");
    assert_eq!(ws["people"].as_array().unwrap().len(), 1);
    assert_eq!(ws["people"][0]["name"], "Old Secretariat");
    assert_eq!(ws["people"][0]["role"], "owner");
    let tokens = app
        .get("/api/v1/tokens", Some(&secret))
        .await
        .ok(200)
        .clone();
    assert_eq!(tokens["tokens"][0]["scope"], "write", "{tokens}");
    app.post("/api/v1/polls", Some(&secret), &reference_poll_body())
        .await
        .ok(201);
    // The other workspace (the test app's) sees none of it.
    assert_eq!(
        app.get("/api/v1/polls", Some(&app.token)).await.ok(200)["items"],
        json!([])
    );
    // Revoked like any other token: at once.
    app.delete(
        &format!("/api/v1/tokens/{}", id(&tokens["tokens"][0])),
        Some(&secret),
    )
    .await
    .ok(204);
    app.get("/api/v1/workspace", Some(&secret))
        .await
        .problem(401);
}

on_both_databases!(an_organiser_from_before_workspaces_keeps_its_token);

/// Two owners demoting each other at once, through two instances: one
/// wins, the other is refused (409, or 403 once it is no longer an owner),
/// and the workspace never ends without an owner.
async fn owners_demoting_each_other_at_once_leave_one_owner(app: TestApp) {
    let second = app.second_instance().await;
    let t = Some(app.token.as_str());
    let me = app.get("/api/v1/workspace", t).await.ok(200)["people"][0].clone();
    let (anja, anja_token) = person_with_token(&app, "Anja", "owner", "write").await;
    let pairs = [
        (app.token.clone(), id(&anja).to_string()),
        (anja_token.clone(), id(&me).to_string()),
    ];
    for round in 0..5 {
        let apps = [&app, &second];
        let calls: Vec<_> = pairs
            .iter()
            .zip(apps)
            .map(|((token, target), a)| {
                let (client, url, token) = (
                    a.client.clone(),
                    format!("{}/api/v1/workspace/people/{target}", a.address),
                    token.clone(),
                );
                async move {
                    client
                        .patch(url)
                        .bearer_auth(token)
                        .json(&json!({ "role": "editor" }))
                        .send()
                        .await
                        .unwrap()
                        .status()
                        .as_u16()
                }
            })
            .collect();
        let mut statuses = Vec::new();
        let handles: Vec<_> = calls.into_iter().map(tokio::spawn).collect();
        for h in handles {
            statuses.push(h.await.unwrap());
        }
        statuses.sort();
        assert!(
            statuses == [200, 403] || statuses == [200, 409],
            "round {round}: {statuses:?}"
        );
        // Both are still people of the workspace, whatever their role.
        let people = app.get("/api/v1/workspace", t).await.ok(200)["people"].clone();
        let owners: Vec<&Value> = people
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["role"] == "owner")
            .collect();
        assert_eq!(owners.len(), 1, "round {round}: {people}");
        // The remaining owner makes the other an owner again.
        let (owner_token, other) = if owners[0]["id"] == me["id"] {
            (&app.token, id(&anja).to_string())
        } else {
            (&anja_token, id(&me).to_string())
        };
        app.request(
            Method::PATCH,
            &format!("/api/v1/workspace/people/{other}"),
            Some(owner_token),
            Some(&json!({ "role": "owner" })),
        )
        .await
        .ok(200);
    }
}
