//! One TikTok account's analytics: `/accounts/tiktok/:id` (followers, daily activity, engagement,
//! top videos, best time to post, hashtags), `/accounts/tiktok/:id/videos` (the sortable,
//! searchable, paged videos table) and `/accounts/tiktok/:id/videos/:video` (one video's history).
//! Every page takes the shared `from`/`to` range; tables and links work without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::account::Me;
use crate::api::analytics::{
    AccountState, AccountView, ActivityCharts, CardView, HashtagView, RangeView, VideoCharts,
    VideoDetailView, VideoView, VideosView, account_analytics, account_videos, video_detail,
};
use crate::components::chart::Chart;
use crate::components::loading::Loading;
use crate::components::page::Page;
use crate::components::range_picker::{RangePicker, query_string};
use crate::format;
use crate::i18n::{use_locale, use_messages};
use crate::pages::accounts::{BackfillProgress, CardFigures};
use crate::session::RequireUser;

fn param_id(name: &str) -> Memo<i64> {
    let params = use_params_map();
    let name = name.to_owned();
    Memo::new(move |_| params.read().get(&name).and_then(|v| v.parse().ok()).unwrap_or(0))
}

fn query_param(name: &'static str) -> Memo<Option<String>> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get(name).filter(|v| !v.is_empty()))
}

/// `?from=..&to=..` of a range, for links that keep it.
fn range_query(range: &RangeView) -> String {
    query_string(&[("from", range.from.clone()), ("to", range.to.clone())])
}

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
fn Breadcrumbs(
    #[prop(optional)] card: Option<CardView>,
    #[prop(optional)] range: Option<RangeView>,
) -> impl IntoView {
    let t = use_messages();
    view! {
        <nav aria-label=t.breadcrumbs class="breadcrumbs">
            <a href="/accounts">{t.nav_accounts}</a>
            {card.map(|card| {
                let query = range.as_ref().map(range_query).unwrap_or_default();
                view! { " / " <a href=format!("/accounts/tiktok/{}{query}", card.id)>{card.heading()}</a> }
            })}
        </nav>
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
        _ if !card.has_stats() => view! { <p class="hint">{t.tiktok_no_stats}</p> }.into_any(),
        Some(chart) => {
            view! { <Chart id="followers" label=t.analytics_followers_heading chart /> }.into_any()
        }
        None => view! { <p class="empty">{t.analytics_no_history}</p> }.into_any(),
    };
    let activity = match activity {
        Some(ActivityCharts { views, interactions, engagement }) => view! {
            <Chart id="daily-views" label=t.analytics_daily_views chart=views />
            <Chart id="daily-interactions" label=t.analytics_daily_interactions chart=interactions />
            <Chart id="engagement-trend" label=t.analytics_engagement_trend chart=engagement />
            {activity_as_of.map(|at| view! { <p class="as-of">{t.tiktok_as_of}" "{at}</p> })}
        }
        .into_any(),
        None => view! { <p class="empty">{t.analytics_no_history}</p> }.into_any(),
    };
    view! {
        <Breadcrumbs />
        <Page title=card.heading()>
            {(card.status != AccountState::Active).then(|| view! { <p class="notice notice--warn">{t.analytics_not_active}</p> })}
            {(card.status == AccountState::Active && !card.backfill_done).then(|| view! { <BackfillProgress card=card.clone() /> })}
            <section class="card" aria-labelledby="summary-heading">
                <h2 id="summary-heading" class="sr-only">{t.analytics_summary}</h2>
                <CardFigures card=card.clone() />
                <p><a class="button button--small" href=format!("/accounts/tiktok/{id}/videos{query}")>{t.analytics_all_videos}</a></p>
            </section>
            <RangePicker range=range.clone() />
            <section class="card" aria-labelledby="followers-heading">
                <h2 id="followers-heading">{t.analytics_followers_heading}</h2>
                {followers_section}
            </section>
            <section class="card" aria-labelledby="activity-heading">
                <h2 id="activity-heading">{t.analytics_activity_heading}</h2>
                {activity}
            </section>
            <section class="card" aria-labelledby="top-heading">
                <h2 id="top-heading">{t.analytics_top_videos}</h2>
                {if top.is_empty() {
                    view! { <p class="empty">{t.analytics_top_empty}</p> }.into_any()
                } else {
                    view! { <VideoTable account=id rows=top query=query.clone() /> }.into_any()
                }}
            </section>
            <section class="card" aria-labelledby="heatmap-heading">
                <h2 id="heatmap-heading">{t.analytics_heatmap_heading}</h2>
                <HeatmapTable cells=heatmap counts=heat_counts posted zone=range.zone.clone() />
            </section>
            <section class="card" aria-labelledby="hashtags-heading">
                <h2 id="hashtags-heading">{t.analytics_hashtags_heading}</h2>
                <HashtagTable tags=hashtags />
            </section>
        </Page>
    }
}

