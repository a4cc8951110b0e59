//! What every kind of job shares: how a stored row's state reads at a given instant.

use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::records::JobRecord;
pub use model::user_import::JobState;

/// A running job whose row has not moved for this long was cut off by its server's end (a
/// running job writes its row every second, but for the seconds a writing transaction holds
/// SQLite's lock).
pub const STALE_AFTER_MS: i64 = 5 * 60 * 1000;

/// The job's state at `now`: a running job whose heartbeat stopped is interrupted.
pub fn state_of(record: &JobRecord, now: i64) -> JobState {
    match record.state.as_str() {
        "done" => JobState::Done,
        "failed" => JobState::Failed,
        _ if now - record.updated_at > STALE_AFTER_MS => JobState::Interrupted,
        _ => JobState::Running,
    }
}

/// A failed job's error as a sentence (the stored `AppError`, or the text as it is).
pub fn error_of(record: &JobRecord) -> String {
    let outcome = record.outcome.as_deref().unwrap_or_default();
    serde_json::from_str::<AppError>(outcome).map_or_else(|_| outcome.to_owned(), |e| e.to_string())
}

/// How a job stands at `now`, as every kind's view reads it from the row: the state, the
/// report once done (`R`, the kind's), the error once failed.
pub struct Outcome<R> {
    pub state: JobState,
    pub report: Option<R>,
    pub error: Option<String>,
}

pub fn outcome_of<R: DeserializeOwned>(record: &JobRecord, now: i64) -> Outcome<R> {
    let state = state_of(record, now);
    let stored = record.outcome.as_deref().unwrap_or_default();
    Outcome {
        state,
        report: (state == JobState::Done).then(|| serde_json::from_str(stored).ok()).flatten(),
        error: (state == JobState::Failed).then(|| error_of(record)),
    }
}
