//! The PostgreSQL schema (migrations/postgres) on a real server: `make test` starts a
//! throwaway one (scripts/pg) and passes its URL in EU_TEST_POSTGRES_URL. Each test gets a
//! database of its own. The server does not serve from PostgreSQL yet; these tests hold the
//! schema to the SQLite one's meaning: the kept counters under concurrent writes, and the same
//! order of names and emails on both engines (so keyset pages are the same pages).

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgPool, Row};
use std::str::FromStr;
use store_pg::db;

/// A new, migrated database on the test server.
async fn pg_database() -> PgPool {
    let url = std::env::var("EU_TEST_POSTGRES_URL")
        .expect("EU_TEST_POSTGRES_URL: run `make test`, or start a server with `scripts/pg start`");
    let name = format!("t_{}", app::server::ids::new_id());
    let mut admin = sqlx::PgConnection::connect(&url).await.expect("the test PostgreSQL answers");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
    admin.close().await.unwrap();
    let options = PgConnectOptions::from_str(&url).unwrap().database(&name);
    let pool = PgPoolOptions::new().max_connections(16).connect_with(options).await.unwrap();
    db::MIGRATIONS.run(&pool).await.unwrap();
    pool
}

async fn recount(pool: &PgPool, app_id: &str) -> ((i64, i64), (i64, i64)) {
    let kept = sqlx::query("SELECT user_count, grouped_user_count FROM applications WHERE id = $1")
        .bind(app_id)
        .fetch_one(pool)
        .await
        .unwrap();
    let actual = sqlx::query(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM experience_group_members m WHERE m.user_id = u.id))
           FROM experience_users u WHERE application_id = $1",
    )
    .bind(app_id)
    .fetch_one(pool)
    .await
    .unwrap();
    ((kept.get(0), kept.get(1)), (actual.get(0), actual.get(1)))
}

#[tokio::test]
async fn postgres_counters_hold_under_concurrent_writes() {
    let pool = pg_database().await;
    sqlx::query("INSERT INTO applications (id, name, created_at, updated_at) VALUES ('app', 'Farm', 0, 0)")
        .execute(&pool)
        .await
        .unwrap();
    for group in ["g1", "g2"] {
        sqlx::query(
            "INSERT INTO experience_groups (id, application_id, name, created_at, updated_at) VALUES ($1, 'app', $1, 0, 0)",
        )
        .bind(group)
        .execute(&pool)
        .await
        .unwrap();
    }
    // Eight writers at once, each adding users, joining groups, tagging, and leaving again,
    // as the services write: the application's row lock first.
    let writers = (0..8).map(|w| {
        let pool = pool.clone();
        tokio::spawn(async move {
            for i in 0..40 {
                let id = format!("u{w}-{i}");
                let mut tx = db::begin_application_write(&pool, "app").await.unwrap();
                sqlx::query(
                    "INSERT INTO experience_users (id, application_id, email, email_normalized, password_hash,
                                                   first_name, last_name, created_at, updated_at, password_updated_at)
                     VALUES ($1, 'app', $1 || '@x.io', $1 || '@x.io', 'h', '', '', 0, 0, 0)",
                )
                .bind(&id)
                .execute(&mut *tx)
                .await
                .unwrap();
                if i % 2 == 0 {
                    sqlx::query(
                        "INSERT INTO experience_group_members (group_id, user_id) VALUES ('g1', $1), ('g2', $1)",
                    )
                    .bind(&id)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                }
                sqlx::query("INSERT INTO experience_user_tags (user_id, key, value) VALUES ($1, 'floor', $2)")
                    .bind(&id)
                    .bind((i % 3).to_string())
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                let mut tx = db::begin_application_write(&pool, "app").await.unwrap();
                if i % 4 == 0 {
                    sqlx::query("DELETE FROM experience_group_members WHERE group_id = 'g1' AND user_id = $1")
                        .bind(&id)
                        .execute(&mut *tx)
                        .await
                        .unwrap();
                }
                if i % 5 == 0 {
                    sqlx::query("DELETE FROM experience_users WHERE id = $1")
                        .bind(&id)
                        .execute(&mut *tx)
                        .await
                        .unwrap();
                }
                tx.commit().await.unwrap();
            }
        })
    });
    for writer in writers.collect::<Vec<_>>() {
        writer.await.unwrap();
    }
    let (kept, actual) = recount(&pool, "app").await;
    assert_eq!(actual, (256, 128), "8 × 40 users, one in five deleted; half of them grouped");
    assert_eq!(kept, actual, "the kept counters equal a recount");
    let tagged: i64 =
        sqlx::query_scalar("SELECT users FROM tag_key_counts WHERE application_id = 'app' AND key = 'floor'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(tagged, 256);

    // Deleting a group recomputes its members' in_group through the cascade.
    sqlx::query("DELETE FROM experience_groups WHERE id = 'g2'").execute(&pool).await.unwrap();
    let (kept, actual) = recount(&pool, "app").await;
    assert_eq!(kept, actual);
    assert!(actual.1 < 128, "members of g2 only are no longer grouped");
    sqlx::query("DELETE FROM experience_groups").execute(&pool).await.unwrap();
    assert_eq!(recount(&pool, "app").await.0, (256, 0));
    sqlx::query("DELETE FROM experience_users").execute(&pool).await.unwrap();
    assert_eq!(recount(&pool, "app").await.0, (0, 0));
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tag_key_counts").fetch_one(&pool).await.unwrap();
    assert_eq!(left, 0, "no tag key is counted once its users are gone");
}

