use app::server::{api_tokens_service, db, passwords::PasswordHasher, AppState};
use clap::{Parser, Subcommand};
use leptos::config::get_configuration;
use server::bootstrap::{ensure_first_admin, FirstAdmin};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

const DEFAULT_DATABASE_URL: &str = "sqlite://data/experience-users.db";

/// Serves the app (no command), or runs an operator's command against its database.
/// Settings come from the environment: DATABASE_URL, LEPTOS_SITE_ADDR, ADMIN_EMAIL, …
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Application API tokens for the REST API.
    #[command(name = "api-token", subcommand)]
    ApiToken(ApiTokenCommand),
}

#[derive(Subcommand)]
enum ApiTokenCommand {
    /// Creates a token and prints its secret (shown once; only its hash is stored).
    Create {
        /// The application the token reaches.
        #[arg(long)]
        application: String,
        #[arg(long)]
        name: String,
        /// Days until it expires; without, it never does.
        #[arg(long)]
        expires_in_days: Option<u32>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()))
        .init();
    let result = match cli.command {
        None => serve().await,
        Some(Command::ApiToken(ApiTokenCommand::Create { application, name, expires_in_days })) => {
            create_api_token(&application, &name, expires_in_days).await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn create_api_token(application: &str, name: &str, days: Option<u32>) -> Result<(), Box<dyn std::error::Error>> {
    let database_url = std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE_URL.into());
    let pool = db::connect(&database_url).await?;
    let mut conn = pool.acquire().await?;
    let expires_at = days.map(|d| app::server::clock::now_ms() + i64::from(d) * 24 * 60 * 60 * 1000);
    let token = api_tokens_service::create(&mut conn, application, name, expires_at).await?;
    eprintln!(
        "Created API token {:?} ({}) for application {application}. Its secret, shown once:",
        token.info.name, token.info.id
    );
    println!("{}", token.secret);
    Ok(())
}

async fn serve() -> Result<(), Box<dyn std::error::Error>> {
    let options = get_configuration(None)?.leptos_options;
    let database_url = std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE_URL.into());
    ensure_parent_dir(&database_url)?;
    let pool = db::connect(&database_url).await?;
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    // One hash per core by default: the most sign-ins per second. Fewer leaves CPU for every
    // other request during a sign-in flood.
    let hashers = env_number("ARGON2_CONCURRENCY")?.map_or(cores, |n| n as usize);
    let hasher = PasswordHasher::new(hashers);

    let admin =
        ensure_first_admin(&pool, &hasher, std::env::var("ADMIN_EMAIL").ok(), std::env::var("ADMIN_PASSWORD").ok())
            .await?;
    match admin {
        FirstAdmin::Created { email, generated_password } => {
            println!("Created the first administrator: {email}");
            match generated_password {
                Some(password) => println!("Its password (shown once, store it now): {password}"),
                None => println!("Its password is the one given in ADMIN_PASSWORD."),
            }
        }
        FirstAdmin::Existing => println!("Administrators exist already: sign in with one of them."),
    }

    let addr = options.site_addr;
    let mut state = AppState::new(options, pool, hasher);
    if let Some(secs) = env_number("EXPERIENCE_TOKEN_TTL_SECONDS")? {
        state.token_ttl_ms = secs.saturating_mul(1000);
    }
    state.trust_forwarded_for = std::env::var("TRUST_FORWARDED_FOR").is_ok_and(|v| v == "1" || v == "true");
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("Serving on http://{}", listener.local_addr()?);
    let service = server::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown_signal()).await?;
    Ok(())
}

/// A positive whole number from the environment, if set.
fn env_number(name: &str) -> Result<Option<i64>, String> {
    match std::env::var(name) {
        Err(_) => Ok(None),
        Ok(v) => match v.trim().parse::<i64>() {
            Ok(n) if n > 0 => Ok(Some(n)),
            _ => Err(format!("{name} must be a positive whole number, not {v:?}")),
        },
    }
}

/// `sqlite://dir/file.db` needs `dir` to exist before SQLite can create the file.
fn ensure_parent_dir(url: &str) -> std::io::Result<()> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    match std::path::Path::new(path).parent() {
        Some(dir) if !dir.as_os_str().is_empty() && path != ":memory:" => std::fs::create_dir_all(dir),
        _ => Ok(()),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
