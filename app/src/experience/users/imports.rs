//! Import jobs as the import page reads them: the application's latest ones (a reload shows
//! a running import at once) and one by id (its progress, polled while it runs). The upload
//! itself is a plain HTTP POST of the file (`server/src/import`).

use leptos::prelude::*;

use crate::error::AppError;
pub use ::model::user_import::{ImportJob, ImportMode, ImportPhase, ImportReport, JobState, RowProblem};

/// The application's five latest imports, newest first.
#[server(endpoint = "users/imports")]
pub async fn recent_imports(application_id: String) -> Result<Vec<ImportJob>, AppError> {
    use crate::server::import::{import_job, JOB_KIND};
    use crate::server::{clock::now_ms, context, repo};
    context::respond(async move {
        let mut conn = context::open_application(&application_id).await?;
        let jobs = repo::jobs::recent(&mut conn, &application_id, JOB_KIND, 5).await?;
        let now = now_ms();
        Ok(jobs.into_iter().map(|job| import_job(job, now)).collect())
    })
    .await
}

#[server(endpoint = "users/import")]
pub async fn get_import(application_id: String, job_id: String) -> Result<ImportJob, AppError> {
    use crate::server::import::{import_job, JOB_KIND};
    use crate::server::{clock::now_ms, context, repo};
    context::respond(async move {
        let mut conn = context::open_application(&application_id).await?;
        let job = repo::jobs::get(&mut conn, &application_id, &job_id)
            .await?
            .filter(|job| job.kind == JOB_KIND)
            .ok_or_else(|| AppError::NotFound("This import".into()))?;
        Ok(import_job(job, now_ms()))
    })
    .await
}
