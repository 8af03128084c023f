//! Invitations: members of an organiser's groups invited to a poll with
//! personal tokens; invite-only polls; proxy answers; and what results say
//! about the roster (response rate, required members, social hours).

use std::sync::Arc;

use reqwest::Method;
use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::{Reply, TestApp, id, reference_poll_body, result_for};

// ---- helpers shared by the invitation, history and calendar tests --------

/// A member as `createGroup` takes one.
pub fn member(name: &str, email: Option<&str>, zone: &str) -> Value {
    match email {
        Some(e) => json!({ "name": name, "email": e, "time_zone": zone }),
        None => json!({ "name": name, "time_zone": zone }),
    }
}

/// The MAG roster: Tokyo, New York and Vienna, with default social hours.
pub fn mag_members() -> Vec<Value> {
    vec![
        member("Yoichi", Some("yoichi@example.org"), "Asia/Tokyo"),
        member("Anna", Some("anna@example.org"), "America/New_York"),
        member("Vera", None, "Europe/Vienna"),
    ]
}

/// Creates a group of the app's organiser (or of `token`'s).
pub async fn create_group_as(app: &TestApp, token: &str, name: &str, members: Vec<Value>) -> Value {
    app.post(
        "/api/v1/groups",
        Some(token),
        &json!({ "name": name, "members": members }),
    )
    .await
    .ok(201)
    .clone()
}

pub async fn create_group(app: &TestApp, members: Vec<Value>) -> Value {
    create_group_as(app, &app.token, "MAG 2026", members).await
}

/// The id of the group's member with this name.
pub fn member_id(group: &Value, name: &str) -> String {
    group["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("no member {name}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The reference poll, invite-only, with `changes` applied to its body.
pub async fn invite_only_poll(app: &TestApp, changes: Value) -> Value {
    let mut body = reference_poll_body();
    body["voting"] = json!("invite_only");
    for (k, v) in changes.as_object().unwrap() {
        body[k] = v.clone();
    }
    app.create_poll(&body).await
}

pub fn invitations_path(poll: &Value) -> String {
    format!("/api/v1/polls/{}/invitations", id(poll))
}

pub async fn invite(app: &TestApp, poll: &Value, body: &Value) -> Reply {
    app.post(&invitations_path(poll), Some(&app.token), body)
        .await
}

/// Invites the whole group as required members; returns the 201 body.
pub async fn invite_group(app: &TestApp, poll: &Value, group: &Value) -> Value {
    invite(app, poll, &json!({ "group_id": id(group) }))
        .await
        .ok(201)
        .clone()
}

/// The issued invitation of the member with this name.
pub fn issued<'a>(created: &'a Value, name: &str) -> &'a Value {
    created["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("no invitation for {name}: {created}"))
}

pub fn token_of(created: &Value, name: &str) -> String {
    issued(created, name)["token"].as_str().unwrap().to_string()
}

/// The feed's path on the test server, from the issued `feed_url`.
pub fn feed_path(app: &TestApp, invitation: &Value) -> String {
    invitation["feed_url"]
        .as_str()
        .unwrap()
        .strip_prefix(&app.address)
        .expect("the feed URL is on the public base URL")
        .to_string()
}

/// `votes` as the API takes them: option index and choice.
pub fn votes(poll: &Value, choices: &[(usize, &str)]) -> Value {
    choices
        .iter()
        .map(|(i, c)| json!({ "option_id": poll["options"][*i]["id"], "choice": c }))
        .collect()
}

/// An invited member's vote with their invitation token (no name).
pub async fn answer(app: &TestApp, poll: &Value, token: &str, choices: &[(usize, &str)]) -> Reply {
    app.post(
        &format!("/api/v1/polls/{}/responses", id(poll)),
        Some(token),
        &json!({ "votes": votes(poll, choices) }),
    )
    .await
}

pub fn me_path(poll: &Value) -> String {
    format!("/api/v1/polls/{}/responses/me", id(poll))
}

/// The organiser records the member's answer for them.
pub async fn proxy(app: &TestApp, poll: &Value, invitation_id: &str, body: &Value) -> Reply {
    app.put(
        &format!("{}/{invitation_id}/response", invitations_path(poll)),
        Some(&app.token),
        body,
    )
    .await
}

pub async fn list_invitations(app: &TestApp, poll: &Value) -> Value {
    app.get(&invitations_path(poll), Some(&app.token))
        .await
        .ok(200)
        .clone()
}

/// The listed invitation of the member with this name.
pub fn listed<'a>(page: &'a Value, name: &str) -> &'a Value {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("{name} is not listed: {page}"))
}

fn option_id(poll: &Value, i: usize) -> &str {
    poll["options"][i]["id"].as_str().unwrap()
}

// ---- creating invitations ------------------------------------------------

async fn inviting_a_group_issues_each_member_a_token_and_a_feed_shown_once(app: TestApp) {
    let group = create_group(&app, mag_members()).await;
    let poll = invite_only_poll(&app, json!({})).await;
    let created = invite_group(&app, &poll, &group).await;

    let invitations = created["invitations"].as_array().unwrap();
    assert_eq!(invitations.len(), 3, "{created}");
    assert_eq!(created["already_invited"], json!([]));
    let mut tokens = std::collections::HashSet::new();
    for (inv, m) in invitations.iter().zip(group["members"].as_array().unwrap()) {
        assert_eq!(inv["member_id"], m["id"], "in roster order");
        assert_eq!(inv["name"], m["name"]);
        assert_eq!(inv["time_zone"], m["time_zone"]);
        assert_eq!(inv["required"], true, "required by default");
        assert_eq!(inv["answered"], false);
        let token = inv["token"].as_str().unwrap();
        assert!(token.starts_with("cvn_inv_") && token.len() > 20, "{token}");
        assert!(tokens.insert(token.to_string()), "tokens are distinct");
        let feed = inv["feed_url"].as_str().unwrap();
        assert!(
            feed.starts_with(&format!("{}/calendar/cvn_feed_", app.address))
                && feed.ends_with(".ics"),
            "{feed}"
        );
        assert_eq!(
            inv["webcal_url"].as_str().unwrap(),
            feed.replace("http://", "webcal://")
        );
    }
    assert_eq!(issued(&created, "Yoichi")["email"], "yoichi@example.org");

    // Inviting someone again changes nothing and says so.
    let yoichi = member_id(&group, "Yoichi");
    let again = invite(
        &app,
        &poll,
        &json!({ "member_ids": [yoichi], "required": false }),
    )
    .await;
    assert_eq!(again.ok(201)["invitations"], json!([]));
    assert_eq!(again.body["already_invited"], json!([yoichi]));

    // Chosen members of another of the organiser's groups, as optional.
    let guests = create_group_as(
        &app,
        &app.token,
        "Observers",
        vec![member("Olga", None, "Europe/Vienna")],
    )
    .await;
    let olga = invite(
        &app,
        &poll,
        &json!({ "member_ids": [member_id(&guests, "Olga")], "required": false }),
    )
    .await;
    assert_eq!(olga.ok(201)["invitations"][0]["required"], false);

    let page = list_invitations(&app, &poll).await;
    assert_eq!(
        (page["invited"].as_i64(), page["answered"].as_i64()),
        (Some(4), Some(0))
    );
    let names: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Yoichi", "Anna", "Vera", "Olga"], "oldest first");
    assert_eq!(listed(&page, "Yoichi")["required"], true, "left as it was");
    assert_eq!(listed(&page, "Olga")["required"], false);
    for item in page["items"].as_array().unwrap() {
        assert!(
            item.get("token").is_none() && item.get("feed_url").is_none(),
            "secrets are shown only once: {item}"
        );
        assert!(item.get("answered_at").is_none());
    }
}

