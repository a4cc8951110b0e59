use app::server::audit::{acting_as, Actor};
use app::server::import::{ImportMode, ImportOptions};
use app::server::{
    api_tokens_service, audit_service, passwords::PasswordHasher, user_import, AppState, PoolSettings, Store,
};
use clap::{Args, Parser, Subcommand};
use leptos::config::get_configuration;
use server::bootstrap::{ensure_first_admin, FirstAdmin};
use server::database_url::DatabaseUrl;
use std::net::SocketAddr;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

/// Serves the admin UI, the REST API and the experience API (no command), or runs an
/// operator's command against the database. Every setting can come from the environment; the
/// flags override it. RUST_LOG sets the log filter (default "info,sqlx=warn").
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// The database: sqlite://PATH (the file and its directory are created if missing) or
    /// postgres://USER:PASSWORD@HOST:PORT/DB (several instances may share it). Any other URL
    /// stops the start with the reason.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/experience-users.db",
        global = true,
        hide_env_values = true
    )]
    database_url: String,
    #[command(flatten)]
    pool: PoolArgs,
    #[command(flatten)]
    serve: ServeSettings,
}

/// How the server uses a PostgreSQL database (SQLite's pool is fixed).
#[derive(Args)]
struct PoolArgs {
    /// Connections this instance keeps to PostgreSQL at most; with N instances the server
    /// must allow N times as many.
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", default_value_t = 16, global = true,
          value_parser = clap::value_parser!(u32).range(1..))]
    database_max_connections: u32,
    /// PostgreSQL cancels any statement running longer than this (0: never).
    #[arg(long, env = "DATABASE_STATEMENT_TIMEOUT_SECONDS", default_value_t = 30, global = true)]
    database_statement_timeout_seconds: u64,
}

impl PoolArgs {
    fn settings(&self) -> PoolSettings {
        PoolSettings {
            max_connections: self.database_max_connections,
            statement_timeout: std::time::Duration::from_secs(self.database_statement_timeout_seconds),
        }
    }
}

#[derive(Args)]
struct ServeSettings {
    /// Address and port to listen on.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    site_addr: SocketAddr,
    /// The built site (WASM, CSS, assets) to serve.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    site_root: String,
    /// Email of the administrator created on the first start (when there is none yet).
    #[arg(long, env = "ADMIN_EMAIL", default_value = "admin@example.com")]
    admin_email: String,
    /// That administrator's password; without it one is generated and printed once.
    #[arg(long, env = "ADMIN_PASSWORD", hide_env_values = true)]
    admin_password: Option<String>,
    /// Password hashes computed at once (argon2id); the default, one per core, gives the most
    /// sign-ins per second, fewer leaves CPU for other requests during a sign-in flood.
    #[arg(long, env = "ARGON2_CONCURRENCY", value_parser = clap::value_parser!(u16).range(1..))]
    argon2_concurrency: Option<u16>,
    /// How long an experience user's token lasts.
    #[arg(long, env = "EXPERIENCE_TOKEN_TTL_SECONDS", default_value_t = 30 * 24 * 60 * 60,
          value_parser = clap::value_parser!(i64).range(1..))]
    experience_token_ttl_seconds: i64,
    /// Proxies in front of the server that append the client's address to X-Forwarded-For; the
    /// sign-in limits then count the address the outermost of them saw. 0: use the connection's.
    #[arg(long, env = "TRUSTED_PROXY_HOPS", default_value_t = 0)]
    trusted_proxy_hops: u8,
    /// Same as TRUSTED_PROXY_HOPS=1 (kept for older configurations).
    #[arg(long, env = "TRUST_FORWARDED_FOR", value_parser = clap::builder::BoolishValueParser::new())]
    trust_forwarded_for: Option<bool>,
    /// How long a connection may take to send a request's headers (and may sit idle between
    /// requests) before it is closed.
    #[arg(long, env = "REQUEST_HEADER_TIMEOUT_SECONDS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..))]
    request_header_timeout_seconds: u64,
    /// How long a request may take, its body read and its answer begun, before it is answered 408.
    #[arg(long, env = "REQUEST_TIMEOUT_SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..))]
    request_timeout_seconds: u64,
    /// How many days the history (audit log) keeps an entry; older ones are removed hourly.
    #[arg(long, env = "AUDIT_RETENTION_DAYS", default_value_t = app::server::audit::DEFAULT_RETENTION_DAYS,
          value_parser = clap::value_parser!(i64).range(1..))]
    audit_retention_days: i64,
}

