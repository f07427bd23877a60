//! One shop with about a million orders (1370 a day for two years) pages through the real router
//! to the end: the count matches the last `total_count`, creation order is strict (so nothing repeats and,
//! with the count, nothing is missing), and peak memory stays bounded because nothing is
//! materialised. Its own process, so the memory figure is its own.

mod common;

use std::time::Instant;

use common::{Client, config};
use sandbox::Sandbox;
use serde::Deserialize;

/// Peak resident memory of this process (VmHWM), in KiB.
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

#[derive(Deserialize)]
struct Page {
    code: i64,
    data: Data,
}

#[derive(Deserialize)]
struct Data {
    orders: Vec<OrderKey>,
    next_page_token: String,
    total_count: u64,
}

#[derive(Deserialize)]
struct OrderKey {
    id: String,
    create_time: i64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: `make bench` runs it, optimised"]
async fn a_million_orders_page_through_with_bounded_memory() {
    let mut settings = config(1370, 730);
    settings.scale.local_shops = 1;
    settings.scale.cross_border_shops = 0;
    let sandbox = Sandbox::new(settings);
    let client = Client::authorize(&sandbox, 0).await;
    let (cipher, _) = client.shops().await.remove(0);
    let before = peak_kib();
    let started = Instant::now();
    let mut token = String::new();
    let mut seen: u64 = 0;
    let mut last: Option<(i64, String)> = None;
    let mut total = None;
    let mut pages = 0;
    loop {
        let mut query = vec![("page_size", "100"), ("sort_field", "create_time"), ("sort_order", "ASC")];
        if !token.is_empty() {
            query.push(("page_token", token.as_str()));
        }
        let reply = client.call("POST", "/order/202309/orders/search", Some(&cipher), &query, None).await;
        let page: Page = serde_json::from_str(&reply.text)
            .unwrap_or_else(|e| panic!("{e}: {}", &reply.text[..200.min(reply.text.len())]));
        assert_eq!(page.code, 0);
        // Sandbox time runs on while paging: orders created meanwhile join the end of the listing.
        assert!(total.is_none_or(|t| t <= page.data.total_count), "the total never shrinks");
        total = Some(page.data.total_count);
        for order in page.data.orders {
            let key = (order.create_time, order.id);
            if let Some(previous) = &last {
                assert!(*previous < key, "strictly increasing: {previous:?} then {key:?}");
            }
            last = Some(key);
            seen += 1;
        }
        pages += 1;
        token = page.data.next_page_token;
        if token.is_empty() {
            break;
        }
    }
    let elapsed = started.elapsed();
    let after = peak_kib();
    let total = total.unwrap_or(0);
    println!(
        "paged {seen} orders in {pages} pages in {:.1} s; peak memory {} MiB before, {} MiB after (growth {} KiB)",
        elapsed.as_secs_f64(),
        before / 1024,
        after / 1024,
        after.saturating_sub(before)
    );
    assert_eq!(seen, total, "every order once");
    assert!(total >= 1_000_000, "about a million orders: {total}");
    assert!(after.saturating_sub(before) < 64 * 1024, "peak memory grew by {} KiB", after - before);
}
