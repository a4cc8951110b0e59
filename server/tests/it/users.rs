use crate::common::{engine, insert_users, numbered_id, spawn_app, TestApp, TestUser};
use app::experience::users::{ListQuery, PageAt, SortDir, SortField, UserView};
use app::server::{Conn, Engine};
use http::StatusCode;
use std::sync::Arc;

async fn new_app(app: &TestApp, cookie: &str) -> String {
    let created = app.call("applications/create", &[("name", "Farm")], Some(cookie)).await;
    serde_json::from_str(&created.body).unwrap()
}

async fn create(app: &TestApp, cookie: &str, app_id: &str, email: &str) -> crate::common::Answer {
    app.call(
        "users/create",
        &[
            ("application_id", app_id),
            ("email", email),
            ("password", "a-good-password"),
            ("first_name", "Ann"),
            ("last_name", "Lee"),
        ],
        Some(cookie),
    )
    .await
}

async fn counts(app: &TestApp, app_id: &str) -> (i64, i64) {
    sqlx::query_as("SELECT user_count, grouped_user_count FROM applications WHERE id = $1")
        .bind(app_id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn create_validates_every_field_with_the_shared_messages() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let app_id = new_app(&app, &cookie).await;
    let long = "x".repeat(1025);
    let long_email = format!("{}@example.com", "a".repeat(1013));
    for (field, value, message) in [
        ("email", "not-an-email", "Enter a valid email address"),
        ("email", long_email.as_str(), "Email must be at most 1024 characters (this one has 1025)"),
        ("password", "1234567", "Password must be at least 8 characters (this one has 7)"),
        ("first_name", long.as_str(), "First name: Must be at most 1024 characters (this one has 1025)"),
        ("last_name", long.as_str(), "Last name: Must be at most 1024 characters (this one has 1025)"),
    ] {
        let mut form = vec![
            ("application_id", app_id.as_str()),
            ("email", "ok@example.com"),
            ("password", "a-good-password"),
            ("first_name", ""),
            ("last_name", ""),
        ];
        form.retain(|(k, _)| *k != field);
        form.push((field, value));
        let answer = app.call("users/create", &form, Some(&cookie)).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{field}");
        assert!(answer.body.contains(message), "{field}: {}", answer.body);
    }
    assert_eq!(counts(&app, &app_id).await, (0, 0));
}

#[tokio::test]
async fn email_is_unique_per_application_in_any_letter_case() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let first = new_app(&app, &cookie).await;
    let second = new_app(&app, &cookie).await;
    assert!(create(&app, &cookie, &first, "Ann@Example.com").await.status.is_success());
    let dup = create(&app, &cookie, &first, "aNN@example.COM").await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    assert_eq!(dup.json()["field"], "email", "shown under the email field: {}", dup.body);
    assert!(dup.body.contains("already exists"), "{}", dup.body);
    assert!(create(&app, &cookie, &second, "ann@example.com").await.status.is_success());
    assert_eq!(counts(&app, &first).await.0, 1);
    assert_eq!(counts(&app, &second).await.0, 1);
}

#[tokio::test]
async fn twenty_concurrent_creations_of_one_email_make_exactly_one_user() {
    let app = Arc::new(spawn_app().await);
    let cookie = app.sign_in().await;
    let app_id = new_app(&app, &cookie).await;
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let (app, cookie, app_id) = (app.clone(), cookie.clone(), app_id.clone());
            let email = if i % 2 == 0 { "race@example.com" } else { "RACE@example.com" };
            tokio::spawn(async move { create(&app, &cookie, &app_id, email).await.status })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| s.is_success()).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| s.is_success() || *s == StatusCode::CONFLICT), "{statuses:?}");
    assert_eq!(counts(&app, &app_id).await.0, 1);
}

