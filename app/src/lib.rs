//! Soco's user interface, rendered on the server and hydrated in the browser.
//!
//! [`shell`] is the HTML document the server sends; [`App`] is the router and everything inside
//! `<body>`. Pages live in [`pages`], reusable pieces in [`components`], server functions in
//! [`api`], every user-visible string in [`i18n`].

#![recursion_limit = "256"]

pub mod api;
pub mod assets;
#[cfg(feature = "ssr")]
pub mod charts;
pub mod components;
pub mod error;
pub mod format;
pub mod i18n;
pub mod pages;
pub mod routes;
pub mod session;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use leptos_router::{Lazy, SsrMode};

use crate::components::error_view::ErrorView;
use crate::components::layout::Layout;
use crate::i18n::{Language, provide_locale};
use crate::pages::not_found::NotFoundPage;

/// The theme colour of the browser chrome and the installed app.
pub const THEME_COLOR: &str = "#111827";

/// The whole HTML document, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = request_locale();
    provide_locale(locale);
    // The offline page is served by the service worker in place of whatever page was asked
    // for; hydrating it there would not match the route, so it stays plain HTML.
    let hydrate = request_path().as_deref() != Some(OFFLINE_PATH);
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang=locale.tag()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <meta name="color-scheme" content="light dark" />
                <meta name="theme-color" content=THEME_COLOR />
                <meta name="description" content=locale.messages().shell.tagline />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/favicon.ico" sizes="32x32" />
                <link rel="icon" href="/icons/icon.svg" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
                <HashedStylesheet options=options.clone() id="leptos" />
                <meta name=assets::CHARTS_META content=charts_url(&options) />
                {hydrate.then(|| view! { <HydrationScripts options /> })}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The charts bundle's URL for the page's `<meta>` (the server knows the build's names).
fn charts_url(options: &LeptosOptions) -> String {
    #[cfg(feature = "ssr")]
    return assets::url(options, "charts");
    #[cfg(not(feature = "ssr"))]
    {
        let _ = options;
        String::new()
    }
}

/// Pages only a signed-in user may see, with everything below them. The server sends signed-out
/// visitors of these to the login page before rendering anything. (`/` is the dashboard when
/// signed in and a welcome page otherwise.)
pub const SIGNED_IN_PAGES: &[&str] =
    &["/accounts", "/shop", "/schedule", "/privacy", "/settings", "/account"];

/// Whether `path` needs a signed-in user.
pub fn needs_sign_in(path: &str) -> bool {
    SIGNED_IN_PAGES
        .iter()
        .any(|page| path == *page || path.strip_prefix(page).is_some_and(|rest| rest.starts_with('/')))
}

/// Where the service worker's offline page lives.
pub const OFFLINE_PATH: &str = "/offline";

/// The path of the request being rendered (server side only).
fn request_path() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>().map(|parts| parts.uri.path().to_owned())
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// Sends this page's content security policy, with the nonce Leptos put on its inline scripts.
/// `'strict-dynamic'` lets those scripts load the wasm and ECharts; nothing else may run.
/// Forms may post to Soco only, but Chromium and Safari also hold a form post's redirect to
/// `form-action`: Connect answers with a redirect to TikTok's consent page, so exactly the
/// configured consent origins are allowed beside `'self'`.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    use leptos::nonce::use_nonce;
    let (Some(nonce), Some(response)) = (use_nonce(), use_context::<leptos_axum::ResponseOptions>()) else {
        return;
    };
    let consent = crate::ssr::services().map(|s| s.config.consent_origins()).unwrap_or_default();
    let value = axum::http::HeaderValue::from_str(&content_security_policy(&nonce.to_string(), &consent))
        .or_else(|_| {
            // Never no policy: without the consent origins, Connect fails, but nothing else runs.
            tracing::error!("the consent origins do not fit a header; sending the policy without them");
            axum::http::HeaderValue::from_str(&content_security_policy(&nonce.to_string(), &[]))
        });
    if let Ok(value) = value {
        response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The page policy for `nonce`, letting form posts redirect to `consent_origins` too.
#[cfg(feature = "ssr")]
pub fn content_security_policy(nonce: &str, consent_origins: &[String]) -> String {
    let mut form_action = String::from("'self'");
    for origin in consent_origins {
        form_action.push(' ');
        form_action.push_str(origin);
    }
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action {form_action}; frame-ancestors 'none'"
    )
}

/// The language of this request: the signed-in user's choice, else `Accept-Language`. Pages and
/// the server functions they call (chart labels, table numbers) agree on it.
pub(crate) fn request_locale() -> Language {
    #[cfg(feature = "ssr")]
    {
        crate::ssr::request_locale()
    }
    #[cfg(not(feature = "ssr"))]
    {
        Language::default()
    }
}

/// The language the server chose, as written in `<html lang>`.
#[cfg(feature = "hydrate")]
fn document_locale() -> Language {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|html| html.get_attribute("lang"))
        .and_then(|lang| Language::parse(&lang))
        .unwrap_or_default()
}

