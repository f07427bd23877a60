//! Response headers every answer carries: caching rules per kind of resource, and the baseline
//! security headers.

use axum::body::Body;
use axum::http::header::{CACHE_CONTROL, HeaderName, HeaderValue};
use axum::http::{Request, Response};
use axum::middleware::Next;

/// Assets whose names change when their content does: cache for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Static files with stable names: cache briefly, then revalidate.
const SHORT: &str = "public, max-age=3600";
/// Pages and data: never stored by shared or private caches.
const NO_STORE: &str = "no-store";

/// Chooses `Cache-Control` for a path, unless the handler chose one.
pub fn cache_policy(path: &str, hashed_assets: bool) -> &'static str {
    if hashed_assets && path.starts_with("/pkg/") {
        IMMUTABLE
    } else if path == "/sw.js" || path.starts_with("/pkg/") {
        "no-cache"
    } else if path.starts_with("/icons/") || path == "/favicon.ico" || path == "/manifest.webmanifest" {
        SHORT
    } else {
        NO_STORE
    }
}

/// Only a file that was there may be cached: a miss (a 404 for a name the next build will use,
/// asked for early) or an error is never stored, however long its path would keep the file.
pub fn policy_for_status(policy: &'static str, status: axum::http::StatusCode) -> &'static str {
    if status.is_success() || status == axum::http::StatusCode::NOT_MODIFIED { policy } else { NO_STORE }
}

/// Adds `Cache-Control` (when absent) and the security headers to every response.
pub async fn apply(hashed_assets: bool, https: bool, request: Request<Body>, next: Next) -> Response<Body> {
    let policy = cache_policy(request.uri().path(), hashed_assets);
    let mut response = next.run(request).await;
    let policy = policy_for_status(policy, response.status());
    let headers = response.headers_mut();
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    for (name, value) in SECURITY_HEADERS {
        headers.insert(HeaderName::from_static(name), HeaderValue::from_static(value));
    }
    if https {
        headers.insert(
            HeaderName::from_static("strict-transport-security"),
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    response
}

/// Headers that cost nothing and close whole classes of attacks. Pages also carry a content
/// security policy with a per-response nonce, set where the page is rendered (`app::shell`).
const SECURITY_HEADERS: [(&str, &str); 5] = [
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_and_versioned_assets_are_immutable() {
        assert_eq!(cache_policy("/pkg/soco.abc123.wasm", true), IMMUTABLE);
        assert_eq!(cache_policy("/pkg/charts.abc123.js", true), IMMUTABLE);
    }

    #[test]
    fn a_missing_hashed_file_is_not_cached_for_a_year() {
        use axum::http::StatusCode;
        let policy = cache_policy("/pkg/chunk_7.abc123.wasm", true);
        assert_eq!(policy_for_status(policy, StatusCode::OK), IMMUTABLE);
        assert_eq!(policy_for_status(policy, StatusCode::NOT_MODIFIED), IMMUTABLE);
        for status in
            [StatusCode::NOT_FOUND, StatusCode::INTERNAL_SERVER_ERROR, StatusCode::SERVICE_UNAVAILABLE]
        {
            assert_eq!(policy_for_status(policy, status), NO_STORE, "{status}");
        }
    }

    #[test]
    fn unhashed_builds_revalidate() {
        assert_eq!(cache_policy("/pkg/soco.wasm", false), "no-cache");
        assert_eq!(cache_policy("/sw.js", true), "no-cache");
    }

    #[test]
    fn pages_and_data_are_never_stored() {
        for path in ["/", "/settings", "/api/get_database_status", "/healthz", "/offline"] {
            assert_eq!(cache_policy(path, true), NO_STORE, "{path}");
        }
    }
}
