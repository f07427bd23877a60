//! `make bench`: Lighthouse performance of the release site, mobile and desktop.
//!
//! Serves the built site (`make site`, or the folder in `SOCO_BENCH_SITE`) through the real
//! router on Soco's own listener, with the sandbox mounted and one creator connected and synced
//! (300 videos over 90 days), then runs Lighthouse (npm, `end2end/lighthouse`, pinned by its
//! lockfile) in Debian's Chromium against `/login` signed out and the TikTok account page signed
//! in (the session cookie sent as a header), three times per page and form factor. Prints the
//! median run's performance score and its metrics. Figures, not a test.
//!
//! Each median run's whole report is written to `target/lighthouse/<page>-<device>.json`, and its
//! main-thread work by category and its longest tasks are printed under the table's line, so a
//! score that moves can be explained.
//!
//! The server is the bench build (release, or `--profile dev` for a quick look); Lighthouse's
//! scores hardly depend on it (mobile throttling is simulated from the trace), its bytes not at all.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const RUNS: usize = 3;
const CHROME_FLAGS: &str = "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync";

#[tokio::main]
async fn main() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("repository").to_path_buf();
    let site_root =
        std::env::var_os("SOCO_BENCH_SITE").map_or_else(|| repo.join("target/site"), PathBuf::from);
    let lighthouse = repo.join("end2end/lighthouse/node_modules/.bin/lighthouse");
    assert!(lighthouse.exists(), "{} is missing: npm ci --prefix end2end/lighthouse", lighthouse.display());

    let (site, cookie, account) =
        support::Site::with_synced_creator("lighthouse@example.id", Some(&site_root)).await;

    println!("Lighthouse {} (Chromium at /usr/bin/chromium), median of {RUNS} runs", version(&lighthouse));
    println!(
        "{:<22} {:<8} {:>5} {:>8} {:>8} {:>8} {:>8} {:>6} {:>9}",
        "page", "device", "score", "FCP ms", "LCP ms", "TBT ms", "SI ms", "CLS", "bytes"
    );
    let pages = [
        ("/login (signed out)", "login", "/login".to_owned(), None),
        (
            "TikTok account page",
            "tiktok-account",
            format!("/accounts/tiktok/{account}"),
            Some(cookie.as_str()),
        ),
    ];
    let reports = repo.join("target/lighthouse");
    std::fs::create_dir_all(&reports).expect("target/lighthouse");
    for (name, file, path, cookie) in &pages {
        for device in ["mobile", "desktop"] {
            let url = format!("{}{path}", site.origin);
            let (lighthouse, cookie) = (lighthouse.clone(), cookie.map(str::to_owned));
            let mut runs: Vec<Report> = tokio::task::spawn_blocking(move || {
                (0..RUNS).map(|_| run(&lighthouse, &url, device, cookie.as_deref())).collect()
            })
            .await
            .expect("lighthouse runs");
            runs.sort_by(|a, b| a.score.total_cmp(&b.score));
            let r = &runs[RUNS / 2];
            println!(
                "{name:<22} {device:<8} {:>5.0} {:>8.0} {:>8.0} {:>8.0} {:>8.0} {:>6.3} {:>9.0}",
                r.score * 100.0,
                r.fcp,
                r.lcp,
                r.tbt,
                r.speed_index,
                r.cls,
                r.bytes
            );
            explain(&r.json);
            let out = reports.join(format!("{file}-{device}.json"));
            std::fs::write(&out, r.json.to_string()).expect("write the report");
        }
    }
}

/// What one Lighthouse run measured.
struct Report {
    score: f64,
    fcp: f64,
    lcp: f64,
    tbt: f64,
    speed_index: f64,
    cls: f64,
    bytes: f64,
    /// The whole report.
    json: Value,
}

/// Prints where a run's main-thread time went: by category, and its five longest tasks.
fn explain(report: &Value) {
    let items =
        |audit: &str| report["audits"][audit]["details"]["items"].as_array().cloned().unwrap_or_default();
    let work: Vec<String> = items("mainthread-work-breakdown")
        .iter()
        .take(5)
        .map(|item| {
            format!(
                "{} {:.0} ms",
                item["groupLabel"].as_str().unwrap_or("?"),
                item["duration"].as_f64().unwrap_or(0.0)
            )
        })
        .collect();
    println!("    main thread: {}", work.join(", "));
    let mut tasks = items("long-tasks");
    tasks.sort_by(|a, b| {
        b["duration"].as_f64().unwrap_or(0.0).total_cmp(&a["duration"].as_f64().unwrap_or(0.0))
    });
    let tasks: Vec<String> = tasks
        .iter()
        .take(5)
        .map(|task| {
            let url = task["url"].as_str().unwrap_or("?");
            let short = url.rsplit('/').next().unwrap_or(url);
            format!(
                "{short} {:.0} ms at {:.0}",
                task["duration"].as_f64().unwrap_or(0.0),
                task["startTime"].as_f64().unwrap_or(0.0)
            )
        })
        .collect();
    println!("    longest tasks: {}", tasks.join(", "));
}

fn version(lighthouse: &Path) -> String {
    let out = Command::new(lighthouse).arg("--version").output().expect("lighthouse --version");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// One Lighthouse run; a run Lighthouse itself calls failed (it sometimes loses the trace, and
/// says "run Lighthouse again") is tried again, twice at most.
fn run(lighthouse: &Path, url: &str, device: &str, cookie: Option<&str>) -> Report {
    let mut failures = Vec::new();
    for _ in 0..3 {
        match run_once(lighthouse, url, device, cookie) {
            Ok(report) => return report,
            Err(failure) => failures.push(failure),
        }
    }
    panic!("lighthouse failed three times on {url} ({device}): {failures:#?}");
}

fn run_once(lighthouse: &Path, url: &str, device: &str, cookie: Option<&str>) -> Result<Report, String> {
    let mut command = Command::new(lighthouse);
    command
        .arg(url)
        .args(["--quiet", "--only-categories=performance", "--output=json", "--output-path=stdout"])
        .arg(format!("--chrome-flags={CHROME_FLAGS}"))
        .env("CHROME_PATH", std::env::var("SOCO_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()));
    if device == "desktop" {
        command.arg("--preset=desktop");
    }
    if let Some(cookie) = cookie {
        command.arg(format!("--extra-headers={}", serde_json::json!({ "Cookie": cookie })));
    }
    let out = command.output().expect("run lighthouse");
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
    }
    let report: Value = serde_json::from_slice(&out.stdout).map_err(|e| format!("lighthouse JSON: {e}"))?;
    let audit = |id: &str| report["audits"][id]["numericValue"].as_f64().unwrap_or(f64::NAN);
    Ok(Report {
        score: report["categories"]["performance"]["score"].as_f64().unwrap_or(f64::NAN),
        fcp: audit("first-contentful-paint"),
        lcp: audit("largest-contentful-paint"),
        tbt: audit("total-blocking-time"),
        speed_index: audit("speed-index"),
        cls: audit("cumulative-layout-shift"),
        bytes: audit("total-byte-weight"),
        json: report,
    })
}
