//! The REST API's doors: tokens (missing, revoked, another application's), the OpenAPI
//! document against the routes, and the tree rules through the API.

use crate::common::{insert_users, numbered_id, spawn_app, Answer, TestApp, TestUser};
use http::StatusCode;
use serde_json::{json, Value};
use server::rest::openapi;

struct Setup {
    app: TestApp,
    cookie: String,
    app_id: String,
    token: String,
}

async fn new_application(app: &TestApp, cookie: &str, name: &str) -> String {
    let created = app.call("applications/create", &[("name", name)], Some(cookie)).await;
    serde_json::from_str(&created.body).unwrap()
}

async fn new_token(app: &TestApp, cookie: &str, app_id: &str) -> (String, String) {
    let created = app
        .call("api-tokens/create", &[("application_id", app_id), ("name", "ci"), ("expires", "")], Some(cookie))
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let body = created.json();
    (body["info"]["id"].as_str().unwrap().to_owned(), body["secret"].as_str().unwrap().to_owned())
}

async fn setup() -> Setup {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let app_id = new_application(&app, &cookie, "Farm").await;
    let (_, token) = new_token(&app, &cookie, &app_id).await;
    Setup { app, cookie, app_id, token }
}

impl Setup {
    async fn api(&self, method: &str, path: &str, body: Option<Value>) -> Answer {
        self.api_as(&self.token, method, path, body).await
    }

    async fn api_as(&self, token: &str, method: &str, path: &str, body: Option<Value>) -> Answer {
        let bearer = format!("Bearer {token}");
        let body = body.map(|b| b.to_string());
        self.app.json(method, &format!("/api/v1{path}"), body.as_deref(), &[("authorization", &bearer)]).await
    }
}

fn fill(path: &str, app_id: &str, user_id: &str, group_id: &str) -> String {
    path.replace("{applicationId}", app_id)
        .replace("{experienceUserId}", user_id)
        .replace("{experienceGroupId}", group_id)
}

fn assert_refused(answer: &Answer, status: StatusCode, what: &str) {
    assert_eq!(answer.status, status, "{what}: {}", answer.body);
    let body = answer.json();
    assert!(body["type"].is_string() && body["message"].is_string(), "{what}: {body}");
    assert_eq!(body.as_object().unwrap().len(), 2, "{what}: nothing but type and message: {body}");
}

