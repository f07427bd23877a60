//! The application frame: skip link, brand, main navigation and the content area.
//!
//! On wide screens the navigation is a sidebar; on phones it is a bar of tabs under the brand.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::account::Me;
use crate::api::auth::Logout;
use crate::i18n::use_messages;
use crate::session::use_current_user;

/// Wraps every page in the brand bar and the main navigation.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let t = use_messages();
    let links = [
        ("/", t.shell.nav_dashboard, icons::DASHBOARD),
        ("/accounts", t.shell.nav_accounts, icons::ACCOUNTS),
        ("/shop", t.shell.nav_shop, icons::SHOP),
        ("/schedule", t.shell.nav_schedule, icons::SCHEDULE),
        ("/privacy", t.shell.nav_privacy, icons::PRIVACY),
        ("/settings", t.shell.nav_settings, icons::SETTINGS),
    ];
    view! {
        <a class="skip-link" href="#main">{t.shell.skip_to_content}</a>
        <div class="app">
            <header class="app-bar">
                <A href="/" attr:class="brand">
                    <img src="/icons/icon.svg" alt="" width="32" height="32" />
                    <span class="brand-name">"Soco"</span>
                </A>
                <p class="brand-tagline">{t.shell.tagline}</p>
                <UserMenu />
            </header>
            <nav class="app-nav" aria-label=t.shell.nav_label>
                <ul>
                    {links
                        .into_iter()
                        .map(|(href, label, icon)| {
                            view! {
                                <li>
                                    <A href=href exact=true>
                                        <svg class="nav-icon" viewBox="0 0 24 24" aria-hidden="true">
                                            <path d=icon></path>
                                        </svg>
                                        <span>{label}</span>
                                    </A>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
            <main id="main" class="app-main" tabindex="-1">
                <UnverifiedBanner />
                {children()}
            </main>
        </div>
    }
}

/// The signed-in user's name with Account, Security and Log out; or Log in and Create account.
#[component]
fn UserMenu() -> impl IntoView {
    let t = use_messages();
    let user = use_current_user().0;
    let logout = ServerAction::<Logout>::new();
    view! {
        <div class="user-menu">
            <Transition>
                {move || Suspend::new(async move {
                    match user.await.ok().flatten() {
                        Some(me) => view! {
                            <span class="user-name" title=me.email.clone()>{me.display_name.clone()}</span>
                            <A href="/account">{t.shell.nav_account}</A>
                            <A href="/account/security">{t.shell.nav_security}</A>
                            <ActionForm action=logout>
                                <button type="submit" class="link-button">{t.auth.log_out}</button>
                            </ActionForm>
                        }.into_any(),
                        None => view! {
                            <A href="/login">{t.auth.log_in}</A>
                            <A href="/register" attr:class="button button--small">{t.auth.register}</A>
                        }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

/// Asks a signed-in user with an unconfirmed address to confirm it.
#[component]
fn UnverifiedBanner() -> impl IntoView {
    let t = use_messages();
    let user = use_current_user().0;
    view! {
        <Transition>
            {move || Suspend::new(async move {
                let unverified = matches!(user.await, Ok(Some(Me { email_verified: false, .. })));
                unverified.then(|| view! {
                    <div class="notice notice--warning" role="status">
                        <p>{t.auth.unverified_banner}" "<A href="/account">{t.auth.resend_link}</A></p>
                    </div>
                })
            })}
        </Transition>
    }
}

/// Outline icons (24×24 paths, drawn for Soco) for the navigation.
mod icons {
    pub const DASHBOARD: &str = "M4 13h6V4H4zm0 7h6v-5H4zm10 0h6v-9h-6zm0-16v5h6V4z";
    pub const ACCOUNTS: &str = "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-7 9c0-3.3 3.1-6 7-6s7 2.7 7 6zm15-9a3 3 0 1 0 0-6m2 15c0-2.4-1.3-4.4-3.3-5.4";
    pub const SHOP: &str = "M4 7h16l-1.5 13h-13zm4 0a4 4 0 0 1 8 0";
    pub const SCHEDULE: &str = "M5 5h14v15H5zm0 5h14M9 3v4m6-4v4m-3 7v3h3";
    pub const PRIVACY: &str = "M12 3l8 3v6c0 4.5-3.4 8.3-8 9-4.6-.7-8-4.5-8-9V6zm-3 9l2 2 4-4";
    pub const SETTINGS: &str = "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm7.4-3a7.4 7.4 0 0 0-.1-1.2l2-1.6-2-3.4-2.4 1a7.5 7.5 0 0 0-2-1.2L14.5 3h-5l-.4 2.6a7.5 7.5 0 0 0-2 1.2l-2.4-1-2 3.4 2 1.6a7.4 7.4 0 0 0 0 2.4l-2 1.6 2 3.4 2.4-1a7.5 7.5 0 0 0 2 1.2l.4 2.6h5l.4-2.6a7.5 7.5 0 0 0 2-1.2l2.4 1 2-3.4-2-1.6c.1-.4.1-.8.1-1.2z";
}
