//! `tiktok_video_snapshots`: a video's counters at one instant (every 3 hours in its first ten
//! days, then daily), from which daily views and growth are computed.

use sea_orm::entity::prelude::*;

/// One row of `tiktok_video_snapshots`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tiktok_video_snapshots")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The `tiktok_videos` row.
    pub video_row_id: i64,
    /// When the counters were read.
    pub taken_at: DateTimeUtc,
    /// Views.
    pub view_count: i64,
    /// Likes.
    pub like_count: i64,
    /// Comments.
    pub comment_count: i64,
    /// Shares.
    pub share_count: i64,
}

/// A snapshot belongs to a video.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The video.
    #[sea_orm(
        belongs_to = "super::tiktok_video::Entity",
        from = "Column::VideoRowId",
        to = "super::tiktok_video::Column::Id"
    )]
    Video,
}

impl Related<super::tiktok_video::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Video.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
