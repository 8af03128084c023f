//! Bad input of every shape gets a problem+json naming what is wrong, and changes nothing.

use reqwest::Method;
use serde_json::json;

use crate::both_databases;
use crate::helpers::Backend;
use crate::helpers::{TestApp, id, reference_poll_body};

async fn text_limits_are_enforced_by_field(app: TestApp) {
    let mut body = reference_poll_body();
    body["title"] = json!("x".repeat(201));
    body["description"] = json!("d".repeat(10_001));
    body["location"] = json!("l".repeat(501));
    let r = app.post("/api/v1/polls", Some(&app.token), &body).await;
    r.invalid_field("title");
    r.invalid_field("description");
    r.invalid_field("location");
    let poll = app.reference_poll().await;
    app.vote(&poll, &"n".repeat(101), &[])
        .await
        .invalid_field("name");
    let path = format!("/api/v1/polls/{}/responses", id(&poll));
    app.post(
        &path,
        None,
        &json!({ "name": "A", "comment": "c".repeat(2001), "votes": [] }),
    )
    .await
    .invalid_field("comment");
}

async fn a_poll_takes_five_hundred_options_and_no_more(app: TestApp) {
    let options: Vec<_> = (0..500)
        .map(|h| json!({ "kind": "timed", "start": format!("2026-09-{:02}T{:02}:00", 1 + h / 24, h % 24), "end": format!("2026-09-{:02}T{:02}:30", 1 + h / 24, h % 24) }))
        .collect();
    let body = json!({ "title": "Hourly", "time_zone": "UTC", "options": options });
    let poll = app.create_poll(&body).await;
    assert_eq!(poll["options"].as_array().unwrap().len(), 500);
    let more = app
        .post(
            &format!("/api/v1/polls/{}/options", id(&poll)),
            Some(&app.token),
            &json!({ "kind": "all_day", "start_date": "2026-12-01" }),
        )
        .await;
    more.problem(409);
    let mut too_many = body.clone();
    too_many["options"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "kind": "all_day", "start_date": "2026-12-01" }));
    app.post("/api/v1/polls", Some(&app.token), &too_many)
        .await
        .invalid_field("options");
}

