//! `DATABASE_URL` as the server understands it: `sqlite://PATH` or `postgres://…`. A URL it
//! cannot serve from stops the start with one line saying why (before, any URL that was not
//! `sqlite:` was taken for a file name), and the start line names the database, password hidden.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An SQLite file (created with its directory if missing), or `:memory:`.
    Sqlite { url: String, path: PathBuf },
    /// A PostgreSQL database; `shown` is the URL with its password hidden.
    Postgres { url: String, shown: String },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DatabaseUrlError {
    #[error(
        "DATABASE_URL {shown}: unknown database {scheme:?}; use sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/DB"
    )]
    UnknownScheme { shown: String, scheme: String },
    #[error("DATABASE_URL {shown}: no scheme; use sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/DB")]
    NoScheme { shown: String },
    #[error("DATABASE_URL {shown}: no file name; use sqlite://PATH")]
    NoPath { shown: String },
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, DatabaseUrlError> {
        let shown = redacted(url);
        let Some((scheme, rest)) = url.split_once(':') else {
            return Err(DatabaseUrlError::NoScheme { shown });
        };
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => {
                let path = rest.strip_prefix("//").unwrap_or(rest);
                let path = path.split('?').next().unwrap_or_default();
                if path.is_empty() {
                    return Err(DatabaseUrlError::NoPath { shown });
                }
                Ok(Self::Sqlite { url: url.to_owned(), path: PathBuf::from(path) })
            }
            "postgres" | "postgresql" => Ok(Self::Postgres { url: url.to_owned(), shown }),
            _ if scheme.is_empty() || scheme.contains(['/', '.']) => Err(DatabaseUrlError::NoScheme { shown }),
            _ => Err(DatabaseUrlError::UnknownScheme { shown, scheme: scheme.to_owned() }),
        }
    }

    /// The URL sqlx opens.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Sqlite { url, .. } | Self::Postgres { url, .. } => url,
        }
    }

    /// Creates the directory an SQLite file goes in, saying which one could not be made.
    pub fn prepare(&self) -> Result<(), String> {
        match self {
            Self::Sqlite { path, .. } => match path.parent() {
                Some(dir) if !dir.as_os_str().is_empty() && !self.in_memory() => std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create {} for the SQLite database: {e}", dir.display())),
                _ => Ok(()),
            },
            Self::Postgres { .. } => Ok(()),
        }
    }

    fn in_memory(&self) -> bool {
        matches!(self, Self::Sqlite { path, .. } if path == Path::new(":memory:"))
    }
}

/// What the start line says the server serves from.
impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite { .. } if self.in_memory() => write!(f, "SQLite in memory"),
            Self::Sqlite { path, .. } => write!(f, "SQLite database {}", path.display()),
            Self::Postgres { shown, .. } => write!(f, "PostgreSQL database {shown}"),
        }
    }
}

/// `url` with the password of its `user:password@` part replaced by `***`.
fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split_once(':').map_or(credentials, |(user, _)| user);
            let hidden = if credentials.contains(':') { format!("{user}:***") } else { user.to_owned() };
            format!("{scheme}://{hidden}@{host}{tail}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        let url = DatabaseUrl::parse("sqlite://data/users.db?mode=rwc").unwrap();
        assert_eq!(url.to_string(), "SQLite database data/users.db");
        assert_eq!(url.as_str(), "sqlite://data/users.db?mode=rwc");
        assert_eq!(DatabaseUrl::parse("sqlite:/tmp/x.db").unwrap().to_string(), "SQLite database /tmp/x.db");
        assert_eq!(DatabaseUrl::parse("sqlite::memory:").unwrap().to_string(), "SQLite in memory");
    }

    #[test]
    fn postgres_urls_are_shown_without_their_password() {
        let url = DatabaseUrl::parse("postgres://eu:s3cret@127.0.0.1:5433/eu").unwrap();
        assert_eq!(url.to_string(), "PostgreSQL database postgres://eu:***@127.0.0.1:5433/eu");
        assert_eq!(url.as_str(), "postgres://eu:s3cret@127.0.0.1:5433/eu");
        assert!(DatabaseUrl::parse("postgresql://eu@db/eu").is_ok());
    }

    #[test]
    fn other_urls_stop_the_start_without_showing_a_password() {
        let error = DatabaseUrl::parse("mysql://eu:s3cret@127.0.0.1:5433/eu").unwrap_err().to_string();
        assert_eq!(
            error,
            "DATABASE_URL mysql://eu:***@127.0.0.1:5433/eu: unknown database \"mysql\"; \
             use sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/DB"
        );
        assert!(matches!(DatabaseUrl::parse("mysql://root@db/eu"), Err(DatabaseUrlError::UnknownScheme { .. })));
        assert!(matches!(DatabaseUrl::parse("data/users.db"), Err(DatabaseUrlError::NoScheme { .. })));
        assert!(matches!(DatabaseUrl::parse("./x:y.db"), Err(DatabaseUrlError::NoScheme { .. })));
        assert!(matches!(DatabaseUrl::parse("sqlite://"), Err(DatabaseUrlError::NoPath { .. })));
        assert_eq!(redacted("postgres://eu@host/db"), "postgres://eu@host/db");
        assert_eq!(redacted("postgres://eu:p@ss@host/db?x=1"), "postgres://eu:***@host/db?x=1");
    }
}
