use app::error::AppError;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use super::ApiError;

/// Bodies of the JSON APIs are small; anything bigger is refused with 413 before parsing.
pub const MAX_JSON_BODY: usize = 4 * 1024;

/// A JSON body read with a size cap whose parse errors (bad JSON, a wrong type, an unknown
/// field where the type denies them) answer 400 `{type, message}` like every other error.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::to_bytes(request.into_body(), MAX_JSON_BODY)
            .await
            .map_err(|_| AppError::TooLarge(MAX_JSON_BODY))?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| ApiError(AppError::field("body", format!("The body is not valid JSON for this request: {e}"))))
    }
}
