//! `make bench`: TikTok analytics at scale.
//!
//! The real router with the sandbox mounted, on Soco's own listener on a loopback port (SQLite in a temporary folder).
//! Five sandbox creators with about 1,000 videos each over the 365 days before they connect,
//! then:
//! 1. the initial sync runs through the worker's own code, paced as in production: wall time,
//!    Display API requests and how many TikTok answered 429 (counted by the client as they
//!    arrive, against the sandbox's 600-per-minute sliding window);
//! 2. a year of history is made by the real sync: TikTok's clock (the sandbox's) and the worker's
//!    move on together three hours at a time, for 365 days, and the worker runs whatever the
//!    schedule makes due (profiles every 6 hours, recent videos every 3, every video daily;
//!    tokens refreshed and rotated as they lapse; the creators keep posting). Measured: wall
//!    time, requests, 429s, snapshots, and the database's size per million snapshots;
//! 3. the account page and the videos table are fetched over HTTP as a signed-in browser would,
//!    sequentially: server time p50 and p95.
//!
//! Figures, not a test: nothing here fails on time.

mod support;

use std::time::{Duration, Instant};

use app::ssr::AppState;
use chrono::Utc;
use domain::entities::{tiktok_account, tiktok_profile_snapshot, tiktok_video, tiktok_video_snapshot};
use domain::sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, Set, Statement,
};
use secrecy::SecretString;
use server_fn::ServerFn;

