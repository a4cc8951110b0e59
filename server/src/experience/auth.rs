use crate::api::extract::Path;
use app::error::AppError;
use app::server::sign_in_service::{self, Realm};
use app::server::{client_ip, ids, AppState};
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

    let token = sign_in_service::issue_experience_token(&state, &application_id, &user_id).await?;
    let user = load_user(&mut state.acquire().await?, &application_id, &user_id).await?;
    Ok(Json(SignedIn { token, user }))
}
