//! Everything that only exists on the server. The storage and the services live in the `store`
//! crate, re-exported here so `crate::server::users_service` and the like read as before; what
//! only the doors need (request context, client address, the shared state) is here.
//! Compiled only with the `ssr` feature.

pub mod client_ip;
pub mod context;
pub mod state;

pub use state::AppState;
pub use store::{
    api_tokens_service, applications_service, clock, db, groups_service, headers, ids, passwords, repo, sessions,
    sign_in_limits, sign_in_service, user_lists, users_service,
};
