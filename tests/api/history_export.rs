//! A poll's records for its organiser: the history of every action and
//! answer, and the CSV export (read back with the `csv` crate, as a
//! spreadsheet would), including what aggregate-only polls leave out.

use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::{TestApp, id, reference_poll_body, result_for};
use crate::invitations::{
    answer, create_group, invitations_path, invite_group, invite_only_poll, issued, mag_members,
    me_path, proxy, token_of, votes,
};

fn history_path(poll: &Value) -> String {
    format!("/api/v1/polls/{}/history", id(poll))
}

fn actions(entries: &[Value]) -> Vec<&str> {
    entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect()
}

/// The export as the client receives it: status, content type and raw bytes.
async fn export(
    app: &TestApp,
    poll: &Value,
    token: Option<&str>,
) -> (u16, Option<String>, Option<String>, Vec<u8>) {
    let mut req = app.client.get(format!(
        "{}/api/v1/polls/{}/export.csv",
        app.address,
        id(poll)
    ));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    let header = |n: &str| {
        resp.headers()
            .get(n)
            .map(|v| v.to_str().unwrap().to_string())
    };
    let (ct, cd) = (header("content-type"), header("content-disposition"));
    (
        resp.status().as_u16(),
        ct,
        cd,
        resp.bytes().await.unwrap().to_vec(),
    )
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The CSV's records (header first), after checking it is UTF-8 with a BOM.
fn parse_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(bytes.starts_with(BOM), "UTF-8 with a byte-order mark");
    let text = std::str::from_utf8(&bytes[BOM.len()..]).expect("UTF-8");
    assert!(text.ends_with("\r\n"), "CRLF line ends: {text:?}");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| {
            r.expect("well-formed CSV")
                .iter()
                .map(String::from)
                .collect()
        })
        .collect()
}

async fn csv_rows(app: &TestApp, poll: &Value) -> Vec<Vec<String>> {
    let (status, content_type, _, bytes) = export(app, poll, Some(&app.token)).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(content_type.as_deref(), Some("text/csv; charset=utf-8"));
    parse_csv(&bytes)
}

fn option_id(poll: &Value, i: usize) -> &str {
    poll["options"][i]["id"].as_str().unwrap()
}

