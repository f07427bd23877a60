//! `/`: the dashboard for a signed-in user (until accounts or shops are connected it says what
//! Soco will show); for anyone else, a welcome page with the way in.

use leptos::prelude::*;

use leptos_router::components::A;

use crate::components::page::Page;
use crate::i18n::use_messages;
use crate::session::use_current_user;

/// The landing page.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let user = use_current_user().0;
    view! {
        <Transition>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(_)) => view! { <Dashboard /> }.into_any(),
                    Ok(None) => view! { <Welcome /> }.into_any(),
                    Err(err) => Err::<(), _>(err).into_any(),
                }
            })}
        </Transition>
    }
}

/// What Soco is, for a visitor who is not signed in.
#[component]
fn Welcome() -> impl IntoView {
    let t = use_messages();
    view! {
        <Page title=t.welcome_title lead=t.dashboard_intro>
            <section class="card">
                <p>{t.welcome_text}</p>
                <p class="actions">
                    <A href="/register" attr:class="button">{t.register}</A>
                    " "
                    <A href="/login">{t.log_in}</A>
                </p>
            </section>
        </Page>
    }
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
