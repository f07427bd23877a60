//! A local stand-in for TikTok and TikTok Shop that speaks their wire protocol.
//!
//! Soco mounts [`router`] under `/sandbox` when `SOCO_TIKTOK_MODE=sandbox`, and points its
//! TikTok base URLs there, so the real client code runs in the demo and in every test. This
//! crate depends on no other Soco crate and never reads Soco's tables. The Login Kit, Display,
//! Content Posting and Shop APIs are added here endpoint by endpoint; today it answers its own
//! health check only.

use axum::Router;
use axum::routing::get;

/// The sandbox's routes, relative to where they are mounted.
pub fn router() -> Router {
    Router::new().route("/healthz", get(|| async { axum::Json(serde_json::json!({ "status": "ok" })) }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    #[tokio::test]
    async fn answers_its_health_check() {
        let response = router()
            .oneshot(Request::get("/healthz").body(Body::empty()).expect("request"))
            .await
            .expect("response");
        assert_eq!(response.status(), StatusCode::OK);
        let body = response.into_body().collect().await.expect("body").to_bytes();
        assert_eq!(&body[..], br#"{"status":"ok"}"#);
    }
}
