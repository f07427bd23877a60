//! The interface's words, from the `translations` crate (one home per language, grouped by
//! feature: `t.auth.login_title`, `t.tiktok.connect_button`, `t.analytics.followers`).
//!
//! The server picks the language from the request (the signed-in user's choice, else
//! `Accept-Language`) and writes it to `<html lang>`; the browser reads it back from there when
//! it hydrates, so both sides always render the same words. Use [`use_messages`] in components.

use leptos::prelude::*;

pub use translations::{EN, ID, Language, Messages, Sections};

/// Makes the request's language available to every component below. Call once, at the top.
pub fn provide_locale(language: Language) {
    provide_context(language);
}

/// The language of the current page.
pub fn use_locale() -> Language {
    use_context::<Language>().unwrap_or_default()
}

/// The strings of the current page's language.
pub fn use_messages() -> &'static Messages {
    use_locale().messages()
}