async fn invitations_name_a_group_or_members_but_not_both_nor_neither(app: TestApp) {
    let group = create_group(&app, mag_members()).await;
    let poll = invite_only_poll(&app, json!({})).await;
    let yoichi = member_id(&group, "Yoichi");

    invite(&app, &poll, &json!({}))
        .await
        .invalid_field("group_id");
    invite(&app, &poll, &json!({ "required": false }))
        .await
        .invalid_field("group_id");
    let both = invite(
        &app,
        &poll,
        &json!({ "group_id": id(&group), "member_ids": [yoichi] }),
    )
    .await;
    both.problem(422);
    assert!(
        both.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "member_ids" || e["field"] == "group_id"),
        "{}",
        both.text
    );
    invite(&app, &poll, &json!({ "member_ids": [] }))
        .await
        .invalid_field("member_ids");
    invite(&app, &poll, &json!({ "member_ids": [yoichi, yoichi] }))
        .await
        .invalid_field("member_ids[1]");
    let unknown = invite(
        &app,
        &poll,
        &json!({ "member_ids": [yoichi, uuid::Uuid::now_v7()] }),
    )
    .await;
    unknown.invalid_field("member_ids[1]");

    let page = list_invitations(&app, &poll).await;
    assert_eq!(page["invited"], 0, "refused requests invite no one");
}

async fn another_organisers_groups_members_and_polls_are_out_of_reach(app: TestApp) {
    let other = app.other_organiser().await;
    let theirs = create_group_as(
        &app,
        &other,
        "Their roster",
        vec![member("Mole", Some("mole@example.org"), "UTC")],
    )
    .await;
    let mine = create_group(&app, mag_members()).await;
    let poll = invite_only_poll(&app, json!({})).await;

    invite(&app, &poll, &json!({ "group_id": id(&theirs) }))
        .await
        .problem(404);
    invite(&app, &poll, &json!({ "group_id": uuid::Uuid::now_v7() }))
        .await
        .problem(404);
    invite(
        &app,
        &poll,
        &json!({ "member_ids": [member_id(&theirs, "Mole")] }),
    )
    .await
    .invalid_field("member_ids[0]");
    // All or nothing: one stranger refuses the whole list.
    invite(
        &app,
        &poll,
        &json!({ "member_ids": [member_id(&mine, "Yoichi"), member_id(&theirs, "Mole")] }),
    )
    .await
    .invalid_field("member_ids[1]");
    assert_eq!(list_invitations(&app, &poll).await["invited"], 0);

    // The other organiser cannot invite to, list, reissue or answer in this poll.
    let created = invite_group(&app, &poll, &mine).await;
    let yoichi_inv = issued(&created, "Yoichi")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = invitations_path(&poll);
    app.post(&path, Some(&other), &json!({ "group_id": id(&theirs) }))
        .await
        .problem(404);
    app.get(&path, Some(&other)).await.problem(404);
    app.post(
        &format!("{path}/{yoichi_inv}/reissue"),
        Some(&other),
        &json!({}),
    )
    .await
    .problem(404);
    app.put(
        &format!("{path}/{yoichi_inv}/response"),
        Some(&other),
        &json!({ "votes": votes(&poll, &[(0, "yes")]) }),
    )
    .await
    .problem(404);
    // And nobody without an organiser token lists invitations.
    app.get(&path, None).await.problem(401);
    let token = token_of(&created, "Yoichi");
    app.get(&path, Some(&token)).await.problem(401);
    app.get("/api/v1/polls", Some(&token)).await.problem(401);
    app.post(&path, Some(&token), &json!({ "group_id": id(&mine) }))
        .await
        .problem(401);

    let page = list_invitations(&app, &poll).await;
    assert_eq!(
        (page["invited"].as_i64(), page["answered"].as_i64()),
        (Some(3), Some(0))
    );
}

async fn invitations_are_listed_page_by_page_with_who_answered_when_and_how(app: TestApp) {
    let members: Vec<Value> = (0..7)
        .map(|i| member(&format!("Member {i}"), None, "Africa/Nairobi"))
        .collect();
    let group = create_group(&app, members).await;
    let poll = invite_only_poll(&app, json!({})).await;
    let created = invite_group(&app, &poll, &group).await;
    answer(
        &app,
        &poll,
        &token_of(&created, "Member 2"),
        &[(0, "yes"), (2, "no")],
    )
    .await
    .ok(201);
    answer(
        &app,
        &poll,
        &token_of(&created, "Member 5"),
        &[(1, "if_need_be")],
    )
    .await
    .ok(201);

    let mut items = Vec::new();
    let mut path = format!("{}?limit=3", invitations_path(&poll));
    let mut pages = 0;
    loop {
        let page = app.get(&path, Some(&app.token)).await.ok(200).clone();
        pages += 1;
        assert_eq!(
            (page["invited"].as_i64(), page["answered"].as_i64()),
            (Some(7), Some(2))
        );
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("{}?limit=3&cursor={c}", invitations_path(&poll)),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let names: Vec<String> = items
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        (0..7).map(|i| format!("Member {i}")).collect::<Vec<_>>()
    );
    let two = &items[2];
    assert_eq!(two["answered"], true);
    assert!(two["answered_at"].as_str().unwrap().ends_with('Z'));
    assert!(two.get("recorded_by").is_none());
    assert_eq!(
        two["votes"],
        json!([
            { "option_id": option_id(&poll, 0), "choice": "yes" },
            { "option_id": option_id(&poll, 2), "choice": "no" }
        ])
    );
    assert_eq!(
        items[5]["votes"],
        json!([{ "option_id": option_id(&poll, 1), "choice": "if_need_be" }])
    );
    assert_eq!(items[0]["answered"], false);
    assert!(items[0].get("votes").is_none() && items[0].get("answered_at").is_none());

    app.get(
        &format!("{}?cursor=xyz", invitations_path(&poll)),
        Some(&app.token),
    )
    .await
    .invalid_field("cursor");
    app.get(
        &format!("{}?limit=0", invitations_path(&poll)),
        Some(&app.token),
    )
    .await
    .invalid_field("limit");
}

// ---- invite-only polls: what a token grants and what it does not -----------

