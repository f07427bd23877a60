//! `/`: the dashboard. Until accounts or shops are connected it says what Soco will show.

use leptos::prelude::*;

use crate::api::account::Me;
use crate::components::page::Page;
use crate::i18n::use_messages;
use crate::session::RequireUser;

/// The landing page.
#[component]
pub fn DashboardPage() -> impl IntoView {
    view! { <RequireUser children=|_me: Me| view! { <Dashboard /> } /> }
}

#[component]
fn Dashboard() -> impl IntoView {
    let t = use_messages();
    view! {
        <Page title=t.nav_dashboard lead=t.dashboard_intro>
            <section class="card" aria-labelledby="next-heading">
                <h2 id="next-heading">{t.coming_heading}</h2>
                <p>{t.dashboard_next}</p>
            </section>
        </Page>
    }
}
