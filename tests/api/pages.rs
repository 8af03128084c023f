//! Member pages through real HTTP: a member's `vote_url`, an open poll's
//! `page_url` and a respondent's private link — shown in the visitor's
//! language and zone, voted on with plain forms (post, redirect, see), and
//! checked against the API, which must agree with every vote cast here.

use reqwest::header::{ACCEPT_LANGUAGE, LOCATION};
use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::{TestApp, id, reference_poll_body};
use crate::invitations::{
    create_group, invite_group, invite_only_poll, issued, me_path, member, token_of,
};

/// A page as the browser got it.
struct Page {
    status: u16,
    headers: reqwest::header::HeaderMap,
    html: String,
}

impl Page {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn has(&self, text: &str) -> bool {
        self.html.contains(text)
    }

    fn location(&self) -> &str {
        self.header(LOCATION.as_str())
    }
}

/// A browser without JavaScript that does not follow redirects, so each
/// step of post → redirect → see is checked.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn open(app: &TestApp, url: &str, headers: &[(&str, &str)]) -> Page {
    let url = if url.starts_with("http") {
        url.to_string()
    } else {
        format!("{}{url}", app.address)
    };
    let mut req = browser().get(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.unwrap();
    Page {
        status: resp.status().as_u16(),
        headers: resp.headers().clone(),
        html: resp.text().await.unwrap(),
    }
}

async fn post_form(app: &TestApp, url: &str, form: &[(String, String)]) -> Page {
    let url = if url.starts_with("http") {
        url.to_string()
    } else {
        format!("{}{url}", app.address)
    };
    let resp = browser().post(url).form(form).send().await.unwrap();
    Page {
        status: resp.status().as_u16(),
        headers: resp.headers().clone(),
        html: resp.text().await.unwrap(),
    }
}

/// The form fields of a ballot: option index and choice, then a comment.
fn ballot(poll: &Value, choices: &[(usize, &str)], comment: &str) -> Vec<(String, String)> {
    let mut form: Vec<(String, String)> = choices
        .iter()
        .map(|(i, c)| {
            (
                format!("choice-{}", poll["options"][*i]["id"].as_str().unwrap()),
                c.to_string(),
            )
        })
        .collect();
    form.push(("comment".into(), comment.into()));
    form
}

fn option_id(poll: &Value, i: usize) -> &str {
    poll["options"][i]["id"].as_str().unwrap()
}

/// Whether the page shows `choice` checked for option `i`.
fn checked(page: &Page, poll: &Value, i: usize, choice: &str) -> bool {
    let input = format!(
        "id=\"{}-{choice}\" name=\"choice-{}\" value=\"{choice}\" checked",
        option_id(poll, i),
        option_id(poll, i)
    );
    page.has(&input)
}

/// An invite-only poll with two timed options in Vienna (13:00–16:00 on
/// 10 July, 01:00–03:00 on 12 July) and one all-day range, the MAG group
/// invited. Returns the poll and the issued invitations.
async fn mag_poll(app: &TestApp, changes: Value) -> (Value, Value) {
    let mut body = json!({
        "description": "Second Open Consultations: in person in Vienna and online.",
        "location": "Vienna International Centre",
        "options": [
            { "kind": "timed", "start": "2026-07-10T13:00", "end": "2026-07-10T16:00" },
            { "kind": "timed", "start": "2026-07-12T01:00", "end": "2026-07-12T03:00" },
            { "kind": "all_day", "start_date": "2026-07-13", "end_date": "2026-07-14" }
        ]
    });
    for (k, v) in changes.as_object().unwrap() {
        body[k] = v.clone();
    }
    let poll = invite_only_poll(app, body).await;
    let mut yoichi = member("Yoichi", Some("yoichi@example.org"), "Asia/Tokyo");
    yoichi["language"] = json!("fr");
    let group = create_group(
        app,
        vec![
            yoichi,
            member("Anna", Some("anna@example.org"), "America/New_York"),
        ],
    )
    .await;
    let created = invite_group(app, &poll, &group).await;
    (poll, created)
}

