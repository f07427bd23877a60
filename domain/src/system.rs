//! What the operator sees about the installation itself: database backend, schema version and
//! how many rows each table holds. Read-only; feeds the Settings page and `server migrate status`.

use chrono::{DateTime, Utc};
use migrations::{MigrationStatus, Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};

use crate::Result;

/// One migration and whether it has run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationState {
    /// The migration's name, e.g. `m20261122_000001_create_users`.
    pub name: String,
    /// When it was applied, if it was.
    pub applied_at: Option<DateTime<Utc>>,
}

/// Rows in one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSize {
    /// The table's name.
    pub table: String,
    /// How many rows it holds now.
    pub rows: u64,
}

/// A snapshot of the database's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseStatus {
    /// `SQLite` or `PostgreSQL`.
    pub backend: &'static str,
    /// Every known migration, oldest first.
    pub migrations: Vec<MigrationState>,
    /// Every table of Soco's schema with its row count, by name.
    pub tables: Vec<TableSize>,
    /// Background jobs that keep failing or were given up, given-up ones first (at most 50).
    pub failing_jobs: Vec<crate::entities::job::Model>,
}

impl DatabaseStatus {
    /// How many migrations are still to run.
    pub fn pending(&self) -> usize {
        self.migrations.iter().filter(|m| m.applied_at.is_none()).count()
    }
}

/// Every migration with its state, oldest first.
pub async fn migrations(db: &DatabaseConnection) -> Result<Vec<MigrationState>> {
    let applied = Migrator::get_migration_models(db).await?;
    let states = Migrator::get_migration_with_status(db)
        .await?
        .into_iter()
        .map(|migration| {
            let applied_at = (migration.status() == MigrationStatus::Applied)
                .then(|| {
                    applied
                        .iter()
                        .find(|row| row.version == migration.name())
                        .and_then(|row| DateTime::from_timestamp(row.applied_at, 0))
                })
                .flatten();
            MigrationState { name: migration.name().to_owned(), applied_at }
        })
        .collect();
    Ok(states)
}

/// Reads the database's status: backend, migrations and the size of every table.
pub async fn database_status(db: &DatabaseConnection) -> Result<DatabaseStatus> {
    let backend = db.get_database_backend();
    let list_tables = match backend {
        DatabaseBackend::Sqlite => {
            "SELECT name AS table_name FROM sqlite_master \
             WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        _ => {
            "SELECT tablename AS table_name FROM pg_catalog.pg_tables \
             WHERE schemaname = current_schema() ORDER BY tablename"
        }
    };
    let names: Vec<String> = db
        .query_all_raw(Statement::from_string(backend, list_tables))
        .await?
        .iter()
        .map(|row| row.try_get::<String>("", "table_name"))
        .collect::<Result<_, _>>()?;

    let mut tables = Vec::with_capacity(names.len());
    for table in names {
        // Table names come from the catalogue, not from users; quote them anyway.
        let sql = format!("SELECT COUNT(*) AS n FROM \"{}\"", table.replace('"', "\"\""));
        let rows = match db.query_one_raw(Statement::from_string(backend, sql)).await? {
            Some(row) => row.try_get::<i64>("", "n")?,
            None => 0,
        };
        tables.push(TableSize { table, rows: u64::try_from(rows).unwrap_or(0) });
    }

    let failing_jobs = match tables.iter().any(|t| t.table == "jobs") {
        true => crate::jobs::failing(db, 50).await?,
        false => Vec::new(), // not before the queue's migration has run
    };
    Ok(DatabaseStatus {
        backend: match backend {
            DatabaseBackend::Sqlite => "SQLite",
            DatabaseBackend::Postgres => "PostgreSQL",
            _ => "other",
        },
        migrations: migrations(db).await?,
        tables,
        failing_jobs,
    })
}
