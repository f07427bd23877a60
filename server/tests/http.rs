//! HTTP-level tests: the real router, in-process, on a throwaway database. Every test runs twice,
//! on SQLite and on PostgreSQL (`<test>::on_sqlite`, `<test>::on_postgres`; the latter is skipped
//! outside CI when `SOCO_TEST_POSTGRES_URL` is unset).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use app::ssr::AppState;
use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use domain::config::Config;
use domain::services::Services;
use domain::testing::TestDb;
use domain::tiktok::Scope;
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use server_fn::ServerFn;
use tower::ServiceExt;

/// Leptos rendering can stall when two tokio runtimes in one process render at the same time
/// (each `#[tokio::test]` has its own; the server has one). The tests take turns.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The database a test runs on.
#[derive(Debug, Clone, Copy)]
enum Backend {
    Sqlite,
    Postgres,
}

/// Whether PostgreSQL tests can run (required under CI, as [`TestDb::postgres`] says).
fn postgres_configured() -> bool {
    let set = std::env::var(domain::testing::POSTGRES_VAR).is_ok_and(|v| !v.is_empty());
    assert!(set || std::env::var("CI").as_deref() != Ok("true"), "SOCO_TEST_POSTGRES_URL must be set in CI");
    if !set {
        eprintln!("skipped: set SOCO_TEST_POSTGRES_URL to run this test on PostgreSQL");
    }
    set
}

tokio::task_local! {
    static BACKEND: Backend;
}

/// Runs each named test body on both databases, as `<name>::on_sqlite` and `<name>::on_postgres`.
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                super::BACKEND.scope(super::Backend::Sqlite, super::$name()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                if !super::postgres_configured() {
                    return;
                }
                super::BACKEND.scope(super::Backend::Postgres, super::$name()).await;
            }
        }
    )*};
}

