use crate::common::{session_cookie, spawn_app, ADMIN_EMAIL, ADMIN_PASSWORD};
use http::{header, StatusCode};

#[tokio::test]
async fn login_page_is_server_rendered() {
    let app = spawn_app().await;
    let answer = app.get("/login", None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.body.contains("<form"), "{}", answer.body);
    assert!(answer.body.contains(r#"name="email""#));
    assert!(answer.body.contains(r#"name="password""#));
    assert!(answer.body.contains("Sign in"));
}

#[tokio::test]
async fn pages_redirect_to_login_without_a_session() {
    let app = spawn_app().await;
    for path in ["/", "/applications", "/applications/0123456789abcdef01234567/experience/users"] {
        let answer = app.get(path, None).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{path}");
        let location = answer.headers[header::LOCATION].to_str().unwrap();
        assert!(location.starts_with("/login"), "{path} -> {location}");
    }
    let answer = app.get("/applications", Some("eu_session=forged")).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = spawn_app().await;
    let wrong = app.call("login", &[("email", ADMIN_EMAIL), ("password", "not-the-password")], None).await;
    let unknown = app.call("login", &[("email", "nobody@example.com"), ("password", "not-the-password")], None).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body, unknown.body);
    assert!(wrong.body.contains("BadCredentials"), "{}", wrong.body);
    assert!(session_cookie(&wrong).is_none());
}

#[tokio::test]
async fn email_case_does_not_matter_for_sign_in() {
    let app = spawn_app().await;
    let answer = app.call("login", &[("email", "ADMIN@Example.COM"), ("password", ADMIN_PASSWORD)], None).await;
    assert!(session_cookie(&answer).is_some(), "{}: {}", answer.status, answer.body);
}

#[tokio::test]
async fn session_cookie_is_http_only_strict_and_stored_hashed() {
    let app = spawn_app().await;
    let answer = app.call("login", &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)], None).await;
    let set_cookie = answer.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    let cookie = session_cookie(&answer).unwrap();
    let token = cookie.trim_start_matches("eu_session=");
    assert!(token.len() >= 43, "256 bits in base64 is 43 characters");
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT token_hash FROM admin_sessions").fetch_all(&app.db).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], token);
    assert_eq!(stored[0], app::server::sessions::hash_token(token));

    let page = app.get("/applications", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
}

#[tokio::test]
async fn sign_out_ends_the_session() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let answer = app.call("logout", &[], Some(&cookie)).await;
    assert!(answer.status.is_success() || answer.status.is_redirection(), "{}", answer.status);
    let cleared = answer.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(app.get("/applications", Some(&cookie)).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.call("applications/list", &[], Some(&cookie)).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn server_functions_require_a_session() {
    let app = spawn_app().await;
    for (endpoint, form) in [
        ("applications/list", vec![]),
        ("applications/get", vec![("id", "0123456789abcdef01234567")]),
        ("applications/create", vec![("name", "Sneaky")]),
        ("applications/update", vec![("id", "0123456789abcdef01234567"), ("name", "x"), ("user_limit", "")]),
        ("whoami", vec![]),
    ] {
        let answer = app.call(endpoint, &form, None).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{endpoint}: {}", answer.body);
    }
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM applications").fetch_one(&app.db).await.unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn cross_site_calls_are_refused() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let request = http::Request::post("/api/applications/create")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, "http://evil.example")
        .header(header::COOKIE, &cookie)
        .body(axum::body::Body::from("name=Evil"))
        .unwrap();
    assert_eq!(app.send(request).await.status, StatusCode::FORBIDDEN);
    let same_origin = http::Request::post("/api/applications/list")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, "http://127.0.0.1:3000")
        .header(header::COOKIE, &cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(app.send(same_origin).await.status, StatusCode::OK);
}

#[tokio::test]
async fn first_admin_is_created_once_with_a_generated_password() {
    use app::server::passwords::PasswordHasher;
    use server::bootstrap::{ensure_first_admin, FirstAdmin};
    let (store, db, _dir) = crate::common::fresh_store(PasswordHasher::new(1)).await;
    let FirstAdmin::Created { email, generated_password: Some(password) } =
        ensure_first_admin(&store, None, None).await.unwrap()
    else {
        panic!("expected a generated password");
    };
    assert_eq!(email, "admin@example.com");
    assert!(password.len() >= 20);
    assert!(matches!(ensure_first_admin(&store, None, None).await.unwrap(), FirstAdmin::Existing));
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM admins").fetch_one(&db).await.unwrap();
    assert!(store.hasher().verify(password, Some(hash)).await.unwrap());
}

#[tokio::test]
async fn expired_sessions_are_refused_and_swept_at_the_next_sign_in() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    sqlx::query("UPDATE admin_sessions SET expires_at = 1").execute(&app.db).await.unwrap();
    assert_eq!(app.get("/applications", Some(&cookie)).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.call("whoami", &[], Some(&cookie)).await.status, StatusCode::UNAUTHORIZED);
    app.sign_in().await;
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM admin_sessions WHERE expires_at = 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(left, 0);
}
