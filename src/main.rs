//! The `convene` binary: parse the command line and dispatch.

use anyhow::Context;

// glibc malloc showed up as ~10% of a vote's CPU under load (many threads
// handing buffers across the SQLite worker channel); mimalloc is a
// well-kept drop-in that does better with that pattern.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's own settings, made before anything allocates. Its
/// `arena_eager_commit` (default: on wherever the OS overcommits, as Linux
/// does) maps each arena committed and, with transparent huge pages
/// allowed, advised for huge pages, so memory touched anywhere in it counts
/// whole 2 MiB pages to the process: about 20 MB of an idle server's 56 MB,
/// and the difference between a 5,000-member roster's peak of 110 MB and 75
/// (bench/memory.sh). Committed on demand instead, throughput did not change
/// beyond the run-to-run spread (README, "Memory"). A default only:
/// `MIMALLOC_ARENA_EAGER_COMMIT` in the environment still wins.
///
/// It runs as a constructor, not from `main`: set at the top of `main` it
/// came too late (same RSS), as the first arena (1 GiB of address space,
/// enough for everything after) is reserved before `main` runs. Priority
/// 100 runs it before mimalloc's own initialisation (101), which keeps a
/// value set so unless the environment sets another.
extern "C" fn configure_allocator() {
    // The option's index in mimalloc's `mi_option_e` (v2 and v3 alike); the
    // Rust bindings carry no constant for it.
    const MI_OPTION_ARENA_EAGER_COMMIT: std::ffi::c_int = 4;
    unsafe extern "C" {
        // Sets an option unless the environment set it; linked from the
        // static mimalloc that `mimalloc::MiMalloc` brings.
        fn mi_option_set_default(option: std::ffi::c_int, value: std::ffi::c_long);
    }
    // SAFETY: a plain store into mimalloc's static option table, made
    // while the process is still single-threaded.
    unsafe { mi_option_set_default(MI_OPTION_ARENA_EAGER_COMMIT, 0) };
}

#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array.00100")]
static CONFIGURE_ALLOCATOR: extern "C" fn() = configure_allocator;

use clap::Parser;
use convene::config::{Cli, Command, OrganiserCommand, ServeArgs, TokenCommand};
use convene::domain::roles::{Role, Scope};
use convene::store::Store;
use convene::{api, startup, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Openapi(args) => {
            let url = args
                .public_url
                .unwrap_or_else(|| "http://127.0.0.1:8080".into());
            println!("{}", api::service(&url).spec());
        }
        Command::Migrate(db) => {
            telemetry::init();
            let store = Store::connect(&db.database_url).await?;
            store.migrate().await?;
            tracing::info!("migrations applied");
        }
        Command::Token {
            command:
                TokenCommand::Create {
                    name,
                    email,
                    workspace,
                    scope,
                    label,
                    db,
                },
        } => {
            let store = Store::connect(&db.database_url).await?;
            store.migrate().await?;
            if let Some(name) = name {
                let name = convene::domain::poll::parse_person_name(&name)
                    .map_err(|m| anyhow::anyhow!("--name: {m}"))?;
                let (organiser, token) = store
                    .issue_organiser_token(&name)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                eprintln!(
                    "Write token of {:?}, owner of the workspace {name:?} (shown once; the one this command issued before is revoked):",
                    organiser.name
                );
                println!("{token}");
            } else if let Some(email) = email {
                let scope = Scope::parse(&scope)
                    .ok_or_else(|| anyhow::anyhow!("--scope: `read` or `write`"))?;
                let issued = store
                    .issue_person_token(&email, workspace.as_deref(), scope, &label)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                print_issued(&issued);
            }
        }
        Command::Organiser {
            command:
                OrganiserCommand::Add {
                    email,
                    name,
                    workspace,
                    role,
                    db,
                },
        } => {
            let email = convene::domain::roster::parse_email(&email)
                .ok()
                .flatten()
                .ok_or_else(|| anyhow::anyhow!("--email: {email:?} is not an email address"))?;
            let name = convene::domain::poll::parse_person_name(&name)
                .map_err(|m| anyhow::anyhow!("--name: {m}"))?;
            let workspace = workspace
                .map(|w| convene::domain::poll::parse_person_name(&w))
                .transpose()
                .map_err(|m| anyhow::anyhow!("--workspace: {m}"))?;
            let role = Role::parse(&role)
                .ok_or_else(|| anyhow::anyhow!("--role: `owner`, `editor` or `viewer`"))?;
            let store = Store::connect(&db.database_url).await?;
            store.migrate().await?;
            let issued = store
                .add_organiser(&email, &name, workspace.as_deref(), role)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            print_issued(&issued);
            eprintln!(
                "They sign in to the console at /console/sign-in with {email}: \
                 a link is mailed to them there (the service needs CONVENE_SMTP_URL)."
            );
        }
        Command::Serve(args) => serve(args).await?,
    }
    Ok(())
}

