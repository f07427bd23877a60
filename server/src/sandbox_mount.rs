//! The TikTok sandbox inside Soco's server: its configuration from `SOCO_SANDBOX_*`, its mount
//! under `/sandbox` (sandbox mode only), and `server sandbox`, which serves it alone.
//!
//! The control API can reset the world and arm faults, so it answers only programs on this
//! machine (a loopback peer, no forwarding header; see `RequestContext::from_this_machine`), like
//! the mail outbox; mounted, Soco's `Host` check keeps rebound names out, and alone, it checks
//! that `Host` is a loopback name itself.

use std::net::SocketAddr;

use anyhow::Context as _;
use app::ssr::{AppState, RequestContext};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::config::Config;
use sandbox::{Sandbox, SandboxConfig};

/// Where the sandbox is mounted in sandbox mode.
pub const MOUNT: &str = "/sandbox";

/// The sandbox's configuration for this Soco: defaults pointing back at `SOCO_PUBLIC_URL`, then
/// the `SOCO_SANDBOX_*` variables of the process environment (`.env` included).
pub fn config_from_env(config: &Config) -> anyhow::Result<SandboxConfig> {
    SandboxConfig::from_lookup(config.public_origin().as_str(), |name| std::env::var(name).ok())
        .map_err(anyhow::Error::msg)
        .context("invalid sandbox configuration")
}

/// The sandbox's routes for mounting under [`MOUNT`], with the control API kept to loopback
/// clients.
pub fn router(sandbox: Sandbox) -> Router<AppState> {
    sandbox::router(sandbox).layer(axum::middleware::from_fn(control_from_this_machine_only)).with_state(())
}

async fn control_from_this_machine_only(request: Request<Body>, next: Next) -> Response {
    let control = request.uri().path().starts_with(sandbox::paths::CONTROL);
    let local = request.extensions().get::<RequestContext>().is_some_and(|c| c.from_this_machine);
    if control && !local {
        return (StatusCode::FORBIDDEN, "The sandbox control API answers clients on this machine only.")
            .into_response();
    }
    next.run(request).await
}

/// `server sandbox --addr`: the sandbox alone, at the root of `addr`, until stopped. Redirect URIs
/// and webhook targets still point at `SOCO_PUBLIC_URL` (the Soco that uses it).
pub async fn serve_alone(config: &Config, addr: SocketAddr) -> anyhow::Result<()> {
    let mut sandbox_config = config_from_env(config)?;
    sandbox_config.self_url = format!("http://{addr}");
    let sandbox = Sandbox::new(sandbox_config);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr} (is another server running there?)"))?;
    tracing::info!(
        "TikTok sandbox listening on http://{addr}: Login Kit at /tiktok, open API at /open-api, \
         Shop API at /shop-api, Shop auth at /shop-auth, seller consent at /shop-services, control at /control"
    );
    // Alone, the peer's own address decides (no proxy stands in front of a test sandbox).
    let router = sandbox::router(sandbox).layer(axum::middleware::from_fn(peer_on_this_machine_for_control));
    // Soco's own listener sets TCP_NODELAY (server::listen); the sandbox answers as promptly.
    let listener = axum::serve::ListenerExt::tap_io(listener, |stream: &mut tokio::net::TcpStream| {
        crate::listen::no_delay(stream)
    });
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(crate::serve::shutdown_signal())
        .await?;
    Ok(())
}

/// The control API of the lone sandbox answers only programs on this machine, however it is
/// bound: a loopback peer, no forwarding header, and a loopback `Host` (a page whose name was
/// rebound to 127.0.0.1 sends its own).
async fn peer_on_this_machine_for_control(request: Request<Body>, next: Next) -> Response {
    let control = request.uri().path().starts_with(sandbox::paths::CONTROL);
    let peer = request.extensions().get::<axum::extract::ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    let loopback_host = request
        .headers()
        .get(axum::http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .is_some_and(crate::host::is_loopback_authority);
    let local = crate::request_context::from_this_machine(peer, request.headers()) && loopback_host;
    if control && !local {
        return (StatusCode::FORBIDDEN, "The sandbox control API answers clients on this machine only.")
            .into_response();
    }
    next.run(request).await
}
