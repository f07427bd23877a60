//! How a failed region of a page looks: one shared template for every `<ErrorBoundary>`.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::use_messages;

/// Shows the errors an `<ErrorBoundary>` caught, in the user's language, and nothing internal.
#[component]
pub fn ErrorView(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let t = use_messages();
    let messages = move || {
        errors
            .get()
            .into_iter()
            .map(|(_, err)| match err.downcast_ref::<AppError>() {
                Some(app_error) => app_error.message(t),
                None => t.error_internal.to_owned(),
            })
            .collect::<Vec<_>>()
    };
    view! {
        <div class="notice notice--error" role="alert">
            <h2>{t.error_title}</h2>
            <ul>{move || messages().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
        </div>
    }
}
