//! Application API tokens as the pages and the REST door see them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenInfo {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// When it last authorised a request (to the minute); `None` if never.
    pub last_used_at: Option<i64>,
}

/// A token just created: the only time its secret is ever shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiToken {
    pub info: ApiTokenInfo,
    pub secret: String,
}
