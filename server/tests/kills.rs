//! `kill -9`, for real: the worker runs as a child process (`server worker`) and is killed with
//! SIGKILL at varied points, then restarted, on SQLite and on PostgreSQL, with the TikTok sandbox
//! as its own server on its own origin.
//!
//! - **During a backfill** ([`BACKFILL_KILLS`] kills): every kill falls after the worker has
//!   taken a job, at a varied delay into it (some before it took one), while full passes read
//!   240 videos per account in pages. Checked at the end: 0 snapshots lost (every finished pass
//!   holds a snapshot of every video it counted), 0 doubled, 0 videos stored twice, and the work
//!   goes on: a restarted worker takes back its dead predecessor's lease at once.
//! - **During a refresh rotation** ([`ROTATION_KILLS`] kills): TikTok ends the access tokens
//!   early, so every job starts by being refused and refreshing the grant, and the worker dies at
//!   a varied moment of it; every fifth kill is aimed at the rotation window (the sandbox holds
//!   its answer after rotating). After each kill the test compares the refresh token Soco stored with
//!   the one TikTok holds (the sandbox shows a digest). They match unless the kill fell in the
//!   one window no client can close: TikTok had rotated the token (the old one is dead at once)
//!   and its answer died with the process. Checked: every grant outside that window survives
//!   (0 lost), and every grant inside it ends truthfully: flagged for reconnection with one
//!   email, never "Connected" on a dead grant.
//!
//! The figures (kill points, kills that struck mid-job, window losses) are printed.

mod common;

use std::time::{Duration as StdDuration, Instant};

use chrono::Utc;
use common::{Ground, Process, ground, spawn};
use domain::entities::{job, tiktok_account};
use domain::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use domain::testing::TestDb;
use domain::tiktok::connections::AccountStatus;
use secrecy::ExposeSecret as _;
use sha2::Digest as _;

const CREATORS: usize = 2;
const BACKFILL_KILLS: usize = 100;
const ROTATION_KILLS: usize = 100;

/// SIGKILL, then reaped: the process is gone (and its pid with it) when this returns.
fn kill(mut process: Process) {
    process.0.kill().expect("SIGKILL");
    process.0.wait().expect("reaped");
}

/// Waits until the database has finished what a killed worker had sent it: PostgreSQL runs a
/// statement that arrived before the kill to its end (and commits it) before it notices that
/// its client is gone, so the state is read only once no other session is active.
async fn quiesce(ground: &Ground) {
    use domain::sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    let db = &ground.services.db;
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return;
    }
    let busy = "SELECT COUNT(*) AS busy FROM pg_stat_activity WHERE datname = current_database() \
                AND pid <> pg_backend_pid() AND state <> 'idle'";
    for _ in 0..500 {
        let row = db
            .query_one_raw(Statement::from_string(DatabaseBackend::Postgres, busy))
            .await
            .expect("pg_stat_activity")
            .expect("a row");
        if row.try_get::<i64>("", "busy").expect("count") == 0 {
            return;
        }
        tokio::time::sleep(StdDuration::from_millis(10)).await;
    }
    panic!("the killed worker's statements never finished");
}

/// Whether the worker `pid` holds a lease now.
async fn holds_a_lease(ground: &Ground, pid: u32) -> bool {
    let prefix = format!("w{pid}-");
    job::Entity::find()
        .filter(job::Column::LeaseOwner.starts_with(prefix.as_str()))
        .one(&ground.services.db)
        .await
        .expect("jobs")
        .is_some()
}

/// Starts a worker and waits (up to 10 s) until it has taken a job; returns the process and
/// whether it did.
async fn worker_at_work(ground: &Ground) -> (Process, bool) {
    let worker = spawn(&["worker"], &ground.env);
    let pid = worker.0.id();
    let started = Instant::now();
    while started.elapsed() < StdDuration::from_secs(10) {
        if holds_a_lease(ground, pid).await {
            return (worker, true);
        }
        tokio::time::sleep(StdDuration::from_millis(2)).await;
    }
    (worker, false)
}

