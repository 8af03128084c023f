use convene::entity::poll_history;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::both_databases;
use crate::helpers::{TestApp, id, reference_poll_body};

async fn anyone_votes_on_an_open_poll_by_name_and_gets_an_edit_token(app: TestApp) {
    let poll = app.reference_poll().await;
    let r = app
        .vote(&poll, "Bruna", &[(0, "yes"), (1, "if_need_be"), (2, "no")])
        .await;
    let created = r.ok(201);
    assert!(
        created["edit_token"]
            .as_str()
            .unwrap()
            .starts_with("cvn_rsp_")
    );
    assert_eq!(created["name"], "Bruna");
    assert_eq!(created["revision"], 1);
    assert_eq!(created["votes"].as_array().unwrap().len(), 3);
    assert_eq!(
        r.header("location"),
        Some(format!("/api/v1/polls/{}/responses/me", id(&poll)).as_str())
    );

    let token = created["edit_token"].as_str().unwrap();
    let mine = app
        .get(
            &format!("/api/v1/polls/{}/responses/me", id(&poll)),
            Some(token),
        )
        .await;
    assert_eq!(mine.ok(200)["id"], created["id"]);
    assert!(
        mine.body.get("edit_token").is_none(),
        "the token is shown once"
    );
}

async fn the_edit_token_replaces_and_withdraws_the_answer_and_history_keeps_each_version(
    app: TestApp,
) {
    let poll = app.reference_poll().await;
    let created = app
        .vote(&poll, "Bruna", &[(0, "yes"), (1, "yes")])
        .await
        .ok(201)
        .clone();
    let token = created["edit_token"].as_str().unwrap();
    let me = format!("/api/v1/polls/{}/responses/me", id(&poll));

    let replaced = app
        .put(&me, Some(token), &json!({ "comment": "Only the first week", "votes": [{ "option_id": poll["options"][0]["id"], "choice": "if_need_be" }] }))
        .await;
    let body = replaced.ok(200);
    assert_eq!(body["revision"], 2);
    assert_eq!(body["name"], "Bruna", "a name left out is kept");
    assert_eq!(body["comment"], "Only the first week");
    assert_eq!(
        body["votes"],
        json!([{ "option_id": poll["options"][0]["id"], "choice": "if_need_be" }])
    );

    let results = app.results(&poll, None).await;
    let r = results.ok(200);
    assert_eq!(r["responses"], 1);
    let first = crate::helpers::result_for(r, poll["options"][0]["id"].as_str().unwrap());
    assert_eq!(
        (first["yes"].as_i64(), first["if_need_be"].as_i64()),
        (Some(0), Some(1))
    );
    let second = crate::helpers::result_for(r, poll["options"][1]["id"].as_str().unwrap());
    assert_eq!(
        (second["yes"].as_i64(), second["no_answer"].as_i64()),
        (Some(0), Some(1))
    );

    app.delete(&me, Some(token)).await.ok(204);
    app.get(&me, Some(token)).await.problem(401);
    assert_eq!(app.results(&poll, None).await.body["responses"], 0);

    let poll_id: uuid::Uuid = id(&poll).parse().unwrap();
    let history = poll_history::Entity::find()
        .filter(poll_history::Column::PollId.eq(poll_id))
        .filter(poll_history::Column::ResponseId.is_not_null())
        .order_by_asc(poll_history::Column::Id)
        .all(app.store.read())
        .await
        .unwrap();
    let actions: Vec<_> = history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(
        actions,
        vec![
            "response_submitted",
            "response_replaced",
            "response_withdrawn"
        ]
    );
    let original: serde_json::Value = serde_json::from_str(&history[0].details).unwrap();
    assert_eq!(
        original["votes"][poll["options"][1]["id"].as_str().unwrap()],
        "yes",
        "the replaced answer is kept"
    );
}

