//! SQL, one module per aggregate. Functions take a connection (or transaction) so the caller
//! decides the transaction's scope.

pub mod admins;
pub mod api_tokens;
pub mod applications;
pub mod devices;
pub mod experience_tokens;
pub mod groups;
pub mod memberships;
pub mod sessions;
pub mod sign_in_failures;
pub mod user_filter_sql;
pub mod user_list;
pub mod user_tags;
pub mod users;