async fn an_invitation_token_reads_and_votes_in_its_own_invite_only_poll(app: TestApp) {
    let group = create_group(&app, mag_members()).await;
    let poll = invite_only_poll(&app, json!({})).await;
    let created = invite_group(&app, &poll, &group).await;
    let yoichi = token_of(&created, "Yoichi");
    let anna = token_of(&created, "Anna");
    let base = format!("/api/v1/polls/{}", id(&poll));

    // Reading: the invitee yes, the public no.
    assert_eq!(
        app.get(&base, Some(&yoichi)).await.ok(200)["id"],
        poll["id"]
    );
    app.get(&base, None).await.problem(404);
    assert_eq!(
        app.results(&poll, Some(&yoichi)).await.ok(200)["invited"],
        3
    );
    app.results(&poll, None).await.problem(404);
    let holds = app.get(&format!("{base}/holds.ics"), Some(&yoichi)).await;
    assert_eq!(holds.status.as_u16(), 200, "{}", holds.text);
    app.get(&format!("{base}/holds.ics"), None)
        .await
        .problem(404);

    // Voting without a name: 201 first, 200 when answering again.
    let first = answer(&app, &poll, &yoichi, &[(0, "yes"), (1, "no")]).await;
    let body = first.ok(201).clone();
    assert_eq!(
        first.header("location"),
        Some(format!("{base}/responses/me").as_str())
    );
    assert_eq!(body["name"], "Yoichi", "the roster name");
    assert_eq!(body["invited"], true);
    assert_eq!(body["revision"], 1);
    assert!(
        body.get("edit_token").is_none(),
        "the invitation token does that"
    );
    let again = answer(&app, &poll, &yoichi, &[(0, "if_need_be")]).await;
    let replaced = again.ok(200);
    assert_eq!(replaced["id"], body["id"], "the same response, replaced");
    assert_eq!(replaced["revision"], 2);
    assert_eq!(replaced["votes"], votes(&poll, &[(0, "if_need_be")]));

    // PUT …/responses/me: 201 for a first answer, 200 after.
    let me = me_path(&poll);
    app.get(&me, Some(&anna)).await.problem(404);
    let put = app
        .put(
            &me,
            Some(&anna),
            &json!({ "votes": votes(&poll, &[(2, "yes")]) }),
        )
        .await;
    assert_eq!(put.ok(201)["name"], "Anna");
    let put = app
        .put(
            &me,
            Some(&anna),
            &json!({ "votes": votes(&poll, &[(2, "no")]) }),
        )
        .await;
    assert_eq!(put.ok(200)["revision"], 2);

    let results = app.results(&poll, Some(&app.token)).await.ok(200).clone();
    assert_eq!(results["responses"], 2);
    assert_eq!(results["invited_answered"], 2);
    let first_option = result_for(&results, option_id(&poll, 0));
    assert_eq!(
        (
            first_option["yes"].as_i64(),
            first_option["if_need_be"].as_i64()
        ),
        (Some(0), Some(1))
    );
    assert_eq!(result_for(&results, option_id(&poll, 2))["no"], 1);

    // Withdrawn, the answer stops counting; the token stays, to answer again.
    app.delete(&me, Some(&anna)).await.ok(204);
    app.get(&me, Some(&anna)).await.problem(404);
    assert_eq!(
        app.results(&poll, Some(&app.token)).await.ok(200)["invited_answered"],
        1
    );
    let again = app
        .put(
            &me,
            Some(&anna),
            &json!({ "votes": votes(&poll, &[(1, "yes")]) }),
        )
        .await;
    assert_eq!(again.ok(201)["revision"], 1);
    app.get(&format!("{base}/responses"), None)
        .await
        .problem(404);
}

async fn an_invitation_token_opens_nothing_of_another_poll(app: TestApp) {
    let group = create_group(&app, mag_members()).await;
    let mine = invite_only_poll(&app, json!({})).await;
    let elsewhere = invite_only_poll(&app, json!({ "title": "Another meeting" })).await;
    let open = app.reference_poll().await;
    let created = invite(
        &app,
        &mine,
        &json!({ "member_ids": [member_id(&group, "Yoichi")] }),
    )
    .await
    .ok(201)
    .clone();
    invite(
        &app,
        &elsewhere,
        &json!({ "member_ids": [member_id(&group, "Anna")] }),
    )
    .await
    .ok(201);
    let token = token_of(&created, "Yoichi");
    let base = format!("/api/v1/polls/{}", id(&elsewhere));

    // Reading another invite-only poll: as if it did not exist.
    app.get(&base, Some(&token)).await.problem(404);
    app.results(&elsewhere, Some(&token)).await.problem(404);
    app.get(&format!("{base}/responses"), Some(&token))
        .await
        .problem(404);
    app.get(&format!("{base}/holds.ics"), Some(&token))
        .await
        .problem(404);
    // Voting or answering there: forbidden.
    answer(&app, &elsewhere, &token, &[(0, "yes")])
        .await
        .problem(403);
    let me = me_path(&elsewhere);
    app.get(&me, Some(&token)).await.problem(403);
    app.put(
        &me,
        Some(&token),
        &json!({ "votes": votes(&elsewhere, &[(0, "yes")]) }),
    )
    .await
    .problem(403);
    app.delete(&me, Some(&token)).await.problem(403);
    // Nor does it vote on an open poll in someone's name.
    answer(&app, &open, &token, &[(0, "yes")])
        .await
        .problem(403);

    assert_eq!(
        app.results(&elsewhere, Some(&app.token)).await.ok(200)["responses"],
        0
    );
    assert_eq!(app.results(&open, None).await.ok(200)["responses"], 0);
    // Its own poll it still opens.
    app.get(&format!("/api/v1/polls/{}", id(&mine)), Some(&token))
        .await
        .ok(200);
}

async fn a_member_reads_only_their_own_response(app: TestApp) {
    let group = create_group(&app, mag_members()).await;
    let poll = invite_only_poll(&app, json!({ "results_visibility": "organisers" })).await;
    let created = invite_group(&app, &poll, &group).await;
    let (yoichi, anna) = (token_of(&created, "Yoichi"), token_of(&created, "Anna"));
    let y = answer(&app, &poll, &yoichi, &[(0, "yes")])
        .await
        .ok(201)
        .clone();
    let a = answer(&app, &poll, &anna, &[(0, "no"), (1, "yes")])
        .await
        .ok(201)
        .clone();

    let mine = app.get(&me_path(&poll), Some(&yoichi)).await;
    assert_eq!(mine.ok(200)["id"], y["id"]);
    assert_eq!(mine.body["name"], "Yoichi");
    assert_eq!(mine.body["votes"], votes(&poll, &[(0, "yes")]));
    let hers = app.get(&me_path(&poll), Some(&anna)).await;
    assert_eq!(hers.ok(200)["id"], a["id"]);
    assert_ne!(hers.body["id"], mine.body["id"]);

    // Others' answers stay with the organiser.
    let list = format!("/api/v1/polls/{}/responses", id(&poll));
    app.get(&list, Some(&yoichi)).await.problem(403);
    app.results(&poll, Some(&yoichi)).await.problem(403);
    let all = app.get(&list, Some(&app.token)).await.ok(200).clone();
    let names: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Yoichi", "Anna"]);
}

async fn a_reissued_invitation_token_is_refused(app: TestApp) {
    let group = create_group(&app, mag_members()).await;
    let poll = invite_only_poll(&app, json!({})).await;
    let created = invite_group(&app, &poll, &group).await;
    let old = issued(&created, "Yoichi").clone();
    let old_token = old["token"].as_str().unwrap().to_string();
    let old_feed = feed_path(&app, &old);
    let answered = answer(&app, &poll, &old_token, &[(1, "yes")])
        .await
        .ok(201)
        .clone();
    assert_eq!(app.get(&old_feed, None).await.status.as_u16(), 200);

    let reissue = format!("{}/{}/reissue", invitations_path(&poll), id(&old));
    let new = app
        .post(&reissue, Some(&app.token), &json!({}))
        .await
        .ok(200)
        .clone();
    assert_eq!(new["id"], old["id"]);
    assert_eq!(new["member_id"], old["member_id"]);
    let new_token = new["token"].as_str().unwrap().to_string();
    assert!(new_token.starts_with("cvn_inv_"));
    assert_ne!(new_token, old_token);
    assert_ne!(new["feed_url"], old["feed_url"]);
    assert_eq!(new["answered"], true, "the answer stays");

    let base = format!("/api/v1/polls/{}", id(&poll));
    app.get(&base, Some(&old_token)).await.problem(401);
    app.get(&me_path(&poll), Some(&old_token))
        .await
        .problem(401);
    answer(&app, &poll, &old_token, &[(0, "yes")])
        .await
        .problem(401);
    app.put(&me_path(&poll), Some(&old_token), &json!({ "votes": [] }))
        .await
        .problem(401);
    app.get(&old_feed, None).await.problem(404);

    let mine = app.get(&me_path(&poll), Some(&new_token)).await;
    assert_eq!(mine.ok(200)["id"], answered["id"]);
    assert_eq!(mine.body["votes"], votes(&poll, &[(1, "yes")]));
    assert_eq!(
        app.get(&feed_path(&app, &new), None).await.status.as_u16(),
        200
    );
    assert_eq!(list_invitations(&app, &poll).await["answered"], 1);

    app.post(
        &format!(
            "{}/{}/reissue",
            invitations_path(&poll),
            uuid::Uuid::now_v7()
        ),
        Some(&app.token),
        &json!({}),
    )
    .await
    .problem(404);
}

