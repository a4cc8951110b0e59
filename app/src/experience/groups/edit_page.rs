use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::device_tag_ties::{DeviceTagTies, TieRows};
use super::parent_select::ParentSelect;
use super::{get_group, list_groups, self_and_descendants, DeleteGroup, GroupDetail, GroupNode, UpdateGroup};
use crate::components::confirm::ConfirmDialog;
use crate::components::field::{FieldError, FormError};
use crate::components::layout::use_application_id;
use crate::components::resource::resource;
use crate::domain::Name;
use crate::error::AppError;

/// One group: rename, describe, move; its members and devices; delete.
#[component]
pub fn EditGroupPage() -> impl IntoView {
    let app_id = use_application_id();
    let params = use_params_map();
    let group_id = Memo::new(move |_| params.with(|p| p.get("group").unwrap_or_default()));
    let update = ServerAction::<UpdateGroup>::new();
    let data = resource(
        move || (app_id.get(), group_id.get(), update.version().get()),
        |(app, id, _)| async move {
            let detail = get_group(app.clone(), id).await?;
            let nodes = list_groups(app).await?;
            Ok::<_, AppError>((detail, nodes))
        },
    );
    view! {
        <Title text="Group · Experience Users"/>
        <section class="page">
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || data.get().map(|result| match result {
                    Err(error) => view! { <FormError error=Signal::derive(move || Some(error.clone()))/> }.into_any(),
                    Ok((detail, nodes)) => view! { <GroupForm detail nodes update app_id=app_id.get_untracked()/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn GroupForm(
    detail: GroupDetail,
    nodes: Vec<GroupNode>,
    update: ServerAction<UpdateGroup>,
    app_id: String,
) -> impl IntoView {
    let delete = ServerAction::<DeleteGroup>::new();
    let name_error = RwSignal::new(None::<String>);
    let server_error = Signal::derive(move || update.value().get().and_then(Result::err));
    let confirming = RwSignal::new(false);
    let ties = TieRows::new(detail.device_tags.clone());
    let node = detail.node.clone();
    let excluded = self_and_descendants(&nodes, &node.id);
    let children = nodes.iter().filter(|n| n.parent_id.as_deref() == Some(node.id.as_str())).count();
    let parent_name = node
        .parent_id
        .as_ref()
        .and_then(|p| nodes.iter().find(|n| &n.id == p))
        .map(|p| format!("\u{201c}{}\u{201d}", p.name))
        .unwrap_or_else(|| "the top level".into());
    let list = format!("/applications/{app_id}/experience/groups");
    let navigate = use_navigate();
    let list_after_delete = list.clone();
    Effect::new(move |_| {
        if delete.value().get().is_some_and(|r| r.is_ok()) {
            navigate(&list_after_delete, Default::default());
        }
    });
    let (app_for_delete, id_for_delete) = (app_id.clone(), node.id.clone());
    let users_base = format!("/applications/{app_id}/experience/users");
    let devices_base = format!("/applications/{app_id}/devices");
    let members_in_list = format!("{users_base}?group={}", node.id);

    view! {
        <header class="page-header">
            <div>
                <p class="muted">"Experience group"</p>
                <h1>{node.name.clone()}</h1>
            </div>
        </header>
        <ActionForm
            action=update
            attr:class="card form"
            attr:novalidate=true
            on:submit:capture=move |ev| {
                if let Ok(data) = UpdateGroup::from_event(&ev) {
                    name_error.set(Name::parse(&data.name).err().map(|e| e.to_string()));
                    if name_error.with_untracked(Option::is_some) || ties.error().is_some() {
                        ev.prevent_default();
                    }
                }
            }
        >
            <input type="hidden" name="application_id" value=app_id.clone()/>
            <input type="hidden" name="group_id" value=node.id.clone()/>
            <label for="group-name">"Name"</label>
            <input id="group-name" name="name" value=node.name.clone() autocomplete="off" aria-describedby="group-name-error"
                on:input=move |ev| name_error.set(Name::parse(&event_target_value(&ev)).err().map(|e| e.to_string()))/>
            <FieldError id="group-name-error"
                message=Signal::derive(move || name_error.get().or_else(|| server_error.get().and_then(|e| e.field_message("name"))))/>
            <label for="group-description">"Description"</label>
            <textarea id="group-description" name="description" rows="2">{node.description.clone()}</textarea>
            <FieldError id="group-description-error"
                message=Signal::derive(move || server_error.get().and_then(|e| e.field_message("description")))/>
            <ParentSelect nodes=nodes.clone() selected=node.parent_id.clone().unwrap_or_default() excluded/>
            <FieldError id="group-parent-error"
                message=Signal::derive(move || server_error.get().and_then(|e| e.field_message("parentId")))/>
            <DeviceTagTies rows=ties server_error=Signal::derive(move || server_error.get().and_then(|e| e.field_message("deviceTags")))/>
            <FormError error=Signal::derive(move || server_error.get().filter(|e| !matches!(e, AppError::Invalid(_))))/>
            <div class="form-actions">
                <button type="submit" class="primary" disabled=move || update.pending().get()>
                    {move || if update.pending().get() { "Saving…" } else { "Save" }}
                </button>
                <A href=list.clone()>"Back to groups"</A>
            </div>
        </ActionForm>
        <section class="card" aria-labelledby="members-title">
            <h2 id="members-title">{format!("Members ({})", node.member_count)}</h2>
            {if detail.members.is_empty() {
                view! { <p class="muted">"No members. Add users to this group from their page."</p> }.into_any()
            } else {
                // The page lists the first members only; the users list holds them all, with
                // search, sort and paging.
                let shown = detail.members.len() as i64;
                let first_only = (node.member_count > shown).then(|| format!("The first {shown} by email. "));
                view! {
                    <ul>{detail.members.into_iter().map(|(id, email)| view! {
                        <li><A href=format!("{users_base}/{id}")>{email}</A></li>
                    }).collect_view()}</ul>
                    <p class="muted">{first_only}<A href=members_in_list>"Open the members in the users list"</A></p>
                }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="devices-title">
            <h2 id="devices-title">{format!("Devices ({})", node.device_count)}</h2>
            {if detail.devices.is_empty() {
                view! { <p class="muted">"No devices tied to this group."</p> }.into_any()
            } else {
                view! { <ul>{detail.devices.into_iter().map(|(id, name)| view! {
                    <li><A href=format!("{devices_base}/{id}")>{name}</A></li>
                }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <footer class="page-footer">
            <FormError error=Signal::derive(move || delete.value().get().and_then(Result::err))/>
            <button type="button" class="danger" on:click=move |_| confirming.set(true)>"Delete group"</button>
        </footer>
        <Show when=move || confirming.get()>
            {
                let (app, id) = (app_for_delete.clone(), id_for_delete.clone());
                let message = if children == 0 {
                    "The group and its memberships will be deleted. Its users stay. This cannot be undone.".to_owned()
                } else {
                    format!("The group and its memberships will be deleted; its {children} subgroup(s) move up to {parent_name}. Its users stay. This cannot be undone.")
                };
                view! {
                    <ConfirmDialog
                        title="Delete this group?"
                        message
                        confirm_label="Delete group"
                        pending=delete.pending()
                        on_confirm=move || { delete.dispatch(DeleteGroup { application_id: app.clone(), group_id: id.clone() }); }
                        on_cancel=move || confirming.set(false)
                    />
                }
            }
        </Show>
    }
}
