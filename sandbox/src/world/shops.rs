//! TikTok Shop sellers, their shops, products and orders, generated lazily from the seed.
//!
//! An order is a pure function of (seed, shop, day, index): how many orders a shop gets on a day
//! comes from its base rate times seasonality (weekends; for Indonesian shops payday, Ramadan,
//! 11.11 and 12.12), and the `k`-th order of a day is placed by inverting the day's intraday
//! profile at `(k + u_k) / n`, so creation times are monotone in `k`. That is what lets the API
//! page a million orders by creation time, and count them, without materialising any: a position
//! is `(create_time, index)`, a day's first order after a position is a binary search, and a
//! day's count is one draw.
//!
//! Each order's fate (paid or not, cancelled, shipped, returned) and the times of each step are
//! drawn once; its status at any instant is read off that timeline, so statuses advance as sandbox
//! time passes. Every order is final [`MAX_LIFECYCLE`] after it was created, which bounds how far
//! an `update_time` filter has to look and lets per-day summaries of older days be cached.
//!
//! Only what the control API adds is stored (orders added "now", product changes), plus caches of
//! figures that can no longer change (per-day status summaries, statements, paid sales): a few
//! dozen bytes per shop and day, whatever the number of orders. Markets and seasonality are in
//! [`super::markets`].

use std::collections::HashMap;
use std::sync::Mutex;

use rust_decimal::Decimal;

use super::DAY;
use super::markets::{CROSS_BORDER_MARKETS, INDONESIA, Market, seasonality};
use super::rng::{Draws, alphanumeric, hash, numeric_id};
use crate::config::Scale;

const SHOP: u64 = 10;
const PRODUCT: u64 = 11;
const ORDER_COUNT: u64 = 12;
const ORDER: u64 = 13;
const ORDER_TIME: u64 = 14;
const ORDER_FATE: u64 = 15;
const SELLER: u64 = 16;

/// Every order is in its final status this long after it was created.
pub const MAX_LIFECYCLE: i64 = 14 * DAY;
/// Orders created on day `D` are settled in the statement of day `D + SETTLEMENT_LAG_DAYS`, when
/// all of them are final.
pub const SETTLEMENT_LAG_DAYS: i64 = 15;
/// Order indexes from here on are orders the control API added (generated ones stay below).
pub const ADDED_BASE: u32 = 5_000_000;

/// `LOCAL` or `CROSS_BORDER`, as TikTok names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SellerType {
    /// Sells in its own country.
    Local,
    /// Sells abroad.
    CrossBorder,
}

impl SellerType {
    /// TikTok's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SellerType::Local => "LOCAL",
            SellerType::CrossBorder => "CROSS_BORDER",
        }
    }
}

/// A seller account: who consents, and whose shops an access token reaches.
#[derive(Debug, Clone)]
pub struct Seller {
    /// Position in the world.
    pub index: u32,
    /// The `open_id` in token responses.
    pub open_id: String,
    /// `seller_name`.
    pub name: String,
    /// `seller_base_region`.
    pub base_region: &'static str,
    /// Positions of its shops.
    pub shops: Vec<u32>,
}

/// One shop.
#[derive(Debug, Clone)]
pub struct Shop {
    /// Position in the world.
    pub index: u32,
    /// 19-digit shop id.
    pub id: String,
    /// `shop_cipher`.
    pub cipher: String,
    /// Short shop code.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Where it sells.
    pub market: &'static Market,
    /// Local or cross-border.
    pub seller_type: SellerType,
    /// Position of its seller.
    pub seller: u32,
    /// Multiplier of the configured orders per day (shops differ).
    pub popularity: f64,
    /// Platform commission in percent of revenue.
    pub commission_percent: i64,
    /// The warehouse it ships from (inventory and orders name it).
    pub warehouse_id: String,
    /// Its carrier's id.
    pub shipping_provider_id: String,
    /// Cumulative intraday profile over UTC hours (25 points from 0 to 1).
    intraday: [f64; 25],
}

/// One SKU of a product.
#[derive(Debug, Clone, PartialEq)]
pub struct Sku {
    /// 19-digit SKU id.
    pub id: String,
    /// The seller's own SKU code.
    pub seller_sku: String,
    /// Variant name.
    pub name: String,
    /// Sale price in the shop currency.
    pub price: Decimal,
    /// Units in stock.
    pub inventory: u32,
}

/// One product, with the control API's changes applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    /// Owner shop's position.
    pub shop: u32,
    /// Position in the shop's catalogue.
    pub index: u32,
    /// 19-digit product id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Description (HTML as TikTok stores it).
    pub description: String,
    /// `ACTIVATE`, `SELLER_DEACTIVATED`, `DRAFT`, ...
    pub status: String,
    /// Listed at.
    pub create_time: i64,
    /// Last changed at.
    pub update_time: i64,
    /// Category path, root first.
    pub category: [&'static str; 2],
    /// Variants.
    pub skus: Vec<Sku>,
}

/// A change the control API made to a product.
#[derive(Debug, Clone, Default)]
pub struct ProductChange {
    /// New status.
    pub status: Option<String>,
    /// New title.
    pub title: Option<String>,
    /// New price of every SKU.
    pub price: Option<Decimal>,
    /// When the change happened.
    pub at: i64,
}

/// Order statuses, TikTok's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderStatus {
    /// Placed, not paid.
    Unpaid,
    /// Paid, held by TikTok's risk checks (not generated; accepted as a filter).
    OnHold,
    /// Paid, to be shipped.
    AwaitingShipment,
    /// Some packages shipped (not generated; accepted as a filter).
    PartiallyShipping,
    /// Ready to ship, waiting for the carrier.
    AwaitingCollection,
    /// With the carrier.
    InTransit,
    /// Delivered, within the return window.
    Delivered,
    /// Done; settled to the seller.
    Completed,
    /// Cancelled before payment, before shipping, or refunded after a return.
    Cancelled,
}

