//! Single sign-on with OpenID Connect: the authorization code flow with PKCE
//! (S256), `state` and `nonce`, the provider found by discovery, and the ID
//! token verified (signature against the provider's published keys, issuer,
//! audience, expiry, nonce) before its verified address is trusted.
//!
//! The protocol is `openidconnect`'s; this module decides what is kept (a
//! flow row in the database, so that any instance can finish a flow another
//! began), what is refused and why (a typed [`Refusal`] the console shows),
//! and who the address signs in as. Every request to the provider goes
//! through the outbound guard (`crate::outbound`): public addresses only
//! unless private networks are allowed, the checked resolver, no redirects,
//! 10 seconds, and a size limit on what is read.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreErrorResponseType, CoreProviderMetadata,
    CoreUserInfoClaims,
};
use openidconnect::{
    AccessTokenHash, AsyncHttpClient, AuthorizationCode, ClaimsVerificationError, ClientId,
    ClientSecret, CsrfToken, HttpClientError, HttpRequest, HttpResponse, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError,
    Scope, SignatureVerificationError, TokenResponse, UserInfoError,
};

use crate::domain::webhooks::refused_endpoint;
use crate::outbound::{Outbound, chain};
use crate::store::Store;
use crate::store::oidc::{SignInPerson, TakenFlow};

/// How long a browser has, from "sign in with your organisation" to the
/// provider's answer, before the flow is refused as expired.
pub const FLOW_LIFETIME: chrono::Duration = chrono::Duration::minutes(10);

/// How long one request to the provider may take, connection included.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// How long discovery (and the keys it fetched) is trusted before it is
/// read again. A token signed with a key we do not know yet reads it again
/// at once (the provider rotated its keys).
const DISCOVERY_TTL: Duration = Duration::from_secs(3600);

/// The most the service reads of one answer from the provider (discovery
/// documents and key sets are a few kilobytes).
const MAX_ANSWER: usize = 1 << 20;

/// The path the provider sends the browser back to, under the public URL.
pub const CALLBACK_PATH: &str = "/console/oidc/callback";

/// `CONVENE_OIDC_*`, checked.
#[derive(Clone)]
pub struct Settings {
    issuer: IssuerUrl,
    client_id: ClientId,
    client_secret: ClientSecret,
    allowed_domains: Vec<String>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("issuer", &self.issuer.as_str())
            .field("client_id", &self.client_id.as_str())
            .field("allowed_domains", &self.allowed_domains)
            .finish()
    }
}

impl Settings {
    pub fn new(
        issuer: &str,
        client_id: &str,
        client_secret: &str,
        allowed_domains: &[String],
    ) -> anyhow::Result<Self> {
        let issuer = IssuerUrl::new(issuer.trim_end_matches('/').to_string())
            .map_err(|e| anyhow::anyhow!("CONVENE_OIDC_ISSUER {issuer:?} is not a URL: {e}"))?;
        let mut domains = Vec::new();
        for d in allowed_domains {
            let d = d.trim().trim_start_matches('@').to_ascii_lowercase();
            if d.is_empty() {
                continue;
            }
            if d.contains(['@', '/', ' ']) || !d.contains('.') {
                anyhow::bail!("CONVENE_OIDC_ALLOWED_DOMAINS: {d:?} is not a domain");
            }
            domains.push(d);
        }
        Ok(Settings {
            issuer,
            client_id: ClientId::new(client_id.to_string()),
            client_secret: ClientSecret::new(client_secret.to_string()),
            allowed_domains: domains,
        })
    }

    pub fn issuer(&self) -> &str {
        self.issuer.as_str()
    }
}

