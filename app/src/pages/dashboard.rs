//! `/`: the dashboard for a signed-in user (each TikTok account's followers, change and
//! engagement, with the follower comparison; or what to do first); for anyone else, a welcome
//! page with the way in.

use leptos::prelude::*;

use leptos_router::components::A;

use crate::api::tiktok::{OverviewView, accounts_overview};
use crate::components::chart::Chart;
use crate::components::loading::Loading;
use crate::components::page::Page;
use crate::format;
use crate::i18n::{use_locale, use_messages};
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
        <Page title=t.shell.welcome_title lead=t.dashboard.intro>
            <section class="card">
                <p>{t.shell.welcome_text}</p>
                <p class="actions">
                    <A href="/register" attr:class="button">{t.auth.register}</A>
                    " "
                    <A href="/login">{t.auth.log_in}</A>
                </p>
            </section>
        </Page>
    }
}

#[component]
fn Dashboard() -> impl IntoView {
    let t = use_messages();
    let overview = Resource::new(|| (), |_| accounts_overview(None, None));
    view! {
        <Page title=t.shell.nav_dashboard lead=t.dashboard.intro>
            <Loading>
                    {move || Suspend::new(async move { overview.await.map(|overview| view! { <Accounts overview /> }) })}
                </Loading>
            <section class="card notice" aria-labelledby="next-heading">
                <h2 id="next-heading">{t.shell.coming_heading}</h2>
                <p>{t.dashboard.next}</p>
            </section>
        </Page>
    }
}

/// The TikTok accounts at a glance, each linking to its analytics.
#[component]
fn Accounts(overview: OverviewView) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    let cards: Vec<_> = overview
        .cards
        .into_iter()
        .filter(|c| c.status != crate::api::tiktok::AccountState::Disconnected)
        .collect();
    if cards.is_empty() {
        return view! {
            <section class="card" aria-labelledby="accounts-heading">
                <h2 id="accounts-heading">{t.dashboard.accounts_heading}</h2>
                <p class="empty">{t.dashboard.no_accounts}</p>
                <p><A href="/accounts" attr:class="button">{t.tiktok.connect_button}</A></p>
            </section>
        }
        .into_any();
    }
    let comparison = overview
        .followers
        .map(|chart| view! { <Chart id="dashboard-followers" label=t.analytics.compare_heading chart /> });
    view! {
        <section class="card" aria-labelledby="accounts-heading">
            <h2 id="accounts-heading">{t.dashboard.accounts_heading}</h2>
            <div class="table-scroll">
                <table class="data-table">
                    <thead>
                        <tr>
                            <th scope="col">{t.analytics.video_account}</th>
                            <th scope="col" class="num">{t.analytics.followers}</th>
                            <th scope="col" class="num">{t.analytics.change_7d}</th>
                            <th scope="col" class="num">{t.analytics.engagement}</th>
                            <th scope="col">{t.tiktok.as_of}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {cards
                            .into_iter()
                            .map(|card| view! {
                                <tr>
                                    <th scope="row"><a href=format!("/accounts/tiktok/{}", card.id)>{card.heading()}</a></th>
                                    <td class="num">{format::maybe_count(card.followers, locale)}</td>
                                    <td class="num">{format::change(card.followers_7d, locale)}</td>
                                    <td class="num">{format::percent(card.engagement_rate, locale)}</td>
                                    <td>{card.as_of.unwrap_or_else(|| format::MISSING.to_owned())}</td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            {comparison}
        </section>
    }
    .into_any()
}
