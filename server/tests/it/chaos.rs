//! Crash durability: the real server is killed with SIGKILL at random moments while clients
//! create, edit and delete users (with tags and a group) through the REST API and sign in
//! through the experience API. After each kill: every acknowledged write is there, every
//! acknowledged deletion gone, nothing half-written (a user is there with all of their tags and
//! their membership, or not at all), the kept counters equal a recount, SQLite's and the search
//! index's integrity checks pass, and every acknowledged sign-in's token still works.
//! CHAOS_KILLS sets the number of kills (20 in `make test`; `make chaos KILLS=200`).

use crate::process::*;
use rand::Rng;
use serde_json::{json, Value};
use sqlx::Row;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// What a client was told, per user email.
#[derive(Debug, Default, Clone)]
struct Fate {
    id: Option<String>,
    created: bool,
    /// The rename to "v1": `Some(true)` acknowledged; `Some(false)`: sent, answer lost.
    renamed: Option<bool>,
    /// `Some(true)`: deletion acknowledged; `Some(false)`: asked, answer lost.
    deleted: Option<bool>,
    tag: String,
}

#[derive(Default, Clone)]
struct Log {
    users: BTreeMap<String, Fate>,
    tokens: Vec<String>,
    acknowledged: u64,
}

type Base = Arc<RwLock<Option<String>>>;

fn current(base: &Base) -> Option<String> {
    base.read().unwrap().clone()
}

