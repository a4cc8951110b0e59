//! An import as a job: a row in `jobs` that every instance reads, moved on by the task that
//! runs the import. Progress is written at most once a second (and at least every few
//! seconds, as a heartbeat), the report or the error when it ends.

use std::time::Duration;

use app::error::AppError;
use app::server::clock::now_ms;
use app::server::import::{ImportFile, ImportOptions, ImportPhase, ImportProgress, JOB_KIND};
use app::server::records::JobRecord;
use app::server::{ids, repo, user_import, Store};

use tokio::sync::watch;

/// How often a running job's row is written: its progress, or only that it is alive.
const BEAT: Duration = Duration::from_secs(1);

/// Records a new job and starts it; answers its id.
pub async fn start(
    store: Store,
    application_id: String,
    started_by: String,
    file: ImportFile,
    options: ImportOptions,
) -> Result<String, AppError> {
    let now = now_ms();
    let first = ImportProgress { phase: ImportPhase::Checking, done: 0, total: file.total };
    let job = JobRecord {
        id: ids::new_id(),
        application_id,
        kind: JOB_KIND.into(),
        started_by,
        state: "running".into(),
        progress: serde_json::to_string(&first).map_err(|_| AppError::Internal)?,
        outcome: None,
        created_at: now,
        updated_at: now,
    };
    let mut conn = store.acquire().await?;
    repo::jobs::insert(&mut conn, &job).await?;
    drop(conn);
    let id = job.id.clone();
    tokio::spawn(run(store, job, file, options, first));
    Ok(id)
}

async fn run(store: Store, job: JobRecord, file: ImportFile, options: ImportOptions, first: ImportProgress) {
    let (progress, seen) = watch::channel(first);
    let beat = tokio::spawn(heartbeat(store.clone(), job.id.clone(), seen));
    let result = user_import::run(&store, &job.application_id, &file, options, &|p| {
        progress.send_replace(p);
    })
    .await;
    beat.abort();
    let (state, outcome) = match &result {
        Ok(report) => ("done", serde_json::to_string(report)),
        Err(error) => {
            tracing::warn!(%error, job = %job.id, "import failed");
            ("failed", serde_json::to_string(error))
        }
    };
    let outcome = outcome.unwrap_or_default();
    // The outcome must land: a busy database is waited for, a few times.
    for attempt in 0..10 {
        let finished = async {
            let mut conn = store.acquire().await?;
            repo::jobs::finish(&mut conn, &job.id, state, &outcome, now_ms()).await
        };
        match finished.await {
            Ok(()) => return,
            Err(error) => {
                tracing::warn!(%error, attempt, job = %job.id, "recording an import's end failed");
                tokio::time::sleep(BEAT).await;
            }
        }
    }
}

/// Writes the job's progress every `BEAT` while it runs (the last value seen, even unchanged:
/// the write is the job's sign of life).
async fn heartbeat(store: Store, id: String, mut seen: watch::Receiver<ImportProgress>) {
    loop {
        tokio::time::sleep(BEAT).await;
        let progress = *seen.borrow_and_update();
        let Ok(text) = serde_json::to_string(&progress) else { return };
        let write = async {
            let mut conn = store.acquire().await?;
            repo::jobs::set_progress(&mut conn, &id, &text, now_ms()).await
        };
        if let Err(error) = write.await {
            // SQLite's write lock is the import's own while it writes: the next beat tries again.
            tracing::debug!(%error, job = %id, "an import's progress was not recorded");
        }
    }
}
