//! The storage the doors see: a `Store` on either engine, and the services and repositories
//! as functions of it (or of a `Conn` from it) that hand each call to the engine's own
//! compilation of the same source. Adding a service function means one line here.

#[macro_use]
mod dispatch;
pub mod bulk_jobs;
pub mod job_runner;
mod open;
mod services;

pub mod repo;

pub use open::{Engine, PoolSettings};
pub use services::*;
pub use store_core::{
    audit, bulk, clock, domain, error, headers, ids, import, inputs, jobs, passwords, records, sessions, sign_in_rules,
};
pub use store_sqlite::DEFAULT_TOKEN_TTL_MS;

use passwords::PasswordHasher;
use sqlx::pool::PoolConnection;

/// What the services need from the running server, on one engine.
#[derive(Clone)]
pub struct Store {
    engine: Engines,
}

#[derive(Clone)]
enum Engines {
    Sqlite(store_sqlite::Store),
    Postgres(store_pg::Store),
}

/// One connection from the store's pool, for a door's reads (and the repository functions
/// that take one).
pub enum Conn {
    Sqlite(PoolConnection<sqlx::Sqlite>),
    Postgres(PoolConnection<sqlx::Postgres>),
}

impl Store {
    pub fn sqlite(pool: sqlx::SqlitePool, hasher: PasswordHasher) -> Self {
        Self { engine: Engines::Sqlite(store_sqlite::Store::new(pool, hasher)) }
    }

    pub fn postgres(pool: sqlx::PgPool, hasher: PasswordHasher) -> Self {
        Self { engine: Engines::Postgres(store_pg::Store::new(pool, hasher)) }
    }

    pub fn engine(&self) -> Engine {
        match &self.engine {
            Engines::Sqlite(_) => Engine::Sqlite,
            Engines::Postgres(_) => Engine::Postgres,
        }
    }

    pub async fn acquire(&self) -> Result<Conn, sqlx::Error> {
        Ok(match &self.engine {
            Engines::Sqlite(s) => Conn::Sqlite(s.pool.acquire().await?),
            Engines::Postgres(s) => Conn::Postgres(s.pool.acquire().await?),
        })
    }

    pub fn hasher(&self) -> &PasswordHasher {
        match &self.engine {
            Engines::Sqlite(s) => &s.hasher,
            Engines::Postgres(s) => &s.hasher,
        }
    }

    pub fn set_hasher(&mut self, hasher: PasswordHasher) {
        match &mut self.engine {
            Engines::Sqlite(s) => s.hasher = hasher,
            Engines::Postgres(s) => s.hasher = hasher,
        }
    }

    /// How long an experience user's token is valid after it is issued.
    pub fn token_ttl_ms(&self) -> i64 {
        match &self.engine {
            Engines::Sqlite(s) => s.token_ttl_ms,
            Engines::Postgres(s) => s.token_ttl_ms,
        }
    }

    pub fn set_token_ttl_ms(&mut self, ms: i64) {
        match &mut self.engine {
            Engines::Sqlite(s) => s.token_ttl_ms = ms,
            Engines::Postgres(s) => s.token_ttl_ms = ms,
        }
    }

    /// Closes the pool: every connection is returned and closed.
    pub async fn close(&self) {
        match &self.engine {
            Engines::Sqlite(s) => s.pool.close().await,
            Engines::Postgres(s) => s.pool.close().await,
        }
    }
}
