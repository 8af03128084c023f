//! Conditional reads: a client polling getPoll or getResults sends the ETag
//! it has as `If-None-Match` and gets 304 while nothing changed — and a
//! new body the moment anything it would show did: an edit, a vote, the
//! zone it reads in, a deadline passing. A 304 never tells an outsider
//! that an invite-only poll exists.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;

use crate::both_databases;
use crate::helpers::{TestApp, id, reference_poll_body};

async fn get_if_none_match(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    etag: &str,
) -> crate::helpers::Reply {
    app.request_with(Method::GET, path, token, None, &[("If-None-Match", etag)])
        .await
}

async fn an_unchanged_poll_is_304_and_any_change_is_a_new_body(app: TestApp) {
    let poll = app.reference_poll().await;
    let path = format!("/api/v1/polls/{}", id(&poll));
    let first = app.get(&path, None).await;
    let etag = first.header("etag").unwrap().to_string();
    assert_eq!(etag, "\"1\"");

    let same = get_if_none_match(&app, &path, None, &etag).await;
    assert_eq!(same.status.as_u16(), 304);
    assert_eq!(same.header("etag"), Some(etag.as_str()));
    assert!(same.text.is_empty());
    // The weak form a compressed reply carries, and one of several.
    let weak = get_if_none_match(&app, &path, None, &format!("\"9\", W/{etag}")).await;
    assert_eq!(weak.status.as_u16(), 304);

    // Read in another zone: another body, another tag; the plain tag does
    // not match it, and If-Match still reads the version from it.
    let tokyo = format!("{path}?tz=Asia/Tokyo");
    let in_tokyo = get_if_none_match(&app, &tokyo, None, &etag).await;
    assert_eq!(in_tokyo.status.as_u16(), 200);
    let tokyo_tag = in_tokyo.header("etag").unwrap().to_string();
    assert_ne!(tokyo_tag, etag);
    assert!(tokyo_tag.starts_with("\"1-"), "{tokyo_tag}");
    assert_eq!(
        get_if_none_match(&app, &tokyo, None, &tokyo_tag)
            .await
            .status
            .as_u16(),
        304
    );
    let edited = app
        .request_with(
            Method::PATCH,
            &path,
            Some(&app.token),
            Some(&json!({ "location": "Geneva" })),
            &[("If-Match", &tokyo_tag)],
        )
        .await;
    assert_eq!(edited.ok(200)["version"], 2);

    // Changed: the old tag gets the new poll.
    let after = get_if_none_match(&app, &path, None, &etag).await;
    assert_eq!(after.ok(200)["location"], "Geneva");
    assert_eq!(after.header("etag"), Some("\"2\""));

    // An invite-only poll is "not found" to an outsider, tag or no tag.
    let mut body = reference_poll_body();
    body["voting"] = json!("invite_only");
    let private = app.create_poll(&body).await;
    let private_path = format!("/api/v1/polls/{}", id(&private));
    get_if_none_match(&app, &private_path, None, "\"1\"")
        .await
        .problem(404);
    assert_eq!(
        get_if_none_match(&app, &private_path, Some(&app.token), "\"1\"")
            .await
            .status
            .as_u16(),
        304
    );
}

