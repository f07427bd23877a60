//! Reading the stored history of one TikTok account for the analytics pages. Every read takes
//! the account as [`Owned`], which only the ownership check ([`crate::tiktok::connections::find`])
//! makes; the pages themselves call these through [`super::pages`].
//!
//! Every read is bounded by the account and the date range and served by an index: snapshots by
//! `(account_id, taken_at)` or `(video_row_id, taken_at)`, videos by `(account_id, posted_at)`.
//! The videos table sorts and pages in the database, with each video's growth in the range
//! computed by two index lookups per video.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, Statement, Value,
};
use serde::{Deserialize, Serialize};

use super::maths::{self, Counters, DailyActivity};
use super::range::DateRange;
use crate::entities::{tiktok_account_total, tiktok_profile_snapshot, tiktok_video, tiktok_video_snapshot};
use crate::error::{Code, Error, Result};
use crate::tiktok::connections::Owned;

/// A reading of an account's totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TotalsReading {
    /// When it was taken.
    pub taken_at: DateTime<Utc>,
    /// Videos kept then.
    pub videos: i64,
    /// Their counters together.
    pub counters: Counters,
}

impl From<tiktok_account_total::Model> for TotalsReading {
    fn from(row: tiktok_account_total::Model) -> Self {
        TotalsReading {
            taken_at: row.taken_at,
            videos: row.videos,
            counters: Counters {
                views: row.view_count,
                likes: row.like_count,
                comments: row.comment_count,
                shares: row.share_count,
            },
        }
    }
}

/// What an account's card shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    /// The latest profile snapshot.
    pub latest: Option<tiktok_profile_snapshot::Model>,
    /// Followers gained (or lost) over the last 7 days, or since the first snapshot if younger.
    pub followers_7d: Option<i64>,
    /// The same over 30 days.
    pub followers_30d: Option<i64>,
    /// The latest totals of its videos.
    pub totals: Option<TotalsReading>,
    /// Videos Soco keeps for it.
    pub videos_kept: u64,
}

/// The card of `account` at `now`.
pub async fn overview(db: &impl ConnectionTrait, account: &Owned, now: DateTime<Utc>) -> Result<Overview> {
    let account_id = account.id;
    let snapshots = || {
        tiktok_profile_snapshot::Entity::find()
            .filter(tiktok_profile_snapshot::Column::AccountId.eq(account_id))
    };
    let latest = snapshots().order_by_desc(tiktok_profile_snapshot::Column::TakenAt).one(db).await?;
    let first = snapshots().order_by_asc(tiktok_profile_snapshot::Column::TakenAt).one(db).await?;
    let mut changes = [None, None];
    for (slot, days) in changes.iter_mut().zip([7, 30]) {
        let before = snapshots()
            .filter(tiktok_profile_snapshot::Column::TakenAt.lte(now - Duration::days(days)))
            .order_by_desc(tiktok_profile_snapshot::Column::TakenAt)
            .one(db)
            .await?;
        let baseline = before.or_else(|| first.clone());
        *slot = match (&latest, baseline) {
            (Some(latest), Some(base)) if base.id != latest.id => {
                latest.follower_count.zip(base.follower_count).map(|(now, then)| now - then)
            }
            _ => None,
        };
    }
    let totals = tiktok_account_total::Entity::find()
        .filter(tiktok_account_total::Column::AccountId.eq(account_id))
        .order_by_desc(tiktok_account_total::Column::TakenAt)
        .one(db)
        .await?
        .map(TotalsReading::from);
    let videos_kept =
        tiktok_video::Entity::find().filter(tiktok_video::Column::AccountId.eq(account_id)).count(db).await?;
    Ok(Overview { latest, followers_7d: changes[0], followers_30d: changes[1], totals, videos_kept })
}

/// Followers at the end of each day of `range` (`None` where no snapshot was taken that day).
pub async fn followers(
    db: &impl ConnectionTrait,
    account: &Owned,
    range: &DateRange,
) -> Result<Vec<(NaiveDate, Option<i64>)>> {
    let account_id = account.id;
    let (start, end) = range.bounds();
    let rows = tiktok_profile_snapshot::Entity::find()
        .filter(tiktok_profile_snapshot::Column::AccountId.eq(account_id))
        .filter(tiktok_profile_snapshot::Column::TakenAt.gte(start))
        .filter(tiktok_profile_snapshot::Column::TakenAt.lt(end))
        .order_by_asc(tiktok_profile_snapshot::Column::TakenAt)
        .all(db)
        .await?;
    let points: Vec<(DateTime<Utc>, Option<i64>)> =
        rows.iter().map(|r| (r.taken_at, r.follower_count)).collect();
    let by_day = maths::last_per_day(&points, range);
    Ok(range.days().map(|day| (day, by_day.get(&day).copied().flatten())).collect())
}