/// Why a sign-in was refused (or could not be finished). Each says what
/// happened; nothing was changed and no session was started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The callback's `state` names no flow (never begun here, or pruned).
    UnknownState,
    /// The flow was finished already: the callback was replayed.
    ReplayedState,
    /// The flow took longer than [`FLOW_LIFETIME`].
    ExpiredState,
    /// The callback came to another browser than the one that began it.
    OtherBrowser,
    /// The provider sent the browser back with an error (the person
    /// cancelled, or is not allowed to use this application).
    ProviderDenied(String),
    /// The callback names another issuer than ours (RFC 9207 `iss`).
    WrongIssuerParameter,
    /// The provider refused the code (used already, or not issued to us).
    CodeRefused(String),
    /// The provider's answer had no ID token.
    NoIdToken,
    /// The ID token is for another client.
    WrongAudience,
    /// The ID token's nonce is not the flow's.
    WrongNonce,
    /// The ID token has expired.
    Expired,
    /// The ID token was issued by another issuer.
    WrongIssuer,
    /// The ID token's signature does not verify with the provider's keys.
    BadSignature,
    /// The ID token is invalid in another way.
    InvalidToken(String),
    /// The provider gave no address.
    NoEmail,
    /// The provider does not vouch for the address (`email_verified`).
    EmailNotVerified,
    /// No workspace has this address, and its domain may not start one.
    NotAllowed,
    /// The provider cannot be reached or answered nonsense.
    Unavailable(String),
    /// Our own fault (the database).
    Internal(String),
}

impl Refusal {
    /// A stable name for the case (logs, metrics, message ids).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::UnknownState => "unknown_state",
            Refusal::ReplayedState => "replayed_state",
            Refusal::ExpiredState => "expired_state",
            Refusal::OtherBrowser => "other_browser",
            Refusal::ProviderDenied(_) => "provider_denied",
            Refusal::WrongIssuerParameter => "wrong_issuer",
            Refusal::CodeRefused(_) => "code_refused",
            Refusal::NoIdToken => "no_id_token",
            Refusal::WrongAudience => "wrong_audience",
            Refusal::WrongNonce => "wrong_nonce",
            Refusal::Expired => "expired_token",
            Refusal::WrongIssuer => "wrong_issuer",
            Refusal::BadSignature => "bad_signature",
            Refusal::InvalidToken(_) => "invalid_token",
            Refusal::NoEmail => "no_email",
            Refusal::EmailNotVerified => "email_not_verified",
            Refusal::NotAllowed => "not_allowed",
            Refusal::Unavailable(_) => "provider_unavailable",
            Refusal::Internal(_) => "internal",
        }
    }

    /// The HTTP status of the page that says so: 4xx for what the browser
    /// brought, 502 when the provider failed us, 500 for our own fault.
    pub fn status(&self) -> u16 {
        match self {
            Refusal::NotAllowed | Refusal::EmailNotVerified | Refusal::ProviderDenied(_) => 403,
            Refusal::Unavailable(_) => 502,
            Refusal::Internal(_) => 500,
            _ => 400,
        }
    }

    /// What was wrong, in English, for logs.
    pub fn detail(&self) -> String {
        match self {
            Refusal::ProviderDenied(d)
            | Refusal::CodeRefused(d)
            | Refusal::InvalidToken(d)
            | Refusal::Unavailable(d)
            | Refusal::Internal(d) => format!("{}: {d}", self.code()),
            _ => self.code().to_string(),
        }
    }
}

impl From<crate::error::Error> for Refusal {
    fn from(e: crate::error::Error) -> Self {
        Refusal::Internal(format!("{e:?}"))
    }
}

/// Where to send the browser, and the `state` to bind to it (a cookie).
#[derive(Debug, Clone)]
pub struct Begun {
    pub url: String,
    pub state: String,
}

/// What the provider vouched for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Lower-cased.
    pub email: String,
    /// The name the provider gave (or the address's local part).
    pub name: String,
    /// The provider's subject id, for logs.
    pub subject: String,
}

/// Single sign-on, configured: cheap to clone.
#[derive(Clone)]
pub struct Oidc {
    inner: Arc<Inner>,
}

struct Inner {
    settings: Settings,
    redirect: RedirectUrl,
    http: Guarded,
    discovered: tokio::sync::Mutex<Option<(Arc<CoreProviderMetadata>, Instant)>>,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field("settings", &self.inner.settings)
            .finish()
    }
}

