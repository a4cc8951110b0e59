//! The administrators' REST API under `/api/v1`, shaped like Losant's so its official
//! clients work unchanged (DESIGN §3.3). Every route but the OpenAPI document needs an
//! application API token, and a token reaches its own application only.

mod advanced_query;
mod applications;
mod auth;
mod bulk;
mod groups;
mod history;
mod list_params;
pub mod openapi;
mod users;

use app::error::AppError;
use app::server::AppState;
use axum::routing::{any, get, post};
use axum::Router;
use serde::Serialize;

use crate::api::extract::method_not_allowed;
use crate::api::ApiError;

pub fn router(state: AppState) -> Router<AppState> {
    let app = "/api/v1/applications/{application_id}";
    Router::new()
        .route(app, get(applications::get).patch(applications::patch).fallback(method_not_allowed))
        .route(&format!("{app}/experience/users"), get(users::list).post(users::create).fallback(method_not_allowed))
        .route(
            &format!("{app}/experience/users/{{user_id}}"),
            get(users::get).patch(users::patch).delete(users::delete).fallback(method_not_allowed),
        )
        .route(&format!("{app}/experience/users/bulk"), post(bulk::start).fallback(method_not_allowed))
        .route(&format!("{app}/experience/users/bulk/{{job_id}}"), get(bulk::job).fallback(method_not_allowed))
        .route(&format!("{app}/audit-log"), get(history::list).fallback(method_not_allowed))
        .route(&format!("{app}/experience/groups"), get(groups::list).post(groups::create).fallback(method_not_allowed))
        .route(
            &format!("{app}/experience/groups/{{group_id}}"),
            get(groups::get).patch(groups::patch).delete(groups::delete).fallback(method_not_allowed),
        )
        .route_layer(axum::middleware::from_fn_with_state(state, auth::require_token))
        .route("/api/v1/openapi.json", get(openapi::serve).fallback(method_not_allowed))
        .route("/api/v1/{*rest}", any(unknown_route))
}

async fn unknown_route() -> ApiError {
    ApiError(AppError::NotFound("This API route".into()))
}

/// `{"success": true}`, the answer to every delete.
#[derive(Serialize)]
pub struct Success {
    success: bool,
}

pub const SUCCESS: Success = Success { success: true };
