//! The console's polls, a poll's page and its life, through real HTTP and a
//! real SMTP server, on SQLite and PostgreSQL: people of a workspace sign
//! in by the emailed link as owner, editor or viewer; the polls list and
//! the poll page show what the API says; close, reopen, confirm and cancel
//! go through forms that carry the form token and the poll's version, and
//! every refusal (a viewer, another origin, no token, a stale page,
//! another workspace's poll) changes nothing.

use convene::startup::Options;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::console::{Browser, Page, follow_link, link_in};
use crate::helpers::{Backend, TestApp, id, spawn_app_with};
use crate::mail::Sink;

/// The reference case: the Second Open Consultations, for a group of 40
/// from Tokyo to New York (some without an address), invite-only, with a
/// deadline and a reminder three days before it.
const ZONES: [&str; 7] = [
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Africa/Nairobi",
    "Europe/Vienna",
    "Europe/London",
    "America/Sao_Paulo",
    "America/New_York",
];

struct Reference {
    poll: Value,
    /// Invitation tokens, in invitation order, with the member's name.
    invitations: Vec<(String, String)>,
}

async fn reference(app: &TestApp, members: usize, send_email: bool) -> Reference {
    let poll = app
        .create_poll(&json!({
            "title": "Second Open Consultations and MAG Meeting",
            "description": "IGF 2027 preparatory cycle.",
            "location": "Vienna International Centre",
            "time_zone": "Europe/Vienna",
            "voting": "invite_only",
            "deadline": "2027-06-30T16:00:00Z",
            "reminders": ["P3D"],
            "options": [
                { "kind": "all_day", "start_date": "2027-07-05", "end_date": "2027-07-07" },
                { "kind": "all_day", "start_date": "2027-07-10", "end_date": "2027-07-12" },
                { "kind": "all_day", "start_date": "2027-07-12", "end_date": "2027-07-14" },
                { "kind": "timed", "start": "2027-07-09T13:00", "end": "2027-07-09T16:00" }
            ]
        }))
        .await;
    let roster: Vec<Value> = (0..members)
        .map(|n| {
            let mut m = json!({
                "name": format!("Member {n:03}"),
                "time_zone": ZONES[n % ZONES.len()],
            });
            // One in ten has no address.
            if n % 10 != 9 {
                m["email"] = json!(format!("member{n}@example.org"));
            }
            m
        })
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
            &json!({ "group_id": id(&group), "send_email": send_email }),
        )
        .await
        .ok(201)
        .clone();
    let invitations = invited["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["name"].as_str().unwrap().to_string(),
                i["token"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    Reference { poll, invitations }
}

/// The member votes with their invitation token: `choices` per option.
async fn vote(app: &TestApp, poll: &Value, token: &str, choices: &[&str]) {
    let votes: Vec<Value> = choices
        .iter()
        .enumerate()
        .map(|(i, c)| json!({ "option_id": poll["options"][i]["id"], "choice": c }))
        .collect();
    app.put(
        &format!("/api/v1/polls/{}/responses/me", id(poll)),
        Some(token),
        &json!({ "votes": votes }),
    )
    .await
    .ok(201);
}

/// A person of the workspace with `role`, signed in by the link mailed to
/// them.
pub(crate) async fn signed_in(app: &TestApp, sink: &Sink, email: &str, role: &str) -> Browser {
    let before = sink.messages().len();
    app.post(
        "/api/v1/workspace/people",
        Some(&app.token),
        &json!({ "email": email, "name": format!("Anriette ({role})"), "role": role }),
    )
    .await
    .ok(201);
    let mut link = None;
    for _ in 0..100 {
        let mails = sink.wait_for(before + 1).await;
        link = mails
            .iter()
            .find(|m| m["rcpt_tos"] == json!([email]))
            .map(link_in);
        if link.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mut browser = Browser::new(&app.address);
    let done = follow_link(&mut browser, &link.expect("a sign-in mail")).await;
    assert_eq!(done.status, 303, "{}", done.body);
    browser
}

/// The value of a hidden field of the page's first form that has it.
pub(crate) fn hidden(page: &Page, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = page
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {}", page.body));
    let rest = &page.body[at + marker.len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

async fn status_of(app: &TestApp, poll: &Value) -> String {
    app.get(&format!("/api/v1/polls/{}", id(poll)), Some(&app.token))
        .await
        .ok(200)["status"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn the_polls_list_shows_status_deadline_rate_and_next_reminder(app: TestApp, sink: Sink) {
    let r = reference(&app, 40, false).await;
    for (_, token) in r.invitations.iter().take(12) {
        vote(&app, &r.poll, token, &["yes", "if_need_be", "no", "yes"]).await;
    }
    let other = app.reference_poll().await;
    app.close(&other).await.ok(200);
    let mut viewer = signed_in(&app, &sink, "viewer@example.org", "viewer").await;

    let list = viewer.get("/console?lang=en").await;
    assert_eq!(list.status, 200, "{}", list.body);
    let body = &list.body;
    assert!(body.contains("Second Open Consultations and MAG Meeting"));
    assert!(
        body.contains(&format!("/console/polls/{}?lang=en", id(&r.poll))),
        "each poll links to its page"
    );
    assert!(body.contains("12 of 40 answered (30 %)"), "{body}");
    // The deadline and the next reminder in the poll's zone, with offsets.
    assert!(
        body.contains("Wednesday 30 June 2027 18:00 UTC+02:00"),
        "{body}"
    );
    assert!(
        body.contains("Sunday 27 June 2027 18:00 UTC+02:00"),
        "{body}"
    );
    // The open poll counts its answers; the closed one has no reminder.
    assert!(body.contains("0 answers"), "{body}");
    assert!(body.contains(">open<") && body.contains(">closed<"));

    // Filtered by status, with the API's values.
    let closed = viewer.get("/console?status=closed&lang=en").await;
    assert!(
        closed
            .body
            .contains(&format!("/console/polls/{}", id(&other)))
    );
    assert!(
        !closed
            .body
            .contains(&format!("/console/polls/{}", id(&r.poll)))
    );
    assert!(closed.body.contains("<option value=\"closed\" selected>"));
    let open = viewer.get("/console?status=open").await;
    assert!(
        open.body
            .contains(&format!("/console/polls/{}", id(&r.poll)))
    );
    assert!(
        !open
            .body
            .contains(&format!("/console/polls/{}", id(&other)))
    );
    let none = viewer.get("/console?status=cancelled&lang=fr").await;
    assert!(none.body.contains("Aucun sondage dans cet état."));
    // A made-up status is no filter.
    let all = viewer.get("/console?status=nonsense").await;
    assert_eq!(all.status, 200);
    assert!(all.body.contains(&format!("/console/polls/{}", id(&other))));

    // In Arabic: right to left, the offsets isolated left to right.
    let ar = viewer.get("/console?lang=ar").await;
    assert!(ar.body.contains("dir=\"rtl\""));
    assert!(
        ar.body.contains("<bdi dir=\"ltr\">18:00</bdi>"),
        "{}",
        ar.body
    );
    // No secret in any address of the page.
    assert!(!body.contains("cvn_inv_") && !body.contains("cvn_ses_"));
}

async fn a_poll_page_shows_ranking_grid_heat_map_and_non_respondents(app: TestApp, sink: Sink) {
    let r = reference(&app, 40, true).await;
    // Invitations go to the 36 with an address.
    sink.wait_for(36).await;
    for (n, (_, token)) in r.invitations.iter().enumerate().take(30) {
        let choices: &[&str] = if n % 2 == 0 {
            &["no", "yes", "if_need_be", "yes"]
        } else {
            &["no", "if_need_be", "yes", "no"]
        };
        vote(&app, &r.poll, token, choices).await;
    }
    // Three members connect calendars busy on 6 July (all day, in their
    // own zone): option 1, 5–7 July, only.
    let busy_day = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n\
                    UID:day@example.test\r\nDTSTART;VALUE=DATE:20270706\r\n\
                    DTEND;VALUE=DATE:20270707\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    for (_, token) in r.invitations.iter().skip(30).take(3) {
        crate::free_busy::upload(&app, &r.poll, token, busy_day)
            .await
            .ok(200);
    }
    let mut viewer = signed_in(&app, &sink, "viewer@example.org", "viewer").await;
    let page = viewer
        .get(&format!("/console/polls/{}?lang=en", id(&r.poll)))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let body = &page.body;
    // Beside each option, how many calendars show it busy.
    assert_eq!(
        body.matches("Busy in their own calendars: 3<").count(),
        1,
        "{body}"
    );
    assert_eq!(body.matches("Busy in their own calendars: 0<").count(), 3);
    let api = app.results(&r.poll, Some(&app.token)).await.ok(200).clone();
    // The ranking is getResults' (leader first), its reasons in words.
    let leader = api["options"][0]["number"].as_u64().unwrap();
    let ranking = &body[body.find("class=\"ranking\"").unwrap()..];
    assert!(ranking.contains(&format!("Option {leader}:")), "{ranking}");
    assert!(
        ranking.find(&format!("Option {leader}:")).unwrap() < ranking.find("Option 1:").unwrap()
    );
    assert!(body.contains("Ahead of the next option: more members available (30 against"));
    assert!(body.contains("30 of 40 answered (75 %)"), "{body}");
    // The grid: every member, answers as symbols with words for screen
    // readers, never a colour alone.
    assert!(body.contains("Member 000") && body.contains("Member 039"));
    // (the stylesheet draws each as a symbol, silent for screen readers).
    assert!(body.contains("<td class=\"y\">yes</td>"));
    assert!(body.contains("<td class=\"m\">if need be</td>"));
    assert!(body.contains("<td class=\"x\">no answer</td>"));
    assert!(body.contains("Page 1 of 1"));
    // The heat map: one row per zone with its members, the same figures
    // in a table; the timed option at 13:00 in Vienna is 20:00 in Tokyo
    // and 07:00 in New York.
    assert!(body.contains("<svg") && body.contains("aria-hidden=\"true\" focusable=\"false\""));
    assert_eq!(body.matches("<rect").count(), 7 * 4, "7 zones × 4 options");
    assert!(body.contains("Asia/Tokyo (6)") && body.contains("America/New_York (5)"));
    assert!(body.contains(">20:00</text>") && body.contains(">07:00</text>"));
    assert!(
        body.contains("% (3), 20:00</td>") || body.contains(", 20:00</td>"),
        "the table too"
    );
    assert!(body.contains("<caption>Availability across time zones</caption>"));
    // Non-respondents with the state of their invitation mail.
    assert!(
        body.contains("10 invited members have not answered."),
        "{body}"
    );
    let silent = &body[body.find("silent-heading").unwrap()..];
    assert!(silent.contains("Member 030") && !silent.contains("Member 029"));
    assert!(silent.contains("Member 039") && silent.contains("no email address"));
    assert!(silent.contains("mail sent") || silent.contains("mail waiting to be sent"));
    // A viewer sees no vote link, no token, and no form that changes the poll.
    for secret in ["/vote/", "cvn_inv_", "cvn_feed_", "cvn_ses_"] {
        assert!(!body.contains(secret), "{secret}");
    }
    assert!(!body.contains("/close\"") && !body.contains("name=\"version\""));

    // The grid of those who have not answered, and pages of 50.
    let silent = viewer
        .get(&format!("/console/polls/{}?members=silent", id(&r.poll)))
        .await;
    assert!(silent.body.contains("Members who have not answered"));
    assert!(!silent.body.contains("Member 000") || silent.body.contains("silent-heading"));
    let big = reference(&app, 120, false).await;
    let p1 = viewer
        .get(&format!("/console/polls/{}", id(&big.poll)))
        .await;
    assert!(p1.body.contains("Page 1 of 3") && p1.body.contains("rel=\"next\""));
    assert!(p1.body.contains("Member 049") && !p1.body.contains("Member 050<"));
    let p3 = viewer
        .get(&format!("/console/polls/{}?page=3", id(&big.poll)))
        .await;
    assert!(p3.body.contains("Page 3 of 3") && p3.body.contains("Member 119"));
    assert!(!p3.body.contains("Member 099<") && !p3.body.contains("rel=\"next\""));
    // Past the end: the last page.
    let past = viewer
        .get(&format!("/console/polls/{}?page=99", id(&big.poll)))
        .await;
    assert!(past.body.contains("Page 3 of 3"));

    // In Arabic, right to left, the explanation translated.
    let ar = viewer
        .get(&format!("/console/polls/{}?lang=ar", id(&r.poll)))
        .await;
    assert!(ar.body.contains("dir=\"rtl\"") && ar.body.contains("يتقدّم على الخيار التالي"));
}

async fn the_invitations_list_is_paged_and_counts_everyone(app: TestApp, sink: Sink) {
    let big = reference(&app, 120, false).await;
    let mut viewer = signed_in(&app, &sink, "viewer@example.org", "viewer").await;
    let list = format!("/console/polls/{}/invitations", id(&big.poll));
    let first = viewer.get(&format!("{list}?lang=en")).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert!(
        first.body.contains("120") && first.body.contains("Page 1 of 2"),
        "{}",
        first.body
    );
    assert!(first.body.contains(">Member 099<") && !first.body.contains(">Member 100<"));
    assert!(first.body.contains("rel=\"next\""));
    let second = viewer.get(&format!("{list}?lang=en&page=2")).await;
    assert!(second.body.contains("Page 2 of 2"));
    assert!(second.body.contains(">Member 119<") && !second.body.contains(">Member 000<"));
    assert!(second.body.contains("rel=\"prev\"") && !second.body.contains("rel=\"next\""));
    // Past the end: the last page.
    let past = viewer.get(&format!("{list}?lang=en&page=9")).await;
    assert!(past.body.contains("Page 2 of 2"));
}

async fn close_reopen_confirm_and_cancel_by_forms(app: TestApp, sink: Sink) {
    let r = reference(&app, 40, false).await;
    for (_, token) in r.invitations.iter().take(20) {
        vote(&app, &r.poll, token, &["no", "yes", "if_need_be", "yes"]).await;
    }
    let mut editor = signed_in(&app, &sink, "editor@example.org", "editor").await;
    let path = format!("/console/polls/{}", id(&r.poll));
    let page = editor.get(&format!("{path}?lang=en")).await;
    assert!(page.body.contains("Close voting"));
    let (csrf, version) = (page.csrf(), hidden(&page, "version"));

    // Close: back to the poll page, which says so.
    let closed = editor
        .post(
            &format!("{path}/close"),
            &[("csrf", &csrf), ("version", &version), ("lang", "en")],
        )
        .await;
    assert_eq!(closed.status, 303, "{}", closed.body);
    let to = closed.location.unwrap();
    assert!(
        to.starts_with(&format!("{path}?lang=en&done=close")),
        "{to}"
    );
    assert_eq!(status_of(&app, &r.poll).await, "closed");
    let after = editor.get(&to).await;
    assert!(after.body.contains("Voting is closed.") && after.body.contains("Reopen voting"));
    let history = app.history(&r.poll, 50).await;
    assert!(
        history
            .iter()
            .any(|h| h["action"] == "poll_closed" && h["actor_name"] == "Anriette (editor)"),
        "history names the person: {history:?}"
    );

    // The same form again, from the stale page: a conflict, nothing changed.
    let stale = editor
        .post(
            &format!("{path}/reopen"),
            &[("csrf", &csrf), ("version", &version)],
        )
        .await;
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert!(
        stale
            .body
            .contains("Someone changed this poll after you opened the page")
    );
    assert_eq!(status_of(&app, &r.poll).await, "closed");
    // A form without a version is as stale.
    let bare = editor
        .post(&format!("{path}/reopen"), &[("csrf", &csrf)])
        .await;
    assert_eq!(bare.status, 409);
    // A move the poll cannot make from where it is: a conflict too.
    let version = hidden(&after, "version");
    let again = editor
        .post(
            &format!("{path}/close"),
            &[("csrf", &csrf), ("version", &version)],
        )
        .await;
    assert_eq!(again.status, 409);
    assert!(
        again.body.contains("The poll is closed now"),
        "{}",
        again.body
    );
    // As Chromium posts our forms: `Origin: null`, `Sec-Fetch-Site: same-origin`.
    let mut chromium = editor
        .at(&app.address)
        .with_header("origin", "null")
        .with_header("sec-fetch-site", "same-origin");
    let reopened = chromium
        .post(
            &format!("{path}/reopen"),
            &[("csrf", &csrf), ("version", &version)],
        )
        .await;
    assert_eq!(reopened.status, 303);
    assert_eq!(status_of(&app, &r.poll).await, "open");

    // Confirm: the preview gives the date on each invitee's clock and who
    // is mailed, then the form confirms.
    let timed = r.poll["options"][3]["id"].as_str().unwrap();
    let preview = editor
        .get(&format!("{path}/confirm?option_id={timed}&lang=en"))
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    let tokyo = "Friday 9 July 2027, 20:00–23:00 UTC+09:00";
    let new_york = "Friday 9 July 2027, 07:00–10:00 UTC-04:00";
    assert!(preview.body.contains(tokyo), "{}", preview.body);
    assert!(preview.body.contains(new_york));
    // East to west, Tokyo first.
    assert!(preview.body.find(tokyo).unwrap() < preview.body.find(new_york).unwrap());
    assert!(
        preview
            .body
            .contains("36 of 40 invited members get the event by mail")
    );
    assert!(preview.body.contains("Confirm and mail 36 invited members"));
    assert!(preview.body.contains("will be mailed") && preview.body.contains("no email address"));
    // Nothing changed by looking.
    assert_eq!(status_of(&app, &r.poll).await, "open");
    // The preview of an option the poll does not have: refused.
    let wrong = editor
        .get(&format!(
            "{path}/confirm?option_id={}",
            id(&app.reference_poll().await["options"][0])
        ))
        .await;
    assert_eq!(wrong.status, 422);
    let confirmed = editor
        .post(
            &format!("{path}/confirm"),
            &[
                ("csrf", &preview.csrf()),
                ("version", &hidden(&preview, "version")),
                ("option_id", timed),
            ],
        )
        .await;
    assert_eq!(confirmed.status, 303, "{}", confirmed.body);
    assert_eq!(status_of(&app, &r.poll).await, "confirmed");
    // Every invitee with an address gets the event (36), besides the
    // sign-in mail.
    // (up to a minute: the outbox worker sends them one by one, and a
    // loaded machine is slow)
    for _ in 0..600 {
        if sink.messages().len() > 36 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mails = sink.messages();
    assert!(
        mails
            .iter()
            .filter(|m| m["rcpt_tos"] != json!(["editor@example.org"]))
            .count()
            >= 36
    );
    // Afterwards each invitee's delivery state and PARTSTAT.
    let mut page = editor.get(&format!("{path}?lang=en")).await;
    for _ in 0..300 {
        if page.body.matches("mail sent").count() >= 36 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        page = editor.get(&format!("{path}?lang=en")).await;
    }
    assert!(page.body.contains("PARTSTAT"));
    assert!(page.body.contains("<td>ACCEPTED</td>") && page.body.contains("<td>NEEDS-ACTION</td>"));
    assert!(
        page.body.matches("mail sent").count() >= 36,
        "{}",
        page.body
    );
    assert!(page.body.contains("Confirmed option"));

    // A stale confirm (the page before the confirmation): a conflict.
    let stale = editor
        .post(
            &format!("{path}/confirm"),
            &[
                ("csrf", &page.csrf()),
                ("version", &hidden(&preview, "version")),
                ("option_id", r.poll["options"][1]["id"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(stale.status, 409);
    let event = app
        .get(&format!("/api/v1/polls/{}", id(&r.poll)), Some(&app.token))
        .await
        .ok(200)
        .clone();
    assert_eq!(
        event["confirmed_option_id"].as_str(),
        Some(timed),
        "{event}"
    );

    // Cancel.
    let version = hidden(&page, "version");
    let cancelled = editor
        .post(
            &format!("{path}/cancel"),
            &[("csrf", &page.csrf()), ("version", &version)],
        )
        .await;
    assert_eq!(cancelled.status, 303);
    assert_eq!(status_of(&app, &r.poll).await, "cancelled");
}

async fn refusals_change_nothing(app: TestApp, sink: Sink) {
    let r = reference(&app, 12, false).await;
    let path = format!("/console/polls/{}", id(&r.poll));
    let mut viewer = signed_in(&app, &sink, "viewer@example.org", "viewer").await;
    let mut editor = signed_in(&app, &sink, "editor@example.org", "editor").await;
    let page = editor.get(&path).await;
    let (csrf, version) = (page.csrf(), hidden(&page, "version"));

    // A viewer: 403 on every move and on the preview; nothing changed.
    let vpage = viewer.get(&path).await;
    let vcsrf = vpage.csrf();
    for m in ["close", "cancel", "confirm", "reopen"] {
        let r2 = viewer
            .post(
                &format!("{path}/{m}"),
                &[
                    ("csrf", &vcsrf),
                    ("version", &version),
                    ("option_id", r.poll["options"][0]["id"].as_str().unwrap()),
                ],
            )
            .await;
        assert_eq!(r2.status, 403, "{m}: {}", r2.body);
        assert!(r2.body.contains("Nothing was changed"));
    }
    let preview = viewer
        .get(&format!(
            "{path}/confirm?option_id={}",
            r.poll["options"][0]["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(preview.status, 403);
    assert_eq!(status_of(&app, &r.poll).await, "open");

    // Another origin, no token, another browser's token: 403.
    let mut evil = editor
        .at(&app.address)
        .with_header("origin", "https://evil.example");
    let forged = evil
        .post(
            &format!("{path}/close"),
            &[("csrf", &csrf), ("version", &version)],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    for token in ["", vcsrf.as_str()] {
        let r2 = editor
            .post(
                &format!("{path}/close"),
                &[("csrf", token), ("version", &version)],
            )
            .await;
        assert_eq!(r2.status, 403, "token {token:?}");
    }
    // `Origin: null` (what a browser sends under our no-referrer policy)
    // passes only with the browser's word that it is same-origin.
    for site in ["cross-site", "same-site"] {
        let mut null = editor
            .at(&app.address)
            .with_header("origin", "null")
            .with_header("sec-fetch-site", site);
        let r2 = null
            .post(
                &format!("{path}/close"),
                &[("csrf", &csrf), ("version", &version)],
            )
            .await;
        assert_eq!(r2.status, 403, "{site}");
    }
    let bare = editor
        .post(&format!("{path}/close"), &[("version", &version)])
        .await;
    assert_eq!(bare.status, 403);
    assert_eq!(status_of(&app, &r.poll).await, "open");

    // Signed out: to the sign-in page, nothing changed.
    let mut stranger = Browser::new(&app.address);
    let out = stranger
        .post(
            &format!("{path}/close"),
            &[("csrf", &csrf), ("version", &version)],
        )
        .await;
    assert_eq!(out.status, 303);
    assert_eq!(out.location.as_deref(), Some("/console/sign-in"));
    assert_eq!(stranger.get(&path).await.status, 303);

    // Another workspace's poll: not found, to read or to move.
    let other_token = app.other_organiser().await;
    let theirs = app
        .post(
            "/api/v1/polls",
            Some(&other_token),
            &crate::helpers::reference_poll_body(),
        )
        .await
        .ok(201)
        .clone();
    let their_path = format!("/console/polls/{}", id(&theirs));
    let read = editor.get(&their_path).await;
    assert_eq!(read.status, 404);
    assert!(!read.body.contains("Second Open Consultations"));
    let moved = editor
        .post(
            &format!("{their_path}/close"),
            &[("csrf", &csrf), ("version", "1")],
        )
        .await;
    assert_eq!(moved.status, 404);
    let preview = editor
        .get(&format!(
            "{their_path}/confirm?option_id={}",
            theirs["options"][0]["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(preview.status, 404);
    let still = app
        .get(
            &format!("/api/v1/polls/{}", id(&theirs)),
            Some(&other_token),
        )
        .await
        .ok(200)
        .clone();
    assert_eq!(still["status"], "open");
    assert_eq!(editor.get("/console/polls/not-a-poll").await.status, 404);
    assert_eq!(editor.get("/console").await.status, 200);
    assert!(
        !editor
            .get("/console")
            .await
            .body
            .contains(&format!("/console/polls/{}", id(&theirs)))
    );
}

/// Each test with a real SMTP server and an app that mails through it.
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
    the_polls_list_shows_status_deadline_rate_and_next_reminder,
    a_poll_page_shows_ranking_grid_heat_map_and_non_respondents,
    the_invitations_list_is_paged_and_counts_everyone,
    close_reopen_confirm_and_cancel_by_forms,
    refusals_change_nothing,
);
