//! Creating and changing experience users: the one place their rules run on the server, for
//! the admin pages' server functions and the REST API alike.

use crate::engine::DbConn;
use crate::inputs::UserInput;
use crate::records::{NewUser, UserChanges};

use super::{clock::now_ms, ids, repo, Store};
use crate::audit::{self, group_change, profile_changes, tag_changes, Change, Profile};
use crate::domain::{tag_problems, validate_user, ValidUser, EMAIL_TAKEN};
use crate::error::{AppError, FieldErrors};
use model::users::{format_time, UserDetail, DISABLED_UNTIL_ENABLED};

pub fn user_not_found() -> AppError {
    AppError::NotFound("This user".into())
}

fn limit_reached(limit: i64) -> AppError {
    AppError::conflict(format!(
        "This application has reached its limit of {limit} users. Raise the limit in the application's settings or delete users first."
    ))
}

/// Tags and groups checked like the other fields: every problem reported at once.
async fn check_extras(
    conn: &mut DbConn,
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
        let known = repo::groups::existing_ids(conn, "experience_groups", application_id, group_ids).await?;
        let unknown: Vec<&str> = group_ids.iter().filter(|id| !known.contains(id)).map(String::as_str).collect();
        if !unknown.is_empty() {
            errors.insert("groups".into(), format!("No such group in this application: {}", unknown.join(", ")));
        }
    }
    Ok(())
}

/// The fields a save ends up with: the input's, or the user's current ones it leaves alone.
struct Fields<'a> {
    email: &'a str,
    password: Option<&'a str>,
    first_name: &'a str,
    last_name: &'a str,
}

/// Every rule of a save, every problem reported at once; then whether the email is free in the
/// application (but for the user `except`, who may keep theirs).
async fn check(
    conn: &mut DbConn,
    application_id: &str,
    input: &UserInput,
    fields: Fields<'_>,
    except: Option<&str>,
) -> Result<ValidUser, AppError> {
    let valid = validate_user(fields.email, fields.password, fields.first_name, fields.last_name);
    let mut errors = valid.as_ref().err().cloned().unwrap_or_default();
    check_extras(conn, application_id, input, &mut errors).await?;
    let valid = match valid {
        Ok(valid) if errors.is_empty() => valid,
        _ => return Err(AppError::Invalid(errors)),
    };
    if repo::users::email_taken(conn, application_id, &valid.email.normalized(), except).await? {
        return Err(AppError::taken("email", EMAIL_TAKEN));
    }
    Ok(valid)
}

/// Writes the tags and groups `input` sets; answers how they changed, for the history (each tag
/// key its own line, the groups by name).
async fn write_extras(conn: &mut DbConn, user_id: &str, input: &UserInput) -> Result<Vec<Change>, sqlx::Error> {
    let mut changes = Vec::new();
    if let Some(tags) = &input.tags {
        let before = repo::user_tags::tags_of(&mut *conn, user_id).await?;
        repo::user_tags::replace_tags(&mut *conn, user_id, tags).await?;
        changes.extend(tag_changes(&before, tags));
    }
    if let Some(group_ids) = &input.group_ids {
        let names = |groups: Vec<crate::records::Membership>| groups.into_iter().map(|g| g.name).collect::<Vec<_>>();
        let before = names(repo::memberships::groups_of(&mut *conn, user_id).await?);
        let mut unique = group_ids.clone();
        unique.sort();
        unique.dedup();
        repo::memberships::replace_groups(&mut *conn, user_id, &unique).await?;
        let after = names(repo::memberships::groups_of(conn, user_id).await?);
        changes.extend(group_change(&before, &after));
    }
    Ok(changes)
}

fn profile_of(valid: &ValidUser) -> Profile<'_> {
    Profile { email: valid.email.as_str(), first_name: valid.first_name.as_str(), last_name: valid.last_name.as_str() }
}

