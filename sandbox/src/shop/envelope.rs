//! TikTok Shop's response envelope `{code, message, request_id, data}`, its error codes and the
//! HTTP statuses they travel with, and the decimal-string form of money.
//!
//! Business errors come back as HTTP 200 with a non-zero `code`; gateway errors (rate limit, bad
//! parameters, unknown paths) carry an HTTP error status too (tiktok-api.md 5.5). Where the spec
//! gives no status for a code, the choice is documented on [`ShopError::status_for`].

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Value, json};

/// The error codes the sandbox answers with (tiktok-api.md 5.2-5.5).
pub mod codes {
    /// Success.
    pub const OK: i64 = 0;
    /// The access token has expired: refresh it.
    pub const EXPIRED_CREDENTIALS: i64 = 105_002;
    /// The access token lacks the scope the endpoint needs.
    pub const ACCESS_DENIED: i64 = 105_005;
    /// The `sign` query parameter does not match.
    pub const INVALID_SIGN: i64 = 106_001;
    /// `shop_cipher` is missing on a shop-scoped endpoint.
    pub const MISSING_SHOP_CIPHER: i64 = 106_013;
    /// Unknown, used or expired authorization code.
    pub const INVALID_AUTH_CODE: i64 = 36_004_004;
    /// Unknown, rotated, revoked or expired refresh token. [UNCONFIRMED: only a fake server uses
    /// this number; TikTok's own code for it is not documented.]
    pub const INVALID_REFRESH_TOKEN: i64 = 36_004_005;
    /// Rate limited.
    pub const TOO_MANY_REQUESTS: i64 = 36_009_002;
    /// Internal error: retry.
    pub const INTERNAL_ERROR: i64 = 36_009_003;
    /// The overloaded gateway code: bad app_key, token header, timestamp, signature presence,
    /// unexpected shop_cipher, invalid parameters.
    pub const INVALID_REQUEST: i64 = 36_009_004;
    /// Unknown path.
    pub const INVALID_PATH: i64 = 36_009_009;
    /// Known path, wrong method.
    pub const INVALID_METHOD: i64 = 36_009_010;
    /// Known resource, unknown version.
    pub const INVALID_VERSION: i64 = 36_009_014;
    /// Wrong `Content-Type`.
    pub const INVALID_CONTENT_TYPE: i64 = 36_009_022;
    /// An order id that is not the shop's.
    pub const ORDER_NOT_OWNED: i64 = 21_008_111;
    /// A product id the shop does not have. [UNCONFIRMED: the number is the sandbox's choice; the
    /// spec lists no product-not-found code.]
    pub const PRODUCT_NOT_FOUND: i64 = 12_052_700;
    /// A statement id the shop does not have. [UNCONFIRMED: the sandbox's choice, as above.]
    pub const STATEMENT_NOT_FOUND: i64 = 12_052_701;
}

/// An error answered in TikTok Shop's envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopError {
    /// TikTok's numeric code.
    pub code: i64,
    /// Human-readable message, worded like TikTok's.
    pub message: String,
    /// The HTTP status it travels with.
    pub status: StatusCode,
    /// Seconds for `Retry-After` (rate limits).
    pub retry_after: Option<u64>,
}

