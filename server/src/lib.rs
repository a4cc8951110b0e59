#![recursion_limit = "256"]
//! The HTTP server: routes, middleware and start-up tasks. `main.rs` only reads the
//! environment and calls into here, so tests can build the same router.

pub mod api;
pub mod bootstrap;
pub mod database_url;
pub mod experience;
pub mod export;
pub mod import;
pub mod middleware;
pub mod rest;
pub mod serve;

use app::server::AppState;
use app::{shell, App};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use tower_http::trace::TraceLayer;

/// Server-function bodies are small forms; anything bigger is refused before it is read.
const MAX_BODY_BYTES: usize = 64 * 1024;

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    Router::new()
        .route("/api/{*fn_name}", post(server_fn_handler))
        .route("/applications/{application_id}/experience/users/export", get(export::users))
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || provide_context(state.clone())
            },
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::sessions))
        .layer(axum::middleware::from_fn(middleware::limit_body::<MAX_BODY_BYTES>))
        // An import's file is the one big body an administrator sends.
        .merge(
            Router::new()
                .route("/applications/{application_id}/experience/users/imports", post(import::users))
                // `limit_body` below caps it, with the error JSON.
                .layer(axum::extract::DefaultBodyLimit::disable())
                .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::sessions))
                .layer(axum::middleware::from_fn(middleware::limit_body::<{ import::MAX_FILE_BYTES }>)),
        )
        // Merged after the layers above: the experience API has no admin session, is called
        // from other origins, and caps and answers its own bodies as JSON.
        .merge(experience::router())
        .merge(rest::router(state.clone()))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn server_fn_handler(State(state): State<AppState>, request: Request<Body>) -> impl IntoResponse {
    handle_server_fns_with_context(move || provide_context(state.clone()), request).await
}
