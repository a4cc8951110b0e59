use leptos::prelude::*;

use super::{DeviceDetail, DeviceRow};
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr {
    use crate::domain::{tag_problems, tag_rows_from_json, Description, Name};
    use crate::error::{AppError, FieldErrors};

    pub fn device_not_found() -> AppError {
        AppError::NotFound("This device".into())
    }

    /// Name and description by the shared rules, every problem at once.
    pub fn check(name: &str, description: &str, errors: &mut FieldErrors) -> Option<(Name, Description)> {
        let name = Name::parse(name).map_err(|e| errors.insert("name".into(), e.to_string())).ok();
        let description =
            Description::parse(description).map_err(|e| errors.insert("description".into(), e.to_string())).ok();
        name.zip(description)
    }

    /// The tag rows a form sends as JSON pairs.
    pub fn tags(json: &str, errors: &mut FieldErrors) -> Vec<(String, String)> {
        let Some(pairs) = tag_rows_from_json(json) else {
            errors.insert("tags".into(), "The tags could not be read".into());
            return Vec::new();
        };
        if let Some(text) = tag_problems(&pairs) {
            errors.insert("tags".into(), text);
        }
        pairs
    }
}

#[server(endpoint = "devices/list")]
pub async fn list_devices(application_id: String) -> Result<Vec<DeviceRow>, AppError> {
    use crate::server::{context, repo};
    context::respond(async move {
        let mut conn = context::open_application(&application_id).await?;
        repo::devices::list(&mut conn, &application_id).await.map_err(AppError::from)
    })
    .await
}

#[server(endpoint = "devices/get")]
pub async fn get_device(application_id: String, device_id: String) -> Result<DeviceDetail, AppError> {
    use crate::server::{context, repo};
    context::respond(async move {
        let mut conn = context::open_application(&application_id).await?;
        repo::devices::get(&mut conn, &application_id, &device_id).await?.ok_or_else(ssr::device_not_found)
    })
    .await
}

/// Creates a device and sends the browser to its page.
#[server(endpoint = "devices/create")]
pub async fn create_device(application_id: String, name: String, description: String) -> Result<String, AppError> {
    use crate::error::FieldErrors;
    use crate::server::{clock::now_ms, context, ids, repo};
    context::respond(async move {
        let mut conn = context::open_application(&application_id).await?;
        let mut errors = FieldErrors::new();
        let Some((name, description)) = ssr::check(&name, &description, &mut errors) else {
            return Err(AppError::Invalid(errors));
        };
        let id = ids::new_id();
        repo::devices::insert(&mut conn, &application_id, &id, name.as_str(), description.as_str(), now_ms()).await?;
        leptos_axum::redirect(&format!("/applications/{application_id}/devices/{id}"));
        Ok(id)
    })
    .await
}

/// Saves name, description, tags and group ties together.
#[server(endpoint = "devices/update")]
pub async fn update_device(
    application_id: String,
    device_id: String,
    name: String,
    description: String,
    tags_json: String,
    group_ids: String,
) -> Result<DeviceDetail, AppError> {
    use crate::error::FieldErrors;
    use crate::server::{clock::now_ms, context, repo};
    context::respond(async move {
        let mut conn = context::open_application(&application_id).await?;
        let mut errors = FieldErrors::new();
        let valid = ssr::check(&name, &description, &mut errors);
        let tags = ssr::tags(&tags_json, &mut errors);
        let groups: Vec<String> = group_ids.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect();
        let known = repo::groups::existing_ids(&mut conn, "experience_groups", &application_id, &groups).await?;
        if known.len() != groups.len() {
            errors.insert("groups".into(), "Some of those groups no longer exist; reload the page".into());
        }
        let Some((name, description)) = valid.filter(|_| errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let mut tx = crate::server::db::begin_write_on(&mut conn).await?;
        let saved =
            repo::devices::update(&mut tx, &application_id, &device_id, name.as_str(), description.as_str(), now_ms())
                .await?;
        if !saved {
            return Err(ssr::device_not_found());
        }
        repo::devices::replace_tags(&mut tx, &device_id, &tags).await?;
        repo::devices::replace_groups(&mut tx, &device_id, &known).await?;
        let detail =
            repo::devices::get(&mut tx, &application_id, &device_id).await?.ok_or_else(ssr::device_not_found)?;
        tx.commit().await?;
        Ok(detail)
    })
    .await
}

#[server(endpoint = "devices/delete")]
pub async fn delete_device(application_id: String, device_id: String) -> Result<(), AppError> {
    use crate::server::{context, repo};
    context::respond(async move {
        let mut conn = context::open_application(&application_id).await?;
        if !repo::devices::delete(&mut conn, &application_id, &device_id).await? {
            return Err(ssr::device_not_found());
        }
        leptos_axum::redirect(&format!("/applications/{application_id}/devices"));
        Ok(())
    })
    .await
}