#[tokio::test]
async fn the_user_limit_holds_under_concurrency() {
    let app = Arc::new(spawn_app().await);
    let cookie = app.sign_in().await;
    let app_id = new_app(&app, &cookie).await;
    app.call("applications/update", &[("id", &app_id), ("name", "Farm"), ("user_limit", "5")], Some(&cookie)).await;
    let tasks: Vec<_> = (0..12)
        .map(|i| {
            let (app, cookie, app_id) = (app.clone(), cookie.clone(), app_id.clone());
            tokio::spawn(async move { create(&app, &cookie, &app_id, &format!("u{i}@example.com")).await })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        let answer = t.await.unwrap();
        if answer.status.is_success() {
            ok += 1;
        } else {
            assert_eq!(answer.status, StatusCode::CONFLICT);
            assert!(answer.body.contains("reached its limit of 5 users"), "{}", answer.body);
        }
    }
    assert_eq!(ok, 5);
    assert_eq!(counts(&app, &app_id).await.0, 5);
}

async fn get_user(app: &TestApp, cookie: &str, app_id: &str, id: &str) -> serde_json::Value {
    let answer = app.call("users/get", &[("application_id", app_id), ("user_id", id)], Some(cookie)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let form: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    form["user"].clone()
}

async fn password_hash(app: &TestApp, id: &str) -> String {
    sqlx::query_scalar("SELECT password_hash FROM experience_users WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn edits_keep_the_password_unless_asked_and_refuse_stale_versions() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let app_id = new_app(&app, &cookie).await;
    let id: String = serde_json::from_str(&create(&app, &cookie, &app_id, "bob@example.com").await.body).unwrap();
    let before = get_user(&app, &cookie, &app_id, &id).await;
    let hash_before = password_hash(&app, &id).await;
    let update = |version: String, last: &'static str, change: Option<&'static str>| {
        let mut form = vec![
            ("application_id".to_owned(), app_id.clone()),
            ("user_id".to_owned(), id.clone()),
            ("version".to_owned(), version),
            ("email".to_owned(), "bob@example.com".to_owned()),
            ("first_name".to_owned(), "Bob".to_owned()),
            ("last_name".to_owned(), last.to_owned()),
        ];
        if let Some(p) = change {
            form.push(("change_password".into(), "on".into()));
            form.push(("password".into(), p.into()));
        }
        form
    };
    let send = |form: Vec<(String, String)>| {
        let app = &app;
        let cookie = cookie.clone();
        async move {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.call("users/update", &pairs, Some(&cookie)).await
        }
    };

    let v1 = before["version"].to_string();
    let saved = send(update(v1.clone(), "Builder", None)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(password_hash(&app, &id).await, hash_before, "password untouched");
    let after = get_user(&app, &cookie, &app_id, &id).await;
    assert_eq!(after["last_name"], "Builder");
    assert_eq!(after["password_updated_at"], before["password_updated_at"]);

    // A second administrator still holding version 1 is refused; nothing is overwritten.
    let stale = send(update(v1, "Overwritten", None)).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(stale.body.contains("Someone else saved this user"), "{}", stale.body);
    assert_eq!(get_user(&app, &cookie, &app_id, &id).await["last_name"], "Builder");

    let v2 = after["version"].to_string();
    let short = send(update(v2.clone(), "Builder", Some("short"))).await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    assert!(short.body.contains("at least 8 characters"), "{}", short.body);

    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let changed = send(update(v2, "Builder", Some("a-brand-new-password"))).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_ne!(password_hash(&app, &id).await, hash_before);
    let last = get_user(&app, &cookie, &app_id, &id).await;
    assert!(last["password_updated_at"].as_i64() > before["password_updated_at"].as_i64());
}

#[tokio::test]
async fn delete_takes_memberships_and_tags_and_frees_the_email() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let app_id = new_app(&app, &cookie).await;
    let id: String = serde_json::from_str(&create(&app, &cookie, &app_id, "gone@example.com").await.body).unwrap();
    sqlx::query("INSERT INTO experience_groups (id, application_id, name, created_at, updated_at) VALUES ('aaaaaaaaaaaaaaaaaaaaaaaa', $1, 'Crew', 0, 0)")
        .bind(&app_id).execute(&app.db).await.unwrap();
    sqlx::query("INSERT INTO experience_group_members (group_id, user_id) VALUES ('aaaaaaaaaaaaaaaaaaaaaaaa', $1)")
        .bind(&id)
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("INSERT INTO experience_user_tags (user_id, key, value) VALUES ($1, 'k', 'v')")
        .bind(&id)
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(counts(&app, &app_id).await, (1, 1));

    let deleted = app.call("users/delete", &[("application_id", &app_id), ("user_id", &id)], Some(&cookie)).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    for table in ["experience_group_members", "experience_user_tags"] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&app.db).await.unwrap();
        assert_eq!(n, 0, "{table}");
    }
    assert_eq!(counts(&app, &app_id).await, (0, 0));
    let again = app.call("users/delete", &[("application_id", &app_id), ("user_id", &id)], Some(&cookie)).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert!(create(&app, &cookie, &app_id, "GONE@example.com").await.status.is_success());
}

#[tokio::test]
async fn users_of_one_application_are_not_reachable_through_another() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let a = new_app(&app, &cookie).await;
    let b = new_app(&app, &cookie).await;
    let id: String = serde_json::from_str(&create(&app, &cookie, &a, "mine@example.com").await.body).unwrap();
    let get = app.call("users/get", &[("application_id", &b), ("user_id", &id)], Some(&cookie)).await;
    assert_eq!(get.status, StatusCode::NOT_FOUND);
    let del = app.call("users/delete", &[("application_id", &b), ("user_id", &id)], Some(&cookie)).await;
    assert_eq!(del.status, StatusCode::NOT_FOUND);
    assert_eq!(counts(&app, &a).await.0, 1);
}

