//! Invited members in calendars: ATTENDEE lines with each member's answer as
//! PARTSTAT in a poll's files, and each member's personal feed, read back
//! with the independent `ical` parser.

use reqwest::Method;
use serde_json::{Value, json};

use crate::both_databases;
use crate::calendar::{ClientEvent, parse_ics};
use crate::helpers::{TestApp, id, result_for};
use crate::invitations::{
    answer, create_group, create_group_as, feed_path, invitations_path, invite, invite_group,
    invite_only_poll, issued, me_path, member, member_id, proxy, token_of, votes,
};

/// An ATTENDEE as a client reads it: address, CN, ROLE, PARTSTAT.
#[derive(Debug, PartialEq)]
struct Attendee {
    address: String,
    cn: String,
    role: String,
    partstat: String,
}

fn attendees(e: &ClientEvent) -> Vec<Attendee> {
    e.props
        .iter()
        .filter(|(n, _, _)| n == "ATTENDEE")
        .map(|(_, params, value)| {
            let param = |k: &str| {
                params
                    .iter()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| v[0].trim_matches('"').to_string())
                    .unwrap_or_else(|| panic!("ATTENDEE without {k}: {value}"))
            };
            Attendee {
                address: value.clone(),
                cn: param("CN"),
                role: param("ROLE"),
                partstat: param("PARTSTAT"),
            }
        })
        .collect()
}

fn attendee(email: &str, cn: &str, required: bool, partstat: &str) -> Attendee {
    Attendee {
        address: format!("mailto:{email}"),
        cn: cn.into(),
        role: if required {
            "REQ-PARTICIPANT"
        } else {
            "OPT-PARTICIPANT"
        }
        .into(),
        partstat: partstat.into(),
    }
}

/// The event whose SUMMARY is this.
fn by_summary<'a>(events: &'a [ClientEvent], summary: &str) -> &'a ClientEvent {
    events
        .iter()
        .find(|e| e.text("SUMMARY").as_deref() == Some(summary))
        .unwrap_or_else(|| panic!("no event {summary:?}"))
}

fn hold(title: &str, n: usize) -> String {
    format!("Hold: {title} (option {n} of 3)")
}

async fn confirm(app: &TestApp, poll: &Value, option: usize) {
    app.post(
        &format!("/api/v1/polls/{}/confirm", id(poll)),
        Some(&app.token),
        &json!({ "option_id": poll["options"][option]["id"] }),
    )
    .await
    .ok(200);
}

fn roster() -> Vec<Value> {
    vec![
        member("Yoichi", Some("yoichi@example.org"), "Asia/Tokyo"),
        member("Anna", Some("anna@example.org"), "America/New_York"),
        member("Vera", None, "Europe/Vienna"),
    ]
}