impl OrderStatus {
    /// Every status, in lifecycle order (the index is used by per-day counts).
    pub const ALL: [OrderStatus; 9] = [
        OrderStatus::Unpaid,
        OrderStatus::OnHold,
        OrderStatus::AwaitingShipment,
        OrderStatus::PartiallyShipping,
        OrderStatus::AwaitingCollection,
        OrderStatus::InTransit,
        OrderStatus::Delivered,
        OrderStatus::Completed,
        OrderStatus::Cancelled,
    ];

    /// TikTok's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Unpaid => "UNPAID",
            OrderStatus::OnHold => "ON_HOLD",
            OrderStatus::AwaitingShipment => "AWAITING_SHIPMENT",
            OrderStatus::PartiallyShipping => "PARTIALLY_SHIPPING",
            OrderStatus::AwaitingCollection => "AWAITING_COLLECTION",
            OrderStatus::InTransit => "IN_TRANSIT",
            OrderStatus::Delivered => "DELIVERED",
            OrderStatus::Completed => "COMPLETED",
            OrderStatus::Cancelled => "CANCELLED",
        }
    }

    /// The status TikTok spells `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Position in [`OrderStatus::ALL`].
    pub fn position(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// How an order ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Delivered and settled.
    Completed,
    /// Never paid; cancelled by the system.
    UnpaidCancelled,
    /// Paid, cancelled before shipping (by the buyer or the seller).
    CancelledBeforeShipping {
        /// The seller cancelled (out of stock) rather than the buyer.
        by_seller: bool,
    },
    /// Delivered, returned and refunded.
    Returned,
}

/// The times of an order's steps; `None` for steps it never reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeline {
    /// Placed.
    pub create: i64,
    /// Paid.
    pub paid: Option<i64>,
    /// Packed, ready to ship.
    pub rts: Option<i64>,
    /// Collected by the carrier.
    pub collection: Option<i64>,
    /// Delivered.
    pub delivery: Option<i64>,
    /// A return was requested.
    pub return_request: Option<i64>,
    /// Completed.
    pub complete: Option<i64>,
    /// Cancelled (or refunded after a return).
    pub cancel: Option<i64>,
    /// How it ends.
    pub fate: Fate,
}

impl Timeline {
    /// Draws the timeline of the order at (shop, day, index) created at `create`.
    fn draw(seed: u64, shop: u32, day: i64, index: u32, create: i64) -> Self {
        let mut d = Draws::new(seed, &[ORDER_FATE, u64::from(shop), day as u64, u64::from(index)]);
        let hours = |d: &mut Draws, lo: f64, hi: f64| (d.range(lo, hi) * 3600.0) as i64;
        let roll = d.unit();
        let fate = if roll < 0.05 {
            Fate::UnpaidCancelled
        } else if roll < 0.085 {
            Fate::CancelledBeforeShipping { by_seller: d.chance(0.3) }
        } else if roll < 0.115 {
            Fate::Returned
        } else {
            Fate::Completed
        };
        let mut t = Timeline {
            create,
            paid: None,
            rts: None,
            collection: None,
            delivery: None,
            return_request: None,
            complete: None,
            cancel: None,
            fate,
        };
        if fate == Fate::UnpaidCancelled {
            t.cancel = Some(create + hours(&mut d, 0.5, 24.0));
            return t;
        }
        let paid = create + 5 + hours(&mut d, 0.0, 0.5);
        t.paid = Some(paid);
        if let Fate::CancelledBeforeShipping { .. } = fate {
            t.cancel = Some(paid + hours(&mut d, 0.5, 12.0));
            return t;
        }
        let rts = paid + hours(&mut d, 4.0, 60.0);
        let collection = rts + hours(&mut d, 2.0, 10.0);
        let delivery = collection + hours(&mut d, 24.0, 120.0);
        t.rts = Some(rts);
        t.collection = Some(collection);
        t.delivery = Some(delivery);
        if fate == Fate::Returned {
            let request = delivery + hours(&mut d, 12.0, 72.0);
            t.return_request = Some(request);
            t.cancel = Some(request + hours(&mut d, 24.0, 48.0));
        } else {
            t.complete = Some(delivery + hours(&mut d, 72.0, 120.0));
        }
        t
    }

    /// The status at `now`.
    pub fn status_at(&self, now: i64) -> OrderStatus {
        let reached = |step: Option<i64>| step.is_some_and(|t| t <= now);
        if reached(self.cancel) {
            OrderStatus::Cancelled
        } else if reached(self.complete) {
            OrderStatus::Completed
        } else if reached(self.delivery) {
            OrderStatus::Delivered
        } else if reached(self.collection) {
            OrderStatus::InTransit
        } else if reached(self.rts) {
            OrderStatus::AwaitingCollection
        } else if reached(self.paid) {
            OrderStatus::AwaitingShipment
        } else {
            OrderStatus::Unpaid
        }
    }

    /// The time of the last step reached by `now` (TikTok's `update_time`).
    pub fn update_time_at(&self, now: i64) -> i64 {
        [self.paid, self.rts, self.collection, self.delivery, self.return_request, self.complete, self.cancel]
            .into_iter()
            .flatten()
            .filter(|t| *t <= now)
            .fold(self.create, i64::max)
    }

    /// The times at which the status changes, in order.
    pub fn status_changes(&self) -> Vec<i64> {
        let mut times: Vec<i64> =
            [self.paid, self.rts, self.collection, self.delivery, self.complete, self.cancel]
                .into_iter()
                .flatten()
                .collect();
        times.sort_unstable();
        times
    }

    /// The status once every step has happened.
    pub fn final_status(&self) -> OrderStatus {
        self.status_at(i64::MAX)
    }
}

/// Where a sale came from (analytics `gmv_breakdowns`; affiliate videos pay commission).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// LIVE sessions.
    Live,
    /// Shoppable videos (a share of them by affiliate creators).
    Video,
    /// The product card in the shop tab or search.
    ProductCard,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 3] = [Channel::Live, Channel::Video, Channel::ProductCard];

    /// TikTok's spelling in analytics breakdowns.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Live => "LIVE",
            Channel::Video => "VIDEO",
            Channel::ProductCard => "PRODUCT_CARD",
        }
    }
}

