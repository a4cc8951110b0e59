//! Application API tokens for the REST API; only the SHA-256 of each secret is stored.

use crate::engine::DbConn;
use crate::records::LiveToken;

use model::api_tokens::ApiTokenInfo;

pub async fn insert(
    conn: &mut DbConn,
    token: &ApiTokenInfo,
    application_id: &str,
    token_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO api_tokens (id, application_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
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

pub async fn list(conn: &mut DbConn, application_id: &str) -> Result<Vec<ApiTokenInfo>, sqlx::Error> {
    sqlx::query_as!(
        ApiTokenInfo,
        r#"SELECT id AS "id!", name, created_at, expires_at, revoked_at, last_used_at FROM api_tokens
           WHERE application_id = $1 ORDER BY created_at DESC, id"#,
        application_id
    )
    .fetch_all(conn)
    .await
}

/// Stops a token at once; false when there is no such live token.
/// Revokes a live token; answers its name, or `None` if there is no such live token.
pub async fn revoke(
    conn: &mut DbConn,
    application_id: &str,
    id: &str,
    now: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE api_tokens SET revoked_at = $1 WHERE application_id = $2 AND id = $3 AND revoked_at IS NULL
         RETURNING name",
        now,
        application_id,
        id
    )
    .fetch_optional(conn)
    .await
}

pub async fn find_live(conn: &mut DbConn, token_hash: &str, now: i64) -> Result<Option<LiveToken>, sqlx::Error> {
    sqlx::query_as!(
        LiveToken,
        r#"SELECT id AS "id!", application_id AS "application_id!", name, last_used_at FROM api_tokens
           WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)"#,
        token_hash,
        now
    )
    .fetch_optional(conn)
    .await
}

pub async fn record_use(conn: &mut DbConn, id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", now, id).execute(conn).await?;
    Ok(())
}
