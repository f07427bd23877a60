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

use app::error::AppError;
use app::ssr::{AppState, Caller, RequestContext};
use axum::extract::{Path, RawQuery};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use domain::error::Code;
use domain::tiktok::connections;
use secrecy::SecretString;

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

/// A step of the flow that failed: the user lands back on the accounts page, with a code the
/// page words (`?error=<code>`), or on the login page when not signed in.
struct Failed(AppError);

impl From<AppError> for Failed {
    fn from(error: AppError) -> Self {
        Failed(error)
    }
}

impl From<domain::Error> for Failed {
    fn from(error: domain::Error) -> Self {
        Failed(error.into())
    }
}

impl IntoResponse for Failed {
    fn into_response(self) -> Response {
        let code = match &self.0 {
            AppError::Unauthorized => return see_other("/login?next=/accounts"),
            AppError::Validation { code, .. } => code.as_str(),
            AppError::RateLimited { .. } => Code::TikTokBusy.as_str(),
            AppError::NotFound => "not_found",
            // The cause was logged where the domain error became this one.
            _ => Code::TikTokUnavailable.as_str(),
        };
        see_other(&format!("/accounts?error={code}"))
    }
}

/// The session cookie's value: the consent flow is bound to it.
fn cookie(context: &RequestContext) -> Result<&SecretString, Failed> {
    context.token.as_ref().ok_or(Failed(AppError::Unauthorized))
}

async fn start(
    caller: Result<Caller, AppError>,
    Extension(context): Extension<RequestContext>,
) -> Result<Response, Failed> {
    let caller = caller?;
    let url = connections::start(&caller.services, caller.user(), cookie(&context)?, caller.now).await?;
    Ok(see_other(url.as_str()))
}

async fn callback(
    caller: Result<Caller, AppError>,
    Extension(context): Extension<RequestContext>,
    RawQuery(query): RawQuery,
) -> Result<Response, Failed> {
    let caller = caller?;
    let query = query.unwrap_or_default();
    let account = connections::complete(
        &caller.services,
        caller.user(),
        cookie(&context)?,
        &query,
        &caller.meta,
        caller.now,
    )
    .await?;
    Ok(see_other(&format!("/accounts?connected={}", account.id)))
}

async fn disconnect(caller: Result<Caller, AppError>, Path(id): Path<i64>) -> Result<Response, Failed> {
    let caller = caller?;
    let (_, revocation) =
        connections::disconnect(&caller.services, caller.user(), id, &caller.meta, caller.now).await?;
    Ok(see_other(&format!("/accounts?disconnected=1&revoked={}", revocation.as_str())))
}

async fn retry(caller: Result<Caller, AppError>, Path(id): Path<i64>) -> Result<Response, Failed> {
    let caller = caller?;
    domain::tiktok::sync::retry(&caller.services, caller.user(), id, caller.now).await?;
    Ok(see_other("/accounts?retried=1"))
}