#[tokio::test]
async fn user_functions_require_a_session() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let app_id = new_app(&app, &cookie).await;
    for endpoint in ["users/get", "users/create", "users/delete", "users/email-taken"] {
        let answer = app
            .call(
                endpoint,
                &[
                    ("application_id", &app_id),
                    ("user_id", "x"),
                    ("email", "a@b.co"),
                    ("password", "a-good-password"),
                    ("first_name", ""),
                    ("last_name", ""),
                ],
                None,
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{endpoint}");
    }
    assert_eq!(counts(&app, &app_id).await.0, 0);
}

/// The ids of every page of `base`, read forwards from the first page and backwards from the last.
async fn every_page(conn: &mut Conn, app_id: &str, base: &ListQuery) -> (Vec<String>, Vec<String>) {
    use app::server::user_lists::admin_page;
    let mut forward = Vec::new();
    let mut at = PageAt::First;
    loop {
        let page = admin_page(conn, app_id, &ListQuery { at, ..base.clone() }).await.unwrap();
        forward.extend(page.rows.into_iter().map(|r| r.id));
        match page.next {
            Some(n) => at = n,
            None => break,
        }
    }
    let mut backward = Vec::new();
    let mut at = PageAt::Last;
    loop {
        let page = admin_page(conn, app_id, &ListQuery { at, ..base.clone() }).await.unwrap();
        backward.splice(0..0, page.rows.into_iter().map(|r| r.id));
        match page.prev {
            Some(p) => at = p,
            None => break,
        }
    }
    (forward, backward)
}

/// Walks every view × sort × direction page by page, forwards from the first page and
/// backwards from the last, and compares with the order computed here.
#[tokio::test]
async fn keyset_pages_cover_every_view_and_sort_exactly() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let app_id = new_app(&app, &cookie).await;
    sqlx::query("INSERT INTO experience_groups (id, application_id, name, created_at, updated_at) VALUES ('bbbbbbbbbbbbbbbbbbbbbbbb', $1, 'G', 0, 0)")
        .bind(&app_id).execute(&app.db).await.unwrap();

    struct Ref {
        id: String,
        email: String,
        first: String,
        last: String,
        created: i64,
        login: i64,
        updated: i64,
        grouped: bool,
    }
    let mut reference = Vec::new();
    let mut conn = app.store.acquire().await.unwrap();
    for i in 0..37i64 {
        let id = format!("{:024x}", 1000 + (i * 7919) % 37);
        let email = format!("user{:02}@example.com", (i * 13) % 37);
        // Repeated names and times, so ties are broken by id.
        let first = ["ann", "Bob", "cara", "ANN", ""][(i % 5) as usize].to_owned();
        let last = format!("L{}", i % 3);
        let created = 1_000 + (i % 4);
        let user = TestUser {
            id: id.clone(),
            application_id: app_id.clone(),
            email: email.clone(),
            first_name: first.clone(),
            last_name: last.clone(),
            created_at: created,
        };
        insert_users(&app.db, &[user]).await;
        let login = if i % 6 == 0 { 0 } else { 5_000 + i % 5 };
        let updated = 9_000 - i % 7;
        sqlx::query("UPDATE experience_users SET last_login_at = $1, updated_at = $2 WHERE id = $3")
            .bind(login)
            .bind(updated)
            .bind(&id)
            .execute(&app.db)
            .await
            .unwrap();
        let grouped = i % 3 == 0;
        if grouped {
            sqlx::query(
                "INSERT INTO experience_group_members (group_id, user_id) VALUES ('bbbbbbbbbbbbbbbbbbbbbbbb', $1)",
            )
            .bind(&id)
            .execute(&app.db)
            .await
            .unwrap();
        }
        reference.push(Ref { id, email, first, last, created, login, updated, grouped });
    }

    for view in UserView::ALL {
        for sort in SortField::ALL {
            for dir in [SortDir::Asc, SortDir::Desc] {
                let mut expected: Vec<&Ref> = reference
                    .iter()
                    .filter(|r| match view {
                        UserView::All => true,
                        UserView::InAnyGroup => r.grouped,
                        UserView::InNoGroup => !r.grouped,
                    })
                    .collect();
                expected.sort_by(|a, b| {
                    let key = |r: &Ref| match sort {
                        SortField::Email => (r.email.clone(), 0),
                        SortField::FirstName => (r.first.to_ascii_lowercase(), 0),
                        SortField::LastName => (r.last.to_ascii_lowercase(), 0),
                        SortField::Created => (String::new(), r.created),
                        // Never signed in (0) comes last in both directions.
                        SortField::LastLogin if dir == SortDir::Asc && r.login == 0 => (String::new(), i64::MAX),
                        SortField::LastLogin => (String::new(), r.login),
                        SortField::LastUpdated => (String::new(), r.updated),
                    };
                    (key(a), &a.id).cmp(&(key(b), &b.id))
                });
                if dir == SortDir::Desc {
                    expected.reverse();
                }
                let expected: Vec<String> = expected.iter().map(|r| r.id.clone()).collect();
                let base = ListQuery { view, sort, dir, size: 5, ..Default::default() };

                let (forward, backward) = every_page(&mut conn, &app_id, &base).await;
                assert_eq!(forward, expected, "{view:?} {sort:?} {dir:?} forwards");
                assert_eq!(backward, expected, "{view:?} {sort:?} {dir:?} backwards");
            }
        }
    }
}

