//! Failed sign-ins: one GCRA arrival time (ms) per limited key (see `sign_in_limits`).

use sqlx::SqliteConnection;

/// The stored arrival times of the keys that have one.
pub async fn arrival_times(conn: &mut SqliteConnection, keys: [&str; 2]) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let [first, second] = keys;
    let rows = sqlx::query!(r#"SELECT key AS "key!", tat_ms FROM sign_in_failures WHERE key IN (?, ?)"#, first, second)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|r| (r.key, r.tat_ms)).collect())
}

/// Counts one failure: the key's arrival time moves one `interval` past the later of itself
/// and `now`. One statement, so failures recorded at once by two instances both count.
pub async fn record(conn: &mut SqliteConnection, key: &str, now: i64, interval: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO sign_in_failures (key, tat_ms) VALUES (?1, ?2 + ?3)
         ON CONFLICT (key) DO UPDATE SET tat_ms = max(tat_ms, ?2) + ?3",
        key,
        now,
        interval
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets keys whose arrival time has passed: they are at full allowance, as if absent.
pub async fn forget_rested(conn: &mut SqliteConnection, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM sign_in_failures WHERE tat_ms < ?", now).execute(conn).await?;
    Ok(())
}
