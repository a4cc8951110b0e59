//! Group-tree and tag-filter benchmarks (issue: groups, devices and tags). Prints p50/p95 ms.
//!
//! 1. Effective devices of users in a 10-level tree of 10,000 groups with 100,000 devices
//!    (target/bench/groups.db, built once).
//! 2. Tag-filtered list pages at 10^6 users: reuses target/bench/users-1000000.db from
//!    `make bench-users` and adds tags to it once (10 % `floor`, 1 % `vip`, 0.1 % `rare`).
//!
//!     cargo bench -p server --bench bench-groups [-- --database-url postgres://…]
//!
//! With a PostgreSQL URL both parts use that database (the tree in an application of its
//! own, the users from `bench-users` run with the same URL).

use app::experience::users::{ListQuery, PageAt, SortDir, SortField};
use app::server::{repo, user_lists, Engine};
use bench_db::{database_url_arg, open, values};
use sqlx::AnyConnection;

#[path = "bench_db.rs"]
mod bench_db;
use std::time::{Duration, Instant};

const APP_ID: &str = "0000000000000000000000bb";
const USERS_APP_ID: &str = "0000000000000000000000aa";
const GROUPS: usize = 10_000;
const LEVELS: usize = 10;
const DEVICES: usize = 100_000;
const RUNS: usize = 200;

