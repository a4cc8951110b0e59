//! The one error type every server function returns. It crosses the wire as JSON, so the
//! browser matches on the same enum the server produced; `status()` maps it once to HTTP.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Messages keyed by the form field they belong to (`"email"`, `"name"`, …).
pub type FieldErrors = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No valid administrator session.
    #[error("Your session has ended. Sign in again.")]
    Unauthorized,
    /// Wrong email or password: deliberately says nothing about which.
    #[error("Incorrect email or password")]
    BadCredentials,
    /// A bearer token (experience or API) that is missing, malformed, expired, invalidated,
    /// revoked, or whose user is gone.
    #[error("A valid token is required: this one is missing, invalid, expired or revoked")]
    TokenRejected,
    /// Signed in, but not allowed to touch this.
    #[error("{0}")]
    Forbidden(String),
    #[error("This request came from another site and was refused")]
    CrossOrigin,
    #[error("{0} was not found")]
    NotFound(String),
    /// Input that failed validation, field by field.
    #[error("Some fields need attention")]
    Invalid(FieldErrors),
    /// The change collides with another one (someone else saved first, a limit was reached).
    #[error("{0}")]
    Conflict(String),
    #[error("Too many attempts. Try again in {0} seconds.")]
    RateLimited(u64),
    #[error("The server is busy. Try again in a moment.")]
    Busy,
    #[error("The request body is larger than the {0} bytes allowed here")]
    TooLarge(usize),
    /// Something unexpected; the details are in the server log, never in the answer.
    #[error("Something went wrong on the server. Try again.")]
    Internal,
    /// The request did not reach the server or its answer could not be read.
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    pub fn field(field: &str, message: impl ToString) -> Self {
        let mut errors = FieldErrors::new();
        errors.insert(field.to_owned(), message.to_string());
        Self::Invalid(errors)
    }

    /// The message for one field, if this error has one.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            Self::Invalid(errors) => errors.get(field).cloned(),
            _ => None,
        }
    }

    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            Self::Unauthorized | Self::BadCredentials | Self::TokenRejected => S::UNAUTHORIZED,
            Self::CrossOrigin | Self::Forbidden(_) => S::FORBIDDEN,
            Self::NotFound(_) => S::NOT_FOUND,
            Self::Invalid(_) => S::BAD_REQUEST,
            Self::Conflict(_) => S::CONFLICT,
            Self::RateLimited(_) => S::TOO_MANY_REQUESTS,
            Self::Busy => S::SERVICE_UNAVAILABLE,
            Self::TooLarge(_) => S::PAYLOAD_TOO_LARGE,
            Self::Internal => S::INTERNAL_SERVER_ERROR,
            Self::Transport(_) => S::BAD_GATEWAY,
        }
    }
}

impl AppError {
    /// Seconds a client should wait before retrying, for the answers that have one.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited(secs) => Some(*secs),
            Self::Busy => Some(1),
            _ => None,
        }
    }

    /// A short stable name for the kind of failure (the `type` of JSON API errors).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Unauthorized | Self::BadCredentials | Self::TokenRejected => "Unauthorized",
            Self::CrossOrigin | Self::Forbidden(_) => "Forbidden",
            Self::NotFound(_) => "NotFound",
            Self::Invalid(_) => "Validation",
            Self::Conflict(_) => "Conflict",
            Self::RateLimited(_) => "TooManyRequests",
            Self::Busy => "ServiceUnavailable",
            Self::TooLarge(_) => "PayloadTooLarge",
            Self::Internal => "InternalError",
            Self::Transport(_) => "BadRequest",
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(detail)
            | ServerFnErrorErr::Serialization(detail)
            | ServerFnErrorErr::Deserialization(detail) => Self::Transport(detail),
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::MissingArg(detail) => {
                Self::field("form", format!("The form was incomplete: {detail}"))
            }
            _ => Self::Internal,
        }
    }
}
