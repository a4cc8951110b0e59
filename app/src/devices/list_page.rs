use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::{list_devices, CreateDevice};
use crate::components::field::{FieldError, FormError};
use crate::components::layout::use_application_id;
use crate::components::resource::resource;
use crate::domain::Name;
use crate::error::AppError;

/// The application's devices, and a form to add one.
#[component]
pub fn DevicesPage() -> impl IntoView {
    let app_id = use_application_id();
    let create = ServerAction::<CreateDevice>::new();
    let devices = resource(move || app_id.get(), list_devices);
    let adding = RwSignal::new(false);
    let name_error = RwSignal::new(None::<String>);
    let create_error = Signal::derive(move || create.value().get().and_then(Result::err));

    view! {
        <Title text="Devices · Experience Users"/>
        <section class="page">
            <header class="page-header">
                <h1>"Devices"</h1>
                <button type="button" class="primary" on:click=move |_| { adding.set(true); name_error.set(None); }>"New device"</button>
            </header>
            <Show when=move || adding.get()>
                <ActionForm
                    action=create
                    attr:class="card form"
                    attr:novalidate=true
                    on:submit:capture=move |ev| {
                        if let Ok(data) = CreateDevice::from_event(&ev) {
                            name_error.set(Name::parse(&data.name).err().map(|e| e.to_string()));
                            if name_error.with_untracked(Option::is_some) {
                                ev.prevent_default();
                            }
                        }
                    }
                >
                    <input type="hidden" name="application_id" value=move || app_id.get()/>
                    <label for="device-name">"Name"</label>
                    <input id="device-name" name="name" autocomplete="off" aria-describedby="device-name-error"
                        on:input=move |ev| name_error.set(Name::parse(&event_target_value(&ev)).err().map(|e| e.to_string()))/>
                    <FieldError id="device-name-error"
                        message=Signal::derive(move || name_error.get().or_else(|| create_error.get().and_then(|e| e.field_message("name"))))/>
                    <label for="device-description">"Description"</label>
                    <textarea id="device-description" name="description" rows="2"></textarea>
                    <FieldError id="device-description-error"
                        message=Signal::derive(move || create_error.get().and_then(|e| e.field_message("description")))/>
                    <FormError error=Signal::derive(move || create_error.get().filter(|e| !matches!(e, AppError::Invalid(_))))/>
                    <div class="form-actions">
                        <button type="submit" class="primary" disabled=move || create.pending().get()>
                            {move || if create.pending().get() { "Creating…" } else { "Create" }}
                        </button>
                        <button type="button" on:click=move |_| adding.set(false)>"Cancel"</button>
                    </div>
                </ActionForm>
            </Show>
            <Transition fallback=|| view! { <p class="muted">"Loading devices…"</p> }>
                {move || devices.get().map(|result| match result {
                    Err(error) => view! { <FormError error=Signal::derive(move || Some(error.clone()))/> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <div class="empty-state"><p>"No devices yet. Tie devices to groups to give the groups' users access."</p></div>
                    }.into_any(),
                    Ok(list) => view! {
                        <table class="devices">
                            <thead><tr><th scope="col">"Name"</th><th scope="col">"Tags"</th><th scope="col">"Groups"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|d| {
                                    let href = format!("/applications/{}/devices/{}", app_id.get_untracked(), d.id);
                                    let tags = d.tags.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ");
                                    view! { <tr><td><A href=href>{d.name}</A></td><td>{tags}</td><td>{d.group_count}</td></tr> }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}
