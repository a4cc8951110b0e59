//! What this crate's engine is: the same repositories and services as `store`, on PostgreSQL.

pub type Db = sqlx::Postgres;
pub type DbConn = sqlx::PgConnection;
pub type DbPool = sqlx::PgPool;

/// See `store`'s `engine::by_engine`.
macro_rules! by_engine {
    (sqlite => $sqlite:expr, postgres => $postgres:expr $(,)?) => {
        $postgres
    };
    (sqlite => { $($sqlite:item)* } postgres => { $($postgres:item)* }) => {
        $($postgres)*
    };
}
pub(crate) use by_engine;
