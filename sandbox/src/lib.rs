//! A local stand-in for TikTok and TikTok Shop that speaks their wire protocol.
//!
//! Soco mounts [`router`] under `/sandbox` when `SOCO_TIKTOK_MODE=sandbox` and points its TikTok
//! base URLs there, so the real client code, OAuth redirects and request signing run in the demo
//! and in every test; `server sandbox` serves it alone. Each TikTok host is a path prefix
//! ([`paths`]); below it the paths are TikTok's own. The crate follows `tiktok-api.md` and depends
//! on no other Soco crate.

pub mod clock;
pub mod config;
pub mod control;
pub mod display;
pub mod faults;
pub mod grants;
pub mod html;
pub mod login_kit;
pub mod media;
pub mod open_api;
pub mod posting;
pub mod rate_limit;
pub mod shop;
pub mod webhooks;
pub mod world;

use std::ops::Deref;
use std::sync::Arc;

use axum::Router;
use axum::routing::get;

pub use config::SandboxConfig;

/// Where each TikTok host lives under the sandbox's mount point.
pub mod paths {
    /// `https://www.tiktok.com`: the Login Kit consent page.
    pub const LOGIN: &str = "/tiktok";
    /// `https://open.tiktokapis.com`: OAuth tokens, Display and Content Posting APIs.
    pub const OPEN_API: &str = "/open-api";
    /// `https://open-api.tiktokglobalshop.com`: the Shop Partner API.
    pub const SHOP_API: &str = "/shop-api";
    /// `https://auth.tiktok-shops.com`: Shop tokens.
    pub const SHOP_AUTH: &str = "/shop-auth";
    /// `https://services.tiktokshop.com`: the seller consent page.
    pub const SHOP_SERVICES: &str = "/shop-services";
    /// The sandbox's own control API (no TikTok counterpart).
    pub const CONTROL: &str = "/control";
}

/// Everything the sandbox holds. Shared by every handler through [`Sandbox`].
#[derive(Debug)]
pub struct State {
    /// Its configuration.
    pub config: SandboxConfig,
    /// Sandbox time.
    pub clock: clock::Clock,
    /// Sliding-window limits of every API.
    pub limiter: rate_limit::RateLimiter,
    /// Faults armed by the control API.
    pub faults: faults::Faults,
    /// Outgoing webhooks.
    pub webhooks: webhooks::Webhooks,
    /// The synthetic data.
    pub world: world::World,
    /// TikTok Shop grants.
    pub shop: shop::ShopState,
    /// Login Kit codes and tokens.
    pub grants: grants::Grants,
    /// Content Posting posts.
    pub posts: posting::Posts,
}

/// A running sandbox: cheap to clone, shared by its routes.
#[derive(Debug, Clone)]
pub struct Sandbox(Arc<State>);

impl Deref for Sandbox {
    type Target = State;
    fn deref(&self) -> &State {
        &self.0
    }
}

impl Sandbox {
    /// A sandbox with `config`, its world generated and its clock started.
    pub fn new(config: SandboxConfig) -> Self {
        let clock = clock::Clock::starting_at(config.start);
        let world = world::World::new(&config.scale, clock.start());
        let webhooks = webhooks::Webhooks::new(config.webhook_retry_base, config.webhook_max_attempts);
        Sandbox(Arc::new(State {
            clock,
            limiter: rate_limit::RateLimiter::default(),
            faults: faults::Faults::default(),
            webhooks,
            world,
            shop: shop::ShopState::default(),
            grants: grants::Grants::default(),
            posts: posting::Posts::default(),
            config,
        }))
    }

    /// Back to the start: clock, tokens, overlays, posts, faults, limits and the webhook log.
    pub fn reset(&self) {
        self.clock.reset();
        self.limiter.reset();
        self.faults.clear(None);
        self.webhooks.reset();
        self.world.reset();
        self.shop.reset();
        self.grants.reset();
        self.posts.reset();
    }
}

/// A TikTok-style log or request id for `now` (Unix seconds): the time, then random hex.
pub fn log_id(now: i64) -> String {
    let time = chrono::DateTime::from_timestamp(now, 0).unwrap_or_default().format("%Y%m%d%H%M%S");
    format!("{time}{:016X}{:02X}", rand::random::<u64>(), rand::random::<u8>())
}

/// The sandbox's routes, relative to where they are mounted.
pub fn router(sandbox: Sandbox) -> Router {
    let open_api =
        Router::new().merge(login_kit::token_routes()).merge(display::routes()).merge(posting::routes());
    Router::new()
        .route("/healthz", get(|| async { axum::Json(serde_json::json!({ "status": "ok" })) }))
        .nest(paths::SHOP_API, shop::api_routes())
        .nest(paths::SHOP_AUTH, shop::auth_routes())
        .nest(paths::SHOP_SERVICES, shop::consent_routes())
        .nest(paths::LOGIN, login_kit::consent_routes())
        .nest(paths::OPEN_API, open_api)
        .nest(paths::CONTROL, control::routes())
        .merge(media::routes())
        .with_state(sandbox)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    #[tokio::test]
    async fn answers_its_health_check() {
        let sandbox = Sandbox::new(SandboxConfig::for_public_url("http://127.0.0.1:3000"));
        let response = router(sandbox)
            .oneshot(Request::get("/healthz").body(Body::empty()).expect("request"))
            .await
            .expect("response");
        assert_eq!(response.status(), StatusCode::OK);
        let body = response.into_body().collect().await.expect("body").to_bytes();
        assert_eq!(&body[..], br#"{"status":"ok"}"#);
    }

    #[test]
    fn log_ids_start_with_the_time() {
        let id = log_id(1_793_491_200);
        assert!(id.starts_with("20261101000000"), "{id}");
        assert_eq!(id.len(), 32);
    }
}
