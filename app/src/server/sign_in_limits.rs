//! Limits on failed sign-ins, per account and per (account, client address), for both the
//! administrators' and the experience users' sign-in.
//!
//! The counts live in the database, not in the process: several server instances share one
//! database and must share one limit, or each instance would add its own allowance (DESIGN §5:
//! the server keeps no state other instances need). Written here rather than with governor,
//! whose state stores are in-process memory. The rule is governor's GCRA all the same: each
//! key keeps one "theoretical arrival time"; every failure pushes it one interval later; the
//! key is locked while that time lies more than a burst ahead. Only failures are written
//! (at most as many per second as argon2 can verify); a locked attempt is refused before
//! any password is checked and writes nothing.

use sqlx::SqlitePool;
use std::net::IpAddr;
use std::time::Duration;

use super::clock::now_ms;
use super::context::db_error;
use super::repo;
use crate::error::AppError;

/// Who is signing in: `scope` separates administrators from each application's users.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Account {
    pub scope: String,
    pub email_normalized: String,
}

impl Account {
    fn key(&self) -> String {
        format!("account {} {}", self.scope, self.email_normalized)
    }

    fn pair_key(&self, ip: IpAddr) -> String {
        format!("pair {} {} {ip}", self.scope, self.email_normalized)
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Failures in a row from one address on one account before it is locked…
    pub pair_burst: u32,
    /// …and how often one more attempt is allowed after that.
    pub pair_refill: Duration,
    /// Failures on one account from anywhere, per hour.
    pub account_per_hour: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self { pair_burst: 10, pair_refill: Duration::from_secs(60), account_per_hour: 100 }
    }
}

/// One GCRA rule in milliseconds: `interval` per failure, `burst` failures in a row.
#[derive(Debug, Clone, Copy)]
struct Rule {
    interval: i64,
    burst: i64,
}

impl Rule {
    /// How far ahead of now the arrival time may lie and still allow one more failure.
    fn tolerance(self) -> i64 {
        self.interval * (self.burst - 1)
    }

    /// How long a key with arrival time `tat` must rest at `now` (0: not locked).
    fn wait(self, tat: i64, now: i64) -> i64 {
        (tat - now - self.tolerance()).max(0)
    }
}

#[derive(Clone)]
pub struct SignInLimiter {
    pool: SqlitePool,
    pair: Rule,
    account: Rule,
}

impl SignInLimiter {
    pub fn new(pool: SqlitePool, limits: Limits) -> Self {
        let per_hour = i64::from(limits.account_per_hour.max(1));
        Self {
            pool,
            pair: Rule {
                interval: (limits.pair_refill.as_millis() as i64).max(1),
                burst: i64::from(limits.pair_burst.max(1)),
            },
            account: Rule { interval: (3_600_000 / per_hour).max(1), burst: per_hour },
        }
    }

    /// `RateLimited` when this account, or this account from this address, is locked: the
    /// attempt must be refused before any password is checked.
    pub async fn check(&self, account: &Account, ip: IpAddr) -> Result<(), AppError> {
        match self.wait_at(account, ip, now_ms()).await.map_err(db_error)? {
            Some(wait) => Err(AppError::RateLimited(retry_after_secs(wait))),
            None => Ok(()),
        }
    }

    /// Records a failed attempt.
    pub async fn failed(&self, account: &Account, ip: IpAddr) -> Result<(), AppError> {
        self.failed_at(account, ip, now_ms()).await.map_err(db_error)
    }

    async fn wait_at(&self, account: &Account, ip: IpAddr, now: i64) -> Result<Option<Duration>, sqlx::Error> {
        let (pair_key, account_key) = (account.pair_key(ip), account.key());
        let mut conn = self.pool.acquire().await?;
        let times = repo::sign_in_failures::arrival_times(&mut conn, [&pair_key, &account_key]).await?;
        let wait = times
            .iter()
            .map(|(key, tat)| if *key == pair_key { self.pair.wait(*tat, now) } else { self.account.wait(*tat, now) })
            .max()
            .unwrap_or(0);
        Ok((wait > 0).then(|| Duration::from_millis(wait as u64)))
    }

