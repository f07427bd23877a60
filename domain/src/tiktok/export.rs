//! Exports of a connected account's history, in pages that callers stream out (CSV or JSON), so
//! a large history is never held in memory at once.
//!
//! Four datasets, with stable column names and order ([`VIDEO_COLUMNS`], [`SNAPSHOT_COLUMNS`],
//! [`PROFILE_COLUMNS`], [`TOTALS_COLUMNS`]):
//! - `videos`: one row per video with its latest counts;
//! - `snapshots`: one row per video snapshot (the counts at an instant), oldest first;
//! - `profile`: one row per profile snapshot (followers, following, likes, videos), oldest first;
//! - `totals`: one row per sync pass, the sums of the account's video counts, oldest first.
//!
//! Times are UTC RFC 3339; counts are whole numbers. A date range limits videos by posting time
//! and snapshots by the time they were taken.
//!
//! The CSV form of text that users or TikTok control (ids, titles, captions, links) is made safe
//! for spreadsheets ([`text_cell`]); the JSON form carries it unchanged.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use crate::auth::RequestMeta;
use crate::entities::{tiktok_video, tiktok_video_snapshot, user};
use crate::error::Result;
use crate::services::Services;
use crate::tiktok::connections::{self, Owned};

/// Rows per page read from the database.
pub const PAGE: u64 = 1000;

/// Column order of the `videos` dataset.
pub const VIDEO_COLUMNS: &[&str] = &[
    "video_id",
    "posted_at",
    "title",
    "description",
    "duration_seconds",
    "view_count",
    "like_count",
    "comment_count",
    "share_count",
    "engagement_rate",
    "metrics_at",
    "share_url",
];

/// Column order of the `snapshots` dataset.
pub const SNAPSHOT_COLUMNS: &[&str] =
    &["video_id", "taken_at", "view_count", "like_count", "comment_count", "share_count"];

/// A row of any dataset: its values as text in its columns' order (for CSV), and serialisable
/// with the same names (for JSON).
pub trait Row: Serialize {
    /// The values, in the dataset's column order, as CSV cells: text through [`text_cell`],
    /// numbers and times as Soco writes them.
    fn fields(&self) -> Vec<String>;
}

/// A text cell that spreadsheet software shows as text instead of evaluating it (OWASP's CSV
/// injection guidance): a value starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets
/// a leading `'`. Only for text: a number Soco writes (a negative count, say) stays a number.
/// Quoting and escaping stay the CSV writer's job. Leading spaces do not hide a formula (some
/// spreadsheets skip them), and the full-width forms of the four signs count too.
pub fn text_cell(value: &str) -> String {
    const TRIGGERS: [char; 10] =
        ['=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}'];
    let first = value.trim_start_matches([' ', '\n']).chars().next();
    if first.is_some_and(|c| TRIGGERS.contains(&c)) || value.starts_with(['\t', '\r', '\n']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// Column order of the `profile` dataset.
pub const PROFILE_COLUMNS: &[&str] =
    &["taken_at", "follower_count", "following_count", "likes_count", "video_count"];

/// One row of the `profile` dataset; counts are empty when the account did not share its stats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfileRow {
    /// When the counts were read.
    pub taken_at: String,
    /// Followers.
    pub follower_count: Option<i64>,
    /// Accounts followed.
    pub following_count: Option<i64>,
    /// Likes received.
    pub likes_count: Option<i64>,
    /// Public videos.
    pub video_count: Option<i64>,
}

impl Row for ProfileRow {
    /// The row's values in [`PROFILE_COLUMNS`] order, as text (empty for unknown).
    fn fields(&self) -> Vec<String> {
        let count = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        vec![
            self.taken_at.clone(),
            count(self.follower_count),
            count(self.following_count),
            count(self.likes_count),
            count(self.video_count),
        ]
    }
}

/// Column order of the `totals` dataset.
pub const TOTALS_COLUMNS: &[&str] =
    &["taken_at", "videos", "view_count", "like_count", "comment_count", "share_count"];

/// One row of the `totals` dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TotalsRow {
    /// When the pass ended.
    pub taken_at: String,
    /// Videos kept then.
    pub videos: i64,
    /// Views over all videos.
    pub view_count: i64,
    /// Likes over all videos.
    pub like_count: i64,
    /// Comments over all videos.
    pub comment_count: i64,
    /// Shares over all videos.
    pub share_count: i64,
}

