//! Conformance of the TikTok Shop stand-in against tiktok-api.md sections 5 and 6, driven by the
//! spec-only client in `common`.

mod common;

use std::collections::HashSet;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{
    Client, START, Tamper, config, control, get_token, redirect_param, refresh_token, send, unix_now,
};
use rust_decimal::Decimal;
use sandbox::Sandbox;
use sandbox::faults::{Fault, FaultKind, FaultTarget};
use serde_json::{Value, json};

const DAY: i64 = 86_400;

fn decimal(value: &Value) -> Decimal {
    value.as_str().unwrap_or_else(|| panic!("money is a string: {value}")).parse().expect("a decimal string")
}

fn assert_envelope(reply: &common::Reply, code: i64) {
    let body = &reply.body;
    assert_eq!(body["code"].as_i64(), Some(code), "{}", reply.text);
    assert!(
        body["message"].is_string() && body["request_id"].as_str().is_some_and(|r| !r.is_empty()),
        "{}",
        reply.text
    );
    if code == 0 {
        assert_eq!(body["message"], "Success");
        assert!(body["data"].is_object());
    }
}

async fn search_all(
    client: &Client,
    cipher: &str,
    query: &[(&str, &str)],
    filter: &Value,
) -> (Vec<Value>, u64) {
    let mut orders = Vec::new();
    let mut token = String::new();
    let mut total = None;
    loop {
        let mut q: Vec<(&str, &str)> = query.to_vec();
        if !token.is_empty() {
            q.push(("page_token", &token));
        }
        let reply = client.call("POST", "/order/202309/orders/search", Some(cipher), &q, Some(filter)).await;
        assert_envelope(&reply, 0);
        let data = &reply.body["data"];
        let count = data["total_count"].as_u64().expect("total_count");
        // Sandbox time runs on while paging; at most a new order or two may join.
        assert!(total.is_none_or(|t| t <= count && count <= t + 2), "total_count is stable while paging");
        total = Some(count);
        orders.extend(data["orders"].as_array().expect("orders").iter().cloned());
        token = data["next_page_token"].as_str().unwrap_or_default().to_owned();
        if token.is_empty() {
            return (orders, count);
        }
    }
}

#[tokio::test]
async fn consent_tokens_refresh_and_rotation() {
    let sandbox = Sandbox::new(config(20, 20));
    let router = sandbox::router(sandbox.clone());
    let app = sandbox.config.shop_app.clone();

    // The page echoes state escaped, has no script or style, and checks service_id.
    let page = send(
        &router,
        Request::get(format!(
            "/shop-services/open/authorize?service_id={}&state=%3Cscript%3E",
            app.service_id
        ))
        .body(Body::empty())
        .expect("request"),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("&lt;script&gt;") && !page.text.contains("<script"));
    assert!(!page.text.contains("style"));
    let policy = page.headers["content-security-policy"].to_str().expect("policy");
    assert!(policy.contains("default-src 'none'") && policy.contains("http://127.0.0.1:9"), "{policy}");
    assert_eq!(page.text.matches("name=\"seller\"").count(), sandbox.world.shops.sellers.len());
    let wrong = send(
        &router,
        Request::get("/shop-services/open/authorize?service_id=nope").body(Body::empty()).expect("request"),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);

    // Deny: code=null, error=auth_denied, state carried.
    let deny = send(
        &router,
        Request::post("/shop-services/open/authorize")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!("service_id={}&state=xy&decision=deny", app.service_id)))
            .expect("request"),
    )
    .await;
    let location = deny.headers["location"].to_str().expect("location");
    assert!(location.starts_with(&app.redirect_url));
    assert_eq!(redirect_param(location, "code").as_deref(), Some("null"));
    assert_eq!(redirect_param(location, "error").as_deref(), Some("auth_denied"));
    assert_eq!(redirect_param(location, "state").as_deref(), Some("xy"));

    let client = Client::authorize(&sandbox, 0).await;
    assert!(client.access_token.starts_with("TTP_") && client.refresh_token.starts_with("TTP_"));

    // A fresh grant's fields, with absolute expiries in sandbox time.
    let seller = &sandbox.world.shops.sellers[1];
    let code = sandbox.shop.grants.issue_code(seller.index, vec!["seller.order.info".into()], START);
    let token = get_token(&router, &app.app_key, &app.app_secret, &code).await;
    assert_eq!(token.body["message"], "success");
    let data = &token.body["data"];
    let now = sandbox.clock.now();
    assert!((data["access_token_expire_in"].as_i64().expect("int") - (now + 7 * DAY)).abs() <= 2);
    assert!((data["refresh_token_expire_in"].as_i64().expect("int") - (now + 365 * DAY)).abs() <= 2);
    assert_eq!(data["open_id"], seller.open_id.as_str());
    assert_eq!(data["seller_base_region"], "ID");
    assert_eq!(data["user_type"], 0);
    assert_eq!(data["granted_scopes"], json!(["seller.order.info"]));
    // Single use.
    let again = get_token(&router, &app.app_key, &app.app_secret, &code).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body["code"], 36_004_004);
    let wrong_secret = get_token(&router, &app.app_key, "nope", &code).await;
    assert_eq!(wrong_secret.body["code"], 36_009_004);

    // Refresh rotates: the old refresh token and the old access token stop working.
    let refreshed = refresh_token(&router, &app.app_key, &app.app_secret, &client.refresh_token).await;
    assert_eq!(refreshed.body["code"], 0, "{}", refreshed.text);
    let new_refresh = refreshed.body["data"]["refresh_token"].as_str().expect("token").to_owned();
    assert_ne!(new_refresh, client.refresh_token);
    let reused = refresh_token(&router, &app.app_key, &app.app_secret, &client.refresh_token).await;
    assert_eq!(reused.body["code"], 36_004_005);
    let old = client.call("GET", "/authorization/202309/shops", None, &[], None).await;
    assert_envelope(&old, 36_009_004);
    let renewed = Client {
        access_token: refreshed.body["data"]["access_token"].as_str().expect("token").to_owned(),
        refresh_token: new_refresh,
        ..client
    };
    let shops = renewed.shops().await;
    assert_eq!(shops.len(), 1);

    // Access tokens expire with sandbox time.
    sandbox.clock.advance(7 * DAY as u64 + 1);
    assert_envelope(&renewed.call("GET", "/authorization/202309/shops", None, &[], None).await, 105_002);
    let after = refresh_token(&router, &app.app_key, &app.app_secret, &renewed.refresh_token).await;
    assert_eq!(after.body["code"], 0, "the refresh token still works");
}

