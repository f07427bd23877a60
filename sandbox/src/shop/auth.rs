//! Seller authorization: the consent page on `services.tiktokshop.com` and the token endpoints
//! on `auth.tiktok-shops.com` (tiktok-api.md 5.2).
//!
//! The consent page is plain server-rendered HTML in the sandbox's page layout and with its
//! content security policy ([`crate::html`]: no script, no style): a chooser among the sandbox sellers, the scopes to grant, and Approve or Deny. It
//! redirects to the app's fixed redirect URL with `code` and `state`, or with `code=null` and
//! `error=auth_denied`. Token get and refresh are GET requests with everything in the query and
//! no signature; expiries are absolute Unix timestamps.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::envelope::{ShopError, codes, success};
use super::gateway::{decode_query, server_error};
use super::grants::{Grant, SCOPES, TokenProblem};
use crate::Sandbox;
use crate::faults::FaultKind;
use crate::html::{self, escape, page};
use crate::world::shops::Seller;

fn error_page(sandbox: &Sandbox, message: &str) -> Response {
    html::respond(
        sandbox,
        StatusCode::BAD_REQUEST,
        page("Authorization failed", &format!("<p>{}</p>", escape(message))),
    )
}

/// `GET /open/authorize?service_id=…&state=…`: the consent page.
pub async fn consent_page(State(sandbox): State<Sandbox>, RawQuery(query): RawQuery) -> Response {
    let params = decode_query(query.as_deref().unwrap_or(""));
    let get = |key: &str| params.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let service_id = get("service_id").unwrap_or("");
    if service_id != sandbox.config.shop_app.service_id {
        return error_page(&sandbox, "Unknown service_id: the app's consent link is wrong.");
    }
    let mut form = String::from("<form method=\"post\" action=\"authorize\">\n");
    form += &format!("<input type=\"hidden\" name=\"service_id\" value=\"{}\">\n", escape(service_id));
    if let Some(state) = get("state") {
        form += &format!("<input type=\"hidden\" name=\"state\" value=\"{}\">\n", escape(state));
    }
    form += "<fieldset>\n<legend>Seller account</legend>\n";
    let shops = &sandbox.world.shops;
    for (position, seller) in shops.sellers.iter().enumerate() {
        let names: Vec<String> = seller
            .shops
            .iter()
            .filter_map(|i| shops.all.get(*i as usize))
            .map(|s| format!("{} ({})", s.name, s.market.region))
            .collect();
        form += &format!(
            "<p><input type=\"radio\" id=\"seller-{position}\" name=\"seller\" value=\"{}\"{}> \
             <label for=\"seller-{position}\">{} - {}</label></p>\n",
            escape(&seller.open_id),
            if position == 0 { " checked" } else { "" },
            escape(&seller.name),
            escape(&names.join(", ")),
        );
    }
    form += "</fieldset>\n<fieldset>\n<legend>Permissions</legend>\n";
    for (position, (scope, wording)) in SCOPES.iter().enumerate() {
        form += &format!(
            "<p><input type=\"checkbox\" id=\"scope-{position}\" name=\"scope\" value=\"{scope}\" checked> \
             <label for=\"scope-{position}\">{} ({scope})</label></p>\n",
            escape(wording)
        );
    }
    form += "</fieldset>\n<p><button type=\"submit\" name=\"decision\" value=\"approve\">Approve</button>\n\
             <button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></p>\n</form>\n";
    let body = format!(
        "<p>This is the TikTok Shop sandbox: choose the seller account whose shops the app may \
         access.</p>\n{form}"
    );
    html::respond(&sandbox, StatusCode::OK, page("Authorize this app", &body))
}

