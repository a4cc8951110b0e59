//! Ours, beside Losant's API: bulk actions over experience users.
//! `POST /applications/{applicationId}/experience/users/bulk` previews (`dryRun`) or starts
//! one as a job (202 `{jobId}`); `GET …/users/bulk/{jobId}` polls it.

use app::error::AppError;
use app::server::bulk::{bulk_job, ActionParts, BulkAction, BulkJob, BulkPreview, BulkSelection, JOB_KIND};
use app::server::clock::{now_ms, parse_rfc3339};
use app::server::{bulk_jobs, ids, repo, user_bulk, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Value};

use super::advanced_query;
use super::auth::TokenName;
use crate::api::body::present;
use crate::api::extract::Path;
use crate::api::{ApiError, JsonBody};

/// At most this many ids in one request (a selection by query has no limit).
pub const MAX_IDS: usize = 10_000;
/// 10,000 ids and an action.
const MAX_BULK_BODY: usize = 512 * 1024;

/// `experienceUserBulkPost.json`
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BulkBody {
    action: ActionBody,
    #[serde(default, deserialize_with = "present")]
    experience_user_ids: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    query: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    confirm_count: Option<u64>,
    #[serde(default, deserialize_with = "present")]
    dry_run: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ActionBody {
    r#type: String,
    #[serde(default, deserialize_with = "present")]
    group_id: Option<String>,
    #[serde(default, deserialize_with = "present")]
    key: Option<String>,
    #[serde(default, deserialize_with = "present")]
    value: Option<String>,
    /// RFC 3339; absent: until enabled again.
    #[serde(default, deserialize_with = "present")]
    until: Option<String>,
}

impl ActionBody {
    fn into_action(self) -> Result<BulkAction, AppError> {
        let until = match (self.r#type.as_str(), self.until) {
            ("disable", Some(text)) => Some(parse_rfc3339(&text).ok_or_else(|| {
                AppError::field("until", "until must be an RFC 3339 date, like 2026-12-01T09:00:00.000Z")
            })?),
            _ => None,
        };
        let parts = ActionParts { group_id: self.group_id, key: self.key, value: self.value, until };
        BulkAction::from_parts(&self.r#type, parts)
    }
}

impl BulkBody {
    fn selection(&mut self) -> Result<BulkSelection, AppError> {
        match (self.experience_user_ids.take(), self.query.take()) {
            (Some(ids), None) if ids.len() > MAX_IDS => Err(AppError::field(
                "experienceUserIds",
                format!("At most {MAX_IDS} ids in one request; select more with a query"),
            )),
            (Some(ids), None) => {
                let lowered: Vec<String> = ids.iter().map(|id| id.to_ascii_lowercase()).collect();
                match lowered.iter().find(|id| !ids::is_id(id)) {
                    Some(bad) => Err(AppError::field("experienceUserIds", format!("{bad:?} is not a user id"))),
                    None => Ok(BulkSelection::Ids(lowered)),
                }
            }
            (None, Some(query)) => {
                let filter = advanced_query::parse(&query).map_err(|m| AppError::field("query", m))?;
                Ok(BulkSelection::Matching { filter, selected_at: now_ms() })
            }
            _ => Err(AppError::field("body", "Choose the users with experienceUserIds or with query (one of the two)")),
        }
    }
}

pub async fn start(
    State(state): State<AppState>,
    Extension(token): Extension<TokenName>,
    Path(application_id): Path<String>,
    JsonBody(mut body): JsonBody<BulkBody, MAX_BULK_BODY>,
) -> Result<Response, ApiError> {
    let selection = body.selection()?;
    let BulkBody { action, confirm_count, dry_run, .. } = body;
    let action = action.into_action()?;
    if dry_run == Some(true) {
        let preview: BulkPreview = user_bulk::preview(&state.store, &application_id, &selection, &action).await?;
        return Ok(Json(preview).into_response());
    }
    let started_by = format!("API token {}", token.0);
    let id = bulk_jobs::start(&state.store, application_id, started_by, selection, action, confirm_count).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "jobId": id }))).into_response())
}

pub async fn job(
    State(state): State<AppState>,
    Path((application_id, job_id)): Path<(String, String)>,
) -> Result<Json<BulkJob>, ApiError> {
    let mut conn = state.acquire().await?;
    let job = repo::jobs::get(&mut conn, &application_id, &job_id)
        .await?
        .filter(|job| job.kind == JOB_KIND)
        .ok_or_else(|| AppError::NotFound("This bulk job".into()))?;
    Ok(Json(bulk_job(job, now_ms())))
}
