//! Analytics of connected TikTok accounts: the overview cards and comparison, one account's
//! charts, its videos table and one video's history. Each server function reads the date range
//! in the user's time zone, asks `domain::tiktok::analytics::pages` for the page (which checks that the
//! account is the caller's) and maps it to its wire form: plain numbers, chart options and
//! ready-formatted local times, so both renderers show the same thing.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::GetUrl;

use crate::components::chart::ChartView;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use domain::tiktok::analytics::pages;

/// The date range a page shows, as the range picker needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RangeView {
    /// First day (`YYYY-MM-DD`).
    pub from: String,
    /// Last day.
    pub to: String,
    /// Today in the user's zone (for the presets).
    pub today: String,
    /// The user's time zone name.
    pub zone: String,
}

/// An account's card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardView {
    /// Soco's id of the account.
    pub id: i64,
    /// Display name.
    pub display_name: String,
    /// `@` handle.
    pub username: Option<String>,
    /// Avatar link.
    pub avatar_url: Option<String>,
    /// Verified badge.
    pub is_verified: bool,
    /// Where its connection stands.
    pub status: AccountState,
    /// Granted scopes, by TikTok's names.
    pub scopes: Vec<String>,
    /// Whether the stats scope was granted (follower and like counts are read).
    pub stats_shared: bool,
    /// After a disconnect: when its history is deleted (UTC, RFC 3339).
    pub purge_after: Option<String>,
    /// Whether the first full sync has finished.
    pub backfill_done: bool,
    /// Videos Soco keeps.
    pub videos_kept: u64,
    /// Followers (needs `user.info.stats`).
    pub followers: Option<i64>,
    /// Following.
    pub following: Option<i64>,
    /// Likes received.
    pub likes: Option<i64>,
    /// Public videos TikTok counts.
    pub videos: Option<i64>,
    /// Follower change over 7 days.
    pub followers_7d: Option<i64>,
    /// Follower change over 30 days.
    pub followers_30d: Option<i64>,
    /// Interactions per view over all its videos.
    pub engagement_rate: Option<f64>,
    /// When the profile figures were read (local, `YYYY-MM-DD HH:MM`).
    pub as_of: Option<String>,
    /// Why the account's history is not kept up to date, when its sync keeps failing.
    pub trouble: Option<TroubleView>,
}

/// Where a connected account stands, as its card shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountState {
    /// Syncing normally.
    Active,
    /// The grant stopped working: the user must connect it again.
    Reconnect,
    /// The user withdrew consent; its history is deleted at `purge_after`.
    Disconnected,
}

#[cfg(feature = "ssr")]
impl From<domain::tiktok::connections::AccountStatus> for AccountState {
    fn from(status: domain::tiktok::connections::AccountStatus) -> Self {
        use domain::tiktok::connections::AccountStatus;
        match status {
            AccountStatus::Active => AccountState::Active,
            AccountStatus::Reconnect => AccountState::Reconnect,
            AccountStatus::Disconnected => AccountState::Disconnected,
        }
    }
}

/// A sync that keeps failing, as its card tells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TroubleView {
    /// When the failures began (local, `YYYY-MM-DD HH:MM`).
    pub since: String,
    /// The last failure.
    pub reason: String,
    /// Whether Soco stopped retrying.
    pub given_up: bool,
}

impl CardView {
    /// Backfill progress: videos kept of those TikTok counts (0.0 to 1.0), when both are known.
    pub fn progress(&self) -> Option<f64> {
        let total = self.videos.filter(|n| *n > 0)?;
        Some((self.videos_kept as f64 / total as f64).min(1.0))
    }

    /// Whether the stats scope was granted.
    pub fn has_stats(&self) -> bool {
        self.stats_shared
    }

    /// `Name (@handle)`.
    pub fn heading(&self) -> String {
        self.username.as_ref().map_or(self.display_name.clone(), |u| format!("{} (@{u})", self.display_name))
    }
}

/// The accounts overview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverviewView {
    /// One card per account.
    pub cards: Vec<CardView>,
    /// The range of the comparison.
    pub range: RangeView,
    /// Followers per day compared, one line per account with stats; `None` when none has them.
    pub followers: Option<ChartView>,
}

/// The charts of what an account's videos gained each day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityCharts {
    /// Views gained per day.
    pub views: ChartView,
    /// Likes, comments and shares gained per day.
    pub interactions: ChartView,
    /// Interactions per view, per day.
    pub engagement: ChartView,
}

