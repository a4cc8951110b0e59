use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::parent_select::ParentSelect;
use super::{list_groups, tree_order, CreateGroup};
use crate::components::field::{FieldError, FormError};
use crate::components::layout::use_application_id;
use crate::components::resource::resource;
use crate::domain::Name;
use crate::error::AppError;

/// The application's groups as a tree, and a form to add one.
#[component]
pub fn GroupsPage() -> impl IntoView {
    let app_id = use_application_id();
    let create = ServerAction::<CreateGroup>::new();
    let groups = resource(move || (app_id.get(), create.version().get()), |(id, _)| list_groups(id));
    let adding = RwSignal::new(false);
    let name_error = RwSignal::new(None::<String>);
    let create_error = Signal::derive(move || create.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if create.value().get().is_some_and(|r| r.is_ok()) {
            adding.set(false);
        }
    });
    let base = move || format!("/applications/{}/experience/groups", app_id.get());

    view! {
        <Title text="Groups · Experience Users"/>
        <section class="page">
            <header class="page-header">
                <h1>"Groups"</h1>
                <button type="button" class="primary" on:click=move |_| { adding.set(true); name_error.set(None); }>"New group"</button>
            </header>
            <Show when=move || adding.get()>
                <ActionForm
                    action=create
                    attr:class="card form"
                    attr:novalidate=true
                    on:submit:capture=move |ev| {
                        if let Ok(data) = CreateGroup::from_event(&ev) {
                            name_error.set(Name::parse(&data.name).err().map(|e| e.to_string()));
                            if name_error.with_untracked(Option::is_some) {
                                ev.prevent_default();
                            }
                        }
                    }
                >
                    <input type="hidden" name="application_id" value=move || app_id.get()/>
                    <label for="group-name">"Name"</label>
                    <input id="group-name" name="name" autocomplete="off" aria-describedby="group-name-error"
                        on:input=move |ev| name_error.set(Name::parse(&event_target_value(&ev)).err().map(|e| e.to_string()))/>
                    <FieldError id="group-name-error"
                        message=Signal::derive(move || name_error.get().or_else(|| create_error.get().and_then(|e| e.field_message("name"))))/>
                    <label for="group-description">"Description"</label>
                    <textarea id="group-description" name="description" rows="2"></textarea>
                    <FieldError id="group-description-error"
                        message=Signal::derive(move || create_error.get().and_then(|e| e.field_message("description")))/>
                    <Transition fallback=|| ()>
                        {move || groups.get().and_then(Result::ok).map(|nodes| view! { <ParentSelect nodes/> })}
                    </Transition>
                    <FieldError id="group-parent-error"
                        message=Signal::derive(move || create_error.get().and_then(|e| e.field_message("parentId")))/>
                    <FormError error=Signal::derive(move || create_error.get().filter(|e| !matches!(e, AppError::Invalid(_))))/>
                    <div class="form-actions">
                        <button type="submit" class="primary" disabled=move || create.pending().get()>
                            {move || if create.pending().get() { "Creating…" } else { "Create" }}
                        </button>
                        <button type="button" on:click=move |_| adding.set(false)>"Cancel"</button>
                    </div>
                </ActionForm>
            </Show>
            <Transition fallback=|| view! { <p class="muted">"Loading groups…"</p> }>
                {move || groups.get().map(|result| match result {
                    Err(error) => view! { <FormError error=Signal::derive(move || Some(error.clone()))/> }.into_any(),
                    Ok(nodes) if nodes.is_empty() => view! {
                        <div class="empty-state"><p>"No groups yet. Groups give their members the devices tied to them and to every group above them."</p></div>
                    }.into_any(),
                    Ok(nodes) => view! {
                        <ul class="group-tree" aria-label="Group tree">
                            {tree_order(&nodes).into_iter().map(|(depth, node)| {
                                let href = format!("{}/{}", base(), node.id);
                                let counts = format!("{} members · {} devices", node.member_count, node.device_count);
                                view! {
                                    <li style=format!("--depth: {depth}") data-depth=depth.to_string()>
                                        <A href=href>{node.name.clone()}</A>
                                        <span class="muted small">{counts}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}
