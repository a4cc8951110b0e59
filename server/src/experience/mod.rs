//! The experience API: end users sign in with email and password and call their own
//! endpoints with the token they get (DESIGN §3.2).

mod auth;
mod bearer;
mod me;

use app::server::AppState;
use axum::routing::{get, post};
use axum::Router;

use crate::api::extract::method_not_allowed;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/experience/{application_id}/auth", post(auth::sign_in).fallback(method_not_allowed))
        .route("/api/experience/{application_id}/me", get(me::profile).fallback(method_not_allowed))
        .route("/api/experience/{application_id}/me/devices", get(me::devices).fallback(method_not_allowed))
}
