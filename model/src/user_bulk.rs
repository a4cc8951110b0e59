//! Bulk actions over many experience users: what can be done, what the preview says will
//! happen, and how the job reports its progress and outcome, the same words in every door.

use serde::{Deserialize, Serialize};

use crate::domain::user_filter::{GroupReach, UserFilter};
use crate::error::AppError;
use crate::user_import::JobState;
use crate::user_query::ListQuery;

/// The users a bulk action from the list page is over: rows ticked on a page, or every user
/// the list's view and filters select ("Select all N matching"), as of `selected_at` (ms).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum BulkTarget {
    Ids(Vec<String>),
    Matching { query: ListQuery, selected_at: i64 },
}

/// What a bulk action does to each selected user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum BulkAction {
    AddToGroup {
        group_id: String,
    },
    RemoveFromGroup {
        group_id: String,
    },
    SetTag {
        key: String,
        value: String,
    },
    RemoveTag {
        key: String,
    },
    /// Until this instant (ms), or until enabled again (`None`).
    Disable {
        until: Option<i64>,
    },
    Enable,
    InvalidateTokens,
    Delete,
}

/// What an action is made of, as a door read it: the parts its `type` needs.
#[derive(Debug, Clone, Default)]
pub struct ActionParts {
    pub group_id: Option<String>,
    pub key: Option<String>,
    pub value: Option<String>,
    /// Until this instant (ms); `None`: until enabled again.
    pub until: Option<i64>,
}

impl BulkAction {
    /// The names a request uses (`type`), in the order the page offers them.
    pub const NAMES: [(&'static str, &'static str); 8] = [
        ("addToGroup", "Add to group"),
        ("removeFromGroup", "Remove from group"),
        ("setTag", "Set tag"),
        ("removeTag", "Remove tag"),
        ("disable", "Disable"),
        ("enable", "Enable"),
        ("invalidateTokens", "Invalidate tokens"),
        ("delete", "Delete"),
    ];

    /// The action named `kind` (a `type` of `NAMES`) from the parts a door read (a form's
    /// fields, a request's body; each door parses "until" its own way). A part the action needs
    /// and lacks is an error on that part's field; the parts' values are checked by the service.
    pub fn from_parts(kind: &str, parts: ActionParts) -> Result<Self, AppError> {
        let needed = |value: Option<String>, field: &str| {
            value.ok_or_else(|| AppError::field(field, format!("This action needs action.{field}")))
        };
        Ok(match kind {
            "addToGroup" => Self::AddToGroup { group_id: needed(parts.group_id, "groupId")? },
            "removeFromGroup" => Self::RemoveFromGroup { group_id: needed(parts.group_id, "groupId")? },
            "setTag" => Self::SetTag { key: needed(parts.key, "key")?, value: needed(parts.value, "value")? },
            "removeTag" => Self::RemoveTag { key: needed(parts.key, "key")? },
            "disable" => Self::Disable { until: parts.until },
            "enable" => Self::Enable,
            "invalidateTokens" => Self::InvalidateTokens,
            "delete" => Self::Delete,
            other => {
                let names: Vec<&str> = Self::NAMES.iter().map(|(name, _)| *name).collect();
                return Err(AppError::field(
                    "type",
                    format!("No action \"{}\": choose one of {}", other.escape_debug(), names.join(", ")),
                ));
            }
        })
    }

    /// The words for an action's name ("delete" → "Delete").
    pub fn label(name: &str) -> &str {
        Self::NAMES.iter().find(|(n, _)| *n == name).map_or(name, |(_, label)| label)
    }

    /// Past tense, for a report: "Deleted", "Added to Barn".
    pub fn done_label(&self, group_name: &str) -> String {
        match self {
            Self::AddToGroup { .. } => format!("Added to {group_name}"),
            Self::RemoveFromGroup { .. } => format!("Removed from {group_name}"),
            Self::SetTag { key, value } => format!("Tag {key} set to {value}"),
            Self::RemoveTag { key } => format!("Tag {key} removed"),
            Self::Disable { .. } => "Disabled".into(),
            Self::Enable => "Enabled".into(),
            Self::InvalidateTokens => "Tokens invalidated".into(),
            Self::Delete => "Deleted".into(),
        }
    }

