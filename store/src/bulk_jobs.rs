//! Starting a bulk action as a job, for every door: the action checked and the selection read
//! before anything runs, the typed count a deletion asks for compared, then the job.

use crate::audit;
use crate::bulk::{action_name, BulkAction, BulkProgress, BulkSelection, StoredProgress, JOB_KIND};
use crate::clock::now_ms;
use crate::error::AppError;
use crate::job_runner::{self, NewJob};
use crate::{user_bulk, Store};
use model::user_bulk::grouped;

/// Starts `action` over `selection`; answers the job's id. Deleting more than one user needs
/// `typed_count` equal to the number of users selected now.
pub async fn start(
    store: &Store,
    application_id: String,
    started_by: String,
    selection: BulkSelection,
    action: BulkAction,
    typed_count: Option<u64>,
) -> Result<String, AppError> {
    let (users, unknown) = user_bulk::resolve(store, &application_id, &selection, &action).await?;
    let total = (users.len() + unknown.len()) as u64;
    if action.needs_typed_count(total) && typed_count != Some(total) {
        return Err(AppError::field(
            "typedCount",
            format!("Type {}, the number of users that will be deleted, to confirm", grouped(total)),
        ));
    }
    let name = action_name(&action);
    let first = StoredProgress { action: name.clone(), progress: BulkProgress { done: 0, total } };
    let what = format!("{} — {} users", BulkAction::label(&name), grouped(total));
    let entry = audit::entry(&application_id, "users.bulk", None, &what, &[], now_ms());
    let new = NewJob {
        application_id: application_id.clone(),
        kind: JOB_KIND,
        started_by,
        exclusive: true,
        entry: Some(entry),
    };
    job_runner::start(store, new, first, move |store, progress| async move {
        let report = |p: BulkProgress| {
            progress.send_replace(StoredProgress { action: name.clone(), progress: p });
        };
        user_bulk::run(&store, &application_id, &action, &users, &unknown, &report).await
    })
    .await
}