const CREATORS: usize = 5;
const VIDEOS_PER_CREATOR: u32 = 1_000;
const DAYS: u32 = 365;
const PASSWORD: &str = "kopi susu gula aren tiga";
const SAMPLES: usize = 40;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let data_dir = dir.path().to_string_lossy().to_string();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let origin = format!("http://{addr}");
    let vars = std::collections::HashMap::from([
        ("SOCO_DATA_DIR", data_dir.as_str()),
        ("SOCO_PUBLIC_URL", origin.as_str()),
        ("SOCO_ADDR", "127.0.0.1:0"),
        ("SOCO_LOG", "warn"),
    ]);
    let config = domain::config::Config::from_map(&vars).expect("configuration");
    let per_minute = config.tiktok_requests_per_minute;
    // The year of history runs unpaced on Soco's side (its pacing is in real time, and a year
    // passes in minutes): TikTok's window, in TikTok's time, still counts every request.
    let mut unpaced = vars.clone();
    unpaced.insert("SOCO_TIKTOK_REQUESTS_PER_MINUTE", "1000000");
    let unpaced = domain::config::Config::from_map(&unpaced).expect("configuration");
    let services = domain::services::Services::start(config).await.expect("services");
    // The same database and token keys (the data folder's key file), paced differently.
    let history_services =
        domain::services::Services::start_on(services.db.clone(), unpaced).await.expect("services");

    let mut sandbox_config = sandbox::SandboxConfig::for_public_url(&origin);
    sandbox_config.scale.creators = CREATORS as u32;
    sandbox_config.scale.videos_per_creator = VIDEOS_PER_CREATOR;
    sandbox_config.scale.history_days = DAYS;
    // The creators connect a year ago, on both clocks; the year of history then brings both to now.
    let year = i64::from(DAYS) * 86_400;
    sandbox_config.start = Some(Utc::now().timestamp() - year);
    let sandbox = sandbox::Sandbox::new(sandbox_config);
    let offset = std::sync::atomic::AtomicI64::new(-year);
    let clock = || Utc::now() + chrono::Duration::seconds(offset.load(std::sync::atomic::Ordering::Relaxed));

    let site = tempfile::tempdir().expect("site folder");
    let state = AppState { leptos_options: support::site_options(site.path()), services: services.clone() };
    let router = server::router::build(state, Some(sandbox.clone())).expect("router");
    let header_read_timeout = services.config.header_read_timeout;
    tokio::spawn(server::listen::serve(listener, router, header_read_timeout, std::future::pending()));
    let client =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");

    // A confirmed user, signed in over HTTP like a browser.
    let meta = domain::auth::RequestMeta::new("127.0.0.1".parse().expect("ip"), "bench");
    let registration = domain::users::Registration {
        email: "bench@example.id".into(),
        display_name: "Bench".into(),
        password: PASSWORD.to_owned().into(),
        adult: true,
        accept_terms: true,
        locale: "en".into(),
        time_zone: "Asia/Jakarta".into(),
    };
    domain::users::register(&services, registration, &meta, Utc::now()).await.expect("register");
    services.settle().await;
    let user = domain::entities::user::Entity::find()
        .filter(domain::entities::user::Column::Email.eq("bench@example.id"))
        .one(&services.db)
        .await
        .expect("db")
        .expect("registered");
    let mut verified = user.into_active_model();
    verified.email_verified_at = Set(Some(Utc::now()));
    let user = verified.update(&services.db).await.expect("verify");
    let login = client
        .post(format!("{origin}{}", app::api::auth::Login::PATH))
        .header("accept", "text/html")
        .header("origin", &origin)
        .form(&[("email", "bench@example.id"), ("password", PASSWORD)])
        .send()
        .await
        .expect("login");
    let cookie =
        login.headers()["set-cookie"].to_str().expect("ascii").split(';').next().expect("pair").to_owned();

    // Connect every creator through the sandbox's consent page.
    let session = SecretString::from("bench");
    let mut accounts = Vec::new();
    for (index, creator) in sandbox.world.creators.all.iter().enumerate().take(CREATORS) {
        let url =
            domain::tiktok::connections::start(&services, &user, &session, clock()).await.expect("start");
        let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        form.push(("open_id".into(), creator.open_id.clone()));
        form.push(("decision".into(), "approve".into()));
        for scope in ["user.info.basic", "user.info.profile", "user.info.stats", "video.list"] {
            form.push(("granted".into(), scope.into()));
        }
        let reply = client.post(url.as_str()).form(&form).send().await.expect("consent");
        let location = reply.headers()["location"].to_str().expect("redirect").to_owned();
        let query = reqwest::Url::parse(&location).expect("url").query().unwrap_or_default().to_owned();
        let account =
            domain::tiktok::connections::complete(&services, &user, &session, &query, &meta, clock())
                .await
                .unwrap_or_else(|e| panic!("connect creator {index}: {e}"));
        accounts.push(account.id);
    }

    // 1. The initial sync, paced as in production.
    let started = Instant::now();
    let mut jobs_run = 0;
    loop {
        jobs_run += domain::tiktok::sync::run_due(&services, "bench", clock).await.expect("sync");
        let done = tiktok_account::Entity::find()
            .filter(tiktok_account::Column::BackfillDone.eq(true))
            .count(&services.db)
            .await
            .expect("count");
        if done as usize == accounts.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let sync_time = started.elapsed();
    let videos = tiktok_video::Entity::find().count(&services.db).await.expect("count");
    // Each job run is one Display API call (one profile read, or one page of 20 videos); the
    // token exchange happened at connect time.
    println!("analytics benchmark: {} accounts, {videos} videos, {DAYS} days", accounts.len());
    let counts = services.tiktok.display.counts();
    println!(
        "initial sync: {:.1} s, {jobs_run} jobs, {} Display API requests; {} answered 429 by the sandbox's \
         600-per-minute sliding window (Soco paces each endpoint at {per_minute} in any minute: a tenth at once, \
         then evenly)",
        sync_time.as_secs_f64(),
        counts.requests(),
        counts.rate_limited(),
    );

    // 2. A year of history, made by the real sync with both clocks moved on together.
    let seeding = Instant::now();
    let size_before = database_bytes(&services.db).await;
    let snapshots_before = tiktok_video_snapshot::Entity::find().count(&services.db).await.expect("count");
    let step = 3 * 3600;
    let mut history_jobs = 0;
    for _ in 0..(DAYS * 8) {
        sandbox.clock.advance(step as u64);
        offset.fetch_add(step, std::sync::atomic::Ordering::Relaxed);
        loop {
            let ran = domain::tiktok::sync::run_due(&history_services, "bench", clock).await.expect("sync");
            history_jobs += ran;
            if ran < 1000 {
                break;
            }
        }
    }
    let now = Utc::now();
    let failing = domain::jobs::failing(&services.db, 100).await.expect("jobs");
    assert!(failing.is_empty(), "the year's sync failed: {failing:#?}");
    let flagged = tiktok_account::Entity::find()
        .filter(tiktok_account::Column::Status.ne(domain::tiktok::connections::AccountStatus::Active))
        .count(&services.db)
        .await
        .expect("count");
    assert_eq!(flagged, 0, "an account lost its grant during the year");
    let snapshots =
        tiktok_video_snapshot::Entity::find().count(&services.db).await.expect("count") - snapshots_before;
    let profiles = tiktok_profile_snapshot::Entity::find().count(&services.db).await.expect("count");
    let videos_now = tiktok_video::Entity::find().count(&services.db).await.expect("count");
    let size_after = database_bytes(&services.db).await;
    let counts = history_services.tiktok.display.counts();
    println!(
        "a year of history through the real sync ({} steps of 3 h on both clocks): {:.1} s, {history_jobs} jobs, \
         {} Display API requests, {} answered 429; {snapshots} video snapshots and {profiles} profile snapshots, \
         {videos_now} videos now; database grew {:.1} MiB, {:.1} MiB per million snapshots (SQLite, with indexes)",
        DAYS * 8,
        seeding.elapsed().as_secs_f64(),
        counts.requests(),
        counts.rate_limited(),
        (size_after - size_before) as f64 / 1048576.0,
        (size_after - size_before) as f64 / 1048576.0 / (snapshots.max(1) as f64 / 1e6)
    );

    // 3. Server time of the pages, sequential requests as one signed-in browser.
    let account = accounts[0];
    let pages = [
        ("account page, last 30 days", format!("/accounts/tiktok/{account}")),
        (
            "account page, last 365 days",
            format!(
                "/accounts/tiktok/{account}?from={}&to={}",
                (now - chrono::Duration::days(364)).date_naive(),
                now.date_naive()
            ),
        ),
        ("videos table, newest first", format!("/accounts/tiktok/{account}/videos")),
        (
            "videos table, by growth over 365 days",
            format!(
                "/accounts/tiktok/{account}/videos?sort=growth&from={}",
                (now - chrono::Duration::days(364)).date_naive()
            ),
        ),
        (
            "videos table, searched, page 3",
            format!("/accounts/tiktok/{account}/videos?q=a&page=3&sort=views"),
        ),
        ("accounts overview", "/accounts".to_owned()),
    ];
    for (name, path) in pages {
        let mut times = Vec::with_capacity(SAMPLES);
        for _ in 0..SAMPLES {
            let sent = Instant::now();
            let response = client
                .get(format!("{origin}{path}"))
                .header("cookie", &cookie)
                .header("accept", "text/html")
                .send()
                .await
                .expect("response");
            let status = response.status();
            let body = response.bytes().await.expect("body");
            times.push(sent.elapsed());
            assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body[..body.len().min(500)]));
        }
        times.sort();
        let pick = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1e3;
        println!("{name}: p50 {:.1} ms, p95 {:.1} ms ({SAMPLES} requests)", pick(0.5), pick(0.95));
    }
}

/// Bytes the database file takes after a checkpoint.
async fn database_bytes(db: &domain::sea_orm::DatabaseConnection) -> i64 {
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_string(backend, "PRAGMA wal_checkpoint(TRUNCATE)"))
        .await
        .expect("checkpoint");
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()",
        ))
        .await
        .expect("size")
        .expect("row");
    row.try_get::<i64>("", "bytes").expect("bytes")
}
