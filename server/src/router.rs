//! The HTTP router: Leptos pages and server functions, health check, service worker, static
//! files, the TikTok sandbox (in sandbox mode) and the middleware around them all: tracing,
//! compression, security headers, the request timeout, the `Host` check, CSRF, the request
//! context, and the body limit. Serve it with [`crate::listen::serve`] (header read timeout).

use std::sync::Arc;

use app::ssr::AppState;
use app::{App, shell};
use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use domain::config::TikTokMode;
use leptos_axum::{LeptosRoutes, file_and_error_handler, generate_route_list};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::pwa::ServiceWorker;

/// Builds the complete application router for `state`, with `sandbox` mounted under `/sandbox`
/// when given (sandbox mode).
pub fn build(state: AppState, sandbox: Option<sandbox::Sandbox>) -> std::io::Result<Router> {
    let worker = Arc::new(ServiceWorker::build(&state.leptos_options)?);
    let hashed_assets = state.leptos_options.hash_files;
    let config = state.services.config.clone();
    let https = config.is_https();
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();

    let mut router = Router::new()
        .route("/healthz", get(crate::health::healthz))
        .route("/sw.js", get(move || std::future::ready(worker.response())))
        .merge(crate::tiktok::connect::routes())
        .merge(crate::tiktok::export::routes())
        .merge(crate::tiktok::media::routes(&config)?)
        .leptos_routes_with_context(&state, routes, || (), move || shell(options.clone()))
        .fallback(file_and_error_handler::<AppState, _>(shell))
        // A server function's error answers with its own status, not leptos_axum's 500.
        .layer(axum::middleware::from_fn(crate::fn_status::apply))
        // Soco's own limit (413 past it), not the one a server_fn or axum release happens to
        // carry. The sandbox, nested below, keeps TikTok's sizes for its uploads.
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        // Server functions read their bodies through axum's own limit (2 MiB unless set): the same.
        .layer(axum::extract::DefaultBodyLimit::max(config.max_body_bytes));
    if let Some(sandbox) = sandbox.filter(|_| config.tiktok_mode == TikTokMode::Sandbox) {
        router = router.nest(crate::sandbox_mount::MOUNT, crate::sandbox_mount::router(sandbox));
    }
    let public_origin = config.public_origin();
    let scheme = if https { "https" } else { "http" };
    let allowed_hosts = Arc::new(crate::host::AllowedHosts::from_config(&config));
    Ok(router
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::request_context::resolve))
        .layer(axum::middleware::from_fn(move |req: axum::extract::Request, next: axum::middleware::Next| {
            crate::csrf::check(public_origin.clone(), scheme, req, next)
        }))
        // Before the CSRF check, which counts `scheme://Host` as Soco's origin.
        .layer(axum::middleware::from_fn(move |req, next| {
            crate::host::check(allowed_hosts.clone(), req, next)
        }))
        // Until the response starts: body upload and handler together (streamed downloads go on).
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, config.request_timeout))
        .layer(axum::middleware::from_fn(move |req, next| {
            crate::headers::apply(hashed_assets, https, req, next)
        }))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            // The path only: query strings can carry OAuth codes and other secrets.
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
        }))
        .with_state(state))
}
