//! Creating and changing experience users: the one place their rules run on the server, for
//! the admin pages' server functions and the REST API alike.

use sqlx::SqliteConnection;

use super::{clock::now_ms, context::db_error, ids, repo, AppState};
use crate::domain::tag_problems;
use crate::error::{AppError, FieldErrors};
use crate::experience::users::{validate_user, UserDetail, EMAIL_TAKEN};

/// What a caller asks to set. `None` leaves a field as it is (and, on creation, empty).
#[derive(Debug, Default, Clone)]
pub struct UserInput {
    pub email: Option<String>,
    pub password: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub tags: Option<Vec<(String, String)>>,
    pub group_ids: Option<Vec<String>>,
    /// Rejects the user's tokens issued up to this instant (ms).
    pub token_cutoff: Option<i64>,
}

pub fn user_not_found() -> AppError {
    AppError::NotFound("This user".into())
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

fn limit_reached(limit: i64) -> AppError {
    AppError::Conflict(format!(
        "This application has reached its limit of {limit} users. Raise the limit in the application's settings or delete users first."
    ))
}

/// Tags and groups checked like the other fields: every problem reported at once.
async fn check_extras(
    conn: &mut SqliteConnection,
    application_id: &str,
    input: &UserInput,
    errors: &mut FieldErrors,
) -> Result<(), AppError> {
    if let Some(tags) = &input.tags {
        if let Some(text) = tag_problems(tags) {
            errors.insert("tags".into(), text);
        }
    }
    if let Some(group_ids) = &input.group_ids {
        let known =
            repo::groups::existing_ids(conn, "experience_groups", application_id, group_ids).await.map_err(db_error)?;
        let unknown: Vec<&str> = group_ids.iter().filter(|id| !known.contains(id)).map(String::as_str).collect();
        if !unknown.is_empty() {
            errors.insert("groups".into(), format!("No such group in this application: {}", unknown.join(", ")));
        }
    }
    Ok(())
}

async fn write_extras(conn: &mut SqliteConnection, user_id: &str, input: &UserInput) -> Result<(), sqlx::Error> {
    if let Some(tags) = &input.tags {
        repo::users::replace_tags(&mut *conn, user_id, tags).await?;
    }
    if let Some(group_ids) = &input.group_ids {
        let mut unique = group_ids.clone();
        unique.sort();
        unique.dedup();
        repo::users::replace_groups(conn, user_id, &unique).await?;
    }
    Ok(())
}

/// Adds a user with their tags and groups in one transaction; the application's user limit
/// holds under concurrency because the count is read after the insert took the write lock.
pub async fn create(state: &AppState, application_id: &str, input: UserInput) -> Result<String, AppError> {
    let mut conn = state.pool.acquire().await.map_err(db_error)?;
    let valid = validate_user(
        input.email.as_deref().unwrap_or_default(),
        Some(input.password.as_deref().unwrap_or_default()),
        input.first_name.as_deref().unwrap_or_default(),
        input.last_name.as_deref().unwrap_or_default(),
    );
    let mut errors = valid.as_ref().err().cloned().unwrap_or_default();
    check_extras(&mut conn, application_id, &input, &mut errors).await?;
    let valid = match valid {
        Ok(valid) if errors.is_empty() => valid,
        _ => return Err(AppError::Invalid(errors)),
    };
    let normalized = valid.email.normalized();
    if repo::users::email_taken(&mut conn, application_id, &normalized, None).await.map_err(db_error)? {
        return Err(AppError::field("email", EMAIL_TAKEN));
    }
    let password = valid.password.as_ref().ok_or(AppError::Internal)?;
    drop(conn);
    let hash = state.hasher.hash(password).await?;

    let id = ids::new_id();
    let now = now_ms();
    let mut tx = state.pool.begin().await.map_err(db_error)?;
    let inserted = repo::users::insert(
        &mut tx,
        &repo::users::NewUser {
            id: &id,
            application_id,
            email: valid.email.as_str(),
            email_normalized: &normalized,
            password_hash: &hash,
            first_name: valid.first_name.as_str(),
            last_name: valid.last_name.as_str(),
            now,
        },
    )
    .await;
    match inserted {
        Err(e) if is_unique_violation(&e) => return Err(AppError::field("email", EMAIL_TAKEN)),
        other => other.map_err(db_error)?,
    }
    if let Some((count, Some(limit))) = repo::users::count_and_limit(&mut tx, application_id).await.map_err(db_error)? {
        if count > limit {
            return Err(limit_reached(limit));
        }
    }
    if let Some(cutoff) = input.token_cutoff {
        repo::users::set_token_cutoff(&mut tx, application_id, &id, cutoff).await.map_err(db_error)?;
    }
    write_extras(&mut tx, &id, &input).await.map_err(db_error)?;
    tx.commit().await.map_err(db_error)?;
    Ok(id)
}

/// Changes what `input` sets. With `expected_version`, a save based on an older version is
/// refused (the admin pages); without, the change applies to the current version (REST).
pub async fn update(
    state: &AppState,
    application_id: &str,
    user_id: &str,
    expected_version: Option<i64>,
    input: UserInput,
) -> Result<UserDetail, AppError> {
    let mut conn = state.pool.acquire().await.map_err(db_error)?;
    let current =
        repo::users::get(&mut conn, application_id, user_id).await.map_err(db_error)?.ok_or_else(user_not_found)?;
    let valid = validate_user(
        input.email.as_deref().unwrap_or(&current.email),
        input.password.as_deref(),
        input.first_name.as_deref().unwrap_or(&current.first_name),
        input.last_name.as_deref().unwrap_or(&current.last_name),
    );
    let mut errors = valid.as_ref().err().cloned().unwrap_or_default();
    check_extras(&mut conn, application_id, &input, &mut errors).await?;
    let valid = match valid {
        Ok(valid) if errors.is_empty() => valid,
        _ => return Err(AppError::Invalid(errors)),
    };
    let normalized = valid.email.normalized();
    if repo::users::email_taken(&mut conn, application_id, &normalized, Some(user_id)).await.map_err(db_error)? {
        return Err(AppError::field("email", EMAIL_TAKEN));
    }
    drop(conn);
    let hash = match &valid.password {
        Some(p) => Some(state.hasher.hash(p).await?),
        None => None,
    };
    let changes = repo::users::UserChanges {
        email: valid.email.as_str(),
        email_normalized: &normalized,
        first_name: valid.first_name.as_str(),
        last_name: valid.last_name.as_str(),
        password_hash: hash.as_deref(),
        token_cutoff: input.token_cutoff,
    };
    let mut tx = state.pool.begin().await.map_err(db_error)?;
    let version = expected_version.unwrap_or(current.version);
    let saved = repo::users::update(&mut tx, application_id, user_id, version, &changes, now_ms()).await;
    let saved = match saved {
        Err(e) if is_unique_violation(&e) => return Err(AppError::field("email", EMAIL_TAKEN)),
        other => other.map_err(db_error)?,
    };
    if !saved {
        return Err(AppError::Conflict(
            "Someone else saved this user after you opened it, so your changes were not saved. \
             Reload the page to see their version, then make your changes again."
                .into(),
        ));
    }
    write_extras(&mut tx, user_id, &input).await.map_err(db_error)?;
    let detail =
        repo::users::get(&mut tx, application_id, user_id).await.map_err(db_error)?.ok_or_else(user_not_found)?;
    tx.commit().await.map_err(db_error)?;
    Ok(detail)
}
