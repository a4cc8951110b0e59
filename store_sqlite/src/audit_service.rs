//! Reading the history a page at a time, recording what no other service writes (an export
//! that carries password hashes), and removing what is older than the retention.

use super::{clock::now_ms, repo, Store};
use crate::audit::{audit_entry, AuditFilter, AuditPage};
use crate::domain::Email;
use crate::engine::DbConn;
use crate::error::AppError;
use crate::records::AuditRecord;
use model::audit::{parse_cursor, MAX_PAGE_SIZE};

/// Entries the retention sweep removes per statement: a short write, however many are due.
const SWEEP_BATCH: i64 = 5_000;

/// A page of the application's history, newest first, from `cursor` (a page's `next`).
pub async fn page(
    conn: &mut DbConn,
    application_id: &str,
    filter: &AuditFilter,
    cursor: Option<&str>,
    size: i64,
) -> Result<AuditPage, AppError> {
    let before = match cursor.filter(|c| !c.is_empty()) {
        None => None,
        Some(text) => Some(parse_cursor(text).ok_or_else(|| AppError::field("cursor", "Not a page of this history"))?),
    };
    if filter.from.zip(filter.to).is_some_and(|(from, to)| from >= to) {
        return Err(AppError::field("to", "The end of the range must come after its start"));
    }
    let size = size.clamp(1, MAX_PAGE_SIZE);
    let mut filter = filter.clone();
    // Only a valid email can be a user's now; any other text can only match what entries named.
    if let (Some(Ok(email)), None) = (filter.user_email.as_deref().map(Email::parse), &filter.user_id) {
        if let Some(user) = repo::users::by_emails(conn, application_id, &[email.normalized()]).await?.pop() {
            filter.user_id = Some(user.id);
            filter.user_email = None;
        }
    }
    let mut rows = repo::audit::page(conn, application_id, &filter, before, size + 1).await?;
    let more = rows.len() as i64 > size;
    rows.truncate(size as usize);
    let next = more.then(|| rows.last().map(|r| format!("{}:{}", r.at, r.id))).flatten();
    Ok(AuditPage { entries: rows.into_iter().map(audit_entry).collect(), next })
}

/// Records an entry in a transaction of its own.
pub async fn record(state: &Store, entry: &AuditRecord) -> Result<(), AppError> {
    let mut conn = state.pool.acquire().await?;
    repo::audit::insert(&mut conn, entry).await?;
    Ok(())
}

/// Removes the entries older than `days`, a batch per statement so requests wait little for
/// the write lock between two; answers how many went.
pub async fn sweep(state: &Store, days: i64) -> Result<u64, AppError> {
    let cutoff = now_ms() - days * 24 * 60 * 60 * 1000;
    let mut removed = 0;
    loop {
        let mut conn = state.pool.acquire().await?;
        let n = repo::audit::delete_older(&mut conn, cutoff, SWEEP_BATCH).await?;
        removed += n;
        if n < SWEEP_BATCH as u64 {
            return Ok(removed);
        }
        drop(conn);
        tokio::task::yield_now().await;
    }
}
