use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{ListQuery, UserDetail, UserForm, UserPage};
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr {
    use crate::domain::tag_rows_from_json;
    use crate::error::AppError;

    pub use crate::server::users_service::user_not_found;

    /// The tag rows the form sends as JSON pairs; absent means "leave the tags alone".
    pub fn decode_tags(json: Option<String>) -> Result<Option<Vec<(String, String)>>, AppError> {
        json.map(|j| tag_rows_from_json(&j).ok_or_else(|| AppError::field("tags", "The tags could not be read")))
            .transpose()
    }

    /// Comma-separated group ids; absent means "leave the groups alone".
    pub fn decode_groups(ids: Option<String>) -> Option<Vec<String>> {
        ids.map(|s| s.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect())
    }
}

/// One page of a list view, with every view's count.
#[server(endpoint = "users/list", input = Json)]
pub async fn list_users(application_id: String, query: ListQuery) -> Result<UserPage, AppError> {
    use crate::server::{context, user_lists};
    context::respond(async move {
        let mut conn = context::open_application(&application_id).await?;
        user_lists::admin_page(&mut conn, &application_id, &query).await
    })
    .await
}

#[server(endpoint = "users/get")]
pub async fn get_user(application_id: String, user_id: String) -> Result<UserForm, AppError> {
    use crate::server::{context, repo};
    context::respond(async move {
        let mut conn = context::open_application(&application_id).await?;
        let user = repo::users::get(&mut conn, &application_id, &user_id).await?.ok_or_else(ssr::user_not_found)?;
        let tags = repo::user_tags::tags_of(&mut conn, &user_id).await?;
        let group_ids = repo::memberships::groups_of(&mut conn, &user_id).await?.into_iter().map(|g| g.id).collect();
        Ok(UserForm { user, tags, group_ids })
    })
    .await
}

/// Tag keys other users of the application use, starting with `prefix`, most used first.
#[server(endpoint = "users/tag-keys")]
pub async fn suggest_tag_keys(application_id: String, prefix: String) -> Result<Vec<String>, AppError> {
    use crate::server::{context, repo};
    context::respond(async move {
        let mut conn = context::open_application(&application_id).await?;
        if prefix.len() > 255 || !prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return Ok(Vec::new());
        }
        repo::user_tags::suggest_tag_keys(&mut conn, &application_id, &prefix).await.map_err(AppError::from)
    })
    .await
}

/// Whether another user of the application already has this email (any letter case).
#[server(endpoint = "users/email-taken")]
pub async fn email_taken(
    application_id: String,
    email: String,
    except_user_id: Option<String>,
) -> Result<bool, AppError> {
    use crate::domain::Email;
    use crate::server::{context, repo};
    context::respond(async move {
        let mut conn = context::open_application(&application_id).await?;
        let Ok(email) = Email::parse(&email) else { return Ok(false) };
        repo::users::email_taken(&mut conn, &application_id, &email.normalized(), except_user_id.as_deref())
            .await
            .map_err(AppError::from)
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
    tags_json: Option<String>,
    group_ids: Option<String>,
) -> Result<String, AppError> {
    use crate::server::{context, users_service, users_service::UserInput};
    context::respond(async move {
        context::open_application(&application_id).await?;
        let state = context::state()?;
        let input = UserInput {
            email: Some(email),
            password: Some(password),
            first_name: Some(first_name),
            last_name: Some(last_name),
            tags: ssr::decode_tags(tags_json)?,
            group_ids: ssr::decode_groups(group_ids),
            ..UserInput::default()
        };
        let id = users_service::create(&state, &application_id, input).await?;
        leptos_axum::redirect(&format!("/applications/{application_id}/experience/users"));
        Ok(id)
    })
    .await
}

/// Saves an edit made on top of `version`. The password changes only when `change_password`
/// is set. An edit based on an outdated version is refused, so nobody's save is overwritten.
#[server(endpoint = "users/update")]
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
    tags_json: Option<String>,
    group_ids: Option<String>,
) -> Result<UserDetail, AppError> {
    use crate::server::{clock::now_ms, context, users_service, users_service::UserInput};
    context::respond(async move {
        context::open_application(&application_id).await?;
        let state = context::state()?;
        let new_password = change_password.is_some().then(|| password.unwrap_or_default());
        let input = UserInput {
            email: Some(email),
            first_name: Some(first_name),
            last_name: Some(last_name),
            // Offered only with a new password: whoever knew the old one may hold a token.
            token_cutoff: (new_password.is_some() && invalidate_tokens.is_some()).then(now_ms),
            password: new_password,
            tags: ssr::decode_tags(tags_json)?,
            group_ids: ssr::decode_groups(group_ids),
            ..UserInput::default()
        };
        users_service::update(&state, &application_id, &user_id, Some(version), input).await
    })
    .await
}

/// Disables the user (`disable` set) until `until` (`YYYY-MM-DDTHH:MM` in UTC; empty: until
/// enabled again), which also rejects every token they hold; or enables them. Their password,
/// groups and tags stay; nothing else changes, not even the version an edit page holds.
#[server(endpoint = "users/set-disabled")]
pub async fn set_user_disabled(
    application_id: String,
    user_id: String,
    disable: Option<String>,
    until: Option<String>,
) -> Result<UserDetail, AppError> {
    use crate::server::{context, users_service, users_service::UserInput};
    use ::model::users::DISABLED_UNTIL_ENABLED;
    context::respond(async move {
        context::open_application(&application_id).await?;
        let state = context::state()?;
        let until = match until.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            None => DISABLED_UNTIL_ENABLED,
            Some(text) => ::model::timestamps::parse_local_as_utc(text)
                .ok_or_else(|| AppError::field("disabledUntil", "Enter a date and time, like 2026-12-01T09:00"))?,
        };
        let input = UserInput { disabled_until: Some(disable.is_some().then_some(until)), ..UserInput::default() };
        users_service::update(&state, &application_id, &user_id, None, input).await
    })
    .await
}

/// Deletes a user with their memberships and tags; the email becomes free again.
#[server(endpoint = "users/delete")]
pub async fn delete_user(application_id: String, user_id: String) -> Result<(), AppError> {
    use crate::server::{context, users_service};
    context::respond(async move {
        let mut conn = context::open_application(&application_id).await?;
        users_service::delete(&mut conn, &application_id, &user_id).await
    })
    .await
}

/// Rejects every token this user holds now; nothing else about the user changes. Answers
/// the instant from which tokens count again.
#[server(endpoint = "users/invalidate-tokens")]
pub async fn invalidate_user_tokens(application_id: String, user_id: String) -> Result<i64, AppError> {
    use crate::server::{clock::now_ms, context, users_service};
    context::respond(async move {
        let mut conn = context::open_application(&application_id).await?;
        let now = now_ms();
        users_service::invalidate_tokens(&mut conn, &application_id, &user_id, now).await?;
        Ok(now)
    })
    .await
}

/// Rejects every token of every user of the application issued until now.
#[server(endpoint = "users/invalidate-all-tokens")]
pub async fn invalidate_all_tokens(application_id: String) -> Result<i64, AppError> {
    use crate::server::applications_service::{self, ApplicationChanges};
    use crate::server::{clock::now_ms, context};
    context::respond(async move {
        context::require_admin()?;
        let now = now_ms();
        let changes = ApplicationChanges { token_cutoff: Some(now), ..Default::default() };
        applications_service::update(&context::state()?.store, &application_id, changes).await?;
        Ok(now)
    })
    .await
}
