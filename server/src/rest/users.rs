//! `/applications/{applicationId}/experience/users[/{experienceUserId}]`

use crate::api::extract::{Path, Query};
use app::domain::user_filter::{Glob, GroupReach, OrderBy, TextField, UserFilter};
use app::error::AppError;
use app::experience::users::DISABLED_UNTIL_ENABLED;
use app::server::clock::parse_rfc3339;
use app::server::records::Order;
use app::server::users_service::{self, user_not_found, UserInput};
use app::server::{ids, repo, user_lists, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

use super::list_params::{self, Collection};
use super::{advanced_query, Success, SUCCESS};
use crate::api::body::{present, MAX_REST_BODY};
use crate::api::resources::{experience_user, ExperienceUser};
use crate::api::{ApiError, JsonBody};

const SORT_FIELDS: &[&str] = &["firstName", "lastName", "email", "id", "creationDate", "lastLogin", "lastUpdated"];
const FILTER_FIELDS: &[&str] = &["firstName", "lastName", "email"];

/// The body of a create or an update (`experienceUserPost.json` / `experienceUserPatch.json`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UserBody {
    #[serde(default, deserialize_with = "present")]
    email: Option<String>,
    #[serde(default, deserialize_with = "present")]
    password: Option<String>,
    #[serde(default, deserialize_with = "present")]
    first_name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    last_name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    token_cutoff: Option<String>,
    #[serde(default, deserialize_with = "present")]
    user_tags: Option<BTreeMap<String, String>>,
    #[serde(default, deserialize_with = "present")]
    experience_group_ids: Option<Vec<String>>,
    /// Ours, beside Losant's: `true` disables the user (until `disabledUntil` if given),
    /// `false` enables them.
    #[serde(default, deserialize_with = "present")]
    disabled: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    disabled_until: Option<String>,
}

impl UserBody {
    fn into_input(self) -> Result<UserInput, AppError> {
        let token_cutoff = match self.token_cutoff {
            None => None,
            Some(text) => Some(parse_rfc3339(&text).ok_or_else(|| {
                AppError::field("tokenCutoff", "tokenCutoff must be an RFC 3339 date, like 2026-11-27T10:00:00.000Z")
            })?),
        };
        let until = match self.disabled_until {
            None => None,
            Some(text) => Some(parse_rfc3339(&text).ok_or_else(|| {
                AppError::field(
                    "disabledUntil",
                    "disabledUntil must be an RFC 3339 date, like 2026-12-01T09:00:00.000Z",
                )
            })?),
        };
        let disabled_until = match (self.disabled, until) {
            (Some(false), Some(_)) => {
                return Err(AppError::field("disabledUntil", "disabledUntil goes with disabled: true (or alone)"))
            }
            (Some(false), None) => Some(None),
            (Some(true) | None, Some(until)) => Some(Some(until)),
            (Some(true), None) => Some(Some(DISABLED_UNTIL_ENABLED)),
            (None, None) => None,
        };
        Ok(UserInput {
            disabled_until,
            email: self.email,
            password: self.password,
            first_name: self.first_name,
            last_name: self.last_name,
            tags: self.user_tags.map(|tags| tags.into_iter().collect()),
            group_ids: self.experience_group_ids,
            token_cutoff,
        })
    }
}

async fn answer(state: &AppState, application_id: &str, user_id: &str) -> Result<ExperienceUser, ApiError> {
    let mut conn = state.acquire().await?;
    Ok(experience_user(&mut conn, application_id, user_id).await?.ok_or_else(user_not_found)?)
}

