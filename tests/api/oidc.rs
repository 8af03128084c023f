//! Single sign-on end to end: a browser (reqwest with a cookie store) goes
//! from `/console/oidc/start` through a real OpenID provider's login and
//! consent forms (tests/oidc/provider.mjs, oidc-provider) to the callback,
//! and lands on `/console` signed in — or gets a page saying why not, with
//! no session and nothing changed.

use std::time::{Duration, Instant};

use convene::domain::roles::Role;
use convene::entity::oidc_flow;
use convene::entity::{console_session, person};
use convene::oidc::{Oidc, Settings};
use convene::outbound::Outbound;
use convene::startup::Options;
use convene::store::Store;
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Database, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::oidc_harness::{Browser, CLIENT_ID, CLIENT_SECRET, Hop, Provider, query};

/// An instance of the service with single sign-on pointed at a provider
/// started for it (the provider must know the instance's callback URL, so
/// the instance is started here, on the test's database, rather than by
/// the harness).
struct Sso {
    address: String,
    idp: Provider,
}

impl Sso {
    async fn start(app: &TestApp, allowed: &[&str], provider_options: Value) -> Option<Sso> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let idp = Provider::start(
            &format!("{address}/console/oidc/callback"),
            provider_options,
        )?;
        let domains: Vec<String> = allowed.iter().map(|d| d.to_string()).collect();
        let settings = Settings::new(&idp.issuer, CLIENT_ID, CLIENT_SECRET, &domains).unwrap();
        let oidc = Oidc::new(
            settings,
            &address,
            Outbound {
                allow_private: true,
            },
        )
        .unwrap();
        let store = Store::connect(&app.database_url).await.unwrap();
        let options = Options {
            oidc: Some(oidc),
            ..app.options.clone()
        };
        tokio::spawn(convene::startup::serve(
            listener,
            store,
            address.clone(),
            options,
            std::future::pending(),
        ));
        Some(Sso { address, idp })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Starts a sign-in in `browser` and goes through the provider as
    /// `login`: the callback URL the provider sends the browser back to.
    async fn to_callback(&self, browser: &Browser, login: &str) -> String {
        let start = browser.get(&self.url("/console/oidc/start")).await;
        assert_eq!(start.status, StatusCode::SEE_OTHER, "{}", start.body);
        let to_idp = start.location.clone().unwrap();
        assert!(to_idp.starts_with(&self.idp.issuer), "{to_idp}");
        let back = browser
            .through_provider(&to_idp, &self.idp.issuer, login)
            .await;
        assert!(
            back.starts_with(&self.url("/console/oidc/callback?")),
            "{back}"
        );
        back
    }
}

async fn people(app: &TestApp) -> usize {
    person::Entity::find()
        .all(app.store.read())
        .await
        .unwrap()
        .len()
}

async fn sessions(app: &TestApp) -> Vec<console_session::Model> {
    console_session::Entity::find()
        .all(app.store.read())
        .await
        .unwrap()
}

async fn add(app: &TestApp, email: &str, name: &str, role: Role) {
    app.store
        .add_organiser(email, name, Some("IGF Secretariat"), role)
        .await
        .unwrap();
}

