use crate::engine::DbPool;

use crate::passwords::PasswordHasher;
use crate::sign_in_limits::{Limits, SignInLimiter};

/// Experience tokens last 30 days unless configured otherwise.
pub const DEFAULT_TOKEN_TTL_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// What the services need from the running server: the database, the password hashing line,
/// the shared sign-in limits, and the token lifetime.
#[derive(Clone)]
pub struct Store {
    pub pool: DbPool,
    pub hasher: PasswordHasher,
    pub sign_in_limits: SignInLimiter,
    /// How long an experience user's token is valid after it is issued.
    pub token_ttl_ms: i64,
}

impl Store {
    pub fn new(pool: DbPool, hasher: PasswordHasher) -> Self {
        // The limits live in the database, so every instance sharing it shares them.
        let sign_in_limits = SignInLimiter::new(pool.clone(), Limits::default());
        Self { pool, hasher, sign_in_limits, token_ttl_ms: DEFAULT_TOKEN_TTL_MS }
    }
}
