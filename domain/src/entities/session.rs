//! `sessions`: server-side login sessions; the browser holds only a random id whose SHA-256 is
//! stored here.

use sea_orm::entity::prelude::*;

/// One row of `sessions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    /// Surrogate key (safe to show; the secret is the cookie).
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The signed-in user.
    pub user_id: i64,
    /// Hex SHA-256 of the cookie value.
    #[sea_orm(unique)]
    pub token_hash: String,
    /// How far the sign-in has got.
    pub stage: Stage,
    /// Client IP at login.
    pub ip: String,
    /// Client user agent at login (truncated).
    pub user_agent: String,
    /// Login time.
    pub created_at: DateTimeUtc,
    /// Last request seen (updated at most once a minute).
    pub last_seen_at: DateTimeUtc,
    /// Absolute end of the session.
    pub expires_at: DateTimeUtc,
}

/// Each session belongs to a user.
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

/// How far a session has got (`sessions.stage`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Fully signed in.
    #[sea_orm(string_value = "active")]
    Active,
    /// Password checked; the TOTP or a recovery code is still owed.
    #[sea_orm(string_value = "mfa")]
    SecondFactor,
    /// Fully signed in to an account scheduled for deletion: it grants nothing but cancelling
    /// the deletion (or signing out).
    #[sea_orm(string_value = "erasure")]
    ErasurePending,
}
