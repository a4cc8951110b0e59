//! Importing experience users: the rows of a file (already read and checked one by one)
//! matched with the application's users by email, checked against what only the database
//! knows (emails taken or repeated, groups, the user limit), then written all in one
//! transaction, or not at all.
//!
//! Plaintext passwords are hashed before the transaction (argon2 at its own threads' pace,
//! minutes for 10^4 of them), and everything is checked again under the write lock: what is
//! written is what the check inside the transaction found, and if that differs from what the
//! check before found, nothing is.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use tokio::task::JoinSet;

use super::{clock::now_ms, ids, repo, Store};
use crate::audit::{self, group_change, profile_changes, tag_changes, Change, Profile};
use crate::domain::{Name, PersonName, EMAIL_TAKEN};
use crate::engine::DbConn;
use crate::error::AppError;
use crate::import::{
    ImportFile, ImportMode, ImportOptions, ImportReport, ImportRow, NewPassword, Problems, RowProblem,
};
use crate::records::{AuditRecord, ExistingUser, Group, NewUser, UserChanges};
use model::groups::group_paths;
use model::user_import::{ImportPhase, ImportProgress};

/// Emails looked up, users written, per statement batch or progress step.
const CHUNK: usize = 500;

/// What to do with one good row.
enum Action {
    Create,
    /// `tags` when they change; `groups` when they do. What the user had, for the history.
    Update {
        user: Box<ExistingUser>,
        tags: Option<Vec<(String, String)>>,
        groups: bool,
        before: Before,
    },
    Unchanged,
}

/// A user's tags and group names before the import.
struct Before {
    tags: Vec<(String, String)>,
    groups: Vec<String>,
}

/// What the check found: an action per good row (by index into the rows), the rows' problems,
/// the groups to create (parents first).
struct Plan {
    actions: Vec<(usize, Action)>,
    problems: Problems,
    new_groups: Vec<String>,
}

impl Plan {
    fn count(&self, wanted: fn(&Action) -> bool) -> u64 {
        self.actions.iter().filter(|(_, a)| wanted(a)).count() as u64
    }

    fn report(&self, file: &ImportFile, applied: bool) -> ImportReport {
        ImportReport {
            rows: file.total,
            created: self.count(|a| matches!(a, Action::Create)),
            updated: self.count(|a| matches!(a, Action::Update { .. })),
            unchanged: self.count(|a| matches!(a, Action::Unchanged)),
            problems: file.problems.clone().merge(self.problems.clone()),
            groups_created: self.new_groups.clone(),
            applied,
        }
    }
}

/// Checks the file's rows (a dry run stops there) and writes them; `progress` hears of each
/// phase and step.
pub async fn run(
    state: &Store,
    application_id: &str,
    file: &ImportFile,
    options: ImportOptions,
    progress: &(dyn Fn(ImportProgress) + Send + Sync),
) -> Result<ImportReport, AppError> {
    let step = |phase, done, total| progress(ImportProgress { phase, done, total });
    step(ImportPhase::Checking, 0, file.total);
    let started = std::time::Instant::now();
    let mut conn = state.pool.acquire().await?;
    let checked = plan(&mut conn, application_id, &file.rows, options).await?;
    drop(conn);
    let report = checked.report(file, false);
    if options.dry_run || (!report.problems.is_empty() && !options.skip_bad_rows) {
        return Ok(report);
    }
    tracing::debug!(rows = file.total, elapsed = ?started.elapsed(), "import checked");
    let hashes = hash_passwords(state, &file.rows, &checked, &step).await?;
    tracing::debug!(hashes = hashes.len(), elapsed = ?started.elapsed(), "import hashed");

    let total = checked.actions.len() as u64;
    step(ImportPhase::Writing, 0, total);
    let mut tx = super::db::begin_application_write(&state.pool, application_id).await?;
    let checked = plan(&mut tx, application_id, &file.rows, options).await?;
    tracing::debug!(elapsed = ?started.elapsed(), "import checked again under the write lock");
    if checked.report(file, false) != report {
        return Err(AppError::conflict(
            "The application's users changed while the import was checked: nothing was imported. Check the file again.",
        ));
    }
    write(&mut tx, application_id, &file.rows, &checked, &hashes, &|done| step(ImportPhase::Writing, done, total))
        .await?;
    tracing::debug!(elapsed = ?started.elapsed(), "import written");
    tx.commit().await?;
    tracing::debug!(elapsed = ?started.elapsed(), "import committed");
    Ok(checked.report(file, true))
}