fn vote_url(created: &Value, name: &str) -> String {
    issued(created, name)["vote_url"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn member_page_shows_the_poll_in_the_member_s_zone_with_safe_headers(app: TestApp) {
    let (poll, created) = mag_poll(&app, json!({ "deadline": "2027-06-30T12:00:00Z" })).await;
    let url = vote_url(&created, "Anna");
    assert!(
        url.starts_with(&format!("{}/vote/cvn_inv_", app.address)),
        "{url}"
    );
    // listInvitations writes the same link again (only its hash is stored).
    let listed = app
        .get(
            &format!("/api/v1/polls/{}/invitations", id(&poll)),
            Some(&app.token),
        )
        .await;
    let anna = listed.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "Anna")
        .unwrap()
        .clone();
    assert_eq!(anna["vote_url"], url);

    let page = open(&app, &url, &[]).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(page.header("content-type").starts_with("text/html"));
    assert_eq!(page.header("cache-control"), "no-store");
    assert_eq!(page.header("referrer-policy"), "no-referrer");
    assert_eq!(page.header("x-content-type-options"), "nosniff");
    assert_eq!(page.header("x-frame-options"), "DENY");
    let csp = page.header("content-security-policy");
    assert!(
        csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(page.has("<meta name=\"robots\" content=\"noindex, nofollow\">"));
    assert!(!page.has("<script"), "no script is needed");
    assert!(page.has("<html lang=\"en\" dir=\"ltr\">"));
    assert!(page.has("Second Open Consultations and MAG Meeting"));
    assert!(page.has("Second Open Consultations: in person in Vienna and online."));
    assert!(page.has("Vienna International Centre"));
    assert!(
        page.has("Voting closes on Wednesday 30 June 2027 08:00 UTC-04:00."),
        "the deadline in the member's zone: {}",
        page.html
    );
    // 13:00 in Vienna is 07:00 in New York, shown with its offset.
    assert!(
        page.has("Friday 10 July 2026, 07:00–10:00"),
        "{}",
        page.html
    );
    assert!(page.has("UTC-04:00"));
    // 01:00 in Vienna is 19:00 the evening before in New York: inside
    // Anna's hours. The all-day range is dates, the same everywhere.
    assert!(page.has("Saturday 11 July 2026, 19:00–21:00"));
    assert!(page.has("Monday 13 July 2026 – Tuesday 14 July 2026"));
    // The form speaks the API's words, one fieldset per option.
    for i in 0..3 {
        let o = option_id(&poll, i);
        for value in ["yes", "if_need_be", "no"] {
            assert!(
                page.has(&format!("name=\"choice-{o}\" value=\"{value}\"")),
                "option {i} {value}"
            );
        }
        assert!(page.has(&format!("<fieldset class=\"option\" id=\"option-{o}\">")));
    }
    assert!(page.has("name=\"comment\""));
    assert!(
        !page.has("name=\"name\""),
        "an invited member needs no name"
    );
    assert_eq!(
        page.html.matches("<legend>").count(),
        4,
        "three options and the zone picker"
    );

    // Yoichi, in Tokyo, reads French (his organiser set it); 01:00 Vienna is
    // 08:00 in Tokyo, inside his hours, and 13:00 is 20:00.
    let page = open(&app, &vote_url(&created, "Yoichi"), &[]).await;
    assert!(page.has("<html lang=\"fr\" dir=\"ltr\">"));
    assert!(
        page.has("vendredi 10 juillet 2026, 20:00–23:00"),
        "{}",
        page.html
    );
    assert!(page.has("UTC+09:00"));
}

async fn social_hours_and_the_zone_picker(app: TestApp) {
    let (poll, created) = mag_poll(&app, json!({})).await;
    let url = vote_url(&created, "Yoichi");
    // 13:00–16:00 Vienna is 20:00–23:00 in Tokyo: past Yoichi's 22:00.
    let page = open(&app, &format!("{url}?lang=en"), &[]).await;
    let first = page
        .html
        .split(&format!("id=\"option-{}\"", option_id(&poll, 0)))
        .nth(1)
        .unwrap()
        .split("</fieldset>")
        .next()
        .unwrap();
    assert!(
        first.contains("Outside your usual hours (07:00–22:00 where you are)"),
        "{first}"
    );
    let second = page
        .html
        .split(&format!("id=\"option-{}\"", option_id(&poll, 1)))
        .nth(1)
        .unwrap()
        .split("</fieldset>")
        .next()
        .unwrap();
    assert!(!second.contains("Outside your usual hours"), "{second}");
    assert!(page.has("<option selected>Asia/Tokyo</option>"));

    // The picker shows the times in another zone; the warning stays about
    // where the member is.
    let page = open(&app, &format!("{url}?lang=en&tz=Europe%2FVienna"), &[]).await;
    assert_eq!(page.status, 200);
    assert!(page.has("Friday 10 July 2026, 13:00–16:00"));
    assert!(page.has("UTC+02:00"));
    assert!(page.has("<option selected>Europe/Vienna</option>"));
    assert!(page.has("Times are shown in Europe/Vienna."));
    // The language choice rides along with the zone form and the switch.
    assert!(page.has("<input type=\"hidden\" name=\"lang\" value=\"en\">"));
    assert!(
        page.has("href=\"?lang=ar&#38;tz=Europe%2FVienna\"")
            || page.has("href=\"?lang=ar&amp;tz=Europe%2FVienna\""),
        "{}",
        page.html
    );

    // An unknown zone: the page in the member's zone, the error by the picker.
    let page = open(&app, &format!("{url}?lang=en&tz=Mars%2FOlympus"), &[]).await;
    assert_eq!(page.status, 400);
    assert!(page.has("id=\"zone-error\""));
    assert!(page.has("Mars/Olympus"));
    assert!(page.has("Friday 10 July 2026, 20:00–23:00"));
}

async fn voting_posts_redirects_confirms_and_agrees_with_the_api(app: TestApp) {
    let (poll, created) = mag_poll(&app, json!({})).await;
    let url = vote_url(&created, "Anna");
    let token = issued(&created, "Anna")["token"]
        .as_str()
        .unwrap()
        .to_string();
    let page = open(&app, &url, &[]).await;
    assert!(page.has("You have not answered yet."));
    assert!(page.has("Send my answer"));

    let sent = post_form(
        &app,
        &url,
        &ballot(
            &poll,
            &[(0, "yes"), (1, "if_need_be"), (2, "no")],
            "Only mornings, please.",
        ),
    )
    .await;
    assert_eq!(sent.status, 303, "{}", sent.html);
    let path = url.strip_prefix(&app.address).unwrap();
    assert_eq!(sent.location(), format!("{path}?saved=1"));
    assert_eq!(sent.header("cache-control"), "no-store");

    let page = open(&app, sent.location(), &[]).await;
    assert_eq!(page.status, 200);
    assert!(page.has("role=\"status\""));
    assert!(page.has("Your answer is saved"));
    assert!(checked(&page, &poll, 0, "yes"));
    assert!(checked(&page, &poll, 1, "if_need_be"));
    assert!(checked(&page, &poll, 2, "no"));
    assert!(page.has(">Only mornings, please.</textarea>"));
    assert!(page.has("Save my changes"));

    let mine = app.get(&me_path(&poll), Some(&token)).await;
    let mine = mine.ok(200);
    assert_eq!(mine["comment"], "Only mornings, please.");
    let choices: Vec<(&str, &str)> = mine["votes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["option_id"].as_str().unwrap(),
                v["choice"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        choices,
        [
            (option_id(&poll, 0), "yes"),
            (option_id(&poll, 1), "if_need_be"),
            (option_id(&poll, 2), "no")
        ]
    );

    // Changing one's mind replaces the answer; options left out are unanswered.
    let sent = post_form(&app, &url, &ballot(&poll, &[(1, "yes")], "")).await;
    assert_eq!(sent.status, 303);
    let mine = app.get(&me_path(&poll), Some(&token)).await;
    let mine = mine.ok(200);
    assert_eq!(mine["votes"].as_array().unwrap().len(), 1);
    assert_eq!(mine["votes"][0]["choice"], "yes");
    assert_eq!(mine["comment"], "");
    let results = app.results(&poll, Some(&app.token)).await;
    let results = results.ok(200);
    let yes: i64 = results["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["yes"].as_i64().unwrap())
        .sum();
    assert_eq!(yes, 1, "one answer, counted once: {results}");

    // The page's results show the counts (everyone sees results here).
    let page = open(&app, &url, &[]).await;
    assert!(page.has("Answers so far"));
    assert!(
        page.has("Yes: 1 · If need be: 0 · No: 0 · No answer: 1"),
        "{}",
        page.html
    );
    // Each timed option there carries its offset, as in the form above.
    let answers = &page.html[page.html.find("id=\"results-heading\"").unwrap()..];
    let answers = &answers[..answers.find("</section>").unwrap()];
    assert_eq!(answers.matches("UTC-04:00").count(), 2, "{answers}");
}

async fn tampered_or_stale_forms_come_back_with_errors_and_change_nothing(app: TestApp) {
    let (poll, created) = mag_poll(&app, json!({ "allow_if_need_be": false })).await;
    let url = vote_url(&created, "Anna");
    let token = issued(&created, "Anna")["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!open(&app, &url, &[]).await.has("value=\"if_need_be\""));

    // An option that is not the poll's.
    let mut form = ballot(&poll, &[(0, "yes")], "");
    form.push((format!("choice-{}", uuid::Uuid::new_v4()), "yes".into()));
    let page = post_form(&app, &url, &form).await;
    assert_eq!(page.status, 422, "{}", page.html);
    assert!(page.has("role=\"alert\""));
    assert!(page.has("<a href=\"#options\">This form lists a date the poll no longer has"));
    assert!(
        page.has("<h2 id=\"options\">"),
        "the summary's link has a target"
    );
    assert!(checked(&page, &poll, 0, "yes"), "what was typed is kept");

    // A choice the poll does not offer, and one that is not a choice.
    let page = post_form(
        &app,
        &url,
        &ballot(&poll, &[(0, "if_need_be"), (1, "maybe")], "Fine"),
    )
    .await;
    assert_eq!(page.status, 422);
    let o0 = option_id(&poll, 0);
    let o1 = option_id(&poll, 1);
    assert!(
        page.has(&format!(
            "<p class=\"field-error\" id=\"error-{o0}\">This poll does not offer “if need be”.</p>"
        )),
        "{}",
        page.html
    );
    assert!(page.has(&format!(
        "<p class=\"field-error\" id=\"error-{o1}\">Choose yes, if need be or no.</p>"
    )));
    assert!(page.has(&format!("aria-describedby=\"error-{o0}\"")));
    assert!(
        page.has(&format!("href=\"#option-{o0}\"")),
        "the summary links to the field"
    );

    // An over-long comment: the error by the comment, the text kept.
    let long = "x".repeat(2001);
    let page = post_form(&app, &url, &ballot(&poll, &[(0, "yes")], &long)).await;
    assert_eq!(page.status, 422);
    assert!(page.has("id=\"comment-error\">The comment is too long: at most 2000 characters."));
    assert!(page.has(&format!(">{long}</textarea>")));
    assert!(page.has("aria-invalid=\"true\""));

    // Not one of these reached the poll.
    app.get(&me_path(&poll), Some(&token)).await.problem(404);

    // Garbage that is not a form at all records an empty answer rather
    // than failing: a form with no choices is a valid "no answer yet".
    let resp = browser()
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("%%%&&&=")
        .send()
        .await
        .unwrap();
    assert!(resp.status().as_u16() < 500);
}

async fn closed_cancelled_and_confirmed_polls_show_their_state_and_take_no_votes(app: TestApp) {
    let (poll, created) = mag_poll(&app, json!({})).await;
    let url = vote_url(&created, "Anna");
    let token = issued(&created, "Anna")["token"]
        .as_str()
        .unwrap()
        .to_string();
    post_form(&app, &url, &ballot(&poll, &[(0, "yes")], "")).await;

    app.close(&poll).await.ok(200);
    let page = open(&app, &url, &[]).await;
    assert_eq!(page.status, 200);
    assert!(page.has("Voting is closed."));
    assert!(page.has(&format!(
        "<fieldset class=\"option\" id=\"option-{}\" disabled>",
        option_id(&poll, 0)
    )));
    assert!(!page.has("type=\"submit\" class=\"primary\""));
    assert!(checked(&page, &poll, 0, "yes"), "the answer stays visible");
    let refused = post_form(&app, &url, &ballot(&poll, &[(0, "no")], "")).await;
    assert_eq!(refused.status, 409);
    assert!(refused.has("Voting is closed, so your answer was not saved."));
    let mine = app.get(&me_path(&poll), Some(&token)).await;
    assert_eq!(mine.ok(200)["votes"][0]["choice"], "yes");

    // Confirmed: the date in the member's zone, "add to calendar", the feed.
    app.post(
        &format!("/api/v1/polls/{}/confirm", id(&poll)),
        Some(&app.token),
        &json!({ "option_id": option_id(&poll, 0) }),
    )
    .await
    .ok(200);
    let page = open(&app, &url, &[]).await;
    assert!(page.has("The date is confirmed."));
    assert!(page.has("<p class=\"when\"><strong>Friday 10 July 2026, 07:00–10:00</strong> <span class=\"offset\" dir=\"ltr\">UTC-04:00</span></p>"), "{}", page.html);
    let path = url.strip_prefix(&app.address).unwrap();
    assert!(page.has(&format!("href=\"{path}/event.ics\"")));
    let ics = open(&app, &format!("{path}/event.ics"), &[]).await;
    assert_eq!(ics.status, 200);
    assert!(ics.header("content-type").starts_with("text/calendar"));
    assert!(
        ics.has("BEGIN:VEVENT") && ics.has("STATUS:CONFIRMED"),
        "{}",
        ics.html
    );
    let unfolded = ics.html.replace("\r\n ", "");
    assert!(
        unfolded.contains("mailto:anna@example.org"),
        "the member's own ATTENDEE line: {unfolded}"
    );
    assert_eq!(ics.header("cache-control"), "no-store");
    // The webcal link is the member's own feed, and it answers.
    let webcal = page
        .html
        .split("href=\"webcal://")
        .nth(1)
        .expect("a webcal link")
        .split('"')
        .next()
        .unwrap();
    let feed = open(&app, &format!("http://{webcal}"), &[]).await;
    assert_eq!(feed.status, 200, "{webcal}");
    assert!(feed.has("BEGIN:VCALENDAR"));
    assert_eq!(
        format!("webcal://{webcal}"),
        issued(&created, "Anna")["webcal_url"].as_str().unwrap()
    );

    // Cancelled.
    app.post(
        &format!("/api/v1/polls/{}/cancel", id(&poll)),
        Some(&app.token),
        &json!({}),
    )
    .await
    .ok(200);
    let page = open(&app, &url, &[]).await;
    assert!(page.has("This poll was cancelled."));
    assert!(!page.has("The chosen date"));
    assert_eq!(
        post_form(&app, &url, &ballot(&poll, &[(0, "no")], ""))
            .await
            .status,
        409
    );
}

async fn results_on_the_page_follow_the_poll_s_visibility(app: TestApp) {
    // After voting: hidden until the member has answered.
    let (poll, created) = mag_poll(&app, json!({ "results_visibility": "after_voting" })).await;
    let url = vote_url(&created, "Anna");
    let page = open(&app, &url, &[]).await;
    assert!(page.has("The answers of others are shown once you have answered."));
    assert!(!page.has("Answers so far"));
    post_form(&app, &url, &ballot(&poll, &[(0, "yes")], "")).await;
    let page = open(&app, &url, &[]).await;
    assert!(page.has("Answers so far"));
    assert!(page.has("One answer so far."));

    // Organisers only: never on the page.
    let (poll, created) = mag_poll(&app, json!({ "results_visibility": "organisers" })).await;
    let url = vote_url(&created, "Anna");
    post_form(&app, &url, &ballot(&poll, &[(0, "yes")], "")).await;
    let page = open(&app, &url, &[]).await;
    assert!(page.has("Only the organiser sees the answers to this poll."));
    assert!(!page.has("Yes: 1"));

    // Aggregate-only: counts, said to be counts only.
    let mut body = reference_poll_body();
    body["aggregate_only"] = json!(true);
    let poll = app.create_poll(&body).await;
    let page_url = poll["page_url"].as_str().unwrap().to_string();
    let page = open(&app, &page_url, &[]).await;
    assert!(page.has("This poll shows counts only"));
}

async fn the_open_page_takes_votes_by_name_and_gives_a_private_link(app: TestApp) {
    let poll = app.reference_poll().await;
    let page_url = poll["page_url"]
        .as_str()
        .expect("an open poll has a page_url")
        .to_string();
    assert_eq!(page_url, format!("{}/p/{}", app.address, id(&poll)));
    let page = open(&app, &page_url, &[]).await;
    assert_eq!(page.status, 200);
    assert!(page.has("name=\"name\""));
    assert!(page.has("Anyone with this page can answer."));

    // No name: the error by the name field, nothing recorded.
    let page = post_form(&app, &page_url, &ballot(&poll, &[(0, "yes")], "")).await;
    assert_eq!(page.status, 422);
    assert!(page.has("id=\"name-error\">Enter your name.</p>"));
    let responses = format!("/api/v1/polls/{}/responses", id(&poll));
    assert_eq!(
        app.get(&responses, None).await.ok(200)["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    let mut form = ballot(&poll, &[(0, "yes"), (2, "if_need_be")], "Either works.");
    form.push(("name".into(), "Bruna".into()));
    let sent = post_form(&app, &page_url, &form).await;
    assert_eq!(sent.status, 303, "{}", sent.html);
    let landing = sent.location().to_string();
    assert!(
        landing.starts_with("/vote/cvn_rsp_") && landing.ends_with("?saved=1"),
        "{landing}"
    );
    let page = open(&app, &landing, &[]).await;
    assert_eq!(page.status, 200);
    assert!(page.has("Keep this private link"));
    let private = landing.strip_suffix("?saved=1").unwrap();
    assert!(page.has(&format!(
        "<code dir=\"ltr\">{}{private}</code>",
        app.address
    )));
    assert!(page.has("Hello Bruna"));
    assert!(checked(&page, &poll, 2, "if_need_be"));
    let listed = app.get(&responses, None).await;
    let items = listed.ok(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["name"], "Bruna");
    assert_eq!(items[0]["comment"], "Either works.");

    // The private link changes the same response, not a new one.
    let sent = post_form(&app, private, &ballot(&poll, &[(1, "yes")], "")).await;
    assert_eq!(sent.status, 303);
    assert_eq!(sent.location(), format!("{private}?saved=1"));
    let items = app.get(&responses, None).await.ok(200)["items"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["votes"][0]["option_id"], option_id(&poll, 1));
    let token = private.strip_prefix("/vote/").unwrap();
    assert_eq!(
        app.get(&me_path(&poll), Some(token)).await.ok(200)["name"],
        "Bruna"
    );

    // An invite-only poll has no public page.
    let (closed, _) = mag_poll(&app, json!({})).await;
    assert!(closed.get("page_url").is_none());
    let page = open(&app, &format!("/p/{}", id(&closed)), &[]).await;
    assert_eq!(page.status, 404);
    assert!(page.has("This poll is by invitation only"));
    let mut form = ballot(&closed, &[(0, "yes")], "");
    form.push(("name".into(), "Mallory".into()));
    assert_eq!(
        post_form(&app, &format!("/p/{}", id(&closed)), &form)
            .await
            .status,
        404
    );
    assert_eq!(open(&app, "/p/not-a-poll", &[]).await.status, 404);
}

async fn languages_come_from_the_switch_the_member_and_the_browser(app: TestApp) {
    let (poll, created) = mag_poll(&app, json!({})).await;
    let anna = vote_url(&created, "Anna");
    // No member language: the browser's, matched loosely.
    let page = open(
        &app,
        &anna,
        &[(ACCEPT_LANGUAGE.as_str(), "de-AT, ru;q=0.8, en;q=0.5")],
    )
    .await;
    assert!(page.has("<html lang=\"ru\" dir=\"ltr\">"));
    assert!(page.has("10 июля 2026"), "{}", page.html);
    let page = open(&app, &anna, &[(ACCEPT_LANGUAGE.as_str(), "ja")]).await;
    assert!(page.has("<html lang=\"en\""));
    // The switch wins over everything, Arabic right to left.
    let page = open(
        &app,
        &format!("{anna}?lang=ar"),
        &[(ACCEPT_LANGUAGE.as_str(), "ru")],
    )
    .await;
    assert!(page.has("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(page.has("يوليو"));
    // Times and offsets inside Arabic text are isolated left to right, in
    // markup (the browser test reads the order they are drawn in).
    assert!(page.has("<bdi dir=\"ltr\">07:00</bdi>"), "{}", page.html);
    assert!(
        page.has("<bdi dir=\"ltr\">UTC<bdi>-04:00</bdi></bdi>"),
        "{}",
        page.html
    );
    assert!(
        !page.html.contains(['\u{2066}', '\u{2069}']),
        "{}",
        page.html
    );
    assert!(page.has("aria-current=\"true\">العربية</a>"));
    // The member's language beats the browser's.
    let yoichi = vote_url(&created, "Yoichi");
    let page = open(&app, &yoichi, &[(ACCEPT_LANGUAGE.as_str(), "es")]).await;
    assert!(page.has("<html lang=\"fr\""));
    // Set through the API, to Chinese.
    let group_id = {
        let groups = app.get("/api/v1/groups", Some(&app.token)).await;
        groups.ok(200)["items"][0]["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let yoichi_id = issued(&created, "Yoichi")["member_id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/groups/{group_id}/members/{yoichi_id}");
    let updated = app
        .request(
            reqwest::Method::PATCH,
            &path,
            Some(&app.token),
            Some(&json!({ "language": "zh-Hans" })),
        )
        .await;
    assert_eq!(updated.ok(200)["language"], "zh-Hans");
    let page = open(&app, &yoichi, &[]).await;
    assert!(page.has("<html lang=\"zh\""));
    assert!(page.has("7月10日"), "{}", page.html);
    // A tag that is not BCP 47 is refused by name and changes nothing.
    let refused = app
        .request(
            reqwest::Method::PATCH,
            &path,
            Some(&app.token),
            Some(&json!({ "language": "Chinese please" })),
        )
        .await;
    refused.problem(422);
    assert!(refused.text.contains("\"language\""), "{}", refused.text);
    let refused = app
        .post(
            &format!("/api/v1/groups/{group_id}/members"),
            Some(&app.token),
            &json!({ "members": [{ "name": "Ola", "time_zone": "Africa/Lagos", "language": "?" }] }),
        )
        .await;
    refused.problem(422);
    assert!(
        refused.text.contains("members[0].language"),
        "{}",
        refused.text
    );
    assert!(open(&app, &yoichi, &[]).await.has("<html lang=\"zh\""));
    // Removing it falls back to the browser.
    app.request(
        reqwest::Method::PATCH,
        &path,
        Some(&app.token),
        Some(&json!({ "language": null })),
    )
    .await
    .ok(200);
    let page = open(&app, &yoichi, &[(ACCEPT_LANGUAGE.as_str(), "es-MX")]).await;
    assert!(page.has("<html lang=\"es\""));
    let _ = poll;
}

async fn user_text_is_shown_as_text(app: TestApp) {
    let mut body = reference_poll_body();
    body["title"] = json!("<img src=x onerror=alert(1)>");
    body["description"] = json!("<script>alert(2)</script> & \"quotes\"");
    let poll = app.create_poll(&body).await;
    let page = open(&app, poll["page_url"].as_str().unwrap(), &[]).await;
    assert_eq!(page.status, 200);
    assert!(!page.has("<img"), "{}", page.html);
    assert!(!page.has("<script"));
    assert!(
        page.has("&#60;img src=x onerror=alert(1)&#62;")
            || page.has("&lt;img src=x onerror=alert(1)&gt;"),
        "{}",
        page.html
    );
    // A name typed on the form comes back escaped too.
    let mut form = ballot(&poll, &[(0, "yes")], "<b>bold</b>");
    form.push(("name".into(), "".into()));
    let page = post_form(&app, poll["page_url"].as_str().unwrap(), &form).await;
    assert_eq!(page.status, 422);
    assert!(!page.has("<b>bold</b>"));
}

async fn dead_and_foreign_links_get_a_plain_404(app: TestApp) {
    let (poll, created) = mag_poll(&app, json!({})).await;
    for path in [
        "/vote/cvn_inv_0000".to_string(),
        format!("/vote/{}", app.token),
        "/vote/nothing".to_string(),
    ] {
        let page = open(&app, &path, &[]).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(page.has("This link does not work"));
        assert_eq!(page.header("cache-control"), "no-store");
        assert_eq!(
            post_form(&app, &path, &ballot(&poll, &[(0, "yes")], ""))
                .await
                .status,
            404
        );
    }
    // A reissued invitation: the old link is dead, the new one works.
    let old = vote_url(&created, "Anna");
    let invitation = issued(&created, "Anna")["id"].as_str().unwrap().to_string();
    let reissued = app
        .post(
            &format!(
                "/api/v1/polls/{}/invitations/{invitation}/reissue",
                id(&poll)
            ),
            Some(&app.token),
            &json!({}),
        )
        .await;
    let new = reissued.ok(200)["vote_url"].as_str().unwrap().to_string();
    assert_ne!(new, old);
    assert_eq!(open(&app, &old, &[]).await.status, 404);
    assert_eq!(open(&app, &new, &[]).await.status, 200);
    assert_eq!(
        open(&app, &format!("{old}/event.ics"), &[]).await.status,
        404
    );
}

async fn the_stylesheet_is_ours_and_the_page_is_light(app: TestApp) {
    let (_, created) = mag_poll(&app, json!({})).await;
    let page = open(&app, &vote_url(&created, "Anna"), &[]).await;
    let href = page
        .html
        .split("<link rel=\"stylesheet\" href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    assert!(href.starts_with("/assets/convene.css?v="));
    let css = open(&app, &href, &[]).await;
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").starts_with("text/css"));
    assert!(css.header("cache-control").contains("immutable"));
    // Nothing else is loaded: no other URL to fetch in the page.
    assert_eq!(page.html.matches("src=").count(), 0);
    assert_eq!(page.html.matches("<link").count(), 1);
    let weight = page.html.len() + css.html.len();
    assert!(weight < 60 * 1024, "a 3-option page weighs {weight} bytes");
}

/// A hybrid poll with a per-day range: one radio group per day and one
/// for how the member attends, in the API's words; the answer lands as
/// the API's, with its seat shown; a yes without a mode comes back.
async fn a_hybrid_per_day_page_asks_each_day_and_how_the_member_attends(app: TestApp) {
    let (poll, created) = mag_poll(
        &app,
        json!({ "attendance_modes": ["in_person", "online"], "options": [
            { "kind": "all_day", "start_date": "2027-07-05", "end_date": "2027-07-07",
              "per_day": true, "capacity": 1 } ] }),
    )
    .await;
    let o = option_id(&poll, 0).to_string();
    let url = vote_url(&created, "Anna");
    let page = open(&app, &url, &[]).await;
    assert_eq!(page.status, 200);
    for day in ["2027-07-05", "2027-07-06", "2027-07-07"] {
        assert!(
            page.has(&format!("name=\"day-{o}-{day}\" value=\"yes\"")),
            "{}",
            page.html
        );
    }
    assert!(page.has(&format!("name=\"attendance-{o}\" value=\"in_person\"")));
    assert!(!page.has(&format!("name=\"choice-{o}\"")));
    let day = |d: &str, c: &str| (format!("day-{o}-{d}"), c.to_string());
    // A yes without a mode: back with the error, nothing recorded.
    let refused = post_form(
        &app,
        &url,
        &[
            day("2027-07-05", "yes"),
            day("2027-07-06", "yes"),
            day("2027-07-07", "yes"),
        ],
    )
    .await;
    assert_eq!(refused.status, 422);
    assert!(refused.has("Say how you will attend"), "{}", refused.html);
    let sent = post_form(
        &app,
        &url,
        &[
            day("2027-07-05", "yes"),
            day("2027-07-06", "if_need_be"),
            day("2027-07-07", "yes"),
            (format!("attendance-{o}"), "in_person".into()),
            ("comment".into(), String::new()),
        ],
    )
    .await;
    assert_eq!(sent.status, 303, "{}", sent.html);
    let token = token_of(&created, "Anna");
    let mine = app
        .get(
            &format!("/api/v1/polls/{}/responses/me", id(&poll)),
            Some(&token),
        )
        .await
        .ok(200)
        .clone();
    let vote = &mine["votes"][0];
    assert_eq!(vote["choice"], "if_need_be");
    assert_eq!(vote["attendance"], "in_person");
    assert_eq!(
        vote["days"][1],
        json!({ "date": "2027-07-06", "choice": "if_need_be" })
    );
    // An if need be takes no seat; a yes on every day does, and says so.
    assert!(vote.get("seat").is_none());
    post_form(
        &app,
        &url,
        &[
            day("2027-07-05", "yes"),
            day("2027-07-06", "yes"),
            day("2027-07-07", "yes"),
            (format!("attendance-{o}"), "in_person".into()),
        ],
    )
    .await;
    let page = open(&app, &url, &[]).await;
    assert!(page.has("You have an in-person seat."), "{}", page.html);
    assert!(page.has(&format!(
        "id=\"{o}-in_person\" name=\"attendance-{o}\" value=\"in_person\" checked"
    )));
}

both_databases!(
    a_hybrid_per_day_page_asks_each_day_and_how_the_member_attends,
    member_page_shows_the_poll_in_the_member_s_zone_with_safe_headers,
    social_hours_and_the_zone_picker,
    voting_posts_redirects_confirms_and_agrees_with_the_api,
    tampered_or_stale_forms_come_back_with_errors_and_change_nothing,
    closed_cancelled_and_confirmed_polls_show_their_state_and_take_no_votes,
    results_on_the_page_follow_the_poll_s_visibility,
    the_open_page_takes_votes_by_name_and_gives_a_private_link,
    languages_come_from_the_switch_the_member_and_the_browser,
    user_text_is_shown_as_text,
    dead_and_foreign_links_get_a_plain_404,
    the_stylesheet_is_ours_and_the_page_is_light,
);
