//! The sandbox's Shop control routes (no TikTok counterpart), merged under `/control` by the
//! main control router:
//!
//! - `GET /shop/sellers`: the sandbox sellers, their shops (id, cipher, region, currency) and
//!   how many live grants each seller has.
//! - `POST /shop/orders` `{"shop_id", "count"}`: adds `count` (1-1000) orders created now;
//!   each emits `ORDER_STATUS_CHANGE` (UNPAID), then again at each status change as sandbox time
//!   passes (paid, shipped, delivered, completed or cancelled).
//! - `POST /shop/products` `{"shop_id", "product_id", "status"?, "title"?, "price"?}`: changes a
//!   product from now on and emits `PRODUCT_STATUS_CHANGE`.
//! - `POST /shop/deauthorize` `{"open_id"}` or `{"shop_id"}`: revokes the seller's tokens and
//!   emits `SELLER_DEAUTHORIZATION` for each of its shops.
//! - `POST /shop/authorization-expiring` `{"open_id"}` or `{"shop_id"}`: emits
//!   `UPCOMING_AUTHORIZATION_EXPIRATION` for each of the seller's shops (TikTok sends it 30 days
//!   before the grant expires).
//!
//! Answers are plain JSON; errors are `{"error": "…"}` with HTTP 400 or 404.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Value, json};

use super::envelope::money;
use super::events;
use crate::Sandbox;
use crate::world::DAY;
use crate::world::shops::{ProductChange, Seller, Shop};

/// Most orders one call adds.
const MAX_ADDED_ORDERS: u32 = 1000;

/// The Shop control routes, paths beginning `/shop/`.
pub fn routes() -> Router<Sandbox> {
    Router::new()
        .route("/shop/sellers", get(sellers))
        .route("/shop/orders", post(add_orders))
        .route("/shop/products", post(change_product))
        .route("/shop/deauthorize", post(deauthorize))
        .route("/shop/authorization-expiring", post(authorization_expiring))
}

/// A refused control request: its HTTP status and what was wrong.
#[derive(Debug)]
struct Refusal(StatusCode, String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    Refusal(status, message.into()).into_response()
}

fn shop_by_id<'a>(sandbox: &'a Sandbox, id: &str) -> Result<&'a Shop, Refusal> {
    sandbox.world.shops.by_id(id).ok_or_else(|| Refusal(StatusCode::NOT_FOUND, format!("no shop {id}")))
}

