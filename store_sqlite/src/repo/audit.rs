//! The history's rows: appended by the services in their own transactions, read newest first by
//! keyset (`at`, `id`) through whichever index the filter names, removed past the retention.

use sqlx::QueryBuilder;

use crate::engine::{Db, DbConn};
use crate::records::AuditRecord;
use model::audit::AuditFilter;

/// Rows a statement inserts at most (nine binds each, well under SQLite's limit).
const INSERT_BATCH: usize = 500;

pub async fn insert(conn: &mut DbConn, entry: &AuditRecord) -> Result<(), sqlx::Error> {
    insert_many(conn, std::slice::from_ref(entry)).await
}

pub async fn insert_many(conn: &mut DbConn, entries: &[AuditRecord]) -> Result<(), sqlx::Error> {
    for batch in entries.chunks(INSERT_BATCH) {
        let mut insert = QueryBuilder::<Db>::new(
            "INSERT INTO audit_entries (id, application_id, at, actor, address, action, user_id, subject, changes) ",
        );
        insert.push_values(batch, |mut row, e| {
            row.push_bind(e.id.clone())
                .push_bind(e.application_id.clone())
                .push_bind(e.at)
                .push_bind(e.actor.clone())
                .push_bind(e.address.clone())
                .push_bind(e.action.clone())
                .push_bind(e.user_id.clone())
                .push_bind(e.subject.clone())
                .push_bind(e.changes.clone());
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Up to `limit` entries the filter selects, newest first, older than the `before` cursor.
pub async fn page(
    conn: &mut DbConn,
    application_id: &str,
    filter: &AuditFilter,
    before: Option<(i64, String)>,
    limit: i64,
) -> Result<Vec<AuditRecord>, sqlx::Error> {
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT id, application_id, at, actor, address, action, user_id, subject, changes FROM audit_entries \
         WHERE application_id = ",
    );
    qb.push_bind(application_id.to_owned());
    // Equality on the filter's one named column first: its index then answers in time order.
    if let Some(user_id) = &filter.user_id {
        qb.push(" AND user_id = ").push_bind(user_id.clone());
    }
    if let Some(email) = &filter.user_email {
        qb.push(" AND lower(subject) = lower(").push_bind(email.clone()).push(")");
    }
    if let Some(actor) = &filter.actor {
        qb.push(" AND actor = ").push_bind(actor.clone());
    }
    if let Some(action) = &filter.action {
        qb.push(" AND action = ").push_bind(action.clone());
    }
    if let Some(from) = filter.from {
        qb.push(" AND at >= ").push_bind(from);
    }
    if let Some(to) = filter.to {
        qb.push(" AND at < ").push_bind(to);
    }
    if let Some((at, id)) = before {
        qb.push(" AND (at, id) < (").push_bind(at).push(", ").push_bind(id).push(")");
    }
    qb.push(" ORDER BY at DESC, id DESC LIMIT ").push_bind(limit);
    qb.build_query_as().fetch_all(conn).await
}

/// Removes up to `limit` entries older than `cutoff` (ms); answers how many went.
pub async fn delete_older(conn: &mut DbConn, cutoff: i64, limit: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM audit_entries WHERE id IN (SELECT id FROM audit_entries WHERE at < $1 ORDER BY at LIMIT $2)",
        cutoff,
        limit
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
