//! The order object as TikTok sends it from search and detail (tiktok-api.md 5.6), built from a
//! generated order at an instant: typed and serialised directly, since order pages are the
//! largest responses the sandbox writes.
//!
//! Steps not reached yet (payment, shipping, delivery, cancellation) are left out, as TikTok
//! leaves them out. Buyer fields are masked as TikTok masks them for sellers; nothing is real
//! personal data.

use serde::Serialize;

use super::envelope::money;
use crate::world::DAY;
use crate::world::rng::numeric_id;
use crate::world::shops::{Fate, LineItem, Order, OrderStatus, Shop};

const BUYER_NAMES_ID: &[&str] = &[
    "Siti Rahmawati",
    "Budi Santoso",
    "Dewi Lestari",
    "Agus Pratama",
    "Rina Wulandari",
    "Putri Ayu",
    "Rizky Ramadhan",
];
const BUYER_NAMES_EN: &[&str] =
    &["Emily Carter", "James Wilson", "Olivia Brown", "Liam Smith", "Sophie Taylor", "Noah Lee"];

/// One order.
#[derive(Debug, Serialize)]
pub struct OrderView {
    id: String,
    status: &'static str,
    create_time: i64,
    update_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    paid_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rts_sla_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tts_sla_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shipping_due_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delivery_due_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rts_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    collection_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delivery_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cancel_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_cancel_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cancel_reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cancellation_initiator: Option<&'static str>,
    payment: Payment,
    line_items: Vec<Line>,
    user_id: String,
    buyer_email: String,
    buyer_message: &'static str,
    buyer_nickname: String,
    buyer_avatar: &'static str,
    recipient_address: Address,
    payment_method_name: &'static str,
    shipping_type: &'static str,
    fulfillment_type: &'static str,
    delivery_type: &'static str,
    delivery_option_id: String,
    delivery_option_name: &'static str,
    shipping_provider: &'static str,
    shipping_provider_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    tracking_number: Option<String>,
    warehouse_id: String,
    packages: Vec<Package>,
    is_cod: bool,
    is_sample_order: bool,
    is_on_hold_order: bool,
    is_replacement_order: bool,
    is_buyer_request_cancel: bool,
    seller_note: &'static str,
    split_or_combine_tag: &'static str,
    commerce_platform: &'static str,
    order_type: &'static str,
    cpf: &'static str,
}

/// `payment`: every amount a decimal string.
#[derive(Debug, Serialize)]
struct Payment {
    currency: &'static str,
    sub_total: String,
    shipping_fee: String,
    seller_discount: String,
    platform_discount: String,
    total_amount: String,
    original_total_product_price: String,
    original_shipping_fee: String,
    shipping_fee_seller_discount: String,
    shipping_fee_platform_discount: String,
    shipping_fee_cofunded_discount: &'static str,
    tax: String,
    small_order_fee: &'static str,
    shipping_fee_tax: &'static str,
    product_tax: String,
    retail_delivery_fee: &'static str,
    buyer_service_fee: &'static str,
    handling_fee: &'static str,
    shipping_insurance_fee: &'static str,
    item_insurance_fee: &'static str,
    item_insurance_tax: &'static str,
    payment_platform_discount: &'static str,
    payment_discount_service_fee: &'static str,
    distance_shipping_fee: &'static str,
    distance_fee: &'static str,
}

/// One unit sold.
#[derive(Debug, Serialize)]
struct Line {
    id: String,
    product_id: String,
    product_name: String,
    sku_id: String,
    sku_name: String,
    sku_image: String,
    seller_sku: String,
    sku_type: &'static str,
    currency: &'static str,
    original_price: String,
    sale_price: String,
    platform_discount: String,
    seller_discount: String,
    display_status: &'static str,
    package_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    package_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rts_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tracking_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shipping_provider_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shipping_provider_name: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cancel_reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cancel_user: Option<&'static str>,
    is_gift: bool,
    item_tax: [(); 0],
    combined_listing_skus: [(); 0],
}

#[derive(Debug, Serialize)]
struct Address {
    name: String,
    first_name: String,
    last_name: String,
    phone_number: String,
    full_address: String,
    address_detail: &'static str,
    address_line1: &'static str,
    address_line2: &'static str,
    address_line3: &'static str,
    address_line4: &'static str,
    postal_code: &'static str,
    region_code: &'static str,
    district_info: [District; 3],
    delivery_preferences: Empty,
}

#[derive(Debug, Serialize)]
struct District {
    address_level: &'static str,
    address_level_name: &'static str,
    address_name: &'static str,
}

/// `{}`.
#[derive(Debug, Serialize)]
struct Empty {}

#[derive(Debug, Serialize)]
struct Package {
    id: String,
}

