//! Failed sign-ins: one GCRA arrival time (ms) per limited key (see `sign_in_limits`).

use crate::engine::{by_engine, DbConn};

/// The stored arrival times of the keys that have one.
pub async fn arrival_times(conn: &mut DbConn, keys: [&str; 2]) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let [first, second] = keys;
    let rows =
        sqlx::query!(r#"SELECT key AS "key!", tat_ms FROM sign_in_failures WHERE key IN ($1, $2)"#, first, second)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|r| (r.key, r.tat_ms)).collect())
}

/// Counts one failure for `key` unless it is locked: its arrival time moves one `interval`
/// past the later of itself and `now`, provided it lay at most `tolerance` ahead of `now`.
/// Answers whether it was counted. One statement, so instances counting at once all count.
pub async fn take(conn: &mut DbConn, key: &str, now: i64, interval: i64, tolerance: i64) -> Result<bool, sqlx::Error> {
    // Only the name of the two-argument maximum differs.
    macro_rules! take {
        ($max:tt) => {
            sqlx::query!(
                "INSERT INTO sign_in_failures (key, tat_ms) VALUES ($1, CAST($2 AS BIGINT) + CAST($3 AS BIGINT))
                 ON CONFLICT (key) DO UPDATE SET tat_ms = "
                    + $max
                    + "(sign_in_failures.tat_ms, $2) + $3
                 WHERE sign_in_failures.tat_ms - $2 <= $4",
                key,
                now,
                interval,
                tolerance
            )
        };
    }
    let done = by_engine!(sqlite => take!("max"), postgres => take!("GREATEST")).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}

/// Takes back one counted failure of `key` (a reservation that was not a failure after all).
pub async fn give_back(conn: &mut DbConn, key: &str, interval: i64) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE sign_in_failures SET tat_ms = tat_ms - $1 WHERE key = $2", interval, key)
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets keys whose arrival time has passed: they are at full allowance, as if absent.
pub async fn forget_rested(conn: &mut DbConn, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM sign_in_failures WHERE tat_ms < $1", now).execute(conn).await?;
    Ok(())
}
