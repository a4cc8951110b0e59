use leptos::prelude::*;

use super::{DeviceDetail, DeviceRow};
use crate::error::AppError;

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
        repo::devices::get(&mut conn, &application_id, &device_id)
            .await?
            .ok_or_else(crate::server::devices_service::device_not_found)
    })
    .await
}

/// Creates a device and sends the browser to its page.
#[server(endpoint = "devices/create")]
pub async fn create_device(application_id: String, name: String, description: String) -> Result<String, AppError> {
    use crate::server::{context, devices_service};
    context::respond(async move {
        context::open_application(&application_id).await?;
        let id = devices_service::create(&context::state()?.store, &application_id, &name, &description).await?;
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
    use crate::server::{context, devices_service};
    context::respond(async move {
        context::open_application(&application_id).await?;
        let groups: Vec<String> = group_ids.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect();
        let state = context::state()?;
        devices_service::update(&state, &application_id, &device_id, &name, &description, &tags_json, &groups).await
    })
    .await
}

#[server(endpoint = "devices/delete")]
pub async fn delete_device(application_id: String, device_id: String) -> Result<(), AppError> {
    use crate::server::{context, devices_service};
    context::respond(async move {
        context::open_application(&application_id).await?;
        devices_service::delete(&context::state()?.store, &application_id, &device_id).await?;
        leptos_axum::redirect(&format!("/applications/{application_id}/devices"));
        Ok(())
    })
    .await
}