/// A video row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VideoView {
    /// Soco's id of it.
    pub id: i64,
    /// Title, or the caption's start when it has none.
    pub title: String,
    /// Caption.
    pub caption: String,
    /// Posted (local, `YYYY-MM-DD HH:MM`).
    pub posted: String,
    /// Cover link.
    pub cover_url: Option<String>,
    /// Public link.
    pub share_url: Option<String>,
    /// Views.
    pub views: i64,
    /// Likes.
    pub likes: i64,
    /// Comments.
    pub comments: i64,
    /// Shares.
    pub shares: i64,
    /// Interactions per view.
    pub engagement_rate: Option<f64>,
    /// Views gained within the range.
    pub growth: i64,
    /// When the counters were read (local).
    pub as_of: Option<String>,
}

/// One hashtag's performance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HashtagView {
    /// The tag without `#`.
    pub tag: String,
    /// Videos carrying it.
    pub videos: u32,
    /// Their median views.
    pub median_views: i64,
    /// Their interactions per view.
    pub engagement_rate: Option<f64>,
}

/// One account's analytics page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountView {
    /// Its card.
    pub card: CardView,
    /// The range shown.
    pub range: RangeView,
    /// Followers at each day's end; `None` when no day of the range has a reading.
    pub followers: Option<ChartView>,
    /// What its videos gained each day; `None` when no day of the range has a reading.
    pub activity: Option<ActivityCharts>,
    /// When the daily figures were last read (local).
    pub activity_as_of: Option<String>,
    /// The videos that gained most views in the range.
    pub top: Vec<VideoView>,
    /// `heatmap[weekday][hour]`: median views of videos posted then (Monday first).
    pub heatmap: Vec<Vec<Option<i64>>>,
    /// Videos behind each heatmap cell.
    pub heat_counts: Vec<Vec<u32>>,
    /// Videos posted in the range.
    pub posted: u64,
    /// Hashtags of videos posted in the range, best first.
    pub hashtags: Vec<HashtagView>,
}

/// One page of an account's videos table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VideosView {
    /// The account.
    pub card: CardView,
    /// The range growth is measured over.
    pub range: RangeView,
    /// The page's rows.
    pub rows: Vec<VideoView>,
    /// Matching videos over all pages.
    pub total: u64,
    /// This page, from 1.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
    /// Sorted by (a `VideoSort` name).
    pub sort: String,
    /// Largest first.
    pub descending: bool,
    /// The search text.
    pub search: String,
}

/// One video's counters over time, at each snapshot within the range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoCharts {
    /// Views.
    pub views: ChartView,
    /// Likes, comments and shares.
    pub interactions: ChartView,
}

/// One video's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VideoDetailView {
    /// The account.
    pub card: CardView,
    /// The video.
    pub video: VideoView,
    /// The range of the history.
    pub range: RangeView,
    /// Its snapshots within the range, drawn; `None` when there are none.
    pub charts: Option<VideoCharts>,
}

/// Videos per page of the videos table.
pub const PER_PAGE: u64 = 25;

/// The overview of every account of the caller, with followers compared over the range.
#[server(input = GetUrl)]
pub async fn accounts_overview(from: Option<String>, to: Option<String>) -> Result<OverviewView, AppError> {
    let caller = crate::ssr::Caller::new()?;
    let range = caller.range(from.as_deref(), to.as_deref())?;
    let entries = pages::overview(&caller.services, caller.user(), &range, caller.now).await?;
    Ok(OverviewView::new(entries, &wire::Ctx::new(&caller, range)))
}

/// One account's analytics over the range.
#[server(input = GetUrl)]
pub async fn account_analytics(
    id: i64,
    from: Option<String>,
    to: Option<String>,
) -> Result<AccountView, AppError> {
    let caller = crate::ssr::Caller::new()?;
    let range = caller.range(from.as_deref(), to.as_deref())?;
    let page = pages::account(&caller.services, caller.user(), id, &range, caller.now).await?;
    Ok(AccountView::new(page, &wire::Ctx::new(&caller, range)))
}

/// One page of an account's videos: searched, sorted, with growth over the range.
#[server(input = GetUrl)]
pub async fn account_videos(
    id: i64,
    from: Option<String>,
    to: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    q: Option<String>,
    page: Option<u64>,
) -> Result<VideosView, AppError> {
    let caller = crate::ssr::Caller::new()?;
    let range = caller.range(from.as_deref(), to.as_deref())?;
    let query = pages::video_query(sort.as_deref(), dir.as_deref(), q.as_deref(), page, PER_PAGE)?;
    let found = pages::videos(&caller.services, caller.user(), id, &range, &query, caller.now).await?;
    Ok(VideosView::new(found, query, &wire::Ctx::new(&caller, range)))
}

