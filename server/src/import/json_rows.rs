//! JSON import files: an array of the export's user objects. The array is split into its
//! items without building them (each item borrows its text), and each item is then read on
//! its own, so one malformed user is that row's problem, at its line, and memory holds the
//! file's text and the rows, not a tree of values.

use std::collections::BTreeMap;

use app::server::import::{RawRow, RowProblem};
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::value::RawValue;

use app::server::import::ImportFile;

use super::file::line_at;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct JsonUser {
    email: String,
    first_name: Option<String>,
    last_name: Option<String>,
    password: Option<String>,
    password_hash: Option<String>,
    groups: Option<Vec<String>>,
    /// A `null` value removes the tag.
    tags: Option<BTreeMap<String, Option<String>>>,
    // The export's record of the user: ours to keep, not the file's to set.
    #[serde(rename = "id")]
    _id: Option<IgnoredAny>,
    #[serde(rename = "creationDate")]
    _creation_date: Option<IgnoredAny>,
    #[serde(rename = "lastUpdated")]
    _last_updated: Option<IgnoredAny>,
    #[serde(rename = "lastLogin")]
    _last_login: Option<IgnoredAny>,
    #[serde(rename = "passwordLastUpdated")]
    _password_last_updated: Option<IgnoredAny>,
}

pub fn read(text: &str) -> Result<ImportFile, String> {
    let items: Vec<&RawValue> =
        serde_json::from_str(text).map_err(|e| format!("The file is not a JSON array of users: {e}"))?;
    let mut file = ImportFile::default();
    let mut at = (0, 1);
    for item in items {
        let offset = item.get().as_ptr() as usize - text.as_ptr() as usize;
        let line = line_at(text, at, offset);
        at = (offset, line);
        file.push(row(item, line));
    }
    Ok(file)
}

fn row(item: &RawValue, line: u64) -> Result<RawRow, Vec<RowProblem>> {
    let user: JsonUser = serde_json::from_str(item.get()).map_err(|e| {
        let text = e.to_string();
        // serde_json ends its message with the position inside the item; ours is the file's.
        let message = text.rsplit_once(" at line ").map_or(text.as_str(), |(message, _)| message);
        vec![RowProblem {
            line: line + e.line().saturating_sub(1) as u64,
            column: String::new(),
            message: format!("Not a user object with an email: {message}"),
        }]
    })?;
    let non_empty = |text: Option<String>| text.filter(|t| !t.is_empty());
    Ok(RawRow {
        line,
        email: user.email.trim().to_owned(),
        first_name: user.first_name,
        last_name: user.last_name,
        password: non_empty(user.password),
        password_hash: non_empty(user.password_hash),
        groups: user.groups,
        tags: user.tags.unwrap_or_default().into_iter().collect(),
    })
}
