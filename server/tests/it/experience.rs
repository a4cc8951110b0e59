//! The experience API: sign-in, the token's doors, every way a token is refused, limits.

use crate::common::{spawn_app, spawn_app_with, Answer, TestApp};
use app::server::passwords::PasswordHasher;
use http::StatusCode;
use serde_json::{json, Value};

const PASSWORD: &str = "a-good-password";

struct Fixture {
    app: TestApp,
    cookie: String,
    app_id: String,
    user_id: String,
}

async fn new_application(app: &TestApp, cookie: &str, name: &str) -> String {
    let created = app.call("applications/create", &[("name", name)], Some(cookie)).await;
    serde_json::from_str(&created.body).unwrap()
}

async fn new_user(app: &TestApp, cookie: &str, app_id: &str, email: &str) -> String {
    let created = app
        .call(
            "users/create",
            &[
                ("application_id", app_id),
                ("email", email),
                ("password", PASSWORD),
                ("first_name", "Ann"),
                ("last_name", "Lee"),
            ],
            Some(cookie),
        )
        .await;
    assert!(created.status.is_success() || created.status.is_redirection(), "{}", created.body);
    serde_json::from_str(&created.body).unwrap()
}

async fn fixture_from(app: TestApp) -> Fixture {
    let cookie = app.sign_in().await;
    let app_id = new_application(&app, &cookie, "Farm").await;
    let user_id = new_user(&app, &cookie, &app_id, "ann@example.com").await;
    Fixture { app, cookie, app_id, user_id }
}

async fn fixture() -> Fixture {
    fixture_from(spawn_app().await).await
}

async fn sign_in(app: &TestApp, app_id: &str, email: &str, password: &str, headers: &[(&str, &str)]) -> Answer {
    let body = json!({ "email": email, "password": password }).to_string();
    app.json("POST", &format!("/api/experience/{app_id}/auth"), Some(&body), headers).await
}

async fn token(f: &Fixture) -> String {
    let answer = sign_in(&f.app, &f.app_id, "ann@example.com", PASSWORD, &[]).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.json()["token"].as_str().unwrap().to_owned()
}

async fn me(f: &Fixture, token: &str) -> Answer {
    let bearer = format!("Bearer {token}");
    f.app.json("GET", &format!("/api/experience/{}/me", f.app_id), None, &[("authorization", &bearer)]).await
}

fn assert_rejected(answer: &Answer, case: &str) {
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{case}: {}", answer.body);
    let body = answer.json();
    assert_eq!(body["type"], "Unauthorized", "{case}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{case}");
    assert!(body.get("email").is_none() && body.get("id").is_none(), "{case}: no data");
}

#[tokio::test]
async fn sign_in_answers_a_token_and_the_user_and_records_the_login() {
    let f = fixture().await;
    let answer = sign_in(&f.app, &f.app_id, "ANN@example.com", PASSWORD, &[]).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let body = answer.json();
    let token = body["token"].as_str().unwrap();
    assert!(token.len() >= 43, "at least 256 bits as base64url: {token}");
    assert_eq!(body["user"]["id"], f.user_id.as_str());
    assert_eq!(body["user"]["email"], "ann@example.com");
    assert!(body["user"]["lastLogin"].as_str().unwrap().ends_with('Z'));

    // Only the token's hash is stored.
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT token_hash FROM experience_tokens").fetch_all(&f.app.db).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], token);

    let profile = me(&f, token).await;
    assert_eq!(profile.status, StatusCode::OK, "{}", profile.body);
    let profile = profile.json();
    assert_eq!(profile["id"], f.user_id.as_str());
    assert_eq!(profile["firstName"], "Ann");
    assert_eq!(profile["userTags"], json!({}));
    assert_eq!(profile["experienceGroups"], json!([]));
}