/// One video's counters over the range.
#[server(input = GetUrl)]
pub async fn video_detail(
    id: i64,
    video: i64,
    from: Option<String>,
    to: Option<String>,
) -> Result<VideoDetailView, AppError> {
    let caller = crate::ssr::Caller::new()?;
    let range = caller.range(from.as_deref(), to.as_deref())?;
    let detail = pages::video(&caller.services, caller.user(), id, video, &range, caller.now).await?;
    Ok(VideoDetailView::new(detail, &wire::Ctx::new(&caller, range)))
}

/// The wire forms of the domain's pages: local times, chart options in the caller's language,
/// links to Soco's picture relay.
#[cfg(feature = "ssr")]
mod wire {
    use chrono::{DateTime, Utc};
    use domain::entities::tiktok_video_snapshot;
    use domain::tiktok::analytics::pages::{AccountPage, Card, OverviewEntry, VideoDetail, VideosPage};
    use domain::tiktok::analytics::{Counters, DateRange, VideoQuery, VideoRow};

    use super::*;
    use crate::components::chart::ChartView;
    use crate::i18n::Language;
    use crate::ssr::Caller;

    /// The range, clock and language one answer is written for.
    pub struct Ctx {
        range: DateRange,
        now: DateTime<Utc>,
        locale: Language,
    }

    impl Ctx {
        pub fn new(caller: &Caller, range: DateRange) -> Self {
            Ctx { range, now: caller.now, locale: caller.locale }
        }

        /// Every day of the range, in order: the categories of its charts.
        fn days(&self) -> Vec<String> {
            self.range.days().map(|d| d.to_string()).collect()
        }

        /// `chart`, ready for the page.
        fn chart(&self, chart: &charming::Chart) -> ChartView {
            ChartView::new(chart, self.locale)
        }

        fn local(&self, at: DateTime<Utc>) -> String {
            at.with_timezone(&self.range.zone).format("%Y-%m-%d %H:%M").to_string()
        }

        fn range_view(&self) -> RangeView {
            RangeView {
                from: self.range.from.to_string(),
                to: self.range.to.to_string(),
                today: self.now.with_timezone(&self.range.zone).date_naive().to_string(),
                zone: self.range.zone.name().to_owned(),
            }
        }

        fn card(&self, card: Card) -> CardView {
            let Card { account, overview, trouble } = card;
            let account = account.into_model();
            let latest = overview.latest.as_ref();
            CardView {
                id: account.id,
                display_name: account.display_name,
                username: account.username,
                // Relayed by Soco (`server::tiktok::media`): pages load no picture from TikTok directly.
                avatar_url: account.avatar_url.map(|_| format!("/accounts/tiktok/{}/avatar", account.id)),
                is_verified: account.is_verified.unwrap_or(false),
                status: account.status.into(),
                scopes: account.scopes.iter().map(|scope| scope.as_str().to_owned()).collect(),
                stats_shared: account.scopes.contains(&domain::tiktok::Scope::UserInfoStats),
                purge_after: account.purge_after.map(|t| t.to_rfc3339()),
                backfill_done: account.backfill_done,
                videos_kept: overview.videos_kept,
                followers: latest.and_then(|s| s.follower_count),
                following: latest.and_then(|s| s.following_count),
                likes: latest.and_then(|s| s.likes_count),
                videos: latest.and_then(|s| s.video_count),
                followers_7d: overview.followers_7d,
                followers_30d: overview.followers_30d,
                engagement_rate: overview.totals.and_then(|t| t.counters.engagement_rate()),
                as_of: latest.map(|s| self.local(s.taken_at)),
                trouble: trouble.map(|t| TroubleView {
                    since: self.local(t.since),
                    reason: t.reason.chars().take(300).collect(),
                    given_up: t.given_up,
                }),
            }
        }

        fn video(&self, account: i64, row: &VideoRow) -> VideoView {
            let counters = row.counters();
            let title = if row.title.trim().is_empty() {
                row.description.chars().take(80).collect()
            } else {
                row.title.clone()
            };
            VideoView {
                id: row.id,
                title,
                caption: row.description.clone(),
                posted: self.local(row.posted_at),
                cover_url: row
                    .cover_url
                    .as_ref()
                    .map(|_| format!("/accounts/tiktok/{account}/videos/{}/cover", row.id)),
                share_url: row.share_url.clone(),
                views: counters.views,
                likes: counters.likes,
                comments: counters.comments,
                shares: counters.shares,
                engagement_rate: counters.engagement_rate(),
                growth: row.growth,
                as_of: row.metrics_at.map(|t| self.local(t)),
            }
        }
    }

