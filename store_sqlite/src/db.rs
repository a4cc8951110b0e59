use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};

use std::path::{Path, PathBuf};
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
    let lock = migrations_lock(options.get_filename());
    let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
    // sqlx takes no lock around SQLite's migrations: processes starting at once on a new file
    // would each find them pending, and the second to apply one fails. One migrates while the
    // others wait on a file lock beside the database (never on the database file itself: a
    // second descriptor on it, once closed, would drop SQLite's own locks in this process).
    let _held = match lock {
        Some(path) => Some(
            tokio::task::spawn_blocking(move || -> std::io::Result<std::fs::File> {
                let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(path)?;
                file.lock()?;
                Ok(file)
            })
            .await
            .map_err(|e| sqlx::Error::Io(std::io::Error::other(e)))??,
        ),
        None => None,
    };
    let applied = applied_migrations(&pool).await?;
    MIGRATIONS.run(&pool).await?;
    if applied_migrations(&pool).await? > applied {
        refresh_statistics(&pool).await?;
        checkpoint(&pool).await?;
    }
    Ok(pool)
}

/// Copies the WAL into the database file and empties it. A migration that rewrites an index
/// (migration 17 rebuilds the trigram index: ~1 GB of WAL at 10^6 users) leaves a WAL every page
/// read must look its page up in, frame table by frame table, until a checkpoint: list pages
/// took 1-2 s instead of 2-5 ms then. Emptied at once, the first requests after an upgrade
/// run as fast as any.
async fn checkpoint(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(pool).await?;
    Ok(())
}

async fn applied_migrations(pool: &SqlitePool) -> Result<i64, sqlx::Error> {
    rows_of(pool, "_sqlx_migrations").await
}

/// How many rows `table` holds; none where it does not exist yet.
async fn rows_of(pool: &SqlitePool, table: &'static str) -> Result<i64, sqlx::Error> {
    let exists: Option<String> = sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?")
        .bind(table)
        .fetch_optional(pool)
        .await?;
    match exists {
        Some(_) => sqlx::query_scalar(&format!("SELECT count(*) FROM {table}")).fetch_one(pool).await,
        None => Ok(0),
    }
}

/// After a migration, on a database whose statistics were measured (ANALYZE ran on it): measure
/// again, so a new index is not taken, unmeasured, for the most selective of all (SQLite's
/// guess for an index it has no statistics for; at 10^6 users that once sorted a whole
/// application through the wrong index: 1.7 s instead of 1 ms). Every index is read whole:
/// 4 s at 10^6 users, once per upgrade. A sample (`analysis_limit`) reads the first rows of
/// each index, all of one application where one holds most users, and guessed ~1,000 users
/// per application: the planner then walked a million rows to find the few disabled users
/// (35-120 ms a page instead of 2-7). A database never measured is left so: its planner judges
/// every index by the same rules.
pub async fn refresh_statistics(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    // ANALYZE of an empty table writes no row: a new database has the table but no statistics.
    if rows_of(pool, "sqlite_stat1").await? > 0 {
        sqlx::query("ANALYZE").execute(pool).await?;
    }
    Ok(())
}

/// Where the migrations' lock of a database file lives; none for an in-memory database.
fn migrations_lock(database: &Path) -> Option<PathBuf> {
    let name = database.file_name()?.to_str()?;
    if name.is_empty() || name == ":memory:" {
        return None;
    }
    Some(database.with_file_name(format!("{name}.migrations-lock")))
}

/// The schema on this engine (see the first PostgreSQL migration for where the engines differ).
pub static MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");

/// A write transaction. `BEGIN IMMEDIATE` takes the write lock at once, waiting for it as long
/// as the busy timeout allows. A deferred `BEGIN` that reads before it writes cannot upgrade
/// while another connection writes, and SQLite then answers "database is locked" at once
/// instead of waiting; inserting a user reads the search index (FTS5) before writing it, so
/// concurrent creations did exactly that.
pub async fn begin_write(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// `begin_write` on a connection the caller already holds.
pub async fn begin_write_on(conn: &mut SqliteConnection) -> Result<Transaction<'_, Sqlite>, sqlx::Error> {
    sqlx::Connection::begin_with(conn, "BEGIN IMMEDIATE").await
}

/// A read transaction that sees the database as it was at its first read, whatever is
/// written meanwhile: SQLite's WAL gives every read transaction a snapshot.
pub async fn begin_snapshot(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
    pool.begin().await
}

/// Keeps other instances from creating administrators until this transaction ends: on SQLite
/// the write transaction holds the database's write lock already.
pub async fn lock_admins(_tx: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    Ok(())
}

/// A write transaction that changes the users, groups or tags of one application. On SQLite
/// every write transaction already excludes all others (`begin_write`); on PostgreSQL this
/// also takes the application's row lock first (see `store_pg`).
pub async fn begin_application_write(
    pool: &SqlitePool,
    _application_id: &str,
) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
    begin_write(pool).await
}

/// `begin_application_write` on a connection the caller already holds.
pub async fn begin_application_write_on<'c>(
    conn: &'c mut SqliteConnection,
    _application_id: &str,
) -> Result<Transaction<'c, Sqlite>, sqlx::Error> {
    begin_write_on(conn).await
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn stat_rows(pool: &SqlitePool, index: &str) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM sqlite_stat1 WHERE idx = ?").bind(index).fetch_one(pool).await.unwrap()
    }

    #[tokio::test]
    async fn a_measured_database_gets_its_new_indexes_measured_and_an_unmeasured_one_stays_so() {
        let dir = tempfile::tempdir().unwrap();
        let pool = connect(&format!("sqlite://{}", dir.path().join("t.db").display())).await.unwrap();
        sqlx::query("CREATE TABLE t (a INTEGER, b INTEGER)").execute(&pool).await.unwrap();
        sqlx::query("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999) INSERT INTO t SELECT i, i % 3 FROM n")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("CREATE INDEX t_a ON t(a)").execute(&pool).await.unwrap();
        refresh_statistics(&pool).await.unwrap();
        assert_eq!(stat_rows(&pool, "t_a").await, 0, "never measured: left so");

        sqlx::query("ANALYZE").execute(&pool).await.unwrap();
        sqlx::query("CREATE INDEX t_b ON t(b)").execute(&pool).await.unwrap();
        assert_eq!(stat_rows(&pool, "t_b").await, 0);
        refresh_statistics(&pool).await.unwrap();
        assert_eq!(stat_rows(&pool, "t_b").await, 1, "the new index is measured");
        assert_eq!(stat_rows(&pool, "t_a").await, 1);
    }

    /// As an application's users are: one value of the index's first column on most rows.
    #[tokio::test]
    async fn statistics_are_measured_on_the_whole_index_not_a_sample() {
        let dir = tempfile::tempdir().unwrap();
        let pool = connect(&format!("sqlite://{}", dir.path().join("t.db").display())).await.unwrap();
        sqlx::query("CREATE TABLE t (app INTEGER, b INTEGER)").execute(&pool).await.unwrap();
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 49999)
             INSERT INTO t SELECT i / 40000, i FROM n",
        )
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query("ANALYZE").execute(&pool).await.unwrap();
        sqlx::query("CREATE INDEX t_app_b ON t(app, b)").execute(&pool).await.unwrap();
        refresh_statistics(&pool).await.unwrap();
        let stat: String =
            sqlx::query_scalar("SELECT stat FROM sqlite_stat1 WHERE idx = 't_app_b'").fetch_one(&pool).await.unwrap();
        // 50,000 rows, 25,000 a value of `app` on average, one per (app, b).
        assert_eq!(stat, "50000 25000 1");
    }
}
