//! "Import users": a CSV or JSON file checked first (a dry run that lists every bad row),
//! then imported as a job whose progress bar survives a reload (`?job=` in the address, and
//! the latest imports listed below).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::time::Duration;

use super::format_time;
use super::imports::{get_import, recent_imports, ImportJob, ImportMode, ImportPhase, ImportReport, JobState};
use crate::components::field::{FieldError, FormError};
use crate::components::layout::use_application_id;
use crate::components::resource::resource;
use crate::error::AppError;

/// The server's cap on an import file (`server::import::MAX_FILE_BYTES`), checked here first
/// so a file too big is refused before it is sent.
const MAX_FILE_BYTES: f64 = 64.0 * 1024.0 * 1024.0;

/// How often a running import is read again.
const POLL: Duration = Duration::from_millis(500);

#[component]
pub fn ImportUsersPage() -> impl IntoView {
    let app_id = use_application_id();
    let query = use_query_map();
    let navigate = use_navigate();
    let mode = RwSignal::new(ImportMode::Create);
    let create_groups = RwSignal::new(false);
    let skip_bad_rows = RwSignal::new(false);
    // The dry run's report for the chosen file and options; any change asks for a new one.
    let checked = RwSignal::new(None::<ImportReport>);
    let error = RwSignal::new(None::<AppError>);
    let sending = RwSignal::new(None::<&'static str>);
    let file_input = NodeRef::<leptos::html::Input>::new();
    let forget = move || {
        checked.set(None);
        error.set(None);
    };

    let recent = resource(move || app_id.get(), recent_imports);
    let tick = RwSignal::new(0u32);
    // The job in the address: starting one puts it there, so a reload shows it again.
    let job_id = Memo::new(move |_| query.with(|q| q.get("job")));
    let job = resource(
        move || (app_id.get(), job_id.get(), tick.get()),
        |(app, job, _)| async move {
            match job {
                Some(job) => get_import(app, job).await.map(Some),
                None => Ok(None),
            }
        },
    );
    // While the job runs, read it again; once it ends, the list of imports too.
    Effect::new(move |was_running: Option<bool>| {
        let running = job.get().and_then(Result::ok).flatten().is_some_and(|j| j.state == JobState::Running);
        if running {
            set_timeout(move || tick.update(|t| *t += 1), POLL);
        } else if was_running == Some(true) {
            recent.refetch();
        }
        running
    });

    let options_query = move |dry_run: bool| {
        let mode = match mode.get_untracked() {
            ImportMode::Create => "create",
            ImportMode::Upsert => "upsert",
        };
        let flag = |on: bool| if on { "1" } else { "0" };
        format!(
            "/applications/{}/experience/users/imports?mode={mode}&createGroups={}&skipBadRows={}&dryRun={}",
            app_id.get_untracked(),
            flag(create_groups.get_untracked()),
            flag(skip_bad_rows.get_untracked()),
            flag(dry_run),
        )
    };
    let check = move |_| {
        let url = options_query(true);
        error.set(None);
        sending.set(Some("Checking…"));
        leptos::task::spawn_local(async move {
            let answer = send_file(url, file_input).await.and_then(|body| {
                serde_json::from_str::<ImportReport>(&body).map_err(|e| AppError::Transport(e.to_string()))
            });
            sending.set(None);
            match answer {
                Ok(report) => checked.set(Some(report)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let start = {
        let navigate = navigate.clone();
        move |_| {
            let url = options_query(false);
            let navigate = navigate.clone();
            let app = app_id.get_untracked();
            error.set(None);
            sending.set(Some("Starting…"));
            leptos::task::spawn_local(async move {
                let answer = send_file(url, file_input).await.and_then(|body| {
                    serde_json::from_str::<serde_json::Value>(&body)
                        .ok()
                        .and_then(|v| v["jobId"].as_str().map(str::to_owned))
                        .ok_or_else(|| AppError::Transport("the answer had no job".into()))
                });
                sending.set(None);
                match answer {
                    Ok(job) => {
                        checked.set(None);
                        navigate(&format!("/applications/{app}/experience/users/import?job={job}"), Default::default());
                        recent.refetch();
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let can_import = move || {
        sending.get().is_none()
            && checked.with(|c| c.as_ref().is_some_and(|r| r.problems.is_empty() || skip_bad_rows.get()))
            && !job.get().and_then(Result::ok).flatten().is_some_and(|j| j.state == JobState::Running)
    };
    let to_write = move || checked.with(|c| c.as_ref().map_or(0, |r| r.created + r.updated));
    let list = move || format!("/applications/{}/experience/users", app_id.get());

    view! {
        <Title text="Import Users · Experience Users"/>
        <section class="page">
            <header class="page-header">
                <div>
                    <p class="muted"><A href=list>"← Users & Groups"</A></p>
                    <h1>"Import Users"</h1>
                </div>
            </header>
            <div class="card form import-form">
                <label for="import-file">"CSV or JSON file"</label>
                <input id="import-file" type="file" accept=".csv,.json,text/csv,application/json" node_ref=file_input
                    on:change=move |_| forget() aria-describedby="import-file-error import-file-help"/>
                <FieldError id="import-file-error" message=Signal::derive(move || error.get().and_then(|e| e.field_message("file")))/>
                <p id="import-file-help" class="muted">
                    "The export's columns, in any order: email (required), firstName, lastName, password or "
                    "passwordHash (argon2id or bcrypt), groups (paths like Site/Floor 1, several separated by ;), "
                    "tag:<key>. Up to 64 MiB."
                </p>
                <fieldset>
                    <legend>"Emails that already exist"</legend>
                    <label class="checkbox">
                        <input type="radio" name="import-mode" checked=move || mode.get() == ImportMode::Create
                            on:change=move |_| { mode.set(ImportMode::Create); forget(); }/>
                        "are errors: create new users only"
                    </label>
                    <label class="checkbox">
                        <input type="radio" name="import-mode" checked=move || mode.get() == ImportMode::Upsert
                            on:change=move |_| { mode.set(ImportMode::Upsert); forget(); }/>
                        "update those users"
                    </label>
                </fieldset>
                <label class="checkbox">
                    <input type="checkbox" on:change=move |ev| { create_groups.set(event_target_checked(&ev)); forget(); }/>
                    "Create the groups that do not exist"
                </label>
                <label class="checkbox">
                    <input type="checkbox" on:change=move |ev| skip_bad_rows.set(event_target_checked(&ev))/>
                    "Skip bad rows (import the good ones; else nothing is imported while any row is bad)"
                </label>
                <FormError error=Signal::derive(move || error.get().filter(|e| !e.is_about_fields()))/>
                <div class="form-actions">
                    <button type="button" on:click=check disabled=move || sending.get().is_some()>
                        {move || sending.get().unwrap_or("Check file")}
                    </button>
                    <button type="button" class="primary" on:click=start disabled=move || !can_import()>
                        {move || format!("Import {} users", to_write())}
                    </button>
                </div>
            </div>
            {move || checked.get().map(|report| view! {
                <section class="card" aria-label="Check result">
                    <h2>"Check"</h2>
                    <ReportView report dry_run=true/>
                </section>
            })}
            <Transition fallback=|| ()>
                {move || job.get().and_then(Result::ok).flatten().map(|job| view! { <JobView job/> })}
            </Transition>
            <Transition fallback=|| ()>
                {move || recent.get().and_then(Result::ok).filter(|jobs| !jobs.is_empty()).map(|jobs| view! {
                    <section class="card" aria-label="Latest imports">
                        <h2>"Latest imports"</h2>
                        <table class="users">
                            <thead><tr><th>"Started"</th><th>"By"</th><th>"Outcome"</th></tr></thead>
                            <tbody>
                                {jobs.into_iter().map(|j| {
                                    let href = format!("?job={}", j.id);
                                    view! {
                                        <tr>
                                            <td><a href=href>{format_time(Some(j.created_at))}</a></td>
                                            <td>{j.started_by.clone()}</td>
                                            <td>{outcome(&j)}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </section>
                })}
            </Transition>
        </section>
    }
}

/// A job's state in a few words, for the list of imports.
fn outcome(job: &ImportJob) -> String {
    match (job.state, &job.report) {
        (JobState::Running, _) => "Running".into(),
        (JobState::Done, Some(r)) if r.applied => {
            format!("Imported: {} new, {} updated, {} unchanged", r.created, r.updated, r.unchanged)
        }
        (JobState::Done, Some(r)) => format!("Nothing imported: {} bad rows", r.problems.bad_rows),
        (JobState::Done, None) => "Done".into(),
        (JobState::Failed, _) => format!("Failed: {}", job.error.clone().unwrap_or_default()),
        (JobState::Interrupted, _) => "Interrupted (nothing written)".into(),
    }
}

#[component]
fn JobView(job: ImportJob) -> impl IntoView {
    let p = job.progress;
    let body = match job.state {
        JobState::Running => {
            let what = match p.phase {
                ImportPhase::Checking => format!("Checking {} rows…", p.total),
                ImportPhase::Hashing => format!("Hashing passwords: {} of {}", p.done, p.total),
                ImportPhase::Writing => format!("Writing {} users…", p.total),
            };
            view! {
                <progress max=p.total.max(1) value=p.done aria-label="Import progress"></progress>
                <p role="status">{what}</p>
            }
            .into_any()
        }
        JobState::Done => match job.report {
            Some(report) => view! { <ReportView report dry_run=false/> }.into_any(),
            None => view! { <p>"Done."</p> }.into_any(),
        },
        JobState::Failed => {
            view! { <p class="banner error" role="alert">{job.error.unwrap_or_default()}</p> }.into_any()
        }
        JobState::Interrupted => view! {
            <p class="banner error" role="alert">"The server stopped during this import: nothing of it was written. Import the file again."</p>
        }
        .into_any(),
    };
    view! {
        <section class="card" aria-label="Import">
            <h2>"Import"</h2>
            {body}
        </section>
    }
}

/// Counts, groups created and every problem listed, by line.
#[component]
fn ReportView(report: ImportReport, dry_run: bool) -> impl IntoView {
    let r = report;
    let will = if dry_run { "would be" } else { "were" };
    let headline = if r.applied {
        format!("Imported {} rows: {} new, {} updated, {} unchanged.", r.rows, r.created, r.updated, r.unchanged)
    } else if dry_run {
        format!(
            "{} rows: {} new, {} updated, {} unchanged, {} with problems.",
            r.rows, r.created, r.updated, r.unchanged, r.problems.bad_rows
        )
    } else {
        format!("Nothing was imported: {} rows have problems.", r.problems.bad_rows)
    };
    let skipped =
        (r.applied && !r.problems.is_empty()).then(|| format!("{} bad rows were skipped.", r.problems.bad_rows));
    let groups =
        (!r.groups_created.is_empty()).then(|| format!("Groups that {will} created: {}.", r.groups_created.join(", ")));
    let listed = r.problems.listed.len() as u64;
    let more = (r.problems.bad_rows > 0 && listed >= model::user_import::MAX_LISTED_PROBLEMS as u64)
        .then(|| format!("The first {listed} problems are listed."));
    let problems = (!r.problems.listed.is_empty()).then(|| {
        view! {
            <table class="users import-problems">
                <thead><tr><th>"Line"</th><th>"Column"</th><th>"Problem"</th></tr></thead>
                <tbody>
                    {r.problems.listed.into_iter().map(|p| view! {
                        <tr><td>{p.line}</td><td>{p.column}</td><td>{p.message}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    });
    view! {
        <p role="status" class="import-headline">{headline}</p>
        {skipped.map(|s| view! { <p>{s}</p> })}
        {groups.map(|g| view! { <p>{g}</p> })}
        {more.map(|m| view! { <p class="muted">{m}</p> })}
        {problems}
    }
}

/// Sends the chosen file to `url` as the request body; the answer's text, or the error it
/// carries.
async fn send_file(url: String, input: NodeRef<leptos::html::Input>) -> Result<String, AppError> {
    #[cfg(feature = "hydrate")]
    {
        let file = input
            .get_untracked()
            .and_then(|i| i.files())
            .and_then(|files| files.get(0))
            .ok_or_else(|| AppError::field("file", "Choose a file first"))?;
        if file.size() > MAX_FILE_BYTES {
            return Err(AppError::field(
                "file",
                format!("The file is {:.0} MiB; an import reads at most 64 MiB", file.size() / 1024.0 / 1024.0),
            ));
        }
        let request = gloo_net::http::Request::post(&url)
            .header("Accept", "application/json")
            .body(file)
            .map_err(|e| AppError::Transport(e.to_string()))?;
        let response = request.send().await.map_err(|e| AppError::Transport(e.to_string()))?;
        let text = response.text().await.map_err(|e| AppError::Transport(e.to_string()))?;
        if response.ok() {
            Ok(text)
        } else {
            Err(serde_json::from_str::<AppError>(&text).unwrap_or(AppError::Internal))
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (url, input, MAX_FILE_BYTES);
        Err(AppError::Internal)
    }
}
