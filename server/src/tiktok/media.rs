//! TikTok's pictures of a user's own accounts, relayed: `GET /accounts/tiktok/{id}/avatar` and
//! `GET /accounts/tiktok/{id}/videos/{video}/cover`.
//!
//! Pages never point the browser at TikTok's CDN: the content security policy allows images from
//! Soco only, the browser tells TikTok nothing about who looks at what, and cover links (which
//! TikTok lets expire) are fetched from the link the last sync stored. Only the owner may fetch;
//! only links Soco stored are fetched (never one from the request), and only from TikTok's CDN
//! hosts (`SOCO_MEDIA_HOSTS`; sandbox mode adds the sandbox's host), with no redirects followed
//! and no proxy, HTTPS on port 443 only in production, images only, at most [`MAX_BYTES`].
//!
//! In production a stored link cannot reach Soco's own network either: every address its host
//! resolves to must be public ([`is_public`]), and the connection goes to those checked
//! addresses ([`PublicOnly`] is the client's resolver, so nothing is resolved twice). At most
//! `SOCO_MEDIA_CONCURRENCY` pictures are fetched at once. Answers are `private, no-cache`, and
//! logging out clears them from the browser (`Clear-Site-Data`, see `app::ssr`).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use app::error::AppError;
use app::ssr::{AppState, Caller};
use axum::body::Body;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use domain::config::{Config, TikTokMode};
use domain::tiktok::connections::{self, Picture};
use tokio::sync::Semaphore;

/// The largest picture relayed.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// How the browser may keep a relayed picture: in its own cache only, asking Soco each time.
pub const CACHE_CONTROL: &str = "private, no-cache";

/// The media routes, with their relay built for `config`.
pub fn routes(config: &Config) -> std::io::Result<Router<AppState>> {
    let relay = Arc::new(Relay::from_config(config)?);
    Ok(Router::new()
        .route("/accounts/tiktok/{id}/avatar", get(avatar))
        .route("/accounts/tiktok/{id}/videos/{video}/cover", get(cover))
        .layer(Extension(relay)))
}

/// What fetches pictures: the rules of which links it may follow, its own HTTP client, and the
/// permits that bound how many fetches run at once.
#[derive(Debug)]
pub struct Relay {
    mode: TikTokMode,
    /// `SOCO_MEDIA_HOSTS`: a host is allowed when it is one of these or ends in `.` + one.
    suffixes: Vec<String>,
    /// Sandbox mode: the hosts of the TikTok endpoints (the sandbox serves its pictures there).
    sandbox_hosts: Vec<String>,
    client: reqwest::Client,
    permits: Semaphore,
}

impl Relay {
    /// The relay `config` asks for.
    pub fn from_config(config: &Config) -> std::io::Result<Self> {
        let mode = config.tiktok_mode;
        let sandbox_hosts = match mode {
            TikTokMode::Production => Vec::new(),
            TikTokMode::Sandbox => {
                let endpoints = config.tiktok_endpoints();
                [
                    endpoints.login,
                    endpoints.open_api,
                    endpoints.shop_api,
                    endpoints.shop_auth,
                    endpoints.shop_services,
                ]
                .iter()
                .filter_map(|base| reqwest::Url::parse(base).ok()?.host_str().map(str::to_ascii_lowercase))
                .collect()
            }
        };
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .user_agent(concat!("soco/", env!("CARGO_PKG_VERSION")));
        if mode == TikTokMode::Production {
            builder = builder.dns_resolver(PublicOnly);
        }
        let client = builder.build().map_err(std::io::Error::other)?;
        let permits = usize::try_from(config.media_concurrency.get()).unwrap_or(usize::MAX);
        Ok(Self {
            mode,
            suffixes: config.media_hosts.clone(),
            sandbox_hosts,
            client,
            permits: Semaphore::new(permits.min(Semaphore::MAX_PERMITS)),
        })
    }