impl Row for TotalsRow {
    /// The row's values in [`TOTALS_COLUMNS`] order, as text.
    fn fields(&self) -> Vec<String> {
        vec![
            self.taken_at.clone(),
            self.videos.to_string(),
            self.view_count.to_string(),
            self.like_count.to_string(),
            self.comment_count.to_string(),
            self.share_count.to_string(),
        ]
    }
}

/// One row of the `videos` dataset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VideoRow {
    /// TikTok's item id.
    pub video_id: String,
    /// When it was posted.
    pub posted_at: String,
    /// Title.
    pub title: String,
    /// Caption.
    pub description: String,
    /// Length.
    pub duration_seconds: i32,
    /// Views at `metrics_at`.
    pub view_count: i64,
    /// Likes.
    pub like_count: i64,
    /// Comments.
    pub comment_count: i64,
    /// Shares.
    pub share_count: i64,
    /// (likes + comments + shares) / views, 4 decimals; 0 without views.
    pub engagement_rate: f64,
    /// When the counts were read.
    pub metrics_at: Option<String>,
    /// Public link.
    pub share_url: Option<String>,
}

impl Row for VideoRow {
    /// The row's values in [`VIDEO_COLUMNS`] order, as text.
    fn fields(&self) -> Vec<String> {
        vec![
            text_cell(&self.video_id),
            self.posted_at.clone(),
            text_cell(&self.title),
            text_cell(&self.description),
            self.duration_seconds.to_string(),
            self.view_count.to_string(),
            self.like_count.to_string(),
            self.comment_count.to_string(),
            self.share_count.to_string(),
            format!("{:.4}", self.engagement_rate),
            self.metrics_at.clone().unwrap_or_default(),
            text_cell(self.share_url.as_deref().unwrap_or_default()),
        ]
    }
}

/// One row of the `snapshots` dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnapshotRow {
    /// TikTok's item id.
    pub video_id: String,
    /// When the counts were read.
    pub taken_at: String,
    /// Views.
    pub view_count: i64,
    /// Likes.
    pub like_count: i64,
    /// Comments.
    pub comment_count: i64,
    /// Shares.
    pub share_count: i64,
}

impl Row for SnapshotRow {
    /// The row's values in [`SNAPSHOT_COLUMNS`] order, as text.
    fn fields(&self) -> Vec<String> {
        vec![
            text_cell(&self.video_id),
            self.taken_at.clone(),
            self.view_count.to_string(),
            self.like_count.to_string(),
            self.comment_count.to_string(),
            self.share_count.to_string(),
        ]
    }
}

/// Engagement rate as the dashboards define it: interactions per view.
pub fn engagement_rate(views: i64, likes: i64, comments: i64, shares: i64) -> f64 {
    if views <= 0 {
        return 0.0;
    }
    let rate = (likes + comments + shares) as f64 / views as f64;
    (rate * 10_000.0).round() / 10_000.0
}

/// What can be downloaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dataset {
    /// One row per video with its latest counts.
    Videos,
    /// One row per video snapshot.
    Snapshots,
    /// One row per profile snapshot.
    Profile,
    /// One row per sync pass.
    Totals,
}

impl Dataset {
    /// Its name in file names.
    pub fn as_str(self) -> &'static str {
        match self {
            Dataset::Videos => "videos",
            Dataset::Snapshots => "snapshots",
            Dataset::Profile => "profile",
            Dataset::Totals => "totals",
        }
    }

    /// Its CSV header.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Dataset::Videos => VIDEO_COLUMNS,
            Dataset::Snapshots => SNAPSHOT_COLUMNS,
            Dataset::Profile => PROFILE_COLUMNS,
            Dataset::Totals => TOTALS_COLUMNS,
        }
    }
}

