//! Shared by the browser (WASM) and the server: domain values, wire models, the error type.

pub mod api_tokens;
pub mod applications;
pub mod audit;
pub mod devices;
pub mod domain;
pub mod error;
pub mod groups;
pub mod timestamps;
pub mod user_bulk;
pub mod user_import;
pub mod user_query;
pub mod users;
