//! axum's path and query extractors, answering their rejections (a bad percent-encoding, a
//! malformed query) as `{type, message}` like every other API error instead of plain text.

use app::error::AppError;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::FromRequestParts;

use super::ApiError;

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        Self(AppError::field("path", rejection.body_text()))
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self(AppError::field("query", rejection.body_text()))
    }
}

/// The answer to a method a route does not have.
pub async fn method_not_allowed() -> ApiError {
    ApiError(AppError::MethodNotAllowed)
}
