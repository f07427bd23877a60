//! Server-side glue: the shared [`AppState`], and what server functions and pages read from the
//! request (the signed-in session, the client's address) or write to the response (the session
//! cookie, redirects).

use std::sync::Arc;

use axum::extract::FromRef;
use axum::http::header::{HeaderValue, SET_COOKIE};
use chrono::{DateTime, Utc};
use domain::auth::RequestMeta;
use domain::auth::session::{NewSession, Resolved, Stage};
use domain::services::Services;
use leptos::config::LeptosOptions;
use leptos::prelude::{expect_context, use_context};
use secrecy::{ExposeSecret, SecretString};

use crate::error::AppError;
use crate::i18n::Language;

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
    /// When the request arrived: the one reading of the clock its server functions judge by.
    pub now: DateTime<Utc>,
}

impl RequestContext {
    /// The session, when it is fully signed in (a session still owed its second factor grants
    /// nothing but that step).
    pub fn signed_in(&self) -> Option<&Arc<Resolved>> {
        self.session.as_ref().filter(|s| s.stage == Stage::Active)
    }
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
    with_request(context_of)?
}

/// Reads the request's parts in place (no copy of its headers), or `Internal` outside a request.
fn with_request<T>(read: impl FnOnce(&axum::http::request::Parts) -> T) -> Result<T, AppError> {
    leptos::reactive::owner::with_context::<axum::http::request::Parts, _>(read).ok_or(AppError::Internal)
}

/// The middleware's record in `parts` (see [`request_context`]).
fn context_of(parts: &axum::http::request::Parts) -> Result<RequestContext, AppError> {
    parts.extensions.get::<RequestContext>().cloned().ok_or_else(|| {
        tracing::error!(
            path = parts.uri.path(),
            "RequestContext is missing: is the session middleware installed?"
        );
        AppError::Internal
    })
}

/// The language of the running request (see [`locale_of`]); the default outside one.
pub fn request_locale() -> Language {
    with_request(|parts| {
        let session = parts.extensions.get::<RequestContext>().and_then(RequestContext::signed_in);
        locale_of(session.map(Arc::as_ref), &parts.headers)
    })
    .unwrap_or_default()
}

/// The fully signed-in session, if any (none outside a request).
pub fn current_session() -> Option<Arc<Resolved>> {
    request_context().ok()?.signed_in().cloned()
}

/// Whoever calls an anonymous server function (signing up and in, email links, the outbox):
/// the services and the request as the middleware read it (its client, its session cookie at
/// any stage, the moment it arrived). Built before the function's first `.await` (the context
/// is gone after it).
pub struct Visitor {
    /// Database, mailer, vault, ...
    pub services: Services,
    /// The client, its session cookie (any stage), whether it is this machine, when it arrived.
    pub context: RequestContext,
}

impl Visitor {
    /// The caller of the running server function.
    pub fn new() -> Result<Self, AppError> {
        Ok(Self { services: services()?, context: request_context()? })
    }

    /// When the request arrived: every rule of this call is judged at this instant.
    pub fn now(&self) -> DateTime<Utc> {
        self.context.now
    }

    /// The client's address and user agent.
    pub fn meta(&self) -> &RequestMeta {
        &self.context.meta
    }

    /// The session, when it is fully signed in.
    pub fn signed_in(&self) -> Option<&Resolved> {
        self.context.signed_in().map(Arc::as_ref)
    }

    /// The session still owed its second factor, or `Unauthorized`.
    pub fn pending_second_factor(&self) -> Result<&Resolved, AppError> {
        self.context
            .session
            .as_deref()
            .filter(|s| s.stage == Stage::SecondFactor)
            .ok_or(AppError::Unauthorized)
    }

    /// The session signed in to an account scheduled for deletion (it may only cancel that),
    /// or `Unauthorized`.
    pub fn pending_erasure(&self) -> Result<&Resolved, AppError> {
        self.context
            .session
            .as_deref()
            .filter(|s| s.stage == Stage::ErasurePending)
            .ok_or(AppError::Unauthorized)
    }

    /// Sends the cookie of a new session.
    pub fn set_session_cookie(&self, session: &NewSession) -> Result<(), AppError> {
        set_session_cookie(&self.services, session, self.now())
    }
}

