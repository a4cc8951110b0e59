//! Checking an email and a password: the one sign-in flow of the administrators' pages and of
//! the experience API. A place in the hashing line is taken first (a flood is turned away
//! before it touches the database), then the failure is reserved before any hashing, an
//! unknown email is checked against a dummy hash (the same answer after the same work), and
//! only a wrong password counts as a failure.

use std::net::IpAddr;

use super::passwords::Admission;
use super::sign_in_limits::Account;
use super::{repo, Store};
use crate::domain::Email;
use crate::error::AppError;

/// Whose accounts an email names.
#[derive(Debug, Clone, Copy)]
pub enum Realm<'a> {
    Administrators,
    /// The experience users of this application.
    Application(&'a str),
}

impl Realm<'_> {
    fn scope(self) -> String {
        match self {
            Realm::Administrators => "admin".into(),
            Realm::Application(id) => id.to_owned(),
        }
    }
}

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
    let admission = state.hasher.admit()?;
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
            repo::admins::find_by_email(&mut conn, email_normalized).await?.map(|a| (a.id, a.password_hash))
        }
        Realm::Application(application_id) => {
            repo::applications::get(&mut conn, application_id)
                .await?
                .ok_or_else(|| AppError::NotFound("This application".into()))?;
            repo::users::find_for_sign_in(&mut conn, application_id, email_normalized).await?
        }
    };
    // The connection goes back to the pool while argon2 runs.
    drop(conn);
    let (id, hash) = found.unzip();
    let matches = admission.verify(password, hash).await?;
    Ok(id.filter(|_| matches))
}
