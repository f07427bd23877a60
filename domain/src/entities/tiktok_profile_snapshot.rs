//! `tiktok_profile_snapshots`: an account's counters at one instant, the history TikTok does not
//! keep. Counters are `None` when the account did not grant `user.info.stats`.

use sea_orm::entity::prelude::*;

/// One row of `tiktok_profile_snapshots`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tiktok_profile_snapshots")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The account.
    pub account_id: i64,
    /// When the counters were read.
    pub taken_at: DateTimeUtc,
    /// Followers.
    pub follower_count: Option<i64>,
    /// Accounts followed.
    pub following_count: Option<i64>,
    /// Likes received over all videos.
    pub likes_count: Option<i64>,
    /// Public videos.
    pub video_count: Option<i64>,
}

/// No relations are navigated from here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
