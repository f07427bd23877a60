//! Soco as it runs in production, with real processes: the TikTok sandbox as its own server on its
//! own origin (`server sandbox --addr`), and two `server worker` processes sharing one database,
//! on PostgreSQL and on SQLite.
//!
//! Each round brings every account's sync jobs due at once and, at a varied moment, makes
//! TikTok end the access tokens early (its control API), so both workers hit refused tokens and
//! expiring grants together. Checked after the rounds: every job ran exactly once per round (one
//! finished pass per account and round), 0 accounts flagged for reconnection, 0 jobs failing,
//! and 0 duplicate snapshots (every video snapshot belongs to exactly one finished pass).

use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::time::Duration as StdDuration;

use chrono::Utc;
use domain::auth::RequestMeta;
use domain::connections::{self, status};
use domain::entities::{
    job, tiktok_account, tiktok_account_total, tiktok_video, tiktok_video_snapshot, user,
};
use domain::sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use domain::services::Services;
use domain::testing::TestDb;
use secrecy::SecretString;

const SERVER: &str = env!("CARGO_BIN_EXE_server");
const CREATORS: usize = 4;
const ROUNDS: usize = 100;

/// A child process killed (SIGKILL) when dropped, so a failing test leaves nothing running.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("a port").local_addr().expect("address").port()
}