/// One unit sold: TikTok sends one line item per unit.
#[derive(Debug, Clone, PartialEq)]
pub struct LineItem {
    /// 19-digit line item id.
    pub id: String,
    /// The product.
    pub product_id: String,
    /// Its title.
    pub product_name: String,
    /// The SKU.
    pub sku_id: String,
    /// Variant name.
    pub sku_name: String,
    /// Seller's SKU code.
    pub seller_sku: String,
    /// List price.
    pub original_price: Decimal,
    /// Discount paid by the seller.
    pub seller_discount: Decimal,
    /// Discount paid by TikTok.
    pub platform_discount: Decimal,
}

impl LineItem {
    /// What the buyer pays for the unit.
    pub fn sale_price(&self) -> Decimal {
        self.original_price - self.seller_discount - self.platform_discount
    }
}

/// One order, as generated; its status comes from [`Order::timeline`] at a given instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    /// Shop position.
    pub shop: u32,
    /// Day of creation (days since the epoch).
    pub day: i64,
    /// Index within the day ([`ADDED_BASE`] and up: added by the control API).
    pub index: u32,
    /// 18-digit order id (it encodes the coordinates above).
    pub id: String,
    /// Step times.
    pub timeline: Timeline,
    /// One per unit.
    pub line_items: Vec<LineItem>,
    /// Shipping fee before discounts.
    pub original_shipping_fee: Decimal,
    /// Shipping discount paid by the seller.
    pub shipping_fee_seller_discount: Decimal,
    /// Shipping discount paid by TikTok.
    pub shipping_fee_platform_discount: Decimal,
    /// Sales tax (US only).
    pub tax: Decimal,
    /// Buyer's 19-digit user id.
    pub buyer_id: String,
    /// Index into the masked buyer names.
    pub buyer_name: usize,
    /// Index into the cities of the shop's market.
    pub city: usize,
    /// Cash on delivery.
    pub is_cod: bool,
    /// Where it was sold.
    pub channel: Channel,
    /// Sold through an affiliate creator's content.
    pub affiliate: bool,
}

impl Order {
    /// Sum of sale prices.
    pub fn sub_total(&self) -> Decimal {
        self.line_items.iter().map(LineItem::sale_price).sum()
    }

    /// Sum of list prices.
    pub fn original_total_product_price(&self) -> Decimal {
        self.line_items.iter().map(|l| l.original_price).sum()
    }

    /// Sum of seller discounts.
    pub fn seller_discount(&self) -> Decimal {
        self.line_items.iter().map(|l| l.seller_discount).sum()
    }

    /// Sum of platform discounts.
    pub fn platform_discount(&self) -> Decimal {
        self.line_items.iter().map(|l| l.platform_discount).sum()
    }

    /// Shipping the buyer pays.
    pub fn shipping_fee(&self) -> Decimal {
        self.original_shipping_fee - self.shipping_fee_seller_discount - self.shipping_fee_platform_discount
    }

    /// What the buyer pays in total.
    pub fn total_amount(&self) -> Decimal {
        self.sub_total() + self.shipping_fee() + self.tax
    }
}

/// What one completed order settles to the seller (finance statements and transactions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Settlement {
    /// List prices.
    pub gross_sales: Decimal,
    /// Gross sales less seller discounts (TikTok reimburses its own discounts).
    pub revenue: Decimal,
    /// Platform commission (negative).
    pub platform_commission: Decimal,
    /// Payment processing fee (negative).
    pub transaction_fee: Decimal,
    /// Affiliate creator commission (negative).
    pub affiliate_commission: Decimal,
    /// Shipping the seller subsidised (negative).
    pub shipping_cost: Decimal,
}

impl Settlement {
    /// All fees (negative).
    pub fn fees(&self) -> Decimal {
        self.platform_commission + self.transaction_fee + self.affiliate_commission
    }

    /// Paid out to the seller.
    pub fn settlement(&self) -> Decimal {
        self.revenue + self.fees() + self.shipping_cost
    }

    /// Adds `other` into `self`.
    pub fn add(&mut self, other: &Settlement) {
        self.gross_sales += other.gross_sales;
        self.revenue += other.revenue;
        self.platform_commission += other.platform_commission;
        self.transaction_fee += other.transaction_fee;
        self.affiliate_commission += other.affiliate_commission;
        self.shipping_cost += other.shipping_cost;
    }
}

/// Order counts of one day by final status, and the span of final update times: enough to count
/// most filtered searches over old days without generating their orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaySummary {
    /// Orders per final status (positions of [`OrderStatus::ALL`]).
    pub by_status: [u32; 9],
    /// Earliest final `update_time`.
    pub first_update: i64,
    /// Latest final `update_time`.
    pub last_update: i64,
}

/// Paid sales of one day (analytics): orders created that day and paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DaySales {
    /// Paid orders.
    pub orders: u32,
    /// Distinct (order, SKU) pairs.
    pub sku_orders: u32,
    /// Units (line items).
    pub units: u32,
    /// Sum of the orders' `sub_total`.
    pub gmv: Decimal,
    /// GMV by [`Channel::ALL`] position.
    pub by_channel: [Decimal; 3],
}

impl DaySales {
    /// Adds `other` into `self`.
    pub fn add(&mut self, other: &DaySales) {
        self.orders += other.orders;
        self.sku_orders += other.sku_orders;
        self.units += other.units;
        self.gmv += other.gmv;
        for (sum, part) in self.by_channel.iter_mut().zip(other.by_channel) {
            *sum += part;
        }
    }

    fn count(&mut self, order: &Order) {
        let mut skus: Vec<&str> = order.line_items.iter().map(|l| l.sku_id.as_str()).collect();
        skus.sort_unstable();
        skus.dedup();
        self.orders += 1;
        self.sku_orders += skus.len() as u32;
        self.units += order.line_items.len() as u32;
        let gmv = order.sub_total();
        self.gmv += gmv;
        let channel = Channel::ALL.iter().position(|c| *c == order.channel).unwrap_or(0);
        self.by_channel[channel] += gmv;
    }
}

/// An order the control API added.
#[derive(Debug, Clone, Copy)]
struct AddedOrder {
    day: i64,
    index: u32,
    create_time: i64,
}

