//! `tiktok_tokens`: an account's access and refresh tokens, sealed by the vault (AES-256-GCM,
//! bound to the account row and the token's purpose). One row per account, so a disconnect
//! deletes both at once.

use sea_orm::entity::prelude::*;

/// One row of `tiktok_tokens`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tiktok_tokens")]
pub struct Model {
    /// The account (also the primary key).
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i64,
    /// The key ring id both tokens are sealed with.
    pub key_id: String,
    /// Sealed access token.
    pub access_token: Vec<u8>,
    /// When TikTok said the access token expires.
    pub access_expires_at: DateTimeUtc,
    /// Sealed refresh token.
    pub refresh_token: Vec<u8>,
    /// When TikTok said the refresh token expires.
    pub refresh_expires_at: DateTimeUtc,
    /// Last rotation.
    pub updated_at: DateTimeUtc,
    /// Bumped by every refresh: a write that names the generation it read cannot overwrite a
    /// newer grant (compare-and-swap across processes).
    pub generation: i64,
    /// While set in the future, one process is refreshing this grant and the others wait.
    pub refresh_claimed_until: Option<DateTimeUtc>,
    /// The process holding the claim ([`crate::instance::Instance`]).
    pub refresh_claimed_by: Option<String>,
}

/// Tokens belong to an account.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The account.
    #[sea_orm(
        belongs_to = "super::tiktok_account::Entity",
        from = "Column::AccountId",
        to = "super::tiktok_account::Column::Id"
    )]
    Account,
}

impl Related<super::tiktok_account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Account.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