/// The environment every Soco process of one test shares: database, keys, TikTok on the
/// sandbox's origin, nothing recurring by itself (the test says when jobs are due).
fn soco_env(
    db_url: &str,
    keys: &str,
    soco: &str,
    sandbox: &str,
    data: &std::path::Path,
) -> Vec<(String, String)> {
    [
        ("SOCO_DATABASE_URL", db_url.to_owned()),
        ("SOCO_TOKEN_KEYS", keys.to_owned()),
        ("SOCO_PUBLIC_URL", soco.to_owned()),
        ("SOCO_DATA_DIR", data.display().to_string()),
        ("SOCO_TIKTOK_LOGIN_URL", format!("{sandbox}/tiktok")),
        ("SOCO_TIKTOK_OPEN_API_URL", format!("{sandbox}/open-api")),
        ("SOCO_TIKTOK_SHOP_API_URL", format!("{sandbox}/shop-api")),
        ("SOCO_TIKTOK_SHOP_AUTH_URL", format!("{sandbox}/shop-auth")),
        ("SOCO_TIKTOK_SHOP_SERVICES_URL", format!("{sandbox}/shop-services")),
        ("SOCO_TIKTOK_REQUESTS_PER_MINUTE", "100000".to_owned()),
        ("SOCO_SYNC_PROFILE_MINUTES", "100000".to_owned()),
        ("SOCO_SYNC_RECENT_MINUTES", "100000".to_owned()),
        ("SOCO_SYNC_FULL_MINUTES", "100000".to_owned()),
        ("SOCO_JOB_LEASE_SECONDS", "10".to_owned()),
        ("SOCO_WORKER_POLL_MS", "50".to_owned()),
        ("SOCO_LOG", "warn".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn spawn(args: &[&str], env: &[(String, String)]) -> Process {
    let mut command = Command::new(SERVER);
    command.args(args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::inherit());
    // Only what the test sets: no SOCO_* of the machine leaks in.
    for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("SOCO_")) {
        command.env_remove(key);
    }
    command.envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    Process(command.spawn().expect("start the server binary"))
}

async fn wait_until_up(client: &reqwest::Client, url: &str) {
    for _ in 0..200 {
        if client.get(url).send().await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    panic!("{url} never answered");
}

struct Ground {
    /// Kept for its lifetime: dropping it drops the test database.
    _db: TestDb,
    services: Services,
    sandbox: String,
    env: Vec<(String, String)>,
    client: reqwest::Client,
    _sandbox_process: Process,
    _data: tempfile::TempDir,
}

/// The sandbox on its own origin (short-lived access tokens, so refreshes happen all the time),
/// and this test's own Soco services on `db`, pointed at it.
async fn ground(db: TestDb) -> Ground {
    let data = tempfile::tempdir().expect("folder");
    let soco = format!("http://127.0.0.1:{}", free_port());
    let sandbox = format!("http://127.0.0.1:{}", free_port());
    let keys = domain::keyring::KeyRing::generate("k1").expect("key");
    let key_text = format!("k1:{}", hex::encode(keys.active().bytes()));
    let env = soco_env(&db.config.url, &key_text, &soco, &sandbox, data.path());
    let mut sandbox_env = env.clone();
    sandbox_env.extend(
        [
            ("SOCO_SANDBOX_CREATORS", CREATORS.to_string()),
            ("SOCO_SANDBOX_VIDEOS_PER_CREATOR", "45".into()),
            ("SOCO_SANDBOX_HISTORY_DAYS", "30".into()),
            // Soco refreshes 5 minutes ahead: every call finds the token about to lapse.
            ("SOCO_SANDBOX_ACCESS_TTL", "320".into()),
            ("SOCO_SANDBOX_DISPLAY_RATE", "100000".into()),
        ]
        .map(|(k, v)| (k.to_owned(), v)),
    );
    let address = sandbox.trim_start_matches("http://").to_owned();
    let sandbox_process = spawn(&["sandbox", "--addr", &address], &sandbox_env);
    let client =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    wait_until_up(&client, &format!("{sandbox}/control/state")).await;

    let vars: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let config = domain::config::Config::from_map(&vars.iter().copied().collect()).expect("config");
    let services = Services::new(db.db.clone(), std::sync::Arc::new(config), keys).await.expect("services");
    Ground { _db: db, services, sandbox, env, client, _sandbox_process: sandbox_process, _data: data }
}

impl Ground {
    async fn control(&self, method: reqwest::Method, path: &str) -> serde_json::Value {
        let reply = self
            .client
            .request(method, format!("{}/control{path}", self.sandbox))
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .expect("control API");
        assert!(reply.status().is_success(), "{path}: {}", reply.status());
        serde_json::from_str(&reply.text().await.expect("body")).unwrap_or_default()
    }

    /// Connects sandbox creator `creator` for `user` through the consent page, as a browser would.
    async fn connect(&self, user: &user::Model, creator: &str) -> tiktok_account::Model {
        let session = SecretString::from("session");
        let url = connections::start(&self.services, user, &session, Utc::now()).await.expect("start");
        let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        form.push(("open_id".into(), creator.to_owned()));
        form.push(("decision".into(), "approve".into()));
        for scope in ["user.info.basic", "user.info.profile", "user.info.stats", "video.list"] {
            form.push(("granted".into(), scope.into()));
        }
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(&form).finish();
        let reply = self
            .client
            .post(url.as_str())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("consent");
        let location = reply.headers()["location"].to_str().expect("ascii").to_owned();
        let query = url::Url::parse(&location).expect("absolute").query().unwrap_or_default().to_owned();
        let meta = RequestMeta::new("127.0.0.1".parse().expect("ip"), "test");
        connections::complete(&self.services, user, &session, &query, &meta, Utc::now())
            .await
            .expect("connected")
    }

    async fn user(&self) -> user::Model {
        let now = Utc::now();
        user::ActiveModel {
            email: Set("agency@example.id".into()),
            display_name: Set("Agency".into()),
            email_verified_at: Set(Some(now)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&self.services.db)
        .await
        .expect("user")
    }

    /// Waits until no job is due or held: every job of the round has run and been settled (a
    /// pass between two pages is due at once, so it counts as busy).
    async fn settled(&self, since: chrono::DateTime<Utc>) {
        for _ in 0..2400 {
            let jobs = job::Entity::find().all(&self.services.db).await.expect("jobs");
            let now = Utc::now().max(since);
            let busy = jobs.iter().any(|j| j.run_at <= now || j.lease_owner.is_some());
            if !busy {
                return;
            }
            tokio::time::sleep(StdDuration::from_millis(25)).await;
        }
        let jobs = job::Entity::find().all(&self.services.db).await.expect("jobs");
        panic!("the round never settled: {jobs:#?}");
    }
}

async fn two_workers_share_one_database(db: TestDb) {
    let ground = ground(db).await;
    let state = ground.control(reqwest::Method::GET, "/state").await;
    let creators: Vec<String> = state["creators"]
        .as_array()
        .expect("creators")
        .iter()
        .map(|c| c["open_id"].as_str().expect("open_id").to_owned())
        .collect();
    assert_eq!(creators.len(), CREATORS);
    let user = ground.user().await;
    let mut accounts = Vec::new();
    for creator in &creators {
        accounts.push(ground.connect(&user, creator).await);
    }

    let workers: Vec<Process> = (0..2).map(|_| spawn(&["worker"], &ground.env)).collect();
    // The backfill, shared by both workers.
    ground.settled(Utc::now()).await;

    let keys: Vec<String> = accounts.iter().flat_map(|a| domain::sync::job_keys(a.id)).collect();
    for round in 0..ROUNDS {
        let start = Utc::now();
        for key in &keys {
            domain::jobs::hurry(&ground.services.db, key, start).await.expect("hurry");
        }
        // TikTok ends the tokens early at a varied moment: before the workers notice the jobs,
        // while they refresh, or between two pages.
        tokio::time::sleep(StdDuration::from_millis((round as u64 * 37) % 400)).await;
        for creator in creators.iter().skip(round % 2).step_by(2) {
            ground.control(reqwest::Method::POST, &format!("/creators/{creator}/expire-token")).await;
        }
        ground.settled(start).await;
    }

    // Every job ran exactly once per round: one finished pass per account and round (plus the
    // backfill), and every video snapshot belongs to exactly one of those passes.
    for account in &accounts {
        let passes: Vec<chrono::DateTime<Utc>> = tiktok_account_total::Entity::find()
            .filter(tiktok_account_total::Column::AccountId.eq(account.id))
            .all(&ground.services.db)
            .await
            .expect("totals")
            .into_iter()
            .map(|t| t.taken_at)
            .collect();
        assert_eq!(passes.len(), ROUNDS + 1, "account {}: one pass per round", account.id);
        let videos: Vec<i64> = tiktok_video::Entity::find()
            .filter(tiktok_video::Column::AccountId.eq(account.id))
            .all(&ground.services.db)
            .await
            .expect("videos")
            .into_iter()
            .map(|v| v.id)
            .collect();
        let snapshots = tiktok_video_snapshot::Entity::find()
            .filter(tiktok_video_snapshot::Column::VideoRowId.is_in(videos.clone()))
            .all(&ground.services.db)
            .await
            .expect("snapshots");
        let instants: HashSet<chrono::DateTime<Utc>> = snapshots.iter().map(|s| s.taken_at).collect();
        let passes: HashSet<chrono::DateTime<Utc>> = passes.into_iter().collect();
        assert!(instants.is_subset(&passes), "account {}: a snapshot outside any finished pass", account.id);
        let mut seen = HashSet::new();
        for snapshot in &snapshots {
            assert!(seen.insert((snapshot.video_row_id, snapshot.taken_at)), "duplicate snapshot");
        }
    }
    let flagged = tiktok_account::Entity::find()
        .filter(tiktok_account::Column::Status.ne(status::ACTIVE))
        .all(&ground.services.db)
        .await
        .expect("accounts");
    assert!(flagged.is_empty(), "0 accounts de-authorised: {flagged:?}");
    let failing = domain::jobs::failing(&ground.services.db, 100).await.expect("jobs");
    assert!(failing.is_empty(), "0 jobs failing: {failing:#?}");
    let grants =
        ground.control(reqwest::Method::GET, "/state").await["grants"].as_array().map_or(0, Vec::len);
    assert_eq!(grants, CREATORS, "one live grant per account at TikTok");
    drop(workers); // before the database goes
    drop(ground);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_share_one_database_on_sqlite() {
    two_workers_share_one_database(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_share_one_database_on_postgres() {
    let Some(db) = TestDb::postgres().await else { return };
    two_workers_share_one_database(db).await;
}
