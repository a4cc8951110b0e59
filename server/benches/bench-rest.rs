//! The REST users list (`GET /api/v1/applications/{id}/experience/users`) at 10^6 users,
//! through the real HTTP route: the server's router on a loopback port, an API token, a
//! blocking HTTP client. Prints p50/p95 per case. Reuses target/bench/users-1000000.db
//! (`make bench-users` builds it).
//!
//!     cargo bench -p server --bench bench-rest

use app::server::{passwords::PasswordHasher, AppState, Store};
use std::time::{Duration, Instant};
use store_sqlite::{api_tokens_service, db};

const APP_ID: &str = "0000000000000000000000aa";
const RUNS: usize = 40;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` runs this in server/; the databases live in the workspace's target/.
    std::env::set_current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))?;
    let path = "target/bench/users-1000000.db";
    if !std::path::Path::new(path).exists() {
        println!("no {path}: run `make bench-users` first");
        return Ok(());
    }
    let pool = db::connect(&format!("sqlite://{path}")).await?;
    let token = api_tokens_service::create(&mut *pool.acquire().await?, APP_ID, "bench-rest", None).await?.secret;
    let options = leptos::config::get_configuration(None)?.leptos_options;
    let state = AppState::new(options, Store::sqlite(pool, PasswordHasher::new(1)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}/api/v1/applications/{APP_ID}/experience/users", listener.local_addr()?);
    let service = server::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await });

    let contains = r#"{"email":{"$contains":"12345"}}"#;
    let cases: Vec<(&str, String)> = vec![
        ("perPage=1", "perPage=1".into()),
        ("first page of 100", String::new()),
        ("page=100", "page=100".into()),
        ("page=1000", "page=1000".into()),
        ("page=5000", "page=5000".into()),
        ("page=9999", "page=9999".into()),
        ("page=1000 lastName desc", "page=1000&sortField=lastName&sortDirection=desc".into()),
        ("page=1000 creationDate", "page=1000&sortField=creationDate".into()),
        ("page=1000 id", "page=1000&sortField=id".into()),
        ("experienceGroupId=any page=1000", "experienceGroupId=any&page=1000".into()),
        ("filter=user00123* (prefix, 100)", "filter=user00123*".into()),
        ("filter=user0012* (prefix, 1,000) page=5", "filter=user0012*&page=5".into()),
        ("filter=user12345* (prefix, none)", "filter=user12345*".into()),
        ("filter=*12345* (contains)", "filter=*12345*".into()),
        ("filter=*example7* (contains, 2 %)", "filter=*example7.*".into()),
        ("query $contains 12345", format!("query={}", encode(contains))),
    ];
    println!("GET …/experience/users at 10^6 users, {RUNS} runs each after 3 warm-ups");
    println!("{:<40} {:>9} {:>9} {:>10} {:>7}", "case", "p50 ms", "p95 ms", "totalCount", "items");
    for (label, query) in cases {
        let url = format!("{base}?{query}");
        let bearer = format!("Bearer {token}");
        let (times, total, items) = tokio::task::spawn_blocking(move || {
            let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
            let mut times = Vec::with_capacity(RUNS);
            let mut last = serde_json::Value::Null;
            for run in 0..RUNS + 3 {
                let started = Instant::now();
                let mut answer = agent.get(&url).header("authorization", &bearer).call().expect("the server answers");
                assert_eq!(answer.status(), 200, "{url}");
                last = answer.body_mut().read_json().expect("a JSON collection");
                if run >= 3 {
                    times.push(started.elapsed());
                }
            }
            let items = last["items"].as_array().map_or(0, Vec::len);
            (times, last["totalCount"].as_i64().unwrap_or(-1), items)
        })
        .await?;
        let (p50, p95) = percentiles(times);
        println!("{label:<40} {:>9.2} {:>9.2} {total:>10} {items:>7}", ms(p50), ms(p95));
    }
    Ok(())
}

fn percentiles(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    (times[times.len() / 2], times[(times.len() * 95).div_ceil(100) - 1])
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}
