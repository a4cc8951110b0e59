use sqlx::SqliteConnection;

use crate::sessions::CurrentAdmin;

pub async fn insert(
    conn: &mut SqliteConnection,
    token_hash: &str,
    admin_id: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO admin_sessions (token_hash, admin_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
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
pub async fn find_admin(
    conn: &mut SqliteConnection,
    token_hash: &str,
    now: i64,
) -> Result<Option<CurrentAdmin>, sqlx::Error> {
    sqlx::query_as!(
        CurrentAdmin,
        r#"SELECT a.id AS "id!", a.email AS "email!", s.token_hash AS "token_hash!"
           FROM admin_sessions s JOIN admins a ON a.id = s.admin_id
           WHERE s.token_hash = ? AND s.expires_at > ?"#,
        token_hash,
        now
    )
    .fetch_optional(conn)
    .await
}

pub async fn delete(conn: &mut SqliteConnection, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM admin_sessions WHERE token_hash = ?", token_hash).execute(conn).await?;
    Ok(())
}

pub async fn delete_expired(conn: &mut SqliteConnection, now: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!("DELETE FROM admin_sessions WHERE expires_at <= ?", now).execute(conn).await?;
    Ok(done.rows_affected())
}
