//! What the benchmarks share: the real router served by Soco's own listener on a loopback port
//! (SQLite in a temporary folder), users registered and signed in the way a browser does, and
//! sandbox creators connected through the consent page.

#![allow(dead_code)] // Each benchmark uses its own part of this.

use std::collections::HashMap;

use app::ssr::AppState;
use domain::entities::user;
use domain::sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use leptos::config::LeptosOptions;
use secrecy::SecretString;
use server_fn::ServerFn;

pub const PASSWORD: &str = "kopi susu gula aren tiga";

/// A running Soco: its services, its origin and a client that does not follow redirects.
pub struct Site {
    pub services: domain::services::Services,
    pub origin: String,
    pub http: reqwest::Client,
    pub sandbox: Option<sandbox::Sandbox>,
    _folders: (tempfile::TempDir, tempfile::TempDir),
}

impl Site {
    /// Serves Soco with `vars` on top of a temporary data folder and this origin; with the
    /// sandbox mounted when `sandbox` makes one (it gets the origin).
    pub async fn start(
        vars: &[(&str, &str)],
        sandbox: Option<&dyn Fn(&str) -> sandbox::SandboxConfig>,
    ) -> Site {
        Self::serving(vars, sandbox, None).await
    }

    /// [`Site::start`], serving the built site in `site_root` (`cargo xtask site`: hashed names
    /// from its `hash.txt`) when given, so a browser can load and hydrate the pages.
    pub async fn serving(
        vars: &[(&str, &str)],
        sandbox: Option<&dyn Fn(&str) -> sandbox::SandboxConfig>,
        site_root: Option<&std::path::Path>,
    ) -> Site {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let origin = format!("http://{}", listener.local_addr().expect("address"));
        let data = tempfile::tempdir().expect("temporary folder");
        let data_dir = data.path().to_string_lossy().to_string();
        let mut all = HashMap::from([
            ("SOCO_DATA_DIR", data_dir.as_str()),
            ("SOCO_PUBLIC_URL", origin.as_str()),
            ("SOCO_LOG", "warn"),
        ]);
        all.extend(vars.iter().copied());
        let config = domain::config::Config::from_map(&all).expect("configuration");
        let header_read_timeout = config.header_read_timeout;
        let services = domain::services::Services::start(config).await.expect("services");
        let sandbox = sandbox.map(|make| sandbox::Sandbox::new(make(&origin)));
        let site = tempfile::tempdir().expect("site folder");
        let leptos_options = match site_root {
            Some(root) => built_site_options(root),
            None => site_options(site.path()),
        };
        let state = AppState { leptos_options, services: services.clone() };
        let router = server::router::build(state, sandbox.clone()).expect("router");
        tokio::spawn(server::listen::serve(listener, router, header_read_timeout, std::future::pending()));
        let http =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        Site { services, origin, http, sandbox, _folders: (data, site) }
    }

    /// The page benchmarks' world: Soco with the sandbox (one creator, 300 videos over 90 days)
    /// and generous rate limits, serving `site_root` when given; `email` registered and signed
    /// in, its creator connected and fully synced. The site, the session cookie and the account.
    pub async fn with_synced_creator(
        email: &str,
        site_root: Option<&std::path::Path>,
    ) -> (Site, String, i64) {
        let make_sandbox = |origin: &str| {
            let mut config = sandbox::SandboxConfig::for_public_url(origin);
            config.scale.creators = 1;
            config.scale.videos_per_creator = 300;
            config.scale.history_days = 90;
            config
        };
        let site = Site::serving(
            &[("SOCO_TIKTOK_REQUESTS_PER_MINUTE", "100000"), ("SOCO_AUTH_BURST", "100000")],
            Some(&make_sandbox),
            site_root,
        )
        .await;
        let user = site.verified_user(email).await;
        let cookie = site.sign_in(email).await;
        let creator = site.sandbox.as_ref().expect("sandbox").world.creators.all[0].open_id.clone();
        let account = site.connect(&user, &creator, chrono::Utc::now()).await;
        site.sync_until_backfilled(1).await;
        (site, cookie, account)
    }