/// How a download is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RFC 4180, every cell quoted, text cells made safe ([`text_cell`]).
    Csv,
    /// One JSON array of objects.
    Json,
}

/// A download's file: a dataset in a format, named `<dataset>.<csv|json>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct File {
    /// What.
    pub dataset: Dataset,
    /// How.
    pub format: Format,
}

impl File {
    /// The file called `name` (`videos.csv`, `totals.json`, ...), or `None`.
    pub fn parse(name: &str) -> Option<Self> {
        let (dataset, extension) = name.split_once('.')?;
        let dataset = [Dataset::Videos, Dataset::Snapshots, Dataset::Profile, Dataset::Totals]
            .into_iter()
            .find(|d| d.as_str() == dataset)?;
        let format = match extension {
            "csv" => Format::Csv,
            "json" => Format::Json,
            _ => return None,
        };
        Some(File { dataset, format })
    }

    /// Its name.
    pub fn name(self) -> String {
        let extension = match self.format {
            Format::Csv => "csv",
            Format::Json => "json",
        };
        format!("{}.{extension}", self.dataset.as_str())
    }

    /// Its `Content-Type`.
    pub fn content_type(self) -> &'static str {
        match self.format {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
        }
    }
}

/// A download that may begin: the account checked, the export in the user's security log.
#[derive(Debug, Clone)]
pub struct Download {
    /// The account whose history is written.
    pub account: Owned,
    /// What and how.
    pub file: File,
    /// Which instants.
    pub range: Range,
    /// The name the browser saves it as: `tiktok-<handle>-<file>`, in safe characters only.
    pub filename: String,
}

/// Begins a download of `file` of `user`'s account `id` over `range` (`days` says which days,
/// in which zone, for the log): `NotFound` for an account that is not theirs. No record, no
/// download: the log of what left Soco must be complete.
#[allow(clippy::too_many_arguments)]
pub async fn begin(
    services: &Services,
    user: &user::Model,
    id: i64,
    file: File,
    range: Range,
    days: &str,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<Download> {
    let account = connections::find(services, user, id).await?;
    let detail = format!("tiktok account {}: {}, days {days}", account.id, file.name());
    crate::audit::record(
        &services.db,
        Some(user.id),
        crate::audit::EventKind::DataExported,
        meta,
        Some(&detail),
        now,
    )
    .await?;
    let name = account.username.clone().unwrap_or_else(|| format!("account-{}", account.id));
    let safe: String =
        name.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')).collect();
    let filename = format!("tiktok-{safe}-{}", file.name());
    Ok(Download { account, file, range, filename })
}

/// A time range; either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Range {
    /// From (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Until (exclusive).
    pub until: Option<DateTime<Utc>>,
}

/// The page of `account`'s videos after row id `after` (keyset paging by row id).
pub async fn videos_page(
    services: &Services,
    account: &Owned,
    range: Range,
    after: i64,
) -> Result<(Vec<VideoRow>, i64)> {
    let account_id = account.id;
    let mut query = tiktok_video::Entity::find()
        .filter(tiktok_video::Column::AccountId.eq(account_id))
        .filter(tiktok_video::Column::Id.gt(after));
    if let Some(from) = range.from {
        query = query.filter(tiktok_video::Column::PostedAt.gte(from));
    }
    if let Some(until) = range.until {
        query = query.filter(tiktok_video::Column::PostedAt.lt(until));
    }
    let rows = query.order_by_asc(tiktok_video::Column::Id).limit(PAGE).all(&services.db).await?;
    let last = rows.last().map_or(after, |r| r.id);
    let rows = rows
        .into_iter()
        .map(|v| VideoRow {
            engagement_rate: engagement_rate(v.view_count, v.like_count, v.comment_count, v.share_count),
            video_id: v.video_id,
            posted_at: v.posted_at.to_rfc3339(),
            title: v.title,
            description: v.description,
            duration_seconds: v.duration,
            view_count: v.view_count,
            like_count: v.like_count,
            comment_count: v.comment_count,
            share_count: v.share_count,
            metrics_at: v.metrics_at.map(|t| t.to_rfc3339()),
            share_url: v.share_url,
        })
        .collect();
    Ok((rows, last))
}