#[derive(Debug, Default)]
struct Overlays {
    added_orders: HashMap<u32, Vec<AddedOrder>>,
    products: HashMap<(u32, u32), ProductChange>,
}

/// Every seller and shop, with the control API's overlays and caches of final per-day figures.
#[derive(Debug)]
pub struct Shops {
    seed: u64,
    genesis: i64,
    orders_per_day: u32,
    products_per_shop: u32,
    /// Sellers by position.
    pub sellers: Vec<Seller>,
    /// Shops by position.
    pub all: Vec<Shop>,
    overlays: Mutex<Overlays>,
    summaries: Mutex<HashMap<(u32, i64), DaySummary>>,
    settlements: Mutex<HashMap<(u32, i64), (u32, Settlement)>>,
    sales: Mutex<HashMap<(u32, i64), DaySales>>,
}

const LOCAL_SHOP_NAMES: &[&str] =
    &["Toko Sari Rasa", "Glow Beauty ID", "Rumah Gadget", "Batik Nusantara", "Dapur Mama Official"];
const CROSS_BORDER_SHOP_NAMES: &[&str] =
    &["Maomao Beauty Shop", "Lumi Home", "Kite Gadgets", "Panda Outfitters"];
const CATALOGUE_ID: &[(&str, &str, &str, f64)] = &[
    ("Serum Wajah Niacinamide 10%", "Kecantikan", "Perawatan Wajah", 0.4),
    ("Sambal Bawang Pedas 200g", "Makanan", "Bumbu", 0.15),
    ("Kemeja Batik Pria Lengan Panjang", "Fashion Pria", "Kemeja", 1.0),
    ("Hijab Voal Premium", "Fashion Muslim", "Hijab", 0.35),
    ("TWS Earbuds Bluetooth 5.3", "Elektronik", "Audio", 1.6),
    ("Sunscreen SPF 50 PA++++", "Kecantikan", "Tabir Surya", 0.5),
    ("Keripik Singkong Balado", "Makanan", "Camilan", 0.1),
    ("Tas Selempang Wanita", "Fashion Wanita", "Tas", 0.9),
    ("Gamis Syari Ramadan", "Fashion Muslim", "Gamis", 1.4),
    ("Kopi Gayo Arabika 250g", "Makanan", "Minuman", 0.45),
];
const CATALOGUE_EN: &[(&str, &str, &str, f64)] = &[
    ("Vitamin C Brightening Serum 30ml", "Beauty & Personal Care", "Skincare", 0.5),
    ("Wireless Earbuds with Charging Case", "Phones & Electronics", "Audio", 1.2),
    ("Silk Pillowcase", "Home Supplies", "Bedding", 0.8),
    ("LED Strip Lights 5m", "Home Supplies", "Lighting", 0.6),
    ("Oversized Hoodie", "Womenswear", "Hoodies", 1.0),
    ("Stainless Steel Water Bottle", "Kitchenware", "Drinkware", 0.55),
    ("Lip Tint Set", "Beauty & Personal Care", "Makeup", 0.35),
    ("Phone Tripod with Remote", "Phones & Electronics", "Accessories", 0.7),
];
const VARIANTS_ID: &[&str] =
    &["Hitam", "Putih", "Merah", "Navy", "Ukuran M", "Ukuran L", "Ukuran XL", "Isi 2"];
const VARIANTS_EN: &[&str] = &["Black", "White", "Pink", "Navy", "Size M", "Size L", "Twin Pack", "Large"];
/// Local-hour weights of orders: quiet nights, a lunch bump, an evening peak.
const HOURLY: [f64; 24] = [
    0.9, 0.5, 0.3, 0.2, 0.2, 0.4, 0.9, 1.6, 2.2, 2.8, 3.3, 3.8, 4.6, 4.4, 3.7, 3.5, 3.7, 4.0, 4.6, 5.8, 6.6,
    6.9, 5.9, 3.2,
];

impl Shop {
    fn generate(seed: u64, index: u32, local_shops: u32, seller: u32) -> Self {
        let local = index < local_shops;
        let mut d = Draws::new(seed, &[SHOP, u64::from(index)]);
        let (market, name, prefix) = if local {
            let base = LOCAL_SHOP_NAMES[index as usize % LOCAL_SHOP_NAMES.len()];
            (&INDONESIA, numbered(base, index as usize / LOCAL_SHOP_NAMES.len()), "ROW_")
        } else {
            let i = (index - local_shops) as usize;
            let base = CROSS_BORDER_SHOP_NAMES[i % CROSS_BORDER_SHOP_NAMES.len()];
            let market = &CROSS_BORDER_MARKETS[i % CROSS_BORDER_MARKETS.len()];
            (market, numbered(base, i / CROSS_BORDER_SHOP_NAMES.len()), "GCP_")
        };
        let mut intraday = [0.0; 25];
        let total: f64 = HOURLY.iter().sum();
        for utc_hour in 0..24 {
            let local_hour = (utc_hour as i64 + market.utc_offset_hours).rem_euclid(24) as usize;
            intraday[utc_hour + 1] = intraday[utc_hour] + HOURLY[local_hour] / total;
        }
        intraday[24] = 1.0;
        Shop {
            index,
            id: numeric_id(seed, &[SHOP, u64::from(index)]),
            cipher: format!("{prefix}{}", alphanumeric(seed, &[SHOP, u64::from(index), 1], 28)),
            code: alphanumeric(seed, &[SHOP, u64::from(index), 2], 12).to_uppercase(),
            name,
            market,
            seller_type: if local { SellerType::Local } else { SellerType::CrossBorder },
            seller,
            popularity: if index == 0 { 1.0 } else { d.range(0.6, 1.3) },
            commission_percent: if local { 5 + d.below(4) as i64 } else { 6 + d.below(3) as i64 },
            warehouse_id: numeric_id(seed, &[SHOP, u64::from(index), 3]),
            shipping_provider_id: numeric_id(seed, &[SHOP, u64::from(index), 4]),
            intraday,
        }
    }

