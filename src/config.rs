//! Configuration: one typed set of settings, from flags or environment.

use std::time::Duration;

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "convene",
    version,
    about = "Scheduling polls across time zones, with calendar output"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the HTTP service (migrations are applied first).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate(DatabaseArgs),
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Manage the people of workspaces.
    Organiser {
        #[command(subcommand)]
        command: OrganiserCommand,
    },
    /// Print the OpenAPI spec (JSON) to standard output.
    Openapi(PublicUrlArgs),
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Print a new API token (`cvn_org_…`). With --name: the workspace
    /// NAME's first owner's token, creating the workspace if new; issuing
    /// it again revokes the one issued before. With --email: a further
    /// token for that person (a viewer always gets a read token).
    #[command(group(clap::ArgGroup::new("who").required(true).args(["name", "email"])))]
    Create {
        /// The workspace's name, e.g. "IGF Secretariat".
        #[arg(long)]
        name: Option<String>,
        /// The person's email address.
        #[arg(long)]
        email: Option<String>,
        /// With --email: the workspace, when the address is in several.
        #[arg(long, requires = "email")]
        workspace: Option<String>,
        /// With --email: `write` (what the person's role allows) or `read`.
        #[arg(long, default_value = "write", requires = "email")]
        scope: String,
        /// With --email: the token's name, as listApiTokens shows it.
        #[arg(long, default_value = "convene token create", requires = "email")]
        label: String,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum OrganiserCommand {
    /// Add a person to a workspace (created if new) and print a token for
    /// them: the way in until the console's sign-in exists.
    Add {
        /// The person's email address.
        #[arg(long)]
        email: String,
        /// The person's name, as history shows it.
        #[arg(long)]
        name: String,
        /// The workspace, e.g. "IGF Secretariat"; created if new. Left out:
        /// the only workspace there is (or a new one named after the person).
        #[arg(long)]
        workspace: Option<String>,
        /// `owner`, `editor` or `viewer`.
        #[arg(long, default_value = "owner")]
        role: String,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

#[derive(Args, Clone)]
pub struct DatabaseArgs {
    /// Database URL: sqlite://FILE (created if missing) or postgres://USER@HOST/DB.
    #[arg(
        long,
        env = "CONVENE_DATABASE_URL",
        default_value = "sqlite://convene.db"
    )]
    pub database_url: String,
}

impl std::fmt::Debug for DatabaseArgs {
    // The URL may carry a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseArgs")
            .field("database_url", &crate::store::redact(&self.database_url))
            .finish()
    }
}

#[derive(Args, Debug, Clone)]
pub struct PublicUrlArgs {
    /// The URL clients use to reach the service (used in the spec and links).
    /// Defaults to http:// plus the listen address.
    #[arg(long, env = "CONVENE_PUBLIC_URL")]
    pub public_url: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Address and port to listen on.
    #[arg(long, env = "CONVENE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    #[command(flatten)]
    pub public: PublicUrlArgs,
    /// Serve `/metrics` on this address instead of beside the API (e.g.
    /// 10.0.0.5:9090, reachable only by the scraper). Unset: on `listen`.
    #[arg(long, env = "CONVENE_METRICS_LISTEN")]
    pub metrics_listen: Option<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub mail: MailArgs,
    /// Let webhooks call `http` URLs and loopback or private addresses
    /// (tests, tools on the organisation's own network). Off: only `https`
    /// to public addresses, checked on every call.
    #[arg(long, env = "CONVENE_WEBHOOK_ALLOW_PRIVATE", default_value = "false", action = clap::ArgAction::Set)]
    pub webhook_allow_private: bool,
    /// Serve the API only, and leave mail and webhook delivery to the other
    /// instances on the same database (or to none, for a sandbox whose
    /// calls must go nowhere, as the fuzzer's).
    #[arg(long, env = "CONVENE_API_ONLY", default_value = "false", action = clap::ArgAction::Set)]
    pub api_only: bool,
    #[command(flatten)]
    pub oidc: OidcArgs,
}

/// Single sign-on with OpenID Connect: on when the issuer, client id and
/// client secret are all set; the service runs without it.
#[derive(Args, Clone, Default)]
pub struct OidcArgs {
    /// The identity provider's issuer URL (discovery reads
    /// `{issuer}/.well-known/openid-configuration`), e.g.
    /// https://login.example.org/realms/igf.
    #[arg(long, env = "CONVENE_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// The client id registered at the provider, whose redirect URI is
    /// `{public url}/console/oidc/callback`.
    #[arg(long, env = "CONVENE_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    /// The client's secret.
    #[arg(long, env = "CONVENE_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<String>,
    /// Domains whose people may sign in without being in a workspace yet:
    /// they get a workspace of their own (comma list, e.g.
    /// `igf.example,un.example`). Unset: only people already in a workspace.
    #[arg(long, env = "CONVENE_OIDC_ALLOWED_DOMAINS", value_delimiter = ',')]
    pub oidc_allowed_domains: Vec<String>,
}

impl std::fmt::Debug for OidcArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcArgs")
            .field("oidc_issuer", &self.oidc_issuer)
            .field("oidc_client_id", &self.oidc_client_id)
            .field(
                "oidc_client_secret",
                &self.oidc_client_secret.as_ref().map(|_| "(set)"),
            )
            .field("oidc_allowed_domains", &self.oidc_allowed_domains)
            .finish()
    }
}

