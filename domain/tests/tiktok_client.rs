//! Soco's TikTok client (Login Kit and Display API) against the sandbox over real HTTP: the
//! sandbox's router is served on a loopback port and the client talks to it exactly as it talks
//! to TikTok, consent form included.

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use domain::config::TikTokEndpoints;
use domain::tiktok::{
    CsrfToken, DisplayApi, DisplayError, Http, HttpSettings, LoginKit, LoginKitError, PkceCodeVerifier,
    RetryPolicy, Scope, TokenGrant, UserField,
};
use sandbox::faults::{Fault, FaultKind, FaultTarget};
use sandbox::{Sandbox, SandboxConfig};
use secrecy::{ExposeSecret, SecretString};

const START: i64 = 1_793_491_200; // 2026-11-01T00:00:00Z
const REDIRECT: &str = "http://127.0.0.1:3000/connect/tiktok/callback";

struct World {
    sandbox: Sandbox,
    endpoints: TikTokEndpoints,
    login_kit: LoginKit,
    display: DisplayApi,
    http: Http,
}

async fn world() -> World {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let addr = listener.local_addr().expect("an address");
    let mut config = SandboxConfig::for_public_url("http://127.0.0.1:3000");
    config.self_url = format!("http://{addr}");
    config.login_kit.redirect_uris = vec![REDIRECT.to_owned()];
    config.start = Some(START);
    config.scale.creators = 3;
    config.scale.videos_per_creator = 90;
    config.scale.history_days = 60;
    let sandbox = Sandbox::new(config);
    let router = sandbox::router(sandbox.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let base = format!("http://{addr}");
    let endpoints = TikTokEndpoints {
        login: format!("{base}/tiktok"),
        open_api: format!("{base}/open-api"),
        shop_api: format!("{base}/shop-api"),
        shop_auth: format!("{base}/shop-auth"),
        shop_services: format!("{base}/shop-services"),
    };
    let http = Http::new(HttpSettings::default()).expect("an HTTP client");
    let secret = SecretString::from("sbx_client_secret");
    let login_kit =
        LoginKit::new(&endpoints, "sbx_client_key", &secret, REDIRECT, http.clone()).expect("valid URLs");
    let display = DisplayApi::new(&endpoints, http.clone());
    World { sandbox, endpoints, login_kit, display, http }
}

fn sandbox_now(sandbox: &Sandbox) -> DateTime<Utc> {
    DateTime::from_timestamp(sandbox.clock.now(), 0).expect("a valid time")
}

impl World {
    /// What a browser does: opens the consent link, then submits the consent form as creator
    /// `creator` with `granted` ticked. Returns the callback's query, the session's state and
    /// the PKCE verifier.
    async fn consent(&self, creator: usize, granted: &[Scope]) -> (String, CsrfToken, PkceCodeVerifier) {
        let (url, state, verifier) = self.login_kit.authorize_url(&Scope::CONNECT);
        let page = self.http.client().get(url.clone()).send().await.expect("the consent page");
        assert_eq!(page.status(), 200, "{}", page.text().await.unwrap_or_default());
        let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        form.push(("open_id".into(), self.sandbox.world.creators.all[creator].open_id.clone()));
        form.push(("decision".into(), "approve".into()));
        form.extend(granted.iter().map(|s| ("granted".to_owned(), s.as_str().to_owned())));
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(&form).finish();
        let reply = self
            .http
            .client()
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("the consent answer");
        assert_eq!(reply.status(), 303);
        let location = reply.headers()["location"].to_str().expect("ascii").to_owned();
        let callback = url::Url::parse(&location).expect("an absolute callback");
        assert!(location.starts_with(REDIRECT), "{location}");
        (callback.query().unwrap_or_default().to_owned(), state, verifier)
    }

    /// A full connection of `creator` granting `granted`.
    async fn connect(&self, creator: usize, granted: &[Scope]) -> TokenGrant {
        let (query, state, verifier) = self.consent(creator, granted).await;
        let authorization = self.login_kit.callback(&query, &state).expect("a valid callback");
        self.login_kit
            .exchange(authorization.code, verifier, sandbox_now(&self.sandbox))
            .await
            .expect("tokens")
    }

    fn arm(&self, endpoint: &str, kind: FaultKind) {
        self.sandbox.faults.arm(Fault {
            id: 0,
            target: FaultTarget { endpoint: Some(endpoint.to_owned()), account: None },
            kind,
            times: Some(1),
        });
    }
}

#[tokio::test]
async fn connects_reads_the_profile_and_pages_through_every_video() {
    let world = world().await;
    let (query, state, verifier) = world.consent(1, &Scope::CONNECT).await;
    let authorization = world.login_kit.callback(&query, &state).expect("a valid callback");
    assert_eq!(authorization.scopes, Scope::CONNECT.to_vec());
    let now = sandbox_now(&world.sandbox);
    let grant = world.login_kit.exchange(authorization.code, verifier, now).await.expect("tokens");
    let creator = world.sandbox.world.creators.all[1].clone();
    assert_eq!(grant.open_id, creator.open_id);
    assert_eq!(grant.scopes, Scope::CONNECT.to_vec());
    // The sandbox's configured lifetimes, not constants of ours.
    assert_eq!(grant.access_expires_at - now, TimeDelta::seconds(7200));
    assert_eq!(grant.refresh_expires_at - now, TimeDelta::days(180));

    let user = world.display.user_info(&grant.access_token, &UserField::allowed_by(&grant.scopes)).await;
    let user = user.expect("a profile");
    assert_eq!(user.open_id.as_deref(), Some(creator.open_id.as_str()));
    assert_eq!(user.username.as_deref(), Some(creator.username.as_str()));
    assert!(user.follower_count.is_some() && user.video_count.is_some());

    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = world.display.video_list(&grant.access_token, cursor, 20).await.expect("a page");
        assert!(page.videos.len() <= 20);
        seen.extend(page.videos);
        if !page.has_more {
            break;
        }
        cursor = Some(page.cursor);
    }
    let expected = world.sandbox.world.creators.all_videos(&creator, world.sandbox.clock.now());
    assert!(expected.len() > 40, "enough videos for several pages");
    let seen_ids: Vec<&str> = seen.iter().map(|v| v.id.as_str()).collect();
    let expected_ids: Vec<&str> = expected.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(seen_ids, expected_ids, "every video once, newest first, no gaps");
    assert!(seen.windows(2).all(|w| w[0].create_time >= w[1].create_time));
    assert!(
        seen.iter().zip(&expected).all(|(s, e)| s.create_time == e.create_time && s.view_count.is_some())
    );

    // 25 ids: two calls under the hood; a foreign id is left out, as TikTok does.
    let mut ids: Vec<String> = expected.iter().take(24).map(|v| v.id.clone()).collect();
    ids.push("not-a-video-of-theirs".into());
    let queried = world.display.video_query(&grant.access_token, &ids).await.expect("videos");
    let mut queried_ids: Vec<String> = queried.into_iter().map(|v| v.id).collect();
    queried_ids.sort();
    let mut wanted: Vec<String> = ids[..24].to_vec();
    wanted.sort();
    assert_eq!(queried_ids, wanted);
    assert!(world.display.video_query(&grant.access_token, &[]).await.expect("nothing").is_empty());
}