/// The digest the sandbox shows of a refresh token.
fn digest(token: &str) -> String {
    hex::encode(&sha2::Sha256::digest(token.as_bytes())[..8])
}

/// Whether TikTok still holds the refresh token Soco stored for `account`.
async fn grant_alive(ground: &Ground, account: i64) -> bool {
    let Some(stored) =
        domain::tiktok::connections::stored_refresh_token(&ground.services, account).await.expect("tokens")
    else {
        return false;
    };
    let mine = digest(stored.expose_secret());
    let state = ground.control(reqwest::Method::GET, "/state").await;
    state["grants"].as_array().expect("grants").iter().any(|g| g["refresh_token_sha256"] == mine.as_str())
}

async fn account(ground: &Ground, id: i64) -> tiktok_account::Model {
    tiktok_account::Entity::find_by_id(id).one(&ground.services.db).await.expect("db").expect("account")
}

async fn reconnect_emails(ground: &Ground) -> usize {
    let outbox = ground.data.path().join("outbox");
    if !outbox.exists() {
        return 0;
    }
    domain::mail::outbox::list(&outbox)
        .await
        .expect("outbox")
        .iter()
        .filter(|m| {
            m.subject.contains("Reconnect your TikTok") || m.subject.contains("Hubungkan lagi akun TikTok")
        })
        .count()
}

