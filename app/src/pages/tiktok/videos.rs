//! `/accounts/tiktok/:id/videos`: the sortable, searchable, paged table of an account's videos.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{Breadcrumbs, VideoTable, param_id, range_query};
use crate::api::account::Me;
use crate::api::tiktok::{VideosView, account_videos};
use crate::components::loading::Loading;
use crate::components::page::Page;
use crate::components::range_picker::{RangePicker, query_string};
use crate::i18n::{use_locale, use_messages};
use crate::session::RequireUser;

/// `/accounts/tiktok/:id/videos`.
#[component]
pub fn TikTokVideosPage() -> impl IntoView {
    view! { <RequireUser children=|_me: Me| view! { <Videos /> } /> }
}

#[component]
fn Videos() -> impl IntoView {
    let id = param_id("id");
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            let get = |k: &str| q.get(k).filter(|v| !v.is_empty());
            (
                id.get(),
                get("from"),
                get("to"),
                get("sort"),
                get("dir"),
                get("q"),
                get("page").and_then(|p| p.parse().ok()),
            )
        },
        |(id, from, to, sort, dir, q, page)| account_videos(id, from, to, sort, dir, q, page),
    );
    view! {
        <Loading>
            {move || Suspend::new(async move { data.await.map(|view| view! { <VideosBody view /> }) })}
        </Loading>
    }
}

#[component]
fn VideosBody(view: VideosView) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    let VideosView { card, range, rows, total, page, per_page, sort, descending, search } = view;
    let id = card.id;
    let pages = total.div_ceil(per_page).max(1);
    let base = |sort: &str, dir: &str, page: u64| {
        query_string(&[
            ("from", range.from.clone()),
            ("to", range.to.clone()),
            ("sort", sort.to_owned()),
            ("dir", dir.to_owned()),
            ("q", search.clone()),
            ("page", if page > 1 { page.to_string() } else { String::new() }),
        ])
    };
    let path = format!("/accounts/tiktok/{id}/videos");
    let column = |key: &'static str, label: &'static str| {
        let active = sort == key;
        // A click on the sorted column flips it; a new column starts largest first.
        let dir = if active && descending { "asc" } else { "desc" };
        let aria = active.then_some(if descending { "descending" } else { "ascending" });
        let arrow = if active { if descending { " ↓" } else { " ↑" } } else { "" };
        let class = if key == "posted" { "" } else { "num" };
        view! { <th scope="col" class=class aria-sort=aria><a href=format!("{path}{}", base(key, dir, 1))>{label}{arrow}</a></th> }
    };
    let head = view! {
        <tr>
            <th scope="col">{t.analytics.video}</th>
            {column("posted", t.analytics.posted)}
            {column("views", t.analytics.views)}
            {column("likes", t.analytics.likes)}
            {column("comments", t.analytics.comments)}
            {column("shares", t.analytics.shares)}
            {column("engagement", t.analytics.engagement)}
            {column("growth", t.analytics.growth)}
        </tr>
    }
    .into_any();
    let dir = if descending { "desc" } else { "asc" };
    let previous = (page > 1).then(|| format!("{path}{}", base(&sort, dir, page - 1)));
    let next = (page < pages).then(|| format!("{path}{}", base(&sort, dir, page + 1)));
    let keep = vec![("sort", sort.clone()), ("dir", dir.to_owned()), ("q", search.clone())];
    let summary = format!(
        "{} {} · {} {} / {}",
        locale.format_count(total),
        t.analytics.videos_lower,
        t.analytics.page,
        locale.format_count(page),
        locale.format_count(pages)
    );
    view! {
        <Breadcrumbs card=card.clone() range=range.clone() />
        <Page title=format!("{} · {}", t.analytics.videos_heading, card.heading())>
            <RangePicker range=range.clone() keep />
            <form method="get" action=path.clone() class="search-form" role="search">
                <input type="hidden" name="from" value=range.from.clone() />
                <input type="hidden" name="to" value=range.to.clone() />
                <input type="hidden" name="sort" value=sort.clone() />
                <input type="hidden" name="dir" value=dir />
                <label>{t.analytics.search_label}" "<input type="search" name="q" value=search.clone() maxlength="100" /></label>
                <button type="submit" class="button button--small">{t.analytics.search_button}</button>
            </form>
            <p class="hint" aria-live="polite">{summary}</p>
            {if rows.is_empty() {
                view! { <p class="empty">{if search.is_empty() { t.analytics.no_videos_yet } else { t.analytics.no_videos }}</p> }.into_any()
            } else {
                view! { <VideoTable account=id rows query=range_query(&range) head /> }.into_any()
            }}
            <nav class="pager" aria-label=t.analytics.pages>
                {previous.map(|href| view! { <a href=href rel="prev">{t.analytics.previous}</a> })}
                {next.map(|href| view! { <a href=href rel="next">{t.analytics.next}</a> })}
            </nav>
            <p class="downloads">
                <span>{t.tiktok.download_label}": "</span>
                <a href=format!("/accounts/tiktok/{id}/export/videos.csv?from={}&to={}", range.from, range.to) rel="external" download="">{t.tiktok.download_videos}" (CSV)"</a>" · "
                <a href=format!("/accounts/tiktok/{id}/export/videos.json?from={}&to={}", range.from, range.to) rel="external" download="">{t.tiktok.download_videos}" (JSON)"</a>
            </p>
        </Page>
    }
}