/// What the account's videos gained each day of `range`, from the totals of its sync passes.
pub async fn daily_activity(
    db: &impl ConnectionTrait,
    account: &Owned,
    range: &DateRange,
) -> Result<(Vec<DailyActivity>, Option<DateTime<Utc>>)> {
    let account_id = account.id;
    let (start, end) = range.bounds();
    let of_account = || {
        tiktok_account_total::Entity::find().filter(tiktok_account_total::Column::AccountId.eq(account_id))
    };
    let before = of_account()
        .filter(tiktok_account_total::Column::TakenAt.lt(start))
        .order_by_desc(tiktok_account_total::Column::TakenAt)
        .one(db)
        .await?;
    let within = of_account()
        .filter(tiktok_account_total::Column::TakenAt.gte(start))
        .filter(tiktok_account_total::Column::TakenAt.lt(end))
        .order_by_asc(tiktok_account_total::Column::TakenAt)
        .all(db)
        .await?;
    let as_of = within.last().map(|r| r.taken_at);
    let readings: Vec<(DateTime<Utc>, Counters)> = before
        .into_iter()
        .chain(within)
        .map(|row| {
            let reading = TotalsReading::from(row);
            (reading.taken_at, reading.counters)
        })
        .collect();
    Ok((maths::daily_activity(&readings, range), as_of))
}

/// The account's videos posted within `range`, newest first (heatmap, hashtags).
pub async fn posted_in(
    db: &impl ConnectionTrait,
    account: &Owned,
    range: &DateRange,
) -> Result<Vec<tiktok_video::Model>> {
    let account_id = account.id;
    let (start, end) = range.bounds();
    Ok(tiktok_video::Entity::find()
        .filter(tiktok_video::Column::AccountId.eq(account_id))
        .filter(tiktok_video::Column::PostedAt.gte(start))
        .filter(tiktok_video::Column::PostedAt.lt(end))
        .order_by_desc(tiktok_video::Column::PostedAt)
        .all(db)
        .await?)
}

/// What the videos table can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VideoSort {
    /// When it was posted.
    #[default]
    Posted,
    /// Views.
    Views,
    /// Likes.
    Likes,
    /// Comments.
    Comments,
    /// Shares.
    Shares,
    /// Interactions per view.
    Engagement,
    /// Views gained within the range.
    Growth,
}

impl VideoSort {
    /// Every sort, in column order.
    pub const ALL: [VideoSort; 7] = [
        VideoSort::Posted,
        VideoSort::Views,
        VideoSort::Likes,
        VideoSort::Comments,
        VideoSort::Shares,
        VideoSort::Engagement,
        VideoSort::Growth,
    ];

    /// Its name in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            VideoSort::Posted => "posted",
            VideoSort::Views => "views",
            VideoSort::Likes => "likes",
            VideoSort::Comments => "comments",
            VideoSort::Shares => "shares",
            VideoSort::Engagement => "engagement",
            VideoSort::Growth => "growth",
        }
    }

    /// Reads a URL name; unknown names are refused.
    pub fn parse(text: &str) -> Result<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text).ok_or(Error::invalid("sort", Code::SortUnknown))
    }

    /// The SQL it orders by: fixed text, never built from input.
    fn order_expression(self) -> &'static str {
        match self {
            VideoSort::Posted => "posted_at",
            VideoSort::Views => "view_count",
            VideoSort::Likes => "like_count",
            VideoSort::Comments => "comment_count",
            VideoSort::Shares => "share_count",
            VideoSort::Engagement => {
                "COALESCE((like_count + comment_count + share_count) * 1.0 / NULLIF(view_count, 0), -1)"
            }
            VideoSort::Growth => "growth",
        }
    }
}

/// Rows per page of the videos table, at most.
pub const MAX_PER_PAGE: u64 = 100;
/// The longest search text accepted.
pub const MAX_SEARCH_CHARS: usize = 100;

/// One page request of the videos table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoQuery {
    /// The column sorted by.
    pub sort: VideoSort,
    /// Largest first.
    pub descending: bool,
    /// Text the title or caption must contain (case-insensitive); empty for all.
    pub search: String,
    /// Page number, from 1.
    pub page: u64,
    /// Rows per page (1 to [`MAX_PER_PAGE`]).
    pub per_page: u64,
}

impl Default for VideoQuery {
    fn default() -> Self {
        VideoQuery { sort: VideoSort::Posted, descending: true, search: String::new(), page: 1, per_page: 25 }
    }
}