/// A refused callback: the status, a page (HTML) with the reason, no
/// session cookie set, the flow cookie cleared.
fn assert_refused(hop: &Hop, status: u16, reason: &str) {
    assert_eq!(hop.status.as_u16(), status, "{}", hop.body);
    assert!(
        hop.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "{:?}",
        hop.headers
    );
    assert!(hop.body.contains("You were not signed in"), "{}", hop.body);
    assert!(hop.body.contains(reason), "{reason:?} not in {}", hop.body);
    assert!(hop.set_cookie("convene_session").is_none(), "no session");
    let cleared = hop
        .set_cookie("convene_oidc")
        .expect("the flow cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
}

/// The whole sign-in: start (flow cookie set, off to the provider), the
/// provider's forms, the callback (session cookie, redirect to /console),
/// and the console signed in as the person with that address.
async fn a_person_signs_in_through_the_provider(app: TestApp) {
    let Some(sso) = Sso::start(&app, &[], json!({})).await else {
        return;
    };
    add(&app, "Alice@IGF.example", "Alice Example", Role::Editor).await;
    let browser = Browser::new();
    // The sign-in page offers single sign-on beside the emailed link.
    let page = browser.get(&sso.url("/console/sign-in")).await;
    assert!(
        page.body.contains("href=\"/console/oidc/start"),
        "{}",
        page.body
    );
    let start = browser.get(&sso.url("/console/oidc/start")).await;
    assert_eq!(start.status, StatusCode::SEE_OTHER);
    let flow = start.set_cookie("convene_oidc").expect("the flow cookie");
    for part in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=600"] {
        assert!(flow.contains(part), "{flow} lacks {part}");
    }
    let to_idp = start.location.unwrap();
    assert_eq!(query(&to_idp)["code_challenge_method"], "S256");
    assert_eq!(
        browser.cookie(&sso.address, "convene_oidc").as_deref(),
        Some(query(&to_idp)["state"].as_str())
    );

    let back = browser
        .through_provider(&to_idp, &sso.idp.issuer, "alice")
        .await;
    let landed = browser.get(&back).await;
    assert_eq!(landed.status, StatusCode::SEE_OTHER, "{}", landed.body);
    assert_eq!(
        landed.location.as_deref(),
        Some(sso.url("/console").as_str())
    );
    let session = landed
        .set_cookie("convene_session")
        .expect("a session cookie");
    for part in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(session.contains(part), "{session} lacks {part}");
    }
    assert!(
        landed
            .set_cookie("convene_oidc")
            .unwrap()
            .contains("Max-Age=0")
    );

    let console = browser.get(&sso.url("/console")).await;
    assert_eq!(console.status, StatusCode::OK);
    assert!(
        console
            .body
            .contains("Signed in as Alice Example in IGF Secretariat"),
        "{}",
        console.body
    );
    let rows = sessions(&app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].method, "oidc");

    // Signing in again (the provider remembers the person) is a new session.
    let first = browser.cookie(&sso.address, "convene_session").unwrap();
    let back = sso.to_callback(&browser, "alice").await;
    assert_eq!(browser.get(&back).await.status, StatusCode::SEE_OTHER);
    let second = browser.cookie(&sso.address, "convene_session").unwrap();
    assert_ne!(first, second);
    assert_eq!(sessions(&app).await.len(), 1, "the old session was ended");
}

/// A person of an allowed domain whom no workspace has gets one of their
/// own, as its owner, and lands in it.
async fn a_newcomer_of_an_allowed_domain_gets_a_workspace(app: TestApp) {
    let Some(sso) = Sso::start(&app, &["allowed.example"], json!({})).await else {
        return;
    };
    let before = people(&app).await;
    let browser = Browser::new();
    let back = sso.to_callback(&browser, "newcomer").await;
    assert_eq!(browser.get(&back).await.status, StatusCode::SEE_OTHER);
    let console = browser.get(&sso.url("/console")).await;
    assert!(
        console
            .body
            .contains("Signed in as New Comer in newcomer@allowed.example (owner)"),
        "{}",
        console.body
    );
    assert_eq!(people(&app).await, before + 1);
}

