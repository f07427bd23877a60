//! Cross-site request forgery defence. Leptos server functions have none of their own, so every
//! state-changing request (anything but GET, HEAD, OPTIONS) must come from Soco's own pages:
//! `Sec-Fetch-Site` must not say cross-site, and `Origin`, when sent, must be Soco's public origin
//! or the origin the request itself was addressed to. Anything else gets 403.

use axum::body::Body;
use axum::http::header::{HOST, ORIGIN};
use axum::http::{Method, Request, Response, StatusCode};
use axum::middleware::Next;
use axum::response::IntoResponse;

/// Whether a request with these headers may change state.
pub fn allowed(
    method: &Method,
    sec_fetch_site: Option<&str>,
    origin: Option<&str>,
    host: Option<&str>,
    public_origin: &str,
    scheme: &str,
) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    if let Some(site) = sec_fetch_site
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    match origin {
        None => true,
        Some(origin) => {
            origin == public_origin || host.is_some_and(|host| origin == format!("{scheme}://{host}"))
        }
    }
}

/// Refuses cross-site state changes with 403.
pub async fn check(
    public_origin: String,
    scheme: &'static str,
    request: Request<Body>,
    next: Next,
) -> Response<Body> {
    let permitted = {
        let headers = request.headers();
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        allowed(
            request.method(),
            header("sec-fetch-site"),
            header(ORIGIN.as_str()),
            header(HOST.as_str()),
            &public_origin,
            scheme,
        )
    };
    if permitted {
        next.run(request).await
    } else {
        tracing::warn!(method = %request.method(), path = %request.uri().path(), "cross-site request refused");
        (StatusCode::FORBIDDEN, "Cross-site requests are not allowed.").into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PUBLIC: &str = "https://soco.example.id";

    fn post(site: Option<&str>, origin: Option<&str>) -> bool {
        allowed(&Method::POST, site, origin, Some("soco.example.id"), PUBLIC, "https")
    }

    #[test]
    fn same_origin_posts_pass() {
        assert!(post(Some("same-origin"), Some(PUBLIC)));
        assert!(post(None, Some(PUBLIC)), "older browsers without Sec-Fetch-Site");
        assert!(post(None, None), "non-browser clients carry no ambient cookies from other sites");
    }

    #[test]
    fn cross_site_posts_are_refused() {
        assert!(!post(Some("cross-site"), Some("https://evil.example")));
        assert!(!post(Some("same-site"), Some("https://shop.soco.example.id")));
        assert!(!post(None, Some("https://evil.example")));
        assert!(!post(Some("cross-site"), None));
        assert!(!post(None, Some("null")));
    }

    #[test]
    fn the_address_the_request_was_sent_to_counts_as_ours() {
        assert!(allowed(
            &Method::POST,
            Some("same-origin"),
            Some("http://localhost:3000"),
            Some("localhost:3000"),
            "http://127.0.0.1:3000",
            "http"
        ));
    }

    #[test]
    fn reads_are_never_blocked() {
        assert!(allowed(
            &Method::GET,
            Some("cross-site"),
            Some("https://evil.example"),
            None,
            PUBLIC,
            "https"
        ));
    }
}
