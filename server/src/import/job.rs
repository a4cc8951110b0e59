//! An import as a job (`store::job_runner`): its progress and report every instance can show.

use app::error::AppError;
use app::server::audit;
use app::server::clock::now_ms;
use app::server::import::{ImportFile, ImportMode, ImportOptions, ImportPhase, ImportProgress, JOB_KIND};
use app::server::job_runner::{self, NewJob};
use app::server::{user_import, Store};

/// Records a new job and starts it; answers its id.
pub async fn start(
    store: Store,
    application_id: String,
    started_by: String,
    file: ImportFile,
    options: ImportOptions,
) -> Result<String, AppError> {
    let first = ImportProgress { phase: ImportPhase::Checking, done: 0, total: file.total };
    let what = format!(
        "{} rows ({})",
        file.total,
        if options.mode == ImportMode::Upsert { "update existing" } else { "new only" }
    );
    let entry = audit::entry(&application_id, "users.import", None, &what, &[], now_ms());
    let new = NewJob {
        application_id: application_id.clone(),
        kind: JOB_KIND,
        started_by,
        exclusive: false,
        entry: Some(entry),
    };
    job_runner::start(&store, new, first, move |store, progress| async move {
        user_import::run(&store, &application_id, &file, options, &|p| {
            progress.send_replace(p);
        })
        .await
    })
    .await
}
