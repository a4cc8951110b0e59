use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};

use std::str::FromStr;
use std::time::Duration;

/// How the pool to PostgreSQL is sized and bounded.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    pub max_connections: u32,
    /// Any statement running longer is cancelled by the server (0: no limit).
    pub statement_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self { max_connections: 16, statement_timeout: Duration::from_secs(30) }
    }
}

/// Connects and applies pending migrations. Several instances starting at once apply each
/// migration once: sqlx's migrator holds an advisory lock while it runs.
pub async fn connect(url: &str, settings: PoolSettings) -> Result<PgPool, sqlx::Error> {
    let timeout_ms = settings.statement_timeout.as_millis().to_string();
    // random_page_cost 1.1 instead of 4 (spinning disks): with the data in memory or on SSD, an
    // index lookup costs about what a sequential read does, and the planner priced the deep
    // tree's effective devices as two full-table hash joins instead (62 ms → 14 ms at 10^5 devices).
    let options = PgConnectOptions::from_str(url)?
        .options([("statement_timeout", timeout_ms.as_str()), ("random_page_cost", "1.1")]);
    // One connection first: an unreachable server or a refused login fails the start at once,
    // where the pool would retry until its acquire timeout.
    let first = <PgConnection as sqlx::Connection>::connect_with(&options).await?;
    sqlx::Connection::close(first).await?;
    let pool = PgPoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await?;
    MIGRATIONS.run(&pool).await?;
    Ok(pool)
}

/// The schema on this engine: the same tables and meanings as SQLite's (the first migration
/// says where they differ).
pub static MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// A write transaction. Rows are locked as they are written (READ COMMITTED); the statements
/// that must see each other's effects take their locks explicitly.
pub async fn begin_write(pool: &PgPool) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    pool.begin().await
}

/// A read transaction that sees the database as it was at its first statement, whatever is
/// committed meanwhile (PostgreSQL's default isolation would show each statement new rows).
pub async fn begin_snapshot(pool: &PgPool) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await
}

/// `begin_write` on a connection the caller already holds.
pub async fn begin_write_on(conn: &mut PgConnection) -> Result<Transaction<'_, Postgres>, sqlx::Error> {
    sqlx::Connection::begin(conn).await
}

/// A write transaction that changes the users, groups or tags of one application. It first
/// takes that application's row lock, which the triggers' counters take anyway: taken first,
/// every writer of the application takes its row locks in one order and two writers cannot
/// deadlock (taken last, a user's deletion and a concurrent insertion with tags did). Writers
/// of one application queue, as all writers do on SQLite.
pub async fn begin_application_write(
    pool: &PgPool,
    application_id: &str,
) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    lock_application(&mut tx, application_id).await?;
    Ok(tx)
}

/// `begin_application_write` on a connection the caller already holds.
pub async fn begin_application_write_on<'c>(
    conn: &'c mut PgConnection,
    application_id: &str,
) -> Result<Transaction<'c, Postgres>, sqlx::Error> {
    let mut tx = sqlx::Connection::begin(conn).await?;
    lock_application(&mut tx, application_id).await?;
    Ok(tx)
}

/// Keeps other instances from creating administrators until this transaction ends (the first
/// administrator is created once, however many instances start at once).
pub async fn lock_admins(tx: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query!("LOCK TABLE admins IN SHARE ROW EXCLUSIVE MODE").execute(tx).await?;
    Ok(())
}

async fn lock_application(conn: &mut PgConnection, application_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT 1 AS one FROM applications WHERE id = $1 FOR NO KEY UPDATE", application_id)
        .fetch_optional(conn)
        .await?;
    Ok(())
}

/// Creates a database with a random name on the server `server_url` points to and answers
/// its URL, for the tests and benchmarks: each gets a database of its own on one throwaway
/// server (`connect` migrates it).
pub async fn fresh_database(server_url: &str) -> Result<String, sqlx::Error> {
    use rand::RngCore;
    let mut admin = <PgConnection as sqlx::Connection>::connect(server_url).await?;
    let name = format!("t_{:016x}", rand::rng().next_u64());
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await?;
    sqlx::Connection::close(admin).await?;
    let (base, query) = server_url.split_once('?').map_or((server_url, None), |(b, q)| (b, Some(q)));
    let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
    Ok(format!("{server}/{name}{}", query.map(|q| format!("?{q}")).unwrap_or_default()))
}