    /// Among the selected users, the ones this condition holds for are counted by the preview
    /// (see `BulkPreview::new`).
    pub fn preview_condition(&self, now: i64) -> UserFilter {
        match self {
            Self::AddToGroup { group_id } | Self::RemoveFromGroup { group_id } => {
                UserFilter::InGroup { id: group_id.clone(), reach: GroupReach::Only }
            }
            Self::SetTag { key, value } => UserFilter::Tagged { key: key.clone(), value: Some(value.clone()) },
            Self::RemoveTag { key } => UserFilter::Tagged { key: key.clone(), value: None },
            Self::Disable { .. } | Self::Enable => UserFilter::Disabled { disabled: true, at: now },
            Self::InvalidateTokens | Self::Delete => UserFilter::Grouped(true),
        }
    }

    /// Deleting more than one user asks for their number, typed.
    pub fn needs_typed_count(&self, users: u64) -> bool {
        matches!(self, Self::Delete) && users > 1
    }
}

/// What a bulk action will do, said before it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkPreview {
    /// The users selected.
    pub users: u64,
    /// Of them, those the action's `preview_condition` holds for.
    pub matching: u64,
    /// The preview in a sentence.
    pub text: String,
    /// Deleting more than one user asks for `users`, typed.
    pub typed_count: bool,
    /// When the selection was made (ms): users added later are left alone.
    pub selected_at: i64,
}

impl BulkPreview {
    /// `group_name` names the action's group, if it has one.
    pub fn new(action: &BulkAction, users: u64, matching: u64, group_name: &str, selected_at: i64) -> Self {
        let n = count(users, "user", "users");
        let others = users - matching.min(users);
        let text = match action {
            BulkAction::AddToGroup { .. } => format!(
                "{} will be added to {group_name}; {} in it already.",
                count(others, "user", "users"),
                count(matching, "user is", "users are")
            ),
            BulkAction::RemoveFromGroup { .. } => format!(
                "{} of the {n} selected will be removed from {group_name}; the others are not in it.",
                grouped(matching)
            ),
            BulkAction::SetTag { key, value } => format!(
                "{} will get the tag {key} = {value}; {} it already.",
                count(others, "user", "users"),
                count(matching, "user has", "users have")
            ),
            BulkAction::RemoveTag { key } => format!(
                "{} of the {n} selected will lose the tag {key}; the others do not have it.",
                grouped(matching)
            ),
            BulkAction::Disable { until } => format!(
                "{n} will be disabled {} and their tokens stop working; {} disabled already.",
                match until {
                    None => "until enabled again".to_owned(),
                    Some(at) => format!("until {}", crate::users::format_time(Some(*at))),
                },
                count(matching, "is", "are")
            ),
            BulkAction::Enable => format!(
                "{} of the {n} selected are disabled and will be enabled; their old tokens stay refused.",
                grouped(matching)
            ),
            BulkAction::InvalidateTokens => {
                format!("Every token of {n} will stop working at once; they can sign in again.")
            }
            BulkAction::Delete => format!(
                "{n} will be deleted; {} of them are in groups. Their tokens stop working at once. This cannot be undone.",
                grouped(matching)
            ),
        };
        Self { users, matching, text, typed_count: action.needs_typed_count(users), selected_at }
    }
}

/// A number with thousands separators: 12,345.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1 user", "12,345 users".
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", grouped(n), if n == 1 { one } else { many })
}

/// How far a running bulk job is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkProgress {
    pub done: u64,
    pub total: u64,
}

/// A user the action could not be applied to, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkFailure {
    pub user_id: String,
    pub message: String,
}

/// At most this many failures are listed; every one is counted.
pub const MAX_LISTED_FAILURES: usize = 1000;

