use leptos::prelude::*;
use leptos_meta::Title;

use super::{list_applications, CreateApplication};
use crate::components::field::{FieldError, FormError};
use crate::components::resource::resource;
use crate::domain::ApplicationName;
use crate::error::AppError;

#[component]
pub fn ApplicationsPage() -> impl IntoView {
    let applications = resource(|| (), |_| list_applications());
    let creating = RwSignal::new(false);

    view! {
        <Title text="Applications · Experience Users"/>
        <section class="page">
            <header class="page-header">
                <h1>"Applications"</h1>
                <button class="primary" on:click=move |_| creating.update(|c| *c = !*c) aria-expanded=move || creating.get().to_string()>
                    "New application"
                </button>
            </header>
            <Show when=move || creating.get()>
                <NewApplicationForm on_cancel=move || creating.set(false)/>
            </Show>
            <Transition fallback=|| view! { <p class="muted">"Loading applications…"</p> }>
                {move || applications.get().map(|result| match result {
                    Err(error) => view! { <FormError error=Signal::derive(move || Some(error.clone()))/> }.into_any(),
                    Ok(apps) if apps.is_empty() => view! {
                        <div class="empty-state">
                            <h2>"No applications yet"</h2>
                            <p>"An application holds experience users, groups and devices. Create one with "<strong>"New application"</strong>"."</p>
                        </div>
                    }.into_any(),
                    Ok(apps) => view! {
                        <ul class="app-list">
                            {apps.into_iter().map(|app| view! {
                                <li class="card">
                                    <a href=format!("/applications/{}/experience/users", app.id)>{app.name.clone()}</a>
                                    <span class="muted">{app.user_limit.map(|n| format!("limit {n} users")).unwrap_or_else(|| "no user limit".into())}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn NewApplicationForm(on_cancel: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let create = ServerAction::<CreateApplication>::new();
    let name_error = RwSignal::new(None::<String>);
    let server_error = move || create.value().get().and_then(Result::err);
    let check = move |value: &str| name_error.set(ApplicationName::parse(value).err().map(|e| e.to_string()));

    view! {
        <ActionForm
            action=create
            attr:class="card inline-form"
            attr:novalidate=true
            on:submit:capture=move |ev| {
                if let Ok(data) = CreateApplication::from_event(&ev) {
                    check(&data.name);
                    if name_error.with_untracked(Option::is_some) {
                        ev.prevent_default();
                    }
                }
            }
        >
            <label for="new-app-name">"Name"</label>
            <input
                id="new-app-name"
                name="name"
                maxlength="255"
                autofocus
                aria-describedby="new-app-name-error"
                on:input=move |ev| check(&event_target_value(&ev))
                on:keydown=move |ev| if ev.key() == "Escape" { on_cancel() }
            />
            <FieldError
                id="new-app-name-error"
                message=Signal::derive(move || name_error.get().or_else(|| server_error().and_then(|e| e.field_message("name"))))
            />
            <FormError error=Signal::derive(move || server_error().filter(|e| !matches!(e, AppError::Invalid(_))))/>
            <button type="submit" class="primary" disabled=move || create.pending().get()>"Create"</button>
        </ActionForm>
    }
}