async fn the_organisers_calendar_lists_invited_members_with_their_answers_as_attendees(
    app: TestApp,
) {
    let group = create_group(&app, roster()).await;
    let observers = create_group_as(
        &app,
        &app.token,
        "Observers",
        vec![member(
            "Bruna",
            Some("bruna@example.org"),
            "America/Sao_Paulo",
        )],
    )
    .await;
    let poll = invite_only_poll(&app, json!({ "title": "MAG meeting" })).await;
    let created = invite_group(&app, &poll, &group).await;
    let optional = invite(
        &app,
        &poll,
        &json!({ "member_ids": [member_id(&observers, "Bruna")], "required": false }),
    )
    .await
    .ok(201)
    .clone();
    answer(
        &app,
        &poll,
        &token_of(&created, "Yoichi"),
        &[(0, "yes"), (1, "if_need_be"), (2, "no")],
    )
    .await
    .ok(201);
    answer(&app, &poll, &token_of(&optional, "Bruna"), &[(0, "no")])
        .await
        .ok(201);

    let path = format!("/api/v1/polls/{}/holds.ics", id(&poll));
    let first = app.get(&path, Some(&app.token)).await;
    assert_eq!(first.status.as_u16(), 200, "{}", first.text);
    let holds = parse_ics(&first.text);
    assert_eq!(holds.len(), 3);
    // Vera has no email, so no calendar can invite her.
    assert_eq!(
        attendees(by_summary(&holds, &hold("MAG meeting", 1))),
        [
            attendee("yoichi@example.org", "Yoichi", true, "ACCEPTED"),
            attendee("anna@example.org", "Anna", true, "NEEDS-ACTION"),
            attendee("bruna@example.org", "Bruna", false, "DECLINED"),
        ]
    );
    assert_eq!(
        attendees(by_summary(&holds, &hold("MAG meeting", 2))),
        [
            attendee("yoichi@example.org", "Yoichi", true, "TENTATIVE"),
            attendee("anna@example.org", "Anna", true, "NEEDS-ACTION"),
            attendee("bruna@example.org", "Bruna", false, "NEEDS-ACTION"),
        ]
    );
    assert_eq!(
        attendees(by_summary(&holds, &hold("MAG meeting", 3)))[0],
        attendee("yoichi@example.org", "Yoichi", true, "DECLINED")
    );

    // An answer changes the file, so its ETag.
    let etag = first.header("etag").unwrap().to_string();
    let cached = app
        .request_with(
            Method::GET,
            &path,
            Some(&app.token),
            None,
            &[("If-None-Match", &etag)],
        )
        .await;
    assert_eq!(cached.status.as_u16(), 304);
    answer(&app, &poll, &token_of(&created, "Anna"), &[(1, "yes")])
        .await
        .ok(201);
    let changed = app
        .request_with(
            Method::GET,
            &path,
            Some(&app.token),
            None,
            &[("If-None-Match", &etag)],
        )
        .await;
    assert_eq!(
        changed.status.as_u16(),
        200,
        "an answer invalidates the ETag"
    );
    assert_ne!(changed.header("etag"), Some(etag.as_str()));
    assert_eq!(
        attendees(by_summary(
            &parse_ics(&changed.text),
            &hold("MAG meeting", 2)
        ))[1],
        attendee("anna@example.org", "Anna", true, "ACCEPTED")
    );

    confirm(&app, &poll, 1).await;
    let event = app
        .get(
            &format!("/api/v1/polls/{}/event.ics", id(&poll)),
            Some(&app.token),
        )
        .await;
    assert_eq!(event.status.as_u16(), 200, "{}", event.text);
    let events = parse_ics(&event.text);
    assert_eq!(events.len(), 1);
    assert_eq!(
        attendees(&events[0]),
        [
            attendee("yoichi@example.org", "Yoichi", true, "TENTATIVE"),
            attendee("anna@example.org", "Anna", true, "ACCEPTED"),
            attendee("bruna@example.org", "Bruna", false, "NEEDS-ACTION"),
        ]
    );
}

