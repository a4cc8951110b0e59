//! Bulk actions from the list page: preview, start, and the job polled while it runs (and
//! found again after a reload). Thin doors over `store::user_bulk` and `store::bulk_jobs`.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
pub use ::model::user_bulk::{grouped, ActionParts, BulkAction, BulkJob, BulkPreview, BulkReport, BulkTarget};

#[cfg(feature = "ssr")]
fn selection(target: BulkTarget) -> crate::server::bulk::BulkSelection {
    use crate::server::bulk::BulkSelection;
    match target {
        BulkTarget::Ids(ids) => BulkSelection::Ids(ids),
        // The dormant filters count days back from the selection, not from each batch.
        BulkTarget::Matching { query, selected_at } => {
            BulkSelection::Matching { filter: query.user_filter(selected_at), selected_at }
        }
    }
}

/// What the action will do to the target, counted now.
#[server(endpoint = "users/bulk-preview", input = Json)]
pub async fn preview_bulk(
    application_id: String,
    target: BulkTarget,
    action: BulkAction,
) -> Result<BulkPreview, AppError> {
    use crate::server::{context, user_bulk};
    context::respond(async move {
        context::open_application(&application_id).await?;
        user_bulk::preview(&context::state()?.store, &application_id, &selection(target), &action).await
    })
    .await
}

/// Starts the action as a job; answers its id. Deleting more than one user needs their number
/// in `typed_count`.
#[server(endpoint = "users/bulk-start", input = Json)]
pub async fn start_bulk(
    application_id: String,
    target: BulkTarget,
    action: BulkAction,
    typed_count: Option<u64>,
) -> Result<String, AppError> {
    use crate::server::{bulk_jobs, context};
    context::respond(async move {
        context::open_application(&application_id).await?;
        let admin = context::require_admin()?;
        let state = context::state()?;
        bulk_jobs::start(&state.store, application_id, admin.email, selection(target), action, typed_count).await
    })
    .await
}

/// The job `job_id` or, without one, the application's latest bulk job (a reload finds a
/// running one again).
#[server(endpoint = "users/bulk-job")]
pub async fn get_bulk_job(application_id: String, job_id: Option<String>) -> Result<Option<BulkJob>, AppError> {
    use crate::server::bulk::{bulk_job, JOB_KIND};
    use crate::server::{clock::now_ms, context, repo};
    context::respond(async move {
        let mut conn = context::open_application(&application_id).await?;
        let record = match job_id {
            Some(id) => repo::jobs::get(&mut conn, &application_id, &id).await?.filter(|job| job.kind == JOB_KIND),
            None => repo::jobs::recent(&mut conn, &application_id, JOB_KIND, 1).await?.pop(),
        };
        Ok(record.map(|job| bulk_job(job, now_ms())))
    })
    .await
}
