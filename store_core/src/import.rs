//! The rows of an import as the server reads them from a file (CSV or JSON, see the server's
//! `import` module), each checked alone with the domain's own rules. What needs the database
//! (taken emails, groups, the application's limit) the import service checks.

use crate::domain::{Email, Password, PersonName, TagKey, TagValue};
use crate::jobs::{outcome_of, Outcome};
use crate::passwords::check_imported_hash;
use crate::records::JobRecord;
pub use model::user_import::{
    ImportJob, ImportMode, ImportPhase, ImportProgress, ImportReport, JobState, Problems, RowProblem,
    MAX_LISTED_PROBLEMS,
};

/// The `kind` of an import's row in `jobs`.
pub const JOB_KIND: &str = "import";

/// How an import runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    pub mode: ImportMode,
    /// Groups named by a path that does not exist are created (else the row is bad).
    pub create_groups: bool,
    /// Write the good rows even if some are bad (else nothing is written).
    pub skip_bad_rows: bool,
    /// Check everything, write nothing.
    pub dry_run: bool,
}

/// A row as read, each cell as text; `None` where the file has no such column (or the cell,
/// for a password, is empty): the user's current value stays.
#[derive(Debug, Default, Clone)]
pub struct RawRow {
    pub line: u64,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub password: Option<String>,
    pub password_hash: Option<String>,
    /// Group paths ("Parent/Child"): the user's groups become exactly these.
    pub groups: Option<Vec<String>>,
    /// `(key, Some(value))` sets a tag, `(key, None)` removes it; other keys stay.
    pub tags: Vec<(String, Option<String>)>,
}

/// A password an imported row sets.
#[derive(Debug, Clone)]
pub enum NewPassword {
    /// Hashed by us before anything is written.
    Plain(Password),
    /// An argon2id or bcrypt hash, stored as is and upgraded at the user's first sign-in.
    Hash(String),
}

/// A row whose every cell is valid.
#[derive(Debug, Clone)]
pub struct ImportRow {
    pub line: u64,
    pub email: Email,
    pub first_name: Option<PersonName>,
    pub last_name: Option<PersonName>,
    pub password: Option<NewPassword>,
    pub groups: Option<Vec<String>>,
    pub tags: Vec<(TagKey, Option<TagValue>)>,
}

/// The row's cells checked with the rules every door uses; every problem of the row at once.
pub fn check_row(raw: RawRow) -> Result<ImportRow, Vec<RowProblem>> {
    let line = raw.line;
    let mut problems = Vec::new();
    let mut note = |column: &str, message: String| {
        problems.push(RowProblem { line, column: column.to_owned(), message });
    };
    let email = Email::parse(&raw.email).map_err(|e| note("email", e.to_string()));
    let mut name = |column: &str, text: Option<String>| {
        text.map(|t| PersonName::parse(&t)).transpose().map_err(|e| note(column, e.to_string())).ok().flatten()
    };
    let first_name = name("firstName", raw.first_name);
    let last_name = name("lastName", raw.last_name);
    let password = match (raw.password, raw.password_hash) {
        (Some(_), Some(_)) => {
            note("password", "Give a password or a passwordHash, not both".into());
            None
        }
        (Some(plain), None) => {
            Password::parse(&plain).map(NewPassword::Plain).map_err(|e| note("password", e.to_string())).ok()
        }
        (None, Some(hash)) => check_imported_hash(&hash)
            .map(|()| NewPassword::Hash(hash))
            .map_err(|e| note("passwordHash", e.into()))
            .ok(),
        (None, None) => None,
    };
    if let Some(paths) = &raw.groups {
        for path in paths {
            if path.split('/').any(|name| name.trim().is_empty()) {
                note("groups", format!("{path:?} is not a group path (names joined by /, none empty)"));
            }
        }
    }
    let mut tags = Vec::new();
    for (key, value) in raw.tags {
        let column = format!("tag:{key}");
        match (TagKey::parse(&key), value.as_deref().map(TagValue::parse).transpose()) {
            (Ok(key), Ok(value)) => tags.push((key, value)),
            (Err(e), _) | (_, Err(e)) => note(&column, e.to_string()),
        }
    }
    // "Site A / Floor 1" names the group "Floor 1" under "Site A", as "Site A/Floor 1" does.
    let groups = raw
        .groups
        .map(|paths| paths.iter().map(|path| path.split('/').map(str::trim).collect::<Vec<_>>().join("/")).collect());
    match (email, problems.is_empty()) {
        (Ok(email), true) => Ok(ImportRow { line, email, first_name, last_name, password, groups, tags }),
        _ => Err(problems),
    }
}

