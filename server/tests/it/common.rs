//! A real router over a fresh SQLite file, driven without a socket.

#![allow(dead_code)]

use app::server::{db, passwords::PasswordHasher, AppState};
use axum::body::Body;
use axum::Router;
use http::{header, Request, Response, StatusCode};
use http_body_util::BodyExt;
use server::bootstrap::ensure_first_admin;
use sqlx::SqlitePool;
use tower::ServiceExt;

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "integration-password";

pub struct TestApp {
    pub router: Router,
    pub pool: SqlitePool,
    _dir: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A test app whose state `adjust` may change first (token lifetime, limits, trust in proxies).
pub async fn spawn_app_with(adjust: impl FnOnce(&mut AppState)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/test.db", dir.path().display());
    let pool = db::connect(&url).await.unwrap();
    let hasher = PasswordHasher::new(2);
    ensure_first_admin(&pool, &hasher, Some(ADMIN_EMAIL.into()), Some(ADMIN_PASSWORD.into())).await.unwrap();
    let options = leptos::config::get_configuration(None).unwrap().leptos_options;
    let mut state = AppState::new(options, pool.clone(), hasher);
    adjust(&mut state);
    TestApp { router: server::router(state), pool, _dir: dir }
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
