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
    for (url, expected) in [
        (
            "postgres://eu:s3cret@127.0.0.1:1/eu",
            "DATABASE_URL postgres://eu:***@127.0.0.1:1/eu: PostgreSQL is not supported",
        ),
        ("mysql://root@127.0.0.1/eu", "unknown database \"mysql\""),
        ("data/users.db", "no scheme"),
        (unwritable.as_str(), "cannot create"),
    ] {
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
