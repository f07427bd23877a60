//! A TikTok Shop client written from tiktok-api.md sections 5 and 6 alone (not from the
//! sandbox's code): it signs requests with the documented algorithm, sends the exact body bytes
//! it signed, and drives the sandbox's real router in process.

#![allow(dead_code)]

use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use hmac::{Hmac, Mac};
use http_body_util::BodyExt;
use sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;
use sha2::Sha256;
use tower::ServiceExt;

/// Sandbox time the tests start at: 2026-11-01T00:00:00Z.
pub const START: i64 = 1_793_491_200;

pub fn config(orders_per_day: u32, history_days: u32) -> SandboxConfig {
    let mut config = SandboxConfig::for_public_url("http://127.0.0.1:9");
    config.start = Some(START);
    config.scale.orders_per_day = orders_per_day;
    config.scale.history_days = history_days;
    config.scale.products_per_shop = 30;
    config.shop_rate_per_second = 1_000_000;
    // Deliveries go nowhere (port 9 discards); the delivery log still records them.
    config.shop_webhook_url = Some("http://127.0.0.1:9/webhooks/tiktok-shop".into());
    config
}

pub fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// tiktok-api.md 5.4: sort the query (minus sign and access_token) by key, concatenate
/// key+value, prepend the path, append the body, wrap in the secret, HMAC-SHA256 with the secret.
pub fn spec_sign(secret: &str, path: &str, query: &[(String, String)], body: &str) -> String {
    let mut pairs: Vec<&(String, String)> =
        query.iter().filter(|(k, _)| k != "sign" && k != "access_token").collect();
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    let mut base = path.to_owned();
    for (k, v) in pairs {
        base.push_str(k);
        base.push_str(v);
    }
    base.push_str(body);
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{secret}{base}{secret}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
    pub text: String,
}

pub async fn send(router: &Router, request: Request<Body>) -> Reply {
    let response = router.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Reply { status, headers, body: serde_json::from_str(&text).unwrap_or(Value::Null), text }
}

/// How a request deviates from a correct one (for the rejection tests).
#[derive(Default, Clone)]
pub struct Tamper {
    pub sign_path: Option<String>,
    pub sign_query_extra: Option<(String, String)>,
    pub sign_body: Option<String>,
    pub timestamp: Option<i64>,
    pub secret: Option<String>,
    pub omit_sign: bool,
    pub content_type: Option<&'static str>,
}

pub struct Client {
    pub router: Router,
    pub sandbox: Sandbox,
    pub app_key: String,
    pub app_secret: String,
    pub access_token: String,
    pub refresh_token: String,
}

