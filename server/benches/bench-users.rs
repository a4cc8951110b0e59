//! Seeds an application with N experience users and measures the list queries behind every
//! view × sort × direction at three depths (first page, middle, last). Prints p50/p95 in ms.
//!
//!     cargo bench -p server --bench bench-users -- --users 1000000 [--database-url URL]
//!
//! On SQLite (the default) the database is kept (target/bench/users-N.db) so later runs skip
//! the seeding; with `--database-url postgres://…` the users are seeded into that database
//! unless it holds them already.

use app::experience::users::{LastSignIn, ListQuery, PageAt, SortDir, SortField, UserState, UserView};
use app::server::{repo, user_lists, Conn, Engine, Store};
use bench_db::{open, values};
use sqlx::AnyConnection;
use std::time::{Duration, Instant};

#[path = "bench_db.rs"]
mod bench_db;

const APP_ID: &str = "0000000000000000000000aa";
const FIRST_NAMES: [&str; 8] = ["Ann", "Bob", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana"];
const LAST_NAMES: [&str; 6] = ["Lee", "Okafor", "Novak", "Silva", "Tanaka", "Weber"];

struct Args {
    users: i64,
    iterations: usize,
    database_url: Option<String>,
}

fn args() -> Args {
    let mut args = Args { users: 1_000_000, iterations: 40, database_url: None };
    // `cargo bench` adds `--bench` to the arguments.
    let mut it = std::env::args().skip(1).filter(|a| a != "--bench");
    while let Some(flag) = it.next() {
        let value = it.next();
        let number = value.as_deref().and_then(|v| v.parse::<i64>().ok());
        match (flag.as_str(), number) {
            ("--users", Some(n)) if n > 0 => args.users = n,
            ("--iterations", Some(n)) if n > 0 => args.iterations = n as usize,
            ("--database-url", _) if value.as_deref().is_some_and(|v| !v.is_empty()) => args.database_url = value,
            _ => {
                eprintln!("usage: bench-users [--users N] [--iterations K] [--database-url URL]");
                std::process::exit(2);
            }
        }
    }
    args
}

async fn user_count(db: &sqlx::AnyPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COALESCE((SELECT user_count FROM applications WHERE id = $1), 0)")
        .bind(APP_ID)
        .fetch_one(db)
        .await
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` runs this in server/; the databases live in the workspace's target/.
    std::env::set_current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))?;
    let args = args();
    std::fs::create_dir_all("target/bench")?;
    let path = format!("target/bench/users-{}.db", args.users);
    let url = args.database_url.clone().unwrap_or_else(|| format!("sqlite://{path}"));
    let (mut store, mut db) = open(&url).await?;
    let existing = user_count(&db).await?;
    if existing != args.users {
        if store.engine() == Engine::Sqlite {
            store.close().await;
            db.close().await;
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
            (store, db) = open(&url).await?;
        } else {
            sqlx::query("TRUNCATE applications CASCADE").execute(&db).await?;
        }
        let started = Instant::now();
        seed(&mut *db.acquire().await?, store.engine(), args.users).await?;
        println!("seeded {} users in {:.1} s ({})", args.users, started.elapsed().as_secs_f64(), store.engine());
    } else {
        println!("reusing the {} database with {existing} users", store.engine());
    }
    measure(&store, &db, &args).await
}

/// Plain multi-row inserts in batches of 10,000 per transaction, one precomputed hash for all.
async fn seed(conn: &mut AnyConnection, engine: Engine, users: i64) -> Result<(), sqlx::Error> {
    if engine == Engine::Sqlite {
        sqlx::query("PRAGMA cache_size = -1000000").execute(&mut *conn).await?;
    }
    sqlx::query("INSERT INTO applications (id, name, created_at, updated_at) VALUES ($1, 'Bench', 0, 0)")
        .bind(APP_ID)
        .execute(&mut *conn)
        .await?;
    for g in 0..20 {
        sqlx::query(
            "INSERT INTO experience_groups (id, application_id, name, created_at, updated_at) VALUES ($1, $2, $3, 0, 0)",
        )
        .bind(format!("{g:024x}"))
        .bind(APP_ID)
        .bind(format!("Group {g}"))
        .execute(&mut *conn)
        .await?;
    }
    let hash = "$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzYWx0YmVuY2g$0000000000000000000000000000000000000000000";
    let base: i64 = 1_700_000_000_000;
    let mut rng = 0x2545F4914F6CDD1Du64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut i = 0;
    while i < users {
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        let batch_end = (i + 10_000).min(users);
        while i < batch_end {
            let chunk_end = (i + 500).min(batch_end);
            let rows: Vec<i64> = (i..chunk_end).collect();
            let sql = format!(
                "INSERT INTO experience_users (id, application_id, email, email_normalized, password_hash, \
                 first_name, last_name, created_at, updated_at, password_updated_at, last_login_at) {} \
                 ON CONFLICT DO NOTHING",
                values(rows.len(), 11)
            );
            let mut query = sqlx::query(&sql);
            for n in rows {
                let r = next();
                let email = format!("user{n:07}@example{}.com", r % 50);
                let created = base + (r % 31_536_000_000) as i64;
                let login = if r % 5 == 0 { 0 } else { created + (r >> 20) as i64 % 1_000_000_000 };
                query = query
                    .bind(format!("{:024x}", 0x1_0000_0000u64 + (r & 0xffff_ffff_ffff) * 1000 + n as u64 % 1000))
                    .bind(APP_ID)
                    .bind(email.clone())
                    .bind(email)
                    .bind(hash)
                    .bind(FIRST_NAMES[(r >> 8) as usize % FIRST_NAMES.len()])
                    .bind(LAST_NAMES[(r >> 16) as usize % LAST_NAMES.len()])
                    .bind(created)
                    .bind(created + (r >> 24) as i64 % 100_000_000)
                    .bind(created)
                    .bind(login);
            }
            query.execute(&mut *tx).await?;
            i = chunk_end;
        }
        tx.commit().await?;
    }
    // About 40 % of users join a group (one or two).
    let join = match engine {
        Engine::Sqlite => {
            "INSERT INTO experience_group_members (group_id, user_id)
             SELECT printf('%024x', abs(random()) % 20), id FROM experience_users WHERE abs(random()) % 5 < 2"
        }
        Engine::Postgres => {
            "INSERT INTO experience_group_members (group_id, user_id)
             SELECT lpad(to_hex(floor(random() * 20)::int), 24, '0'), id FROM experience_users WHERE random() < 0.4"
        }
    };
    sqlx::query(join).execute(&mut *conn).await?;
    // PostgreSQL reads a sort index alone (index-only scans, as for the skipped rows of a
    // numbered page) once VACUUM has marked the pages all-visible; autovacuum would, later.
    let analyze = if engine == Engine::Postgres { "VACUUM ANALYZE" } else { "ANALYZE" };
    sqlx::query(analyze).execute(&mut *conn).await?;
    // The seed leaves ~1 GB of WAL, which every page read searches until a checkpoint empties
    // it: measured before one, the search box's cases took 0.2-2 s instead of 2-12 ms.
    if engine == Engine::Sqlite {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut *conn).await?;
    }
    Ok(())
}

async fn measure(store: &Store, db: &sqlx::AnyPool, args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let conn = &mut store.acquire().await?;
    let counts = repo::users::counts(conn, APP_ID).await?.unwrap_or_default();
    println!(
        "users: all {}, in any group {}, in no group {}; {} runs per case, page size 25",
        counts.all, counts.in_any_group, counts.in_no_group, args.iterations
    );
    println!("{:<12} {:<12} {:<5} {:<7} {:>8} {:>8}", "view", "sort", "dir", "depth", "p50 ms", "p95 ms");
    let mut worst = Duration::ZERO;
    for view in UserView::ALL {
        for sort in SortField::ALL {
            for dir in [SortDir::Asc, SortDir::Desc] {
                let base = ListQuery { view, sort, dir, size: 25, ..Default::default() };
                let middle = middle_cursor(conn, db, &base).await?;
                for (depth, at) in [("first", PageAt::First), ("middle", middle), ("last", PageAt::Last)] {
                    let query = ListQuery { at, ..base.clone() };
                    let mut times = Vec::with_capacity(args.iterations);
                    for _ in 0..args.iterations {
                        let started = Instant::now();
                        // What the list server function runs: counts, the page (with its
                        // neighbours and group names), and the matching count.
                        let page = user_lists::admin_page(conn, APP_ID, &query).await?;
                        times.push(started.elapsed());
                        assert!(!page.rows.is_empty() || counts.all == 0);
                    }
                    times.sort();
                    let p50 = times[times.len() / 2];
                    let p95 = times[(times.len() * 95).div_ceil(100) - 1];
                    worst = worst.max(p95);
                    println!(
                        "{:<12} {:<12} {:<5} {:<7} {:>8.3} {:>8.3}",
                        view.slug(),
                        sort.slug(),
                        dir.slug(),
                        depth,
                        ms(p50),
                        ms(p95)
                    );
                }
            }
        }
    }
    println!("worst p95 over all views, sorts and depths: {:.3} ms", ms(worst));

    // The search box: what the list server function runs for a text filter (first page, the
    // count capped at 101). Emails look like user0012345@example7.com; first names are one of
    // eight (Ann is 1 in 8).
    println!("{:<34} {:>8} {:>8} {:>9}", "search box (all users, email asc)", "p50 ms", "p95 ms", "matching");
    for filter in ["user00123*", "12345", "*12345*", "user0012345", "*@example7.com", "ann", "example7"] {
        let query = ListQuery { filter: filter.into(), size: 25, ..Default::default() };
        let (p50, p95, shown) = time_first_page(conn, &query, args.iterations).await?;
        println!("{filter:<34} {:>8.3} {:>8.3} {shown:>9}", ms(p50), ms(p95));
    }

    // Dormant users: never signed in (a fifth of them here), or not for N days — every
    // sign-in here is older than 30 days; 800 days back splits them — alone and combined.
    println!("{:<34} {:>8} {:>8} {:>9}", "last sign-in (first page)", "p50 ms", "p95 ms", "matching");
    let dormant = |last_sign_in, view, filter: &str, sort| ListQuery {
        last_sign_in,
        view,
        filter: filter.into(),
        sort,
        size: 25,
        ..Default::default()
    };
    for (label, query) in [
        ("never", dormant(LastSignIn::Never, UserView::All, "", SortField::Email)),
        ("not for 30 days", dormant(LastSignIn::NotForDays(30), UserView::All, "", SortField::Email)),
        ("not for 800 days", dormant(LastSignIn::NotForDays(800), UserView::All, "", SortField::Email)),
        (
            "not for 800 days, by last login",
            dormant(LastSignIn::NotForDays(800), UserView::All, "", SortField::LastLogin),
        ),
        ("never, in any group", dormant(LastSignIn::Never, UserView::InAnyGroup, "", SortField::Email)),
        ("never, in no group, by created", dormant(LastSignIn::Never, UserView::InNoGroup, "", SortField::Created)),
        ("never, \"ann\"", dormant(LastSignIn::Never, UserView::All, "ann", SortField::Email)),
        (
            "not for 800 days, \"*12345*\"",
            dormant(LastSignIn::NotForDays(800), UserView::All, "*12345*", SortField::Email),
        ),
    ] {
        let (p50, p95, shown) = time_first_page(conn, &query, args.iterations).await?;
        println!("{label:<34} {:>8.3} {:>8.3} {shown:>9}", ms(p50), ms(p95));
    }

    // Disabled users: one in a thousand (disabled here if none is yet), alone and combined.
    let disabled: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM experience_users WHERE disabled_until IS NOT NULL")
        .fetch_one(db)
        .await?;
    if disabled == 0 {
        sqlx::query("UPDATE experience_users SET disabled_until = 9223372036854775807 WHERE created_at % 1000 = 7")
            .execute(db)
            .await?;
    }
    println!("{:<34} {:>8} {:>8} {:>9}", "state (first page)", "p50 ms", "p95 ms", "matching");
    let with_state = |state, view, filter: &str, sort| ListQuery {
        state,
        view,
        filter: filter.into(),
        sort,
        size: 25,
        ..Default::default()
    };
    for (label, query) in [
        ("disabled", with_state(UserState::Disabled, UserView::All, "", SortField::Email)),
        ("active", with_state(UserState::Active, UserView::All, "", SortField::Email)),
        (
            "disabled, by created desc",
            ListQuery { dir: SortDir::Desc, ..with_state(UserState::Disabled, UserView::All, "", SortField::Created) },
        ),
        (
            "active, in no group, by last login",
            with_state(UserState::Active, UserView::InNoGroup, "", SortField::LastLogin),
        ),
        ("disabled, \"ann\"", with_state(UserState::Disabled, UserView::All, "ann", SortField::Email)),
        ("active, \"*12345*\"", with_state(UserState::Active, UserView::All, "*12345*", SortField::Email)),
    ] {
        let (p50, p95, shown) = time_first_page(conn, &query, args.iterations).await?;
        println!("{label:<34} {:>8.3} {:>8.3} {shown:>9}", ms(p50), ms(p95));
    }
    Ok(())
}

/// p50 and p95 of the list's first page of `query` (with its capped count), and that count.
async fn time_first_page(
    conn: &mut Conn,
    query: &ListQuery,
    iterations: usize,
) -> Result<(Duration, Duration, String), Box<dyn std::error::Error>> {
    let mut times = Vec::with_capacity(iterations);
    let mut matching = 0;
    for _ in 0..iterations {
        let started = Instant::now();
        matching = user_lists::admin_page(conn, APP_ID, query).await?.matching;
        times.push(started.elapsed());
    }
    times.sort();
    let (p50, p95) = (times[times.len() / 2], times[(times.len() * 95).div_ceil(100) - 1]);
    let shown = if matching > 100 { "> 100".to_owned() } else { matching.to_string() };
    Ok((p50, p95, shown))
}

/// The id of the row halfway through the view: a cursor deep in the list (found once, unmeasured).
async fn middle_cursor(conn: &Conn, db: &sqlx::AnyPool, query: &ListQuery) -> Result<PageAt, sqlx::Error> {
    let column = match conn {
        Conn::Sqlite(_) => {
            store_sqlite::repo::user_list::sort_column(query.sort.order_by(), query.dir == SortDir::Desc)
        }
        Conn::Postgres(_) => store_pg::repo::user_list::sort_column(query.sort.order_by(), query.dir == SortDir::Desc),
    };
    let scope = match query.view {
        UserView::All => "",
        UserView::InAnyGroup => " AND in_group = 1",
        UserView::InNoGroup => " AND in_group = 0",
    };
    let dir = if query.dir == SortDir::Asc { "ASC" } else { "DESC" };
    let sql = format!(
        "SELECT id FROM experience_users u WHERE application_id = $1{scope} ORDER BY {column} {dir}, id {dir} \
         LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM experience_users WHERE application_id = $1{scope})"
    );
    let id: Option<String> = sqlx::query_scalar(&sql).bind(APP_ID).fetch_optional(db).await?;
    Ok(id.map(PageAt::After).unwrap_or_default())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
