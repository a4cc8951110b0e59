//! Three server processes on one database, as several instances behind a load balancer run
//! (on PostgreSQL in the suite's PostgreSQL run, on one SQLite file in the other): they start
//! together and migrate once, and every rule holds across them, not only within one.

use crate::process::*;
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};

fn three(database: &str) -> Vec<Server> {
    // Started at once: each applies the pending migrations as it starts (on SQLite, without
    // the migrations' file lock, the second of two at the same moment failed in 1 of 5 runs).
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let database = database.to_owned();
            std::thread::spawn(move || start_on(&database))
        })
        .collect();
    handles.into_iter().map(|h| h.join().expect("every instance starts")).collect()
}

/// Each migration of the engine is recorded once, as applied.
fn migrated_once(database: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (applied, distinct): (i64, i64) = runtime.block_on(async {
        sqlx::any::install_default_drivers();
        let db = sqlx::AnyPool::connect(database).await.unwrap();
        sqlx::query_as("SELECT COUNT(*), COUNT(DISTINCT version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&db)
            .await
            .unwrap()
    });
    let dir = if database.starts_with("sqlite") { "sqlite" } else { "postgres" };
    let files = std::fs::read_dir(workspace_root().join("migrations").join(dir)).unwrap().count() as i64;
    assert_eq!((applied, distinct), (files, files));
}

/// `users/create` through `server`; the status and the answer.
fn create_user(client: &ureq::Agent, server: &Server, cookie: &str, app_id: &str, email: &str) -> (u16, Value) {
    let mut answer = client
        .post(format!("{}/api/users/create", server.base))
        .header("accept", "application/json")
        .header("cookie", cookie)
        .send_form([
            ("application_id", app_id),
            ("email", email),
            ("password", "a-good-password"),
            ("first_name", ""),
            ("last_name", ""),
        ])
        .unwrap();
    (answer.status().as_u16(), answer.body_mut().read_json().unwrap_or(Value::Null))
}

#[test]
fn three_instances_start_together_and_share_every_rule() {
    let (database, _dir) = shared_database();
    let servers = three(&database);
    migrated_once(&database);
    let client = client();
    let (cookie, app_id, user_id) = application_with_ann(&client, &servers[0]);

    // Created on one, listed on the others; the session works on all three.
    let (status, _) = create_user(&client, &servers[1], &cookie, &app_id, "bo@example.com");
    assert_eq!(status, 200);
    for server in &servers {
        assert_eq!(listed_emails(&client, server, &cookie, &app_id), ["ann@example.com", "bo@example.com"]);
    }

    // Invalidated on one: refused by the others at their next request.
    let token = experience_token(&client, &servers[2], &app_id);
    assert!(servers.iter().all(|s| me_status(&client, s, &app_id, &token) == 200));
    server_fn(
        &client,
        &servers[0],
        "users/invalidate-tokens",
        &[("application_id", &app_id), ("user_id", &user_id)],
        &cookie,
    );
    assert!(servers.iter().all(|s| me_status(&client, s, &app_id, &token) == 401));
    let token = experience_token(&client, &servers[1], &app_id);
    server_fn(&client, &servers[2], "users/invalidate-all-tokens", &[("application_id", &app_id)], &cookie);
    assert!(servers.iter().all(|s| me_status(&client, s, &app_id, &token) == 401));

    // 50 creations of one email at once through all three: exactly one user.
    let created = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for i in 0..50 {
            let (client, server, cookie, app_id, created) = (&client, &servers[i % 3], &cookie, &app_id, &created);
            scope.spawn(move || {
                let (status, answer) = create_user(client, server, cookie, app_id, "same@example.com");
                match status {
                    200 => {
                        created.fetch_add(1, Ordering::Relaxed);
                    }
                    409 | 400 => assert!(answer.to_string().contains("email"), "{answer}"),
                    other => panic!("creation {i}: {other} {answer}"),
                }
            });
        }
    });
    assert_eq!(created.load(Ordering::Relaxed), 1);
    let emails = listed_emails(&client, &servers[1], &cookie, &app_id);
    assert_eq!(emails.iter().filter(|e| *e == "same@example.com").count(), 1);

    // A limit of 10 users (3 exist): 30 creations at once through all three leave exactly 10.
    server_fn(
        &client,
        &servers[0],
        "applications/update",
        &[("id", &app_id), ("name", "Shared"), ("user_limit", "10")],
        &cookie,
    );
    let created = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for i in 0..30 {
            let (client, server, cookie, app_id, created) = (&client, &servers[i % 3], &cookie, &app_id, &created);
            scope.spawn(move || {
                let (status, answer) = create_user(client, server, cookie, app_id, &format!("u{i}@example.com"));
                match status {
                    200 => {
                        created.fetch_add(1, Ordering::Relaxed);
                    }
                    409 => assert!(answer.to_string().contains("limit of 10 users"), "{answer}"),
                    other => panic!("creation {i}: {other} {answer}"),
                }
            });
        }
    });
    assert_eq!(created.load(Ordering::Relaxed), 7);
    assert_eq!(listed_emails(&client, &servers[2], &cookie, &app_id).len(), 10);

    // Failed sign-ins through all three count toward one limit.
    for attempt in 0..10 {
        let answer = sign_in(&client, &servers[attempt % 3], &app_id, "a-wrong-password");
        assert_eq!(answer.status().as_u16(), 401, "attempt {attempt}");
    }
    for server in &servers {
        assert_eq!(sign_in(&client, server, &app_id, "a-good-password").status().as_u16(), 429);
    }
}
