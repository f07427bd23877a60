//! `make bench`: how fast pages answer, one at a time and sixteen at once.
//!
//! The real router on Soco's own listener (loopback, SQLite in a temporary folder) with the
//! sandbox mounted: a signed-in user with one TikTok creator connected and synced (300 videos over
//! 90 days). Then `/login` (signed out), `/accounts` and the TikTok account page are each fetched
//! by 1 and by 16 connections in a closed loop (every connection sends its next request when the
//! last answer is read in full) for five seconds after a one-second warm-up. Prints requests per
//! second, p50 and p99. A response that waits for the client's delayed ACK (Nagle's algorithm on
//! the serving socket) shows as a p50 near 40 ms. Figures, not a test: nothing here fails on time.

mod support;

use std::time::{Duration, Instant};

const WARM_UP: Duration = Duration::from_secs(1);
const MEASURED: Duration = Duration::from_secs(5);

#[tokio::main]
async fn main() {
    let (site, cookie, account) = support::Site::with_synced_creator("pages@example.id", None).await;

    println!(
        "page benchmark: closed loop over HTTP/1.1 keep-alive on loopback, {}s per figure",
        MEASURED.as_secs()
    );
    let pages = [
        ("/login (signed out)", "/login".to_owned(), None),
        ("/accounts", "/accounts".to_owned(), Some(cookie.clone())),
        ("TikTok account page", format!("/accounts/tiktok/{account}"), Some(cookie.clone())),
    ];
    for (name, path, cookie) in &pages {
        for connections in [1, 16] {
            let url = format!("{}{path}", site.origin);
            let (latencies, wall) = load(&url, cookie.as_deref(), connections).await;
            let per_second = latencies.len() as f64 / wall.as_secs_f64();
            println!(
                "{name:<22} {connections:>2} connection{}: {per_second:>7.0} requests/s, p50 {:>6.1} ms, p99 {:>6.1} ms",
                if connections == 1 { " " } else { "s" },
                support::quantile(&latencies, 0.50).as_secs_f64() * 1e3,
                support::quantile(&latencies, 0.99).as_secs_f64() * 1e3,
            );
        }
    }
}

/// `connections` clients, each on its own keep-alive connection, fetching `url` back to back:
/// the sorted latencies of the measured window and how long it lasted.
async fn load(url: &str, cookie: Option<&str>, connections: usize) -> (Vec<Duration>, Duration) {
    let start = Instant::now();
    let (measure_from, stop) = (start + WARM_UP, start + WARM_UP + MEASURED);
    let workers = (0..connections).map(|_| {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(1)
            .build()
            .expect("client");
        let (url, cookie) = (url.to_owned(), cookie.map(str::to_owned));
        tokio::spawn(async move {
            let mut seen = Vec::new();
            loop {
                let sent = Instant::now();
                if sent >= stop {
                    return seen;
                }
                let mut request = client.get(&url).header("accept", "text/html");
                if let Some(cookie) = &cookie {
                    request = request.header("cookie", cookie);
                }
                let response = request.send().await.expect("response");
                let status = response.status();
                response.bytes().await.expect("body");
                assert_eq!(status, 200, "{url}");
                if sent >= measure_from {
                    seen.push(sent.elapsed());
                }
            }
        })
    });
    let mut latencies = Vec::new();
    for worker in workers.collect::<Vec<_>>() {
        latencies.extend(worker.await.expect("worker"));
    }
    latencies.sort();
    (latencies, MEASURED)
}