async fn anonymous_and_unknown_tokens_are_refused_on_an_invite_only_poll(app: TestApp) {
    let group = create_group(&app, mag_members()).await;
    let poll = invite_only_poll(&app, json!({})).await;
    invite_group(&app, &poll, &group).await;
    let base = format!("/api/v1/polls/{}", id(&poll));

    let anonymous = app
        .post(
            &format!("{base}/responses"),
            None,
            &json!({ "name": "Gatecrasher", "votes": votes(&poll, &[(0, "yes")]) }),
        )
        .await;
    anonymous.problem(403);
    let forged = format!("cvn_inv_{}", "ab".repeat(32));
    for garbage in ["cvn_inv_x", forged.as_str()] {
        answer(&app, &poll, garbage, &[(0, "yes")])
            .await
            .problem(401);
        app.get(&base, Some(garbage)).await.problem(401);
        app.results(&poll, Some(garbage)).await.problem(401);
        app.get(&me_path(&poll), Some(garbage)).await.problem(401);
        app.put(&me_path(&poll), Some(garbage), &json!({ "votes": [] }))
            .await
            .problem(401);
    }
    // An organiser token is not an invitation token.
    app.get(&me_path(&poll), Some(&app.token))
        .await
        .problem(401);
    assert_eq!(
        app.results(&poll, Some(&app.token)).await.ok(200)["responses"],
        0
    );
}

async fn an_invited_member_sees_option_times_on_their_own_clock(app: TestApp) {
    let group = create_group(&app, mag_members()).await;
    let poll = app
        .create_poll(&json!({
            "title": "MAG call", "time_zone": "Europe/Vienna", "voting": "invite_only",
            "options": [
                { "kind": "timed", "start": "2026-07-10T13:00", "end": "2026-07-10T16:00" },
                { "kind": "all_day", "start_date": "2026-07-11", "end_date": "2026-07-11" }
            ]
        }))
        .await;
    let created = invite_group(&app, &poll, &group).await;
    let path = format!("/api/v1/polls/{}", id(&poll));

    let tokyo = app
        .get(&path, Some(&token_of(&created, "Yoichi")))
        .await
        .ok(200)
        .clone();
    assert_eq!(tokyo["viewer_time_zone"], "Asia/Tokyo");
    let timed = &tokyo["options"][0];
    assert_eq!(timed["start_viewer"], "2026-07-10T20:00:00+09:00");
    assert_eq!(timed["end_viewer"], "2026-07-10T23:00:00+09:00");
    assert_eq!(timed["start_local"], "2026-07-10T13:00:00+02:00");
    assert_eq!(timed["start_utc"], "2026-07-10T11:00:00Z");
    assert!(
        tokyo["options"][1].get("start_viewer").is_none(),
        "all-day dates float"
    );

    let new_york = app
        .get(&path, Some(&token_of(&created, "Anna")))
        .await
        .ok(200)
        .clone();
    assert_eq!(new_york["viewer_time_zone"], "America/New_York");
    assert_eq!(
        new_york["options"][0]["start_viewer"],
        "2026-07-10T07:00:00-04:00"
    );

    let asked = app
        .get(
            &format!("{path}?tz=Australia/Sydney"),
            Some(&token_of(&created, "Yoichi")),
        )
        .await
        .ok(200)
        .clone();
    assert_eq!(asked["viewer_time_zone"], "Australia/Sydney", "?tz= wins");
    assert_eq!(
        asked["options"][0]["start_viewer"],
        "2026-07-10T21:00:00+10:00"
    );

    let organiser = app.get(&path, Some(&app.token)).await.ok(200).clone();
    assert_eq!(organiser["viewer_time_zone"], "Europe/Vienna");
    assert_eq!(
        organiser["options"][0]["start_viewer"],
        "2026-07-10T13:00:00+02:00"
    );
}

// ---- proxy answers ---------------------------------------------------------

async fn an_organiser_records_a_members_answer_until_the_member_answers_themselves(app: TestApp) {
    let group = create_group(&app, mag_members()).await;
    let poll = invite_only_poll(&app, json!({})).await;
    let created = invite_group(&app, &poll, &group).await;
    let anna = issued(&created, "Anna").clone();
    let anna_token = anna["token"].as_str().unwrap().to_string();

    let first = proxy(
        &app,
        &poll,
        id(&anna),
        &json!({ "comment": "By phone", "votes": votes(&poll, &[(0, "yes")]) }),
    )
    .await;
    let body = first.ok(201).clone();
    assert_eq!(body["name"], "Anna");
    assert_eq!(body["invited"], true);
    assert_eq!(body["recorded_by"], "IGF Secretariat");
    let second = proxy(
        &app,
        &poll,
        id(&anna),
        &json!({ "votes": votes(&poll, &[(0, "if_need_be")]) }),
    )
    .await;
    assert_eq!(second.ok(200)["revision"], 2);
    assert_eq!(
        second.body["comment"], "By phone",
        "a comment left out is kept"
    );

    let list = format!("/api/v1/polls/{}/responses", id(&poll));
    let listed_response = app.get(&list, Some(&app.token)).await.ok(200).clone();
    assert_eq!(
        listed_response["items"][0]["recorded_by"],
        "IGF Secretariat"
    );
    let own = app
        .get(&me_path(&poll), Some(&anna_token))
        .await
        .ok(200)
        .clone();
    assert_eq!(own["recorded_by"], "IGF Secretariat");
    assert_eq!(own["votes"], votes(&poll, &[(0, "if_need_be")]));
    let page = list_invitations(&app, &poll).await;
    let row = listed(&page, "Anna");
    assert_eq!(
        (row["answered"].as_bool(), row["recorded_by"].as_str()),
        (Some(true), Some("IGF Secretariat"))
    );
    assert_eq!(row["votes"], votes(&poll, &[(0, "if_need_be")]));
    let results = app.results(&poll, Some(&app.token)).await.ok(200).clone();
    assert_eq!(results["proxy_answers_count"], 1);
    assert_eq!(results["proxy_answers"][0]["name"], "Anna");
    assert_eq!(
        results["proxy_answers"][0]["recorded_by"],
        "IGF Secretariat"
    );
    let members_view = app.results(&poll, Some(&anna_token)).await.ok(200).clone();
    assert_eq!(members_view["proxy_answers_count"], 1);
    assert!(
        members_view.get("proxy_answers").is_none(),
        "{members_view}"
    );

    // The member's own answer replaces it, and no longer reads as recorded for them.
    let hers = app
        .put(
            &me_path(&poll),
            Some(&anna_token),
            &json!({ "votes": votes(&poll, &[(0, "no"), (1, "yes")]) }),
        )
        .await;
    assert_eq!(hers.ok(200)["revision"], 3);
    assert!(hers.body.get("recorded_by").is_none(), "{}", hers.text);
    let own = app
        .get(&me_path(&poll), Some(&anna_token))
        .await
        .ok(200)
        .clone();
    assert!(own.get("recorded_by").is_none(), "{own}");
    let listed_response = app.get(&list, Some(&app.token)).await.ok(200).clone();
    assert!(listed_response["items"][0].get("recorded_by").is_none());
    let page = list_invitations(&app, &poll).await;
    assert!(listed(&page, "Anna").get("recorded_by").is_none());
    let results = app.results(&poll, Some(&app.token)).await.ok(200).clone();
    assert_eq!(results["responses"], 1, "one member, one answer");
    assert_eq!(results["proxy_answers_count"], 0);
    let first_option = result_for(&results, option_id(&poll, 0));
    assert_eq!(
        (
            first_option["yes"].as_i64(),
            first_option["if_need_be"].as_i64(),
            first_option["no"].as_i64()
        ),
        (Some(0), Some(0), Some(1))
    );

    // Refusals: unknown invitation, another poll's invitation, a bad vote.
    proxy(
        &app,
        &poll,
        &uuid::Uuid::now_v7().to_string(),
        &json!({ "votes": [] }),
    )
    .await
    .problem(404);
    let other_poll = invite_only_poll(&app, json!({ "title": "Other" })).await;
    proxy(&app, &other_poll, id(&anna), &json!({ "votes": [] }))
        .await
        .problem(404);
    proxy(
        &app,
        &poll,
        id(issued(&created, "Vera")),
        &json!({ "votes": [{ "option_id": uuid::Uuid::now_v7(), "choice": "yes" }] }),
    )
    .await
    .invalid_field("votes[0].option_id");
    assert_eq!(list_invitations(&app, &poll).await["answered"], 1);
}