    impl OverviewView {
        pub fn new(entries: Vec<OverviewEntry>, ctx: &Ctx) -> Self {
            let mut cards = Vec::with_capacity(entries.len());
            let mut followers = Vec::new();
            for OverviewEntry { card, followers: series } in entries {
                let card = ctx.card(card);
                if let Some(series) = series {
                    followers.push((card.heading(), series));
                }
                cards.push(card);
            }
            let followers =
                (!followers.is_empty()).then(|| ctx.chart(&crate::charts::lines(&ctx.days(), &followers)));
            OverviewView { cards, range: ctx.range_view(), followers }
        }
    }

    impl AccountView {
        pub fn new(page: AccountPage, ctx: &Ctx) -> Self {
            let AccountPage { card, followers, daily, activity_as_of, top, heatmap, posted, hashtags } = page;
            let card = ctx.card(card);
            let days = ctx.days();
            let t = ctx.locale.messages();
            let followers = followers.iter().any(Option::is_some).then(|| {
                ctx.chart(&crate::charts::lines(&days, &[(t.analytics.followers.to_owned(), followers)]))
            });
            let activity = daily.iter().any(|d| d.gained.is_some()).then(|| {
                let gained = |f: fn(&Counters) -> i64| {
                    daily.iter().map(|d| d.gained.as_ref().map(f)).collect::<Vec<_>>()
                };
                let interactions = [
                    (t.analytics.likes.to_owned(), gained(|g| g.likes)),
                    (t.analytics.comments.to_owned(), gained(|g| g.comments)),
                    (t.analytics.shares.to_owned(), gained(|g| g.shares)),
                ];
                let rates: Vec<Option<f64>> =
                    daily.iter().map(|d| d.gained.and_then(|g| g.engagement_rate())).collect();
                ActivityCharts {
                    views: ctx.chart(&crate::charts::bars(&days, t.analytics.views, &gained(|g| g.views))),
                    interactions: ctx.chart(&crate::charts::lines(&days, &interactions)),
                    engagement: ctx.chart(&crate::charts::percent_line(
                        &days,
                        t.analytics.engagement,
                        &rates,
                    )),
                }
            });
            AccountView {
                range: ctx.range_view(),
                followers,
                activity,
                activity_as_of: activity_as_of.map(|t| ctx.local(t)),
                top: top.iter().map(|v| ctx.video(card.id, v)).collect(),
                heatmap: heatmap.cells,
                heat_counts: heatmap.counts,
                posted,
                hashtags: hashtags
                    .into_iter()
                    .map(|s| HashtagView {
                        tag: s.tag,
                        videos: s.videos,
                        median_views: s.median_views,
                        engagement_rate: s.engagement_rate,
                    })
                    .collect(),
                card,
            }
        }
    }

    impl VideosView {
        pub fn new(page: VideosPage, query: VideoQuery, ctx: &Ctx) -> Self {
            let card = ctx.card(page.card);
            VideosView {
                range: ctx.range_view(),
                rows: page.found.rows.iter().map(|v| ctx.video(card.id, v)).collect(),
                total: page.found.total,
                page: query.page,
                per_page: query.per_page,
                sort: query.sort.as_str().to_owned(),
                descending: query.descending,
                search: query.search,
                card,
            }
        }
    }

    impl VideoDetailView {
        pub fn new(detail: VideoDetail, ctx: &Ctx) -> Self {
            let VideoDetail { card, video, snapshots } = detail;
            let card = ctx.card(card);
            let charts = (!snapshots.is_empty()).then(|| {
                let t = ctx.locale.messages();
                let times: Vec<String> = snapshots.iter().map(|s| ctx.local(s.taken_at)).collect();
                let counter = |f: fn(&tiktok_video_snapshot::Model) -> i64| {
                    snapshots.iter().map(|s| Some(f(s))).collect::<Vec<_>>()
                };
                let interactions = [
                    (t.analytics.likes.to_owned(), counter(|s| s.like_count)),
                    (t.analytics.comments.to_owned(), counter(|s| s.comment_count)),
                    (t.analytics.shares.to_owned(), counter(|s| s.share_count)),
                ];
                VideoCharts {
                    views: ctx.chart(&crate::charts::lines(
                        &times,
                        &[(t.analytics.views.to_owned(), counter(|s| s.view_count))],
                    )),
                    interactions: ctx.chart(&crate::charts::lines(&times, &interactions)),
                }
            });
            VideoDetailView { video: ctx.video(card.id, &video), range: ctx.range_view(), charts, card }
        }
    }
}