#[tokio::test]
async fn every_route_refuses_a_missing_revoked_or_foreign_token() {
    let s = setup().await;
    let user = s
        .api(
            "POST",
            &format!("/applications/{}/experience/users", s.app_id),
            Some(json!({ "email": "ann@example.com", "password": "a-good-password" })),
        )
        .await;
    assert_eq!(user.status, StatusCode::CREATED, "{}", user.body);
    let user_id = user.json()["id"].as_str().unwrap().to_owned();
    let group =
        s.api("POST", &format!("/applications/{}/experience/groups", s.app_id), Some(json!({ "name": "Barn" }))).await;
    assert_eq!(group.status, StatusCode::CREATED, "{}", group.body);
    let group_id = group.json()["id"].as_str().unwrap().to_owned();

    let (revoked_id, revoked) = new_token(&s.app, &s.cookie, &s.app_id).await;
    let done = s
        .app
        .call("api-tokens/revoke", &[("application_id", &s.app_id), ("token_id", &revoked_id)], Some(&s.cookie))
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let other_app = new_application(&s.app, &s.cookie, "Other").await;
    let (_, foreign) = new_token(&s.app, &s.cookie, &other_app).await;

    for op in openapi::OPERATIONS {
        let path = format!("/api/v1{}", fill(op.path, &s.app_id, &user_id, &group_id));
        let method = op.method.to_uppercase();
        let body = op.request.map(|_| "{}");
        let none = s.app.json(&method, &path, body, &[]).await;
        assert_refused(&none, StatusCode::UNAUTHORIZED, &format!("{method} {path} without a token"));
        let garbage = s.app.json(&method, &path, body, &[("authorization", "Bearer nope")]).await;
        assert_refused(&garbage, StatusCode::UNAUTHORIZED, &format!("{method} {path} with garbage"));
        let revoked_answer = s.app.json(&method, &path, body, &[("authorization", &format!("Bearer {revoked}"))]).await;
        assert_refused(&revoked_answer, StatusCode::UNAUTHORIZED, &format!("{method} {path} with a revoked token"));
        let foreign_answer = s.app.json(&method, &path, body, &[("authorization", &format!("Bearer {foreign}"))]).await;
        assert_refused(
            &foreign_answer,
            StatusCode::FORBIDDEN,
            &format!("{method} {path} with another application's token"),
        );
    }
    // Nothing was changed by any of those.
    assert_eq!(
        s.api("GET", &format!("/applications/{}/experience/users/{user_id}", s.app_id), None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        s.api("GET", &format!("/applications/{}/experience/groups/{group_id}", s.app_id), None).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_openapi_document_matches_the_routes() {
    let s = setup().await;
    let served = s.app.json("GET", "/api/v1/openapi.json", None, &[]).await;
    assert_eq!(served.status, StatusCode::OK);
    let document = served.json();
    assert_eq!(document, openapi::document());
    assert_eq!(document["openapi"], "3.1.0");

    let user = s
        .api(
            "POST",
            &format!("/applications/{}/experience/users", s.app_id),
            Some(json!({ "email": "ann@example.com", "password": "a-good-password" })),
        )
        .await;
    let user_id = user.json()["id"].as_str().unwrap().to_owned();
    let group =
        s.api("POST", &format!("/applications/{}/experience/groups", s.app_id), Some(json!({ "name": "Barn" }))).await;
    let group_id = group.json()["id"].as_str().unwrap().to_owned();

    // A bulk job to read back (its path names one).
    let started = s
        .api(
            "POST",
            &format!("/applications/{}/experience/users/bulk", s.app_id),
            Some(json!({ "action": { "type": "invalidateTokens" }, "experienceUserIds": [user_id] })),
        )
        .await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.body);
    let job_id = started.json()["jobId"].as_str().unwrap().to_owned();

    let paths = document["paths"].as_object().unwrap();
    let mut operations = 0;
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            operations += 1;
            let documented: Vec<u16> =
                operation["responses"].as_object().unwrap().keys().map(|k| k.parse().unwrap()).collect();
            let target = fill(path, &s.app_id, &user_id, &group_id).replace("{jobId}", &job_id);
            // A body that parses but changes nothing harmful; deletes run last, below.
            if method == "delete" {
                continue;
            }
            let body = operation.get("requestBody").map(|_| match (method.as_str(), path.rsplit('/').next()) {
                ("post", Some("users")) => json!({ "email": "bob@example.com", "password": "a-good-password" }),
                ("post", Some("bulk")) => {
                    json!({ "action": { "type": "invalidateTokens" }, "experienceUserIds": [user_id], "dryRun": true })
                }
                ("post", _) => json!({ "name": "Loft" }),
                _ => json!({}),
            });
            let answer = s.api(&method.to_uppercase(), &target, body).await;
            assert!(
                documented.contains(&answer.status.as_u16()),
                "{method} {path}: {} not in {documented:?}: {}",
                answer.status,
                answer.body
            );
            assert!(answer.status.is_success(), "{method} {path}: {}", answer.body);
        }
    }
    assert_eq!(operations, openapi::OPERATIONS.len());
    for (path, id) in [("/experience/users/", &user_id), ("/experience/groups/", &group_id)] {
        let answer = s.api("DELETE", &format!("/applications/{}{path}{id}", s.app_id), None).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        assert_eq!(answer.json(), json!({ "success": true }));
    }
    // What is not documented is not served.
    let undocumented = s.api("DELETE", &format!("/applications/{}", s.app_id), None).await;
    assert_refused(&undocumented, StatusCode::METHOD_NOT_ALLOWED, "an undocumented method");
    let bad_path = s.api("GET", &format!("/applications/{}/experience/users/%FF", s.app_id), None).await;
    assert_refused(&bad_path, StatusCode::BAD_REQUEST, "a path that is not UTF-8");
    let unknown = s.api("GET", &format!("/applications/{}/devices", s.app_id), None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.json()["type"], "NotFound");
}

