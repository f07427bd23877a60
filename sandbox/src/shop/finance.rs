//! Finance: daily settlement statements, the payments that pay them out, and each statement's
//! order transactions (tiktok-api.md 5.6 "Finance").
//!
//! The statement of day `D` (statement time 00:00 UTC of `D`) settles the orders created on
//! `D - 15` that completed: every such order is final by then, so a statement never changes once
//! issued. Revenue is list price less seller discounts (TikTok reimburses its own discounts);
//! fees (commission, payment processing, affiliate commission) and subsidised shipping are
//! negative; the settlement is their sum. One payment per statement is created at the statement
//! time and paid three days later. Days without completed orders have no statement. An order's
//! own transactions (`/finance/202309/orders/{order_id}/statement_transactions`) are empty until
//! its statement is issued; its SKU breakdown carries sales figures (fees are per order).
//! Default sort order: descending ([UNCONFIRMED] TikTok's default).

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::envelope::{Data, ShopError, codes, money};
use super::gateway::Call;
use super::page_token::{self, Listing};
use crate::world::DAY;
use crate::world::rng::{hash, numeric_id};
use crate::world::shops::{LineItem, Order, OrderStatus, SETTLEMENT_LAG_DAYS, Settlement, Shop};

/// Most statements, payments or transactions per page.
pub const MAX_PAGE_SIZE: usize = 100;
/// Page size when none is given.
const DEFAULT_PAGE_SIZE: usize = 20;
/// Days from a statement to its payout.
const PAYOUT_DAYS: i64 = 3;

/// A 19-digit id with a prefix that encodes (shop, day) and a check against guessing.
fn day_id(prefix: u8, seed: u64, shop: &Shop, day: i64) -> String {
    let check = hash(seed, &[u64::from(prefix), u64::from(shop.index), day as u64]) % 1_000_000_000;
    format!("{prefix}{:03}{day:05}{check:09}", shop.index)
}

fn parse_day_id(prefix: u8, seed: u64, shop: &Shop, id: &str) -> Option<i64> {
    let day: i64 = id.get(5..10)?.parse().ok()?;
    (day_id(prefix, seed, shop, day) == id).then_some(day)
}

fn require_sort_field(call: &Call, field: &str) -> Result<(), ShopError> {
    match call.param("sort_field") {
        Some(f) if f == field => Ok(()),
        Some(_) => Err(ShopError::invalid_param(format!("sort_field must be {field}."))),
        None => Err(ShopError::invalid_param(format!("sort_field is required ({field})."))),
    }
}

/// The days with a statement visible at `call.now` whose statement time is in `[ge, lt)`.
fn statement_days(call: &Call, ge: Option<i64>, lt: Option<i64>) -> (i64, i64) {
    let shops = &call.sandbox.world.shops;
    let mut first = shops.first_day() + SETTLEMENT_LAG_DAYS;
    let mut last = call.now.div_euclid(DAY);
    if let Some(ge) = ge {
        first = first.max(ge.div_euclid(DAY) + i64::from(ge.rem_euclid(DAY) > 0));
    }
    if let Some(lt) = lt {
        last = last.min((lt - 1).div_euclid(DAY));
    }
    (first, last)
}

fn payment_status(day: i64, now: i64) -> &'static str {
    if (day + PAYOUT_DAYS) * DAY <= now { "PAID" } else { "PROCESSING" }
}

