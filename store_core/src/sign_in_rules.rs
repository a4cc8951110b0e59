//! The arithmetic of the sign-in limits (see each engine's `sign_in_limits`, which keeps the
//! counts in the database): who is counted, how much, and what a counted failure holds.

use std::net::IpAddr;
use std::time::Duration;

/// Who is signing in: `scope` separates administrators from each application's users.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Account {
    pub scope: String,
    pub email_normalized: String,
}

impl Account {
    pub fn key(&self) -> String {
        format!("account {} {}", self.scope, self.email_normalized)
    }

    pub fn pair_key(&self, ip: IpAddr) -> String {
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

/// A failure counted before the password was checked (see `SignInLimiter::reserve`).
#[derive(Debug)]
#[must_use = "a reservation is a counted failure unless it is released"]
pub struct Reservation {
    /// Each key counted, with its rule: read by the limiter that gives the failure back.
    pub keys: [(String, Rule); 2],
}

/// One GCRA rule in milliseconds: `interval` per failure, `burst` failures in a row.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub interval: i64,
    pub burst: i64,
}

impl Rule {
    /// How far ahead of now the arrival time may lie and still allow one more failure.
    pub fn tolerance(self) -> i64 {
        self.interval * (self.burst - 1)
    }

    /// How long a key with arrival time `tat` must rest at `now` (0: not locked).
    pub fn wait(self, tat: i64, now: i64) -> i64 {
        (tat - now - self.tolerance()).max(0)
    }
}

/// Whole seconds to send in `Retry-After`, never 0.
pub fn retry_after_secs(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// Whose accounts an email names.
#[derive(Debug, Clone, Copy)]
pub enum Realm<'a> {
    Administrators,
    /// The experience users of this application.
    Application(&'a str),
}

impl Realm<'_> {
    pub fn scope(self) -> String {
        match self {
            Realm::Administrators => "admin".into(),
            Realm::Application(id) => id.to_owned(),
        }
    }
}