/// A page filtered by a tag is read from the tag index when few users hold the tag and by
/// walking the sort index otherwise: both must give exactly the plain query's order and counts,
/// forwards and backwards, without rows of another application holding the same tag.
#[tokio::test]
async fn tag_pages_match_the_plain_query_whichever_index_they_read() {
    use app::server::user_lists::admin_page;
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let app_id = new_app(&app, &cookie).await;
    let other = new_app(&app, &cookie).await;
    let mut conn = app.store.acquire().await.unwrap();
    for (application, offset, users) in [(&app_id, 100_000, 2_100), (&other, 200_000, 300)] {
        let rows: Vec<TestUser> = (0..users)
            .map(|i| TestUser {
                id: numbered_id(offset + i),
                application_id: application.clone(),
                email: format!("u{:04}@t.io", (i * 7919) % users),
                first_name: String::new(),
                last_name: String::new(),
                created_at: i % 50,
            })
            .collect();
        insert_users(&app.db, &rows).await;
        // `many` on every user (past the tag-index threshold of 2,000), `many=1` on half,
        // `few` on one in a hundred.
        sqlx::query(
            "INSERT INTO experience_user_tags (user_id, key, value)
             SELECT id, 'many', CAST(created_at % 2 AS TEXT) FROM experience_users WHERE application_id = $1",
        )
        .bind(application)
        .execute(&app.db)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO experience_user_tags (user_id, key, value)
             SELECT id, 'few', 'yes' FROM experience_users WHERE application_id = $1 AND email_normalized LIKE '%00@t.io'",
        )
        .bind(application).execute(&app.db).await.unwrap();
    }
    for (tag, key, value) in [("many", "many", None), ("many=1", "many", Some("1")), ("few", "few", None)] {
        for (sort, dir, order) in [
            (SortField::Email, SortDir::Asc, "email_normalized ASC, id ASC"),
            (SortField::Created, SortDir::Desc, "created_at DESC, id DESC"),
        ] {
            let expected: Vec<String> = sqlx::query_scalar(&format!(
                "SELECT id FROM experience_users u WHERE application_id = $1 AND EXISTS (SELECT 1 FROM experience_user_tags t
                 WHERE t.user_id = u.id AND t.key = $2 AND ($3 IS NULL OR t.value = $3)) ORDER BY {order}"
            ))
            .bind(&app_id).bind(key).bind(value).fetch_all(&app.db).await.unwrap();
            let base = ListQuery { sort, dir, size: 100, tag: tag.into(), ..Default::default() };

            let (forward, backward) = every_page(&mut conn, &app_id, &base).await;
            assert_eq!(forward, expected, "{tag} {sort:?} forwards");
            assert_eq!(backward, expected, "{tag} {sort:?} backwards");

            let counted = admin_page(&mut conn, &app_id, &base).await.unwrap().matching;
            let cap = app::experience::users::MATCH_COUNT_CAP + 1;
            assert_eq!(counted, (expected.len() as i64).min(cap), "{tag} count");
        }
    }
}