async fn the_history_lists_every_organiser_action_and_answer_in_order(app: TestApp) {
    let group = create_group(&app, mag_members()).await;
    let poll = invite_only_poll(&app, json!({})).await;
    let created = invite_group(&app, &poll, &group).await;
    let yoichi = token_of(&created, "Yoichi");
    let anna = issued(&created, "Anna").clone();

    answer(&app, &poll, &yoichi, &[(0, "yes"), (1, "yes")])
        .await
        .ok(201);
    answer(&app, &poll, &yoichi, &[(0, "no")]).await.ok(200);
    proxy(
        &app,
        &poll,
        id(&anna),
        &json!({ "comment": "By phone", "votes": votes(&poll, &[(2, "if_need_be")]) }),
    )
    .await
    .ok(201);
    let reissued = app
        .post(
            &format!("{}/{}/reissue", invitations_path(&poll), id(&anna)),
            Some(&app.token),
            &json!({}),
        )
        .await
        .ok(200)
        .clone();
    let new_anna = reissued["token"].as_str().unwrap().to_string();
    app.put(
        &me_path(&poll),
        Some(&new_anna),
        &json!({ "votes": votes(&poll, &[(2, "yes")]) }),
    )
    .await
    .ok(200);
    app.delete(&me_path(&poll), Some(&yoichi)).await.ok(204);
    app.close(&poll).await.ok(200);

    let entries = app.history(&poll, 50).await;
    assert_eq!(
        actions(&entries),
        [
            "poll_created",
            "members_invited",
            "response_submitted",
            "response_replaced",
            "response_submitted",
            "invitation_reissued",
            "response_replaced",
            "response_withdrawn",
            "poll_closed"
        ]
    );
    let ids: Vec<i64> = entries.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids rise: {ids:?}");
    assert!(
        entries
            .iter()
            .all(|e| e["at"].as_str().unwrap().ends_with('Z'))
    );

    let who = |e: &Value| {
        (
            e["actor_kind"].as_str().unwrap().to_string(),
            e["actor_name"].as_str().unwrap_or("").to_string(),
            e["on_behalf_of"].as_str().map(String::from),
        )
    };
    let organiser = ("organiser".to_string(), "IGF Secretariat".to_string(), None);
    assert_eq!(who(&entries[0]), organiser);
    assert_eq!(who(&entries[1]), organiser);
    let invited: Vec<&str> = entries[1]["details"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(invited, ["Yoichi", "Anna", "Vera"]);
    let yoichi_as = ("respondent".to_string(), "Yoichi".to_string(), None);
    assert_eq!(who(&entries[2]), yoichi_as);
    assert_eq!(who(&entries[3]), yoichi_as);
    assert_eq!(
        who(&entries[4]),
        (
            "organiser".to_string(),
            "IGF Secretariat".to_string(),
            Some("Anna".to_string())
        ),
        "a proxy answer names the organiser and the member"
    );
    assert_eq!(who(&entries[5]), organiser);
    assert_eq!(entries[5]["details"]["invitation_id"], anna["id"]);
    assert_eq!(
        who(&entries[6]),
        ("respondent".to_string(), "Anna".to_string(), None),
        "her own answer is hers"
    );
    assert_eq!(who(&entries[7]), yoichi_as);
    assert_eq!(who(&entries[8]), organiser);

    // Each answer as it was given: the replaced one is still there.
    let submitted = &entries[2]["details"];
    assert_eq!(submitted["revision"], 1);
    assert_eq!(submitted["name"], "Yoichi");
    assert_eq!(
        submitted["votes"],
        json!({ option_id(&poll, 0): "yes", option_id(&poll, 1): "yes" })
    );
    let replaced = &entries[3]["details"];
    assert_eq!(replaced["revision"], 2);
    assert_eq!(replaced["votes"], json!({ option_id(&poll, 0): "no" }));
    assert_eq!(entries[2]["response_id"], entries[3]["response_id"]);
    assert_eq!(entries[4]["details"]["comment"], "By phone");
    assert_eq!(
        entries[4]["details"]["votes"],
        json!({ option_id(&poll, 2): "if_need_be" })
    );
    assert_eq!(
        entries[6]["details"]["votes"],
        json!({ option_id(&poll, 2): "yes" })
    );
    assert_eq!(entries[6]["response_id"], entries[4]["response_id"]);
    assert_eq!(entries[7]["response_id"], entries[2]["response_id"]);

    // Page by page, the same entries in the same order.
    let paged = app.history(&poll, 2).await;
    assert_eq!(paged, entries);
    app.get(
        &format!("{}?cursor=xyz", history_path(&poll)),
        Some(&app.token),
    )
    .await
    .invalid_field("cursor");
}

async fn history_and_export_are_for_the_polls_organiser_only(app: TestApp) {
    let group = create_group(&app, mag_members()).await;
    let poll = invite_only_poll(&app, json!({})).await;
    let created = invite_group(&app, &poll, &group).await;
    let yoichi = token_of(&created, "Yoichi");
    answer(&app, &poll, &yoichi, &[(0, "yes")]).await.ok(201);
    let open = app.reference_poll().await;
    let edit_token = app.vote(&open, "Bruna", &[(0, "yes")]).await.ok(201)["edit_token"]
        .as_str()
        .unwrap()
        .to_string();
    let other = app.other_organiser().await;

    for p in [&poll, &open] {
        app.get(&history_path(p), Some(&other)).await.problem(404);
        app.get(&history_path(p), None).await.problem(401);
        app.get(&history_path(p), Some(&yoichi)).await.problem(401);
        app.get(&history_path(p), Some(&edit_token))
            .await
            .problem(401);
        assert_eq!(export(&app, p, Some(&other)).await.0, 404);
        assert_eq!(export(&app, p, None).await.0, 401);
        assert_eq!(export(&app, p, Some(&yoichi)).await.0, 401);
        assert_eq!(export(&app, p, Some(&edit_token)).await.0, 401);
    }
    let missing = json!({ "id": uuid::Uuid::now_v7() });
    app.get(&history_path(&missing), Some(&app.token))
        .await
        .problem(404);
    assert_eq!(export(&app, &missing, Some(&app.token)).await.0, 404);
    assert_eq!(app.history(&open, 50).await.len(), 2);
}

async fn the_export_has_one_row_per_respondent_and_names_who_recorded_it(app: TestApp) {
    let group = create_group(&app, mag_members()).await;
    let poll = invite_only_poll(&app, json!({})).await;
    let created = invite_group(&app, &poll, &group).await;
    let anna = issued(&created, "Anna").clone();
    answer(
        &app,
        &poll,
        &token_of(&created, "Yoichi"),
        &[(0, "yes"), (1, "if_need_be"), (2, "no")],
    )
    .await
    .ok(201);
    proxy(
        &app,
        &poll,
        id(&anna),
        &json!({ "comment": "Said so by phone, Tuesday", "votes": votes(&poll, &[(1, "yes")]) }),
    )
    .await
    .ok(201);

    let (status, content_type, disposition, bytes) = export(&app, &poll, Some(&app.token)).await;
    assert_eq!(status, 200);
    assert_eq!(content_type.as_deref(), Some("text/csv; charset=utf-8"));
    assert_eq!(
        disposition.as_deref(),
        Some(
            format!(
                "attachment; filename=\"poll-{}.csv\"",
                id(&poll).replace('-', "")
            )
            .as_str()
        )
    );
    let rows = parse_csv(&bytes);
    assert_eq!(
        rows.len(),
        3,
        "a header and one row per respondent: {rows:?}"
    );
    let labels: Vec<String> = (0..3)
        .map(|i| {
            format!(
                "{}. {}",
                i + 1,
                poll["options"][i]["label"].as_str().unwrap()
            )
        })
        .collect();
    let mut header = vec![
        "respondent",
        "invited",
        "recorded on their behalf by",
        "answered at (UTC)",
        "revision",
        "comment",
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    header.extend(labels);
    assert_eq!(rows[0], header);

    let yoichi = &rows[1];
    assert_eq!(
        (
            &yoichi[0][..],
            &yoichi[1][..],
            &yoichi[2][..],
            &yoichi[4][..],
            &yoichi[5][..]
        ),
        ("Yoichi", "yes", "", "1", "")
    );
    assert!(yoichi[3].ends_with('Z'), "{yoichi:?}");
    assert_eq!(yoichi[6..], ["yes", "if need be", "no"]);
    let anna_row = &rows[2];
    assert_eq!(
        (
            &anna_row[0][..],
            &anna_row[1][..],
            &anna_row[2][..],
            &anna_row[5][..]
        ),
        (
            "Anna",
            "yes",
            "IGF Secretariat",
            "Said so by phone, Tuesday"
        )
    );
    assert_eq!(anna_row[6..], ["", "yes", ""]);

    // Once she answers herself, the row is hers alone.
    let reissued = app
        .post(
            &format!("{}/{}/reissue", invitations_path(&poll), id(&anna)),
            Some(&app.token),
            &json!({}),
        )
        .await
        .ok(200)
        .clone();
    app.put(
        &me_path(&poll),
        Some(reissued["token"].as_str().unwrap()),
        &json!({ "votes": votes(&poll, &[(0, "no")]) }),
    )
    .await
    .ok(200);
    let rows = csv_rows(&app, &poll).await;
    assert_eq!(rows.len(), 3);
    let anna_row = rows.iter().find(|r| r[0] == "Anna").unwrap();
    assert_eq!((&anna_row[2][..], &anna_row[4][..]), ("", "2"));
    assert_eq!(anna_row[6..], ["no", "", ""]);

    // An open poll's respondents are not invited.
    let open = app.reference_poll().await;
    app.vote(&open, "Bruna", &[(2, "yes")]).await.ok(201);
    let rows = csv_rows(&app, &open).await;
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (&rows[1][0][..], &rows[1][1][..], &rows[1][2][..]),
        ("Bruna", "no", "")
    );
    assert_eq!(rows[1][6..], ["", "", "yes"]);
}

async fn names_that_look_like_formulas_are_exported_as_text(app: TestApp) {
    let poll = app.reference_poll().await;
    let names = [
        "=HYPERLINK(\"http://x\")",
        "+1",
        "-2",
        "@SUM(A1)",
        "Anna = chair",
        "Doe, Jane",
    ];
    for n in names {
        app.vote(&poll, n, &[(0, "yes")]).await.ok(201);
    }
    app.post(
        &format!("/api/v1/polls/{}/responses", id(&poll)),
        None,
        &json!({ "name": "Commenter", "comment": "=1+1", "votes": [] }),
    )
    .await
    .ok(201);

    let rows = csv_rows(&app, &poll).await;
    assert_eq!(rows.len(), 1 + names.len() + 1);
    let exported: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        exported,
        [
            "'=HYPERLINK(\"http://x\")",
            "'+1",
            "'-2",
            "'@SUM(A1)",
            "Anna = chair",
            "Doe, Jane",
            "Commenter"
        ]
    );
    assert_eq!(rows[7][5], "'=1+1", "comments too");
    // No cell of the file starts a formula.
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "{cell:?} in {row:?}"
            );
        }
    }
}

