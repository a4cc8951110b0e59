use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::{use_location, use_navigate};

use crate::applications::list_applications;
use crate::auth::{whoami, Logout};
use crate::components::field::FormError;
use crate::components::resource::resource;

/// The application id in the current path (`/applications/{id}/…`), or empty.
pub fn use_application_id() -> Memo<String> {
    let location = use_location();
    Memo::new(move |_| {
        location.pathname.with(|path| {
            path.strip_prefix("/applications/").and_then(|rest| rest.split('/').next()).unwrap_or_default().to_owned()
        })
    })
}

/// Header (brand, application switcher, who is signed in, sign out) and navigation around
/// every signed-in page.
#[component]
pub fn AdminLayout() -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let me = resource(|| (), |_| whoami());
    let app_id = use_application_id();
    let applications = resource(|| (), |_| list_applications());
    let navigate = use_navigate();

    view! {
        <header class="topbar">
            <a class="brand" href="/applications">"Experience Users"</a>
            <Transition fallback=|| ()>
                {move || applications.get().and_then(Result::ok).map(|apps| {
                    let navigate = navigate.clone();
                    view! {
                        <label class="switcher">
                            <span class="visually-hidden">"Application"</span>
                            <select
                                aria-label="Application"
                                on:change=move |ev| {
                                    let id = event_target_value(&ev);
                                    if !id.is_empty() {
                                        navigate(&format!("/applications/{id}/experience/users"), Default::default());
                                    }
                                }
                            >
                                <option value="" selected=move || app_id.get().is_empty()>"Choose an application…"</option>
                                {apps.into_iter().map(|app| {
                                    let id = app.id.clone();
                                    view! { <option value=app.id.clone() selected=move || app_id.get() == id>{app.name}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                    }
                })}
            </Transition>
            <span class="spacer"></span>
            <Transition fallback=|| ()>
                {move || me.get().map(|r| match r {
                    Ok(email) => view! { <span class="muted">{email}</span> }.into_any(),
                    Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                })}
            </Transition>
            <ActionForm action=logout attr:class="inline">
                <button type="submit" class="secondary">"Sign out"</button>
            </ActionForm>
        </header>
        <div class="with-sidebar">
            <Show when=move || !app_id.get().is_empty()>
                <nav class="sidebar" aria-label="Application sections">
                    <p class="nav-heading">"Experience"</p>
                    <A href=move || format!("/applications/{}/experience/users", app_id.get())>"Users & Groups"</A>
                    <A href=move || format!("/applications/{}/experience/groups", app_id.get())>"Groups"</A>
                    <A href=move || format!("/applications/{}/devices", app_id.get())>"Devices"</A>
                    <p class="nav-heading">"Application"</p>
                    <A href=move || format!("/applications/{}/settings", app_id.get())>"Settings"</A>
                    <A href=move || format!("/applications/{}/api-tokens", app_id.get())>"API tokens"</A>
                    <A href=move || format!("/applications/{}/activity", app_id.get())>"Activity"</A>
                </nav>
            </Show>
            <main class="content">
                <Outlet/>
            </main>
        </div>
    }
}