    /// Seconds into the UTC day of the order at fraction `x` of the day's orders.
    fn second_of_day(&self, x: f64) -> i64 {
        let x = x.clamp(0.0, 1.0 - 1e-12);
        let hour = self.intraday.partition_point(|&c| c <= x).saturating_sub(1).min(23);
        let width = (self.intraday[hour + 1] - self.intraday[hour]).max(1e-12);
        let within = ((x - self.intraday[hour]) / width).clamp(0.0, 1.0 - 1e-9);
        (hour as i64 * 3600 + (within * 3600.0) as i64).min(DAY - 1)
    }
}

fn numbered(base: &str, round: usize) -> String {
    if round == 0 { base.to_owned() } else { format!("{base} {}", round + 1) }
}

/// The coordinates an order id encodes: `576` + shop (3 digits) + day (5) + index (7).
pub fn parse_order_id(id: &str) -> Option<(u32, i64, u32)> {
    if id.len() != 18 || !id.starts_with("576") || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((id[3..6].parse().ok()?, id[6..11].parse().ok()?, id[11..18].parse().ok()?))
}

fn order_id(shop: u32, day: i64, index: u32) -> String {
    format!("576{shop:03}{day:05}{index:07}")
}

/// The coordinates a product id encodes: `172` + shop (3 digits) + index (7) + a check (6).
fn parse_product_id(id: &str) -> Option<(u32, u32)> {
    if id.len() != 19 || !id.starts_with("172") || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((id[3..6].parse().ok()?, id[6..13].parse().ok()?))
}

impl Shops {
    /// Generates every seller and shop for `scale`, with history starting at `genesis`. One seller
    /// per local shop; all cross-border shops belong to one cross-border seller.
    pub fn new(scale: &Scale, genesis: i64) -> Self {
        let seed = scale.seed;
        let local = scale.local_shops.min(500);
        let cross_border = scale.cross_border_shops.min(499);
        let mut sellers: Vec<Seller> = (0..local)
            .map(|i| Seller {
                index: i,
                open_id: numeric_id(seed, &[SELLER, u64::from(i)]),
                name: format!("{} Seller", numbered(LOCAL_SHOP_NAMES[i as usize % 5], i as usize / 5)),
                base_region: "ID",
                shops: vec![i],
            })
            .collect();
        if cross_border > 0 {
            sellers.push(Seller {
                index: local,
                open_id: numeric_id(seed, &[SELLER, u64::from(local)]),
                name: "Global Goods Trading Ltd".into(),
                base_region: "CN",
                shops: (local..local + cross_border).collect(),
            });
        }
        let all = (0..local + cross_border).map(|i| Shop::generate(seed, i, local, i.min(local))).collect();
        Shops {
            seed,
            genesis,
            orders_per_day: scale.orders_per_day,
            products_per_shop: scale.products_per_shop.clamp(1, 9_999_999),
            sellers,
            all,
            overlays: Mutex::default(),
            summaries: Mutex::default(),
            settlements: Mutex::default(),
            sales: Mutex::default(),
        }
    }

    /// The first day with orders (days since the epoch).
    pub fn first_day(&self) -> i64 {
        self.genesis.div_euclid(DAY)
    }

    /// The shop with `cipher`.
    pub fn by_cipher(&self, cipher: &str) -> Option<&Shop> {
        self.all.iter().find(|s| s.cipher == cipher)
    }

    /// The shop with `id`.
    pub fn by_id(&self, id: &str) -> Option<&Shop> {
        self.all.iter().find(|s| s.id == id)
    }

    /// Products in each shop.
    pub fn products_per_shop(&self) -> u32 {
        self.products_per_shop
    }

    // ---- products ----

    /// The product at `index` of `shop` as generated, with control changes up to now applied.
    pub fn product(&self, shop: &Shop, index: u32) -> Product {
        let mut product = self.generated_product(shop, index);
        let overlays = self.overlays.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(change) = overlays.products.get(&(shop.index, index)) {
            if let Some(status) = &change.status {
                product.status = status.clone();
            }
            if let Some(title) = &change.title {
                product.title = title.clone();
            }
            if let Some(price) = change.price {
                product.skus.iter_mut().for_each(|s| s.price = price);
            }
            product.update_time = product.update_time.max(change.at);
        }
        product
    }

    fn generated_product(&self, shop: &Shop, index: u32) -> Product {
        let coordinates = [PRODUCT, u64::from(shop.index), u64::from(index)];
        let mut d = Draws::new(self.seed, &coordinates);
        let local = shop.seller_type == SellerType::Local;
        let catalogue = if local { CATALOGUE_ID } else { CATALOGUE_EN };
        let variants = if local { VARIANTS_ID } else { VARIANTS_EN };
        let (base, root, leaf, weight) = catalogue[index as usize % catalogue.len()];
        let edition = index as usize / catalogue.len();
        let title = if edition == 0 { base.to_owned() } else { format!("{base} - Edisi {}", edition + 1) };
        let (lo, hi) = shop.market.price_range;
        let base_price = (lo + (hi - lo) * d.unit().powi(2)) * weight.max(0.1);
        let check = hash(self.seed, &coordinates) % 1_000_000;
        let id = format!("172{:03}{index:07}{check:06}", shop.index);
        let create_time = self.genesis - (d.range(5.0, 400.0) * DAY as f64) as i64;
        let sku_count = 1 + d.below(4) as usize;
        let skus = (0..sku_count)
            .map(|k| {
                let raw = base_price * d.range(0.9, 1.2);
                // Prices end like shop prices do: 49.900 rupiah, 12.99 pounds.
                let price = if shop.market.decimals == 0 {
                    Decimal::from((raw / 100.0).round().max(1.0) as i64 * 100)
                } else {
                    Decimal::new(raw.round().max(1.0) as i64 * 100 - 1, 2)
                };
                Sku {
                    id: numeric_id(self.seed, &[PRODUCT, u64::from(shop.index), u64::from(index), k as u64]),
                    seller_sku: format!("{}-{:04}-{}", &shop.code[..4], index, k + 1),
                    name: variants[(index as usize + k) % variants.len()].to_owned(),
                    price,
                    inventory: d.below(500) as u32,
                }
            })
            .collect();
        let status = match d.below(40) {
            0 => "SELLER_DEACTIVATED",
            1 => "DRAFT",
            _ => "ACTIVATE",
        };
        Product {
            shop: shop.index,
            index,
            description: format!("<p>{title}</p><p>{root} / {leaf}</p>"),
            id,
            title,
            status: status.to_owned(),
            create_time,
            update_time: create_time + (d.range(0.0, 4.0) * DAY as f64) as i64,
            category: [root, leaf],
            skus,
        }
    }

