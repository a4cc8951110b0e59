//! What every storage engine shares, below them: see Cargo.toml.

pub mod audit;
pub mod bulk;
pub mod clock;
pub mod headers;
pub mod ids;
pub mod import;
pub mod inputs;
pub mod jobs;
pub mod passwords;
pub mod records;
pub mod sessions;
pub mod sign_in_rules;

pub use model::{domain, error};
