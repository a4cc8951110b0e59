//! Seeds an application with N experience users and measures the list queries behind every
//! view × sort × direction at three depths (first page, middle, last). Prints p50/p95 in ms.
//!
//!     cargo bench -p server --bench bench-users -- --users 1000000
//!
//! The database is kept (target/bench/users-N.db) so later runs skip the seeding.

use app::experience::users::{ListQuery, PageAt, SortDir, SortField, UserView};
use app::server::{db, repo, user_lists};
use sqlx::{QueryBuilder, SqliteConnection};
use std::time::{Duration, Instant};

const APP_ID: &str = "0000000000000000000000aa";
const FIRST_NAMES: [&str; 8] = ["Ann", "Bob", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana"];
const LAST_NAMES: [&str; 6] = ["Lee", "Okafor", "Novak", "Silva", "Tanaka", "Weber"];

struct Args {
    users: i64,
    iterations: usize,
}

fn args() -> Args {
    let mut args = Args { users: 1_000_000, iterations: 40 };
    // `cargo bench` adds `--bench` to the arguments.
    let mut it = std::env::args().skip(1).filter(|a| a != "--bench");
    while let Some(flag) = it.next() {
        let value = it.next().and_then(|v| v.parse::<i64>().ok());
        match (flag.as_str(), value) {
            ("--users", Some(n)) if n > 0 => args.users = n,
            ("--iterations", Some(n)) if n > 0 => args.iterations = n as usize,
            _ => {
                eprintln!("usage: bench-users [--users N] [--iterations K]");
                std::process::exit(2);
            }
        }
    }
    args
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` runs this in server/; the databases live in the workspace's target/.
    std::env::set_current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))?;
    let args = args();
    std::fs::create_dir_all("target/bench")?;
    let path = format!("target/bench/users-{}.db", args.users);
    let pool = db::connect(&format!("sqlite://{path}")).await?;
    let mut conn = pool.acquire().await?;
    let existing: i64 = sqlx::query_scalar("SELECT COALESCE((SELECT user_count FROM applications WHERE id = ?), 0)")
        .bind(APP_ID)
        .fetch_one(&mut *conn)
        .await?;
    if existing != args.users {
        drop(conn);
        pool.close().await;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
        let pool = db::connect(&format!("sqlite://{path}")).await?;
        let started = Instant::now();
        seed(&mut *pool.acquire().await?, args.users).await?;
        println!("seeded {} users in {:.1} s ({path})", args.users, started.elapsed().as_secs_f64());
        return measure(&mut *pool.acquire().await?, &args).await;
    }
    println!("reusing {path} with {existing} users");
    measure(&mut conn, &args).await
}

/// Plain multi-row inserts in batches of 10,000 per transaction, one precomputed hash for all.
async fn seed(conn: &mut SqliteConnection, users: i64) -> Result<(), sqlx::Error> {
    sqlx::query("PRAGMA cache_size = -1000000").execute(&mut *conn).await?;
    sqlx::query("INSERT INTO applications (id, name, created_at, updated_at) VALUES (?, 'Bench', 0, 0)")
        .bind(APP_ID)
        .execute(&mut *conn)
        .await?;
    for g in 0..20 {
        sqlx::query(
            "INSERT INTO experience_groups (id, application_id, name, created_at, updated_at) VALUES (?, ?, ?, 0, 0)",
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
            let mut qb = QueryBuilder::new(
                "INSERT INTO experience_users (id, application_id, email, email_normalized, password_hash, \
                 first_name, last_name, created_at, updated_at, password_updated_at, last_login_at) ",
            );
            let rows: Vec<i64> = (i..chunk_end).collect();
            qb.push_values(rows, |mut b, n| {
                let r = next();
                let email = format!("user{n:07}@example{}.com", r % 50);
                let created = base + (r % 31_536_000_000) as i64;
                let login = if r % 5 == 0 { 0 } else { created + (r >> 20) as i64 % 1_000_000_000 };
                b.push_bind(format!("{:024x}", 0x1_0000_0000u64 + (r & 0xffff_ffff_ffff) * 1000 + n as u64 % 1000))
                    .push_bind(APP_ID)
                    .push_bind(email.clone())
                    .push_bind(email)
                    .push_bind(hash)
                    .push_bind(FIRST_NAMES[(r >> 8) as usize % FIRST_NAMES.len()])
                    .push_bind(LAST_NAMES[(r >> 16) as usize % LAST_NAMES.len()])
                    .push_bind(created)
                    .push_bind(created + (r >> 24) as i64 % 100_000_000)
                    .push_bind(created)
                    .push_bind(login);
            });
            qb.push(" ON CONFLICT DO NOTHING");
            qb.build().execute(&mut *tx).await?;
            i = chunk_end;
        }
        tx.commit().await?;
    }
    // About 40 % of users join a group (one or two).
    sqlx::query(
        "INSERT INTO experience_group_members (group_id, user_id)
         SELECT printf('%024x', abs(random()) % 20), id FROM experience_users WHERE abs(random()) % 5 < 2",
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query("ANALYZE").execute(&mut *conn).await?;
    Ok(())
}

async fn measure(conn: &mut SqliteConnection, args: &Args) -> Result<(), Box<dyn std::error::Error>> {
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
                let middle = middle_cursor(conn, &base).await?;
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
        let mut times = Vec::with_capacity(args.iterations);
        let mut matching = 0;
        for _ in 0..args.iterations {
            let started = Instant::now();
            matching = user_lists::admin_page(conn, APP_ID, &query).await?.matching;
            times.push(started.elapsed());
        }
        times.sort();
        let (p50, p95) = (times[times.len() / 2], times[(times.len() * 95).div_ceil(100) - 1]);
        let shown = if matching > 100 { "> 100".to_owned() } else { matching.to_string() };
        println!("{filter:<34} {:>8.3} {:>8.3} {shown:>9}", ms(p50), ms(p95));
    }
    Ok(())
}

/// The id of the row halfway through the view: a cursor deep in the list (found once, unmeasured).
async fn middle_cursor(conn: &mut SqliteConnection, query: &ListQuery) -> Result<PageAt, sqlx::Error> {
    let column = repo::user_list::sort_column(query.sort.order_by());
    let scope = match query.view {
        UserView::All => "",
        UserView::InAnyGroup => " AND in_group = 1",
        UserView::InNoGroup => " AND in_group = 0",
    };
    let dir = if query.dir == SortDir::Asc { "ASC" } else { "DESC" };
    let sql = format!(
        "SELECT id FROM experience_users u WHERE application_id = ?{scope} ORDER BY {column} {dir}, id {dir} \
         LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM experience_users WHERE application_id = ?{scope})"
    );
    let id: Option<String> = sqlx::query_scalar(&sql).bind(APP_ID).bind(APP_ID).fetch_optional(conn).await?;
    Ok(id.map(PageAt::After).unwrap_or_default())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
