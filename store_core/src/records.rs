//! What the repositories read and write, the same on every engine: each engine's repositories
//! (`store`, `store_pg`) use these, so the doors above see one type whichever engine serves.

use crate::domain::user_filter::OrderBy;
use model::users::UserDetail;

/// The most expired sessions or tokens one sweep deletes (each sign-in sweeps once).
pub const SWEEP_BATCH: i64 = 500;

pub struct AdminCredentials {
    pub id: String,
    pub password_hash: String,
}

/// A group a user belongs to directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub id: String,
    pub name: String,
    pub parent_id: Option<String>,
}

pub struct NewUser<'a> {
    pub id: &'a str,
    pub application_id: &'a str,
    pub email: &'a str,
    pub email_normalized: &'a str,
    pub password_hash: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub now: i64,
}

/// A job as stored: its progress and outcome as JSON text (see `model::user_import::ImportJob`
/// for an import's).
#[derive(Debug, Clone)]
pub struct JobRecord {
    pub id: String,
    pub application_id: String,
    pub kind: String,
    pub started_by: String,
    pub state: String,
    pub progress: String,
    pub outcome: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What signing in reads of an experience user.
pub struct SignInRecord {
    pub id: String,
    pub password_hash: String,
    pub disabled_until: Option<i64>,
}

/// A user an import found by email: what it compares its row with.
#[derive(Debug, Clone)]
pub struct ExistingUser {
    pub id: String,
    pub email: String,
    pub email_normalized: String,
    pub first_name: String,
    pub last_name: String,
    pub password_hash: String,
    pub version: i64,
}

pub struct UserChanges<'a> {
    pub email: &'a str,
    pub email_normalized: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    /// `Some` only when the password changes.
    pub password_hash: Option<&'a str>,
}

/// A device a user is associated with, once per group that grants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub device_id: String,
    pub device_name: String,
    pub description: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub group_id: String,
    pub group_name: String,
}

/// A live (unrevoked, unexpired) token, as the REST API's door needs it.
pub struct LiveToken {
    pub id: String,
    pub application_id: String,
    /// Who an action through it was taken by.
    pub name: String,
    pub last_used_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub description: String,
    pub parent_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A device-tag tie: devices with this key (and this value, when given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceTagTie {
    pub key: String,
    pub value: Option<String>,
}

pub struct GroupList<'a> {
    pub sort_column: &'static str,
    pub descending: bool,
    /// A LIKE pattern on the name, already escaped with `\`.
    pub name_like: Option<&'a str>,
    pub limit: i64,
    pub offset: i64,
}

/// Every column of a user a list may show.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRecord {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub password_updated_at: i64,
    /// 0 for never (keeps keyset paging free of NULLs): read it through `last_login()`.
    pub last_login_at: i64,
    pub token_cutoff: Option<i64>,
    /// See `UserDetail::disabled_until`.
    pub disabled_until: Option<i64>,
}

impl UserRecord {
    /// When the user last signed in; `None` if never (stored as 0).
    pub fn last_login(&self) -> Option<i64> {
        (self.last_login_at > 0).then_some(self.last_login_at)
    }
}

impl From<UserRecord> for UserDetail {
    fn from(r: UserRecord) -> Self {
        UserDetail {
            last_login_at: r.last_login(),
            id: r.id,
            email: r.email,
            first_name: r.first_name,
            last_name: r.last_name,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
            password_updated_at: r.password_updated_at,
            token_cutoff: r.token_cutoff,
            disabled_until: r.disabled_until,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    pub by: OrderBy,
    pub descending: bool,
}

/// Where a page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    First,
    Last,
    /// The rows after the user with this id, in the list's order.
    After(String),
    Before(String),
    /// Skipping `skip` rows (Losant's `page × perPage`) of the `total` the filter selects.
    Offset {
        skip: i64,
        total: i64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub rows: Vec<UserRecord>,
    pub more_before: bool,
    pub more_after: bool,
}

pub struct ApplicationSummary {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub exp_user_token_cutoff: Option<i64>,
    pub user_count: i64,
    pub group_count: i64,
    pub device_count: i64,
}

/// One user as an export gives it: the row, its tags, and its groups as paths from the top
/// ("Parent/Child").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedUser {
    pub user: UserRecord,
    pub tags: Vec<(String, String)>,
    pub groups: Vec<String>,
    /// Only when the export asked for password hashes.
    pub password_hash: Option<String>,
}

/// A run of exported users. `tag_keys`, every tag key the application's users hold (sorted),
/// is the same in every batch of one export: a CSV's tag columns.
#[derive(Debug, Clone)]
pub struct ExportBatch {
    pub tag_keys: std::sync::Arc<[String]>,
    pub users: Vec<ExportedUser>,
}

/// One entry of an application's history, as stored (`changes` is JSON).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditRecord {
    pub id: String,
    pub application_id: String,
    pub at: i64,
    pub actor: String,
    pub address: String,
    pub action: String,
    pub user_id: Option<String>,
    pub subject: String,
    pub changes: String,
}