/// Every way a callback is refused: a page that says why (4xx), no
/// session, no person, and the flow's cookie cleared.
async fn refusals_say_why_and_change_nothing(app: TestApp) {
    let Some(sso) = Sso::start(&app, &["allowed.example"], json!({})).await else {
        return;
    };
    add(&app, "alice@igf.example", "Alice Example", Role::Owner).await;
    add(&app, "unverified@igf.example", "Un Verified", Role::Owner).await;
    let before = people(&app).await;

    // A replayed callback, in the same browser or another.
    let browser = Browser::new();
    let back = sso.to_callback(&browser, "alice").await;
    assert_eq!(browser.get(&back).await.status, StatusCode::SEE_OTHER);
    assert_eq!(sessions(&app).await.len(), 1);
    assert_refused(&browser.get(&back).await, 400, "already been completed");
    assert_refused(
        &Browser::new().get(&back).await,
        400,
        "already been completed",
    );

    // A state this service never issued.
    let made_up = sso.url("/console/oidc/callback?state=made-up&code=x");
    assert_refused(
        &Browser::new().get(&made_up).await,
        400,
        "was not started here",
    );
    // No state at all.
    assert_refused(
        &Browser::new()
            .get(&sso.url("/console/oidc/callback?code=x"))
            .await,
        400,
        "was not started here",
    );

    // The callback opened in another browser than the one that began the
    // flow is refused, and the flow is left for its own browser.
    let owner = Browser::new();
    let back = sso.to_callback(&owner, "alice").await;
    assert_refused(&Browser::new().get(&back).await, 400, "another browser");
    assert_eq!(owner.get(&back).await.status, StatusCode::SEE_OTHER);

    // A code used once, brought back with a new flow's state.
    let used_code = query(&back)["code"].clone();
    let back = sso.to_callback(&owner, "alice").await;
    let replayed = back.replace(&query(&back)["code"], &used_code);
    assert_refused(
        &owner.get(&replayed).await,
        400,
        "may have been used already",
    );

    // ID tokens for another audience, or with another nonce (the harness
    // re-signs the real provider's token with its own key).
    for (claims, reason) in [
        (
            json!({"aud": "other-app"}),
            "issued for another application",
        ),
        (
            json!({"nonce": "another"}),
            "does not belong to this sign-in",
        ),
    ] {
        let browser = Browser::new();
        let back = sso.to_callback(&browser, "alice").await;
        sso.idp.tamper(&query(&back)["code"], claims, false).await;
        assert_refused(&browser.get(&back).await, 400, reason);
    }

    // The provider does not vouch for the address (a person has it).
    let browser = Browser::new();
    let back = sso.to_callback(&browser, "unverified").await;
    assert_refused(
        &browser.get(&back).await,
        403,
        "has not verified your email",
    );

    // An address no workspace has, of a domain that may not start one.
    let browser = Browser::new();
    let back = sso.to_callback(&browser, "outsider").await;
    assert_refused(
        &browser.get(&back).await,
        403,
        "No workspace here has your email",
    );

    // The person cancels at the provider.
    let browser = Browser::new();
    let start = browser.get(&sso.url("/console/oidc/start")).await;
    let login = browser
        .get(&start.location.unwrap())
        .await
        .location
        .unwrap();
    let aborted = browser.get(&format!("{login}/abort")).await;
    let resumed = browser.get(&aborted.location.unwrap()).await;
    let back = resumed.location.unwrap();
    assert_eq!(query(&back)["error"], "access_denied");
    assert_refused(&browser.get(&back).await, 403, "cancelled or refused there");

    // A flow older than ten minutes.
    let browser = Browser::new();
    let back = sso.to_callback(&browser, "alice").await;
    let db = Database::connect(app.database_url.as_str()).await.unwrap();
    oidc_flow::Entity::update_many()
        .col_expr(
            oidc_flow::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
        )
        .filter(
            oidc_flow::Column::StateHash.eq(convene::domain::token::hash(&query(&back)["state"])),
        )
        .exec(&db)
        .await
        .unwrap();
    assert_refused(&browser.get(&back).await, 400, "took more than 10 minutes");

    assert_eq!(people(&app).await, before, "no person was created");
    // Alice's two browsers that did sign in, and no other.
    assert_eq!(
        sessions(&app).await.len(),
        2,
        "no other session was started"
    );
}

