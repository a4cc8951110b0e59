//! The one error type every server function returns. It crosses the wire as JSON in the shape
//! of every error answer of the server, `{type, message}` (plus `code` and the details that
//! let the browser rebuild the very enum the server produced); `status()` maps it once to HTTP.

use serde::{Deserialize, Serialize};
use server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use std::collections::BTreeMap;

/// Messages keyed by the form field they belong to (`"email"`, `"name"`, …).
pub type FieldErrors = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(into = "WireError", try_from = "WireError")]
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
    /// The right password, or a token, of an experience user an administrator disabled: until
    /// this instant (ms), or until enabled again (`None`).
    #[error("{}", disabled_message(*.0))]
    UserDisabled(Option<i64>),
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
    /// The change collides with another one: someone else saved first, a limit was reached,
    /// or a value that must be unique is taken (`field` names it, and forms show it there).
    #[error("{message}")]
    Conflict { field: Option<String>, message: String },
    #[error("Too many attempts. Try again in {0} seconds.")]
    RateLimited(u64),
    #[error("The server is busy. Try again in a moment.")]
    Busy,
    #[error("The request body is larger than the {0} bytes allowed here")]
    TooLarge(usize),
    #[error("This method is not allowed here")]
    MethodNotAllowed,
    /// The request (its body, mostly) did not arrive within the server's time for one.
    #[error("The request did not arrive within {0} seconds")]
    TimedOut(u64),
    /// Something unexpected; the details are in the server log, never in the answer.
    #[error("Something went wrong on the server. Try again.")]
    Internal,
    /// The request did not reach the server or its answer could not be read.
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

fn disabled_message(until: Option<i64>) -> String {
    match until {
        Some(ms) => format!("This account is disabled until {}", crate::users::format_time(Some(ms))),
        None => "This account is disabled".into(),
    }
}

impl AppError {
    /// `UserDisabled` for a user's `disabled_until`.
    pub fn user_disabled(until: i64) -> Self {
        Self::UserDisabled((until != crate::users::DISABLED_UNTIL_ENABLED).then_some(until))
    }

    pub fn field(field: &str, message: impl ToString) -> Self {
        let mut errors = FieldErrors::new();
        errors.insert(field.to_owned(), message.to_string());
        Self::Invalid(errors)
    }

    pub fn conflict(message: impl ToString) -> Self {
        Self::Conflict { field: None, message: message.to_string() }
    }

    /// A value of `field` that must be unique and is taken.
    pub fn taken(field: &str, message: impl ToString) -> Self {
        Self::Conflict { field: Some(field.to_owned()), message: message.to_string() }
    }

    /// The message for one field, if this error has one.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            Self::Invalid(errors) => errors.get(field).cloned(),
            Self::Conflict { field: Some(f), message } if f == field => Some(message.clone()),
            _ => None,
        }
    }

    /// True when the error is shown beside the fields it names rather than above the form.
    pub fn is_about_fields(&self) -> bool {
        matches!(self, Self::Invalid(_) | Self::Conflict { field: Some(_), .. })
    }

    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            Self::Unauthorized | Self::BadCredentials | Self::TokenRejected | Self::UserDisabled(_) => S::UNAUTHORIZED,
            Self::CrossOrigin | Self::Forbidden(_) => S::FORBIDDEN,
            Self::NotFound(_) => S::NOT_FOUND,
            Self::Invalid(_) => S::BAD_REQUEST,
            Self::Conflict { .. } => S::CONFLICT,
            Self::RateLimited(_) => S::TOO_MANY_REQUESTS,
            Self::Busy => S::SERVICE_UNAVAILABLE,
            Self::TooLarge(_) => S::PAYLOAD_TOO_LARGE,
            Self::MethodNotAllowed => S::METHOD_NOT_ALLOWED,
            Self::TimedOut(_) => S::REQUEST_TIMEOUT,
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
            Self::UserDisabled(_) => "UserDisabled",
            Self::CrossOrigin | Self::Forbidden(_) => "Forbidden",
            Self::NotFound(_) => "NotFound",
            Self::Invalid(_) => "Validation",
            Self::Conflict { .. } => "Conflict",
            Self::RateLimited(_) => "TooManyRequests",
            Self::Busy => "ServiceUnavailable",
            Self::TooLarge(_) => "PayloadTooLarge",
            Self::MethodNotAllowed => "MethodNotAllowed",
            Self::TimedOut(_) => "RequestTimeout",
            Self::Internal => "InternalError",
            Self::Transport(_) => "BadRequest",
        }
    }
}

/// `AppError` on the wire: `{type, message}` like every JSON error of the server, `code` the
/// variant, and what the variant carries (`fields`, `field`, `detail`, `number`).
#[derive(Serialize, Deserialize)]
struct WireError {
    #[serde(rename = "type")]
    kind: String,
    message: String,
    code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fields: Option<FieldErrors>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    number: Option<u64>,
}

