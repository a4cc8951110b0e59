use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
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
        .pragma("cache_size", "-65536");
    let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
    sqlx::migrate!("../migrations").run(&pool).await?;
    Ok(pool)
}
