//! Server function errors answer with their own HTTP status.
//!
//! leptos_axum sends every error a server function returns as `500 Internal Server Error`, so a
//! mistyped password or a form with a bad field read in the log as a server failure and to any
//! client or proxy as one. This reads the [`AppError`] in such an answer (its JSON body, small)
//! and gives the answer [`AppError::status`]: 422 for a bad field, 401, 404, 429 and so on. The
//! browser's server function client reads any 4xx or 5xx body as the error, as before.

use app::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

/// Where Leptos mounts server functions (its default prefix).
const SERVER_FN_PREFIX: &str = "/api/";
/// An error body is a few hundred bytes; anything bigger is left as it is.
const MAX_ERROR_BODY: usize = 16 * 1024;

pub async fn apply(request: Request, next: Next) -> Response {
    let server_fn = request.uri().path().starts_with(SERVER_FN_PREFIX);
    let response = next.run(request).await;
    if !server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::from("internal error"));
    };
    if let Some(status) = serde_json::from_slice::<AppError>(&bytes)
        .ok()
        .and_then(|error| StatusCode::from_u16(error.status()).ok())
    {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}