/// The page of `account`'s video snapshots after snapshot id `after`.
pub async fn snapshots_page(
    services: &Services,
    account: &Owned,
    range: Range,
    after: i64,
) -> Result<(Vec<SnapshotRow>, i64)> {
    let account_id = account.id;
    let mut query = tiktok_video_snapshot::Entity::find()
        .find_also_related(tiktok_video::Entity)
        .filter(tiktok_video::Column::AccountId.eq(account_id))
        .filter(tiktok_video_snapshot::Column::Id.gt(after));
    if let Some(from) = range.from {
        query = query.filter(tiktok_video_snapshot::Column::TakenAt.gte(from));
    }
    if let Some(until) = range.until {
        query = query.filter(tiktok_video_snapshot::Column::TakenAt.lt(until));
    }
    let rows = query.order_by_asc(tiktok_video_snapshot::Column::Id).limit(PAGE).all(&services.db).await?;
    let last = rows.last().map_or(after, |(s, _)| s.id);
    let rows = rows
        .into_iter()
        .filter_map(|(s, video)| {
            video.map(|v| SnapshotRow {
                video_id: v.video_id,
                taken_at: s.taken_at.to_rfc3339(),
                view_count: s.view_count,
                like_count: s.like_count,
                comment_count: s.comment_count,
                share_count: s.share_count,
            })
        })
        .collect();
    Ok((rows, last))
}

/// The page of `account`'s profile snapshots after snapshot id `after`.
pub async fn profile_page(
    services: &Services,
    account: &Owned,
    range: Range,
    after: i64,
) -> Result<(Vec<ProfileRow>, i64)> {
    let account_id = account.id;
    use crate::entities::tiktok_profile_snapshot as snapshot;
    let mut query = snapshot::Entity::find()
        .filter(snapshot::Column::AccountId.eq(account_id))
        .filter(snapshot::Column::Id.gt(after));
    if let Some(from) = range.from {
        query = query.filter(snapshot::Column::TakenAt.gte(from));
    }
    if let Some(until) = range.until {
        query = query.filter(snapshot::Column::TakenAt.lt(until));
    }
    let rows = query.order_by_asc(snapshot::Column::Id).limit(PAGE).all(&services.db).await?;
    let last = rows.last().map_or(after, |r| r.id);
    let rows = rows
        .into_iter()
        .map(|s| ProfileRow {
            taken_at: s.taken_at.to_rfc3339(),
            follower_count: s.follower_count,
            following_count: s.following_count,
            likes_count: s.likes_count,
            video_count: s.video_count,
        })
        .collect();
    Ok((rows, last))
}

