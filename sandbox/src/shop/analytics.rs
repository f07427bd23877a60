//! Shop performance analytics: `GET /analytics/202405/shop/performance` (tiktok-api.md 5.6).
//!
//! Figures come from the same orders the order endpoints serve: for each day, the orders created
//! that day and paid by now; GMV is the sum of their `sub_total`, broken down by sales channel.
//! `granularity=1D` gives one interval per day, `ALL` one for the whole range; `currency=USD`
//! converts at fixed sandbox rates. Ranges longer than [`MAX_RANGE_DAYS`] are refused with
//! `36009004` as TikTok refuses "too long" ranges ([UNCONFIRMED] limit).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::envelope::{Data, ShopError, money};
use super::gateway::Call;
use crate::world::DAY;
use crate::world::shops::{Channel, DaySales, Shop};

/// Longest date range one request covers.
pub const MAX_RANGE_DAYS: i64 = 366;

fn parse_date(call: &Call, key: &str) -> Result<i64, ShopError> {
    let text = call
        .param(key)
        .ok_or_else(|| ShopError::invalid_param(format!("{key} is required (YYYY-MM-DD).")))?;
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| ShopError::invalid_param(format!("{key} must be a date as YYYY-MM-DD.")))?;
    Ok(date.and_hms_opt(0, 0, 0).map_or(0, |d| d.and_utc().timestamp()).div_euclid(DAY))
}

fn date_string(day: i64) -> String {
    chrono::DateTime::from_timestamp(day * DAY, 0).unwrap_or_default().format("%Y-%m-%d").to_string()
}

/// Sales of `shop` over days `[from, until)` at `now`.
fn sales(call: &Call, shop: &Shop, from: i64, until: i64) -> DaySales {
    let shops = &call.sandbox.world.shops;
    let mut total = DaySales::default();
    for day in from.max(shops.first_day())..until.min(call.now.div_euclid(DAY) + 1) {
        total.add(&shops.day_sales(shop, day, call.now));
    }
    total
}

fn interval(shop: &Shop, usd: bool, from: i64, until: i64, sales: &DaySales) -> Value {
    let currency = if usd { "USD" } else { shop.market.currency };
    let convert = |amount: Decimal| {
        if usd { (amount / shop.market.per_usd()).round_dp(2) } else { amount }
    };
    let amount = |value: Decimal| json!({ "amount": money(convert(value)), "currency": currency });
    let average = if sales.orders == 0 {
        Decimal::ZERO
    } else {
        let raw = convert(sales.gmv) / Decimal::from(sales.orders);
        if usd { raw.round_dp(2) } else { shop.market.round(raw) }
    };
    json!({
        "start_date": date_string(from),
        "end_date": date_string(until),
        "gmv": amount(sales.gmv),
        "gmv_breakdowns": Channel::ALL.iter().zip(sales.by_channel).map(|(channel, gmv)| json!({
            "type": channel.as_str(),
            "amount": money(convert(gmv)),
            "currency": currency,
        })).collect::<Vec<_>>(),
        "orders": sales.orders,
        "sku_orders": sales.sku_orders,
        "units_sold": sales.units,
        "avg_order_value": { "amount": money(average), "currency": currency },
    })
}

fn intervals(call: &Call, shop: &Shop, usd: bool, daily: bool, from: i64, until: i64) -> Vec<Value> {
    if daily {
        (from..until).map(|day| interval(shop, usd, day, day + 1, &sales(call, shop, day, day + 1))).collect()
    } else {
        vec![interval(shop, usd, from, until, &sales(call, shop, from, until))]
    }
}

/// `GET /analytics/202405/shop/performance`.
pub fn shop_performance(call: &Call) -> Result<Data, ShopError> {
    let shop = call.shop()?;
    let from = parse_date(call, "start_date_ge")?;
    let until = parse_date(call, "end_date_lt")?;
    if until <= from {
        return Err(ShopError::invalid_param("end_date_lt must be after start_date_ge."));
    }
    if until - from > MAX_RANGE_DAYS {
        return Err(ShopError::invalid_param(format!(
            "the date range is too long (at most {MAX_RANGE_DAYS} days)."
        )));
    }
    let daily = match call.param("granularity") {
        None | Some("ALL") => false,
        Some("1D") => true,
        Some(_) => return Err(ShopError::invalid_param("granularity must be ALL or 1D.")),
    };
    let usd = match call.param("currency") {
        None | Some("LOCAL") => false,
        Some("USD") => true,
        Some(_) => return Err(ShopError::invalid_param("currency must be USD or LOCAL.")),
    };
    let comparison = match call.param("with_comparison") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ShopError::invalid_param("with_comparison must be true or false.")),
    };
    let mut performance = json!({ "intervals": intervals(call, shop, usd, daily, from, until) });
    if comparison {
        let length = until - from;
        performance["comparison_intervals"] = json!(intervals(call, shop, usd, daily, from - length, from));
    }
    Ok(json!({ "performance": performance }).into())
}
