//! Applications: creating them, renaming, the user limit and the application-wide token
//! cutoff. The rules every door (server functions, REST) shares.

use crate::engine::DbConn;
use crate::inputs::ApplicationChanges;

use super::{clock::now_ms, ids, repo, Store};
use crate::audit::{self, diff, Change};
use crate::domain::{ApplicationName, UserLimit};
use crate::error::{AppError, FieldErrors};
use model::users::format_time;

pub fn not_found() -> AppError {
    AppError::NotFound("This application".into())
}

/// Creates an application; answers its id.
pub async fn create(conn: &mut DbConn, name: &str) -> Result<String, AppError> {
    let name = ApplicationName::parse(name).map_err(|e| AppError::field("name", e))?;
    let id = ids::new_id();
    repo::applications::insert(conn, &id, name.as_str(), now_ms()).await?;
    Ok(id)
}

/// Applies `changes` together or not at all, after checking every field (each problem reported
/// under its own name).
pub async fn update(state: &Store, id: &str, changes: ApplicationChanges) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    let name = changes
        .name
        .as_deref()
        .map(ApplicationName::parse)
        .transpose()
        .map_err(|e| errors.insert("name".into(), e.to_string()))
        .ok()
        .flatten();
    let limit = changes
        .user_limit
        .as_deref()
        .map(UserLimit::parse)
        .transpose()
        .map_err(|e| errors.insert("user_limit".into(), e.to_string()))
        .ok()
        .flatten();
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    if !ids::is_id(id) {
        return Err(not_found());
    }
    let now = now_ms();
    let mut tx = super::db::begin_write(&state.pool).await?;
    let Some(before) = repo::applications::get(&mut tx, id).await? else {
        return Err(not_found());
    };
    let mut history: Vec<(&str, Option<String>, Option<String>)> = Vec::new();
    if let Some(name) = name {
        repo::applications::rename(&mut tx, id, name.as_str(), now).await?;
        history.push(("name", Some(before.name.clone()), Some(name.as_str().to_owned())));
    }
    if let Some(limit) = limit {
        let after = limit.map(UserLimit::get);
        repo::applications::set_user_limit(&mut tx, id, after, now).await?;
        let words = |limit: Option<String>| Some(limit.unwrap_or_else(|| "none".to_owned()));
        history.push((
            "user limit",
            words(before.user_limit.map(|n| n.to_string())),
            words(after.map(|n| n.to_string())),
        ));
    }
    let entries = diff(&history);
    if !entries.is_empty() {
        repo::audit::insert(&mut tx, &audit::entry(id, "application.update", None, &before.name, &entries, now))
            .await?;
    }
    if let Some(at) = changes.token_cutoff {
        repo::applications::set_token_cutoff(&mut tx, id, at).await?;
        let cutoff = [Change::new("tokens issued before", None, Some(format_time(Some(at))))];
        let entry = audit::entry(id, "users.tokens_invalidated", None, &before.name, &cutoff, now);
        repo::audit::insert(&mut tx, &entry).await?;
    }
    tx.commit().await?;
    Ok(())
}
