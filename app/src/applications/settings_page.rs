use leptos::prelude::*;
use leptos_meta::Title;

use super::{get_application, UpdateApplication};
use crate::components::field::{FieldError, FormError};
use crate::components::layout::use_application_id;
use crate::components::resource::resource;
use crate::domain::{ApplicationName, UserLimit};
use crate::error::AppError;

/// Rename the application and set or clear its user limit.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let app_id = use_application_id();
    let update = ServerAction::<UpdateApplication>::new();
    let application = resource(move || (app_id.get(), update.version().get()), |(id, _)| get_application(id));
    let name_error = RwSignal::new(None::<String>);
    let limit_error = RwSignal::new(None::<String>);
    let server_error = move || update.value().get().and_then(Result::err);
    let saved = move || update.value().get().is_some_and(|r| r.is_ok());

    view! {
        <Title text="Settings · Experience Users"/>
        <section class="page">
            <header class="page-header"><h1>"Application settings"</h1></header>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || application.get().map(|result| match result {
                    Err(error) => view! { <FormError error=Signal::derive(move || Some(error.clone()))/> }.into_any(),
                    Ok(app) => view! {
                        <ActionForm
                            action=update
                            attr:class="card form"
                            attr:novalidate=true
                            on:submit:capture=move |ev| {
                                if let Ok(data) = UpdateApplication::from_event(&ev) {
                                    name_error.set(ApplicationName::parse(&data.name).err().map(|e| e.to_string()));
                                    limit_error.set(UserLimit::parse(&data.user_limit).err().map(|e| e.to_string()));
                                    if name_error.with_untracked(Option::is_some) || limit_error.with_untracked(Option::is_some) {
                                        ev.prevent_default();
                                    }
                                }
                            }
                        >
                            <input type="hidden" name="id" value=app.id.clone()/>
                            <label for="app-name">"Name"</label>
                            <input id="app-name" name="name" value=app.name.clone() aria-describedby="app-name-error"
                                on:input=move |ev| name_error.set(ApplicationName::parse(&event_target_value(&ev)).err().map(|e| e.to_string()))/>
                            <FieldError id="app-name-error"
                                message=Signal::derive(move || name_error.get().or_else(|| server_error().and_then(|e| e.field_message("name"))))/>
                            <label for="app-limit">"User limit"</label>
                            <input id="app-limit" name="user_limit" inputmode="numeric" placeholder="No limit"
                                value=app.user_limit.map(|n| n.to_string()).unwrap_or_default() aria-describedby="app-limit-error"
                                on:input=move |ev| limit_error.set(UserLimit::parse(&event_target_value(&ev)).err().map(|e| e.to_string()))/>
                            <FieldError id="app-limit-error"
                                message=Signal::derive(move || limit_error.get().or_else(|| server_error().and_then(|e| e.field_message("user_limit"))))/>
                            <FormError error=Signal::derive(move || server_error().filter(|e| !matches!(e, AppError::Invalid(_))))/>
                            <div class="form-actions">
                                <button type="submit" class="primary" disabled=move || update.pending().get()>"Save"</button>
                                <Show when=saved><span class="ok" role="status">"Saved"</span></Show>
                            </div>
                        </ActionForm>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}
