//! `tiktok_account_totals`: the sums of an account's video counters after one sync pass. Daily
//! views, likes, comments and shares are the differences between the last totals of each day.

use sea_orm::entity::prelude::*;

/// One row of `tiktok_account_totals`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tiktok_account_totals")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The account.
    pub account_id: i64,
    /// When the pass ended.
    pub taken_at: DateTimeUtc,
    /// Videos Soco kept for the account then.
    pub videos: i64,
    /// Views over all its videos.
    pub view_count: i64,
    /// Likes over all its videos.
    pub like_count: i64,
    /// Comments over all its videos.
    pub comment_count: i64,
    /// Shares over all its videos.
    pub share_count: i64,
}

/// No relations are navigated from here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
