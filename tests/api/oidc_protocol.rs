//! Single sign-on's protocol (src/oidc.rs) against a real OpenID provider:
//! discovery, the authorization URL (PKCE S256, state, nonce), the flow
//! kept in the database and used once, the code exchange, and the ID token
//! verified — each way it can be wrong refused with the reason, and the
//! flow's secrets gone once used.

use convene::entity::oidc_flow;
use convene::oidc::{Oidc, Refusal, Settings};
use convene::outbound::Outbound;
use sea_orm::EntityTrait;
use serde_json::json;

use crate::helpers::TestApp;
use crate::oidc_harness::{Browser, CLIENT_ID, CLIENT_SECRET, Provider, query};

/// The provider, and our side of single sign-on pointed at it (callback on
/// the app's address; private addresses allowed, as the provider is on
/// loopback). None when the provider cannot run here (said why).
pub fn sso(app: &TestApp, allowed: &[&str]) -> Option<(Provider, Oidc)> {
    sso_with(app, allowed, json!({}))
}

/// [`sso`] with the provider's options (see [`Provider::start`]).
pub fn sso_with(
    app: &TestApp,
    allowed: &[&str],
    options: serde_json::Value,
) -> Option<(Provider, Oidc)> {
    let redirect = format!("{}/console/oidc/callback", app.address);
    let idp = Provider::start(&redirect, options)?;
    let domains: Vec<String> = allowed.iter().map(|d| d.to_string()).collect();
    let settings = Settings::new(&idp.issuer, CLIENT_ID, CLIENT_SECRET, &domains).unwrap();
    let oidc = Oidc::new(
        settings,
        &app.address,
        Outbound {
            allow_private: true,
        },
    )
    .unwrap();
    Some((idp, oidc))
}

/// Begins a flow and goes through the provider as `login`: the callback's
/// query (code, state, iss).
async fn authorized(
    app: &TestApp,
    idp: &Provider,
    oidc: &Oidc,
    login: &str,
) -> std::collections::HashMap<String, String> {
    let begun = oidc.begin(&app.store).await.unwrap();
    let back = Browser::new()
        .through_provider(&begun.url, &idp.issuer, login)
        .await;
    assert!(back.starts_with(oidc.redirect_uri()), "{back}");
    let q = query(&back);
    assert_eq!(q["state"], begun.state);
    q
}

async fn finish(
    app: &TestApp,
    oidc: &Oidc,
    q: &std::collections::HashMap<String, String>,
) -> Result<convene::oidc::Verified, Refusal> {
    oidc.finish(
        &app.store,
        &q["state"],
        &q["code"],
        q.get("iss").map(String::as_str),
    )
    .await
}

async fn flows(app: &TestApp) -> Vec<oidc_flow::Model> {
    oidc_flow::Entity::find()
        .all(app.store.read())
        .await
        .unwrap()
}

/// The whole flow: the authorization URL asks for what it must, the flow
/// row keeps only a hash of the state, and the verified address comes back;
/// once used, the flow's secrets are gone.
async fn sign_in_returns_the_verified_address(app: TestApp) {
    let Some((idp, oidc)) = sso(&app, &[]) else {
        return;
    };
    let begun = oidc.begin(&app.store).await.unwrap();
    let auth = query(&begun.url);
    assert!(begun.url.starts_with(&format!("{}/auth?", idp.issuer)));
    assert_eq!(auth["response_type"], "code");
    assert_eq!(auth["client_id"], CLIENT_ID);
    assert_eq!(auth["code_challenge_method"], "S256");
    assert_eq!(auth["code_challenge"].len(), 43);
    assert_eq!(
        auth["redirect_uri"],
        format!("{}/console/oidc/callback", app.address)
    );
    assert!(auth["state"].len() >= 43 && auth["nonce"].len() >= 43);
    let scopes: Vec<&str> = auth["scope"].split(' ').collect();
    assert!(scopes.contains(&"openid") && scopes.contains(&"email"));

    let stored = flows(&app).await;
    assert_eq!(stored.len(), 1);
    assert_ne!(
        stored[0].state_hash, begun.state,
        "the state itself is not stored"
    );
    assert_eq!(stored[0].nonce.as_deref(), Some(auth["nonce"].as_str()));
    let lifetime = stored[0].expires_at - stored[0].created_at;
    assert_eq!(lifetime.num_minutes(), 10);

    let back = Browser::new()
        .through_provider(&begun.url, &idp.issuer, "alice")
        .await;
    let q = query(&back);
    assert_eq!(q["state"], begun.state);
    let verified = finish(&app, &oidc, &q).await.unwrap();
    assert_eq!(verified.email, "alice@igf.example");
    assert_eq!(verified.name, "Alice Example");
    assert_eq!(verified.subject, "alice");

    let used = flows(&app).await;
    assert!(used[0].used_at.is_some());
    assert_eq!(
        (used[0].nonce.as_ref(), used[0].pkce_verifier.as_ref()),
        (None, None)
    );
}