#[tokio::test]
async fn groups_stay_a_tree_and_children_move_up_when_a_parent_goes() {
    let s = setup().await;
    let groups = format!("/applications/{}/experience/groups", s.app_id);
    let create = |name: &'static str, parent: Option<String>| {
        let s = &s;
        let groups = groups.clone();
        async move {
            let answer = s.api("POST", &groups, Some(json!({ "name": name, "parentId": parent }))).await;
            assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
            answer.json()["id"].as_str().unwrap().to_owned()
        }
    };
    let root = create("Root", None).await;
    let middle = create("Middle", Some(root.clone())).await;
    let leaf = create("Leaf", Some(middle.clone())).await;

    for (group, parent) in [(&root, &leaf), (&root, &root), (&middle, &leaf)] {
        let moved = s.api("PATCH", &format!("{groups}/{group}"), Some(json!({ "parentId": parent }))).await;
        assert_eq!(moved.status, StatusCode::BAD_REQUEST, "{}", moved.body);
        assert!(moved.json()["message"].as_str().unwrap().contains("cannot be moved under itself"));
    }
    let unknown_parent =
        s.api("PATCH", &format!("{groups}/{leaf}"), Some(json!({ "parentId": "ffffffffffffffffffffffff" }))).await;
    assert_eq!(unknown_parent.status, StatusCode::BAD_REQUEST);

    let deleted = s.api("DELETE", &format!("{groups}/{middle}"), None).await;
    assert_eq!(deleted.status, StatusCode::OK);
    let leaf_now = s.api("GET", &format!("{groups}/{leaf}"), None).await.json();
    assert_eq!(leaf_now["parentId"], root.as_str());
    let to_root = s.api("PATCH", &format!("{groups}/{leaf}"), Some(json!({ "parentId": null }))).await;
    assert_eq!(to_root.json()["parentId"], Value::Null);
    let missing = s.api("GET", &format!("{groups}/{middle}"), None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn users_through_the_api_share_the_rules_of_the_pages() {
    let s = setup().await;
    let users = format!("/applications/{}/experience/users", s.app_id);
    let bad = s
        .api("POST", &users, Some(json!({ "email": "nope", "password": "short", "userTags": { "has space": "x" } })))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let message = bad.json()["message"].as_str().unwrap().to_owned();
    for expected in [
        "Enter a valid email address",
        "Password must be at least 8 characters (this one has 5)",
        "Tag 1: Key may only hold",
    ] {
        assert!(message.contains(expected), "{message}");
    }
    let unknown_field =
        s.api("POST", &users, Some(json!({ "email": "a@b.co", "password": "a-good-password", "role": "admin" }))).await;
    assert_eq!(unknown_field.status, StatusCode::BAD_REQUEST);
    assert!(unknown_field.json()["message"].as_str().unwrap().contains("unknown field"));

    let created = s.api("POST", &users, Some(json!({ "email": "Ann@Example.com", "password": "a-good-password", "userTags": { "floor": "<b>2</b> 🌱" } }))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let taken = s.api("POST", &users, Some(json!({ "email": "ann@example.COM", "password": "a-good-password" }))).await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert_eq!(taken.json()["message"], "A user with this email already exists in this application");

    let cutoff = "2030-01-02T03:04:05.678Z";
    let patched =
        s.api("PATCH", &format!("{users}/{id}"), Some(json!({ "tokenCutoff": cutoff, "lastName": "Lee" }))).await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    let patched = patched.json();
    assert_eq!(patched["tokenCutoff"], cutoff);
    assert_eq!(patched["lastName"], "Lee");
    assert_eq!(patched["userTags"], json!({ "floor": "<b>2</b> 🌱" }), "tags untouched when not given");

    let app =
        s.api("PATCH", &format!("/applications/{}", s.app_id), Some(json!({ "expUserTokenCutoff": cutoff }))).await;
    assert_eq!(app.status, StatusCode::OK, "{}", app.body);
    assert_eq!(app.json()["expUserTokenCutoff"], cutoff);
    assert_eq!(app.json()["summary"]["experienceUserCount"], 1);
}

/// Each token remembers when it last got a call through, to the minute: one write a minute at
/// most, none for a call it was refused.
#[tokio::test]
async fn a_token_records_its_last_use_at_most_once_a_minute() {
    let s = setup().await;
    let other_app = new_application(&s.app, &s.cookie, "Mill").await;
    let (other_id, other_token) = new_token(&s.app, &s.cookie, &other_app).await;
    let last_used = |app_id: String| {
        sqlx::query_scalar::<_, Option<i64>>("SELECT last_used_at FROM api_tokens WHERE application_id = $1")
            .bind(app_id)
            .fetch_one(&s.app.db)
    };
    assert_eq!(last_used(s.app_id.clone()).await.unwrap(), None);
    let users = format!("/applications/{}/experience/users", s.app_id);

    assert_eq!(s.api("GET", &users, None).await.status, StatusCode::OK);
    let first = last_used(s.app_id.clone()).await.unwrap().expect("the first call is recorded");
    sqlx::query("UPDATE api_tokens SET last_used_at = last_used_at - 30000").execute(&s.app.db).await.unwrap();
    assert_eq!(s.api("GET", &users, None).await.status, StatusCode::OK);
    assert_eq!(last_used(s.app_id.clone()).await.unwrap(), Some(first - 30_000), "within the minute: no write");
    sqlx::query("UPDATE api_tokens SET last_used_at = last_used_at - 60000").execute(&s.app.db).await.unwrap();
    assert_eq!(s.api("GET", &users, None).await.status, StatusCode::OK);
    assert!(last_used(s.app_id.clone()).await.unwrap().unwrap() >= first, "a minute on: written again");

    // Another application's token is refused here, and that is no use of it.
    assert_eq!(s.api_as(&other_token, "GET", &users, None).await.status, StatusCode::FORBIDDEN);
    assert_eq!(last_used(other_app.clone()).await.unwrap(), None);

    let listed = s.app.call("api-tokens/list", &[("application_id", &s.app_id)], Some(&s.cookie)).await;
    assert!(listed.json()[0]["last_used_at"].as_i64().unwrap() >= first);
    let listed = s.app.call("api-tokens/list", &[("application_id", &other_app)], Some(&s.cookie)).await;
    assert_eq!(listed.json()[0]["id"], other_id.as_str());
    assert!(listed.json()[0]["last_used_at"].is_null());
}

/// A device of this application named `name`, tagged `zone=north`.
async fn zoned_device(s: &Setup, app_id: &str, name: &str) -> String {
    let created = s
        .app
        .call("devices/create", &[("application_id", app_id), ("name", name), ("description", "")], Some(&s.cookie))
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let id: String = serde_json::from_str(&created.body).unwrap();
    let tagged = s
        .app
        .call(
            "devices/update",
            &[
                ("application_id", app_id),
                ("device_id", &id),
                ("name", name),
                ("description", ""),
                ("tags_json", r#"[["zone","north"]]"#),
                ("group_ids", ""),
            ],
            Some(&s.cookie),
        )
        .await;
    assert_eq!(tagged.status, StatusCode::OK, "{}", tagged.body);
    id
}

#[tokio::test]
async fn a_groups_device_counts_leave_out_other_applications_devices() {
    let s = setup().await;
    let elsewhere = new_application(&s.app, &s.cookie, "Elsewhere").await;
    zoned_device(&s, &elsewhere, "Their pump").await;
    zoned_device(&s, &s.app_id, "Our valve").await;

    let groups = format!("/applications/{}/experience/groups", s.app_id);
    let parent = s.api("POST", &groups, Some(json!({ "name": "Site", "deviceTags": [{ "key": "zone" }] }))).await;
    assert_eq!(parent.status, StatusCode::CREATED, "{}", parent.body);
    assert_eq!(parent.json()["directDeviceCount"], 1, "{}", parent.body);
    assert_eq!(parent.json()["totalDeviceCount"], 1, "{}", parent.body);

    let parent_id = parent.json()["id"].as_str().unwrap().to_owned();
    let child = s
        .api(
            "POST",
            &groups,
            Some(json!({ "name": "Shed", "parentId": parent_id, "deviceTags": [{ "key": "zone", "value": "north" }] })),
        )
        .await;
    assert_eq!(child.status, StatusCode::CREATED, "{}", child.body);
    assert_eq!(child.json()["directDeviceCount"], 1, "{}", child.body);
    let parent = s.api("GET", &format!("{groups}/{parent_id}"), None).await;
    assert_eq!(parent.json()["totalDeviceCount"], 1, "the same device through two groups counts once: {}", parent.body);
}

impl Setup {
    /// Creates a user through the API and answers their id.
    async fn user(&self, email: &str) -> String {
        let users = format!("/applications/{}/experience/users", self.app_id);
        let created = self.api("POST", &users, Some(json!({ "email": email, "password": "a-good-password" }))).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        created.json()["id"].as_str().unwrap().to_owned()
    }

    /// The emails the advanced query `query` selects, sorted.
    async fn emails_matching(&self, query: Value) -> Vec<String> {
        let query: String = url_encode(&query.to_string());
        let path = format!("/applications/{}/experience/users?sortField=email&query={query}", self.app_id);
        let answer = self.api("GET", &path, None).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        answer.json()["items"].as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap().to_owned()).collect()
    }
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn email_conditions_ignore_case_in_every_operator() {
    let s = setup().await;
    s.user("Alice@Example.com").await;
    s.user("bob@example.com").await;
    let alice = vec!["Alice@Example.com".to_owned()];
    assert_eq!(s.emails_matching(json!({ "email": "ALICE@example.COM" })).await, alice);
    assert_eq!(s.emails_matching(json!({ "email": { "$in": ["ALICE@example.COM", "nobody@x.io"] } })).await, alice);
    assert_eq!(s.emails_matching(json!({ "email": { "$nin": ["BOB@Example.com"] } })).await, alice);
    assert_eq!(s.emails_matching(json!({ "email": { "$startsWith": "ALI" } })).await, alice);
}

#[tokio::test]
async fn never_signed_in_users_have_no_last_login_to_compare() {
    let s = setup().await;
    s.user("ann@example.com").await;
    s.user("bob@example.com").await;
    let signed_in = s
        .app
        .json(
            "POST",
            &format!("/api/experience/{}/auth", s.app_id),
            Some(&json!({ "email": "ann@example.com", "password": "a-good-password" }).to_string()),
            &[],
        )
        .await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.body);

    let (ann, bob) = (vec!["ann@example.com".to_owned()], vec!["bob@example.com".to_owned()]);
    let (past, future) = ("2000-01-01T00:00:00.000Z", "2999-01-01T00:00:00.000Z");
    for op in ["$lt", "$lte"] {
        assert_eq!(s.emails_matching(json!({ "lastLogin": { op: future } })).await, ann, "{op}");
    }
    for op in ["$gt", "$gte", "$ne"] {
        assert_eq!(s.emails_matching(json!({ "lastLogin": { op: past } })).await, ann, "{op}");
    }
    assert_eq!(s.emails_matching(json!({ "lastLogin": { "$nin": [past] } })).await, ann);
    assert_eq!(s.emails_matching(json!({ "lastLogin": null })).await, bob);
    assert_eq!(s.emails_matching(json!({ "lastLogin": { "$ne": null } })).await, ann);
}

#[tokio::test]
async fn invalidating_through_the_api_leaves_the_users_version_alone() {
    let s = setup().await;
    let id = s.user("ann@example.com").await;
    let opened = s.app.call("users/get", &[("application_id", &s.app_id), ("user_id", &id)], Some(&s.cookie)).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    let version = opened.json()["user"]["version"].as_i64().unwrap();

    // While an administrator has the edit page open, an API client invalidates the tokens.
    let path = format!("/applications/{}/experience/users/{id}", s.app_id);
    let patched = s.api("PATCH", &path, Some(json!({ "tokenCutoff": "2030-01-02T03:04:05.678Z" }))).await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);

    // The administrator's save is not refused as a conflict, and the cutoff stays.
    let saved = s
        .app
        .call(
            "users/update",
            &[
                ("application_id", &s.app_id),
                ("user_id", &id),
                ("version", &version.to_string()),
                ("email", "ann@example.com"),
                ("first_name", "Ann"),
                ("last_name", ""),
            ],
            Some(&s.cookie),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let after = s.api("GET", &path, None).await.json();
    assert_eq!(after["firstName"], "Ann");
    assert_eq!(after["tokenCutoff"], "2030-01-02T03:04:05.678Z");
}

/// Numbered pages, read from the front or from the back of the order (whichever is nearer),
/// put together give exactly the plain query's order, in every sort and both directions.
#[tokio::test]
async fn numbered_pages_cover_the_list_exactly_from_either_end() {
    let s = setup().await;
    let letter = |n: i64| char::from(b'A' + n as u8).to_string();
    let users: Vec<TestUser> = (0..23)
        .map(|i| TestUser {
            id: numbered_id(4242 + i * 7919 % 23),
            application_id: s.app_id.clone(),
            email: format!("u{i:02}@t.io"),
            first_name: letter(i % 3),
            last_name: letter(i % 5),
            created_at: i % 4,
        })
        .collect();
    insert_users(&s.app.db, &users).await;
    for (i, user) in users.iter().enumerate() {
        let i = i as i64;
        sqlx::query("UPDATE experience_users SET updated_at = $1, last_login_at = $2 WHERE id = $3")
            .bind(i)
            .bind((i % 2) * i)
            .bind(&user.id)
            .execute(&s.app.db)
            .await
            .unwrap();
    }
    let users = format!("/applications/{}/experience/users", s.app_id);
    for (sort, column) in [
        ("email", "email_normalized"),
        ("firstName", "first_name"),
        ("creationDate", "created_at"),
        ("lastLogin", "last_login_at"),
        ("id", "id"),
    ] {
        for dir in ["asc", "desc"] {
            // Users who never signed in come last both ways: ascending reads `login_rank`.
            let column = if sort == "lastLogin" && dir == "asc" { "login_rank" } else { column };
            let tie = if column == "id" { String::new() } else { format!(", id {dir}") };
            let expected: Vec<String> = sqlx::query_scalar(&format!(
                "SELECT email FROM experience_users WHERE application_id = $1 ORDER BY {column} {dir}{tie}"
            ))
            .bind(&s.app_id)
            .fetch_all(&s.app.db)
            .await
            .unwrap();
            let mut pages = Vec::new();
            for page in 0..5 {
                let answer = s
                    .api("GET", &format!("{users}?sortField={sort}&sortDirection={dir}&perPage=5&page={page}"), None)
                    .await;
                assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
                let body = answer.json();
                assert_eq!(body["totalCount"], 23);
                pages.extend(body["items"].as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap().to_owned()));
            }
            assert_eq!(pages, expected, "{sort} {dir}");
        }
    }
}

/// Two invalid requests an API fuzzer (schemathesis) found accepted with 200: a body that is a
/// JSON array of the fields' values, and a boolean parameter that is neither true nor false.
#[tokio::test]
async fn bodies_must_be_objects_and_flags_booleans() {
    let s = setup().await;
    let application = format!("/applications/{}", s.app_id);
    for body in [json!([null, null]), json!(["Renamed", null]), json!(null), json!("Renamed")] {
        let answer = s.api("PATCH", &application, Some(body.clone())).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}: {}", answer.body);
        assert_eq!(answer.json()["message"], "The body must be a JSON object", "{body}");
    }
    assert_eq!(s.api("GET", &application, None).await.json()["name"], "Farm", "nothing was changed");
    let answer = s.api("PATCH", &application, Some(json!({ "name": "Barn" }))).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.json()["name"], "Barn");

    let users = format!("/applications/{}/experience/users", s.app_id);
    for value in ["null", "yes", ""] {
        let answer = s.api("GET", &format!("{users}?includeAncestorGroups={value}"), None).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{value:?}: {}", answer.body);
        assert_eq!(answer.json()["message"], "includeAncestorGroups must be true or false");
    }
    for value in ["true", "False", "1", "0"] {
        let answer = s.api("GET", &format!("{users}?includeAncestorGroups={value}"), None).await;
        assert_eq!(answer.status, StatusCode::OK, "{value}: {}", answer.body);
    }
}

