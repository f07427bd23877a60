//! The seller-level endpoints, which refuse `shop_cipher`: `GET /authorization/202309/shops`
//! (the shops the access token reaches, with their ciphers) and `GET /seller/202309/shops`
//! (the seller's active shops).

use serde_json::{Value, json};

use super::envelope::{Data, ShopError};
use super::gateway::Call;
use crate::world::shops::Shop;

fn seller_shops(call: &Call) -> Vec<&Shop> {
    let shops = &call.sandbox.world.shops;
    shops
        .sellers
        .get(call.grant.seller as usize)
        .map(|seller| seller.shops.iter().filter_map(|i| shops.all.get(*i as usize)).collect())
        .unwrap_or_default()
}

/// `GET /authorization/202309/shops`.
pub fn authorized_shops(call: &Call) -> Result<Data, ShopError> {
    let shops: Vec<Value> = seller_shops(call)
        .into_iter()
        .map(|shop| {
            json!({
                "cipher": shop.cipher,
                "code": shop.code,
                "id": shop.id,
                "name": shop.name,
                "region": shop.market.region,
                "seller_type": shop.seller_type.as_str(),
            })
        })
        .collect();
    Ok(json!({ "shops": shops }).into())
}

/// `GET /seller/202309/shops`.
pub fn active_shops(call: &Call) -> Result<Data, ShopError> {
    let shops: Vec<Value> = seller_shops(call)
        .into_iter()
        .map(|shop| json!({ "id": shop.id, "region": shop.market.region }))
        .collect();
    Ok(json!({ "shops": shops }).into())
}
