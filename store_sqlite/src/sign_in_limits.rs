//! Limits on failed sign-ins, per account and per (account, client address), for both the
//! administrators' and the experience users' sign-in.
//!
//! The counts live in the database, not in the process: several server instances share one
//! database and must share one limit, or each instance would add its own allowance (DESIGN §5:
//! the server keeps no state other instances need). Written here rather than with governor,
//! whose state stores are in-process memory. The rule is governor's GCRA all the same: each
//! key keeps one "theoretical arrival time"; every failure pushes it one interval later; the
//! key is locked while that time lies more than a burst ahead.
//!
//! An attempt reserves its failure before the password is checked, in one write transaction
//! that also checks the lock, so concurrent attempts (from one instance or several) cannot all
//! pass a check that none of them has recorded yet. A success gives the reservation back:
//! successes never count. A locked attempt is refused before any password is checked.

use crate::engine::{by_engine, DbPool};
use std::net::IpAddr;
use std::time::Duration;

use super::clock::now_ms;
use super::repo;
use super::sign_in_rules::Rule;
pub use super::sign_in_rules::{retry_after_secs, Account, Limits, Reservation};
use crate::error::AppError;

#[derive(Clone)]
pub struct SignInLimiter {
    pool: DbPool,
    pair: Rule,
    account: Rule,
}

