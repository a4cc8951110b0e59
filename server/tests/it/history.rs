//! The history (audit log): every change through the pages and the API is an entry saying who,
//! from where, what (field by field, a password only as "changed"), written in the change's own
//! transaction (a change that fails leaves none); read newest first by keyset pages and
//! filters; entries past the retention are removed.

use crate::common::{engine, numbered_id, ApiApp, ADMIN_EMAIL};
use app::server::audit_service;
use app::server::clock::now_ms;
use app::server::Engine;
use http::StatusCode;
use serde_json::{json, Value};

impl ApiApp {
    /// Every entry the query selects, page after page (`perPage` given), newest first.
    async fn log(&self, query: &str) -> Vec<Value> {
        let mut entries = Vec::new();
        let mut cursor = String::new();
        loop {
            let page = self.api("GET", &format!("/audit-log?{query}&cursor={cursor}"), None).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            let page = page.json();
            entries.extend(page["items"].as_array().unwrap().iter().cloned());
            match page["next"].as_str() {
                Some(next) => cursor = next.to_owned(),
                None => return entries,
            }
        }
    }
}

fn actions(entries: &[Value]) -> Vec<&str> {
    entries.iter().map(|e| e["action"].as_str().unwrap()).collect()
}

fn changes(entry: &Value) -> Vec<(String, Value, Value)> {
    entry["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["field"].as_str().unwrap().to_owned(), c["before"].clone(), c["after"].clone()))
        .collect()
}

#[tokio::test]
async fn every_change_to_a_user_is_recorded_field_by_field_with_who_and_from_where() {
    let s = ApiApp::new("ops").await;
    let group = s.api("POST", "/experience/groups", Some(json!({ "name": "Barn" }))).await.json()["id"].clone();
    // Through the pages, as the administrator.
    let form = [
        ("application_id", s.app_id.as_str()),
        ("email", "ann@example.com"),
        ("password", "a-good-password"),
        ("first_name", "Ann"),
        ("last_name", ""),
        ("tags_json", r#"[["zone","north"]]"#),
    ];
    let created = s.app.call("users/create", &form, Some(&s.cookie)).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let user_id: String = serde_json::from_str(&created.body).unwrap();
    // Through the API, as the token.
    let patch = json!({
        "firstName": "Anna",
        "password": "another-good-password",
        "userTags": { "zone": "south", "floor": "2" },
        "experienceGroupIds": [group],
    });
    let patched = s.api("PATCH", &format!("/experience/users/{user_id}"), Some(patch)).await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    let unchanged = s.api("PATCH", &format!("/experience/users/{user_id}"), Some(json!({ "firstName": "Anna" }))).await;
    assert_eq!(unchanged.status, StatusCode::OK);
    s.api("PATCH", &format!("/experience/users/{user_id}"), Some(json!({ "disabled": true }))).await;
    s.api("PATCH", &format!("/experience/users/{user_id}"), Some(json!({ "disabled": false }))).await;
    let invalidated = s
        .app
        .call("users/invalidate-tokens", &[("application_id", &s.app_id), ("user_id", &user_id)], Some(&s.cookie))
        .await;
    assert_eq!(invalidated.status, StatusCode::OK, "{}", invalidated.body);
    let deleted = s.api("DELETE", &format!("/experience/users/{user_id}"), None).await;
    assert_eq!(deleted.status, StatusCode::OK);

    let entries = s.log(&format!("userId={user_id}&perPage=2")).await;
    assert_eq!(
        actions(&entries),
        ["user.delete", "user.tokens_invalidated", "user.enable", "user.disable", "user.update", "user.create"],
        "newest first; the PATCH that changed nothing left no entry"
    );
    let created = &entries[5];
    assert_eq!((created["actor"].as_str(), created["subject"].as_str()), (Some(ADMIN_EMAIL), Some("ann@example.com")));
    assert_eq!(created["address"], "0.0.0.0", "a request without a peer (built in the test)");
    assert_eq!(
        changes(created),
        [
            ("email".into(), Value::Null, json!("ann@example.com")),
            ("firstName".into(), Value::Null, json!("Ann")),
            ("tag:zone".into(), Value::Null, json!("north")),
        ]
    );
    let updated = &entries[4];
    assert_eq!(updated["actor"], "API token ops");
    assert_eq!(
        changes(updated),
        [
            ("firstName".into(), json!("Ann"), json!("Anna")),
            ("password".into(), Value::Null, Value::Null),
            ("tag:floor".into(), Value::Null, json!("2")),
            ("tag:zone".into(), json!("north"), json!("south")),
            ("groups".into(), Value::Null, json!("Barn")),
        ]
    );
    assert!(!entries[4].to_string().contains("argon2"), "never a hash");
    assert_eq!(changes(&entries[3]), [("until".into(), Value::Null, json!("enabled again"))]);
    assert_eq!(entries[1]["actor"], ADMIN_EMAIL);
    assert_eq!(entries[0]["subject"], "ann@example.com", "a deleted user's entries keep their email");

    // The application's own changes, and its tokens'.
    let renamed = s.api("PATCH", "", Some(json!({ "name": "Barnyard" }))).await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    let app_entries = s.log("action=application.update&perPage=50").await;
    assert_eq!(changes(&app_entries[0]), [("name".into(), json!("Farm"), json!("Barnyard"))]);
    let tokens = s.log("action=api_token.create").await;
    assert_eq!((tokens.len(), tokens[0]["subject"].as_str()), (1, Some("ops")));
    let by_token = s.log("actor=API%20token%20ops").await;
    assert_eq!(
        actions(&by_token),
        ["application.update", "user.delete", "user.enable", "user.disable", "user.update", "group.create"]
    );
    let group_id = group.as_str().unwrap();
    let renamed = s.api("PATCH", &format!("/experience/groups/{group_id}"), Some(json!({ "name": "Loft" }))).await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    let groups = s.log("action=group.update").await;
    assert_eq!(changes(&groups[0]), [("name".into(), json!("Barn"), json!("Loft"))]);
}

#[tokio::test]
async fn a_change_that_fails_leaves_no_entry() {
    let s = ApiApp::new("ops").await;
    let created = s
        .api("POST", "/experience/users", Some(json!({ "email": "ann@example.com", "password": "a-good-password" })))
        .await;
    let user_id = created.json()["id"].as_str().unwrap().to_owned();
    s.api("POST", "/experience/users", Some(json!({ "email": "bob@example.com", "password": "a-good-password" })))
        .await;
    let before = s.log("perPage=500").await.len();

    // Refused before writing: a taken email, a bad value.
    let taken =
        s.api("PATCH", &format!("/experience/users/{user_id}"), Some(json!({ "email": "bob@example.com" }))).await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    // Failing after the entry was written, in the same transaction: the disabling that follows
    // a profile change is made to fail by a trigger, so everything rolls back.
    let trigger = match engine() {
        Engine::Sqlite => vec!["CREATE TRIGGER fail_disabling BEFORE UPDATE OF disabled_until ON experience_users \
             WHEN NEW.disabled_until IS NOT NULL BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            .to_owned()],
        Engine::Postgres => vec![
            "CREATE FUNCTION fail_disabling() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'refused by the test'; END; $$"
                .to_owned(),
            "CREATE TRIGGER fail_disabling BEFORE UPDATE OF disabled_until ON experience_users \
             FOR EACH ROW WHEN (NEW.disabled_until IS NOT NULL) EXECUTE FUNCTION fail_disabling()"
                .to_owned(),
        ],
    };
    for statement in trigger {
        sqlx::query(&statement).execute(&s.app.db).await.unwrap();
    }
    let failed = s
        .api("PATCH", &format!("/experience/users/{user_id}"), Some(json!({ "firstName": "Anna", "disabled": true })))
        .await;
    assert!(failed.status.is_server_error(), "{}: {}", failed.status, failed.body);
    assert_eq!(s.api("GET", &format!("/experience/users/{user_id}"), None).await.json()["firstName"], "");
    assert_eq!(s.log("perPage=500").await.len(), before, "no entry of the changes that did not happen");
}

#[tokio::test]
async fn pages_go_back_in_time_without_gaps_and_old_entries_are_removed() {
    let s = ApiApp::new("ops").await;
    let now = now_ms();
    // 130 entries a minute apart, newest now; three of them two years old.
    for n in 0..130 {
        let at = if n < 3 { now - 2 * 365 * 24 * 60 * 60 * 1000 - n } else { now - n * 60_000 };
        sqlx::query(
            "INSERT INTO audit_entries (id, application_id, at, actor, address, action, user_id, subject, changes)
             VALUES ($1, $2, $3, $4, '10.0.0.1', $5, NULL, 'x', '[]')",
        )
        .bind(numbered_id(n))
        .bind(&s.app_id)
        .bind(at)
        .bind(if n % 2 == 0 { "ann@example.com" } else { "bob@example.com" })
        .bind(if n % 5 == 0 { "user.delete" } else { "user.update" })
        .execute(&s.app.db)
        .await
        .unwrap();
    }
    // The token's creation is an entry too (the newest).
    let all = s.log("perPage=50").await;
    assert_eq!(all.len(), 131);
    let times: Vec<i64> = all.iter().map(|e| e["at"].as_i64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let mut ids: Vec<&str> = all.iter().map(|e| e["id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 131, "no entry twice");

    let anns_deletions = s.log("actor=ann%40example.com&action=user.delete&perPage=7").await;
    assert_eq!(anns_deletions.len(), 13, "n = 0, 10, 20, … 120");
    let from = app::server::clock::rfc3339(now - 10 * 60_000);
    let recent = s.log(&format!("from={from}&actor=bob%40example.com")).await;
    assert_eq!(recent.len(), 4, "n = 3, 5, 7, 9");

    let bad = s.api("GET", "/audit-log?cursor=nonsense", None).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    let empty = s.api("GET", "/audit-log?to=", None).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST, "an empty date is not a date (schemathesis found it)");
    let reversed = s.api("GET", &format!("/audit-log?from={from}&to={from}"), None).await;
    assert_eq!(reversed.status, StatusCode::BAD_REQUEST);

    let removed = audit_service::sweep(&s.app.store, 365).await.unwrap();
    assert_eq!(removed, 3);
    assert_eq!(s.log("perPage=500").await.len(), 128);
    // Entries are never changed in place.
    let changed = sqlx::query("UPDATE audit_entries SET actor = 'someone else'").execute(&s.app.db).await;
    assert!(changed.is_err(), "the history is append-only");
}

#[tokio::test]
async fn a_user_is_found_by_email_under_earlier_emails_and_after_deletion() {
    let s = ApiApp::new("ops").await;
    let created =
        s.api("POST", "/experience/users", Some(json!({ "email": "ann@example.com", "password": "a-good-password" })));
    let user_id = created.await.json()["id"].as_str().unwrap().to_owned();
    let user = format!("/experience/users/{user_id}");
    let renamed = s.api("PATCH", &user, Some(json!({ "email": "anna@example.com" }))).await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    s.api("POST", "/experience/users", Some(json!({ "email": "bob@example.com", "password": "a-good-password" })))
        .await;

    // She has the email now: all her entries, the one under her first email too (any case).
    assert_eq!(actions(&s.log("perPage=10&userEmail=Anna@Example.COM").await), ["user.update", "user.create"]);
    assert_eq!(actions(&s.log("perPage=10&userEmail=ann@example.com").await), ["user.create"], "nobody has it now");

    // Deleted: the entries that named the email.
    assert_eq!(s.api("DELETE", &user, None).await.status, StatusCode::OK);
    assert_eq!(actions(&s.log("perPage=10&userEmail=anna@example.com").await), ["user.delete", "user.update"]);
    assert!(s.log("perPage=10&userEmail=nobody@example.com").await.is_empty());
    let by_id = s.log(&format!("perPage=10&userId={user_id}&userEmail=bob@example.com")).await;
    assert!(by_id.is_empty(), "both filters hold: {by_id:?}");
}
