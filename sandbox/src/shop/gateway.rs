//! The checks TikTok Shop's gateway makes before any API handler runs, in its order: content
//! type, `app_key`, signature present, timestamp window, signature, access token, `shop_cipher`
//! required or refused, scope, rate limit, then armed faults.
//!
//! The timestamp window is checked against the real clock, not sandbox time: clients sign with
//! their own wall clock (as they do against TikTok), and sandbox time may have been advanced.
//! Token expiry, by contrast, follows sandbox time, so advancing it expires tokens.
//!
//! The rate limit ([UNCONFIRMED] upstream) is `shop_rate_per_second` requests per shop in any
//! one-second window for shop endpoints, and per seller for the seller-level ones; beyond it the
//! answer is HTTP 429, code `36009002` and `Retry-After`. Faults are looked up by endpoint name
//! (`shop.orders_search`, ...) and account: the shop id, or the seller's `open_id`.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::Request;
use axum::http::header;
use axum::response::Response;
use serde::de::DeserializeOwned;

use super::envelope::{Data, ShopError, codes, success};
use super::grants::{Grant, TokenProblem};
use super::sign;
use crate::Sandbox;
use crate::faults::FaultKind;
use crate::world::shops::Shop;

/// Earliest accepted `timestamp`: five minutes before now.
pub const TIMESTAMP_PAST_SECONDS: i64 = 5 * 60;
/// Latest accepted `timestamp`: thirty seconds after now.
pub const TIMESTAMP_FUTURE_SECONDS: i64 = 30;
/// Largest request body read.
const MAX_BODY_BYTES: usize = 1 << 20;

/// Whether an endpoint takes `shop_cipher`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShopScope {
    /// Shop endpoints: missing gives `106013`.
    Required,
    /// `/authorization/*`, `/seller/*`: sending it gives `36009004`.
    Refused,
}

/// What the gateway needs to know about an endpoint.
#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    /// The name faults target, e.g. `shop.orders_search`.
    pub name: &'static str,
    /// `shop_cipher` rule.
    pub shop: ShopScope,
    /// Scope the access token must carry, if any.
    pub scope: Option<&'static str>,
}

/// A request that passed the gateway.
#[derive(Debug)]
pub struct Call {
    /// The sandbox.
    pub sandbox: Sandbox,
    /// Sandbox time when it arrived.
    pub now: i64,
    /// Path as TikTok sees it, e.g. `/order/202309/orders/search`.
    pub path: String,
    /// Decoded query parameters (repeated keys comma-joined).
    pub params: Vec<(String, String)>,
    /// Exact body bytes.
    pub body: Bytes,
    /// The grant of the access token.
    pub grant: Grant,
    /// The shop `shop_cipher` named (shop endpoints).
    pub shop: Option<Shop>,
}

impl Call {
    /// A query parameter, if present and not empty.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
    }

    /// A whole-number query parameter.
    pub fn int_param(&self, key: &str) -> Result<Option<i64>, ShopError> {
        self.param(key)
            .map(|v| v.parse().map_err(|_| ShopError::invalid_param(format!("{key} must be an integer."))))
            .transpose()
    }

    /// `page_size`, between 1 and `max`; `default` when absent (`None`: required).
    pub fn page_size(&self, default: Option<usize>, max: usize) -> Result<usize, ShopError> {
        let size = match (self.int_param("page_size")?, default) {
            (Some(size), _) => size,
            (None, Some(default)) => return Ok(default),
            (None, None) => return Err(ShopError::invalid_param("page_size is required.")),
        };
        usize::try_from(size)
            .ok()
            .filter(|s| (1..=max).contains(s))
            .ok_or_else(|| ShopError::invalid_param(format!("page_size must be between 1 and {max}.")))
    }

    /// `sort_order`: `ASC` or `DESC` (default). Returns true for ascending.
    pub fn ascending(&self) -> Result<bool, ShopError> {
        match self.param("sort_order") {
            None | Some("DESC") => Ok(false),
            Some("ASC") => Ok(true),
            Some(_) => Err(ShopError::invalid_param("sort_order must be ASC or DESC.")),
        }
    }

    /// The JSON body, or the default when there is none.
    pub fn json_body<T: DeserializeOwned + Default>(&self) -> Result<T, ShopError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(T::default());
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| ShopError::invalid_param(format!("the request body is not valid: {e}.")))
    }

    /// The shop of a shop endpoint.
    pub fn shop(&self) -> Result<&Shop, ShopError> {
        self.shop.as_ref().ok_or_else(|| ShopError::new(codes::MISSING_SHOP_CIPHER, MISSING_IDENTIFIER))
    }
}

