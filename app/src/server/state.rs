use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::SqlitePool;

use super::passwords::PasswordHasher;
use super::sign_in_limits::{Limits, SignInLimiter};

/// Experience tokens last 30 days unless configured otherwise.
pub const DEFAULT_TOKEN_TTL_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// Shared by every handler and server function (the latter get it as context).
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: SqlitePool,
    pub hasher: PasswordHasher,
    pub sign_in_limits: SignInLimiter,
    /// How long an experience user's token is valid after it is issued.
    pub token_ttl_ms: i64,
    /// How many proxies in front of the server append to `X-Forwarded-For` (see `client_ip::of`).
    pub proxy_hops: usize,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, pool: SqlitePool, hasher: PasswordHasher) -> Self {
        // The limits live in the database, so every instance sharing it shares them.
        let sign_in_limits = SignInLimiter::new(pool.clone(), Limits::default());
        Self { leptos_options, pool, hasher, sign_in_limits, token_ttl_ms: DEFAULT_TOKEN_TTL_MS, proxy_hops: 0 }
    }
}
