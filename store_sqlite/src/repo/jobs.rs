//! Jobs: long work an administrator started, its progress and outcome as JSON text.

use crate::engine::DbConn;
use crate::records::JobRecord;

/// A query reading whole job rows: the one column list, then the statement's own conditions
/// (sqlx checks each whole statement when compiling, so the list is spliced in as a literal).
macro_rules! select_jobs {
    ($conditions:literal, $($arg:expr),+) => {
        sqlx::query_as!(
            JobRecord,
            r#"SELECT id AS "id!", application_id, kind, started_by, state, progress, outcome, created_at, updated_at
               FROM jobs "# + $conditions,
            $($arg),+
        )
    };
}

pub async fn insert(conn: &mut DbConn, job: &JobRecord) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO jobs (id, application_id, kind, started_by, state, progress, outcome, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        job.id,
        job.application_id,
        job.kind,
        job.started_by,
        job.state,
        job.progress,
        job.outcome,
        job.created_at,
        job.updated_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Records how far a running job is (and that it is still alive).
pub async fn set_progress(conn: &mut DbConn, id: &str, progress: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE jobs SET progress = $1, updated_at = $2 WHERE id = $3 AND state = 'running'",
        progress,
        now,
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Records the job's end: its state, last progress and outcome.
pub async fn finish(
    conn: &mut DbConn,
    id: &str,
    state: &str,
    progress: &str,
    outcome: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE jobs SET state = $1, progress = $2, outcome = $3, updated_at = $4 WHERE id = $5",
        state,
        progress,
        outcome,
        now,
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut DbConn, application_id: &str, id: &str) -> Result<Option<JobRecord>, sqlx::Error> {
    select_jobs!("WHERE application_id = $1 AND id = $2", application_id, id).fetch_optional(conn).await
}

/// The application's latest jobs of a kind, newest first.
pub async fn recent(
    conn: &mut DbConn,
    application_id: &str,
    kind: &str,
    limit: i64,
) -> Result<Vec<JobRecord>, sqlx::Error> {
    select_jobs!(
        "WHERE application_id = $1 AND kind = $2 ORDER BY created_at DESC, id DESC LIMIT $3",
        application_id,
        kind,
        limit
    )
    .fetch_all(conn)
    .await
}

/// The application's job of this kind still running (its row moved after `alive_since`), if any.
pub async fn running(
    conn: &mut DbConn,
    application_id: &str,
    kind: &str,
    alive_since: i64,
) -> Result<Option<JobRecord>, sqlx::Error> {
    select_jobs!(
        "WHERE application_id = $1 AND kind = $2 AND state = 'running' AND updated_at > $3
         ORDER BY created_at DESC LIMIT 1",
        application_id,
        kind,
        alive_since
    )
    .fetch_optional(conn)
    .await
}
