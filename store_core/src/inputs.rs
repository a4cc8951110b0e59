//! What the doors ask the services for, the same on every engine.

/// A device-tag tie as sent: key and optional value, checked by `save`.
pub type DeviceTagRule = (Option<String>, Option<String>);

/// What a caller asks to set on a group; `None` leaves a field as it is. `parent_id:
/// Some(None)` makes the group a root.
#[derive(Debug, Default, Clone)]
pub struct GroupInput {
    pub name: Option<String>,
    pub description: Option<String>,
    pub parent_id: Option<Option<String>>,
    pub user_ids: Option<Vec<String>>,
    pub device_ids: Option<Vec<String>>,
    pub device_tags: Option<Vec<DeviceTagRule>>,
    pub group_tags: Option<Vec<(String, String)>>,
}

/// What a caller asks to change; `None` leaves it as it is.
#[derive(Debug, Default, Clone)]
pub struct ApplicationChanges {
    pub name: Option<String>,
    /// As typed: blank for no limit.
    pub user_limit: Option<String>,
    /// Rejects every token of the application's users issued up to this instant (ms).
    pub token_cutoff: Option<i64>,
}

/// What a caller asks to set. `None` leaves a field as it is (and, on creation, empty).
#[derive(Debug, Default, Clone)]
pub struct UserInput {
    pub email: Option<String>,
    pub password: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub tags: Option<Vec<(String, String)>>,
    pub group_ids: Option<Vec<String>>,
    /// Rejects the user's tokens issued up to this instant (ms).
    pub token_cutoff: Option<i64>,
    /// `Some(Some(until))` disables the user until then (ms; `DISABLED_UNTIL_ENABLED` until
    /// enabled again), which also rejects every token they hold; `Some(None)` enables them.
    pub disabled_until: Option<Option<i64>>,
}

impl UserInput {
    /// True when the input changes the user's profile (and so their version), not only the
    /// token cutoff.
    pub fn edits_profile(&self) -> bool {
        self.email.is_some()
            || self.password.is_some()
            || self.first_name.is_some()
            || self.last_name.is_some()
            || self.tags.is_some()
            || self.group_ids.is_some()
    }
}
