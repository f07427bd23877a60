//! Conformance of Login Kit, the Display API and the control API, driven through the router by a
//! client written from tiktok-api.md (sections 1-3): form-encoded token calls, flat token JSON,
//! the `{data, error}` envelope, comma-separated scopes and fields, millisecond cursors.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use base64::Engine;
use http_body_util::BodyExt;
use sandbox::config::PkceEncoding;
use sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

const START: i64 = 1_793_491_200; // 2026-11-01T00:00:00Z
const REDIRECT: &str = "http://127.0.0.1:3000/connect/tiktok/callback";
const VERIFIER: &str = "a-verifier-of-at-least-forty-three-characters-0123456789";

struct Client {
    router: axum::Router,
    sandbox: Sandbox,
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    text: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    fn location(&self) -> url::Url {
        let location = self.headers.get(header::LOCATION).expect("a redirect").to_str().expect("ascii");
        url::Url::parse(location).expect("absolute redirect")
    }
}

fn config() -> SandboxConfig {
    let mut config = SandboxConfig::for_public_url("http://127.0.0.1:3000");
    config.start = Some(START);
    config.scale.creators = 3;
    config.scale.videos_per_creator = 90;
    config.scale.history_days = 60;
    config
}

impl Client {
    fn new(config: SandboxConfig) -> Self {
        let sandbox = Sandbox::new(config);
        Client { router: sandbox::router(sandbox.clone()), sandbox }
    }

    async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.expect("router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        Reply { status, headers, text: String::from_utf8_lossy(&bytes).into_owned() }
    }

    async fn get(&self, uri: &str, token: Option<&str>) -> Reply {
        let mut request = Request::get(uri);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        self.send(request.body(Body::empty()).expect("request")).await
    }

