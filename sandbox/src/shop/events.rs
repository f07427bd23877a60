//! Shop webhooks the sandbox emits (tiktok-api.md 5.7), signed and delivered at least once by
//! [`crate::webhooks`]: the numeric types and the `data` of each, and a watcher that follows
//! orders the control API added through their lifecycle.

use std::time::Duration;

use serde_json::{Value, json};

use crate::Sandbox;
use crate::world::rng::numeric_id;
use crate::world::shops::{Order, Product, Shop};

/// Type 1.
pub const ORDER_STATUS_CHANGE: (u32, &str) = (1, "ORDER_STATUS_CHANGE");
/// Type 5.
pub const PRODUCT_STATUS_CHANGE: (u32, &str) = (5, "PRODUCT_STATUS_CHANGE");
/// Type 6.
pub const SELLER_DEAUTHORIZATION: (u32, &str) = (6, "SELLER_DEAUTHORIZATION");
/// Type 7.
pub const UPCOMING_AUTHORIZATION_EXPIRATION: (u32, &str) = (7, "UPCOMING_AUTHORIZATION_EXPIRATION");

/// Sends event `kind` about `shop` with `data` to the configured Shop webhook URL.
pub fn emit(sandbox: &Sandbox, (kind, name): (u32, &str), shop: &Shop, data: &Value) {
    let app = &sandbox.config.shop_app;
    let notification_id = numeric_id(rand::random(), &[u64::from(kind)]);
    sandbox.webhooks.send_shop(
        sandbox.config.shop_webhook_url.as_deref(),
        &app.app_key,
        &app.app_secret,
        kind,
        name,
        &notification_id,
        &shop.id,
        sandbox.clock.now(),
        data,
    );
}

/// `ORDER_STATUS_CHANGE` for `order` as it stands at `now`.
pub fn order_status_change(order: &Order, now: i64) -> Value {
    json!({
        "order_id": order.id,
        "order_status": order.timeline.status_at(now).as_str(),
        "update_time": order.timeline.update_time_at(now),
        "is_on_hold_order": false,
    })
}

/// `PRODUCT_STATUS_CHANGE` for `product`. `product_id` is a JSON number, as TikTok sends it
/// (tiktok-api.md 5.7: receivers must accept a number there).
pub fn product_status_change(product: &Product) -> Value {
    let id: Value = product.id.parse::<u64>().map_or_else(|_| json!(product.id), |n| json!(n));
    json!({
        "product_id": id,
        "status": product.status,
        "suspended_reason": "",
        "update_time": product.update_time,
    })
}

/// How often the order watcher looks at sandbox time (real time).
const WATCH_INTERVAL: Duration = Duration::from_secs(1);

/// Sends `ORDER_STATUS_CHANGE` for every status change of `orders` (added to `shop` by the control
/// API) as sandbox time reaches it, one event per step even when time jumps ahead, until each
/// order is final or a reset drops it. Only added orders are followed: the generated history
/// would send thousands of events whenever time is advanced.
pub fn watch_orders(sandbox: &Sandbox, shop: &Shop, orders: Vec<Order>) {
    let sandbox = sandbox.clone();
    let shop = shop.clone();
    let mut watched: Vec<(Order, i64)> = orders.into_iter().map(|o| (o, sandbox.clock.now())).collect();
    tokio::spawn(async move {
        while !watched.is_empty() {
            tokio::time::sleep(WATCH_INTERVAL).await;
            let now = sandbox.clock.now();
            watched.retain_mut(|(order, seen_until)| {
                if sandbox.world.shops.order_by_id(&shop, &order.id, now).is_none() {
                    return false; // reset since
                }
                let timeline = order.timeline;
                for change in timeline.status_changes().into_iter().filter(|t| *t > *seen_until && *t <= now)
                {
                    let data = json!({
                        "order_id": order.id,
                        "order_status": timeline.status_at(change).as_str(),
                        "update_time": change,
                        "is_on_hold_order": false,
                    });
                    emit(&sandbox, ORDER_STATUS_CHANGE, &shop, &data);
                }
                *seen_until = now;
                timeline.status_changes().last().is_some_and(|last| *last > now)
            });
        }
    });
}