    /// The product `id` of `shop`, if it has it.
    pub fn product_by_id(&self, shop: &Shop, id: &str) -> Option<Product> {
        let (shop_index, index) = parse_product_id(id)?;
        if shop_index != shop.index || index >= self.products_per_shop {
            return None;
        }
        let product = self.product(shop, index);
        (product.id == id).then_some(product)
    }

    /// Records a change to a product at `at`; returns the product as changed.
    pub fn change_product(&self, shop: &Shop, index: u32, change: ProductChange) -> Product {
        {
            let mut overlays = self.overlays.lock().unwrap_or_else(|e| e.into_inner());
            let slot = overlays.products.entry((shop.index, index)).or_default();
            if change.status.is_some() {
                slot.status = change.status;
            }
            if change.title.is_some() {
                slot.title = change.title;
            }
            if change.price.is_some() {
                slot.price = change.price;
            }
            slot.at = change.at;
        }
        self.product(shop, index)
    }

    // ---- orders ----

    /// How many orders `shop` gets on `day` (days since the epoch), generated ones only.
    pub fn orders_on(&self, shop: &Shop, day: i64) -> u32 {
        if day < self.first_day() {
            return 0;
        }
        let mean = f64::from(self.orders_per_day) * shop.popularity * seasonality(shop.market, day);
        let mut d = Draws::new(self.seed, &[ORDER_COUNT, u64::from(shop.index), day as u64]);
        d.poisson(mean).min(u64::from(ADDED_BASE - 1)) as u32
    }

    /// Creation time of the generated order `index` of `count` on `day`: non-decreasing in `index`.
    pub fn create_time(&self, shop: &Shop, day: i64, index: u32, count: u32) -> i64 {
        let u =
            Draws::new(self.seed, &[ORDER_TIME, u64::from(shop.index), day as u64, u64::from(index)]).unit();
        day * DAY + shop.second_of_day((f64::from(index) + u) / f64::from(count.max(1)))
    }

    /// The timeline of the order at (day, index) created at `create`.
    pub fn timeline(&self, shop: &Shop, day: i64, index: u32, create: i64) -> Timeline {
        Timeline::draw(self.seed, shop.index, day, index, create)
    }

    /// Orders the control API added to `shop` on `day`, as (index, create_time), by index.
    pub fn added_on(&self, shop: &Shop, day: i64) -> Vec<(u32, i64)> {
        let overlays = self.overlays.lock().unwrap_or_else(|e| e.into_inner());
        overlays
            .added_orders
            .get(&shop.index)
            .map(|all| all.iter().filter(|o| o.day == day).map(|o| (o.index, o.create_time)).collect())
            .unwrap_or_default()
    }

    /// Adds `count` orders to `shop` created at `now`; returns them.
    pub fn add_orders(&self, shop: &Shop, now: i64, count: u32) -> Vec<Order> {
        let day = now.div_euclid(DAY);
        let added: Vec<AddedOrder> = {
            let mut overlays = self.overlays.lock().unwrap_or_else(|e| e.into_inner());
            let list = overlays.added_orders.entry(shop.index).or_default();
            let first = ADDED_BASE + list.len() as u32;
            let new: Vec<AddedOrder> = (0..count.min(ADDED_BASE - 1 - list.len() as u32))
                .map(|k| AddedOrder { day, index: first + k, create_time: now })
                .collect();
            list.extend(new.iter().copied());
            new
        };
        added.iter().map(|o| self.order(shop, o.day, o.index, o.create_time)).collect()
    }

    /// The order with `id` if `shop` has it and it exists at `now`.
    pub fn order_by_id(&self, shop: &Shop, id: &str, now: i64) -> Option<Order> {
        let (shop_index, day, index) = parse_order_id(id)?;
        if shop_index != shop.index {
            return None;
        }
        let create = if index >= ADDED_BASE {
            self.added_on(shop, day).into_iter().find(|(i, _)| *i == index)?.1
        } else {
            let count = self.orders_on(shop, day);
            if index >= count {
                return None;
            }
            self.create_time(shop, day, index, count)
        };
        (create <= now).then(|| self.order(shop, day, index, create))
    }

