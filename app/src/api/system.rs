//! The installation's own status, for the Settings page.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::GetUrl;

use crate::error::AppError;

/// The database's state as the Settings page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseStatus {
    /// `SQLite` or `PostgreSQL`.
    pub backend: String,
    /// Every migration, oldest first.
    pub migrations: Vec<MigrationInfo>,
    /// Row counts per table, by table name.
    pub tables: Vec<TableSize>,
}

/// One migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MigrationInfo {
    /// Its name.
    pub name: String,
    /// When it was applied (RFC 3339, UTC), if it was.
    pub applied_at: Option<String>,
}

/// One table's size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableSize {
    /// The table's name.
    pub table: String,
    /// Its row count.
    pub rows: u64,
}

impl DatabaseStatus {
    /// How many migrations have not run yet.
    pub fn pending(&self) -> usize {
        self.migrations.iter().filter(|m| m.applied_at.is_none()).count()
    }
}

#[cfg(feature = "ssr")]
impl From<domain::system::DatabaseStatus> for DatabaseStatus {
    fn from(status: domain::system::DatabaseStatus) -> Self {
        Self {
            backend: status.backend.to_owned(),
            migrations: status
                .migrations
                .into_iter()
                .map(|m| MigrationInfo {
                    name: m.name,
                    applied_at: m.applied_at.map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                })
                .collect(),
            tables: status.tables.into_iter().map(|t| TableSize { table: t.table, rows: t.rows }).collect(),
        }
    }
}

/// Reads the database's backend, migrations and table sizes (the operator only).
#[server(input = GetUrl)]
pub async fn get_database_status() -> Result<DatabaseStatus, AppError> {
    let services = crate::ssr::services()?;
    if crate::ssr::require_session()?.user.role != "admin" {
        return Err(AppError::Forbidden);
    }
    let status = domain::system::database_status(&services.db).await?;
    Ok(status.into())
}
