//! `<Loading>`: a region of a page that waits for its data, says so while it does, and shows
//! what failed (in the user's language, with the page's status on the server) when it fails.

use leptos::prelude::*;

use crate::components::error_view::ErrorView;
use crate::i18n::use_messages;

/// Suspends `children` until their data is read, then shows them, or the errors they returned.
#[component]
pub fn Loading(children: ChildrenFn) -> impl IntoView {
    let t = use_messages();
    view! {
        <Suspense fallback=move || view! { <p aria-busy="true">{t.shell.loading}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorView errors /> }>{children()}</ErrorBoundary>
        </Suspense>
    }
}
