use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::domain::Password;
use crate::error::AppError;

/// OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// How long a caller waits for a place in the hashing line before it is told `Busy`. Held
/// rather than turned away at once, a flood's clients cannot spin on cheap refusals, which
/// would take the CPU the hashes are waiting for; a burst of honest sign-ins waits instead
/// of failing.
pub const ADMISSION_WAIT: Duration = Duration::from_secs(2);

/// Callers waiting for a place at most (each is a parked future of a few hundred bytes):
/// past it they are told `Busy` at once.
pub const MAX_WAITING: usize = 4096;

/// Runs argon2 on threads of its own, `concurrency` of them, at the lowest CPU priority: a
/// flood of sign-ins takes every core left idle but yields it at once to the requests that
/// need it (a token-checked read waits on no hash). At most `concurrency + max_queued`
/// callers hold a place in line; others wait for one, in order, for a bounded time.
#[derive(Clone)]
pub struct PasswordHasher {
    threads: Arc<rayon::ThreadPool>,
    permits: Arc<Semaphore>,
    /// Places in line: callers hashing or about to.
    places: Arc<Semaphore>,
    /// Callers waiting for a place, at most `max_waiting`, each for at most `wait`.
    waiting: Arc<AtomicUsize>,
    max_waiting: usize,
    wait: Duration,
    /// Verified against when an email is unknown, so that case costs the same time.
    dummy_hash: Arc<str>,
}

/// A place in line for one hash, taken before the caller does anything else for it: under a
/// flood the caller learns `Busy` before it has written anything (a sign-in reserves its
/// failure in the database only once admitted). The place is given back when it drops.
pub struct Admission {
    hasher: PasswordHasher,
    _place: OwnedSemaphorePermit,
}

/// Counts a caller among the waiting while it lives.
struct Waiting(Arc<AtomicUsize>);

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl PasswordHasher {
    /// `concurrency` hashes at a time, 32 places in line per running one, and up to
    /// `MAX_WAITING` callers waiting `ADMISSION_WAIT` for a place.
    pub fn new(concurrency: usize) -> Self {
        Self::with_queue(concurrency, concurrency.max(1) * 32).waiting(MAX_WAITING, ADMISSION_WAIT)
    }

    /// No caller waits for a place: past `concurrency + max_queued` it is `Busy` at once.
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
        let capacity = concurrency + max_queued;
        Self {
            threads: Arc::new(threads),
            permits: Arc::new(Semaphore::new(concurrency)),
            places: Arc::new(Semaphore::new(capacity)),
            waiting: Arc::new(AtomicUsize::new(0)),
            max_waiting: 0,
            wait: Duration::ZERO,
            dummy_hash,
        }
    }

    /// Hashes that run at once.
    pub fn concurrency(&self) -> usize {
        self.threads.current_num_threads()
    }

    /// Lets up to `callers` wait, each for at most `at_most`, when every place is taken.
    pub fn waiting(self, callers: usize, at_most: Duration) -> Self {
        Self { max_waiting: callers, wait: at_most, ..self }
    }

    /// A place in line, or `Busy` when none frees up in time (or too many already wait).
    pub async fn admit(&self) -> Result<Admission, AppError> {
        let admitted = |place| Admission { hasher: self.clone(), _place: place };
        // The semaphore hands a freed place to the longest waiter first, so this cannot
        // overtake anyone.
        if let Ok(place) = self.places.clone().try_acquire_owned() {
            return Ok(admitted(place));
        }
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(AppError::Busy);
        }
        let _waiting = Waiting(self.waiting.clone());
        match tokio::time::timeout(self.wait, self.places.clone().acquire_owned()).await {
            Ok(Ok(place)) => Ok(admitted(place)),
            _ => Err(AppError::Busy),
        }
    }

    pub async fn hash(&self, password: &Password) -> Result<String, AppError> {
        self.hash_plain(password.expose().to_owned()).await
    }

    /// A hash with our parameters of a password already known to be the user's (an imported
    /// hash being upgraded at sign-in: it may predate our length rule).
    pub async fn hash_plain(&self, plain: String) -> Result<String, AppError> {
        self.admit().await?.run(move || hash_blocking(&plain)).await
    }

    /// Checks `plain` against `hash`; with no hash (unknown account) it does the same work
    /// against a dummy and answers false.
    pub async fn verify(&self, plain: String, hash: Option<String>) -> Result<bool, AppError> {
        self.admit().await?.verify(plain, hash).await
    }
}

impl Admission {
    /// `PasswordHasher::verify`, in the place already taken.
    pub async fn verify(self, plain: String, hash: Option<String>) -> Result<bool, AppError> {
        // A user without a password (imported without one) costs the same work as anyone.
        let hash = hash.filter(|h| Scheme::of(h) != Scheme::Unusable);
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.hasher.dummy_hash.to_string());
        let matches = self.run(move || verify_blocking(&plain, &hash)).await?;
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

/// The kinds of stored hash: ours and what imports may bring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Argon2id,
    Bcrypt,
    /// Anything else: no password can match it (a user imported without a password has "").
    Unusable,
}

impl Scheme {
    fn of(hash: &str) -> Self {
        if hash.starts_with("$argon2id$") {
            Self::Argon2id
        } else if ["$2a$", "$2b$", "$2y$"].iter().any(|p| hash.starts_with(p)) {
            Self::Bcrypt
        } else {
            Self::Unusable
        }
    }
}