    /// Whether Soco may fetch `url`: an allowed host, without credentials; HTTPS on 443, or in
    /// sandbox mode plain HTTP too (the local sandbox).
    fn allowed(&self, url: &reqwest::Url) -> bool {
        let sandbox = self.mode == TikTokMode::Sandbox;
        let transport = match url.scheme() {
            "https" => sandbox || url.port_or_known_default() == Some(443),
            "http" => sandbox,
            _ => false,
        };
        if !transport || !url.username().is_empty() || url.password().is_some() {
            return false;
        }
        let Some(host) = url.host_str().map(|h| h.trim_end_matches('.').to_ascii_lowercase()) else {
            return false;
        };
        if sandbox && self.sandbox_hosts.contains(&host) {
            return true;
        }
        // Addresses are never TikTok's CDN (and would skip the resolver's check).
        let literal = host.starts_with('[') || host.parse::<IpAddr>().is_ok();
        !literal
            && self.suffixes.iter().any(|suffix| {
                host == *suffix || host.strip_suffix(suffix.as_str()).is_some_and(|rest| rest.ends_with('.'))
            })
    }
}

/// The relay's resolver in production: resolves with the system, then refuses the name unless
/// every address is public, so a CDN name pointed at 10.0.0.1 or 127.0.0.1 reaches nothing.
/// reqwest connects to the addresses returned here, the ones checked.
#[derive(Debug, Clone, Copy)]
pub struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs = public_addresses(&host).await?;
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Every address `host` resolves to, when all are public; an error naming the first that is not.
pub async fn public_addresses(host: &str) -> std::io::Result<Vec<SocketAddr>> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, 0)).await?.collect();
    if addrs.is_empty() {
        return Err(std::io::Error::other(format!("{host} has no address")));
    }
    if let Some(private) = addrs.iter().find(|addr| !is_public(addr.ip())) {
        return Err(std::io::Error::other(format!(
            "{host} resolves to {}, which is not a public address",
            private.ip()
        )));
    }
    Ok(addrs)
}

/// Whether `ip` is on the public Internet: not loopback, private, link-local, shared (CGNAT),
/// unspecified, broadcast, multicast, documentation, benchmarking or reserved; IPv6 addresses
/// that carry an IPv4 one (mapped, NAT64, 6to4) are judged by it.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            let embedded = |hi: u16, lo: u16| {
                IpAddr::V4(std::net::Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo)))
            };
            if s[0] == 0x64 && s[1] == 0xff9b {
                return is_public(embedded(s[6], s[7]));
            }
            if s[0] == 0x2002 {
                return is_public(embedded(s[1], s[2]));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] & 0xffc0) == 0xfec0
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                || s[..6].iter().all(|x| *x == 0))
        }
    }
}

async fn avatar(
    caller: Caller,
    Extension(relay): Extension<Arc<Relay>>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let link = connections::picture_link(&caller.services, caller.user(), id, Picture::Avatar).await?;
    Ok(relay.fetch(link).await)
}

async fn cover(
    caller: Caller,
    Extension(relay): Extension<Arc<Relay>>,
    Path((id, video)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let link = connections::picture_link(&caller.services, caller.user(), id, Picture::Cover(video)).await?;
    Ok(relay.fetch(link).await)
}

impl Relay {
    /// Fetches the stored link (waiting for a permit) and passes the picture on.
    async fn fetch(&self, link: Option<String>) -> Response {
        let Some(url) = link.and_then(|l| reqwest::Url::parse(&l).ok()) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        if !self.allowed(&url) {
            tracing::warn!(
                host = url.host_str().unwrap_or_default(),
                "picture link outside SOCO_MEDIA_HOSTS refused"
            );
            return StatusCode::NOT_FOUND.into_response();
        }
        let Ok(_permit) = self.permits.acquire().await else {
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        };
        relay(&self.client, url).await
    }
}

/// Fetches `url` and passes the picture on.
async fn relay(client: &reqwest::Client, url: reqwest::Url) -> Response {
    let fetched = client.get(url).send().await;
    let upstream = match fetched {
        Ok(response) if response.status().is_success() => response,
        Ok(response) => {
            tracing::debug!(status = %response.status(), "TikTok media not available");
            return StatusCode::NOT_FOUND.into_response();
        }
        Err(error) => {
            // The error's source says why (a private address the resolver refused, a timeout).
            let cause = std::error::Error::source(&error).map(ToString::to_string).unwrap_or_default();
            tracing::warn!(error = %error.without_url(), cause, "TikTok media unreachable");
            return StatusCode::BAD_GATEWAY.into_response();
        }
    };
    let content_type = upstream
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_default();
    if !content_type.starts_with("image/") || upstream.content_length().is_some_and(|n| n > MAX_BYTES as u64)
    {
        return StatusCode::BAD_GATEWAY.into_response();
    }
    let bytes = match read_limited(upstream).await {
        Some(bytes) => bytes,
        None => return StatusCode::BAD_GATEWAY.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, CACHE_CONTROL.to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            // An SVG opened on its own must not run anything.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; sandbox".to_owned(),
            ),
        ],
        Body::from(bytes),
    )
        .into_response()
}

