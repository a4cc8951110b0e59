use leptos::prelude::*;

use super::Application;
use crate::error::AppError;

#[server(endpoint = "applications/list")]
pub async fn list_applications() -> Result<Vec<Application>, AppError> {
    use crate::server::{context, repo};
    context::respond(async move {
        context::require_admin()?;
        let state = context::state()?;
        let mut conn = state.pool.acquire().await.map_err(context::db_error)?;
        repo::applications::list(&mut conn).await.map_err(context::db_error)
    })
    .await
}

#[server(endpoint = "applications/get")]
pub async fn get_application(id: String) -> Result<Application, AppError> {
    use crate::server::{context, ids, repo};
    context::respond(async move {
        context::require_admin()?;
        let not_found = || AppError::NotFound("This application".into());
        if !ids::is_id(&id) {
            return Err(not_found());
        }
        let state = context::state()?;
        let mut conn = state.pool.acquire().await.map_err(context::db_error)?;
        repo::applications::get(&mut conn, &id).await.map_err(context::db_error)?.ok_or_else(not_found)
    })
    .await
}

/// Creates an application and sends the browser to its users page.
#[server(endpoint = "applications/create")]
pub async fn create_application(name: String) -> Result<String, AppError> {
    use crate::domain::ApplicationName;
    use crate::server::{clock::now_ms, context, ids, repo};
    context::respond(async move {
        context::require_admin()?;
        let name = ApplicationName::parse(&name).map_err(|e| AppError::field("name", e))?;
        let state = context::state()?;
        let mut conn = state.pool.acquire().await.map_err(context::db_error)?;
        let id = ids::new_id();
        repo::applications::insert(&mut conn, &id, name.as_str(), now_ms()).await.map_err(context::db_error)?;
        leptos_axum::redirect(&format!("/applications/{id}/experience/users"));
        Ok(id)
    })
    .await
}

/// Renames an application and sets or clears its user limit (blank = no limit).
#[server(endpoint = "applications/update")]
pub async fn update_application(id: String, name: String, user_limit: String) -> Result<Application, AppError> {
    use crate::domain::{ApplicationName, UserLimit};
    use crate::error::FieldErrors;
    use crate::server::{clock::now_ms, context, ids, repo};
    context::respond(async move {
        context::require_admin()?;
        let mut errors = FieldErrors::new();
        let name = ApplicationName::parse(&name).map_err(|e| errors.insert("name".into(), e.to_string()));
        let limit = UserLimit::parse(&user_limit).map_err(|e| errors.insert("user_limit".into(), e.to_string()));
        let (Ok(name), Ok(limit)) = (name, limit) else {
            return Err(AppError::Invalid(errors));
        };
        let not_found = || AppError::NotFound("This application".into());
        if !ids::is_id(&id) {
            return Err(not_found());
        }
        let state = context::state()?;
        let mut conn = state.pool.acquire().await.map_err(context::db_error)?;
        let limit = limit.map(UserLimit::get);
        let updated = repo::applications::update(&mut conn, &id, name.as_str(), limit, now_ms())
            .await
            .map_err(context::db_error)?;
        if !updated {
            return Err(not_found());
        }
        Ok(Application { id, name: name.into(), user_limit: limit })
    })
    .await
}
