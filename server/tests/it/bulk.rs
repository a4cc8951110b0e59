//! Bulk actions through the REST API and the list page's server functions: each action changes
//! what it names and nothing else, the preview counts what will happen, a deletion of many asks
//! for their number, users added after the selection are left alone, a user saved meanwhile is
//! not overwritten, one bulk job runs at a time per application, bad input is refused before
//! anything runs, and 10,000 users go through with the unknown ones listed as failures.

use std::time::{Duration, Instant};

use crate::common::{insert_users, numbered_id, Answer, ApiApp, TestUser};
use app::experience::users::ListQuery;
use app::server::clock::now_ms;
use http::StatusCode;
use serde_json::{json, Value};

impl ApiApp {
    /// `count` users, numbered from `first`, created `created_at`.
    async fn users(&self, first: i64, count: i64, created_at: i64) -> Vec<String> {
        let users: Vec<TestUser> = (first..first + count)
            .map(|n| TestUser {
                id: numbered_id(n),
                application_id: self.app_id.clone(),
                email: format!("user{n}@example.com"),
                first_name: format!("First{n}"),
                last_name: String::new(),
                created_at,
            })
            .collect();
        insert_users(&self.app.db, &users).await;
        users.into_iter().map(|u| u.id).collect()
    }

    async fn group(&self, name: &str) -> String {
        let group = self.api("POST", "/experience/groups", Some(json!({ "name": name }))).await;
        assert_eq!(group.status, StatusCode::CREATED, "{}", group.body);
        group.json()["id"].as_str().unwrap().to_owned()
    }

