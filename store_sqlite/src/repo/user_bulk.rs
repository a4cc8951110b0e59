//! A bulk action's statements, each over a batch of users whose ids travel as one JSON array
//! bound at `$1` (as in `memberships::tags_and_groups_of`). Each changes only what its action
//! names, so a user edited meanwhile keeps the rest of their edit.

use crate::engine::{by_engine, DbConn};

/// Expands `$query!` with the engine's way to unpack the JSON array at `$1` into rows.
macro_rules! over_ids {
    ($query:ident) => {
        by_engine!(
            sqlite => $query!("(SELECT value FROM json_each($1))"),
            postgres => $query!("(SELECT json_array_elements_text($1::text::json))"),
        )
    };
}

fn json(ids: &[String]) -> Result<String, sqlx::Error> {
    serde_json::to_string(ids).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// Which of these ids are users of the application, with their emails (for the history).
pub async fn existing(
    conn: &mut DbConn,
    application_id: &str,
    ids: &[String],
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let ids = json(ids)?;
    macro_rules! q {
        ($ids:tt) => {
            sqlx::query!(
                r#"SELECT id AS "id!", email FROM experience_users WHERE application_id = $2 AND id IN "# + $ids,
                ids,
                application_id
            )
        };
    }
    Ok(over_ids!(q).fetch_all(conn).await?.into_iter().map(|r| (r.id, r.email)).collect())
}

/// Adds the users to the group; answers those who were not in it.
pub async fn add_to_group(conn: &mut DbConn, group_id: &str, ids: &[String]) -> Result<Vec<String>, sqlx::Error> {
    let ids = json(ids)?;
    macro_rules! q {
        ($ids:tt) => {
            sqlx::query_scalar!(
                r#"INSERT INTO experience_group_members (group_id, user_id)
                   SELECT CAST($2 AS TEXT), id FROM experience_users WHERE id IN "#
                    + $ids
                    + r#" ON CONFLICT DO NOTHING RETURNING user_id AS "user_id!""#,
                ids,
                group_id
            )
        };
    }
    over_ids!(q).fetch_all(conn).await
}

/// Takes the users out of the group; answers those who were in it.
pub async fn remove_from_group(conn: &mut DbConn, group_id: &str, ids: &[String]) -> Result<Vec<String>, sqlx::Error> {
    let ids = json(ids)?;
    macro_rules! q {
        ($ids:tt) => {
            sqlx::query_scalar!(
                r#"DELETE FROM experience_group_members WHERE group_id = $2 AND user_id IN "#
                    + $ids
                    + r#" RETURNING user_id AS "user_id!""#,
                ids,
                group_id
            )
        };
    }
    over_ids!(q).fetch_all(conn).await
}

/// Gives the users the tag `key` = `value`; answers those who did not have it so.
pub async fn set_tag(conn: &mut DbConn, key: &str, value: &str, ids: &[String]) -> Result<Vec<String>, sqlx::Error> {
    let ids = json(ids)?;
    // Another value is removed and the new one added (not updated in place): the tag counters'
    // triggers follow inserts and deletes.
    macro_rules! remove_other {
        ($ids:tt) => {
            sqlx::query!(
                "DELETE FROM experience_user_tags WHERE key = $2 AND value <> $3 AND user_id IN " + $ids,
                ids,
                key,
                value
            )
        };
    }
    over_ids!(remove_other).execute(&mut *conn).await?;
    macro_rules! add {
        ($ids:tt) => {
            sqlx::query_scalar!(
                r#"INSERT INTO experience_user_tags (user_id, key, value)
                   SELECT id, CAST($2 AS TEXT), CAST($3 AS TEXT) FROM experience_users WHERE id IN "#
                    + $ids
                    + r#" ON CONFLICT DO NOTHING RETURNING user_id AS "user_id!""#,
                ids,
                key,
                value
            )
        };
    }
    over_ids!(add).fetch_all(conn).await
}

/// Removes the tag `key` from the users; answers those who had it.
pub async fn remove_tag(conn: &mut DbConn, key: &str, ids: &[String]) -> Result<Vec<String>, sqlx::Error> {
    let ids = json(ids)?;
    macro_rules! q {
        ($ids:tt) => {
            sqlx::query_scalar!(
                r#"DELETE FROM experience_user_tags WHERE key = $2 AND user_id IN "#
                    + $ids
                    + r#" RETURNING user_id AS "user_id!""#,
                ids,
                key
            )
        };
    }
    over_ids!(q).fetch_all(conn).await
}

/// A new version of each user (their groups or tags changed): an edit page opened before
/// then saves nothing stale over it.
pub async fn touch(conn: &mut DbConn, ids: &[String], now: i64) -> Result<(), sqlx::Error> {
    let ids = json(ids)?;
    macro_rules! q {
        ($ids:tt) => {
            sqlx::query!(
                "UPDATE experience_users SET version = version + 1, updated_at = $2 WHERE id IN " + $ids,
                ids,
                now
            )
        };
    }
    over_ids!(q).execute(conn).await?;
    Ok(())
}

/// Disables the users until `until` (`DISABLED_UNTIL_ENABLED`: until enabled) and cuts off the
/// tokens they hold; answers those who were not disabled so already.
pub async fn disable(conn: &mut DbConn, until: i64, now: i64, ids: &[String]) -> Result<Vec<String>, sqlx::Error> {
    let ids = json(ids)?;
    macro_rules! q {
        ($ids:tt) => {
            sqlx::query_scalar!(
                r#"UPDATE experience_users SET disabled_until = $2,
                        token_cutoff = CASE WHEN token_cutoff IS NULL OR token_cutoff < $3 THEN $3 ELSE token_cutoff END
                 WHERE (disabled_until IS NULL OR disabled_until <> $2) AND id IN "#
                    + $ids
                    + r#" RETURNING id AS "id!""#,
                ids,
                until,
                now
            )
        };
    }
    over_ids!(q).fetch_all(conn).await
}

/// Enables the users disabled at `now`; answers them.
pub async fn enable(conn: &mut DbConn, now: i64, ids: &[String]) -> Result<Vec<String>, sqlx::Error> {
    let ids = json(ids)?;
    macro_rules! q {
        ($ids:tt) => {
            sqlx::query_scalar!(
                r#"UPDATE experience_users SET disabled_until = NULL WHERE disabled_until > $2 AND id IN "#
                    + $ids
                    + r#" RETURNING id AS "id!""#,
                ids,
                now
            )
        };
    }
    over_ids!(q).fetch_all(conn).await
}

/// Refuses every token the users hold, issued up to `now`; answers them.
pub async fn invalidate_tokens(conn: &mut DbConn, now: i64, ids: &[String]) -> Result<Vec<String>, sqlx::Error> {
    let ids = json(ids)?;
    macro_rules! q {
        ($ids:tt) => {
            sqlx::query_scalar!(
                r#"UPDATE experience_users
                 SET token_cutoff = CASE WHEN token_cutoff IS NULL OR token_cutoff < $2 THEN $2 ELSE token_cutoff END
                 WHERE id IN "#
                    + $ids
                    + r#" RETURNING id AS "id!""#,
                ids,
                now
            )
        };
    }
    over_ids!(q).fetch_all(conn).await
}

/// Deletes the users (memberships, tags and tokens go with them); answers them.
pub async fn delete(conn: &mut DbConn, ids: &[String]) -> Result<Vec<String>, sqlx::Error> {
    let ids = json(ids)?;
    macro_rules! q {
        ($ids:tt) => {
            sqlx::query_scalar!(
                r#"DELETE FROM experience_users WHERE id IN "# + $ids + r#" RETURNING id AS "id!""#,
                ids
            )
        };
    }
    over_ids!(q).fetch_all(conn).await
}
