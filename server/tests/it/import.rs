//! Importing users from a file: a dry run lists every bad row and writes nothing; an import
//! writes every row or none (unless bad rows are skipped), runs as a job whose progress and
//! report any page can read; an export imported again changes nothing; imported bcrypt and
//! argon2id hashes sign in and are replaced by ours.

use std::time::Duration;

use crate::common::{spawn_app, TestApp};
use crate::export::{export_path, farm, server_fn};
use axum::body::Body;
use http::{header, Request, StatusCode};
use serde_json::{json, Value};

fn import_path(app_id: &str, query: &str) -> String {
    format!("/applications/{app_id}/experience/users/imports?{query}")
}

async fn upload(
    app: &TestApp,
    cookie: &str,
    app_id: &str,
    query: &str,
    file: impl Into<Body>,
) -> crate::common::Answer {
    let request = Request::post(import_path(app_id, query))
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(file.into())
        .unwrap();
    app.send(request).await
}

/// A dry run's report (it must succeed).
async fn dry_run(app: &TestApp, cookie: &str, app_id: &str, query: &str, file: &str) -> Value {
    let answer = upload(app, cookie, app_id, &format!("dryRun=1&{query}"), file.to_owned()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.json()
}

/// Starts an import and waits for its job to end; answers the job.
async fn import(app: &TestApp, cookie: &str, app_id: &str, query: &str, file: &str) -> Value {
    let answer = upload(app, cookie, app_id, query, file.to_owned()).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.body);
    let job_id = answer.json()["jobId"].as_str().unwrap().to_owned();
    for _ in 0..600 {
        let job = app.call("users/import", &[("application_id", app_id), ("job_id", &job_id)], Some(cookie)).await;
        assert_eq!(job.status, StatusCode::OK, "{}", job.body);
        let job = job.json();
        if job["state"] != "running" {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the import did not end");
}

async fn export(app: &TestApp, cookie: &str, app_id: &str, query: &str) -> String {
    let answer = app.get(&export_path(app_id, query), Some(cookie)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body
}

fn problems(report: &Value) -> Vec<(u64, String, String)> {
    report["problems"]["listed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["line"].as_u64().unwrap(),
                p["column"].as_str().unwrap().to_owned(),
                p["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

const BAD_FILE: &str = "email,firstName,password,groups,tag:zone\r\n\
    new@example.com,New,a-good-password,Farm,east\r\n\
    not-an-email,X,a-good-password,,\r\n\
    short@example.com,Y,short,,\r\n\
    ann@example.com,Ann,a-good-password,,\r\n\
    NEW@example.com,Again,a-good-password,,\r\n\
    lost@example.com,Z,a-good-password,Nowhere/Else,\r\n\
    \"quoted@example.com\",\"Multi\nline, \"\"quoted\"\"\",a-good-password,Farm/Barn,\r\n";

#[tokio::test]
async fn a_dry_run_lists_every_bad_row_by_line_and_column_and_writes_nothing() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let app_id = farm(&app, &cookie).await;
    let before = export(&app, &cookie, &app_id, "format=csv").await;

    let report = dry_run(&app, &cookie, &app_id, "mode=create", BAD_FILE).await;
    assert_eq!((report["rows"].as_u64(), report["created"].as_u64()), (Some(7), Some(2)), "{report}");
    assert_eq!(report["problems"]["badRows"], 5);
    assert_eq!(report["applied"], false);
    let listed = problems(&report);
    let brief: Vec<(u64, &str)> = listed.iter().map(|(line, column, _)| (*line, column.as_str())).collect();
    assert_eq!(brief, [(3, "email"), (4, "password"), (5, "email"), (6, "email"), (7, "groups")], "{listed:?}");
    assert_eq!(listed[1].2, "Password must be at least 8 characters (this one has 5)");
    assert_eq!(listed[2].2, "A user with this email already exists in this application");
    assert_eq!(listed[3].2, "Also on line 2: a file names each email once");
    assert!(listed[4].2.contains("No group \"Nowhere/Else\""), "{}", listed[4].2);

    // The same file imported for real: all or nothing, so nothing.
    let job = import(&app, &cookie, &app_id, "mode=create", BAD_FILE).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["report"]["applied"], false);
    assert_eq!(job["report"]["problems"]["badRows"], 5);
    assert_eq!(export(&app, &cookie, &app_id, "format=csv").await, before, "nothing was written");

    // Upsert, missing groups created, bad rows skipped: the good rows land.
    let report = dry_run(&app, &cookie, &app_id, "mode=upsert&createGroups=1", BAD_FILE).await;
    assert_eq!((report["created"].as_u64(), report["updated"].as_u64()), (Some(3), Some(1)), "{report}");
    assert_eq!(report["groupsCreated"], json!(["Nowhere", "Nowhere/Else"]));
    let job = import(&app, &cookie, &app_id, "mode=upsert&createGroups=1&skipBadRows=1", BAD_FILE).await;
    assert_eq!(job["report"]["applied"], true, "{job}");
    assert_eq!(job["report"]["problems"]["badRows"], 3);
    let users: Vec<Value> =
        serde_json::from_str(&export(&app, &cookie, &app_id, "format=json&sort=email").await).unwrap();
    let find = |email: &str| users.iter().find(|u| u["email"] == email).unwrap_or_else(|| panic!("{email}")).clone();
    assert_eq!(find("new@example.com")["groups"], json!(["Farm"]));
    assert_eq!(find("new@example.com")["tags"], json!({ "zone": "east" }));
    assert_eq!(find("lost@example.com")["groups"], json!(["Nowhere/Else"]));
    assert_eq!(find("quoted@example.com")["firstName"], "Multi\nline, \"quoted\"");
    assert_eq!(find("quoted@example.com")["groups"], json!(["Farm/Barn"]));
    let ann = find("ann@example.com");
    assert_eq!(ann["groups"], json!([]), "an empty groups cell takes the user out of every group");
    assert_eq!(ann["tags"], json!({ "role": "admin" }), "an empty tag cell removes that tag, the others stay");
    assert_eq!(users.len(), 6);

    // Each user the import wrote has its own entry in the history, beside the import's.
    let history = |action: &str| {
        let body = json!({ "application_id": app_id, "filter": { "action": action }, "cursor": null }).to_string();
        let (app, cookie) = (&app, cookie.clone());
        async move {
            let page = app.json("POST", "/api/history/page", Some(&body), &[("cookie", &cookie)]).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            page.json()["entries"].as_array().unwrap().clone()
        }
    };
    let described = |entry: &Value| -> Vec<String> {
        entry["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| format!("{}: {} -> {}", c["field"].as_str().unwrap(), c["before"], c["after"]))
            .collect()
    };
    assert_eq!(history("users.import").await.len(), 2, "each import started: the one refused and this one");
    let created = history("user.create").await;
    let new = created.iter().find(|e| e["subject"] == "new@example.com").expect("an entry for the new user");
    assert_eq!(
        described(new),
        [
            "email: null -> \"new@example.com\"",
            "firstName: null -> \"New\"",
            "tag:zone: null -> \"east\"",
            "groups: null -> \"Farm\""
        ]
    );
    assert_eq!(created.len(), 3 + 3, "the farm's three users and the three the import added");
    let updated = history("user.update").await;
    assert_eq!(updated.len(), 1, "{updated:?}");
    assert_eq!(updated[0]["subject"], "ann@example.com");
    assert_eq!(
        described(&updated[0]),
        ["password: null -> null", "tag:zone: \"north\" -> null", "groups: \"Barn\" -> null"]
    );
}

#[tokio::test]
async fn an_export_imported_again_changes_nothing_and_fills_another_application_alike() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let app_id = farm(&app, &cookie).await;

    for format in ["csv", "json"] {
        let query = format!("format={format}&hashes=1");
        let first = export(&app, &cookie, &app_id, &query).await;
        let report = dry_run(&app, &cookie, &app_id, "mode=upsert", &first).await;
        assert_eq!(
            (report["unchanged"].as_u64(), report["problems"]["badRows"].as_u64()),
            (Some(3), Some(0)),
            "{report}"
        );
        let job = import(&app, &cookie, &app_id, "mode=upsert", &first).await;
        assert_eq!((job["report"]["applied"].as_bool(), job["report"]["unchanged"].as_u64()), (Some(true), Some(3)));
        assert_eq!(export(&app, &cookie, &app_id, &query).await, first, "{format}: the round trip is exact");
    }

    // Into a new application: the same users, groups and tags; ids and dates are its own.
    let other = server_fn(&app, &cookie, "applications/create", &[("name", "Copy")]).await;
    let file = export(&app, &cookie, &app_id, "format=csv&hashes=1").await;
    let refused = dry_run(&app, &cookie, &other, "mode=create", &file).await;
    assert_eq!(refused["problems"]["badRows"], 2, "Farm and Farm/Barn do not exist there: {refused}");
    let job = import(&app, &cookie, &other, "mode=create&createGroups=1", &file).await;
    assert_eq!(job["report"]["created"], 3, "{job}");
    assert_eq!(job["report"]["groupsCreated"], json!(["Farm", "Farm/Barn"]));
    let comparable = |csv: &str| -> Vec<Vec<String>> {
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let head: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
        let kept: Vec<usize> = (0..head.len())
            .filter(|i| !["id", "creationDate", "lastUpdated", "passwordLastUpdated"].contains(&head[*i].as_str()))
            .collect();
        let mut rows = vec![kept.iter().map(|i| head[*i].clone()).collect()];
        rows.extend(reader.records().map(|r| {
            let r = r.unwrap();
            kept.iter().map(|i| r[*i].to_owned()).collect()
        }));
        rows
    };
    assert_eq!(comparable(&export(&app, &cookie, &other, "format=csv&hashes=1").await), comparable(&file));
}

#[tokio::test]
async fn imported_bcrypt_and_argon2id_hashes_sign_in_and_are_replaced_by_ours() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let app_id = server_fn(&app, &cookie, "applications/create", &[("name", "Moved")]).await;
    let bcrypt = bcrypt::hash("from-the-old-system", 4).unwrap();
    let file = json!([
        { "email": "bee@example.com", "passwordHash": bcrypt },
        { "email": "nopass@example.com", "firstName": "No password" },
    ])
    .to_string();
    let job = import(&app, &cookie, &app_id, "", &file).await;
    assert_eq!(job["report"]["created"], 2, "{job}");

    let sign_in = |email: &'static str, password: &'static str| {
        let body = json!({ "email": email, "password": password }).to_string();
        let (app, path) = (&app, format!("/api/experience/{app_id}/auth"));
        async move { app.json("POST", &path, Some(&body), &[]).await.status }
    };
    assert_eq!(sign_in("bee@example.com", "wrong-password").await, StatusCode::UNAUTHORIZED);
    assert_eq!(sign_in("bee@example.com", "from-the-old-system").await, StatusCode::OK);
    let users: Vec<Value> =
        serde_json::from_str(&export(&app, &cookie, &app_id, "format=json&hashes=1&sort=email").await).unwrap();
    let hash = users[0]["passwordHash"].as_str().unwrap();
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "upgraded at sign-in: {hash}");
    assert_eq!(sign_in("bee@example.com", "from-the-old-system").await, StatusCode::OK, "and still signs in");
    assert_eq!(users[1]["passwordHash"], "", "imported without a password");
    assert_eq!(sign_in("nopass@example.com", "").await, StatusCode::BAD_REQUEST);
    assert_eq!(sign_in("nopass@example.com", "anything-at-all").await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_user_limit_counts_the_new_rows_in_file_order() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let app_id = farm(&app, &cookie).await;
    let limited =
        app.call("applications/update", &[("id", &app_id), ("name", "Farm"), ("user_limit", "4")], Some(&cookie)).await;
    assert_eq!(limited.status, StatusCode::OK, "{}", limited.body);
    let file = "email\nann@example.com\nd1@example.com\nd2@example.com\nd3@example.com\n";
    let report = dry_run(&app, &cookie, &app_id, "mode=upsert", file).await;
    assert_eq!((report["created"].as_u64(), report["unchanged"].as_u64()), (Some(1), Some(1)), "{report}");
    let listed = problems(&report);
    assert_eq!(listed.iter().map(|p| p.0).collect::<Vec<_>>(), [4, 5]);
    assert_eq!(listed[0].2, "The application's limit of 4 users is reached (it has 3)");
}

#[tokio::test]
async fn a_file_that_cannot_be_read_says_why_at_once() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let app_id = farm(&app, &cookie).await;
    let cases: [(&[u8], &str); 10] = [
        (b"", "The file is empty"),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "This is a binary file, not CSV or JSON text"),
        (b"\xff\xfee\0m\0", "The file is UTF-16 text: save it as UTF-8 and try again"),
        (b"email\nann\xe9@example.com\n", "The file is not UTF-8 text (line 2): save it as UTF-8 and try again"),
        (b"email,firstName\n", "The file holds no users"),
        (b"email,nickname\nx@example.com,X\n", "Unknown column \"nickname\" (column 2)"),
        (b"email,firstName,email\n", "Column \"email\" appears twice (columns 1 and 3)"),
        (b"firstName\nAnn\n", "The file has no email column"),
        (b"{\"email\": \"a@b.co\"}", "A JSON import is an array of users"),
        (b"[{\"email\": \"a@b.co\"}", "The file is not a JSON array of users: EOF while parsing"),
    ];
    for (bytes, expected) in cases {
        let answer = upload(&app, &cookie, &app_id, "dryRun=1", bytes.to_vec()).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{expected}: {}", answer.body);
        let message = answer.json()["fields"]["file"].as_str().unwrap().to_owned();
        assert!(message.starts_with(expected), "{message:?} should start with {expected:?}");
    }

    // A quote left open would swallow the rows after it: that row is bad, nothing is imported.
    let report = dry_run(&app, &cookie, &app_id, "", "email,firstName\na@example.com,\"Ann\nb@example.com,Bo\n").await;
    let listed = problems(&report);
    assert_eq!((report["rows"].as_u64(), listed.len()), (Some(1), 1), "{report}");
    assert!(listed[0].2.starts_with("A quote is left open on this row"), "{}", listed[0].2);

    // With a BOM and CRLF; JSON rows of the wrong shape are bad rows at their line.
    let report = dry_run(&app, &cookie, &app_id, "", "\u{feff}email,lastName\r\nnew@example.com,Lee\r\n").await;
    assert_eq!(report["created"], 1, "{report}");
    let json_file = "[\n{\"email\": \"ok@example.com\"},\n5,\n{\"email\": \"x@example.com\",\n \"nickname\": \"X\"}\n]";
    let report = dry_run(&app, &cookie, &app_id, "", json_file).await;
    let listed = problems(&report);
    assert_eq!(listed.iter().map(|p| p.0).collect::<Vec<_>>(), [3, 5], "{listed:?}");
    assert!(listed[0].2.starts_with("Not a user object with an email: invalid type: integer `5`"), "{}", listed[0].2);
    assert!(listed[1].2.contains("unknown field `nickname`"), "{}", listed[1].2);

    // Too big: refused before it is read, in the error JSON.
    let huge = vec![b'a'; server::import::MAX_FILE_BYTES + 1];
    let answer = upload(&app, &cookie, &app_id, "dryRun=1", huge).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.json()["type"], "PayloadTooLarge");
}

