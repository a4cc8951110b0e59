//! Prints how long one argon2id hash takes here with the server's parameters, and the
//! sign-in ceiling that implies (cores ÷ time per hash). Used by scripts/bench-experience.

use app::domain::Password;
use app::server::passwords::PasswordHasher;
use std::time::Instant;

#[tokio::main]
async fn main() {
    let hasher = PasswordHasher::with_queue(1, 0);
    let password = Password::parse("bench-password").expect("a valid password");
    let mut times = Vec::new();
    for _ in 0..15 {
        let started = Instant::now();
        hasher.hash(&password).await.expect("hashing works");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    println!("argon2id m=19456 t=2 p=1: median {median:.1} ms per hash over {} runs", times.len());
    println!("ceiling: {cores} cores / {median:.1} ms = {:.1} sign-ins/s", cores as f64 * 1000.0 / median);
}
