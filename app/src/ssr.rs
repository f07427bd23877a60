//! Server-side glue: the shared [`AppState`], and what server functions and pages read from the
//! request (the signed-in session, the client's address) or write to the response (the session
//! cookie, redirects).

use std::sync::Arc;

use axum::extract::FromRef;
use axum::http::header::{HeaderValue, SET_COOKIE};
use domain::auth::RequestMeta;
use domain::auth::session::{NewSession, Resolved, Stage};
use domain::services::Services;
use leptos::config::LeptosOptions;
use leptos::prelude::{expect_context, use_context};
use secrecy::{ExposeSecret, SecretString};

use crate::error::AppError;

/// Everything a request may need, built once at start-up and shared by every request.
#[derive(Clone, Debug)]
pub struct AppState {
    /// Leptos' own settings (site root, output name, ...).
    pub leptos_options: LeptosOptions,
    /// Database, configuration, hasher, mailer, vault, limits.
    pub services: Services,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// What the server's middleware learned about a request, put into its extensions.
#[derive(Clone, Debug)]
pub struct RequestContext {
    /// The client (address after trusted proxies, user agent).
    pub meta: RequestMeta,
    /// The session the cookie names, if it is live.
    pub session: Option<Arc<Resolved>>,
    /// The cookie's value, when it named a live session (for logout).
    pub token: Option<SecretString>,
}

/// The shared services, inside a server function or a server-rendered component.
pub fn services() -> Result<Services, AppError> {
    use_context::<AppState>().map(|state| state.services).ok_or_else(|| {
        tracing::error!("AppState is missing from the Leptos context");
        AppError::Internal
    })
}

/// The middleware's record of this request.
pub fn request_context() -> Result<RequestContext, AppError> {
    use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<RequestContext>().cloned())
        .ok_or_else(|| {
            tracing::error!("RequestContext is missing: is the session middleware installed?");
            AppError::Internal
        })
}

/// The fully signed-in session, if any.
pub fn current_session() -> Option<Arc<Resolved>> {
    request_context().ok()?.session.filter(|s| s.stage == Stage::Active)
}

/// The fully signed-in session, or `Unauthorized`.
pub fn require_session() -> Result<Arc<Resolved>, AppError> {
    current_session().ok_or(AppError::Unauthorized)
}

/// The session still owed its second factor, if any.
pub fn pending_second_factor() -> Option<Arc<Resolved>> {
    request_context().ok()?.session.filter(|s| s.stage == Stage::SecondFactor)
}

/// What a server function acting for the signed-in user needs: the services, the client, and
/// the session. Refuses (`Unauthorized`) when nobody is fully signed in.
pub struct Caller {
    /// Database, mailer, vault, ...
    pub services: Services,
    /// The client's address and user agent.
    pub meta: RequestMeta,
    /// The signed-in session and its user.
    pub session: Arc<Resolved>,
}

/// The signed-in caller of a server function.
pub fn caller() -> Result<Caller, AppError> {
    Ok(Caller { services: services()?, meta: request_context()?.meta, session: require_session()? })
}

/// The name of the session cookie: `__Host-` prefixed (which requires `Secure`) under HTTPS.
pub fn cookie_name(https: bool) -> &'static str {
    if https { "__Host-soco_session" } else { "soco_session" }
}

fn cookie_header(services: &Services, value: &str, max_age: i64) -> Result<HeaderValue, AppError> {
    let https = services.config.is_https();
    let secure = if https { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        cookie_name(https)
    ))
    .map_err(|_| AppError::Internal)
}

/// Sends the cookie of a new session.
pub fn set_session_cookie(services: &Services, session: &NewSession) -> Result<(), AppError> {
    let max_age = (session.expires_at - chrono::Utc::now()).num_seconds().max(0);
    let header = cookie_header(services, session.token.expose_secret(), max_age)?;
    expect_context::<leptos_axum::ResponseOptions>().append_header(SET_COOKIE, header);
    Ok(())
}

/// Tells the browser to forget the session cookie.
pub fn clear_session_cookie(services: &Services) -> Result<(), AppError> {
    let header = cookie_header(services, "", 0)?;
    expect_context::<leptos_axum::ResponseOptions>().append_header(SET_COOKIE, header);
    Ok(())
}

/// Redirects to a local path after a successful form (with and without JavaScript). Paths that
/// are not local (`//evil.example`, `https://...`) are replaced by `/`.
pub fn redirect_local(path: &str) {
    let safe = path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/\\");
    leptos_axum::redirect(if safe { path } else { "/" });
}
