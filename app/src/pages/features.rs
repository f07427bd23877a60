//! `/shop`, `/schedule`: sections whose features arrive in later
//! releases. Each says what it will do and, plainly, that it does not do it yet.

use leptos::prelude::*;

use crate::api::account::Me;
use crate::components::page::Page;
use crate::i18n::{Messages, use_messages};
use crate::session::RequireUser;

/// A section that is not built yet: its purpose and an honest status line.
#[component]
fn ComingSection(
    title: fn(&Messages) -> &'static str,
    intro: fn(&Messages) -> &'static str,
    status: fn(&Messages) -> &'static str,
) -> impl IntoView {
    let t = use_messages();
    view! {
        <RequireUser children=move |_me: Me| view! {
            <Page title=title(t) lead=intro(t)>
                <section class="card notice" aria-labelledby="status-heading">
                    <h2 id="status-heading">{t.shell.coming_heading}</h2>
                    <p>{status(t)}</p>
                </section>
            </Page>
        } />
    }
}

/// `/shop`.
#[component]
pub fn ShopPage() -> impl IntoView {
    view! { <ComingSection title=|t| t.shell.nav_shop intro=|t| t.coming.shop_intro status=|t| t.coming.shop_coming /> }
}

/// `/schedule`.
#[component]
pub fn SchedulePage() -> impl IntoView {
    view! { <ComingSection title=|t| t.shell.nav_schedule intro=|t| t.coming.schedule_intro status=|t| t.coming.schedule_coming /> }
}
