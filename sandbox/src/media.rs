//! Stand-ins for TikTok's CDN: video covers and avatars as small SVG images drawn from the id, so
//! pages that show them have something real to load offline.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::Sandbox;
use crate::world::rng::hash;

/// `/media/cover/{video_id}.svg` and `/media/avatar/{open_id}.svg`.
pub fn routes() -> Router<Sandbox> {
    Router::new().route("/media/cover/{file}", get(cover)).route("/media/avatar/{file}", get(avatar))
}

/// Where `open_id`'s avatar is served.
pub fn avatar_url(sandbox: &Sandbox, open_id: &str) -> String {
    format!("{}/media/avatar/{open_id}.svg", sandbox.config.self_url)
}

/// Where video `id`'s cover is served.
pub fn cover_url(sandbox: &Sandbox, id: &str) -> String {
    format!("{}/media/cover/{id}.svg", sandbox.config.self_url)
}

fn hue(seed: u64, id: &str) -> u64 {
    hash(seed, &id.bytes().map(u64::from).collect::<Vec<_>>()) % 360
}

fn svg(body: String) -> Response {
    ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=21600")], body)
        .into_response()
}

fn id_of(file: &str) -> Option<&str> {
    file.strip_suffix(".svg")
        .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

async fn cover(State(sandbox): State<Sandbox>, Path(file): Path<String>) -> Response {
    let Some(id) = id_of(&file) else { return StatusCode::NOT_FOUND.into_response() };
    let h = hue(sandbox.config.scale.seed, id);
    svg(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"270\" height=\"480\" viewBox=\"0 0 270 480\">\
         <defs><linearGradient id=\"g\" x1=\"0\" y1=\"0\" x2=\"1\" y2=\"1\">\
         <stop offset=\"0\" stop-color=\"hsl({h},70%,55%)\"/><stop offset=\"1\" stop-color=\"hsl({},70%,30%)\"/>\
         </linearGradient></defs><rect width=\"270\" height=\"480\" fill=\"url(#g)\"/>\
         <polygon points=\"110,200 110,280 175,240\" fill=\"#fff\" fill-opacity=\"0.85\"/></svg>",
        (h + 60) % 360
    ))
}

async fn avatar(State(sandbox): State<Sandbox>, Path(file): Path<String>) -> Response {
    let Some(id) = id_of(&file) else { return StatusCode::NOT_FOUND.into_response() };
    let Some(creator) = sandbox.world.creators.by_open_id(id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let initial: String =
        creator.display_name.chars().next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
    let h = hue(sandbox.config.scale.seed, id);
    svg(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"100\" viewBox=\"0 0 100 100\">\
         <circle cx=\"50\" cy=\"50\" r=\"50\" fill=\"hsl({h},60%,45%)\"/>\
         <text x=\"50\" y=\"64\" font-family=\"sans-serif\" font-size=\"42\" text-anchor=\"middle\" fill=\"#fff\">{}</text></svg>",
        initial.replace('&', "&amp;").replace('<', "&lt;")
    ))
}
