//! Signing in over HTTP: cookies and their flags, CSRF on server functions, answers that say
//! nothing about which addresses have accounts, the outbox page, safe login redirects.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use domain::config::Config;
use server_fn::ServerFn;

use crate::support::*;

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

/// A session ends when it has gone unused for its idle time or lived its whole lifetime, judged
/// by Soco's clock; using it within the idle time keeps it alive.
async fn sessions_end_when_idle_or_too_old_by_soco_clock() {
    use domain::auth::session::{ABSOLUTE_LIFETIME, IDLE_TIMEOUT};
    let app = TestApp::new().await;
    let idle = app.signed_in("ayu@example.id").await;
    let used = app.signed_in("ayu@example.id").await;
    let step = IDLE_TIMEOUT - chrono::Duration::hours(1);
    app.clock().advance(step);
    assert_eq!(app.get_as(&used, "/account").await.status, StatusCode::OK, "within the idle time");
    app.clock().advance(chrono::Duration::hours(2));
    assert_eq!(app.get_as(&idle, "/account").await.status, StatusCode::FOUND, "idle past its time");
    assert_eq!(app.get_as(&used, "/account").await.status, StatusCode::OK, "used an hour ago");
    while app.clock().now() < chrono::Utc::now() + ABSOLUTE_LIFETIME {
        assert_eq!(app.get_as(&used, "/account").await.status, StatusCode::OK, "kept alive by use");
        app.clock().advance(step);
    }
    let old = app.get_as(&used, "/account").await;
    assert_eq!(old.status, StatusCode::FOUND, "past its lifetime, however often used");
    assert!(header(&old, header::LOCATION).starts_with("/login"), "{:?}", old.headers);
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

on_both_databases!(
    a_cross_site_post_to_a_server_function_is_refused,
    login_sets_a_safe_cookie_that_changes_each_login_and_dies_at_logout,
    sessions_end_when_idle_or_too_old_by_soco_clock,
    under_https_the_cookie_is_secure_and_host_prefixed_and_hsts_is_sent,
    known_and_unknown_emails_get_byte_identical_answers,
    the_outbox_is_an_opt_in_for_programs_on_this_machine_only,
    login_redirects_never_leave_soco_nor_panic,
);
