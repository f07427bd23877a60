//! `/accounts/tiktok/:id`: one TikTok account's followers, daily activity, engagement, top
//! videos, best time to post and hashtags.

use leptos::prelude::*;

use super::{Breadcrumbs, VideoTable, param_id, query_param, range_query};
use crate::api::account::Me;
use crate::api::tiktok::{AccountState, AccountView, ActivityCharts, HashtagView, account_analytics};
use crate::components::chart::Chart;
use crate::components::loading::Loading;
use crate::components::page::Page;
use crate::components::range_picker::RangePicker;
use crate::components::tiktok_card::{BackfillProgress, CardFigures};
use crate::format;
use crate::i18n::{use_locale, use_messages};
use crate::session::RequireUser;

/// `/accounts/tiktok/:id`.
#[component]
pub fn TikTokAccountPage() -> impl IntoView {
    view! { <RequireUser children=|_me: Me| view! { <AccountAnalytics /> } /> }
}

#[component]
fn AccountAnalytics() -> impl IntoView {
    let id = param_id("id");
    let (from, to) = (query_param("from"), query_param("to"));
    let data = Resource::new(
        move || (id.get(), from.get(), to.get()),
        |(id, from, to)| account_analytics(id, from, to),
    );
    view! {
        <Loading>
            {move || Suspend::new(async move { data.await.map(|view| view! { <AccountBody view /> }) })}
        </Loading>
    }
}

#[component]
fn AccountBody(view: AccountView) -> impl IntoView {
    let t = use_messages();
    let AccountView {
        card,
        range,
        followers,
        activity,
        activity_as_of,
        top,
        heatmap,
        heat_counts,
        posted,
        hashtags,
    } = view;
    let id = card.id;
    let query = range_query(&range);
    let followers_section = match followers {
        _ if !card.has_stats() => view! { <p class="hint">{t.tiktok.no_stats}</p> }.into_any(),
        Some(chart) => {
            view! { <Chart id="followers" label=t.analytics.followers_heading chart /> }.into_any()
        }
        None => view! { <p class="empty">{t.analytics.no_history}</p> }.into_any(),
    };
    let activity = match activity {
        Some(ActivityCharts { views, interactions, engagement }) => view! {
            <Chart id="daily-views" label=t.analytics.daily_views chart=views />
            <Chart id="daily-interactions" label=t.analytics.daily_interactions chart=interactions />
            <Chart id="engagement-trend" label=t.analytics.engagement_trend chart=engagement />
            {activity_as_of.map(|at| view! { <p class="as-of">{t.tiktok.as_of}" "{at}</p> })}
        }
        .into_any(),
        None => view! { <p class="empty">{t.analytics.no_history}</p> }.into_any(),
    };
    view! {
        <Breadcrumbs />
        <Page title=card.heading()>
            {(card.status != AccountState::Active).then(|| view! { <p class="notice notice--warn">{t.analytics.not_active}</p> })}
            {(card.status == AccountState::Active && !card.backfill_done).then(|| view! { <BackfillProgress card=card.clone() /> })}
            <section class="card" aria-labelledby="summary-heading">
                <h2 id="summary-heading" class="sr-only">{t.analytics.summary}</h2>
                <CardFigures card=card.clone() />
                <p><a class="button button--small" href=format!("/accounts/tiktok/{id}/videos{query}")>{t.analytics.all_videos}</a></p>
            </section>
            <RangePicker range=range.clone() />
            <section class="card" aria-labelledby="followers-heading">
                <h2 id="followers-heading">{t.analytics.followers_heading}</h2>
                {followers_section}
            </section>
            <section class="card" aria-labelledby="activity-heading">
                <h2 id="activity-heading">{t.analytics.activity_heading}</h2>
                {activity}
            </section>
            <section class="card" aria-labelledby="top-heading">
                <h2 id="top-heading">{t.analytics.top_videos}</h2>
                {if top.is_empty() {
                    view! { <p class="empty">{t.analytics.top_empty}</p> }.into_any()
                } else {
                    view! { <VideoTable account=id rows=top query=query.clone() /> }.into_any()
                }}
            </section>
            <section class="card" aria-labelledby="heatmap-heading">
                <h2 id="heatmap-heading">{t.analytics.heatmap_heading}</h2>
                <HeatmapTable cells=heatmap counts=heat_counts posted zone=range.zone.clone() />
            </section>
            <section class="card" aria-labelledby="hashtags-heading">
                <h2 id="hashtags-heading">{t.analytics.hashtags_heading}</h2>
                <HashtagTable tags=hashtags />
            </section>
        </Page>
    }
}

