use app::error::AppError;
use app::server::audit::{acting_as, Actor};
use app::server::client_ip;
use app::server::sessions::{hash_token, token_from_headers, CurrentAdmin};
use app::server::{clock::now_ms, repo, AppState};
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

/// The only server functions a caller without a session may call.
pub const PUBLIC_SERVER_FNS: [&str; 2] = ["/api/login", "/api/logout"];

/// An error as a server function would answer it: its status, and the JSON every error of the
/// server shares (`{type, message, …}`), which the browser reads back as the same `AppError`.
pub(crate) fn refuse(error: AppError) -> Response {
    let body = serde_json::to_string(&error).unwrap_or_default();
    let mut response = (error.status(), [(header::CONTENT_TYPE, "application/json")], body).into_response();
    if let Some(secs) = error.retry_after() {
        response.headers_mut().insert(header::RETRY_AFTER, secs.into());
    }
    response
}

/// Resolves the session cookie into a `CurrentAdmin` extension, refuses cross-site POSTs
/// (server functions, the import's upload), and sends signed-out browsers from any admin page to `/login`.
pub async fn sessions(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let is_server_fn = path.starts_with("/api/");

    // Every POST of an administrator's browser: server functions and the import's upload.
    if request.method() == Method::POST && is_cross_site(&request) {
        return refuse(AppError::CrossOrigin);
    }

    if let Some(token) = token_from_headers(request.headers()) {
        match lookup(&state, &token).await {
            Ok(Some(admin)) => {
                request.extensions_mut().insert(admin);
            }
            Ok(None) => {}
            Err(error) => {
                tracing::error!(%error, "session lookup failed");
                return refuse(AppError::Busy);
            }
        }
    }

    let signed_in = request.extensions().get::<CurrentAdmin>().is_some();
    if !signed_in && is_server_fn && !PUBLIC_SERVER_FNS.contains(&path.as_str()) {
        // Refused before its arguments are even read: a server function added later is
        // closed to anonymous callers without having to remember it.
        return refuse(AppError::Unauthorized);
    }
    if !signed_in && is_protected_page(request.method(), &path) {
        let target = match request.uri().path_and_query() {
            Some(pq) if path != "/" => format!("/login?next={}", urlencode(pq.as_str())),
            _ => "/login".to_owned(),
        };
        return Redirect::to(&target).into_response();
    }
    // What the administrator changes is recorded as theirs, from their address.
    match request.extensions().get::<CurrentAdmin>() {
        Some(admin) => {
            let address = client_ip::of(request.extensions(), request.headers(), state.proxy_hops).to_string();
            acting_as(Actor { name: admin.email.clone(), address }, next.run(request)).await
        }
        None => next.run(request).await,
    }
}

async fn lookup(state: &AppState, token: &str) -> Result<Option<CurrentAdmin>, sqlx::Error> {
    let mut conn = state.acquire().await?;
    repo::sessions::find_admin(&mut conn, &hash_token(token), now_ms()).await
}

/// Pages are everything a browser navigates to except the sign-in page and static files.
fn is_protected_page(method: &Method, path: &str) -> bool {
    method == Method::GET && (path == "/" || path == "/applications" || path.starts_with("/applications/"))
}

/// A browser always sends `Origin` on cross-site POSTs; when present it must name this host.
fn is_cross_site(request: &Request) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site == "cross-site" || site == "same-site" {
            return true;
        }
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or(origin);
    origin_host != host
}

fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Refuses a body longer than `LIMIT` bytes with 413 `{type, message}`, whether it announces
/// its length or not: the admin routes' bodies are small forms, read here whole.
pub async fn limit_body<const LIMIT: usize>(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let announced = parts.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if announced.is_some_and(|length| length > LIMIT as u64) {
        return refuse(AppError::TooLarge(LIMIT));
    }
    match axum::body::to_bytes(body, LIMIT).await {
        Ok(bytes) => next.run(Request::from_parts(parts, axum::body::Body::from(bytes))).await,
        Err(_) => refuse(AppError::TooLarge(LIMIT)),
    }
}