/// The page of `account`'s totals after row id `after`.
pub async fn totals_page(
    services: &Services,
    account: &Owned,
    range: Range,
    after: i64,
) -> Result<(Vec<TotalsRow>, i64)> {
    let account_id = account.id;
    use crate::entities::tiktok_account_total as totals;
    let mut query = totals::Entity::find()
        .filter(totals::Column::AccountId.eq(account_id))
        .filter(totals::Column::Id.gt(after));
    if let Some(from) = range.from {
        query = query.filter(totals::Column::TakenAt.gte(from));
    }
    if let Some(until) = range.until {
        query = query.filter(totals::Column::TakenAt.lt(until));
    }
    let rows = query.order_by_asc(totals::Column::Id).limit(PAGE).all(&services.db).await?;
    let last = rows.last().map_or(after, |r| r.id);
    let rows = rows
        .into_iter()
        .map(|t| TotalsRow {
            taken_at: t.taken_at.to_rfc3339(),
            videos: t.videos,
            view_count: t.view_count,
            like_count: t.like_count,
            comment_count: t.comment_count,
            share_count: t.share_count,
        })
        .collect();
    Ok((rows, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engagement_is_interactions_per_view() {
        assert_eq!(engagement_rate(1000, 50, 5, 5), 0.06);
        assert_eq!(engagement_rate(3, 1, 0, 0), 0.3333);
        assert_eq!(engagement_rate(0, 10, 0, 0), 0.0, "no views, no rate");
    }

    fn video(title: &str, description: &str, share_url: Option<&str>) -> VideoRow {
        VideoRow {
            video_id: "7301".into(),
            posted_at: "2026-11-01T00:00:00+00:00".into(),
            title: title.into(),
            description: description.into(),
            duration_seconds: 15,
            view_count: 10,
            like_count: 1,
            comment_count: 0,
            share_count: 0,
            engagement_rate: 0.1,
            metrics_at: None,
            share_url: share_url.map(str::to_owned),
        }
    }

    #[test]
    fn formulas_in_text_cells_stay_text() {
        for hostile in [" =1+2", "\n=1", "\u{FF1D}1+2", "  @SUM(A1)"] {
            assert!(text_cell(hostile).starts_with('\''), "{hostile:?}");
        }
        assert_eq!(text_cell(" hello"), " hello");
        for (attack, safe) in [
            ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"),
            ("-2+3", "'-2+3"),
            ("+2+3", "'+2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
        ] {
            let fields = video(attack, attack, Some(attack)).fields();
            let (title, caption, link) = (&fields[2], &fields[3], &fields[11]);
            assert_eq!((title.as_str(), caption.as_str(), link.as_str()), (safe, safe, safe), "{attack:?}");
            let snapshot = SnapshotRow {
                video_id: attack.into(),
                taken_at: "t".into(),
                view_count: 0,
                like_count: 0,
                comment_count: 0,
                share_count: 0,
            };
            assert_eq!(snapshot.fields()[0], safe, "ids are TikTok's text too");
        }
        // Ordinary text is untouched, and so is JSON.
        let plain = video("Resep sambal", "Pedas! #fyp = enak", Some("https://www.tiktok.com/@sari/video/1"));
        assert_eq!(plain.fields()[3], "Pedas! #fyp = enak");
        let json = serde_json::to_value(video("=1", "=1", None)).expect("json");
        assert_eq!(json["description"], "=1");
    }

    #[test]
    fn numbers_soco_writes_stay_numbers() {
        let row = ProfileRow {
            taken_at: "2026-11-01T00:00:00+00:00".into(),
            follower_count: Some(-3),
            following_count: None,
            likes_count: Some(12),
            video_count: Some(0),
        };
        assert_eq!(row.fields(), ["2026-11-01T00:00:00+00:00", "-3", "", "12", "0"]);
        let totals = TotalsRow {
            taken_at: "t".into(),
            videos: 1,
            view_count: -1,
            like_count: 0,
            comment_count: 0,
            share_count: 0,
        };
        assert_eq!(totals.fields()[2], "-1");
        let mut row = video("t", "c", None);
        row.view_count = -5;
        row.engagement_rate = -0.5;
        assert_eq!((row.fields()[5].as_str(), row.fields()[9].as_str()), ("-5", "-0.5000"));
    }

    #[test]
    fn rows_follow_the_documented_columns() {
        let row = SnapshotRow {
            video_id: "7".into(),
            taken_at: "t".into(),
            view_count: 1,
            like_count: 2,
            comment_count: 3,
            share_count: 4,
        };
        assert_eq!(row.fields().len(), SNAPSHOT_COLUMNS.len());
        let json = serde_json::to_value(&row).expect("json");
        let keys: Vec<&str> = json.as_object().expect("object").keys().map(String::as_str).collect();
        let mut expected = SNAPSHOT_COLUMNS.to_vec();
        expected.sort_unstable();
        assert_eq!(keys, expected);
    }
}
