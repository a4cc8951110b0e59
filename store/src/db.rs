use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};

use std::str::FromStr;
use std::time::Duration;

/// Opens (creating if needed) the database and applies pending migrations.
///
/// WAL with `synchronous = NORMAL` keeps every committed transaction across a process crash
/// (`kill -9`); only an OS crash or power cut could lose the last commits.
pub async fn connect(url: &str) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        // 64 MiB of page cache per connection (SQLite's default is 2 MiB), taken only as pages
        // are read. At 10^6 users a list page filtered by a rare tag probes thousands of index
        // pages; kept in the cache instead of re-read through the OS it runs about 3x faster
        // (make bench-groups).
        .pragma("cache_size", "-65536")
        // Reads through a shared memory map instead of a read() per page: every connection
        // of the pool sees the pages the others brought in. Writes still go through the WAL.
        .pragma("mmap_size", "1073741824");
    let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
    SQLITE_MIGRATIONS.run(&pool).await?;
    Ok(pool)
}

/// The schema on each engine: the same tables and meanings (see the first PostgreSQL migration
/// for where they differ). The server serves from SQLite only, so far.
pub static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
pub static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// A write transaction. `BEGIN IMMEDIATE` takes the write lock at once, waiting for it as long
/// as the busy timeout allows. A deferred `BEGIN` that reads before it writes cannot upgrade
/// while another connection writes, and SQLite then answers "database is locked" at once
/// instead of waiting; inserting a user reads the search index (FTS5) before writing it, so
/// concurrent creations did exactly that.
pub async fn begin_write(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// A write transaction on PostgreSQL that changes the users, groups or tags of one
/// application. It first takes that application's row lock, which the triggers' counters take
/// anyway: taken first, every writer of the application takes its row locks in one order and
/// two writers cannot deadlock (taken last, a user's deletion and a concurrent insertion with
/// tags did: tests/it/postgres.rs). Writers of one application queue, as all writers do on
/// SQLite.
pub async fn begin_application_write(
    pool: &sqlx::PgPool,
    application_id: &str,
) -> Result<Transaction<'static, sqlx::Postgres>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT 1 FROM applications WHERE id = $1 FOR NO KEY UPDATE")
        .bind(application_id)
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// `begin_write` on a connection the caller already holds.
pub async fn begin_write_on(conn: &mut SqliteConnection) -> Result<Transaction<'_, Sqlite>, sqlx::Error> {
    sqlx::Connection::begin_with(conn, "BEGIN IMMEDIATE").await
}
