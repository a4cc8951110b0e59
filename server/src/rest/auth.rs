use app::error::AppError;
use app::server::sessions::hash_token;
use app::server::{clock::now_ms, headers, repo, AppState};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::ApiError;

/// 401 without a live token; 403 when the token is for another application than the path's.
pub async fn require_token(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let token = headers::bearer(request.headers()).filter(|t| t.len() <= 256);
    let Some(token) = token else {
        return ApiError(AppError::TokenRejected).into_response();
    };
    let found = match state.pool.acquire().await {
        Ok(mut conn) => repo::api_tokens::find_application(&mut conn, &hash_token(&token), now_ms()).await,
        Err(e) => Err(e),
    };
    let application_id = match found {
        Ok(Some(id)) => id,
        Ok(None) => return ApiError(AppError::TokenRejected).into_response(),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let path_application = request
        .uri()
        .path()
        .strip_prefix("/api/v1/applications/")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default();
    if path_application != application_id {
        return ApiError(AppError::Forbidden("This token is not allowed to access this application".into())).into_response();
    }
    next.run(request).await
}
