//! What a server function needs from the request it serves: the shared state, the signed-in
//! administrator, and a way to set the HTTP status from an `AppError`.

use leptos::prelude::{expect_context, use_context};
use leptos_axum::ResponseOptions;
use std::future::Future;

use super::sessions::CurrentAdmin;
use super::{AppState, Conn};
use crate::error::AppError;

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from server function context");
        AppError::Internal
    })
}

/// The administrator whose session the middleware validated, or `Unauthorized`.
pub fn require_admin() -> Result<CurrentAdmin, AppError> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CurrentAdmin>().cloned())
        .ok_or(AppError::Unauthorized)
}

/// The address the request came from (see `client_ip::of`).
pub fn client_ip() -> std::net::IpAddr {
    let hops = use_context::<AppState>().map_or(0, |s| s.proxy_hops);
    use_context::<http::request::Parts>()
        .map(|parts| super::client_ip::of(&parts.extensions, &parts.headers, hops))
        .unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]))
}

pub fn request_headers() -> http::HeaderMap {
    use_context::<http::request::Parts>().map(|parts| parts.headers).unwrap_or_default()
}

/// Runs a server function's body and, when it fails, sets the response status that the
/// error stands for; every server function goes through here.
pub async fn respond<T>(body: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let result = body.await;
    if let Err(error) = &result {
        if let Some(options) = use_context::<ResponseOptions>() {
            options.set_status(error.status());
            if let Some(secs) = error.retry_after() {
                options.insert_header(http::header::RETRY_AFTER, secs.into());
            }
        }
    }
    result
}

/// Authorises a server function's call on one application: a signed-in administrator and an
/// application that exists. Answers a connection to go on with.
pub async fn open_application(application_id: &str) -> Result<Conn, AppError> {
    require_admin()?;
    let not_found = || AppError::NotFound("This application".into());
    if !super::ids::is_id(application_id) {
        return Err(not_found());
    }
    let mut conn = state()?.acquire().await?;
    super::repo::applications::get(&mut conn, application_id).await?.ok_or_else(not_found)?;
    Ok(conn)
}

pub fn set_response_header(name: http::HeaderName, value: &str) {
    if let Ok(value) = http::HeaderValue::from_str(value) {
        expect_context::<ResponseOptions>().append_header(name, value);
    }
}