async fn malformed_requests_get_problems_not_crashes(app: TestApp) {
    let url = format!("{}/api/v1/polls", app.address);
    let send = |body: &'static str, ct: &'static str| {
        let app = &app;
        let url = url.clone();
        async move {
            let resp = app
                .client
                .post(url)
                .bearer_auth(&app.token)
                .header("content-type", ct)
                .body(body)
                .send()
                .await
                .unwrap();
            let status = resp.status().as_u16();
            let ct = resp
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_string());
            (status, ct, resp.text().await.unwrap())
        }
    };
    let (s, ct, text) = send("{\"title\": ", "application/json").await;
    assert_eq!(
        (s, ct.as_deref()),
        (400, Some("application/problem+json")),
        "{text}"
    );
    let (s, ct, _) = send("title=x", "application/x-www-form-urlencoded").await;
    assert_eq!((s, ct.as_deref()), (415, Some("application/problem+json")));
    let (s, _, _) = send("", "application/json").await;
    assert_eq!(s, 400);
    let (s, _, text) = send("[1,2]", "application/json").await;
    assert_eq!(s, 422, "{text}");
    let (s, _, text) = send(
        r#"{"title":"T","time_zone":"UTC","options":[],"colour":"red"}"#,
        "application/json",
    )
    .await;
    assert_eq!(s, 422, "unknown fields are refused: {text}");
    assert!(text.contains("colour"), "{text}");
    let (s, _, text) = send(
        r#"{"title":5,"time_zone":"UTC","options":[]}"#,
        "application/json",
    )
    .await;
    assert_eq!(s, 422);
    assert!(text.contains("\"field\":\"title\""), "{text}");

    app.get("/api/v1/polls/not-a-uuid", None).await.problem(400);
    app.get("/api/v1/nowhere", None).await.problem(404);
    app.request(
        Method::PUT,
        "/api/v1/polls",
        Some(&app.token),
        Some(&json!({})),
    )
    .await
    .problem(405);
    app.get(&format!("/api/v1/polls/{}", uuid::Uuid::now_v7()), None)
        .await
        .problem(404);
    assert!(
        app.get("/api/v1/polls", Some(&app.token)).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

async fn an_oversized_body_is_refused_with_413(app: TestApp) {
    let mut body = reference_poll_body();
    body["description"] = json!("x".repeat(2 * 1024 * 1024));
    app.post("/api/v1/polls", Some(&app.token), &body)
        .await
        .problem(413);
}

/// Every limit the spec states on a request field — read from the served
/// spec, not from a list of our own — is the one the service enforces: the
/// limit itself is accepted, one past it is a 422 naming the field. A limit
/// added to the spec without a case here fails the test.
async fn every_limit_the_spec_states_is_the_one_enforced(app: TestApp) {
    let spec = app.get("/openapi.json", None).await.ok(200).clone();
    let mut limits = Vec::new();
    for (schema, body) in spec["components"]["schemas"].as_object().unwrap() {
        for (property, p) in body["properties"].as_object().into_iter().flatten() {
            for keyword in [
                "maxLength",
                "minLength",
                "maxItems",
                "minItems",
                "maximum",
                "minimum",
            ] {
                // time_zone is checked against the IANA list, which no
                // 64-character name is on; responses are not input.
                if property == "time_zone"
                    || !schema.ends_with("Request") && !schema.ends_with("Input")
                {
                    continue;
                }
                if let Some(v) = p[keyword].as_f64() {
                    limits.push((schema.clone(), property.clone(), keyword, v as i64));
                }
            }
        }
    }
    assert!(limits.len() >= 25, "the spec states its limits: {limits:?}");

    let poll = app.reference_poll().await;
    let poll_id = id(&poll).to_string();
    let group = app
        .post("/api/v1/groups", Some(&app.token), &json!({ "name": "Limits", "members": [{ "name": "Ana", "time_zone": "Europe/Vienna" }] }))
        .await
        .ok(201)
        .clone();
    let group_id = id(&group).to_string();
    let member_id = group["members"][0]["id"].as_str().unwrap().to_string();
    // Enough options and members to reach the item limits.
    let options = |n: i64| -> Vec<serde_json::Value> {
        (0..n)
            .map(|h| json!({ "kind": "timed", "start": format!("2026-09-{:02}T{:02}:00", 1 + h / 24, h % 24), "end": format!("2026-09-{:02}T{:02}:30", 1 + h / 24, h % 24) }))
            .collect()
    };
    let wide = app
        .create_poll(&json!({ "title": "Wide", "time_zone": "UTC", "options": options(500) }))
        .await;
    let wide_options: Vec<String> = wide["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| id(o).to_string())
        .collect();
    let members = |n: i64, tag: &str| -> Vec<serde_json::Value> {
        (0..n)
            .map(|i| json!({ "name": format!("{tag} {i}"), "time_zone": "UTC" }))
            .collect()
    };
    let big = app
        .post(
            "/api/v1/groups",
            Some(&app.token),
            &json!({ "name": "Big", "members": members(20_000, "Big") }),
        )
        .await
        .ok(201)
        .clone();
    let big_ids: Vec<String> = app
        .get(&format!("/api/v1/groups/{}", id(&big)), Some(&app.token))
        .await
        .ok(200)["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| id(m).to_string())
        .collect();
    assert_eq!(big_ids.len(), 20_000);
    // 20,000 invitations, to mail by id.
    let mail_poll = app
        .create_poll(
            &json!({ "title": "Mail", "time_zone": "UTC", "voting": "invite_only", "options": [
            { "kind": "all_day", "start_date": "2026-07-05", "end_date": "2026-07-05" } ] }),
        )
        .await;
    let mail_invitations: Vec<String> = app
        .post(
            &format!("/api/v1/polls/{}/invitations", id(&mail_poll)),
            Some(&app.token),
            &json!({ "group_id": id(&big) }),
        )
        .await
        .ok(201)["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| id(i).to_string())
        .collect();

    // A poll nothing happens to, for the webhooks the limits register.
    let quiet_poll = app.reference_poll().await;

    for (schema, property, keyword, limit) in limits {
        // The limit itself, and one past it.
        let (ok, past) = match keyword {
            "maxLength" | "maxItems" | "maximum" => (limit, limit + 1),
            _ => (limit, limit - 1),
        };
        let text = |n: i64| json!("x".repeat(n as usize));
        let email = |n: i64| json!(format!("{}@example.org", "a".repeat(n as usize - 12)));
        // A well-formed BCP 47 tag of n characters: `en` and variants.
        let language = |n: i64| {
            let mut tag = String::from("en");
            let mut letter = b'a';
            while tag.len() < n as usize {
                let rest = n as usize - tag.len() - 1;
                let k = if rest <= 8 {
                    rest
                } else if rest - 9 >= 5 {
                    8
                } else {
                    rest - 6
                };
                tag.push('-');
                tag.push_str(&(letter as char).to_string().repeat(k));
                letter += 1;
            }
            json!(tag)
        };
        let member_value = |field: &str, n: i64| match field {
            "email" | "reply_to" => email(n),
            "language" => language(n),
            _ => text(n),
        };
        let patch_poll = |field: &str, value: serde_json::Value| {
            let app = &app;
            let path = format!("/api/v1/polls/{poll_id}");
            let body = json!({ field: value });
            async move {
                app.request_with(
                    Method::PATCH,
                    &path,
                    Some(&app.token),
                    Some(&body),
                    &[("If-Match", "*")],
                )
                .await
            }
        };
        let send = |n: i64| {
            let (schema, property) = (schema.clone(), property.clone());
            let (app, poll_id, group_id, member_id) = (&app, &poll_id, &group_id, &member_id);
            let (wide, wide_options, big_ids) = (&wide, &wide_options, &big_ids);
            let (mail_poll, mail_invitations) = (&mail_poll, &mail_invitations);
            let quiet_poll = &quiet_poll;
            let (options, members) = (&options, &members);
            let patch_poll = &patch_poll;
            async move {
                match (schema.as_str(), property.as_str()) {
                    ("CreatePollRequest", "options") => {
                        app.post(
                            "/api/v1/polls",
                            Some(&app.token),
                            &json!({ "title": "T", "time_zone": "UTC", "options": options(n) }),
                        )
                        .await
                    }
                    ("OptionInput", "capacity") => {
                        // Places of an option added to a fresh poll.
                        let target = app
                            .create_poll(&json!({ "title": "Seats", "time_zone": "UTC", "options": options(1) }))
                            .await;
                        app.post(
                            &format!("/api/v1/polls/{}/options", id(&target)),
                            Some(&app.token),
                            &json!({ "kind": "all_day", "start_date": "2031-07-05", "capacity": n }),
                        )
                        .await
                    }
                    ("CreatePollRequest" | "UpdatePollRequest", "attendance_modes") => {
                        // The two modes, then one again (a third is one too many).
                        let modes: Vec<&str> = (0..n as usize)
                            .map(|i| ["in_person", "online"][i % 2])
                            .collect();
                        if schema == "CreatePollRequest" {
                            let mut body = reference_poll_body();
                            body["attendance_modes"] = json!(modes);
                            app.post("/api/v1/polls", Some(&app.token), &body).await
                        } else {
                            patch_poll("attendance_modes", json!(modes)).await
                        }
                    }
                    ("CreatePollRequest" | "UpdatePollRequest", "reminders") => {
                        let leads: Vec<String> = (1..=n).map(|h| format!("PT{h}H")).collect();
                        if schema == "CreatePollRequest" {
                            let mut body = reference_poll_body();
                            body["reminders"] = json!(leads);
                            app.post("/api/v1/polls", Some(&app.token), &body).await
                        } else {
                            patch_poll("reminders", json!(leads)).await
                        }
                    }
                    ("CreateWebhookRequest", field) => {
                        // A public name, never called: the webhook is for
                        // a poll nothing happens to, and deleted at once.
                        let (url, events) = match field {
                            "url" => {
                                let base = "https://hooks.example.org/";
                                (
                                    format!("{base}{}", "x".repeat(n as usize - base.len())),
                                    json!(["poll.closed"]),
                                )
                            }
                            _ => {
                                let all = [
                                    "response.created",
                                    "response.updated",
                                    "response.deleted",
                                    "poll.closed",
                                    "poll.reopened",
                                    "poll.confirmed",
                                    "poll.cancelled",
                                    "delivery.failed",
                                ];
                                let events: Vec<&str> =
                                    (0..n as usize).map(|i| all[i % all.len()]).collect();
                                ("https://hooks.example.org/x".to_string(), json!(events))
                            }
                        };
                        let reply = app
                            .post(
                                "/api/v1/webhooks",
                                Some(&app.token),
                                &json!({ "url": url, "events": events, "poll_id": id(quiet_poll) }),
                            )
                            .await;
                        if reply.status.as_u16() == 201 {
                            let hook: serde_json::Value =
                                serde_json::from_str(&reply.text).unwrap();
                            app.delete(
                                &format!("/api/v1/webhooks/{}", id(&hook)),
                                Some(&app.token),
                            )
                            .await;
                        }
                        reply
                    }
                    ("CreatePollRequest", "quorum") => {
                        let mut body = reference_poll_body();
                        body["quorum"] = json!(n);
                        app.post("/api/v1/polls", Some(&app.token), &body).await
                    }
                    ("CreatePollRequest", field) => {
                        let mut body = reference_poll_body();
                        body[field] = text(n);
                        app.post("/api/v1/polls", Some(&app.token), &body).await
                    }
                    ("UpdatePollRequest", "quorum") => patch_poll("quorum", json!(n)).await,
                    ("UpdatePollRequest", field) => patch_poll(field, text(n)).await,
                    ("ResponseInput", "votes") => {
                        let votes: Vec<_> = (0..n as usize)
                            .map(|i| json!({ "option_id": wide_options.get(i).cloned().unwrap_or_else(|| wide_options[0].clone()), "choice": "yes" }))
                            .collect();
                        app.post(
                            &format!("/api/v1/polls/{}/responses", id(wide)),
                            None,
                            &json!({ "name": "Many", "votes": votes }),
                        )
                        .await
                    }
                    ("ResponseInput", field) => {
                        let mut body = json!({ "name": "Bruna", "votes": [] });
                        body[field] = text(n);
                        app.post(&format!("/api/v1/polls/{poll_id}/responses"), None, &body)
                            .await
                    }
                    ("MemberInput", field) => {
                        let mut member = json!({ "name": "Member", "time_zone": "UTC" });
                        member[field] = member_value(field, n);
                        app.post(
                            &format!("/api/v1/groups/{group_id}/members"),
                            Some(&app.token),
                            &json!({ "members": [member] }),
                        )
                        .await
                    }
                    ("UpdateMemberRequest", field) => {
                        let value = member_value(field, n);
                        app.request(
                            Method::PATCH,
                            &format!("/api/v1/groups/{group_id}/members/{member_id}"),
                            Some(&app.token),
                            Some(&json!({ field: value })),
                        )
                        .await
                    }
                    ("CreateGroupRequest", "members") => {
                        app.post(
                            "/api/v1/groups",
                            Some(&app.token),
                            &json!({ "name": format!("G{n}"), "members": members(n, "G") }),
                        )
                        .await
                    }
                    ("CreateGroupRequest", field) => {
                        app.post(
                            "/api/v1/groups",
                            Some(&app.token),
                            &json!({ field: text(n) }),
                        )
                        .await
                    }
                    ("AddMembersRequest", "members") => {
                        let fresh = app
                            .post(
                                "/api/v1/groups",
                                Some(&app.token),
                                &json!({ "name": format!("Add {n}") }),
                            )
                            .await
                            .ok(201)
                            .clone();
                        app.post(
                            &format!("/api/v1/groups/{}/members", id(&fresh)),
                            Some(&app.token),
                            &json!({ "members": members(n, "Add") }),
                        )
                        .await
                    }
                    ("CreateInvitationsRequest", "member_ids") => {
                        let target = app.create_poll(&json!({ "title": "Invite", "time_zone": "UTC", "voting": "invite_only", "options": options(1) })).await;
                        let ids: Vec<_> = (0..n as usize)
                            .map(|i| {
                                big_ids
                                    .get(i)
                                    .cloned()
                                    .unwrap_or_else(|| big_ids[0].clone())
                            })
                            .collect();
                        app.post(
                            &format!("/api/v1/polls/{}/invitations", id(&target)),
                            Some(&app.token),
                            &json!({ "member_ids": ids }),
                        )
                        .await
                    }
                    ("SendInvitationEmailsRequest", "invitation_ids") => {
                        let ids: Vec<_> = (0..n as usize)
                            .map(|i| {
                                mail_invitations
                                    .get(i)
                                    .cloned()
                                    .unwrap_or_else(|| mail_invitations[0].clone())
                            })
                            .collect();
                        app.post(
                            &format!("/api/v1/polls/{}/invitations/emails", id(mail_poll)),
                            Some(&app.token),
                            &json!({ "invitation_ids": ids }),
                        )
                        .await
                    }
                    ("UpdateWorkspaceRequest", field) => {
                        app.request(
                            Method::PATCH,
                            "/api/v1/workspace",
                            Some(&app.token),
                            Some(&json!({ field: member_value(field, n) })),
                        )
                        .await
                    }
                    ("AddPersonRequest", field) => {
                        let mut body = json!({ "email": format!("p{n}@example.org"), "name": "P", "role": "viewer" });
                        body[field] = member_value(field, n);
                        app.post("/api/v1/workspace/people", Some(&app.token), &body)
                            .await
                    }
                    ("UpdatePersonRequest", field) => {
                        let person = app
                            .post(
                                "/api/v1/workspace/people",
                                Some(&app.token),
                                &json!({ "email": format!("u{n}-{field}@example.org"), "name": "U", "role": "viewer" }),
                            )
                            .await
                            .ok(201)
                            .clone();
                        app.request(
                            Method::PATCH,
                            &format!("/api/v1/workspace/people/{}", id(&person)),
                            Some(&app.token),
                            // Another address than addPerson's case took.
                            Some(&json!({ field: match field {
                                "email" => json!(format!("{}@example.org", "b".repeat(n as usize - 12))),
                                _ => member_value(field, n),
                            } })),
                        )
                        .await
                    }
                    ("CreateTokenRequest", field) => {
                        app.post(
                            "/api/v1/tokens",
                            Some(&app.token),
                            &json!({ field: text(n), "scope": "read" }),
                        )
                        .await
                    }
                    other => {
                        panic!("the spec states a limit no case here checks: {other:?} {keyword}")
                    }
                }
            }
        };
        let at = send(ok).await;
        assert!(
            at.status.is_success(),
            "{schema}.{property} {keyword} {limit}: the limit itself ({ok}) must be accepted, got {}: {}",
            at.status,
            at.text
        );
        let over = send(past).await;
        assert_eq!(
            over.status.as_u16(),
            422,
            "{schema}.{property} {keyword} {limit}: {past} must be refused: {}",
            over.text
        );
        // A member in a list is named by its place in it.
        let field = match (schema.as_str(), property.as_str()) {
            ("MemberInput", _) => format!("members[0].{property}"),
            // Only two modes exist: a third is one of them again.
            (_, "attendance_modes") => "attendance_modes[2]".to_string(),
            _ => property.clone(),
        };
        over.invalid_field(&field);
    }
}

/// connectCalendar's limits (its body is not a *Request schema, and the
/// limit itself must be read from a server, which only a service allowed
/// private addresses reaches here): an address of 2,048 characters and a
/// file of 10 MiB are taken, one more is refused naming the field (413 for
/// the body).
async fn a_calendar_address_and_file_are_bounded(backend: Backend) {
    use crate::free_busy::{CALENDAR, Feeds, calendar_path, private_network, setup, upload};
    let Some(app) = crate::helpers::spawn_app_with(backend, private_network()).await else {
        return;
    };
    let feeds = Feeds::start().await;
    let (poll, anna, _) = setup(&app).await;
    let base = format!("{}?pad=", feeds.url("/cal.ics"));
    let address = |n: usize| format!("{base}{}", "x".repeat(n - base.len()));
    app.put(
        &calendar_path(&poll),
        Some(&anna),
        &json!({ "url": address(2048) }),
    )
    .await
    .ok(200);
    app.put(
        &calendar_path(&poll),
        Some(&anna),
        &json!({ "url": address(2049) }),
    )
    .await
    .invalid_field("url");
    let body = CALENDAR.trim_end_matches("END:VCALENDAR\r\n");
    // Padding lines of 80 bytes ("X-PAD:" + 72 + CRLF), the last one to fit.
    let file = |n: usize| {
        let tail = "END:VCALENDAR\r\n";
        let mut f = String::with_capacity(n);
        f.push_str(body);
        let mut room = n - body.len() - tail.len();
        while room > 88 {
            f.push_str(&format!("X-PAD:{}\r\n", "p".repeat(72)));
            room -= 80;
        }
        f.push_str(&format!("X-PAD:{}\r\n", "p".repeat(room - 8)));
        f.push_str(tail);
        f
    };
    let max = convene::domain::limits::MAX_CALENDAR_BYTES;
    let exact = file(max);
    assert_eq!(exact.len(), max);
    upload(&app, &poll, &anna, &exact).await.ok(200);
    upload(&app, &poll, &anna, &format!("{exact} "))
        .await
        .problem(413);
}

crate::free_busy::on_both_databases!(a_calendar_address_and_file_are_bounded);

both_databases!(
    every_limit_the_spec_states_is_the_one_enforced,
    text_limits_are_enforced_by_field,
    a_poll_takes_five_hundred_options_and_no_more,
    malformed_requests_get_problems_not_crashes,
    an_oversized_body_is_refused_with_413,
);
