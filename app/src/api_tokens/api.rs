use leptos::prelude::*;

use super::{ApiTokenInfo, NewApiToken};
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr {
    use crate::error::AppError;

    /// `YYYY-MM-DD` (a date input's value) as the first millisecond after that day (UTC).
    pub fn end_of_day(date: &str) -> Result<Option<i64>, AppError> {
        if date.trim().is_empty() {
            return Ok(None);
        }
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let day = time::Date::parse(date.trim(), &format)
            .map_err(|_| AppError::field("expires", "Enter a date as YYYY-MM-DD, or leave it empty"))?;
        let next = day.next_day().ok_or_else(|| AppError::field("expires", "That date is too far away"))?;
        Ok(Some((next.midnight().assume_utc().unix_timestamp_nanos() / 1_000_000) as i64))
    }
}

#[server(endpoint = "api-tokens/list")]
pub async fn list_api_tokens(application_id: String) -> Result<Vec<ApiTokenInfo>, AppError> {
    use crate::server::{context, repo};
    context::respond(async move {
        let mut conn = context::open_application(&application_id).await?;
        repo::api_tokens::list(&mut conn, &application_id).await.map_err(AppError::from)
    })
    .await
}

/// Creates a token; the answer holds its secret, which is never shown again.
#[server(endpoint = "api-tokens/create")]
pub async fn create_api_token(application_id: String, name: String, expires: String) -> Result<NewApiToken, AppError> {
    use crate::server::{api_tokens_service, context};
    context::respond(async move {
        let mut conn = context::open_application(&application_id).await?;
        let expires_at = ssr::end_of_day(&expires)?;
        api_tokens_service::create(&mut conn, &application_id, &name, expires_at).await
    })
    .await
}

/// Revokes a token: requests carrying it fail from now on.
#[server(endpoint = "api-tokens/revoke")]
pub async fn revoke_api_token(application_id: String, token_id: String) -> Result<(), AppError> {
    use crate::server::{api_tokens_service, context};
    context::respond(async move {
        let mut conn = context::open_application(&application_id).await?;
        api_tokens_service::revoke(&mut conn, &application_id, &token_id).await
    })
    .await
}
