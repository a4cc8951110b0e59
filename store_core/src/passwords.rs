use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::Semaphore;

use crate::domain::Password;
use crate::error::AppError;

/// OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Runs argon2 on threads of its own, `concurrency` of them, at the lowest CPU priority: a
/// flood of sign-ins takes every core left idle but yields it at once to the requests that
/// need it (a token-checked read waits on no hash). Past `max_queued` waiting callers it
/// answers `Busy` at once instead of queueing without bound.
#[derive(Clone)]
pub struct PasswordHasher {
    threads: Arc<rayon::ThreadPool>,
    permits: Arc<Semaphore>,
    /// Callers hashing or waiting to: at most `concurrency + max_queued`.
    admitted: Arc<AtomicUsize>,
    capacity: usize,
    /// Verified against when an email is unknown, so that case costs the same time.
    dummy_hash: Arc<str>,
}

/// A place in line for one hash, taken before the caller does anything else for it: under a
/// flood the caller learns `Busy` at once, before it has written anything (a sign-in reserves
/// its failure in the database only once admitted). The place is given back when it drops.
pub struct Admission {
    hasher: PasswordHasher,
}

impl Drop for Admission {
    fn drop(&mut self) {
        self.hasher.admitted.fetch_sub(1, Ordering::SeqCst);
    }
}

impl PasswordHasher {
    /// `concurrency` hashes at a time and, by default, 32 waiting per running one.
    pub fn new(concurrency: usize) -> Self {
        Self::with_queue(concurrency, concurrency.max(1) * 32)
    }

    pub fn with_queue(concurrency: usize, max_queued: usize) -> Self {
        let dummy_hash = hash_blocking("dummy password never matches anything").into();
        let concurrency = concurrency.max(1);
        let threads = rayon::ThreadPoolBuilder::new()
            .num_threads(concurrency)
            .thread_name(|i| format!("argon2-{i}"))
            .start_handler(|_| lowest_priority())
            .panic_handler(|_| tracing::error!("password hashing panicked"))
            .build()
            .expect("the hashing threads start");
        Self {
            threads: Arc::new(threads),
            permits: Arc::new(Semaphore::new(concurrency)),
            admitted: Arc::new(AtomicUsize::new(0)),
            capacity: concurrency + max_queued,
            dummy_hash,
        }
    }

    /// A place in line, or `Busy` when the line is full.
    pub fn admit(&self) -> Result<Admission, AppError> {
        if self.admitted.fetch_add(1, Ordering::SeqCst) >= self.capacity {
            self.admitted.fetch_sub(1, Ordering::SeqCst);
            return Err(AppError::Busy);
        }
        Ok(Admission { hasher: self.clone() })
    }

    pub async fn hash(&self, password: &Password) -> Result<String, AppError> {
        let plain = password.expose().to_owned();
        self.admit()?.run(move || hash_blocking(&plain)).await
    }

    /// Checks `plain` against `hash`; with no hash (unknown account) it does the same work
    /// against a dummy and answers false.
    pub async fn verify(&self, plain: String, hash: Option<String>) -> Result<bool, AppError> {
        self.admit()?.verify(plain, hash).await
    }
}

impl Admission {
    /// `PasswordHasher::verify`, in the place already taken.
    pub async fn verify(self, plain: String, hash: Option<String>) -> Result<bool, AppError> {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.hasher.dummy_hash.to_string());
        let matches = self
            .run(move || {
                PasswordHash::new(&hash)
                    .map(|parsed| argon2().verify_password(plain.as_bytes(), &parsed).is_ok())
                    .unwrap_or(false)
            })
            .await?;
        Ok(known && matches)
    }

    async fn run<T: Send + 'static>(self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
        let permit = self.hasher.permits.clone().acquire_owned().await.map_err(|_| AppError::Busy)?;
        let (done, result) = tokio::sync::oneshot::channel();
        let threads = self.hasher.threads.clone();
        threads.spawn(move || {
            // The permit and the place live inside the hashing task, so they are released
            // only when the hash is done, even if the caller stopped waiting; and before the
            // caller hears of it, so its next hash finds them free.
            let output = work();
            drop((permit, self));
            let _ = done.send(output);
        });
        // Dropped unsent only if the work panicked (logged by the pool's panic handler).
        result.await.map_err(|_| AppError::Internal)
    }
}

/// Linux keeps a nice value per thread: 19 here leaves this thread only the CPU time no
/// other thread of the machine wants.
fn lowest_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority reads no memory of ours; `who` 0 is the calling thread.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 19);
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_queue_answers_busy_at_once() {
        let hasher = PasswordHasher::with_queue(1, 2);
        let calls: Vec<_> = (0..8)
            .map(|_| {
                let hasher = hasher.clone();
                tokio::spawn(async move { hasher.verify("x".repeat(8), None).await })
            })
            .collect();
        let mut busy = 0;
        for call in calls {
            match call.await.unwrap() {
                Ok(false) => {}
                Err(AppError::Busy) => busy += 1,
                other => panic!("unexpected {other:?}"),
            }
        }
        // One hashing, two waiting: the other five were turned away.
        assert_eq!(busy, 5);
        assert_eq!(hasher.admitted.load(Ordering::SeqCst), 0);
    }
}