    /// Starts a bulk job through the API and waits for its end; answers the job.
    async fn run(&self, body: Value) -> Value {
        let started = self.api("POST", "/experience/users/bulk", Some(body)).await;
        assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.body);
        let job_id = started.json()["jobId"].as_str().unwrap().to_owned();
        self.wait(&job_id).await
    }

    async fn wait(&self, job_id: &str) -> Value {
        for _ in 0..1200 {
            let job = self.api("GET", &format!("/experience/users/bulk/{job_id}"), None).await;
            assert_eq!(job.status, StatusCode::OK, "{}", job.body);
            let job = job.json();
            if job["state"] != "running" {
                assert_eq!(job["state"], "done", "{job}");
                return job;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the bulk job did not end");
    }

    async fn user(&self, id: &str) -> Value {
        let user = self.api("GET", &format!("/experience/users/{id}"), None).await;
        assert_eq!(user.status, StatusCode::OK, "{}", user.body);
        user.json()
    }

    async fn server_fn(&self, endpoint: &str, body: Value) -> Answer {
        self.app.json("POST", &format!("/api/{endpoint}"), Some(&body.to_string()), &[("cookie", &self.cookie)]).await
    }
}

fn counts(job: &Value) -> (u64, u64, u64, u64) {
    let r = &job["report"];
    let n = |k: &str| r[k].as_u64().unwrap();
    (n("selected"), n("changed"), n("unchanged"), n("failed"))
}

#[tokio::test]
async fn each_action_changes_what_it_names_and_the_preview_counts_it_first() {
    let s = ApiApp::new("ops script").await;
    let ids = s.users(1, 5, now_ms() - 60_000).await;
    let barn = s.group("Barn").await;
    let everyone = json!({});

    let preview = s
        .api(
            "POST",
            "/experience/users/bulk",
            Some(json!({ "action": { "type": "addToGroup", "groupId": barn }, "query": everyone, "dryRun": true })),
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert_eq!(preview.json()["text"], "5 users will be added to Barn; 0 users are in it already.");

    let first =
        s.run(json!({ "action": { "type": "addToGroup", "groupId": barn }, "experienceUserIds": ids[..3] })).await;
    assert_eq!(counts(&first), (3, 3, 0, 0));
    assert_eq!(first["report"]["action"], "Added to Barn");
    assert_eq!(first["startedBy"], "API token ops script");
    // The history: one entry for the job, one for each user it changed.
    let history = s.api("GET", &format!("/audit-log?userId={}", ids[0]), None).await.json();
    let entry = &history["items"][0];
    assert_eq!(
        (entry["action"].as_str(), entry["actor"].as_str()),
        (Some("user.update"), Some("API token ops script"))
    );
    assert_eq!(
        entry["changes"],
        json!([{ "field": "groups", "before": null, "after": "+ Barn" }, { "field": "by", "before": null, "after": "bulk action" }])
    );
    let jobs = s.api("GET", "/audit-log?action=users.bulk", None).await.json();
    assert_eq!(jobs["items"][0]["subject"], "Add to group — 3 users");
    let version_after_first = s.user(&ids[0]).await["version"].clone();
    let all = s.run(json!({ "action": { "type": "addToGroup", "groupId": barn }, "query": everyone })).await;
    assert_eq!(counts(&all), (5, 2, 3, 0), "three were in Barn already");
    assert_eq!(s.user(&ids[0]).await["version"], version_after_first, "an unchanged user keeps their version");
    let preview = s
        .api(
            "POST",
            "/experience/users/bulk",
            Some(json!({ "action": { "type": "delete" }, "query": everyone, "dryRun": true })),
        )
        .await
        .json();
    assert_eq!((preview["users"].as_u64(), preview["matching"].as_u64()), (Some(5), Some(5)));
    assert_eq!(preview["typedCount"], true);

    let tagged =
        s.run(json!({ "action": { "type": "setTag", "key": "zone", "value": "north" }, "query": everyone })).await;
    assert_eq!(counts(&tagged), (5, 5, 0, 0));
    let south = s
        .run(json!({ "action": { "type": "setTag", "key": "zone", "value": "south" }, "experienceUserIds": [ids[0]] }))
        .await;
    assert_eq!(counts(&south), (1, 1, 0, 0));
    let user = s.user(&ids[0]).await;
    assert_eq!(user["userTags"], json!({ "zone": "south" }), "one value per key");
    assert_eq!(user["firstName"], "First1", "the rest of the user is untouched");
    let untagged =
        s.run(json!({ "action": { "type": "removeTag", "key": "zone" }, "experienceUserIds": ids[..2] })).await;
    assert_eq!(counts(&untagged), (2, 2, 0, 0));
    assert_eq!(s.user(&ids[1]).await["userTags"], json!({}));
    // The counters behind the list's tabs and the tag filters follow.
    let in_zone = s.api("GET", "/experience/users?query=%7B%22userTags.zone%22%3A%22north%22%7D", None).await.json();
    assert_eq!(in_zone["totalCount"], 3);

    let removed = s.run(json!({ "action": { "type": "removeFromGroup", "groupId": barn }, "query": everyone })).await;
    assert_eq!(counts(&removed), (5, 5, 0, 0));
    let grouped = s.api("GET", "/experience/users?experienceGroupId=any", None).await.json();
    assert_eq!(grouped["totalCount"], 0);

    let until = "2099-01-01T00:00:00.000Z";
    let disabled =
        s.run(json!({ "action": { "type": "disable", "until": until }, "experienceUserIds": ids[3..] })).await;
    assert_eq!(counts(&disabled), (2, 2, 0, 0));
    let user = s.user(&ids[4]).await;
    assert_eq!((user["disabled"].as_bool(), user["disabledUntil"].as_str()), (Some(true), Some(until)));
    let cutoff = user["tokenCutoff"].clone();
    assert!(cutoff.is_string(), "disabling cuts off the tokens held: {user}");
    let enabled = s.run(json!({ "action": { "type": "enable" }, "query": everyone })).await;
    assert_eq!(counts(&enabled), (5, 2, 3, 0), "three were not disabled");
    assert_eq!(s.user(&ids[4]).await["disabled"], false);

    let invalidated = s.run(json!({ "action": { "type": "invalidateTokens" }, "experienceUserIds": [ids[0]] })).await;
    assert_eq!(counts(&invalidated), (1, 1, 0, 0));
    assert!(s.user(&ids[0]).await["tokenCutoff"].is_string());

    // Deleting more than one asks for their number.
    let two = json!({ "email": { "$in": ["user4@example.com", "user5@example.com"] } });
    for confirm in [None, Some(3)] {
        let mut body = json!({ "action": { "type": "delete" }, "query": two });
        if let Some(n) = confirm {
            body["confirmCount"] = json!(n);
        }
        let refused = s.api("POST", "/experience/users/bulk", Some(body)).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        assert!(refused.json()["message"].as_str().unwrap().contains("Type 2"), "{}", refused.body);
    }
    assert_eq!(s.user(&ids[4]).await["id"], json!(ids[4]), "nothing was deleted");
    let deleted = s.run(json!({ "action": { "type": "delete" }, "query": two, "confirmCount": 2 })).await;
    assert_eq!(counts(&deleted), (2, 2, 0, 0));
    for id in &ids[3..] {
        let gone = s.api("GET", &format!("/experience/users/{id}"), None).await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND);
    }
    let one = s.run(json!({ "action": { "type": "delete" }, "experienceUserIds": [ids[2]] })).await;
    assert_eq!(counts(&one), (1, 1, 0, 0), "one user needs no typed number");
    let left = s.api("GET", "/experience/users", None).await.json();
    assert_eq!(left["totalCount"], 2);
}

#[tokio::test]
async fn the_page_selects_all_matching_but_leaves_users_added_later_and_saves_made_meanwhile() {
    let s = ApiApp::new("ops script").await;
    let earlier = s.users(1, 3, now_ms() - 60_000).await;
    let selected_at = now_ms();
    let later = s.users(10, 1, selected_at + 1).await;
    let barn = s.group("Barn").await;
    let target = json!({ "matching": { "query": ListQuery::default(), "selectedAt": selected_at } });
    let action = json!({ "type": "addToGroup", "groupId": barn });

    let preview = s
        .server_fn("users/bulk-preview", json!({ "application_id": s.app_id, "target": target, "action": action }))
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert_eq!(preview.json()["users"], 3, "the user added after the selection is not counted");

    let opened =
        s.app.call("users/get", &[("application_id", &s.app_id), ("user_id", &earlier[0])], Some(&s.cookie)).await;
    let version = opened.json()["user"]["version"].to_string();

    let started = s
        .server_fn(
            "users/bulk-start",
            json!({ "application_id": s.app_id, "target": target, "action": action, "typed_count": null }),
        )
        .await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.body);
    let job_id: String = started.json().as_str().unwrap().to_owned();
    let job = s.wait(&job_id).await;
    assert_eq!(counts(&job), (3, 3, 0, 0));
    let found = s
        .app
        .call("users/bulk-job", &[("application_id", &s.app_id), ("job_id", &job_id)], Some(&s.cookie))
        .await
        .json();
    assert_eq!(found["startedBy"], crate::common::ADMIN_EMAIL);
    let latest = s.app.call("users/bulk-job", &[("application_id", &s.app_id)], Some(&s.cookie)).await.json();
    assert_eq!(latest["id"], json!(job_id), "without an id: the latest job (a reload finds it)");

    let groups_of = |user: Value| -> Vec<String> {
        user["experienceGroups"].as_array().unwrap().iter().map(|g| g["id"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(groups_of(s.user(&later[0]).await), Vec::<String>::new(), "added after the selection: left alone");
    assert_eq!(groups_of(s.user(&earlier[0]).await), std::slice::from_ref(&barn));
    // An edit page opened before the action saves nothing stale over its group change.
    let stale = s
        .app
        .call(
            "users/update",
            &[
                ("application_id", &s.app_id),
                ("user_id", &earlier[0]),
                ("version", &version),
                ("email", "user1@example.com"),
                ("first_name", "Stale"),
                ("last_name", ""),
                ("group_ids", ""),
            ],
            Some(&s.cookie),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert_eq!(groups_of(s.user(&earlier[0]).await), [barn]);
}

#[tokio::test]
async fn one_bulk_job_runs_at_a_time_and_bad_input_is_refused_before_anything_runs() {
    let s = ApiApp::new("ops script").await;
    let ids = s.users(1, 3, now_ms() - 60_000).await;
    let invalidate = json!({ "action": { "type": "invalidateTokens" }, "experienceUserIds": ids });

    // Another instance's job, still beating: a second one waits.
    let now = now_ms();
    sqlx::query(
        "INSERT INTO jobs (id, application_id, kind, started_by, state, progress, outcome, created_at, updated_at)
         VALUES ($1, $2, 'users-bulk', 'ann@example.com', 'running', '{\"action\":\"delete\",\"done\":1,\"total\":9}', NULL, $3, $3)",
    )
    .bind(numbered_id(777))
    .bind(&s.app_id)
    .bind(now)
    .execute(&s.app.db)
    .await
    .unwrap();
    let refused = s.api("POST", "/experience/users/bulk", Some(invalidate.clone())).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(refused.json()["message"].as_str().unwrap().contains("started by ann@example.com"), "{}", refused.body);
    let running = s.api("GET", &format!("/experience/users/bulk/{}", numbered_id(777)), None).await.json();
    assert_eq!((running["state"].as_str(), running["progress"]["done"].as_u64()), (Some("running"), Some(1)));
    // Its server stopped (no beat for six minutes): it no longer holds the users.
    sqlx::query("UPDATE jobs SET updated_at = $1 WHERE id = $2")
        .bind(now - 6 * 60_000)
        .bind(numbered_id(777))
        .execute(&s.app.db)
        .await
        .unwrap();
    let interrupted = s.api("GET", &format!("/experience/users/bulk/{}", numbered_id(777)), None).await.json();
    assert_eq!(interrupted["state"], "interrupted");
    let job = s.run(invalidate).await;
    assert_eq!(counts(&job), (3, 3, 0, 0));

    let cases = [
        (json!({ "type": "addToGroup", "groupId": numbered_id(999) }), "Choose a group of this application"),
        (json!({ "type": "addToGroup" }), "This action needs action.groupId"),
        (json!({ "type": "setTag", "key": "bad key", "value": "v" }), "Key may only hold"),
        (json!({ "type": "disable", "until": "2001-01-01T00:00:00Z" }), "Choose a time in the future"),
        (json!({ "type": "disable", "until": "next week" }), "RFC 3339"),
        (json!({ "type": "explode" }), "No action \"explode\""),
    ];
    for (action, message) in cases {
        let answer = s.api("POST", "/experience/users/bulk", Some(json!({ "action": action, "query": {} }))).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{action}: {}", answer.body);
        assert!(answer.json()["message"].as_str().unwrap().contains(message), "{action}: {}", answer.body);
    }
    let nobody = json!({ "action": { "type": "enable" }, "query": { "email": "nobody@example.com" } });
    for body in [
        nobody.clone(),
        json!({ "action": { "type": "enable" }, "query": {}, "experienceUserIds": ids }),
        json!({ "action": { "type": "enable" } }),
        json!({ "action": { "type": "enable" }, "experienceUserIds": ["not-an-id"] }),
    ] {
        let answer = s.api("POST", "/experience/users/bulk", Some(body.clone())).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}: {}", answer.body);
    }
    let preview = s
        .api(
            "POST",
            "/experience/users/bulk",
            Some(json!({ "action": { "type": "enable" }, "query": { "email": "x@example.com" }, "dryRun": true })),
        )
        .await;
    assert!(preview.json()["message"].as_str().unwrap().contains("No users are selected"), "{}", preview.body);
    // Over an application deleted meanwhile (or never there).
    let missing = s
        .server_fn(
            "users/bulk-start",
            json!({ "application_id": numbered_id(12345), "target": { "ids": ids }, "action": { "type": "enable" } }),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.body);
    // Nothing of all that ran: no other job than the two above.
    let jobs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs").fetch_one(&s.app.db).await.unwrap();
    assert_eq!(jobs, 2);
}

#[tokio::test]
async fn ten_thousand_users_go_through_and_the_unknown_ones_are_listed() {
    let s = ApiApp::new("ops script").await;
    let mut ids = s.users(1, 9_990, now_ms() - 60_000).await;
    let unknown: Vec<String> = (0..10).map(|n| numbered_id(1_000_000 + n)).collect();
    ids.extend(unknown.iter().cloned());
    let started = Instant::now();
    let job =
        s.run(json!({ "action": { "type": "setTag", "key": "wave", "value": "1" }, "experienceUserIds": ids })).await;
    println!("bulk setTag over 10,000 ids: {:.2} s", started.elapsed().as_secs_f64());
    assert_eq!(counts(&job), (10_000, 9_990, 0, 10));
    let failures: Vec<&str> =
        job["report"]["failures"].as_array().unwrap().iter().map(|f| f["userId"].as_str().unwrap()).collect();
    assert_eq!(failures, unknown.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(job["report"]["failures"][0]["message"], "No such user in this application");
    assert_eq!(job["progress"], json!({ "done": 10_000, "total": 10_000 }));
    let tagged = s.api("GET", "/experience/users?perPage=1&query=%7B%22userTags.wave%22%3A%221%22%7D", None).await;
    assert_eq!(tagged.json()["totalCount"], 9_990);

    let started = Instant::now();
    let everyone = json!({ "action": { "type": "delete" }, "query": {}, "confirmCount": 9_990 });
    let deleted = s.run(everyone).await;
    println!("bulk delete of 9,990 by query: {:.2} s", started.elapsed().as_secs_f64());
    assert_eq!(counts(&deleted), (9_990, 9_990, 0, 0));
    let app = s.api("GET", "", None).await.json();
    assert_eq!(app["summary"]["experienceUserCount"], 0, "{app}");
}