/// Every rule that needs the database, row by row in file order.
async fn plan(
    conn: &mut DbConn,
    application_id: &str,
    rows: &[ImportRow],
    options: ImportOptions,
) -> Result<Plan, AppError> {
    repo::applications::get(conn, application_id)
        .await?
        .ok_or_else(|| AppError::NotFound("This application".into()))?;
    let emails: Vec<String> = rows.iter().map(|r| r.email.normalized()).collect();
    let mut existing: HashMap<String, ExistingUser> = HashMap::new();
    for chunk in emails.chunks(CHUNK) {
        for user in repo::users::by_emails(conn, application_id, chunk).await? {
            existing.insert(user.email_normalized.clone(), user);
        }
    }
    let ids: HashMap<String, String> = group_paths(&repo::groups::nodes(conn, application_id).await?)
        .into_iter()
        .map(|(id, path)| (path, id))
        .collect();
    let (mut current_tags, mut current_groups) = (HashMap::new(), HashMap::new());
    if options.mode == ImportMode::Upsert {
        let found: Vec<String> = existing.values().map(|u| u.id.clone()).collect();
        for chunk in found.chunks(CHUNK) {
            let (tags, groups) = repo::memberships::tags_and_groups_of(conn, chunk).await?;
            current_tags.extend(tags);
            current_groups.extend(groups);
        }
    }

    let mut plan = Plan { actions: Vec::new(), problems: Problems::default(), new_groups: Vec::new() };
    let mut new_groups = BTreeSet::new();
    let mut first_line: HashMap<&str, u64> = HashMap::new();
    for (index, (row, email)) in rows.iter().zip(&emails).enumerate() {
        let mut problems = Vec::new();
        let mut note = |column: &str, message: String| {
            problems.push(RowProblem { line: row.line, column: column.to_owned(), message });
        };
        if let Some(line) = first_line.insert(email.as_str(), row.line) {
            first_line.insert(email.as_str(), line);
            note("email", format!("Also on line {line}: a file names each email once"));
        }
        for path in row.groups.iter().flatten() {
            if ids.contains_key(path) {
                continue;
            }
            if !options.create_groups {
                note("groups", format!("No group {path:?} in this application (allow creating missing groups)"));
                continue;
            }
            if let Some(e) = path.split('/').find_map(|name| Name::parse(name.trim()).err()) {
                note("groups", format!("{path:?}: {e}"));
                continue;
            }
            // The path and each missing group above it.
            let mut prefix = String::new();
            for name in path.split('/') {
                if !prefix.is_empty() {
                    prefix.push('/');
                }
                prefix.push_str(name);
                if !ids.contains_key(&prefix) {
                    new_groups.insert(prefix.clone());
                }
            }
        }
        let action = match existing.get(email) {
            Some(_) if options.mode == ImportMode::Create => {
                note("email", EMAIL_TAKEN.into());
                None
            }
            Some(user) => {
                let tags_before = current_tags.remove(&user.id).unwrap_or_default();
                let tags = merged_tags(row, tags_before.clone());
                let memberships = current_groups.remove(&user.id).unwrap_or_default();
                let mut groups: Vec<String> = memberships.iter().map(|m| m.id.clone()).collect();
                groups.sort();
                let before = Before { tags: tags_before, groups: memberships.into_iter().map(|m| m.name).collect() };
                Some(update_of(row, user, tags, &groups, &ids, before))
            }
            None => Some(Action::Create),
        };
        match action {
            Some(action) if problems.is_empty() => plan.actions.push((index, action)),
            _ => plan.problems.add_row(problems),
        }
    }
    limit_new_users(conn, application_id, rows, &mut plan).await?;
    // Parents first: a path's prefixes are shorter.
    let mut new_groups: Vec<String> = new_groups.into_iter().collect();
    new_groups.sort_by_key(|p| p.split('/').count());
    plan.new_groups = new_groups;
    Ok(plan)
}