fn rng(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

/// The tree's group ids, apart from bench-users' groups when both share a database.
fn gid(i: usize) -> String {
    format!("t{i:023x}")
}

fn report(label: &str, mut times: Vec<Duration>) -> Duration {
    times.sort();
    let p50 = times[times.len() / 2];
    let p95 = times[(times.len() * 95).div_ceil(100) - 1];
    println!("{label:<48} p50 {:>7.3} ms   p95 {:>7.3} ms", ms(p50), ms(p95));
    p95
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` runs this in server/; the databases live in the workspace's target/.
    std::env::set_current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))?;
    std::fs::create_dir_all("target/bench")?;
    let postgres = database_url_arg();
    let mut worst = Duration::ZERO;
    worst = worst.max(tree(postgres.as_deref()).await?);
    match tags(postgres.as_deref()).await? {
        Some(p95) => worst = worst.max(p95),
        None => println!("(no target/bench/users-1000000.db: run `make bench-users` first for the tag-filter part)"),
    }
    println!("worst p95: {:.3} ms", ms(worst));
    Ok(())
}

async fn tree(url: Option<&str>) -> Result<Duration, Box<dyn std::error::Error>> {
    let (store, db) = open(url.unwrap_or("sqlite://target/bench/groups.db")).await?;
    let mut conn = store.acquire().await?;
    let have: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM devices WHERE application_id = $1")
        .bind(APP_ID)
        .fetch_one(&db)
        .await?;
    if have != DEVICES as i64 {
        let started = Instant::now();
        seed_tree(&mut *db.acquire().await?).await?;
        println!(
            "seeded {GROUPS} groups in {LEVELS} levels, {DEVICES} devices in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    // Users sit in the deepest level: their walk up the tree is the longest.
    let users: Vec<String> =
        sqlx::query_scalar("SELECT id FROM experience_users WHERE application_id = $1 ORDER BY id")
            .bind(APP_ID)
            .fetch_all(&db)
            .await?;
    let mut times = Vec::with_capacity(RUNS);
    let mut devices = 0;
    for i in 0..RUNS {
        let user = &users[i % users.len()];
        let started = Instant::now();
        let grants = repo::devices::effective_for_user(&mut conn, user).await?;
        times.push(started.elapsed());
        devices += grants.len();
    }
    println!(
        "tree ({}): {GROUPS} groups, {LEVELS} levels, {DEVICES} devices; {} users in leaf groups; {:.0} grants per user on average",
        store.engine(),
        users.len(),
        devices as f64 / RUNS as f64
    );
    Ok(report("effective devices of a leaf-group user", times))
}

async fn seed_tree(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    // The application's groups, devices and users go with it (foreign keys).
    sqlx::query("DELETE FROM applications WHERE id = $1").bind(APP_ID).execute(&mut *conn).await?;
    sqlx::query("INSERT INTO applications (id, name, created_at, updated_at) VALUES ($1, 'Tree', 0, 0)")
        .bind(APP_ID)
        .execute(&mut *conn)
        .await?;
    let mut next = rng(0x9E3779B97F4A7C15);
    let per_level = GROUPS / LEVELS;
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    for level in 0..LEVELS {
        for chunk in (0..per_level).collect::<Vec<_>>().chunks(500) {
            let sql = format!(
                "INSERT INTO experience_groups (id, application_id, name, parent_id, created_at, updated_at) {}",
                values(chunk.len(), 6)
            );
            let mut query = sqlx::query(&sql);
            for k in chunk {
                let i = level * per_level + k;
                let parent = (level > 0).then(|| gid((level - 1) * per_level + next() as usize % per_level));
                query = query.bind(gid(i)).bind(APP_ID).bind(format!("G{i}")).bind(parent).bind(0i64).bind(0i64);
            }
            query.execute(&mut *tx).await?;
        }
    }
    for chunk in (0..DEVICES).collect::<Vec<_>>().chunks(500) {
        let sql = format!(
            "INSERT INTO devices (id, application_id, name, created_at, updated_at) {}",
            values(chunk.len(), 5)
        );
        let mut query = sqlx::query(&sql);
        for d in chunk {
            query = query.bind(format!("d{d:023x}")).bind(APP_ID).bind(format!("Device {d}")).bind(0i64).bind(0i64);
        }
        query.execute(&mut *tx).await?;
        let sql = format!(
            "INSERT INTO experience_group_devices (group_id, device_id) {} ON CONFLICT DO NOTHING",
            values(chunk.len(), 2)
        );
        let mut query = sqlx::query(&sql);
        for d in chunk {
            query = query.bind(gid(next() as usize % GROUPS)).bind(format!("d{d:023x}"));
        }
        query.execute(&mut *tx).await?;
    }
    for u in 0..500usize {
        let id = format!("e{u:023x}");
        sqlx::query("INSERT INTO experience_users (id, application_id, email, email_normalized, password_hash, first_name, last_name, created_at, updated_at, password_updated_at) VALUES ($1, $2, $3, $4, 'x', '', '', 0, 0, 0)")
            .bind(&id).bind(APP_ID).bind(format!("u{u}@t.io")).bind(format!("u{u}@t.io"))
            .execute(&mut *tx).await?;
        for _ in 0..2 {
            let leaf = (LEVELS - 1) * per_level + next() as usize % per_level;
            sqlx::query(
                "INSERT INTO experience_group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(gid(leaf))
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    sqlx::query("ANALYZE").execute(&mut *conn).await?;
    Ok(())
}

async fn tags(url: Option<&str>) -> Result<Option<Duration>, Box<dyn std::error::Error>> {
    let path = "target/bench/users-1000000.db";
    if url.is_none() && !std::path::Path::new(path).exists() {
        return Ok(None);
    }
    let (store, db) = open(url.unwrap_or(&format!("sqlite://{path}"))).await?;
    let users: i64 = sqlx::query_scalar("SELECT COALESCE((SELECT user_count FROM applications WHERE id = $1), 0)")
        .bind(USERS_APP_ID)
        .fetch_one(&db)
        .await?;
    if users == 0 {
        return Ok(None);
    }
    let mut conn = store.acquire().await?;
    // One user in `one_in`, drawn by the engine's random numbers.
    let sample = |one_in: u32| match store.engine() {
        Engine::Sqlite => format!("abs(random()) % {one_in} = 0"),
        Engine::Postgres => format!("random() < 1.0 / {one_in}"),
    };
    let digit = match store.engine() {
        Engine::Sqlite => "CAST(abs(random()) % 10 AS TEXT)",
        Engine::Postgres => "CAST(floor(random() * 10) AS TEXT)",
    };
    let count = |key: &'static str| {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM experience_user_tags WHERE key = $1")
            .bind(key)
            .fetch_one(&db)
    };
    // PostgreSQL reads a tag's users from the tag index alone (user_list's hashed tags) once
    // VACUUM has marked the new rows' pages all-visible, as autovacuum would, later.
    let analyze = if store.engine() == Engine::Postgres { "VACUUM ANALYZE" } else { "ANALYZE" };
    if count("floor").await? == 0 {
        let started = Instant::now();
        sqlx::query(&format!("INSERT INTO experience_user_tags (user_id, key, value) SELECT id, 'floor', {digit} FROM experience_users WHERE {}", sample(10)))
            .execute(&db).await?;
        sqlx::query(&format!("INSERT INTO experience_user_tags (user_id, key, value) SELECT id, 'vip', 'yes' FROM experience_users WHERE {}", sample(100)))
            .execute(&db).await?;
        sqlx::query(analyze).execute(&db).await?;
        println!("tagged the 10^6 users in {:.1} s", started.elapsed().as_secs_f64());
    }
    if count("rare").await? == 0 {
        sqlx::query(&format!("INSERT INTO experience_user_tags (user_id, key, value) SELECT id, 'rare', 'yes' FROM experience_users WHERE {}", sample(1000)))
            .execute(&db).await?;
        sqlx::query(analyze).execute(&db).await?;
    }
    let (floor, vip, rare) = (count("floor").await?, count("vip").await?, count("rare").await?);
    println!("tags: floor on {floor} users (floor=3 on a tenth of them), vip on {vip}, rare on {rare}; first and second page, 25 per page, what the list server function runs");
    let mut worst = Duration::ZERO;
    for tag in ["floor", "floor=3", "vip", "rare"] {
        for (sort, dir) in
            [(SortField::Email, SortDir::Asc), (SortField::Created, SortDir::Desc), (SortField::LastName, SortDir::Asc)]
        {
            let base = ListQuery { sort, dir, size: 25, tag: tag.into(), ..Default::default() };
            let next = user_lists::admin_page(&mut conn, USERS_APP_ID, &base).await?.next;
            for (depth, at) in [("first", PageAt::First), ("second", next.unwrap_or_default())] {
                let query = ListQuery { at, ..base.clone() };
                let mut times = Vec::with_capacity(40);
                for _ in 0..40 {
                    let started = Instant::now();
                    let page = user_lists::admin_page(&mut conn, USERS_APP_ID, &query).await?;
                    times.push(started.elapsed());
                    assert!(!page.rows.is_empty());
                }
                worst = worst.max(report(&format!("tag {tag:<8} {} {} {depth}", sort.slug(), dir.slug()), times));
            }
        }
    }
    Ok(Some(worst))
}
