//! Application API tokens for the REST API; only the SHA-256 of each secret is stored.

use sqlx::SqliteConnection;

use crate::api_tokens::ApiTokenInfo;

pub async fn insert(conn: &mut SqliteConnection, token: &ApiTokenInfo, application_id: &str, token_hash: &str) -> Result<(), sqlx::Error> {
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
        r#"SELECT id AS "id!", name, created_at, expires_at, revoked_at FROM api_tokens
           WHERE application_id = ? ORDER BY created_at DESC, id"#,
        application_id
    )
    .fetch_all(conn)
    .await
}

/// Stops a token at once; false when there is no such live token.
pub async fn revoke(conn: &mut SqliteConnection, application_id: &str, id: &str, now: i64) -> Result<bool, sqlx::Error> {
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

/// The application a live (unrevoked, unexpired) token is for.
pub async fn find_application(conn: &mut SqliteConnection, token_hash: &str, now: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT application_id AS "application_id!" FROM api_tokens
           WHERE token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)"#,
        token_hash,
        now
    )
    .fetch_optional(conn)
    .await
}
