use app::domain::Email;
use app::error::AppError;
use app::server::sign_in_limits::Account;
use app::server::{client_ip, clock::now_ms, ids, repo, sessions, AppState};
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::me::load_user;
use crate::api::resources::ExperienceUser;
use crate::api::{ApiError, JsonBody};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    email: String,
    password: String,
}

#[derive(Serialize)]
pub struct SignedIn {
    token: String,
    user: ExperienceUser,
}

/// `POST /api/experience/{applicationId}/auth`. A wrong password and an unknown email get the
/// same answer after the same argon2 work; failures are limited per account and per
/// (account, address), and a locked attempt is refused before any hashing.
pub async fn sign_in(
    State(state): State<AppState>,
    Path(application_id): Path<String>,
    parts: Parts,
    JsonBody(credentials): JsonBody<Credentials>,
) -> Result<Json<SignedIn>, ApiError> {
    let not_found = || ApiError(AppError::NotFound("This application".into()));
    if !ids::is_id(&application_id) {
        return Err(not_found());
    }
    let email = Email::parse(&credentials.email).map_err(|e| AppError::field("email", e))?;
    if credentials.password.is_empty() {
        return Err(AppError::field("password", "Enter your password").into());
    }
    let account = Account { scope: application_id.clone(), email_normalized: email.normalized() };
    let ip = client_ip::of(&parts.extensions, &parts.headers, state.trust_forwarded_for);
    state.sign_in_limits.check(&account, ip).await?;

    let mut conn = state.pool.acquire().await?;
    repo::applications::get(&mut conn, &application_id).await?.ok_or_else(not_found)?;
    let found = repo::users::find_for_sign_in(&mut conn, &application_id, &email.normalized()).await?;
    let (user_id, hash) = match found {
        Some((id, hash)) => (Some(id), Some(hash)),
        None => (None, None),
    };
    // The connection goes back to the pool while argon2 runs.
    drop(conn);
    let matches = state.hasher.verify(credentials.password, hash).await?;
    let Some(user_id) = user_id.filter(|_| matches) else {
        state.sign_in_limits.failed(&account, ip).await?;
        return Err(AppError::BadCredentials.into());
    };

    let (token, token_hash) = sessions::new_token();
    let now = now_ms();
    let mut tx = state.pool.begin().await?;
    repo::experience_tokens::delete_expired(&mut tx, now).await?;
    repo::experience_tokens::insert(&mut tx, &token_hash, &user_id, &application_id, now, now + state.token_ttl_ms)
        .await?;
    repo::users::record_login(&mut tx, &user_id, now).await?;
    let user = load_user(&mut tx, &application_id, &user_id).await?;
    tx.commit().await?;
    Ok(Json(SignedIn { token, user }))
}