async fn a_polls_calendar_shows_others_answers_only_to_its_organiser(app: TestApp) {
    let group = create_group(&app, roster()).await;
    let holds = |poll: &Value| format!("/api/v1/polls/{}/holds.ics", id(poll));
    let attendee_count = |body: &str| {
        parse_ics(body)
            .iter()
            .map(|e| attendees(e).len())
            .sum::<usize>()
    };

    let aggregate = invite_only_poll(&app, json!({ "aggregate_only": true })).await;
    let created = invite_group(&app, &aggregate, &group).await;
    let yoichi = token_of(&created, "Yoichi");
    answer(&app, &aggregate, &yoichi, &[(0, "yes")])
        .await
        .ok(201);
    let organiser_view = app.get(&holds(&aggregate), Some(&app.token)).await;
    assert_eq!(organiser_view.status.as_u16(), 200);
    assert_eq!(
        attendee_count(&organiser_view.text),
        0,
        "{}",
        organiser_view.text
    );
    assert!(
        !organiser_view
            .text
            .replace("\r\n ", "")
            .contains("yoichi@example.org")
    );

    let nameless = invite_only_poll(&app, json!({ "show_voter_names": false })).await;
    let created = invite_group(&app, &nameless, &group).await;
    let anna = token_of(&created, "Anna");
    answer(
        &app,
        &nameless,
        &token_of(&created, "Yoichi"),
        &[(0, "yes")],
    )
    .await
    .ok(201);
    // A member sees their own line only, never another member's answer.
    let member_view = app.get(&holds(&nameless), Some(&anna)).await;
    assert_eq!(member_view.status.as_u16(), 200);
    assert!(
        !member_view
            .text
            .replace("\r\n ", "")
            .contains("yoichi@example.org"),
        "{}",
        member_view.text
    );
    assert_eq!(
        attendee_count(&member_view.text),
        3,
        "her own line on each hold"
    );
    assert!(
        member_view
            .text
            .replace("\r\n ", "")
            .contains("mailto:anna@example.org")
    );
    let anonymous = app.get(&holds(&nameless), None).await;
    anonymous.problem(404);
    let organiser_view = app.get(&holds(&nameless), Some(&app.token)).await;
    assert_eq!(
        attendee_count(&organiser_view.text),
        6,
        "two members with email, three holds"
    );

    let organisers = invite_only_poll(&app, json!({ "results_visibility": "organisers" })).await;
    let created = invite_group(&app, &organisers, &group).await;
    let anna = token_of(&created, "Anna");
    answer(&app, &organisers, &anna, &[(0, "no")]).await.ok(201);
    answer(
        &app,
        &organisers,
        &token_of(&created, "Yoichi"),
        &[(0, "yes")],
    )
    .await
    .ok(201);
    // Results hidden from members: Anna still sees her own answer, no one else's.
    let member_view = app.get(&holds(&organisers), Some(&anna)).await;
    assert_eq!(member_view.status.as_u16(), 200);
    assert_eq!(attendee_count(&member_view.text), 3, "{}", member_view.text);
    assert!(
        !member_view
            .text
            .replace("\r\n ", "")
            .contains("yoichi@example.org")
    );
}

async fn a_members_feed_shows_every_poll_they_are_invited_to_with_only_their_own_attendee_line(
    app: TestApp,
) {
    let group = create_group(&app, roster()).await;
    let (yoichi_id, anna_id) = (member_id(&group, "Yoichi"), member_id(&group, "Anna"));
    let poll_a = invite_only_poll(&app, json!({ "title": "Poll A" })).await;
    let poll_b = invite_only_poll(&app, json!({ "title": "Poll B" })).await;
    let poll_c = invite_only_poll(&app, json!({ "title": "Poll C" })).await;
    let both = json!({ "member_ids": [yoichi_id, anna_id] });
    let in_a = invite(&app, &poll_a, &both).await.ok(201).clone();
    let in_b = invite(&app, &poll_b, &both).await.ok(201).clone();
    invite(&app, &poll_c, &json!({ "member_ids": [anna_id] }))
        .await
        .ok(201);
    let mut open = crate::helpers::reference_poll_body();
    open["title"] = json!("Poll D");
    app.create_poll(&open).await;
    answer(
        &app,
        &poll_a,
        &token_of(&in_a, "Yoichi"),
        &[(0, "yes"), (2, "no")],
    )
    .await
    .ok(201);
    answer(&app, &poll_a, &token_of(&in_a, "Anna"), &[(0, "no")])
        .await
        .ok(201);
    answer(
        &app,
        &poll_b,
        &token_of(&in_b, "Yoichi"),
        &[(1, "if_need_be")],
    )
    .await
    .ok(201);
    confirm(&app, &poll_b, 1).await;

    let feed = feed_path(&app, issued(&in_a, "Yoichi"));
    assert!(
        feed.starts_with("/calendar/cvn_feed_") && feed.ends_with(".ics"),
        "{feed}"
    );
    let r = app.get(&feed, None).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(
        r.header("content-type"),
        Some("text/calendar; charset=utf-8")
    );
    assert!(
        r.text.contains("X-WR-CALNAME:Convene: Yoichi"),
        "{}",
        r.text
    );
    let events = parse_ics(&r.text);
    // Poll A's three holds; poll B's three (cancelled) holds and its event.
    assert_eq!(events.len(), 7, "{}", r.text);
    for other in ["Poll C", "Poll D"] {
        assert!(!r.text.contains(other), "{other} is not Yoichi's");
    }
    for e in &events {
        let a = attendees(e);
        assert_eq!(a.len(), 1, "only the member themself: {a:?}");
        assert_eq!(a[0].address, "mailto:yoichi@example.org");
        assert_eq!(a[0].role, "REQ-PARTICIPANT");
    }
    let partstat = |summary: &str| attendees(by_summary(&events, summary)).remove(0).partstat;
    assert_eq!(partstat(&hold("Poll A", 1)), "ACCEPTED");
    assert_eq!(partstat(&hold("Poll A", 2)), "NEEDS-ACTION");
    assert_eq!(partstat(&hold("Poll A", 3)), "DECLINED");
    let event = by_summary(&events, "Poll B");
    assert_eq!(event.get("STATUS"), Some("CONFIRMED"));
    assert_eq!(attendees(event)[0].partstat, "TENTATIVE");
    assert_eq!(
        by_summary(&events, &hold("Poll B", 1)).get("STATUS"),
        Some("CANCELLED")
    );
    assert_eq!(
        by_summary(&events, &hold("Poll A", 1)).get("STATUS"),
        Some("TENTATIVE")
    );

    // Either of Yoichi's feed addresses shows the same calendar.
    let via_b = app
        .get(&feed_path(&app, issued(&in_b, "Yoichi")), None)
        .await;
    let uids = |body: &str| {
        let mut u: Vec<String> = parse_ics(body)
            .iter()
            .map(|e| e.get("UID").unwrap().to_string())
            .collect();
        u.sort();
        u
    };
    assert_eq!(uids(&via_b.text), uids(&r.text));

    // Anna's feed: her polls, her answers.
    let hers = app.get(&feed_path(&app, issued(&in_a, "Anna")), None).await;
    assert_eq!(hers.status.as_u16(), 200);
    let events = parse_ics(&hers.text);
    assert_eq!(events.len(), 10, "A, B and C: {}", hers.text);
    assert!(!hers.text.contains("yoichi@example.org"));
    assert_eq!(
        attendees(by_summary(&events, &hold("Poll A", 1)))[0].partstat,
        "DECLINED"
    );
    assert_eq!(
        attendees(by_summary(&events, &hold("Poll C", 1)))[0].partstat,
        "NEEDS-ACTION"
    );
    app.get("/calendar/cvn_feed_nonsense.ics", None)
        .await
        .problem(404);
}

