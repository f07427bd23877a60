//! The TikTok feature over HTTP: the sandbox mount, exports, the analytics pages, the picture
//! relay and the consent pages' `form-action`; every one for the account's owner only.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use server_fn::ServerFn;

use crate::support::*;

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

async fn exports_stream_csv_and_json_for_the_owner_only() {
    let app = TestApp::new().await;
    let cookie = app.signed_in("sari@example.id").await;
    let id = app.tiktok_account_with_history("sari@example.id").await;

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
    let id = app.tiktok_account_with_history("sari@example.id").await;

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
    let id = app.tiktok_account_with_history("sari@example.id").await;
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
    let id = app.tiktok_account_with_history("sari@example.id").await;
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
    let id = app.tiktok_account_with_history("sari@example.id").await;
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
    let id = app.tiktok_account_with_history("sari@example.id").await;
    set_avatar(&app, id, &format!("http://{cdn}/avatar.svg")).await;
    let path = format!("/accounts/tiktok/{id}/avatar");
    let replies = futures_util::future::join_all((0..6).map(|_| app.get_as(&cookie, &path))).await;
    assert!(replies.iter().all(|r| r.status == StatusCode::OK), "every request is answered in turn");
    assert_eq!(served.load(Ordering::SeqCst), 6);
    assert_eq!(most.load(Ordering::SeqCst), 2, "at most SOCO_MEDIA_CONCURRENCY fetches at once");
}

on_both_databases!(
    the_sandbox_is_mounted_only_in_sandbox_mode,
    sandbox_is_mounted_where_the_tiktok_endpoints_point,
    sandbox_control_answers_this_machine_only,
    exports_stream_csv_and_json_for_the_owner_only,
    analytics_pages_render_for_the_owner_only,
    pictures_are_relayed_for_the_owner_only,
    form_posts_may_redirect_to_the_consent_pages_and_nowhere_else,
    picture_links_outside_tiktoks_cdn_are_never_fetched,
    relayed_pictures_are_private_and_cleared_at_logout,
    relay_fetches_are_bounded,
);
