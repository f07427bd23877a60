//! `tiktok_accounts`: a TikTok account a user connected through Login Kit, its profile as last
//! synced, the scopes it granted and where it stands (active, needing reconnection, disconnected).

use sea_orm::entity::prelude::*;

/// One row of `tiktok_accounts`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tiktok_accounts")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The Soco user who connected it.
    pub user_id: i64,
    /// TikTok's id of the account for Soco's app (unique per user).
    pub open_id: String,
    /// TikTok's id of the account across one developer's apps.
    pub union_id: Option<String>,
    /// `@` handle (needs `user.info.profile`).
    pub username: Option<String>,
    /// Display name.
    pub display_name: String,
    /// Avatar link (expires at TikTok's CDN; refreshed by sync).
    pub avatar_url: Option<String>,
    /// Verified badge (needs `user.info.profile`).
    pub is_verified: Option<bool>,
    /// Profile text (needs `user.info.profile`).
    pub bio: Option<String>,
    /// Granted scopes, comma-separated as TikTok reports them.
    pub scopes: crate::tiktok::Scopes,
    /// Where the connection stands.
    pub status: AccountStatus,
    /// When the user was last emailed to reconnect (once per lapse).
    pub reconnect_mailed_at: Option<DateTimeUtc>,
    /// When the current grant was made.
    pub connected_at: DateTimeUtc,
    /// When the user disconnected it.
    pub disconnected_at: Option<DateTimeUtc>,
    /// After a disconnect: when its synced data is deleted (reconnecting cancels it).
    pub purge_after: Option<DateTimeUtc>,
    /// Last successful sync of any kind.
    pub last_synced_at: Option<DateTimeUtc>,
    /// Whether the first full video sync has finished.
    pub backfill_done: bool,
    /// Row creation.
    pub created_at: DateTimeUtc,
    /// Last change.
    pub updated_at: DateTimeUtc,
}

/// An account belongs to a user and has tokens, snapshots and videos.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The owner.
    #[sea_orm(belongs_to = "super::user::Entity", from = "Column::UserId", to = "super::user::Column::Id")]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// Where a connected TikTok account stands (`tiktok_accounts.status`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// Syncing normally.
    #[sea_orm(string_value = "active")]
    Active,
    /// The grant stopped working: the user must connect it again.
    #[sea_orm(string_value = "reconnect")]
    Reconnect,
    /// The user withdrew consent; its data is deleted at `purge_after`.
    #[sea_orm(string_value = "disconnected")]
    Disconnected,
}