async fn a_members_feed_etag_changes_when_their_answer_changes(app: TestApp) {
    let group = create_group(&app, roster()).await;
    let poll = invite_only_poll(&app, json!({ "title": "MAG meeting" })).await;
    let created = invite_group(&app, &poll, &group).await;
    let yoichi = issued(&created, "Yoichi").clone();
    let token = yoichi["token"].as_str().unwrap().to_string();
    let feed = feed_path(&app, &yoichi);
    let conditional = |etag: String| {
        let (app, feed) = (&app, feed.clone());
        async move {
            app.request_with(Method::GET, &feed, None, None, &[("If-None-Match", &etag)])
                .await
        }
    };

    let first = app.get(&feed, None).await;
    assert_eq!(first.status.as_u16(), 200);
    let etag = first.header("etag").unwrap().to_string();
    assert!(
        etag.starts_with('"') && !etag.starts_with("W/"),
        "a strong ETag: {etag}"
    );
    let before = parse_ics(&first.text);
    assert_eq!(
        attendees(by_summary(&before, &hold("MAG meeting", 1)))[0].partstat,
        "NEEDS-ACTION"
    );
    let same = conditional(etag.clone()).await;
    assert_eq!(same.status.as_u16(), 304);
    assert!(same.text.is_empty());

    // Another member's answer leaves Yoichi's feed as it was: calendars
    // subscribed to it need not download it again.
    answer(&app, &poll, &token_of(&created, "Anna"), &[(0, "no")])
        .await
        .ok(201);
    assert_eq!(conditional(etag.clone()).await.status.as_u16(), 304);

    // Their own answer.
    answer(&app, &poll, &token, &[(0, "yes")]).await.ok(201);
    let after = conditional(etag.clone()).await;
    assert_eq!(after.status.as_u16(), 200, "the answer changed the feed");
    let etag2 = after.header("etag").unwrap().to_string();
    assert_ne!(etag2, etag);
    assert_eq!(
        attendees(by_summary(&parse_ics(&after.text), &hold("MAG meeting", 1)))[0].partstat,
        "ACCEPTED"
    );
    assert_eq!(conditional(etag2.clone()).await.status.as_u16(), 304);

    // Changing it again.
    app.put(
        &me_path(&poll),
        Some(&token),
        &json!({ "votes": votes(&poll, &[(0, "if_need_be")]) }),
    )
    .await
    .ok(200);
    let after = conditional(etag2.clone()).await;
    assert_eq!(
        after.status.as_u16(),
        200,
        "a replaced answer changes the feed"
    );
    let etag3 = after.header("etag").unwrap().to_string();
    assert_eq!(
        attendees(by_summary(&parse_ics(&after.text), &hold("MAG meeting", 1)))[0].partstat,
        "TENTATIVE"
    );

    // An answer the organiser records for them.
    proxy(
        &app,
        &poll,
        id(&yoichi),
        &json!({ "votes": votes(&poll, &[(0, "no")]) }),
    )
    .await
    .ok(200);
    let after = conditional(etag3.clone()).await;
    assert_eq!(
        after.status.as_u16(),
        200,
        "a proxy answer changes the feed"
    );
    let etag4 = after.header("etag").unwrap().to_string();
    assert_eq!(
        attendees(by_summary(&parse_ics(&after.text), &hold("MAG meeting", 1)))[0].partstat,
        "DECLINED"
    );

    // Withdrawing it.
    app.delete(&me_path(&poll), Some(&token)).await.ok(204);
    let after = conditional(etag4.clone()).await;
    assert_eq!(
        after.status.as_u16(),
        200,
        "a withdrawn answer changes the feed"
    );
    assert_eq!(
        attendees(by_summary(&parse_ics(&after.text), &hold("MAG meeting", 1)))[0].partstat,
        "NEEDS-ACTION"
    );
}

