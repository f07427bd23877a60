//! Soco's user interface, rendered on the server and hydrated in the browser.
//!
//! [`shell`] is the HTML document the server sends; [`App`] is the router and everything inside
//! `<body>`. Pages live in [`pages`], reusable pieces in [`components`], server functions in
//! [`api`], every user-visible string in [`i18n`].

#![recursion_limit = "256"]

pub mod api;
pub mod charts;
pub mod components;
pub mod error;
pub mod i18n;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::error_view::ErrorView;
use crate::components::layout::Layout;
use crate::i18n::{Locale, provide_locale};
use crate::pages::dashboard::DashboardPage;
use crate::pages::features::{AccountsPage, PrivacyPage, SchedulePage, ShopPage};
use crate::pages::not_found::NotFoundPage;
use crate::pages::offline::OfflinePage;
use crate::pages::settings::SettingsPage;

/// The theme colour of the browser chrome and the installed app.
pub const THEME_COLOR: &str = "#111827";

/// The whole HTML document, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = request_locale();
    provide_locale(locale);
    // The offline page is served by the service worker in place of whatever page was asked
    // for; hydrating it there would not match the route, so it stays plain HTML.
    let hydrate = request_path().as_deref() != Some(OFFLINE_PATH);
    view! {
        <!DOCTYPE html>
        <html lang=locale.tag()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <meta name="color-scheme" content="light dark" />
                <meta name="theme-color" content=THEME_COLOR />
                <meta name="description" content=locale.messages().tagline />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/favicon.ico" sizes="32x32" />
                <link rel="icon" href="/icons/icon.svg" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
                <HashedStylesheet options=options.clone() id="leptos" />
                {hydrate.then(|| view! { <HydrationScripts options /> })}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
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

/// The language of this request: from `Accept-Language` on the server.
fn request_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get(axum::http::header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .map(Locale::negotiate)
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        Locale::default()
    }
}

/// The language the server chose, as written in `<html lang>`.
#[cfg(feature = "hydrate")]
fn document_locale() -> Locale {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|html| html.get_attribute("lang"))
        .and_then(|lang| Locale::from_tag(&lang))
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
        <Router>
            <Layout>
                <ErrorBoundary fallback=|errors| view! { <ErrorView errors /> }>
                    <Routes fallback=NotFoundPage>
                        <Route path=path!("") view=DashboardPage />
                        <Route path=path!("accounts") view=AccountsPage />
                        <Route path=path!("shop") view=ShopPage />
                        <Route path=path!("schedule") view=SchedulePage />
                        <Route path=path!("privacy") view=PrivacyPage />
                        <Route path=path!("settings") view=SettingsPage />
                        <Route path=path!("offline") view=OfflinePage />
                    </Routes>
                </ErrorBoundary>
            </Layout>
        </Router>
    }
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
