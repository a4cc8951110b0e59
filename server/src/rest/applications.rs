//! `/applications/{applicationId}`: the parts this server keeps (name, `expUserTokenCutoff`,
//! the experience-user count).

use crate::api::extract::Path;
use app::error::AppError;
use app::server::applications_service::{self, ApplicationChanges};
use app::server::clock::{parse_rfc3339, rfc3339};
use app::server::{repo, AppState};
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::body::{present, MAX_REST_BODY};
use crate::api::{ApiError, JsonBody};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    id: String,
    application_id: String,
    name: String,
    creation_date: String,
    last_updated: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    exp_user_token_cutoff: Option<String>,
    summary: Summary,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    experience_user_count: i64,
    experience_group_count: i64,
    device_count: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ApplicationPatch {
    #[serde(default, deserialize_with = "present")]
    name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    exp_user_token_cutoff: Option<String>,
}

async fn load(state: &AppState, id: &str) -> Result<Application, ApiError> {
    let mut conn = state.acquire().await?;
    let row = repo::applications::summary(&mut conn, id)
        .await?
        .ok_or_else(|| AppError::NotFound("This application".into()))?;
    Ok(Application {
        id: row.id.clone(),
        application_id: row.id,
        name: row.name,
        creation_date: rfc3339(row.created_at),
        last_updated: rfc3339(row.updated_at),
        exp_user_token_cutoff: row.exp_user_token_cutoff.map(rfc3339),
        summary: Summary {
            experience_user_count: row.user_count,
            experience_group_count: row.group_count,
            device_count: row.device_count,
        },
    })
}

pub async fn get(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Application>, ApiError> {
    Ok(Json(load(&state, &id).await?))
}

/// Renames, and sets `expUserTokenCutoff`: every experience token issued before it fails.
pub async fn patch(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ApplicationPatch, MAX_REST_BODY>,
) -> Result<Json<Application>, ApiError> {
    let token_cutoff = body
        .exp_user_token_cutoff
        .as_deref()
        .map(|t| {
            parse_rfc3339(t)
                .ok_or_else(|| AppError::field("expUserTokenCutoff", "expUserTokenCutoff must be an RFC 3339 date"))
        })
        .transpose()?;
    applications_service::update(&state, &id, ApplicationChanges { name: body.name, user_limit: None, token_cutoff })
        .await?;
    Ok(Json(load(&state, &id).await?))
}
