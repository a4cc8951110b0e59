//! Disabling an experience user: the right password and every token they hold answer 401
//! `UserDisabled` at once, on every process; enabling lets them sign in again but leaves the
//! old tokens refused; a disabling with an end ends by itself; nothing else about the user
//! changes, not even the version an open edit page holds.

use std::time::Duration;

use crate::common::{spawn_app, Answer, TestApp};
use app::server::clock::now_ms;
use app::server::users_service::{self, UserInput};
use http::StatusCode;
use serde_json::{json, Value};

const PASSWORD: &str = "a-good-password";

async fn setup() -> (TestApp, String, String, String) {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let created = app.call("applications/create", &[("name", "Farm")], Some(&cookie)).await;
    let app_id: String = serde_json::from_str(&created.body).unwrap();
    let form = [
        ("application_id", app_id.as_str()),
        ("email", "ann@example.com"),
        ("password", PASSWORD),
        ("first_name", "Ann"),
        ("last_name", ""),
    ];
    let created = app.call("users/create", &form, Some(&cookie)).await;
    let user_id: String = serde_json::from_str(&created.body).unwrap();
    (app, cookie, app_id, user_id)
}

async fn sign_in(app: &TestApp, app_id: &str, password: &str) -> Answer {
    let body = json!({ "email": "ann@example.com", "password": password }).to_string();
    app.json("POST", &format!("/api/experience/{app_id}/auth"), Some(&body), &[]).await
}

async fn me(app: &TestApp, app_id: &str, token: &str) -> Answer {
    let bearer = format!("Bearer {token}");
    app.json("GET", &format!("/api/experience/{app_id}/me"), None, &[("authorization", &bearer)]).await
}

async fn set_disabled(app: &TestApp, cookie: &str, app_id: &str, user_id: &str, disable: bool, until: &str) -> Answer {
    let mut form = vec![("application_id", app_id), ("user_id", user_id), ("until", until)];
    if disable {
        form.push(("disable", "on"));
    }
    app.call("users/set-disabled", &form, Some(cookie)).await
}