// ---- visibility and deadlines ------------------------------------------------

async fn results_visibility_applies_to_invited_members(app: TestApp) {
    let group = create_group(&app, mag_members()).await;
    let list = |poll: &Value| format!("/api/v1/polls/{}/responses", id(poll));

    let hidden = invite_only_poll(&app, json!({ "results_visibility": "organisers" })).await;
    let created = invite_group(&app, &hidden, &group).await;
    let yoichi = token_of(&created, "Yoichi");
    app.results(&hidden, Some(&yoichi)).await.problem(403);
    answer(&app, &hidden, &yoichi, &[(0, "yes")]).await.ok(201);
    app.results(&hidden, Some(&yoichi)).await.problem(403);
    app.get(&list(&hidden), Some(&yoichi)).await.problem(403);
    assert_eq!(
        app.results(&hidden, Some(&app.token)).await.ok(200)["responses"],
        1
    );

    let after = invite_only_poll(&app, json!({ "results_visibility": "after_voting" })).await;
    let created = invite_group(&app, &after, &group).await;
    let (yoichi, anna) = (token_of(&created, "Yoichi"), token_of(&created, "Anna"));
    app.results(&after, Some(&yoichi)).await.problem(403);
    app.get(&list(&after), Some(&yoichi)).await.problem(403);
    answer(&app, &after, &yoichi, &[(0, "yes")]).await.ok(201);
    assert_eq!(
        app.results(&after, Some(&yoichi)).await.ok(200)["responses"],
        1
    );
    app.get(&list(&after), Some(&yoichi)).await.ok(200);
    app.results(&after, Some(&anna)).await.problem(403);
    // A proxy answer counts as having answered.
    proxy(
        &app,
        &after,
        id(issued(&created, "Anna")),
        &json!({ "votes": [] }),
    )
    .await
    .ok(201);
    assert_eq!(
        app.results(&after, Some(&anna)).await.ok(200)["responses"],
        2
    );
}

async fn a_deadline_closes_voting_for_invited_members_too(app: TestApp) {
    let group = create_group(&app, mag_members()).await;
    let poll = invite_only_poll(&app, json!({})).await;
    let created = invite_group(&app, &poll, &group).await;
    let yoichi = token_of(&created, "Yoichi");
    answer(&app, &poll, &yoichi, &[(0, "yes")]).await.ok(201);
    let path = format!("/api/v1/polls/{}", id(&poll));
    let soon = (chrono::Utc::now() + chrono::Duration::milliseconds(1500)).to_rfc3339();
    app.request_with(
        Method::PATCH,
        &path,
        Some(&app.token),
        Some(&json!({ "deadline": soon })),
        &[("If-Match", "*")],
    )
    .await
    .ok(200);
    tokio::time::sleep(std::time::Duration::from_millis(1800)).await;

    let late = answer(&app, &poll, &token_of(&created, "Anna"), &[(0, "yes")]).await;
    assert!(
        late.problem(409)["detail"]
            .as_str()
            .unwrap()
            .contains("deadline"),
        "{}",
        late.text
    );
    answer(&app, &poll, &yoichi, &[(0, "no")])
        .await
        .problem(409);
    app.put(&me_path(&poll), Some(&yoichi), &json!({ "votes": [] }))
        .await
        .problem(409);
    app.delete(&me_path(&poll), Some(&yoichi))
        .await
        .problem(409);
    proxy(
        &app,
        &poll,
        id(issued(&created, "Vera")),
        &json!({ "votes": [] }),
    )
    .await
    .problem(409);

    // Still readable, and nothing changed.
    assert_eq!(
        app.get(&path, Some(&yoichi)).await.ok(200)["status"],
        "closed"
    );
    assert_eq!(
        app.get(&me_path(&poll), Some(&yoichi)).await.ok(200)["votes"],
        votes(&poll, &[(0, "yes")])
    );
    let results = app.results(&poll, Some(&app.token)).await.ok(200).clone();
    assert_eq!(
        (
            results["responses"].as_i64(),
            results["invited_answered"].as_i64()
        ),
        (Some(1), Some(1))
    );
}

// ---- results with a roster ---------------------------------------------------

