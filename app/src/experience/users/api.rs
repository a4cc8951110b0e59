use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{ListQuery, UserDetail, UserPage};
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr {
    use crate::error::AppError;
    use crate::server::{context, ids, repo};
    use sqlx::pool::PoolConnection;
    use sqlx::Sqlite;

    pub fn user_not_found() -> AppError {
        AppError::NotFound("This user".into())
    }

    /// Authorises the call and checks the application exists; returns a connection to use.
    pub async fn open(application_id: &str) -> Result<PoolConnection<Sqlite>, AppError> {
        context::require_admin()?;
        let not_found = || AppError::NotFound("This application".into());
        if !ids::is_id(application_id) {
            return Err(not_found());
        }
        let state = context::state()?;
        let mut conn = state.pool.acquire().await.map_err(context::db_error)?;
        repo::applications::get(&mut conn, application_id)
            .await
            .map_err(context::db_error)?
            .ok_or_else(not_found)?;
        Ok(conn)
    }

    pub fn email_taken() -> AppError {
        AppError::field("email", super::super::fields::EMAIL_TAKEN)
    }

    pub fn is_unique_violation(error: &sqlx::Error) -> bool {
        matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
    }
}

/// One page of a list view, with every view's count.
#[server(endpoint = "users/list", input = Json)]
pub async fn list_users(application_id: String, query: ListQuery) -> Result<UserPage, AppError> {
    use crate::server::{context, repo};
    context::respond(async move {
        let mut conn = ssr::open(&application_id).await?;
        let counts = repo::users::counts(&mut conn, &application_id)
            .await
            .map_err(context::db_error)?
            .unwrap_or_default();
        let (rows, prev, next) = repo::users::list(&mut conn, &application_id, &query)
            .await
            .map_err(context::db_error)?;
        let matching = repo::users::count_matching(&mut conn, &application_id, &query, &counts)
            .await
            .map_err(context::db_error)?;
        let tokens_invalidated_at = repo::applications::token_cutoff(&mut conn, &application_id)
            .await
            .map_err(context::db_error)?
            .flatten();
        Ok(UserPage { rows, counts, matching, prev, next, tokens_invalidated_at })
    })
    .await
}

#[server(endpoint = "users/get")]
pub async fn get_user(application_id: String, user_id: String) -> Result<UserDetail, AppError> {
    use crate::server::{context, repo};
    context::respond(async move {
        let mut conn = ssr::open(&application_id).await?;
        repo::users::get(&mut conn, &application_id, &user_id)
            .await
            .map_err(context::db_error)?
            .ok_or_else(ssr::user_not_found)
    })
    .await
}

/// Whether another user of the application already has this email (any letter case).
#[server(endpoint = "users/email-taken")]
pub async fn email_taken(application_id: String, email: String, except_user_id: Option<String>) -> Result<bool, AppError> {
    use crate::domain::Email;
    use crate::server::{context, repo};
    context::respond(async move {
        let mut conn = ssr::open(&application_id).await?;
        let Ok(email) = Email::parse(&email) else { return Ok(false) };
        repo::users::email_taken(&mut conn, &application_id, &email.normalized(), except_user_id.as_deref())
            .await
            .map_err(context::db_error)
    })
    .await
}

/// Adds a user. Refused field by field on bad input, on a taken email, and when the
/// application's user limit is reached.
#[server(endpoint = "users/create")]
pub async fn create_user(
    application_id: String,
    email: String,
    password: String,
    first_name: String,
    last_name: String,
) -> Result<String, AppError> {
    use super::validate_user;
    use crate::server::{clock::now_ms, context, ids, repo};
    context::respond(async move {
        let mut conn = ssr::open(&application_id).await?;
        let valid = validate_user(&email, Some(&password), &first_name, &last_name).map_err(AppError::Invalid)?;
        let normalized = valid.email.normalized();
        if repo::users::email_taken(&mut conn, &application_id, &normalized, None)
            .await
            .map_err(context::db_error)?
        {
            return Err(ssr::email_taken());
        }
        let state = context::state()?;
        let password = valid.password.as_ref().ok_or(AppError::Internal)?;
        let hash = state.hasher.hash(password).await?;

        let id = ids::new_id();
        let mut tx = sqlx::Connection::begin(&mut *conn).await.map_err(context::db_error)?;
        // The insert takes SQLite's write lock, so the count read after it cannot race
        // another creation: the limit holds under concurrency.
        let inserted = repo::users::insert(
            &mut tx,
            &repo::users::NewUser {
                id: &id,
                application_id: &application_id,
                email: valid.email.as_str(),
                email_normalized: &normalized,
                password_hash: &hash,
                first_name: valid.first_name.as_str(),
                last_name: valid.last_name.as_str(),
                now: now_ms(),
            },
        )
        .await;
        match inserted {
            Err(e) if ssr::is_unique_violation(&e) => return Err(ssr::email_taken()),
            other => other.map_err(context::db_error)?,
        }
        if let Some((count, Some(limit))) = repo::users::count_and_limit(&mut tx, &application_id)
            .await
            .map_err(context::db_error)?
        {
            if count > limit {
                return Err(AppError::Conflict(format!(
                    "This application has reached its limit of {limit} users. Raise the limit in the application's settings or delete users first."
                )));
            }
        }
        tx.commit().await.map_err(context::db_error)?;
        leptos_axum::redirect(&format!("/applications/{application_id}/experience/users"));
        Ok(id)
    })
    .await
}