/// "Previous" and "next" stay true when the row a page was asked from has stopped matching the
/// filter meanwhile (it answers them while it matches), and turn false when nothing lies there.
#[tokio::test]
async fn a_page_asked_from_a_row_that_left_the_filter_still_knows_its_neighbours() {
    use app::server::user_lists::admin_page;
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let app_id = new_app(&app, &cookie).await;
    let mut conn = app.store.acquire().await.unwrap();
    let users: Vec<TestUser> = (0..6)
        .map(|i| TestUser {
            id: numbered_id(300 + i),
            application_id: app_id.clone(),
            email: format!("{}@t.io", ["a", "b", "c", "d", "e", "f"][i as usize]),
            first_name: String::new(),
            last_name: String::new(),
            created_at: 0,
        })
        .collect();
    insert_users(&app.db, &users).await;
    sqlx::query("INSERT INTO experience_user_tags (user_id, key, value) SELECT id, 't', 'x' FROM experience_users WHERE application_id = $1")
        .bind(&app_id).execute(&app.db).await.unwrap();
    let untag = |i: usize| {
        sqlx::query("DELETE FROM experience_user_tags WHERE user_id = $1").bind(users[i].id.clone()).execute(&app.db)
    };
    let base = ListQuery { size: 2, tag: "t".into(), ..Default::default() };
    let page = |at| ListQuery { at, ..base.clone() };
    let emails = |rows: &[app::experience::users::UserRow]| rows.iter().map(|r| r.email.clone()).collect::<Vec<_>>();

    // After b, which has left the filter: c, d — and a still lies before them.
    untag(1).await.unwrap();
    let after_b = admin_page(&mut conn, &app_id, &page(PageAt::After(users[1].id.clone()))).await.unwrap();
    assert_eq!(emails(&after_b.rows), ["c@t.io", "d@t.io"]);
    assert!(after_b.prev.is_some() && after_b.next.is_some());
    untag(0).await.unwrap();
    let after_b = admin_page(&mut conn, &app_id, &page(PageAt::After(users[1].id.clone()))).await.unwrap();
    assert_eq!(emails(&after_b.rows), ["c@t.io", "d@t.io"]);
    assert!(after_b.prev.is_none(), "nothing tagged lies before c");

    // Before e, which has left the filter: c, d — and f still lies after them.
    untag(4).await.unwrap();
    let before_e = admin_page(&mut conn, &app_id, &page(PageAt::Before(users[4].id.clone()))).await.unwrap();
    assert_eq!(emails(&before_e.rows), ["c@t.io", "d@t.io"]);
    assert!(before_e.next.is_some());
    untag(5).await.unwrap();
    let before_e = admin_page(&mut conn, &app_id, &page(PageAt::Before(users[4].id.clone()))).await.unwrap();
    assert!(before_e.next.is_none(), "nothing tagged lies after d");

    // A row still matching answers for itself: after c, d is shown and c lies before.
    let after_c = admin_page(&mut conn, &app_id, &page(PageAt::After(users[2].id.clone()))).await.unwrap();
    assert_eq!(emails(&after_c.rows), ["d@t.io"]);
    assert!(after_c.prev.is_some() && after_c.next.is_none());
}

#[tokio::test]
async fn the_text_filter_matches_globs_on_email_and_names() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let app_id = new_app(&app, &cookie).await;
    for email in ["ann@farm.io", "bob@farm.io", "ann.b@mill.io", "zed_100%@mill.io"] {
        let form = [
            ("application_id", app_id.as_str()),
            ("email", email),
            ("password", "a-good-password"),
            ("first_name", "Kim"),
            ("last_name", "Lee"),
        ];
        assert!(app.call("users/create", &form, Some(&cookie)).await.status.is_success());
    }
    let mut conn = app.store.acquire().await.unwrap();
    for (filter, expected) in [
        ("ann", 2),
        ("*@farm.io", 2),
        ("ANN*", 2),
        ("100%", 1),
        ("lee", 4),
        ("nobody", 0),
        ("KIM", 4),
        ("*_100*", 1),
        ("z*", 1),
    ] {
        let q = ListQuery { filter: filter.into(), size: 25, ..Default::default() };
        let page = app::server::user_lists::admin_page(&mut conn, &app_id, &q).await.unwrap();
        assert_eq!(page.rows.len(), expected, "{filter}");
        assert_eq!(page.matching, expected as i64, "{filter}");
    }

    // The search index follows renames and deletions (its triggers).
    sqlx::query("UPDATE experience_users SET last_name = 'Okafor' WHERE email = 'bob@farm.io'")
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("DELETE FROM experience_users WHERE email = 'ann.b@mill.io'").execute(&app.db).await.unwrap();
    for (filter, expected) in [("okafor", 1), ("lee", 2), ("kim", 3), ("ann", 1)] {
        let q = ListQuery { filter: filter.into(), size: 25, ..Default::default() };
        let page = app::server::user_lists::admin_page(&mut conn, &app_id, &q).await.unwrap();
        assert_eq!(page.matching, expected, "{filter} after the changes");
    }
}