/// Tells the operator who a new token belongs to, then prints it alone on
/// standard output (so a script can capture it).
fn print_issued(issued: &convene::store::organisers::Issued) {
    if issued.new_workspace {
        eprintln!("Created the workspace {:?}.", issued.workspace);
    }
    eprintln!(
        "{} token of {:?}, {} of the workspace {:?} (shown once):",
        if issued.scope == Scope::Write {
            "Write"
        } else {
            "Read"
        },
        issued.person,
        issued.role.as_str(),
        issued.workspace
    );
    println!("{}", issued.token);
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    telemetry::init();
    let store = Store::connect(&args.db.database_url).await?;
    store.migrate().await?;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let local = listener.local_addr()?;
    let public_url = args
        .public
        .public_url
        .unwrap_or_else(|| format!("http://{local}"))
        .trim_end_matches('/')
        .to_string();
    tracing::info!(database = %convene::store::redact(&args.db.database_url), listen = %local, "Convene is up");
    eprintln!("Convene is listening on http://{local}");
    eprintln!("Swagger UI: {public_url}/docs   OpenAPI spec: {public_url}/openapi.json");
    if let Some(token) = store
        .bootstrap_organiser()
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?
    {
        eprintln!(
            "First start on an empty database: the workspace {:?} was created, with its owner {:?}.",
            token.workspace, token.person
        );
        eprintln!("The owner's API token (shown only now):");
        eprintln!("  {}", token.token);
        eprintln!(
            "Authorise with it in Swagger UI, or send it as `Authorization: Bearer <token>`; \
             rename the workspace with PATCH /api/v1/workspace, add people with \
             POST /api/v1/workspace/people or `convene organiser add`."
        );
        eprintln!(
            "To sign in to the console ({public_url}/console) without a token, add a person \
             with an address: `convene organiser add --email you@example.org --name \"Your Name\" \
             --role owner`, then ask for a link at {public_url}/console/sign-in."
        );
    }
    let mut options = args.limits.options();
    options.mail = args.mail.mail()?;
    options.webhooks = convene::webhooks::Webhooks::new(args.webhook_allow_private);
    options.api_only = args.api_only;
    options.oidc = match args.oidc.settings()? {
        Some(settings) => {
            let outbound = convene::outbound::Outbound {
                allow_private: args.webhook_allow_private,
            };
            let oidc = convene::oidc::Oidc::new(settings, &public_url, outbound)?;
            eprintln!(
                "Single sign-on: {} (register the redirect URI {})",
                oidc.settings().issuer(),
                oidc.redirect_uri()
            );
            Some(oidc)
        }
        None => None,
    };
    if options.api_only {
        eprintln!("API only: this instance delivers no mail or webhook calls (CONVENE_API_ONLY).");
    }
    if !options.mail.configured() {
        eprintln!("Mail: not configured (set CONVENE_SMTP_URL); invitations are not mailed.");
    }
    if let Some(address) = &args.metrics_listen {
        let metrics = tokio::net::TcpListener::bind(address)
            .await
            .with_context(|| format!("listening for metrics on {address}"))?;
        eprintln!("Metrics: http://{}/metrics", metrics.local_addr()?);
        tokio::spawn(startup::serve_metrics(
            metrics,
            store.clone(),
            std::future::pending(),
        ));
        options.metrics_apart = true;
    }
    startup::serve(listener, store, public_url, options, shutdown_signal()).await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