/// The signed-in caller of a server function: the services, the client, the session and its
/// user, the moment the request arrived and the language to answer in. Refuses
/// (`Unauthorized`) when nobody is fully signed in.
/// `non_exhaustive`: no other crate can make one by hand (with a session owed its second
/// factor, say); [`Caller::new`] and the extractor below are the only ways in.
#[non_exhaustive]
pub struct Caller {
    /// Database, mailer, vault, ...
    pub services: Services,
    /// The client's address and user agent.
    pub meta: RequestMeta,
    /// The signed-in session and its user.
    pub session: Arc<Resolved>,
    /// When the request arrived: every rule of this call is judged at this instant.
    pub now: DateTime<Utc>,
    /// The language the answer is written in (chart labels, numbers in tables).
    pub locale: Language,
}

impl Caller {
    /// The signed-in caller of the running server function, or `Unauthorized`.
    pub fn new() -> Result<Self, AppError> {
        let services = services()?;
        // One look at the request: its record and its headers (for the language).
        let (context, locale) = with_request(|parts| {
            let context = context_of(parts)?;
            let locale = locale_of(context.signed_in().map(Arc::as_ref), &parts.headers);
            Ok::<_, AppError>((context, locale))
        })??;
        let session = context.signed_in().cloned().ok_or(AppError::Unauthorized)?;
        Ok(Self { services, meta: context.meta, session, now: context.now, locale })
    }

    /// The signed-in operator, or `Forbidden` for anyone else (`Unauthorized` for nobody).
    pub fn operator() -> Result<Self, AppError> {
        let caller = Self::new()?;
        caller.require_operator()?;
        Ok(caller)
    }

    /// `Forbidden` unless the caller is the operator.
    pub fn require_operator(&self) -> Result<(), AppError> {
        if self.user().role == domain::entities::user::Role::Admin {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The signed-in user.
    pub fn user(&self) -> &domain::entities::user::Model {
        &self.session.user
    }

    /// The caller as the domain's operations take it: services, session, request and instant.
    pub fn actor(&self) -> domain::actor::Actor<'_> {
        domain::actor::Actor {
            services: &self.services,
            session: &self.session,
            meta: &self.meta,
            now: self.now,
        }
    }

    /// The user's time zone (UTC when the stored name is not one).
    pub fn zone(&self) -> chrono_tz::Tz {
        self.user().time_zone.parse().unwrap_or(chrono_tz::UTC)
    }

    /// The days `from..=to` of the user's calendar, defaulting as the pages do.
    pub fn range(
        &self,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<domain::tiktok::analytics::DateRange, AppError> {
        Ok(domain::tiktok::analytics::DateRange::parse(from, to, self.now, self.zone())?)
    }

    /// Sends the cookie of a new session.
    pub fn set_session_cookie(&self, session: &NewSession) -> Result<(), AppError> {
        set_session_cookie(&self.services, session, self.now)
    }
}

/// The language to answer in: the signed-in user's choice (`session` is the fully signed-in
/// one), else the browser's `Accept-Language`.
pub fn locale_of(session: Option<&Resolved>, headers: &axum::http::HeaderMap) -> Language {
    session
        .and_then(|s| Language::parse(&s.user.locale))
        .or_else(|| {
            headers
                .get(axum::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Language::negotiate)
        })
        .unwrap_or_default()
}

/// The signed-in caller of a plain axum route (downloads, pictures, the connect flow), from what
/// the session middleware put in the request; `Unauthorized` when nobody is fully signed in.
impl axum::extract::FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, AppError> {
        let Some(context) = parts.extensions.get::<RequestContext>() else {
            tracing::error!(
                path = parts.uri.path(),
                "RequestContext is missing: is the session middleware installed?"
            );
            return Err(AppError::Internal);
        };
        let session = context.signed_in().cloned().ok_or(AppError::Unauthorized)?;
        Ok(Caller {
            services: state.services.clone(),
            meta: context.meta.clone(),
            locale: locale_of(Some(&session), &parts.headers),
            session,
            now: context.now,
        })
    }
}

/// The name of the session cookie: `__Host-` prefixed (which requires `Secure`) under HTTPS.
pub fn cookie_name(https: bool) -> &'static str {
    if https { "__Host-soco_session" } else { "soco_session" }
}

fn cookie_header(services: &Services, value: &str, max_age: i64) -> Result<HeaderValue, AppError> {
    let https = services.config.is_https();
    let cookie = cookie::Cookie::build((cookie_name(https), value))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(max_age))
        .secure(https)
        .build();
    HeaderValue::from_str(&cookie.to_string()).map_err(|_| AppError::Internal)
}

/// Sends the cookie of a new session, judged to last from `now` until it expires.
fn set_session_cookie(services: &Services, session: &NewSession, now: DateTime<Utc>) -> Result<(), AppError> {
    let max_age = (session.expires_at - now).num_seconds().max(0);
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
