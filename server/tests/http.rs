//! HTTP-level tests: the real router, in-process, on a throwaway SQLite database.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use app::ssr::AppState;
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use domain::config::Config;
use domain::testing::TestDb;
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use server_fn::ServerFn;
use tower::ServiceExt;

struct TestApp {
    router: Router,
    db: TestDb,
    _site: tempfile::TempDir,
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl TestApp {
    async fn new() -> Self {
        Self::with_vars(&[]).await
    }

    async fn with_vars(vars: &[(&str, &str)]) -> Self {
        let db = TestDb::sqlite().await;
        let site = tempfile::tempdir().expect("site folder");
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("../public"),
            site.path(),
        );
        // What cargo-leptos would have built (unhashed names, as in a debug build).
        std::fs::create_dir_all(site.path().join("pkg")).expect("pkg");
        std::fs::create_dir_all(site.path().join("vendor")).expect("vendor");
        for (file, content) in [
            ("pkg/soco.js", "export default function init() {}"),
            ("pkg/soco.wasm", "\0asm"),
            ("pkg/soco.css", "body{}"),
            (
                &app::components::chart::echarts_url()[1..],
                "window.echarts = {};",
            ),
        ] {
            std::fs::write(site.path().join(file), content).expect("write asset");
        }
        let options = LeptosOptions::builder()
            .output_name("soco")
            .site_root(site.path().to_string_lossy().to_string())
            .build();
        let config =
            Config::from_map(&vars.iter().copied().collect::<HashMap<_, _>>()).expect("config");
        let state = AppState {
            leptos_options: options,
            db: db.db.clone(),
            config: Arc::new(config),
        };
        let router = server::router::build(state).expect("router");
        Self {
            router,
            db,
            _site: site,
        }
    }

    async fn get(&self, path: &str) -> Reply {
        self.request(Request::get(path).body(Body::empty()).expect("request"))
            .await
    }

