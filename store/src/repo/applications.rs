use sqlx::SqliteConnection;

use model::applications::Application;

pub async fn list(conn: &mut SqliteConnection) -> Result<Vec<Application>, sqlx::Error> {
    sqlx::query_as!(
        Application,
        r#"SELECT id AS "id!", name, user_limit AS "user_limit: u32" FROM applications
           ORDER BY name COLLATE NOCASE, id"#
    )
    .fetch_all(conn)
    .await
}

pub async fn get(conn: &mut SqliteConnection, id: &str) -> Result<Option<Application>, sqlx::Error> {
    sqlx::query_as!(
        Application,
        r#"SELECT id AS "id!", name, user_limit AS "user_limit: u32" FROM applications WHERE id = ?"#,
        id
    )
    .fetch_optional(conn)
    .await
}

pub async fn insert(conn: &mut SqliteConnection, id: &str, name: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query!("INSERT INTO applications (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)", id, name, now, now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets or clears (`None`) the user limit; false when no such application exists.
pub async fn set_user_limit(
    conn: &mut SqliteConnection,
    id: &str,
    user_limit: Option<u32>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("UPDATE applications SET user_limit = ?, updated_at = ? WHERE id = ?", user_limit, now, id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Rejects every token of the application's users issued up to `at`. False if no such application.
pub async fn set_token_cutoff(conn: &mut SqliteConnection, id: &str, at: i64) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query!("UPDATE applications SET exp_user_token_cutoff = ? WHERE id = ?", at, id).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}

/// When the application's tokens were last invalidated (`Some(None)`: never).
pub async fn token_cutoff(conn: &mut SqliteConnection, id: &str) -> Result<Option<Option<i64>>, sqlx::Error> {
    let row =
        sqlx::query!("SELECT exp_user_token_cutoff FROM applications WHERE id = ?", id).fetch_optional(conn).await?;
    Ok(row.map(|r| r.exp_user_token_cutoff))
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

pub async fn summary(conn: &mut SqliteConnection, id: &str) -> Result<Option<ApplicationSummary>, sqlx::Error> {
    sqlx::query_as!(
        ApplicationSummary,
        r#"SELECT a.id AS "id!", a.name, a.created_at, a.updated_at, a.exp_user_token_cutoff, a.user_count,
                  (SELECT COUNT(*) FROM experience_groups g WHERE g.application_id = a.id) AS "group_count!: i64",
                  (SELECT COUNT(*) FROM devices d WHERE d.application_id = a.id) AS "device_count!: i64"
           FROM applications a WHERE a.id = ?"#,
        id
    )
    .fetch_optional(conn)
    .await
}

pub async fn rename(conn: &mut SqliteConnection, id: &str, name: &str, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("UPDATE applications SET name = ?, updated_at = ? WHERE id = ?", name, now, id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