async fn sellers(State(sandbox): State<Sandbox>) -> Json<Value> {
    let shops = &sandbox.world.shops;
    let sellers: Vec<Value> = shops
        .sellers
        .iter()
        .map(|seller| {
            json!({
                "open_id": seller.open_id,
                "name": seller.name,
                "base_region": seller.base_region,
                "live_grants": sandbox.shop.grants.of_seller(seller.index).len(),
                "shops": seller.shops.iter().filter_map(|i| shops.all.get(*i as usize)).map(|shop| json!({
                    "id": shop.id,
                    "cipher": shop.cipher,
                    "code": shop.code,
                    "name": shop.name,
                    "region": shop.market.region,
                    "currency": shop.market.currency,
                    "seller_type": shop.seller_type.as_str(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    Json(json!({ "sellers": sellers }))
}

#[derive(Debug, Deserialize)]
struct AddOrders {
    shop_id: String,
    count: u32,
}

async fn add_orders(State(sandbox): State<Sandbox>, Json(request): Json<AddOrders>) -> Response {
    let shop = match shop_by_id(&sandbox, &request.shop_id) {
        Ok(shop) => shop,
        Err(refusal) => return refusal.into_response(),
    };
    if !(1..=MAX_ADDED_ORDERS).contains(&request.count) {
        return refuse(StatusCode::BAD_REQUEST, format!("count must be between 1 and {MAX_ADDED_ORDERS}"));
    }
    let now = sandbox.clock.now();
    let orders = sandbox.world.shops.add_orders(shop, now, request.count);
    for order in &orders {
        events::emit(&sandbox, events::ORDER_STATUS_CHANGE, shop, &events::order_status_change(order, now));
    }
    events::watch_orders(&sandbox, shop, orders.clone());
    let listed: Vec<Value> = orders
        .iter()
        .map(|o| {
            json!({
                "id": o.id,
                "status": o.timeline.status_at(now).as_str(),
                "create_time": o.timeline.create,
                "total_amount": money(o.total_amount()),
                "currency": shop.market.currency,
            })
        })
        .collect();
    Json(json!({ "orders": listed })).into_response()
}

#[derive(Debug, Deserialize)]
struct ChangeProduct {
    shop_id: String,
    product_id: String,
    status: Option<String>,
    title: Option<String>,
    price: Option<String>,
}

async fn change_product(State(sandbox): State<Sandbox>, Json(request): Json<ChangeProduct>) -> Response {
    let shop = match shop_by_id(&sandbox, &request.shop_id) {
        Ok(shop) => shop,
        Err(refusal) => return refusal.into_response(),
    };
    let shops = &sandbox.world.shops;
    let Some(product) = shops.product_by_id(shop, &request.product_id) else {
        return refuse(
            StatusCode::NOT_FOUND,
            format!("no product {} in shop {}", request.product_id, shop.id),
        );
    };
    let price = match request.price.as_deref().map(str::parse::<Decimal>) {
        Some(Ok(price)) if price > Decimal::ZERO => Some(shop.market.round(price)),
        Some(_) => return refuse(StatusCode::BAD_REQUEST, "price must be a positive decimal string"),
        None => None,
    };
    if request.status.is_none() && request.title.is_none() && price.is_none() {
        return refuse(StatusCode::BAD_REQUEST, "change at least one of status, title or price");
    }
    let change =
        ProductChange { status: request.status, title: request.title, price, at: sandbox.clock.now() };
    let changed = shops.change_product(shop, product.index, change);
    events::emit(&sandbox, events::PRODUCT_STATUS_CHANGE, shop, &events::product_status_change(&changed));
    Json(json!({
        "id": changed.id,
        "title": changed.title,
        "status": changed.status,
        "update_time": changed.update_time,
        "prices": changed.skus.iter().map(|s| money(s.price)).collect::<Vec<_>>(),
    }))
    .into_response()
}

#[derive(Debug, Deserialize)]
struct SellerRef {
    open_id: Option<String>,
    shop_id: Option<String>,
}

fn seller_of<'a>(sandbox: &'a Sandbox, reference: &SellerRef) -> Result<&'a Seller, Refusal> {
    let shops = &sandbox.world.shops;
    let found = match (&reference.open_id, &reference.shop_id) {
        (Some(open_id), _) => shops.sellers.iter().find(|s| &s.open_id == open_id),
        (None, Some(shop_id)) => {
            shops.by_id(shop_id).and_then(|shop| shops.sellers.get(shop.seller as usize))
        }
        (None, None) => return Err(Refusal(StatusCode::BAD_REQUEST, "give open_id or shop_id".into())),
    };
    found.ok_or_else(|| Refusal(StatusCode::NOT_FOUND, "no such seller".into()))
}

fn each_shop(sandbox: &Sandbox, seller: &Seller, event: (u32, &str), data: &Value) {
    for shop in seller.shops.iter().filter_map(|i| sandbox.world.shops.all.get(*i as usize)) {
        events::emit(sandbox, event, shop, data);
    }
}

async fn deauthorize(State(sandbox): State<Sandbox>, Json(reference): Json<SellerRef>) -> Response {
    let seller = match seller_of(&sandbox, &reference) {
        Ok(seller) => seller,
        Err(refusal) => return refusal.into_response(),
    };
    let revoked = sandbox.shop.grants.revoke_seller(seller.index);
    let data = json!({ "message": format!("The seller {} deauthorized the app.", seller.name) });
    each_shop(&sandbox, seller, events::SELLER_DEAUTHORIZATION, &data);
    Json(json!({ "open_id": seller.open_id, "revoked_grants": revoked })).into_response()
}

async fn authorization_expiring(
    State(sandbox): State<Sandbox>,
    Json(reference): Json<SellerRef>,
) -> Response {
    let seller = match seller_of(&sandbox, &reference) {
        Ok(seller) => seller,
        Err(refusal) => return refusal.into_response(),
    };
    // The grant's own refresh expiry when there is one; otherwise 30 days from now.
    let now = sandbox.clock.now();
    let expiration = sandbox
        .shop
        .grants
        .of_seller(seller.index)
        .iter()
        .map(|g| g.refresh_expires)
        .min()
        .unwrap_or(now + 30 * DAY);
    let data = json!({
        "message": "The authorization of the app will expire soon; ask the seller to authorize it again.",
        "expiration_time": expiration.to_string(),
    });
    each_shop(&sandbox, seller, events::UPCOMING_AUTHORIZATION_EXPIRATION, &data);
    Json(json!({ "open_id": seller.open_id, "expiration_time": expiration })).into_response()
}