impl Oidc {
    /// Checks the issuer against the outbound guard now, so that a provider
    /// the service may never reach is a start-up error, not a failed sign-in.
    pub fn new(settings: Settings, public_url: &str, outbound: Outbound) -> anyhow::Result<Self> {
        if let Some(why) = refused_endpoint(settings.issuer.as_str(), outbound.allow_private) {
            anyhow::bail!(
                "CONVENE_OIDC_ISSUER {}: {why} (CONVENE_WEBHOOK_ALLOW_PRIVATE allows http and private addresses)",
                settings.issuer.as_str()
            );
        }
        let redirect = RedirectUrl::new(format!(
            "{}{CALLBACK_PATH}",
            public_url.trim_end_matches('/')
        ))?;
        Ok(Oidc {
            inner: Arc::new(Inner {
                settings,
                redirect,
                http: Guarded {
                    client: outbound.client("Convene single sign-on", CALL_TIMEOUT),
                    allow_private: outbound.allow_private,
                },
                discovered: tokio::sync::Mutex::new(None),
            }),
        })
    }

    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    pub fn redirect_uri(&self) -> &str {
        self.inner.redirect.as_str()
    }

    /// The provider's metadata and keys, from cache or read anew.
    async fn metadata(&self, fresh: bool) -> Result<Arc<CoreProviderMetadata>, Refusal> {
        let mut cached = self.inner.discovered.lock().await;
        if let Some((m, at)) = cached.as_ref()
            && !fresh
            && at.elapsed() < DISCOVERY_TTL
        {
            return Ok(m.clone());
        }
        let m = CoreProviderMetadata::discover_async(
            self.inner.settings.issuer.clone(),
            &self.inner.http,
        )
        .await
        .map_err(|e| Refusal::Unavailable(format!("discovery: {}", chain(&e))))?;
        let m = Arc::new(m);
        *cached = Some((m.clone(), Instant::now()));
        Ok(m)
    }

    /// Reads the provider's discovery document and keys now (at start-up),
    /// so that a misconfiguration shows in the log before anyone signs in.
    pub async fn warm_up(&self) -> Result<(), Refusal> {
        self.metadata(false).await.map(|_| ())
    }

    fn client(&self, metadata: &CoreProviderMetadata) -> Client {
        CoreClient::from_provider_metadata(
            metadata.clone(),
            self.inner.settings.client_id.clone(),
            Some(self.inner.settings.client_secret.clone()),
        )
        .set_redirect_uri(self.inner.redirect.clone())
    }

    /// Starts a flow: records it, and returns the provider's authorization
    /// URL to send the browser to.
    pub async fn begin(&self, store: &Store) -> Result<Begun, Refusal> {
        let metadata = self.metadata(false).await?;
        let client = self.client(&metadata);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        // 256 bits each, rather than the crate's default 128.
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                || CsrfToken::new_random_len(32),
                || Nonce::new_random_len(32),
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        let now = Utc::now();
        store
            .begin_oidc_flow(
                &crate::domain::token::hash(state.secret()),
                nonce.secret(),
                verifier.secret(),
                now,
                now + FLOW_LIFETIME,
            )
            .await?;
        Ok(Begun {
            url: url.to_string(),
            state: state.secret().clone(),
        })
    }

    /// Why a flow could not be finished now, if it could not (unknown,
    /// used, expired), without using it: for a callback that must be
    /// refused anyway (another browser's), so that it says the real reason.
    pub async fn flow_refusal(
        &self,
        store: &Store,
        state: &str,
    ) -> Result<Option<Refusal>, Refusal> {
        Ok(
            match store
                .peek_oidc_flow(&crate::domain::token::hash(state), Utc::now())
                .await?
            {
                TakenFlow::Ready { .. } => None,
                TakenFlow::Unknown => Some(Refusal::UnknownState),
                TakenFlow::Used => Some(Refusal::ReplayedState),
                TakenFlow::Expired => Some(Refusal::ExpiredState),
            },
        )
    }