    /// Generates the order at (day, index) created at `create`.
    pub fn order(&self, shop: &Shop, day: i64, index: u32, create: i64) -> Order {
        let coordinates = [ORDER, u64::from(shop.index), day as u64, u64::from(index)];
        let mut d = Draws::new(self.seed, &coordinates);
        let market = shop.market;
        let distinct = 1 + usize::from(d.chance(0.3)) + usize::from(d.chance(0.1));
        let mut line_items = Vec::new();
        for k in 0..distinct {
            // Popular products sell more: squaring skews picks towards the front of the catalogue.
            let product_index = (f64::from(self.products_per_shop) * d.unit().powi(2)) as u32;
            let product = self.generated_product(shop, product_index.min(self.products_per_shop - 1));
            let sku = &product.skus[d.below(product.skus.len() as u64) as usize];
            let units = if d.chance(0.8) { 1 } else { 2 + d.below(2) };
            let seller_discount = if d.chance(0.35) {
                market.round(sku.price * Decimal::new(d.below(25) as i64 + 5, 2))
            } else {
                Decimal::ZERO
            };
            let platform_discount = if d.chance(0.15) {
                market.round(sku.price * Decimal::new(d.below(10) as i64 + 3, 2))
            } else {
                Decimal::ZERO
            };
            for unit in 0..units {
                line_items.push(LineItem {
                    id: numeric_id(
                        self.seed,
                        &[ORDER, u64::from(shop.index), day as u64, u64::from(index), k as u64, unit],
                    ),
                    product_id: product.id.clone(),
                    product_name: product.title.clone(),
                    sku_id: sku.id.clone(),
                    sku_name: sku.name.clone(),
                    seller_sku: sku.seller_sku.clone(),
                    original_price: sku.price,
                    seller_discount,
                    platform_discount,
                });
            }
        }
        let (lo, _) = market.price_range;
        let original_shipping_fee =
            market.round(Decimal::try_from(lo * d.range(0.3, 0.9)).unwrap_or_default());
        let free_shipping = d.chance(0.6);
        let shipping_fee_platform_discount = if free_shipping {
            market.round(original_shipping_fee * Decimal::new(7, 1))
        } else {
            Decimal::ZERO
        };
        let shipping_fee_seller_discount = if free_shipping {
            original_shipping_fee - shipping_fee_platform_discount
        } else {
            Decimal::ZERO
        };
        let mut order = Order {
            shop: shop.index,
            day,
            index,
            id: order_id(shop.index, day, index),
            timeline: self.timeline(shop, day, index, create),
            line_items,
            original_shipping_fee,
            shipping_fee_seller_discount,
            shipping_fee_platform_discount,
            tax: Decimal::ZERO,
            buyer_id: numeric_id(
                self.seed,
                &[ORDER, u64::from(shop.index), d.below(u64::from(self.orders_per_day.max(1)) * 40)],
            ),
            buyer_name: d.below(1000) as usize,
            city: d.below(1000) as usize,
            is_cod: market.region == "ID" && d.chance(0.25),
            channel: match d.below(10) {
                0..=2 => Channel::Live,
                3..=7 => Channel::Video,
                _ => Channel::ProductCard,
            },
            affiliate: d.chance(0.4),
        };
        order.tax = market.round(order.sub_total() * Decimal::new(market.tax_percent, 2));
        order
    }

    /// What `order` settles to the seller.
    pub fn settlement(&self, shop: &Shop, order: &Order) -> Settlement {
        let market = shop.market;
        let gross_sales = order.original_total_product_price();
        let revenue = gross_sales - order.seller_discount();
        let percent = |p: i64| -market.round(revenue * Decimal::new(p, 2));
        Settlement {
            gross_sales,
            revenue,
            platform_commission: percent(shop.commission_percent),
            transaction_fee: percent(2),
            affiliate_commission: if order.affiliate && order.channel == Channel::Video {
                percent(10)
            } else {
                Decimal::ZERO
            },
            shipping_cost: -order.shipping_fee_seller_discount,
        }
    }

    /// Counts and final-update span of every generated order of `day`, cached once the day's
    /// orders are all final at `now` (before that it is recomputed: statuses still move).
    pub fn day_summary(&self, shop: &Shop, day: i64, now: i64) -> DaySummary {
        let settled = (day + 1) * DAY + MAX_LIFECYCLE <= now;
        if settled {
            let cache = self.summaries.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(summary) = cache.get(&(shop.index, day)) {
                return *summary;
            }
        }
        let count = self.orders_on(shop, day);
        let mut summary = DaySummary { by_status: [0; 9], first_update: i64::MAX, last_update: i64::MIN };
        for index in 0..count {
            let create = self.create_time(shop, day, index, count);
            let timeline = self.timeline(shop, day, index, create);
            summary.by_status[timeline.status_at(now).position()] += 1;
            let update = timeline.update_time_at(now);
            summary.first_update = summary.first_update.min(update);
            summary.last_update = summary.last_update.max(update);
        }
        if settled {
            self.summaries.lock().unwrap_or_else(|e| e.into_inner()).insert((shop.index, day), summary);
        }
        summary
    }

    /// The statement of `day` for `shop`: the number of completed orders created
    /// [`SETTLEMENT_LAG_DAYS`] earlier and what they settle to. Cached: by then every one of
    /// those orders is final.
    pub fn day_settlement(&self, shop: &Shop, day: i64) -> (u32, Settlement) {
        if let Some(found) =
            self.settlements.lock().unwrap_or_else(|e| e.into_inner()).get(&(shop.index, day))
        {
            return *found;
        }
        let mut total = Settlement::default();
        let mut orders = 0;
        for order in self.settled_orders(shop, day) {
            total.add(&self.settlement(shop, &order));
            orders += 1;
        }
        self.settlements.lock().unwrap_or_else(|e| e.into_inner()).insert((shop.index, day), (orders, total));
        (orders, total)
    }

    /// The completed orders the statement of `day` settles, by creation time.
    pub fn settled_orders(&self, shop: &Shop, day: i64) -> Vec<Order> {
        let created = day - SETTLEMENT_LAG_DAYS;
        let count = self.orders_on(shop, created);
        let generated = (0..count).map(|i| (i, self.create_time(shop, created, i, count)));
        let mut settled: Vec<(u32, i64)> = generated
            .chain(self.added_on(shop, created))
            .filter(|&(index, create)| {
                self.timeline(shop, created, index, create).final_status() == OrderStatus::Completed
            })
            .collect();
        settled.sort_by_key(|&(index, create)| (create, index));
        settled.into_iter().map(|(index, create)| self.order(shop, created, index, create)).collect()
    }

    /// Paid sales of orders created on `day` and paid by `now`. The generated part is cached once
    /// every order of the day is past payment; added orders are counted afresh.
    pub fn day_sales(&self, shop: &Shop, day: i64, now: i64) -> DaySales {
        // Payment comes at most half an hour (and a few seconds) after creation.
        let final_at = (day + 1) * DAY + 3600;
        let cached = self.sales.lock().unwrap_or_else(|e| e.into_inner()).get(&(shop.index, day)).copied();
        let mut sales = match cached {
            Some(sales) => sales,
            None => {
                let count = self.orders_on(shop, day);
                let mut sales = DaySales::default();
                for index in 0..count {
                    let create = self.create_time(shop, day, index, count);
                    if self.timeline(shop, day, index, create).paid.is_some_and(|p| p <= now) {
                        sales.count(&self.order(shop, day, index, create));
                    }
                }
                if final_at <= now {
                    self.sales.lock().unwrap_or_else(|e| e.into_inner()).insert((shop.index, day), sales);
                }
                sales
            }
        };
        for (index, create) in self.added_on(shop, day) {
            if self.timeline(shop, day, index, create).paid.is_some_and(|p| p <= now) {
                sales.count(&self.order(shop, day, index, create));
            }
        }
        sales
    }

