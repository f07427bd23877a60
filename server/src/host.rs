//! The `Host` check: Soco answers only requests addressed to its public host (`SOCO_PUBLIC_URL`).
//!
//! Without it, DNS rebinding reaches a Soco on a developer's machine from any web page: the page's
//! own name is made to resolve to 127.0.0.1, its requests arrive with `Host: evil.example:3000`,
//! and `Origin` equal to `scheme://Host` passes the CSRF check. A wrong `Host` gets 421
//! (Misdirected Request), a missing one 400, each with a message saying where Soco answers.
//!
//! When the public URL is a loopback address (a local install, tests, benchmarks), any loopback
//! name (`localhost`, `127.0.0.1`, `[::1]`) on any port counts as Soco's own: a rebinding page
//! cannot make a browser send those. `GET /healthz` is exempt, so health probes that address the
//! machine by its own IP keep working; it says only whether the database answers.
//!
//! Behind a reverse proxy, the proxy must pass the original `Host` on (nginx:
//! `proxy_set_header Host $host;`; Caddy and Traefik do by default).

use std::sync::Arc;

use axum::body::Body;
use axum::http::header::HOST;
use axum::http::uri::Authority;
use axum::http::{Request, Response, StatusCode};
use axum::middleware::Next;
use axum::response::IntoResponse;
use domain::config::Config;

/// The hosts a request may be addressed to.
#[derive(Debug, Clone)]
pub struct AllowedHosts {
    /// The public host, lower case, without a trailing dot (IPv6 in brackets).
    host: String,
    /// The public port (the scheme's default when the URL names none).
    port: u16,
    /// Whether the public host is a loopback address (then any loopback name and port counts).
    loopback: bool,
    /// The scheme's default port: a `Host` without a port means this one.
    default_port: u16,
    /// The public origin, for the refusal's message.
    origin: String,
}

impl AllowedHosts {
    /// The public host of `config`.
    pub fn from_config(config: &Config) -> Self {
        let url = &config.public_url;
        let default_port = if url.scheme() == "https" { 443 } else { 80 };
        // `host_str` writes IPv6 addresses in brackets, as `Host` does.
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        Self {
            host,
            port: url.port_or_known_default().unwrap_or(default_port),
            loopback: config.public_url_is_loopback(),
            default_port,
            origin: config.public_origin(),
        }
    }

    /// Whether `authority` (a `Host` header's value, or the authority of an absolute request
    /// target) names Soco.
    pub fn allows(&self, authority: &str) -> bool {
        if authority.contains('@') {
            return false;
        }
        let Ok(parsed) = authority.parse::<Authority>() else { return false };
        let host = parsed.host().to_ascii_lowercase();
        let host = host.strip_suffix('.').unwrap_or(&host);
        if self.loopback && is_loopback_name(host) {
            return true;
        }
        host == self.host && parsed.port_u16().unwrap_or(self.default_port) == self.port
    }
}

/// Whether `authority` (a `Host` value) is a loopback name, any port.
pub fn is_loopback_authority(authority: &str) -> bool {
    !authority.contains('@')
        && authority
            .parse::<Authority>()
            .is_ok_and(|parsed| is_loopback_name(&parsed.host().to_ascii_lowercase()))
}

/// `localhost`, an address in 127.0.0.0/8, or `[::1]`.
fn is_loopback_name(host: &str) -> bool {
    if host == "localhost" {
        return true;
    }
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    bare.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Refuses requests addressed to another host: 421 for a wrong one, 400 for none.
pub async fn check(allowed: Arc<AllowedHosts>, request: Request<Body>, next: Next) -> Response<Body> {
    if request.uri().path() == "/healthz" {
        return next.run(request).await;
    }
    // HTTP/1.1 sends `Host`; HTTP/2 (and an absolute-form HTTP/1.1 target) the URI's authority.
    // Each one present must be Soco's.
    let header =
        request.headers().get_all(HOST).iter().map(|v| v.to_str().unwrap_or("\0")).collect::<Vec<_>>();
    let from_uri = request.uri().authority().map(Authority::as_str);
    let named: Vec<&str> = header.into_iter().chain(from_uri).collect();
    if named.is_empty() {
        return (
            StatusCode::BAD_REQUEST,
            "Bad request: it does not say which host it is for (no Host header).\n\
             Permintaan tidak valid: tidak menyebut host tujuannya (tanpa header Host).\n",
        )
            .into_response();
    }
    if named.iter().all(|authority| allowed.allows(authority)) {
        return next.run(request).await;
    }
    tracing::warn!(path = %request.uri().path(), "request for another host refused");
    // Plain text in both of Soco's languages: no page can be trusted to render for a host that
    // is not Soco's.
    let message = format!(
        "This server answers only at {origin}. Open Soco at {origin} (the address in SOCO_PUBLIC_URL); \
         behind a reverse proxy, pass the original Host header on.\n\
         Server ini hanya menjawab di {origin}. Buka Soco di {origin} (alamat di SOCO_PUBLIC_URL); \
         di balik reverse proxy, teruskan header Host aslinya.\n",
        origin = allowed.origin
    );
    (StatusCode::MISDIRECTED_REQUEST, message).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(public: &str) -> AllowedHosts {
        let config =
            Config::from_map(&[("SOCO_PUBLIC_URL", public)].into_iter().collect()).expect("configuration");
        AllowedHosts::from_config(&config)
    }

    #[test]
    fn the_public_host_and_port_are_ours() {
        let public = hosts("https://soco.example.id");
        for ok in ["soco.example.id", "SOCO.example.id", "soco.example.id:443", "soco.example.id."] {
            assert!(public.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "soco.example.id:8443",
            "soco.example.id.evil.example",
            "127.0.0.1",
            "localhost",
            "user@soco.example.id",
            "",
            "soco.example.id/x",
        ] {
            assert!(!public.allows(bad), "{bad}");
        }
        let with_port = hosts("http://10.0.0.5:3000");
        assert!(with_port.allows("10.0.0.5:3000"));
        assert!(!with_port.allows("10.0.0.5"), "port 80 is another server");
    }

    #[test]
    fn a_loopback_install_answers_every_loopback_name_but_no_rebound_one() {
        let local = hosts("http://127.0.0.1:3000");
        for ok in ["127.0.0.1:3000", "localhost:3000", "[::1]:3000", "127.0.0.1:41234", "localhost"] {
            assert!(local.allows(ok), "{ok}");
        }
        for bad in
            ["evil.example:3000", "127.0.0.1.nip.io:3000", "localhost.evil.example:3000", "0.0.0.0:3000"]
        {
            assert!(!local.allows(bad), "{bad}: a name a page can rebind");
        }
        let v6 = hosts("http://[::1]:3000");
        assert!(v6.allows("[::1]:3000") && v6.allows("127.0.0.1:3000"));
    }
}
