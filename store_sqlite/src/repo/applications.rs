use crate::engine::DbConn;
use crate::records::ApplicationSummary;

use model::applications::Application;

/// The stored limit is at least 1 (a CHECK constraint) and set from a `u32`.
fn application(id: String, name: String, user_limit: Option<i64>) -> Application {
    Application { id, name, user_limit: user_limit.and_then(|n| u32::try_from(n).ok()) }
}

/// Every application, by name ignoring ASCII case (`lower` folds ASCII only on both engines,
/// as SQLite's NOCASE does), then id.
pub async fn list(conn: &mut DbConn) -> Result<Vec<Application>, sqlx::Error> {
    let rows = sqlx::query!(r#"SELECT id AS "id!", name, user_limit FROM applications ORDER BY lower(name), id"#)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|r| application(r.id, r.name, r.user_limit)).collect())
}

pub async fn get(conn: &mut DbConn, id: &str) -> Result<Option<Application>, sqlx::Error> {
    let row = sqlx::query!(r#"SELECT id AS "id!", name, user_limit FROM applications WHERE id = $1"#, id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|r| application(r.id, r.name, r.user_limit)))
}

pub async fn insert(conn: &mut DbConn, id: &str, name: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO applications (id, name, created_at, updated_at) VALUES ($1, $2, $3, $4)",
        id,
        name,
        now,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Sets or clears (`None`) the user limit; false when no such application exists.
pub async fn set_user_limit(
    conn: &mut DbConn,
    id: &str,
    user_limit: Option<u32>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let user_limit = user_limit.map(i64::from);
    let done =
        sqlx::query!("UPDATE applications SET user_limit = $1, updated_at = $2 WHERE id = $3", user_limit, now, id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Rejects every token of the application's users issued up to `at`. False if no such application.
pub async fn set_token_cutoff(conn: &mut DbConn, id: &str, at: i64) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query!("UPDATE applications SET exp_user_token_cutoff = $1 WHERE id = $2", at, id).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}

/// When the application's tokens were last invalidated (`Some(None)`: never).
pub async fn token_cutoff(conn: &mut DbConn, id: &str) -> Result<Option<Option<i64>>, sqlx::Error> {
    let row =
        sqlx::query!("SELECT exp_user_token_cutoff FROM applications WHERE id = $1", id).fetch_optional(conn).await?;
    Ok(row.map(|r| r.exp_user_token_cutoff))
}

pub async fn summary(conn: &mut DbConn, id: &str) -> Result<Option<ApplicationSummary>, sqlx::Error> {
    sqlx::query_as!(
        ApplicationSummary,
        r#"SELECT a.id AS "id!", a.name, a.created_at, a.updated_at, a.exp_user_token_cutoff, a.user_count,
                  (SELECT COUNT(*) FROM experience_groups g WHERE g.application_id = a.id) AS "group_count!: i64",
                  (SELECT COUNT(*) FROM devices d WHERE d.application_id = a.id) AS "device_count!: i64"
           FROM applications a WHERE a.id = $1"#,
        id
    )
    .fetch_optional(conn)
    .await
}

pub async fn rename(conn: &mut DbConn, id: &str, name: &str, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("UPDATE applications SET name = $1, updated_at = $2 WHERE id = $3", name, now, id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
