//! Creating API tokens, for the admin page and the `api-token create` command alike.

use crate::engine::DbConn;
use rand::RngCore;

use super::{clock::now_ms, ids, repo, sessions::hash_token};
use crate::audit::{self, Change};
use crate::domain::ApplicationName;
use crate::error::AppError;
use model::api_tokens::{ApiTokenInfo, NewApiToken};
use model::users::format_time;

/// Secrets carry a recognisable prefix (so leaked ones can be found by scanners) and 256 random bits.
pub fn new_secret() -> String {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("euapi_{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// `expires_at` in ms, if any, must lie in the future. Names follow the application-name rule.
pub async fn create(
    conn: &mut DbConn,
    application_id: &str,
    name: &str,
    expires_at: Option<i64>,
) -> Result<NewApiToken, AppError> {
    let name = ApplicationName::parse(name).map_err(|e| AppError::field("name", e))?;
    let now = now_ms();
    if expires_at.is_some_and(|at| at <= now) {
        return Err(AppError::field("expires", "The expiry must be in the future"));
    }
    if repo::applications::get(&mut *conn, application_id).await?.is_none() {
        return Err(AppError::NotFound("This application".into()));
    }
    let info = ApiTokenInfo {
        id: ids::new_id(),
        name: name.as_str().to_owned(),
        created_at: now,
        expires_at,
        revoked_at: None,
        last_used_at: None,
    };
    let secret = new_secret();
    let mut tx = super::db::begin_application_write_on(conn, application_id).await?;
    repo::api_tokens::insert(&mut tx, &info, application_id, &hash_token(&secret)).await?;
    let expires =
        Change::new("expires", None, Some(expires_at.map_or_else(|| "never".into(), |at| format_time(Some(at)))));
    repo::audit::insert(&mut tx, &audit::entry(application_id, "api_token.create", None, &info.name, &[expires], now))
        .await?;
    tx.commit().await?;
    Ok(NewApiToken { info, secret })
}

/// Revokes a token: requests carrying it fail from now on.
pub async fn revoke(conn: &mut DbConn, application_id: &str, token_id: &str) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = super::db::begin_application_write_on(conn, application_id).await?;
    let name = repo::api_tokens::revoke(&mut tx, application_id, token_id, now)
        .await?
        .ok_or_else(|| AppError::NotFound("This token".into()))?;
    repo::audit::insert(&mut tx, &audit::entry(application_id, "api_token.revoke", None, &name, &[], now)).await?;
    tx.commit().await?;
    Ok(())
}
