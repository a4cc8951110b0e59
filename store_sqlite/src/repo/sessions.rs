use crate::engine::{by_engine, DbConn};

use crate::sessions::CurrentAdmin;

pub async fn insert(
    conn: &mut DbConn,
    token_hash: &str,
    admin_id: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO admin_sessions (token_hash, admin_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        token_hash,
        admin_id,
        now,
        expires_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The administrator owning an unexpired session with this token hash.
pub async fn find_admin(conn: &mut DbConn, token_hash: &str, now: i64) -> Result<Option<CurrentAdmin>, sqlx::Error> {
    sqlx::query_as!(
        CurrentAdmin,
        r#"SELECT a.id AS "id!", a.email AS "email!", s.token_hash AS "token_hash!"
           FROM admin_sessions s JOIN admins a ON a.id = s.admin_id
           WHERE s.token_hash = $1 AND s.expires_at > $2"#,
        token_hash,
        now
    )
    .fetch_optional(conn)
    .await
}

pub async fn delete(conn: &mut DbConn, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM admin_sessions WHERE token_hash = $1", token_hash).execute(conn).await?;
    Ok(())
}

/// Deletes up to `SWEEP_BATCH` expired sessions (see `sweep_expired!`).
pub async fn delete_expired(conn: &mut DbConn, now: i64) -> Result<u64, sqlx::Error> {
    let done = by_engine!(
        sqlite => sweep_expired!("admin_sessions", "", now),
        postgres => sweep_expired!("admin_sessions", "FOR UPDATE SKIP LOCKED", now),
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