#[tokio::test]
async fn signature_and_gateway_rejections() {
    let sandbox = Sandbox::new(config(20, 20));
    let client = Client::authorize(&sandbox, 2).await; // the cross-border seller
    let shops = client.shops().await;
    assert!(!shops.is_empty());
    let reply = client.call("GET", "/authorization/202309/shops", None, &[], None).await;
    assert_envelope(&reply, 0);
    let shop = &reply.body["data"]["shops"][0];
    for field in ["cipher", "code", "id", "name", "region", "seller_type"] {
        assert!(shop[field].is_string(), "{field}: {shop}");
    }
    assert_eq!(shop["seller_type"], "CROSS_BORDER");
    assert!(shop["cipher"].as_str().is_some_and(|c| c.starts_with("GCP_")));

    let cipher = shops[0].0.as_str();
    let path = "/order/202309/orders/search";
    let query = [("page_size", "5")];
    let body = json!({ "order_status": "COMPLETED" });
    let ok = client.call("POST", path, Some(cipher), &query, Some(&body)).await;
    assert_envelope(&ok, 0);
    assert_eq!(ok.body["data"]["orders"][0]["payment"]["currency"], "GBP", "cross-border shops sell abroad");
    let rejected = |tamper: Tamper, code: i64, status: StatusCode| {
        let (client, body) = (&client, &body);
        async move {
            let reply = client.call_tampered("POST", path, Some(cipher), &query, Some(body), &tamper).await;
            assert_envelope(&reply, code);
            assert_eq!(reply.status, status, "{}", reply.text);
        }
    };
    let unauthorized = StatusCode::UNAUTHORIZED;
    rejected(
        Tamper { sign_path: Some("/order/202309/orders/searcH".into()), ..Tamper::default() },
        106_001,
        unauthorized,
    )
    .await;
    rejected(
        Tamper { sign_query_extra: Some(("page_token".into(), "x".into())), ..Tamper::default() },
        106_001,
        unauthorized,
    )
    .await;
    rejected(
        Tamper { sign_body: Some(r#"{"order_status":"COMPLETEd"}"#.into()), ..Tamper::default() },
        106_001,
        unauthorized,
    )
    .await;
    rejected(Tamper { secret: Some("other".into()), ..Tamper::default() }, 106_001, unauthorized).await;
    let bad = StatusCode::BAD_REQUEST;
    rejected(Tamper { timestamp: Some(unix_now() - 301), ..Tamper::default() }, 36_009_004, bad).await;
    rejected(Tamper { timestamp: Some(unix_now() + 31), ..Tamper::default() }, 36_009_004, bad).await;
    rejected(Tamper { omit_sign: true, ..Tamper::default() }, 36_009_004, bad).await;
    rejected(
        Tamper { content_type: Some("text/plain"), ..Tamper::default() },
        36_009_022,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    )
    .await;
    // Inside the window is fine.
    let edge = client
        .call_tampered(
            "POST",
            path,
            Some(cipher),
            &query,
            Some(&body),
            &Tamper { timestamp: Some(unix_now() - 250), ..Tamper::default() },
        )
        .await;
    assert_envelope(&edge, 0);

    // shop_cipher: required on shop endpoints, refused on seller-level ones, must be the seller's.
    assert_envelope(&client.call("POST", path, None, &query, Some(&body)).await, 106_013);
    assert_envelope(
        &client.call("GET", "/authorization/202309/shops", Some(cipher), &[], None).await,
        36_009_004,
    );
    let other_shop = sandbox.world.shops.all[0].cipher.clone();
    assert_envelope(&client.call("POST", path, Some(&other_shop), &query, Some(&body)).await, 36_009_004);
    // The access token header.
    let anonymous = Client { access_token: "TTP_unknown".into(), ..Client::authorize(&sandbox, 0).await };
    assert_envelope(&anonymous.call("GET", "/authorization/202309/shops", None, &[], None).await, 36_009_004);
    // Paths, versions and methods.
    let unknown = client.call("GET", "/order/202309/nothing", Some(cipher), &[], None).await;
    assert_eq!((unknown.status, unknown.body["code"].as_i64()), (StatusCode::NOT_FOUND, Some(36_009_009)));
    let version = client.call("POST", "/order/202001/orders/search", Some(cipher), &query, None).await;
    assert_eq!(version.body["code"], 36_009_014);
    let method = client.call("GET", path, Some(cipher), &query, None).await;
    assert_eq!(method.body["code"], 36_009_010);
    // Parameters.
    assert_envelope(
        &client.call("POST", path, Some(cipher), &[("page_size", "101")], None).await,
        36_009_004,
    );
    assert_envelope(&client.call("POST", path, Some(cipher), &[], None).await, 36_009_004);
    assert_envelope(
        &client.call("POST", path, Some(cipher), &query, Some(&json!({ "order_status": "LOST" }))).await,
        36_009_004,
    );
    assert_envelope(
        &client.call("POST", path, Some(cipher), &[("page_size", "5"), ("page_token", "bad+/")], None).await,
        36_009_004,
    );
}

#[tokio::test]
async fn rate_limit_and_faults() {
    let mut settings = config(20, 20);
    settings.shop_rate_per_second = 3;
    let sandbox = Sandbox::new(settings);
    let client = Client::authorize(&sandbox, 0).await;
    let (cipher, shop_id) = client.shops().await.remove(0);
    let query = [("page_size", "1")];
    let path = "/order/202309/orders/search";
    let mut replies = Vec::new();
    for _ in 0..4 {
        replies.push(client.call("POST", path, Some(&cipher), &query, None).await);
    }
    let limited =
        replies.iter().find(|r| r.status == StatusCode::TOO_MANY_REQUESTS).expect("the limit is hit");
    assert_envelope(limited, 36_009_002);
    assert!(limited.headers.contains_key("retry-after"));
    sandbox.clock.advance(2);

    let arm = |kind: FaultKind, endpoint: &str| Fault {
        id: 0,
        target: FaultTarget { endpoint: Some(endpoint.into()), account: Some(shop_id.clone()) },
        kind,
        times: Some(1),
    };
    sandbox.faults.arm(arm(FaultKind::ServerError { status: 503 }, "shop.orders_search"));
    sandbox.clock.advance(1); // a fresh one-second window each time
    let failed = client.call("POST", path, Some(&cipher), &query, None).await;
    assert_eq!(failed.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_envelope(&failed, 36_009_003);
    sandbox.faults.arm(arm(FaultKind::ExpiredToken, "shop.orders_search"));
    sandbox.clock.advance(1); // a fresh one-second window each time
    assert_envelope(&client.call("POST", path, Some(&cipher), &query, None).await, 105_002);
    sandbox.clock.advance(1); // a fresh one-second window each time
    assert_envelope(&client.call("POST", path, Some(&cipher), &query, None).await, 0);
    sandbox.faults.arm(arm(FaultKind::RevokedToken, "shop"));
    sandbox.clock.advance(1); // a fresh one-second window each time
    assert_envelope(&client.call("POST", path, Some(&cipher), &query, None).await, 36_009_004);
    sandbox.clock.advance(1); // a fresh one-second window each time
    assert_envelope(&client.call("POST", path, Some(&cipher), &query, None).await, 36_009_004);
    let app = &sandbox.config.shop_app;
    let refused = refresh_token(&client.router, &app.app_key, &app.app_secret, &client.refresh_token).await;
    assert_eq!(refused.body["code"], 36_004_005, "a revoked grant cannot be refreshed");
}

#[tokio::test]
async fn orders_page_to_the_end_with_filters_and_details() {
    let sandbox = Sandbox::new(config(150, 30));
    let client = Client::authorize(&sandbox, 0).await;
    let (cipher, _) = client.shops().await.remove(0);
    let everything = json!({});
    let (newest_first, total) = search_all(&client, &cipher, &[("page_size", "100")], &everything).await;
    assert!(total > 2000, "{total}");
    assert_eq!(newest_first.len() as u64, total);
    let ids: HashSet<&str> = newest_first.iter().map(|o| o["id"].as_str().expect("id")).collect();
    assert_eq!(ids.len(), newest_first.len(), "no repeats");
    let times: Vec<i64> = newest_first.iter().map(|o| o["create_time"].as_i64().expect("int")).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first by default");
    assert!(times.iter().all(|t| *t <= sandbox.clock.now() && *t >= START - 30 * DAY));
    let ascending_query = [("page_size", "37"), ("sort_field", "create_time"), ("sort_order", "ASC")];
    let (oldest_first, _) = search_all(&client, &cipher, &ascending_query, &everything).await;
    let reversed: Vec<&Value> = oldest_first.iter().rev().collect();
    assert_eq!(
        reversed.iter().map(|o| &o["id"]).collect::<Vec<_>>(),
        newest_first.iter().map(|o| &o["id"]).collect::<Vec<_>>()
    );

    // Field names, types and money.
    for order in newest_first.iter().take(300) {
        for field in ["id", "status", "user_id", "shipping_type", "buyer_email"] {
            assert!(order[field].is_string(), "{field}");
        }
        for field in ["create_time", "update_time"] {
            assert!(order[field].is_i64(), "{field}");
        }
        let payment = &order["payment"];
        assert_eq!(
            decimal(&payment["total_amount"]),
            decimal(&payment["sub_total"]) + decimal(&payment["shipping_fee"]) + decimal(&payment["tax"])
        );
        assert_eq!(payment["currency"], "IDR");
        let lines = order["line_items"].as_array().expect("lines");
        let sale: Decimal = lines.iter().map(|l| decimal(&l["sale_price"])).sum();
        assert_eq!(sale, decimal(&payment["sub_total"]));
        assert!(lines.iter().all(|l| l.get("quantity").is_none()), "one line per unit");
        assert!(
            order["recipient_address"]["phone_number"].as_str().is_some_and(|p| p.contains('*')),
            "masked"
        );
    }

    // Filters: status, creation and update windows, each with a correct total.
    let statuses: HashSet<&str> =
        newest_first.iter().map(|o| o["status"].as_str().expect("status")).collect();
    assert!(
        statuses.contains("COMPLETED") && statuses.contains("CANCELLED") && statuses.contains("UNPAID"),
        "{statuses:?}"
    );
    for status in ["COMPLETED", "CANCELLED", "AWAITING_SHIPMENT", "IN_TRANSIT"] {
        let (found, count) =
            search_all(&client, &cipher, &[("page_size", "100")], &json!({ "order_status": status })).await;
        let expected = newest_first.iter().filter(|o| o["status"] == status).count();
        assert_eq!((found.len(), count as usize), (expected, expected), "{status}");
    }
    let (from, until) = (START - 10 * DAY + 3600, START - 8 * DAY + 7200);
    let window =
        json!({ "create_time_ge": from, "create_time_lt": until, "update_time_ge": START - 2 * DAY });
    let (found, count) = search_all(&client, &cipher, &[("page_size", "50")], &window).await;
    let expected: Vec<&Value> = newest_first
        .iter()
        .filter(|o| {
            let (c, u) = (o["create_time"].as_i64().unwrap_or(0), o["update_time"].as_i64().unwrap_or(0));
            c >= from && c < until && u >= START - 2 * DAY
        })
        .collect();
    assert!(!expected.is_empty());
    assert_eq!((found.len(), count as usize), (expected.len(), expected.len()));
    let updates = json!({ "update_time_ge": START - DAY, "update_time_lt": START - 3600 });
    let (found, count) = search_all(&client, &cipher, &[("page_size", "100")], &updates).await;
    let expected = newest_first
        .iter()
        .filter(|o| o["update_time"].as_i64().is_some_and(|u| (START - DAY..START - 3600).contains(&u)))
        .count();
    assert_eq!((found.len(), count as usize), (expected, expected));
    // Sorted by update time, both ways, alone and with filters: every order once, in key order.
    let update_key = |o: &Value| {
        (
            o["update_time"].as_i64().unwrap_or(0),
            o["create_time"].as_i64().unwrap_or(0),
            o["id"].as_str().unwrap_or("").to_owned(),
        )
    };
    for (order, filter) in [
        ("ASC", json!({})),
        ("DESC", json!({})),
        ("ASC", json!({ "order_status": "COMPLETED" })),
        ("DESC", json!({ "update_time_ge": START - 5 * DAY, "create_time_lt": START - 2 * DAY })),
    ] {
        let query = [("page_size", "100"), ("sort_field", "update_time"), ("sort_order", order)];
        let (found, count) = search_all(&client, &cipher, &query, &filter).await;
        assert_eq!(found.len() as u64, count, "{order} {filter}");
        let keys: Vec<_> = found.iter().map(update_key).collect();
        let sorted = keys.windows(2).all(|w| if order == "ASC" { w[0] < w[1] } else { w[0] > w[1] });
        assert!(sorted, "{order} {filter}: strictly ordered by (update_time, create_time, id)");
        if filter == json!({}) {
            let mut ids: Vec<&str> = found.iter().filter_map(|o| o["id"].as_str()).collect();
            ids.sort_unstable();
            let mut all: Vec<&str> = newest_first.iter().filter_map(|o| o["id"].as_str()).collect();
            all.sort_unstable();
            assert_eq!(ids, all, "the same orders as by creation time");
        }
    }

    // Detail: several ids in one parameter; another shop's order is refused.
    let ids = format!(
        "{},{}",
        newest_first[0]["id"].as_str().expect("id"),
        newest_first[500]["id"].as_str().expect("id")
    );
    let detail = client.call("GET", "/order/202309/orders", Some(&cipher), &[("ids", &ids)], None).await;
    assert_envelope(&detail, 0);
    assert_eq!(detail.body["data"]["orders"][1], newest_first[500]);
    let other = Client::authorize(&sandbox, 1).await;
    let (other_cipher, _) = other.shops().await.remove(0);
    let foreign =
        other.call("GET", "/order/202309/orders", Some(&other_cipher), &[("ids", &ids)], None).await;
    assert_eq!(foreign.status, StatusCode::OK);
    assert_envelope(&foreign, 21_008_111);
}

async fn order_detail(client: &Client, cipher: &str, id: &str) -> Value {
    let reply = client.call("GET", "/order/202309/orders", Some(cipher), &[("ids", id)], None).await;
    assert_envelope(&reply, 0);
    reply.body["data"]["orders"][0].clone()
}

#[tokio::test]
async fn statuses_advance_with_time_and_control_emits_webhooks() {
    let sandbox = Sandbox::new(config(30, 20));
    let client = Client::authorize(&sandbox, 0).await;
    let (cipher, shop_id) = client.shops().await.remove(0);
    let added =
        control(&sandbox, "POST", "/shop/orders", Some(json!({ "shop_id": shop_id, "count": 3 }))).await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.text);
    let id = added.body["orders"][0]["id"].as_str().expect("id").to_owned();
    let first = order_detail(&client, &cipher, &id).await;
    assert_eq!(first["status"], "UNPAID");
    let newest =
        client.call("POST", "/order/202309/orders/search", Some(&cipher), &[("page_size", "3")], None).await;
    let newest_ids: Vec<&str> = newest.body["data"]["orders"]
        .as_array()
        .expect("orders")
        .iter()
        .filter_map(|o| o["id"].as_str())
        .collect();
    assert!(newest_ids.contains(&id.as_str()), "added orders are the newest");
    sandbox.clock.advance(20 * DAY as u64);
    let client = Client::authorize(&sandbox, 0).await;
    let later = order_detail(&client, &cipher, &id).await;
    assert!(["COMPLETED", "CANCELLED"].contains(&later["status"].as_str().expect("status")), "{later}");
    assert!(later["update_time"].as_i64() > first["update_time"].as_i64());

    // The watcher reports each step the jump went through, in order, ending in the final status.
    let events_of = |sandbox: &Sandbox, id: &str| -> Vec<Value> {
        sandbox
            .webhooks
            .records()
            .iter()
            .filter(|r| r.event == "ORDER_STATUS_CHANGE")
            .map(|r| serde_json::from_str::<Value>(&r.body).expect("json"))
            .filter(|b| b["data"]["order_id"] == id)
            .collect()
    };
    let mut followed = events_of(&sandbox, &id);
    for _ in 0..50 {
        if followed.last().is_some_and(|e| {
            ["COMPLETED", "CANCELLED"].contains(&e["data"]["order_status"].as_str().unwrap_or(""))
        }) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        followed = events_of(&sandbox, &id);
    }
    let statuses: Vec<&str> = followed.iter().filter_map(|e| e["data"]["order_status"].as_str()).collect();
    assert_eq!(statuses.first(), Some(&"UNPAID"), "{statuses:?}");
    assert_eq!(statuses.last().copied(), later["status"].as_str(), "{statuses:?}");
    let times: Vec<i64> = followed.iter().filter_map(|e| e["data"]["update_time"].as_i64()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    let unpaid = sandbox
        .webhooks
        .records()
        .iter()
        .filter(|r| r.event == "ORDER_STATUS_CHANGE" && r.body.contains("\"UNPAID\""))
        .count();
    assert_eq!(unpaid, 3, "one UNPAID event per added order");
    let body = &followed[0];
    assert_eq!(body["type"], 1);
    assert_eq!(body["shop_id"], shop_id.as_str());
    assert_eq!(body["data"]["order_status"], "UNPAID");
    assert!(body["tts_notification_id"].is_string() && body["timestamp"].is_i64());

    // Product change, deauthorization and expiry notices.
    let product = client
        .call(
            "POST",
            "/product/202309/products/search",
            Some(&cipher),
            &[("page_size", "1")],
            Some(&json!({ "status": "ACTIVATE" })),
        )
        .await;
    let product_id = product.body["data"]["products"][0]["id"].as_str().expect("id").to_owned();
    let changed = control(
        &sandbox,
        "POST",
        "/shop/products",
        Some(json!({ "shop_id": shop_id, "product_id": product_id, "status": "SELLER_DEACTIVATED" })),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    let path = format!("/product/202309/products/{product_id}");
    let fetched = client.call("GET", &path, Some(&cipher), &[], None).await;
    assert_eq!(fetched.body["data"]["status"], "SELLER_DEACTIVATED");
    let expiring =
        control(&sandbox, "POST", "/shop/authorization-expiring", Some(json!({ "shop_id": shop_id }))).await;
    assert_eq!(expiring.status, StatusCode::OK);
    let gone = control(&sandbox, "POST", "/shop/deauthorize", Some(json!({ "shop_id": shop_id }))).await;
    assert!(gone.body["revoked_grants"].as_u64() >= Some(1));
    assert_envelope(&client.call("GET", &path, Some(&cipher), &[], None).await, 36_009_004);
    let events: Vec<(String, Value)> = sandbox
        .webhooks
        .records()
        .iter()
        .map(|r| (r.event.clone(), serde_json::from_str(&r.body).expect("json")))
        .collect();
    let of = |name: &str| events.iter().find(|(e, _)| e == name).map(|(_, b)| b.clone()).expect(name);
    assert_eq!(of("PRODUCT_STATUS_CHANGE")["type"], 5);
    assert_eq!(
        of("PRODUCT_STATUS_CHANGE")["data"]["product_id"].as_u64().map(|n| n.to_string()),
        Some(product_id)
    );
    assert_eq!(of("SELLER_DEAUTHORIZATION")["type"], 6);
    assert_eq!(of("UPCOMING_AUTHORIZATION_EXPIRATION")["type"], 7);
    assert!(of("UPCOMING_AUTHORIZATION_EXPIRATION")["data"]["expiration_time"].is_string());
    let sellers = control(&sandbox, "GET", "/shop/sellers", None).await;
    assert_eq!(sellers.body["sellers"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn products_finance_and_analytics_agree_with_orders() {
    let sandbox = Sandbox::new(config(80, 40));
    let client = Client::authorize(&sandbox, 0).await;
    let (cipher, _) = client.shops().await.remove(0);

    // Products page to the end.
    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let mut query = vec![("page_size", "7")];
        if !token.is_empty() {
            query.push(("page_token", &token));
        }
        let reply = client
            .call(
                "POST",
                "/product/202309/products/search",
                Some(&cipher),
                &query,
                Some(&json!({ "status": "ALL" })),
            )
            .await;
        assert_envelope(&reply, 0);
        assert_eq!(reply.body["data"]["total_count"], 30);
        for product in reply.body["data"]["products"].as_array().expect("products") {
            assert!(product["skus"][0]["price"]["sale_price"].is_string());
            seen.push(product["id"].as_str().expect("id").to_owned());
        }
        token = reply.body["data"]["next_page_token"].as_str().unwrap_or_default().to_owned();
        if token.is_empty() {
            break;
        }
    }
    assert_eq!(seen.len(), 30);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 30);
    let missing =
        client.call("GET", "/product/202309/products/1720000000000000000", Some(&cipher), &[], None).await;
    assert_ne!(missing.body["code"], 0);

    // Statements: sort_field required; each statement's transactions add up to it.
    let statements_path = "/finance/202309/statements";
    assert_envelope(&client.call("GET", statements_path, Some(&cipher), &[], None).await, 36_009_004);
    let statements = client
        .call(
            "GET",
            statements_path,
            Some(&cipher),
            &[("sort_field", "statement_time"), ("page_size", "5")],
            None,
        )
        .await;
    assert_envelope(&statements, 0);
    let list = statements.body["data"]["statements"].as_array().expect("statements");
    assert_eq!(list.len(), 5);
    assert!(!statements.body["data"]["next_page_token"].as_str().unwrap_or_default().is_empty());
    let statement = &list[0];
    assert_eq!(
        decimal(&statement["settlement_amount"]),
        decimal(&statement["revenue_amount"])
            + decimal(&statement["fee_amount"])
            + decimal(&statement["shipping_cost_amount"])
            + decimal(&statement["adjustment_amount"])
    );
    assert!(decimal(&statement["fee_amount"]) < Decimal::ZERO);
    let transactions_path = format!(
        "/finance/202309/statements/{}/statement_transactions",
        statement["id"].as_str().expect("id")
    );
    let mut sum = Decimal::ZERO;
    let mut count = 0;
    let mut token = String::new();
    let mut first_transaction = None;
    loop {
        let mut query = vec![("sort_field", "order_create_time"), ("page_size", "25")];
        if !token.is_empty() {
            query.push(("page_token", &token));
        }
        let reply = client.call("GET", &transactions_path, Some(&cipher), &query, None).await;
        assert_envelope(&reply, 0);
        for transaction in reply.body["data"]["statement_transactions"].as_array().expect("transactions") {
            sum += decimal(&transaction["settlement_amount"]);
            count += 1;
            first_transaction.get_or_insert_with(|| transaction.clone());
        }
        token = reply.body["data"]["next_page_token"].as_str().unwrap_or_default().to_owned();
        if token.is_empty() {
            assert_eq!(reply.body["data"]["total_count"], count);
            break;
        }
    }
    assert_eq!(sum, decimal(&statement["settlement_amount"]));

    // One order's transactions: the same figures, with a SKU breakdown covering every unit.
    let transaction = first_transaction.expect("a transaction");
    let order_id = transaction["order_id"].as_str().expect("order id");
    let per_order = client
        .call(
            "GET",
            &format!("/finance/202309/orders/{order_id}/statement_transactions"),
            Some(&cipher),
            &[],
            None,
        )
        .await;
    assert_envelope(&per_order, 0);
    let own = &per_order.body["data"]["statement_transactions"][0];
    assert_eq!(own["settlement_amount"], transaction["settlement_amount"]);
    assert_eq!(own["statement_id"], statement["id"]);
    let detail = client.call("GET", "/order/202309/orders", Some(&cipher), &[("ids", order_id)], None).await;
    let units = detail.body["data"]["orders"][0]["line_items"].as_array().map_or(0, Vec::len);
    let quantities: u64 = own["sku_statement_transactions"]
        .as_array()
        .expect("skus")
        .iter()
        .filter_map(|s| s["quantity"].as_u64())
        .sum();
    assert_eq!(quantities, units as u64);
    let payments = client
        .call("GET", "/finance/202309/payments", Some(&cipher), &[("sort_field", "create_time")], None)
        .await;
    assert_envelope(&payments, 0);
    let payment = &payments.body["data"]["payments"][0];
    assert_eq!(payment["id"], statement["payment_id"]);
    assert_eq!(payment["amount"]["value"], statement["settlement_amount"]);

    // Analytics GMV of a day is the sum of that day's paid orders' sub_total.
    let day = START / DAY - 3;
    let (orders, _) = search_all(
        &client,
        &cipher,
        &[("page_size", "100")],
        &json!({ "create_time_ge": day * DAY, "create_time_lt": (day + 1) * DAY }),
    )
    .await;
    let paid: Vec<&Value> = orders.iter().filter(|o| o.get("paid_time").is_some()).collect();
    let gmv: Decimal = paid.iter().map(|o| decimal(&o["payment"]["sub_total"])).sum();
    let date =
        |d: i64| chrono::DateTime::from_timestamp(d * DAY, 0).expect("date").format("%Y-%m-%d").to_string();
    let (start, end) = (date(day - 1), date(day + 1));
    let performance = client
        .call(
            "GET",
            "/analytics/202405/shop/performance",
            Some(&cipher),
            &[("start_date_ge", &start), ("end_date_lt", &end), ("granularity", "1D")],
            None,
        )
        .await;
    assert_envelope(&performance, 0);
    let intervals = performance.body["data"]["performance"]["intervals"].as_array().expect("intervals");
    assert_eq!(intervals.len(), 2);
    assert_eq!(intervals[1]["start_date"], date(day));
    assert_eq!(decimal(&intervals[1]["gmv"]["amount"]), gmv);
    assert_eq!(intervals[1]["orders"], paid.len());
    assert_eq!(intervals[1]["gmv"]["currency"], "IDR");
    let usd = client
        .call(
            "GET",
            "/analytics/202405/shop/performance",
            Some(&cipher),
            &[
                ("start_date_ge", &start),
                ("end_date_lt", &end),
                ("currency", "USD"),
                ("with_comparison", "true"),
            ],
            None,
        )
        .await;
    assert_eq!(usd.body["data"]["performance"]["intervals"][0]["gmv"]["currency"], "USD");
    assert!(usd.body["data"]["performance"]["comparison_intervals"].is_array());
    let too_long = client
        .call(
            "GET",
            "/analytics/202405/shop/performance",
            Some(&cipher),
            &[("start_date_ge", "2024-01-01"), ("end_date_lt", "2026-01-01")],
            None,
        )
        .await;
    assert_envelope(&too_long, 36_009_004);
}

#[tokio::test]
async fn same_seed_same_data_and_reset_forgets_grants() {
    let a = Sandbox::new(config(40, 10));
    let b = Sandbox::new(config(40, 10));
    let (ca, cb) = (Client::authorize(&a, 0).await, Client::authorize(&b, 0).await);
    let (cipher_a, _) = ca.shops().await.remove(0);
    let (cipher_b, _) = cb.shops().await.remove(0);
    assert_eq!(cipher_a, cipher_b);
    let query = [("page_size", "20"), ("sort_order", "ASC")];
    let pa = ca.call("POST", "/order/202309/orders/search", Some(&cipher_a), &query, None).await;
    let pb = cb.call("POST", "/order/202309/orders/search", Some(&cipher_b), &query, None).await;
    assert_eq!(pa.body["data"]["orders"], pb.body["data"]["orders"]);
    a.reset();
    assert_envelope(
        &ca.call("POST", "/order/202309/orders/search", Some(&cipher_a), &query, None).await,
        36_009_004,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_arrive_signed_with_the_app_secret() {
    use axum::routing::post;
    let (sender, mut received) = tokio::sync::mpsc::unbounded_channel::<(String, String)>();
    let receiver = axum::Router::new().route(
        "/hook",
        post(move |headers: axum::http::HeaderMap, body: String| {
            let sender = sender.clone();
            async move {
                let signature =
                    headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                let _ = sender.send((signature, body));
                StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, receiver).await });
    let mut settings = config(20, 10);
    settings.shop_webhook_url = Some(format!("http://{address}/hook"));
    let sandbox = Sandbox::new(settings);
    let shop_id = sandbox.world.shops.all[0].id.clone();
    let added =
        control(&sandbox, "POST", "/shop/orders", Some(json!({ "shop_id": shop_id, "count": 1 }))).await;
    assert_eq!(added.status, StatusCode::OK);
    let (signature, body) = tokio::time::timeout(std::time::Duration::from_secs(10), received.recv())
        .await
        .expect("delivered in time")
        .expect("a delivery");
    // tiktok-api.md 5.7: hex HMAC-SHA256 keyed by the app secret over app_key + raw body.
    let app = &sandbox.config.shop_app;
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(app.app_secret.as_bytes()).expect("key");
    mac.update(format!("{}{body}", app.app_key).as_bytes());
    assert_eq!(signature, hex::encode(mac.finalize().into_bytes()));
    let event: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(event["type"], 1);
    assert_eq!(event["data"]["order_id"], added.body["orders"][0]["id"]);
}

#[test]
fn the_spec_client_signs_tiktoks_published_vector() {
    let query =
        [("app_key".to_owned(), "29a39d".to_owned()), ("timestamp".to_owned(), "1623812664".to_owned())];
    assert_eq!(
        common::spec_sign("e59af819cc", "/authorization/202309/shops", &query, ""),
        "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8"
    );
}

#[tokio::test]
async fn page_tokens_with_plus_and_slash_survive_percent_encoding() {
    let sandbox = Sandbox::new(config(200, 10));
    let client = Client::authorize(&sandbox, 0).await;
    let (cipher, _) = client.shops().await.remove(0);
    let mut token = String::new();
    let mut special = 0;
    let mut ids = HashSet::new();
    for _ in 0..40 {
        let mut query = vec![("page_size", "10")];
        if !token.is_empty() {
            query.push(("page_token", token.as_str()));
        }
        let reply = client.call("POST", "/order/202309/orders/search", Some(&cipher), &query, None).await;
        assert_envelope(&reply, 0);
        for order in reply.body["data"]["orders"].as_array().expect("orders") {
            assert!(ids.insert(order["id"].as_str().expect("id").to_owned()), "no repeats");
        }
        token = reply.body["data"]["next_page_token"].as_str().expect("token").to_owned();
        if token.contains('+') || token.contains('/') {
            special += 1;
        }
    }
    assert!(special > 0, "tokens are standard base64, so some carry + or /");
    assert_eq!(ids.len(), 400);
}
