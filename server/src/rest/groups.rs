//! `/applications/{applicationId}/experience/groups[/{experienceGroupId}]`

use crate::api::extract::{Path, Query};
use app::domain::user_filter::Glob;
use app::error::AppError;
use app::server::clock::rfc3339;
use app::server::groups_service::{self, group_not_found, GroupInput};
use app::server::records::{Group, GroupList};
use app::server::repo;
use app::server::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

use super::list_params::{self, Collection};
use super::{Success, SUCCESS};
use crate::api::body::{present, MAX_REST_BODY};
use crate::api::{ApiError, JsonBody};

const SORT_FIELDS: &[&str] = &["name", "id", "creationDate", "lastUpdated"];

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExperienceGroup {
    id: String,
    experience_group_id: String,
    application_id: String,
    creation_date: String,
    last_updated: String,
    name: String,
    description: String,
    parent_id: Option<String>,
    experience_user_ids: Vec<String>,
    experience_endpoint_ids: Vec<String>,
    device_ids: Vec<String>,
    device_tags: Vec<DeviceTag>,
    group_tags: BTreeMap<String, String>,
    direct_device_count: i64,
    total_device_count: i64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceTag {
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
}

/// `experienceGroupPost.json` / `experienceGroupPatch.json`. `parentId` and `deviceQueryJson`
/// may be null (a root group, no query); the other fields may be absent, never null.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GroupBody {
    #[serde(default, deserialize_with = "present")]
    name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    description: Option<String>,
    #[serde(default, deserialize_with = "present")]
    parent_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    experience_user_ids: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    experience_endpoint_ids: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    group_tags: Option<BTreeMap<String, String>>,
    #[serde(default, deserialize_with = "present")]
    device_ids: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    device_tags: Option<Vec<DeviceTag>>,
    #[serde(default, deserialize_with = "present")]
    device_query_json: Option<Option<String>>,
}

impl GroupBody {
    fn into_input(self) -> Result<GroupInput, AppError> {
        if self.experience_endpoint_ids.is_some_and(|ids| !ids.is_empty()) {
            return Err(AppError::field(
                "experienceEndpointIds",
                "Experience endpoints are not supported by this server",
            ));
        }
        if self.device_query_json.flatten().is_some() {
            return Err(AppError::field(
                "deviceQueryJson",
                "Device queries are not supported by this server; use deviceIds or deviceTags",
            ));
        }
        Ok(GroupInput {
            name: self.name,
            description: self.description,
            parent_id: self.parent_id,
            user_ids: self.experience_user_ids,
            device_ids: self.device_ids,
            device_tags: self.device_tags.map(|tags| tags.into_iter().map(|t| (t.key, t.value)).collect()),
            group_tags: self.group_tags.map(|tags| tags.into_iter().collect()),
        })
    }
}

async fn to_json(
    conn: &mut app::server::Conn,
    application_id: &str,
    group: Group,
) -> Result<ExperienceGroup, sqlx::Error> {
    let (direct, total) = repo::groups::device_counts(conn, &group.id).await?;
    Ok(ExperienceGroup {
        experience_user_ids: repo::groups::member_ids(conn, &group.id).await?,
        device_ids: repo::groups::device_ids(conn, &group.id).await?,
        device_tags: repo::groups::device_tags(conn, &group.id)
            .await?
            .into_iter()
            .map(|t| DeviceTag { key: Some(t.key), value: t.value })
            .collect(),
        group_tags: repo::groups::group_tags(conn, &group.id).await?.into_iter().collect(),
        experience_endpoint_ids: Vec::new(),
        direct_device_count: direct,
        total_device_count: total,
        experience_group_id: group.id.clone(),
        id: group.id,
        application_id: application_id.to_owned(),
        creation_date: rfc3339(group.created_at),
        last_updated: rfc3339(group.updated_at),
        name: group.name,
        description: group.description,
        parent_id: group.parent_id,
    })
}

async fn answer(state: &AppState, application_id: &str, group_id: &str) -> Result<ExperienceGroup, ApiError> {
    let mut conn = state.acquire().await?;
    let group = repo::groups::get(&mut conn, application_id, group_id).await?.ok_or_else(group_not_found)?;
    Ok(to_json(&mut conn, application_id, group).await?)
}

pub async fn list(
    State(state): State<AppState>,
    Path(application_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Collection<ExperienceGroup>>, ApiError> {
    let params = list_params::parse(&q, SORT_FIELDS, "name", &["name"])?;
    let like = params.filter.as_deref().map(|f| Glob::new(f, false).to_like());
    let query = GroupList {
        sort_column: match params.sort_field.as_str() {
            "id" => "id",
            "creationDate" => "created_at",
            "lastUpdated" => "updated_at",
            _ => "name",
        },
        descending: params.descending,
        name_like: like.as_deref(),
        limit: params.per_page,
        offset: params.page.saturating_mul(params.per_page),
    };
    let mut conn = state.acquire().await?;
    let (groups, total) = repo::groups::list(&mut conn, &application_id, &query).await?;
    let mut items = Vec::with_capacity(groups.len());
    for group in groups {
        items.push(to_json(&mut conn, &application_id, group).await?);
    }
    Ok(Json(Collection::new(items, total, params, &application_id)))
}

pub async fn create(
    State(state): State<AppState>,
    Path(application_id): Path<String>,
    JsonBody(body): JsonBody<GroupBody, MAX_REST_BODY>,
) -> Result<(StatusCode, Json<ExperienceGroup>), ApiError> {
    let id = groups_service::create(&state, &application_id, body.into_input()?).await?;
    Ok((StatusCode::CREATED, Json(answer(&state, &application_id, &id).await?)))
}

pub async fn get(
    State(state): State<AppState>,
    Path((application_id, group_id)): Path<(String, String)>,
) -> Result<Json<ExperienceGroup>, ApiError> {
    Ok(Json(answer(&state, &application_id, &group_id).await?))
}

pub async fn patch(
    State(state): State<AppState>,
    Path((application_id, group_id)): Path<(String, String)>,
    JsonBody(body): JsonBody<GroupBody, MAX_REST_BODY>,
) -> Result<Json<ExperienceGroup>, ApiError> {
    groups_service::update(&state, &application_id, &group_id, body.into_input()?).await?;
    Ok(Json(answer(&state, &application_id, &group_id).await?))
}

pub async fn delete(
    State(state): State<AppState>,
    Path((application_id, group_id)): Path<(String, String)>,
) -> Result<Json<Success>, ApiError> {
    groups_service::delete(&state, &application_id, &group_id).await?;
    Ok(Json(SUCCESS))
}