    /// Finishes the flow the callback's `state` names: takes it (once),
    /// exchanges the code with its PKCE verifier, verifies the ID token and
    /// returns the address it vouches for.
    pub async fn finish(
        &self,
        store: &Store,
        state: &str,
        code: &str,
        iss: Option<&str>,
    ) -> Result<Verified, Refusal> {
        // The `iss` the provider adds to its answer (RFC 9207), when it
        // does: another issuer's code must not reach our token endpoint.
        if let Some(iss) = iss
            && iss.trim_end_matches('/') != self.inner.settings.issuer.as_str()
        {
            return Err(Refusal::WrongIssuerParameter);
        }
        let (nonce, verifier) = match store
            .take_oidc_flow(&crate::domain::token::hash(state), Utc::now())
            .await?
        {
            TakenFlow::Ready {
                nonce,
                pkce_verifier,
            } => (Nonce::new(nonce), PkceCodeVerifier::new(pkce_verifier)),
            TakenFlow::Unknown => return Err(Refusal::UnknownState),
            TakenFlow::Used => return Err(Refusal::ReplayedState),
            TakenFlow::Expired => return Err(Refusal::ExpiredState),
        };
        let metadata = self.metadata(false).await?;
        let client = self.client(&metadata);
        let answer = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| Refusal::Unavailable(format!("the provider has no token endpoint: {e}")))?
            .set_pkce_verifier(verifier)
            .request_async(&self.inner.http)
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(r) => {
                    let what = match r.error() {
                        CoreErrorResponseType::InvalidGrant => "invalid_grant".to_string(),
                        other => other.as_ref().to_string(),
                    };
                    Refusal::CodeRefused(match r.error_description() {
                        Some(d) => format!("{what}: {d}"),
                        None => what,
                    })
                }
                other => Refusal::Unavailable(format!("token endpoint: {}", chain(&other))),
            })?;
        let id_token = answer.id_token().ok_or(Refusal::NoIdToken)?;
        let verify = |client: &Client| {
            let verifier = token_verifier(client);
            let claims = id_token
                .claims(&verifier, &nonce)
                .map_err(refusal_of)?
                .clone();
            // The access token must be the one this ID token was issued
            // with, when the token says which (`at_hash`).
            if let Some(expected) = claims.access_token_hash() {
                let alg = id_token
                    .signing_alg()
                    .map_err(|e| Refusal::InvalidToken(e.to_string()))?;
                let key = id_token
                    .signing_key(&verifier)
                    .map_err(|e| Refusal::InvalidToken(e.to_string()))?;
                let actual = AccessTokenHash::from_token(answer.access_token(), alg, key)
                    .map_err(|e| Refusal::InvalidToken(e.to_string()))?;
                if actual != *expected {
                    return Err(Refusal::InvalidToken("at_hash does not match".into()));
                }
            }
            Ok(claims)
        };
        let mut client = client;
        let claims = match verify(&client) {
            // A key we do not know yet: the provider may have rotated its
            // keys since discovery was read. Read it again, once.
            Err(Refusal::BadSignature)
                if matches!(
                    id_token.claims(&token_verifier(&client), &nonce),
                    Err(ClaimsVerificationError::SignatureVerification(
                        SignatureVerificationError::NoMatchingKey
                    ))
                ) =>
            {
                client = self.client(&*self.metadata(true).await?);
                verify(&client)?
            }
            other => other?,
        };
        let subject = claims.subject().clone();
        let mut found = Vouched {
            email: claims.email().map(|e| e.as_str().to_string()),
            email_verified: claims.email_verified(),
            name: claims
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string()),
            username: claims.preferred_username().map(|n| n.to_string()),
        };
        // A provider that keeps to the letter of OpenID Connect Core 5.4
        // gives the address at the userinfo endpoint rather than in the ID
        // token: ask there, for the subject the verified token named.
        if found.email.is_none() {
            found = self
                .user_info(&client, answer.access_token().clone(), subject.clone())
                .await?;
        }
        let email = found
            .email
            .map(|e| e.trim().to_lowercase())
            .filter(|e| !e.is_empty())
            .ok_or(Refusal::NoEmail)?;
        if found.email_verified != Some(true) {
            return Err(Refusal::EmailNotVerified);
        }
        if email.len() > 254
            || email
                .rsplit_once('@')
                .is_none_or(|(l, d)| l.is_empty() || d.is_empty())
        {
            return Err(Refusal::NoEmail);
        }
        let name = [found.name, found.username]
            .into_iter()
            .flatten()
            .map(|n| n.trim().to_string())
            .find(|n| !n.is_empty())
            .unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_string());
        Ok(Verified {
            email,
            name: name.chars().take(200).collect(),
            subject: subject.as_str().to_string(),
        })
    }

    /// The address and name from the userinfo endpoint, which must answer
    /// for `subject`.
    async fn user_info(
        &self,
        client: &Client,
        access_token: openidconnect::AccessToken,
        subject: openidconnect::SubjectIdentifier,
    ) -> Result<Vouched, Refusal> {
        let request = client
            .user_info(access_token, Some(subject))
            .map_err(|_| Refusal::NoEmail)?;
        let info: CoreUserInfoClaims =
            request
                .request_async(&self.inner.http)
                .await
                .map_err(|e| match e {
                    UserInfoError::ClaimsVerification(e) => refusal_of(e),
                    other => Refusal::Unavailable(format!("userinfo: {}", chain(&other))),
                })?;
        Ok(Vouched {
            email: info.email().map(|e| e.as_str().to_string()),
            email_verified: info.email_verified(),
            name: info.name().and_then(|n| n.get(None)).map(|n| n.to_string()),
            username: info.preferred_username().map(|n| n.to_string()),
        })
    }

    /// Whether an address's domain may start a workspace of its own.
    pub fn domain_allowed(&self, email: &str) -> bool {
        let Some((_, domain)) = email.rsplit_once('@') else {
            return false;
        };
        let domain = domain.to_ascii_lowercase();
        self.inner.settings.allowed_domains.contains(&domain)
    }

    /// Who a verified address signs in as: the person with that address
    /// (the earliest, when several workspaces have it), or a new owner of a
    /// workspace of their own when the domain is allowed; else refused,
    /// with nothing created.
    pub async fn person_for(
        &self,
        store: &Store,
        verified: &Verified,
    ) -> Result<SignInPerson, Refusal> {
        if let Some(p) = store
            .people_with_email(&verified.email)
            .await?
            .into_iter()
            .next()
        {
            return Ok(p);
        }
        if !self.domain_allowed(&verified.email) {
            return Err(Refusal::NotAllowed);
        }
        Ok(store
            .create_own_workspace(&verified.email, &verified.name)
            .await?)
    }
}

