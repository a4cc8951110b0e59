use leptos::prelude::*;

use super::Application;
use crate::error::AppError;

#[server(endpoint = "applications/list")]
pub async fn list_applications() -> Result<Vec<Application>, AppError> {
    use crate::server::{context, repo};
    context::respond(async move {
        context::require_admin()?;
        let state = context::state()?;
        let mut conn = state.acquire().await?;
        repo::applications::list(&mut conn).await.map_err(AppError::from)
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
        let mut conn = state.acquire().await?;
        repo::applications::get(&mut conn, &id).await?.ok_or_else(not_found)
    })
    .await
}

/// Creates an application and sends the browser to its users page.
#[server(endpoint = "applications/create")]
pub async fn create_application(name: String) -> Result<String, AppError> {
    use crate::server::{applications_service, context};
    context::respond(async move {
        context::require_admin()?;
        let mut conn = context::state()?.acquire().await?;
        let id = applications_service::create(&mut conn, &name).await?;
        leptos_axum::redirect(&format!("/applications/{id}/experience/users"));
        Ok(id)
    })
    .await
}

/// Renames an application and sets or clears its user limit (blank = no limit).
#[server(endpoint = "applications/update")]
pub async fn update_application(id: String, name: String, user_limit: String) -> Result<Application, AppError> {
    use crate::server::applications_service::{self, ApplicationChanges};
    use crate::server::{context, repo};
    context::respond(async move {
        context::require_admin()?;
        let state = context::state()?;
        let changes = ApplicationChanges { name: Some(name), user_limit: Some(user_limit), token_cutoff: None };
        applications_service::update(&state, &id, changes).await?;
        let mut conn = state.acquire().await?;
        repo::applications::get(&mut conn, &id).await?.ok_or_else(applications_service::not_found)
    })
    .await
}
