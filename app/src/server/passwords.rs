use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use tokio::sync::Semaphore;

use crate::domain::Password;
use crate::error::AppError;

/// OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Runs argon2 on the blocking pool, at most `permits` at a time, so a flood of sign-ins
/// queues here instead of starving the async runtime.
#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    /// Verified against when an email is unknown, so that case costs the same time.
    dummy_hash: Arc<str>,
}

impl PasswordHasher {
    pub fn new(concurrency: usize) -> Self {
        let dummy_hash = hash_blocking("dummy password never matches anything").into();
        Self { permits: Arc::new(Semaphore::new(concurrency.max(1))), dummy_hash }
    }

    pub async fn hash(&self, password: &Password) -> Result<String, AppError> {
        let plain = password.expose().to_owned();
        self.run(move || hash_blocking(&plain)).await
    }

    /// Checks `plain` against `hash`; with no hash (unknown account) it does the same work
    /// against a dummy and answers false.
    pub async fn verify(&self, plain: String, hash: Option<String>) -> Result<bool, AppError> {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash.to_string());
        let matches = self
            .run(move || {
                PasswordHash::new(&hash)
                    .map(|parsed| argon2().verify_password(plain.as_bytes(), &parsed).is_ok())
                    .unwrap_or(false)
            })
            .await?;
        Ok(known && matches)
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
        let permit = self.permits.clone().acquire_owned().await.map_err(|_| AppError::Busy)?;
        tokio::task::spawn_blocking(move || {
            // The permit lives inside the blocking task, so it is released only when the hash is done.
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing task failed");
            AppError::Internal
        })
    }
}

fn hash_blocking(plain: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(plain.as_bytes(), &salt)
        .expect("argon2 hashing with valid parameters cannot fail")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let hasher = PasswordHasher::new(2);
        let password = Password::parse("correct horse").unwrap();
        let hash = hasher.hash(&password).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(hasher.verify("correct horse".into(), Some(hash.clone())).await.unwrap());
        assert!(!hasher.verify("wrong horse!".into(), Some(hash)).await.unwrap());
        assert!(!hasher.verify("correct horse".into(), None).await.unwrap());
    }
}