/// The page speaks the browser's language.
async fn a_refusal_is_in_the_browsers_language(app: TestApp) {
    let Some(sso) = Sso::start(&app, &[], json!({})).await else {
        return;
    };
    let r = reqwest::Client::new()
        .get(sso.url("/console/oidc/callback?state=made-up&code=x"))
        .header("accept-language", "fr-CH, en;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body = r.text().await.unwrap();
    assert!(body.contains("lang=\"fr\""), "{body}");
    assert!(body.contains("Vous n’êtes pas connecté"), "{body}");
}

/// Without single sign-on configured, its pages do not exist.
async fn without_configuration_there_is_no_single_sign_on(app: TestApp) {
    for path in [
        "/console/oidc/start",
        "/console/oidc/callback?state=x&code=y",
    ] {
        let r = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    // …and the sign-in page does not offer it.
    let page = app
        .client
        .get(format!("{}/console/sign-in", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("/console/oidc/start"), "{page}");
}

/// Each client address may begin 60 flows per 10 minutes; the 61st is a
/// 429 page with Retry-After, and records no flow.
async fn starts_are_limited_per_client(app: TestApp) {
    let Some(sso) = Sso::start(&app, &[], json!({})).await else {
        return;
    };
    let browser = Browser::new();
    for _ in 0..60 {
        let hop = browser.get(&sso.url("/console/oidc/start")).await;
        assert_eq!(hop.status, StatusCode::SEE_OTHER);
    }
    let hop = browser.get(&sso.url("/console/oidc/start")).await;
    assert_eq!(hop.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(hop.headers.contains_key("retry-after"));
    assert!(hop.body.contains("Too many sign-ins"), "{}", hop.body);
    let flows = convene::entity::oidc_flow::Entity::find()
        .all(app.store.read())
        .await
        .unwrap();
    assert_eq!(flows.len(), 60);
}

crate::both_databases!(
    a_person_signs_in_through_the_provider,
    a_newcomer_of_an_allowed_domain_gets_a_workspace,
    refusals_say_why_and_change_nothing,
    a_refusal_is_in_the_browsers_language,
    without_configuration_there_is_no_single_sign_on,
    starts_are_limited_per_client,
);

/// How long a whole sign-in takes through the real provider — start, the
/// provider's login and consent forms, the callback (code exchange, ID
/// token verified), the landing page — over 20 runs, each a new browser.
/// Run alone: `cargo test --test api oidc::sign_in_timing -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, not a check: run it alone"]
async fn sign_in_timing() {
    for backend in [
        crate::helpers::Backend::Sqlite,
        crate::helpers::Backend::Postgres,
    ] {
        let Some(app) = crate::helpers::spawn_app(backend).await else {
            continue;
        };
        let Some(sso) = Sso::start(&app, &[], json!({})).await else {
            return;
        };
        add(&app, "alice@igf.example", "Alice Example", Role::Owner).await;
        let mut runs = Vec::new();
        for _ in 0..21 {
            let browser = Browser::new();
            let t = Instant::now();
            let back = sso.to_callback(&browser, "alice").await;
            let idp_done = t.elapsed();
            let landed = browser.get(&back).await;
            assert_eq!(landed.status, StatusCode::SEE_OTHER);
            let console = browser.get(&landed.location.unwrap()).await;
            assert_eq!(console.status, StatusCode::OK);
            runs.push((t.elapsed(), idp_done));
        }
        // The first run reads discovery and the keys; it is left out.
        let first = runs.remove(0);
        let mut total: Vec<Duration> = runs.iter().map(|r| r.0).collect();
        let mut ours: Vec<Duration> = runs.iter().map(|r| r.0 - r.1).collect();
        total.sort();
        ours.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{backend:?}: whole sign-in median {:.1} ms (min {:.1}, max {:.1}); callback + landing median {:.1} ms; first run (with discovery) {:.1} ms",
            ms(total[total.len() / 2]),
            ms(total[0]),
            ms(total[total.len() - 1]),
            ms(ours[ours.len() / 2]),
            ms(first.0),
        );
    }
}
