//! Checking an email and a password: the one sign-in flow of the administrators' pages and of
//! the experience API. A place in the hashing line is taken first (a flood is turned away
//! before it touches the database), then the failure is reserved before any hashing, an
//! unknown email is checked against a dummy hash (the same answer after the same work), and
//! only a wrong password counts as a failure.

use std::net::IpAddr;

use super::clock::now_ms;
use super::passwords::{needs_rehash, Admission};
use super::sessions::new_token;
use super::sign_in_limits::Account;
pub use super::sign_in_rules::Realm;
use super::{repo, Store};
use crate::domain::Email;
use crate::error::AppError;

/// The id of the account whose email and password these are; `BadCredentials` whether the
/// email is unknown or the password wrong; `RateLimited` while the account is locked.
pub async fn verify(
    state: &Store,
    realm: Realm<'_>,
    email: &str,
    password: String,
    ip: IpAddr,
) -> Result<String, AppError> {
    let email = Email::parse(email).map_err(|e| AppError::field("email", e))?;
    if password.is_empty() {
        return Err(AppError::field("password", "Enter your password"));
    }
    let account = Account { scope: realm.scope(), email_normalized: email.normalized() };
    // Under a flood, `Busy` comes here, before the attempt writes anything.
    let admission = state.hasher.admit().await?;
    let reservation = state.sign_in_limits.reserve(&account, ip).await?;
    match check(state, realm, &account.email_normalized, password, admission).await {
        Ok(Some(id)) => {
            state.sign_in_limits.release(reservation).await?;
            Ok(id)
        }
        // The reservation stays: it was a failure.
        Ok(None) => Err(AppError::BadCredentials),
        Err(error) => {
            state.sign_in_limits.release(reservation).await?;
            Err(error)
        }
    }
}

/// `Some(id)` when the password is the account's.
async fn check(
    state: &Store,
    realm: Realm<'_>,
    email_normalized: &str,
    password: String,
    admission: Admission,
) -> Result<Option<String>, AppError> {
    let mut conn = state.pool.acquire().await?;
    let found = match realm {
        Realm::Administrators => {
            repo::admins::find_by_email(&mut conn, email_normalized).await?.map(|a| (a.id, a.password_hash, None))
        }
        Realm::Application(application_id) => {
            repo::applications::get(&mut conn, application_id)
                .await?
                .ok_or_else(|| AppError::NotFound("This application".into()))?;
            repo::users::find_for_sign_in(&mut conn, application_id, email_normalized)
                .await?
                .map(|u| (u.id, u.password_hash, u.disabled_until))
        }
    };
    // The connection goes back to the pool while argon2 runs.
    drop(conn);
    let (id, hash, disabled_until) = match found {
        Some((id, hash, disabled_until)) => (Some(id), Some(hash), disabled_until),
        None => (None, None, None),
    };
    // An imported hash (bcrypt, other argon2 parameters) is replaced by ours once it matches.
    let upgrade = match realm {
        Realm::Application(_) => hash.as_deref().filter(|h| needs_rehash(h)).map(|h| (h.to_owned(), password.clone())),
        Realm::Administrators => None,
    };
    let matches = admission.verify(password, hash).await?;
    let id = id.filter(|_| matches);
    // Only the right password learns that the account is disabled (and it is no failure).
    if let (Some(_), Some(until)) = (&id, disabled_until.filter(|until| *until > now_ms())) {
        return Err(AppError::user_disabled(until));
    }
    if let (Some(id), Some((old, plain))) = (&id, upgrade) {
        // The sign-in succeeded whatever happens here: a busy line upgrades it next time.
        match state.hasher.hash_plain(plain).await {
            Ok(new) => {
                let mut conn = state.pool.acquire().await?;
                repo::users::upgrade_password_hash(&mut conn, id, &old, &new).await?;
            }
            Err(error) => tracing::warn!(%error, "an imported password hash was not upgraded"),
        }
    }
    Ok(id)
}

/// Issues an experience token for a user who just signed in and records the sign-in; answers
/// the token (only its hash is stored). Expired tokens are swept on the way, a bounded batch
/// at a time.
pub async fn issue_experience_token(state: &Store, application_id: &str, user_id: &str) -> Result<String, AppError> {
    let (token, token_hash) = new_token();
    let now = now_ms();
    let mut tx = super::db::begin_write(&state.pool).await?;
    repo::experience_tokens::delete_expired(&mut tx, now).await?;
    repo::experience_tokens::insert(&mut tx, &token_hash, user_id, application_id, now, now + state.token_ttl_ms)
        .await?;
    repo::users::record_login(&mut tx, user_id, now).await?;
    tx.commit().await?;
    Ok(token)
}