/// A callback replayed (same state and code), a state never issued, and a
/// flow past its ten minutes are each refused, and say which.
async fn replayed_unknown_and_expired_states_are_refused(app: TestApp) {
    let Some((idp, oidc)) = sso(&app, &[]) else {
        return;
    };
    let q = authorized(&app, &idp, &oidc, "alice").await;
    finish(&app, &oidc, &q).await.unwrap();
    assert_eq!(finish(&app, &oidc, &q).await, Err(Refusal::ReplayedState));

    let mut unknown = q.clone();
    unknown.insert("state".into(), "never-issued".into());
    assert_eq!(
        finish(&app, &oidc, &unknown).await,
        Err(Refusal::UnknownState)
    );

    // A flow begun eleven minutes ago, and the code of a real one.
    let fresh = authorized(&app, &idp, &oidc, "alice").await;
    let now = chrono::Utc::now();
    app.store
        .begin_oidc_flow(
            &convene::domain::token::hash("old-state"),
            "n",
            "v",
            now - chrono::Duration::minutes(11),
            now - chrono::Duration::minutes(1),
        )
        .await
        .unwrap();
    let mut old = fresh.clone();
    old.insert("state".into(), "old-state".into());
    assert_eq!(finish(&app, &oidc, &old).await, Err(Refusal::ExpiredState));
    // The real flow is untouched by the refusals, and still finishes.
    assert_eq!(
        finish(&app, &oidc, &fresh).await.unwrap().email,
        "alice@igf.example"
    );
}

/// A code used once, brought back with another flow's state: the provider
/// refuses it (and PKCE would too: the verifier is the other flow's).
async fn a_replayed_code_is_refused(app: TestApp) {
    let Some((idp, oidc)) = sso(&app, &[]) else {
        return;
    };
    let first = authorized(&app, &idp, &oidc, "alice").await;
    let second = authorized(&app, &idp, &oidc, "alice").await;
    finish(&app, &oidc, &first).await.unwrap();
    let mut replay = second.clone();
    replay.insert("code".into(), first["code"].clone());
    match finish(&app, &oidc, &replay).await {
        Err(Refusal::CodeRefused(why)) => assert!(why.contains("invalid_grant"), "{why}"),
        other => panic!("a replayed code was not refused: {other:?}"),
    }
    // That flow is used up: its own code cannot finish it afterwards.
    assert_eq!(
        finish(&app, &oidc, &second).await,
        Err(Refusal::ReplayedState)
    );
}

/// A code the provider issued to another of its clients (code injection:
/// our flow's state, another application's authorization) is refused by
/// the provider when we exchange it, and nothing is signed in.
async fn a_code_for_another_client_is_refused(app: TestApp) {
    let Some((idp, oidc)) = sso(&app, &[]) else {
        return;
    };
    let begun = oidc.begin(&app.store).await.unwrap();
    let foreign = begun
        .url
        .replace(&format!("client_id={CLIENT_ID}"), "client_id=other-app");
    assert_ne!(foreign, begun.url);
    let back = Browser::new()
        .through_provider(&foreign, &idp.issuer, "alice")
        .await;
    match finish(&app, &oidc, &query(&back)).await {
        Err(Refusal::CodeRefused(why)) => assert!(why.contains("invalid_grant"), "{why}"),
        other => panic!("another client's code was not refused: {other:?}"),
    }
}

