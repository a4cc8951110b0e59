//! Creating, changing and deleting experience groups: one transaction each, the tree kept
//! free of cycles and inside one application.

use crate::engine::DbConn;
use crate::inputs::GroupInput;
use crate::records::{DeviceTagTie, Group};

use super::{clock::now_ms, ids, repo, Store};
use crate::audit::{self, diff, Change};
use crate::domain::{tag_problems, Description, Name, TagKey, TagValue};
use crate::error::{AppError, FieldErrors};

pub fn group_not_found() -> AppError {
    AppError::NotFound("This group".into())
}

pub const CYCLE: &str = "A group cannot be moved under itself or under one of its own subgroups";

fn dedup(ids: &[String]) -> Vec<String> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    ids
}

/// What `check` parsed, for the write to use as is.
struct Checked {
    name: Option<Name>,
    ties: Option<Vec<DeviceTagTie>>,
}

/// Every rule that needs no lock: names, tags, and that the ids named exist in the application.
async fn check(
    conn: &mut DbConn,
    application_id: &str,
    input: &GroupInput,
    errors: &mut FieldErrors,
) -> Result<Checked, AppError> {
    let mut note = |field: &str, message: String| {
        errors.entry(field.to_owned()).or_insert(message);
    };
    let name = match input.name.as_deref().map(Name::parse) {
        Some(Err(e)) => {
            note("name", e.to_string());
            None
        }
        Some(Ok(name)) => Some(name),
        None => None,
    };
    if let Some(description) = &input.description {
        if let Err(e) = Description::parse(description) {
            note("description", e.to_string());
        }
    }
    if let Some(tags) = &input.group_tags {
        if let Some(text) = tag_problems(tags) {
            note("groupTags", text);
        }
    }
    let mut ties = None;
    if let Some(device_tags) = &input.device_tags {
        let mut parsed = Vec::new();
        for (row, (key, value)) in device_tags.iter().enumerate() {
            let key = key.as_deref().map(TagKey::parse).transpose();
            let value = value.as_deref().map(TagValue::parse).transpose();
            match (key, value) {
                (Ok(Some(key)), Ok(value)) => parsed
                    .push(DeviceTagTie { key: key.as_str().to_owned(), value: value.map(|v| v.as_str().to_owned()) }),
                (Ok(None), _) => note("deviceTags", format!("Device tag {}: Enter a key", row + 1)),
                (Err(e), _) | (_, Err(e)) => note("deviceTags", format!("Device tag {}: {e}", row + 1)),
            }
        }
        ties = Some(parsed);
    }
    for (field, table, list, what) in [
        ("experienceUserIds", "experience_users", &input.user_ids, "user"),
        ("deviceIds", "devices", &input.device_ids, "device"),
    ] {
        if let Some(list) = list {
            let known = repo::groups::existing_ids(conn, table, application_id, list).await?;
            let unknown: Vec<&str> = list.iter().filter(|id| !known.contains(id)).map(String::as_str).collect();
            if !unknown.is_empty() {
                note(field, format!("No such {what} in this application: {}", unknown.join(", ")));
            }
        }
    }
    if let Some(Some(parent)) = &input.parent_id {
        let exists = ids::is_id(parent) && repo::groups::get(conn, application_id, parent).await?.is_some();
        if !exists {
            note("parentId", "No such parent group in this application".to_owned());
        }
    }
    Ok(Checked { name, ties })
}

async fn write_ties(
    conn: &mut DbConn,
    group_id: &str,
    input: &GroupInput,
    ties: Option<Vec<DeviceTagTie>>,
) -> Result<(), sqlx::Error> {
    if let Some(user_ids) = &input.user_ids {
        repo::groups::replace_members(&mut *conn, group_id, &dedup(user_ids)).await?;
    }
    if let Some(device_ids) = &input.device_ids {
        repo::groups::replace_devices(&mut *conn, group_id, &dedup(device_ids)).await?;
    }
    if let Some(ties) = ties {
        repo::groups::replace_device_tags(&mut *conn, group_id, &ties).await?;
    }
    if let Some(tags) = &input.group_tags {
        repo::groups::replace_group_tags(conn, group_id, tags).await?;
    }
    Ok(())
}

