use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use std::collections::BTreeSet;

use super::{get_device, DeleteDevice, DeviceDetail, UpdateDevice};
use crate::components::confirm::ConfirmDialog;
use crate::components::field::{FieldError, FormError};
use crate::components::group_picker::GroupPicker;
use crate::components::layout::use_application_id;
use crate::components::resource::resource;
use crate::components::tag_editor::{TagEditor, TagRows};
use crate::domain::Name;
use crate::error::AppError;

#[component]
pub fn DevicePage() -> impl IntoView {
    let app_id = use_application_id();
    let params = use_params_map();
    let device_id = Memo::new(move |_| params.with(|p| p.get("device").unwrap_or_default()));
    let device = resource(move || (app_id.get(), device_id.get()), |(app, id)| get_device(app, id));
    view! {
        <Title text="Device · Experience Users"/>
        <section class="page">
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || device.get().map(|result| match result {
                    Err(error) => view! { <FormError error=Signal::derive(move || Some(error.clone()))/> }.into_any(),
                    Ok(detail) => view! { <DeviceForm detail app_id=app_id.get_untracked()/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn DeviceForm(detail: DeviceDetail, app_id: String) -> impl IntoView {
    let update = ServerAction::<UpdateDevice>::new();
    let delete = ServerAction::<DeleteDevice>::new();
    let name_error = RwSignal::new(None::<String>);
    let server_error = Signal::derive(move || update.value().get().and_then(Result::err));
    let saved = move || update.value().get().is_some_and(|r| r.is_ok());
    let tags = TagRows::new(detail.tags.clone());
    let groups = RwSignal::new(detail.group_ids.iter().cloned().collect::<BTreeSet<_>>());
    let confirming = RwSignal::new(false);
    let list = format!("/applications/{app_id}/devices");
    let navigate = use_navigate();
    let list_after_delete = list.clone();
    Effect::new(move |_| {
        if delete.value().get().is_some_and(|r| r.is_ok()) {
            navigate(&list_after_delete, Default::default());
        }
    });
    let (app_for_delete, id_for_delete) = (app_id.clone(), detail.id.clone());
    let app_signal = Signal::stored(app_id.clone());

    view! {
        <header class="page-header">
            <div>
                <p class="muted">"Device"</p>
                <h1>{detail.name.clone()}</h1>
            </div>
        </header>
        <ActionForm
            action=update
            attr:class="card form"
            attr:novalidate=true
            on:submit:capture=move |ev| {
                if let Ok(data) = UpdateDevice::from_event(&ev) {
                    name_error.set(Name::parse(&data.name).err().map(|e| e.to_string()));
                    if name_error.with_untracked(Option::is_some) || !tags.errors().is_empty() {
                        ev.prevent_default();
                    }
                }
            }
        >
            <input type="hidden" name="application_id" value=app_id.clone()/>
            <input type="hidden" name="device_id" value=detail.id.clone()/>
            <label for="device-name">"Name"</label>
            <input id="device-name" name="name" value=detail.name.clone() autocomplete="off" aria-describedby="device-name-error"
                on:input=move |ev| name_error.set(Name::parse(&event_target_value(&ev)).err().map(|e| e.to_string()))/>
            <FieldError id="device-name-error"
                message=Signal::derive(move || name_error.get().or_else(|| server_error.get().and_then(|e| e.field_message("name"))))/>
            <label for="device-description">"Description"</label>
            <textarea id="device-description" name="description" rows="2">{detail.description.clone()}</textarea>
            <FieldError id="device-description-error"
                message=Signal::derive(move || server_error.get().and_then(|e| e.field_message("description")))/>
            <TagEditor rows=tags name="tags_json" suggestions=Signal::stored(Vec::new())/>
            <FieldError id="device-tags-error" message=Signal::derive(move || server_error.get().and_then(|e| e.field_message("tags")))/>
            <GroupPicker app_id=app_signal selected=groups name="group_ids"/>
            <FieldError id="device-groups-error" message=Signal::derive(move || server_error.get().and_then(|e| e.field_message("groups")))/>
            <FormError error=Signal::derive(move || server_error.get().filter(|e| !matches!(e, AppError::Invalid(_))))/>
            <div class="form-actions">
                <button type="submit" class="primary" disabled=move || update.pending().get()>
                    {move || if update.pending().get() { "Saving…" } else { "Save" }}
                </button>
                <A href=list.clone()>"Back to devices"</A>
                <Show when=saved><span class="ok" role="status">"Saved"</span></Show>
            </div>
        </ActionForm>
        <footer class="page-footer">
            <FormError error=Signal::derive(move || delete.value().get().and_then(Result::err))/>
            <button type="button" class="danger" on:click=move |_| confirming.set(true)>"Delete device"</button>
        </footer>
        <Show when=move || confirming.get()>
            {
                let (app, id) = (app_for_delete.clone(), id_for_delete.clone());
                view! {
                    <ConfirmDialog
                        title="Delete this device?"
                        message="The device, its tags and its ties to groups will be deleted; users lose access to it at once. This cannot be undone."
                        confirm_label="Delete device"
                        pending=delete.pending()
                        on_confirm=move || { delete.dispatch(DeleteDevice { application_id: app.clone(), device_id: id.clone() }); }
                        on_cancel=move || confirming.set(false)
                    />
                }
            }
        </Show>
    }
}