async fn a_passing_deadline_changes_the_poll_s_tag(app: TestApp) {
    let mut body = reference_poll_body();
    body["deadline"] = json!(
        (chrono::Utc::now() + chrono::Duration::seconds(2))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let poll = app.create_poll(&body).await;
    let path = format!("/api/v1/polls/{}", id(&poll));
    let etag = app
        .get(&path, None)
        .await
        .header("etag")
        .unwrap()
        .to_string();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let after = get_if_none_match(&app, &path, None, &etag).await;
    assert_eq!(after.ok(200)["status"], "closed");
    assert_ne!(after.header("etag"), Some(etag.as_str()));
}

async fn unchanged_results_are_304_and_a_vote_changes_them(app: TestApp) {
    let poll = app.reference_poll().await;
    let path = format!("/api/v1/polls/{}/results", id(&poll));
    app.vote(&poll, "Bruna", &[(0, "yes")]).await.ok(201);
    let first = app.get(&path, None).await;
    let etag = first.header("etag").unwrap().to_string();
    let same = get_if_none_match(&app, &path, None, &etag).await;
    assert_eq!(same.status.as_u16(), 304);
    assert!(same.text.is_empty());

    app.vote(&poll, "Yoichi", &[(1, "if_need_be")])
        .await
        .ok(201);
    let after = get_if_none_match(&app, &path, None, &etag).await;
    let fresh = after.ok(200);
    assert_eq!(fresh["responses"], 2, "{fresh}");
    assert_ne!(after.header("etag"), Some(etag.as_str()));

    // Compressed: the weak tag names the same results.
    let zipped = app
        .client
        .get(format!("{}{path}", app.address))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    let weak = zipped.headers()["etag"].to_str().unwrap().to_string();
    let again = get_if_none_match(&app, &path, None, &weak).await;
    assert_eq!(again.status.as_u16(), 304, "{weak}");
}

/// Reads results as a polling client would, through the precondition: the
/// tag it gets is fresh (304 when sent back), and the last tag it had is
/// stale (the same new body and tag). Returns the new tag.
async fn read_changed(
    app: &TestApp,
    path: &str,
    reader: Option<&str>,
    tags: &[String],
    why: &str,
) -> String {
    let fresh = app.get(path, reader).await;
    let tag = fresh.header("etag").unwrap().to_string();
    let again = get_if_none_match(app, path, reader, &tag).await;
    assert_eq!(again.status.as_u16(), 304, "{why}: {tag}");
    if let Some(last) = tags.last() {
        let stale = get_if_none_match(app, path, reader, last).await;
        assert_eq!(stale.status.as_u16(), 200, "{why}: {last} is stale");
        assert_eq!(stale.header("etag"), Some(tag.as_str()), "{why}");
        assert_eq!(stale.body, fresh.body, "{why}");
    }
    tag
}

/// The results' tag is the poll's version and its count of changes, so a
/// 304 is one lookup: each change the results show makes a new tag and a
/// new body — an edit, a withdrawal, a member invited or renamed — and the
/// organiser (who sees names) and the public never share one.
async fn every_change_the_results_show_makes_a_new_results_tag(app: TestApp) {
    use crate::invitations::{create_group, invite_group, member, member_id};
    let poll = app.reference_poll().await;
    let path = format!("/api/v1/polls/{}/results", id(&poll));
    let created = app
        .vote(&poll, "Bruna", &[(0, "yes")])
        .await
        .ok(201)
        .clone();
    let me = format!("/api/v1/polls/{}/responses/me", id(&poll));
    let edit = created["edit_token"].as_str().unwrap().to_string();
    let organiser = Some(app.token.as_str());
    let mut tags: Vec<String> = Vec::new();
    let public = read_changed(&app, &path, None, &tags, "a vote").await;
    tags.push(public.clone());
    let named = read_changed(&app, &path, organiser, &tags, "the organiser's view").await;
    assert_ne!(named, public, "the organiser's results name members");
    tags.push(named);

    app.put(
        &me,
        Some(&edit),
        &json!({ "votes": [
        { "option_id": poll["options"][0]["id"], "choice": "if_need_be" }] }),
    )
    .await
    .ok(200);
    tags.push(read_changed(&app, &path, organiser, &tags, "an edit").await);
    app.delete(&me, Some(&edit)).await.ok(204);
    tags.push(read_changed(&app, &path, organiser, &tags, "a withdrawal").await);

    let group = create_group(&app, vec![member("Ana", None, "Australia/Sydney")]).await;
    invite_group(&app, &poll, &group).await;
    let invited = read_changed(&app, &path, organiser, &tags, "an invitation").await;
    assert_eq!(app.get(&path, organiser).await.ok(200)["invited"], 1);
    tags.push(invited);
    let ana = format!(
        "/api/v1/groups/{}/members/{}",
        id(&group),
        member_id(&group, "Ana")
    );
    app.request(
        Method::PATCH,
        &ana,
        organiser,
        Some(&json!({ "name": "Ana Maria" })),
    )
    .await
    .ok(200);
    let renamed = read_changed(&app, &path, organiser, &tags, "a member renamed").await;
    let body = app.get(&path, organiser).await.ok(200).clone();
    assert_eq!(body["non_respondents"][0]["name"], "Ana Maria", "{body}");
    tags.push(renamed);

    let unique: std::collections::HashSet<_> = tags.iter().collect();
    assert_eq!(unique.len(), tags.len(), "{tags:?}");
}

both_databases!(
    every_change_the_results_show_makes_a_new_results_tag,
    an_unchanged_poll_is_304_and_any_change_is_a_new_body,
    a_passing_deadline_changes_the_poll_s_tag,
    unchanged_results_are_304_and_a_vote_changes_them,
);
