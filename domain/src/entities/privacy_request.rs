//! `privacy_requests`: one row per right a user exercised, in the privacy centre or by email
//! (recorded by the operator), with its deadline and how it ended.

use sea_orm::entity::prelude::*;

/// One row of `privacy_requests`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "privacy_requests")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Whose request it is.
    pub user_id: i64,
    /// Which right.
    pub kind: RequestKind,
    /// How it reached Soco.
    pub channel: Channel,
    /// Where it stands.
    pub status: RequestStatus,
    /// What was asked, in the requester's words or the operator's summary.
    pub detail: Option<String>,
    /// When it was received.
    pub received_at: DateTimeUtc,
    /// When it must be answered by (before any extension).
    pub due_at: DateTimeUtc,
    /// The extended deadline, when the operator extended it.
    pub extended_to: Option<DateTimeUtc>,
    /// Why it was extended (told to the user).
    pub extension_reason: Option<String>,
    /// When it was completed or refused.
    pub closed_at: Option<DateTimeUtc>,
    /// What was done, or why it was refused.
    pub outcome: Option<String>,
    /// The operator who recorded it on the user's behalf (email requests).
    pub recorded_by: Option<i64>,
}

impl Model {
    /// The deadline that applies: the extended one when there is one.
    pub fn deadline(&self) -> DateTimeUtc {
        self.extended_to.unwrap_or(self.due_at)
    }
}

/// Each request belongs to a user.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The requester.
    #[sea_orm(belongs_to = "super::user::Entity", from = "Column::UserId", to = "super::user::Column::Id")]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// The rights a user can exercise (`privacy_requests.kind`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// To see the data Soco holds.
    #[sea_orm(string_value = "access")]
    Access,
    /// To receive it in a machine-readable form.
    #[sea_orm(string_value = "export")]
    Export,
    /// To correct it.
    #[sea_orm(string_value = "rectification")]
    Rectification,
    /// To have it deleted.
    #[sea_orm(string_value = "erasure")]
    Erasure,
    /// To limit its processing.
    #[sea_orm(string_value = "restriction")]
    Restriction,
    /// To object to an activity.
    #[sea_orm(string_value = "objection")]
    Objection,
    /// To withdraw consent (disconnecting an account).
    #[sea_orm(string_value = "withdrawal")]
    Withdrawal,
}

impl RequestKind {
    /// Every kind, in the order the privacy centre lists them.
    pub const ALL: [RequestKind; 7] = [
        RequestKind::Access,
        RequestKind::Export,
        RequestKind::Rectification,
        RequestKind::Erasure,
        RequestKind::Restriction,
        RequestKind::Objection,
        RequestKind::Withdrawal,
    ];
}

/// How a request reached Soco (`privacy_requests.channel`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Through Soco itself.
    #[sea_orm(string_value = "platform")]
    Platform,
    /// By email to the operator, who recorded it.
    #[sea_orm(string_value = "email")]
    Email,
}

/// Where a request stands (`privacy_requests.status`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Received, not yet answered.
    #[sea_orm(string_value = "open")]
    Open,
    /// Done.
    #[sea_orm(string_value = "completed")]
    Completed,
    /// Refused, with the reason in `outcome`.
    #[sea_orm(string_value = "refused")]
    Refused,
    /// Withdrawn by the user (an account deletion cancelled in its grace period).
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}