impl ShopError {
    /// An error with `code`, its HTTP status from [`ShopError::status_for`].
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        ShopError { code, message: message.into(), status: Self::status_for(code), retry_after: None }
    }

    /// `36009004` "Invalid param error" naming what is wrong.
    pub fn invalid_param(detail: impl std::fmt::Display) -> Self {
        Self::new(codes::INVALID_REQUEST, format!("Invalid param error. {detail}"))
    }

    /// The HTTP status of `code`. Documented: 36009002 is 429, 36009004 is 400, 36009009 is 404.
    /// The sandbox's choices for the rest: other gateway codes get the matching HTTP error
    /// (405 wrong method, 415 content type, 500 internal), credential errors 401 and a missing
    /// scope 403; business errors (orders, products, tokens) are HTTP 200.
    pub fn status_for(code: i64) -> StatusCode {
        match code {
            codes::TOO_MANY_REQUESTS => StatusCode::TOO_MANY_REQUESTS,
            codes::INTERNAL_ERROR => StatusCode::INTERNAL_SERVER_ERROR,
            codes::INVALID_REQUEST | codes::INVALID_VERSION | codes::MISSING_SHOP_CIPHER => {
                StatusCode::BAD_REQUEST
            }
            codes::INVALID_PATH => StatusCode::NOT_FOUND,
            codes::INVALID_METHOD => StatusCode::METHOD_NOT_ALLOWED,
            codes::INVALID_CONTENT_TYPE => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            codes::INVALID_SIGN | codes::EXPIRED_CREDENTIALS => StatusCode::UNAUTHORIZED,
            codes::ACCESS_DENIED => StatusCode::FORBIDDEN,
            _ => StatusCode::OK,
        }
    }

    /// The rate-limit answer: HTTP 429, code 36009002 and `Retry-After`.
    pub fn rate_limited(retry_after: u64) -> Self {
        ShopError {
            retry_after: Some(retry_after.max(1)),
            ..Self::new(
                codes::TOO_MANY_REQUESTS,
                "Too many requests. You've made too many requests in a short period of time.",
            )
        }
    }

    /// The envelope (without `data`) for this error.
    pub fn into_response(self, request_id: &str) -> Response {
        let body = json!({ "code": self.code, "message": self.message, "request_id": request_id });
        let mut response = (self.status, json_body(&body)).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// The `data` of a success: a JSON value, or JSON already serialised from typed structs (large
/// listings skip building a value tree: an order page is a few hundred fields per order).
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    /// Built as a value.
    Value(Value),
    /// Serialised JSON text.
    Serialized(String),
}

impl From<Value> for Data {
    fn from(value: Value) -> Self {
        Data::Value(value)
    }
}

impl Data {
    /// `data` serialised straight to text.
    pub fn serialize(data: &impl Serialize) -> Result<Data, ShopError> {
        serde_json::to_string(data)
            .map(Data::Serialized)
            .map_err(|e| ShopError::new(codes::INTERNAL_ERROR, format!("Internal error. {e}")))
    }
}

/// A success envelope with `data`; `message` is `Success` on the API, `success` on the token
/// endpoints (as TikTok's samples have them).
pub fn success(request_id: &str, message: &str, data: Data) -> Response {
    let data = match data {
        Data::Value(value) => value.to_string(),
        Data::Serialized(text) => text,
    };
    // Both strings go through the JSON encoder; `data` is JSON text already.
    let body = format!(
        "{{\"code\":{},\"data\":{data},\"message\":{},\"request_id\":{}}}",
        codes::OK,
        Value::from(message),
        Value::from(request_id)
    );
    (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn json_body(body: &Value) -> ([(header::HeaderName, &'static str); 1], String) {
    ([(header::CONTENT_TYPE, "application/json")], body.to_string())
}

/// Money as TikTok writes it: a decimal string without trailing zeros ("5000", "21.3", "-70").
pub fn money(amount: Decimal) -> String {
    if amount.is_zero() { "0".to_owned() } else { amount.normalize().to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_a_plain_decimal_string() {
        assert_eq!(money(Decimal::new(500_000, 2)), "5000");
        assert_eq!(money(Decimal::new(2130, 2)), "21.3");
        assert_eq!(money(Decimal::new(-70, 0)), "-70");
        assert_eq!(money(Decimal::new(-0, 2)), "0");
        assert_eq!(money(Decimal::new(1, 2)), "0.01");
    }

    #[tokio::test]
    async fn success_envelopes_hold_either_kind_of_data() {
        use http_body_util::BodyExt;
        for data in [Data::from(json!({ "a": [1] })), Data::Serialized(r#"{"a":[1]}"#.into())] {
            let response = success("id\"1", "Success", data);
            let bytes = response.into_body().collect().await.expect("body").to_bytes();
            let body: Value = serde_json::from_slice(&bytes).expect("valid JSON");
            assert_eq!(
                body,
                json!({ "code": 0, "data": { "a": [1] }, "message": "Success", "request_id": "id\"1" })
            );
        }
    }

    #[test]
    fn codes_travel_with_their_documented_statuses() {
        assert_eq!(ShopError::rate_limited(0).status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(ShopError::rate_limited(0).retry_after, Some(1));
        assert_eq!(ShopError::invalid_param("x").status, StatusCode::BAD_REQUEST);
        assert_eq!(ShopError::new(codes::INVALID_PATH, "x").status, StatusCode::NOT_FOUND);
        assert_eq!(ShopError::new(codes::ORDER_NOT_OWNED, "x").status, StatusCode::OK);
    }
}
