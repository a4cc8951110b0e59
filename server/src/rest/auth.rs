use app::error::AppError;
use app::server::audit::{acting_as, Actor};
use app::server::client_ip;
use app::server::sessions::hash_token;
use app::server::{clock::now_ms, headers, repo, AppState};
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::ApiError;

/// A token's last use is written at most this often: one write a minute for a busy script.
const LAST_USED_EVERY_MS: i64 = 60_000;

/// The name of the API token a request came with (who started a job through it).
#[derive(Clone)]
pub struct TokenName(pub String);

/// 401 without a live token; 403 when the token is for another application than the path's.
pub async fn require_token(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    // Only the headers and path are borrowed across the awaits: the body is not `Sync`.
    match authorise(&state, request.headers(), request.uri().path()).await {
        Ok(name) => {
            // What a script changes through the token is recorded as the token's.
            let address = client_ip::of(request.extensions(), request.headers(), state.proxy_hops).to_string();
            let actor = Actor { name: format!("API token {name}"), address };
            request.extensions_mut().insert(TokenName(name));
            acting_as(actor, next.run(request)).await
        }
        Err(refused) => refused.into_response(),
    }
}

async fn authorise(state: &AppState, request_headers: &HeaderMap, path: &str) -> Result<String, ApiError> {
    let token = headers::bearer(request_headers).filter(|t| t.len() <= 256).ok_or(AppError::TokenRejected)?;
    let now = now_ms();
    let mut conn = state.acquire().await?;
    let live =
        repo::api_tokens::find_live(&mut conn, &hash_token(&token), now).await?.ok_or(AppError::TokenRejected)?;
    let path_application =
        path.strip_prefix("/api/v1/applications/").and_then(|rest| rest.split('/').next()).unwrap_or_default();
    if path_application != live.application_id {
        return Err(AppError::Forbidden("This token is not allowed to access this application".into()).into());
    }
    if live.last_used_at.is_none_or(|at| now - at >= LAST_USED_EVERY_MS) {
        // Bookkeeping only: failing to write it must not refuse the call.
        if let Err(error) = repo::api_tokens::record_use(&mut conn, &live.id, now).await {
            tracing::warn!(%error, "could not record an API token's use");
        }
    }
    Ok(live.name)
}
