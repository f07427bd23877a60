//! `make bench`: login latency under a steady load.
//!
//! Starts the real router on a loopback port (SQLite in a temporary folder), registers users,
//! then sends 20 password logins a second for 15 seconds, each at its scheduled time whatever
//! the previous ones are doing (an open loop, so queueing shows in the figures), as a browser
//! without JavaScript would (form post, 302 answer). Prints p50, p95, p99 and max. Figures, not a
//! test: nothing here fails on time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::ssr::AppState;
use leptos::config::LeptosOptions;
use server_fn::ServerFn;

const RATE_PER_SECOND: u64 = 20;
const SECONDS: u64 = 15;
const USERS: usize = 20;
const PASSWORD: &str = "kopi susu gula aren tiga";

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let data_dir = dir.path().to_string_lossy().to_string();
    let vars = std::collections::HashMap::from([
        ("SOCO_DATA_DIR", data_dir.as_str()),
        ("SOCO_AUTH_BURST", "100000"),
        ("SOCO_AUTH_PER_MINUTE", "100000"),
        ("SOCO_LOG", "warn"),
    ]);
    let config = domain::config::Config::from_map(&vars).expect("configuration");
    let db = domain::db::connect(&config.database).await.expect("database");
    domain::db::migrate_up(&db).await.expect("migrations");
    let keys = domain::keyring::KeyRing::generate("bench").expect("key");
    let services = domain::services::Services::new(db, Arc::new(config), keys).await.expect("services");

    let meta = domain::auth::RequestMeta::new("127.0.0.1".parse().expect("ip"), "bench");
    for i in 0..USERS {
        let registration = domain::accounts::Registration {
            email: format!("user{i}@example.com"),
            display_name: format!("User {i}"),
            password: PASSWORD.to_owned().into(),
            adult: true,
            accept_terms: true,
            locale: "en".into(),
            time_zone: "UTC".into(),
        };
        domain::accounts::register(&services, registration, &meta, chrono::Utc::now())
            .await
            .expect("register");
    }
    services.settle().await;

    let site = tempfile::tempdir().expect("site folder");
    let options = LeptosOptions::builder()
        .output_name("soco")
        .site_root(site.path().to_string_lossy().to_string())
        .build();
    let router = server::router::build(AppState { leptos_options: options, services }, None).expect("router");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
            .await
            .expect("serve");
    });

    let client =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let url = format!("http://{addr}{}", app::api::auth::Login::PATH);
    let total = RATE_PER_SECOND * SECONDS;
    let interval = Duration::from_micros(1_000_000 / RATE_PER_SECOND);
    println!(
        "login benchmark: {total} logins at {RATE_PER_SECOND}/s over HTTP on loopback, argon2id m=19456 t=2 p=1"
    );
    let start = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..total {
        let at = start + interval * u32::try_from(i).expect("small");
        let (client, url) = (client.clone(), url.clone());
        let email = format!("user{}@example.com", usize::try_from(i).expect("small") % USERS);
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(at.into()).await;
            let sent = Instant::now();
            let response = client
                .post(&url)
                .header("accept", "text/html")
                .header("origin", "http://127.0.0.1:3000")
                .header("referer", "http://127.0.0.1:3000/login")
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