/// The user's tags after the row: its keys set or removed, the others kept; `None` if the same.
fn merged_tags(row: &ImportRow, current: Vec<(String, String)>) -> Option<Vec<(String, String)>> {
    let mut tags: HashMap<String, String> = current.iter().cloned().collect();
    for (key, value) in &row.tags {
        match value {
            Some(value) => tags.insert(key.as_str().to_owned(), value.as_str().to_owned()),
            None => tags.remove(key.as_str()),
        };
    }
    let mut tags: Vec<(String, String)> = tags.into_iter().collect();
    tags.sort();
    let mut current = current;
    current.sort();
    (tags != current).then_some(tags)
}

/// Whether the row changes the user: a plaintext password always does (it cannot be compared).
fn update_of(
    row: &ImportRow,
    user: &ExistingUser,
    tags: Option<Vec<(String, String)>>,
    current_groups: &[String],
    ids: &HashMap<String, String>,
    before: Before,
) -> Action {
    let differs = |new: Option<&str>, old: &str| new.is_some_and(|new| new != old);
    let groups_change = row.groups.as_ref().is_some_and(|paths| {
        let mut wanted: Vec<Option<&String>> = paths.iter().map(|p| ids.get(p)).collect();
        wanted.sort();
        wanted.dedup();
        wanted.len() != current_groups.len() || wanted.iter().zip(current_groups).any(|(w, c)| *w != Some(c))
    });
    if row.email.as_str() != user.email
        || differs(row.first_name.as_ref().map(|n| n.as_str()), &user.first_name)
        || differs(row.last_name.as_ref().map(|n| n.as_str()), &user.last_name)
        || password_changes(row, user)
        || groups_change
        || tags.is_some()
    {
        Action::Update { user: Box::new(user.clone()), tags, groups: groups_change, before }
    } else {
        Action::Unchanged
    }
}

fn password_changes(row: &ImportRow, user: &ExistingUser) -> bool {
    match &row.password {
        Some(NewPassword::Plain(_)) => true,
        Some(NewPassword::Hash(hash)) => *hash != user.password_hash,
        None => false,
    }
}

/// The group names a row's paths end with, as a user's history names groups.
fn group_names(paths: &[String]) -> Vec<String> {
    let names: BTreeSet<String> = paths.iter().map(|p| p.rsplit('/').next().unwrap_or(p).to_owned()).collect();
    names.into_iter().collect()
}

/// The history entry of an imported row: a new user's fields, or an updated user's changes.
fn history_of<'a>(
    application_id: &str,
    row: &'a ImportRow,
    action: &'a Action,
    user_id: &str,
    now: i64,
) -> Option<AuditRecord> {
    let name = |name: &'a Option<PersonName>, kept: &'a str| name.as_ref().map_or(kept, |n| n.as_str());
    let (kind, changes) = match action {
        Action::Create => {
            let after = Profile {
                email: row.email.as_str(),
                first_name: name(&row.first_name, ""),
                last_name: name(&row.last_name, ""),
            };
            let mut changes = profile_changes(None, after);
            let tags: Vec<(String, String)> = row
                .tags
                .iter()
                .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.as_ref()?.as_str().to_owned())))
                .collect();
            changes.extend(tag_changes(&[], &tags));
            changes.extend(group_change(&[], &group_names(row.groups.as_deref().unwrap_or_default())));
            ("user.create", changes)
        }
        Action::Update { user, tags, groups, before } => {
            let had = Profile { email: &user.email, first_name: &user.first_name, last_name: &user.last_name };
            let after = Profile {
                email: row.email.as_str(),
                first_name: name(&row.first_name, &user.first_name),
                last_name: name(&row.last_name, &user.last_name),
            };
            let mut changes = profile_changes(Some(had), after);
            if password_changes(row, user) {
                changes.push(Change::new("password", None, None));
            }
            if let Some(tags) = tags {
                changes.extend(tag_changes(&before.tags, tags));
            }
            if let (true, Some(paths)) = (*groups, &row.groups) {
                changes.extend(group_change(&before.groups, &group_names(paths)));
            }
            ("user.update", changes)
        }
        Action::Unchanged => return None,
    };
    Some(audit::entry(application_id, kind, Some(user_id), row.email.as_str(), &changes, now))
}

