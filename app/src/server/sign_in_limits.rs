//! Limits on failed sign-ins, per account and per (account, client address), for both the
//! administrators' and the experience users' sign-in. Counting and refilling is governor's
//! GCRA; this module only decides what counts (failures, never successes) and remembers
//! which keys are locked, because governor can test a key only by spending from it.

use governor::clock::{Clock, DefaultClock};
use governor::middleware::{StateInformationMiddleware, StateSnapshot};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{NotUntil, Quota, RateLimiter};
use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Who is signing in: `scope` separates administrators from each application's users.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Account {
    pub scope: String,
    pub email_normalized: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Pair(Account, IpAddr),
    Account(Account),
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

#[derive(Clone)]
pub struct SignInLimiter {
    inner: Arc<Inner>,
}

/// A keyed limiter that also says how much allowance is left after each spend.
type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>;

struct Inner {
    pair: Keyed<(Account, IpAddr)>,
    account: Keyed<Account>,
    locked: Mutex<HashMap<Key, Instant>>,
    failures: AtomicU64,
}

impl SignInLimiter {
    pub fn new(limits: Limits) -> Self {
        let burst = NonZeroU32::new(limits.pair_burst.max(1)).expect("max(1) is non-zero");
        let pair_quota = Quota::with_period(limits.pair_refill.max(Duration::from_millis(1)))
            .expect("a positive period")
            .allow_burst(burst);
        let per_hour = NonZeroU32::new(limits.account_per_hour.max(1)).expect("max(1) is non-zero");
        Self {
            inner: Arc::new(Inner {
                pair: RateLimiter::keyed(pair_quota).with_middleware(),
                account: RateLimiter::keyed(Quota::per_hour(per_hour)).with_middleware(),
                locked: Mutex::new(HashMap::new()),
                failures: AtomicU64::new(0),
            }),
        }
    }

    /// `Err(wait)` when this account, or this account from this address, is locked: the
    /// attempt must be refused before any password is checked.
    pub fn check(&self, account: &Account, ip: IpAddr) -> Result<(), Duration> {
        let now = Instant::now();
        let locked = self.inner.locked.lock().unwrap_or_else(|e| e.into_inner());
        let keys = [Key::Pair(account.clone(), ip), Key::Account(account.clone())];
        let wait = keys
            .iter()
            .filter_map(|key| locked.get(key))
            .filter(|until| **until > now)
            .map(|until| *until - now)
            .max();
        match wait {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
    }

    /// Records a failed attempt; locks the keys whose allowance it used up, so the next
    /// attempt on them is refused before its password is checked.
    pub fn failed(&self, account: &Account, ip: IpAddr) {
        let pair = (account.clone(), ip);
        let mut lock = Vec::new();
        if let Some(wait) = exhausted(self.inner.pair.check_key(&pair)) {
            lock.push((Key::Pair(account.clone(), ip), wait));
        }
        if let Some(wait) = exhausted(self.inner.account.check_key(account)) {
            lock.push((Key::Account(account.clone()), wait));
        }
        let now = Instant::now();
        let mut locked = self.inner.locked.lock().unwrap_or_else(|e| e.into_inner());
        for (key, wait) in lock {
            locked.insert(key, now + wait.max(Duration::from_secs(1)));
        }
        // Forget idle keys now and then, so a spray of random emails cannot grow memory forever.
        if self.inner.failures.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            locked.retain(|_, until| *until > now);
            self.inner.pair.retain_recent();
            self.inner.account.retain_recent();
        }
    }
}

/// How long a key must rest when this spend left it with no allowance.
fn exhausted(spent: Result<StateSnapshot, NotUntil<<DefaultClock as Clock>::Instant>>) -> Option<Duration> {
    match spent {
        Ok(snapshot) if snapshot.remaining_burst_capacity() == 0 => Some(snapshot.quota().replenish_interval()),
        Ok(_) => None,
        Err(not_until) => Some(not_until.wait_time_from(DefaultClock::default().now())),
    }
}

/// Whole seconds to send in `Retry-After`, never 0.
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(email: &str) -> Account {
        Account { scope: "app".into(), email_normalized: email.into() }
    }

    #[test]
    fn ten_failures_lock_the_pair_but_not_other_addresses() {
        let limiter = SignInLimiter::new(Limits::default());
        let (a, here, there) = (account("a@x.io"), IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        for _ in 0..10 {
            assert!(limiter.check(&a, here).is_ok());
            limiter.failed(&a, here);
        }
        let wait = limiter.check(&a, here).unwrap_err();
        assert!(wait > Duration::from_secs(30) && wait <= Duration::from_secs(60), "{wait:?}");
        assert!(limiter.check(&a, there).is_ok());
        assert!(limiter.check(&account("b@x.io"), here).is_ok());
    }

    #[test]
    fn an_account_is_locked_after_its_hourly_failures_from_many_addresses() {
        let limiter = SignInLimiter::new(Limits { account_per_hour: 5, ..Limits::default() });
        let a = account("a@x.io");
        for i in 0..5u8 {
            assert!(limiter.check(&a, IpAddr::from([10, 0, 1, i])).is_ok(), "attempt {i}");
            limiter.failed(&a, IpAddr::from([10, 0, 1, i]));
        }
        assert!(limiter.check(&a, IpAddr::from([10, 0, 2, 1])).is_err());
        assert!(limiter.check(&account("b@x.io"), IpAddr::from([10, 0, 2, 1])).is_ok());
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_secs(60)), 60);
        assert_eq!(retry_after_secs(Duration::from_millis(59_001)), 60);
    }
}