#[tokio::test]
async fn a_file_of_bad_rows_answers_its_first_thousand_problems_and_counts_them_all() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let app_id = farm(&app, &cookie).await;
    let mut file = String::from("email,password\n");
    for i in 0..100_000 {
        file.push_str(&format!("user{i}.example.com,short\n"));
    }
    let started = std::time::Instant::now();
    let report = dry_run(&app, &cookie, &app_id, "", &file).await;
    assert_eq!(report["problems"]["badRows"], 100_000);
    let listed = problems(&report);
    assert_eq!(listed.len(), 1000);
    assert_eq!((listed[0].0, listed[1].0, listed[999].0), (2, 2, 501), "two problems a row, by line");
    eprintln!("10^5 bad rows checked in {:?}", started.elapsed());
}

#[tokio::test]
async fn only_a_signed_in_administrator_of_this_site_imports() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let app_id = farm(&app, &cookie).await;
    let file = "email\nnew@example.com\n";
    let anonymous = app.send(Request::post(import_path(&app_id, "dryRun=1")).body(Body::from(file)).unwrap()).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let cross_site = Request::post(import_path(&app_id, ""))
        .header(header::COOKIE, &cookie)
        .header(header::ORIGIN, "https://evil.example")
        .header(header::HOST, "localhost")
        .body(Body::from(file))
        .unwrap();
    assert_eq!(app.send(cross_site).await.status, StatusCode::FORBIDDEN);
    let missing = upload(&app, &cookie, "ffffffffffffffffffffffff", "dryRun=1", file).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.body);
    let bad_mode = upload(&app, &cookie, &app_id, "mode=merge", file).await;
    assert_eq!(bad_mode.json()["fields"]["mode"], "Choose create or upsert");
}