/// The outcome of a bulk job.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkReport {
    /// What was done, in words ("Deleted").
    pub action: String,
    /// The users selected when the job started.
    pub selected: u64,
    /// Changed by the action.
    pub changed: u64,
    /// Already as the action would leave them.
    pub unchanged: u64,
    /// Not found (deleted meanwhile, or never in this application).
    pub failed: u64,
    pub failures: Vec<BulkFailure>,
}

impl BulkReport {
    pub fn fail(&mut self, user_id: &str, message: &str) {
        self.failed += 1;
        if self.failures.len() < MAX_LISTED_FAILURES {
            self.failures.push(BulkFailure { user_id: user_id.to_owned(), message: message.to_owned() });
        }
    }

    pub fn summary(&self) -> String {
        let mut text = format!(
            "{}: {} changed, {} unchanged of {} selected",
            self.action,
            grouped(self.changed),
            grouped(self.unchanged),
            grouped(self.selected)
        );
        if self.failed > 0 {
            text.push_str(&format!("; {} failed", grouped(self.failed)));
        }
        text.push('.');
        text
    }
}

/// A bulk job as every door shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkJob {
    pub id: String,
    pub started_by: String,
    /// The action's name (`BulkAction::NAMES`).
    pub action: String,
    pub state: JobState,
    pub progress: BulkProgress,
    pub report: Option<BulkReport>,
    pub error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        let cases = [(0, "0"), (999, "999"), (1000, "1,000"), (12345, "12,345"), (1234567, "1,234,567")];
        for (n, text) in cases {
            assert_eq!(grouped(n), text);
        }
    }

    #[test]
    fn the_delete_preview_counts_and_asks_for_the_number() {
        let preview = BulkPreview::new(&BulkAction::Delete, 12345, 3210, "", 0);
        assert_eq!(
            preview.text,
            "12,345 users will be deleted; 3,210 of them are in groups. Their tokens stop working at once. \
             This cannot be undone."
        );
        assert!(preview.typed_count);
        assert!(!BulkPreview::new(&BulkAction::Delete, 1, 0, "", 0).typed_count);
        assert!(!BulkPreview::new(&BulkAction::Enable, 5, 0, "", 0).typed_count);
    }

    #[test]
    fn the_group_preview_says_who_is_in_it_already() {
        let add = BulkAction::AddToGroup { group_id: "g".into() };
        assert_eq!(
            BulkPreview::new(&add, 10, 1, "Barn", 0).text,
            "9 users will be added to Barn; 1 user is in it already."
        );
    }

    #[test]
    fn actions_travel_as_tagged_json() {
        let action = BulkAction::SetTag { key: "zone".into(), value: "north".into() };
        let json = serde_json::to_string(&action).unwrap();
        assert_eq!(json, r#"{"type":"setTag","key":"zone","value":"north"}"#);
        let group: BulkAction = serde_json::from_str(r#"{"type":"addToGroup","groupId":"abc"}"#).unwrap();
        assert_eq!(group, BulkAction::AddToGroup { group_id: "abc".into() });
        for (name, _) in BulkAction::NAMES {
            let text = format!(r#"{{"type":"{name}","groupId":"g","key":"k","value":"v","until":null}}"#);
            // Every offered name is an action (extra fields are ignored by serde's tagged enums).
            assert!(serde_json::from_str::<BulkAction>(&text).is_ok(), "{name}");
        }
    }

    #[test]
    fn a_report_counts_every_failure_and_lists_the_first() {
        let mut report = BulkReport { action: "Deleted".into(), selected: 2000, ..Default::default() };
        for i in 0..1500 {
            report.fail(&format!("u{i}"), "gone");
        }
        assert_eq!(report.failed, 1500);
        assert_eq!(report.failures.len(), MAX_LISTED_FAILURES);
        assert_eq!(report.summary(), "Deleted: 0 changed, 0 unchanged of 2,000 selected; 1,500 failed.");
    }
}
