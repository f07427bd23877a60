//! `/accounts`: the user's connected TikTok accounts, with Connect, Reconnect and Disconnect.
//! Every button is a plain form post, so it works the same without JavaScript; the outcome comes
//! back in the query string (`connected`, `disconnected`, `error=<code>`).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::account::Me;
use crate::api::tiktok::{TikTokAccount, list_tiktok_accounts};
use crate::components::error_view::ErrorView;
use crate::components::form::Notice;
use crate::components::page::Page;
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
    let accounts = Resource::new(|| (), |_| list_tiktok_accounts());
    let error = move || {
        query.read().get("error").map(|code| {
            let text = if code == "not_found" { t.error_not_found } else { t.validation(&code) };
            view! { <div class="notice notice--error" role="alert"><p>{text}</p></div> }
        })
    };
    view! {
        <Page title=t.nav_accounts lead=t.accounts_intro>
            {move || query.read().get("connected").is_some().then(|| view! { <Notice text=t.tiktok_connected_notice /> })}
            {move || query.read().get("disconnected").is_some().then(|| view! { <Notice text=t.tiktok_disconnected_notice /> })}
            {error}
            <section class="card" aria-labelledby="tiktok-heading">
                <h2 id="tiktok-heading">{t.tiktok_accounts_heading}</h2>
                <Suspense fallback=move || view! { <p aria-busy="true">{t.loading}</p> }>
                    <ErrorBoundary fallback=|errors| view! { <ErrorView errors /> }>
                        {move || Suspend::new(async move {
                            accounts.await.map(|accounts| view! { <AccountList accounts /> })
                        })}
                    </ErrorBoundary>
                </Suspense>
                <form method="post" action="/connect/tiktok" class="connect-form">
                    <button type="submit" class="button">{t.tiktok_connect_button}</button>
                </form>
                <p class="hint">{t.tiktok_connect_hint}</p>
            </section>
            <section class="card notice" aria-labelledby="status-heading">
                <h2 id="status-heading">{t.coming_heading}</h2>
                <p>{t.accounts_coming}</p>
            </section>
        </Page>
    }
}

#[component]
fn AccountList(accounts: Vec<TikTokAccount>) -> impl IntoView {
    let t = use_messages();
    if accounts.is_empty() {
        return view! { <p>{t.tiktok_empty}</p> }.into_any();
    }
    view! {
        <ul class="account-list">
            {accounts.into_iter().map(|account| view! { <AccountItem account /> }).collect_view()}
        </ul>
    }
    .into_any()
}

/// Followers, videos kept and freshness; or that the first sync is still running.
#[component]
fn SyncLine(account: TikTokAccount) -> impl IntoView {
    let t = use_messages();
    let locale = crate::i18n::use_locale();
    match (&account.as_of, account.backfill_done) {
        (Some(as_of), true) => {
            let followers = account
                .followers
                .map(|n| format!("{} {} · ", locale.format_count(n.max(0) as u64), t.tiktok_followers))
                .unwrap_or_default();
            let text = format!(
                "{followers}{} {} · {} {}",
                locale.format_count(account.videos),
                t.tiktok_videos_kept,
                t.tiktok_as_of,
                utc_minutes(as_of)
            );
            view! { <p class="sync-line">{text}</p> }.into_any()
        }
        _ => view! { <p class="sync-line" aria-live="polite">{t.tiktok_first_sync}</p> }.into_any(),
    }
}

#[component]
fn AccountItem(account: TikTokAccount) -> impl IntoView {
    let t = use_messages();
    let (status_text, status_class) = match account.status.as_str() {
        "active" => (t.tiktok_status_active, "status status--ok"),
        "reconnect" => (t.tiktok_status_reconnect, "status status--warn"),
        _ => (t.tiktok_status_disconnected, "status status--off"),
    };
    let heading = account
        .username
        .as_ref()
        .map_or(account.display_name.clone(), |u| format!("{} (@{u})", account.display_name));
    let no_stats = account.status == "active" && !account.scopes.iter().any(|s| s == "user.info.stats");
    let disconnect_action = format!("/accounts/tiktok/{}/disconnect", account.id);
    let connected = account.status != "disconnected";
    view! {
        <li class="account-item">
            {account.avatar_url.clone().map(|src| view! { <img class="avatar" src=src alt="" width="48" height="48" /> })}
            <div class="account-body">
                <h3>
                    {heading}
                    {account.is_verified.then(|| view! { <span class="badge">{t.tiktok_verified}</span> })}
                </h3>
                <p class=status_class>{status_text}</p>
                {(account.status == "active").then(|| view! { <SyncLine account=account.clone() /> })}
                {account.purge_after.clone().map(|at| view! { <p>{t.tiktok_purge_on}" "{utc_minutes(&at)}</p> })}
                <p class="scopes"><span>{t.tiktok_access_label}": "</span>{account.scopes.join(", ")}</p>
                {no_stats.then(|| view! { <p class="hint">{t.tiktok_no_stats}</p> })}
                <p class="downloads">
                    <span>{t.tiktok_download_label}": "</span>
                    <a href=format!("/accounts/tiktok/{}/export/videos.csv", account.id) rel="external" download="">{t.tiktok_download_videos}" (CSV)"</a>" · "
                    <a href=format!("/accounts/tiktok/{}/export/videos.json", account.id) rel="external" download="">{t.tiktok_download_videos}" (JSON)"</a>" · "
                    <a href=format!("/accounts/tiktok/{}/export/snapshots.csv", account.id) rel="external" download="">{t.tiktok_download_history}" (CSV)"</a>" · "
                    <a href=format!("/accounts/tiktok/{}/export/snapshots.json", account.id) rel="external" download="">{t.tiktok_download_history}" (JSON)"</a>" · "
                    <a href=format!("/accounts/tiktok/{}/export/profile.csv", account.id) rel="external" download="">{t.tiktok_download_profile}" (CSV)"</a>" · "
                    <a href=format!("/accounts/tiktok/{}/export/profile.json", account.id) rel="external" download="">{t.tiktok_download_profile}" (JSON)"</a>
                </p>
                <div class="actions">
                    {(account.status != "active").then(|| view! {
                        <form method="post" action="/connect/tiktok">
                            <button type="submit" class="button button--small">{t.tiktok_reconnect_button}</button>
                        </form>
                    })}
                    {connected.then(|| view! {
                        <form method="post" action=disconnect_action>
                            <button type="submit" class="button button--small button--danger">{t.tiktok_disconnect_button}</button>
                        </form>
                    })}
                </div>
            </div>
        </li>
    }
}
