//! The administrators' accounts.

use super::{clock::now_ms, ids, repo, Store};
use crate::domain::{Email, Password};
use crate::error::AppError;

/// Creates the first administrator unless one exists; answers whether it did. Several
/// instances starting at once on one database create one: the check and the insert are one
/// transaction that excludes the others (SQLite's write lock; a table lock on PostgreSQL).
pub async fn create_first(state: &Store, email: &Email, password: &Password) -> Result<bool, AppError> {
    let mut tx = super::db::begin_write(&state.pool).await?;
    super::db::lock_admins(&mut tx).await?;
    if repo::admins::count(&mut tx).await? > 0 {
        return Ok(false);
    }
    let hash = state.hasher.hash(password).await?;
    repo::admins::insert(&mut tx, &ids::new_id(), email.as_str(), &email.normalized(), &hash, now_ms()).await?;
    tx.commit().await?;
    Ok(true)
}
