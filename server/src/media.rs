//! TikTok's pictures of a user's own accounts, relayed: `GET /accounts/tiktok/{id}/avatar` and
//! `GET /accounts/tiktok/{id}/videos/{video}/cover`.
//!
//! Pages never point the browser at TikTok's CDN: the content security policy allows images from
//! Soco only, the browser tells TikTok nothing about who looks at what, and cover links (which
//! TikTok lets expire) are fetched from the link the last sync stored. Only the owner may fetch;
//! only links Soco stored are fetched (never one from the request), with no redirects followed,
//! HTTPS only in production, images only, at most [`MAX_BYTES`].

use app::ssr::{AppState, RequestContext};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use domain::config::TikTokMode;
use domain::entities::tiktok_video;
use domain::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// The largest picture relayed.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// The media routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/accounts/tiktok/{id}/avatar", get(avatar))
        .route("/accounts/tiktok/{id}/videos/{video}/cover", get(cover))
}

async fn avatar(
    State(state): State<AppState>,
    Extension(context): Extension<RequestContext>,
    Path(id): Path<i64>,
) -> Response {
    let Some(session) = context.session.filter(|s| s.stage == domain::auth::session::Stage::Active) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match domain::connections::find(&state.services, &session.user, id).await {
        Ok(account) => relay(&state, account.avatar_url).await,
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn cover(
    State(state): State<AppState>,
    Extension(context): Extension<RequestContext>,
    Path((id, video)): Path<(i64, i64)>,
) -> Response {
    let Some(session) = context.session.filter(|s| s.stage == domain::auth::session::Stage::Active) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if domain::connections::find(&state.services, &session.user, id).await.is_err() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let found = tiktok_video::Entity::find_by_id(video)
        .filter(tiktok_video::Column::AccountId.eq(id))
        .one(&state.services.db)
        .await;
    match found {
        Ok(Some(video)) => relay(&state, video.cover_url).await,
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(error = %error, "cover lookup failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Whether Soco may fetch `url`: HTTPS, or plain HTTP in sandbox mode (the local sandbox).
fn allowed(url: &reqwest::Url, mode: TikTokMode) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => mode == TikTokMode::Sandbox,
        _ => false,
    }
}

/// Fetches the stored link and passes the picture on.
async fn relay(state: &AppState, link: Option<String>) -> Response {
    let Some(url) = link.and_then(|l| reqwest::Url::parse(&l).ok()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !allowed(&url, state.services.config.tiktok_mode) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let fetched = state.services.tiktok.http.client().get(url).send().await;
    let upstream = match fetched {
        Ok(response) if response.status().is_success() => response,
        Ok(response) => {
            tracing::debug!(status = %response.status(), "TikTok media not available");
            return StatusCode::NOT_FOUND.into_response();
        }
        Err(error) => {
            tracing::warn!(error = %error.without_url(), "TikTok media unreachable");
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
            (header::CACHE_CONTROL, "private, max-age=3600".to_owned()),
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

    #[test]
    fn only_https_in_production() {
        let url = |s: &str| reqwest::Url::parse(s).expect("url");
        assert!(allowed(&url("https://p16-sign.tiktokcdn.com/a.jpeg"), TikTokMode::Production));
        assert!(!allowed(&url("http://p16-sign.tiktokcdn.com/a.jpeg"), TikTokMode::Production));
        assert!(allowed(&url("http://127.0.0.1:3000/sandbox/media/a.svg"), TikTokMode::Sandbox));
        assert!(!allowed(&url("file:///etc/passwd"), TikTokMode::Sandbox));
    }
}