    async fn request(&self, request: Request<Body>) -> Reply {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
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

fn header(reply: &Reply, name: header::HeaderName) -> &str {
    reply
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn healthz_reports_ok_when_the_database_answers() {
    let app = TestApp::new().await;
    let reply = app.get("/healthz").await;
    assert_eq!(reply.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&reply.body).expect("json");
    assert_eq!(json["status"], "ok");
    assert_eq!(json["database"], "ok");
    assert_eq!(header(&reply, header::CACHE_CONTROL), "no-store");
}

#[tokio::test]
async fn healthz_reports_503_when_the_database_is_gone() {
    let app = TestApp::new().await;
    app.db.db.clone().close().await.expect("close pool");
    let reply = app.get("/healthz").await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    let json: serde_json::Value = serde_json::from_str(&reply.body).expect("json");
    assert_eq!(json["status"], "unavailable");
    assert!(
        !reply.body.contains("pool"),
        "no internal detail leaks: {}",
        reply.body
    );
}

#[tokio::test]
async fn the_shell_is_server_rendered_with_navigation_and_hydration() {
    let app = TestApp::new().await;
    let reply = app.get("/").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(header(&reply, header::CONTENT_TYPE).starts_with("text/html"));
    let html = &reply.body;
    assert!(html.contains(r#"<html lang="en""#), "{html}");
    assert!(html.contains("<title>Dashboard · Soco</title>"), "{html}");
    assert!(html.contains(r#"aria-label="Main""#));
    for href in ["/accounts", "/shop", "/schedule", "/privacy", "/settings"] {
        assert!(
            html.contains(&format!(r#"href="{href}""#)),
            "link to {href}"
        );
    }
    assert!(html.contains("/pkg/soco.js"), "hydration script");
    assert!(html.contains(r#"href="/manifest.webmanifest""#));
    assert_eq!(header(&reply, header::CACHE_CONTROL), "no-store");
    assert_eq!(reply.headers["x-content-type-options"], "nosniff");
    assert_eq!(reply.headers["x-frame-options"], "DENY");
    assert_eq!(
        reply.headers["referrer-policy"],
        "strict-origin-when-cross-origin"
    );
}

#[tokio::test]
async fn the_language_follows_accept_language() {
    let app = TestApp::new().await;
    let request = Request::get("/")
        .header(header::ACCEPT_LANGUAGE, "id-ID,id;q=0.9,en;q=0.8")
        .body(Body::empty())
        .expect("request");
    let reply = app.request(request).await;
    assert!(reply.body.contains(r#"<html lang="id""#));
    assert!(reply.body.contains("Dasbor"));
}

#[tokio::test]
async fn unknown_paths_get_a_real_404_page() {
    let app = TestApp::new().await;
    for path in ["/no-such-page", "/accounts/42/nothing", "/pkg/missing.js"] {
        let reply = app.get(path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            reply.body.contains("Page not found"),
            "{path}: {}",
            reply.body
        );
    }
}

#[tokio::test]
async fn settings_renders_the_database_status_with_its_table() {
    let app = TestApp::new().await;
    let reply = app.get("/settings").await;
    assert_eq!(reply.status, StatusCode::OK);
    let html = &reply.body;
    assert!(html.contains("SQLite"));
    assert!(html.contains("Up to date"));
    assert!(
        html.contains("Rows per table (Data table)"),
        "chart table caption"
    );
    assert!(html.contains(r#"<th scope="row">users</th>"#), "{html}");
    assert!(html.contains(r#"id="table-sizes-chart""#));
    assert!(html.contains("m20261122_000001_create_users"));
}

#[tokio::test]
async fn the_status_server_function_answers_get() {
    let app = TestApp::new().await;
    let reply = app.get(app::api::system::GetDatabaseStatus::PATH).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let json: serde_json::Value = serde_json::from_str(&reply.body).expect("json");
    assert_eq!(json["backend"], "SQLite");
    assert!(
        json["tables"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t["table"] == "users"))
    );
}

#[tokio::test]
async fn the_offline_page_is_plain_html() {
    let app = TestApp::new().await;
    let reply = app.get("/offline").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("You are offline"));
    assert!(
        !reply.body.contains("/pkg/soco.js"),
        "must not hydrate under another URL"
    );
    assert!(reply.body.contains("/pkg/soco.css"), "but is styled");
}

#[tokio::test]
async fn the_service_worker_precaches_this_build() {
    let app = TestApp::new().await;
    let reply = app.get("/sw.js").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(header(&reply, header::CONTENT_TYPE).starts_with("text/javascript"));
    assert_eq!(header(&reply, header::CACHE_CONTROL), "no-cache");
    let script = &reply.body;
    assert!(
        !script.contains("__SOCO_"),
        "every placeholder is filled: {script}"
    );
    for url in [
        "/pkg/soco.js",
        "/pkg/soco.wasm",
        "/pkg/soco.css",
        "/vendor/echarts-5.5.1.min.js",
        "/manifest.webmanifest",
        "/icons/icon-192.png",
        "/icons/icon-maskable-512.png",
    ] {
        assert!(script.contains(&format!("\"{url}\"")), "{url} precached");
    }
    assert!(script.contains(r#"const OFFLINE_URL = "/offline";"#));
}

#[tokio::test]
async fn static_files_are_served_with_their_types_and_cache_rules() {
    let app = TestApp::new().await;
    let manifest = app.get("/manifest.webmanifest").await;
    assert_eq!(manifest.status, StatusCode::OK);
    assert_eq!(
        header(&manifest, header::CONTENT_TYPE),
        "application/manifest+json"
    );
    assert_eq!(
        header(&manifest, header::CACHE_CONTROL),
        "public, max-age=3600"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&manifest.body).expect("manifest is JSON");
    assert_eq!(manifest["display"], "standalone");

    let vendor = app.get("/vendor/echarts-5.5.1.min.js").await;
    assert_eq!(vendor.status, StatusCode::OK);
    assert_eq!(
        header(&vendor, header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );

    let wasm = app.get("/pkg/soco.wasm").await;
    assert_eq!(
        header(&wasm, header::CACHE_CONTROL),
        "no-cache",
        "unhashed names revalidate"
    );
}

#[tokio::test]
async fn pages_are_compressed_when_the_browser_accepts_it() {
    let app = TestApp::new().await;
    let request = Request::get("/settings")
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .body(Body::empty())
        .expect("request");
    let response = app.router.clone().oneshot(request).await.expect("response");
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
}

#[tokio::test]
async fn the_sandbox_is_mounted_only_in_sandbox_mode() {
    let sandbox = TestApp::new().await;
    assert_eq!(sandbox.get("/sandbox/healthz").await.status, StatusCode::OK);
    let production = TestApp::with_vars(&[("SOCO_TIKTOK_MODE", "production")]).await;
    assert_eq!(
        production.get("/sandbox/healthz").await.status,
        StatusCode::NOT_FOUND
    );
}
