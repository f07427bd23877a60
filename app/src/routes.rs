//! Every page as a lazily loaded route. The browser build splits the pages into a few groups of
//! pages a visitor tends to use together (signing in, TikTok analytics, the account's settings, the privacy centre);
//! each group's code (views, server-function calls, data types) is a wasm module of its own,
//! fetched when one of its pages is first shown. A first visit loads the shell, the router and
//! one group, not every page; the server names the group's modules in the page's `<head>` so the
//! browser fetches them with the main module. On the server a lazy route renders like any other.
//!
//! Groups rather than a module per page: the splitter gives code shared by several splits a
//! module of its own, so two dozen splits made over a hundred small files, each compressed
//! alone and fetched alone.

use leptos::prelude::*;
use leptos_router::LazyRoute;

use crate::pages;

/// Declares a group: the enum `$group` of its pages, the lazily loaded function `$load` that
/// renders one of them, and for each page the lazy route `$route` (`<Route view=Lazy::<$route>…>`).
macro_rules! page_group {
    ($(#[$doc:meta])* $group:ident, $load:ident, $preload:ident { $($route:ident => $page:path),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub enum $group {
            $($route),*
        }

        /// Renders one page of the group (in the browser: after fetching the group's modules).
        #[leptos::lazy]
        fn $load(page: $group) -> AnyView {
            match page {
                $($group::$route => view! { <$page /> }.into_any()),*
            }
        }

        $(
            /// A page of a lazily loaded group (see the module docs).
            pub struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(_this: Self) -> AnyView {
                    $load($group::$route).await
                }

                async fn preload() {
                    #[cfg(all(target_arch = "wasm32", feature = "hydrate"))]
                    $preload().await;
                }
            }
        )*
    };
}

page_group! {
    /// What a visitor sees before signing in: signing in and up, password and email links, the
    /// legal texts, the offline page, and the sandbox's outbox those links arrive in.
    Public, public_page, __preload_public_page {
        Login => pages::auth::LoginPage,
        TwoFactor => pages::auth::TwoFactorPage,
        ErasurePending => pages::privacy::ErasurePendingPage,
        Register => pages::auth::RegisterPage,
        ForgotPassword => pages::auth::ForgotPasswordPage,
        ResetPassword => pages::auth::ResetPasswordPage,
        VerifyEmail => pages::auth::VerifyEmailPage,
        ConfirmEmail => pages::auth::ConfirmEmailPage,
        Terms => pages::legal::TermsPage,
        PrivacyPolicy => pages::legal::PrivacyPolicyPage,
        Offline => pages::offline::OfflinePage,
        Outbox => pages::outbox::OutboxPage,
        OutboxMessage => pages::outbox::OutboxMessagePage,
    }
}

page_group! {
    /// The landing page: the dashboard, or the welcome page for a visitor.
    Home, home_page, __preload_home_page {
        Dashboard => pages::dashboard::DashboardPage,
    }
}

page_group! {
    /// The connected accounts and their TikTok analytics.
    Analytics, analytics_page, __preload_analytics_page {
        Accounts => pages::tiktok::list::AccountsPage,
        TikTokAccount => pages::tiktok::account::TikTokAccountPage,
        TikTokVideos => pages::tiktok::videos::TikTokVideosPage,
        TikTokVideo => pages::tiktok::video::TikTokVideoPage,
    }
}

page_group! {
    /// Soco's own account: details, security, recovery codes; and the features still to come.
    Settings, settings_page, __preload_settings_page {
        Account => pages::account::AccountPage,
        Security => pages::account::SecurityPage,
        RecoveryCodes => pages::account::RecoveryCodesPage,
        Shop => pages::features::ShopPage,
        Schedule => pages::features::SchedulePage,
    }
}

page_group! {
    /// The privacy centre, the installation's status and the operator's queue of privacy
    /// requests.
    PrivacyCentre, privacy_page, __preload_privacy_page {
        Privacy => pages::privacy::PrivacyPage,
        PrivacyRequests => pages::privacy::PrivacyRequestsPage,
        Preferences => pages::settings::SettingsPage,
    }
}
