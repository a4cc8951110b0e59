//! Creating, changing and deleting devices: their rules and transactions, for every door.

use super::{clock::now_ms, ids, repo, Store};
use crate::audit::{self, diff};
use crate::domain::{tag_problems, tag_rows_from_json, Description, Name};
use crate::error::{AppError, FieldErrors};
use model::devices::DeviceDetail;

pub fn device_not_found() -> AppError {
    AppError::NotFound("This device".into())
}

/// Name and description by the shared rules, every problem at once.
fn check(name: &str, description: &str, errors: &mut FieldErrors) -> Option<(Name, Description)> {
    let name = Name::parse(name).map_err(|e| errors.insert("name".into(), e.to_string())).ok();
    let description =
        Description::parse(description).map_err(|e| errors.insert("description".into(), e.to_string())).ok();
    name.zip(description)
}

/// The tag rows a form sends as JSON pairs.
fn tags(json: &str, errors: &mut FieldErrors) -> Vec<(String, String)> {
    let Some(pairs) = tag_rows_from_json(json) else {
        errors.insert("tags".into(), "The tags could not be read".into());
        return Vec::new();
    };
    if let Some(text) = tag_problems(&pairs) {
        errors.insert("tags".into(), text);
    }
    pairs
}

/// Creates a device; answers its id.
pub async fn create(state: &Store, application_id: &str, name: &str, description: &str) -> Result<String, AppError> {
    let mut errors = FieldErrors::new();
    let Some((name, description)) = check(name, description, &mut errors) else {
        return Err(AppError::Invalid(errors));
    };
    let id = ids::new_id();
    let now = now_ms();
    let mut tx = super::db::begin_application_write(&state.pool, application_id).await?;
    repo::devices::insert(&mut tx, application_id, &id, name.as_str(), description.as_str(), now).await?;
    repo::audit::insert(&mut tx, &audit::entry(application_id, "device.create", None, name.as_str(), &[], now)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Saves name, description, tags (as the form's JSON pairs) and group ties together.
pub async fn update(
    state: &Store,
    application_id: &str,
    device_id: &str,
    name: &str,
    description: &str,
    tags_json: &str,
    group_ids: &[String],
) -> Result<DeviceDetail, AppError> {
    let mut conn = state.pool.acquire().await?;
    let mut errors = FieldErrors::new();
    let valid = check(name, description, &mut errors);
    let tags = tags(tags_json, &mut errors);
    let known = repo::groups::existing_ids(&mut conn, "experience_groups", application_id, group_ids).await?;
    if known.len() != group_ids.len() {
        errors.insert("groups".into(), "Some of those groups no longer exist; reload the page".into());
    }
    let Some((name, description)) = valid.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let mut tx = super::db::begin_application_write_on(&mut conn, application_id).await?;
    let before = repo::devices::get(&mut tx, application_id, device_id).await?.ok_or_else(device_not_found)?;
    let saved =
        repo::devices::update(&mut tx, application_id, device_id, name.as_str(), description.as_str(), now_ms())
            .await?;
    if !saved {
        return Err(device_not_found());
    }
    repo::devices::replace_tags(&mut tx, device_id, &tags).await?;
    repo::devices::replace_groups(&mut tx, device_id, &known).await?;
    let detail = repo::devices::get(&mut tx, application_id, device_id).await?.ok_or_else(device_not_found)?;
    let changes = diff(&[
        ("name", Some(before.name), Some(detail.name.clone())),
        ("description", Some(before.description), Some(detail.description.clone())),
    ]);
    let entry = audit::entry(application_id, "device.update", None, &detail.name, &changes, now_ms());
    repo::audit::insert(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(detail)
}

pub async fn delete(state: &Store, application_id: &str, device_id: &str) -> Result<(), AppError> {
    let mut tx = super::db::begin_application_write(&state.pool, application_id).await?;
    let device = repo::devices::get(&mut tx, application_id, device_id).await?.ok_or_else(device_not_found)?;
    repo::devices::delete(&mut tx, application_id, device_id).await?;
    repo::audit::insert(&mut tx, &audit::entry(application_id, "device.delete", None, &device.name, &[], now_ms()))
        .await?;
    tx.commit().await?;
    Ok(())
}
