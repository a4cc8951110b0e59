//! Opening a benchmark's database on either engine: the server's `Store`, and the same database
//! through sqlx's `Any` driver for the benchmark's own seeding statements.

use app::server::{passwords::PasswordHasher, PoolSettings, Store};

/// `--database-url URL` from the arguments `cargo bench` passes on, if any.
#[allow(dead_code)] // bench-users reads it with its other flags
pub fn database_url_arg() -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == "--database-url").and_then(|i| args.get(i + 1)).cloned()
}

pub async fn open(url: &str) -> Result<(Store, sqlx::AnyPool), sqlx::Error> {
    let hasher = PasswordHasher::new(1);
    let store = if url.starts_with("postgres") {
        Store::open_postgres(url, PoolSettings::default(), hasher).await?
    } else {
        Store::open_sqlite(url, hasher).await?
    };
    sqlx::any::install_default_drivers();
    Ok((store, sqlx::pool::PoolOptions::new().max_connections(2).connect(url).await?))
}

/// `VALUES ($1, …), (…)`: `rows` rows of `columns` placeholders, numbered as both engines read
/// them (sqlx's `QueryBuilder` writes `?` for the `Any` driver, which PostgreSQL does not read).
pub fn values(rows: usize, columns: usize) -> String {
    let row = |r: usize| {
        let cells: Vec<String> = (1..=columns).map(|c| format!("${}", r * columns + c)).collect();
        format!("({})", cells.join(", "))
    };
    format!("VALUES {}", (0..rows).map(row).collect::<Vec<_>>().join(", "))
}