/// Saves an edit made on top of `version`. The password changes only when `change_password`
/// is set. An edit based on an outdated version is refused, so nobody's save is overwritten.
#[server(endpoint = "users/update")]
#[allow(clippy::too_many_arguments)]
pub async fn update_user(
    application_id: String,
    user_id: String,
    version: i64,
    email: String,
    first_name: String,
    last_name: String,
    change_password: Option<String>,
    password: Option<String>,
    invalidate_tokens: Option<String>,
) -> Result<UserDetail, AppError> {
    use super::validate_user;
    use crate::server::{clock::now_ms, context, repo};
    context::respond(async move {
        let mut conn = ssr::open(&application_id).await?;
        let new_password = change_password.is_some().then(|| password.unwrap_or_default());
        let valid = validate_user(&email, new_password.as_deref(), &first_name, &last_name)
            .map_err(AppError::Invalid)?;
        let normalized = valid.email.normalized();
        if repo::users::email_taken(&mut conn, &application_id, &normalized, Some(&user_id))
            .await
            .map_err(context::db_error)?
        {
            return Err(ssr::email_taken());
        }
        let hash = match &valid.password {
            Some(p) => Some(context::state()?.hasher.hash(p).await?),
            None => None,
        };
        let now = now_ms();
        let changes = repo::users::UserChanges {
            email: valid.email.as_str(),
            email_normalized: &normalized,
            first_name: valid.first_name.as_str(),
            last_name: valid.last_name.as_str(),
            password_hash: hash.as_deref(),
            // Offered only with a new password: whoever knew the old one may hold a token.
            token_cutoff: (hash.is_some() && invalidate_tokens.is_some()).then_some(now),
        };
        let saved = repo::users::update(&mut conn, &application_id, &user_id, version, &changes, now).await;
        let saved = match saved {
            Err(e) if ssr::is_unique_violation(&e) => return Err(ssr::email_taken()),
            other => other.map_err(context::db_error)?,
        };
        let current = repo::users::get(&mut conn, &application_id, &user_id)
            .await
            .map_err(context::db_error)?
            .ok_or_else(ssr::user_not_found)?;
        if !saved {
            return Err(AppError::Conflict(
                "Someone else saved this user after you opened it, so your changes were not saved. \
                 Reload the page to see their version, then make your changes again."
                    .into(),
            ));
        }
        Ok(current)
    })
    .await
}

/// Deletes a user with their memberships and tags; the email becomes free again.
#[server(endpoint = "users/delete")]
pub async fn delete_user(application_id: String, user_id: String) -> Result<(), AppError> {
    use crate::server::{context, repo};
    context::respond(async move {
        let mut conn = ssr::open(&application_id).await?;
        let deleted = repo::users::delete(&mut conn, &application_id, &user_id)
            .await
            .map_err(context::db_error)?;
        if deleted { Ok(()) } else { Err(ssr::user_not_found()) }
    })
    .await
}

/// Rejects every token this user holds now; nothing else about the user changes. Answers
/// the instant from which tokens count again.
#[server(endpoint = "users/invalidate-tokens")]
pub async fn invalidate_user_tokens(application_id: String, user_id: String) -> Result<i64, AppError> {
    use crate::server::{clock::now_ms, context, repo};
    context::respond(async move {
        let mut conn = ssr::open(&application_id).await?;
        let now = now_ms();
        let done = repo::users::set_token_cutoff(&mut conn, &application_id, &user_id, now)
            .await
            .map_err(context::db_error)?;
        if done { Ok(now) } else { Err(ssr::user_not_found()) }
    })
    .await
}

/// Rejects every token of every user of the application issued until now.
#[server(endpoint = "users/invalidate-all-tokens")]
pub async fn invalidate_all_tokens(application_id: String) -> Result<i64, AppError> {
    use crate::server::{clock::now_ms, context, repo};
    context::respond(async move {
        let mut conn = ssr::open(&application_id).await?;
        let now = now_ms();
        repo::applications::set_token_cutoff(&mut conn, &application_id, now)
            .await
            .map_err(context::db_error)?;
        Ok(now)
    })
    .await
}
