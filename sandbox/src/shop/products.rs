//! Products: `POST /product/202309/products/search` and `GET /product/202309/products/{id}`
//! (tiktok-api.md 5.6), with the control API's changes applied.
//!
//! A shop's catalogue is small (the `products_per_shop` knob), so a search walks it in catalogue
//! order; the page token holds the next catalogue position.

use serde::Deserialize;
use serde_json::{Value, json};

use super::envelope::{Data, ShopError, codes, money};
use super::gateway::Call;
use super::page_token::{self, Listing};
use crate::world::rng::hash;
use crate::world::shops::{Product, Shop};

/// Most products a search page holds.
pub const MAX_PAGE_SIZE: usize = 100;
/// Most `seller_skus` one search takes.
const MAX_SELLER_SKUS: usize = 10;
/// Statuses a search accepts; `ALL` matches every one. [UNCONFIRMED beyond ALL and ACTIVATE.]
const STATUSES: &[&str] = &[
    "ALL",
    "DRAFT",
    "PENDING",
    "FAILED",
    "ACTIVATE",
    "SELLER_DEACTIVATED",
    "PLATFORM_DEACTIVATED",
    "FREEZE",
    "DELETED",
];

#[derive(Debug, Default, Deserialize)]
struct SearchBody {
    status: Option<String>,
    seller_skus: Option<Vec<String>>,
    create_time_ge: Option<i64>,
    create_time_le: Option<i64>,
    update_time_ge: Option<i64>,
    update_time_le: Option<i64>,
}

impl SearchBody {
    fn matches(&self, product: &Product) -> bool {
        let within =
            |t: i64, ge: Option<i64>, le: Option<i64>| ge.is_none_or(|g| t >= g) && le.is_none_or(|l| t <= l);
        self.status.as_deref().is_none_or(|s| s == "ALL" || s == product.status)
            && self.seller_skus.as_ref().is_none_or(|skus| {
                skus.is_empty() || product.skus.iter().any(|sku| skus.contains(&sku.seller_sku))
            })
            && within(product.create_time, self.create_time_ge, self.create_time_le)
            && within(product.update_time, self.update_time_ge, self.update_time_le)
    }
}

fn sku_json(shop: &Shop, product: &Product, detail: bool) -> Vec<Value> {
    let currency = shop.market.currency;
    product
        .skus
        .iter()
        .map(|sku| {
            let mut price = json!({
                "currency": currency,
                "sale_price": money(sku.price),
                "tax_exclusive_price": money(sku.price),
            });
            if detail {
                price["unit_price"] = json!(money(sku.price));
            }
            let mut value = json!({
                "id": sku.id,
                "seller_sku": sku.seller_sku,
                "price": price,
                "inventory": [{ "warehouse_id": shop.warehouse_id, "quantity": sku.inventory }],
            });
            if detail {
                value["sales_attributes"] =
                    json!([{ "id": "100000", "name": "Variant", "value_name": sku.name }]);
            }
            value
        })
        .collect()
}

/// `POST /product/202309/products/search`.
pub fn search(call: &Call) -> Result<Data, ShopError> {
    let shop = call.shop()?;
    let page_size = call.page_size(None, MAX_PAGE_SIZE)?;
    let body: SearchBody = call.json_body()?;
    if let Some(status) = body.status.as_deref().filter(|s| !STATUSES.contains(s)) {
        return Err(ShopError::invalid_param(format!("status {status} is unknown.")));
    }
    if body.seller_skus.as_ref().is_some_and(|s| s.len() > MAX_SELLER_SKUS) {
        return Err(ShopError::invalid_param(format!("seller_skus takes at most {MAX_SELLER_SKUS} values.")));
    }
    let print = page_token::fingerprint(&[&format!("{body:?}")]);
    let start = match call.param("page_token") {
        Some(token) => page_token::decode(token, Listing::Products, print, 1)?[0],
        None => 0,
    };
    let shops = &call.sandbox.world.shops;
    let visible = |p: &Product| p.create_time <= call.now && body.matches(p);
    let all = shops.products_per_shop();
    let total = (0..all).filter(|i| visible(&shops.product(shop, *i))).count();
    let mut page = Vec::new();
    let mut next = None;
    for index in u32::try_from(start.max(0)).unwrap_or(u32::MAX)..all {
        let product = shops.product(shop, index);
        if !visible(&product) {
            continue;
        }
        if page.len() == page_size {
            next = Some(page_token::encode(Listing::Products, print, &[i64::from(index)]));
            break;
        }
        page.push(json!({
            "id": product.id,
            "title": product.title,
            "status": product.status,
            "create_time": product.create_time,
            "update_time": product.update_time,
            "skus": sku_json(shop, &product, false),
            "sales_regions": [shop.market.region],
            "recommended_categories": [],
            "is_not_for_sale": false,
            "listing_quality_tier": "GOOD",
            "integrated_platform_statuses": [],
            "product_sync_fail_reasons": [],
        }));
    }
    Ok(json!({ "products": page, "total_count": total, "next_page_token": next.unwrap_or_default() }).into())
}

/// A stable six-digit category id for a category name.
fn category_id(name: &str) -> String {
    let bytes: Vec<u64> = name.bytes().map(u64::from).collect();
    (600_000 + hash(0, &bytes) % 400_000).to_string()
}

/// `GET /product/202309/products/{product_id}`.
pub fn detail(call: &Call) -> Result<Data, ShopError> {
    let shop = call.shop()?;
    let id = call.path.rsplit('/').next().unwrap_or_default();
    let product =
        call.sandbox.world.shops.product_by_id(shop, id).filter(|p| p.create_time <= call.now).ok_or_else(
            || ShopError::new(codes::PRODUCT_NOT_FOUND, format!("Product {id} does not exist in this shop.")),
        )?;
    let image = |n: usize| {
        json!({
            "uri": format!("tos-sandbox/{}-{n}", product.id),
            "urls": [format!("https://p16-oec-sandbox.ibyteimg.example/product/{}-{n}.jpg", product.id)],
            "thumb_urls": [format!("https://p16-oec-sandbox.ibyteimg.example/product/{}-{n}-thumb.jpg", product.id)],
            "width": 800,
            "height": 800,
        })
    };
    Ok(Data::from(json!({
        "id": product.id,
        "title": product.title,
        "description": product.description,
        "status": product.status,
        "create_time": product.create_time,
        "update_time": product.update_time,
        "category_chains": product.category.iter().enumerate().map(|(depth, name)| json!({
            "id": category_id(name),
            "parent_id": if depth == 0 { "0".to_owned() } else { category_id(product.category[0]) },
            "local_name": name,
            "is_leaf": depth == 1,
        })).collect::<Vec<_>>(),
        "brand": { "id": "7000000000000000000", "name": "No brand" },
        "main_images": [image(1), image(2)],
        "video": null,
        "skus": sku_json(shop, &product, true),
        "package_dimensions": { "length": "20", "width": "15", "height": "5", "unit": "CENTIMETER" },
        "package_weight": { "value": "0.4", "unit": "KILOGRAM" },
        "product_attributes": [],
        "audit_failed_reasons": [],
    })))
}
