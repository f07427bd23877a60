//! Middleware that works out who is asking: the client's address (trusting `X-Forwarded-For`
//! only from configured proxies), its user agent, whether it is a program on this machine
//! ([`from_this_machine`]), and the live session its cookie names. The result goes into the
//! request's extensions as [`RequestContext`] for pages and server functions.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use app::ssr::{AppState, RequestContext, cookie_name};
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::header::{COOKIE, USER_AGENT};
use axum::http::{HeaderMap, Request, Response};
use axum::middleware::Next;
use axum::response::IntoResponse;
use domain::auth::RequestMeta;
use domain::auth::session;
use ipnet::IpNet;
use secrecy::SecretString;

/// The client's address: the peer, or for a trusted proxy the right-most untrusted address of
/// `X-Forwarded-For`.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|ip| ip.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>();
    forwarded.into_iter().rev().find(|ip| !is_trusted(ip)).unwrap_or(peer)
}

/// Headers proxies add to say whom they relay for. A loopback peer that sends one is a proxy on
/// this machine, not a program of this machine's user.
pub const FORWARDING_HEADERS: &[&str] = &[
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-real-ip",
    "x-client-ip",
    "x-cluster-client-ip",
    "true-client-ip",
    "cf-connecting-ip",
    "fastly-client-ip",
    "via",
];

/// Whether a request from `peer` (when known) with these headers came straight from a program on
/// this machine: a loopback peer, no forwarding header. An unknown peer fails closed.
pub fn from_this_machine(peer: Option<IpAddr>, headers: &HeaderMap) -> bool {
    peer.is_some_and(|ip| ip.is_loopback())
        && !FORWARDING_HEADERS.iter().any(|name| headers.contains_key(*name))
        // A proxy on this machine that adds no forwarding header still passes the public host
        // on (the host check insists): only a loopback name is a program here.
        && headers
            .get(axum::http::header::HOST)
            .and_then(|v| v.to_str().ok())
            .is_some_and(crate::host::is_loopback_authority)
}

/// Files that never depend on who asks: no session lookup for them.
fn is_static(path: &str) -> bool {
    ["/pkg/", "/icons/"].iter().any(|prefix| path.starts_with(prefix))
        || matches!(path, "/favicon.ico" | "/manifest.webmanifest" | "/sw.js" | "/healthz")
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
}

/// Resolves the client and the session, then runs the request.
pub async fn resolve(
    State(state): State<AppState>,
    mut request: Request<Body>,
    next: Next,
) -> Response<Body> {
    let services = &state.services;
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
    let headers = request.headers();
    let local = from_this_machine(peer, headers);
    // Without a peer (a router served without connect info) the client is unknown: never this
    // machine, and one unspecified address for the rate limits.
    let ip = match peer {
        Some(peer) => client_ip(peer, headers, &services.config.trusted_proxies),
        None => {
            tracing::warn!("no peer address: serve the router with connect info");
            IpAddr::from([0, 0, 0, 0])
        }
    };
    let user_agent = headers.get(USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let meta = RequestMeta::new(ip, user_agent);

    // The one reading of the clock this request is judged by (its session, its server functions).
    let now = services.clock.now();
    let mut context = RequestContext { meta, session: None, token: None, from_this_machine: local, now };
    let cookie_value = if is_static(request.uri().path()) {
        None
    } else {
        cookie(headers, cookie_name(services.config.is_https()))
    };
    if let Some(token) = cookie_value {
        match session::resolve(&services.db, &token, now).await {
            Ok(Some(resolved)) => {
                context.session = Some(Arc::new(resolved));
                context.token = Some(SecretString::from(token));
            }
            Ok(None) => {}
            Err(err) => tracing::error!(error = %err, "session lookup failed"),
        }
    }
    let signed_in = context.session.as_ref().is_some_and(|s| s.stage == session::Stage::Active);
    let path = request.uri().path().to_owned();
    if !signed_in && request.method() == axum::http::Method::GET && app::needs_sign_in(&path) {
        let target = format!("/login?next={}", app::format::path_in_query(&path));
        return (axum::http::StatusCode::FOUND, [(axum::http::header::LOCATION, target)]).into_response();
    }
    request.extensions_mut().insert(context);
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn forwarded_for_counts_only_behind_trusted_proxies() {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_static("198.51.100.9, 203.0.113.7, 10.0.0.2"));
        let proxy: IpAddr = "10.0.0.1".parse().expect("ip");
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().expect("net")];
        assert_eq!(client_ip(proxy, &headers, &trusted), "203.0.113.7".parse::<IpAddr>().expect("ip"));
        assert_eq!(client_ip(proxy, &headers, &[]), proxy, "untrusted peers are believed as they are");
        let stranger: IpAddr = "192.0.2.1".parse().expect("ip");
        assert_eq!(client_ip(stranger, &headers, &trusted), stranger, "spoofed header from a client");
    }

    #[test]
    fn only_a_direct_loopback_peer_is_this_machine() {
        let loopback: IpAddr = "127.0.0.1".parse().expect("ip");
        let mut none = HeaderMap::new();
        none.insert(axum::http::header::HOST, HeaderValue::from_static("127.0.0.1:3000"));
        assert!(from_this_machine(Some(loopback), &none));
        assert!(from_this_machine(Some("::1".parse().expect("ip")), &none));
        assert!(!from_this_machine(Some("192.0.2.1".parse().expect("ip")), &none));
        assert!(!from_this_machine(None, &none), "an unknown peer fails closed");
        // The attack: nginx on this machine, proxying `demo.example` with `Host` passed on and
        // no forwarding header added.
        let mut proxied = HeaderMap::new();
        proxied.insert(axum::http::header::HOST, HeaderValue::from_static("demo.example"));
        assert!(!from_this_machine(Some(loopback), &proxied), "a proxy that names the public host");
        assert!(!from_this_machine(Some(loopback), &HeaderMap::new()), "no Host at all");
        for name in FORWARDING_HEADERS {
            let mut relayed = none.clone();
            relayed.insert(*name, HeaderValue::from_static("203.0.113.9"));
            assert!(!from_this_machine(Some(loopback), &relayed), "a proxy on this machine ({name})");
        }
    }

    #[test]
    fn which_pages_need_a_session() {
        for path in ["/settings", "/account", "/account/security", "/accounts", "/shop/orders"] {
            assert!(app::needs_sign_in(path), "{path}");
        }
        for path in ["/", "/login", "/register", "/offline", "/terms", "/accountsx", "/outbox", "/healthz"] {
            assert!(!app::needs_sign_in(path), "{path}");
        }
    }

    #[test]
    fn reads_one_cookie_among_many() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("a=1; soco_session=abc; b=2"));
        assert_eq!(cookie(&headers, "soco_session").as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, "missing"), None);
    }
}
