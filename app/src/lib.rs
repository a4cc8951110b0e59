#![recursion_limit = "256"]
//! The Experience Users admin app, shared by the server (SSR, feature `ssr`) and the browser
//! (hydration, feature `hydrate`).

pub mod api_tokens;
pub mod applications;
pub mod auth;
pub mod components;
pub mod devices;
pub mod experience;
pub mod history;
#[cfg(feature = "ssr")]
pub mod server;

// Shared with the storage layer; re-exported so `crate::domain` and `crate::error` read as before.
pub use model::{domain, error};

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

use api_tokens::ApiTokensPage;
use applications::{ApplicationsPage, SettingsPage};
use auth::LoginPage;
use components::layout::AdminLayout;
use devices::{DevicePage, DevicesPage};
use experience::{EditGroupPage, EditUserPage, GroupsPage, ImportUsersPage, NewUserPage, UsersPage};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Stylesheet id="leptos" href="/pkg/experience-users.css"/>
        <Title text="Experience Users"/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/") view=|| view! { <Redirect path="/applications"/> }/>
                <ParentRoute path=path!("/applications") view=AdminLayout>
                    <Route path=path!("") view=ApplicationsPage/>
                    <Route path=path!(":app") view=ApplicationHome/>
                    <Route path=path!(":app/experience/users") view=UsersPage/>
                    <Route path=path!(":app/experience/users/new") view=NewUserPage/>
                    <Route path=path!(":app/experience/users/import") view=ImportUsersPage/>
                    <Route path=path!(":app/experience/users/:user") view=EditUserPage/>
                    <Route path=path!(":app/experience/groups") view=GroupsPage/>
                    <Route path=path!(":app/experience/groups/:group") view=EditGroupPage/>
                    <Route path=path!(":app/devices") view=DevicesPage/>
                    <Route path=path!(":app/devices/:device") view=DevicePage/>
                    <Route path=path!(":app/settings") view=SettingsPage/>
                    <Route path=path!(":app/api-tokens") view=ApiTokensPage/>
                    <Route path=path!(":app/activity") view=history::ActivityPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// `/applications/{id}` leads to the application's users.
#[component]
fn ApplicationHome() -> impl IntoView {
    let id = components::layout::use_application_id().get_untracked();
    view! { <Redirect path=format!("/applications/{id}/experience/users")/> }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="auth-page">
            <div class="card">
                <h1>"Page not found"</h1>
                <p><a href="/applications">"Back to applications"</a></p>
            </div>
        </main>
    }
}
