//! What every `open.tiktokapis.com` v2 endpoint shares: the `{data, error:{code, message, log_id}}`
//! envelope, the error codes with their HTTP statuses, and the checks before a handler runs
//! (bearer token, faults, sliding-window rate limit, scopes).
//!
//! Display and Content Posting handlers start with [`authorize`] and end with [`ok`] or an
//! [`ApiError`].

use axum::Json;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::Sandbox;
use crate::faults::FaultKind;
use crate::grants::{Grant, TokenProblem};

/// A v2 error, answered in TikTok's envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status (TikTok's table in tiktok-api.md 3.1).
    pub status: StatusCode,
    /// `error.code`, e.g. `access_token_invalid`.
    pub code: &'static str,
    /// `error.message`.
    pub message: String,
    /// `Retry-After` seconds, for 429s.
    pub retry_after: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into(), retry_after: None }
    }

    /// 400 `invalid_params`.
    pub fn invalid_params(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_params", message)
    }

    /// 401 `access_token_invalid`.
    pub fn token_invalid(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "access_token_invalid", message)
    }

    /// 401 `scope_not_authorized`.
    pub fn scope_not_authorized(scope: &str) -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "scope_not_authorized",
            format!("The user did not authorize the scope required for completing this request: {scope}."),
        )
    }

    /// 429 `rate_limit_exceeded` with `Retry-After`.
    pub fn rate_limited(retry_after: u64) -> Self {
        ApiError {
            retry_after: Some(retry_after),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limit_exceeded",
                "API rate limit was exceeded. Please try again later.",
            )
        }
    }

    /// A 5xx `internal_error`.
    pub fn internal(status: u16) -> Self {
        ApiError::new(
            StatusCode::from_u16(status)
                .ok()
                .filter(|s| s.is_server_error())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "internal_error",
            "Something went wrong. Please try again later.",
        )
    }

    /// A 4xx with another documented code (Content Posting's, for example).
    pub fn other(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(status, code, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "data": {},
            "error": { "code": self.code, "message": self.message, "log_id": crate::log_id(now_real()) },
        });
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

fn now_real() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A success in TikTok's envelope.
pub fn ok(sandbox: &Sandbox, data: Value) -> Response {
    Json(json!({
        "data": data,
        "error": { "code": "ok", "message": "", "log_id": crate::log_id(sandbox.clock.now()) },
    }))
    .into_response()
}

/// How an endpoint is rate limited.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// Requests allowed per window.
    pub requests: u32,
    /// Window length in seconds (TikTok: a 1-minute sliding window).
    pub window_seconds: i64,
    /// Counted per access token (Content Posting) rather than per endpoint for the whole app
    /// (Display API).
    pub per_token: bool,
}

/// The checks before an endpoint's own work: a live bearer token (honouring expired- and
/// revoked-token faults), transport faults, the rate limit, then at least one of `scopes` (any
/// of them will do; empty means none needed). `endpoint` names it for faults and limits.
pub async fn authorize(
    sandbox: &Sandbox,
    headers: &HeaderMap,
    endpoint: &str,
    scopes: &[&str],
    limit: Limit,
) -> Result<Grant, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::token_invalid("The access token is invalid or not found in the request."))?;
    let now = sandbox.clock.now();
    let grant = sandbox.grants.by_access_token(token, now).map_err(|problem| match problem {
        TokenProblem::Expired => ApiError::token_invalid("The access token has expired."),
        TokenProblem::Unknown => {
            ApiError::token_invalid("The access token is invalid or not found in the request.")
        }
    })?;
    let account = Some(grant.open_id.as_str());
    match sandbox
        .faults
        .take(endpoint, account, |k| matches!(k, FaultKind::ExpiredToken | FaultKind::RevokedToken))
    {
        Some(FaultKind::ExpiredToken) => {
            sandbox.grants.expire_access(grant.id, now);
            return Err(ApiError::token_invalid("The access token has expired."));
        }
        Some(_) => {
            sandbox.grants.revoke_token(&grant.access_token);
            return Err(ApiError::token_invalid("The access token is invalid or not found in the request."));
        }
        None => {}
    }
    match sandbox.faults.transport(endpoint, account).await {
        Some(FaultKind::RateLimited { retry_after }) => return Err(ApiError::rate_limited(retry_after)),
        Some(FaultKind::ServerError { status }) => return Err(ApiError::internal(status)),
        _ => {}
    }
    let bucket = if limit.per_token {
        format!("{endpoint}:{}", grant.access_token)
    } else {
        format!("{endpoint}:app")
    };
    sandbox
        .limiter
        .check(&bucket, limit.requests, limit.window_seconds * 1000, sandbox.clock.now_ms())
        .map_err(ApiError::rate_limited)?;
    if !scopes.is_empty() && !scopes.iter().any(|s| grant.has(s)) {
        return Err(ApiError::scope_not_authorized(scopes[0]));
    }
    Ok(grant)
}

/// The comma-separated `fields` query parameter, each checked against `known`.
pub fn requested_fields<'a>(fields: Option<&'a str>, known: &[&str]) -> Result<Vec<&'a str>, ApiError> {
    let fields: Vec<&str> =
        fields.unwrap_or_default().split(',').map(str::trim).filter(|f| !f.is_empty()).collect();
    if fields.is_empty() {
        return Err(ApiError::invalid_params("The fields parameter is required."));
    }
    if let Some(unknown) = fields.iter().find(|f| !known.contains(f)) {
        return Err(ApiError::invalid_params(format!("Invalid field: {unknown}.")));
    }
    Ok(fields)
}
