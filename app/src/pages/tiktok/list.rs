//! `/accounts`: the user's connected TikTok accounts as cards (figures, 7- and 30-day change,
//! engagement, backfill progress), a follower comparison chart, and Connect, Reconnect and
//! Disconnect.
//! Every button is a plain form post, so it works the same without JavaScript; the outcome comes
//! back in the query string (`connected`, `disconnected` with `revoked=confirmed|ended|none|unconfirmed`,
//! `retried`, `error=<code>`). A card whose sync keeps failing says since when and why, with a
//! Retry button.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::account::Me;
use crate::api::tiktok::{AccountState, CardView, OverviewView, accounts_overview};
use crate::components::chart::Chart;
use crate::components::form::Notice;
use crate::components::loading::Loading;
use crate::components::page::Page;
use crate::components::range_picker::RangePicker;
use crate::components::tiktok_card::{BackfillProgress, CardFigures};
use crate::format::utc_minutes;
use crate::i18n::use_messages;
use crate::session::RequireUser;

/// `/accounts`.
#[component]
pub fn AccountsPage() -> impl IntoView {
    view! { <RequireUser children=|_me: Me| view! { <Accounts /> } /> }
}

#[component]
fn Accounts() -> impl IntoView {
    let t = use_messages();
    let query = use_query_map();
    let overview = Resource::new(
        move || (query.read().get("from"), query.read().get("to")),
        |(from, to)| accounts_overview(from, to),
    );
    let error = move || {
        query.read().get("error").map(|code| {
            let text = if code == "not_found" { t.errors.not_found } else { t.validation(&code) };
            view! { <div class="notice notice--error" role="alert"><p>{text}</p></div> }
        })
    };
    view! {
        <Page title=t.shell.nav_accounts lead=t.tiktok.accounts_intro>
            {move || query.read().get("connected").is_some().then(|| view! { <Notice text=t.tiktok.connected_notice /> })}
            {move || query.read().get("disconnected").map(|_| view! { <DisconnectOutcome revoked=query.read().get("revoked") /> })}
            {move || query.read().get("retried").is_some().then(|| view! { <Notice text=t.tiktok.retry_notice /> })}
            {error}
            <Loading>
                    {move || Suspend::new(async move {
                        overview.await.map(|overview| view! { <Overview overview /> })
                    })}
                </Loading>
        </Page>
    }
}

/// Where TikTok explains how to remove a connected app.
pub const TIKTOK_CONNECTED_APPS_HELP: &str =
    "https://support.tiktok.com/en/safety-hc/account-and-user-safety/connect-to-third-party-apps";

/// What the user is told after a disconnect: what TikTok answered to the revocation.
#[component]
fn DisconnectOutcome(revoked: Option<String>) -> impl IntoView {
    let t = use_messages();
    match revoked.as_deref() {
        Some("confirmed") => view! { <Notice text=t.tiktok.disconnected_notice /> }.into_any(),
        Some("ended") => view! { <Notice text=t.tiktok.disconnected_ended /> }.into_any(),
        other => view! {
            <div class="notice notice--warn" role="status">
                <p>{if other == Some("none") { t.tiktok.disconnected_no_token } else { t.tiktok.disconnected_unconfirmed }}</p>
                <p><a href=TIKTOK_CONNECTED_APPS_HELP rel="external noopener">{t.tiktok.remove_at_tiktok}</a></p>
            </div>
        }
        .into_any(),
    }
}

#[component]
fn Overview(overview: OverviewView) -> impl IntoView {
    let t = use_messages();
    let OverviewView { cards, range, followers } = overview;
    let comparison = followers.map(|chart| {
        view! {
            <section class="card" aria-labelledby="compare-heading">
                <h2 id="compare-heading">{t.analytics.compare_heading}</h2>
                <RangePicker range=range.clone() />
                <Chart id="followers-compared" label=t.analytics.compare_heading chart />
            </section>
        }
    });
    view! {
        <section class="card" aria-labelledby="tiktok-heading">
            <h2 id="tiktok-heading">{t.tiktok.accounts_heading}</h2>
            <AccountList cards range=range.clone() />
            <form method="post" action="/connect/tiktok" class="connect-form">
                <button type="submit" class="button">{t.tiktok.connect_button}</button>
            </form>
            <p class="hint">{t.tiktok.connect_hint}</p>
        </section>
        {comparison}
    }
}

