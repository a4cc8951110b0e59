//! The server's storage on SQLite, and the services over it: one service per aggregate owns
//! each rule and its transaction; the doors (server functions, REST, the experience API) call
//! them. `store_pg` compiles these same files for PostgreSQL: only `engine.rs` and `db.rs` are
//! this engine's own, and where a statement differs `engine::by_engine!` holds both texts.

mod engine;

pub mod admins_service;
pub mod api_tokens_service;
pub mod applications_service;
pub mod audit_service;
pub mod db;
pub mod devices_service;
pub mod groups_service;
pub mod jobs_service;
pub mod repo;
pub mod sign_in_limits;
pub mod sign_in_service;
mod store;
pub mod user_bulk;
pub mod user_export;
pub mod user_import;
pub mod user_lists;
pub mod users_service;

// `crate::domain` and `crate::error` read as in the app; the engine-neutral parts as before.
pub use engine::{Db, DbConn, DbPool};
pub use store::{Store, DEFAULT_TOKEN_TTL_MS};
pub use store_core::{
    audit, bulk, clock, domain, error, headers, ids, import, inputs, jobs, passwords, records, sessions, sign_in_rules,
};