#[derive(Subcommand)]
enum Command {
    /// Applies the database's pending migrations and exits (serving applies them too; this
    /// lets a deployment migrate once before starting its instances).
    Migrate,
    /// Writes an application's experience users to standard output, as the users list's
    /// "Export" does: CSV (one `tag:<key>` column per tag key) or a JSON array.
    Export {
        #[arg(long)]
        application: String,
        #[arg(long, default_value = "csv", value_parser = server::export::Format::ALL.map(server::export::Format::name))]
        format: String,
        /// The list's text filter (`ann`, `*@example.com`, `tag:key=value`…).
        #[arg(long, default_value = "")]
        filter: String,
        /// Only these users: all, grouped or ungrouped.
        #[arg(long, default_value = "all", value_parser = ["all", "grouped", "ungrouped"])]
        view: String,
        /// Adds each user's password hash (argon2id PHC string): keep the file as safe as the database.
        #[arg(long)]
        include_password_hashes: bool,
    },
    /// Imports experience users from a CSV or JSON file (the export's formats): checks every
    /// row first and writes all of them or, if any is bad, none (unless --skip-bad-rows).
    /// Prints the report; exits 1 when rows were bad and nothing was written.
    Import {
        #[arg(long)]
        application: String,
        #[arg(long)]
        file: std::path::PathBuf,
        /// create: an email that exists is a bad row; upsert: it updates that user.
        #[arg(long, default_value = "create", value_parser = ["create", "upsert"])]
        mode: String,
        /// Check only: report what would happen, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Create the groups named by paths that do not exist (else such rows are bad).
        #[arg(long)]
        create_groups: bool,
        /// Write the good rows even when some are bad.
        #[arg(long)]
        skip_bad_rows: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
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
    // What a command changes is recorded as the shell's.
    let shell = Actor { name: "shell (server command)".into(), address: String::new() };
    let result = match cli.command {
        None => serve(&cli.database_url, &cli.pool, cli.serve).await,
        Some(Command::Migrate) => migrate(&cli.database_url, &cli.pool).await,
        Some(Command::Export { application, format, filter, view, include_password_hashes }) => {
            let query = app::experience::users::ListQuery::from_params(|name| match name {
                "q" => Some(filter.clone()),
                "view" => Some(view.clone()),
                _ => None,
            });
            let done = export(&cli.database_url, &cli.pool, application, &format, query, include_password_hashes);
            acting_as(shell, done).await
        }
        Some(Command::Import { application, file, mode, dry_run, create_groups, skip_bad_rows, json }) => {
            let options = ImportOptions {
                mode: ImportMode::parse(&mode).unwrap_or_default(),
                create_groups,
                skip_bad_rows,
                dry_run,
            };
            acting_as(shell, import(&cli.database_url, &cli.pool, &application, &file, options, json)).await
        }
        Some(Command::ApiToken(ApiTokenCommand::Create { application, name, expires_in_days })) => {
            let done = create_api_token(&cli.database_url, &cli.pool, &application, &name, expires_in_days);
            acting_as(shell, done).await
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

async fn migrate(database_url: &str, pool: &PoolArgs) -> Result<(), Box<dyn std::error::Error>> {
    let (database, store) = open(database_url, pool, PasswordHasher::new(1)).await?;
    store.close().await;
    println!("The {database} is migrated.");
    Ok(())
}

async fn export(
    database_url: &str,
    pool: &PoolArgs,
    application: String,
    format: &str,
    query: app::experience::users::ListQuery,
    with_hashes: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    use std::io::Write;
    let (_, store) = open(database_url, pool, PasswordHasher::new(1)).await?;
    let format = server::export::Format::parse(format)?;
    let mut chunks = server::export::stream(store.clone(), application, query, format, with_hashes);
    let mut out = std::io::stdout().lock();
    while let Some(chunk) = chunks.recv().await {
        out.write_all(&chunk?)?;
    }
    out.flush()?;
    drop(out);
    store.close().await;
    Ok(())
}

async fn import(
    database_url: &str,
    pool: &PoolArgs,
    application: &str,
    path: &std::path::Path,
    options: ImportOptions,
    json: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let size = std::fs::metadata(path)?.len();
    if size > server::import::MAX_FILE_BYTES as u64 {
        return Err(format!(
            "{} is {size} bytes; an import reads at most {}",
            path.display(),
            server::import::MAX_FILE_BYTES
        )
        .into());
    }
    let file =
        server::import::read(&std::fs::read(path)?).map_err(|message| format!("{}: {message}", path.display()))?;
    let (_, store) = open(database_url, pool, PasswordHasher::new(cores())).await?;
    let last = std::sync::Mutex::new(None);
    let report = user_import::run(&store, application, &file, options, &|p| {
        let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
        // A line per phase and per tenth of it.
        let key = (p.phase, p.done * 10 / p.total.max(1));
        if *last != Some(key) {
            *last = Some(key);
            eprintln!("{:?}: {} of {}", p.phase, p.done, p.total);
        }
    })
    .await?;
    store.close().await;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", server::import::summary(&report, options));
    }
    if !report.applied && !options.dry_run {
        return Err("nothing was imported".into());
    }
    Ok(())
}

async fn create_api_token(
    database_url: &str,
    pool: &PoolArgs,
    application: &str,
    name: &str,
    days: Option<u32>,
) -> Result<(), Box<dyn std::error::Error>> {
    let (_, store) = open(database_url, pool, PasswordHasher::new(1)).await?;
    let mut conn = store.acquire().await?;
    let expires_at = days.map(|d| app::server::clock::now_ms() + i64::from(d) * 24 * 60 * 60 * 1000);
    let token = api_tokens_service::create(&mut conn, application, name, expires_at).await?;
    eprintln!(
        "Created API token {:?} ({}) for application {application}. Its secret, shown once:",
        token.info.name, token.info.id
    );
    println!("{}", token.secret);
    Ok(())
}

/// Removes the history's entries past the retention, at the start and every hour after, a batch
/// per statement (requests wait little between two).
async fn sweep_history(store: Store, days: i64) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(60 * 60));
    loop {
        every.tick().await;
        match audit_service::sweep(&store, days).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, days, "history entries past the retention removed"),
            Err(error) => tracing::warn!(%error, "the history's retention sweep failed"),
        }
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

async fn serve(database_url: &str, pool: &PoolArgs, settings: ServeSettings) -> Result<(), Box<dyn std::error::Error>> {
    let mut options = get_configuration(None)?.leptos_options;
    options.site_addr = settings.site_addr;
    options.site_root = settings.site_root.into();
    let hasher = PasswordHasher::new(settings.argon2_concurrency.map_or_else(cores, usize::from));
    let (database, store) = open(database_url, pool, hasher).await?;

    let admin = ensure_first_admin(&store, Some(settings.admin_email), settings.admin_password).await?;
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

    tokio::spawn(sweep_history(store.clone(), settings.audit_retention_days));
    let addr = options.site_addr;
    let mut state = AppState::new(options, store);
    state.set_token_ttl_ms(settings.experience_token_ttl_seconds.saturating_mul(1000));
    state.proxy_hops = match settings.trust_forwarded_for {
        Some(true) if settings.trusted_proxy_hops == 0 => 1,
        _ => usize::from(settings.trusted_proxy_hops),
    };
    // Each connection holds a file descriptor: Debian's default soft limit (1,024) would refuse
    // clients long before the machine runs short.
    if let Err(error) = rlimit::increase_nofile_limit(u64::MAX) {
        tracing::warn!("cannot raise the open-files limit: {error}");
    }
    // A queue of 4,096 connections not yet accepted (the usual system cap) instead of tokio's
    // 1,024: a burst of new clients past it waits a second for its retried handshake.
    let socket = if addr.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    let listener = socket.listen(4096)?;
    println!("Serving on http://{} from {database}", listener.local_addr()?);
    let timeouts = server::serve::Timeouts {
        headers: std::time::Duration::from_secs(settings.request_header_timeout_seconds),
        request: std::time::Duration::from_secs(settings.request_timeout_seconds),
    };
    server::serve::serve(listener, server::router(state), timeouts, shutdown_signal()).await?;
    Ok(())
}

/// The database `url` names, opened and migrated; any failure is one line naming it.
async fn open(url: &str, pool: &PoolArgs, hasher: PasswordHasher) -> Result<(DatabaseUrl, Store), String> {
    let database = DatabaseUrl::parse(url).map_err(|e| e.to_string())?;
    database.prepare()?;
    let store = match &database {
        DatabaseUrl::Sqlite { url, .. } => Store::open_sqlite(url, hasher).await,
        DatabaseUrl::Postgres { url, .. } => Store::open_postgres(url, pool.settings(), hasher).await,
    };
    let store = store.map_err(|e| format!("cannot open the {database}: {e}"))?;
    Ok((database, store))
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
