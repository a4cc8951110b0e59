//! The history (audit log) of an application: every change, who made it, from where, what it
//! was; read newest first a page at a time, on a user's page and on the Activity page alike.

use serde::{Deserialize, Serialize};

/// What an entry records. The names travel in the API and filters (`user.update`).
pub const ACTIONS: [(&str, &str); 19] = [
    ("user.create", "User added"),
    ("user.update", "User changed"),
    ("user.delete", "User deleted"),
    ("user.disable", "User disabled"),
    ("user.enable", "User enabled"),
    ("user.tokens_invalidated", "User's tokens invalidated"),
    ("users.tokens_invalidated", "Every user's tokens invalidated"),
    ("users.bulk", "Bulk action"),
    ("users.import", "Users imported"),
    ("users.export_with_hashes", "Users exported with password hashes"),
    ("application.update", "Application changed"),
    ("api_token.create", "API token created"),
    ("api_token.revoke", "API token revoked"),
    ("group.create", "Group added"),
    ("group.update", "Group changed"),
    ("group.delete", "Group deleted"),
    ("device.create", "Device added"),
    ("device.update", "Device changed"),
    ("device.delete", "Device deleted"),
];

/// The words for an action's name.
pub fn action_label(action: &str) -> &str {
    ACTIONS.iter().find(|(name, _)| *name == action).map_or(action, |(_, label)| label)
}

/// One field's change; `None` where there was or is nothing (a new user's fields have no
/// before). A password change has neither: only that it changed is told, never a hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Change {
    pub fn new(field: &str, before: Option<String>, after: Option<String>) -> Self {
        Self { field: field.to_owned(), before, after }
    }

    /// `before → after` in words.
    pub fn describe(&self) -> String {
        match (&self.before, &self.after) {
            (None, None) => format!("{}: changed", self.field),
            (None, Some(after)) => format!("{}: {after}", self.field),
            (Some(before), None) => format!("{}: {before} → (none)", self.field),
            (Some(before), Some(after)) => format!("{}: {before} → {after}", self.field),
        }
    }
}

/// The changes between two versions of some fields: only the fields that differ.
pub fn diff(fields: &[(&str, Option<String>, Option<String>)]) -> Vec<Change> {
    fields
        .iter()
        .filter(|(_, before, after)| before != after)
        .map(|(f, b, a)| Change::new(f, b.clone(), a.clone()))
        .collect()
}

/// The changes between two tag sets: one `tag:<key>` change per key added, removed or changed.
pub fn tag_changes(before: &[(String, String)], after: &[(String, String)]) -> Vec<Change> {
    let value = |set: &[(String, String)], key: &str| set.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let mut keys: Vec<&String> = before.iter().chain(after).map(|(k, _)| k).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter().flat_map(|key| diff(&[(&format!("tag:{key}"), value(before, key), value(after, key))])).collect()
}

/// The change of a user's groups, named in words (`None` where they are in none), if any.
pub fn group_change(before: &[String], after: &[String]) -> Option<Change> {
    let words = |names: &[String]| (!names.is_empty()).then(|| names.join(", "));
    diff(&[("groups", words(before), words(after))]).pop()
}

/// An entry as every door shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub id: String,
    /// When (ms).
    pub at: i64,
    /// Who: an administrator's email, "API token <name>", or "shell".
    pub actor: String,
    /// From which client address.
    pub address: String,
    pub action: String,
    pub user_id: Option<String>,
    /// What it is about, in words: the user's email, the token's name.
    pub subject: String,
    pub changes: Vec<Change>,
}

/// Which entries a page holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub user_id: Option<String>,
    /// A user by email: the entries about the user who has it now (under any earlier email
    /// too), or, if nobody has it now, those that named it (a deleted user's).
    pub user_email: Option<String>,
    /// From this instant (ms), included.
    pub from: Option<i64>,
    /// Up to this instant (ms), excluded.
    pub to: Option<i64>,
}

/// Entries per page unless asked otherwise, and at most.
pub const PAGE_SIZE: i64 = 50;
pub const MAX_PAGE_SIZE: i64 = 500;

/// A page of entries, newest first, and where the next (older) one starts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// The cursor of the next page (`at:id` of this page's last entry), if there are older ones.
    pub next: Option<String>,
}

/// A page's cursor read back: `at:id`.
pub fn parse_cursor(cursor: &str) -> Option<(i64, String)> {
    let (at, id) = cursor.split_once(':')?;
    Some((at.parse().ok()?, id.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_keeps_only_what_changed() {
        let changes = diff(&[
            ("email", Some("a@x.io".into()), Some("b@x.io".into())),
            ("firstName", Some("Ann".into()), Some("Ann".into())),
            ("tag:zone", None, Some("north".into())),
        ]);
        let words: Vec<String> = changes.iter().map(Change::describe).collect();
        assert_eq!(words, ["email: a@x.io → b@x.io", "tag:zone: north"]);
        assert_eq!(Change::new("password", None, None).describe(), "password: changed");
    }

    #[test]
    fn tag_and_group_changes_name_each_difference() {
        let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        let before = [pair("zone", "north"), pair("tier", "gold"), pair("same", "x")];
        let after = [pair("zone", "south"), pair("same", "x"), pair("new", "1")];
        let words: Vec<String> = tag_changes(&before, &after).iter().map(Change::describe).collect();
        assert_eq!(words, ["tag:new: 1", "tag:tier: gold → (none)", "tag:zone: north → south"]);
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(group_change(&names(&["A"]), &names(&["A"])), None);
        let change = group_change(&names(&[]), &names(&["A", "B"])).map(|c| c.describe());
        assert_eq!(change.as_deref(), Some("groups: A, B"));
    }

    #[test]
    fn cursors_read_back() {
        assert_eq!(parse_cursor("1700:abc"), Some((1700, "abc".into())));
        assert_eq!(parse_cursor("x:abc"), None);
        assert_eq!(parse_cursor("1700"), None);
    }

    #[test]
    fn every_action_has_words() {
        assert_eq!(action_label("user.update"), "User changed");
        assert_eq!(action_label("unknown"), "unknown");
    }
}