    async fn post_form(&self, uri: &str, form: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(form).expect("form");
        self.send(
            Request::post(uri)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::CACHE_CONTROL, "no-cache")
                .body(Body::from(body))
                .expect("request"),
        )
        .await
    }

    async fn post_json(&self, uri: &str, token: &str, body: &Value) -> Reply {
        self.send(
            Request::post(uri)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json; charset=UTF-8")
                .body(Body::from(body.to_string()))
                .expect("request"),
        )
        .await
    }

    async fn control(&self, method: &str, path: &str, body: Value) -> Reply {
        self.send(
            Request::builder()
                .method(method)
                .uri(format!("/control{path}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .expect("request"),
        )
        .await
    }

    fn authorize_query(&self, scope: &str, state: &str, challenge: Option<&str>) -> String {
        let mut query = vec![
            ("client_key", "sbx_client_key"),
            ("scope", scope),
            ("redirect_uri", REDIRECT),
            ("state", state),
            ("response_type", "code"),
        ];
        if let Some(challenge) = challenge {
            query.push(("code_challenge", challenge));
            query.push(("code_challenge_method", "S256"));
        }
        serde_urlencoded::to_string(query).expect("query")
    }

    /// Opens the consent page, approves as creator `index` with `granted` ticked, and returns the
    /// callback URL.
    async fn consent(
        &self,
        scope: &str,
        granted: &[&str],
        index: usize,
        challenge: Option<&str>,
    ) -> url::Url {
        let query = self.authorize_query(scope, "xyz-state", challenge);
        let page = self.get(&format!("/tiktok/v2/auth/authorize/?{query}"), None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        let policy = page.headers[header::CONTENT_SECURITY_POLICY].to_str().expect("ascii");
        assert!(
            policy.contains("default-src 'none'")
                && policy.contains("form-action 'self' http://127.0.0.1:3000")
        );
        let open_id = self.sandbox.world.creators.all[index].open_id.clone();
        assert!(page.text.contains(&open_id), "the chooser lists the creators");
        for requested in scope.split(',') {
            assert!(page.text.contains(requested), "the page lists {requested}");
        }
        let mut form: Vec<(&str, &str)> = serde_urlencoded::from_str::<Vec<(String, String)>>(&query)
            .expect("query")
            .into_iter()
            .map(|(k, v)| (leak(k), leak(v)))
            .collect();
        form.push(("open_id", leak(open_id)));
        form.push(("decision", "approve"));
        form.extend(granted.iter().map(|g| ("granted", *g)));
        let reply = self.post_form(&format!("/tiktok/v2/auth/authorize/?{query}"), &form).await;
        assert!(reply.status.is_redirection(), "{} {}", reply.status, reply.text);
        reply.location()
    }

    async fn exchange(&self, code: &str, verifier: Option<&str>) -> Reply {
        let mut form = vec![
            ("client_key", "sbx_client_key"),
            ("client_secret", "sbx_client_secret"),
            ("code", code),
            ("grant_type", "authorization_code"),
            ("redirect_uri", REDIRECT),
        ];
        form.extend(verifier.map(|v| ("code_verifier", v)));
        self.post_form("/open-api/v2/oauth/token/", &form).await
    }

    async fn refresh(&self, refresh_token: &str) -> Reply {
        self.post_form(
            "/open-api/v2/oauth/token/",
            &[
                ("client_key", "sbx_client_key"),
                ("client_secret", "sbx_client_secret"),
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ],
        )
        .await
    }

    /// A full grant for creator `index`: (access token, refresh token, open_id).
    async fn connect(&self, index: usize, scope: &str) -> (String, String, String) {
        let granted: Vec<&str> = scope.split(',').collect();
        let callback = self.consent(scope, &granted, index, None).await;
        let code = param(&callback, "code").expect("code");
        let token = self.exchange(&code, None).await.json();
        (
            token["access_token"].as_str().expect("access").to_owned(),
            token["refresh_token"].as_str().expect("refresh").to_owned(),
            token["open_id"].as_str().expect("open_id").to_owned(),
        )
    }
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn param(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

fn assert_error(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    let body = reply.json();
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["log_id"].as_str().is_some_and(|l| !l.is_empty()));
    assert!(body["data"].is_object());
}

const ALL_READ: &str = "user.info.basic,user.info.profile,user.info.stats,video.list";

#[tokio::test]
async fn consent_with_a_partial_grant_and_pkce_in_both_encodings() {
    let client = Client::new(config());
    let digest = Sha256::digest(VERIFIER.as_bytes());
    for challenge in [base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest), hex::encode(digest)] {
        let callback = client
            .consent(ALL_READ, &["user.info.basic", "user.info.profile", "video.list"], 1, Some(&challenge))
            .await;
        assert!(callback.as_str().starts_with(REDIRECT));
        assert_eq!(param(&callback, "state").as_deref(), Some("xyz-state"));
        assert_eq!(
            param(&callback, "scopes").as_deref(),
            Some("user.info.basic,user.info.profile,video.list")
        );
        let code = param(&callback, "code").expect("code");
        assert!(code.contains('*') && code.contains('!'), "codes need URL-decoding, as TikTok's do");

        let wrong =
            client.exchange(&code, Some("b-wrong-verifier-of-at-least-forty-three-characters-012")).await;
        assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
        assert_eq!(wrong.json()["error"], "invalid_request");
        assert_eq!(wrong.json()["error_description"], "Code verifier or code challenge is invalid.");
    }
    // A fresh code with the right verifier.
    let callback = client.consent(ALL_READ, &["video.list"], 1, Some(&hex::encode(digest))).await;
    let code = param(&callback, "code").expect("code");
    let token = client.exchange(&code, Some(VERIFIER)).await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.text);
    let token = token.json();
    assert!(token.get("data").is_none(), "flat JSON, no data wrapper");
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["expires_in"], 7200);
    assert_eq!(token["refresh_expires_in"], 15_552_000);
    assert_eq!(token["scope"], "user.info.basic,video.list", "basic always comes with the grant");
    assert_eq!(token["open_id"], client.sandbox.world.creators.all[1].open_id.as_str());
    assert!(token["access_token"].as_str().expect("string").starts_with("act."));
    assert!(token["refresh_token"].as_str().expect("string").starts_with("rft."));

    let again = client.exchange(&code, Some(VERIFIER)).await;
    assert_eq!(again.json()["error"], "invalid_grant", "codes are single-use");
}