impl Client {
    /// Authorizes seller `seller` (position on the consent page) and exchanges the code.
    pub async fn authorize(sandbox: &Sandbox, seller: usize) -> Client {
        let router = sandbox::router(sandbox.clone());
        let app = sandbox.config.shop_app.clone();
        let page = send(
            &router,
            Request::get(format!("/shop-services/open/authorize?service_id={}&state=s1", app.service_id))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
        assert_eq!(page.status, StatusCode::OK);
        let open_id = page
            .text
            .split("name=\"seller\" value=\"")
            .nth(seller + 1)
            .and_then(|rest| rest.split('"').next())
            .expect("a seller radio button")
            .to_owned();
        let scopes: Vec<&str> = page
            .text
            .split("name=\"scope\" value=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("service_id", &app.service_id)
            .append_pair("state", "s1")
            .append_pair("seller", &open_id);
        for scope in &scopes {
            form.append_pair("scope", scope);
        }
        form.append_pair("decision", "approve");
        let decision = send(
            &router,
            Request::post("/shop-services/open/authorize")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(form.finish()))
                .expect("request"),
        )
        .await;
        assert!(decision.status.is_redirection(), "{}", decision.status);
        let location = decision.headers["location"].to_str().expect("location").to_owned();
        let code = redirect_param(&location, "code").expect("code");
        assert_eq!(redirect_param(&location, "state").as_deref(), Some("s1"));
        let token = get_token(&router, &app.app_key, &app.app_secret, &code).await;
        assert_eq!(token.body["code"], 0, "{}", token.text);
        let data = &token.body["data"];
        Client {
            router,
            sandbox: sandbox.clone(),
            app_key: app.app_key,
            app_secret: app.app_secret,
            access_token: data["access_token"].as_str().expect("access token").to_owned(),
            refresh_token: data["refresh_token"].as_str().expect("refresh token").to_owned(),
        }
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        cipher: Option<&str>,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Reply {
        self.call_tampered(method, path, cipher, query, body, &Tamper::default()).await
    }

    pub async fn call_tampered(
        &self,
        method: &str,
        path: &str,
        cipher: Option<&str>,
        query: &[(&str, &str)],
        body: Option<&Value>,
        tamper: &Tamper,
    ) -> Reply {
        let timestamp = tamper.timestamp.unwrap_or_else(unix_now).to_string();
        let mut params: Vec<(String, String)> =
            vec![("app_key".into(), self.app_key.clone()), ("timestamp".into(), timestamp)];
        if let Some(cipher) = cipher {
            params.push(("shop_cipher".into(), cipher.into()));
        }
        params.extend(query.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
        // Serialize the body once; those exact bytes are signed and sent.
        let body_text = body.map(Value::to_string).unwrap_or_default();
        let mut signed_params = params.clone();
        if let Some(extra) = &tamper.sign_query_extra {
            signed_params.push(extra.clone());
        }
        let sign = spec_sign(
            tamper.secret.as_deref().unwrap_or(&self.app_secret),
            tamper.sign_path.as_deref().unwrap_or(path),
            &signed_params,
            tamper.sign_body.as_deref().unwrap_or(&body_text),
        );
        if !tamper.omit_sign {
            params.push(("sign".into(), sign));
        }
        let mut query_string = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &params {
            query_string.append_pair(k, v);
        }
        let request = Request::builder()
            .method(method)
            .uri(format!("/shop-api{path}?{}", query_string.finish()))
            .header("content-type", tamper.content_type.unwrap_or("application/json"))
            .header("x-tts-access-token", &self.access_token)
            .body(Body::from(body_text))
            .expect("request");
        send(&self.router, request).await
    }

    /// The shops this token reaches: (cipher, id) pairs.
    pub async fn shops(&self) -> Vec<(String, String)> {
        let reply = self.call("GET", "/authorization/202309/shops", None, &[], None).await;
        assert_eq!(reply.body["code"], 0, "{}", reply.text);
        reply.body["data"]["shops"]
            .as_array()
            .expect("shops")
            .iter()
            .map(|s| {
                (s["cipher"].as_str().expect("cipher").to_owned(), s["id"].as_str().expect("id").to_owned())
            })
            .collect()
    }
}

pub fn redirect_param(location: &str, key: &str) -> Option<String> {
    let query = location.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
}

pub async fn get_token(router: &Router, app_key: &str, app_secret: &str, code: &str) -> Reply {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("app_key", app_key)
        .append_pair("app_secret", app_secret)
        .append_pair("auth_code", code)
        .append_pair("grant_type", "authorized_code")
        .finish();
    send(
        router,
        Request::get(format!("/shop-auth/api/v2/token/get?{query}")).body(Body::empty()).expect("request"),
    )
    .await
}

pub async fn refresh_token(router: &Router, app_key: &str, app_secret: &str, refresh: &str) -> Reply {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("app_key", app_key)
        .append_pair("app_secret", app_secret)
        .append_pair("refresh_token", refresh)
        .append_pair("grant_type", "refresh_token")
        .finish();
    send(
        router,
        Request::get(format!("/shop-auth/api/v2/token/refresh?{query}"))
            .body(Body::empty())
            .expect("request"),
    )
    .await
}

/// Sends a control request (the Shop control routes mounted on their own).
pub async fn control(sandbox: &Sandbox, method: &str, path: &str, body: Option<Value>) -> Reply {
    let router = sandbox::shop::control_routes().with_state(sandbox.clone());
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json")
        .body(Body::from(body.map(|b| b.to_string()).unwrap_or_default()))
        .expect("request");
    send(&router, request).await
}