/// `server import` on the database a running server uses: a dry run writes nothing, an
/// import with bad rows exits 1 and writes nothing, the fixed one lands and the server lists it.
#[test]
fn the_command_line_checks_then_imports_a_file() {
    use crate::process::{application_with_ann, client, listed_emails, shared_database, start_on, workspace_root};
    let (url, dir) = shared_database();
    let server = start_on(&url);
    let (cookie, app_id, _) = application_with_ann(&client(), &server);
    let file = dir.path().join("users.csv");
    std::fs::write(&file, "email,firstName,groups\nann@example.com,Annie,\nbo@example.com,Bo,Farm/Barn\n").unwrap();
    let import = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .current_dir(workspace_root())
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "warn")
            .args(["import", "--application", &app_id, "--file", file.to_str().unwrap()])
            .args(args)
            .output()
            .unwrap();
        (output.status.success(), String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap())
    };

    let (ok, out, _) = import(&["--dry-run"]);
    assert!(ok, "a dry run succeeds whatever it finds: {out}");
    assert!(out.starts_with("Dry run: 2 rows: 0 new, 0 updated, 0 unchanged, 2 bad\n"), "{out}");
    assert!(out.contains("line 2, email: A user with this email already exists in this application"), "{out}");
    assert!(out.contains("line 3, groups: No group \"Farm/Barn\""), "{out}");
    let (ok, out, err) = import(&["--mode", "upsert"]);
    assert!(!ok && err.contains("nothing was imported"), "{out} {err}");
    assert_eq!(listed_emails(&client(), &server, &cookie, &app_id), ["ann@example.com"]);

    let (ok, out, err) = import(&["--mode", "upsert", "--create-groups", "--json"]);
    assert!(ok, "{out} {err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!((report["created"].as_u64(), report["updated"].as_u64()), (Some(1), Some(1)), "{report}");
    assert_eq!(report["groupsCreated"], json!(["Farm", "Farm/Barn"]));
    assert_eq!(listed_emails(&client(), &server, &cookie, &app_id), ["ann@example.com", "bo@example.com"]);
}