pub async fn list(
    State(state): State<AppState>,
    Path(application_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Collection<ExperienceUser>>, ApiError> {
    let params = list_params::parse(&q, SORT_FIELDS, "email", FILTER_FIELDS)?;
    let mut parts = Vec::new();
    if let Some(filter) = &params.filter {
        let field = match params.filter_field.as_deref() {
            Some("firstName") => TextField::FirstName,
            Some("lastName") => TextField::LastName,
            _ => TextField::Email,
        };
        parts.push(UserFilter::Glob { fields: vec![field], glob: Glob::new(filter, false) });
    }
    let with_ancestors = list_params::flag(&q, "includeAncestorGroups")?;
    let group = q.get("experienceGroupId").filter(|g| !g.is_empty()).cloned();
    match group.as_deref() {
        None => {}
        Some("any") => parts.push(UserFilter::Grouped(true)),
        Some("none") => parts.push(UserFilter::Grouped(false)),
        Some(id) if ids::is_id(id) => {
            let reach = if with_ancestors { GroupReach::WithAncestors } else { GroupReach::Only };
            parts.push(UserFilter::InGroup { id: id.to_owned(), reach });
        }
        Some(_) => {
            return Err(AppError::field("experienceGroupId", "experienceGroupId must be a group id, any or none").into())
        }
    }
    if let Some(query) = q.get("query").filter(|q| !q.is_empty()) {
        let json: serde_json::Value = serde_json::from_str(query)
            .map_err(|e| AppError::field("query", format!("query is not valid JSON: {e}")))?;
        parts.push(advanced_query::parse(&json).map_err(|m| AppError::field("query", m))?);
    }
    let filter = UserFilter::all(parts);
    let by = match params.sort_field.as_str() {
        "firstName" => OrderBy::FirstName,
        "lastName" => OrderBy::LastName,
        "creationDate" => OrderBy::Created,
        "lastLogin" => OrderBy::LastLogin,
        "lastUpdated" => OrderBy::Updated,
        "id" => OrderBy::Id,
        _ => OrderBy::Email,
    };
    let order = Order { by, descending: params.descending };
    let mut conn = state.acquire().await?;
    let (users, total) =
        user_lists::numbered_page(&mut conn, &application_id, &filter, order, params.page, params.per_page).await?;
    let ids: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
    let (mut tags, mut groups) = repo::memberships::tags_and_groups_of(&mut conn, &ids).await?;
    let items = users
        .into_iter()
        .map(|user| {
            let (user_tags, user_groups) = (tags.remove(&user.id), groups.remove(&user.id));
            ExperienceUser::new(&application_id, user, user_tags.unwrap_or_default(), user_groups.unwrap_or_default())
        })
        .collect();
    let mut collection = Collection::new(items, total, params, &application_id);
    // The schema's experienceGroupId is an id; `any` and `none` are not echoed.
    collection.experience_group_id = group.filter(|g| ids::is_id(g));
    Ok(Json(collection))
}

pub async fn create(
    State(state): State<AppState>,
    Path(application_id): Path<String>,
    JsonBody(body): JsonBody<UserBody, MAX_REST_BODY>,
) -> Result<(StatusCode, Json<ExperienceUser>), ApiError> {
    let mut input = body.into_input()?;
    // Required on creation; the service reports them as missing like any other bad value.
    input.email.get_or_insert_with(String::new);
    input.password.get_or_insert_with(String::new);
    let id = users_service::create(&state, &application_id, input).await?;
    Ok((StatusCode::CREATED, Json(answer(&state, &application_id, &id).await?)))
}

pub async fn get(
    State(state): State<AppState>,
    Path((application_id, user_id)): Path<(String, String)>,
) -> Result<Json<ExperienceUser>, ApiError> {
    Ok(Json(answer(&state, &application_id, &user_id).await?))
}

pub async fn patch(
    State(state): State<AppState>,
    Path((application_id, user_id)): Path<(String, String)>,
    JsonBody(body): JsonBody<UserBody, MAX_REST_BODY>,
) -> Result<Json<ExperienceUser>, ApiError> {
    users_service::update(&state, &application_id, &user_id, None, body.into_input()?).await?;
    Ok(Json(answer(&state, &application_id, &user_id).await?))
}

pub async fn delete(
    State(state): State<AppState>,
    Path((application_id, user_id)): Path<(String, String)>,
) -> Result<Json<Success>, ApiError> {
    let mut conn = state.acquire().await?;
    users_service::delete(&mut conn, &application_id, &user_id).await?;
    Ok(Json(SUCCESS))
}