/// `POST /open/authorize` (form-encoded): the seller's decision, answered with a redirect.
pub async fn consent_decision(State(sandbox): State<Sandbox>, body: Bytes) -> Response {
    let fields: Vec<(String, String)> =
        form_urlencoded::parse(&body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let get = |key: &str| fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let app = &sandbox.config.shop_app;
    if get("service_id") != Some(app.service_id.as_str()) {
        return error_page(&sandbox, "Unknown service_id: the app's consent link is wrong.");
    }
    let state = get("state");
    let mut query = form_urlencoded::Serializer::new(String::new());
    match get("decision") {
        Some("deny") => {
            query.append_pair("code", "null").append_pair("error", "auth_denied");
        }
        Some("approve") => {
            let shops = &sandbox.world.shops;
            let Some(seller) = get("seller").and_then(|id| shops.sellers.iter().find(|s| s.open_id == id))
            else {
                return error_page(&sandbox, "Choose one of the seller accounts.");
            };
            let scopes: Vec<String> = fields
                .iter()
                .filter(|(k, v)| k == "scope" && SCOPES.iter().any(|(s, _)| s == v))
                .map(|(_, v)| v.clone())
                .collect();
            let code = sandbox.shop.grants.issue_code(seller.index, scopes, sandbox.clock.now());
            query.append_pair("code", &code);
        }
        _ => return error_page(&sandbox, "Approve or deny the authorization."),
    }
    if let Some(state) = state {
        query.append_pair("state", state);
    }
    let separator = if app.redirect_url.contains('?') { '&' } else { '?' };
    let location = format!("{}{separator}{}", app.redirect_url, query.finish());
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// The checks both token endpoints share; returns the decoded query.
fn token_request(
    sandbox: &Sandbox,
    query: Option<&str>,
    grant_type: &str,
) -> Result<Vec<(String, String)>, ShopError> {
    let params = decode_query(query.unwrap_or(""));
    let get = |key: &str| params.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let app = &sandbox.config.shop_app;
    if get("app_key") != Some(app.app_key.as_str()) {
        return Err(ShopError::new(codes::INVALID_REQUEST, "Invalid app_key. The app_key is not valid."));
    }
    if get("app_secret") != Some(app.app_secret.as_str()) {
        return Err(ShopError::new(
            codes::INVALID_REQUEST,
            "Invalid app_secret. The app_secret does not match the app_key.",
        ));
    }
    if get("grant_type") != Some(grant_type) {
        return Err(ShopError::invalid_param(format!("grant_type must be {grant_type}.")));
    }
    Ok(params)
}

fn token_data(sandbox: &Sandbox, grant: &Grant) -> serde_json::Value {
    let seller = sandbox.world.shops.sellers.get(grant.seller as usize);
    json!({
        "access_token": grant.access_token,
        "access_token_expire_in": grant.access_expires,
        "refresh_token": grant.refresh_token,
        "refresh_token_expire_in": grant.refresh_expires,
        "open_id": seller.map_or("", |s| s.open_id.as_str()),
        "seller_name": seller.map_or("", |s| s.name.as_str()),
        "seller_base_region": seller.map_or("", |s| s.base_region),
        "user_type": 0,
        "granted_scopes": grant.scopes,
    })
}

async fn transport_fault(sandbox: &Sandbox, endpoint: &str) -> Result<(), ShopError> {
    match sandbox.faults.transport(endpoint, None).await {
        Some(FaultKind::RateLimited { retry_after }) => Err(ShopError::rate_limited(retry_after)),
        Some(FaultKind::ServerError { status }) => Err(server_error(status)),
        _ => Ok(()),
    }
}

/// A token fault armed for `seller`: targeted at its `open_id`, one of its shop ids, or anyone.
fn token_fault(sandbox: &Sandbox, endpoint: &str, seller: &Seller) -> Option<FaultKind> {
    let accept = |k: &FaultKind| matches!(k, FaultKind::ExpiredToken | FaultKind::RevokedToken);
    let shop_ids =
        seller.shops.iter().filter_map(|i| sandbox.world.shops.all.get(*i as usize)).map(|s| s.id.as_str());
    std::iter::once(seller.open_id.as_str())
        .chain(shop_ids)
        .find_map(|account| sandbox.faults.take(endpoint, Some(account), accept))
        .or_else(|| sandbox.faults.take(endpoint, None, accept))
}

/// `GET /api/v2/token/get`: exchanges an authorization code.
pub async fn token_get(State(sandbox): State<Sandbox>, RawQuery(query): RawQuery) -> Response {
    let request_id = crate::log_id(sandbox.clock.now());
    let result = async {
        let params = token_request(&sandbox, query.as_deref(), "authorized_code")?;
        transport_fault(&sandbox, "shop.token_get").await?;
        let code = params.iter().find(|(k, _)| k == "auth_code").map_or("", |(_, v)| v.as_str());
        let config = &sandbox.config;
        sandbox
            .shop
            .grants
            .redeem(
                code,
                sandbox.clock.now(),
                config.shop_access_ttl.as_secs() as i64,
                config.shop_refresh_ttl.as_secs() as i64,
            )
            .ok_or_else(|| ShopError::new(codes::INVALID_AUTH_CODE, "Invalid auth code."))
    }
    .await;
    match result {
        Ok(grant) => success(&request_id, "success", token_data(&sandbox, &grant).into()),
        Err(error) => error.into_response(&request_id),
    }
}

/// `GET /api/v2/token/refresh`: new tokens for a refresh token.
pub async fn token_refresh(State(sandbox): State<Sandbox>, RawQuery(query): RawQuery) -> Response {
    let request_id = crate::log_id(sandbox.clock.now());
    let result = async {
        let params = token_request(&sandbox, query.as_deref(), "refresh_token")?;
        transport_fault(&sandbox, "shop.token_refresh").await?;
        let refresh_token = params.iter().find(|(k, _)| k == "refresh_token").map_or("", |(_, v)| v.as_str());
        let now = sandbox.clock.now();
        let refused = |problem: TokenProblem| {
            ShopError::new(
                codes::INVALID_REFRESH_TOKEN,
                match problem {
                    TokenProblem::Unknown => "Invalid refresh token. It is unknown, revoked or already used.",
                    TokenProblem::Expired => {
                        "Invalid refresh token. It has expired; the seller must authorize again."
                    }
                },
            )
        };
        let grants = &sandbox.shop.grants;
        let grant = grants.by_refresh(refresh_token, now).map_err(refused)?;
        if let Some(seller) = sandbox.world.shops.sellers.get(grant.seller as usize) {
            match token_fault(&sandbox, "shop.token_refresh", seller) {
                Some(FaultKind::ExpiredToken) => return Err(refused(TokenProblem::Expired)),
                Some(FaultKind::RevokedToken) => {
                    grants.revoke_token(refresh_token);
                    return Err(refused(TokenProblem::Unknown));
                }
                _ => {}
            }
        }
        let config = &sandbox.config;
        grants
            .refresh(
                refresh_token,
                now,
                config.shop_access_ttl.as_secs() as i64,
                config.shop_refresh_ttl.as_secs() as i64,
                config.shop_rotate_refresh,
            )
            .map_err(refused)
    }
    .await;
    match result {
        Ok(grant) => success(&request_id, "success", token_data(&sandbox, &grant).into()),
        Err(error) => error.into_response(&request_id),
    }
}
