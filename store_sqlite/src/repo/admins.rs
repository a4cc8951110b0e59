use crate::engine::DbConn;
use crate::records::AdminCredentials;

pub async fn count(conn: &mut DbConn) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!: i64" FROM admins"#).fetch_one(conn).await
}

pub async fn find_by_email(conn: &mut DbConn, email_normalized: &str) -> Result<Option<AdminCredentials>, sqlx::Error> {
    sqlx::query_as!(
        AdminCredentials,
        "SELECT id, password_hash FROM admins WHERE email_normalized = $1",
        email_normalized
    )
    .fetch_optional(conn)
    .await
}

pub async fn insert(
    conn: &mut DbConn,
    id: &str,
    email: &str,
    email_normalized: &str,
    password_hash: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO admins (id, email, email_normalized, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        id,
        email,
        email_normalized,
        password_hash,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}