pub async fn create(state: &Store, application_id: &str, input: GroupInput) -> Result<String, AppError> {
    let mut conn = state.pool.acquire().await?;
    let mut errors = FieldErrors::new();
    if input.name.is_none() {
        errors.insert("name".into(), "Enter a name".into());
    }
    let Checked { name, ties } = check(&mut conn, application_id, &input, &mut errors).await?;
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let now = now_ms();
    let group = Group {
        id: ids::new_id(),
        name: name.as_str().to_owned(),
        description: input.description.clone().unwrap_or_default(),
        parent_id: input.parent_id.clone().flatten(),
        created_at: now,
        updated_at: now,
    };
    let mut tx = super::db::begin_application_write_on(&mut conn, application_id).await?;
    repo::groups::insert(&mut tx, application_id, &group).await?;
    write_ties(&mut tx, &group.id, &input, ties).await?;
    let changes = diff(&[
        ("description", None, Some(group.description.clone()).filter(|d| !d.is_empty())),
        ("parentId", None, group.parent_id.clone()),
    ]);
    repo::audit::insert(&mut tx, &audit::entry(application_id, "group.create", None, &group.name, &changes, now))
        .await?;
    tx.commit().await?;
    Ok(group.id)
}

pub async fn update(state: &Store, application_id: &str, group_id: &str, input: GroupInput) -> Result<(), AppError> {
    let mut conn = state.pool.acquire().await?;
    let current = repo::groups::get(&mut conn, application_id, group_id).await?.ok_or_else(group_not_found)?;
    let mut errors = FieldErrors::new();
    let Checked { name, ties } = check(&mut conn, application_id, &input, &mut errors).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let before = current.clone();
    let group = Group {
        name: name.map_or_else(|| current.name.clone(), |n| n.as_str().to_owned()),
        description: input.description.clone().unwrap_or(current.description.clone()),
        parent_id: input.parent_id.clone().unwrap_or(current.parent_id.clone()),
        updated_at: now_ms(),
        ..current
    };
    let mut tx = super::db::begin_application_write_on(&mut conn, application_id).await?;
    // Written first so the cycle check runs under the write lock: two moves racing each
    // other cannot both pass it.
    if !repo::groups::update(&mut tx, application_id, &group).await? {
        return Err(group_not_found());
    }
    if let Some(parent) = &group.parent_id {
        if repo::groups::would_cycle(&mut tx, group_id, parent).await? {
            return Err(AppError::field("parentId", CYCLE));
        }
    }
    write_ties(&mut tx, group_id, &input, ties).await?;
    let mut changes = diff(&[
        ("name", Some(before.name), Some(group.name.clone())),
        ("description", Some(before.description), Some(group.description.clone())),
        ("parentId", before.parent_id, group.parent_id.clone()),
    ]);
    if input.user_ids.is_some() || input.device_ids.is_some() || input.device_tags.is_some() {
        changes.push(Change::new("members and devices", None, Some("changed".into())));
    }
    let entry = audit::entry(application_id, "group.update", None, &group.name, &changes, group.updated_at);
    repo::audit::insert(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a group; its subgroups move up to its parent and its memberships go.
pub async fn delete(state: &Store, application_id: &str, group_id: &str) -> Result<(), AppError> {
    let mut tx = super::db::begin_application_write(&state.pool, application_id).await?;
    let group = repo::groups::get(&mut tx, application_id, group_id).await?.ok_or_else(group_not_found)?;
    let now = now_ms();
    repo::groups::delete(&mut tx, application_id, group_id, now).await?;
    repo::audit::insert(&mut tx, &audit::entry(application_id, "group.delete", None, &group.name, &[], now)).await?;
    tx.commit().await?;
    Ok(())
}