async fn an_aggregate_only_poll_names_no_one_and_shows_no_answer(app: TestApp) {
    let group = create_group(&app, mag_members()).await;
    let poll = app
        .create_poll(&json!({
            "title": "Anonymous survey", "time_zone": "Europe/Vienna",
            "voting": "invite_only", "aggregate_only": true,
            "options": [
                { "kind": "timed", "start": "2026-07-10T13:00", "end": "2026-07-10T16:00" },
                { "kind": "all_day", "start_date": "2026-07-11", "end_date": "2026-07-11" }
            ]
        }))
        .await;
    let created = invite_group(&app, &poll, &group).await;
    let yoichi = token_of(&created, "Yoichi");
    answer(&app, &poll, &yoichi, &[(0, "yes"), (1, "no")])
        .await
        .ok(201);
    answer(&app, &poll, &yoichi, &[(0, "if_need_be"), (1, "no")])
        .await
        .ok(200);
    proxy(
        &app,
        &poll,
        id(issued(&created, "Anna")),
        &json!({ "comment": "Anna's secret", "votes": votes(&poll, &[(1, "yes")]) }),
    )
    .await
    .ok(201);

    // No individual answers, to anyone.
    let list = format!("/api/v1/polls/{}/responses", id(&poll));
    app.get(&list, Some(&app.token)).await.problem(403);
    app.get(&list, Some(&yoichi)).await.problem(403);

    // Results: counts, but nobody named.
    for token in [&app.token, &yoichi] {
        let r = app.results(&poll, Some(token)).await.ok(200).clone();
        assert_eq!(
            (r["responses"].as_i64(), r["invited_answered"].as_i64()),
            (Some(2), Some(1 + 1))
        );
        assert!(r.get("non_respondents").is_none(), "{r}");
        let timed = result_for(&r, option_id(&poll, 0));
        assert_eq!(timed["outside_social_hours_count"], 1, "Tokyo is counted");
        assert!(
            timed.get("outside_social_hours").is_none(),
            "but not named: {timed}"
        );
        assert_eq!(timed["if_need_be"], 1);
        assert_eq!(result_for(&r, option_id(&poll, 1))["yes"], 1);
        for name in ["Yoichi", "Anna", "Vera"] {
            assert!(!r.to_string().contains(name), "{name} in {r}");
        }
    }

    // History: every change is there, but not who answered or what.
    let entries = app.history(&poll, 50).await;
    assert_eq!(
        actions(&entries),
        [
            "poll_created",
            "members_invited",
            "response_submitted",
            "response_replaced",
            "response_submitted"
        ]
    );
    for e in entries
        .iter()
        .filter(|e| e["action"].as_str().unwrap().starts_with("response_"))
    {
        assert!(e.get("on_behalf_of").is_none(), "{e}");
        let keys: Vec<&String> = e["details"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["revision"], "{e}");
        let text = e.to_string();
        for secret in [
            "Yoichi",
            "Anna",
            "if_need_be",
            "yes",
            option_id(&poll, 0),
            option_id(&poll, 1),
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
    assert!(entries[2].get("actor_name").is_none(), "{}", entries[2]);
    assert_eq!(entries[3]["details"]["revision"], 2);
    assert_eq!(entries[4]["actor_kind"], "organiser");

    // Invitations: how many answered, never who or how.
    let page = app
        .get(&invitations_path(&poll), Some(&app.token))
        .await
        .ok(200)
        .clone();
    assert_eq!(page["answered"], 2);
    for item in page["items"].as_array().unwrap() {
        for hidden in ["answered", "answered_at", "recorded_by", "votes"] {
            assert!(item.get(hidden).is_none(), "{hidden}: {item}");
        }
    }

    // Export: counts per option only.
    let (status, _, _, bytes) = export(&app, &poll, Some(&app.token)).await;
    assert_eq!(status, 200);
    let rows = parse_csv(&bytes);
    assert_eq!(rows[0], ["option", "yes", "if need be", "no", "no answer"]);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(
        rows[1][0],
        format!("1. {}", poll["options"][0]["label"].as_str().unwrap())
    );
    assert_eq!(rows[1][1..], ["0", "1", "0", "1"]);
    assert_eq!(rows[2][1..], ["1", "0", "1", "0"]);
    let text = String::from_utf8(bytes).unwrap();
    for secret in ["Yoichi", "Anna", "IGF Secretariat", "secret"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

async fn an_open_polls_history_records_anonymous_votes_and_organiser_edits(app: TestApp) {
    let mut body = reference_poll_body();
    body["title"] = json!("Open call");
    let poll = app.create_poll(&body).await;
    let token = app.vote(&poll, "Bruna", &[(0, "yes")]).await.ok(201)["edit_token"]
        .as_str()
        .unwrap()
        .to_string();
    app.put(
        &me_path(&poll),
        Some(&token),
        &json!({ "votes": votes(&poll, &[(1, "no")]) }),
    )
    .await
    .ok(200);
    app.post(
        &format!("/api/v1/polls/{}/confirm", id(&poll)),
        Some(&app.token),
        &json!({ "option_id": option_id(&poll, 1) }),
    )
    .await
    .ok(200);
    let entries = app.history(&poll, 1).await;
    assert_eq!(
        actions(&entries),
        [
            "poll_created",
            "response_submitted",
            "response_replaced",
            "poll_confirmed"
        ]
    );
    assert_eq!(entries[1]["actor_name"], "Bruna");
    assert_eq!(
        entries[1]["details"]["votes"],
        json!({ option_id(&poll, 0): "yes" })
    );
    assert_eq!(
        entries[2]["details"]["votes"],
        json!({ option_id(&poll, 1): "no" })
    );
    assert_eq!(entries[3]["actor_name"], "IGF Secretariat");
}

/// A poll with more answers than one page of the streamed export: every
/// response once, in order, across the pages; gzipped as it streams, the
/// same bytes once unzipped.
async fn a_large_export_streams_every_row_once_plain_or_gzipped(backend: crate::helpers::Backend) {
    let options = convene::startup::Options {
        anonymous_writes: convene::web::rate_limit::AnonymousWrites {
            per_minute: 0,
            client_ip_header: None,
        },
        ..Default::default()
    };
    let Some(app) = crate::helpers::spawn_app_with(backend, options).await else {
        return;
    };
    let poll = app.reference_poll().await;
    let n = 1_234;
    for batch in (0..n).collect::<Vec<usize>>().chunks(16) {
        let (app, poll) = (&app, &poll);
        let votes = batch.iter().map(|&i| async move {
            let choice = ["yes", "if_need_be", "no"][i % 3];
            app.vote(poll, &format!("Respondent {i:04}"), &[(i % 3, choice)])
                .await
        });
        for reply in futures_util::future::join_all(votes).await {
            reply.ok(201);
        }
    }
    let (status, _, _, plain) = export(&app, &poll, Some(&app.token)).await;
    assert_eq!(status, 200);
    let rows = parse_csv(&plain);
    assert_eq!(rows.len(), n + 1, "a header and one row per response");
    let names: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), n, "no response twice");
    // Oldest first: the first batch of votes leads, the last one ends.
    assert!(
        names[..16].iter().all(|n| *n < "Respondent 0016"),
        "{:?}",
        &names[..16]
    );
    let last = format!("Respondent {:04}", n - n % 16);
    assert!(names[n - n % 16..].iter().all(|n| *n >= last.as_str()));

    let zipped = app
        .client
        .get(format!(
            "{}/api/v1/polls/{}/export.csv",
            app.address,
            id(&poll)
        ))
        .bearer_auth(&app.token)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    let bytes = zipped.bytes().await.unwrap();
    assert!(
        bytes.len() * 4 < plain.len(),
        "{} vs {}",
        bytes.len(),
        plain.len()
    );
    let mut unzipped = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain);
}

mod large_export {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::a_large_export_streams_every_row_once_plain_or_gzipped(
            crate::helpers::Backend::Sqlite,
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::a_large_export_streams_every_row_once_plain_or_gzipped(
            crate::helpers::Backend::Postgres,
        )
        .await;
    }
}

both_databases!(
    the_history_lists_every_organiser_action_and_answer_in_order,
    history_and_export_are_for_the_polls_organiser_only,
    the_export_has_one_row_per_respondent_and_names_who_recorded_it,
    names_that_look_like_formulas_are_exported_as_text,
    an_aggregate_only_poll_names_no_one_and_shows_no_answer,
    an_open_polls_history_records_anonymous_votes_and_organiser_edits,
);
