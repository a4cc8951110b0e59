use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::ops::{Deref, DerefMut};

use store::Store;
pub use store::DEFAULT_TOKEN_TTL_MS;

/// Shared by every handler and server function (the latter get it as context): the services'
/// `Store` (reached through `Deref`: `state.acquire()`, `&state` where a `&Store` is asked), and
/// what only the doors need.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
    /// How many proxies in front of the server append to `X-Forwarded-For` (see `client_ip::of`).
    pub proxy_hops: usize,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, store: Store) -> Self {
        Self { leptos_options, store, proxy_hops: 0 }
    }
}

impl Deref for AppState {
    type Target = Store;

    fn deref(&self) -> &Store {
        &self.store
    }
}

impl DerefMut for AppState {
    fn deref_mut(&mut self) -> &mut Store {
        &mut self.store
    }
}
