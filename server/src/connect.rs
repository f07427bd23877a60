//! The HTTP side of connecting TikTok accounts: plain form posts and redirects, so the flow works
//! the same with or without JavaScript.
//!
//! - `POST /connect/tiktok`: sends the browser to TikTok's consent page (or the sandbox's).
//! - `GET /connect/tiktok/callback`: TikTok sends the browser back here; the account is stored and
//!   the user lands on `/accounts` with the outcome in the query (`connected` or `error`).
//! - `POST /accounts/tiktok/{id}/disconnect`: withdraws consent for one account; the user lands on
//!   `/accounts?disconnected=1&revoked=confirmed|ended|none|unconfirmed`, told what TikTok answered.
//! - `POST /accounts/tiktok/{id}/retry`: queues a failing or given-up sync again.
//!
//! Every route needs a signed-in session; the CSRF middleware guards the posts.

use app::ssr::{AppState, RequestContext};
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use domain::Error;
use domain::connections;

/// The routes above.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/connect/tiktok", post(start))
        .route("/connect/tiktok/callback", get(callback))
        .route("/accounts/tiktok/{id}/disconnect", post(disconnect))
        .route("/accounts/tiktok/{id}/retry", post(retry))
}

fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location.to_owned())]).into_response()
}

/// Where an error sends the user: back to the accounts page with a code the page words.
fn outcome(error: &Error) -> Response {
    let code = match error {
        Error::Invalid { code, .. } => *code,
        Error::RateLimited { .. } => "tiktok_busy",
        Error::NotFound => "not_found",
        other => {
            tracing::error!(error = %other, "TikTok connection failed");
            "tiktok_unavailable"
        }
    };
    see_other(&format!("/accounts?error={code}"))
}

/// The signed-in session's user and cookie (`None`: send the browser to the login page).
fn signed_in(context: &RequestContext) -> Option<(domain::entities::user::Model, secrecy::SecretString)> {
    match (&context.session, &context.token) {
        (Some(session), Some(token)) if session.stage == domain::auth::session::Stage::Active => {
            Some((session.user.clone(), token.clone()))
        }
        _ => None,
    }
}

fn to_login() -> Response {
    see_other("/login?next=/accounts")
}

async fn start(State(state): State<AppState>, Extension(context): Extension<RequestContext>) -> Response {
    let Some((user, token)) = signed_in(&context) else { return to_login() };
    match connections::start(&state.services, &user, &token, chrono::Utc::now()).await {
        Ok(url) => see_other(url.as_str()),
        Err(error) => outcome(&error),
    }
}

async fn callback(
    State(state): State<AppState>,
    Extension(context): Extension<RequestContext>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((user, token)) = signed_in(&context) else { return to_login() };
    let query = query.unwrap_or_default();
    match connections::complete(&state.services, &user, &token, &query, &context.meta, chrono::Utc::now())
        .await
    {
        Ok(account) => see_other(&format!("/accounts?connected={}", account.id)),
        Err(error) => outcome(&error),
    }
}

async fn disconnect(
    State(state): State<AppState>,
    Extension(context): Extension<RequestContext>,
    Path(id): Path<i64>,
) -> Response {
    let Some((user, _)) = signed_in(&context) else { return to_login() };
    match connections::disconnect(&state.services, &user, id, &context.meta, chrono::Utc::now()).await {
        Ok((_, revocation)) => {
            see_other(&format!("/accounts?disconnected=1&revoked={}", revocation.as_str()))
        }
        Err(error) => outcome(&error),
    }
}

async fn retry(
    State(state): State<AppState>,
    Extension(context): Extension<RequestContext>,
    Path(id): Path<i64>,
) -> Response {
    let Some((user, _)) = signed_in(&context) else { return to_login() };
    match domain::sync::retry(&state.services, &user, id, chrono::Utc::now()).await {
        Ok(()) => see_other("/accounts?retried=1"),
        Err(error) => outcome(&error),
    }
}
