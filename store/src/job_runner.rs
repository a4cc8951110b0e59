//! Long work as a job: a row in `jobs` that every instance reads, moved on by the task that
//! does the work. Progress is written at most once a second (and at least every second, as a
//! heartbeat: a row that stops moving is an interrupted job), the outcome or the error when it
//! ends.

use std::future::Future;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::watch;

use crate::audit::{acting_as, current_actor};
use crate::clock::now_ms;
use crate::error::AppError;
use crate::records::{AuditRecord, JobRecord};
use crate::{ids, jobs_service, repo, Store};

/// How often a running job's row is written: its progress, or only that it is alive.
const BEAT: Duration = Duration::from_secs(1);

/// Who starts which kind of job, where.
pub struct NewJob {
    pub application_id: String,
    pub kind: &'static str,
    pub started_by: String,
    /// At most one running job of this kind per application.
    pub exclusive: bool,
    /// The history's entry of the job, written with its row.
    pub entry: Option<AuditRecord>,
}

/// Records the job and starts `work` on a task of its own; answers the job's id. `work` gets
/// the store and the sender it reports progress to; its result is the job's outcome.
pub async fn start<P, R, W, F>(store: &Store, new: NewJob, first: P, work: W) -> Result<String, AppError>
where
    P: Serialize + Clone + Send + Sync + 'static,
    R: Serialize + Send + 'static,
    W: FnOnce(Store, watch::Sender<P>) -> F + Send + 'static,
    F: Future<Output = Result<R, AppError>> + Send + 'static,
{
    let now = now_ms();
    let job = JobRecord {
        id: ids::new_id(),
        application_id: new.application_id,
        kind: new.kind.into(),
        started_by: new.started_by,
        state: "running".into(),
        progress: serde_json::to_string(&first).map_err(|_| AppError::Internal)?,
        outcome: None,
        created_at: now,
        updated_at: now,
    };
    jobs_service::open(store, &job, new.exclusive, new.entry.as_ref()).await?;
    let id = job.id.clone();
    let store = store.clone();
    // The job's changes are its starter's, on its own task too.
    let actor = current_actor();
    tokio::spawn(acting_as(actor, async move {
        let (progress, seen) = watch::channel(first);
        let last = seen.clone();
        let beat = tokio::spawn(heartbeat(store.clone(), job.id.clone(), seen));
        let result = work(store.clone(), progress).await;
        beat.abort();
        let last = serde_json::to_string(&*last.borrow()).unwrap_or_default();
        finish(&store, &job, &last, result).await;
    }));
    Ok(id)
}

/// Records how the job ended, and how far it came. The outcome must land: a busy database is
/// waited for, a few times.
async fn finish<R: Serialize>(store: &Store, job: &JobRecord, progress: &str, result: Result<R, AppError>) {
    let (state, outcome) = match &result {
        Ok(outcome) => ("done", serde_json::to_string(outcome)),
        Err(error) => {
            tracing::warn!(%error, job = %job.id, kind = %job.kind, "a job failed");
            ("failed", serde_json::to_string(error))
        }
    };
    let outcome = outcome.unwrap_or_default();
    for attempt in 0..10 {
        let finished = async {
            let mut conn = store.acquire().await?;
            repo::jobs::finish(&mut conn, &job.id, state, progress, &outcome, now_ms()).await
        };
        match finished.await {
            Ok(()) => return,
            Err(error) => {
                tracing::warn!(%error, attempt, job = %job.id, "recording a job's end failed");
                tokio::time::sleep(BEAT).await;
            }
        }
    }
}

/// Writes the job's progress every `BEAT` while it runs (the last value seen, even unchanged:
/// the write is the job's sign of life).
async fn heartbeat<P: Serialize + Clone>(store: Store, id: String, mut seen: watch::Receiver<P>) {
    loop {
        tokio::time::sleep(BEAT).await;
        let progress = seen.borrow_and_update().clone();
        let Ok(text) = serde_json::to_string(&progress) else { return };
        let write = async {
            let mut conn = store.acquire().await?;
            repo::jobs::set_progress(&mut conn, &id, &text, now_ms()).await
        };
        if let Err(error) = write.await {
            // SQLite's write lock may be the job's own while it writes: the next beat tries again.
            tracing::debug!(%error, job = %id, "a job's progress was not recorded");
        }
    }
}
