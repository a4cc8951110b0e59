use app::error::AppError;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use super::ApiError;

/// Sign-in bodies are small; anything bigger is refused with 413 before parsing.
pub const MAX_JSON_BODY: usize = 4 * 1024;
/// Admin REST bodies may carry lists of ids and tags.
pub const MAX_REST_BODY: usize = 256 * 1024;

/// A JSON body read with a size cap (`LIMIT` bytes) whose parse errors (bad JSON, a wrong
/// type, an unknown field where the type denies them) answer 400 `{type, message}` like
/// every other error.
pub struct JsonBody<T, const LIMIT: usize = MAX_JSON_BODY>(pub T);

impl<S: Send + Sync, T: DeserializeOwned, const LIMIT: usize> FromRequest<S> for JsonBody<T, LIMIT> {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::to_bytes(request.into_body(), LIMIT).await.map_err(|_| AppError::TooLarge(LIMIT))?;
        // Every body is an object: serde would also fill a struct from an array of its fields
        // in order, so `[null, null]` passed for an empty change.
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(ApiError(AppError::field("body", "The body must be a JSON object")));
        }
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| ApiError(AppError::field("body", format!("The body is not valid JSON for this request: {e}"))))
    }
}

/// For `#[serde(default, deserialize_with = "present")]` on an `Option` field: absent is `None`,
/// a value is `Some`, and `null` is refused as the field's type refuses it. (serde alone takes
/// null for absent, so `{"email": null}` passed as "no change".) With `Option<Option<T>>`,
/// null is `Some(None)`: for the fields where null means something (a group's `parentId`).
pub fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}
