//! `/offline`: what the service worker shows when a page is asked for without a network.
//! It holds no user data, so it is safe to keep in the cache.

use leptos::prelude::*;

use crate::components::page::Page;
use crate::i18n::use_messages;

/// The offline fallback page.
#[component]
pub fn OfflinePage() -> impl IntoView {
    let t = use_messages();
    view! {
        <Page title=t.shell.offline_title lead=t.shell.offline_text>
            // A plain link: reloading the current address needs no JavaScript.
            <p><a class="button" href="/">{t.shell.offline_retry}</a></p>
        </Page>
    }
}
