use crate::common::spawn_app;
use http::StatusCode;

async fn list(app: &crate::common::TestApp, cookie: &str) -> Vec<serde_json::Value> {
    let answer = app.call("applications/list", &[], Some(cookie)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    serde_json::from_str(&answer.body).unwrap()
}

#[tokio::test]
async fn create_rename_and_limit() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let created = app.call("applications/create", &[("name", "  Greenhouse  ")], Some(&cookie)).await;
    assert!(created.status.is_success(), "{}: {}", created.status, created.body);
    let id: String = serde_json::from_str(&created.body).unwrap();
    assert_eq!(id.len(), 24);

    let apps = list(&app, &cookie).await;
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0]["name"], "Greenhouse");
    assert_eq!(apps[0]["user_limit"], serde_json::Value::Null);

    let updated =
        app.call("applications/update", &[("id", &id), ("name", "Orchard"), ("user_limit", "25")], Some(&cookie)).await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    let got = app.call("applications/get", &[("id", &id)], Some(&cookie)).await;
    let got: serde_json::Value = serde_json::from_str(&got.body).unwrap();
    assert_eq!(got["name"], "Orchard");
    assert_eq!(got["user_limit"], 25);

    app.call("applications/update", &[("id", &id), ("name", "Orchard"), ("user_limit", " ")], Some(&cookie)).await;
    let got = app.call("applications/get", &[("id", &id)], Some(&cookie)).await;
    let got: serde_json::Value = serde_json::from_str(&got.body).unwrap();
    assert_eq!(got["user_limit"], serde_json::Value::Null);
}

#[tokio::test]
async fn bad_input_is_refused_field_by_field() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let blank = app.call("applications/create", &[("name", "   ")], Some(&cookie)).await;
    assert_eq!(blank.status, StatusCode::BAD_REQUEST);
    assert!(blank.body.contains("Enter a name"), "{}", blank.body);

    let long = "x".repeat(256);
    let too_long = app.call("applications/create", &[("name", &long)], Some(&cookie)).await;
    assert_eq!(too_long.status, StatusCode::BAD_REQUEST);
    assert!(too_long.body.contains("at most 255 characters (this one has 256)"), "{}", too_long.body);
    assert!(list(&app, &cookie).await.is_empty());

    let created = app.call("applications/create", &[("name", "Farm")], Some(&cookie)).await;
    let id: String = serde_json::from_str(&created.body).unwrap();
    let both = app.call("applications/update", &[("id", &id), ("name", ""), ("user_limit", "-1")], Some(&cookie)).await;
    assert_eq!(both.status, StatusCode::BAD_REQUEST);
    assert!(both.body.contains("Enter a name") && both.body.contains("user_limit"), "{}", both.body);
}

#[tokio::test]
async fn unknown_application_is_not_found() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    for id in ["0123456789abcdef01234567", "not-an-id", "'; DROP TABLE applications; --"] {
        let answer = app.call("applications/get", &[("id", id)], Some(&cookie)).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{id}");
    }
    let page = app.get("/applications/0123456789abcdef01234567/settings", Some(&cookie)).await;
    // The page streams; whether the 404 reaches the status line depends on when the lookup ends.
    assert!(matches!(page.status, StatusCode::OK | StatusCode::NOT_FOUND), "{}", page.status);
    assert!(page.body.contains("was not found"), "{}", page.body);
}
