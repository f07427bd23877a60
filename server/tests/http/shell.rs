//! The shell every page shares: health, rendering and language, 404s, the offline page and
//! service worker, static files and compression, security headers, the host check.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use server_fn::ServerFn;
use tower::ServiceExt;

use crate::support::*;

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

on_both_databases!(
    healthz_reports_ok_when_the_database_answers,
    healthz_reports_503_when_the_database_is_gone,
    the_shell_is_server_rendered_with_navigation_and_hydration,
    the_language_follows_accept_language,
    unknown_paths_get_a_real_404_page,
    the_offline_page_is_plain_html,
    the_service_worker_precaches_this_build,
    static_files_are_served_with_their_types_and_cache_rules,
    pages_are_compressed_when_the_browser_accepts_it,
    signed_out_visitors_are_sent_to_the_login_page,
    pages_carry_a_nonce_based_content_security_policy,
    requests_for_another_host_are_refused,
    signed_out_visitors_get_a_welcome_page_at_the_root,
);