/// Our parameters, as a PHC string starts with them: a stored hash without this prefix is
/// replaced at the user's next sign-in.
const OUR_PREFIX: &str = "$argon2id$v=19$m=19456,t=2,p=1$";

/// True when a hash that just verified should be replaced by one with our parameters.
pub fn needs_rehash(hash: &str) -> bool {
    !hash.starts_with(OUR_PREFIX)
}

/// Whether an import may store `hash` as a user's: an argon2id PHC string (any parameters:
/// they travel in the string) or a bcrypt MCF string.
pub fn check_imported_hash(hash: &str) -> Result<(), &'static str> {
    match Scheme::of(hash) {
        Scheme::Argon2id => match PasswordHash::new(hash) {
            Ok(parsed) if parsed.hash.is_some() && parsed.salt.is_some() => Ok(()),
            _ => Err("Not a valid argon2id hash (PHC string)"),
        },
        Scheme::Bcrypt => {
            // $2b$ + two cost digits + $ + 22 salt and 31 hash characters of bcrypt's base64.
            let cost = hash.get(4..6).and_then(|c| c.parse::<u32>().ok());
            let rest = hash.get(7..).unwrap_or_default();
            let alphabet = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '/';
            if hash.len() == 60
                && hash.as_bytes()[6] == b'$'
                && cost.is_some_and(|c| (4..=31).contains(&c))
                && rest.chars().all(alphabet)
            {
                Ok(())
            } else {
                Err("Not a valid bcrypt hash ($2b$ and 56 characters)")
            }
        }
        Scheme::Unusable => Err("Only argon2id (PHC string) and bcrypt ($2a$, $2b$, $2y$) hashes can be imported"),
    }
}

fn verify_blocking(plain: &str, hash: &str) -> bool {
    match Scheme::of(hash) {
        // The hash's own parameters are used (they travel in the PHC string).
        Scheme::Argon2id => PasswordHash::new(hash)
            .map(|parsed| argon2().verify_password(plain.as_bytes(), &parsed).is_ok())
            .unwrap_or(false),
        Scheme::Bcrypt => bcrypt::verify(plain, hash).unwrap_or(false),
        Scheme::Unusable => false,
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
        assert!(!hasher.verify("wrong horse!".into(), Some(hash.clone())).await.unwrap());
        assert!(!hasher.verify("correct horse".into(), None).await.unwrap());
        assert!(!needs_rehash(&hash));
    }

    #[tokio::test]
    async fn imported_hashes_verify_and_ask_to_be_replaced() {
        let hasher = PasswordHasher::new(2);
        let bcrypt = bcrypt::hash("imported one", 4).unwrap();
        check_imported_hash(&bcrypt).unwrap();
        assert!(hasher.verify("imported one".into(), Some(bcrypt.clone())).await.unwrap());
        assert!(!hasher.verify("imported two".into(), Some(bcrypt.clone())).await.unwrap());
        assert!(needs_rehash(&bcrypt));
        // argon2id with other parameters than ours.
        let salt = SaltString::generate(&mut OsRng);
        let params = Params::new(8 * 1024, 1, 1, None).unwrap();
        let other = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(b"imported one", &salt)
            .unwrap()
            .to_string();
        check_imported_hash(&other).unwrap();
        assert!(hasher.verify("imported one".into(), Some(other.clone())).await.unwrap());
        assert!(needs_rehash(&other));
        // No password at all: nothing matches, not even an empty one.
        assert!(!hasher.verify(String::new(), Some(String::new())).await.unwrap());
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
        // One hashing, two in line: the other five were turned away.
        assert_eq!(busy, 5);
        assert_eq!(hasher.places.available_permits(), 3);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn callers_past_the_line_wait_for_a_place_in_order() {
        let hasher = PasswordHasher::with_queue(1, 1).waiting(6, Duration::from_secs(30));
        let calls: Vec<_> = (0..8)
            .map(|_| {
                let hasher = hasher.clone();
                tokio::spawn(async move { hasher.verify("x".repeat(8), None).await })
            })
            .collect();
        for call in calls {
            assert!(matches!(call.await.unwrap(), Ok(false)));
        }
        assert_eq!(hasher.places.available_permits(), 2);
        assert_eq!(hasher.waiting.load(Ordering::SeqCst), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn past_the_waiting_allowed_a_caller_is_turned_away_at_once() {
        let hasher = PasswordHasher::with_queue(1, 0).waiting(1, Duration::from_secs(30));
        let first = hasher.admit().await.unwrap();
        let waiter = tokio::spawn({
            let hasher = hasher.clone();
            async move { hasher.admit().await.map(drop) }
        });
        while hasher.waiting.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        assert!(matches!(hasher.admit().await.map(drop), Err(AppError::Busy)));
        drop(first);
        assert!(waiter.await.unwrap().is_ok());
        assert_eq!(hasher.waiting.load(Ordering::SeqCst), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_waiter_is_turned_away_when_its_time_is_up() {
        let hasher = PasswordHasher::with_queue(1, 0).waiting(4, Duration::from_millis(5));
        let first = hasher.admit().await.unwrap();
        assert!(matches!(hasher.admit().await.map(drop), Err(AppError::Busy)));
        assert_eq!(hasher.waiting.load(Ordering::SeqCst), 0);
        drop(first);
        assert!(hasher.admit().await.is_ok());
    }
}