#[component]
fn AccountList(cards: Vec<CardView>, range: crate::api::tiktok::RangeView) -> impl IntoView {
    let t = use_messages();
    if cards.is_empty() {
        return view! { <p class="empty">{t.tiktok.empty}</p> }.into_any();
    }
    view! {
        <ul class="account-list">
            {cards.into_iter().map(|card| view! { <AccountItem card range=range.clone() /> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn AccountItem(card: CardView, range: crate::api::tiktok::RangeView) -> impl IntoView {
    let t = use_messages();
    let (status_text, status_class) = match card.status {
        AccountState::Active => (t.tiktok.status_active, "status status--ok"),
        AccountState::Reconnect => (t.tiktok.status_reconnect, "status status--warn"),
        AccountState::Disconnected => (t.tiktok.status_disconnected, "status status--off"),
    };
    let heading = card.heading();
    let no_stats = card.status == AccountState::Active && !card.has_stats();
    let disconnect_action = format!("/accounts/tiktok/{}/disconnect", card.id);
    let connected = card.status != AccountState::Disconnected;
    let active = card.status == AccountState::Active;
    let analytics_href = format!("/accounts/tiktok/{}", card.id);
    // The downloads cover the range the page shows.
    let export = |file: &str| {
        format!("/accounts/tiktok/{}/export/{file}?from={}&to={}", card.id, range.from, range.to)
    };
    let retry_action = format!("/accounts/tiktok/{}/retry", card.id);
    let trouble = card.trouble.clone().map(|trouble| {
        view! {
            <div class="notice notice--error sync-trouble">
                <p>{t.tiktok.sync_failing}" "{trouble.since}": "<span class="reason">{trouble.reason}</span></p>
                <p>{if trouble.given_up { t.tiktok.sync_given_up } else { t.tiktok.sync_retrying }}</p>
                <form method="post" action=retry_action.clone()>
                    <button type="submit" class="button button--small">{t.tiktok.retry_button}</button>
                </form>
            </div>
        }
    });
    view! {
        <li class="account-item">
            {card.avatar_url.clone().map(|src| view! { <img class="avatar" src=src alt="" width="48" height="48" /> })}
            <div class="account-body">
                <h3>
                    {if connected {
                        view! { <a href=analytics_href.clone()>{heading.clone()}</a> }.into_any()
                    } else {
                        heading.clone().into_any()
                    }}
                    {card.is_verified.then(|| view! { <span class="badge">{t.tiktok.verified}</span> })}
                </h3>
                <p class=status_class>{status_text}</p>
                {trouble}
                {(active && !card.backfill_done).then(|| view! { <BackfillProgress card=card.clone() /> })}
                {(active && card.backfill_done).then(|| view! { <CardFigures card=card.clone() /> })}
                {card.purge_after.clone().map(|at| view! { <p>{t.tiktok.purge_on}" "{utc_minutes(&at)}</p> })}
                <p class="scopes"><span>{t.tiktok.access_label}": "</span>{card.scopes.join(", ")}</p>
                {no_stats.then(|| view! { <p class="hint">{t.tiktok.no_stats}</p> })}
                {connected.then(|| view! { <p><a href=analytics_href.clone() class="button button--small">{t.analytics.open}</a></p> })}
                <p class="downloads">
                    <span>{t.tiktok.download_label}": "</span>
                    <a href=export("videos.csv") rel="external" download="">{t.tiktok.download_videos}" (CSV)"</a>" · "
                    <a href=export("videos.json") rel="external" download="">{t.tiktok.download_videos}" (JSON)"</a>" · "
                    <a href=export("snapshots.csv") rel="external" download="">{t.tiktok.download_history}" (CSV)"</a>" · "
                    <a href=export("snapshots.json") rel="external" download="">{t.tiktok.download_history}" (JSON)"</a>" · "
                    <a href=export("profile.csv") rel="external" download="">{t.tiktok.download_profile}" (CSV)"</a>" · "
                    <a href=export("profile.json") rel="external" download="">{t.tiktok.download_profile}" (JSON)"</a>" · "
                    <a href=export("totals.csv") rel="external" download="">{t.tiktok.download_totals}" (CSV)"</a>" · "
                    <a href=export("totals.json") rel="external" download="">{t.tiktok.download_totals}" (JSON)"</a>
                </p>
                <div class="actions">
                    {(card.status != AccountState::Active).then(|| view! {
                        <form method="post" action="/connect/tiktok">
                            <button type="submit" class="button button--small">{t.tiktok.reconnect_button}</button>
                        </form>
                    })}
                    {connected.then(|| view! {
                        <form method="post" action=disconnect_action>
                            <button type="submit" class="button button--small button--danger">{t.tiktok.disconnect_button}</button>
                        </form>
                    })}
                </div>
            </div>
        </li>
    }
}
