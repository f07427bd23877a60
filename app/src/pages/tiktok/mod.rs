//! The TikTok pages: `/accounts` (the connected accounts, [`list`]), one account's analytics
//! ([`account`]), its videos table ([`videos`]) and one video's history ([`video`]). Every page
//! takes the shared `from`/`to` range; tables and links work without JavaScript. This module
//! holds what they share: the path and query readers, the breadcrumbs and the videos table.

pub mod account;
pub mod list;
pub mod video;
pub mod videos;

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::tiktok::{CardView, RangeView, VideoView};
use crate::components::range_picker::query_string;
use crate::format;
use crate::i18n::{use_locale, use_messages};

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

#[component]
fn Breadcrumbs(
    #[prop(optional)] card: Option<CardView>,
    #[prop(optional)] range: Option<RangeView>,
) -> impl IntoView {
    let t = use_messages();
    view! {
        <nav aria-label=t.shell.breadcrumbs class="breadcrumbs">
            <a href="/accounts">{t.shell.nav_accounts}</a>
            {card.map(|card| {
                let query = range.as_ref().map(range_query).unwrap_or_default();
                view! { " / " <a href=format!("/accounts/tiktok/{}{query}", card.id)>{card.heading()}</a> }
            })}
        </nav>
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
                <th scope="col">{t.analytics.video}</th>
                <th scope="col">{t.analytics.posted}</th>
                <th scope="col" class="num">{t.analytics.views}</th>
                <th scope="col" class="num">{t.analytics.likes}</th>
                <th scope="col" class="num">{t.analytics.comments}</th>
                <th scope="col" class="num">{t.analytics.shares}</th>
                <th scope="col" class="num">{t.analytics.engagement}</th>
                <th scope="col" class="num">{t.analytics.growth}</th>
            </tr>
        }
        .into_any()
    });
    // Rows read at different passes: say how fresh the freshest is.
    let as_of = rows.iter().filter_map(|v| v.as_of.clone()).max();
    view! {
        {as_of.map(|at| view! { <p class="as-of">{t.tiktok.as_of}" "{at}</p> })}
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
