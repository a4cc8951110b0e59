//! A user's tags, and the keys in use in an application.

use crate::engine::{Db, DbConn};

/// Sets the user's tags to exactly `tags`.
pub async fn replace_tags(conn: &mut DbConn, user_id: &str, tags: &[(String, String)]) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM experience_user_tags WHERE user_id = $1", user_id).execute(&mut *conn).await?;
    for (key, value) in tags {
        sqlx::query!("INSERT INTO experience_user_tags (user_id, key, value) VALUES ($1, $2, $3)", user_id, key, value)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Adds tags to users who have none of these keys yet (an import's new users): `(user id,
/// key, value)`, `INSERT_BATCH` to a statement.
pub async fn insert_many(conn: &mut DbConn, tags: &[(&str, &str, &str)]) -> Result<(), sqlx::Error> {
    for batch in tags.chunks(super::users::INSERT_BATCH) {
        let mut insert = sqlx::QueryBuilder::<Db>::new("INSERT INTO experience_user_tags (user_id, key, value) ");
        insert.push_values(batch, |mut row, (user_id, key, value)| {
            row.push_bind(*user_id).push_bind(*key).push_bind(*value);
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

pub async fn tags_of(conn: &mut DbConn, user_id: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows = sqlx::query!("SELECT key, value FROM experience_user_tags WHERE user_id = $1 ORDER BY key", user_id)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|r| (r.key, r.value)).collect())
}

/// Every tag key the application's users hold, in order.
pub async fn keys_in_use(conn: &mut DbConn, application_id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT key FROM tag_key_counts WHERE application_id = $1 AND users > 0 ORDER BY key",
        application_id
    )
    .fetch_all(conn)
    .await
}

/// Up to 10 tag keys of the application starting with `prefix`, most used first.
pub async fn suggest_tag_keys(
    conn: &mut DbConn,
    application_id: &str,
    prefix: &str,
) -> Result<Vec<String>, sqlx::Error> {
    // Keys are ASCII letters, digits, `_` and `-`, all below DEL: [prefix, prefix + DEL) is
    // exactly the keys with that prefix, one range of the primary key.
    let upper = format!("{prefix}\u{7f}");
    sqlx::query_scalar!(
        "SELECT key FROM tag_key_counts WHERE application_id = $1 AND key >= $2 AND key < $3
         ORDER BY users DESC, key LIMIT 10",
        application_id,
        prefix,
        upper
    )
    .fetch_all(conn)
    .await
}
