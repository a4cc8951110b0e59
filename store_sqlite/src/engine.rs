//! What this crate's engine is. The repositories and services are written once against these
//! names; `store_pg` compiles the same files with its own `engine` (PostgreSQL).

pub type Db = sqlx::Sqlite;
pub type DbConn = sqlx::SqliteConnection;
pub type DbPool = sqlx::SqlitePool;

/// Keeps the branch for this engine and drops the other unexpanded: where a statement differs
/// between the engines, both texts stand side by side in the one place that runs it.
macro_rules! by_engine {
    (sqlite => $sqlite:expr, postgres => $postgres:expr $(,)?) => {
        $sqlite
    };
    // Items only one engine has (a statement only it can compile).
    (sqlite => { $($sqlite:item)* } postgres => { $($postgres:item)* }) => {
        $($sqlite)*
    };
}
pub(crate) use by_engine;
