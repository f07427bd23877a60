//! `tiktok_videos`: the public videos of a connected account, with their latest counters (so the
//! videos table sorts and pages in the database); the history is in `tiktok_video_snapshots`.

use sea_orm::entity::prelude::*;

/// One row of `tiktok_videos`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tiktok_videos")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The account.
    pub account_id: i64,
    /// TikTok's item id.
    pub video_id: String,
    /// When it was posted (`create_time`).
    pub posted_at: DateTimeUtc,
    /// Title (up to 150 characters at TikTok).
    pub title: String,
    /// Caption with hashtags.
    pub description: String,
    /// Seconds.
    pub duration: i32,
    /// Pixels.
    pub width: i32,
    /// Pixels.
    pub height: i32,
    /// Cover link (expires at TikTok's CDN after six hours; refreshed by sync).
    pub cover_url: Option<String>,
    /// Public link.
    pub share_url: Option<String>,
    /// Views at `metrics_at`.
    pub view_count: i64,
    /// Likes at `metrics_at`.
    pub like_count: i64,
    /// Comments at `metrics_at`.
    pub comment_count: i64,
    /// Shares at `metrics_at`.
    pub share_count: i64,
    /// When the counters were last read.
    pub metrics_at: Option<DateTimeUtc>,
    /// When Soco first saw it.
    pub first_seen_at: DateTimeUtc,
}

/// No relations are navigated from here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
