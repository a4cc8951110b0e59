//! Declaring a function once for both engines: its signature, and the path of the engine
//! function it hands the call to (which takes the engine's store or connection first).

/// `pub async fn name(store: &Store, args…) -> T => path::to::engine_fn;`
macro_rules! store_fns {
    ($( $(#[$meta:meta])* pub async fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty => $($path:ident)::+; )*) => {
        $(
            $(#[$meta])*
            pub async fn $name(store: &$crate::Store, $($arg: $ty),*) -> $ret {
                match &store.engine {
                    $crate::Engines::Sqlite(s) => ::store_sqlite::$($path)::+(s, $($arg),*).await,
                    $crate::Engines::Postgres(s) => ::store_pg::$($path)::+(s, $($arg),*).await,
                }
            }
        )*
    };
}

/// `pub async fn name(conn: &mut Conn, args…) -> T => path::to::engine_fn;`
macro_rules! conn_fns {
    ($( $(#[$meta:meta])* pub async fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty => $($path:ident)::+; )*) => {
        $(
            $(#[$meta])*
            pub async fn $name(conn: &mut $crate::Conn, $($arg: $ty),*) -> $ret {
                match conn {
                    $crate::Conn::Sqlite(c) => ::store_sqlite::$($path)::+(&mut **c, $($arg),*).await,
                    $crate::Conn::Postgres(c) => ::store_pg::$($path)::+(&mut **c, $($arg),*).await,
                }
            }
        )*
    };
}
