//! What the service logs, read from the real binary's output: every request
//! line names its operation, route and poll, and no token that travels in a
//! URL (an edit link's, a calendar feed's) or a header ever appears.

use std::time::Duration;

use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::{TestApp, id};

async fn logs_name_each_request_by_operation_and_poll_and_hold_no_token(app: TestApp) {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("server.log");
    let log_file = std::fs::File::create(&log_path).unwrap();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_convene"));
    let mut server = server
        .arg("serve")
        .env("CONVENE_DATABASE_URL", &app.database_url)
        .env("CONVENE_LISTEN", format!("127.0.0.1:{port}"))
        .env("CONVENE_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        // Logs go to stdout, the tokens printed at first start to stderr.
        .stdout(log_file.try_clone().unwrap())
        .stderr(log_file)
        .spawn()
        .expect("the convene binary starts");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if client.get(format!("{base}/readyz")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let send = |method: reqwest::Method, path: String, token: Option<&str>, body: Option<Value>| {
        let mut req = client.request(method, format!("{base}{path}"));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        async move {
            let r = req.send().await.unwrap();
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (status, poll) = send(
        reqwest::Method::POST,
        "/api/v1/polls".into(),
        Some(&app.token),
        Some(crate::helpers::reference_poll_body()),
    )
    .await;
    assert_eq!(status, 201);
    let poll_id = id(&poll).to_string();
    let option = poll["options"][0]["id"].clone();
    let (_, vote) = send(
        reqwest::Method::POST,
        format!("/api/v1/polls/{poll_id}/responses"),
        None,
        Some(json!({ "name": "Bruna", "votes": [{ "option_id": option, "choice": "yes" }] })),
    )
    .await;
    let edit_token = vote["edit_token"].as_str().unwrap().to_string();
    send(
        reqwest::Method::GET,
        format!("/api/v1/polls/{poll_id}/responses/me"),
        Some(&edit_token),
        None,
    )
    .await;
    send(
        reqwest::Method::GET,
        format!("/api/v1/polls/{poll_id}/results"),
        None,
        None,
    )
    .await;
    let (_, feeds) = send(
        reqwest::Method::GET,
        "/api/v1/feeds".into(),
        Some(&app.token),
        None,
    )
    .await;
    let feed_url = feeds["items"][0]["url"].as_str().unwrap().to_string();
    let feed_path = feed_url.strip_prefix(&app.address).map_or_else(
        || format!("/calendar/{}", feed_url.rsplit('/').next().unwrap()),
        str::to_string,
    );
    let feed_secret = feed_path
        .trim_start_matches("/calendar/")
        .trim_end_matches(".ics")
        .to_string();
    let (status, _) = send(reqwest::Method::GET, feed_path, None, None).await;
    assert_eq!(status, 200);
    // A wrong token in a feed URL is logged no more than a right one.
    send(
        reqwest::Method::GET,
        "/calendar/cvn_feed_guessed0000.ics".into(),
        None,
        None,
    )
    .await;

    // A personal API token: created, used, revoked, then tried again.
    let (status, created) = send(
        reqwest::Method::POST,
        "/api/v1/tokens".into(),
        Some(&app.token),
        Some(json!({ "name": "reminder script", "scope": "read" })),
    )
    .await;
    assert_eq!(status, 201);
    let api_token = created["token"].as_str().unwrap().to_string();
    let (status, _) = send(
        reqwest::Method::GET,
        "/api/v1/workspace".into(),
        Some(&api_token),
        None,
    )
    .await;
    assert_eq!(status, 200);
    send(
        reqwest::Method::DELETE,
        format!("/api/v1/tokens/{}", id(&created)),
        Some(&app.token),
        None,
    )
    .await;
    let (status, _) = send(
        reqwest::Method::GET,
        "/api/v1/workspace".into(),
        Some(&api_token),
        None,
    )
    .await;
    assert_eq!(status, 401);

    // The member pages: an open poll's page, a vote on it, the private
    // edit link it leads to (its token in the path), and a dead link.
    let page_client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = page_client
        .get(format!("{base}/p/{poll_id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let voted = page_client
        .post(format!("{base}/p/{poll_id}"))
        .form(&[
            ("name", "Lena"),
            (&format!("choice-{}", option.as_str().unwrap()), "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(voted.status(), 303);
    let private = voted.headers()["location"].to_str().unwrap().to_string();
    let page_secret = private
        .trim_start_matches("/vote/")
        .trim_end_matches("?saved=1")
        .to_string();
    assert!(page_secret.starts_with("cvn_rsp_"));
    let page = page_client
        .get(format!("{base}{private}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    page_client
        .get(format!("{base}/vote/cvn_inv_guessed0000?lang=fr"))
        .send()
        .await
        .unwrap();

    // The console: a person added (which makes them a sign-in link), the
    // link followed, the session used and ended. The link is written from
    // its row as the mail would write it: this test's other instance, with
    // no mail server, may be the one that claims the mail.
    let (status, _) = send(
        reqwest::Method::POST,
        "/api/v1/workspace/people".into(),
        Some(&app.token),
        Some(json!({ "email": "anriette@example.org", "name": "Anriette", "role": "editor" })),
    )
    .await;
    assert_eq!(status, 201);
    let db = sea_orm::Database::connect(app.database_url.as_str())
        .await
        .unwrap();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT id FROM sign_in_link",
        ))
        .await
        .unwrap()
        .unwrap();
    let link_id: uuid::Uuid = row.try_get("", "id").unwrap();
    let secret = app
        .store
        .link_key()
        .await
        .unwrap()
        .derive(
            convene::domain::token::TokenKind::SignIn,
            &link_id.to_string(),
        )
        .secret;
    let link = format!("/console/sign-in/{secret}");
    let mut browser = crate::console::Browser::new(&base);
    let page = browser.get(&link).await;
    let csrf = page.csrf();
    let signed_in = browser.post(&link, &[("csrf", &csrf)]).await;
    assert_eq!(signed_in.status, 303);
    let session = browser.cookies["convene_session"].clone();
    let home = browser.get("/console").await;
    assert_eq!(home.status, 200);
    let out = browser
        .post("/console/sign-out", &[("csrf", &home.csrf())])
        .await;
    assert_eq!(out.status, 303);
    let console_secrets = [secret, session, csrf, home.csrf()];

    server.kill().unwrap();
    server.wait().unwrap();
    let log = std::fs::read_to_string(&log_path).unwrap();
    for secret in &console_secrets {
        assert!(
            !log.contains(secret.as_str()),
            "a console secret reached the log: {secret}\n{log}"
        );
    }

    for secret in [
        app.token.as_str(),
        &api_token,
        &edit_token,
        &feed_secret,
        "cvn_feed_guessed0000",
        &page_secret,
        "cvn_inv_guessed0000",
    ] {
        assert!(
            !log.contains(secret),
            "a token reached the log: {secret}\n{log}"
        );
    }
    let requests: Vec<Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["message"] == "request")
        .collect();
    let line = |operation: &str| {
        requests
            .iter()
            .find(|l| l["span"]["operation"] == operation)
            .unwrap_or_else(|| panic!("no request line for {operation}:\n{log}"))
    };
    let results = line("getResults");
    assert_eq!(results["span"]["poll_id"], poll_id.as_str());
    assert_eq!(results["span"]["route"], "/api/v1/polls/{poll_id}/results");
    assert_eq!(results["status"], 200);
    assert!(results["latency_ms"].as_f64().is_some());
    assert_eq!(line("submitResponse")["status"], 201);
    assert_eq!(line("feed")["span"]["route"], "/calendar/{feed_token}.ics");
    let pages: Vec<&Value> = requests
        .iter()
        .filter(|l| l["span"]["operation"] == "page")
        .collect();
    let routes: Vec<&str> = pages
        .iter()
        .map(|l| l["span"]["route"].as_str().unwrap())
        .collect();
    assert_eq!(
        routes,
        [
            "/p/{poll_id}",
            "/p/{poll_id}",
            "/vote/{token}",
            "/vote/{token}"
        ],
        "{log}"
    );
    assert_eq!(pages[0]["span"]["poll_id"], poll_id.as_str());
}

both_databases!(logs_name_each_request_by_operation_and_poll_and_hold_no_token);
