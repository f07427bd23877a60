//! The HTTP tests' harness: a [`TestApp`] (the real router, in-process, on a throwaway SQLite
//! or PostgreSQL database, with the sandbox mounted and Soco's clock in the test's hands), its requests and replies, and
//! `on_both_databases!`, which runs each test body on both databases. Builders of what tests
//! start from (a signed-in user, a TikTok account with history) are in [`build`].

use std::collections::HashMap;
use std::path::Path;

use app::ssr::AppState;
use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use domain::config::Config;
use domain::services::Services;
use domain::testing::TestDb;
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use tower::ServiceExt;

pub(crate) mod build;

/// Leptos rendering can stall when two tokio runtimes in one process render at the same time
/// (each `#[tokio::test]` has its own; the server has one). The tests take turns.
pub(crate) static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The database a test runs on.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
}

/// Whether PostgreSQL tests can run (required under CI, as [`TestDb::postgres`] says).
pub(crate) fn postgres_configured() -> bool {
    let set = std::env::var(domain::testing::POSTGRES_VAR).is_ok_and(|v| !v.is_empty());
    assert!(set || std::env::var("CI").as_deref() != Ok("true"), "SOCO_TEST_POSTGRES_URL must be set in CI");
    if !set {
        eprintln!("skipped: set SOCO_TEST_POSTGRES_URL to run this test on PostgreSQL");
    }
    set
}

tokio::task_local! {
    pub(crate) static BACKEND: Backend;
}

/// Runs each named test body on both databases, as `<name>::on_sqlite` and `<name>::on_postgres`.
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                crate::support::BACKEND.scope(crate::support::Backend::Sqlite, super::$name()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                if !crate::support::postgres_configured() {
                    return;
                }
                crate::support::BACKEND.scope(crate::support::Backend::Postgres, super::$name()).await;
            }
        }
    )*};
}

pub(crate) struct TestApp {
    pub(crate) _turn: tokio::sync::MutexGuard<'static, ()>,
    pub(crate) router: Router,
    pub(crate) db: TestDb,
    pub(crate) services: Services,
    pub(crate) _site: tempfile::TempDir,
    pub(crate) _data: tempfile::TempDir,
}

pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

impl TestApp {
    pub(crate) async fn new() -> Self {
        Self::with_vars(&[]).await
    }

    /// Soco's clock: what requests, workers and housekeeping take as now. Move it forward
    /// with `advance` for time to pass on Soco's side.
    pub(crate) fn clock(&self) -> &domain::clock::Clock {
        &self.services.clock
    }

    pub(crate) async fn with_vars(vars: &[(&str, &str)]) -> Self {
        let turn = ONE_AT_A_TIME.lock().await;
        let db = match BACKEND.try_with(|backend| *backend).unwrap_or(Backend::Sqlite) {
            Backend::Sqlite => TestDb::sqlite().await,
            Backend::Postgres => TestDb::postgres().await.expect("checked by on_postgres"),
        };
        let data = tempfile::tempdir().expect("data folder");
        let site = tempfile::tempdir().expect("site folder");
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../public"), site.path());
        // What `cargo xtask site` would have built, with unhashed names.
        std::fs::create_dir_all(site.path().join("pkg")).expect("pkg");
        for (file, content) in [
            ("pkg/soco.js", "export default function init() {}"),
            ("pkg/soco.wasm", "\0asm"),
            ("pkg/soco.css", "body{}"),
            ("pkg/charts.js", "var echarts = {};"),
        ] {
            std::fs::write(site.path().join(file), content).expect("write asset");
        }
        let options = LeptosOptions::builder()
            .output_name("soco")
            .site_root(site.path().to_string_lossy().to_string())
            .build();
        let data_dir = data.path().to_string_lossy().to_string();
        let mut vars: HashMap<&str, &str> = vars.iter().copied().collect();
        vars.insert("SOCO_DATA_DIR", &data_dir);
        vars.entry("SOCO_AUTH_BURST").or_insert("1000");
        vars.entry("SOCO_AUTH_PER_MINUTE").or_insert("1000");
        let config = Config::from_map(&vars).expect("config");
        let services = Services::start_on(db.db.clone(), config).await.expect("services");
        let state = AppState { leptos_options: options, services: services.clone() };
        let sandbox =
            sandbox::Sandbox::new(sandbox::SandboxConfig::for_public_url(&services.config.public_origin()));
        let router = server::router::build(state, Some(sandbox)).expect("router");
        Self { _turn: turn, router, db, services, _site: site, _data: data }
    }

    /// How the status page names this test's database.
    pub(crate) fn backend_name(&self) -> &'static str {
        match self.db.db.get_database_backend() {
            domain::sea_orm::DatabaseBackend::Postgres => "PostgreSQL",
            _ => "SQLite",
        }
    }

    pub(crate) async fn get(&self, path: &str) -> Reply {
        self.request(Request::get(path).body(Body::empty()).expect("request")).await
    }

    /// GET with a session cookie.
    pub(crate) async fn get_as(&self, cookie: &str, path: &str) -> Reply {
        let request = Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).expect("request");
        self.request(request).await
    }

    /// A plain HTML form post (no JavaScript) from Soco's own page.
    pub(crate) async fn post_form(&self, path: &str, form: &str, cookie: Option<&str>) -> Reply {
        let mut request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html")
            .header(header::ORIGIN, "http://127.0.0.1:3000")
            .header(header::REFERER, "http://127.0.0.1:3000/login")
            .header("sec-fetch-site", "same-origin");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.request(request.body(Body::from(form.to_owned())).expect("request")).await
    }

    /// `request` as a browser on this machine sends it, unless the test says otherwise: addressed
    /// to Soco's public host, from a loopback peer.
    pub(crate) fn as_browser_sends(&self, mut request: Request<Body>) -> Request<Body> {
        if !request.headers().contains_key(header::HOST) {
            let url = &self.services.config.public_url;
            let host = match url.port() {
                Some(port) => format!("{}:{port}", url.host_str().expect("host")),
                None => url.host_str().expect("host").to_owned(),
            };
            request.headers_mut().insert(header::HOST, host.parse().expect("host header"));
        }
        if request.extensions().get::<ConnectInfo<SocketAddr>>().is_none() {
            request.extensions_mut().insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 50_000))));
        }
        request
    }

    pub(crate) async fn request(&self, request: Request<Body>) -> Reply {
        self.request_as_is(self.as_browser_sends(request)).await
    }

    /// Sends `request` without adding a `Host` header or a peer address.
    pub(crate) async fn request_as_is(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }
}

pub(crate) const PASSWORD: &str = "kopi susu gula aren tiga";

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read public/") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

pub(crate) fn header(reply: &Reply, name: header::HeaderName) -> &str {
    reply.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

/// A GET of `path` from `peer` (none: unknown) with extra headers.
pub(crate) fn get_from(path: &str, peer: Option<[u8; 4]>, headers: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut request = request.body(Body::empty()).expect("request");
    if let Some(peer) = peer {
        request.extensions_mut().insert(ConnectInfo(SocketAddr::from((peer, 40_000))));
    }
    request
}
