//! `make bench`: login latency under a steady load.
//!
//! Starts the real router on Soco's own listener on a loopback port (SQLite in a temporary folder), registers users,
//! then sends 20 password logins a second for 15 seconds, each at its scheduled time whatever
//! the previous ones are doing (an open loop, so queueing shows in the figures), as a browser
//! without JavaScript would (form post, 302 answer). Prints p50, p95, p99 and max. Figures, not a
//! test: nothing here fails on time.

mod support;

use std::time::{Duration, Instant};

use server_fn::ServerFn;

const RATE_PER_SECOND: u64 = 20;
const SECONDS: u64 = 15;
const USERS: usize = 20;
const PASSWORD: &str = support::PASSWORD;

#[tokio::main]
async fn main() {
    let site =
        support::Site::start(&[("SOCO_AUTH_BURST", "100000"), ("SOCO_AUTH_PER_MINUTE", "100000")], None)
            .await;
    let meta = support::meta();
    for i in 0..USERS {
        let registration = support::registration(&format!("user{i}@example.com"));
        domain::users::register(&site.services, registration, &meta, chrono::Utc::now())
            .await
            .expect("register");
    }
    site.services.settle().await;
    let origin = site.origin.clone();

    let client = site.http.clone();
    let url = format!("{origin}{}", app::api::auth::Login::PATH);
    let total = RATE_PER_SECOND * SECONDS;
    let interval = Duration::from_micros(1_000_000 / RATE_PER_SECOND);
    println!(
        "login benchmark: {total} logins at {RATE_PER_SECOND}/s over HTTP on loopback, argon2id m=19456 t=2 p=1"
    );
    let start = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..total {
        let at = start + interval * u32::try_from(i).expect("small");
        let (client, url, origin) = (client.clone(), url.clone(), origin.clone());
        let email = format!("user{}@example.com", usize::try_from(i).expect("small") % USERS);
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(at.into()).await;
            let sent = Instant::now();
            let response = client
                .post(&url)
                .header("accept", "text/html")
                .header("origin", &origin)
                .header("referer", format!("{origin}/login"))
                .form(&[("email", email.as_str()), ("password", PASSWORD)])
                .send()
                .await
                .expect("response");
            let ok = response.status() == 302
                && response.headers().get("location").is_some_and(|l| l == "/")
                && response.headers().contains_key("set-cookie");
            (sent.elapsed(), ok)
        }));
    }
    let mut latencies = Vec::with_capacity(tasks.len());
    let mut failures = 0;
    for task in tasks {
        let (latency, ok) = task.await.expect("task");
        latencies.push(latency);
        failures += usize::from(!ok);
    }
    let wall = start.elapsed();
    latencies.sort();
    let pick = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q).round() as usize];
    println!("completed {} logins in {:.1} s ({failures} failed)", latencies.len(), wall.as_secs_f64());
    println!(
        "latency: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        pick(0.50).as_secs_f64() * 1e3,
        pick(0.95).as_secs_f64() * 1e3,
        pick(0.99).as_secs_f64() * 1e3,
        pick(1.0).as_secs_f64() * 1e3
    );
    assert_eq!(failures, 0, "every login must succeed");
}
