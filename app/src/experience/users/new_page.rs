use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::fields::{email_checker, FieldErrors, TextField};
use super::suggest::key_suggestions;
use super::CreateUser;
use crate::components::field::FieldError;
use crate::components::field::FormError;
use crate::components::group_picker::GroupPicker;
use crate::components::layout::use_application_id;
use crate::components::tag_editor::{TagEditor, TagRows};
use std::collections::BTreeSet;

/// "Add Experience User".
#[component]
pub fn NewUserPage() -> impl IntoView {
    let app_id = use_application_id();
    let create = ServerAction::<CreateUser>::new();
    let errors = FieldErrors::new();
    let server_error = Signal::derive(move || create.value().get().and_then(Result::err));
    let check_email = email_checker(app_id.into(), None, errors.email);
    let list = move || format!("/applications/{}/experience/users", app_id.get());
    let tags = TagRows::new(Vec::new());
    let groups = RwSignal::new(BTreeSet::new());
    let (suggestions, on_key) = key_suggestions(app_id.into(), tags);

    view! {
        <Title text="Add Experience User · Experience Users"/>
        <section class="page">
            <header class="page-header"><h1>"Add Experience User"</h1></header>
            <ActionForm
                action=create
                attr:class="card form"
                attr:novalidate=true
                on:submit:capture=move |ev| {
                    match CreateUser::from_event(&ev) {
                        Ok(d) => if !errors.check_all(&d.email, Some(&d.password), &d.first_name, &d.last_name) | !tags.errors().is_empty() {
                            ev.prevent_default();
                        },
                        Err(_) => ev.prevent_default(),
                    }
                }
            >
                <input type="hidden" name="application_id" value=move || app_id.get()/>
                <TextField id="user-email" name="email" label="Email" kind="email" autocomplete="off"
                    error=errors.email server_error on_value=check_email/>
                <TextField id="user-password" name="password" label="Password" kind="password" autocomplete="new-password"
                    error=errors.password server_error/>
                <TextField id="user-first-name" name="first_name" label="First name" error=errors.first_name server_error/>
                <TextField id="user-last-name" name="last_name" label="Last name" error=errors.last_name server_error/>
                <TagEditor rows=tags name="tags_json" suggestions on_key/>
                <FieldError id="user-tags-error" message=Signal::derive(move || server_error.get().and_then(|e| e.field_message("tags")))/>
                <GroupPicker app_id=app_id selected=groups name="group_ids"/>
                <FieldError id="user-groups-error" message=Signal::derive(move || server_error.get().and_then(|e| e.field_message("groups")))/>
                <FormError error=Signal::derive(move || server_error.get().filter(|e| !e.is_about_fields()))/>
                <div class="form-actions">
                    <button type="submit" class="primary" disabled=move || create.pending().get()>
                        {move || if create.pending().get() { "Saving…" } else { "Save" }}
                    </button>
                    <A href=list>"Cancel"</A>
                </div>
            </ActionForm>
        </section>
    }
}