/// Videos as a table: cover, title (to the video's page), posted, counters, engagement, growth.
#[component]
fn VideoTable(
    account: i64,
    rows: Vec<VideoView>,
    query: String,
    #[prop(optional)] head: Option<AnyView>,
) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    let head = head.unwrap_or_else(|| {
        view! {
            <tr>
                <th scope="col">{t.analytics_video}</th>
                <th scope="col">{t.analytics_posted}</th>
                <th scope="col" class="num">{t.analytics_views}</th>
                <th scope="col" class="num">{t.analytics_likes}</th>
                <th scope="col" class="num">{t.analytics_comments}</th>
                <th scope="col" class="num">{t.analytics_shares}</th>
                <th scope="col" class="num">{t.analytics_engagement}</th>
                <th scope="col" class="num">{t.analytics_growth}</th>
            </tr>
        }
        .into_any()
    });
    // Rows read at different passes: say how fresh the freshest is.
    let as_of = rows.iter().filter_map(|v| v.as_of.clone()).max();
    view! {
        {as_of.map(|at| view! { <p class="as-of">{t.tiktok_as_of}" "{at}</p> })}
        <div class="table-scroll">
            <table class="data-table videos-table">
                <thead>{head}</thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|v| {
                            let href = format!("/accounts/tiktok/{account}/videos/{}{query}", v.id);
                            view! {
                                <tr>
                                    <th scope="row" class="video-cell">
                                        {v.cover_url.clone().map(|src| view! { <img class="cover" src=src alt="" width="36" height="48" loading="lazy" /> })}
                                        <a href=href>{v.title.clone()}</a>
                                    </th>
                                    <td>{v.posted.clone()}</td>
                                    <td class="num">{format::count(v.views, locale)}</td>
                                    <td class="num">{format::count(v.likes, locale)}</td>
                                    <td class="num">{format::count(v.comments, locale)}</td>
                                    <td class="num">{format::count(v.shares, locale)}</td>
                                    <td class="num">{format::percent(v.engagement_rate, locale)}</td>
                                    <td class="num">{format::change(Some(v.growth), locale)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
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
        return view! { <p class="empty">{t.analytics_heatmap_empty}</p> }.into_any();
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
            t.analytics_heatmap_best,
            t.weekdays[day],
            format::count(views, locale),
            t.analytics_median_views_lower
        )
    });
    view! {
        <p class="hint">{t.analytics_heatmap_hint}" "{zone}"."</p>
        {best_text.map(|text| view! { <p class="best-slot"><strong>{text}</strong></p> })}
        <div class="table-scroll">
            <table class="heatmap">
                <caption class="sr-only">{t.analytics_heatmap_heading}</caption>
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
                                    <th scope="row">{t.weekdays_short[day]}</th>
                                    {hours
                                        .iter()
                                        .enumerate()
                                        .map(|(hour, v)| {
                                            let n = counts.get(day).and_then(|c| c.get(hour)).copied().unwrap_or(0);
                                            let class = format!("heat heat-{}", heat_level(*v, max));
                                            let title = format!("{} {hour:02}:00 · {} · {n} {}", t.weekdays[day], format::maybe_count(*v, locale), t.analytics_videos_lower);
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
        return view! { <p class="empty">{t.analytics_hashtags_empty}</p> }.into_any();
    }
    view! {
        <table class="data-table">
            <thead>
                <tr>
                    <th scope="col">{t.analytics_hashtag}</th>
                    <th scope="col" class="num">{t.analytics_videos}</th>
                    <th scope="col" class="num">{t.analytics_median_views}</th>
                    <th scope="col" class="num">{t.analytics_engagement}</th>
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
            <th scope="col">{t.analytics_video}</th>
            {column("posted", t.analytics_posted)}
            {column("views", t.analytics_views)}
            {column("likes", t.analytics_likes)}
            {column("comments", t.analytics_comments)}
            {column("shares", t.analytics_shares)}
            {column("engagement", t.analytics_engagement)}
            {column("growth", t.analytics_growth)}
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
        t.analytics_videos_lower,
        t.analytics_page,
        locale.format_count(page),
        locale.format_count(pages)
    );
    view! {
        <Breadcrumbs card=card.clone() range=range.clone() />
        <Page title=format!("{} · {}", t.analytics_videos_heading, card.heading())>
            <RangePicker range=range.clone() keep />
            <form method="get" action=path.clone() class="search-form" role="search">
                <input type="hidden" name="from" value=range.from.clone() />
                <input type="hidden" name="to" value=range.to.clone() />
                <input type="hidden" name="sort" value=sort.clone() />
                <input type="hidden" name="dir" value=dir />
                <label>{t.analytics_search_label}" "<input type="search" name="q" value=search.clone() maxlength="100" /></label>
                <button type="submit" class="button button--small">{t.analytics_search_button}</button>
            </form>
            <p class="hint" aria-live="polite">{summary}</p>
            {if rows.is_empty() {
                view! { <p class="empty">{if search.is_empty() { t.analytics_no_videos_yet } else { t.analytics_no_videos }}</p> }.into_any()
            } else {
                view! { <VideoTable account=id rows query=range_query(&range) head /> }.into_any()
            }}
            <nav class="pager" aria-label=t.analytics_pages>
                {previous.map(|href| view! { <a href=href rel="prev">{t.analytics_previous}</a> })}
                {next.map(|href| view! { <a href=href rel="next">{t.analytics_next}</a> })}
            </nav>
            <p class="downloads">
                <span>{t.tiktok_download_label}": "</span>
                <a href=format!("/accounts/tiktok/{id}/export/videos.csv?from={}&to={}", range.from, range.to) rel="external" download="">{t.tiktok_download_videos}" (CSV)"</a>" · "
                <a href=format!("/accounts/tiktok/{id}/export/videos.json?from={}&to={}", range.from, range.to) rel="external" download="">{t.tiktok_download_videos}" (JSON)"</a>
            </p>
        </Page>
    }
}

/// `/accounts/tiktok/:id/videos/:video`.
#[component]
pub fn TikTokVideoPage() -> impl IntoView {
    view! { <RequireUser children=|_me: Me| view! { <VideoDetail /> } /> }
}

#[component]
fn VideoDetail() -> impl IntoView {
    let (id, video) = (param_id("id"), param_id("video"));
    let (from, to) = (query_param("from"), query_param("to"));
    let data = Resource::new(
        move || (id.get(), video.get(), from.get(), to.get()),
        |(id, video, from, to)| video_detail(id, video, from, to),
    );
    view! {
        <Loading>
            {move || Suspend::new(async move { data.await.map(|view| view! { <VideoBody view /> }) })}
        </Loading>
    }
}

#[component]
fn VideoBody(view: VideoDetailView) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    let VideoDetailView { card, video, range, charts } = view;
    let charts = match charts {
        Some(VideoCharts { views, interactions }) => view! {
            <Chart id="video-views" label=t.analytics_video_views chart=views />
            <Chart id="video-interactions" label=t.analytics_video_interactions chart=interactions />
        }
        .into_any(),
        None => view! { <p class="empty">{t.analytics_no_history}</p> }.into_any(),
    };
    let figure = |label: &'static str, value: String| view! { <div class="figure"><dt>{label}</dt><dd>{value}</dd></div> };
    view! {
        <Breadcrumbs card=card.clone() range=range.clone() />
        <Page title=video.title.clone()>
            <section class="card video-summary" aria-labelledby="video-heading">
                <h2 id="video-heading" class="sr-only">{t.analytics_summary}</h2>
                {video.cover_url.clone().map(|src| view! { <img class="cover cover--large" src=src alt=t.analytics_cover_alt width="180" height="240" /> })}
                <div>
                    <p class="caption">{video.caption.clone()}</p>
                    <p>{t.analytics_posted}": "{video.posted.clone()}</p>
                    <dl class="figures">
                        {figure(t.analytics_views, format::count(video.views, locale))}
                        {figure(t.analytics_likes, format::count(video.likes, locale))}
                        {figure(t.analytics_comments, format::count(video.comments, locale))}
                        {figure(t.analytics_shares, format::count(video.shares, locale))}
                        {figure(t.analytics_engagement, format::percent(video.engagement_rate, locale))}
                        {figure(t.analytics_growth, format::change(Some(video.growth), locale))}
                    </dl>
                    {video.as_of.clone().map(|at| view! { <p class="as-of">{t.tiktok_as_of}" "{at}</p> })}
                    {video.share_url.clone().map(|href| view! {
                        <p><a href=href rel="external noopener noreferrer" target="_blank">{t.analytics_open_tiktok}</a></p>
                    })}
                </div>
            </section>
            <RangePicker range=range.clone() />
            <section class="card" aria-labelledby="history-heading">
                <h2 id="history-heading">{t.analytics_history_heading}</h2>
                {charts}
            </section>
        </Page>
    }
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