impl SignInLimiter {
    pub fn new(pool: DbPool, limits: Limits) -> Self {
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

    /// Counts this attempt as a failure in advance, or answers `RateLimited` when the account,
    /// or the account from this address, is locked. Call before checking the password; give the
    /// reservation back with `release` when the attempt did not fail on the password.
    pub async fn reserve(&self, account: &Account, ip: IpAddr) -> Result<Reservation, AppError> {
        self.reserve_at(account, ip, now_ms()).await?.map_err(AppError::RateLimited)
    }

    /// Takes back a reservation: the attempt succeeded, or failed for another reason than the
    /// password (a busy server, a database error).
    pub async fn release(&self, reservation: Reservation) -> Result<(), AppError> {
        self.release_at(&reservation).await.map_err(AppError::from)
    }

    async fn reserve_at(
        &self,
        account: &Account,
        ip: IpAddr,
        now: i64,
    ) -> Result<Result<Reservation, u64>, sqlx::Error> {
        let reservation = Reservation { keys: [(account.pair_key(ip), self.pair), (account.key(), self.account)] };
        let mut tx = super::db::begin_write(&self.pool).await?;
        let mut taken = true;
        for (key, rule) in &reservation.keys {
            // Both keys in one transaction: the first write takes the database's write lock, so
            // the check and the count are one step for every instance.
            taken &= repo::sign_in_failures::take(&mut tx, key, now, rule.interval, rule.tolerance()).await?;
        }
        if taken {
            // So a spray of random emails cannot grow the table for ever.
            repo::sign_in_failures::forget_rested(&mut tx, now).await?;
            tx.commit().await?;
            return Ok(Ok(reservation));
        }
        tx.rollback().await?;
        let mut conn = self.pool.acquire().await?;
        let keys = reservation.keys.each_ref().map(|(key, _)| key.as_str());
        let times = repo::sign_in_failures::arrival_times(&mut conn, keys).await?;
        let wait = times
            .iter()
            .filter_map(|(key, tat)| {
                reservation.keys.iter().find(|(k, _)| k == key).map(|(_, rule)| rule.wait(*tat, now))
            })
            .max()
            .unwrap_or(0);
        Ok(Err(retry_after_secs(Duration::from_millis(wait.max(1) as u64))))
    }

    async fn release_at(&self, reservation: &Reservation) -> Result<(), sqlx::Error> {
        let mut tx = super::db::begin_write(&self.pool).await?;
        for (key, rule) in &reservation.keys {
            repo::sign_in_failures::give_back(&mut tx, key, rule.interval).await?;
        }
        tx.commit().await
    }
}

// The limiter's arithmetic on a real database, once: on SQLite.
by_engine! {
    sqlite => {
        #[cfg(test)]
        mod tests {
            use super::*;

            fn account(email: &str) -> Account {
                Account { scope: "app".into(), email_normalized: email.into() }
            }

            async fn limiter(limits: Limits) -> (SignInLimiter, tempfile::TempDir) {
                let dir = tempfile::tempdir().unwrap();
                let pool = crate::db::connect(&format!("sqlite://{}", dir.path().join("limits.db").display())).await.unwrap();
                (SignInLimiter::new(pool, limits), dir)
            }

            /// Reserves an attempt at `now`: Ok when allowed (and counted), the wait in seconds if locked.
            async fn attempt(limiter: &SignInLimiter, a: &Account, ip: IpAddr, now: i64) -> Result<Reservation, u64> {
                limiter.reserve_at(a, ip, now).await.unwrap()
            }

            #[tokio::test]
            async fn ten_failures_lock_the_pair_for_a_minute_but_not_other_addresses() {
                let (limiter, _dir) = limiter(Limits::default()).await;
                let (a, here, there) = (account("a@x.io"), IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
                let t = 1_000_000;
                for i in 0..10 {
                    assert!(attempt(&limiter, &a, here, t + i).await.is_ok(), "attempt {i}");
                }
                let wait = attempt(&limiter, &a, here, t + 10).await.unwrap_err();
                assert!((59..=60).contains(&wait), "{wait}");
                limiter.release_at(&attempt(&limiter, &a, there, t + 10).await.unwrap()).await.unwrap();
                limiter.release_at(&attempt(&limiter, &account("b@x.io"), here, t + 10).await.unwrap()).await.unwrap();
                // A minute later, one more try; failing it locks the pair again.
                assert!(attempt(&limiter, &a, here, t + 60_010).await.is_ok());
                assert!(attempt(&limiter, &a, here, t + 60_011).await.is_err());
            }

            #[tokio::test]
            async fn successes_give_their_reservation_back() {
                let (limiter, _dir) = limiter(Limits::default()).await;
                let (a, here) = (account("a@x.io"), IpAddr::from([10, 0, 0, 1]));
                for i in 0..30 {
                    let reservation = attempt(&limiter, &a, here, 1_000 + i).await.expect("never locked by successes");
                    limiter.release_at(&reservation).await.unwrap();
                }
                for i in 0..10 {
                    assert!(attempt(&limiter, &a, here, 2_000 + i).await.is_ok(), "failure {i} still allowed");
                }
                assert!(attempt(&limiter, &a, here, 2_010).await.is_err());
            }

            #[tokio::test]
            async fn an_account_is_locked_after_its_hourly_failures_from_many_addresses() {
                let (limiter, _dir) = limiter(Limits { account_per_hour: 5, ..Limits::default() }).await;
                let a = account("a@x.io");
                for i in 0..5u8 {
                    assert!(attempt(&limiter, &a, IpAddr::from([10, 0, 1, i]), 1_000).await.is_ok(), "attempt {i}");
                }
                assert!(attempt(&limiter, &a, IpAddr::from([10, 0, 2, 1]), 1_000).await.is_err());
                assert!(attempt(&limiter, &account("b@x.io"), IpAddr::from([10, 0, 2, 1]), 1_000).await.is_ok());
                // 5 an hour: one failure's worth comes back every 12 minutes.
                assert!(attempt(&limiter, &a, IpAddr::from([10, 0, 2, 1]), 1_000 + 720_000).await.is_ok());
            }

            #[tokio::test]
            async fn a_refused_attempt_counts_nothing() {
                let (limiter, _dir) = limiter(Limits { account_per_hour: 5, ..Limits::default() }).await;
                let a = account("a@x.io");
                for i in 0..5u8 {
                    assert!(attempt(&limiter, &a, IpAddr::from([10, 0, 1, i]), 1_000).await.is_ok());
                }
                // Refused on the account key: the pair key of this new address must not move either.
                assert!(attempt(&limiter, &a, IpAddr::from([10, 0, 3, 1]), 1_000).await.is_err());
                let keys: Vec<String> = sqlx::query_scalar("SELECT key FROM sign_in_failures WHERE key LIKE '%10.0.3.1'")
                    .fetch_all(&limiter.pool)
                    .await
                    .unwrap();
                assert!(keys.is_empty(), "{keys:?}");
            }

            #[tokio::test]
            async fn rested_keys_are_forgotten() {
                let (limiter, _dir) = limiter(Limits::default()).await;
                let _ = attempt(&limiter, &account("a@x.io"), IpAddr::from([10, 0, 0, 1]), 0).await.unwrap();
                let _ = attempt(&limiter, &account("b@x.io"), IpAddr::from([10, 0, 0, 1]), 10_000_000).await.unwrap();
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
    }
    postgres => {}
}