/// The body, or `None` past [`MAX_BYTES`] or on a broken transfer.
async fn read_limited(mut response: reqwest::Response) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.ok()? {
        if body.len() + chunk.len() > MAX_BYTES {
            return None;
        }
        body.extend_from_slice(&chunk);
    }
    Some(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relay(vars: &[(&str, &str)]) -> Relay {
        let config = Config::from_map(&vars.iter().copied().collect()).expect("configuration");
        Relay::from_config(&config).expect("relay")
    }

    fn production() -> Relay {
        relay(&[
            ("SOCO_TIKTOK_MODE", "production"),
            ("SOCO_TIKTOK_CLIENT_KEY", "k"),
            ("SOCO_TIKTOK_CLIENT_SECRET", "s"),
        ])
    }

    fn url(s: &str) -> reqwest::Url {
        reqwest::Url::parse(s).expect("url")
    }

    #[test]
    fn production_fetches_from_tiktoks_cdn_only() {
        let relay = production();
        for ok in [
            "https://p16-sign-va.tiktokcdn.com/tos-maliva-avt-0068/a.jpeg?x-expires=1",
            "https://p16-common-sign.tiktokcdn-us.com/a.jpeg",
            "https://tiktokcdn.com/a.jpeg",
            "https://P19-SIGN.TIKTOKCDN-EU.COM./a.webp",
        ] {
            assert!(relay.allowed(&url(ok)), "{ok}");
        }
        for bad in [
            "http://p16-sign.tiktokcdn.com/a.jpeg",
            "https://p16-sign.tiktokcdn.com:8443/a.jpeg",
            "https://evil.example/a.jpeg",
            "https://eviltiktokcdn.com/a.jpeg",
            "https://tiktokcdn.com.evil.example/a.jpeg",
            "https://user:pw@p16-sign.tiktokcdn.com/a.jpeg",
            "https://169.254.169.254/latest/meta-data/",
            "https://[::1]/a.jpeg",
            "https://127.0.0.1/a.jpeg",
            "http://127.0.0.1:3000/sandbox/media/a.svg",
            "file:///etc/passwd",
        ] {
            assert!(!relay.allowed(&url(bad)), "{bad}");
        }
    }

    #[test]
    fn the_sandbox_may_fetch_from_the_sandbox_but_not_anywhere_local() {
        let sandbox = relay(&[]);
        assert!(sandbox.allowed(&url("http://127.0.0.1:3000/sandbox/media/avatar/a.svg")));
        assert!(sandbox.allowed(&url("https://p16-sign.tiktokcdn.com/a.jpeg")));
        assert!(!sandbox.allowed(&url("http://localhost:3000/sandbox/media/avatar/a.svg")));
        assert!(!sandbox.allowed(&url("http://10.0.0.1/admin")));
        assert!(!sandbox.allowed(&url("file:///etc/passwd")));
        let elsewhere = relay(&[("SOCO_TIKTOK_OPEN_API_URL", "http://sandbox.test:4010/open-api")]);
        assert!(elsewhere.allowed(&url("http://sandbox.test:4010/media/cover/1.svg")));
    }

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.0.8",
            "198.18.0.1",
            "240.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "2002:a00:1::1",
            "2001:db8::1",
        ] {
            assert!(!is_public(private.parse().expect("ip")), "{private}");
        }
        for public in ["203.0.114.1", "8.8.8.8", "151.101.1.1", "2606:4700::1111", "::ffff:8.8.8.8"] {
            assert!(is_public(public.parse().expect("ip")), "{public}");
        }
    }

    #[tokio::test]
    async fn names_that_resolve_to_this_machine_are_refused() {
        let refused = public_addresses("localhost").await.expect_err("loopback");
        assert!(refused.to_string().contains("not a public address"), "{refused}");
        assert!(public_addresses("127.0.0.1").await.is_err(), "an address as a name");
        // The resolver itself, as reqwest calls it: the connection never starts.
        let client = reqwest::Client::builder().dns_resolver(PublicOnly).no_proxy().build().expect("client");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let result = client.get(format!("http://localhost:{port}/")).send().await;
        assert!(result.is_err_and(|e| e.is_connect()), "refused before connecting");
    }
}
