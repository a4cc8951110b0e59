//! The services, on whichever engine the store has. Each rule and transaction is the engine
//! crates' (one source, `store_sqlite/src/*_service.rs`); these only choose the engine.

pub mod admins_service {
    use crate::domain::{Email, Password};
    use crate::error::AppError;

    store_fns! {
        pub async fn create_first(email: &Email, password: &Password) -> Result<bool, AppError>
            => admins_service::create_first;
    }
}

pub mod api_tokens_service {
    use crate::error::AppError;
    use model::api_tokens::NewApiToken;

    pub use store_sqlite::api_tokens_service::new_secret;

    conn_fns! {
        pub async fn create(application_id: &str, name: &str, expires_at: Option<i64>) -> Result<NewApiToken, AppError>
            => api_tokens_service::create;
        pub async fn revoke(application_id: &str, token_id: &str) -> Result<(), AppError> => api_tokens_service::revoke;
    }
}

pub mod applications_service {
    use crate::error::AppError;

    pub use crate::inputs::ApplicationChanges;

    pub use store_sqlite::applications_service::not_found;

    conn_fns! {
        pub async fn create(name: &str) -> Result<String, AppError> => applications_service::create;
    }
    store_fns! {
        pub async fn update(id: &str, changes: ApplicationChanges) -> Result<(), AppError>
            => applications_service::update;
    }
}

pub mod devices_service {
    use crate::error::AppError;
    use model::devices::DeviceDetail;

    pub use store_sqlite::devices_service::device_not_found;

    store_fns! {
        pub async fn create(application_id: &str, name: &str, description: &str) -> Result<String, AppError>
            => devices_service::create;
        pub async fn update(
            application_id: &str,
            device_id: &str,
            name: &str,
            description: &str,
            tags_json: &str,
            group_ids: &[String],
        ) -> Result<DeviceDetail, AppError> => devices_service::update;
        pub async fn delete(application_id: &str, device_id: &str) -> Result<(), AppError> => devices_service::delete;
    }
}

pub mod groups_service {
    use crate::error::AppError;

    pub use crate::inputs::{DeviceTagRule, GroupInput};

    pub use store_sqlite::groups_service::{group_not_found, CYCLE};

    store_fns! {
        pub async fn create(application_id: &str, input: GroupInput) -> Result<String, AppError> => groups_service::create;
        pub async fn update(application_id: &str, group_id: &str, input: GroupInput) -> Result<(), AppError>
            => groups_service::update;
        pub async fn delete(application_id: &str, group_id: &str) -> Result<(), AppError> => groups_service::delete;
    }
}

pub mod sign_in_service {
    use crate::error::AppError;
    use std::net::IpAddr;

    pub use crate::sign_in_rules::Realm;

    store_fns! {
        pub async fn verify(realm: Realm<'_>, email: &str, password: String, ip: IpAddr) -> Result<String, AppError>
            => sign_in_service::verify;
        pub async fn issue_experience_token(application_id: &str, user_id: &str) -> Result<String, AppError>
            => sign_in_service::issue_experience_token;
    }
}

pub mod user_export {
    use crate::error::AppError;
    use crate::records::ExportBatch;
    use model::user_query::ListQuery;
    use tokio::sync::mpsc;

    pub use store_sqlite::user_export::BATCH;

    store_fns! {
        pub async fn run(
            application_id: &str,
            query: &ListQuery,
            with_hashes: bool,
            sink: mpsc::Sender<ExportBatch>,
        ) -> Result<(), AppError> => user_export::run;
    }
}

pub mod user_import {
    use crate::error::AppError;
    use crate::import::{ImportFile, ImportOptions, ImportReport};
    use model::user_import::ImportProgress;

    store_fns! {
        pub async fn run(
            application_id: &str,
            file: &ImportFile,
            options: ImportOptions,
            progress: &(dyn Fn(ImportProgress) + Send + Sync),
        ) -> Result<ImportReport, AppError> => user_import::run;
    }
}

pub mod user_lists {
    use crate::domain::user_filter::UserFilter;
    use crate::error::AppError;
    use crate::records::Order;
    use model::user_query::ListQuery;
    use model::users::{UserDetail, UserPage};

    conn_fns! {
        pub async fn admin_page(application_id: &str, query: &ListQuery) -> Result<UserPage, AppError>
            => user_lists::admin_page;
        pub async fn numbered_page(
            application_id: &str,
            filter: &UserFilter,
            order: Order,
            page: i64,
            per_page: i64,
        ) -> Result<(Vec<UserDetail>, i64), AppError> => user_lists::numbered_page;
    }
}

pub mod users_service {
    use crate::error::AppError;
    use model::users::UserDetail;

    pub use crate::inputs::UserInput;

    pub use store_sqlite::users_service::user_not_found;

    store_fns! {
        pub async fn create(application_id: &str, input: UserInput) -> Result<String, AppError> => users_service::create;
        pub async fn update(
            application_id: &str,
            user_id: &str,
            expected_version: Option<i64>,
            input: UserInput,
        ) -> Result<UserDetail, AppError> => users_service::update;
    }
    conn_fns! {
        pub async fn delete(application_id: &str, user_id: &str) -> Result<(), AppError> => users_service::delete;
        pub async fn invalidate_tokens(application_id: &str, user_id: &str, at: i64) -> Result<(), AppError>
            => users_service::invalidate_tokens;
    }
}

pub mod jobs_service {
    use crate::error::AppError;
    use crate::records::{AuditRecord, JobRecord};

    store_fns! {
        pub async fn open(job: &JobRecord, exclusive: bool, entry: Option<&AuditRecord>) -> Result<(), AppError>
            => jobs_service::open;
    }
}

pub mod user_bulk {
    use crate::bulk::{BulkAction, BulkPreview, BulkProgress, BulkReport, BulkSelection};
    use crate::error::AppError;

    store_fns! {
        pub async fn preview(
            application_id: &str,
            selection: &BulkSelection,
            action: &BulkAction,
        ) -> Result<BulkPreview, AppError> => user_bulk::preview;
        pub async fn resolve(
            application_id: &str,
            selection: &BulkSelection,
            action: &BulkAction,
        ) -> Result<(Vec<String>, Vec<String>), AppError> => user_bulk::resolve;
        pub async fn run(
            application_id: &str,
            action: &BulkAction,
            users: &[String],
            unknown: &[String],
            progress: &(dyn Fn(BulkProgress) + Send + Sync),
        ) -> Result<BulkReport, AppError> => user_bulk::run;
    }
}

pub mod audit_service {
    use crate::audit::{AuditFilter, AuditPage};
    use crate::error::AppError;
    use crate::records::AuditRecord;

    conn_fns! {
        pub async fn page(application_id: &str, filter: &AuditFilter, cursor: Option<&str>, size: i64)
            -> Result<AuditPage, AppError> => audit_service::page;
    }
    store_fns! {
        pub async fn record(entry: &AuditRecord) -> Result<(), AppError> => audit_service::record;
        pub async fn sweep(days: i64) -> Result<u64, AppError> => audit_service::sweep;
    }
}
