//! `GET /healthz`: is this instance able to serve? Checks the database; for load balancers and
//! uptime monitors. Says nothing about why a check failed (that goes to the log).

use app::ssr::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Serialize;

#[derive(Serialize)]
struct Health {
    status: &'static str,
    database: &'static str,
    version: &'static str,
}

/// 200 with `{"status":"ok",...}` when the database answers, else 503.
pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let version = env!("CARGO_PKG_VERSION");
    match domain::db::ping(&state.services.db).await {
        Ok(()) => (StatusCode::OK, Json(Health { status: "ok", database: "ok", version })),
        Err(err) => {
            tracing::error!(error = %err, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health { status: "unavailable", database: "unreachable", version }),
            )
        }
    }
}
