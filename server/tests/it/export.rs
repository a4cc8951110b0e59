//! The users list as a file: every page of the current view and filter, in its order, with
//! tags and group paths; CSV cells that a spreadsheet would run as formulas are defused.

use crate::common::{insert_users, numbered_id, spawn_app, TestApp, TestUser};
use http::StatusCode;
use serde_json::Value;

pub(crate) async fn server_fn(app: &TestApp, cookie: &str, endpoint: &str, form: &[(&str, &str)]) -> String {
    let answer = app.call(endpoint, form, Some(cookie)).await;
    assert_eq!(answer.status, StatusCode::OK, "{endpoint}: {}", answer.body);
    serde_json::from_str(&answer.body).unwrap()
}

/// An application with groups Farm > Barn, and three users: Ann (in Barn, tags zone=north and
/// role=admin), Bo (no group, a name that looks like a formula) and Cy (in Farm, tag zone=south).
pub(crate) async fn farm(app: &TestApp, cookie: &str) -> String {
    let app_id = server_fn(app, cookie, "applications/create", &[("name", "Farm")]).await;
    let group = |name: &'static str, parent: String| {
        let app_id = app_id.clone();
        async move {
            let form =
                [("application_id", app_id.as_str()), ("name", name), ("description", ""), ("parent_id", &parent)];
            server_fn(app, cookie, "groups/create", &form).await
        }
    };
    let farm = group("Farm", String::new()).await;
    let barn = group("Barn", farm.clone()).await;
    for (email, first, tags, groups) in [
        ("ann@example.com", "Ann", r#"[["zone","north"],["role","admin"]]"#, barn.as_str()),
        ("bo@example.com", "=HYPERLINK(\"x\")", "[]", ""),
        ("cy@example.com", "Cy, \"the\" third", r#"[["zone","south"]]"#, farm.as_str()),
    ] {
        let form = [
            ("application_id", app_id.as_str()),
            ("email", email),
            ("password", "a-good-password"),
            ("first_name", first),
            ("last_name", "Lee"),
            ("tags_json", tags),
            ("group_ids", groups),
        ];
        server_fn(app, cookie, "users/create", &form).await;
    }
    app_id
}

pub(crate) fn export_path(app_id: &str, query: &str) -> String {
    format!("/applications/{app_id}/experience/users/export?{query}")
}

#[tokio::test]
async fn csv_has_every_column_tag_and_group_path_and_defuses_formulas() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let app_id = farm(&app, &cookie).await;

    let answer = app.get(&export_path(&app_id, "format=csv"), Some(&cookie)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.headers["content-type"], "text/csv; charset=utf-8");
    assert!(answer.headers["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    let mut reader = csv::Reader::from_reader(answer.body.as_bytes());
    let head: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        head,
        [
            "id",
            "email",
            "firstName",
            "lastName",
            "creationDate",
            "lastUpdated",
            "lastLogin",
            "passwordLastUpdated",
            "groups",
            "tag:role",
            "tag:zone"
        ]
    );
    let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    let pick = |row: &Vec<String>, column: &str| row[head.iter().position(|c| c == column).unwrap()].clone();
    let emails: Vec<String> = rows.iter().map(|r| pick(r, "email")).collect();
    assert_eq!(emails, ["ann@example.com", "bo@example.com", "cy@example.com"]);
    assert_eq!(pick(&rows[0], "groups"), "Farm/Barn");
    assert_eq!((pick(&rows[0], "tag:zone"), pick(&rows[0], "tag:role")), ("north".into(), "admin".into()));
    assert_eq!(pick(&rows[0], "lastLogin"), "", "never signed in");
    assert!(pick(&rows[0], "creationDate").ends_with('Z'));
    assert_eq!(pick(&rows[1], "firstName"), "'=HYPERLINK(\"x\")", "a formula is defused");
    assert_eq!((pick(&rows[1], "groups"), pick(&rows[1], "tag:zone")), (String::new(), String::new()));
    assert_eq!(pick(&rows[2], "firstName"), "Cy, \"the\" third", "quotes and commas survive");
    assert_eq!(pick(&rows[2], "groups"), "Farm");
    assert!(!answer.body.contains("argon2"), "no password hash unless asked");

    let with_hashes = app.get(&export_path(&app_id, "format=csv&hashes=1"), Some(&cookie)).await;
    let mut reader = csv::Reader::from_reader(with_hashes.body.as_bytes());
    let head: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let column = head.iter().position(|c| c == "passwordHash").expect("a passwordHash column");
    let hashes: Vec<String> = reader.records().map(|r| r.unwrap()[column].to_owned()).collect();
    assert_eq!(hashes.len(), 3);
    assert!(hashes.iter().all(|h| h.starts_with("$argon2id$v=19$")), "{hashes:?}");
    let json = app.get(&export_path(&app_id, "format=json&hashes=1&q=ann"), Some(&cookie)).await;
    let users: Vec<Value> = serde_json::from_str(&json.body).unwrap();
    assert!(users[0]["passwordHash"].as_str().unwrap().starts_with("$argon2id$"));
}

#[tokio::test]
async fn json_follows_the_lists_view_filter_and_sort() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let app_id = farm(&app, &cookie).await;

    let export = |query: &'static str| {
        let (app, cookie, path) = (&app, &cookie, export_path(&app_id, query));
        async move {
            let answer = app.get(&path, Some(cookie)).await;
            assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.body);
            assert_eq!(answer.headers["content-type"], "application/json");
            let users: Vec<Value> = serde_json::from_str(&answer.body).unwrap();
            users
        }
    };
    let emails = |users: &[Value]| users.iter().map(|u| u["email"].as_str().unwrap().to_owned()).collect::<Vec<_>>();

    let all = export("format=json&sort=email&dir=desc").await;
    assert_eq!(emails(&all), ["cy@example.com", "bo@example.com", "ann@example.com"]);
    let ann = &all[2];
    assert_eq!(ann["groups"], serde_json::json!(["Farm/Barn"]));
    assert_eq!(ann["tags"], serde_json::json!({ "role": "admin", "zone": "north" }));
    assert_eq!(ann["lastLogin"], Value::Null);
    assert!(ann.get("passwordHash").is_none(), "no password hash unless asked");
    assert_eq!(emails(&export("format=json&view=grouped").await), ["ann@example.com", "cy@example.com"]);
    assert_eq!(emails(&export("format=json&view=ungrouped").await), ["bo@example.com"]);
    assert_eq!(emails(&export("format=json&tag=zone%3Dsouth").await), ["cy@example.com"]);
    assert_eq!(emails(&export("format=json&q=ann").await), ["ann@example.com"]);
    assert!(export("format=json&q=nobody").await.is_empty(), "no match is an empty array");
}

