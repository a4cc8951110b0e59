//! The server's storage and the services over it: one service per aggregate owns each rule and
//! its transaction; the doors (server functions, REST, the experience API) call them. Built on
//! the shared `model`. Today on SQLite; the same services over PostgreSQL are issue #16's next
//! step (`migrations/postgres` holds that schema already).

pub mod api_tokens_service;
pub mod applications_service;
pub mod clock;
pub mod db;
pub mod groups_service;
pub mod headers;
pub mod ids;
pub mod passwords;
pub mod repo;
pub mod sessions;
pub mod sign_in_limits;
pub mod sign_in_service;
mod store;
pub mod user_lists;
pub mod users_service;

// `crate::domain` and `crate::error` read as in the app.
pub use model::{domain, error};
pub use store::{Store, DEFAULT_TOKEN_TTL_MS};
