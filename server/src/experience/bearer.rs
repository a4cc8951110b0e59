//! Finding and checking an experience user's token.

use app::error::AppError;
use app::experience::users::UserDetail;
use app::server::sessions::hash_token;
use app::server::{clock::now_ms, headers, ids, repo, AppState, Conn};
use axum::http::request::Parts;

use crate::api::ApiError;

/// The token as Losant's experience endpoints accept it: `Authorization: Bearer …`, then
/// `?authorization=…`, then an `authorization` cookie.
pub fn token(parts: &Parts) -> Option<String> {
    let from_header = headers::bearer(&parts.headers);
    let from_query = || {
        parts.uri.query().and_then(|query| {
            query
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .find(|(name, _)| *name == "authorization")
                .map(|(_, value)| percent_encoding::percent_decode_str(value).decode_utf8_lossy().into_owned())
        })
    };
    let from_cookie = || headers::cookie(&parts.headers, "authorization");
    from_header
        .or_else(from_query)
        .or_else(from_cookie)
        .map(|t| t.strip_prefix("Bearer ").map(str::to_owned).unwrap_or(t))
        .filter(|t| !t.is_empty())
}

/// The user whose valid token this request carries, for this application (read with the
/// token, in one statement), and the connection that read it, for the request's other reads.
pub async fn authenticate(
    state: &AppState,
    application_id: &str,
    parts: &Parts,
) -> Result<(UserDetail, Conn), ApiError> {
    let token = token(parts).ok_or(AppError::TokenRejected)?;
    // Our tokens are 43 base64url characters; anything far off is not worth a query.
    if !ids::is_id(application_id) || token.len() > 128 {
        return Err(AppError::TokenRejected.into());
    }
    let mut conn = state.acquire().await?;
    let (hash, now) = (hash_token(&token), now_ms());
    let Some(user) = repo::experience_tokens::find_user(&mut conn, &hash, application_id, now).await? else {
        // Disabling cuts the user's tokens off: say which refusal this is (only on this path,
        // so a good token costs one statement).
        let disabled = repo::experience_tokens::disabled_until_of_holder(&mut conn, &hash, application_id, now).await?;
        return Err(disabled.map_or(AppError::TokenRejected, AppError::user_disabled).into());
    };
    let user = UserDetail::from(user);
    // A token issued while disabled cannot exist (sign-in refuses), but the rule is the rule.
    if let Some(until) = user.disabled_until.filter(|_| user.disabled_at(now)) {
        return Err(AppError::user_disabled(until).into());
    }
    Ok((user, conn))
}

#[cfg(test)]
mod tests {
    use super::token;
    use axum::http::Request;

    fn parts(request: Request<()>) -> axum::http::request::Parts {
        request.into_parts().0
    }

    #[test]
    fn reads_the_token_from_header_query_or_cookie() {
        let header = Request::get("/me").header("authorization", "Bearer abc").body(()).unwrap();
        assert_eq!(token(&parts(header)).as_deref(), Some("abc"));
        let query = Request::get("/me?x=1&authorization=Bearer%20q-1").body(()).unwrap();
        assert_eq!(token(&parts(query)).as_deref(), Some("q-1"));
        let cookie = Request::get("/me").header("cookie", "a=b; authorization=c_2").body(()).unwrap();
        assert_eq!(token(&parts(cookie)).as_deref(), Some("c_2"));
        let none = Request::get("/me").header("authorization", "Basic eA==").body(()).unwrap();
        assert_eq!(token(&parts(none)), None);
    }
}