/// A video as the table shows it.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct VideoRow {
    /// Soco's id of it.
    pub id: i64,
    /// TikTok's id.
    pub video_id: String,
    /// Title.
    pub title: String,
    /// Caption.
    pub description: String,
    /// When it was posted.
    pub posted_at: DateTime<Utc>,
    /// Cover link.
    pub cover_url: Option<String>,
    /// Public link.
    pub share_url: Option<String>,
    /// Views.
    pub view_count: i64,
    /// Likes.
    pub like_count: i64,
    /// Comments.
    pub comment_count: i64,
    /// Shares.
    pub share_count: i64,
    /// When the counters were read.
    pub metrics_at: Option<DateTime<Utc>>,
    /// Views gained within the range.
    pub growth: i64,
}

impl VideoRow {
    /// A stored video with its growth over some range.
    pub fn new(video: tiktok_video::Model, growth: i64) -> Self {
        VideoRow {
            id: video.id,
            video_id: video.video_id,
            title: video.title,
            description: video.description,
            posted_at: video.posted_at,
            cover_url: video.cover_url,
            share_url: video.share_url,
            view_count: video.view_count,
            like_count: video.like_count,
            comment_count: video.comment_count,
            share_count: video.share_count,
            metrics_at: video.metrics_at,
            growth,
        }
    }

    /// Its counters.
    pub fn counters(&self) -> Counters {
        Counters {
            views: self.view_count,
            likes: self.like_count,
            comments: self.comment_count,
            shares: self.share_count,
        }
    }
}

/// One page of the videos table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoPage {
    /// The rows.
    pub rows: Vec<VideoRow>,
    /// Videos matching the search, over all pages.
    pub total: u64,
}

