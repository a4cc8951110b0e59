//! Recording a new job: at most one running job of a kind per application when the kind asks
//! for it (two bulk actions over the same users would race each other).

use super::{clock::now_ms, db, repo, Store};
use crate::error::AppError;
use crate::jobs::STALE_AFTER_MS;
use crate::records::{AuditRecord, JobRecord};
use model::users::format_time;

/// Inserts the job's row, and its history entry if it has one; with `exclusive`, refuses while
/// another job of its kind runs in the application. The check and the insert share the
/// application's write transaction, so two instances starting at once cannot both pass it.
pub async fn open(
    state: &Store,
    job: &JobRecord,
    exclusive: bool,
    entry: Option<&AuditRecord>,
) -> Result<(), AppError> {
    let mut tx = db::begin_application_write(&state.pool, &job.application_id).await?;
    if exclusive {
        let alive_since = now_ms() - STALE_AFTER_MS;
        if let Some(running) = repo::jobs::running(&mut tx, &job.application_id, &job.kind, alive_since).await? {
            return Err(AppError::conflict(format!(
                "Another bulk action on this application's users is running (started by {} at {}). \
                 Wait for it to finish, then try again.",
                running.started_by,
                format_time(Some(running.created_at))
            )));
        }
    }
    repo::jobs::insert(&mut tx, job).await?;
    if let Some(entry) = entry {
        repo::audit::insert(&mut tx, entry).await?;
    }
    tx.commit().await?;
    Ok(())
}
