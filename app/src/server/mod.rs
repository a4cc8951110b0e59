//! Everything that only exists on the server: the database, password hashing, sessions.
//! Compiled only with the `ssr` feature.

pub mod api_tokens_service;
pub mod applications_service;
pub mod client_ip;
pub mod clock;
pub mod context;
pub mod db;
pub mod groups_service;
pub mod headers;
pub mod ids;
pub mod passwords;
pub mod repo;
pub mod sessions;
pub mod sign_in_limits;
pub mod sign_in_service;
pub mod state;
pub mod user_lists;
pub mod users_service;

pub use state::AppState;