#[tokio::test]
async fn a_disabled_user_is_refused_with_their_right_password_and_every_token_until_enabled() {
    let (app, cookie, app_id, user_id) = setup().await;
    let token = sign_in(&app, &app_id, PASSWORD).await.json()["token"].as_str().unwrap().to_owned();
    assert_eq!(me(&app, &app_id, &token).await.status, StatusCode::OK);
    let before =
        app.call("users/get", &[("application_id", &app_id), ("user_id", &user_id)], Some(&cookie)).await.json();

    let answer = set_disabled(&app, &cookie, &app_id, &user_id, true, "").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let refused = sign_in(&app, &app_id, PASSWORD).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        (refused.json()["type"].as_str(), refused.json()["message"].as_str()),
        (Some("UserDisabled"), Some("This account is disabled"))
    );
    let wrong = sign_in(&app, &app_id, "a-wrong-password").await;
    assert_eq!(wrong.json()["type"], "Unauthorized", "a wrong password learns nothing of the disabling");
    let held = me(&app, &app_id, &token).await;
    assert_eq!((held.status, held.json()["type"].as_str()), (StatusCode::UNAUTHORIZED, Some("UserDisabled")));

    // Password, groups, tags, version: all as they were.
    let after =
        app.call("users/get", &[("application_id", &app_id), ("user_id", &user_id)], Some(&cookie)).await.json();
    assert_eq!(after["user"]["version"], before["user"]["version"], "disabling is not an edit");
    assert!(after["user"]["disabled_until"].as_i64().unwrap() > now_ms());

    let answer = set_disabled(&app, &cookie, &app_id, &user_id, false, "").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let fresh = sign_in(&app, &app_id, PASSWORD).await;
    assert_eq!(fresh.status, StatusCode::OK, "enabled: the same password signs in: {}", fresh.body);
    let old = me(&app, &app_id, &token).await;
    assert_eq!(
        (old.status, old.json()["type"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("Unauthorized")),
        "a token from before the disabling stays refused"
    );
    let new = fresh.json()["token"].as_str().unwrap().to_owned();
    assert_eq!(me(&app, &app_id, &new).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_disabling_with_an_end_ends_by_itself_and_cannot_end_in_the_past() {
    let (app, cookie, app_id, user_id) = setup().await;
    let until = now_ms() + 1500;
    let input = UserInput { disabled_until: Some(Some(until)), ..UserInput::default() };
    let user = users_service::update(&app.store, &app_id, &user_id, None, input).await.unwrap();
    assert!(user.disabled_at(now_ms()));
    let refused = sign_in(&app, &app_id, PASSWORD).await.json();
    assert_eq!(refused["type"], "UserDisabled");
    assert!(refused["message"].as_str().unwrap().starts_with("This account is disabled until 20"), "{refused}");
    tokio::time::sleep(Duration::from_millis(until as u64 + 100 - now_ms() as u64)).await;
    assert_eq!(sign_in(&app, &app_id, PASSWORD).await.status, StatusCode::OK, "the end came");

    let past = set_disabled(&app, &cookie, &app_id, &user_id, true, "2020-01-01T09:00").await;
    assert_eq!(past.status, StatusCode::BAD_REQUEST);
    assert_eq!(past.json()["fields"]["disabledUntil"], "Choose a time in the future, or disable until enabled again");
    let garbled = set_disabled(&app, &cookie, &app_id, &user_id, true, "next tuesday").await;
    assert_eq!(garbled.json()["fields"]["disabledUntil"], "Enter a date and time, like 2026-12-01T09:00");
    assert_eq!(sign_in(&app, &app_id, PASSWORD).await.status, StatusCode::OK, "a refused disabling changed nothing");
}

#[tokio::test]
async fn the_rest_api_shows_and_sets_the_disabled_state() {
    let (app, cookie, app_id, user_id) = setup().await;
    let created = app
        .call("api-tokens/create", &[("application_id", &app_id), ("name", "ci"), ("expires", "")], Some(&cookie))
        .await;
    let bearer = format!("Bearer {}", created.json()["secret"].as_str().unwrap());
    let path = format!("/api/v1/applications/{app_id}/experience/users/{user_id}");
    let call = |method: &'static str, body: Option<Value>| {
        let (app, path, bearer) = (&app, path.clone(), bearer.clone());
        async move {
            let body = body.map(|b| b.to_string());
            app.json(method, &path, body.as_deref(), &[("authorization", &bearer)]).await
        }
    };
    let shown = call("GET", None).await.json();
    assert_eq!((shown["disabled"].as_bool(), shown.get("disabledUntil")), (Some(false), None));

    let until = "2099-01-01T00:00:00.000Z";
    let patched = call("PATCH", Some(json!({ "disabled": true, "disabledUntil": until }))).await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(
        (patched.json()["disabled"].as_bool(), patched.json()["disabledUntil"].as_str()),
        (Some(true), Some(until))
    );
    assert_eq!(sign_in(&app, &app_id, PASSWORD).await.json()["type"], "UserDisabled");

    let forever = call("PATCH", Some(json!({ "disabled": true }))).await.json();
    assert_eq!((forever["disabled"].as_bool(), forever.get("disabledUntil")), (Some(true), None));
    let enabled = call("PATCH", Some(json!({ "disabled": false }))).await.json();
    assert_eq!(enabled["disabled"], false);
    let bad = call("PATCH", Some(json!({ "disabled": false, "disabledUntil": until }))).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert_eq!(sign_in(&app, &app_id, PASSWORD).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_list_finds_the_disabled_users_and_the_active_ones() {
    let (app, cookie, app_id, ann) = setup().await;
    let form = [
        ("application_id", app_id.as_str()),
        ("email", "bo@example.com"),
        ("password", PASSWORD),
        ("first_name", ""),
        ("last_name", ""),
    ];
    let bo = app.call("users/create", &form, Some(&cookie)).await;
    let bo: String = serde_json::from_str(&bo.body).unwrap();
    set_disabled(&app, &cookie, &app_id, &bo, true, "").await;
    // Ann's disabling has ended already: she counts as active.
    let input = UserInput { disabled_until: Some(Some(now_ms() + 300)), ..UserInput::default() };
    users_service::update(&app.store, &app_id, &ann, None, input).await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;

    let listed = |state: &'static str| {
        let (app, cookie, app_id) = (&app, &cookie, &app_id);
        async move {
            let query = app::experience::users::ListQuery::from_params(|k| (k == "state").then(|| state.to_owned()));
            let body = json!({ "application_id": app_id, "query": query }).to_string();
            let page = app.json("POST", "/api/users/list", Some(&body), &[("cookie", cookie.as_str())]).await.json();
            let emails: Vec<String> =
                page["rows"].as_array().unwrap().iter().map(|r| r["email"].as_str().unwrap().to_owned()).collect();
            (emails, page["matching"].as_i64().unwrap())
        }
    };
    assert_eq!(listed("disabled").await, (vec!["bo@example.com".to_owned()], 1));
    assert_eq!(listed("active").await, (vec!["ann@example.com".to_owned()], 1));
    assert_eq!(listed("").await.1, 2);
}