async fn results_report_the_roster_response_rate_and_social_hours(app: TestApp) {
    let group = create_group(&app, mag_members()).await;
    let observers = create_group_as(
        &app,
        &app.token,
        "Observers",
        vec![member("Olga", None, "Europe/Vienna")],
    )
    .await;
    let poll = app
        .create_poll(&json!({
            "title": "MAG call", "time_zone": "Europe/Vienna", "voting": "invite_only",
            "options": [
                { "kind": "timed", "start": "2026-07-10T13:00", "end": "2026-07-10T16:00" },
                { "kind": "all_day", "start_date": "2026-07-11", "end_date": "2026-07-11" }
            ]
        }))
        .await;
    let created = invite_group(&app, &poll, &group).await;
    invite(
        &app,
        &poll,
        &json!({ "member_ids": [member_id(&observers, "Olga")], "required": false }),
    )
    .await
    .ok(201);
    answer(
        &app,
        &poll,
        &token_of(&created, "Yoichi"),
        &[(0, "no"), (1, "yes")],
    )
    .await
    .ok(201);

    let r = app.results(&poll, Some(&app.token)).await.ok(200).clone();
    assert_eq!(r["responses"], 1);
    assert_eq!(r["invited"], 4);
    assert_eq!(r["required"], 3);
    assert_eq!(r["invited_answered"], 1);
    assert_eq!(r["response_rate"].as_f64(), Some(0.25));
    let waiting: Vec<(String, bool)> = r["non_respondents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["name"].as_str().unwrap().to_string(),
                n["required"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        waiting,
        [
            ("Anna".to_string(), true),
            ("Vera".to_string(), true),
            ("Olga".to_string(), false)
        ]
    );
    assert_eq!(
        r["non_respondents"][0]["member_id"].as_str(),
        Some(member_id(&group, "Anna").as_str())
    );

    // 13:00–16:00 in Vienna is 20:00–23:00 in Tokyo (outside 07:00–22:00),
    // 07:00–10:00 in New York (inside).
    let timed = result_for(&r, option_id(&poll, 0));
    assert_eq!(timed["outside_social_hours_count"], 1);
    assert_eq!(
        timed["outside_social_hours"],
        json!([{
            "member_id": member_id(&group, "Yoichi"),
            "name": "Yoichi",
            "time_zone": "Asia/Tokyo",
            "local_start": "2026-07-10T20:00:00+09:00",
            "local_end": "2026-07-10T23:00:00+09:00",
            "social_hours": "07:00–22:00"
        }])
    );
    let all_day = result_for(&r, option_id(&poll, 1));
    assert_eq!(all_day["outside_social_hours_count"], 0);
    assert_eq!(all_day["outside_social_hours"], json!([]));
    assert_eq!(all_day["required_available"], 1);
    assert_eq!(all_day["all_required_available"], false);
    assert!(all_day.get("meets_quorum").is_none(), "no quorum set");

    // Once the last required members answer, only the optional one is awaited.
    answer(&app, &poll, &token_of(&created, "Anna"), &[(1, "yes")])
        .await
        .ok(201);
    answer(
        &app,
        &poll,
        &token_of(&created, "Vera"),
        &[(1, "if_need_be")],
    )
    .await
    .ok(201);
    let r = app.results(&poll, Some(&app.token)).await.ok(200).clone();
    assert_eq!(r["response_rate"].as_f64(), Some(0.75));
    assert_eq!(r["non_respondents"].as_array().unwrap().len(), 1);
    assert_eq!(r["non_respondents"][0]["name"], "Olga");
    let all_day = result_for(&r, option_id(&poll, 1));
    assert_eq!(
        (
            all_day["required_available"].as_i64(),
            all_day["all_required_available"].as_bool()
        ),
        (Some(3), Some(true))
    );
}

async fn options_every_required_member_can_make_rank_first_and_the_quorum_is_reported(
    app: TestApp,
) {
    let required = create_group(
        &app,
        vec![
            member("Chair", None, "Europe/Vienna"),
            member("Rapporteur", None, "Africa/Nairobi"),
        ],
    )
    .await;
    let optional: Vec<Value> = (0..3)
        .map(|i| member(&format!("Observer {i}"), None, "Europe/Vienna"))
        .collect();
    let optional = create_group_as(&app, &app.token, "Observers", optional).await;
    let poll = invite_only_poll(&app, json!({ "quorum": 2 })).await;
    let req = invite_group(&app, &poll, &required).await;
    let opt = invite(
        &app,
        &poll,
        &json!({ "group_id": id(&optional), "required": false }),
    )
    .await
    .ok(201)
    .clone();

    // Option 1: four can make it, but the rapporteur cannot.
    // Option 2: only two, both required (one if need be).
    answer(
        &app,
        &poll,
        &token_of(&req, "Chair"),
        &[(0, "yes"), (1, "yes")],
    )
    .await
    .ok(201);
    answer(
        &app,
        &poll,
        &token_of(&req, "Rapporteur"),
        &[(0, "no"), (1, "if_need_be")],
    )
    .await
    .ok(201);
    for i in 0..3 {
        answer(
            &app,
            &poll,
            &token_of(&opt, &format!("Observer {i}")),
            &[(0, "yes"), (1, "no")],
        )
        .await
        .ok(201);
    }

    let r = app.results(&poll, Some(&app.token)).await.ok(200).clone();
    assert_eq!(r["quorum"], 2);
    assert_eq!(
        (r["invited"].as_i64(), r["required"].as_i64()),
        (Some(5), Some(2))
    );
    let ranked: Vec<&str> = r["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["option_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ranked,
        [
            option_id(&poll, 1),
            option_id(&poll, 0),
            option_id(&poll, 2)
        ],
        "{r}"
    );
    let leader = result_for(&r, option_id(&poll, 1));
    assert_eq!(leader["rank"], 1);
    assert_eq!(leader["available"], 2);
    assert_eq!(leader["required_available"], 2);
    assert_eq!(leader["all_required_available"], true);
    assert_eq!(leader["meets_quorum"], true);
    assert!(
        leader["explanation"]
            .as_str()
            .unwrap()
            .contains("every required member can make it"),
        "{leader}"
    );
    let popular = result_for(&r, option_id(&poll, 0));
    assert_eq!(popular["rank"], 2);
    assert_eq!(popular["available"], 4);
    assert_eq!(popular["required_available"], 1);
    assert_eq!(popular["all_required_available"], false);
    assert_eq!(popular["meets_quorum"], false);
    let unanswered = result_for(&r, option_id(&poll, 2));
    assert_eq!(
        (
            unanswered["required_available"].as_i64(),
            unanswered["meets_quorum"].as_bool()
        ),
        (Some(0), Some(false))
    );
}

async fn only_the_organiser_is_told_who_has_not_answered(app: TestApp) {
    // The issue: results carry `non_respondents` (names, for the organiser).
    let group = create_group(&app, mag_members()).await;
    let open = app.reference_poll().await;
    let created = invite_group(&app, &open, &group).await;
    let yoichi = token_of(&created, "Yoichi");
    answer(&app, &open, &yoichi, &[(0, "yes")]).await.ok(201);

    let organiser = app.results(&open, Some(&app.token)).await.ok(200).clone();
    let names: Vec<&str> = organiser["non_respondents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Anna", "Vera"]);

    let public = app.results(&open, None).await.ok(200).clone();
    assert_eq!(public["invited_answered"], 1, "the counts are public");
    assert!(
        public.get("non_respondents").is_none(),
        "an anonymous reader of an open poll is told who has not answered: {}",
        public["non_respondents"]
    );
    let member = app.results(&open, Some(&yoichi)).await.ok(200).clone();
    assert!(
        member.get("non_respondents").is_none(),
        "an invited member is told who has not answered: {}",
        member["non_respondents"]
    );
}

async fn concurrent_invitations_of_one_group_invite_each_member_once(app: TestApp) {
    let members: Vec<Value> = (0..20)
        .map(|i| member(&format!("Member {i:02}"), None, "Asia/Kolkata"))
        .collect();
    let group = create_group(&app, members).await;
    let poll = invite_only_poll(&app, json!({})).await;
    let app = Arc::new(app);
    let tasks: Vec<_> = (0..5)
        .map(|_| {
            let (app, poll, group) = (app.clone(), poll.clone(), group.clone());
            tokio::spawn(async move {
                let r = invite(&app, &poll, &json!({ "group_id": id(&group) })).await;
                (r.status.as_u16(), r.body)
            })
        })
        .collect();
    let mut issued_to = Vec::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        assert_eq!(status, 201, "{body}");
        let new: Vec<String> = body["invitations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["member_id"].as_str().unwrap().to_string())
            .collect();
        let already = body["already_invited"].as_array().unwrap().len();
        assert_eq!(
            new.len() + already,
            20,
            "each member is either new or already invited"
        );
        issued_to.extend(new);
    }
    issued_to.sort();
    let before = issued_to.len();
    issued_to.dedup();
    assert_eq!(
        (before, issued_to.len()),
        (20, 20),
        "one invitation, one token per member"
    );
    assert_eq!(list_invitations(&app, &poll).await["invited"], 20);
}

// ---- concurrency ---------------------------------------------------------------