async fn killed_workers_lose_nothing(db: TestDb) {
    let sandbox = [
        ("SOCO_SANDBOX_VIDEOS_PER_CREATOR", "240"),
        ("SOCO_SANDBOX_HISTORY_DAYS", "30"),
        ("SOCO_SANDBOX_ACCESS_TTL", "86400"),
    ];
    // Every pass is full (each reads and snapshots every video), so every pass can be counted.
    // Quiet: 200 restarts each say what they took back.
    let soco = [("SOCO_SYNC_FULL_MINUTES", "1"), ("SOCO_LOG", "error")];
    let ground = ground(db, CREATORS, &sandbox, &soco).await;
    let creators = ground.creators().await;
    let user = ground.user().await;
    let mut accounts = Vec::new();
    for creator in &creators {
        accounts.push(ground.connect(&user, creator).await.id);
    }
    let keys: Vec<String> = accounts.iter().flat_map(|&a| domain::tiktok::sync::job_keys(a)).collect();
    let video_keys: Vec<&String> = keys
        .iter()
        .filter(|k| k.starts_with(domain::entities::job::JobKind::TikTokSyncVideos.as_str()))
        .collect();

    // During the backfill and the full passes after it.
    let mut mid_job = 0;
    for kill_point in 0..BACKFILL_KILLS {
        for key in &video_keys {
            domain::jobs::hurry(&ground.services.db, key, Utc::now()).await.expect("hurry");
        }
        let delay = StdDuration::from_millis(((kill_point * 37) % 300) as u64);
        let worker = if kill_point % 10 == 9 {
            // Now and then, before it has taken anything.
            let worker = spawn(&["worker"], &ground.env);
            tokio::time::sleep(delay / 4).await;
            worker
        } else {
            let (worker, working) = worker_at_work(&ground).await;
            assert!(working, "kill point {kill_point}: the worker never took a job");
            tokio::time::sleep(delay).await;
            worker
        };
        mid_job += usize::from(holds_a_lease(&ground, worker.0.id()).await);
        kill(worker);
        quiesce(&ground).await;
    }
    let finisher = spawn(&["worker"], &ground.env);
    ground.settled(Utc::now()).await;
    drop(finisher);
    let mut passes = 0;
    for &account in &accounts {
        passes += ground.check_history(account, true, false).await;
    }
    eprintln!(
        "kill -9 during backfill ({:?}): {BACKFILL_KILLS} kills, {mid_job} while a job was held, \
         {passes} finished passes checked: 0 snapshots lost or doubled",
        ground.services.db.get_database_backend()
    );

    // During refresh rotations.
    let mut in_window = 0;
    let mut lost = std::collections::HashSet::new();
    let mut rotation_mid_job = 0;
    for kill_point in 0..ROTATION_KILLS {
        for creator in &creators {
            ground.control(reqwest::Method::POST, &format!("/creators/{creator}/expire-token")).await;
        }
        for key in &keys {
            domain::jobs::hurry(&ground.services.db, key, Utc::now()).await.expect("hurry");
        }
        // Every fifth kill aims at the window itself: TikTok has rotated the refresh token and
        // holds its answer for 400 ms, and the worker dies waiting for it.
        let aimed = kill_point % 5 == 4;
        if aimed {
            let fault = serde_json::json!({ "endpoint": "oauth.token_reply", "kind": "latency", "ms": 400, "times": 1 });
            ground.control_with(reqwest::Method::POST, "/faults", &fault).await;
        }
        let (worker, working) = worker_at_work(&ground).await;
        assert!(working, "kill point {kill_point}: the worker never took a job");
        let delay = if aimed { 150 + (kill_point * 13) % 200 } else { (kill_point * 7) % 120 };
        tokio::time::sleep(StdDuration::from_millis(delay as u64)).await;
        rotation_mid_job += usize::from(holds_a_lease(&ground, worker.0.id()).await);
        kill(worker);
        quiesce(&ground).await;
        if aimed {
            ground.control(reqwest::Method::DELETE, "/faults").await;
        }
        for (&id, creator) in accounts.iter().zip(&creators) {
            if account(&ground, id).await.status != AccountStatus::Active || grant_alive(&ground, id).await {
                continue;
            }
            // Killed between TikTok's rotation and Soco's commit: the grant is gone for good.
            // What follows must be the truth: the next worker finds the grant refused, flags
            // the account and emails its owner once.
            in_window += 1;
            lost.insert(id);
            let emails = reconnect_emails(&ground).await;
            // The killed refresh may have been the last TikTok call of this round (the
            // account's jobs can have finished before it): make the next use of the grant now.
            for key in domain::tiktok::sync::job_keys(id) {
                domain::jobs::hurry(&ground.services.db, &key, Utc::now()).await.expect("hurry");
            }
            let recovery = spawn(&["worker"], &ground.env);
            ground.settled(Utc::now()).await;
            drop(recovery);
            let jobs = job::Entity::find().all(&ground.services.db).await.expect("jobs");
            assert_eq!(
                account(&ground, id).await.status,
                AccountStatus::Reconnect,
                "kill point {kill_point}: account {id} flagged after the loss; jobs: {jobs:#?}"
            );
            let mut mailed = reconnect_emails(&ground).await;
            for _ in 0..100 {
                if mailed > emails {
                    break;
                }
                tokio::time::sleep(StdDuration::from_millis(50)).await;
                mailed = reconnect_emails(&ground).await;
            }
            assert_eq!(mailed, emails + 1, "one email about it");
            ground.connect(&user, creator).await;
        }
    }
    assert!(in_window > 0, "the kills aimed at the rotation window never struck it");
    let finisher = spawn(&["worker"], &ground.env);
    ground.settled(Utc::now()).await;
    drop(finisher);
    for &id in &accounts {
        assert_eq!(
            account(&ground, id).await.status,
            AccountStatus::Active,
            "account {id}: grant lost outside the window"
        );
        assert!(grant_alive(&ground, id).await, "account {id}: Soco's refresh token is TikTok's");
        ground.check_history(id, true, lost.contains(&id)).await;
    }
    eprintln!(
        "kill -9 during refresh rotation ({:?}): {ROTATION_KILLS} kills, {rotation_mid_job} while a \
         job was held, {in_window} inside TikTok's rotation window (each flagged and emailed once); \
         0 grants lost outside it",
        ground.services.db.get_database_backend()
    );
    drop(ground);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_workers_lose_nothing_on_sqlite() {
    killed_workers_lose_nothing(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_workers_lose_nothing_on_postgres() {
    let Some(db) = TestDb::postgres().await else { return };
    killed_workers_lose_nothing(db).await;
}
