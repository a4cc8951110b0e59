//! The server's storage on PostgreSQL: `store`'s repositories and services, compiled here
//! against PostgreSQL (`.sqlx` of this crate). Only `engine.rs` and `db.rs` are this crate's
//! own; the statements that differ between the engines stand in `engine::by_engine!`, beside
//! their SQLite text.

// What only SQLite's branches use (its FTS5 search planning) is compiled here unused.
#![allow(dead_code)]

mod engine;

#[path = "../../store_sqlite/src/admins_service.rs"]
pub mod admins_service;
#[path = "../../store_sqlite/src/api_tokens_service.rs"]
pub mod api_tokens_service;
#[path = "../../store_sqlite/src/applications_service.rs"]
pub mod applications_service;
#[path = "../../store_sqlite/src/audit_service.rs"]
pub mod audit_service;
pub mod db;
#[path = "../../store_sqlite/src/devices_service.rs"]
pub mod devices_service;
#[path = "../../store_sqlite/src/groups_service.rs"]
pub mod groups_service;
#[path = "../../store_sqlite/src/jobs_service.rs"]
pub mod jobs_service;
#[path = "../../store_sqlite/src/repo/mod.rs"]
pub mod repo;
#[path = "../../store_sqlite/src/sign_in_limits.rs"]
pub mod sign_in_limits;
#[path = "../../store_sqlite/src/sign_in_service.rs"]
pub mod sign_in_service;
#[path = "../../store_sqlite/src/store.rs"]
mod store;
#[path = "../../store_sqlite/src/user_bulk.rs"]
pub mod user_bulk;
#[path = "../../store_sqlite/src/user_export.rs"]
pub mod user_export;
#[path = "../../store_sqlite/src/user_import.rs"]
pub mod user_import;
#[path = "../../store_sqlite/src/user_lists.rs"]
pub mod user_lists;
#[path = "../../store_sqlite/src/users_service.rs"]
pub mod users_service;

pub use engine::{Db, DbConn, DbPool};
pub use store::{Store, DEFAULT_TOKEN_TTL_MS};
pub use store_core::{
    audit, bulk, clock, domain, error, headers, ids, import, inputs, jobs, passwords, records, sessions, sign_in_rules,
};
