//! Bulk actions over experience users, for every door: the action checked, the preview
//! counted, the selection read once (users added later are left alone), then the action
//! applied a batch at a time, each batch one transaction that changes only what the action
//! names, so a user saved meanwhile keeps their save and gets the action too.

use super::{clock::now_ms, db, repo, Store};
use crate::audit::{self, Change};
use crate::bulk::{action_name, BulkAction, BulkPreview, BulkProgress, BulkReport, BulkSelection, BATCH};
use crate::domain::user_filter::{Field, Op, Scalar, UserFilter};
use crate::domain::{TagKey, TagValue};
use crate::engine::DbConn;
use crate::error::{AppError, FieldErrors};
use model::users::{format_time, DISABLED_UNTIL_ENABLED};
use std::collections::HashMap;

/// Ids read at a time when a filter's selection is resolved.
const READ_BATCH: i64 = 5_000;

/// Checks what the action names (its group is the application's, its tag valid, its date in
/// the future); answers the group's name for the words of a preview or report.
pub async fn check_action(conn: &mut DbConn, application_id: &str, action: &BulkAction) -> Result<String, AppError> {
    let mut errors = FieldErrors::new();
    let mut group_name = String::new();
    match action {
        BulkAction::AddToGroup { group_id } | BulkAction::RemoveFromGroup { group_id } => {
            match repo::groups::get(conn, application_id, group_id).await? {
                Some(group) => group_name = group.name,
                None => {
                    errors.insert("group".into(), "Choose a group of this application".into());
                }
            }
        }
        BulkAction::SetTag { key, value } => {
            if let Err(e) = TagKey::parse(key) {
                errors.insert("key".into(), e.to_string());
            }
            if let Err(e) = TagValue::parse(value) {
                errors.insert("value".into(), e.to_string());
            }
        }
        BulkAction::RemoveTag { key } => {
            if let Err(e) = TagKey::parse(key) {
                errors.insert("key".into(), e.to_string());
            }
        }
        BulkAction::Disable { until: Some(until) } if *until <= now_ms() => {
            errors.insert("until".into(), "Choose a time in the future, or disable until enabled again".into());
        }
        _ => {}
    }
    if errors.is_empty() {
        Ok(group_name)
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// The filter a selection amounts to.
fn selection_filter(selection: &BulkSelection) -> UserFilter {
    match selection {
        BulkSelection::Ids(ids) => UserFilter::Cond {
            field: Field::Id,
            op: Op::In,
            value: Scalar::List(ids.iter().cloned().map(Scalar::Text).collect()),
            ci: false,
        },
        BulkSelection::Matching { filter, selected_at } => UserFilter::all(vec![
            filter.clone(),
            UserFilter::Cond { field: Field::Created, op: Op::Lte, value: Scalar::Number(*selected_at), ci: false },
        ]),
    }
}

fn nobody() -> AppError {
    AppError::field("selection", "No users are selected: choose some, or change the filters.")
}

async fn application_exists(conn: &mut DbConn, application_id: &str) -> Result<(), AppError> {
    match repo::applications::get(conn, application_id).await? {
        Some(_) => Ok(()),
        None => Err(AppError::NotFound("This application".into())),
    }
}

/// What the action will do to the selection, counted now.
pub async fn preview(
    state: &Store,
    application_id: &str,
    selection: &BulkSelection,
    action: &BulkAction,
) -> Result<BulkPreview, AppError> {
    let mut tx = db::begin_snapshot(&state.pool).await?;
    application_exists(&mut tx, application_id).await?;
    let group_name = check_action(&mut tx, application_id, action).await?;
    let now = now_ms();
    let filter = selection_filter(selection);
    let users = repo::user_list::count(&mut tx, application_id, &filter, None).await? as u64;
    if users == 0 {
        return Err(nobody());
    }
    let narrowed = UserFilter::all(vec![filter, action.preview_condition(now)]);
    let matching = repo::user_list::count(&mut tx, application_id, &narrowed, None).await? as u64;
    tx.rollback().await?;
    let selected_at = match selection {
        BulkSelection::Matching { selected_at, .. } => *selected_at,
        BulkSelection::Ids(_) => now,
    };
    Ok(BulkPreview::new(action, users, matching, &group_name, selected_at))
}

/// The users a job will go over, read from one snapshot: the selection's users of the
/// application, and (for a list of ids) the ids that are none of them. The action is checked
/// first, so a bad one is refused before any job starts.
pub async fn resolve(
    state: &Store,
    application_id: &str,
    selection: &BulkSelection,
    action: &BulkAction,
) -> Result<(Vec<String>, Vec<String>), AppError> {
    let mut tx = db::begin_snapshot(&state.pool).await?;
    application_exists(&mut tx, application_id).await?;
    check_action(&mut tx, application_id, action).await?;
    let resolved = match selection {
        BulkSelection::Ids(ids) => {
            let mut wanted = ids.clone();
            wanted.sort();
            wanted.dedup();
            let mut found = Vec::with_capacity(wanted.len());
            for batch in wanted.chunks(BATCH) {
                found.extend(
                    repo::user_bulk::existing(&mut tx, application_id, batch).await?.into_iter().map(|(id, _)| id),
                );
            }
            found.sort();
            let unknown = wanted.into_iter().filter(|id| found.binary_search(id).is_err()).collect();
            (found, unknown)
        }
        BulkSelection::Matching { .. } => {
            let filter = selection_filter(selection);
            let mut found: Vec<String> = Vec::new();
            loop {
                let after = found.last().map(String::as_str);
                let batch = repo::user_list::ids(&mut tx, application_id, &filter, after, READ_BATCH).await?;
                let last = (batch.len() as i64) < READ_BATCH;
                found.extend(batch);
                if last {
                    break;
                }
            }
            (found, Vec::new())
        }
    };
    tx.rollback().await?;
    if resolved.0.is_empty() && resolved.1.is_empty() {
        return Err(nobody());
    }
    Ok(resolved)
}

/// Applies the action to `users`, a batch per transaction, reporting progress after each;
/// `unknown` ids are reported as failures. The application or the action's group deleted
/// meanwhile ends the job with an error (the batches before stay applied).
pub async fn run(
    state: &Store,
    application_id: &str,
    action: &BulkAction,
    users: &[String],
    unknown: &[String],
    progress: &(dyn Fn(BulkProgress) + Send + Sync),
) -> Result<BulkReport, AppError> {
    let mut conn = state.pool.acquire().await?;
    let group_name = check_action(&mut conn, application_id, action).await?;
    drop(conn);
    let mut report = BulkReport {
        action: action.done_label(&group_name),
        selected: (users.len() + unknown.len()) as u64,
        ..BulkReport::default()
    };
    for id in unknown {
        report.fail(id, "No such user in this application");
    }
    let total = report.selected;
    let mut done = unknown.len() as u64;
    progress(BulkProgress { done, total });
    // Each changed user's history tells it, beside the job's own entry.
    let (user_action, changes) = history_of(action, &group_name);
    for batch in users.chunks(BATCH) {
        let mut tx = db::begin_application_write(&state.pool, application_id).await?;
        application_exists(&mut tx, application_id).await?;
        if let BulkAction::AddToGroup { group_id } | BulkAction::RemoveFromGroup { group_id } = action {
            if repo::groups::get(&mut tx, application_id, group_id).await?.is_none() {
                return Err(AppError::conflict(format!(
                    "The group {group_name} was deleted while the action ran: {} of {} users were done.",
                    model::user_bulk::grouped(done),
                    model::user_bulk::grouped(total)
                )));
            }
        }
        let present: HashMap<String, String> =
            repo::user_bulk::existing(&mut tx, application_id, batch).await?.into_iter().collect();
        for id in batch.iter().filter(|id| !present.contains_key(*id)) {
            report.fail(id, "This user was deleted after the selection was made");
        }
        let ids: Vec<String> = batch.iter().filter(|id| present.contains_key(*id)).cloned().collect();
        let changed = apply(&mut tx, action, &ids).await?;
        let now = now_ms();
        let entries: Vec<_> = changed
            .iter()
            .map(|id| audit::entry(application_id, user_action, Some(id), &present[id], &changes, now))
            .collect();
        repo::audit::insert_many(&mut tx, &entries).await?;
        tx.commit().await?;
        report.changed += changed.len() as u64;
        report.unchanged += (ids.len() - changed.len()) as u64;
        done += batch.len() as u64;
        progress(BulkProgress { done, total });
    }
    tracing::info!(application_id, action = %action_name(action), summary = %report.summary(), "bulk action done");
    Ok(report)
}

/// One batch of the action, on users that exist; answers those it changed.
async fn apply(conn: &mut DbConn, action: &BulkAction, ids: &[String]) -> Result<Vec<String>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let now = now_ms();
    let edited = match action {
        BulkAction::AddToGroup { group_id } => repo::user_bulk::add_to_group(conn, group_id, ids).await?,
        BulkAction::RemoveFromGroup { group_id } => repo::user_bulk::remove_from_group(conn, group_id, ids).await?,
        BulkAction::SetTag { key, value } => repo::user_bulk::set_tag(conn, key, value, ids).await?,
        BulkAction::RemoveTag { key } => repo::user_bulk::remove_tag(conn, key, ids).await?,
        BulkAction::Disable { until } => {
            return repo::user_bulk::disable(conn, until.unwrap_or(DISABLED_UNTIL_ENABLED), now, ids).await
        }
        BulkAction::Enable => return repo::user_bulk::enable(conn, now, ids).await,
        BulkAction::InvalidateTokens => return repo::user_bulk::invalidate_tokens(conn, now, ids).await,
        BulkAction::Delete => return repo::user_bulk::delete(conn, ids).await,
    };
    // Groups and tags are part of a user's profile: their version moves.
    if !edited.is_empty() {
        repo::user_bulk::touch(conn, &edited, now).await?;
    }
    Ok(edited)
}

/// The entry each changed user's history gets: the action a single change would record, and
/// what changed (the group by name), by a bulk action.
fn history_of(action: &BulkAction, group_name: &str) -> (&'static str, Vec<Change>) {
    let via = Change::new("by", None, Some("bulk action".into()));
    let (name, change) = match action {
        BulkAction::AddToGroup { .. } => {
            ("user.update", Some(Change::new("groups", None, Some(format!("+ {group_name}")))))
        }
        BulkAction::RemoveFromGroup { .. } => {
            ("user.update", Some(Change::new("groups", None, Some(format!("− {group_name}")))))
        }
        BulkAction::SetTag { key, value } => {
            ("user.update", Some(Change::new(&format!("tag:{key}"), None, Some(value.clone()))))
        }
        BulkAction::RemoveTag { key } => {
            ("user.update", Some(Change::new(&format!("tag:{key}"), None, Some("(removed)".into()))))
        }
        BulkAction::Disable { until } => (
            "user.disable",
            Some(Change::new(
                "until",
                None,
                Some(until.map_or_else(|| "enabled again".into(), |at| format_time(Some(at)))),
            )),
        ),
        BulkAction::Enable => ("user.enable", None),
        BulkAction::InvalidateTokens => ("user.tokens_invalidated", None),
        BulkAction::Delete => ("user.delete", None),
    };
    (name, change.into_iter().chain([via]).collect())
}
