//! Every registered server function, found at run time: none answers a caller without a
//! session, and every one about an application refuses an application that does not exist.
//! A server function added later is covered without being listed here.

use crate::common::{spawn_app, TestApp};
use app::experience::users::ListQuery;
use http::StatusCode;
use server::middleware::PUBLIC_SERVER_FNS;

/// The server functions that concern no application.
const NOT_ABOUT_AN_APPLICATION: [&str; 5] =
    ["/api/login", "/api/logout", "/api/whoami", "/api/applications/list", "/api/applications/create"];
const NO_SUCH_APPLICATION: &str = "ffffffffffffffffffffffff";

fn registered() -> Vec<&'static str> {
    let mut paths: Vec<&str> = leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path).collect();
    paths.sort();
    assert!(paths.len() >= 30, "the server functions are registered: {paths:?}");
    paths
}

/// Every argument any server function takes, well formed, naming `application`: each
/// function reads the ones it takes and ignores the rest.
async fn call_with_every_argument(
    app: &TestApp,
    path: &str,
    application: &str,
    cookie: Option<&str>,
) -> crate::common::Answer {
    let endpoint = path.trim_start_matches("/api/");
    let id = "aaaaaaaaaaaaaaaaaaaaaaaa";
    // The ones that take JSON (nested arguments).
    let json_body = match endpoint {
        "users/list" => Some(serde_json::json!({ "application_id": application, "query": ListQuery::default() })),
        "history/page" => Some(serde_json::json!({ "application_id": application, "filter": {}, "cursor": null })),
        "users/bulk-preview" | "users/bulk-start" => Some(serde_json::json!({
            "application_id": application,
            "target": { "ids": [id] },
            "action": { "type": "enable" },
        })),
        _ => None,
    };
    if let Some(body) = json_body {
        let headers: Vec<(&str, &str)> = cookie.map(|c| ("cookie", c)).into_iter().collect();
        return app.json("POST", path, Some(&body.to_string()), &headers).await;
    }
    let form = [
        ("application_id", application),
        ("id", application),
        ("user_id", id),
        ("group_id", id),
        ("device_id", id),
        ("token_id", id),
        ("job_id", id),
        ("name", "Name"),
        ("description", ""),
        ("email", "someone@example.com"),
        ("password", "a-good-password"),
        ("first_name", ""),
        ("last_name", ""),
        ("version", "1"),
        ("tags_json", "[]"),
        ("group_ids", ""),
        ("expires", ""),
        ("user_limit", ""),
        ("parent_id", ""),
        ("prefix", ""),
    ];
    app.call(endpoint, &form, cookie).await
}

#[tokio::test]
async fn no_server_function_answers_a_caller_without_a_session() {
    let app = spawn_app().await;
    let application = app.call("applications/create", &[("name", "Farm")], Some(&app.sign_in().await)).await;
    let application: String = serde_json::from_str(&application.body).unwrap();
    for path in registered().into_iter().filter(|p| !PUBLIC_SERVER_FNS.contains(p)) {
        let answer = call_with_every_argument(&app, path, &application, None).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{path}: {}", answer.body);
        assert_eq!(answer.json()["type"], "Unauthorized", "{path}: {}", answer.body);
    }
}

#[tokio::test]
async fn every_server_function_about_an_application_refuses_one_that_does_not_exist() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    for path in registered().into_iter().filter(|p| !NOT_ABOUT_AN_APPLICATION.contains(p)) {
        let answer = call_with_every_argument(&app, path, NO_SUCH_APPLICATION, Some(&cookie)).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}: {}", answer.body);
        assert!(answer.body.contains("This application"), "{path}: {}", answer.body);
    }
}