/// Our client, as discovery makes it: an authorization endpoint, and token
/// and userinfo endpoints if the provider names them.
type Client = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// What the provider said of the person, from the ID token or userinfo.
struct Vouched {
    email: Option<String>,
    email_verified: Option<bool>,
    name: Option<String>,
    username: Option<String>,
}

/// The ID token's checks, with the asymmetric algorithms a provider may
/// sign with (the crate's default is RS256 alone; some providers sign with
/// ES256 or EdDSA). Never `none`, and never HMAC: its key would be our
/// client secret, which is no proof of the provider.
fn token_verifier(client: &Client) -> openidconnect::core::CoreIdTokenVerifier<'_> {
    use openidconnect::core::CoreJwsSigningAlgorithm as Alg;
    client.id_token_verifier().set_allowed_algs([
        Alg::RsaSsaPkcs1V15Sha256,
        Alg::RsaSsaPkcs1V15Sha384,
        Alg::RsaSsaPkcs1V15Sha512,
        Alg::RsaSsaPssSha256,
        Alg::RsaSsaPssSha384,
        Alg::RsaSsaPssSha512,
        Alg::EcdsaP256Sha256,
        Alg::EcdsaP384Sha384,
        Alg::EdDsa,
    ])
}

/// The refusal a failed ID token check stands for.
fn refusal_of(e: ClaimsVerificationError) -> Refusal {
    match e {
        ClaimsVerificationError::InvalidAudience(_) => Refusal::WrongAudience,
        ClaimsVerificationError::InvalidNonce(_) => Refusal::WrongNonce,
        ClaimsVerificationError::Expired(_) => Refusal::Expired,
        ClaimsVerificationError::InvalidIssuer(_) => Refusal::WrongIssuer,
        ClaimsVerificationError::SignatureVerification(_) => Refusal::BadSignature,
        other => Refusal::InvalidToken(other.to_string()),
    }
}

