use crate::api::extract::Path;
use app::error::AppError;
use app::server::sign_in_service::{self, Realm};
use app::server::{client_ip, clock::now_ms, ids, repo, sessions, AppState};
use axum::extract::State;
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
    let ip = client_ip::of(&parts.extensions, &parts.headers, state.proxy_hops);
    let realm = Realm::Application(&application_id);
    let user_id = sign_in_service::verify(&state, realm, &credentials.email, credentials.password, ip).await?;

    let (token, token_hash) = sessions::new_token();
    let now = now_ms();
    let mut tx = app::server::db::begin_write(&state.pool).await?;
    repo::experience_tokens::delete_expired(&mut tx, now).await?;
    repo::experience_tokens::insert(&mut tx, &token_hash, &user_id, &application_id, now, now + state.token_ttl_ms)
        .await?;
    repo::users::record_login(&mut tx, &user_id, now).await?;
    let user = load_user(&mut tx, &application_id, &user_id).await?;
    tx.commit().await?;
    Ok(Json(SignedIn { token, user }))
}
