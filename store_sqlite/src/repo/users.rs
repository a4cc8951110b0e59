//! Experience users, one at a time: creating, reading, changing, deleting, signing in. Lists
//! are `user_list`; tags and groups `user_tags` and `memberships`.

use std::collections::HashMap;

use crate::engine::{by_engine, Db, DbConn};
use crate::records::{ExistingUser, NewUser, SignInRecord, UserChanges, UserRecord};

use model::users::{UserDetail, ViewCounts};

pub async fn insert(conn: &mut DbConn, user: &NewUser<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO experience_users
             (id, application_id, email, email_normalized, password_hash, first_name, last_name,
              created_at, updated_at, password_updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        user.id,
        user.application_id,
        user.email,
        user.email_normalized,
        user.password_hash,
        user.first_name,
        user.last_name,
        user.now,
        user.now,
        user.now
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Rows a batch insert writes per statement: each statement is a round trip to the engine
/// (on SQLite, two thread wake-ups), which costs more than the row.
pub const INSERT_BATCH: usize = 100;

/// Inserts new users, `INSERT_BATCH` to a statement (an import's new rows).
pub async fn insert_many(conn: &mut DbConn, users: &[NewUser<'_>]) -> Result<(), sqlx::Error> {
    for batch in users.chunks(INSERT_BATCH) {
        let mut insert = sqlx::QueryBuilder::<Db>::new(
            "INSERT INTO experience_users (id, application_id, email, email_normalized, password_hash, first_name,
                                           last_name, created_at, updated_at, password_updated_at) ",
        );
        insert.push_values(batch, |mut row, user| {
            row.push_bind(user.id)
                .push_bind(user.application_id)
                .push_bind(user.email)
                .push_bind(user.email_normalized)
                .push_bind(user.password_hash)
                .push_bind(user.first_name)
                .push_bind(user.last_name)
                .push_bind(user.now)
                .push_bind(user.now)
                .push_bind(user.now);
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// The application's user count and limit, or `None` if it does not exist.
pub async fn count_and_limit(
    conn: &mut DbConn,
    application_id: &str,
) -> Result<Option<(i64, Option<i64>)>, sqlx::Error> {
    let row = sqlx::query!("SELECT user_count, user_limit FROM applications WHERE id = $1", application_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|r| (r.user_count, r.user_limit)))
}

pub async fn counts(conn: &mut DbConn, application_id: &str) -> Result<Option<ViewCounts>, sqlx::Error> {
    let row = sqlx::query!("SELECT user_count, grouped_user_count FROM applications WHERE id = $1", application_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|r| ViewCounts {
        all: r.user_count,
        in_any_group: r.grouped_user_count,
        in_no_group: r.user_count - r.grouped_user_count,
    }))
}

pub async fn email_taken(
    conn: &mut DbConn,
    application_id: &str,
    email_normalized: &str,
    except_id: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let except = except_id.unwrap_or("");
    let found = sqlx::query_scalar!(
        r#"SELECT CAST(1 AS BIGINT) AS "one!: i64" FROM experience_users
           WHERE application_id = $1 AND email_normalized = $2 AND id <> $3"#,
        application_id,
        email_normalized,
        except
    )
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

pub async fn get(conn: &mut DbConn, application_id: &str, id: &str) -> Result<Option<UserDetail>, sqlx::Error> {
    let row = sqlx::query_as!(
        UserRecord,
        r#"SELECT id AS "id!", email, first_name, last_name, version, created_at, updated_at,
                  password_updated_at, last_login_at, token_cutoff, disabled_until
           FROM experience_users WHERE application_id = $1 AND id = $2"#,
        application_id,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(UserDetail::from))
}

/// The id, password hash and `disabled_until` behind an email, for signing in.
pub async fn find_for_sign_in(
    conn: &mut DbConn,
    application_id: &str,
    email_normalized: &str,
) -> Result<Option<SignInRecord>, sqlx::Error> {
    sqlx::query_as!(
        SignInRecord,
        r#"SELECT id AS "id!", password_hash, disabled_until FROM experience_users
           WHERE application_id = $1 AND email_normalized = $2"#,
        application_id,
        email_normalized
    )
    .fetch_optional(conn)
    .await
}

/// Disables the user until `until` (ms; `i64::MAX` until enabled) or, with `None`, enables
/// them. Not an edit: the version an open edit page holds stays. False if there is no such user.
pub async fn set_disabled_until(
    conn: &mut DbConn,
    application_id: &str,
    id: &str,
    until: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE experience_users SET disabled_until = $1 WHERE application_id = $2 AND id = $3",
        until,
        application_id,
        id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The password hashes (PHC strings) of these users, by id: for an export that asks for them.
/// The ids travel as one JSON array bind, as in `memberships::tags_and_groups_of`.
pub async fn password_hashes_of(
    conn: &mut DbConn,
    user_ids: &[String],
) -> Result<HashMap<String, String>, sqlx::Error> {
    let ids = serde_json::to_string(user_ids).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    macro_rules! hashes_of_ids {
        ($ids:tt) => {
            sqlx::query!(r#"SELECT id AS "id!", password_hash FROM experience_users WHERE id IN "# + $ids, ids)
        };
    }
    let rows = by_engine!(
        sqlite => hashes_of_ids!("(SELECT value FROM json_each($1))"),
        postgres => hashes_of_ids!("(SELECT json_array_elements_text($1::text::json))"),
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.password_hash)).collect())
}

/// The users of the application with these normalized emails (an import matching its rows),
/// the emails traveling as one JSON array bind.
pub async fn by_emails(
    conn: &mut DbConn,
    application_id: &str,
    emails_normalized: &[String],
) -> Result<Vec<ExistingUser>, sqlx::Error> {
    let emails = serde_json::to_string(emails_normalized).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    macro_rules! users_of_emails {
        ($emails:tt) => {
            sqlx::query_as!(
                ExistingUser,
                r#"SELECT id AS "id!", email, email_normalized, first_name, last_name, password_hash, version
                   FROM experience_users WHERE application_id = $1 AND email_normalized IN "#
                    + $emails,
                application_id,
                emails
            )
        };
    }
    by_engine!(
        sqlite => users_of_emails!("(SELECT value FROM json_each($2))"),
        postgres => users_of_emails!("(SELECT json_array_elements_text($2::text::json))"),
    )
    .fetch_all(conn)
    .await
}

/// Replaces a password hash by one of the same password (an imported hash upgraded at sign-in
/// to our parameters): not an edit, and not a new password either.
pub async fn upgrade_password_hash(conn: &mut DbConn, id: &str, old: &str, new: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE experience_users SET password_hash = $1 WHERE id = $2 AND password_hash = $3", new, id, old)
        .execute(conn)
        .await?;
    Ok(())
}

/// Signing in is not an edit: neither `updated_at` nor `version` moves.
pub async fn record_login(conn: &mut DbConn, id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE experience_users SET last_login_at = $1 WHERE id = $2", now, id).execute(conn).await?;
    Ok(())
}

/// Rejects the user's tokens issued up to `at`; touches nothing else. False if no such user.
pub async fn set_token_cutoff(conn: &mut DbConn, application_id: &str, id: &str, at: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE experience_users SET token_cutoff = $1 WHERE application_id = $2 AND id = $3",
        at,
        application_id,
        id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Saves `changes` if the stored version is still `version`; false otherwise (someone else
/// saved first, or the user is gone).
pub async fn update(
    conn: &mut DbConn,
    application_id: &str,
    id: &str,
    version: i64,
    changes: &UserChanges<'_>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE experience_users
            SET email = $1, email_normalized = $2, first_name = $3, last_name = $4,
                password_hash = COALESCE($5, password_hash),
                password_updated_at = CASE WHEN $5 IS NULL THEN password_updated_at ELSE $6 END,
                updated_at = $6, version = version + 1
          WHERE application_id = $7 AND id = $8 AND version = $9",
        changes.email,
        changes.email_normalized,
        changes.first_name,
        changes.last_name,
        changes.password_hash,
        now,
        application_id,
        id,
        version
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes the user; memberships and tags go with it (foreign keys cascade).
pub async fn delete(conn: &mut DbConn, application_id: &str, id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("DELETE FROM experience_users WHERE application_id = $1 AND id = $2", application_id, id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
