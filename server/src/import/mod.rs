//! Importing experience users from a file: `POST /applications/{id}/experience/users/imports`
//! with the file (CSV or JSON) as the body and the options as query parameters
//! (`mode=create|upsert`, `createGroups=1`, `skipBadRows=1`, `dryRun=1`). A dry run answers
//! its report; an import answers `202 {"jobId"}` and runs as a job (`job.rs`) whose progress
//! and report every instance can show. `server import` does the same from a shell.

mod csv_rows;
mod file;
pub mod job;
mod json_rows;

use std::collections::BTreeMap;

use app::error::AppError;
use app::server::import::{ImportMode, ImportOptions, ImportReport};
use app::server::sessions::CurrentAdmin;
use app::server::{user_import, AppState};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};

use crate::middleware::refuse;

pub use file::read;

/// The largest file an import reads (about 400,000 users with password hashes): a bigger
/// one is refused before it is read.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

/// The options from query parameters (`1` turns a flag on).
pub fn options(params: &BTreeMap<String, String>) -> Result<ImportOptions, AppError> {
    let flag = |name: &str| params.get(name).is_some_and(|v| v == "1" || v == "true");
    let mode = match params.get("mode") {
        None => ImportMode::Create,
        Some(name) => ImportMode::parse(name).ok_or_else(|| AppError::field("mode", "Choose create or upsert"))?,
    };
    Ok(ImportOptions {
        mode,
        create_groups: flag("createGroups"),
        skip_bad_rows: flag("skipBadRows"),
        dry_run: flag("dryRun"),
    })
}

pub async fn users(
    State(state): State<AppState>,
    admin: Option<Extension<CurrentAdmin>>,
    Path(application_id): Path<String>,
    Query(params): Query<BTreeMap<String, String>>,
    body: Bytes,
) -> Response {
    let Some(Extension(admin)) = admin else {
        return refuse(AppError::Unauthorized);
    };
    let options = match options(&params) {
        Ok(options) => options,
        Err(error) => return refuse(error),
    };
    // Reading 10^5 rows takes a second or two of CPU: off the request threads.
    let file = match tokio::task::spawn_blocking(move || read(&body)).await {
        Ok(Ok(file)) => file,
        Ok(Err(message)) => return refuse(AppError::field("file", message)),
        Err(_) => return refuse(AppError::Internal),
    };
    if options.dry_run {
        return match user_import::run(&state.store, &application_id, &file, options, &|_| {}).await {
            Ok(report) => Json(report).into_response(),
            Err(error) => refuse(error),
        };
    }
    match job::start(state.store.clone(), application_id, admin.email, file, options).await {
        Ok(id) => (StatusCode::ACCEPTED, Json(serde_json::json!({ "jobId": id }))).into_response(),
        Err(error) => refuse(error),
    }
}

/// The report as a few lines of text (the CLI prints it).
pub fn summary(report: &ImportReport, options: ImportOptions) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let verb = if report.applied {
        "Imported"
    } else if options.dry_run {
        "Dry run"
    } else {
        "Not imported"
    };
    let _ = writeln!(
        out,
        "{verb}: {} rows: {} new, {} updated, {} unchanged, {} bad",
        report.rows, report.created, report.updated, report.unchanged, report.problems.bad_rows
    );
    if !report.groups_created.is_empty() {
        let _ = writeln!(out, "Groups created: {}", report.groups_created.join(", "));
    }
    for p in &report.problems.listed {
        let column = if p.column.is_empty() { String::new() } else { format!(", {}", p.column) };
        let _ = writeln!(out, "line {}{column}: {}", p.line, p.message);
    }
    let unlisted = report.problems.bad_rows.saturating_sub(report.problems.listed.len() as u64);
    if unlisted > 0 {
        let _ = writeln!(out, "(the first {} problems are listed)", report.problems.listed.len());
    }
    out
}
