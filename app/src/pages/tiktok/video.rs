//! `/accounts/tiktok/:id/videos/:video`: one video's history.

use leptos::prelude::*;

use super::{Breadcrumbs, param_id, query_param};
use crate::api::account::Me;
use crate::api::tiktok::{VideoCharts, VideoDetailView, video_detail};
use crate::components::chart::Chart;
use crate::components::loading::Loading;
use crate::components::page::Page;
use crate::components::range_picker::RangePicker;
use crate::components::tiktok_card::figure;
use crate::format;
use crate::i18n::{use_locale, use_messages};
use crate::session::RequireUser;

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
            <Chart id="video-views" label=t.analytics.video_views chart=views />
            <Chart id="video-interactions" label=t.analytics.video_interactions chart=interactions />
        }
        .into_any(),
        None => view! { <p class="empty">{t.analytics.no_history}</p> }.into_any(),
    };
    view! {
        <Breadcrumbs card=card.clone() range=range.clone() />
        <Page title=video.title.clone()>
            <section class="card video-summary" aria-labelledby="video-heading">
                <h2 id="video-heading" class="sr-only">{t.analytics.summary}</h2>
                {video.cover_url.clone().map(|src| view! { <img class="cover cover--large" src=src alt=t.analytics.cover_alt width="180" height="240" /> })}
                <div>
                    <p class="caption">{video.caption.clone()}</p>
                    <p>{t.analytics.posted}": "{video.posted.clone()}</p>
                    <dl class="figures">
                        {figure(t.analytics.views, format::count(video.views, locale))}
                        {figure(t.analytics.likes, format::count(video.likes, locale))}
                        {figure(t.analytics.comments, format::count(video.comments, locale))}
                        {figure(t.analytics.shares, format::count(video.shares, locale))}
                        {figure(t.analytics.engagement, format::percent(video.engagement_rate, locale))}
                        {figure(t.analytics.growth, format::change(Some(video.growth), locale))}
                    </dl>
                    {video.as_of.clone().map(|at| view! { <p class="as-of">{t.tiktok.as_of}" "{at}</p> })}
                    {video.share_url.clone().map(|href| view! {
                        <p><a href=href rel="external noopener noreferrer" target="_blank">{t.analytics.open_tiktok}</a></p>
                    })}
                </div>
            </section>
            <RangePicker range=range.clone() />
            <section class="card" aria-labelledby="history-heading">
                <h2 id="history-heading">{t.analytics.history_heading}</h2>
                {charts}
            </section>
        </Page>
    }
}
