//! Who is acting, for the history every service appends to in its own transactions.
//!
//! Each door says once, at its edge, who acts and from where (the admin session middleware, the
//! REST token check, the CLI); the services read it here instead of taking it as an argument
//! through every call, so no service can be reached without its changes being attributed.

use std::future::Future;

use crate::records::AuditRecord;
pub use model::audit::{
    diff, group_change, tag_changes, AuditEntry, AuditFilter, AuditPage, Change, MAX_PAGE_SIZE, PAGE_SIZE,
};

/// How long entries are kept unless configured (`AUDIT_RETENTION_DAYS`).
pub const DEFAULT_RETENTION_DAYS: i64 = 365;

/// Who acts, and from which client address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub address: String,
}

tokio::task_local! {
    static ACTOR: Actor;
}

/// Runs `work` as `actor`: what it changes is recorded as theirs.
pub async fn acting_as<F: Future>(actor: Actor, work: F) -> F::Output {
    ACTOR.scope(actor, work).await
}

/// Who acts now: the door's actor, or "system" where no door said (a test calling a service).
pub fn current_actor() -> Actor {
    ACTOR.try_with(Actor::clone).unwrap_or_else(|_| Actor { name: "system".into(), address: String::new() })
}

/// A user's profile fields as the history names them.
#[derive(Debug, Clone, Copy)]
pub struct Profile<'a> {
    pub email: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
}

/// The profile fields that differ, before (none for a new user) → after; an empty field is none.
pub fn profile_changes(before: Option<Profile<'_>>, after: Profile<'_>) -> Vec<Change> {
    let text = |value: &str| (!value.is_empty()).then(|| value.to_owned());
    let was = |field: fn(Profile<'_>) -> &str| before.and_then(|b| text(field(b)));
    diff(&[
        ("email", was(|p| p.email), text(after.email)),
        ("firstName", was(|p| p.first_name), text(after.first_name)),
        ("lastName", was(|p| p.last_name), text(after.last_name)),
    ])
}

/// A new entry by the current actor, now.
pub fn entry(
    application_id: &str,
    action: &str,
    user_id: Option<&str>,
    subject: &str,
    changes: &[Change],
    now: i64,
) -> AuditRecord {
    let actor = current_actor();
    AuditRecord {
        id: crate::ids::new_id(),
        application_id: application_id.to_owned(),
        at: now,
        actor: actor.name,
        address: actor.address,
        action: action.to_owned(),
        user_id: user_id.map(str::to_owned),
        subject: subject.to_owned(),
        changes: serde_json::to_string(changes).unwrap_or_else(|_| "[]".into()),
    }
}

/// A stored entry as every door shows it.
pub fn audit_entry(record: AuditRecord) -> AuditEntry {
    AuditEntry {
        changes: serde_json::from_str(&record.changes).unwrap_or_default(),
        id: record.id,
        at: record.at,
        actor: record.actor,
        address: record.address,
        action: record.action,
        user_id: record.user_id,
        subject: record.subject,
    }
}