async fn two_hundred_invited_members_voting_at_once_are_each_counted_once(app: TestApp) {
    let members: Vec<Value> = (0..200)
        .map(|i| member(&format!("Member {i:03}"), None, "Europe/Vienna"))
        .collect();
    let group = create_group(&app, members).await;
    let poll = invite_only_poll(&app, json!({})).await;
    let created = invite_group(&app, &poll, &group).await;
    assert_eq!(created["invitations"].as_array().unwrap().len(), 200);

    let app = Arc::new(app);
    let poll = Arc::new(poll);
    let choice = |i: usize| ["yes", "if_need_be", "no"][i % 3];
    let mut tasks = Vec::new();
    for i in 0..50usize {
        let token = token_of(&created, &format!("Member {i:03}"));
        // The first five answer twice at once: once by POST, once by PUT.
        let times = if i < 5 { 2 } else { 1 };
        for attempt in 0..times {
            let (app, poll, token) = (app.clone(), poll.clone(), token.clone());
            tasks.push(tokio::spawn(async move {
                let chosen = [(0, choice(i)), (1, "yes")];
                let status = if attempt == 0 {
                    answer(&app, &poll, &token, &chosen).await
                } else {
                    app.put(
                        &me_path(&poll),
                        Some(&token),
                        &json!({ "votes": votes(&poll, &chosen) }),
                    )
                    .await
                };
                (i, status.status.as_u16(), status.text)
            }));
        }
    }
    let mut statuses: std::collections::BTreeMap<usize, Vec<u16>> = Default::default();
    for t in tasks {
        let (i, code, text) = t.await.unwrap();
        assert!(code == 200 || code == 201, "member {i}: {code} {text}");
        statuses.entry(i).or_default().push(code);
    }
    for (i, mut codes) in statuses {
        codes.sort();
        let expected: &[u16] = if i < 5 { &[200, 201] } else { &[201] };
        assert_eq!(
            codes, expected,
            "member {i}: exactly one answer was created"
        );
    }

    let r = app.results(&poll, Some(&app.token)).await.ok(200).clone();
    assert_eq!(r["responses"], 50);
    assert_eq!(r["invited"], 200);
    assert_eq!(r["invited_answered"], 50);
    assert_eq!(r["response_rate"].as_f64(), Some(0.25));
    // 150 have not answered: results name the first 20, the count is whole.
    assert_eq!(r["non_respondents"].as_array().unwrap().len(), 20);
    let silent = app
        .get(
            &format!("{}?has_answered=false&limit=500", invitations_path(&poll)),
            Some(&app.token),
        )
        .await;
    assert_eq!(silent.ok(200)["items"].as_array().unwrap().len(), 150);
    let first = result_for(&r, option_id(&poll, 0));
    assert_eq!(
        (
            first["yes"].as_i64(),
            first["if_need_be"].as_i64(),
            first["no"].as_i64(),
            first["no_answer"].as_i64()
        ),
        (Some(17), Some(17), Some(16), Some(0))
    );
    assert_eq!(first["required_available"], 34);
    let second = result_for(&r, option_id(&poll, 1));
    assert_eq!(
        (
            second["yes"].as_i64(),
            second["required_available"].as_i64()
        ),
        (Some(50), Some(50))
    );
    assert_eq!(result_for(&r, option_id(&poll, 2))["no_answer"], 50);

    let page = app
        .get(
            &format!("{}?limit=500", invitations_path(&poll)),
            Some(&app.token),
        )
        .await
        .ok(200)
        .clone();
    assert_eq!(
        (page["invited"].as_i64(), page["answered"].as_i64()),
        (Some(200), Some(50))
    );
    let answered = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["answered"] == true)
        .count();
    assert_eq!(answered, 50);
    let all = app
        .get(
            &format!("/api/v1/polls/{}/responses?limit=500", id(&poll)),
            Some(&app.token),
        )
        .await
        .ok(200)
        .clone();
    assert_eq!(
        all["items"].as_array().unwrap().len(),
        50,
        "one response per member"
    );
}

/// Options to name members outside social hours for, keeping up different
/// clocks: 13:00–16:00 in Vienna (Tokyo and Sydney late), 04:00–06:00 in
/// Vienna (Vienna and New York), one that keeps up the same clocks as the
/// first, and an all-day option (nobody).
fn slots_to_name() -> Vec<convene::domain::time::Slot> {
    use convene::domain::time::Slot;
    let at = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    vec![
        Slot::Timed {
            start: at("2026-07-10T11:00:00Z"),
            end: at("2026-07-10T14:00:00Z"),
        },
        Slot::Timed {
            start: at("2026-07-10T02:00:00Z"),
            end: at("2026-07-10T04:00:00Z"),
        },
        Slot::Timed {
            start: at("2026-07-11T11:00:00Z"),
            end: at("2026-07-11T14:00:00Z"),
        },
        Slot::AllDay {
            start: "2026-07-12".parse().unwrap(),
            end: "2026-07-12".parse().unwrap(),
        },
    ]
}

/// A poll's roster summary for [`slots_to_name`] as the store reads it in
/// SQL, and as the whole roster gives it (`Roster::of`).
async fn summary_read_and_counted(
    app: &TestApp,
    poll_id: uuid::Uuid,
) -> (
    convene::domain::standing::Roster,
    convene::domain::standing::Roster,
) {
    let slots = slots_to_name();
    let whole = app.store.roster(poll_id).await.unwrap();
    let read = app
        .store
        .roster_summary(poll_id, &slots, true)
        .await
        .unwrap();
    (read, convene::domain::standing::Roster::of(&whole, &slots))
}

/// A results reply stays small however large the roster: it names the
/// first 20 of each list and counts them all; listInvitations pages
/// through those who have (not) answered.
async fn results_name_the_first_twenty_and_invitations_list_the_rest(app: TestApp) {
    let poll = invite_only_poll(
        &app,
        json!({ "options": [
            // 13:00 in Vienna is 20:00 in Tokyo and 23:00 in Sydney's winter:
            // outside Sydney's default social hours (07:00–22:00).
            { "kind": "timed", "start": "2026-07-10T13:00", "end": "2026-07-10T16:00" }
        ] }),
    )
    .await;
    let members: Vec<Value> = (0..25)
        .map(|i| member(&format!("Member {i:02}"), None, "Australia/Sydney"))
        .chain((0..30).map(|i| {
            let zone = ["Asia/Tokyo", "Europe/Vienna", "America/New_York"][i % 3];
            member(&format!("Other {i:02}"), None, zone)
        }))
        .collect();
    let group = create_group(&app, members).await;
    let created = invite_group(&app, &poll, &group).await;
    for name in ["Member 03", "Member 17"] {
        answer(&app, &poll, &token_of(&created, name), &[(0, "yes")])
            .await
            .ok(201);
    }
    // The summary read in SQL is the one the whole roster gives.
    let poll_id: uuid::Uuid = id(&poll).parse().unwrap();
    let (named, full) = summary_read_and_counted(&app, poll_id).await;
    assert_eq!(format!("{named:?}"), format!("{full:?}"));
    // 20 in Sydney for the first and third options, 20 more in Vienna and
    // New York for the second; nobody for the all-day option.
    assert_eq!(named.outside.len(), 40, "{named:?}");
    // Unnamed (a reader who sees counts): the same counts by clock.
    let counts = app
        .store
        .roster_summary(poll_id, &slots_to_name(), false)
        .await
        .unwrap();
    assert_eq!(counts.invited, full.invited);
    let sizes = |r: &convene::domain::standing::Roster| {
        let mut v: Vec<String> = r
            .clocks
            .iter()
            .map(|c| format!("{} {:?} {}", c.zone.name(), c.social_hours, c.members))
            .collect();
        v.sort();
        v
    };
    assert_eq!(sizes(&counts), sizes(&full));
    assert!(counts.silent.is_empty() && counts.outside.is_empty());
    let results = app.results(&poll, Some(&app.token)).await;
    let results = results.ok(200);
    assert_eq!(results["invited"], 55);
    assert_eq!(results["invited_answered"], 2);
    let silent = results["non_respondents"].as_array().unwrap();
    assert_eq!(silent.len(), 20, "{results}");
    assert_eq!(silent[0]["name"], "Member 00");
    assert!(silent.iter().all(|m| m["name"] != "Member 03"));
    // Sydney (23:00) and Tokyo (20:00–23:00) are kept up; New York and Vienna are not.
    assert_eq!(results["options"][0]["outside_social_hours_count"], 35);
    assert_eq!(
        results["options"][0]["outside_social_hours"]
            .as_array()
            .unwrap()
            .len(),
        20
    );

    let path = invitations_path(&poll);
    let unanswered = app
        .get(
            &format!("{path}?has_answered=false&limit=10"),
            Some(&app.token),
        )
        .await
        .ok(200)
        .clone();
    assert_eq!(unanswered["items"].as_array().unwrap().len(), 10);
    let cursor = unanswered["next_cursor"].as_str().unwrap();
    let rest = app
        .get(
            &format!("{path}?has_answered=false&limit=50&cursor={cursor}"),
            Some(&app.token),
        )
        .await
        .ok(200)
        .clone();
    assert_eq!(rest["items"].as_array().unwrap().len(), 43, "53 in all");
    assert!(
        rest["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["answered_at"].is_null())
    );
    let answered = app
        .get(&format!("{path}?has_answered=true"), Some(&app.token))
        .await
        .ok(200)
        .clone();
    let names: Vec<&str> = answered["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Member 03", "Member 17"]);

    // An aggregate-only poll never says who answered, filtered or not.
    let private = invite_only_poll(&app, json!({ "aggregate_only": true })).await;
    app.get(
        &format!("{}?has_answered=false", invitations_path(&private)),
        Some(&app.token),
    )
    .await
    .invalid_field("has_answered");
}