#[tokio::test]
async fn a_partial_grant_degrades_instead_of_failing() {
    let world = world().await;
    let granted = [Scope::UserInfoBasic, Scope::UserInfoProfile, Scope::VideoList];
    let grant = world.connect(0, &granted).await;
    assert_eq!(grant.scopes, granted.to_vec(), "the token reports what was really granted");
    let user = world
        .display
        .user_info(&grant.access_token, &UserField::allowed_by(&grant.scopes))
        .await
        .expect("a profile without stats");
    assert!(user.display_name.is_some() && user.username.is_some());
    assert_eq!((user.follower_count, user.likes_count), (None, None));
    // Asking for stats anyway is what the degradation avoids.
    let denied = world.display.user_info(&grant.access_token, &[UserField::FollowerCount]).await;
    assert!(matches!(denied, Err(DisplayError::ScopeNotAuthorized { .. })), "{denied:?}");
}

#[tokio::test]
async fn refresh_rotates_and_the_old_refresh_token_is_an_invalid_grant() {
    let world = world().await;
    let first = world.connect(2, &Scope::CONNECT).await;
    world.sandbox.clock.advance(3600);
    let now = sandbox_now(&world.sandbox);
    let second = world.login_kit.refresh(&first.refresh_token, now).await.expect("a refreshed grant");
    assert_ne!(second.refresh_token.expose_secret(), first.refresh_token.expose_secret());
    assert_ne!(second.access_token.expose_secret(), first.access_token.expose_secret());
    assert_eq!(second.open_id, first.open_id);
    assert_eq!(second.access_expires_at, now + TimeDelta::seconds(7200));
    let reused = world.login_kit.refresh(&first.refresh_token, now).await;
    assert!(matches!(&reused, Err(LoginKitError::InvalidGrant { .. })), "{reused:?}");
    assert!(reused.as_ref().err().is_some_and(LoginKitError::needs_reconnect));
    world.display.user_info(&second.access_token, &[UserField::OpenId]).await.expect("the new token works");
}