/// New users past the application's limit are bad rows (the first ones in the file fit).
async fn limit_new_users(
    conn: &mut DbConn,
    application_id: &str,
    rows: &[ImportRow],
    plan: &mut Plan,
) -> Result<(), AppError> {
    let Some((count, Some(limit))) = repo::users::count_and_limit(conn, application_id).await? else {
        return Ok(());
    };
    let mut room = (limit - count).max(0);
    let mut over = Problems::default();
    plan.actions.retain(|(index, action)| {
        if !matches!(action, Action::Create) {
            return true;
        }
        room -= 1;
        if room >= 0 {
            return true;
        }
        over.add_row(vec![RowProblem {
            line: rows[*index].line,
            column: "email".into(),
            message: format!("The application's limit of {limit} users is reached (it has {count})"),
        }]);
        false
    });
    plan.problems = std::mem::take(&mut plan.problems).merge(over);
    Ok(())
}

/// Hashes of the plaintext passwords of the rows to write, by row index: at most two per
/// hashing thread in flight, so the import keeps every argon2 thread busy without filling
/// the line that sign-ins wait in.
async fn hash_passwords(
    state: &Store,
    rows: &[ImportRow],
    plan: &Plan,
    step: &(dyn Fn(ImportPhase, u64, u64) + Send + Sync),
) -> Result<HashMap<usize, String>, AppError> {
    let mut waiting: Vec<(usize, String)> = plan
        .actions
        .iter()
        .filter_map(|(index, _)| match &rows[*index].password {
            Some(NewPassword::Plain(p)) => Some((*index, p.expose().to_owned())),
            _ => None,
        })
        .collect();
    let total = waiting.len() as u64;
    let mut hashes = HashMap::with_capacity(waiting.len());
    if total == 0 {
        return Ok(hashes);
    }
    step(ImportPhase::Hashing, 0, total);
    let in_flight = state.hasher.concurrency() * 2;
    let mut running = JoinSet::new();
    loop {
        while running.len() < in_flight {
            let Some((index, plain)) = waiting.pop() else { break };
            let hasher = state.hasher.clone();
            running.spawn(async move {
                loop {
                    match hasher.hash_plain(plain.clone()).await {
                        // Sign-ins fill the line: wait for them, they come first.
                        Err(AppError::Busy) => tokio::time::sleep(Duration::from_millis(50)).await,
                        done => return done.map(|hash| (index, hash)),
                    }
                }
            });
        }
        let Some(done) = running.join_next().await else { break };
        let (index, hash) = done.map_err(|_| AppError::Internal)??;
        hashes.insert(index, hash);
        step(ImportPhase::Hashing, hashes.len() as u64, total);
    }
    Ok(hashes)
}