impl OidcArgs {
    /// The settings, when single sign-on is configured; an error when it is
    /// half configured (some of the three set), so a typo is not a silent
    /// "off".
    pub fn settings(&self) -> anyhow::Result<Option<crate::oidc::Settings>> {
        let present = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        match (
            present(&self.oidc_issuer),
            present(&self.oidc_client_id),
            present(&self.oidc_client_secret),
        ) {
            (false, false, false) => {
                if !self.oidc_allowed_domains.is_empty() {
                    anyhow::bail!(
                        "CONVENE_OIDC_ALLOWED_DOMAINS is set but single sign-on is not: \
                         set CONVENE_OIDC_ISSUER, CONVENE_OIDC_CLIENT_ID and CONVENE_OIDC_CLIENT_SECRET"
                    );
                }
                Ok(None)
            }
            (true, true, true) => Ok(Some(crate::oidc::Settings::new(
                self.oidc_issuer.as_deref().unwrap_or_default().trim(),
                self.oidc_client_id.as_deref().unwrap_or_default().trim(),
                self.oidc_client_secret.as_deref().unwrap_or_default(),
                &self.oidc_allowed_domains,
            )?)),
            _ => anyhow::bail!(
                "single sign-on needs all of CONVENE_OIDC_ISSUER, CONVENE_OIDC_CLIENT_ID and \
                 CONVENE_OIDC_CLIENT_SECRET (some are set, not all)"
            ),
        }
    }
}

/// Where mail goes. Without an SMTP URL nothing is sent, and the API says
/// so (`not_configured`) rather than dropping mail silently.
#[derive(Args, Clone)]
pub struct MailArgs {
    /// SMTP server: `smtp://host:port` (plain; `?tls=required` for
    /// STARTTLS) or `smtps://user:password@host` (TLS).
    #[arg(long, env = "CONVENE_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of every mail, e.g. `IGF Secretariat <convene@example.org>`.
    #[arg(
        long,
        env = "CONVENE_MAIL_FROM",
        default_value = "Convene <convene@localhost>"
    )]
    pub mail_from: String,
}

impl std::fmt::Debug for MailArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold the SMTP password.
        f.debug_struct("MailArgs")
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "(set)"))
            .field("mail_from", &self.mail_from)
            .finish()
    }
}

impl MailArgs {
    pub fn mail(&self) -> anyhow::Result<crate::mail::Mail> {
        let Some(url) = &self.smtp_url else {
            return Ok(crate::mail::Mail(None));
        };
        let mailer = crate::mail::Mailer::new(&crate::mail::MailConfig {
            smtp_url: url.clone(),
            from: self.mail_from.clone(),
        })?;
        Ok(crate::mail::Mail(Some(mailer)))
    }
}

/// What a client may cost the service: how long it may take over a request,
/// and how fast it may write without a token.
#[derive(Args, Debug, Clone)]
pub struct LimitArgs {
    /// Seconds a client has to send a request's head (request line and
    /// headers), from its first byte; a slower one is disconnected.
    #[arg(long, env = "CONVENE_HEADER_READ_TIMEOUT", default_value = "10", value_parser = seconds)]
    pub header_read_timeout: Duration,
    /// Seconds a keep-alive connection may sit idle (no request in flight,
    /// nothing sent either way) before it is closed.
    #[arg(long, env = "CONVENE_IDLE_TIMEOUT", default_value = "60", value_parser = seconds)]
    pub idle_timeout: Duration,
    /// Seconds a client has to send a request's body; a slower one gets a 408.
    #[arg(long, env = "CONVENE_BODY_READ_TIMEOUT", default_value = "30", value_parser = seconds)]
    pub body_read_timeout: Duration,
    /// Votes without a token (on open polls) each client address may cast
    /// per minute, counted across instances; 0 turns the limit off.
    #[arg(long, env = "CONVENE_ANONYMOUS_VOTES_PER_MINUTE", default_value = "60")]
    pub anonymous_votes_per_minute: u32,
    /// Behind a reverse proxy: the header it sets to the client's address,
    /// e.g. X-Forwarded-For (its last address counts). Leave unset when
    /// clients connect directly, or they could pick their own address.
    #[arg(long, env = "CONVENE_CLIENT_IP_HEADER")]
    pub client_ip_header: Option<poem::http::HeaderName>,
}

impl LimitArgs {
    pub fn options(&self) -> crate::startup::Options {
        crate::startup::Options {
            timeouts: crate::server::Timeouts {
                header_read: self.header_read_timeout,
                idle: self.idle_timeout,
                body_read: self.body_read_timeout,
            },
            anonymous_writes: crate::web::rate_limit::AnonymousWrites {
                per_minute: self.anonymous_votes_per_minute,
                client_ip_header: self.client_ip_header.clone(),
            },
            metrics_apart: false,
            mail: crate::mail::Mail(None),
            backoff: Default::default(),
            webhooks: Default::default(),
            api_only: false,
            oidc: None,
        }
    }
}

/// A positive number of seconds, fractions allowed (`0.5`).
fn seconds(s: &str) -> Result<Duration, String> {
    match s.trim().parse::<f64>() {
        Ok(n) if n > 0.0 && n <= 86_400.0 => Ok(Duration::from_secs_f64(n)),
        _ => Err(format!(
            "{s:?} is not a number of seconds between 0 and 86400"
        )),
    }
}
