//! Everything that only exists on the server: the database, password hashing, sessions.
//! Compiled only with the `ssr` feature.

pub mod client_ip;
pub mod clock;
pub mod context;
pub mod db;
pub mod ids;
pub mod passwords;
pub mod repo;
pub mod sessions;
pub mod sign_in_limits;
pub mod state;

pub use state::AppState;
