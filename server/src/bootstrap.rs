//! Start-up tasks: the first administrator.

use app::domain::{Email, Password};
use app::server::{admins_service, repo, Store};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::RngCore;

pub enum FirstAdmin {
    /// Administrators already exist; nothing was done.
    Existing,
    /// Created; the password is `Some` only when it was generated here and must be shown once.
    Created { email: String, generated_password: Option<String> },
}

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("ADMIN_EMAIL: {0}")]
    Email(app::domain::EmailError),
    #[error("ADMIN_PASSWORD: {0}")]
    Password(app::domain::PasswordError),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("creating the administrator failed: {0}")]
    Create(app::error::AppError),
}

/// With no administrator yet, creates one from `email` / `password`, generating a strong
/// password when none is given.
pub async fn ensure_first_admin(
    store: &Store,
    email: Option<String>,
    password: Option<String>,
) -> Result<FirstAdmin, BootstrapError> {
    let mut conn = store.acquire().await?;
    if repo::admins::count(&mut conn).await? > 0 {
        return Ok(FirstAdmin::Existing);
    }
    drop(conn);
    let email = Email::parse(email.as_deref().unwrap_or("admin@example.com")).map_err(BootstrapError::Email)?;
    let generated = password.is_none().then(generate_password);
    let plain = password.or_else(|| generated.clone()).unwrap_or_default();
    let password = Password::parse(&plain).map_err(BootstrapError::Password)?;
    // Another instance may have created one meanwhile: then this one did not.
    if !admins_service::create_first(store, &email, &password).await.map_err(BootstrapError::Create)? {
        return Ok(FirstAdmin::Existing);
    }
    Ok(FirstAdmin::Created { email: email.into(), generated_password: generated })
}

/// 144 random bits, URL-safe: 24 characters.
fn generate_password() -> String {
    let mut bytes = [0u8; 18];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}