    async fn failed_at(&self, account: &Account, ip: IpAddr, now: i64) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        repo::sign_in_failures::record(&mut tx, &account.pair_key(ip), now, self.pair.interval).await?;
        repo::sign_in_failures::record(&mut tx, &account.key(), now, self.account.interval).await?;
        // So a spray of random emails cannot grow the table for ever.
        repo::sign_in_failures::forget_rested(&mut tx, now).await?;
        tx.commit().await
    }
}

/// Whole seconds to send in `Retry-After`, never 0.
pub fn retry_after_secs(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(email: &str) -> Account {
        Account { scope: "app".into(), email_normalized: email.into() }
    }

    async fn limiter(limits: Limits) -> (SignInLimiter, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let pool =
            super::super::db::connect(&format!("sqlite://{}", dir.path().join("limits.db").display())).await.unwrap();
        (SignInLimiter::new(pool, limits), dir)
    }

    #[tokio::test]
    async fn ten_failures_lock_the_pair_for_a_minute_but_not_other_addresses() {
        let (limiter, _dir) = limiter(Limits::default()).await;
        let (a, here, there) = (account("a@x.io"), IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        let t = 1_000_000;
        for i in 0..10 {
            assert_eq!(limiter.wait_at(&a, here, t + i).await.unwrap(), None, "attempt {i}");
            limiter.failed_at(&a, here, t + i).await.unwrap();
        }
        let wait = limiter.wait_at(&a, here, t + 10).await.unwrap().unwrap();
        assert!(wait > Duration::from_secs(59) && wait <= Duration::from_secs(60), "{wait:?}");
        assert_eq!(limiter.wait_at(&a, there, t + 10).await.unwrap(), None);
        assert_eq!(limiter.wait_at(&account("b@x.io"), here, t + 10).await.unwrap(), None);
        // A minute later, one more try; failing it locks the pair again.
        assert_eq!(limiter.wait_at(&a, here, t + 60_010).await.unwrap(), None);
        limiter.failed_at(&a, here, t + 60_010).await.unwrap();
        assert!(limiter.wait_at(&a, here, t + 60_011).await.unwrap().is_some());
    }

    #[tokio::test]
    async fn an_account_is_locked_after_its_hourly_failures_from_many_addresses() {
        let (limiter, _dir) = limiter(Limits { account_per_hour: 5, ..Limits::default() }).await;
        let a = account("a@x.io");
        for i in 0..5u8 {
            assert_eq!(limiter.wait_at(&a, IpAddr::from([10, 0, 1, i]), 1_000).await.unwrap(), None, "attempt {i}");
            limiter.failed_at(&a, IpAddr::from([10, 0, 1, i]), 1_000).await.unwrap();
        }
        assert!(limiter.wait_at(&a, IpAddr::from([10, 0, 2, 1]), 1_000).await.unwrap().is_some());
        assert_eq!(limiter.wait_at(&account("b@x.io"), IpAddr::from([10, 0, 2, 1]), 1_000).await.unwrap(), None);
        // 5 an hour: one failure's worth comes back every 12 minutes.
        assert_eq!(limiter.wait_at(&a, IpAddr::from([10, 0, 2, 1]), 1_000 + 720_000).await.unwrap(), None);
    }

    #[tokio::test]
    async fn rested_keys_are_forgotten() {
        let (limiter, _dir) = limiter(Limits::default()).await;
        limiter.failed_at(&account("a@x.io"), IpAddr::from([10, 0, 0, 1]), 0).await.unwrap();
        limiter.failed_at(&account("b@x.io"), IpAddr::from([10, 0, 0, 1]), 10_000_000).await.unwrap();
        let keys: Vec<String> =
            sqlx::query_scalar("SELECT key FROM sign_in_failures ORDER BY key").fetch_all(&limiter.pool).await.unwrap();
        assert_eq!(keys, ["account app b@x.io", "pair app b@x.io 10.0.0.1"]);
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_secs(60)), 60);
        assert_eq!(retry_after_secs(Duration::from_millis(59_001)), 60);
    }
}