    /// Drops overlays and caches: the shops as generated.
    pub fn reset(&self) {
        *self.overlays.lock().unwrap_or_else(|e| e.into_inner()) = Overlays::default();
        self.summaries.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.settlements.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.sales.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_793_491_200; // 2026-11-01

    fn scale(orders_per_day: u32) -> Scale {
        Scale {
            seed: 5,
            creators: 0,
            videos_per_creator: 0,
            history_days: 60,
            local_shops: 2,
            cross_border_shops: 2,
            products_per_shop: 12,
            orders_per_day,
        }
    }

    #[test]
    fn same_seed_same_shops_and_orders() {
        let a = Shops::new(&scale(50), NOW - 60 * DAY);
        let b = Shops::new(&scale(50), NOW - 60 * DAY);
        let day = NOW / DAY - 3;
        for (sa, sb) in a.all.iter().zip(&b.all) {
            assert_eq!((&sa.id, &sa.cipher), (&sb.id, &sb.cipher));
            assert_eq!(a.orders_on(sa, day), b.orders_on(sb, day));
            let t = a.create_time(sa, day, 3, 50);
            assert_eq!(a.order(sa, day, 3, t), b.order(sb, day, 3, t));
        }
        let other = Shops::new(&Scale { seed: 6, ..scale(50) }, NOW - 60 * DAY);
        assert_ne!(a.all[0].id, other.all[0].id);
        assert_eq!(a.sellers.len(), 3, "two local sellers and one cross-border seller");
        assert_eq!(a.all[3].market.currency, "USD");
        assert_eq!(a.all[0].market.currency, "IDR");
    }

    #[test]
    fn creation_times_are_monotone_within_a_day_and_peak_in_the_evening() {
        let shops = Shops::new(&scale(2000), NOW - 60 * DAY);
        let shop = &shops.all[0];
        let day = NOW / DAY - 10;
        let count = shops.orders_on(shop, day);
        let times: Vec<i64> = (0..count).map(|i| shops.create_time(shop, day, i, count)).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        assert!(times.iter().all(|t| t.div_euclid(DAY) == day));
        // Jakarta 20:00-21:00 is 13:00-14:00 UTC; 03:00-04:00 local is 20:00-21:00 UTC.
        let in_hour = |h: i64| times.iter().filter(|t| (*t - day * DAY) / 3600 == h).count();
        assert!(in_hour(13) > 10 * in_hour(20), "{} vs {}", in_hour(13), in_hour(20));
    }

    #[test]
    fn statuses_advance_with_time_and_rates_are_realistic() {
        let shops = Shops::new(&scale(3000), NOW - 60 * DAY);
        let shop = &shops.all[1];
        let day = NOW / DAY - 30;
        let count = shops.orders_on(shop, day);
        let mut cancelled = 0;
        for index in 0..count {
            let create = shops.create_time(shop, day, index, count);
            let t = shops.timeline(shop, day, index, create);
            assert_eq!(t.status_at(create), OrderStatus::Unpaid);
            assert!(t.final_status() == OrderStatus::Completed || t.final_status() == OrderStatus::Cancelled);
            assert_eq!(t.status_at(create + MAX_LIFECYCLE), t.final_status(), "final within the lifecycle");
            let mut last = create;
            for hours in [1, 12, 48, 24 * 5, 24 * 14] {
                let update = t.update_time_at(create + hours * 3600);
                assert!(update >= last);
                last = update;
            }
            if t.final_status() == OrderStatus::Cancelled {
                cancelled += 1;
            }
        }
        let rate = f64::from(cancelled) / f64::from(count);
        assert!((0.08..0.15).contains(&rate), "cancellations and returns: {rate}");
    }

    #[test]
    fn orders_have_one_line_per_unit_and_consistent_money() {
        let shops = Shops::new(&scale(100), NOW - 60 * DAY);
        for shop in &shops.all {
            let day = NOW / DAY - 2;
            for index in 0..20 {
                let order = shops.order(shop, day, index, day * DAY);
                assert_eq!(parse_order_id(&order.id), Some((shop.index, day, index)));
                assert!(!order.line_items.is_empty());
                assert_eq!(order.total_amount(), order.sub_total() + order.shipping_fee() + order.tax);
                assert!(order.line_items.iter().all(|l| l.sale_price() > Decimal::ZERO));
                assert!(order.total_amount().scale() <= shop.market.decimals);
                let product_id = &order.line_items[0].product_id;
                assert_eq!(shops.product_by_id(shop, product_id).map(|p| p.id), Some(product_id.clone()));
                let s = shops.settlement(shop, &order);
                assert_eq!(s.settlement(), s.revenue + s.fees() + s.shipping_cost);
                assert!(s.fees() < Decimal::ZERO);
            }
        }
    }

    #[test]
    fn added_orders_and_product_changes_are_overlays() {
        let shops = Shops::new(&scale(10), NOW - 60 * DAY);
        let shop = &shops.all[0];
        let added = shops.add_orders(shop, NOW, 2);
        assert_eq!(added.len(), 2);
        assert_eq!(shops.order_by_id(shop, &added[1].id, NOW), Some(added[1].clone()));
        assert!(shops.order_by_id(&shops.all[1], &added[1].id, NOW).is_none(), "other shop");
        let changed = shops.change_product(
            shop,
            0,
            ProductChange { status: Some("SELLER_DEACTIVATED".into()), at: NOW, ..Default::default() },
        );
        assert_eq!(changed.status, "SELLER_DEACTIVATED");
        assert_eq!(changed.update_time, NOW);
        shops.reset();
        assert!(shops.order_by_id(shop, &added[1].id, NOW).is_none());
        assert_ne!(shops.product(shop, 0).update_time, NOW);
    }
}
