//! `login_throttles`: failed logins per email address (known or not, keyed by its SHA-256), for
//! lockout with growing delays.

use sea_orm::entity::prelude::*;

/// One row of `login_throttles`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_throttles")]
pub struct Model {
    /// Hex SHA-256 of the normalised email tried.
    #[sea_orm(primary_key, auto_increment = false)]
    pub key_hash: String,
    /// Failures in the current window.
    pub failures: i32,
    /// Start of the current 15-minute window.
    pub window_started_at: DateTimeUtc,
    /// Logins are refused until then.
    pub locked_until: Option<DateTimeUtc>,
}

/// Throttles have no relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