/// `%text%` for `LIKE ... ESCAPE '\'`, lower-cased, with `%`, `_` and `\` taken literally.
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// A statement with `?` placeholders, numbered `$1, $2, ...` for PostgreSQL. The SQL is fixed
/// text (no `?` inside literals); every input is a bound value.
fn statement(backend: DatabaseBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = if backend == DatabaseBackend::Postgres {
        let mut numbered = String::with_capacity(sql.len() + 16);
        let mut n = 0;
        for c in sql.chars() {
            if c == '?' {
                n += 1;
                numbered.push_str(&format!("${n}"));
            } else {
                numbered.push(c);
            }
        }
        numbered
    } else {
        sql.to_owned()
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// Views of a video at the last snapshot before a bound (`?`).
const VIEWS_BEFORE: &str = "(SELECT s.view_count FROM tiktok_video_snapshots s \
     WHERE s.video_row_id = v.id AND s.taken_at < ? ORDER BY s.taken_at DESC LIMIT 1)";
/// Views of a video at the first snapshot from a bound (`?`) on.
const VIEWS_FROM: &str = "(SELECT s.view_count FROM tiktok_video_snapshots s \
     WHERE s.video_row_id = v.id AND s.taken_at >= ? ORDER BY s.taken_at ASC LIMIT 1)";
const MATCHES: &str = "v.account_id = ? AND (LOWER(v.title) LIKE ? ESCAPE '\\' \
     OR LOWER(v.description) LIKE ? ESCAPE '\\')";

/// One page of `account`'s videos, searched, sorted and with growth over `range`.
/// Growth is the views at the range's end minus those at its start: zero at the start for a
/// video posted within it, the first reading in the range for one Soco met later.
pub async fn videos(
    db: &impl ConnectionTrait,
    account: &Owned,
    range: &DateRange,
    query: &VideoQuery,
) -> Result<VideoPage> {
    let account_id = account.id;
    let search: String = query.search.trim().chars().take(MAX_SEARCH_CHARS).collect();
    let pattern = contains_pattern(&search);
    let per_page = query.per_page.clamp(1, MAX_PER_PAGE);
    let page = query.page.max(1);
    let backend = db.get_database_backend();
    let (start, end) = range.bounds();

    let count_sql = format!("SELECT COUNT(*) AS n FROM tiktok_videos v WHERE {MATCHES}");
    let count_values: Vec<Value> = vec![account_id.into(), pattern.clone().into(), pattern.clone().into()];
    let total = db
        .query_one_raw(statement(backend, &count_sql, count_values))
        .await?
        .map(|row| row.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);

    let direction = if query.descending { "DESC" } else { "ASC" };
    let order = query.sort.order_expression();
    let growth = format!(
        "COALESCE({VIEWS_BEFORE}, 0) - COALESCE({VIEWS_BEFORE}, \
         CASE WHEN v.posted_at >= ? THEN 0 ELSE {VIEWS_FROM} END, 0) AS raw_growth"
    );
    // Sorted by growth, every matching video's growth is needed; otherwise the page is chosen
    // first and growth is looked up for its rows only. The bound values come in the same order.
    let videos = if query.sort == VideoSort::Growth {
        format!("SELECT v.*, {growth} FROM tiktok_videos v WHERE {MATCHES}")
    } else {
        format!(
            "SELECT v.*, {growth} FROM (SELECT * FROM tiktok_videos v WHERE {MATCHES} \
             ORDER BY {order} {direction}, id {direction} LIMIT ? OFFSET ?) AS v"
        )
    };
    let paging = if query.sort == VideoSort::Growth { "LIMIT ? OFFSET ?" } else { "" };
    let sql = format!(
        "SELECT id, video_id, title, description, posted_at, cover_url, share_url, view_count, \
         like_count, comment_count, share_count, metrics_at, \
         CASE WHEN raw_growth < 0 THEN 0 ELSE raw_growth END AS growth \
         FROM ({videos}) AS t ORDER BY {order} {direction}, id {direction} {paging}"
    );
    let offset = (page - 1).saturating_mul(per_page);
    let values: Vec<Value> = vec![
        end.into(),
        start.into(),
        start.into(),
        start.into(),
        account_id.into(),
        pattern.clone().into(),
        pattern.into(),
        i64::try_from(per_page).unwrap_or(25).into(),
        i64::try_from(offset).unwrap_or(i64::MAX).into(),
    ];
    let rows = VideoRow::find_by_statement(statement(backend, &sql, values)).all(db).await?;
    Ok(VideoPage { rows, total: u64::try_from(total).unwrap_or(0) })
}

/// One video's history within a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoHistory {
    /// The video.
    pub video: tiktok_video::Model,
    /// Its snapshots within the range, oldest first.
    pub snapshots: Vec<tiktok_video_snapshot::Model>,
    /// Views at the last snapshot before the range began.
    pub views_before: Option<i64>,
    /// When the range began.
    pub start: DateTime<Utc>,
}

impl VideoHistory {
    /// Views gained within the range, by the videos table's rule: the views at the range's end
    /// minus those at its start, which are zero for a video posted within it and the first
    /// reading in the range for one Soco met later.
    pub fn growth(&self) -> i64 {
        let end = self.snapshots.last().map(|s| s.view_count).or(self.views_before).unwrap_or(0);
        let start = if self.video.posted_at >= self.start {
            0
        } else {
            self.views_before.or_else(|| self.snapshots.first().map(|s| s.view_count)).unwrap_or(0)
        };
        (end - start).max(0)
    }
}

/// One video of the account and its history within `range`.
pub async fn video_history(
    db: &impl ConnectionTrait,
    account: &Owned,
    video_row_id: i64,
    range: &DateRange,
) -> Result<VideoHistory> {
    let account_id = account.id;
    let video = tiktok_video::Entity::find_by_id(video_row_id)
        .filter(tiktok_video::Column::AccountId.eq(account_id))
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let (start, end) = range.bounds();
    let of_video = || {
        tiktok_video_snapshot::Entity::find().filter(tiktok_video_snapshot::Column::VideoRowId.eq(video.id))
    };
    let snapshots = of_video()
        .filter(tiktok_video_snapshot::Column::TakenAt.gte(start))
        .filter(tiktok_video_snapshot::Column::TakenAt.lt(end))
        .order_by_asc(tiktok_video_snapshot::Column::TakenAt)
        .all(db)
        .await?;
    let views_before = of_video()
        .filter(tiktok_video_snapshot::Column::TakenAt.lt(start))
        .order_by_desc(tiktok_video_snapshot::Column::TakenAt)
        .one(db)
        .await?
        .map(|s| s.view_count);
    Ok(VideoHistory { video, snapshots, views_before, start })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_taken_literally() {
        assert_eq!(contains_pattern("50%_Off\\"), "%50\\%\\_off\\\\%");
        assert_eq!(contains_pattern(""), "%%");
    }

    #[test]
    fn postgres_placeholders_are_numbered() {
        let s = statement(DatabaseBackend::Postgres, "a = ? AND b = ?", vec![1.into(), 2.into()]);
        assert_eq!(s.sql, "a = $1 AND b = $2");
        let s = statement(DatabaseBackend::Sqlite, "a = ?", vec![1.into()]);
        assert_eq!(s.sql, "a = ?");
    }

    #[test]
    fn sorts_round_trip_and_unknown_ones_are_refused() {
        for sort in VideoSort::ALL {
            assert_eq!(VideoSort::parse(sort.as_str()).expect("known"), sort);
        }
        assert!(VideoSort::parse("view_count; DROP TABLE users").is_err());
    }
}