#[tokio::test]
async fn refuses_bad_authorize_requests_the_oauth_way() {
    let client = Client::new(config());
    let good = client.authorize_query("user.info.basic", "s1", None);
    let bad_client = good.replace("sbx_client_key", "someone_else");
    let page = client.get(&format!("/tiktok/v2/auth/authorize/?{bad_client}"), None).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "no redirect to an unverified client");

    let other_redirect = good.replace("callback", "callback2");
    let page = client.get(&format!("/tiktok/v2/auth/authorize/?{other_redirect}"), None).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "redirect_uri must match exactly");

    let bad_scope = client.authorize_query("user.info.basic,user.email", "s2", None);
    let reply = client.get(&format!("/tiktok/v2/auth/authorize/?{bad_scope}"), None).await;
    let location = reply.location();
    assert_eq!(param(&location, "error").as_deref(), Some("invalid_scope"));
    assert_eq!(param(&location, "state").as_deref(), Some("s2"));

    let bad_type = good.replace("response_type=code", "response_type=token");
    let reply = client.get(&format!("/tiktok/v2/auth/authorize/?{bad_type}"), None).await;
    assert_eq!(param(&reply.location(), "error").as_deref(), Some("unsupported_response_type"));

    let mut form: Vec<(String, String)> = serde_urlencoded::from_str(&good).expect("query");
    form.push(("decision".into(), "deny".into()));
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let reply = client.post_form("/tiktok/v2/auth/authorize/", &form).await;
    let location = reply.location();
    assert_eq!(param(&location, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&location, "state").as_deref(), Some("s1"));
    assert_eq!(param(&location, "code"), None);

    let token = client
        .post_form(
            "/open-api/v2/oauth/token/",
            &[("client_key", "sbx_client_key"), ("client_secret", "nope"), ("grant_type", "refresh_token")],
        )
        .await;
    assert_eq!(token.json()["error"], "invalid_client");
    let token = client
        .post_form(
            "/open-api/v2/oauth/token/",
            &[
                ("client_key", "sbx_client_key"),
                ("client_secret", "sbx_client_secret"),
                ("grant_type", "password"),
            ],
        )
        .await;
    assert_eq!(token.json()["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn hex_only_pkce_refuses_base64url() {
    let mut config = config();
    config.pkce = PkceEncoding::Hex;
    let client = Client::new(config);
    let challenge =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(VERIFIER.as_bytes()));
    let callback = client.consent("user.info.basic", &[], 0, Some(&challenge)).await;
    let reply = client.exchange(&param(&callback, "code").expect("code"), Some(VERIFIER)).await;
    assert_eq!(reply.json()["error"], "invalid_request");
}