/// The client `openidconnect` calls the provider with: the outbound guard's
/// reqwest client, each URL checked first (an address literal is never
/// resolved, so the resolver alone would not see it; and discovery names
/// further URLs the provider chose), and each answer read up to a limit.
#[derive(Clone)]
struct Guarded {
    client: reqwest::Client,
    allow_private: bool,
}

impl<'c> AsyncHttpClient<'c> for Guarded {
    type Error = HttpClientError<reqwest::Error>;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<HttpResponse, Self::Error>> + Send + Sync + 'c>,
    >;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let url = request.uri().to_string();
            if let Some(why) = refused_endpoint(&url, self.allow_private) {
                return Err(HttpClientError::Other(format!(
                    "{url}: {why}: the identity provider is reached at public addresses only"
                )));
            }
            let request: reqwest::Request = request.try_into().map_err(Box::new)?;
            let mut response = self.client.execute(request).await.map_err(Box::new)?;
            let mut builder = openidconnect::http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(Box::new)? {
                if body.len() + chunk.len() > MAX_ANSWER {
                    return Err(HttpClientError::Other(format!(
                        "{url}: the answer is larger than {MAX_ANSWER} bytes"
                    )));
                }
                body.extend_from_slice(&chunk);
            }
            builder.body(body).map_err(HttpClientError::Http)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oidc(domains: &[&str]) -> Oidc {
        let domains: Vec<String> = domains.iter().map(|d| d.to_string()).collect();
        let settings = Settings::new("https://idp.example.org/", "c", "s", &domains).unwrap();
        Oidc::new(settings, "https://convene.example.org", Outbound::default()).unwrap()
    }

    #[test]
    fn only_the_listed_domains_start_a_workspace() {
        let o = oidc(&[" IGF.example ", "@un.example", ""]);
        assert_eq!(o.settings().allowed_domains, ["igf.example", "un.example"]);
        assert!(o.domain_allowed("ana@igf.example"));
        assert!(o.domain_allowed("ana@UN.example"));
        // Exactly the domain: not a subdomain, not a look-alike suffix.
        assert!(!o.domain_allowed("ana@mail.igf.example"));
        assert!(!o.domain_allowed("ana@evil-igf.example"));
        assert!(!o.domain_allowed("igf.example"));
        assert!(!oidc(&[]).domain_allowed("ana@igf.example"));
        assert_eq!(o.settings().issuer(), "https://idp.example.org");
    }

    #[test]
    fn a_domain_list_with_an_address_or_a_bare_word_is_refused() {
        for bad in ["ana@igf.example", "localhost", "igf.example/x"] {
            assert!(Settings::new("https://idp.example.org", "c", "s", &[bad.into()]).is_err());
        }
    }

    #[test]
    fn half_configured_single_sign_on_is_an_error() {
        use crate::config::OidcArgs;
        let set = |s: &str| Some(s.to_string());
        assert!(OidcArgs::default().settings().unwrap().is_none());
        let half = OidcArgs {
            oidc_issuer: set("https://idp.example.org"),
            oidc_client_id: set("convene"),
            ..OidcArgs::default()
        };
        assert!(half.settings().is_err());
        let domains_only = OidcArgs {
            oidc_allowed_domains: vec!["igf.example".into()],
            ..OidcArgs::default()
        };
        assert!(domains_only.settings().is_err());
        let full = OidcArgs {
            oidc_client_secret: set("s"),
            ..half
        };
        let settings = full.settings().unwrap().unwrap();
        assert!(
            !format!("{full:?} {settings:?}").contains("\"s\""),
            "the secret is not logged"
        );
    }
}