    /// Registers `email` (its mail sent) and marks the address verified.
    pub async fn verified_user(&self, email: &str) -> user::Model {
        let meta = meta();
        domain::users::register(&self.services, registration(email), &meta, chrono::Utc::now())
            .await
            .expect("register");
        self.services.settle().await;
        let user = user::Entity::find()
            .filter(user::Column::Email.eq(email))
            .one(&self.services.db)
            .await
            .expect("db")
            .expect("registered");
        let mut verified = user.into_active_model();
        verified.email_verified_at = Set(Some(chrono::Utc::now()));
        verified.update(&self.services.db).await.expect("verify")
    }

    /// Signs in over HTTP as a browser without JavaScript; the session cookie (`name=value`).
    pub async fn sign_in(&self, email: &str) -> String {
        let login = self
            .http
            .post(format!("{}{}", self.origin, app::api::auth::Login::PATH))
            .header("accept", "text/html")
            .header("origin", &self.origin)
            .form(&[("email", email), ("password", PASSWORD)])
            .send()
            .await
            .expect("login");
        let cookie = login.headers().get("set-cookie").expect("signed in").to_str().expect("ascii");
        cookie.split(';').next().expect("pair").to_owned()
    }

    /// Runs due jobs until `accounts` accounts have finished their first full sync.
    pub async fn sync_until_backfilled(&self, accounts: u64) {
        use domain::entities::tiktok_account;
        use domain::sea_orm::PaginatorTrait;
        loop {
            domain::tiktok::sync::run_due(&self.services, "bench", chrono::Utc::now).await.expect("sync");
            let done = tiktok_account::Entity::find()
                .filter(tiktok_account::Column::BackfillDone.eq(true))
                .count(&self.services.db)
                .await
                .expect("count");
            if done >= accounts {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Connects the sandbox creator `open_id` to `user` through the consent page, every scope
    /// granted; the new account's id. `now` is the time on Soco's side.
    pub async fn connect(
        &self,
        user: &user::Model,
        open_id: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> i64 {
        let session = SecretString::from("bench");
        let url =
            domain::tiktok::connections::start(&self.services, user, &session, now).await.expect("start");
        let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        form.push(("open_id".into(), open_id.to_owned()));
        form.push(("decision".into(), "approve".into()));
        for scope in ["user.info.basic", "user.info.profile", "user.info.stats", "video.list"] {
            form.push(("granted".into(), scope.into()));
        }
        let reply = self.http.post(url.as_str()).form(&form).send().await.expect("consent");
        let location = reply.headers()["location"].to_str().expect("redirect").to_owned();
        let query = reqwest::Url::parse(&location).expect("url").query().unwrap_or_default().to_owned();
        domain::tiktok::connections::complete(&self.services, user, &session, &query, &meta(), now)
            .await
            .unwrap_or_else(|e| panic!("connect {open_id}: {e}"))
            .id
    }
}

/// Leptos' settings for a site in `folder` (empty: the benchmarks fetch pages, not assets).
pub fn site_options(folder: &std::path::Path) -> LeptosOptions {
    LeptosOptions::builder().output_name("soco").site_root(folder.to_string_lossy().to_string()).build()
}

/// Leptos' settings for the built site in `root`, with its hashed file names.
pub fn built_site_options(root: &std::path::Path) -> LeptosOptions {
    let hash_file = root.join("hash.txt");
    assert!(hash_file.exists(), "{} is missing: build the site first (make site)", hash_file.display());
    let mut options = site_options(root);
    options.hash_file = hash_file.to_string_lossy().into_owned().into();
    options.hash_files = true;
    options
}

pub fn meta() -> domain::auth::RequestMeta {
    domain::auth::RequestMeta::new("127.0.0.1".parse().expect("ip"), "bench")
}

pub fn registration(email: &str) -> domain::users::Registration {
    domain::users::Registration {
        email: email.to_owned(),
        display_name: "Bench User".into(),
        password: PASSWORD.to_owned().into(),
        adult: true,
        accept_terms: true,
        locale: "en".into(),
        time_zone: "Asia/Jakarta".into(),
    }
}

/// The `q` quantile of sorted `values`.
pub fn quantile<T: Copy>(sorted: &[T], q: f64) -> T {
    sorted[((sorted.len() as f64 - 1.0) * q).round() as usize]
}