const MISSING_IDENTIFIER: &str =
    "Missing identifier. The shop_cipher query parameter is required for this request.";

/// Runs `endpoint`: the gateway's checks, then `run`, answered in the envelope.
pub async fn handle(
    sandbox: Sandbox,
    request: Request,
    endpoint: &Endpoint,
    run: impl FnOnce(&Call) -> Result<Data, ShopError>,
) -> Response {
    let request_id = crate::log_id(sandbox.clock.now());
    match verify(sandbox, request, endpoint).await.and_then(|call| run(&call)) {
        Ok(data) => success(&request_id, "Success", data),
        Err(error) => error.into_response(&request_id),
    }
}

/// The query string decoded into pairs, repeated keys comma-joined (how arrays are signed).
pub fn decode_query(query: &str) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = Vec::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match params.iter_mut().find(|(k, _)| *k == key) {
            Some((_, joined)) => {
                joined.push(',');
                joined.push_str(&value);
            }
            None => params.push((key.into_owned(), value.into_owned())),
        }
    }
    params
}

fn real_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

async fn verify(sandbox: Sandbox, request: Request, endpoint: &Endpoint) -> Result<Call, ShopError> {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let params = decode_query(parts.uri.query().unwrap_or(""));
    let get = |key: &str| params.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let multipart = content_type.starts_with("multipart/form-data");
    if !content_type.starts_with("application/json") && !multipart {
        return Err(ShopError::new(
            codes::INVALID_CONTENT_TYPE,
            "Invalid Content-Type. Send Content-Type: application/json, on GET requests too.",
        ));
    }
    let body = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| ShopError::invalid_param("the request body is unreadable or larger than 1 MiB."))?;

    let app = &sandbox.config.shop_app;
    match get("app_key") {
        None | Some("") => {
            return Err(ShopError::new(
                codes::INVALID_REQUEST,
                "Missing app_key. The app_key query parameter is required.",
            ));
        }
        Some(key) if key != app.app_key => {
            return Err(ShopError::new(codes::INVALID_REQUEST, "Invalid app_key. The app_key is not valid."));
        }
        Some(_) => {}
    }
    let Some(given_sign) = get("sign").filter(|s| !s.is_empty()) else {
        return Err(ShopError::new(
            codes::INVALID_REQUEST,
            "Missing credentials. The request does not include a required signature in the query.",
        ));
    };
    let timestamp = get("timestamp").and_then(|t| t.parse::<i64>().ok()).filter(|t| *t >= 0).ok_or_else(|| {
        ShopError::new(
            codes::INVALID_REQUEST,
            "Invalid timestamp. The timestamp query parameter must be a non-negative Unix time in seconds.",
        )
    })?;
    let real = real_now();
    if timestamp < real - TIMESTAMP_PAST_SECONDS {
        return Err(ShopError::new(
            codes::INVALID_REQUEST,
            "Invalid timestamp. The timestamp is earlier than 5 minutes before the current time.",
        ));
    }
    if timestamp > real + TIMESTAMP_FUTURE_SECONDS {
        return Err(ShopError::new(
            codes::INVALID_REQUEST,
            "Invalid timestamp. The timestamp is later than 30 seconds after the current time.",
        ));
    }
    let signed_body = (!multipart && !body.is_empty()).then_some(&body[..]);
    let expected = sign::sign(&app.app_secret, &path, &params, signed_body);
    if !sign::same_signature(&expected, given_sign) {
        return Err(ShopError::new(
            codes::INVALID_SIGN,
            "Invalid credentials. The `sign` query parameter is invalid.",
        ));
    }

    let now = sandbox.clock.now();
    let Some(access_token) =
        parts.headers.get("x-tts-access-token").and_then(|v| v.to_str().ok()).filter(|v| !v.is_empty())
    else {
        return Err(ShopError::new(
            codes::INVALID_REQUEST,
            "Invalid access token. The x-tts-access-token header is missing.",
        ));
    };
    let invalid_token = || {
        ShopError::new(
            codes::INVALID_REQUEST,
            "Invalid access token. The x-tts-access-token header is invalid, revoked or replaced by a refresh.",
        )
    };
    let grant = sandbox.shop.grants.by_access(access_token, now).map_err(|problem| match problem {
        TokenProblem::Unknown => invalid_token(),
        TokenProblem::Expired => expired(),
    })?;
    let shops = &sandbox.world.shops;
    let seller = shops.sellers.get(grant.seller as usize).ok_or_else(invalid_token)?;
    let cipher = get("shop_cipher").filter(|c| !c.is_empty());
    let shop = match (endpoint.shop, cipher) {
        (ShopScope::Refused, Some(_)) => {
            return Err(ShopError::new(
                codes::INVALID_REQUEST,
                "Unexpected identifier. The `shop_cipher` query parameter is not required for this request.",
            ));
        }
        (ShopScope::Refused, None) => None,
        (ShopScope::Required, None) => {
            return Err(ShopError::new(codes::MISSING_SHOP_CIPHER, MISSING_IDENTIFIER));
        }
        (ShopScope::Required, Some(cipher)) => {
            let shop =
                shops.by_cipher(cipher).filter(|s| seller.shops.contains(&s.index)).ok_or_else(|| {
                    ShopError::new(
                        codes::INVALID_REQUEST,
                        "Invalid shop_cipher. The shop is unknown or not authorized for this access token.",
                    )
                })?;
            Some(shop.clone())
        }
    };
    if let Some(scope) = endpoint.scope
        && !grant.scopes.iter().any(|s| s == scope)
    {
        return Err(ShopError::new(
            codes::ACCESS_DENIED,
            format!("Access denied. The seller did not grant the {scope} scope this request needs."),
        ));
    }

    let bucket = match &shop {
        Some(shop) => format!("shop:{}", shop.id),
        None => format!("shop-seller:{}", seller.open_id),
    };
    sandbox
        .limiter
        .check(&bucket, sandbox.config.shop_rate_per_second.max(1), 1000, sandbox.clock.now_ms())
        .map_err(ShopError::rate_limited)?;
    let account = shop.as_ref().map_or(seller.open_id.as_str(), |s| s.id.as_str());
    match sandbox.faults.transport(endpoint.name, Some(account)).await {
        Some(FaultKind::RateLimited { retry_after }) => return Err(ShopError::rate_limited(retry_after)),
        Some(FaultKind::ServerError { status }) => return Err(server_error(status)),
        _ => {}
    }
    match sandbox.faults.take(endpoint.name, Some(account), |k| {
        matches!(k, FaultKind::ExpiredToken | FaultKind::RevokedToken)
    }) {
        Some(FaultKind::ExpiredToken) => return Err(expired()),
        Some(FaultKind::RevokedToken) => {
            sandbox.shop.grants.revoke_token(access_token);
            return Err(invalid_token());
        }
        _ => {}
    }
    Ok(Call { now, path, params, body, grant, shop, sandbox })
}

fn expired() -> ShopError {
    ShopError::new(
        codes::EXPIRED_CREDENTIALS,
        "Expired credentials. The access token has expired; refresh it.",
    )
}

/// A server-error fault: code 36009003 with the armed HTTP status.
pub fn server_error(status: u16) -> ShopError {
    ShopError {
        status: axum::http::StatusCode::from_u16(status.clamp(500, 599))
            .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
        ..ShopError::new(codes::INTERNAL_ERROR, "Internal error. Please retry.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_decode_and_arrays_join() {
        let params = decode_query("ids=1&page_token=a%2Bb%2F%3D&ids=2&empty=");
        assert_eq!(
            params,
            vec![
                ("ids".to_owned(), "1,2".to_owned()),
                ("page_token".to_owned(), "a+b/=".to_owned()),
                ("empty".to_owned(), String::new()),
            ]
        );
    }
}