/// The counters follow statements that change many rows at once (a bulk load, a group's or an
/// application's deletion): the triggers count per statement (migration 2).
#[tokio::test]
async fn postgres_counters_follow_statements_that_change_many_rows() {
    let pool = pg_database().await;
    let run = |sql: &'static str| {
        let pool = pool.clone();
        async move { sqlx::query(sql).execute(&pool).await.unwrap() }
    };
    run("INSERT INTO applications (id, name, created_at, updated_at) VALUES ('app', 'A', 0, 0), ('other', 'B', 0, 0)")
        .await;
    run("INSERT INTO experience_groups (id, application_id, name, created_at, updated_at)
         VALUES ('g1', 'app', 'G1', 0, 0), ('g2', 'app', 'G2', 0, 0)")
    .await;
    run("INSERT INTO experience_users (id, application_id, email, email_normalized, password_hash, first_name,
                                       last_name, created_at, updated_at, password_updated_at)
         SELECT 'u' || i, CASE WHEN i % 4 = 0 THEN 'other' ELSE 'app' END, 'u' || i || '@t.io', 'u' || i || '@t.io',
                'x', '', '', 0, 0, 0 FROM generate_series(1, 2000) i")
    .await;
    run("INSERT INTO experience_group_members (group_id, user_id)
         SELECT 'g1', id FROM experience_users WHERE application_id = 'app' AND substr(id, 2)::int % 3 = 0")
    .await;
    run("INSERT INTO experience_group_members (group_id, user_id)
         SELECT 'g2', id FROM experience_users WHERE application_id = 'app' AND substr(id, 2)::int % 5 = 0")
    .await;
    run("INSERT INTO experience_user_tags (user_id, key, value)
         SELECT id, 'floor', '1' FROM experience_users WHERE substr(id, 2)::int % 2 = 0")
    .await;
    let tagged = || async {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT application_id, users FROM tag_key_counts WHERE key = 'floor' ORDER BY 1")
                .fetch_all(&pool)
                .await
                .unwrap();
        let actual: Vec<(String, i64)> = sqlx::query_as(
            "SELECT u.application_id, COUNT(*) FROM experience_user_tags t JOIN experience_users u ON u.id = t.user_id
              GROUP BY 1 ORDER BY 1",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        (rows, actual)
    };
    let (kept, actual) = recount(&pool, "app").await;
    assert_eq!(actual, (1500, 700), "1,500 users, those whose number a 3 or a 5 divides grouped");
    assert_eq!(kept, actual);
    let (kept, actual) = tagged().await;
    assert_eq!(kept, actual);

    run("DELETE FROM experience_groups WHERE id = 'g1'").await;
    let (kept, actual) = recount(&pool, "app").await;
    assert_eq!((kept, actual.1), (actual, 300), "only g2's members are grouped now");
    run("DELETE FROM experience_users WHERE application_id = 'app' AND substr(id, 2)::int % 10 = 0").await;
    let (kept, actual) = recount(&pool, "app").await;
    assert_eq!(kept, actual);
    let (kept, actual) = tagged().await;
    assert_eq!(kept, actual);

    run("DELETE FROM applications WHERE id = 'app'").await;
    let (kept, actual) = tagged().await;
    assert_eq!((kept.len(), kept), (1, actual), "the other application's count is untouched");
    assert_eq!(recount(&pool, "other").await.0, (500, 0));
}

#[tokio::test]
async fn postgres_keeps_emails_unique_per_application_whatever_the_case() {
    let pool = pg_database().await;
    sqlx::query(
        "INSERT INTO applications (id, name, created_at, updated_at) VALUES ('a', 'A', 0, 0), ('b', 'B', 0, 0)",
    )
    .execute(&pool)
    .await
    .unwrap();
    let insert = |id: &'static str, app: &'static str, email: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query(
                "INSERT INTO experience_users (id, application_id, email, email_normalized, password_hash,
                                               first_name, last_name, created_at, updated_at, password_updated_at)
                 VALUES ($1, $2, $3, lower($3), 'h', '', '', 0, 0, 0)",
            )
            .bind(id)
            .bind(app)
            .bind(email)
            .execute(&pool)
            .await
        }
    };
    insert("1", "a", "Ann@Farm.io").await.unwrap();
    insert("2", "b", "ann@farm.io").await.expect("the same email in another application");
    let taken = insert("3", "a", "ANN@farm.io").await.unwrap_err();
    assert!(taken.as_database_error().unwrap().is_unique_violation(), "{taken}");
}

/// Names sort case-insensitively (ASCII, as SQLite's NOCASE) and emails by their lowercased
/// bytes on both engines, ties by id: the same rows in the same order, so a keyset cursor
/// taken on one engine names the same position on the other.
#[tokio::test]
async fn both_engines_sort_names_and_emails_alike() {
    let names = [
        "bob", "Bob", "ALICE", "alice", "Émile", "émile", "Zed", "_under", "a b", "a-b", "ab", "Ab", "ä", "Z", "[x]",
        "~t", "0", "", "Ω", "aB", "a_b", "A_B", "zz", "Zz",
    ];
    let dir = tempfile::tempdir().unwrap();
    let sqlite = store_sqlite::db::connect(&format!("sqlite://{}/order.db", dir.path().display())).await.unwrap();
    let pg = pg_database().await;
    let application = "INSERT INTO applications (id, name, created_at, updated_at) VALUES ('app', 'Farm', 0, 0)";
    sqlx::query(application).execute(&sqlite).await.unwrap();
    sqlx::query(application).execute(&pg).await.unwrap();
    let insert = "INSERT INTO experience_users (id, application_id, email, email_normalized, password_hash,
                                                first_name, last_name, created_at, updated_at, password_updated_at)
                  VALUES ($1, 'app', $2, lower($2), 'h', $3, $4, 0, 0, 0)";
    for (i, name) in names.iter().enumerate() {
        // Ids out of step with the names, so ties are broken by something else than the insert order.
        let id = format!("{:02}", (i * 7) % names.len());
        let email = format!("{name}{i}@x.io");
        let last = names[(i * 5) % names.len()];
        sqlx::query(insert).bind(&id).bind(&email).bind(name).bind(last).execute(&sqlite).await.unwrap();
        sqlx::query(insert).bind(&id).bind(&email).bind(name).bind(last).execute(&pg).await.unwrap();
    }
    for (sqlite_order, pg_order) in [
        ("first_name, id", "first_name_key, id"),
        ("last_name DESC, id DESC", "last_name_key DESC, id DESC"),
        ("email_normalized, id", "email_normalized, id"),
    ] {
        let on_sqlite: Vec<String> =
            sqlx::query_scalar(&format!("SELECT id FROM experience_users ORDER BY {sqlite_order}"))
                .fetch_all(&sqlite)
                .await
                .unwrap();
        let on_pg: Vec<String> = sqlx::query_scalar(&format!("SELECT id FROM experience_users ORDER BY {pg_order}"))
            .fetch_all(&pg)
            .await
            .unwrap();
        assert_eq!(on_pg, on_sqlite, "{sqlite_order}");
    }
}