impl From<AppError> for WireError {
    fn from(error: AppError) -> Self {
        let mut wire = WireError {
            kind: error.kind().to_owned(),
            message: error.to_string(),
            code: String::new(),
            fields: None,
            field: None,
            detail: None,
            number: None,
        };
        wire.code = match error {
            AppError::Unauthorized => "Unauthorized",
            AppError::BadCredentials => "BadCredentials",
            AppError::TokenRejected => "TokenRejected",
            AppError::UserDisabled(until) => {
                wire.number = until.map(|ms| ms as u64);
                "UserDisabled"
            }
            AppError::Forbidden(detail) => {
                wire.detail = Some(detail);
                "Forbidden"
            }
            AppError::CrossOrigin => "CrossOrigin",
            AppError::NotFound(detail) => {
                wire.detail = Some(detail);
                "NotFound"
            }
            AppError::Invalid(fields) => {
                wire.fields = Some(fields);
                "Invalid"
            }
            AppError::Conflict { field, .. } => {
                wire.field = field;
                "Conflict"
            }
            AppError::RateLimited(secs) => {
                wire.number = Some(secs);
                "RateLimited"
            }
            AppError::Busy => "Busy",
            AppError::TooLarge(bytes) => {
                wire.number = Some(bytes as u64);
                "TooLarge"
            }
            AppError::MethodNotAllowed => "MethodNotAllowed",
            AppError::TimedOut(secs) => {
                wire.number = Some(secs);
                "TimedOut"
            }
            AppError::Internal => "Internal",
            AppError::Transport(detail) => {
                wire.detail = Some(detail);
                "Transport"
            }
        }
        .to_owned();
        wire
    }
}

impl TryFrom<WireError> for AppError {
    type Error = String;

    fn try_from(wire: WireError) -> Result<Self, Self::Error> {
        let detail = || wire.detail.clone().unwrap_or_default();
        Ok(match wire.code.as_str() {
            "Unauthorized" => Self::Unauthorized,
            "BadCredentials" => Self::BadCredentials,
            "TokenRejected" => Self::TokenRejected,
            "UserDisabled" => Self::UserDisabled(wire.number.map(|ms| ms as i64)),
            "Forbidden" => Self::Forbidden(detail()),
            "CrossOrigin" => Self::CrossOrigin,
            "NotFound" => Self::NotFound(detail()),
            "Invalid" => Self::Invalid(wire.fields.clone().unwrap_or_default()),
            "Conflict" => Self::Conflict { field: wire.field.clone(), message: wire.message.clone() },
            "RateLimited" => Self::RateLimited(wire.number.unwrap_or(1)),
            "Busy" => Self::Busy,
            "TooLarge" => Self::TooLarge(wire.number.unwrap_or_default() as usize),
            "MethodNotAllowed" => Self::MethodNotAllowed,
            "TimedOut" => Self::TimedOut(wire.number.unwrap_or_default()),
            "Internal" => Self::Internal,
            "Transport" => Self::Transport(detail()),
            other => return Err(format!("unknown error code \"{}\"", other.escape_debug())),
        })
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

/// Database failures: a taken unique value becomes a `Conflict` naming its field; anything else
/// is logged and answered as the opaque `Internal`.
#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        if let Some(taken) = taken(&error) {
            return taken;
        }
        // PostgreSQL cannot hold a NUL character in text (SQLite can, but the domain types
        // refuse it): a request that carries one where no rule checks it is the caller's error.
        if let sqlx::Error::Database(db) = &error {
            if db.code().as_deref() == Some("22021") {
                return AppError::field("text", "Text may not contain the NUL character (\\u0000)");
            }
        }
        tracing::error!(%error, "database error");
        Self::Internal
    }
}

/// The `Conflict` a broken unique constraint stands for, when it is one a user can cause (an
/// email taken in the application); `None` for anything else. SQLite names the columns in its
/// message ("UNIQUE constraint failed: experience_users.application_id, …email_normalized"),
/// PostgreSQL names the constraint (`experience_users_application_id_email_normalized_key`).
#[cfg(feature = "ssr")]
pub fn taken(error: &sqlx::Error) -> Option<AppError> {
    let sqlx::Error::Database(db) = error else { return None };
    if !db.is_unique_violation() {
        return None;
    }
    let what = db.constraint().unwrap_or_else(|| db.message());
    (what.contains("experience_users") && what.contains("email_normalized"))
        .then(|| AppError::taken("email", crate::domain::EMAIL_TAKEN))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_crosses_the_wire_as_type_and_message_and_comes_back_the_same() {
        let mut fields = FieldErrors::new();
        fields.insert("email".into(), "Enter a valid email address".into());
        for error in [
            AppError::Unauthorized,
            AppError::BadCredentials,
            AppError::TokenRejected,
            AppError::UserDisabled(None),
            AppError::UserDisabled(Some(1_795_000_000_000)),
            AppError::Forbidden("Not yours".into()),
            AppError::CrossOrigin,
            AppError::NotFound("This user".into()),
            AppError::Invalid(fields),
            AppError::taken("email", "Taken"),
            AppError::conflict("Someone else saved first"),
            AppError::RateLimited(42),
            AppError::Busy,
            AppError::TooLarge(4096),
            AppError::MethodNotAllowed,
            AppError::TimedOut(30),
            AppError::Internal,
            AppError::Transport("offline".into()),
        ] {
            let json = serde_json::to_value(&error).unwrap();
            assert_eq!(json["type"], error.kind(), "{json}");
            assert_eq!(json["message"], error.to_string(), "{json}");
            assert_eq!(serde_json::from_value::<AppError>(json).unwrap(), error);
        }
    }
}
