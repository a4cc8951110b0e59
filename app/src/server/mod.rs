//! Everything that only exists on the server. The storage and the services live in the `store`
//! crate (on either engine), re-exported here so `crate::server::users_service` and the like read as before; what
//! only the doors need (request context, client address, the shared state) is here.
//! Compiled only with the `ssr` feature.

pub mod client_ip;
pub mod context;
pub mod state;

pub use state::AppState;
pub use store::{
    admins_service, api_tokens_service, applications_service, audit, audit_service, bulk, bulk_jobs, clock,
    devices_service, groups_service, headers, ids, import, inputs, job_runner, jobs, passwords, records, repo,
    sessions, sign_in_rules, sign_in_service, user_bulk, user_export, user_import, user_lists, users_service, Conn,
    Engine, PoolSettings, Store,
};
