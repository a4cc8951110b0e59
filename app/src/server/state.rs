use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::SqlitePool;

use super::passwords::PasswordHasher;

/// Shared by every handler and server function (the latter get it as context).
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: SqlitePool,
    pub hasher: PasswordHasher,
}
