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
    /// Whether the request came straight from a program on this machine: its TCP peer is a
    /// loopback address and no forwarding header (`Forwarded`, `X-Forwarded-For`, `X-Real-IP`,
    /// `Via`, ...) says a proxy relayed it. Only then may this-machine-only endpoints answer
    /// (the outbox, the sandbox's control API); unknown peers never count.
    pub from_this_machine: bool,
}

/// The shared services, inside a server function or a server-rendered component.
pub fn services() -> Result<Services, AppError> {
    use_context::<AppState>().map(|state| state.services).ok_or_else(|| {
        tracing::error!("AppState is missing from the Leptos context");
        AppError::Internal
    })
}

/// The middleware's record of this request. Outside a request (Leptos listing the routes at
/// start-up renders the app without one) this is `Internal` without a word; inside one, a
/// missing record is a server built without its session middleware, and says so (with the
/// path only: a query may hold a token).
pub fn request_context() -> Result<RequestContext, AppError> {
    let parts = use_context::<axum::http::request::Parts>().ok_or(AppError::Internal)?;
    parts.extensions.get::<RequestContext>().cloned().ok_or_else(|| {
        tracing::error!(
            path = parts.uri.path(),
            "RequestContext is missing: is the session middleware installed?"
        );
        AppError::Internal
    })
}

/// The fully signed-in session, if any (none outside a request).
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

/// Tells the browser to drop what it kept of this site besides cookies: its HTTP cache (the
/// relayed TikTok pictures among it) and its storage (the service worker's caches included), so
/// the next person on a shared device finds nothing of the account. Sent with logout.
pub fn clear_site_data() {
    expect_context::<leptos_axum::ResponseOptions>().insert_header(
        axum::http::header::HeaderName::from_static("clear-site-data"),
        HeaderValue::from_static("\"cache\", \"storage\""),
    );
}

/// Redirects to a local path after a successful form (with and without JavaScript). Anything
/// that is not a path on Soco's own origin (`//evil.example`, `/%09/evil.example`, `https://...`,
/// control bytes, `\\`) is replaced by `/`; see [`local_path`].
pub fn redirect_local(path: &str) {
    let safe = services().ok().and_then(|services| local_path(&services.config.public_url, path));
    // `local_path` only returns re-serialised ASCII, but the header is checked anyway: a value
    // that cannot be a header must never panic the request (leptos_axum's `redirect` would).
    let target = safe.filter(|path| HeaderValue::from_str(path).is_ok()).unwrap_or_else(|| "/".to_owned());
    leptos_axum::redirect(&target);
}

/// `target` as a path, query and fragment on `public`'s origin, re-serialised, or `None` when it
/// is not one. Control bytes (browsers strip tabs and newlines, so `/\t/evil.example` would land
/// on `//evil.example`), spaces and backslashes (some browsers read `\\` as `/`) are refused
/// outright; the rest is resolved against the public URL, and the result must keep its origin
/// and not start with `//` (what `/.//evil.example` becomes).
pub fn local_path(public: &url::Url, target: &str) -> Option<String> {
    // Longer than any page of Soco's: a proxy would refuse the `Location` header (a 502 after
    // signing in).
    const LONGEST: usize = 2048;
    if !target.starts_with('/')
        || target.len() > LONGEST
        || target.bytes().any(|b| b.is_ascii_control() || b == b'\\' || b == b' ')
    {
        return None;
    }
    let resolved = public.join(target).ok()?;
    if resolved.origin() != public.origin() || resolved.path().starts_with("//") {
        return None;
    }
    let mut local = resolved.path().to_owned();
    if let Some(query) = resolved.query() {
        local.push('?');
        local.push_str(query);
    }
    if let Some(fragment) = resolved.fragment() {
        local.push('#');
        local.push_str(fragment);
    }
    Some(local)
}

#[cfg(test)]
mod tests {
    use super::local_path;

    fn local(target: &str) -> Option<String> {
        let public = url::Url::parse("https://soco.example.id").expect("url");
        local_path(&public, target)
    }

    #[test]
    fn own_paths_are_kept() {
        assert_eq!(local("/").as_deref(), Some("/"));
        assert_eq!(local("/settings").as_deref(), Some("/settings"));
        assert_eq!(
            local("/accounts/tiktok/3?from=2026-01-01#top").as_deref(),
            Some("/accounts/tiktok/3?from=2026-01-01#top")
        );
        assert_eq!(local("/a/../b").as_deref(), Some("/b"), "re-serialised");
        assert_eq!(local("/caf\u{e9}").as_deref(), Some("/caf%C3%A9"), "always ASCII, a valid header");
        assert!(local(&format!("/{}", "a".repeat(2000))).is_some());
        assert!(local(&format!("/{}", "a".repeat(5000))).is_none(), "too long for a Location header");
    }

    #[test]
    fn other_origins_and_tricks_are_refused() {
        for bad in [
            "",
            "settings",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n",
            "/\r\nSet-Cookie: x=1",
            "/ /evil.example",
            "/.//evil.example",
            "/..//evil.example",
            "https://evil.example/",
            "http://soco.example.id/",
            "\\\\evil.example",
            "/\u{7f}",
        ] {
            assert_eq!(local(bad), None, "{bad:?}");
        }
    }
}
