//! What each TikTok analytics page shows, read in one call per page: the overview of the user's
//! accounts, one account's charts and tables, its videos table and one video's history. Each
//! checks that the account is the user's ([`connections::find`]) before reading anything, and
//! returns plain figures; the interface words and draws them.

use chrono::{DateTime, Utc};

use super::maths::{self, Counters, DailyActivity, HashtagStat, Heatmap};
use super::queries::{self, Overview, VideoPage, VideoQuery, VideoRow, VideoSort};
use super::range::DateRange;
use crate::entities::{tiktok_video, tiktok_video_snapshot, user};
use crate::error::{Code, Error, Result};
use crate::services::Services;
use crate::tiktok::Scope;
use crate::tiktok::connections::{self, AccountStatus, Owned};
use crate::tiktok::sync::{self, Trouble};

/// What an account's card shows: the account, its latest figures, and why its history is not
/// kept up to date when its sync keeps failing.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// The account.
    pub account: Owned,
    /// Its latest figures and follower changes.
    pub overview: Overview,
    /// A sync in trouble (only for an active account).
    pub trouble: Option<Trouble>,
}

impl Card {
    async fn read(services: &Services, account: Owned, now: DateTime<Utc>) -> Result<Self> {
        let overview = queries::overview(&services.db, &account, now).await?;
        let trouble = if account.status == AccountStatus::Active {
            sync::trouble(&services.db, account.id).await?
        } else {
            None
        };
        Ok(Card { account, overview, trouble })
    }

    /// Whether the account is connected and granted the stats scope (its followers can be drawn).
    pub fn has_follower_stats(&self) -> bool {
        self.account.status != AccountStatus::Disconnected
            && self.account.scopes.contains(&Scope::UserInfoStats)
    }
}

/// One account on the overview.
#[derive(Debug, Clone, PartialEq)]
pub struct OverviewEntry {
    /// Its card.
    pub card: Card,
    /// Followers at each day's end over the range, for an account with follower stats.
    pub followers: Option<Vec<Option<i64>>>,
}

/// Every account of `user`, newest first, with followers over `range` for those that have them.
pub async fn overview(
    services: &Services,
    user: &user::Model,
    range: &DateRange,
    now: DateTime<Utc>,
) -> Result<Vec<OverviewEntry>> {
    let mut entries = Vec::new();
    for account in connections::list(services, user).await? {
        let card = Card::read(services, account, now).await?;
        let followers = if card.has_follower_stats() {
            Some(daily_followers(services, &card.account, range).await?)
        } else {
            None
        };
        entries.push(OverviewEntry { card, followers });
    }
    Ok(entries)
}

async fn daily_followers(
    services: &Services,
    account: &Owned,
    range: &DateRange,
) -> Result<Vec<Option<i64>>> {
    Ok(queries::followers(&services.db, account, range).await?.into_iter().map(|(_, v)| v).collect())
}

/// Videos in the account page's top list.
const TOP_VIDEOS: u64 = 10;
/// Hashtags on the account page.
const TOP_HASHTAGS: usize = 12;

/// One account's analytics page.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountPage {
    /// Its card.
    pub card: Card,
    /// Followers at each day's end (`None` for a day without a reading).
    pub followers: Vec<Option<i64>>,
    /// What its videos gained each day.
    pub daily: Vec<DailyActivity>,
    /// When the daily figures were last read.
    pub activity_as_of: Option<DateTime<Utc>>,
    /// The videos that gained most views in the range (those that gained any), best first.
    pub top: Vec<VideoRow>,
    /// Median views by the local weekday and hour of posting.
    pub heatmap: Heatmap,
    /// Videos posted in the range.
    pub posted: u64,
    /// Hashtags of videos posted in the range, best first.
    pub hashtags: Vec<HashtagStat>,
}

