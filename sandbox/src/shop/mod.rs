//! The TikTok Shop Partner API (202309+) stand-in: seller consent, tokens, the signed API and
//! the Shop control routes (tiktok-api.md sections 5 and 6).
//!
//! Three routers, one per TikTok host, nested by [`crate::router`]: [`api_routes`]
//! (`open-api.tiktokglobalshop.com`), [`auth_routes`] (`auth.tiktok-shops.com`) and
//! [`consent_routes`] (`services.tiktokshop.com`); plus [`control_routes`] for the sandbox's
//! control API. Every API route goes through [`gateway`] (signature, timestamp, token,
//! `shop_cipher`, scope, rate limit, faults) before its handler; unknown paths, versions and
//! methods get TikTok's gateway errors.

pub mod analytics;
pub mod auth;
pub mod authorization;
pub mod control;
pub mod envelope;
pub mod events;
pub mod finance;
pub mod gateway;
pub mod grants;
pub mod order_view;
pub mod orders;
pub mod page_token;
pub mod products;
pub mod sign;

use axum::Router;
use axum::extract::{Request, State};
use axum::response::Response;
use axum::routing::{get, post};

use crate::Sandbox;
use envelope::{ShopError, codes};
use gateway::{Call, Endpoint, ShopScope};

/// What the Shop part of the sandbox holds beyond the world: the sellers' grants.
#[derive(Debug, Default)]
pub struct ShopState {
    /// Authorization codes and grants.
    pub grants: grants::Grants,
}

impl ShopState {
    /// Forgets every code and grant.
    pub fn reset(&self) {
        self.grants.reset();
    }
}

type Handler = fn(&Call) -> Result<envelope::Data, ShopError>;

/// Every API route: method, path (axum syntax), gateway rules and handler.
const ROUTES: &[(&str, &str, Endpoint, Handler)] = &[
    (
        "GET",
        "/authorization/202309/shops",
        refused("shop.authorized_shops", None),
        authorization::authorized_shops,
    ),
    ("GET", "/seller/202309/shops", refused("shop.active_shops", None), authorization::active_shops),
    (
        "POST",
        "/order/202309/orders/search",
        required("shop.orders_search", "seller.order.info"),
        orders::search,
    ),
    ("GET", "/order/202309/orders", required("shop.order_detail", "seller.order.info"), orders::detail),
    (
        "POST",
        "/product/202309/products/search",
        required("shop.products_search", "seller.product.basic"),
        products::search,
    ),
    (
        "GET",
        "/product/202309/products/{id}",
        required("shop.product_detail", "seller.product.basic"),
        products::detail,
    ),
    (
        "GET",
        "/finance/202309/statements",
        required("shop.statements", "seller.finance.info"),
        finance::statements,
    ),
    ("GET", "/finance/202309/payments", required("shop.payments", "seller.finance.info"), finance::payments),
    (
        "GET",
        "/finance/202309/statements/{id}/statement_transactions",
        required("shop.statement_transactions", "seller.finance.info"),
        finance::statement_transactions,
    ),
    (
        "GET",
        "/finance/202309/orders/{id}/statement_transactions",
        required("shop.order_statement_transactions", "seller.finance.info"),
        finance::order_statement_transactions,
    ),
    (
        "GET",
        "/analytics/202405/shop/performance",
        required("shop.shop_performance", "seller.data_analytics"),
        analytics::shop_performance,
    ),
];

const fn refused(name: &'static str, scope: Option<&'static str>) -> Endpoint {
    Endpoint { name, shop: ShopScope::Refused, scope }
}

const fn required(name: &'static str, scope: &'static str) -> Endpoint {
    Endpoint { name, shop: ShopScope::Required, scope: Some(scope) }
}

/// The API on `open-api.tiktokglobalshop.com`, paths as TikTok's.
pub fn api_routes() -> Router<Sandbox> {
    let mut router = Router::new();
    for (index, (method, path, _, _)) in ROUTES.iter().enumerate() {
        let run = move |State(sandbox): State<Sandbox>, request: Request| async move {
            let (_, _, endpoint, handler) = &ROUTES[index];
            gateway::handle(sandbox, request, endpoint, handler).await
        };
        router = match *method {
            "POST" => router.route(path, post(run)),
            _ => router.route(path, get(run)),
        };
    }
    router.fallback(unknown_path).method_not_allowed_fallback(wrong_method)
}

/// Token get and refresh on `auth.tiktok-shops.com`.
pub fn auth_routes() -> Router<Sandbox> {
    Router::new()
        .route("/api/v2/token/get", get(auth::token_get))
        .route("/api/v2/token/refresh", get(auth::token_refresh))
}

/// The seller consent page on `services.tiktokshop.com`.
pub fn consent_routes() -> Router<Sandbox> {
    Router::new().route("/open/authorize", get(auth::consent_page).post(auth::consent_decision))
}

/// The Shop control routes (paths beginning `/shop/`), for the main control router to merge.
pub fn control_routes() -> Router<Sandbox> {
    control::routes()
}

/// Whether `path` is a known route with another version segment (`/{module}/{version}/…`).
fn known_with_other_version(path: &str) -> bool {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    ROUTES.iter().any(|(_, template, _, _)| {
        let known: Vec<&str> = template.trim_start_matches('/').split('/').collect();
        known.len() == segments.len()
            && known
                .iter()
                .zip(&segments)
                .enumerate()
                .all(|(i, (k, s))| i == 1 || k.starts_with('{') || k == s)
    })
}

async fn unknown_path(State(sandbox): State<Sandbox>, request: Request) -> Response {
    let request_id = crate::log_id(sandbox.clock.now());
    let error = if known_with_other_version(request.uri().path()) {
        ShopError::new(
            codes::INVALID_VERSION,
            "Invalid API version. The version value is invalid or unsupported.",
        )
    } else {
        ShopError::new(codes::INVALID_PATH, "Invalid path. The API path does not exist.")
    };
    error.into_response(&request_id)
}

async fn wrong_method(State(sandbox): State<Sandbox>) -> Response {
    ShopError::new(codes::INVALID_METHOD, "Invalid method. The HTTP method is not supported by this API.")
        .into_response(&crate::log_id(sandbox.clock.now()))
}
