//! A real router over a fresh database, driven without a socket. The suite runs on SQLite, and
//! again on PostgreSQL with EU_TEST_ENGINE=postgres (`make test` runs both; scripts/test starts
//! the PostgreSQL server and passes its URL in EU_TEST_POSTGRES_URL).

#![allow(dead_code)]

use app::server::{passwords::PasswordHasher, AppState, Engine, PoolSettings, Store};
use axum::body::Body;
use axum::Router;
use http::{header, Request, Response, StatusCode};
use http_body_util::BodyExt;
use server::bootstrap::ensure_first_admin;
use sqlx::AnyPool;
use tower::ServiceExt;

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "integration-password";

pub struct TestApp {
    pub router: Router,
    pub store: Store,
    /// The same database, for the statements a test makes itself: written with `$N`
    /// placeholders and SQL both engines read.
    pub db: AnyPool,
    _dir: tempfile::TempDir,
}

/// The engine this run of the suite tests.
pub fn engine() -> Engine {
    match std::env::var("EU_TEST_ENGINE").as_deref() {
        Ok("postgres") => Engine::Postgres,
        Ok("sqlite") | Err(_) => Engine::Sqlite,
        Ok(other) => panic!("EU_TEST_ENGINE={other}: use sqlite or postgres"),
    }
}

/// A fresh, migrated database on the suite's engine: its URL, and the directory an SQLite
/// file lives in (removed when dropped).
pub async fn fresh_database() -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = match engine() {
        Engine::Sqlite => format!("sqlite://{}/test.db", dir.path().display()),
        Engine::Postgres => {
            let server = std::env::var("EU_TEST_POSTGRES_URL")
                .expect("EU_TEST_POSTGRES_URL: run `make test`, or start a server with `scripts/pg start`");
            store_pg::db::fresh_database(&server).await.expect("the test PostgreSQL answers")
        }
    };
    (url, dir)
}

/// A store on a fresh database, and the same database for the test's own statements.
pub async fn fresh_store(hasher: PasswordHasher) -> (Store, AnyPool, tempfile::TempDir) {
    let (url, dir) = fresh_database().await;
    let store = match engine() {
        Engine::Sqlite => Store::open_sqlite(&url, hasher).await,
        Engine::Postgres => Store::open_postgres(&url, PoolSettings::default(), hasher).await,
    }
    .unwrap();
    sqlx::any::install_default_drivers();
    let db = sqlx::pool::PoolOptions::new().max_connections(4).connect(&url).await.unwrap();
    (store, db, dir)
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A test app whose state `adjust` may change first (token lifetime, limits, trust in proxies).
pub async fn spawn_app_with(adjust: impl FnOnce(&mut AppState)) -> TestApp {
    let (store, db, dir) = fresh_store(PasswordHasher::new(2)).await;
    ensure_first_admin(&store, Some(ADMIN_EMAIL.into()), Some(ADMIN_PASSWORD.into())).await.unwrap();
    let options = leptos::config::get_configuration(None).unwrap().leptos_options;
    let mut state = AppState::new(options, store);
    adjust(&mut state);
    TestApp { store: state.store.clone(), router: server::router(state), db, _dir: dir }
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

impl TestApp {
    pub async fn send(&self, request: Request<Body>) -> Answer {
        let response: Response<Body> = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Answer { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Answer {
        let mut request = Request::get(path).header(header::ACCEPT, "text/html");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    /// Calls a server function the way the hydrated browser does (URL-encoded form, JSON answer).
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Answer {
        let body = form.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&");
        let mut request = Request::post(format!("/api/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }

    /// A JSON API request: `body` is sent as JSON when given; `headers` are added as they are.
    pub async fn json(&self, method: &str, path: &str, body: Option<&str>, headers: &[(&str, &str)]) -> Answer {
        let mut request = Request::builder().method(method).uri(path).header(header::ACCEPT, "application/json");
        if body.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let body = body.map(|b| Body::from(b.to_owned())).unwrap_or_else(Body::empty);
        self.send(request.body(body).unwrap()).await
    }

    /// Signs in as the first administrator and returns the `Cookie` header value to send.
    pub async fn sign_in(&self) -> String {
        let answer = self.call("login", &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)], None).await;
        assert!(answer.status.is_success() || answer.status.is_redirection(), "{}: {}", answer.status, answer.body);
        session_cookie(&answer).expect("sign-in sets the session cookie")
    }
}

/// `eu_session=…` from a response's Set-Cookie, ready to send back.
pub fn session_cookie(answer: &Answer) -> Option<String> {
    answer
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("eu_session=") && !v.starts_with("eu_session=;"))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// A user row written straight to the database (as a bulk load does), on either engine.
pub struct TestUser {
    pub id: String,
    pub application_id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub created_at: i64,
}

/// A 24-hex-digit id made from a number, as `ids::new_id` ids look.
pub fn numbered_id(n: i64) -> String {
    format!("{n:024x}")
}

/// Inserts `users` in batches (their emails lowercased for `email_normalized`). The
/// placeholders are written as `$N`, which both engines read (sqlx's `QueryBuilder` writes `?`
/// for the `Any` driver, which PostgreSQL does not).
pub async fn insert_users(db: &AnyPool, users: &[TestUser]) {
    for batch in users.chunks(500) {
        let rows: Vec<String> = (0..batch.len())
            .map(|r| {
                format!(
                    "(${}, ${}, ${}, ${}, 'x', ${}, ${}, ${}, 0, 0)",
                    r * 7 + 1,
                    r * 7 + 2,
                    r * 7 + 3,
                    r * 7 + 4,
                    r * 7 + 5,
                    r * 7 + 6,
                    r * 7 + 7
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO experience_users (id, application_id, email, email_normalized, password_hash, first_name, \
             last_name, created_at, updated_at, password_updated_at) VALUES {}",
            rows.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for u in batch {
            query = query
                .bind(u.id.clone())
                .bind(u.application_id.clone())
                .bind(u.email.clone())
                .bind(u.email.to_lowercase())
                .bind(u.first_name.clone())
                .bind(u.last_name.clone())
                .bind(u.created_at);
        }
        query.execute(db).await.unwrap();
    }
}

/// A signed-in administrator, an application and an API token of it: for the REST API's tests.
pub struct ApiApp {
    pub app: TestApp,
    pub cookie: String,
    pub app_id: String,
    pub token: String,
}

impl ApiApp {
    /// A fresh server with an application "Farm" and a token named `token_name`.
    pub async fn new(token_name: &str) -> Self {
        let app = spawn_app().await;
        let cookie = app.sign_in().await;
        let created = app.call("applications/create", &[("name", "Farm")], Some(&cookie)).await;
        let app_id: String = serde_json::from_str(&created.body).unwrap();
        let form = [("application_id", app_id.as_str()), ("name", token_name), ("expires", "")];
        let token =
            app.call("api-tokens/create", &form, Some(&cookie)).await.json()["secret"].as_str().unwrap().to_owned();
        Self { app, cookie, app_id, token }
    }

    /// A REST call about the application: `path` follows `/api/v1/applications/{id}`.
    pub async fn api(&self, method: &str, path: &str, body: Option<serde_json::Value>) -> Answer {
        let bearer = format!("Bearer {}", self.token);
        let body = body.map(|b| b.to_string());
        let path = format!("/api/v1/applications/{}{path}", self.app_id);
        self.app.json(method, &path, body.as_deref(), &[("authorization", &bearer)]).await
    }
}