/// `user`'s account `id` over `range`; `NotFound` for an account that is not theirs.
pub async fn account(
    services: &Services,
    user: &user::Model,
    id: i64,
    range: &DateRange,
    now: DateTime<Utc>,
) -> Result<AccountPage> {
    let account = connections::find(services, user, id).await?;
    let db = &services.db;
    let followers = daily_followers(services, &account, range).await?;
    let (daily, activity_as_of) = queries::daily_activity(db, &account, range).await?;
    let top_query = VideoQuery {
        sort: VideoSort::Growth,
        descending: true,
        per_page: TOP_VIDEOS,
        ..VideoQuery::default()
    };
    let mut top = queries::videos(db, &account, range, &top_query).await?.rows;
    top.retain(|v| v.growth > 0);
    let posted = queries::posted_in(db, &account, range).await?;
    let heatmap = maths::heatmap(posted.iter().map(|v| (v.posted_at, v.view_count)), range.zone);
    let hashtags =
        maths::hashtag_stats(posted.iter().map(|v| (v.description.as_str(), counters(v))), 1, TOP_HASHTAGS);
    Ok(AccountPage {
        card: Card::read(services, account, now).await?,
        followers,
        daily,
        activity_as_of,
        top,
        heatmap,
        posted: posted.len() as u64,
        hashtags,
    })
}

fn counters(video: &tiktok_video::Model) -> Counters {
    Counters {
        views: video.view_count,
        likes: video.like_count,
        comments: video.comment_count,
        shares: video.share_count,
    }
}

/// The videos table's request as the page's query names it: `sort` (a [`VideoSort`] name,
/// posting time when empty), `dir` (`asc` or `desc`, the default), `q` (the search, trimmed and
/// cut to [`queries::MAX_SEARCH_CHARS`]) and `page` (from 1).
pub fn video_query(
    sort: Option<&str>,
    dir: Option<&str>,
    q: Option<&str>,
    page: Option<u64>,
    per_page: u64,
) -> Result<VideoQuery> {
    let sort = match sort.filter(|s| !s.is_empty()) {
        None => VideoSort::Posted,
        Some(name) => VideoSort::parse(name)?,
    };
    let descending = match dir {
        None | Some("") | Some("desc") => true,
        Some("asc") => false,
        Some(_) => return Err(Error::invalid("dir", Code::SortUnknown)),
    };
    let search = q.unwrap_or_default().trim().chars().take(queries::MAX_SEARCH_CHARS).collect();
    Ok(VideoQuery { sort, descending, search, page: page.unwrap_or(1).max(1), per_page })
}

/// One page of the videos table.
#[derive(Debug, Clone, PartialEq)]
pub struct VideosPage {
    /// The account's card.
    pub card: Card,
    /// The page's rows and the matching total.
    pub found: VideoPage,
}

/// A page of `user`'s account `id`'s videos, with growth over `range`.
pub async fn videos(
    services: &Services,
    user: &user::Model,
    id: i64,
    range: &DateRange,
    query: &VideoQuery,
    now: DateTime<Utc>,
) -> Result<VideosPage> {
    let account = connections::find(services, user, id).await?;
    let found = queries::videos(&services.db, &account, range, query).await?;
    Ok(VideosPage { card: Card::read(services, account, now).await?, found })
}

/// One video's page.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoDetail {
    /// The account's card.
    pub card: Card,
    /// The video, with its growth over the range.
    pub video: VideoRow,
    /// Its snapshots within the range, oldest first.
    pub snapshots: Vec<tiktok_video_snapshot::Model>,
}

/// Video `video` of `user`'s account `id`, and its history within `range`.
pub async fn video(
    services: &Services,
    user: &user::Model,
    id: i64,
    video: i64,
    range: &DateRange,
    now: DateTime<Utc>,
) -> Result<VideoDetail> {
    let account = connections::find(services, user, id).await?;
    let history = queries::video_history(&services.db, &account, video, range).await?;
    let growth = history.growth();
    Ok(VideoDetail {
        card: Card::read(services, account, now).await?,
        video: VideoRow::new(history.video, growth),
        snapshots: history.snapshots,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_videos_table_reads_its_query() {
        let query = video_query(None, None, None, None, 25).expect("defaults");
        assert_eq!(query, VideoQuery::default());
        let query = video_query(Some("views"), Some("asc"), Some("  dance  "), Some(0), 25).expect("query");
        assert_eq!(
            (query.sort, query.descending, query.search.as_str(), query.page),
            (VideoSort::Views, false, "dance", 1)
        );
        assert!(matches!(
            video_query(None, Some("up"), None, None, 25),
            Err(Error::Invalid { field: "dir", .. })
        ));
        assert!(matches!(
            video_query(Some("x"), None, None, None, 25),
            Err(Error::Invalid { field: "sort", .. })
        ));
        let long = "a".repeat(500);
        assert_eq!(
            video_query(None, None, Some(&long), None, 25).expect("query").search.len(),
            queries::MAX_SEARCH_CHARS
        );
    }
}