struct TestApp {
    _turn: tokio::sync::MutexGuard<'static, ()>,
    router: Router,
    db: TestDb,
    services: Services,
    _site: tempfile::TempDir,
    _data: tempfile::TempDir,
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
    fn backend_name(&self) -> &'static str {
        match self.db.db.get_database_backend() {
            domain::sea_orm::DatabaseBackend::Postgres => "PostgreSQL",
            _ => "SQLite",
        }
    }

    async fn get(&self, path: &str) -> Reply {
        self.request(Request::get(path).body(Body::empty()).expect("request")).await
    }

    /// GET with a session cookie.
    async fn get_as(&self, cookie: &str, path: &str) -> Reply {
        let request = Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).expect("request");
        self.request(request).await
    }

    /// A plain HTML form post (no JavaScript) from Soco's own page.
    async fn post_form(&self, path: &str, form: &str, cookie: Option<&str>) -> Reply {
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

    /// Registers an account directly and signs it in; returns the `Cookie` header value.
    async fn signed_in(&self, email: &str) -> String {
        let meta = domain::auth::RequestMeta::new("127.0.0.1".parse().expect("ip"), "test");
        let registration = domain::users::Registration {
            email: email.into(),
            display_name: "Ayu".into(),
            password: PASSWORD.to_owned().into(),
            adult: true,
            accept_terms: true,
            locale: "en".into(),
            time_zone: "UTC".into(),
        };
        domain::users::register(&self.services, registration, &meta, chrono::Utc::now())
            .await
            .expect("register");
        self.services.settle().await;
        match domain::users::login(
            &self.services,
            email,
            &PASSWORD.to_owned().into(),
            &meta,
            chrono::Utc::now(),
        )
        .await
        .expect("login")
        {
            domain::users::LoginOutcome::SignedIn(session) => {
                format!("soco_session={}", secrecy::ExposeSecret::expose_secret(&session.token))
            }
            domain::users::LoginOutcome::SecondFactorNeeded(_) => panic!("no 2FA expected"),
        }
    }

    /// `request` as a browser on this machine sends it, unless the test says otherwise: addressed
    /// to Soco's public host, from a loopback peer.
    fn as_browser_sends(&self, mut request: Request<Body>) -> Request<Body> {
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

    async fn request(&self, request: Request<Body>) -> Reply {
        self.request_as_is(self.as_browser_sends(request)).await
    }

    /// Sends `request` without adding a `Host` header or a peer address.
    async fn request_as_is(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }
}

const PASSWORD: &str = "kopi susu gula aren tiga";

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
    reply.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

async fn healthz_reports_ok_when_the_database_answers() {
    let app = TestApp::new().await;
    let reply = app.get("/healthz").await;
    assert_eq!(reply.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&reply.body).expect("json");
    assert_eq!(json["status"], "ok");
    assert_eq!(json["database"], "ok");
    assert_eq!(header(&reply, header::CACHE_CONTROL), "no-store");
}

async fn healthz_reports_503_when_the_database_is_gone() {
    let app = TestApp::new().await;
    app.db.db.clone().close().await.expect("close pool");
    let reply = app.get("/healthz").await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    let json: serde_json::Value = serde_json::from_str(&reply.body).expect("json");
    assert_eq!(json["status"], "unavailable");
    assert!(!reply.body.contains("pool"), "no internal detail leaks: {}", reply.body);
}

async fn the_shell_is_server_rendered_with_navigation_and_hydration() {
    let app = TestApp::new().await;
    let cookie = app.signed_in("ayu@example.id").await;
    let reply = app.get_as(&cookie, "/").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(header(&reply, header::CONTENT_TYPE).starts_with("text/html"));
    let html = &reply.body;
    assert!(html.contains(r#"<html lang="en""#), "{html}");
    assert!(html.contains("<title>Dashboard · Soco</title>"), "{html}");
    assert!(html.contains(r#"aria-label="Main""#));
    for href in ["/accounts", "/shop", "/schedule", "/privacy", "/settings"] {
        assert!(html.contains(&format!(r#"href="{href}""#)), "link to {href}");
    }
    assert!(html.contains("/pkg/soco.js"), "hydration script");
    assert!(html.contains(r#"href="/manifest.webmanifest""#));
    assert_eq!(header(&reply, header::CACHE_CONTROL), "no-store");
    assert_eq!(reply.headers["x-content-type-options"], "nosniff");
    assert_eq!(reply.headers["x-frame-options"], "DENY");
    assert_eq!(reply.headers["referrer-policy"], "strict-origin-when-cross-origin");
}

async fn the_language_follows_accept_language() {
    let app = TestApp::new().await;
    let request = Request::get("/login")
        .header(header::ACCEPT_LANGUAGE, "id-ID,id;q=0.9,en;q=0.8")
        .body(Body::empty())
        .expect("request");
    let reply = app.request(request).await;
    assert!(reply.body.contains(r#"<html lang="id""#));
    assert!(reply.body.contains("Masuk ke Soco"));
}

async fn unknown_paths_get_a_real_404_page() {
    let app = TestApp::new().await;
    for path in ["/no-such-page", "/nothing/42/here", "/pkg/missing.js"] {
        let reply = app.get(path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert!(reply.body.contains("Page not found"), "{path}: {}", reply.body);
    }
}

async fn settings_renders_the_database_status_with_its_table() {
    let app = TestApp::new().await;
    let cookie = app.signed_in("operator@example.id").await;
    let reply = app.get_as(&cookie, "/settings").await;
    assert_eq!(reply.status, StatusCode::OK);
    let html = &reply.body;
    assert!(html.contains(app.backend_name()), "the backend is named");
    assert!(html.contains("Up to date"));
    assert!(html.contains("Rows per table (Data table)"), "chart table caption");
    // (Type-erased views end a text node with a `<!>` marker: match the cell's start.)
    assert!(html.contains(r#"<th scope="row">users<"#), "{html}");
    assert!(html.contains(r#"id="table-sizes-chart""#));
    assert!(html.contains("m20261122_000001_create_users"));
}

async fn the_status_server_function_answers_get() {
    let app = TestApp::new().await;
    assert_eq!(
        app.get(app::api::system::GetDatabaseStatus::PATH).await.status,
        StatusCode::UNAUTHORIZED,
        "signed-out callers are refused"
    );
    let operator = app.signed_in("operator@example.id").await;
    let member = app.signed_in("member@example.id").await;
    let refused = app.get_as(&member, app::api::system::GetDatabaseStatus::PATH).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "members are refused: {}", refused.body);
    assert!(refused.body.contains("Forbidden"), "members are refused: {}", refused.body);
    let reply = app.get_as(&operator, app::api::system::GetDatabaseStatus::PATH).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let json: serde_json::Value = serde_json::from_str(&reply.body).expect("json");
    assert_eq!(json["backend"], app.backend_name());
    assert!(json["tables"].as_array().is_some_and(|t| t.iter().any(|t| t["table"] == "users")));
    assert_eq!(json["tables_chart"]["table"]["columns"][0], "Rows", "the chart comes drawn, in English");

    // In the operator's language, however the function is reached (the locale is read before
    // the function's first await, after which its request context is gone).
    {
        use domain::entities::user;
        use domain::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        user::Entity::update_many()
            .col_expr(user::Column::Locale, Expr::value("id"))
            .filter(user::Column::Email.eq("operator@example.id"))
            .exec(&app.services.db)
            .await
            .expect("locale");
    }
    let reply = app.get_as(&operator, app::api::system::GetDatabaseStatus::PATH).await;
    let json: serde_json::Value = serde_json::from_str(&reply.body).expect("json");
    assert_eq!(json["tables_chart"]["table"]["columns"][0], "Baris", "{}", json["tables_chart"]);
    let option: serde_json::Value =
        serde_json::from_str(json["tables_chart"]["option"].as_str().expect("option text")).expect("option");
    assert_eq!(option["series"][0]["name"], "Baris");
    let page = app.get_as(&operator, "/settings").await;
    assert!(page.body.contains(r#"<th scope="col">Baris<"#), "the page's chart table: {}", page.body);
}

async fn the_offline_page_is_plain_html() {
    let app = TestApp::new().await;
    let reply = app.get("/offline").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("You are offline"));
    assert!(!reply.body.contains("/pkg/soco.js"), "must not hydrate under another URL");
    assert!(reply.body.contains("/pkg/soco.css"), "but is styled");
}

async fn the_service_worker_precaches_this_build() {
    let app = TestApp::new().await;
    let reply = app.get("/sw.js").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(header(&reply, header::CONTENT_TYPE).starts_with("text/javascript"));
    assert_eq!(header(&reply, header::CACHE_CONTROL), "no-cache");
    let script = &reply.body;
    assert!(!script.contains("__SOCO_"), "every placeholder is filled: {script}");
    for url in [
        "/pkg/soco.js",
        "/pkg/soco.wasm",
        "/pkg/soco.css",
        "/manifest.webmanifest",
        "/icons/icon-192.png",
        "/icons/icon-maskable-512.png",
    ] {
        assert!(script.contains(&format!("\"{url}\"")), "{url} precached");
    }
    assert!(!script.contains("/pkg/charts"), "only pages with a chart fetch the charts bundle");
    assert!(script.contains(r#"const OFFLINE_URL = "/offline";"#));
}

async fn static_files_are_served_with_their_types_and_cache_rules() {
    let app = TestApp::new().await;
    let manifest = app.get("/manifest.webmanifest").await;
    assert_eq!(manifest.status, StatusCode::OK);
    assert_eq!(header(&manifest, header::CONTENT_TYPE), "application/manifest+json");
    assert_eq!(header(&manifest, header::CACHE_CONTROL), "public, max-age=3600");
    let manifest: serde_json::Value = serde_json::from_str(&manifest.body).expect("manifest is JSON");
    assert_eq!(manifest["display"], "standalone");

    let charts = app.get("/pkg/charts.js").await;
    assert_eq!(charts.status, StatusCode::OK);
    assert!(header(&charts, header::CONTENT_TYPE).starts_with("text/javascript"));

    let wasm = app.get("/pkg/soco.wasm").await;
    assert_eq!(header(&wasm, header::CACHE_CONTROL), "no-cache", "unhashed names revalidate");
}

async fn pages_are_compressed_when_the_browser_accepts_it() {
    let app = TestApp::new().await;
    let request = Request::get("/login")
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .body(Body::empty())
        .expect("request");
    let response = app.router.clone().oneshot(app.as_browser_sends(request)).await.expect("response");
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
}

async fn the_sandbox_is_mounted_only_in_sandbox_mode() {
    let sandbox = TestApp::new().await;
    assert_eq!(sandbox.get("/sandbox/healthz").await.status, StatusCode::OK);
    drop(sandbox);
    let production = TestApp::with_vars(&[
        ("SOCO_TIKTOK_MODE", "production"),
        ("SOCO_TIKTOK_CLIENT_KEY", "aw_key"),
        ("SOCO_TIKTOK_CLIENT_SECRET", "aw_secret"),
    ])
    .await;
    assert_eq!(production.get("/sandbox/healthz").await.status, StatusCode::NOT_FOUND);
    assert_eq!(production.services.config.tiktok_endpoints().open_api, "https://open.tiktokapis.com");
}

async fn signed_out_visitors_are_sent_to_the_login_page() {
    let app = TestApp::new().await;
    let reply = app.get("/settings").await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(header(&reply, header::LOCATION), "/login?next=/settings");
}

async fn pages_carry_a_nonce_based_content_security_policy() {
    let app = TestApp::new().await;
    let reply = app.get("/login").await;
    let csp = header(&reply, header::CONTENT_SECURITY_POLICY).to_owned();
    let nonce =
        csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce").to_owned();
    assert!(nonce.len() >= 16, "{csp}");
    assert!(reply.body.contains(&format!(r#"nonce="{nonce}""#)), "the inline script carries the nonce");
    for directive in ["'wasm-unsafe-eval'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"]
    {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    let other = app.get("/login").await;
    assert_ne!(header(&other, header::CONTENT_SECURITY_POLICY), csp, "a fresh nonce per response");
}

async fn a_cross_site_post_to_a_server_function_is_refused() {
    let app = TestApp::new().await;
    let request = Request::post(app::api::auth::Logout::PATH)
        .header(header::ORIGIN, "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .body(Body::empty())
        .expect("request");
    assert_eq!(app.request(request).await.status, StatusCode::FORBIDDEN);
}

async fn login_sets_a_safe_cookie_that_changes_each_login_and_dies_at_logout() {
    let app = TestApp::new().await;
    app.signed_in("ayu@example.id").await;
    let form = format!("email=ayu%40example.id&password={}", PASSWORD.replace(' ', "+"));
    let first = app.post_form(app::api::auth::Login::PATH, &form, None).await;
    assert_eq!(first.status, StatusCode::FOUND, "{}", first.body);
    assert_eq!(header(&first, header::LOCATION), "/");
    let set_cookie = header(&first, header::SET_COOKIE).to_owned();
    assert!(set_cookie.starts_with("soco_session="), "{set_cookie}");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age="] {
        assert!(set_cookie.contains(flag), "{flag} in {set_cookie}");
    }
    let cookie = set_cookie.split(';').next().expect("pair").to_owned();
    let second = app.post_form(app::api::auth::Login::PATH, &form, None).await;
    let second_cookie = header(&second, header::SET_COOKIE).split(';').next().expect("pair").to_owned();
    assert_ne!(cookie, second_cookie, "a new session id at every login");

    assert_eq!(app.get_as(&cookie, "/account").await.status, StatusCode::OK);
    let logout = app.post_form(app::api::auth::Logout::PATH, "", Some(&cookie)).await;
    assert_eq!(logout.status, StatusCode::FOUND);
    assert!(header(&logout, header::SET_COOKIE).contains("Max-Age=0"));
    let after = app.get_as(&cookie, "/account").await;
    assert_eq!(after.status, StatusCode::FOUND, "the logged-out cookie is refused");
    assert_eq!(app.get_as(&second_cookie, "/account").await.status, StatusCode::OK, "other sessions live on");
}

async fn under_https_the_cookie_is_secure_and_host_prefixed_and_hsts_is_sent() {
    let app = TestApp::with_vars(&[("SOCO_PUBLIC_URL", "https://soco.example.id")]).await;
    app.signed_in("ayu@example.id").await;
    let form = format!("email=ayu%40example.id&password={}", PASSWORD.replace(' ', "+"));
    let request = Request::post(app::api::auth::Login::PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
        .header(header::ORIGIN, "https://soco.example.id")
        .header(header::REFERER, "https://soco.example.id/login")
        .body(Body::from(form))
        .expect("request");
    let reply = app.request(request).await;
    let set_cookie = header(&reply, header::SET_COOKIE);
    assert!(set_cookie.starts_with("__Host-soco_session="), "{set_cookie}");
    assert!(set_cookie.contains("; Secure"), "{set_cookie}");
    assert!(header(&reply, header::STRICT_TRANSPORT_SECURITY).starts_with("max-age="));
}

async fn known_and_unknown_emails_get_byte_identical_answers() {
    let app = TestApp::new().await;
    app.signed_in("ayu@example.id").await;
    let strip = |reply: Reply| (reply.status, header(&reply, header::LOCATION).to_owned(), reply.body);
    for (path, known, unknown) in [
        (
            app::api::auth::Login::PATH,
            "email=ayu%40example.id&password=wrong+password+here",
            "email=nobody%40example.id&password=wrong+password+here",
        ),
        (app::api::auth::ForgotPassword::PATH, "email=ayu%40example.id", "email=nobody%40example.id"),
        (
            app::api::auth::Register::PATH,
            "email=ayu%40example.id&display_name=X&password=teh+manis+dingin+dua+gelas&adult=on&accept_terms=on",
            "email=new%40example.id&display_name=X&password=teh+manis+dingin+dua+gelas&adult=on&accept_terms=on",
        ),
    ] {
        let a = strip(app.post_form(path, known, None).await);
        let b = strip(app.post_form(path, unknown, None).await);
        assert_eq!(a, b, "{path}");
    }
}

/// A GET of `path` from `peer` (none: unknown) with extra headers.
fn get_from(path: &str, peer: Option<[u8; 4]>, headers: &[(&str, &str)]) -> Request<Body> {
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

async fn the_outbox_is_an_opt_in_for_programs_on_this_machine_only() {
    let list = app::api::outbox::ListOutbox::PATH;
    // Off unless asked for, even for this machine.
    let default = TestApp::new().await;
    default.signed_in("ayu@example.id").await;
    assert!(default.get(list).await.body.contains("NotFound"), "the outbox page is an opt-in");
    drop(default);

    let app = TestApp::with_vars(&[("SOCO_OUTBOX_PAGE", "on")]).await;
    app.signed_in("ayu@example.id").await;
    let local = app.get(list).await;
    assert_eq!(local.status, StatusCode::OK, "{}", local.body);
    // A reverse proxy on this machine (SOCO_TRUSTED_PROXIES unset): its peer address is
    // loopback, but it says whom it relays for.
    for forwarded in [
        ("x-forwarded-for", "203.0.113.9"),
        ("forwarded", "for=203.0.113.9;proto=https"),
        ("x-real-ip", "203.0.113.9"),
        ("via", "1.1 proxy"),
    ] {
        let relayed = app.request(get_from(list, Some([127, 0, 0, 1]), &[forwarded])).await;
        assert!(relayed.body.contains("NotFound"), "{forwarded:?}: {}", relayed.body);
    }
    let remote = app.request(get_from(list, Some([203, 0, 113, 7]), &[])).await;
    assert!(remote.body.contains("NotFound"), "a remote client sees nothing: {}", remote.body);
    // No peer address at all: fail closed (it used to count as 127.0.0.1).
    let unknown = app.request_as_is(get_from(list, None, &[("host", "127.0.0.1:3000")])).await;
    assert!(unknown.body.contains("NotFound"), "an unknown peer sees nothing: {}", unknown.body);
    // DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1.
    let rebound = app.request(get_from(list, Some([127, 0, 0, 1]), &[("host", "evil.example:3000")])).await;
    assert_eq!(rebound.status, StatusCode::MISDIRECTED_REQUEST, "{}", rebound.body);
    drop(app);

    // The opt-in is refused at start-up where the outbox could reach the Internet.
    let public = [("SOCO_OUTBOX_PAGE", "on"), ("SOCO_PUBLIC_URL", "https://soco.example.id")];
    let refused = Config::from_map(&public.into_iter().collect()).expect_err("refused");
    assert!(refused.to_string().contains("SOCO_OUTBOX_PAGE"), "{refused}");
}

async fn requests_for_another_host_are_refused() {
    let app = TestApp::new().await;
    let cookie = app.signed_in("ayu@example.id").await;
    let wrong = app.request(get_from("/login", None, &[("host", "evil.example:3000")])).await;
    assert_eq!(wrong.status, StatusCode::MISDIRECTED_REQUEST);
    assert!(wrong.body.contains("http://127.0.0.1:3000"), "says where Soco answers: {}", wrong.body);
    assert_eq!(wrong.headers["x-content-type-options"], "nosniff", "with the security headers");
    // DNS rebinding against a signed-in developer: the page's own origin is `scheme://Host`,
    // which the CSRF check alone would take for Soco's.
    let rebound = Request::post(app::api::auth::Logout::PATH)
        .header(header::HOST, "evil.example:3000")
        .header(header::ORIGIN, "http://evil.example:3000")
        .header("sec-fetch-site", "same-origin")
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .expect("request");
    assert_eq!(app.request(rebound).await.status, StatusCode::MISDIRECTED_REQUEST);
    assert_eq!(app.get_as(&cookie, "/account").await.status, StatusCode::OK, "still signed in");
    // Every loopback name is this install's (on any port), so local tools keep working.
    for host in ["localhost:3000", "[::1]:3000", "127.0.0.1:4000"] {
        assert_eq!(
            app.request(get_from("/login", None, &[("host", host)])).await.status,
            StatusCode::OK,
            "{host}"
        );
    }
    let nameless = app.request_as_is(get_from("/login", Some([127, 0, 0, 1]), &[])).await;
    assert_eq!(nameless.status, StatusCode::BAD_REQUEST, "no Host: {}", nameless.body);
    // Health probes address the machine however they like.
    assert_eq!(
        app.request(get_from("/healthz", None, &[("host", "10.0.0.5:3000")])).await.status,
        StatusCode::OK
    );
    drop(app);

    let public = TestApp::with_vars(&[("SOCO_PUBLIC_URL", "https://soco.example.id")]).await;
    assert_eq!(public.get("/login").await.status, StatusCode::OK, "Host: soco.example.id");
    for host in ["127.0.0.1:3000", "localhost", "soco.example.id:8443", "soco.example.id.evil.example"] {
        let reply = public.request(get_from("/login", None, &[("host", host)])).await;
        assert_eq!(reply.status, StatusCode::MISDIRECTED_REQUEST, "{host}");
    }
}

async fn signed_out_visitors_get_a_welcome_page_at_the_root() {
    let app = TestApp::new().await;
    let reply = app.get("/").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("<title>Welcome to Soco · Soco</title>"), "{}", reply.body);
    assert!(reply.body.contains(r#"href="/register""#) && reply.body.contains(r#"href="/login""#));
}

async fn sandbox_is_mounted_where_the_tiktok_endpoints_point() {
    let app = TestApp::new().await;
    let endpoints = app.services.config.tiktok_endpoints();
    let origin = app.services.config.public_origin();
    for (endpoint, prefix) in [
        (&endpoints.login, sandbox::paths::LOGIN),
        (&endpoints.open_api, sandbox::paths::OPEN_API),
        (&endpoints.shop_api, sandbox::paths::SHOP_API),
        (&endpoints.shop_auth, sandbox::paths::SHOP_AUTH),
        (&endpoints.shop_services, sandbox::paths::SHOP_SERVICES),
    ] {
        assert_eq!(endpoint, &format!("{origin}{}{prefix}", server::sandbox_mount::MOUNT));
    }
    assert_eq!(app.get("/sandbox/healthz").await.status, StatusCode::OK);
    assert_eq!(domain::config::SANDBOX_CLIENT_KEY, sandbox::config::SANDBOX_CLIENT_KEY);
    assert_eq!(domain::config::SANDBOX_CLIENT_SECRET, sandbox::config::SANDBOX_CLIENT_SECRET);

    // The consent page renders inside Soco, under Soco's security headers.
    let query = format!(
        "client_key=sbx_client_key&scope=user.info.basic&response_type=code&state=s&redirect_uri={}",
        app::format::path_in_query(&format!("{origin}/connect/tiktok/callback"))
    );
    let page = app.get(&format!("/sandbox/tiktok/v2/auth/authorize/?{query}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(header(&page, header::CONTENT_SECURITY_POLICY).contains("frame-ancestors 'none'"));
    // Approving is a same-origin form post, as from the page itself.
    let reply = app
        .post_form(
            "/sandbox/tiktok/v2/auth/authorize/",
            &format!("{query}&decision=approve&open_id={}", {
                let state: serde_json::Value =
                    serde_json::from_str(&app.get("/sandbox/control/state").await.body).expect("json");
                state["creators"][0]["open_id"].as_str().expect("open_id").to_owned()
            }),
            None,
        )
        .await;
    assert!(reply.status.is_redirection(), "{} {}", reply.status, reply.body);
    assert!(header(&reply, header::LOCATION).starts_with(&format!("{origin}/connect/tiktok/callback?code=")));
}

async fn sandbox_control_answers_this_machine_only() {
    let app = TestApp::new().await;
    let mut request = Request::get("/sandbox/control/state").body(Body::empty()).expect("request");
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from(([203, 0, 113, 7], 5000))));
    assert_eq!(app.request(request).await.status, StatusCode::FORBIDDEN);
    let mut request = Request::get("/sandbox/healthz").body(Body::empty()).expect("request");
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from(([203, 0, 113, 7], 5000))));
    assert_eq!(app.request(request).await.status, StatusCode::OK, "the APIs themselves answer anyone");
    assert_eq!(app.get("/sandbox/control/state").await.status, StatusCode::OK);
    // A reverse proxy on this machine, an unknown peer, a rebound name: all refused.
    let relayed =
        get_from("/sandbox/control/state", Some([127, 0, 0, 1]), &[("x-forwarded-for", "203.0.113.9")]);
    assert_eq!(app.request(relayed).await.status, StatusCode::FORBIDDEN);
    let unknown = get_from("/sandbox/control/state", None, &[("host", "127.0.0.1:3000")]);
    assert_eq!(app.request_as_is(unknown).await.status, StatusCode::FORBIDDEN);
    let rebound = get_from("/sandbox/control/state", Some([127, 0, 0, 1]), &[("host", "evil.example:3000")]);
    assert_eq!(app.request(rebound).await.status, StatusCode::MISDIRECTED_REQUEST);
}

/// A connected account with two videos and three snapshots, inserted directly.
async fn account_with_history(app: &TestApp, email: &str) -> i64 {
    use domain::entities::{tiktok_account, tiktok_video, tiktok_video_snapshot, user};
    use domain::sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    let owner = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&app.services.db)
        .await
        .expect("db")
        .expect("user");
    let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).expect("time").with_timezone(&chrono::Utc);
    let account = tiktok_account::ActiveModel {
        user_id: Set(owner.id),
        open_id: Set("open-1".into()),
        username: Set(Some("dapursari.id".into())),
        display_name: Set("Dapur Sari".into()),
        scopes: Set(vec![Scope::UserInfoBasic, Scope::VideoList].into()),
        status: Set(domain::tiktok::connections::AccountStatus::Active),
        connected_at: Set(at("2026-11-01T00:00:00Z")),
        backfill_done: Set(true),
        created_at: Set(at("2026-11-01T00:00:00Z")),
        updated_at: Set(at("2026-11-01T00:00:00Z")),
        ..Default::default()
    }
    .insert(&app.services.db)
    .await
    .expect("account");
    for (video_id, posted, caption, views) in [
        ("7001", "2026-10-30T12:00:00Z", "Nasi goreng, pedas \"level 5\"", 1000),
        ("7002", "2026-11-05T19:00:00Z", "Bekal kantor", 0),
    ] {
        let video = tiktok_video::ActiveModel {
            account_id: Set(account.id),
            video_id: Set(video_id.into()),
            posted_at: Set(at(posted)),
            title: Set(caption.into()),
            description: Set(format!("{caption} #resep")),
            duration: Set(30),
            view_count: Set(views),
            like_count: Set(views / 20),
            comment_count: Set(views / 200),
            share_count: Set(views / 200),
            metrics_at: Set(Some(at("2026-11-06T00:00:00Z"))),
            first_seen_at: Set(at("2026-11-06T00:00:00Z")),
            ..Default::default()
        }
        .insert(&app.services.db)
        .await
        .expect("video");
        for taken in ["2026-11-05T00:00:00Z", "2026-11-06T00:00:00Z"].iter().take(if video_id == "7001" {
            2
        } else {
            1
        }) {
            tiktok_video_snapshot::ActiveModel {
                video_row_id: Set(video.id),
                taken_at: Set(at(taken)),
                view_count: Set(views),
                like_count: Set(views / 20),
                comment_count: Set(0),
                share_count: Set(0),
                ..Default::default()
            }
            .insert(&app.services.db)
            .await
            .expect("snapshot");
        }
    }
    account.id
}

async fn exports_stream_csv_and_json_for_the_owner_only() {
    let app = TestApp::new().await;
    let cookie = app.signed_in("sari@example.id").await;
    let id = account_with_history(&app, "sari@example.id").await;

    let csv = app.get_as(&cookie, &format!("/accounts/tiktok/{id}/export/videos.csv")).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert_eq!(header(&csv, header::CONTENT_TYPE), "text/csv; charset=utf-8");
    assert_eq!(
        header(&csv, header::CONTENT_DISPOSITION),
        "attachment; filename=\"tiktok-dapursari.id-videos.csv\""
    );
    let lines: Vec<&str> = csv.body.lines().collect();
    // Every cell quoted, so a spreadsheet that splits on `;` cannot split a caption either.
    let quoted: Vec<String> =
        domain::tiktok::export::VIDEO_COLUMNS.iter().map(|c| format!("\"{c}\"")).collect();
    assert_eq!(lines[0], quoted.join(","));
    assert_eq!(lines.len(), 3);
    assert!(
        lines[1].starts_with("\"7001\",\"2026-10-30T12:00:00+00:00\",\"Nasi goreng, pedas \"\"level 5\"\"\""),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains(",\"0.0600\","), "engagement rate: {}", lines[1]);

    // Compressed, as browsers ask for it.
    let gzipped = app
        .request(
            Request::get(format!("/accounts/tiktok/{id}/export/videos.csv"))
                .header(header::COOKIE, &cookie)
                .header(header::ACCEPT_ENCODING, "gzip, br")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(gzipped.status, StatusCode::OK);
    assert!(!header(&gzipped, header::CONTENT_ENCODING).is_empty(), "compressed");

    let json = app.get_as(&cookie, &format!("/accounts/tiktok/{id}/export/snapshots.json")).await;
    assert_eq!(header(&json, header::CONTENT_TYPE), "application/json");
    let rows: serde_json::Value = serde_json::from_str(&json.body).expect("valid JSON");
    assert_eq!(rows.as_array().map(Vec::len), Some(3));
    assert_eq!(rows[0]["video_id"], "7001");

    // A range: only the snapshots taken on 2026-11-06.
    let ranged = app
        .get_as(&cookie, &format!("/accounts/tiktok/{id}/export/snapshots.csv?from=2026-11-06&to=2026-11-06"))
        .await;
    assert_eq!(ranged.body.lines().count(), 2, "{}", ranged.body);
    let empty =
        app.get_as(&cookie, &format!("/accounts/tiktok/{id}/export/videos.json?from=2030-01-01")).await;
    assert_eq!(empty.body, "[]");

    let profile = app.get_as(&cookie, &format!("/accounts/tiktok/{id}/export/profile.csv")).await;
    let quoted: Vec<String> =
        domain::tiktok::export::PROFILE_COLUMNS.iter().map(|c| format!("\"{c}\"")).collect();
    assert_eq!(profile.body.lines().next(), Some(quoted.join(",").as_str()));

    let bad = app.get_as(&cookie, &format!("/accounts/tiktok/{id}/export/videos.csv?from=yesterday")).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let unknown = app.get_as(&cookie, &format!("/accounts/tiktok/{id}/export/videos.xlsx")).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let stranger = app.signed_in("budi@example.id").await;
    assert_eq!(
        app.get_as(&stranger, &format!("/accounts/tiktok/{id}/export/videos.csv")).await.status,
        StatusCode::NOT_FOUND
    );
    let visitor = app.get(&format!("/accounts/tiktok/{id}/export/videos.csv")).await;
    assert!(visitor.status.is_redirection() && header(&visitor, header::LOCATION).starts_with("/login"));

    // Days are the user's days: video 7002 was posted at 19:00 UTC on 5 November, which is
    // 02:00 on 6 November in Jakarta.
    let sixth = format!("/accounts/tiktok/{id}/export/videos.csv?from=2026-11-06&to=2026-11-06");
    assert_eq!(app.get_as(&cookie, &sixth).await.body.lines().count(), 1, "in UTC, nothing on the 6th");
    {
        use domain::entities::user;
        use domain::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        user::Entity::update_many()
            .col_expr(user::Column::TimeZone, Expr::value("Asia/Jakarta"))
            .filter(user::Column::Email.eq("sari@example.id"))
            .exec(&app.services.db)
            .await
            .expect("time zone");
    }
    let in_jakarta = app.get_as(&cookie, &sixth).await;
    assert_eq!(in_jakarta.body.lines().count(), 2, "in Jakarta, 7002 is on the 6th: {}", in_jakarta.body);
    assert!(in_jakarta.body.lines().nth(1).is_some_and(|l| l.starts_with("\"7002\",")));

    // Another site cannot start a download (the cookie is SameSite=Lax): refused, not logged.
    let cross_site = app
        .request(
            Request::get(format!("/accounts/tiktok/{id}/export/videos.csv"))
                .header(header::COOKIE, &cookie)
                .header("sec-fetch-site", "cross-site")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN);

    // Every download the owner made is in their security log, with what and which days; the
    // refused ones are not.
    let events = {
        use domain::entities::security_event;
        use domain::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        security_event::Entity::find()
            .filter(security_event::Column::Kind.eq("data_exported"))
            .order_by_asc(security_event::Column::Id)
            .all(&app.services.db)
            .await
            .expect("events")
    };
    assert_eq!(events.len(), 8, "{events:#?}");
    let last = events.last().and_then(|e| e.detail.clone()).unwrap_or_default();
    assert_eq!(last, format!("tiktok account {id}: videos.csv, days 2026-11-06..2026-11-06 (Asia/Jakarta)"));
}

async fn analytics_pages_render_for_the_owner_only() {
    use domain::entities::tiktok_video;
    use domain::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = TestApp::new().await;
    let cookie = app.signed_in("sari@example.id").await;
    let id = account_with_history(&app, "sari@example.id").await;

    let page = app.get_as(&cookie, &format!("/accounts/tiktok/{id}?from=2026-10-01&to=2026-11-10")).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Dapur Sari (@dapursari.id)",
        "Best time to post",
        "#resep",
        "Follower and like counts were not shared",
    ] {
        assert!(page.body.contains(text), "{text} missing from the account page");
    }
    // Videos posted on Friday 30 October 12:00 and Thursday 5 November 19:00 (UTC users).
    assert!(page.body.contains("Friday 12:00"), "the heatmap's best slot");

    let sorted = app.get_as(&cookie, &format!("/accounts/tiktok/{id}/videos?sort=views&dir=asc")).await;
    assert_eq!(sorted.status, StatusCode::OK);
    assert!(sorted.body.contains("aria-sort=\"ascending\""));
    let (bekal, nasi) = (sorted.body.find("Bekal kantor"), sorted.body.find("Nasi goreng"));
    assert!(bekal.is_some() && bekal < nasi, "fewest views first");
    let searched = app.get_as(&cookie, &format!("/accounts/tiktok/{id}/videos?q=GORENG")).await;
    assert!(searched.body.contains("Nasi goreng") && !searched.body.contains("Bekal kantor"));

    let nasi = tiktok_video::Entity::find()
        .filter(tiktok_video::Column::VideoId.eq("7001"))
        .one(&app.services.db)
        .await
        .expect("db")
        .expect("video");
    let video = app
        .get_as(&cookie, &format!("/accounts/tiktok/{id}/videos/{}?from=2026-11-01&to=2026-11-10", nasi.id))
        .await;
    assert_eq!(video.status, StatusCode::OK);
    assert!(video.body.contains("Views over time") && video.body.contains("2026-11-06 00:00"), "its history");

    // Bad input gets a clear message, not a failure.
    let bad_sort = app.get_as(&cookie, &format!("/accounts/tiktok/{id}/videos?sort=id;drop")).await;
    assert!(bad_sort.body.contains("That table cannot be sorted that way."), "{}", bad_sort.body);
    assert_eq!(bad_sort.status, StatusCode::UNPROCESSABLE_ENTITY, "the page answers with its error's status");
    let reversed = app.get_as(&cookie, &format!("/accounts/tiktok/{id}?from=2026-11-10&to=2026-11-01")).await;
    assert!(reversed.body.contains("The end date must not be before the start date."));
    assert_eq!(reversed.status, StatusCode::UNPROCESSABLE_ENTITY);
    let missing = app.get_as(&cookie, "/accounts/tiktok/999999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "an account that does not exist");

    // Another user sees nothing of it.
    let stranger = app.signed_in("budi@example.id").await;
    for path in [format!("/accounts/tiktok/{id}"), format!("/accounts/tiktok/{id}/videos")] {
        let reply = app.get_as(&stranger, &path).await;
        assert!(!reply.body.contains("Dapur Sari"), "{path} leaks the account");
        assert!(reply.body.contains("could not be found") || reply.body.contains("not found"), "{path}");
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path} is another user's");
    }
}

async fn pictures_are_relayed_for_the_owner_only() {
    use domain::entities::{tiktok_account, tiktok_video};
    use domain::sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
    // A stand-in for TikTok's CDN: one picture, one page that is not a picture.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let cdn = format!("http://{}", listener.local_addr().expect("address"));
    let pictures = axum::Router::new()
        .route(
            "/avatar.svg",
            axum::routing::get(|| async { ([(header::CONTENT_TYPE, "image/svg+xml")], "<svg/>") }),
        )
        .route(
            "/cover.html",
            axum::routing::get(|| async { ([(header::CONTENT_TYPE, "text/html")], "<p>hi</p>") }),
        );
    tokio::spawn(async move { axum::serve(listener, pictures).await.expect("serve") });

    let app = TestApp::new().await;
    let cookie = app.signed_in("sari@example.id").await;
    let id = account_with_history(&app, "sari@example.id").await;
    let account =
        tiktok_account::Entity::find_by_id(id).one(&app.services.db).await.expect("db").expect("row");
    let mut account = account.into_active_model();
    account.avatar_url = Set(Some(format!("{cdn}/avatar.svg")));
    account.update(&app.services.db).await.expect("avatar");
    let video = tiktok_video::Entity::find()
        .filter(tiktok_video::Column::AccountId.eq(id))
        .one(&app.services.db)
        .await
        .expect("db")
        .expect("video");
    let video_id = video.id;
    let mut video = video.into_active_model();
    video.cover_url = Set(Some(format!("{cdn}/cover.html")));
    video.update(&app.services.db).await.expect("cover");

    let avatar = app.get_as(&cookie, &format!("/accounts/tiktok/{id}/avatar")).await;
    assert_eq!(avatar.status, StatusCode::OK);
    assert_eq!(header(&avatar, header::CONTENT_TYPE), "image/svg+xml");
    assert_eq!(avatar.body, "<svg/>");
    assert!(header(&avatar, header::CONTENT_SECURITY_POLICY).contains("sandbox"));
    let not_a_picture = app.get_as(&cookie, &format!("/accounts/tiktok/{id}/videos/{video_id}/cover")).await;
    assert_eq!(not_a_picture.status, StatusCode::BAD_GATEWAY, "only images are passed on");
    let stranger = app.signed_in("budi@example.id").await;
    assert_eq!(
        app.get_as(&stranger, &format!("/accounts/tiktok/{id}/avatar")).await.status,
        StatusCode::NOT_FOUND
    );
    let visitor = app.get(&format!("/accounts/tiktok/{id}/avatar")).await;
    assert!(visitor.status.is_redirection() || visitor.status == StatusCode::NOT_FOUND);
    // The analytics pages point at the relay, never at the CDN.
    let overview = app.get_as(&cookie, "/accounts").await;
    assert!(overview.body.contains(&format!("src=\"/accounts/tiktok/{id}/avatar\"")), "the card's avatar");
    let videos = app.get_as(&cookie, &format!("/accounts/tiktok/{id}/videos")).await;
    assert!(videos.body.contains(&format!("/accounts/tiktok/{id}/videos/{video_id}/cover")), "covers");
    for page in [&overview, &videos] {
        assert!(!page.body.contains(&cdn), "no CDN link reaches the browser");
    }
}

async fn form_posts_may_redirect_to_the_consent_pages_and_nowhere_else() {
    let directive = |reply: &Reply| {
        let policy = header(reply, header::CONTENT_SECURITY_POLICY);
        policy
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("form-action"))
            .expect("form-action")
            .to_owned()
    };
    // Production: Connect answers a form post with a redirect to TikTok's consent page, which
    // Chromium and Safari refuse under `form-action 'self'`.
    let production = TestApp::with_vars(&[
        ("SOCO_TIKTOK_MODE", "production"),
        ("SOCO_TIKTOK_CLIENT_KEY", "aw_key"),
        ("SOCO_TIKTOK_CLIENT_SECRET", "aw_secret"),
    ])
    .await;
    assert_eq!(
        directive(&production.get("/login").await),
        "form-action 'self' https://www.tiktok.com https://services.tiktokshop.com"
    );
    drop(production);
    // The sandbox on its own origin: exactly that origin, whatever its path.
    let elsewhere = TestApp::with_vars(&[
        ("SOCO_TIKTOK_LOGIN_URL", "http://127.0.0.1:4010/tiktok"),
        ("SOCO_TIKTOK_SHOP_SERVICES_URL", "http://127.0.0.1:4010/shop-services"),
    ])
    .await;
    assert_eq!(directive(&elsewhere.get("/login").await), "form-action 'self' http://127.0.0.1:4010");
    drop(elsewhere);
    // The built-in sandbox is Soco's own origin: nothing else is allowed.
    let local = TestApp::new().await;
    assert_eq!(directive(&local.get("/login").await), "form-action 'self'");
}

async fn login_redirects_never_leave_soco_nor_panic() {
    let app = TestApp::new().await;
    app.signed_in("ayu@example.id").await;
    let password = PASSWORD.replace(' ', "+");
    for (next, expected) in [
        ("%2Fsettings%3Ftab%3D1", "/settings?tab=1"),
        ("%2F%09%2Fevil.example", "/"),
        ("%2F%0a", "/"),
        ("%2F%0d%0aSet-Cookie%3A+x%3D1", "/"),
        ("%2F%5Cevil.example", "/"),
        ("%2F.%2F%2Fevil.example", "/"),
        ("%2F%2Fevil.example", "/"),
        ("https%3A%2F%2Fevil.example%2F", "/"),
    ] {
        let form = format!("email=ayu%40example.id&password={password}&next={next}");
        let reply = app.post_form(app::api::auth::Login::PATH, &form, None).await;
        assert_eq!(reply.status, StatusCode::FOUND, "{next}: {}", reply.body);
        assert_eq!(header(&reply, header::LOCATION), expected, "{next}");
    }
}

/// A stand-in for TikTok's CDN on this machine: `/avatar.svg`, slow enough that concurrent
/// fetches overlap; returns its origin, how many fetches it served, and the most at once.
async fn picture_server() -> (String, Arc<std::sync::atomic::AtomicUsize>, Arc<std::sync::atomic::AtomicUsize>)
{
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    let (served, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let now = Arc::new(AtomicUsize::new(0));
    let (served_in, most_in) = (served.clone(), most.clone());
    let pictures = axum::Router::new().route(
        "/avatar.svg",
        axum::routing::get(move || {
            let (served, most, now) = (served_in.clone(), most_in.clone(), now.clone());
            async move {
                served.fetch_add(1, Ordering::SeqCst);
                let running = now.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(running, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                now.fetch_sub(1, Ordering::SeqCst);
                ([(header::CONTENT_TYPE, "image/svg+xml")], "<svg/>")
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, pictures).await.expect("serve") });
    (format!("127.0.0.1:{port}"), served, most)
}

/// Points the account's stored avatar link at `link`.
async fn set_avatar(app: &TestApp, id: i64, link: &str) {
    use domain::entities::tiktok_account;
    use domain::sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
    let account =
        tiktok_account::Entity::find_by_id(id).one(&app.services.db).await.expect("db").expect("row");
    let mut account = account.into_active_model();
    account.avatar_url = Set(Some(link.to_owned()));
    account.update(&app.services.db).await.expect("avatar");
}

async fn picture_links_outside_tiktoks_cdn_are_never_fetched() {
    use std::sync::atomic::Ordering;
    let (cdn, served, _) = picture_server().await;
    let port = cdn.rsplit(':').next().expect("port").to_owned();
    let app = TestApp::new().await;
    let cookie = app.signed_in("sari@example.id").await;
    let id = account_with_history(&app, "sari@example.id").await;
    let avatar = format!("/accounts/tiktok/{id}/avatar");
    // The sandbox's own host is allowed in sandbox mode...
    set_avatar(&app, id, &format!("http://{cdn}/avatar.svg")).await;
    assert_eq!(app.get_as(&cookie, &avatar).await.status, StatusCode::OK);
    assert_eq!(served.load(Ordering::SeqCst), 1);
    // ...but not another name for this machine, nor the network around it.
    for link in [
        format!("http://localhost:{port}/avatar.svg"),
        "http://10.0.0.1/admin".to_owned(),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        format!("https://evil.example:{port}/avatar.svg"),
    ] {
        set_avatar(&app, id, &link).await;
        assert_eq!(app.get_as(&cookie, &avatar).await.status, StatusCode::NOT_FOUND, "{link}");
    }
    assert_eq!(served.load(Ordering::SeqCst), 1, "nothing else was fetched");
}

async fn relayed_pictures_are_private_and_cleared_at_logout() {
    let (cdn, _, _) = picture_server().await;
    let app = TestApp::new().await;
    let cookie = app.signed_in("sari@example.id").await;
    let id = account_with_history(&app, "sari@example.id").await;
    set_avatar(&app, id, &format!("http://{cdn}/avatar.svg")).await;
    let avatar = app.get_as(&cookie, &format!("/accounts/tiktok/{id}/avatar")).await;
    assert_eq!(avatar.status, StatusCode::OK);
    assert_eq!(header(&avatar, header::CACHE_CONTROL), "private, no-cache");
    let logout = app.post_form(app::api::auth::Logout::PATH, "", Some(&cookie)).await;
    assert_eq!(logout.status, StatusCode::FOUND);
    assert_eq!(header(&logout, header::HeaderName::from_static("clear-site-data")), "\"cache\", \"storage\"");
}

async fn relay_fetches_are_bounded() {
    use std::sync::atomic::Ordering;
    let (cdn, served, most) = picture_server().await;
    let app = TestApp::with_vars(&[("SOCO_MEDIA_CONCURRENCY", "2")]).await;
    let cookie = app.signed_in("sari@example.id").await;
    let id = account_with_history(&app, "sari@example.id").await;
    set_avatar(&app, id, &format!("http://{cdn}/avatar.svg")).await;
    let path = format!("/accounts/tiktok/{id}/avatar");
    let replies = futures_util::future::join_all((0..6).map(|_| app.get_as(&cookie, &path))).await;
    assert!(replies.iter().all(|r| r.status == StatusCode::OK), "every request is answered in turn");
    assert_eq!(served.load(Ordering::SeqCst), 6);
    assert_eq!(most.load(Ordering::SeqCst), 2, "at most SOCO_MEDIA_CONCURRENCY fetches at once");
}

async fn slow_request_headers_are_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::with_vars(&[("SOCO_HEADER_READ_TIMEOUT_MS", "200")]).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let timeout = app.services.config.header_read_timeout;
    tokio::spawn(server::listen::serve(listener, app.router.clone(), timeout, std::future::pending()));
    /// Reads until the server closes; `None` when it is still open after two seconds.
    async fn closed(stream: &mut tokio::net::TcpStream) -> Option<String> {
        let mut seen = Vec::new();
        let read =
            tokio::time::timeout(std::time::Duration::from_secs(2), stream.read_to_end(&mut seen)).await;
        read.ok().map(|_| String::from_utf8_lossy(&seen).into_owned())
    }
    let mut silent = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut dribbling = tokio::net::TcpStream::connect(addr).await.expect("connect");
    dribbling.write_all(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").await.expect("write");
    assert!(closed(&mut silent).await.is_some(), "a connection that sends nothing is closed");
    assert!(closed(&mut dribbling).await.is_some_and(|r| !r.contains("200 OK")), "unfinished headers");
    // A keep-alive connection gets its answer, then the same deadline while idle.
    let mut polite = tokio::net::TcpStream::connect(addr).await.expect("connect");
    polite.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:3000\r\n\r\n").await.expect("write");
    let answer = closed(&mut polite).await.expect("closed once idle");
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
}

/// Nagle's algorithm holds a response's second write until the client's delayed ACK (about
/// 40 ms): the serving socket must have `TCP_NODELAY`. Read back from the accepted socket itself,
/// found in this process's descriptors by its port pair.
async fn accepted_connections_send_without_delay() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::new().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let timeout = app.services.config.header_read_timeout;
    tokio::spawn(server::listen::serve(listener, app.router.clone(), timeout, std::future::pending()));
    let mut client = tokio::net::TcpStream::connect(addr).await.expect("connect");
    client.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:3000\r\n\r\n").await.expect("write");
    let mut answer = [0u8; 12];
    client.read_exact(&mut answer).await.expect("an answer");
    assert_eq!(&answer, b"HTTP/1.1 200");
    let accepted = served_socket(addr.port(), client.local_addr().expect("address").port());
    assert!(rustix::net::sockopt::tcp_nodelay(&accepted).expect("getsockopt"), "TCP_NODELAY is off");
    // The check itself can fail: the client's own socket never had the option set.
    assert!(!rustix::net::sockopt::tcp_nodelay(&client).expect("getsockopt"));
}

/// This process's socket for the TCP connection from local port `server` to peer port `peer`,
/// duplicated through a pidfd (no raw descriptor handling).
fn served_socket(server: u16, peer: u16) -> std::os::fd::OwnedFd {
    let table = std::fs::read_to_string("/proc/self/net/tcp").expect("/proc/self/net/tcp");
    let port = |field: &str| field.rsplit(':').next().and_then(|hex| u16::from_str_radix(hex, 16).ok());
    let inode = table
        .lines()
        .skip(1)
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        .find(|cols| port(cols[1]) == Some(server) && port(cols[2]) == Some(peer))
        .map(|cols| cols[9].to_owned())
        .expect("the accepted connection is in the TCP table");
    let target = format!("socket:[{inode}]");
    let fd = std::fs::read_dir("/proc/self/fd")
        .expect("/proc/self/fd")
        .filter_map(Result::ok)
        .find(|entry| std::fs::read_link(entry.path()).is_ok_and(|link| link.as_os_str() == target.as_str()))
        .and_then(|entry| entry.file_name().to_str().and_then(|n| n.parse::<i32>().ok()))
        .expect("the accepted socket is one of this process's descriptors");
    let me = rustix::process::getpid();
    let pidfd = rustix::process::pidfd_open(me, rustix::process::PidfdFlags::empty()).expect("pidfd_open");
    rustix::process::pidfd_getfd(&pidfd, fd, rustix::process::PidfdGetfdFlags::empty()).expect("pidfd_getfd")
}

/// A server function called by the hydrated client (no `text/html` in Accept) answers an error
/// with the error's own status and the same JSON body; leptos_axum alone says 500 for all.
async fn server_function_errors_answer_with_their_own_status() {
    let app = TestApp::new().await;
    let call = |path: &'static str, form: &'static str, cookie: Option<String>| {
        let mut request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header(header::ORIGIN, "http://127.0.0.1:3000");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        app.request(request.body(Body::from(form)).expect("request"))
    };
    let bad_field = call(
        app::api::auth::Register::PATH,
        "email=not-an-address&display_name=Ayu&password=kopi+susu+gula+aren+tiga&adult=on&accept_terms=on",
        None,
    )
    .await;
    assert_eq!(bad_field.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad_field.body);
    let error: app::error::AppError = serde_json::from_str(&bad_field.body).expect("the error, as before");
    assert_eq!(error.field(), Some("email"));
    // Signed out, a signed-in call is 401, not a server failure.
    let signed_out = call(app::api::account::ResendVerification::PATH, "", None).await;
    assert_eq!(signed_out.status, StatusCode::UNAUTHORIZED, "{}", signed_out.body);
    // Success is untouched.
    let cookie = app.signed_in("ayu@example.id").await;
    let ok = app.get_as(&cookie, app::api::account::GetMe::PATH).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert!(ok.body.contains("ayu@example.id"), "{}", ok.body);
}

async fn a_request_that_takes_too_long_gets_408() {
    let app = TestApp::with_vars(&[("SOCO_REQUEST_TIMEOUT_MS", "300")]).await;
    // A body that starts and never ends (a slow upload holding a worker).
    let never_ends = futures_util::stream::StreamExt::chain(
        futures_util::stream::once(async {
            Ok::<_, std::io::Error>(axum::body::Bytes::from_static(b"email="))
        }),
        futures_util::stream::pending(),
    );
    let request = Request::post(app::api::auth::Login::PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, "http://127.0.0.1:3000")
        .body(Body::from_stream(never_ends))
        .expect("request");
    let reply = tokio::time::timeout(std::time::Duration::from_secs(5), app.request(request))
        .await
        .expect("answered well before the test gives up");
    assert_eq!(reply.status, StatusCode::REQUEST_TIMEOUT);
}

async fn an_oversized_body_gets_413() {
    let app = TestApp::with_vars(&[("SOCO_MAX_BODY_BYTES", "1024")]).await;
    let form = format!("email=ayu%40example.id&password={}", "x".repeat(4096));
    let request = Request::post(app::api::auth::Login::PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::CONTENT_LENGTH, form.len())
        .header(header::ORIGIN, "http://127.0.0.1:3000")
        .body(Body::from(form))
        .expect("request");
    assert_eq!(app.request(request).await.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Without a length, the body is cut off where the limit is: a valid login padded past it
    // (in `next`) signs nobody in.
    app.signed_in("ayu@example.id").await;
    let padded = format!(
        "email=ayu%40example.id&password={}&next=%2F{}",
        PASSWORD.replace(' ', "+"),
        "a".repeat(4096)
    );
    let chunked = || {
        let chunks: Vec<Result<axum::body::Bytes, std::io::Error>> =
            padded.as_bytes().chunks(512).map(|c| Ok(axum::body::Bytes::copy_from_slice(c))).collect();
        Request::post(app::api::auth::Login::PATH)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html")
            .header(header::ORIGIN, "http://127.0.0.1:3000")
            .header(header::REFERER, "http://127.0.0.1:3000/login")
            .body(Body::from_stream(futures_util::stream::iter(chunks)))
            .expect("request")
    };
    let reply = app.request(chunked()).await;
    assert!(
        !header(&reply, header::SET_COOKIE).contains("soco_session="),
        "{} {:?}",
        reply.status,
        reply.headers
    );
    drop(app);
    // The same login under the default limit signs in: the limit, not the form, refused it.
    let roomy = TestApp::new().await;
    roomy.signed_in("ayu@example.id").await;
    let reply = roomy.request(chunked()).await;
    assert!(header(&reply, header::SET_COOKIE).contains("soco_session="), "{} {}", reply.status, reply.body);
}

on_both_databases!(
    healthz_reports_ok_when_the_database_answers,
    healthz_reports_503_when_the_database_is_gone,
    the_shell_is_server_rendered_with_navigation_and_hydration,
    the_language_follows_accept_language,
    unknown_paths_get_a_real_404_page,
    settings_renders_the_database_status_with_its_table,
    the_status_server_function_answers_get,
    the_offline_page_is_plain_html,
    the_service_worker_precaches_this_build,
    static_files_are_served_with_their_types_and_cache_rules,
    pages_are_compressed_when_the_browser_accepts_it,
    the_sandbox_is_mounted_only_in_sandbox_mode,
    signed_out_visitors_are_sent_to_the_login_page,
    pages_carry_a_nonce_based_content_security_policy,
    a_cross_site_post_to_a_server_function_is_refused,
    login_sets_a_safe_cookie_that_changes_each_login_and_dies_at_logout,
    under_https_the_cookie_is_secure_and_host_prefixed_and_hsts_is_sent,
    known_and_unknown_emails_get_byte_identical_answers,
    the_outbox_is_an_opt_in_for_programs_on_this_machine_only,
    requests_for_another_host_are_refused,
    signed_out_visitors_get_a_welcome_page_at_the_root,
    sandbox_is_mounted_where_the_tiktok_endpoints_point,
    sandbox_control_answers_this_machine_only,
    exports_stream_csv_and_json_for_the_owner_only,
    analytics_pages_render_for_the_owner_only,
    pictures_are_relayed_for_the_owner_only,
    form_posts_may_redirect_to_the_consent_pages_and_nowhere_else,
    login_redirects_never_leave_soco_nor_panic,
    picture_links_outside_tiktoks_cdn_are_never_fetched,
    relayed_pictures_are_private_and_cleared_at_logout,
    relay_fetches_are_bounded,
    slow_request_headers_are_cut_off,
    accepted_connections_send_without_delay,
    server_function_errors_answer_with_their_own_status,
    a_request_that_takes_too_long_gets_408,
    an_oversized_body_gets_413,
);
