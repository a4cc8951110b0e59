//! Our rows in the JSON shapes of Losant's schemas (`experienceUser.json`, `device.json`).

use app::experience::users::{UserDetail, DISABLED_UNTIL_ENABLED};
use app::server::clock::rfc3339;
use app::server::records::{Grant, Membership};
use app::server::repo;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExperienceUser {
    pub id: String,
    pub experience_user_id: String,
    pub application_id: String,
    pub creation_date: String,
    pub last_updated: String,
    pub password_last_updated: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_login: Option<String>,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_cutoff: Option<String>,
    pub user_tags: BTreeMap<String, String>,
    pub experience_groups: Vec<GroupRef>,
    /// Ours, beside Losant's fields: whether an administrator disabled the user (now), and
    /// until when when that ends by itself.
    pub disabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled_until: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupRef {
    pub id: String,
    pub name: String,
    pub parent_id: Option<String>,
}

impl ExperienceUser {
    pub fn new(application_id: &str, user: UserDetail, tags: Vec<(String, String)>, groups: Vec<Membership>) -> Self {
        let disabled = user.disabled_at(app::server::clock::now_ms());
        let disabled_until =
            user.disabled_until.filter(|until| disabled && *until != DISABLED_UNTIL_ENABLED).map(rfc3339);
        Self {
            disabled,
            disabled_until,
            experience_user_id: user.id.clone(),
            id: user.id,
            application_id: application_id.to_owned(),
            creation_date: rfc3339(user.created_at),
            last_updated: rfc3339(user.updated_at),
            password_last_updated: rfc3339(user.password_updated_at),
            last_login: user.last_login_at.map(rfc3339),
            email: user.email,
            first_name: user.first_name,
            last_name: user.last_name,
            token_cutoff: user.token_cutoff.map(rfc3339),
            user_tags: tags.into_iter().collect(),
            experience_groups: groups
                .into_iter()
                .map(|g| GroupRef { id: g.id, name: g.name, parent_id: g.parent_id })
                .collect(),
        }
    }
}

/// A user with tags and groups as the API shows them, if the user exists in the application.
pub async fn experience_user(
    conn: &mut app::server::Conn,
    application_id: &str,
    user_id: &str,
) -> Result<Option<ExperienceUser>, sqlx::Error> {
    let Some(user) = repo::users::get(conn, application_id, user_id).await? else {
        return Ok(None);
    };
    Ok(Some(with_tags_and_groups(conn, application_id, user).await?))
}

/// `user` with its tags and groups, as the API shows it.
pub async fn with_tags_and_groups(
    conn: &mut app::server::Conn,
    application_id: &str,
    user: UserDetail,
) -> Result<ExperienceUser, sqlx::Error> {
    let tags = repo::user_tags::tags_of(conn, &user.id).await?;
    let groups = repo::memberships::groups_of(conn, &user.id).await?;
    Ok(ExperienceUser::new(application_id, user, tags, groups))
}

/// A device the user reaches, with every group of theirs (or ancestor) that grants it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserDevice {
    pub id: String,
    pub device_id: String,
    pub application_id: String,
    pub name: String,
    pub description: String,
    pub creation_date: String,
    pub last_updated: String,
    pub tags: Vec<DeviceTag>,
    pub granted_by: Vec<GroupName>,
}

#[derive(Debug, Serialize)]
pub struct DeviceTag {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Serialize)]
pub struct GroupName {
    pub id: String,
    pub name: String,
}

/// Folds (device, group) grants, sorted by device, into one entry per device.
pub fn user_devices(application_id: &str, grants: Vec<Grant>) -> Vec<UserDevice> {
    let mut devices: Vec<UserDevice> = Vec::new();
    for grant in grants {
        let group = GroupName { id: grant.group_id, name: grant.group_name };
        match devices.last_mut() {
            Some(last) if last.id == grant.device_id => last.granted_by.push(group),
            _ => devices.push(UserDevice {
                device_id: grant.device_id.clone(),
                id: grant.device_id,
                application_id: application_id.to_owned(),
                name: grant.device_name,
                description: grant.description,
                creation_date: rfc3339(grant.created_at),
                last_updated: rfc3339(grant.updated_at),
                tags: Vec::new(),
                granted_by: vec![group],
            }),
        }
    }
    devices
}