/// Writes what the plan says, in the caller's transaction: the new users in batches of rows
/// per statement (a round trip per row would cost more than the rows), the updated ones one by one.
async fn write(
    tx: &mut DbConn,
    application_id: &str,
    rows: &[ImportRow],
    plan: &Plan,
    hashes: &HashMap<usize, String>,
    done: &(dyn Fn(u64) + Send + Sync),
) -> Result<(), AppError> {
    let now = now_ms();
    let groups = create_groups(tx, application_id, &plan.new_groups, now).await?;
    let hash_of = |index: usize| -> Result<Option<&str>, AppError> {
        Ok(match &rows[index].password {
            Some(NewPassword::Plain(_)) => Some(hashes.get(&index).ok_or(AppError::Internal)?.as_str()),
            Some(NewPassword::Hash(hash)) => Some(hash.as_str()),
            None => None,
        })
    };
    let group_ids = |paths: &[String]| -> Vec<String> {
        let ids: BTreeSet<&String> = paths.iter().filter_map(|p| groups.get(p)).collect();
        ids.into_iter().cloned().collect()
    };
    let mut written = 0u64;
    let mut entries = Vec::new();
    for (index, action) in &plan.actions {
        let Action::Update { user, tags, groups: groups_change, .. } = action else { continue };
        let row = &rows[*index];
        let normalized = row.email.normalized();
        let changes = UserChanges {
            email: row.email.as_str(),
            email_normalized: &normalized,
            first_name: row.first_name.as_ref().map_or(&user.first_name, |n| n.as_str()),
            last_name: row.last_name.as_ref().map_or(&user.last_name, |n| n.as_str()),
            password_hash: hash_of(*index)?,
        };
        // The version was read under this transaction's write lock: nobody saved since.
        if !repo::users::update(tx, application_id, &user.id, user.version, &changes, now).await? {
            return Err(AppError::Internal);
        }
        if let Some(tags) = tags {
            repo::user_tags::replace_tags(tx, &user.id, tags).await?;
        }
        if let (true, Some(paths)) = (*groups_change, &row.groups) {
            repo::memberships::replace_groups(tx, &user.id, &group_ids(paths)).await?;
        }
        entries.extend(history_of(application_id, row, action, &user.id, now));
        written += 1;
        if written.is_multiple_of(CHUNK as u64) {
            repo::audit::insert_many(tx, &std::mem::take(&mut entries)).await?;
            done(written);
        }
    }
    repo::audit::insert_many(tx, &entries).await?;
    let creates: Vec<usize> =
        plan.actions.iter().filter(|(_, a)| matches!(a, Action::Create)).map(|(index, _)| *index).collect();
    for batch in creates.chunks(CHUNK) {
        let ids: Vec<String> = batch.iter().map(|_| ids::new_id()).collect();
        let emails: Vec<String> = batch.iter().map(|i| rows[*i].email.normalized()).collect();
        let mut users = Vec::with_capacity(batch.len());
        for ((index, id), normalized) in batch.iter().zip(&ids).zip(&emails) {
            let row = &rows[*index];
            users.push(NewUser {
                id,
                application_id,
                email: row.email.as_str(),
                email_normalized: normalized,
                // A user imported without a password cannot sign in until given one.
                password_hash: hash_of(*index)?.unwrap_or_default(),
                first_name: row.first_name.as_ref().map_or("", |n| n.as_str()),
                last_name: row.last_name.as_ref().map_or("", |n| n.as_str()),
                now,
            });
        }
        repo::users::insert_many(tx, &users).await?;
        let mut tags = Vec::new();
        let mut memberships: Vec<(String, &str)> = Vec::new();
        for (index, id) in batch.iter().zip(&ids) {
            let row = &rows[*index];
            tags.extend(row.tags.iter().filter_map(|(k, v)| Some((id.as_str(), k.as_str(), v.as_ref()?.as_str()))));
            let paths = row.groups.as_deref().unwrap_or_default();
            memberships.extend(group_ids(paths).into_iter().map(|group| (group, id.as_str())));
        }
        repo::user_tags::insert_many(tx, &tags).await?;
        let memberships: Vec<(&str, &str)> = memberships.iter().map(|(g, u)| (g.as_str(), *u)).collect();
        repo::memberships::insert_many(tx, &memberships).await?;
        let entries: Vec<AuditRecord> = batch
            .iter()
            .zip(&ids)
            .filter_map(|(index, id)| history_of(application_id, &rows[*index], &Action::Create, id, now))
            .collect();
        repo::audit::insert_many(tx, &entries).await?;
        written += batch.len() as u64;
        done(written);
    }
    done(plan.actions.len() as u64);
    Ok(())
}

/// The groups the plan names that do not exist yet, created parents first; answers every
/// group's id by path.
async fn create_groups(
    tx: &mut DbConn,
    application_id: &str,
    paths: &[String],
    now: i64,
) -> Result<HashMap<String, String>, AppError> {
    let mut ids: HashMap<String, String> =
        group_paths(&repo::groups::nodes(tx, application_id).await?).into_iter().map(|(id, path)| (path, id)).collect();
    for path in paths {
        let (parent, name) = match path.rsplit_once('/') {
            Some((parent, name)) => (ids.get(parent).cloned(), name),
            None => (None, path.as_str()),
        };
        let group = Group {
            id: ids::new_id(),
            name: name.trim().to_owned(),
            description: String::new(),
            parent_id: parent,
            created_at: now,
            updated_at: now,
        };
        repo::groups::insert(tx, application_id, &group).await?;
        ids.insert(path.clone(), group.id);
    }
    Ok(ids)
}