#[tokio::test]
async fn the_token_works_as_header_query_parameter_and_cookie() {
    let f = fixture().await;
    let token = token(&f).await;
    let path = format!("/api/experience/{}/me", f.app_id);
    let by_query = f.app.json("GET", &format!("{path}?authorization={token}"), None, &[]).await;
    assert_eq!(by_query.status, StatusCode::OK, "{}", by_query.body);
    let cookie = format!("theme=dark; authorization={token}");
    let by_cookie = f.app.json("GET", &path, None, &[("cookie", &cookie)]).await;
    assert_eq!(by_cookie.status, StatusCode::OK, "{}", by_cookie.body);
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let f = fixture().await;
    let wrong = sign_in(&f.app, &f.app_id, "ann@example.com", "not-the-password", &[]).await;
    let unknown = sign_in(&f.app, &f.app_id, "nobody@example.com", "not-the-password", &[]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!((wrong.status, &wrong.body), (unknown.status, &unknown.body));
    assert_eq!(wrong.json()["type"], "Unauthorized");
}

#[tokio::test]
async fn every_kind_of_bad_token_is_refused_with_401() {
    let f = fixture().await;
    let path = format!("/api/experience/{}/me", f.app_id);
    assert_rejected(&f.app.json("GET", &path, None, &[]).await, "no token");
    assert_rejected(&me(&f, "garbage").await, "garbage");
    assert_rejected(&me(&f, &"x".repeat(5000)).await, "oversized");

    // Issued before the user's cutoff.
    let old = token(&f).await;
    let done = f
        .app
        .call("users/invalidate-tokens", &[("application_id", &f.app_id), ("user_id", &f.user_id)], Some(&f.cookie))
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_rejected(&me(&f, &old).await, "before the user's cutoff");
    let fresh = token(&f).await;
    assert_eq!(me(&f, &fresh).await.status, StatusCode::OK, "a token issued after the cutoff works");

    // Issued before the application's cutoff.
    let done = f.app.call("users/invalidate-all-tokens", &[("application_id", &f.app_id)], Some(&f.cookie)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_rejected(&me(&f, &fresh).await, "before the application's cutoff");
    let after_all = token(&f).await;
    assert_eq!(me(&f, &after_all).await.status, StatusCode::OK, "signing in again works: nothing else changed");

    // A token of the same email in another application.
    let other_app = new_application(&f.app, &f.cookie, "Other").await;
    new_user(&f.app, &f.cookie, &other_app, "ann@example.com").await;
    let other = sign_in(&f.app, &other_app, "ann@example.com", PASSWORD, &[]).await.json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_rejected(&me(&f, &other).await, "another application's token");

    // The user is deleted.
    let deleted =
        f.app.call("users/delete", &[("application_id", &f.app_id), ("user_id", &f.user_id)], Some(&f.cookie)).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert_rejected(&me(&f, &after_all).await, "deleted user");
    let devices = f.app.json("GET", &format!("{path}/devices?authorization={after_all}"), None, &[]).await;
    assert_rejected(&devices, "deleted user, devices");
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let f = fixture_from(spawn_app_with(|state| state.set_token_ttl_ms(300)).await).await;
    let token = token(&f).await;
    assert_eq!(me(&f, &token).await.status, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_rejected(&me(&f, &token).await, "expired");
}

#[tokio::test]
async fn changing_the_password_invalidates_tokens_only_when_asked() {
    let f = fixture().await;
    let update = |version: &'static str, invalidate: bool| {
        let mut form = vec![
            ("application_id", f.app_id.clone()),
            ("user_id", f.user_id.clone()),
            ("version", version.to_owned()),
            ("email", "ann@example.com".to_owned()),
            ("first_name", "Ann".to_owned()),
            ("last_name", "Lee".to_owned()),
            ("change_password", "on".to_owned()),
            ("password", PASSWORD.to_owned()),
        ];
        if invalidate {
            form.push(("invalidate_tokens", "on".to_owned()));
        }
        form
    };
    let kept = token(&f).await;
    let form = update("1", false);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = f.app.call("users/update", &form, Some(&f.cookie)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(me(&f, &kept).await.status, StatusCode::OK, "not asked: the token still works");

    let form = update("2", true);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = f.app.call("users/update", &form, Some(&f.cookie)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(saved.json()["token_cutoff"].as_i64().is_some());
    assert_rejected(&me(&f, &kept).await, "password changed with invalidation");
}

#[tokio::test]
async fn me_devices_lists_devices_of_the_users_groups_and_their_ancestors() {
    let f = fixture().await;
    let now = 1_800_000_000_000i64;
    let pool = &f.app.db;
    // root ← middle ← leaf; the user is in leaf. d-root is tied to root, d-leaf to leaf,
    // d-other to a group the user has nothing to do with.
    for (id, name, parent) in [
        ("aaaaaaaaaaaaaaaaaaaaaa01", "Root", None),
        ("aaaaaaaaaaaaaaaaaaaaaa02", "Middle", Some("aaaaaaaaaaaaaaaaaaaaaa01")),
        ("aaaaaaaaaaaaaaaaaaaaaa03", "Leaf", Some("aaaaaaaaaaaaaaaaaaaaaa02")),
        ("aaaaaaaaaaaaaaaaaaaaaa04", "Elsewhere", None),
    ] {
        sqlx::query("INSERT INTO experience_groups (id, application_id, name, parent_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id).bind(&f.app_id).bind(name).bind(parent).bind(now).bind(now)
            .execute(pool).await.unwrap();
    }
    for (id, name, group) in [
        ("dddddddddddddddddddddd01", "Root pump", "aaaaaaaaaaaaaaaaaaaaaa01"),
        ("dddddddddddddddddddddd02", "Leaf sensor", "aaaaaaaaaaaaaaaaaaaaaa03"),
        ("dddddddddddddddddddddd03", "Other valve", "aaaaaaaaaaaaaaaaaaaaaa04"),
    ] {
        sqlx::query(
            "INSERT INTO devices (id, application_id, name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(&f.app_id)
        .bind(name)
        .bind(now)
        .bind(now)
        .execute(pool)
        .await
        .unwrap();
        sqlx::query("INSERT INTO experience_group_devices (group_id, device_id) VALUES ($1, $2)")
            .bind(group)
            .bind(id)
            .execute(pool)
            .await
            .unwrap();
    }
    sqlx::query(
        "INSERT INTO device_tags (device_id, key, value) VALUES ('dddddddddddddddddddddd01', 'floor', '<b>2</b>')",
    )
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO experience_group_members (group_id, user_id) VALUES ('aaaaaaaaaaaaaaaaaaaaaa03', $1)")
        .bind(&f.user_id)
        .execute(pool)
        .await
        .unwrap();

    let token = token(&f).await;
    let bearer = format!("Bearer {token}");
    let answer = f
        .app
        .json("GET", &format!("/api/experience/{}/me/devices", f.app_id), None, &[("authorization", &bearer)])
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let body = answer.json();
    assert_eq!(body["count"], 2);
    let items = body["items"].as_array().unwrap();
    let summary: Vec<(String, Vec<String>)> = items
        .iter()
        .map(|d| {
            let by = d["grantedBy"].as_array().unwrap();
            (
                d["name"].as_str().unwrap().to_owned(),
                by.iter().map(|g| g["name"].as_str().unwrap().to_owned()).collect(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![("Leaf sensor".to_owned(), vec!["Leaf".to_owned()]), ("Root pump".to_owned(), vec!["Root".to_owned()])]
    );
    assert_eq!(items[1]["tags"], json!([{ "key": "floor", "value": "<b>2</b>" }]));

    let profile = me(&f, &token).await.json();
    assert_eq!(
        profile["experienceGroups"],
        json!([{ "id": "aaaaaaaaaaaaaaaaaaaaaa03", "name": "Leaf", "parentId": "aaaaaaaaaaaaaaaaaaaaaa02" }])
    );
}

#[tokio::test]
async fn ten_failures_lock_an_account_for_that_address_with_retry_after() {
    let f = fixture_from(spawn_app_with(|state| state.proxy_hops = 1).await).await;
    let here = [("x-forwarded-for", "198.51.100.7")];
    for attempt in 1..=10 {
        let answer = sign_in(&f.app, &f.app_id, "ann@example.com", "wrong-password", &here).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    // Now even the right password is refused from here, before it is checked…
    let locked = sign_in(&f.app, &f.app_id, "ann@example.com", PASSWORD, &here).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "{}", locked.body);
    assert_eq!(locked.json()["type"], "TooManyRequests");
    let retry: u64 = locked.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // …while the same account from another address, and another account from here, still work.
    let elsewhere =
        sign_in(&f.app, &f.app_id, "ann@example.com", PASSWORD, &[("x-forwarded-for", "203.0.113.9")]).await;
    assert_eq!(elsewhere.status, StatusCode::OK, "{}", elsewhere.body);
    let other = sign_in(&f.app, &f.app_id, "bob@example.com", "wrong-password", &here).await;
    assert_eq!(other.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_account_takes_at_most_100_failures_an_hour_from_all_addresses() {
    let f = fixture_from(spawn_app_with(|state| state.proxy_hops = 1).await).await;
    for attempt in 0..100u32 {
        let ip = format!("10.0.{}.{}", attempt / 9, attempt % 9 + 1);
        let answer = sign_in(&f.app, &f.app_id, "ann@example.com", "wrong-password", &[("x-forwarded-for", &ip)]).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let fresh_address =
        sign_in(&f.app, &f.app_id, "ann@example.com", PASSWORD, &[("x-forwarded-for", "192.0.2.1")]).await;
    assert_eq!(fresh_address.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(fresh_address.headers.contains_key("retry-after"));
}

#[tokio::test]
async fn bodies_are_small_json_with_known_fields_and_errors_are_json() {
    let f = fixture().await;
    let path = format!("/api/experience/{}/auth", f.app_id);
    let unknown = json!({ "email": "ann@example.com", "password": PASSWORD, "admin": true }).to_string();
    let answer = f.app.json("POST", &path, Some(&unknown), &[]).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
    assert_eq!(answer.json()["type"], "Validation");

    let big = json!({ "email": "ann@example.com", "password": "p".repeat(5000) }).to_string();
    let answer = f.app.json("POST", &path, Some(&big), &[]).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.json()["type"], "PayloadTooLarge");

    let answer = f.app.json("POST", &path, Some("{not json"), &[]).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);

    let bad_email = json!({ "email": "nope", "password": PASSWORD }).to_string();
    let answer = f.app.json("POST", &path, Some(&bad_email), &[]).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.json()["message"], "Enter a valid email address");

    let answer = f.app.json("POST", "/api/experience/ffffffffffffffffffffffff/auth", Some(&unknown), &[]).await;
    assert!(answer.status.is_client_error());
    let missing_app = json!({ "email": "ann@example.com", "password": PASSWORD }).to_string();
    let answer = f.app.json("POST", "/api/experience/ffffffffffffffffffffffff/auth", Some(&missing_app), &[]).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.json()["type"], "NotFound");
}

/// `n` wrong-password sign-ins of distinct unknown emails, sent at once.
fn wrong_passwords_at_once(f: Fixture, n: usize) -> Vec<tokio::task::JoinHandle<crate::common::Answer>> {
    let app = std::sync::Arc::new(f.app);
    (0..n)
        .map(|i| {
            let (app, app_id) = (app.clone(), f.app_id.clone());
            tokio::spawn(
                async move { sign_in(&app, &app_id, &format!("user{i}@example.com"), "whatever-pass", &[]).await },
            )
        })
        .collect()
}

#[tokio::test]
async fn a_full_hashing_queue_answers_503_with_retry_after() {
    let f = fixture_from(spawn_app_with(|state| state.set_hasher(PasswordHasher::with_queue(1, 1))).await).await;
    let calls = wrong_passwords_at_once(f, 12);
    let mut statuses = Vec::new();
    for call in calls {
        let answer = call.await.unwrap();
        if answer.status == StatusCode::SERVICE_UNAVAILABLE {
            assert_eq!(answer.json()["type"], "ServiceUnavailable");
            assert_eq!(answer.headers["retry-after"], "1");
        }
        statuses.push(answer.status);
    }
    let busy = statuses.iter().filter(|s| **s == StatusCode::SERVICE_UNAVAILABLE).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    assert!(busy >= 1 && refused >= 2 && busy + refused == 12, "{statuses:?}");
}

#[tokio::test]
async fn a_burst_past_the_hashing_line_waits_for_a_place_instead_of_failing() {
    let hasher = PasswordHasher::with_queue(1, 1).waiting(16, std::time::Duration::from_secs(60));
    let f = fixture_from(spawn_app_with(|state| state.set_hasher(hasher)).await).await;
    let calls = wrong_passwords_at_once(f, 12);
    for call in calls {
        let answer = call.await.unwrap();
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.body);
    }
}

#[tokio::test]
async fn the_admin_sign_in_is_limited_too() {
    let app = spawn_app().await;
    for _ in 0..10 {
        let answer =
            app.call("login", &[("email", crate::common::ADMIN_EMAIL), ("password", "wrong-password")], None).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }
    let locked = app
        .call("login", &[("email", crate::common::ADMIN_EMAIL), ("password", crate::common::ADMIN_PASSWORD)], None)
        .await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "{}", locked.body);
    assert!(locked.headers.contains_key("retry-after"));
    let _: Value = serde_json::from_str(&locked.body).unwrap();
}

#[tokio::test]
async fn behind_a_proxy_a_client_cannot_pick_its_address_to_escape_the_lock() {
    let f = fixture_from(spawn_app_with(|state| state.proxy_hops = 1).await).await;
    // The proxy appends the address it saw (198.51.100.7); the client varies what it sends before it.
    for attempt in 1..=10 {
        let spoofed = format!("203.0.113.{attempt}, 198.51.100.7");
        let answer =
            sign_in(&f.app, &f.app_id, "ann@example.com", "wrong-password", &[("x-forwarded-for", &spoofed)]).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let spoofed = [("x-forwarded-for", "192.0.2.250, 198.51.100.7")];
    let locked = sign_in(&f.app, &f.app_id, "ann@example.com", PASSWORD, &spoofed).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "{}", locked.body);
}

#[tokio::test]
async fn concurrent_wrong_passwords_cannot_outrun_the_limit() {
    let f = fixture_from(spawn_app_with(|state| state.proxy_hops = 1).await).await;
    let app = std::sync::Arc::new(f.app);
    let attempts: Vec<_> = (0..50)
        .map(|_| {
            let (app, app_id) = (app.clone(), f.app_id.clone());
            tokio::spawn(async move {
                let here = [("x-forwarded-for", "198.51.100.7")];
                sign_in(&app, &app_id, "ann@example.com", "wrong-password", &here).await.status
            })
        })
        .collect();
    let mut checked = 0;
    let mut refused = 0;
    for attempt in attempts {
        match attempt.await.unwrap() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            other => panic!("unexpected {other}"),
        }
    }
    // Only a password that was checked answers 401; the limit lets 10 through, the rest wait.
    assert_eq!((checked, refused), (10, 40));
}