async fn a_vote_needs_a_name_real_options_and_offered_choices(app: TestApp) {
    let mut body = reference_poll_body();
    body["allow_if_need_be"] = json!(false);
    let poll = app.create_poll(&body).await;
    let path = format!("/api/v1/polls/{}/responses", id(&poll));
    let o = |i: usize| poll["options"][i]["id"].clone();

    app.post(&path, None, &json!({ "votes": [] }))
        .await
        .invalid_field("name");
    app.post(&path, None, &json!({ "name": "  ", "votes": [] }))
        .await
        .invalid_field("name");
    let r = app
        .post(
            &path,
            None,
            &json!({ "name": "Anna", "votes": [
            { "option_id": o(0), "choice": "if_need_be" },
            { "option_id": uuid::Uuid::now_v7(), "choice": "yes" },
            { "option_id": o(0), "choice": "no" }
        ] }),
        )
        .await;
    r.invalid_field("votes[0].choice");
    r.invalid_field("votes[1].option_id");
    r.invalid_field("votes[2].option_id");
    app.post(
        &path,
        None,
        &json!({ "name": "Anna", "votes": [{ "option_id": "nope", "choice": "yes" }] }),
    )
    .await
    .invalid_field("votes[0].option_id");
    app.post(
        &path,
        None,
        &json!({ "name": "Anna", "votes": [{ "option_id": o(0), "choice": "maybe" }] }),
    )
    .await
    .invalid_field("votes[0].choice");
    assert_eq!(
        app.results(&poll, None).await.body["responses"],
        0,
        "refused votes change nothing"
    );
}

async fn a_response_token_opens_its_own_response_only(app: TestApp) {
    let poll = app.reference_poll().await;
    let other_poll = app.reference_poll().await;
    let token = app.vote(&poll, "Bruna", &[(0, "yes")]).await.ok(201)["edit_token"]
        .as_str()
        .unwrap()
        .to_string();
    let elsewhere = format!("/api/v1/polls/{}/responses/me", id(&other_poll));
    app.get(&elsewhere, Some(&token)).await.problem(403);
    app.put(&elsewhere, Some(&token), &json!({ "votes": [] }))
        .await
        .problem(403);
    app.delete(&elsewhere, Some(&token)).await.problem(403);

    let me = format!("/api/v1/polls/{}/responses/me", id(&poll));
    app.get(&me, None).await.problem(401);
    app.get(&me, Some(&app.token)).await.problem(401);
    app.get(&me, Some("cvn_rsp_0000")).await.problem(401);
    let forged = format!("cvn_rsp_{}", "ab".repeat(32));
    app.get(&me, Some(&forged)).await.problem(401);
    // An organiser token is not a response token, and a response token opens no organiser operation.
    app.get("/api/v1/polls", Some(&token)).await.problem(401);
    app.post("/api/v1/polls", Some(&token), &reference_poll_body())
        .await
        .problem(401);
    assert_eq!(app.results(&poll, None).await.body["responses"], 1);
}

async fn an_invite_only_poll_takes_no_anonymous_votes(app: TestApp) {
    let mut body = reference_poll_body();
    body["voting"] = json!("invite_only");
    let poll = app.create_poll(&body).await;
    app.vote(&poll, "Gatecrasher", &[(0, "yes")])
        .await
        .problem(403);
    assert_eq!(
        app.results(&poll, Some(&app.token)).await.ok(200)["responses"],
        0
    );
    app.results(&poll, None).await.problem(404);
}

