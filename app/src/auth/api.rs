use leptos::prelude::*;

use crate::error::AppError;

/// Signs an administrator in: sets the session cookie and redirects to `next` (a local path)
/// or to the applications page. Wrong email and wrong password get the same answer.
#[server(endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::server::sign_in_service::{self, Realm};
    use crate::server::{clock::now_ms, context, repo, sessions};

    context::respond(async move {
        let state = context::state()?;
        let admin_id =
            sign_in_service::verify(&state, Realm::Administrators, &email, password, context::client_ip()).await?;
        let mut conn = state.acquire().await?;
        let (token, token_hash) = sessions::new_token();
        let now = now_ms();
        // Sweeping here keeps the table small without a background task.
        repo::sessions::delete_expired(&mut conn, now).await?;
        repo::sessions::insert(&mut conn, &token_hash, &admin_id, now, now + sessions::SESSION_LIFETIME_MS).await?;
        let secure = sessions::is_https(&context::request_headers());
        context::set_response_header(http::header::SET_COOKIE, &sessions::set_cookie(&token, secure));
        leptos_axum::redirect(&safe_next(next.as_deref()));
        Ok(())
    })
    .await
}

/// Ends the current session (if any) and sends the browser to the sign-in page.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::{context, repo, sessions};

    context::respond(async move {
        if let Ok(admin) = context::require_admin() {
            let state = context::state()?;
            let mut conn = state.acquire().await?;
            repo::sessions::delete(&mut conn, &admin.token_hash).await?;
        }
        let secure = sessions::is_https(&context::request_headers());
        context::set_response_header(http::header::SET_COOKIE, &sessions::clear_cookie(secure));
        leptos_axum::redirect("/login");
        Ok(())
    })
    .await
}

/// The signed-in administrator's email.
#[server(endpoint = "whoami")]
pub async fn whoami() -> Result<String, AppError> {
    use crate::server::context;
    context::respond(async move { Ok(context::require_admin()?.email) }).await
}

/// Only same-site paths are followed after sign-in, so `?next=` cannot send anyone elsewhere.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => path.to_owned(),
        _ => "/applications".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/applications/abc")), "/applications/abc");
        assert_eq!(safe_next(Some("//evil.example")), "/applications");
        assert_eq!(safe_next(Some("https://evil.example")), "/applications");
        assert_eq!(safe_next(Some("/\\evil.example")), "/applications");
        assert_eq!(safe_next(None), "/applications");
    }
}
