use leptos::prelude::*;

use super::{GroupDetail, GroupNode};
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr {
    use crate::error::AppError;
    use crate::server::groups_service::DeviceTagRule;

    /// The device-tag rules the form sends as `[{key, value?}]`; absent leaves them alone.
    pub fn device_tags(json: Option<String>) -> Result<Option<Vec<DeviceTagRule>>, AppError> {
        #[derive(serde::Deserialize)]
        struct Tie {
            key: Option<String>,
            value: Option<String>,
        }
        let Some(json) = json.filter(|j| !j.is_empty()) else { return Ok(None) };
        let ties: Vec<Tie> = serde_json::from_str(&json)
            .map_err(|_| AppError::field("deviceTags", "The tag rules could not be read"))?;
        Ok(Some(ties.into_iter().map(|t| (t.key, t.value)).collect()))
    }

    /// A parent picker's value: empty for "no parent".
    pub fn parent(value: String) -> Option<String> {
        Some(value).filter(|v| !v.is_empty())
    }
}

#[server(endpoint = "groups/list")]
pub async fn list_groups(application_id: String) -> Result<Vec<GroupNode>, AppError> {
    use crate::server::{context, repo};
    context::respond(async move {
        let mut conn = context::open_application(&application_id).await?;
        repo::groups::nodes(&mut conn, &application_id).await.map_err(AppError::from)
    })
    .await
}

#[server(endpoint = "groups/get")]
pub async fn get_group(application_id: String, group_id: String) -> Result<GroupDetail, AppError> {
    use crate::server::{context, groups_service::group_not_found, repo};
    context::respond(async move {
        let mut conn = context::open_application(&application_id).await?;
        repo::groups::detail(
            &mut conn,
            &application_id,
            &group_id,
            super::GROUP_PAGE_MEMBERS,
            super::GROUP_PAGE_DEVICES,
        )
        .await?
        .ok_or_else(group_not_found)
    })
    .await
}

/// Adds a group (under `parent_id`, or at the top when it is empty).
#[server(endpoint = "groups/create")]
pub async fn create_group(
    application_id: String,
    name: String,
    description: String,
    parent_id: String,
) -> Result<String, AppError> {
    use crate::server::{context, groups_service, groups_service::GroupInput};
    context::respond(async move {
        context::open_application(&application_id).await?;
        let state = context::state()?;
        let input = GroupInput {
            name: Some(name),
            description: Some(description),
            parent_id: Some(ssr::parent(parent_id)),
            ..GroupInput::default()
        };
        groups_service::create(&state, &application_id, input).await
    })
    .await
}

/// Renames, describes or moves a group; a move under itself or a subgroup is refused.
#[server(endpoint = "groups/update")]
pub async fn update_group(
    application_id: String,
    group_id: String,
    name: String,
    description: String,
    parent_id: String,
    device_tags_json: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{context, groups_service, groups_service::GroupInput};
    context::respond(async move {
        context::open_application(&application_id).await?;
        let state = context::state()?;
        let input = GroupInput {
            name: Some(name),
            description: Some(description),
            parent_id: Some(ssr::parent(parent_id)),
            device_tags: ssr::device_tags(device_tags_json)?,
            ..GroupInput::default()
        };
        groups_service::update(&state, &application_id, &group_id, input).await
    })
    .await
}

/// Deletes a group: its memberships go, its subgroups move up to its parent.
#[server(endpoint = "groups/delete")]
pub async fn delete_group(application_id: String, group_id: String) -> Result<(), AppError> {
    use crate::server::{context, groups_service};
    context::respond(async move {
        context::open_application(&application_id).await?;
        let state = context::state()?;
        groups_service::delete(&state, &application_id, &group_id).await?;
        leptos_axum::redirect(&format!("/applications/{application_id}/experience/groups"));
        Ok(())
    })
    .await
}
