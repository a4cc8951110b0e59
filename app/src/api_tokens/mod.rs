//! Application API tokens: the administrators' keys for the REST API (`/api/v1`).

mod api;
mod page;

pub use api::*;
pub use page::ApiTokensPage;

pub use model::api_tokens::{ApiTokenInfo, NewApiToken};
