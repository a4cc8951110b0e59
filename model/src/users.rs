use serde::{Deserialize, Serialize};

/// One row of the users list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub groups: Vec<String>,
    pub last_login_at: Option<i64>,
    pub created_at: i64,
    /// When this user's tokens were last invalidated.
    pub token_cutoff: Option<i64>,
    /// See `UserDetail::disabled_until`.
    pub disabled_until: Option<i64>,
}

/// How many users each view holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewCounts {
    pub all: i64,
    pub in_any_group: i64,
    pub in_no_group: i64,
}

/// Filtered lists count their matches up to this many; beyond it they say "more than".
pub const MATCH_COUNT_CAP: i64 = 100;

/// One page of a list view, with links to its neighbours (absent at either end).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    pub rows: Vec<UserRow>,
    pub counts: ViewCounts,
    /// Users in this view that match the filters, counted up to `MATCH_COUNT_CAP + 1`.
    pub matching: i64,
    pub prev: Option<crate::user_query::PageAt>,
    pub next: Option<crate::user_query::PageAt>,
    /// When all the application's tokens were last invalidated.
    pub tokens_invalidated_at: Option<i64>,
}

/// Everything the edit page shows. `version` comes back with the save to detect conflicts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetail {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub password_updated_at: i64,
    pub last_login_at: Option<i64>,
    /// When this user's tokens were last invalidated.
    pub token_cutoff: Option<i64>,
    /// Disabled until this instant (ms), `DISABLED_UNTIL_ENABLED` until enabled again; `None`
    /// if never disabled (a past instant: no longer disabled).
    pub disabled_until: Option<i64>,
}

/// `disabled_until` of a user disabled with no end.
pub const DISABLED_UNTIL_ENABLED: i64 = i64::MAX;

impl UserDetail {
    /// Whether the user is disabled at `now` (ms).
    pub fn disabled_at(&self, now: i64) -> bool {
        self.disabled_until.is_some_and(|until| until > now)
    }
}

/// What the edit page loads: the user, their tags and the ids of their groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserForm {
    pub user: UserDetail,
    pub tags: Vec<(String, String)>,
    pub group_ids: Vec<String>,
}

/// A millisecond timestamp as `2026-11-27 10:06 UTC`; `None` as "Never".
pub fn format_time(ms: Option<i64>) -> String {
    let Some(ms) = ms else { return "Never".into() };
    // The parts written with `format!`, not a `time` format description: its interpreter (about
    // 17 KiB of WASM) would otherwise load with the sign-in page, whose errors show this.
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000) else {
        return String::new();
    };
    format!("{:04}-{:02}-{:02} {:02}:{:02} UTC", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute())
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_times() {
        assert_eq!(super::format_time(Some(0)), "1970-01-01 00:00 UTC");
        assert_eq!(super::format_time(Some(1_795_000_000_000)), "2026-11-18 11:06 UTC");
        assert_eq!(super::format_time(None), "Never");
    }
}