/// A field that may be left out is not null when it is there (schemathesis found
/// `PATCH …/users/{id}` with `{"email": null}` answered 200 as "no change"); a group's
/// `parentId`, where null means "a root group", still takes null.
#[tokio::test]
async fn null_is_refused_where_the_document_does_not_allow_it() {
    let s = setup().await;
    let users = format!("/applications/{}/experience/users", s.app_id);
    let user = s.api("POST", &users, Some(json!({ "email": "ann@example.com", "password": "a-good-password" }))).await;
    let user_id = user.json()["id"].as_str().unwrap().to_owned();
    for field in ["email", "password", "firstName", "lastName", "tokenCutoff", "userTags", "experienceGroupIds"] {
        let answer = s.api("PATCH", &format!("{users}/{user_id}"), Some(json!({ field: null }))).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{field}: {}", answer.body);
    }
    let answer = s.api("PATCH", &format!("/applications/{}", s.app_id), Some(json!({ "name": null }))).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
    let groups = format!("/applications/{}/experience/groups", s.app_id);
    let group = s.api("POST", &groups, Some(json!({ "name": "Barn" }))).await;
    let group_id = group.json()["id"].as_str().unwrap().to_owned();
    let answer = s.api("PATCH", &format!("{groups}/{group_id}"), Some(json!({ "description": null }))).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
    let answer = s.api("PATCH", &format!("{groups}/{group_id}"), Some(json!({ "parentId": null }))).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(s.api("GET", &format!("{users}/{user_id}"), None).await.json()["email"], "ann@example.com");
}