#[tokio::test]
async fn tokens_expire_rotate_and_revoke() {
    let client = Client::new(config());
    let (access, refresh, _) = client.connect(0, ALL_READ).await;
    let info = "/open-api/v2/user/info/?fields=open_id,display_name";
    assert_eq!(client.get(info, Some(&access)).await.status, StatusCode::OK);

    client.sandbox.clock.advance(7200);
    assert_error(&client.get(info, Some(&access)).await, StatusCode::UNAUTHORIZED, "access_token_invalid");

    let renewed = client.refresh(&refresh).await.json();
    let new_refresh = renewed["refresh_token"].as_str().expect("rotated").to_owned();
    assert_ne!(new_refresh, refresh);
    let old = client.refresh(&refresh).await;
    assert_eq!(old.status, StatusCode::BAD_REQUEST);
    assert_eq!(old.json()["error"], "invalid_grant", "the old refresh token stops working");
    let new_access = renewed["access_token"].as_str().expect("access").to_owned();
    assert_eq!(client.get(info, Some(&new_access)).await.status, StatusCode::OK);

    let revoke = client
        .post_form(
            "/open-api/v2/oauth/revoke/",
            &[
                ("client_key", "sbx_client_key"),
                ("client_secret", "sbx_client_secret"),
                ("token", &new_access),
            ],
        )
        .await;
    assert_eq!(revoke.status, StatusCode::OK);
    assert_eq!(revoke.json(), json!({}));
    assert_error(
        &client.get(info, Some(&new_access)).await,
        StatusCode::UNAUTHORIZED,
        "access_token_invalid",
    );
    assert_eq!(client.refresh(&new_refresh).await.json()["error"], "invalid_grant");

    // Strict by default: revoking a token that is revoked, unknown or expired is refused, so a
    // client cannot mistake it for a revocation.
    let revoke_with = |token: String| {
        let client = &client;
        async move {
            client
                .post_form(
                    "/open-api/v2/oauth/revoke/",
                    &[
                        ("client_key", "sbx_client_key"),
                        ("client_secret", "sbx_client_secret"),
                        ("token", &token),
                    ],
                )
                .await
        }
    };
    let again = revoke_with(new_access.clone()).await;
    assert_eq!(
        (again.status, again.json()["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    assert_eq!(revoke_with("act.never-issued".into()).await.json()["error"], "invalid_request");
    let (lapsing, _, _) = client.connect(0, ALL_READ).await;
    client.sandbox.clock.advance(7200);
    let expired = revoke_with(lapsing.clone()).await;
    assert_eq!(expired.json()["error"], "invalid_request", "an expired access token revokes nothing");
    assert_eq!(expired.json()["error_description"], "The access token has expired.");

    // A refresh token outlives its lifetime: invalid_grant.
    let (_, refresh, _) = client.connect(0, ALL_READ).await;
    client.sandbox.clock.advance(180 * 86_400);
    assert_eq!(client.refresh(&refresh).await.json()["error"], "invalid_grant");
}

#[tokio::test]
async fn user_info_filters_fields_and_enforces_scopes() {
    let client = Client::new(config());
    let (access, _, open_id) = client.connect(2, "user.info.basic,user.info.profile").await;
    let reply = client
        .get("/open-api/v2/user/info/?fields=open_id,display_name,username,is_verified", Some(&access))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(body["error"]["code"], "ok");
    let user = body["data"]["user"].as_object().expect("user object");
    assert_eq!(user.keys().collect::<Vec<_>>(), ["display_name", "is_verified", "open_id", "username"]);
    assert_eq!(user["open_id"], open_id.as_str());
    assert!(user["is_verified"].is_boolean());

    let stats = client.get("/open-api/v2/user/info/?fields=open_id,follower_count", Some(&access)).await;
    assert_error(&stats, StatusCode::UNAUTHORIZED, "scope_not_authorized");
    assert_error(
        &client.get("/open-api/v2/user/info/?fields=email", Some(&access)).await,
        StatusCode::BAD_REQUEST,
        "invalid_params",
    );
    assert_error(
        &client.get("/open-api/v2/user/info/", Some(&access)).await,
        StatusCode::BAD_REQUEST,
        "invalid_params",
    );
    assert_error(
        &client.get("/open-api/v2/user/info/?fields=open_id", None).await,
        StatusCode::UNAUTHORIZED,
        "access_token_invalid",
    );

    let (access, _, _) = client.connect(2, ALL_READ).await;
    let fields = "follower_count,following_count,likes_count,video_count";
    let before = client.get(&format!("/open-api/v2/user/info/?fields={fields}"), Some(&access)).await.json();
    for field in fields.split(',') {
        assert!(before["data"]["user"][field].is_u64(), "{field} is an integer");
    }
    client.sandbox.clock.advance(20 * 86_400);
    let (access, _, _) = client.connect(2, ALL_READ).await; // the first token has expired by now
    let after = client.get(&format!("/open-api/v2/user/info/?fields={fields}"), Some(&access)).await;
    let after = after.json();
    assert!(after["data"]["user"]["likes_count"].as_u64() > before["data"]["user"]["likes_count"].as_u64());
    assert!(after["data"]["user"]["video_count"].as_u64() > before["data"]["user"]["video_count"].as_u64());
}

#[tokio::test]
async fn video_list_pages_to_the_end_and_query_agrees() {
    let client = Client::new(config());
    let (access, _, open_id) = client.connect(0, ALL_READ).await;
    let fields = "id,create_time,view_count,like_count,comment_count,share_count,cover_image_url,share_url,title,duration";
    let uri = format!("/open-api/v2/video/list/?fields={fields}");
    let mut cursor: Option<i64> = None;
    let mut seen: Vec<(String, i64)> = Vec::new();
    loop {
        let mut body = json!({ "max_count": 20 });
        if let Some(cursor) = cursor {
            body["cursor"] = json!(cursor);
        }
        let reply = client.post_json(&uri, &access, &body).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let data = reply.json()["data"].clone();
        let videos = data["videos"].as_array().expect("videos").clone();
        assert!(videos.len() <= 20);
        for video in &videos {
            assert!(video["id"].is_string() && video["view_count"].is_u64() && video["create_time"].is_i64());
            seen.push((
                video["id"].as_str().expect("id").to_owned(),
                video["create_time"].as_i64().expect("time"),
            ));
        }
        assert!(data["cursor"].is_i64(), "cursor is a number of milliseconds");
        if !data["has_more"].as_bool().expect("has_more") {
            break;
        }
        cursor = data["cursor"].as_i64();
    }
    let creator = client.sandbox.world.creators.by_open_id(&open_id).expect("creator");
    let expected = client.sandbox.world.creators.all_videos(creator, client.sandbox.clock.now());
    assert!(expected.len() > 40, "several pages: {}", expected.len());
    assert_eq!(
        seen.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>(),
        expected.iter().map(|v| v.id.clone()).collect::<Vec<_>>(),
        "no gaps, no repeats"
    );
    assert!(seen.windows(2).all(|w| w[0].1 > w[1].1), "newest first");

    let ids: Vec<&str> = seen.iter().take(20).map(|(id, _)| id.as_str()).collect();
    let queried = client
        .post_json(
            "/open-api/v2/video/query/?fields=id,view_count",
            &access,
            &json!({ "filters": { "video_ids": ids } }),
        )
        .await
        .json();
    assert_eq!(queried["data"]["videos"].as_array().expect("videos").len(), 20);

    // Another creator's video is not the token owner's: it does not come back.
    let other = client
        .sandbox
        .world
        .creators
        .all_videos(&client.sandbox.world.creators.all[1], client.sandbox.clock.now());
    let foreign = client
        .post_json(
            "/open-api/v2/video/query/?fields=id",
            &access,
            &json!({ "filters": { "video_ids": [other[0].id] } }),
        )
        .await
        .json();
    assert_eq!(foreign["data"]["videos"], json!([]));

    let too_many: Vec<String> = (0..21).map(|i| i.to_string()).collect();
    assert_error(
        &client
            .post_json(
                "/open-api/v2/video/query/?fields=id",
                &access,
                &json!({ "filters": { "video_ids": too_many } }),
            )
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_params",
    );
    assert_error(
        &client.post_json(&uri, &access, &json!({ "max_count": 21 })).await,
        StatusCode::BAD_REQUEST,
        "invalid_params",
    );
    assert_error(
        &client.post_json("/open-api/v2/video/list/?fields=id,plays", &access, &json!({})).await,
        StatusCode::BAD_REQUEST,
        "invalid_params",
    );

    let (basic_only, _, _) = client.connect(0, "user.info.basic").await;
    assert_error(
        &client.post_json(&uri, &basic_only, &json!({})).await,
        StatusCode::UNAUTHORIZED,
        "scope_not_authorized",
    );
}

#[tokio::test]
async fn display_rate_limit_is_a_sliding_minute() {
    let mut config = config();
    config.display_rate_per_minute = 3;
    let client = Client::new(config);
    let (access, _, _) = client.connect(0, ALL_READ).await;
    let info = "/open-api/v2/user/info/?fields=open_id";
    for _ in 0..3 {
        assert_eq!(client.get(info, Some(&access)).await.status, StatusCode::OK);
    }
    let limited = client.get(info, Some(&access)).await;
    assert_error(&limited, StatusCode::TOO_MANY_REQUESTS, "rate_limit_exceeded");
    assert!(limited.headers.get(header::RETRY_AFTER).is_some());
    let other_endpoint = client.post_json("/open-api/v2/video/list/?fields=id", &access, &json!({})).await;
    assert_eq!(other_endpoint.status, StatusCode::OK, "limits are per endpoint");
    client.sandbox.clock.advance(61);
    assert_eq!(client.get(info, Some(&access)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn faults_armed_through_the_control_api() {
    let client = Client::new(config());
    let (access, refresh, open_id) = client.connect(0, ALL_READ).await;
    let list = "/open-api/v2/video/list/?fields=id";

    let armed = client
        .control("POST", "/faults", json!({ "endpoint": "display.video_list", "account": open_id, "kind": "rate_limited", "retry_after": 9, "times": 1 }))
        .await;
    assert_eq!(armed.status, StatusCode::CREATED, "{}", armed.text);
    let limited = client.post_json(list, &access, &json!({})).await;
    assert_error(&limited, StatusCode::TOO_MANY_REQUESTS, "rate_limit_exceeded");
    assert_eq!(limited.headers[header::RETRY_AFTER], "9");
    assert_eq!(client.post_json(list, &access, &json!({})).await.status, StatusCode::OK, "fired once");

    client
        .control(
            "POST",
            "/faults",
            json!({ "endpoint": "display", "kind": "server_error", "status": 503, "times": 1 }),
        )
        .await;
    assert_error(
        &client.post_json(list, &access, &json!({})).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "internal_error",
    );

    let (other_access, _, other_open_id) = client.connect(1, ALL_READ).await;
    client
        .control("POST", "/faults", json!({ "account": open_id, "kind": "latency", "ms": 150, "times": 1 }))
        .await;
    let started = std::time::Instant::now();
    assert_eq!(client.post_json(list, &access, &json!({})).await.status, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert_ne!(other_open_id, open_id);

    client.control("POST", "/faults", json!({ "account": other_open_id, "kind": "expired_token" })).await;
    assert_error(
        &client.post_json(list, &other_access, &json!({})).await,
        StatusCode::UNAUTHORIZED,
        "access_token_invalid",
    );
    assert_eq!(
        client.post_json(list, &access, &json!({})).await.status,
        StatusCode::OK,
        "other accounts unaffected"
    );
    assert_eq!(client.control("DELETE", "/faults", json!({})).await.json()["cleared"], 1);

    client
        .control(
            "POST",
            "/faults",
            json!({ "endpoint": "oauth.token", "account": open_id, "kind": "revoked_token", "times": 1 }),
        )
        .await;
    assert_eq!(client.refresh(&refresh).await.json()["error"], "invalid_grant");
    assert_error(
        &client.post_json(list, &access, &json!({})).await,
        StatusCode::UNAUTHORIZED,
        "access_token_invalid",
    );

    let bad = client.control("POST", "/faults", json!({ "kind": "server_error", "status": 404 })).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let bad = client.control("POST", "/faults", json!({ "kind": "meteor" })).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn control_moves_time_adds_activity_and_resets() {
    let client = Client::new(config());
    let (access, _, open_id) = client.connect(0, ALL_READ).await;
    let state = client.control("GET", "/state", json!({})).await.json();
    assert_eq!(state["now"].as_i64().map(|n| (n - START).abs() <= 2), Some(true));
    assert_eq!(state["creators"].as_array().map(Vec::len), Some(3));
    let sellers = client.control("GET", "/shop/sellers", json!({})).await;
    assert_eq!(sellers.status, StatusCode::OK, "the Shop control routes are merged in: {}", sellers.text);

    let added = client
        .control(
            "POST",
            &format!("/creators/{open_id}/videos"),
            json!({ "count": 2, "description": "Baru! #fyp" }),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED);
    let ids = added.json()["video_ids"].clone();
    let newest = client
        .post_json(
            "/open-api/v2/video/list/?fields=id,video_description",
            &access,
            &json!({ "max_count": 2 }),
        )
        .await
        .json();
    assert_eq!(newest["data"]["videos"][0]["id"], ids[0]);
    assert_eq!(newest["data"]["videos"][0]["video_description"], "Baru! #fyp");

    let info = "/open-api/v2/user/info/?fields=follower_count";
    let before =
        client.get(info, Some(&access)).await.json()["data"]["user"]["follower_count"].as_u64().expect("n");
    let grown = client
        .control(
            "POST",
            &format!("/creators/{open_id}/growth"),
            json!({ "views_factor": 1.0, "followers": 5000 }),
        )
        .await;
    assert_eq!(grown.status, StatusCode::OK);
    let after =
        client.get(info, Some(&access)).await.json()["data"]["user"]["follower_count"].as_u64().expect("n");
    assert!(after >= before + 5000, "{before} -> {after}");

    let advanced = client.control("POST", "/time/advance", json!({ "seconds": 86_400 })).await.json();
    assert!((advanced["now"].as_i64().expect("now") - START - 86_400).abs() <= 2);
    assert_eq!(
        client.control("POST", "/time/advance", json!({ "seconds": -5 })).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        client.control("POST", "/creators/nobody/videos", json!({})).await.status,
        StatusCode::NOT_FOUND
    );

    client.control("POST", "/reset", json!({})).await;
    assert_error(&client.get(info, Some(&access)).await, StatusCode::UNAUTHORIZED, "access_token_invalid");
    let creator = &client.sandbox.world.creators.all[0];
    assert!(
        !client
            .sandbox
            .world
            .creators
            .all_videos(creator, client.sandbox.clock.now())
            .iter()
            .any(|v| v.id == ids[0])
    );
}

#[tokio::test]
async fn deauthorizing_a_creator_sends_a_signed_webhook() {
    use std::sync::{Arc, Mutex};
    let received: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let sink = received.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let receiver = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
            let sink = sink.clone();
            async move {
                let signature = headers["tiktok-signature"].to_str().expect("ascii").to_owned();
                let mut sink = sink.lock().expect("lock");
                sink.push((signature, body));
                // Fail the first delivery: the sandbox must retry.
                if sink.len() == 1 { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::OK }
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, receiver).await.expect("serve") });

    let mut config = config();
    config.tiktok_webhook_url = Some(format!("http://{address}/hook"));
    config.webhook_retry_base = Duration::from_millis(50);
    let client = Client::new(config);
    let (_, refresh, open_id) = client.connect(1, ALL_READ).await;
    let reply =
        client.control("POST", &format!("/creators/{open_id}/deauthorize"), json!({ "reason": 1 })).await;
    assert_eq!(reply.json()["revoked"], 1);
    assert_eq!(client.refresh(&refresh).await.json()["error"], "invalid_grant");

    for _ in 0..250 {
        if received.lock().expect("lock").len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let deliveries = received.lock().expect("lock").clone();
    assert_eq!(deliveries.len(), 2, "retried after a 500, then stopped");
    let (signature, body) = &deliveries[1];
    let (t, s) = signature.split_once(",s=").expect("t=..,s=..");
    let t = t.strip_prefix("t=").expect("t=");
    use hmac::Mac;
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(b"sbx_client_secret").expect("key");
    mac.update(format!("{t}.{body}").as_bytes());
    assert_eq!(hex::encode(mac.finalize().into_bytes()), s, "TikTok-Signature verifies");
    let event: Value = serde_json::from_str(body).expect("json");
    assert_eq!(event["event"], "authorization.removed");
    assert_eq!(event["user_openid"], open_id.as_str());
    assert_eq!(event["client_key"], "sbx_client_key");
    let content: Value =
        serde_json::from_str(event["content"].as_str().expect("content is a JSON string")).expect("json");
    assert_eq!(content["reason"], 1);
    // The receiver records a delivery before it answers, so the sandbox may not have read the
    // 200 yet: wait for the log to say so.
    let mut log = Value::Null;
    for _ in 0..250 {
        log = client.control("GET", "/webhooks", json!({})).await.json();
        if log["deliveries"][0]["status"] != "pending" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(log["deliveries"][0]["status"], "delivered");
    assert_eq!(log["deliveries"][0]["attempts"], 2);
}

#[tokio::test]
async fn covers_and_avatars_are_served() {
    let client = Client::new(config());
    let (access, _, open_id) = client.connect(0, ALL_READ).await;
    let list = client
        .post_json("/open-api/v2/video/list/?fields=cover_image_url", &access, &json!({ "max_count": 1 }))
        .await
        .json();
    let cover = list["data"]["videos"][0]["cover_image_url"].as_str().expect("url").to_owned();
    let path = cover.strip_prefix("http://127.0.0.1:3000/sandbox").expect("served by the sandbox");
    let reply = client.get(path, None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers[header::CONTENT_TYPE], "image/svg+xml");
    assert_eq!(client.get(&format!("/media/avatar/{open_id}.svg"), None).await.status, StatusCode::OK);
    assert_eq!(client.get("/media/avatar/nobody.svg", None).await.status, StatusCode::NOT_FOUND);
}
