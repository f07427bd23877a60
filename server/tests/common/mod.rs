//! What the multi-process tests share: the server binary as child processes (killed when
//! dropped), the TikTok sandbox on its own origin, and this test's own Soco services on the
//! test database, configured like the processes.
#![allow(dead_code)] // each test file uses its own part of this

use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::time::Duration as StdDuration;

use chrono::Utc;
use domain::auth::RequestMeta;
use domain::entities::{
    job, tiktok_account, tiktok_account_total, tiktok_video, tiktok_video_snapshot, user,
};
use domain::sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use domain::services::Services;
use domain::testing::TestDb;
use domain::tiktok::connections;
use secrecy::SecretString;

pub const SERVER: &str = env!("CARGO_BIN_EXE_server");

/// A child process killed (SIGKILL) when dropped, so a failing test leaves nothing running.
pub struct Process(pub Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("a port").local_addr().expect("address").port()
}

/// The environment every Soco process of one test shares: database, keys, TikTok on the
/// sandbox's origin, nothing recurring by itself (the test says when jobs are due).
pub fn soco_env(
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

pub fn spawn(args: &[&str], env: &[(String, String)]) -> Process {
    let mut command = Command::new(SERVER);
    command.args(args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::inherit());
    // Only what the test sets: no SOCO_* of the machine leaks in.
    for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("SOCO_")) {
        command.env_remove(key);
    }
    command.envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    Process(command.spawn().expect("start the server binary"))
}

pub async fn wait_until_up(client: &reqwest::Client, url: &str) {
    for _ in 0..200 {
        if client.get(url).send().await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    panic!("{url} never answered");
}

pub struct Ground {
    /// Kept for its lifetime: dropping it drops the test database.
    _db: TestDb,
    pub services: Services,
    pub sandbox: String,
    pub env: Vec<(String, String)>,
    pub client: reqwest::Client,
    _sandbox_process: Process,
    pub data: tempfile::TempDir,
}

/// The sandbox on its own origin with `creators` creators and the `sandbox` settings (as
/// `SOCO_SANDBOX_*` variables), and this test's own Soco services on `db`, pointed at it, with
/// `soco` settings over [`soco_env`]'s.
pub async fn ground(db: TestDb, creators: usize, sandbox: &[(&str, &str)], soco: &[(&str, &str)]) -> Ground {
    let data = tempfile::tempdir().expect("folder");
    let settings = sandbox;
    let sandbox = format!("http://127.0.0.1:{}", free_port());
    let keys = domain::keyring::KeyRing::generate("k1").expect("key");
    let key_text = format!("k1:{}", hex::encode(keys.active().bytes()));
    let mut env = soco_env(
        &db.config.url,
        &key_text,
        &format!("http://127.0.0.1:{}", free_port()),
        &sandbox,
        data.path(),
    );
    for (key, value) in soco {
        env.retain(|(k, _)| k != key);
        env.push(((*key).to_owned(), (*value).to_owned()));
    }
    let mut sandbox_env = env.clone();
    sandbox_env.push(("SOCO_SANDBOX_CREATORS".into(), creators.to_string()));
    sandbox_env.push(("SOCO_SANDBOX_DISPLAY_RATE".into(), "100000".into()));
    sandbox_env.extend(settings.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    let address = sandbox.trim_start_matches("http://").to_owned();
    let sandbox_process = spawn(&["sandbox", "--addr", &address], &sandbox_env);
    let client =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    wait_until_up(&client, &format!("{sandbox}/control/state")).await;

    let vars: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let config = domain::config::Config::from_map(&vars.iter().copied().collect()).expect("config");
    let services = Services::start_on(db.db.clone(), config).await.expect("services");
    Ground { _db: db, services, sandbox, env, client, _sandbox_process: sandbox_process, data }
}

impl Ground {
    pub async fn control(&self, method: reqwest::Method, path: &str) -> serde_json::Value {
        self.control_with(method, path, &serde_json::json!({})).await
    }

    /// A control API call with a JSON body.
    pub async fn control_with(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &serde_json::Value,
    ) -> serde_json::Value {
        let reply = self
            .client
            .request(method, format!("{}/control{path}", self.sandbox))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("control API");
        assert!(reply.status().is_success(), "{path}: {}", reply.status());
        serde_json::from_str(&reply.text().await.expect("body")).unwrap_or_default()
    }

    /// Connects sandbox creator `creator` for `user` through the consent page, as a browser would.
    pub async fn connect(&self, user: &user::Model, creator: &str) -> tiktok_account::Model {
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

    pub async fn user(&self) -> user::Model {
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
    pub async fn settled(&self, since: chrono::DateTime<Utc>) {
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

impl Ground {
    /// The open ids of the sandbox's creators.
    pub async fn creators(&self) -> Vec<String> {
        let state = self.control(reqwest::Method::GET, "/state").await;
        state["creators"]
            .as_array()
            .expect("creators")
            .iter()
            .map(|c| c["open_id"].as_str().expect("open_id").to_owned())
            .collect()
    }

    /// The finished passes of `account` (the instants of its totals).
    pub async fn passes(&self, account: i64) -> Vec<tiktok_account_total::Model> {
        tiktok_account_total::Entity::find()
            .filter(tiktok_account_total::Column::AccountId.eq(account))
            .all(&self.services.db)
            .await
            .expect("totals")
    }

    /// Checks `account`'s history: no video stored twice, no snapshot doubled, none outside a
    /// finished pass (unless `abandoned`: a pass cut short when the grant was lost keeps the
    /// pages it read), and (when `full`, every pass reading every video) none lost: each pass
    /// holds one snapshot of every video it counted. Returns the number of passes.
    pub async fn check_history(&self, account: i64, full: bool, abandoned: bool) -> usize {
        let passes = self.passes(account).await;
        let videos = tiktok_video::Entity::find()
            .filter(tiktok_video::Column::AccountId.eq(account))
            .all(&self.services.db)
            .await
            .expect("videos");
        let distinct: HashSet<&str> = videos.iter().map(|v| v.video_id.as_str()).collect();
        assert_eq!(distinct.len(), videos.len(), "account {account}: a video stored twice");
        let ids: Vec<i64> = videos.iter().map(|v| v.id).collect();
        let snapshots = tiktok_video_snapshot::Entity::find()
            .filter(tiktok_video_snapshot::Column::VideoRowId.is_in(ids))
            .all(&self.services.db)
            .await
            .expect("snapshots");
        let mut seen = HashSet::new();
        for snapshot in &snapshots {
            assert!(
                seen.insert((snapshot.video_row_id, snapshot.taken_at)),
                "account {account}: snapshot doubled"
            );
        }
        let instants: HashSet<chrono::DateTime<Utc>> = passes.iter().map(|p| p.taken_at).collect();
        assert!(
            abandoned || snapshots.iter().all(|s| instants.contains(&s.taken_at)),
            "account {account}: a snapshot outside any finished pass"
        );
        if full {
            for pass in &passes {
                let held = snapshots.iter().filter(|s| s.taken_at == pass.taken_at).count();
                assert_eq!(
                    i64::try_from(held).expect("count"),
                    pass.videos,
                    "account {account}: pass at {} lost snapshots",
                    pass.taken_at
                );
            }
        }
        passes.len()
    }
}