async fn a_removed_member_loses_token_and_feed_but_their_answer_still_counts(app: TestApp) {
    let group = create_group(&app, roster()).await;
    let poll = invite_only_poll(&app, json!({})).await;
    let created = invite_group(&app, &poll, &group).await;
    let yoichi = issued(&created, "Yoichi").clone();
    let token = yoichi["token"].as_str().unwrap().to_string();
    let feed = feed_path(&app, &yoichi);
    answer(&app, &poll, &token, &[(0, "yes"), (1, "no")])
        .await
        .ok(201);
    answer(&app, &poll, &token_of(&created, "Anna"), &[(0, "yes")])
        .await
        .ok(201);
    assert_eq!(app.get(&feed, None).await.status.as_u16(), 200);

    app.delete(
        &format!(
            "/api/v1/groups/{}/members/{}",
            id(&group),
            yoichi["member_id"].as_str().unwrap()
        ),
        Some(&app.token),
    )
    .await
    .ok(204);

    app.get(&feed, None).await.problem(404);
    let base = format!("/api/v1/polls/{}", id(&poll));
    app.get(&base, Some(&token)).await.problem(401);
    app.get(&me_path(&poll), Some(&token)).await.problem(401);
    answer(&app, &poll, &token, &[(0, "no")]).await.problem(401);
    app.put(&me_path(&poll), Some(&token), &json!({ "votes": [] }))
        .await
        .problem(401);
    // The remaining member's feed still answers.
    assert_eq!(
        app.get(&feed_path(&app, issued(&created, "Anna")), None)
            .await
            .status
            .as_u16(),
        200
    );

    let r = app.results(&poll, Some(&app.token)).await.ok(200).clone();
    assert_eq!(r["responses"], 2, "what they said still counts");
    let first = result_for(&r, poll["options"][0]["id"].as_str().unwrap());
    assert_eq!(first["yes"], 2);
    assert_eq!(
        result_for(&r, poll["options"][1]["id"].as_str().unwrap())["no"],
        1
    );
    assert_eq!(
        (r["invited"].as_i64(), r["invited_answered"].as_i64()),
        (Some(2), Some(1))
    );
    let page = app
        .get(&invitations_path(&poll), Some(&app.token))
        .await
        .ok(200)
        .clone();
    assert_eq!(page["invited"], 2);
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["name"] != "Yoichi")
    );
    let responses = app
        .get(&format!("{base}/responses"), Some(&app.token))
        .await
        .ok(200)
        .clone();
    assert_eq!(
        responses["items"][0]["name"], "Yoichi",
        "the answer stays on record"
    );
}

