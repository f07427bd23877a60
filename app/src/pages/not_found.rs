//! The page for any address Soco does not know; answers with status 404.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::page::Page;
use crate::i18n::use_messages;

/// Shown for unknown paths.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    let t = use_messages();
    view! {
        <Page title=t.shell.not_found_title lead=t.shell.not_found_text>
            <p><A href="/">{t.shell.back_home}</A></p>
        </Page>
    }
}