/// ID tokens a correct provider never issues to us, each signed with the
/// provider's real key (or, for the signature case, another key under the
/// same key id), refused for the right reason.
async fn id_tokens_that_do_not_verify_are_refused(app: TestApp) {
    let Some((idp, oidc)) = sso(&app, &[]) else {
        return;
    };
    let past = chrono::Utc::now().timestamp() - 3600;
    let cases = [
        (json!({"aud": "other-app"}), false, Refusal::WrongAudience),
        (
            json!({"nonce": "not-the-flows-nonce"}),
            false,
            Refusal::WrongNonce,
        ),
        (
            json!({"exp": past, "iat": past - 60}),
            false,
            Refusal::Expired,
        ),
        (
            json!({"iss": "https://idp.example"}),
            false,
            Refusal::WrongIssuer,
        ),
        (json!({}), true, Refusal::BadSignature),
    ];
    for (claims, foreign_key, refusal) in cases {
        let q = authorized(&app, &idp, &oidc, "alice").await;
        idp.tamper(&q["code"], claims.clone(), foreign_key).await;
        assert_eq!(
            finish(&app, &oidc, &q).await,
            Err(refusal.clone()),
            "{claims} (foreign key: {foreign_key})"
        );
    }
    // The same harness, nothing altered: the token verifies (so what was
    // refused above was the alteration, not the re-signing).
    let q = authorized(&app, &idp, &oidc, "alice").await;
    idp.tamper(&q["code"], json!({}), false).await;
    assert_eq!(
        finish(&app, &oidc, &q).await.unwrap().email,
        "alice@igf.example"
    );
}

/// An address the provider does not vouch for is refused.
async fn an_unverified_address_is_refused(app: TestApp) {
    let Some((idp, oidc)) = sso(&app, &[]) else {
        return;
    };
    let q = authorized(&app, &idp, &oidc, "unverified").await;
    assert_eq!(
        finish(&app, &oidc, &q).await,
        Err(Refusal::EmailNotVerified)
    );
}

/// A provider that gives the address only at its userinfo endpoint (the
/// ID token has none): it is read there, for the token's subject, and
/// `email_verified` still decides.
async fn the_address_may_come_from_userinfo(app: TestApp) {
    let Some((idp, oidc)) = sso_with(&app, &[], json!({"conform": true})) else {
        return;
    };
    let q = authorized(&app, &idp, &oidc, "alice").await;
    let verified = finish(&app, &oidc, &q).await.unwrap();
    assert_eq!(verified.email, "alice@igf.example");
    assert_eq!(verified.name, "Alice Example");
    let q = authorized(&app, &idp, &oidc, "unverified").await;
    assert_eq!(
        finish(&app, &oidc, &q).await,
        Err(Refusal::EmailNotVerified)
    );
}

/// A provider that signs with ES256 (an EC key) rather than RS256: its
/// tokens verify, and a token signed with another EC key does not.
/// (Which algorithms are accepted is ours to say, not discovery's: see the
/// next test.)
async fn tokens_signed_with_an_ec_key_verify(app: TestApp) {
    let Some((idp, oidc)) = sso_with(&app, &[], json!({"alg": "ES256"})) else {
        return;
    };
    let q = authorized(&app, &idp, &oidc, "alice").await;
    assert_eq!(
        finish(&app, &oidc, &q).await.unwrap().email,
        "alice@igf.example"
    );
    let q = authorized(&app, &idp, &oidc, "alice").await;
    idp.tamper(&q["code"], json!({}), true).await;
    assert_eq!(finish(&app, &oidc, &q).await, Err(Refusal::BadSignature));
}

/// An ID token MACed with HS256 under our own client secret is refused,
/// even from a provider whose discovery lists HS256: the secret is ours
/// too, so such a token proves nothing about the provider, and anyone who
/// learnt the secret could sign in as anyone.
async fn an_id_token_maced_with_the_client_secret_is_refused(app: TestApp) {
    let Some((idp, oidc)) = sso_with(&app, &[], json!({"hs256": true})) else {
        return;
    };
    let q = authorized(&app, &idp, &oidc, "alice").await;
    idp.tamper_with(&q["code"], json!({"hmac": CLIENT_SECRET}))
        .await;
    assert_eq!(finish(&app, &oidc, &q).await, Err(Refusal::BadSignature));
    // The provider's own RS256 tokens still verify.
    let q = authorized(&app, &idp, &oidc, "alice").await;
    assert_eq!(
        finish(&app, &oidc, &q).await.unwrap().email,
        "alice@igf.example"
    );
}

/// The callback's `iss` (RFC 9207) must be our issuer.
async fn another_issuers_callback_is_refused(app: TestApp) {
    let Some((idp, oidc)) = sso(&app, &[]) else {
        return;
    };
    let mut q = authorized(&app, &idp, &oidc, "alice").await;
    assert_eq!(q["iss"], idp.issuer);
    q.insert("iss".into(), "https://idp.example".into());
    assert_eq!(
        finish(&app, &oidc, &q).await,
        Err(Refusal::WrongIssuerParameter)
    );
}