async fn a_reissued_invitation_retires_only_its_own_feed_address(app: TestApp) {
    let group = create_group(&app, roster()).await;
    let poll_a = invite_only_poll(&app, json!({ "title": "Poll A" })).await;
    let poll_b = invite_only_poll(&app, json!({ "title": "Poll B" })).await;
    let in_a = invite_group(&app, &poll_a, &group).await;
    let in_b = invite_group(&app, &poll_b, &group).await;
    let old_a = feed_path(&app, issued(&in_a, "Yoichi"));
    let feed_b = feed_path(&app, issued(&in_b, "Yoichi"));

    let reissued = app
        .post(
            &format!(
                "{}/{}/reissue",
                invitations_path(&poll_a),
                id(issued(&in_a, "Yoichi"))
            ),
            Some(&app.token),
            &json!({}),
        )
        .await
        .ok(200)
        .clone();
    app.get(&old_a, None).await.problem(404);
    let new_a = app.get(&feed_path(&app, &reissued), None).await;
    assert_eq!(new_a.status.as_u16(), 200);
    assert_eq!(parse_ics(&new_a.text).len(), 6, "both polls' holds");
    assert_eq!(
        app.get(&feed_b, None).await.status.as_u16(),
        200,
        "the other invitation's feed stays"
    );
    assert_eq!(
        app.get(&feed_path(&app, issued(&in_a, "Anna")), None)
            .await
            .status
            .as_u16(),
        200,
        "other members' feeds stay"
    );
}

// ---- caching: a changed calendar must never be reported unchanged ----------

async fn renaming_a_member_refreshes_the_polls_calendar_files(app: TestApp) {
    let group = create_group(&app, roster()).await;
    let poll = invite_only_poll(&app, json!({ "title": "MAG meeting" })).await;
    let created = invite_group(&app, &poll, &group).await;
    answer(&app, &poll, &token_of(&created, "Yoichi"), &[(0, "yes")])
        .await
        .ok(201);
    let path = format!("/api/v1/polls/{}/holds.ics", id(&poll));
    let first = app.get(&path, Some(&app.token)).await;
    let etag = first.header("etag").unwrap().to_string();

    app.request(
        Method::PATCH,
        &format!(
            "/api/v1/groups/{}/members/{}",
            id(&group),
            member_id(&group, "Yoichi")
        ),
        Some(&app.token),
        Some(&json!({ "name": "Yoichi Kato" })),
    )
    .await
    .ok(200);
    let fresh = app.get(&path, Some(&app.token)).await;
    assert_eq!(
        attendees(by_summary(&parse_ics(&fresh.text), &hold("MAG meeting", 1)))[0],
        attendee("yoichi@example.org", "Yoichi Kato", true, "ACCEPTED"),
        "the file itself has the new name"
    );
    let cached = app
        .request_with(
            Method::GET,
            &path,
            Some(&app.token),
            None,
            &[("If-None-Match", &etag)],
        )
        .await;
    assert_eq!(
        cached.status.as_u16(),
        200,
        "the CN changed, yet the old ETag {etag} is still current (now {:?})",
        fresh.header("etag")
    );
}

