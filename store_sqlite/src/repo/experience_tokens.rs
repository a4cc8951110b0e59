//! Experience users' access tokens, stored as SHA-256 hashes.

use crate::engine::{by_engine, DbConn};
use crate::records::UserRecord;

pub async fn insert(
    conn: &mut DbConn,
    token_hash: &str,
    user_id: &str,
    application_id: &str,
    issued_at: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO experience_tokens (token_hash, user_id, application_id, issued_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
        token_hash,
        user_id,
        application_id,
        issued_at,
        expires_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The user a token stands for (read with it), if it is still good: issued for this application, not
/// expired, and issued strictly after both the user's and the application's token cutoff.
/// Everything is read in one statement, so a cutoff written by any server process counts
/// from the moment it is committed.
pub async fn find_user(
    conn: &mut DbConn,
    token_hash: &str,
    application_id: &str,
    now: i64,
) -> Result<Option<UserRecord>, sqlx::Error> {
    sqlx::query_as!(
        UserRecord,
        r#"SELECT u.id AS "id!", u.email AS "email!", u.first_name AS "first_name!", u.last_name AS "last_name!",
                  u.version AS "version!", u.created_at AS "created_at!", u.updated_at AS "updated_at!",
                  u.password_updated_at AS "password_updated_at!", u.last_login_at AS "last_login_at!",
                  u.token_cutoff, u.disabled_until
           FROM experience_tokens t
           JOIN experience_users u ON u.id = t.user_id
           JOIN applications a ON a.id = u.application_id
           WHERE t.token_hash = $1 AND t.application_id = $2 AND u.application_id = t.application_id
             AND t.expires_at > $3
             AND (u.token_cutoff IS NULL OR t.issued_at > u.token_cutoff)
             AND (a.exp_user_token_cutoff IS NULL OR t.issued_at > a.exp_user_token_cutoff)"#,
        token_hash,
        application_id,
        now
    )
    .fetch_optional(conn)
    .await
}

/// When a token `find_user` refused belongs to a user disabled now: until when (`i64::MAX`
/// until enabled). Disabling cuts the user's tokens off, so this tells the two refusals apart.
pub async fn disabled_until_of_holder(
    conn: &mut DbConn,
    token_hash: &str,
    application_id: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT u.disabled_until AS "disabled_until!" FROM experience_tokens t
           JOIN experience_users u ON u.id = t.user_id
           WHERE t.token_hash = $1 AND t.application_id = $2 AND t.expires_at > $3 AND u.disabled_until > $3"#,
        token_hash,
        application_id,
        now
    )
    .fetch_optional(conn)
    .await
}

/// Deletes up to `SWEEP_BATCH` expired tokens (see `sweep_expired!`).
pub async fn delete_expired(conn: &mut DbConn, now: i64) -> Result<u64, sqlx::Error> {
    let done = by_engine!(
        sqlite => sweep_expired!("experience_tokens", "", now),
        postgres => sweep_expired!("experience_tokens", "FOR UPDATE SKIP LOCKED", now),
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
