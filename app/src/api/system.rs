//! The installation's own status, for the Settings page.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::GetUrl;

use crate::components::chart::ChartView;
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
    /// The same counts, drawn.
    pub tables_chart: ChartView,
    /// Background jobs that keep failing, given-up ones first.
    pub failing_jobs: Vec<FailingJob>,
}

/// A background job that keeps failing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailingJob {
    /// What it does, e.g. `tiktok.sync_videos`.
    pub kind: String,
    /// What it is for, e.g. `tiktok.sync_videos:12`.
    pub key: Option<String>,
    /// Runs in the current series of failures.
    pub attempts: i32,
    /// When the failures began (RFC 3339, UTC).
    pub since: Option<String>,
    /// When Soco stopped retrying it, if it did.
    pub given_up_at: Option<String>,
    /// The last error.
    pub error: String,
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
impl DatabaseStatus {
    /// The wire form of `status`, its chart labelled and its numbers formatted for `locale`.
    pub fn new(status: domain::system::DatabaseStatus, locale: crate::i18n::Language) -> Self {
        let tables: Vec<TableSize> =
            status.tables.into_iter().map(|t| TableSize { table: t.table, rows: t.rows }).collect();
        let tables_chart = ChartView::new(
            &crate::charts::table_sizes(&tables, locale.messages().settings.table_rows),
            locale,
        );
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
            tables,
            tables_chart,
            failing_jobs: status
                .failing_jobs
                .into_iter()
                .map(|job| {
                    let time = |at: chrono::DateTime<chrono::Utc>| {
                        at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                    };
                    FailingJob {
                        kind: job.kind.to_string(),
                        key: job.dedupe_key,
                        attempts: job.attempts,
                        since: job.failing_since.map(time),
                        given_up_at: job.given_up_at.map(time),
                        error: job.last_error.unwrap_or_default().chars().take(300).collect(),
                    }
                })
                .collect(),
        }
    }
}

/// Reads the database's backend, migrations and table sizes (the operator only).
#[server(input = GetUrl)]
pub async fn get_database_status() -> Result<DatabaseStatus, AppError> {
    let caller = crate::ssr::Caller::operator()?;
    let status = domain::system::database_status(&caller.services.db).await?;
    Ok(DatabaseStatus::new(status, caller.locale))
}
