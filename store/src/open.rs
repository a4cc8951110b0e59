//! Opening a store on either engine.

use std::fmt;

use crate::passwords::PasswordHasher;
use crate::Store;

pub use store_pg::db::PoolSettings;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        })
    }
}

impl Store {
    /// Opens (creating if needed) an SQLite database and applies pending migrations.
    pub async fn open_sqlite(url: &str, hasher: PasswordHasher) -> Result<Store, sqlx::Error> {
        Ok(Store::sqlite(store_sqlite::db::connect(url).await?, hasher))
    }

    /// Connects to PostgreSQL and applies pending migrations (once, however many instances
    /// start at the same time).
    pub async fn open_postgres(
        url: &str,
        settings: PoolSettings,
        hasher: PasswordHasher,
    ) -> Result<Store, sqlx::Error> {
        Ok(Store::postgres(store_pg::db::connect(url, settings).await?, hasher))
    }
}