#[tokio::test]
async fn tags_and_groups_save_with_the_user_and_filter_the_list() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let app_id = new_app(&app, &cookie).await;
    let group = |name: &'static str, parent: String| {
        let (app, cookie, app_id) = (&app, cookie.clone(), app_id.clone());
        async move {
            let answer = app
                .call(
                    "groups/create",
                    &[("application_id", &app_id), ("name", name), ("description", ""), ("parent_id", &parent)],
                    Some(&cookie),
                )
                .await;
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
            serde_json::from_str::<String>(&answer.body).unwrap()
        }
    };
    let root = group("Root", String::new()).await;
    let leaf = group("Leaf", root.clone()).await;
    let with = |email: &'static str, tags: &'static str, groups: String| {
        let (app, cookie, app_id) = (&app, cookie.clone(), app_id.clone());
        async move {
            app.call(
                "users/create",
                &[
                    ("application_id", &app_id),
                    ("email", email),
                    ("password", "a-good-password"),
                    ("first_name", ""),
                    ("last_name", ""),
                    ("tags_json", tags),
                    ("group_ids", &groups),
                ],
                Some(&cookie),
            )
            .await
        }
    };
    let bad = with("bad@example.com", r#"[["floor","1"],["floor","2"]]"#, leaf.clone()).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("used twice"), "{}", bad.body);
    assert_eq!(counts(&app, &app_id).await, (0, 0), "nothing of a refused user is saved");
    let unknown_group = with("bad@example.com", "[]", "ffffffffffffffffffffffff".into()).await;
    assert_eq!(unknown_group.status, StatusCode::BAD_REQUEST);

    assert!(with("ann@example.com", r#"[["floor","2"],["role","<b>vet</b> 🐄"]]"#, leaf.clone())
        .await
        .status
        .is_success());
    assert!(with("bob@example.com", r#"[["floor","3"]]"#, root.clone()).await.status.is_success());
    assert!(with("cy@example.com", r#"[["shift","night"]]"#, String::new()).await.status.is_success());
    assert_eq!(counts(&app, &app_id).await, (3, 2));

    let list = |q: ListQuery| {
        let (store, app_id) = (app.store.clone(), app_id.clone());
        async move {
            let mut conn = store.acquire().await.unwrap();
            let page = app::server::user_lists::admin_page(&mut conn, &app_id, &q).await.unwrap();
            page.rows.into_iter().map(|r| r.email).collect::<Vec<_>>()
        }
    };
    let base = ListQuery { size: 25, ..Default::default() };
    assert_eq!(list(ListQuery { tag: "floor".into(), ..base.clone() }).await, ["ann@example.com", "bob@example.com"]);
    assert_eq!(list(ListQuery { tag: "floor=3".into(), ..base.clone() }).await, ["bob@example.com"]);
    assert_eq!(list(ListQuery { group: root.clone(), ..base.clone() }).await, ["bob@example.com"]);
    assert_eq!(
        list(ListQuery { group: root.clone(), subgroups: true, ..base.clone() }).await,
        ["ann@example.com", "bob@example.com"]
    );
    assert_eq!(
        list(ListQuery { group: root.clone(), subgroups: true, tag: "role".into(), ..base.clone() }).await,
        ["ann@example.com"]
    );

    let keys = app.call("users/tag-keys", &[("application_id", &app_id), ("prefix", "")], Some(&cookie)).await;
    assert_eq!(serde_json::from_str::<Vec<String>>(&keys.body).unwrap(), ["floor", "role", "shift"], "most used first");
    let keys = app.call("users/tag-keys", &[("application_id", &app_id), ("prefix", "s")], Some(&cookie)).await;
    assert_eq!(serde_json::from_str::<Vec<String>>(&keys.body).unwrap(), ["shift"]);
}

/// A text found in many users is searched by walking the sort index, a rare one through the
/// trigram index: both give exactly the plain `LIKE` query's rows, forwards and backwards.
#[tokio::test]
async fn text_searches_match_the_plain_query_whichever_index_they_read() {
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let app_id = new_app(&app, &cookie).await;
    let mut conn = app.store.acquire().await.unwrap();
    let rows: Vec<TestUser> = (0..2300)
        .map(|i| TestUser {
            id: numbered_id(300_000 + i),
            application_id: app_id.clone(),
            email: format!("u{i:04}@{}.io", if i % 10 < 9 { "common" } else { "odd" }),
            first_name: (if i % 7 == 0 { "Commonwealth" } else { "Kim" }).into(),
            last_name: String::new(),
            created_at: i % 50,
        })
        .collect();
    insert_users(&app.db, &rows).await;
    // "common": 2,070 emails and 329 first names, past the trigram threshold; "u004": 10 users.
    for (filter, like) in [("common", "%common%"), ("u004", "%u004%"), ("*odd.io", "%odd.io")] {
        for (sort, dir, order) in [
            (SortField::Email, SortDir::Asc, "email_normalized ASC, id ASC"),
            (SortField::Created, SortDir::Desc, "created_at DESC, id DESC"),
        ] {
            // `lower(…) LIKE` ignores ASCII case on both engines, as the list does.
            let expected: Vec<String> = sqlx::query_scalar(&format!(
                "SELECT id FROM experience_users WHERE application_id = $1
                 AND (lower(email_normalized) LIKE $2 OR lower(first_name) LIKE $2 OR lower(last_name) LIKE $2)
                 ORDER BY {order}"
            ))
            .bind(&app_id)
            .bind(like)
            .fetch_all(&app.db)
            .await
            .unwrap();
            let base = ListQuery { sort, dir, size: 100, filter: filter.into(), ..Default::default() };
            let (forward, backward) = every_page(&mut conn, &app_id, &base).await;
            assert_eq!(forward, expected, "{filter} {sort:?} forwards");
            assert_eq!(backward, expected, "{filter} {sort:?} backwards");
            let matching = app::server::user_lists::admin_page(&mut conn, &app_id, &base).await.unwrap().matching;
            assert_eq!(matching, (expected.len() as i64).min(app::experience::users::MATCH_COUNT_CAP + 1), "{filter}");
        }
    }
}

/// Losant's exact `totalCount` of a substring search is read from the trigram index alone when
/// the search is the whole filter; each application's users are counted apart, and the index
/// stays true to the rows through inserts, renames, deletions and an application's removal.
#[tokio::test]
async fn substring_counts_are_exact_per_application() {
    use app::domain::user_filter::{Glob, TextField, UserFilter};
    use app::server::records::Order;
    use app::server::user_lists::numbered_page;

    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let farm = new_app(&app, &cookie).await;
    let mill = new_app(&app, &cookie).await;
    let mut conn = app.store.acquire().await.unwrap();
    for (app_id, users, offset) in [(&farm, 2300, 0), (&mill, 600, 10_000)] {
        let rows: Vec<TestUser> = (0..users)
            .map(|i| TestUser {
                id: numbered_id(offset + i),
                application_id: app_id.clone(),
                email: format!("u{:05}@{}.io", offset + i, if i % 10 < 9 { "common" } else { "odd" }),
                first_name: (if i % 7 == 0 { "Commonwealth" } else { "Kim" }).into(),
                last_name: "Émile".into(),
                created_at: i,
            })
            .collect();
        insert_users(&app.db, &rows).await;
    }
    let fields = vec![TextField::Email, TextField::FirstName, TextField::LastName];
    let order = Order { by: app::domain::user_filter::OrderBy::Email, descending: false };
    async fn check(app: &TestApp, conn: &mut Conn, app_id: &str, fields: &[TextField], order: Order, when: &str) {
        // "ÉMILE" is not ASCII: `LIKE` folds only ASCII case, so it is counted from the rows.
        // Domains are counted apart from the trigram index (local parts, names): texts in a
        // domain ("odd.io", "mon.i"), in both a domain and names ("common"), across the '@'.
        let texts = ["common", "ommonwealth", "u0001", "odd.io", "mon.i", "ÉMILE", "mile", "nobody", "even.io"];
        for text in texts.into_iter().chain(["9@odd", "u00019@", "@COMMON.IO", "0@"]) {
            let like = format!("%{}%", text.to_lowercase());
            let expected: Vec<String> = sqlx::query_scalar(
                "SELECT id FROM experience_users WHERE application_id = $1
                 AND (lower(email_normalized) LIKE $2 OR lower(first_name) LIKE $2 OR lower(last_name) LIKE $2)
                 ORDER BY email_normalized, id",
            )
            .bind(app_id)
            .bind(&like)
            .fetch_all(&app.db)
            .await
            .unwrap();
            let filter = UserFilter::Glob { fields: fields.to_vec(), glob: Glob::new(text, true) };
            let (rows, total) = numbered_page(conn, app_id, &filter, order, 0, 5000).await.unwrap();
            assert_eq!(total, expected.len() as i64, "{text} {when}");
            assert_eq!(rows.into_iter().map(|r| r.id).collect::<Vec<_>>(), expected, "{text} {when}");
            let capped = app::server::repo::user_list::count(conn, app_id, &filter, Some(101)).await.unwrap();
            assert_eq!(capped, (expected.len() as i64).min(101), "{text} capped {when}");
        }
    }
    check(&app, &mut conn, &farm, &fields, order, "at first").await;
    check(&app, &mut conn, &mill, &fields, order, "at first").await;

    sqlx::query("UPDATE experience_users SET first_name = 'Kim' WHERE application_id = $1 AND first_name = 'Commonwealth' AND created_at < 100")
        .bind(&farm)
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("DELETE FROM experience_users WHERE application_id = $1 AND created_at % 3 = 0")
        .bind(&mill)
        .execute(&app.db)
        .await
        .unwrap();
    // A changed email moves its user to another domain's count.
    sqlx::query(
        "UPDATE experience_users SET email = replace(email, '@odd.io', '@even.io'),
                email_normalized = replace(email_normalized, '@odd.io', '@even.io')
          WHERE application_id = $1 AND created_at < 500",
    )
    .bind(&farm)
    .execute(&app.db)
    .await
    .unwrap();
    check(&app, &mut conn, &farm, &fields, order, "after renames").await;
    check(&app, &mut conn, &mill, &fields, order, "after deletions").await;

    sqlx::query("DELETE FROM applications WHERE id = $1").bind(&mill).execute(&app.db).await.unwrap();
    check(&app, &mut conn, &farm, &fields, order, "after the other application's removal").await;
    // 'integrity-check' with rank 1 compares SQLite's FTS5 index with the rows it was built from.
    if engine() == Engine::Sqlite {
        sqlx::query("INSERT INTO experience_users_fts (experience_users_fts, rank) VALUES ('integrity-check', 1)")
            .execute(&app.db)
            .await
            .unwrap();
        // The domains' counts, kept by triggers, are those of the rows.
        let kept: Vec<(String, String, i64)> =
            sqlx::query_as("SELECT application_id, domain, users FROM email_domain_counts ORDER BY 1, 2")
                .fetch_all(&app.db)
                .await
                .unwrap();
        let counted: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT application_id, email_domain, COUNT(*) FROM experience_users GROUP BY 1, 2 ORDER BY 1, 2",
        )
        .fetch_all(&app.db)
        .await
        .unwrap();
        assert_eq!(kept, counted);
        assert!(kept.iter().any(|(_, domain, _)| domain == "even.io"), "{kept:?}");
        // So are the lists of each domain's users.
        let listed: Vec<(String, String, i64)> =
            sqlx::query_as("SELECT application_id, domain, user_rowid FROM email_domain_users ORDER BY 1, 2, 3")
                .fetch_all(&app.db)
                .await
                .unwrap();
        let read: Vec<(String, String, i64)> =
            sqlx::query_as("SELECT application_id, email_domain, rowid FROM experience_users ORDER BY 1, 2, 3")
                .fetch_all(&app.db)
                .await
                .unwrap();
        assert_eq!(listed, read);
    }
}

/// Dormant accounts: "never signed in", and "not signed in for N days" — signed in before the
/// cutoff, or never and added before it (someone added yesterday is not dormant) — combined
/// with a view and the text filter, every page both ways, with the count.
#[tokio::test]
async fn the_list_finds_users_by_their_last_sign_in() {
    use app::experience::users::LastSignIn;
    use app::server::user_lists::admin_page;
    let app = spawn_app().await;
    let cookie = app.sign_in().await;
    let app_id = new_app(&app, &cookie).await;
    let now = app::server::clock::now_ms();
    let day = 24 * 60 * 60 * 1000;
    // (name, added days ago, last sign-in days ago)
    let people = [
        ("old-never", 400, None),
        ("new-never", 1, None),
        ("gone-a-year", 800, Some(370)),
        ("gone-a-month", 800, Some(40)),
        ("active", 800, Some(2)),
    ];
    let rows: Vec<TestUser> = people
        .iter()
        .enumerate()
        .map(|(i, (name, added, _))| TestUser {
            id: numbered_id(i as i64 + 1),
            application_id: app_id.clone(),
            email: format!("{name}@example.com"),
            first_name: String::new(),
            last_name: String::new(),
            created_at: now - added * day,
        })
        .collect();
    insert_users(&app.db, &rows).await;
    for (i, (_, _, last)) in people.iter().enumerate() {
        if let Some(days) = last {
            sqlx::query("UPDATE experience_users SET last_login_at = $1 WHERE id = $2")
                .bind(now - days * day)
                .bind(numbered_id(i as i64 + 1))
                .execute(&app.db)
                .await
                .unwrap();
        }
    }
    let mut conn = app.store.acquire().await.unwrap();
    let emails_of = |ids: Vec<String>| -> Vec<String> {
        ids.iter()
            .map(|id| rows.iter().find(|r| &r.id == id).unwrap().email.split('@').next().unwrap().to_owned())
            .collect()
    };
    for (login, filter, expected) in [
        (LastSignIn::Never, "", vec!["new-never", "old-never"]),
        (LastSignIn::NotForDays(30), "", vec!["gone-a-month", "gone-a-year", "old-never"]),
        (LastSignIn::NotForDays(365), "", vec!["gone-a-year", "old-never"]),
        (LastSignIn::NotForDays(365), "gone*", vec!["gone-a-year"]),
        (LastSignIn::Any, "", vec!["active", "gone-a-month", "gone-a-year", "new-never", "old-never"]),
    ] {
        let base = ListQuery { size: 25, filter: filter.into(), last_sign_in: login, ..Default::default() };
        // Two a page, to page through them.
        let (forward, backward) = every_page(&mut conn, &app_id, &ListQuery { size: 2, ..base.clone() }).await;
        assert_eq!(emails_of(forward), expected, "{login:?} {filter}");
        assert_eq!(emails_of(backward), expected, "{login:?} {filter} backwards");
        let page = admin_page(&mut conn, &app_id, &base).await.unwrap();
        assert_eq!(page.matching, expected.len() as i64, "{login:?} {filter} count");
        // The view combines: all of them are in no group.
        let grouped = ListQuery { view: UserView::InAnyGroup, last_sign_in: login, ..Default::default() };
        assert!(admin_page(&mut conn, &app_id, &grouped).await.unwrap().rows.is_empty());
    }
}