#[tokio::test]
async fn an_expired_access_token_is_token_invalid_and_a_refresh_cures_it() {
    let world = world().await;
    let grant = world.connect(0, &Scope::CONNECT).await;
    world.sandbox.clock.advance(7201);
    let expired = world.display.video_list(&grant.access_token, None, 5).await;
    assert!(matches!(expired, Err(DisplayError::TokenInvalid { .. })), "{expired:?}");
    let fresh =
        world.login_kit.refresh(&grant.refresh_token, sandbox_now(&world.sandbox)).await.expect("grant");
    assert_eq!(world.display.video_list(&fresh.access_token, None, 5).await.expect("a page").videos.len(), 5);

    world.arm("display.user_info", FaultKind::ExpiredToken);
    let faulted = world.display.user_info(&fresh.access_token, &[UserField::OpenId]).await;
    assert!(matches!(faulted, Err(DisplayError::TokenInvalid { .. })), "{faulted:?}");
}

#[tokio::test]
async fn after_revoke_nothing_works() {
    let world = world().await;
    let grant = world.connect(1, &Scope::CONNECT).await;
    world.login_kit.revoke(&grant.access_token).await.expect("revoked");
    let call = world.display.user_info(&grant.access_token, &[UserField::OpenId]).await;
    assert!(matches!(call, Err(DisplayError::TokenInvalid { .. })), "{call:?}");
    let refresh = world.login_kit.refresh(&grant.refresh_token, sandbox_now(&world.sandbox)).await;
    assert!(matches!(refresh, Err(LoginKitError::InvalidGrant { .. })), "{refresh:?}");
    let again = world.login_kit.revoke(&grant.access_token).await;
    assert!(
        matches!(again, Err(LoginKitError::Rejected { ref error, .. }) if error == "invalid_request"),
        "a strict server refuses to revoke a dead token, so a caller cannot mistake it for success: {again:?}"
    );
}

#[tokio::test]
async fn a_revoked_grant_fault_is_an_invalid_grant_on_refresh() {
    let world = world().await;
    let grant = world.connect(0, &Scope::CONNECT).await;
    world.arm("oauth.token", FaultKind::RevokedToken);
    let refresh = world.login_kit.refresh(&grant.refresh_token, sandbox_now(&world.sandbox)).await;
    assert!(matches!(refresh, Err(LoginKitError::InvalidGrant { .. })), "{refresh:?}");
}

#[tokio::test]
async fn a_used_code_and_a_wrong_verifier_are_refused() {
    let world = world().await;
    let (query, state, verifier) = world.consent(0, &Scope::CONNECT).await;
    let authorization = world.login_kit.callback(&query, &state).expect("a valid callback");
    let code = authorization.code.secret().clone();
    let wrong = PkceCodeVerifier::new("a-wrong-verifier-of-at-least-forty-three-characters-0123".into());
    let now = sandbox_now(&world.sandbox);
    let refused = world.login_kit.exchange(authorization.code, wrong, now).await;
    assert!(
        matches!(&refused, Err(LoginKitError::Rejected { error, .. }) if error == "invalid_request"),
        "{refused:?}"
    );
    // Codes are single use: the first attempt consumed it.
    let reused = world.login_kit.exchange(domain::tiktok::AuthorizationCode::new(code), verifier, now).await;
    assert!(matches!(reused, Err(LoginKitError::InvalidGrant { .. })), "{reused:?}");

    let secret = SecretString::from("not-the-secret");
    let impostor = LoginKit::new(&world.endpoints, "sbx_client_key", &secret, REDIRECT, world.http.clone())
        .expect("valid URLs");
    let grant = world.connect(0, &Scope::CONNECT).await;
    let refused = impostor.refresh(&grant.refresh_token, now).await;
    assert!(
        matches!(&refused, Err(LoginKitError::Rejected { error, .. }) if error == "invalid_client"),
        "{refused:?}"
    );
}

