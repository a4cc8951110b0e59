//! Application API tokens for the REST API; only the SHA-256 of each secret is stored.

use sqlx::SqliteConnection;

use model::api_tokens::ApiTokenInfo;

pub async fn insert(
    conn: &mut SqliteConnection,
    token: &ApiTokenInfo,
    application_id: &str,
    token_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO api_tokens (id, application_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        token.id,
        application_id,
        token.name,
        token_hash,
        token.created_at,
        token.expires_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn list(conn: &mut SqliteConnection, application_id: &str) -> Result<Vec<ApiTokenInfo>, sqlx::Error> {
    sqlx::query_as!(
        ApiTokenInfo,
        r#"SELECT id AS "id!", name, created_at, expires_at, revoked_at, last_used_at FROM api_tokens
           WHERE application_id = ? ORDER BY created_at DESC, id"#,
        application_id
    )
    .fetch_all(conn)
    .await
}

/// Stops a token at once; false when there is no such live token.
pub async fn revoke(
    conn: &mut SqliteConnection,
    application_id: &str,
    id: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE api_tokens SET revoked_at = ? WHERE application_id = ? AND id = ? AND revoked_at IS NULL",
        now,
        application_id,
        id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A live (unrevoked, unexpired) token, as the REST API's door needs it.
pub struct LiveToken {
    pub id: String,
    pub application_id: String,
    pub last_used_at: Option<i64>,
}

pub async fn find_live(
    conn: &mut SqliteConnection,
    token_hash: &str,
    now: i64,
) -> Result<Option<LiveToken>, sqlx::Error> {
    sqlx::query_as!(
        LiveToken,
        r#"SELECT id AS "id!", application_id AS "application_id!", last_used_at FROM api_tokens
           WHERE token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)"#,
        token_hash,
        now
    )
    .fetch_optional(conn)
    .await
}

pub async fn record_use(conn: &mut SqliteConnection, id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", now, id).execute(conn).await?;
    Ok(())
}
