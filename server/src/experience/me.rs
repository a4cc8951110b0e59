use crate::api::extract::Path;
use app::error::AppError;
use app::server::{repo, AppState};
use axum::extract::State;
use axum::http::request::Parts;
use axum::Json;
use serde::Serialize;

use super::bearer::authenticate;
use crate::api::resources::{self, DeviceTag, ExperienceUser, UserDevice};
use crate::api::ApiError;

/// `GET /api/experience/{applicationId}/me`: the signed-in user with groups and tags.
pub async fn profile(
    State(state): State<AppState>,
    Path(application_id): Path<String>,
    parts: Parts,
) -> Result<Json<ExperienceUser>, ApiError> {
    let (user, mut conn) = authenticate(&state, &application_id, &parts).await?;
    Ok(Json(resources::with_tags_and_groups(&mut conn, &application_id, user).await?))
}

/// The token's user; gone since the token was checked counts as a refused token.
pub async fn load_user(
    conn: &mut app::server::Conn,
    application_id: &str,
    user_id: &str,
) -> Result<ExperienceUser, ApiError> {
    Ok(resources::experience_user(conn, application_id, user_id).await?.ok_or(AppError::TokenRejected)?)
}

#[derive(Serialize)]
pub struct Devices {
    items: Vec<UserDevice>,
    count: usize,
}

/// `GET /api/experience/{applicationId}/me/devices`: every device tied to one of the user's
/// groups or to an ancestor of one, each with the groups that grant it.
pub async fn devices(
    State(state): State<AppState>,
    Path(application_id): Path<String>,
    parts: Parts,
) -> Result<Json<Devices>, ApiError> {
    let (user, mut conn) = authenticate(&state, &application_id, &parts).await?;
    let grants = repo::devices::effective_for_user(&mut conn, &user.id).await?;
    let mut items = resources::user_devices(&application_id, grants);
    for device in &mut items {
        device.tags = repo::devices::tags(&mut conn, &device.id)
            .await?
            .into_iter()
            .map(|(key, value)| DeviceTag { key, value })
            .collect();
    }
    Ok(Json(Devices { count: items.len(), items }))
}
