//! Starting the real binary on a database URL it cannot serve from: it stops at once with one
//! line naming the problem (never the password) and creates nothing; on a good one, the start
//! line says which database it serves from.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn server(dir: &std::path::Path, database_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .current_dir(dir)
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("DATABASE_URL", database_url)
        .env("ADMIN_PASSWORD", "start-test-password")
        .env("RUST_LOG", "warn");
    command
}

#[test]
fn a_database_url_the_server_cannot_use_stops_the_start_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-directory");
    std::fs::write(&blocker, "").unwrap();
    let unwritable = format!("sqlite://{}/users.db", blocker.display());
    let mut cases = vec![
        (
            "postgres://eu:s3cret@127.0.0.1:1/eu".to_owned(),
            "cannot open the PostgreSQL database postgres://eu:***@127.0.0.1:1/eu",
        ),
        ("mysql://root@127.0.0.1/eu".to_owned(), "unknown database \"mysql\""),
        ("data/users.db".to_owned(), "no scheme"),
        (unwritable, "cannot create"),
    ];
    // A server that answers but refuses the login, or has no such database.
    if let Ok(server) = std::env::var("EU_TEST_POSTGRES_URL") {
        let (scheme, rest) = server.split_once("://").unwrap();
        let host = rest.split_once('@').map_or(rest, |(_, host)| host);
        let host = host.split_once('/').map_or(host, |(host, _)| host);
        cases.push((format!("{scheme}://nobody_here:s3cret@{host}/postgres"), "role \"nobody_here\" does not exist"));
        cases.push((format!("{scheme}://eu:s3cret@{host}/no_such_db"), "database \"no_such_db\" does not exist"));
    }
    for (url, expected) in &cases {
        let url = url.as_str();
        let started = Instant::now();
        let output = server(dir.path(), url).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{url}: {stderr}");
        assert!(started.elapsed() < Duration::from_secs(10), "{url} stopped at once");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{url}: one line, got {stderr}");
        assert!(lines[0].starts_with("error: ") && lines[0].contains(expected), "{url}: {stderr}");
        assert!(!stderr.contains("s3cret"), "{stderr}");
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, ["not-a-directory"], "nothing was created");
}

#[test]
fn the_start_line_names_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = server(dir.path(), "sqlite://data/eu.db").stdout(Stdio::piped()).spawn().unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let serving = lines.map(Result::unwrap).find(|l| l.starts_with("Serving on ")).expect("a start line");
    let _ = child.kill();
    let _ = child.wait();
    assert!(serving.ends_with(" from SQLite database data/eu.db"), "{serving}");
    assert!(dir.path().join("data/eu.db").exists());
}

#[test]
fn the_start_line_names_a_postgres_database_without_its_password() {
    let Ok(server_url) = std::env::var("EU_TEST_POSTGRES_URL") else { return };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let url = runtime.block_on(store_pg::db::fresh_database(&server_url)).unwrap();
    let with_password = url.replacen("://eu@", "://eu:s3cret@", 1);
    let dir = tempfile::tempdir().unwrap();
    let mut child = server(dir.path(), &with_password).stdout(Stdio::piped()).spawn().unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let serving = lines.map(Result::unwrap).find(|l| l.starts_with("Serving on ")).expect("a start line");
    let _ = child.kill();
    let _ = child.wait();
    let shown = with_password.replacen(":s3cret@", ":***@", 1);
    assert!(serving.ends_with(&format!(" from PostgreSQL database {shown}")), "{serving}");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "no SQLite file beside it");
}
