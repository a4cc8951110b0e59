//! Creating API tokens, for the admin page and the `api-token create` command alike.

use crate::engine::DbConn;
use rand::RngCore;

use super::{clock::now_ms, ids, repo, sessions::hash_token};
use crate::domain::ApplicationName;
use crate::error::AppError;
use model::api_tokens::{ApiTokenInfo, NewApiToken};

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
    repo::api_tokens::insert(conn, &info, application_id, &hash_token(&secret)).await?;
    Ok(NewApiToken { info, secret })
}