async fn individual_answers_follow_the_poll_visibility_settings(app: TestApp) {
    let list = |poll: &serde_json::Value| format!("/api/v1/polls/{}/responses", id(poll));

    let open = app.reference_poll().await;
    app.vote(&open, "Bruna", &[(0, "yes")]).await.ok(201);
    let r = app.get(&list(&open), None).await;
    assert_eq!(r.ok(200)["items"][0]["name"], "Bruna");

    let mut hidden = reference_poll_body();
    hidden["show_voter_names"] = json!(false);
    let hidden = app.create_poll(&hidden).await;
    app.vote(&hidden, "Bruna", &[(0, "yes")]).await.ok(201);
    let r = app.get(&list(&hidden), None).await;
    assert!(r.ok(200)["items"][0].get("name").is_none());
    assert_eq!(r.body["items"][0]["votes"][0]["choice"], "yes");
    assert_eq!(
        app.get(&list(&hidden), Some(&app.token)).await.ok(200)["items"][0]["name"],
        "Bruna"
    );

    let mut aggregate = reference_poll_body();
    aggregate["aggregate_only"] = json!(true);
    let aggregate = app.create_poll(&aggregate).await;
    app.vote(&aggregate, "Bruna", &[(0, "yes")]).await.ok(201);
    app.get(&list(&aggregate), None).await.problem(403);
    app.get(&list(&aggregate), Some(&app.token))
        .await
        .problem(403);
    assert_eq!(
        app.results(&aggregate, None).await.ok(200)["responses"],
        1,
        "counts stay public"
    );

    let mut after = reference_poll_body();
    after["results_visibility"] = json!("after_voting");
    let after = app.create_poll(&after).await;
    app.results(&after, None).await.problem(403);
    app.get(&list(&after), None).await.problem(403);
    let token = app.vote(&after, "Bruna", &[(0, "yes")]).await.ok(201)["edit_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        app.results(&after, Some(&token)).await.ok(200)["responses"],
        1
    );
    app.get(&list(&after), Some(&token)).await.ok(200);
    // A respondent of another poll has not voted on this one.
    let other = app.vote(&open, "Anna", &[(0, "yes")]).await.ok(201)["edit_token"]
        .as_str()
        .unwrap()
        .to_string();
    app.results(&after, Some(&other)).await.problem(403);

    let mut organisers = reference_poll_body();
    organisers["results_visibility"] = json!("organisers");
    let organisers = app.create_poll(&organisers).await;
    let token = app.vote(&organisers, "Bruna", &[(0, "yes")]).await.ok(201)["edit_token"]
        .as_str()
        .unwrap()
        .to_string();
    app.results(&organisers, None).await.problem(403);
    app.results(&organisers, Some(&token)).await.problem(403);
    app.results(&organisers, Some(&app.other_organiser().await))
        .await
        .problem(403);
    assert_eq!(
        app.results(&organisers, Some(&app.token)).await.ok(200)["responses"],
        1
    );
}

async fn responses_are_listed_oldest_first_page_by_page(app: TestApp) {
    let poll = app.reference_poll().await;
    for i in 0..7 {
        app.vote(&poll, &format!("Member {i}"), &[(i % 3, "yes")])
            .await
            .ok(201);
    }
    let mut names = Vec::new();
    let mut path = format!("/api/v1/polls/{}/responses?limit=3", id(&poll));
    loop {
        let page = app.get(&path, None).await.ok(200).clone();
        names.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["name"].as_str().unwrap().to_string()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/polls/{}/responses?limit=3&cursor={c}", id(&poll)),
            None => break,
        }
    }
    assert_eq!(
        names,
        (0..7).map(|i| format!("Member {i}")).collect::<Vec<_>>()
    );
    app.get(
        &format!("/api/v1/polls/{}/responses?cursor=xyz", id(&poll)),
        None,
    )
    .await
    .invalid_field("cursor");
    app.get(
        &format!("/api/v1/polls/{}/responses?limit=0", id(&poll)),
        None,
    )
    .await
    .invalid_field("limit");
}

both_databases!(
    anyone_votes_on_an_open_poll_by_name_and_gets_an_edit_token,
    the_edit_token_replaces_and_withdraws_the_answer_and_history_keeps_each_version,
    a_vote_needs_a_name_real_options_and_offered_choices,
    a_response_token_opens_its_own_response_only,
    an_invite_only_poll_takes_no_anonymous_votes,
    individual_answers_follow_the_poll_visibility_settings,
    responses_are_listed_oldest_first_page_by_page,
);
