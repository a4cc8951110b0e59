use app::error::AppError;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// An `AppError` answered as JSON `{type, message}` with its status (and `Retry-After`
/// where waiting helps). The one place API errors become HTTP.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        Self(error)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        Self(error.into())
    }
}

#[derive(Serialize)]
struct Body {
    #[serde(rename = "type")]
    kind: &'static str,
    message: String,
}

impl ApiError {
    fn message(&self) -> String {
        match &self.0 {
            // Every problem at once; each message names its field already.
            AppError::Invalid(fields) => fields.values().cloned().collect::<Vec<_>>().join("; "),
            other => other.to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body { kind: self.0.kind(), message: self.message() };
        let mut response = (self.0.status(), Json(body)).into_response();
        if let Some(secs) = self.0.retry_after() {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