/// The rows of a file: the good ones checked, the bad ones counted and listed.
#[derive(Debug, Default)]
pub struct ImportFile {
    pub rows: Vec<ImportRow>,
    pub problems: Problems,
    /// Rows in the file, good and bad.
    pub total: u64,
}

impl ImportFile {
    /// A row read from the file: checked, then kept or counted as bad.
    pub fn push(&mut self, row: Result<RawRow, Vec<RowProblem>>) {
        self.total += 1;
        match row.and_then(check_row) {
            Ok(row) => self.rows.push(row),
            Err(problems) => self.problems.add_row(problems),
        }
    }
}

/// A stored import job as its page shows it at `now`.
pub fn import_job(record: JobRecord, now: i64) -> ImportJob {
    let Outcome { state, report, error } = outcome_of(&record, now);
    let progress = serde_json::from_str(&record.progress).unwrap_or(ImportProgress {
        phase: ImportPhase::Checking,
        done: 0,
        total: 0,
    });
    ImportJob {
        state,
        progress,
        report,
        error,
        id: record.id,
        started_by: record.started_by,
        created_at: record.created_at,
        updated_at: record.updated_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(email: &str) -> RawRow {
        RawRow { line: 7, email: email.into(), ..RawRow::default() }
    }

    #[test]
    fn a_good_row_keeps_its_cells() {
        let row = check_row(RawRow {
            first_name: Some("Ann".into()),
            password: Some("long enough".into()),
            groups: Some(vec![" Site / Floor 1".into()]),
            tags: vec![("floor".into(), Some("3".into())), ("old".into(), None)],
            ..raw("Ann@Example.com")
        })
        .unwrap();
        assert_eq!(row.email.normalized(), "ann@example.com");
        assert_eq!(row.first_name.unwrap().as_str(), "Ann");
        assert!(row.last_name.is_none());
        assert!(matches!(row.password, Some(NewPassword::Plain(_))));
        assert_eq!(row.groups.unwrap(), ["Site/Floor 1"]);
        assert_eq!(row.tags.len(), 2);
        assert!(row.tags[1].1.is_none());
    }

    #[test]
    fn every_problem_of_a_row_is_reported_with_its_column() {
        let problems = check_row(RawRow {
            password: Some("short".into()),
            groups: Some(vec!["Site//Floor".into()]),
            tags: vec![("bad key".into(), Some("x".into()))],
            ..raw("not an email")
        })
        .unwrap_err();
        let columns: Vec<&str> = problems.iter().map(|p| p.column.as_str()).collect();
        assert_eq!(columns, ["email", "password", "groups", "tag:bad key"]);
        assert!(problems.iter().all(|p| p.line == 7));
        assert_eq!(problems[1].message, "Password must be at least 8 characters (this one has 5)");
    }

    #[test]
    fn hashes_must_be_argon2id_or_bcrypt() {
        let hash = |h: &str| check_row(RawRow { password_hash: Some(h.into()), ..raw("a@b.co") });
        assert!(hash("$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy").is_ok());
        assert!(hash("$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG").is_ok());
        for bad in
            ["plaintext", "$2b$10$short", "$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"]
        {
            let problems = hash(bad).unwrap_err();
            assert_eq!(problems[0].column, "passwordHash", "{bad}");
        }
        let both = check_row(RawRow {
            password: Some("long enough".into()),
            password_hash: Some("x".into()),
            ..raw("a@b.co")
        });
        assert_eq!(both.unwrap_err()[0].message, "Give a password or a passwordHash, not both");
    }
}
