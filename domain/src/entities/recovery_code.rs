//! `recovery_codes`: the ten single-use 2FA recovery codes, stored as SHA-256.

use sea_orm::entity::prelude::*;

/// One row of `recovery_codes`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "recovery_codes")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Whose code it is.
    pub user_id: i64,
    /// Hex SHA-256 of the normalised code.
    pub code_hash: String,
    /// When it was used.
    pub used_at: Option<DateTimeUtc>,
}

/// Codes have no relations used by queries.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
