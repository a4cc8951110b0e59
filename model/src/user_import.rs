//! What an import of experience users reports, the same to the browser, the CLI and the API:
//! counts, and each bad row's line, column and reason.

use serde::{Deserialize, Serialize};

/// Problems listed at most in a report (all are counted): a file of 10^5 bad rows answers
/// with its first thousand, in line order, not with megabytes of messages.
pub const MAX_LISTED_PROBLEMS: usize = 1000;

/// Whether rows whose email exists already are errors or updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImportMode {
    #[default]
    Create,
    Upsert,
}

impl ImportMode {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "create" => Some(Self::Create),
            "upsert" => Some(Self::Upsert),
            _ => None,
        }
    }
}

/// One thing wrong with one row: the file's line (CSV: where the row starts; JSON: where the
/// user's object starts), the column or field, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    pub line: u64,
    pub column: String,
    pub message: String,
}

/// The problems of an import: every bad row counted once, the first `MAX_LISTED_PROBLEMS`
/// problems by line kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Problems {
    pub bad_rows: u64,
    pub listed: Vec<RowProblem>,
}

impl Problems {
    /// Counts a bad row and keeps its problems (while fewer than the cap are kept; rows come
    /// in line order from each source, see `merge`).
    pub fn add_row(&mut self, problems: Vec<RowProblem>) {
        self.bad_rows += 1;
        let room = MAX_LISTED_PROBLEMS.saturating_sub(self.listed.len());
        self.listed.extend(problems.into_iter().take(room));
    }

    /// Both sources' problems, the first `MAX_LISTED_PROBLEMS` by line: each source kept its
    /// first ones by line, so their union holds the first ones of all.
    pub fn merge(mut self, other: Problems) -> Problems {
        self.bad_rows += other.bad_rows;
        self.listed.extend(other.listed);
        self.listed.sort_by_key(|p| p.line);
        self.listed.truncate(MAX_LISTED_PROBLEMS);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.bad_rows == 0
    }
}

/// What an import found (a dry run) or did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Rows in the file.
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub problems: Problems,
    /// Group paths that did not exist and are (or, in a dry run, would be) created.
    pub groups_created: Vec<String>,
    /// False for a dry run, and when problems stopped the import before anything was written.
    pub applied: bool,
}

/// What a running import is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImportPhase {
    Checking,
    Hashing,
    Writing,
}

/// How far a running import is: `done` of `total` steps of its phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProgress {
    pub phase: ImportPhase,
    pub done: u64,
    pub total: u64,
}

/// Where an import job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Running,
    Done,
    Failed,
    /// Its server stopped while it ran; an import writes all or nothing, so nothing was written.
    Interrupted,
}

/// An import as its page shows it, on any instance, after any reload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportJob {
    pub id: String,
    pub started_by: String,
    pub state: JobState,
    pub progress: ImportProgress,
    /// When done.
    pub report: Option<ImportReport>,
    /// When failed: why.
    pub error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(line: u64) -> RowProblem {
        RowProblem { line, column: "email".into(), message: "bad".into() }
    }

    #[test]
    fn merged_problems_keep_the_first_by_line_and_count_every_row() {
        let mut file = Problems::default();
        let mut rules = Problems::default();
        for line in (2..3000).step_by(2) {
            file.add_row(vec![problem(line)]);
        }
        for line in (3..3001).step_by(2) {
            rules.add_row(vec![problem(line), problem(line)]);
        }
        let all = file.merge(rules);
        assert_eq!(all.bad_rows, 2998);
        assert_eq!(all.listed.len(), MAX_LISTED_PROBLEMS);
        assert!(all.listed.windows(2).all(|w| w[0].line <= w[1].line));
        assert_eq!(all.listed[..4].iter().map(|p| p.line).collect::<Vec<_>>(), [2, 3, 3, 4]);
    }
}