/// The router and everything inside `<body>`.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "hydrate")]
    {
        provide_locale(document_locale());
        register_service_worker();
    }
    view! {
        <Title formatter=|title: String| if title.is_empty() { "Soco".to_owned() } else { format!("{title} · Soco") } />
        // Async rendering: every page is rendered whole before its first byte is sent, so it
        // works without JavaScript and answers with the status of its error (`ErrorView` sets
        // it; a page streamed in order had already sent `200 OK` by then).
        <Router>
            <WithSession>
            <Layout>
                <ErrorBoundary fallback=|errors| view! { <ErrorView errors /> }>
                    <Routes fallback=NotFoundPage>
                        <Route path=path!("") view={Lazy::<routes::Dashboard>::new()} ssr=SsrMode::Async />
                        <Route path=path!("accounts") view={Lazy::<routes::Accounts>::new()} ssr=SsrMode::Async />
                        <Route path=path!("accounts/tiktok/:id") view={Lazy::<routes::TikTokAccount>::new()} ssr=SsrMode::Async />
                        <Route path=path!("accounts/tiktok/:id/videos") view={Lazy::<routes::TikTokVideos>::new()} ssr=SsrMode::Async />
                        <Route path=path!("accounts/tiktok/:id/videos/:video") view={Lazy::<routes::TikTokVideo>::new()} ssr=SsrMode::Async />
                        <Route path=path!("shop") view={Lazy::<routes::Shop>::new()} ssr=SsrMode::Async />
                        <Route path=path!("schedule") view={Lazy::<routes::Schedule>::new()} ssr=SsrMode::Async />
                        <Route path=path!("privacy") view={Lazy::<routes::Privacy>::new()} ssr=SsrMode::Async />
                        <Route path=path!("settings") view={Lazy::<routes::Preferences>::new()} ssr=SsrMode::Async />
                        <Route path=path!("settings/privacy-requests") view={Lazy::<routes::PrivacyRequests>::new()} ssr=SsrMode::Async />
                        <Route path=path!("offline") view={Lazy::<routes::Offline>::new()} ssr=SsrMode::Async />
                        <Route path=path!("login") view={Lazy::<routes::Login>::new()} ssr=SsrMode::Async />
                        <Route path=path!("login/two-factor") view={Lazy::<routes::TwoFactor>::new()} ssr=SsrMode::Async />
                        <Route path=path!("login/deletion") view={Lazy::<routes::ErasurePending>::new()} ssr=SsrMode::Async />
                        <Route path=path!("register") view={Lazy::<routes::Register>::new()} ssr=SsrMode::Async />
                        <Route path=path!("forgot-password") view={Lazy::<routes::ForgotPassword>::new()} ssr=SsrMode::Async />
                        <Route path=path!("reset-password") view={Lazy::<routes::ResetPassword>::new()} ssr=SsrMode::Async />
                        <Route path=path!("verify-email") view={Lazy::<routes::VerifyEmail>::new()} ssr=SsrMode::Async />
                        <Route path=path!("confirm-email") view={Lazy::<routes::ConfirmEmail>::new()} ssr=SsrMode::Async />
                        <Route path=path!("account") view={Lazy::<routes::Account>::new()} ssr=SsrMode::Async />
                        <Route path=path!("account/security") view={Lazy::<routes::Security>::new()} ssr=SsrMode::Async />
                        <Route path=path!("account/recovery-codes") view={Lazy::<routes::RecoveryCodes>::new()} ssr=SsrMode::Async />
                        <Route path=path!("outbox") view={Lazy::<routes::Outbox>::new()} ssr=SsrMode::Async />
                        <Route path=path!("outbox/:id") view={Lazy::<routes::OutboxMessage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("terms") view={Lazy::<routes::Terms>::new()} ssr=SsrMode::Async />
                        <Route path=path!("privacy-policy") view={Lazy::<routes::PrivacyPolicy>::new()} ssr=SsrMode::Async />
                    </Routes>
                </ErrorBoundary>
            </Layout>
            </WithSession>
        </Router>
    }
}

/// Provides the signed-in user to everything inside the router.
#[component]
fn WithSession(children: Children) -> impl IntoView {
    crate::session::provide_current_user();
    children()
}

/// Registers `/sw.js`, which precaches the site's assets and serves the offline page.
#[cfg(feature = "hydrate")]
fn register_service_worker() {
    let Some(container) = web_sys::window().map(|w| w.navigator().service_worker()) else {
        return;
    };
    leptos::task::spawn_local(async move {
        let registration = wasm_bindgen_futures::JsFuture::from(container.register("/sw.js")).await;
        if let Err(err) = registration {
            leptos::logging::warn!("service worker not registered: {err:?}");
        }
    });
}
