//! Memory goes back: a burst of failed logins (each an argon2id hash of 19 MiB) leaves the real
//! server process (`server serve`, spawned) close to where it started, instead of keeping a
//! hash's worth in every allocator arena (see `server::allocator`; 388 MB after this burst
//! without it). Resident memory is read from `/proc`, so this runs on Linux only.

#![cfg(target_os = "linux")]

mod common;

use std::time::Duration;

use common::{free_port, spawn, wait_until_up};

const LOGINS: usize = 60;
const AT_ONCE: usize = 16;

/// A memory figure of `pid` from `/proc` (`VmRSS`: resident now, `VmHWM`: the most ever), in MiB.
fn memory_mib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    let line = status.lines().find(|l| l.starts_with(&format!("{field}:"))).expect(field);
    line.split_whitespace().nth(1).and_then(|kb| kb.parse::<u64>().ok()).expect("kB") / 1024
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_password_hashes_gives_its_memory_back() {
    let data = tempfile::tempdir().expect("data dir");
    let port = free_port();
    let origin = format!("http://127.0.0.1:{port}");
    let env: Vec<(String, String)> = [
        ("SOCO_ADDR", format!("127.0.0.1:{port}")),
        ("SOCO_DATA_DIR", data.path().display().to_string()),
        // Each login from its own address, so the per-address limit does not answer first.
        ("SOCO_TRUSTED_PROXIES", "127.0.0.1".to_owned()),
        ("SOCO_LOG", "error".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let server = spawn(&["serve"], &env);
    let pid = server.0.id();
    let client = reqwest::Client::new();
    wait_until_up(&client, &format!("{origin}/healthz")).await;
    let page =
        client.get(format!("{origin}/login")).send().await.expect("login page").text().await.expect("html");
    let action = page
        .split("action=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|action| action.starts_with("/api/login"))
        .expect("the login form's action")
        .to_owned();
    // One hash first: start-up's own allocations settle (and the dummy hash is made).
    let login = |i: usize| {
        let (client, url, origin) = (client.clone(), format!("{origin}{action}"), origin.clone());
        async move {
            let response = client
                .post(url)
                .header("Origin", &origin)
                .header("X-Forwarded-For", format!("203.0.{}.{}", i / 250, i % 250 + 1))
                .form(&[("email", format!("nobody{i}@example.id")), ("password", format!("wrong-{i}"))])
                .send()
                .await
                .expect("login");
            assert_eq!(response.status(), 401, "a failed login, after a full hash");
        }
    };
    login(0).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = memory_mib(pid, "VmRSS");
    let peak_before = memory_mib(pid, "VmHWM");
    let mut burst = tokio::task::JoinSet::new();
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(AT_ONCE));
    for i in 1..=LOGINS {
        let permits = permits.clone();
        let one = login(i);
        burst.spawn(async move {
            let _permit = permits.acquire_owned().await.expect("permit");
            one.await;
        });
    }
    while let Some(done) = burst.join_next().await {
        done.expect("a login task");
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after = memory_mib(pid, "VmRSS");
    let peak = memory_mib(pid, "VmHWM");
    // The hashes really ran (19 MiB each): the peak rose above where the burst began.
    assert!(peak >= before + 15 && peak >= peak_before, "no hash's memory was ever taken: peak {peak} MiB");
    eprintln!(
        "{LOGINS} failed logins, {AT_ONCE} at once: resident {before} MiB before, {after} MiB after (peak {peak})"
    );
    assert!(after < before + 60, "the hashes' memory stayed: {before} MiB before, {after} MiB after");
    drop(server);
}
