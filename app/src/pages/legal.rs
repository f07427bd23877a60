//! `/terms` and `/privacy-policy`: what Soco promises. The privacy centre (later releases) turns
//! each promise into a button or a job; until then these texts say only what Soco does today.
//! Version: the `TERMS_VERSION` new accounts accept (2026-11-22). The texts themselves are in
//! the `translations` crate (`t.legal`).

use leptos::prelude::*;

use crate::components::page::Page;
use crate::i18n::{Sections, use_messages};

/// The version of these texts; must equal `domain::users::TERMS_VERSION`.
pub const VERSION: &str = "2026-11-22";

#[component]
fn LegalText(title: &'static str, sections: Sections) -> impl IntoView {
    view! {
        <Page title=title lead=format!("{} {}", use_messages().shell.version_label, crate::pages::legal::VERSION)>
            <article class="card legal">
                {sections.iter().map(|(heading, text)| view! { <h2>{*heading}</h2><p>{*text}</p> }).collect_view()}
            </article>
        </Page>
    }
}

/// `/terms`.
#[component]
pub fn TermsPage() -> impl IntoView {
    let t = use_messages();
    view! { <LegalText title=t.legal.terms_title sections=t.legal.terms /> }
}

/// `/privacy-policy`.
#[component]
pub fn PrivacyPolicyPage() -> impl IntoView {
    let t = use_messages();
    view! { <LegalText title=t.legal.privacy_policy_title sections=t.legal.privacy_policy /> }
}
