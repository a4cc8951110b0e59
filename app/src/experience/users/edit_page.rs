use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::access::EffectiveAccess;
use super::fields::{email_checker, FieldErrors, TextField};
use super::state_box::UserStateBox;
use super::suggest::key_suggestions;
use super::tokens::UserTokensBox;
use super::{format_time, get_user, DeleteUser, UpdateUser, UserForm};
use crate::components::confirm::ConfirmDialog;
use crate::components::field::FieldError;
use crate::components::field::FormError;
use crate::components::group_picker::GroupPicker;
use crate::components::layout::use_application_id;
use crate::components::resource::resource;
use crate::components::tag_editor::{TagEditor, TagRows};
use crate::history::UserHistory;
use std::collections::BTreeSet;

/// Edit one user; the password changes only with "Change password?" checked.
#[component]
pub fn EditUserPage() -> impl IntoView {
    let app_id = use_application_id();
    let params = use_params_map();
    let user_id = Memo::new(move |_| params.with(|p| p.get("user").unwrap_or_default()));
    let user = resource(move || (app_id.get(), user_id.get()), |(app, id)| get_user(app, id));

    view! {
        <Title text="Edit Experience User · Experience Users"/>
        <section class="page">
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || user.get().map(|result| match result {
                    Err(error) => view! { <FormError error=Signal::derive(move || Some(error.clone()))/> }.into_any(),
                    Ok(form) => view! { <EditUserForm form app_id=app_id.get_untracked()/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn EditUserForm(form: UserForm, app_id: String) -> impl IntoView {
    let UserForm { user: detail, tags, group_ids } = form;
    let tags = TagRows::new(tags);
    let groups = RwSignal::new(group_ids.into_iter().collect::<BTreeSet<_>>());
    let app_signal = Signal::stored(app_id.clone());
    let (suggestions, on_key) = key_suggestions(app_signal, tags);
    let update = ServerAction::<UpdateUser>::new();
    let delete = ServerAction::<DeleteUser>::new();
    let errors = FieldErrors::new();
    let server_error = Signal::derive(move || update.value().get().and_then(Result::err));
    // The version the next save builds on: the loaded one, then each successful save's.
    let saved = Memo::new(move |_| update.value().get().and_then(Result::ok));
    let version = {
        let initial = detail.version;
        move || saved.get().map(|d| d.version).unwrap_or(initial)
    };
    let change_password = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let list = format!("/applications/{app_id}/experience/users");
    let check_email = email_checker(Signal::stored(app_id.clone()), Some(detail.id.clone()), errors.email);

    let navigate = use_navigate();
    let list_after_delete = list.clone();
    Effect::new(move |_| {
        if delete.value().get().is_some_and(|r| r.is_ok()) {
            navigate(&list_after_delete, Default::default());
        }
    });
    let password_updated = {
        let initial = detail.password_updated_at;
        move || format_time(Some(saved.get().map(|d| d.password_updated_at).unwrap_or(initial)))
    };
    let (app_for_delete, id_for_delete) = (app_id.clone(), detail.id.clone());
    let saved_cutoff = Signal::derive(move || saved.get().and_then(|d| d.token_cutoff));
    let access_box = view! {
        <EffectiveAccess app_id=app_id.clone() user_id=detail.id.clone() refresh=Signal::derive(move || update.version().get())/>
    };
    let state_box = view! {
        <UserStateBox app_id=app_id.clone() user_id=detail.id.clone() email=detail.email.clone()
            disabled_until=detail.disabled_until/>
    };
    let history_box = view! {
        <UserHistory app_id=app_id.clone() user_id=detail.id.clone() refresh=Signal::derive(move || update.version().get())/>
    };
    let tokens_box = view! {
        <UserTokensBox app_id=app_id.clone() user_id=detail.id.clone() email=detail.email.clone()
            last_done=detail.token_cutoff saved_cutoff/>
    };

    view! {
        <header class="page-header">
            <div>
                <p class="muted">"Experience user"</p>
                <h1>{detail.email.clone()}</h1>
            </div>
        </header>
        <ActionForm
            action=update
            attr:class="card form"
            attr:novalidate=true
            on:submit:capture=move |ev| {
                match UpdateUser::from_event(&ev) {
                    Ok(d) => {
                        let password = d.change_password.is_some().then(|| d.password.clone().unwrap_or_default());
                        if !errors.check_all(&d.email, password.as_deref(), &d.first_name, &d.last_name) | !tags.errors().is_empty() {
                            ev.prevent_default();
                        }
                    }
                    Err(_) => ev.prevent_default(),
                }
            }
        >
            <input type="hidden" name="application_id" value=app_id.clone()/>
            <input type="hidden" name="user_id" value=detail.id.clone()/>
            <input type="hidden" name="version" prop:value=move || version().to_string()/>
            <TextField id="user-email" name="email" label="Email" kind="email" autocomplete="off" value=detail.email.clone()
                error=errors.email server_error on_value=check_email/>
            <TextField id="user-first-name" name="first_name" label="First name" value=detail.first_name.clone()
                error=errors.first_name server_error/>
            <TextField id="user-last-name" name="last_name" label="Last name" value=detail.last_name.clone()
                error=errors.last_name server_error/>
            <TagEditor rows=tags name="tags_json" suggestions on_key/>
            <FieldError id="user-tags-error" message=Signal::derive(move || server_error.get().and_then(|e| e.field_message("tags")))/>
            <GroupPicker app_id=app_signal selected=groups name="group_ids"/>
            <FieldError id="user-groups-error" message=Signal::derive(move || server_error.get().and_then(|e| e.field_message("groups")))/>
            <label class="checkbox">
                <input type="checkbox" name="change_password"
                    on:change=move |ev| {
                        change_password.set(event_target_checked(&ev));
                        errors.password.set(None);
                    }/>
                "Change password?"
            </label>
            <p class="muted small">"Password last changed " {password_updated}</p>
            <Show when=move || change_password.get()>
                <TextField id="user-password" name="password" label="Password" kind="password" autocomplete="new-password"
                    error=errors.password server_error/>
                <label class="checkbox">
                    <input type="checkbox" name="invalidate_tokens" checked=true/>
                    "Invalidate this user's tokens (sign them out everywhere)"
                </label>
            </Show>
            <FormError error=Signal::derive(move || server_error.get().filter(|e| !e.is_about_fields()))/>
            <div class="form-actions">
                <button type="submit" class="primary" disabled=move || update.pending().get()>
                    {move || if update.pending().get() { "Saving…" } else { "Save" }}
                </button>
                <A href=list.clone()>"Back to users"</A>
                <Show when=move || saved.get().is_some()><span class="ok" role="status">"Saved"</span></Show>
            </div>
        </ActionForm>
        <dl class="card facts">
            <dt>"Created"</dt><dd>{format_time(Some(detail.created_at))}</dd>
            <dt>"Last updated"</dt><dd>{move || format_time(Some(saved.get().map(|d| d.updated_at).unwrap_or(detail.updated_at)))}</dd>
            <dt>"Last login"</dt><dd>{format_time(detail.last_login_at)}</dd>
        </dl>
        {access_box}
        {state_box}
        {tokens_box}
        {history_box}
        <footer class="page-footer">
            <FormError error=Signal::derive(move || delete.value().get().and_then(Result::err))/>
            <button type="button" class="danger" on:click=move |_| confirming.set(true)>"Delete"</button>
        </footer>
        <Show when=move || confirming.get()>
            {
                let (app, id) = (app_for_delete.clone(), id_for_delete.clone());
                view! {
                    <ConfirmDialog
                        title="Delete this user?"
                        message="The user will be deleted with their group memberships and tags, and their tokens stop working at once. This cannot be undone."
                        confirm_label="Delete user"
                        pending=delete.pending()
                        on_confirm=move || { delete.dispatch(DeleteUser { application_id: app.clone(), user_id: id.clone() }); }
                        on_cancel=move || confirming.set(false)
                    />
                }
            }
        </Show>
    }
}