/// The roster's running tallies (kept by triggers) equal a count of the
/// whole roster after every kind of change: invitations in bulk, answers,
/// proxy answers, a member answering over one, withdrawals, a member's clock
/// changing (in two polls at once), a member renamed, a member removed (their invitations go,
/// their answers stay uninvited) and a poll deleted.
async fn roster_tallies_follow_every_change(app: TestApp) {
    let timed = json!({ "options": [
        { "kind": "timed", "start": "2026-07-10T13:00", "end": "2026-07-10T16:00" }
    ] });
    let poll = invite_only_poll(&app, timed.clone()).await;
    let other = invite_only_poll(&app, timed).await;
    let zones = ["Asia/Tokyo", "America/New_York", "Europe/Vienna"];
    let members: Vec<Value> = (0..9)
        .map(|i| member(&format!("M{i}"), None, zones[i % 3]))
        .collect();
    let group = create_group(&app, members).await;
    let m = |i: usize| member_id(&group, &format!("M{i}"));
    let required = invite(&app, &poll, &json!({ "member_ids": [m(0), m(1), m(2)] }))
        .await
        .ok(201)
        .clone();
    let rest = invite(
        &app,
        &poll,
        &json!({ "member_ids": (3..9).map(m).collect::<Vec<_>>(), "required": false }),
    )
    .await
    .ok(201)
    .clone();
    invite_group(&app, &other, &group).await;
    let token = |i: usize| {
        let created = if i < 3 { &required } else { &rest };
        token_of(created, &format!("M{i}"))
    };
    let poll_id: uuid::Uuid = id(&poll).parse().unwrap();
    let other_id: uuid::Uuid = id(&other).parse().unwrap();
    let check = |step: &'static str| {
        let app = &app;
        async move {
            for poll_id in [poll_id, other_id] {
                let (tallied, counted) = summary_read_and_counted(app, poll_id).await;
                assert_eq!(
                    format!("{tallied:?}"),
                    format!("{counted:?}"),
                    "after {step}"
                );
                let mut counted = app.store.required_available(poll_id).await.unwrap();
                counted.retain(|_, n| *n != 0);
                let mut tallied = app
                    .store
                    .poll_with_tallies(poll_id)
                    .await
                    .unwrap()
                    .map(|(_, tallies)| tallies.required)
                    .unwrap_or_default();
                tallied.retain(|_, n| *n != 0);
                assert_eq!(tallied, counted, "required availability after {step}");
            }
        }
    };
    check("inviting").await;
    for i in [0, 2, 4, 5] {
        answer(&app, &poll, &token(i), &[(0, "yes")]).await.ok(201);
    }
    check("answers").await;
    let sixth = issued(&rest, "M6")["id"].as_str().unwrap().to_string();
    proxy(
        &app,
        &poll,
        &sixth,
        &json!({ "votes": votes(&poll, &[(0, "no")]) }),
    )
    .await
    .ok(201);
    proxy(
        &app,
        &poll,
        id(issued(&required, "M1")),
        &json!({ "votes": [] }),
    )
    .await
    .ok(201);
    check("proxy answers").await;
    app.put(
        &me_path(&poll),
        Some(&token(6)),
        &json!({ "votes": votes(&poll, &[(0, "yes")]) }),
    )
    .await
    .ok(200);
    check("a member answering over a proxy answer").await;
    app.delete(&me_path(&poll), Some(&token(5))).await.ok(204);
    check("a withdrawal").await;
    let moved = format!("/api/v1/groups/{}/members/{}", id(&group), m(0));
    app.request(
        Method::PATCH,
        &moved,
        Some(&app.token),
        Some(&json!({ "time_zone": "Australia/Sydney", "social_hours_start": "08:00" })),
    )
    .await
    .ok(200);
    check("a member's clock changing").await;
    app.request(
        Method::PATCH,
        &moved,
        Some(&app.token),
        Some(&json!({ "name": "M0, renamed" })),
    )
    .await
    .ok(200);
    check("a member renamed").await;
    app.delete(
        &format!("/api/v1/groups/{}/members/{}", id(&group), m(4)),
        Some(&app.token),
    )
    .await
    .ok(204);
    check("a member removed").await;
    app.delete(
        &format!("/api/v1/groups/{}/members/{}", id(&group), m(2)),
        Some(&app.token),
    )
    .await
    .ok(204);
    check("a required member removed").await;
    let results = app.results(&poll, Some(&app.token)).await.ok(200).clone();
    assert_eq!(
        (
            results["invited"].as_i64(),
            results["invited_answered"].as_i64()
        ),
        (Some(7), Some(3))
    );
    assert_eq!(results["options"][0]["required_available"], 1, "{results}");
    app.delete(&format!("/api/v1/polls/{}", id(&poll)), Some(&app.token))
        .await
        .ok(204);
    check("a poll deleted").await;
}

both_databases!(
    roster_tallies_follow_every_change,
    results_name_the_first_twenty_and_invitations_list_the_rest,
    inviting_a_group_issues_each_member_a_token_and_a_feed_shown_once,
    invitations_name_a_group_or_members_but_not_both_nor_neither,
    another_organisers_groups_members_and_polls_are_out_of_reach,
    invitations_are_listed_page_by_page_with_who_answered_when_and_how,
    an_invitation_token_reads_and_votes_in_its_own_invite_only_poll,
    an_invitation_token_opens_nothing_of_another_poll,
    a_member_reads_only_their_own_response,
    a_reissued_invitation_token_is_refused,
    anonymous_and_unknown_tokens_are_refused_on_an_invite_only_poll,
    an_invited_member_sees_option_times_on_their_own_clock,
    an_organiser_records_a_members_answer_until_the_member_answers_themselves,
    results_visibility_applies_to_invited_members,
    a_deadline_closes_voting_for_invited_members_too,
    results_report_the_roster_response_rate_and_social_hours,
    options_every_required_member_can_make_rank_first_and_the_quorum_is_reported,
    only_the_organiser_is_told_who_has_not_answered,
    concurrent_invitations_of_one_group_invite_each_member_once,
    two_hundred_invited_members_voting_at_once_are_each_counted_once,
);