/// A flow begun on one instance is finished on another (nothing in
/// memory), and of the two instances racing to finish one flow, exactly
/// one succeeds.
async fn any_instance_finishes_a_flow_once(app: TestApp) {
    let Some((idp, oidc)) = sso(&app, &[]) else {
        return;
    };
    let other = app.second_instance().await;
    let q = authorized(&app, &idp, &oidc, "alice").await;
    let (a, b) = tokio::join!(finish(&app, &oidc, &q), finish(&other, &oidc, &q));
    let outcomes = [a, b];
    assert_eq!(
        outcomes.iter().filter(|o| o.is_ok()).count(),
        1,
        "{outcomes:?}"
    );
    assert!(
        outcomes.contains(&Err(Refusal::ReplayedState)),
        "{outcomes:?}"
    );
}

/// Who an address signs in as: the person with it; a newcomer of an
/// allowed domain gets a workspace of their own as its owner; anyone else
/// is refused and nothing is created.
async fn the_address_decides_who_signs_in(app: TestApp) {
    let Some((idp, oidc)) = sso(&app, &["allowed.example"]) else {
        return;
    };
    let added = app
        .store
        .add_organiser(
            "Alice@IGF.example",
            "Alice",
            Some("IGF Secretariat"),
            convene::domain::roles::Role::Editor,
        )
        .await
        .unwrap();
    assert!(!added.new_workspace);

    let q = authorized(&app, &idp, &oidc, "alice").await;
    let alice = oidc
        .person_for(&app.store, &finish(&app, &oidc, &q).await.unwrap())
        .await
        .unwrap();
    assert_eq!(alice.workspace, "IGF Secretariat");
    assert_eq!(alice.role.as_str(), "editor");

    let people = || async {
        convene::entity::person::Entity::find()
            .all(app.store.read())
            .await
            .unwrap()
            .len()
    };
    let before = people().await;
    let q = authorized(&app, &idp, &oidc, "outsider").await;
    let outsider = finish(&app, &oidc, &q).await.unwrap();
    assert_eq!(
        oidc.person_for(&app.store, &outsider).await,
        Err(Refusal::NotAllowed)
    );
    assert_eq!(people().await, before, "nothing was created");

    let q = authorized(&app, &idp, &oidc, "newcomer").await;
    let newcomer = finish(&app, &oidc, &q).await.unwrap();
    let made = oidc.person_for(&app.store, &newcomer).await.unwrap();
    assert_eq!(made.role.as_str(), "owner");
    assert_eq!(made.workspace, "newcomer@allowed.example");
    assert_eq!(made.name, "New Comer");
    // The next sign-in finds the same person, rather than another workspace.
    let q = authorized(&app, &idp, &oidc, "newcomer").await;
    let again = finish(&app, &oidc, &q).await.unwrap();
    assert_eq!(oidc.person_for(&app.store, &again).await.unwrap(), made);
    assert_eq!(people().await, before + 1);
}

crate::both_databases!(
    sign_in_returns_the_verified_address,
    replayed_unknown_and_expired_states_are_refused,
    a_replayed_code_is_refused,
    a_code_for_another_client_is_refused,
    id_tokens_that_do_not_verify_are_refused,
    an_unverified_address_is_refused,
    the_address_may_come_from_userinfo,
    tokens_signed_with_an_ec_key_verify,
    an_id_token_maced_with_the_client_secret_is_refused,
    another_issuers_callback_is_refused,
    any_instance_finishes_a_flow_once,
    the_address_decides_who_signs_in,
);

/// Without `CONVENE_WEBHOOK_ALLOW_PRIVATE`, an issuer on loopback (or any
/// non-public address, or plain http) is a configuration error, found
/// without sending anything.
#[test]
fn a_private_issuer_is_refused_without_the_setting() {
    for issuer in [
        "http://127.0.0.1:8080",
        "https://127.0.0.1",
        "https://localhost/realms/x",
        "https://10.0.0.5",
        "https://[::1]:8443",
        "http://idp.example.org",
    ] {
        let settings = Settings::new(issuer, "c", "s", &[]).unwrap();
        let err = Oidc::new(settings, "https://convene.example.org", Outbound::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("CONVENE_OIDC_ISSUER"), "{issuer}: {err}");
    }
    let settings = Settings::new("https://idp.example.org", "c", "s", &[]).unwrap();
    let ok = Oidc::new(
        settings,
        "https://convene.example.org/",
        Outbound::default(),
    )
    .unwrap();
    assert_eq!(
        ok.redirect_uri(),
        "https://convene.example.org/console/oidc/callback"
    );
}