/// One writer: creates users with two tags and a group, renames each, deletes every third.
fn writer(
    n: usize,
    base: Base,
    token: String,
    app_id: String,
    group_id: String,
    log: Arc<Mutex<Log>>,
    stop: Arc<AtomicBool>,
) {
    let client = client();
    let auth = format!("Bearer {token}");
    let users = format!("/api/v1/applications/{app_id}/experience/users");
    let send = |method: &str, path: &str, body: Option<Value>| -> Option<(u16, Value)> {
        let url = format!("{}{path}", current(&base)?);
        let request = http::Request::builder().method(method).uri(url).header("authorization", &auth);
        let answer = match body {
            Some(body) => client.run(request.header("content-type", "application/json").body(body.to_string()).ok()?),
            None => client.run(request.body(()).ok()?),
        };
        let mut answer = answer.ok()?;
        let status = answer.status().as_u16();
        let body = answer.body_mut().read_json::<Value>().unwrap_or(Value::Null);
        Some((status, body))
    };
    let mut k = 0;
    while !stop.load(Ordering::Relaxed) {
        if current(&base).is_none() {
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        k += 1;
        let email = format!("w{n}-{k}@chaos.io");
        let tag = k.to_string();
        log.lock().unwrap().users.insert(email.clone(), Fate { tag: tag.clone(), ..Default::default() });
        let body = json!({ "email": email, "password": "a-good-password", "firstName": "v0",
                           "userTags": { "a": tag, "b": tag }, "experienceGroupIds": [group_id] });
        let Some((201, created)) = send("POST", &users, Some(body)) else { continue };
        let id = created["id"].as_str().unwrap().to_owned();
        {
            let mut log = log.lock().unwrap();
            let fate = log.users.get_mut(&email).unwrap();
            fate.id = Some(id.clone());
            fate.created = true;
            log.acknowledged += 1;
        }
        log.lock().unwrap().users.get_mut(&email).unwrap().renamed = Some(false);
        if let Some((200, _)) = send("PATCH", &format!("{users}/{id}"), Some(json!({ "firstName": "v1" }))) {
            let mut log = log.lock().unwrap();
            log.users.get_mut(&email).unwrap().renamed = Some(true);
            log.acknowledged += 1;
        }
        if k % 3 == 0 {
            log.lock().unwrap().users.get_mut(&email).unwrap().deleted = Some(false);
            if let Some((200, _)) = send("DELETE", &format!("{users}/{id}"), None) {
                let mut log = log.lock().unwrap();
                log.users.get_mut(&email).unwrap().deleted = Some(true);
                log.acknowledged += 1;
            }
        }
    }
}

/// Signs Ann in again and again; every token handed out must outlive the kills.
fn signer(base: Base, app_id: String, log: Arc<Mutex<Log>>, stop: Arc<AtomicBool>) {
    let client = client();
    while !stop.load(Ordering::Relaxed) {
        let Some(url) = current(&base) else {
            std::thread::sleep(Duration::from_millis(20));
            continue;
        };
        let answer = client
            .post(format!("{url}/api/experience/{app_id}/auth"))
            .send_json(json!({ "email": "ann@example.com", "password": "a-good-password" }));
        if let Ok(mut answer) = answer {
            if answer.status() == 200 {
                if let Ok(body) = answer.body_mut().read_json::<Value>() {
                    let mut log = log.lock().unwrap();
                    log.tokens.push(body["token"].as_str().unwrap().to_owned());
                    log.acknowledged += 1;
                }
            }
        }
    }
}

/// Everything the log says must hold, read from the database file while no server runs.
async fn check(database: &Path, app_id: &str, log: &Log, kill: usize) {
    let pool = store_sqlite::db::connect(&format!("sqlite://{}", database.display())).await.unwrap();
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&pool).await.unwrap();
    assert_eq!(integrity, "ok", "kill {kill}");
    sqlx::query("INSERT INTO experience_users_fts (experience_users_fts, rank) VALUES ('integrity-check', 1)")
        .execute(&pool)
        .await
        .unwrap_or_else(|e| panic!("kill {kill}: the search index disagrees with the rows: {e}"));
    let counts = sqlx::query(
        "SELECT a.user_count, a.grouped_user_count, (SELECT COUNT(*) FROM experience_users WHERE application_id = a.id),
                (SELECT COUNT(*) FROM experience_users WHERE application_id = a.id AND in_group = 1)
           FROM applications a WHERE a.id = ?",
    )
    .bind(app_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    let (kept, actual): ((i64, i64), (i64, i64)) = ((counts.get(0), counts.get(1)), (counts.get(2), counts.get(3)));
    assert_eq!(kept, actual, "kill {kill}: kept counters against a recount");

    for (email, fate) in &log.users {
        let row = sqlx::query(
            "SELECT u.first_name,
                    (SELECT group_concat(key || '=' || value, ',') FROM
                        (SELECT key, value FROM experience_user_tags WHERE user_id = u.id ORDER BY key)),
                    (SELECT COUNT(*) FROM experience_group_members WHERE user_id = u.id)
               FROM experience_users u WHERE u.application_id = ? AND u.email_normalized = ?",
        )
        .bind(app_id)
        .bind(email)
        .fetch_optional(&pool)
        .await
        .unwrap();
        let what = format!("kill {kill}: {email} ({fate:?})");
        match &row {
            None => {
                assert!(!fate.created || fate.deleted.is_some(), "{what}: an acknowledged user is lost")
            }
            Some(row) => {
                assert_ne!(fate.deleted, Some(true), "{what}: an acknowledged deletion came back");
                let tags: Option<String> = row.get(1);
                let expected = format!("a={0},b={0}", fate.tag);
                assert_eq!(tags.as_deref(), Some(expected.as_str()), "{what}: all the tags or none");
                assert_eq!(row.get::<i64, _>(2), 1, "{what}: the membership with the user");
                let first: String = row.get(0);
                match fate.renamed {
                    Some(true) => assert_eq!(first, "v1", "{what}: an acknowledged rename is lost"),
                    Some(false) => assert!(first == "v0" || first == "v1", "{what}: {first}"),
                    None => assert_eq!(first, "v0", "{what}"),
                }
            }
        }
    }
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_sigkill() {
    let kills: usize = std::env::var("CHAOS_KILLS").ok().and_then(|k| k.parse().ok()).unwrap_or(20);
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("chaos.db");
    let server = start(&database);
    let setup_client = client();
    let (cookie, app_id, _) = application_with_ann(&setup_client, &server);
    let token = server_fn(
        &setup_client,
        &server,
        "api-tokens/create",
        &[("application_id", &app_id), ("name", "chaos"), ("expires", "")],
        &cookie,
    )["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let group = server_fn(
        &setup_client,
        &server,
        "groups/create",
        &[("application_id", &app_id), ("name", "Barn"), ("description", ""), ("parent_id", "")],
        &cookie,
    );
    let group_id = group.as_str().unwrap().to_owned();

    let shared: Base = Arc::new(RwLock::new(Some(server.base.clone())));
    let log = Arc::new(Mutex::new(Log::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for n in 0..3 {
        let (base, token, app_id, group_id, log, stop) =
            (shared.clone(), token.clone(), app_id.clone(), group_id.clone(), log.clone(), stop.clone());
        clients.push(std::thread::spawn(move || writer(n, base, token, app_id, group_id, log, stop)));
    }
    {
        let (base, app_id, log, stop) = (shared.clone(), app_id.clone(), log.clone(), stop.clone());
        clients.push(std::thread::spawn(move || signer(base, app_id, log, stop)));
    }

    let started = Instant::now();
    let mut server = Some(server);
    for kill in 1..=kills {
        let wait = rand::rng().random_range(150..700);
        tokio::time::sleep(Duration::from_millis(wait)).await;
        *shared.write().unwrap() = None;
        drop(server.take()); // SIGKILL, then reaped
        let snapshot = log.lock().unwrap().clone();
        check(&database, &app_id, &snapshot, kill).await;
        let restarted = start(&database);
        let me = client();
        for token in &snapshot.tokens {
            assert_eq!(me_status(&me, &restarted, &app_id, token), 200, "kill {kill}: an acknowledged sign-in's token");
        }
        *shared.write().unwrap() = Some(restarted.base.clone());
        server = Some(restarted);
    }
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.join().unwrap();
    }
    let log = log.lock().unwrap();
    println!(
        "chaos: {kills} kills in {:.1} s; {} acknowledged writes and sign-ins checked after each ({} users tried, {} tokens); none lost",
        started.elapsed().as_secs_f64(),
        log.acknowledged,
        log.users.len(),
        log.tokens.len()
    );
    assert!(log.acknowledged > kills as u64, "the clients got work done between the kills");
}
