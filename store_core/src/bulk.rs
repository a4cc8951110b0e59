//! Bulk jobs as stored: the `kind` of their row in `jobs`, the progress it holds (which names
//! the action), the users a job is over, and the row read back as every door shows it.

use serde::{Deserialize, Serialize};

use crate::domain::user_filter::UserFilter;
use crate::jobs::{outcome_of, Outcome};
use crate::records::JobRecord;
pub use model::user_bulk::{ActionParts, BulkAction, BulkFailure, BulkJob, BulkPreview, BulkProgress, BulkReport};

/// The `kind` of a bulk job's row in `jobs`.
pub const JOB_KIND: &str = "users-bulk";

/// Users handled in one transaction: small enough that sign-ins and saves wait little for
/// SQLite's write lock between two of them, big enough that each costs little per user.
pub const BATCH: usize = 500;

/// A job's progress as its row holds it: the action's name beside the counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredProgress {
    pub action: String,
    #[serde(flatten)]
    pub progress: BulkProgress,
}

/// The users a bulk action is over.
#[derive(Debug, Clone)]
pub enum BulkSelection {
    /// These users (of the application; others are reported as failures).
    Ids(Vec<String>),
    /// Whoever the filter selects, but for users added after `selected_at` (ms).
    Matching { filter: UserFilter, selected_at: i64 },
}

/// The name a request uses for this action (`BulkAction::NAMES`).
pub fn action_name(action: &BulkAction) -> String {
    serde_json::to_value(action)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_owned))
        .unwrap_or_default()
}

/// A stored bulk job as every door shows it at `now`.
pub fn bulk_job(record: JobRecord, now: i64) -> BulkJob {
    let Outcome { state, report, error } = outcome_of(&record, now);
    let stored: StoredProgress = serde_json::from_str(&record.progress).unwrap_or_default();
    BulkJob {
        state,
        action: stored.action,
        progress: stored.progress,
        report,
        error,
        id: record.id,
        started_by: record.started_by,
        created_at: record.created_at,
        updated_at: record.updated_at,
    }
}