/// Walks statement days in the requested direction from the token's position, keeping days
/// with a statement that `keep` accepts, until `page_size + 1` are found.
fn walk_days(
    call: &Call,
    listing: Listing,
    print: u64,
    (first, last): (i64, i64),
    keep: impl Fn(i64, &(u32, Settlement)) -> bool,
) -> Result<(Vec<(i64, Settlement)>, String), ShopError> {
    let page_size = call.page_size(Some(DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)?;
    let ascending = call.ascending()?;
    let shop = call.shop()?;
    let shops = &call.sandbox.world.shops;
    let mut day = match call.param("page_token") {
        Some(token) => page_token::decode(token, listing, print, 1)?[0],
        None if ascending => first,
        None => last,
    };
    let mut found = Vec::new();
    while (first..=last).contains(&day) && found.len() <= page_size {
        let statement = shops.day_settlement(shop, day);
        if statement.0 > 0 && keep(day, &statement) {
            found.push((day, statement.1));
        }
        day += if ascending { 1 } else { -1 };
    }
    let next = if found.len() > page_size {
        let resume = found.pop().map_or(day, |(d, _)| d);
        page_token::encode(listing, print, &[resume])
    } else {
        String::new()
    };
    Ok((found, next))
}

/// `GET /finance/202309/statements`.
pub fn statements(call: &Call) -> Result<Data, ShopError> {
    require_sort_field(call, "statement_time")?;
    let shop = call.shop()?;
    let (ge, lt) = (call.int_param("statement_time_ge")?, call.int_param("statement_time_lt")?);
    let status = call.param("payment_status").map(str::to_owned);
    let print = page_token::fingerprint(&[
        call.param("sort_order").unwrap_or(""),
        &format!("{ge:?}{lt:?}"),
        status.as_deref().unwrap_or(""),
    ]);
    let now = call.now;
    let (days, next) =
        walk_days(call, Listing::Statements, print, statement_days(call, ge, lt), |day, _| {
            status.as_deref().is_none_or(|s| s == payment_status(day, now))
        })?;
    let seed = call.sandbox.config.scale.seed;
    let statements: Vec<Value> = days
        .iter()
        .map(|(day, s)| {
            json!({
                "id": day_id(58, seed, shop, *day),
                "statement_time": day * DAY,
                "payment_id": day_id(59, seed, shop, *day),
                "payment_status": payment_status(*day, now),
                "currency": shop.market.currency,
                "settlement_amount": money(s.settlement()),
                "net_sales_amount": money(s.revenue),
                "revenue_amount": money(s.revenue),
                "fee_amount": money(s.fees()),
                "adjustment_amount": "0",
                "shipping_cost_amount": money(s.shipping_cost),
            })
        })
        .collect();
    Ok(json!({ "statements": statements, "next_page_token": next }).into())
}

/// `GET /finance/202309/payments`.
pub fn payments(call: &Call) -> Result<Data, ShopError> {
    require_sort_field(call, "create_time")?;
    let shop = call.shop()?;
    let (ge, lt) = (call.int_param("create_time_ge")?, call.int_param("create_time_lt")?);
    let print = page_token::fingerprint(&[call.param("sort_order").unwrap_or(""), &format!("{ge:?}{lt:?}")]);
    let (days, next) = walk_days(call, Listing::Payments, print, statement_days(call, ge, lt), |_, _| true)?;
    let seed = call.sandbox.config.scale.seed;
    let currency = shop.market.currency;
    let payments: Vec<Value> = days
        .iter()
        .map(|(day, s)| {
            let amount = json!({ "value": money(s.settlement()), "currency": currency });
            let status = payment_status(*day, call.now);
            let mut payment = json!({
                "id": day_id(59, seed, shop, *day),
                "status": status,
                "create_time": day * DAY,
                "amount": amount,
                "settlement_amount": amount,
                "reserve_amount": { "value": "0", "currency": currency },
                "payment_amount_before_exchange": amount,
                "exchange_rate": "1",
                "bank_account": format!("****{}", &shop.id[15..]),
            });
            if status == "PAID" {
                payment["paid_time"] = json!((day + PAYOUT_DAYS) * DAY);
            }
            payment
        })
        .collect();
    Ok(json!({ "payments": payments, "next_page_token": next }).into())
}

fn transaction_json(call: &Call, shop: &Shop, order: &Order) -> Value {
    let s = call.sandbox.world.shops.settlement(shop, order);
    json!({
        "id": numeric_id(call.sandbox.config.scale.seed, &[0x7A, u64::from(shop.index), order.day as u64, u64::from(order.index)]),
        "type": "ORDER",
        "order_id": order.id,
        "order_create_time": order.timeline.create,
        "currency": shop.market.currency,
        "settlement_amount": money(s.settlement()),
        "revenue_amount": money(s.revenue),
        "fee_amount": money(s.fees()),
        "gross_sales_amount": money(s.gross_sales),
        "seller_discount_amount": money(-order.seller_discount()),
        "platform_commission_amount": money(s.platform_commission),
        "transaction_fee_amount": money(s.transaction_fee),
        "affiliate_commission_amount": money(s.affiliate_commission),
        "shipping_cost_amount": money(s.shipping_cost),
        "adjustment_amount": "0",
    })
}

/// `GET /finance/202309/statements/{statement_id}/statement_transactions`.
pub fn statement_transactions(call: &Call) -> Result<Data, ShopError> {
    require_sort_field(call, "order_create_time")?;
    let shop = call.shop()?;
    let page_size = call.page_size(Some(DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)?;
    let ascending = call.ascending()?;
    let id = call.path.split('/').rev().nth(1).unwrap_or_default();
    let seed = call.sandbox.config.scale.seed;
    let (first, last) = statement_days(call, None, None);
    let shops = &call.sandbox.world.shops;
    let day = parse_day_id(58, seed, shop, id)
        .filter(|d| (first..=last).contains(d) && shops.day_settlement(shop, *d).0 > 0)
        .ok_or_else(|| {
            ShopError::new(codes::STATEMENT_NOT_FOUND, format!("Statement {id} does not exist in this shop."))
        })?;
    let mut orders = shops.settled_orders(shop, day);
    if !ascending {
        orders.reverse();
    }
    let print = page_token::fingerprint(&[id, call.param("sort_order").unwrap_or("")]);
    let start = match call.param("page_token") {
        Some(token) => {
            usize::try_from(page_token::decode(token, Listing::StatementTransactions, print, 1)?[0])
                .map_err(|_| ShopError::invalid_param("page_token is invalid."))?
        }
        None => 0,
    };
    let end = (start + page_size).min(orders.len());
    let transactions: Vec<Value> =
        orders.get(start..end).unwrap_or_default().iter().map(|o| transaction_json(call, shop, o)).collect();
    let next = if end < orders.len() {
        page_token::encode(Listing::StatementTransactions, print, &[end as i64])
    } else {
        String::new()
    };
    let (_, s) = shops.day_settlement(shop, day);
    Ok(Data::from(json!({
        "id": id,
        "statement_time": day * DAY,
        "currency": shop.market.currency,
        "settlement_amount": money(s.settlement()),
        "revenue_amount": money(s.revenue),
        "fee_amount": money(s.fees()),
        "adjustment_amount": "0",
        "shipping_cost_amount": money(s.shipping_cost),
        "total_count": orders.len(),
        "statement_transactions": transactions,
        "next_page_token": next,
    })))
}

/// `GET /finance/202309/orders/{order_id}/statement_transactions`.
pub fn order_statement_transactions(call: &Call) -> Result<Data, ShopError> {
    let shop = call.shop()?;
    let id = call.path.split('/').rev().nth(1).unwrap_or_default();
    let shops = &call.sandbox.world.shops;
    let order = shops.order_by_id(shop, id, call.now).ok_or_else(|| {
        ShopError::new(
            codes::ORDER_NOT_OWNED,
            format!("The order or package does not belong to the current seller: {id}."),
        )
    })?;
    let statement_day = order.day + SETTLEMENT_LAG_DAYS;
    let settled = order.timeline.final_status() == OrderStatus::Completed && statement_day * DAY <= call.now;
    let mut transactions = Vec::new();
    if settled {
        let mut skus: Vec<(&str, Vec<&LineItem>)> = Vec::new();
        for line in &order.line_items {
            match skus.iter_mut().find(|(sku, _)| *sku == line.sku_id) {
                Some((_, lines)) => lines.push(line),
                None => skus.push((&line.sku_id, vec![line])),
            }
        }
        let currency = shop.market.currency;
        let sku_transactions: Vec<Value> = skus
            .iter()
            .map(|(sku_id, lines)| {
                let gross: Decimal = lines.iter().map(|l| l.original_price).sum();
                let discount: Decimal = lines.iter().map(|l| l.seller_discount).sum();
                json!({
                    "sku_id": sku_id,
                    "sku_name": lines[0].sku_name,
                    "product_id": lines[0].product_id,
                    "product_name": lines[0].product_name,
                    "seller_sku": lines[0].seller_sku,
                    "quantity": lines.len(),
                    "currency": currency,
                    "gross_sales_amount": money(gross),
                    "seller_discount_amount": money(-discount),
                    "revenue_amount": money(gross - discount),
                })
            })
            .collect();
        let mut transaction = transaction_json(call, shop, &order);
        transaction["statement_id"] = json!(day_id(58, call.sandbox.config.scale.seed, shop, statement_day));
        transaction["sku_statement_transactions"] = json!(sku_transactions);
        transactions.push(transaction);
    }
    Ok(Data::from(json!({
        "order_id": order.id,
        "order_create_time": order.timeline.create,
        "statement_transactions": transactions,
    })))
}