/// Adds a user with their tags and groups in one transaction; the application's user limit
/// holds under concurrency because the count is read after the insert took the write lock.
pub async fn create(state: &Store, application_id: &str, input: UserInput) -> Result<String, AppError> {
    let mut conn = state.pool.acquire().await?;
    let fields = Fields {
        email: input.email.as_deref().unwrap_or_default(),
        password: Some(input.password.as_deref().unwrap_or_default()),
        first_name: input.first_name.as_deref().unwrap_or_default(),
        last_name: input.last_name.as_deref().unwrap_or_default(),
    };
    let valid = check(&mut conn, application_id, &input, fields, None).await?;
    let normalized = valid.email.normalized();
    let password = valid.password.as_ref().ok_or(AppError::Internal)?;
    drop(conn);
    let hash = state.hasher.hash(password).await?;

    let id = ids::new_id();
    let now = now_ms();
    let mut tx = super::db::begin_application_write(&state.pool, application_id).await?;
    let inserted = repo::users::insert(
        &mut tx,
        &NewUser {
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
    // Taken meanwhile by a concurrent creation: the unique index answers `Conflict` too.
    inserted?;
    if let Some((count, Some(limit))) = repo::users::count_and_limit(&mut tx, application_id).await? {
        if count > limit {
            return Err(limit_reached(limit));
        }
    }
    if let Some(at) = input.token_cutoff {
        set_token_cutoff(&mut tx, application_id, &id, at).await?;
    }
    let mut changes = profile_changes(None, profile_of(&valid));
    changes.extend(write_extras(&mut tx, &id, &input).await?);
    let entry = audit::entry(application_id, "user.create", Some(&id), valid.email.as_str(), &changes, now);
    repo::audit::insert(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(id)
}

/// Deletes a user; their memberships, tags and tokens go with them (the foreign keys
/// cascade), so the tokens fail at once and the email is free again.
pub async fn delete(conn: &mut DbConn, application_id: &str, user_id: &str) -> Result<(), AppError> {
    let mut tx = super::db::begin_application_write_on(conn, application_id).await?;
    let user = repo::users::get(&mut tx, application_id, user_id).await?.ok_or_else(user_not_found)?;
    repo::users::delete(&mut tx, application_id, user_id).await?;
    let entry = audit::entry(application_id, "user.delete", Some(user_id), &user.email, &[], now_ms());
    repo::audit::insert(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(())
}

/// Rejects the user's tokens issued up to `at` (ms). Nothing else about the user changes, not
/// even the version an open edit page holds: invalidating is not an edit.
pub async fn invalidate_tokens(
    conn: &mut DbConn,
    application_id: &str,
    user_id: &str,
    at: i64,
) -> Result<(), AppError> {
    let mut tx = super::db::begin_application_write_on(conn, application_id).await?;
    let user = repo::users::get(&mut tx, application_id, user_id).await?.ok_or_else(user_not_found)?;
    set_token_cutoff(&mut tx, application_id, user_id, at).await?;
    let changes = [Change::new("tokens issued before", None, Some(format_time(Some(at))))];
    let entry = audit::entry(application_id, "user.tokens_invalidated", Some(user_id), &user.email, &changes, now_ms());
    repo::audit::insert(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(())
}

async fn set_token_cutoff(conn: &mut DbConn, application_id: &str, user_id: &str, at: i64) -> Result<(), AppError> {
    if repo::users::set_token_cutoff(conn, application_id, user_id, at).await? {
        Ok(())
    } else {
        Err(user_not_found())
    }
}
/// A disabling must end in the future (or never).
fn check_state(input: &UserInput) -> Result<(), AppError> {
    match input.disabled_until {
        Some(Some(until)) if until <= now_ms() => {
            Err(AppError::field("disabledUntil", "Choose a time in the future, or disable until enabled again"))
        }
        _ => Ok(()),
    }
}

/// What changes the user's standing but not their profile (no new version): the token cutoff,
/// and disabling, which also cuts off every token they hold, so none outlives it. Each is an
/// entry of the history of its own, about the user `email`.
async fn write_state(
    conn: &mut DbConn,
    application_id: &str,
    user_id: &str,
    email: &str,
    input: &UserInput,
) -> Result<(), AppError> {
    let now = now_ms();
    let cutoff = match input.disabled_until {
        Some(Some(_)) => Some(input.token_cutoff.map_or(now, |at| at.max(now))),
        _ => input.token_cutoff,
    };
    if let Some(at) = cutoff {
        set_token_cutoff(conn, application_id, user_id, at).await?;
    }
    let (action, changes) = match input.disabled_until {
        Some(until) => {
            if !repo::users::set_disabled_until(conn, application_id, user_id, until).await? {
                return Err(user_not_found());
            }
            match until {
                Some(DISABLED_UNTIL_ENABLED) => {
                    ("user.disable", vec![Change::new("until", None, Some("enabled again".into()))])
                }
                Some(at) => ("user.disable", vec![Change::new("until", None, Some(format_time(Some(at))))]),
                None => ("user.enable", Vec::new()),
            }
        }
        None => match cutoff {
            Some(at) => (
                "user.tokens_invalidated",
                vec![Change::new("tokens issued before", None, Some(format_time(Some(at))))],
            ),
            None => return Ok(()),
        },
    };
    repo::audit::insert(conn, &audit::entry(application_id, action, Some(user_id), email, &changes, now)).await?;
    Ok(())
}

/// Changes what `input` sets. With `expected_version`, a save based on an older version is
/// refused (the admin pages); without, the change applies to the current version (REST).
pub async fn update(
    state: &Store,
    application_id: &str,
    user_id: &str,
    expected_version: Option<i64>,
    input: UserInput,
) -> Result<UserDetail, AppError> {
    if !input.edits_profile() {
        check_state(&input)?;
        let mut tx = super::db::begin_application_write(&state.pool, application_id).await?;
        let user = repo::users::get(&mut tx, application_id, user_id).await?.ok_or_else(user_not_found)?;
        write_state(&mut tx, application_id, user_id, &user.email, &input).await?;
        let detail = repo::users::get(&mut tx, application_id, user_id).await?.ok_or_else(user_not_found)?;
        tx.commit().await?;
        return Ok(detail);
    }
    let mut conn = state.pool.acquire().await?;
    let current = repo::users::get(&mut conn, application_id, user_id).await?.ok_or_else(user_not_found)?;
    let fields = Fields {
        email: input.email.as_deref().unwrap_or(&current.email),
        password: input.password.as_deref(),
        first_name: input.first_name.as_deref().unwrap_or(&current.first_name),
        last_name: input.last_name.as_deref().unwrap_or(&current.last_name),
    };
    let valid = check(&mut conn, application_id, &input, fields, Some(user_id)).await?;
    check_state(&input)?;
    let normalized = valid.email.normalized();
    drop(conn);
    let hash = match &valid.password {
        Some(p) => Some(state.hasher.hash(p).await?),
        None => None,
    };
    let changes = UserChanges {
        email: valid.email.as_str(),
        email_normalized: &normalized,
        first_name: valid.first_name.as_str(),
        last_name: valid.last_name.as_str(),
        password_hash: hash.as_deref(),
    };
    let mut tx = super::db::begin_application_write(&state.pool, application_id).await?;
    let version = expected_version.unwrap_or(current.version);
    let saved = repo::users::update(&mut tx, application_id, user_id, version, &changes, now_ms()).await?;
    if !saved {
        return Err(AppError::conflict(
            "Someone else saved this user after you opened it, so your changes were not saved. \
             Reload the page to see their version, then make your changes again.",
        ));
    }
    let before = Profile { email: &current.email, first_name: &current.first_name, last_name: &current.last_name };
    let mut changes = profile_changes(Some(before), profile_of(&valid));
    if hash.is_some() {
        changes.push(Change::new("password", None, None));
    }
    changes.extend(write_extras(&mut tx, user_id, &input).await?);
    if !changes.is_empty() {
        let entry =
            audit::entry(application_id, "user.update", Some(user_id), valid.email.as_str(), &changes, now_ms());
        repo::audit::insert(&mut tx, &entry).await?;
    }
    write_state(&mut tx, application_id, user_id, valid.email.as_str(), &input).await?;
    let detail = repo::users::get(&mut tx, application_id, user_id).await?.ok_or_else(user_not_found)?;
    tx.commit().await?;
    Ok(detail)
}
