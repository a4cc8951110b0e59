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
mod routes;
#[cfg(feature = "ssr")]
pub mod server;

// Shared with the storage layer; re-exported so `crate::domain` and `crate::error` read as before.
pub use model::{domain, error};

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{path, Lazy};

use auth::LoginPage;
use routes::*;

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
                <ParentRoute path=path!("/applications") view={Lazy::<Page<LAYOUT>>::new()}>
                    <Route path=path!("") view={Lazy::<Page<APPLICATIONS>>::new()}/>
                    <Route path=path!(":app") view=ApplicationHome/>
                    <Route path=path!(":app/experience/users") view={Lazy::<Page<USERS>>::new()}/>
                    <Route path=path!(":app/experience/users/new") view={Lazy::<Page<NEW_USER>>::new()}/>
                    <Route path=path!(":app/experience/users/import") view={Lazy::<Page<IMPORT_USERS>>::new()}/>
                    <Route path=path!(":app/experience/users/:user") view={Lazy::<Page<EDIT_USER>>::new()}/>
                    <Route path=path!(":app/experience/groups") view={Lazy::<Page<GROUPS>>::new()}/>
                    <Route path=path!(":app/experience/groups/:group") view={Lazy::<Page<EDIT_GROUP>>::new()}/>
                    <Route path=path!(":app/devices") view={Lazy::<Page<DEVICES>>::new()}/>
                    <Route path=path!(":app/devices/:device") view={Lazy::<Page<DEVICE>>::new()}/>
                    <Route path=path!(":app/settings") view={Lazy::<Page<SETTINGS>>::new()}/>
                    <Route path=path!(":app/api-tokens") view={Lazy::<Page<API_TOKENS>>::new()}/>
                    <Route path=path!(":app/activity") view={Lazy::<Page<ACTIVITY>>::new()}/>
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