#[tokio::test]
async fn every_page_is_exported_once_in_order() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let app_id = server_fn(&app, &cookie, "applications/create", &[("name", "Big")]).await;
    // More than two of the store's batches, straight into the database.
    let count = app::server::user_export::BATCH * 2 + 7;
    let users: Vec<TestUser> = (0..count)
        .map(|i| TestUser {
            id: numbered_id(i + 1),
            application_id: app_id.clone(),
            email: format!("user{i:05}@example.com"),
            first_name: String::new(),
            last_name: String::new(),
            created_at: i,
        })
        .collect();
    insert_users(&app.db, &users).await;

    let answer = app.get(&export_path(&app_id, "format=csv&sort=creationDate"), Some(&cookie)).await;
    assert_eq!(answer.status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(answer.body.as_bytes());
    let emails: Vec<String> = reader.records().map(|r| r.unwrap()[1].to_owned()).collect();
    let expected: Vec<String> = users.iter().map(|u| u.email.clone()).collect();
    assert_eq!(emails, expected);
}

#[tokio::test]
async fn only_a_signed_in_administrator_exports_an_application_that_exists() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let app_id = farm(&app, &cookie).await;

    let anonymous = app.get(&export_path(&app_id, "format=csv"), None).await;
    assert!(anonymous.status.is_redirection(), "a signed-out browser goes to the sign-in page");
    assert!(!anonymous.body.contains("example.com"));

    let missing = app.get(&export_path("ffffffffffffffffffffffff", "format=csv"), Some(&cookie)).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.body);
    assert_eq!(missing.json()["type"], "NotFound");

    let bad = app.get(&export_path(&app_id, "format=xlsx"), Some(&cookie)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["fields"]["format"], "Choose csv or json");
}

/// `server export` on the database a running server uses: the same file as the download.
#[test]
fn the_command_line_writes_the_same_export_to_standard_output() {
    use crate::process::{application_with_ann, client, shared_database, start_on, workspace_root};
    let (url, _dir) = shared_database();
    let server = start_on(&url);
    let (cookie, app_id, ann_id) = application_with_ann(&client(), &server);
    let export = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .current_dir(workspace_root())
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "warn")
            .args(["export", "--application", &app_id])
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };

    let users: Vec<Value> = serde_json::from_str(&export(&["--format", "json"])).unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!((users[0]["id"].as_str(), users[0]["email"].as_str()), (Some(ann_id.as_str()), Some("ann@example.com")));
    let csv = export(&[]);
    let downloaded = client()
        .get(format!("{}{}", server.base, export_path(&app_id, "format=csv")))
        .header("cookie", &cookie)
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    assert_eq!(csv, downloaded);
    assert!(export(&["--filter", "nobody"]).lines().count() == 1, "only the head");
    let with_hashes: Vec<Value> =
        serde_json::from_str(&export(&["--format", "json", "--include-password-hashes"])).unwrap();
    assert!(with_hashes[0]["passwordHash"].as_str().unwrap().starts_with("$argon2id$"));
}