/// How strong a heatmap cell is drawn: 0 (nothing posted) to 5 (the best cell).
pub fn heat_level(value: Option<i64>, max: i64) -> u8 {
    match value {
        None => 0,
        Some(_) if max <= 0 => 1,
        Some(v) => (((v.max(0) as f64 / max as f64) * 5.0).ceil() as u8).clamp(1, 5),
    }
}

#[component]
fn HeatmapTable(
    cells: Vec<Vec<Option<i64>>>,
    counts: Vec<Vec<u32>>,
    posted: u64,
    zone: String,
) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    if posted == 0 {
        return view! { <p class="empty">{t.analytics.heatmap_empty}</p> }.into_any();
    }
    let max = cells.iter().flatten().flatten().copied().max().unwrap_or(0);
    let best = cells
        .iter()
        .enumerate()
        .flat_map(|(d, hours)| hours.iter().enumerate().filter_map(move |(h, v)| v.map(|v| (v, d, h))))
        .max_by_key(|(v, _, _)| *v);
    let best_text = best.map(|(views, day, hour)| {
        format!(
            "{} {} {hour:02}:00 ({} {})",
            t.analytics.heatmap_best,
            t.analytics.weekdays[day],
            format::count(views, locale),
            t.analytics.median_views_lower
        )
    });
    view! {
        <p class="hint">{t.analytics.heatmap_hint}" "{zone}"."</p>
        {best_text.map(|text| view! { <p class="best-slot"><strong>{text}</strong></p> })}
        <div class="table-scroll">
            <table class="heatmap">
                <caption class="sr-only">{t.analytics.heatmap_heading}</caption>
                <thead>
                    <tr>
                        <td></td>
                        {(0..24).map(|h| view! { <th scope="col">{format!("{h:02}")}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {cells
                        .iter()
                        .enumerate()
                        .map(|(day, hours)| {
                            view! {
                                <tr>
                                    <th scope="row">{t.analytics.weekdays_short[day]}</th>
                                    {hours
                                        .iter()
                                        .enumerate()
                                        .map(|(hour, v)| {
                                            let n = counts.get(day).and_then(|c| c.get(hour)).copied().unwrap_or(0);
                                            let class = format!("heat heat-{}", heat_level(*v, max));
                                            let title = format!("{} {hour:02}:00 · {} · {n} {}", t.analytics.weekdays[day], format::maybe_count(*v, locale), t.analytics.videos_lower);
                                            view! { <td class=class title=title>{v.map(|v| format::count(v, locale)).unwrap_or_default()}</td> }
                                        })
                                        .collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn HashtagTable(tags: Vec<HashtagView>) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    if tags.is_empty() {
        return view! { <p class="empty">{t.analytics.hashtags_empty}</p> }.into_any();
    }
    view! {
        <table class="data-table">
            <thead>
                <tr>
                    <th scope="col">{t.analytics.hashtag}</th>
                    <th scope="col" class="num">{t.analytics.videos}</th>
                    <th scope="col" class="num">{t.analytics.median_views}</th>
                    <th scope="col" class="num">{t.analytics.engagement}</th>
                </tr>
            </thead>
            <tbody>
                {tags
                    .into_iter()
                    .map(|tag| view! {
                        <tr>
                            <th scope="row">"#"{tag.tag}</th>
                            <td class="num">{locale.format_count(u64::from(tag.videos))}</td>
                            <td class="num">{format::count(tag.median_views, locale)}</td>
                            <td class="num">{format::percent(tag.engagement_rate, locale)}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::heat_level;

    #[test]
    fn heat_levels_scale_to_the_best_cell() {
        assert_eq!(heat_level(None, 100), 0);
        assert_eq!(heat_level(Some(0), 100), 1, "posted but unseen still shows");
        assert_eq!(heat_level(Some(100), 100), 5);
        assert_eq!(heat_level(Some(41), 100), 3);
        assert_eq!(heat_level(Some(5), 0), 1);
    }
}
