//! `security_events`: the audit log of security-relevant actions (logins, failures, lockouts,
//! 2FA and password changes, email changes, session revocations).

use sea_orm::entity::prelude::*;

/// One row of `security_events`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "security_events")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The account concerned, when known.
    pub user_id: Option<i64>,
    /// What happened (see `audit::EventKind`).
    pub kind: String,
    /// Client IP.
    pub ip: String,
    /// Client user agent (truncated).
    pub user_agent: String,
    /// A short, secret-free detail.
    pub detail: Option<String>,
    /// When it happened.
    pub created_at: DateTimeUtc,
}

/// Events have no relations used by queries.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