/// Masks a name as TikTok does for sellers: first and last letters of each word.
fn mask_name(name: &str) -> String {
    name.split(' ')
        .map(|word| {
            let chars: Vec<char> = word.chars().collect();
            match chars.as_slice() {
                [] => String::new(),
                [only] => format!("{only}*"),
                [first, .., last] => format!("{first}***{last}"),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// (state, city, postal code, phone country code) of a buyer in `region`.
fn place(region: &str, pick: usize) -> (&'static str, &'static str, &'static str, &'static str) {
    let places: &[(&str, &str, &str, &str)] = match region {
        "ID" => &[
            ("DKI Jakarta", "Jakarta Selatan", "12190", "62"),
            ("Jawa Barat", "Kota Bandung", "40115", "62"),
            ("Jawa Timur", "Kota Surabaya", "60271", "62"),
            ("Sumatera Utara", "Kota Medan", "20112", "62"),
            ("Bali", "Kota Denpasar", "80234", "62"),
        ],
        "GB" => &[
            ("England", "London", "SW1A 1AA", "44"),
            ("England", "Manchester", "M1 1AE", "44"),
            ("Scotland", "Glasgow", "G1 1XQ", "44"),
        ],
        "US" => &[
            ("California", "Los Angeles", "90012", "1"),
            ("Texas", "Houston", "77002", "1"),
            ("New York", "New York", "10001", "1"),
        ],
        "MY" => &[("Selangor", "Petaling Jaya", "46000", "60")],
        "PH" => &[("Metro Manila", "Quezon City", "1100", "63")],
        "TH" => &[("Bangkok", "Bang Rak", "10500", "66")],
        _ => &[("Ho Chi Minh", "Quan 1", "700000", "84")],
    };
    places[pick % places.len()]
}

fn shipping_provider(region: &str) -> &'static str {
    match region {
        "ID" => "J&T Express",
        "GB" => "Royal Mail",
        "US" => "USPS",
        _ => "Ninja Van",
    }
}

/// (reason, who) of a cancellation.
fn cancellation(fate: Fate) -> (&'static str, &'static str) {
    match fate {
        Fate::UnpaidCancelled => ("Payment overdue", "SYSTEM"),
        Fate::CancelledBeforeShipping { by_seller: true } => ("Out of stock", "SELLER"),
        Fate::CancelledBeforeShipping { by_seller: false } => ("No longer needed", "BUYER"),
        Fate::Returned | Fate::Completed => ("Refunded after return", "BUYER"),
    }
}

const ZERO: &str = "0";

impl OrderView {
    /// `order` of `shop` as it stands at `now`.
    pub fn new(shop: &Shop, order: &Order, now: i64) -> Self {
        let market = shop.market;
        let t = &order.timeline;
        let status = t.status_at(now);
        let reached = |step: Option<i64>| step.filter(|s| *s <= now);
        let provider = shipping_provider(market.region);
        let provider_id = shop.shipping_provider_id.clone();
        let package_id = numeric_id(u64::from(shop.index), &[order.day as u64, u64::from(order.index), 2]);
        let packed = reached(t.rts).is_some();
        let shipped = reached(t.collection).is_some();
        let tracking = shipped.then(|| format!("SBX{}", &package_id[7..]));
        let cancelled = status == OrderStatus::Cancelled;
        let (reason, by) = cancellation(t.fate);
        let package_status = match status {
            OrderStatus::Unpaid | OrderStatus::AwaitingShipment => "TO_FULFILL",
            OrderStatus::AwaitingCollection => "PROCESSING",
            OrderStatus::InTransit => "FULFILLING",
            OrderStatus::Cancelled => "CANCELLED",
            _ => "COMPLETED",
        };
        let line = |line: &LineItem| Line {
            id: line.id.clone(),
            product_id: line.product_id.clone(),
            product_name: line.product_name.clone(),
            sku_id: line.sku_id.clone(),
            sku_name: line.sku_name.clone(),
            sku_image: format!("https://p16-oec-sandbox.ibyteimg.example/sku/{}.jpg", line.sku_id),
            seller_sku: line.seller_sku.clone(),
            sku_type: "NORMAL",
            currency: market.currency,
            original_price: money(line.original_price),
            sale_price: money(line.sale_price()),
            platform_discount: money(line.platform_discount),
            seller_discount: money(line.seller_discount),
            display_status: status.as_str(),
            package_status,
            package_id: packed.then(|| package_id.clone()),
            rts_time: reached(t.rts),
            tracking_number: tracking.clone(),
            shipping_provider_id: shipped.then(|| provider_id.clone()),
            shipping_provider_name: shipped.then_some(provider),
            cancel_reason: cancelled.then_some(reason),
            cancel_user: cancelled.then_some(by),
            is_gift: false,
            item_tax: [],
            combined_listing_skus: [],
        };
        let names = if market.region == "ID" { BUYER_NAMES_ID } else { BUYER_NAMES_EN };
        let masked = mask_name(names[order.buyer_name % names.len()]);
        let (state, city, postal_code, dial) = place(market.region, order.city);
        let (first_name, last_name) = masked.split_once(' ').unwrap_or((masked.as_str(), ""));
        let paid = |offset_days: i64| t.paid.map(|p| p + offset_days * DAY);
        OrderView {
            id: order.id.clone(),
            status: status.as_str(),
            create_time: t.create,
            update_time: t.update_time_at(now),
            paid_time: reached(t.paid),
            rts_sla_time: paid(2),
            tts_sla_time: paid(5),
            shipping_due_time: paid(3),
            delivery_due_time: paid(10),
            rts_time: reached(t.rts),
            collection_time: reached(t.collection),
            delivery_time: reached(t.delivery),
            cancel_time: if cancelled { t.cancel } else { None },
            request_cancel_time: if cancelled && by == "BUYER" {
                t.return_request.or(t.cancel)
            } else {
                None
            },
            cancel_reason: cancelled.then_some(reason),
            cancellation_initiator: cancelled.then_some(by),
            payment: Payment {
                currency: market.currency,
                sub_total: money(order.sub_total()),
                shipping_fee: money(order.shipping_fee()),
                seller_discount: money(order.seller_discount()),
                platform_discount: money(order.platform_discount()),
                total_amount: money(order.total_amount()),
                original_total_product_price: money(order.original_total_product_price()),
                original_shipping_fee: money(order.original_shipping_fee),
                shipping_fee_seller_discount: money(order.shipping_fee_seller_discount),
                shipping_fee_platform_discount: money(order.shipping_fee_platform_discount),
                shipping_fee_cofunded_discount: ZERO,
                tax: money(order.tax),
                small_order_fee: ZERO,
                shipping_fee_tax: ZERO,
                product_tax: money(order.tax),
                retail_delivery_fee: ZERO,
                buyer_service_fee: ZERO,
                handling_fee: ZERO,
                shipping_insurance_fee: ZERO,
                item_insurance_fee: ZERO,
                item_insurance_tax: ZERO,
                payment_platform_discount: ZERO,
                payment_discount_service_fee: ZERO,
                distance_shipping_fee: ZERO,
                distance_fee: ZERO,
            },
            line_items: order.line_items.iter().map(line).collect(),
            user_id: order.buyer_id.clone(),
            buyer_email: format!("{}@scs.tiktokw.example", &order.buyer_id[3..15]),
            buyer_message: "",
            buyer_nickname: masked.split(' ').next().unwrap_or_default().to_owned(),
            buyer_avatar: "",
            recipient_address: Address {
                first_name: first_name.to_owned(),
                last_name: last_name.to_owned(),
                phone_number: format!("(+{dial})8*******{}", &order.buyer_id[17..]),
                full_address: format!("***, {city}, {state}, {}", market.region),
                address_detail: "***",
                address_line1: "***",
                address_line2: "",
                address_line3: "",
                address_line4: "",
                postal_code,
                region_code: market.region,
                district_info: [
                    District {
                        address_level: "L0",
                        address_level_name: "Country",
                        address_name: market.region,
                    },
                    District { address_level: "L1", address_level_name: "State", address_name: state },
                    District { address_level: "L2", address_level_name: "City", address_name: city },
                ],
                delivery_preferences: Empty {},
                name: masked.clone(),
            },
            payment_method_name: if order.is_cod { "Cash on delivery" } else { "E-wallet" },
            shipping_type: "TIKTOK",
            fulfillment_type: "FULFILLMENT_BY_SELLER",
            delivery_type: "HOME_DELIVERY",
            delivery_option_id: numeric_id(u64::from(shop.index), &[3]),
            delivery_option_name: "Standard shipping",
            shipping_provider: provider,
            shipping_provider_id: provider_id.clone(),
            tracking_number: tracking.clone(),
            warehouse_id: shop.warehouse_id.clone(),
            packages: if packed { vec![Package { id: package_id.clone() }] } else { Vec::new() },
            is_cod: order.is_cod,
            is_sample_order: false,
            is_on_hold_order: false,
            is_replacement_order: false,
            is_buyer_request_cancel: false,
            seller_note: "",
            split_or_combine_tag: "",
            commerce_platform: "TIKTOK_SHOP",
            order_type: "NORMAL",
            cpf: "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_names_like_tiktok() {
        assert_eq!(mask_name("Siti Rahmawati"), "S***i R***i");
        assert_eq!(mask_name("Al B"), "A***l B*");
        assert_eq!(money(rust_decimal::Decimal::ZERO), ZERO);
    }
}
