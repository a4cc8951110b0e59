//! An import as a job (`store::job_runner`): its progress and report every instance can show.

use app::error::AppError;
use app::server::import::{ImportFile, ImportOptions, ImportPhase, ImportProgress, JOB_KIND};
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
    let new = NewJob { application_id: application_id.clone(), kind: JOB_KIND, started_by, exclusive: false };
    job_runner::start(&store, new, first, move |store, progress| async move {
        user_import::run(&store, &application_id, &file, options, &|p| {
            progress.send_replace(p);
        })
        .await
    })
    .await
}
