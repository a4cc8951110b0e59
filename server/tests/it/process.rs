//! The real server binary in a process of its own, and a blocking HTTP client to drive it:
//! for the tests that need processes (several on one database, kills).

use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub(crate) const ADMIN_EMAIL: &str = "admin@example.com";
pub(crate) const ADMIN_PASSWORD: &str = "two-process-password";

pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A database several server processes share, on the suite's engine (see `common::engine`):
/// its URL, and the directory an SQLite file lives in.
pub(crate) fn shared_database() -> (String, tempfile::TempDir) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(crate::common::fresh_database())
}

/// Starts the server binary on an SQLite file.
pub(crate) fn start(database: &Path) -> Server {
    start_on(&format!("sqlite://{}", database.display()))
}

/// Starts the server binary on the database `url` names, on a free port, and waits for its
/// "Serving on" line.
pub(crate) fn start_on(url: &str) -> Server {
    start_with(url, &[])
}

/// `start_on` with more environment variables for the server.
pub(crate) fn start_with(url: &str, env: &[(&str, &str)]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .envs(env.iter().copied())
        .current_dir(workspace_root())
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("DATABASE_URL", url)
        .env("ADMIN_EMAIL", ADMIN_EMAIL)
        .env("ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the server binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        let line = lines.next().expect("the server prints where it serves").unwrap();
        if let Some(address) = line.strip_prefix("Serving on ") {
            break address.split_whitespace().next().unwrap().to_owned();
        }
    };
    // Keep draining stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Server { child, base }
}

/// A blocking HTTP client that hands back every status as an answer and never follows redirects.
pub(crate) fn client() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into()
}

pub(crate) fn server_fn(
    client: &ureq::Agent,
    server: &Server,
    endpoint: &str,
    form: &[(&str, &str)],
    cookie: &str,
) -> Value {
    let mut answer = client
        .post(format!("{}/api/{endpoint}", server.base))
        .header("accept", "application/json")
        .header("cookie", cookie)
        .send_form(form.iter().copied())
        .unwrap();
    assert!(answer.status().is_success(), "{endpoint}: {}", answer.status());
    answer.body_mut().read_json().unwrap()
}

pub(crate) fn me_status(client: &ureq::Agent, server: &Server, app_id: &str, token: &str) -> u16 {
    client
        .get(format!("{}/api/experience/{app_id}/me", server.base))
        .header("authorization", format!("Bearer {token}"))
        .call()
        .unwrap()
        .status()
        .as_u16()
}

pub(crate) fn sign_in(
    client: &ureq::Agent,
    server: &Server,
    app_id: &str,
    password: &str,
) -> http::Response<ureq::Body> {
    client
        .post(format!("{}/api/experience/{app_id}/auth", server.base))
        .send_json(json!({ "email": "ann@example.com", "password": password }))
        .unwrap()
}

pub(crate) fn experience_token(client: &ureq::Agent, server: &Server, app_id: &str) -> String {
    let mut answer = sign_in(client, server, app_id, "a-good-password");
    let answer: Value = answer.body_mut().read_json().unwrap();
    answer["token"].as_str().expect("a token").to_owned()
}

/// Signs the administrator in on `server` and makes an application with the user Ann:
/// (session cookie, application id, Ann's id).
pub(crate) fn application_with_ann(client: &ureq::Agent, server: &Server) -> (String, String, String) {
    let login = client
        .post(format!("{}/api/login", server.base))
        .header("accept", "application/json")
        .send_form([("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .unwrap();
    let cookie = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("eu_session="))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .expect("a session cookie");
    let app_id = server_fn(client, server, "applications/create", &[("name", "Shared")], &cookie);
    let app_id = app_id.as_str().unwrap().to_owned();
    let user_id = server_fn(
        client,
        server,
        "users/create",
        &[
            ("application_id", &app_id),
            ("email", "ann@example.com"),
            ("password", "a-good-password"),
            ("first_name", ""),
            ("last_name", ""),
        ],
        &cookie,
    );
    (cookie, app_id, user_id.as_str().unwrap().to_owned())
}

/// The emails on the first page (100) of the administrators' list of application `app_id`.
pub(crate) fn listed_emails(client: &ureq::Agent, server: &Server, cookie: &str, app_id: &str) -> Vec<String> {
    let query = app::experience::users::ListQuery { size: 100, ..Default::default() };
    let query = json!({ "application_id": app_id, "query": query });
    let mut answer = client
        .post(format!("{}/api/users/list", server.base))
        .header("accept", "application/json")
        .header("cookie", cookie)
        .send_json(query)
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    let page: Value = answer.body_mut().read_json().unwrap();
    page["rows"].as_array().unwrap().iter().map(|r| r["email"].as_str().unwrap().to_owned()).collect()
}
