//! How a failed region of a page looks: one shared template for every `<ErrorBoundary>`.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::use_messages;

/// Shows the errors an `<ErrorBoundary>` caught, in the user's language, and nothing internal.
/// Rendered on the server, the page answers with its error's status (404 for another user's
/// account, 422 for a bad range, ...), not 200.
#[component]
pub fn ErrorView(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let t = use_messages();
    #[cfg(feature = "ssr")]
    answer_with_status(&errors.read_untracked());
    let messages = move || {
        errors
            .get()
            .into_iter()
            .map(|(_, err)| match err.downcast_ref::<AppError>() {
                Some(app_error) => app_error.message(t),
                None => t.errors.internal.to_owned(),
            })
            .collect::<Vec<_>>()
    };
    view! {
        <div class="notice notice--error" role="alert">
            <h2>{t.errors.title}</h2>
            <ul>{move || messages().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
        </div>
    }
}

/// Gives the server's answer the gravest status of `errors` (500 for one that is not an
/// [`AppError`]): the same whatever order they were caught in.
#[cfg(feature = "ssr")]
fn answer_with_status(errors: &Errors) {
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else { return };
    let Some(status) =
        errors.iter().map(|(_, error)| error.downcast_ref::<AppError>().map_or(500, AppError::status)).max()
    else {
        return;
    };
    if let Ok(status) = axum::http::StatusCode::from_u16(status) {
        response.set_status(status);
    }
}