#[tokio::test]
async fn rate_limits_carry_retry_after_and_the_retry_helper_gets_through() {
    let world = world().await;
    let grant = world.connect(0, &Scope::CONNECT).await;

    world.arm("display.video_list", FaultKind::RateLimited { retry_after: 7 });
    let limited = world.display.video_list(&grant.access_token, None, 3).await;
    assert!(
        matches!(limited, Err(DisplayError::RateLimited { retry_after: Some(d) }) if d == Duration::from_secs(7)),
        "{limited:?}"
    );

    world.arm("display.video_list", FaultKind::RateLimited { retry_after: 3 });
    let waits = Mutex::new(Vec::new());
    let page = RetryPolicy::default()
        .run_with(
            || world.display.video_list(&grant.access_token, None, 3),
            |wait| {
                waits.lock().expect("not poisoned").push(wait);
                async {}
            },
            || 0.5,
        )
        .await
        .expect("the second attempt succeeds");
    assert_eq!(page.videos.len(), 3);
    assert_eq!(*waits.lock().expect("not poisoned"), vec![Duration::from_secs(3)]);
    // Counted where they happen: three requests, two of them answered 429 (a success clears nothing).
    assert_eq!((world.display.counts().requests(), world.display.counts().rate_limited()), (3, 2));

    world.arm("oauth.token", FaultKind::RateLimited { retry_after: 9 });
    let refresh = world.login_kit.refresh(&grant.refresh_token, sandbox_now(&world.sandbox)).await;
    assert!(
        matches!(refresh, Err(LoginKitError::RateLimited { retry_after: Some(d) }) if d == Duration::from_secs(9)),
        "{refresh:?}"
    );
}

#[tokio::test]
async fn server_errors_are_unavailable_and_retried() {
    let world = world().await;
    let grant = world.connect(0, &Scope::CONNECT).await;

    world.arm("display.user_info", FaultKind::ServerError { status: 503 });
    let down = world.display.user_info(&grant.access_token, &[UserField::OpenId]).await;
    assert!(matches!(down, Err(DisplayError::Unavailable(_))), "{down:?}");

    world.arm("oauth.token", FaultKind::ServerError { status: 503 });
    let now = sandbox_now(&world.sandbox);
    let down = world.login_kit.refresh(&grant.refresh_token, now).await;
    assert!(matches!(down, Err(LoginKitError::Unavailable(_))), "{down:?}");

    // The refresh token survived the failed call; the helper retries through the next 503.
    world.arm("oauth.token", FaultKind::ServerError { status: 503 });
    let attempts = Mutex::new(0);
    let refreshed = RetryPolicy::default()
        .run_with(
            || {
                *attempts.lock().expect("not poisoned") += 1;
                world.login_kit.refresh(&grant.refresh_token, now)
            },
            |_| async {},
            || 0.0,
        )
        .await
        .expect("a grant on the second attempt");
    assert_eq!(*attempts.lock().expect("not poisoned"), 2);
    assert_eq!(refreshed.open_id, grant.open_id);
}

#[tokio::test]
async fn an_unreachable_tiktok_is_unavailable() {
    let world = world().await;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let dead = format!("http://{}", listener.local_addr().expect("an address"));
    drop(listener);
    let endpoints = TikTokEndpoints { open_api: dead.clone(), login: dead, ..world.endpoints.clone() };
    let secret = SecretString::from("sbx_client_secret");
    let kit =
        LoginKit::new(&endpoints, "sbx_client_key", &secret, REDIRECT, world.http.clone()).expect("URLs");
    let token = SecretString::from("rft.whatever");
    let result = kit.refresh(&token, Utc::now()).await;
    assert!(matches!(result, Err(LoginKitError::Unavailable(_))), "{result:?}");
    let display = DisplayApi::new(&endpoints, world.http.clone());
    let result = display.user_info(&token, &[UserField::OpenId]).await;
    assert!(matches!(result, Err(DisplayError::Unavailable(_))), "{result:?}");
}

#[test]
fn the_client_futures_can_move_between_threads() {
    fn assert_send<T: Send>(_: T) {}
    let endpoints = TikTokEndpoints {
        login: "http://x".into(),
        open_api: "http://x".into(),
        shop_api: String::new(),
        shop_auth: String::new(),
        shop_services: String::new(),
    };
    let http = Http::new(HttpSettings::default()).expect("client");
    let secret = SecretString::from("s");
    let kit = LoginKit::new(&endpoints, "k", &secret, REDIRECT, http.clone()).expect("URLs");
    let display = DisplayApi::new(&endpoints, http);
    assert_send(kit.refresh(&secret, Utc::now()));
    assert_send(kit.revoke(&secret));
    assert_send(display.video_list(&secret, None, 1));
    assert_send(display.video_query(&secret, &[]));
}