async fn changing_a_members_email_refreshes_their_feed(app: TestApp) {
    let group = create_group(&app, roster()).await;
    let poll = invite_only_poll(&app, json!({ "title": "MAG meeting" })).await;
    let created = invite_group(&app, &poll, &group).await;
    let feed = feed_path(&app, issued(&created, "Yoichi"));
    let first = app.get(&feed, None).await;
    let etag = first.header("etag").unwrap().to_string();

    app.request(
        Method::PATCH,
        &format!(
            "/api/v1/groups/{}/members/{}",
            id(&group),
            member_id(&group, "Yoichi")
        ),
        Some(&app.token),
        Some(&json!({ "email": "kato@example.org" })),
    )
    .await
    .ok(200);
    let fresh = app.get(&feed, None).await;
    assert_eq!(
        attendees(by_summary(&parse_ics(&fresh.text), &hold("MAG meeting", 1)))[0].address,
        "mailto:kato@example.org",
        "the feed itself has the new address"
    );
    let cached = app
        .request_with(Method::GET, &feed, None, None, &[("If-None-Match", &etag)])
        .await;
    assert_eq!(
        cached.status.as_u16(),
        200,
        "the ATTENDEE changed, yet the old ETag is still current"
    );
}

async fn an_answer_refreshes_the_polls_calendar_for_if_modified_since(app: TestApp) {
    let group = create_group(&app, roster()).await;
    let poll = invite_only_poll(&app, json!({ "title": "MAG meeting" })).await;
    let created = invite_group(&app, &poll, &group).await;
    let path = format!("/api/v1/polls/{}/holds.ics", id(&poll));
    let first = app.get(&path, Some(&app.token)).await;
    let modified = first.header("last-modified").unwrap().to_string();
    // HTTP dates count whole seconds: answer in a later one.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    answer(&app, &poll, &token_of(&created, "Yoichi"), &[(0, "yes")])
        .await
        .ok(201);

    let fresh = app.get(&path, Some(&app.token)).await;
    assert_eq!(
        attendees(by_summary(&parse_ics(&fresh.text), &hold("MAG meeting", 1)))[0].partstat,
        "ACCEPTED"
    );
    let cached = app
        .request_with(
            Method::GET,
            &path,
            Some(&app.token),
            None,
            &[("If-Modified-Since", &modified)],
        )
        .await;
    assert_eq!(
        cached.status.as_u16(),
        200,
        "the PARTSTAT changed after {modified}, yet the file reads as not modified (Last-Modified now {:?})",
        fresh.header("last-modified")
    );
}

async fn withdrawing_an_answer_refreshes_the_members_feed_for_if_modified_since(app: TestApp) {
    let group = create_group(&app, roster()).await;
    let poll = invite_only_poll(&app, json!({ "title": "MAG meeting" })).await;
    let created = invite_group(&app, &poll, &group).await;
    let token = token_of(&created, "Yoichi");
    let feed = feed_path(&app, issued(&created, "Yoichi"));
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    answer(&app, &poll, &token, &[(0, "yes")]).await.ok(201);
    let answered = app.get(&feed, None).await;
    let modified = answered.header("last-modified").unwrap().to_string();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    app.delete(&me_path(&poll), Some(&token)).await.ok(204);

    let fresh = app.get(&feed, None).await;
    assert_eq!(
        attendees(by_summary(&parse_ics(&fresh.text), &hold("MAG meeting", 1)))[0].partstat,
        "NEEDS-ACTION"
    );
    let cached = app
        .request_with(
            Method::GET,
            &feed,
            None,
            None,
            &[("If-Modified-Since", &modified)],
        )
        .await;
    assert_eq!(
        cached.status.as_u16(),
        200,
        "the answer was withdrawn after {modified}, yet the feed reads as not modified (Last-Modified now {:?})",
        fresh.header("last-modified")
    );
}

both_databases!(
    the_organisers_calendar_lists_invited_members_with_their_answers_as_attendees,
    a_polls_calendar_shows_others_answers_only_to_its_organiser,
    a_members_feed_shows_every_poll_they_are_invited_to_with_only_their_own_attendee_line,
    a_members_feed_etag_changes_when_their_answer_changes,
    a_removed_member_loses_token_and_feed_but_their_answer_still_counts,
    a_reissued_invitation_retires_only_its_own_feed_address,
    renaming_a_member_refreshes_the_polls_calendar_files,
    changing_a_members_email_refreshes_their_feed,
    an_answer_refreshes_the_polls_calendar_for_if_modified_since,
    withdrawing_an_answer_refreshes_the_members_feed_for_if_modified_since,
);
