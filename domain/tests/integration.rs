//! Database integration tests: the real migrations and services on SQLite and PostgreSQL.

use chrono::Utc;
use domain::entities::user;
use domain::sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, Set, Statement};
use domain::{Error, db_tests};
use migrations::{Migrator, MigratorTrait};

async fn insert_user(db: &DatabaseConnection, email: &str) -> Result<user::Model, Error> {
    let now = Utc::now();
    let row = user::ActiveModel {
        email: Set(email.to_owned()),
        display_name: Set("Ayu".to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    Ok(row.insert(db).await?)
}

async fn migrations_are_all_applied_and_reversible(db: DatabaseConnection) {
    let states = domain::system::migrations(&db).await.expect("read migrations");
    assert!(!states.is_empty());
    assert!(states.iter().all(|m| m.applied_at.is_some()), "{states:?}");

    Migrator::down(&db, None).await.expect("roll everything back");
    let states = domain::system::migrations(&db).await.expect("read migrations");
    assert!(states.iter().all(|m| m.applied_at.is_none()), "{states:?}");
    let status = domain::system::database_status(&db).await.expect("status");
    assert!(!status.tables.iter().any(|t| t.table == "users"), "users dropped: {status:?}");

    let applied = domain::db::migrate_up(&db).await.expect("apply again");
    assert_eq!(applied, states.len());
    assert_eq!(domain::db::migrate_up(&db).await.expect("idempotent"), 0);
}

async fn users_are_unique_by_email(db: DatabaseConnection) {
    let first = insert_user(&db, "ayu@example.id").await.expect("first insert");
    assert!(first.id > 0);
    let second = insert_user(&db, "budi@example.id").await.expect("second insert");
    assert!(second.id > first.id);
    let duplicate = insert_user(&db, "ayu@example.id").await;
    assert!(matches!(duplicate, Err(Error::Conflict(_))), "{duplicate:?}");
}

async fn status_counts_rows_per_table(db: DatabaseConnection) {
    insert_user(&db, "a@example.com").await.expect("insert");
    insert_user(&db, "b@example.com").await.expect("insert");
    let status = domain::system::database_status(&db).await.expect("status");
    let rows = |name: &str| status.tables.iter().find(|t| t.table == name).map(|t| t.rows);
    assert_eq!(rows("users"), Some(2));
    assert_eq!(rows("seaql_migrations"), Some(status.migrations.len() as u64));
    assert_eq!(status.pending(), 0);
    let names: Vec<_> = status.tables.iter().map(|t| t.table.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "tables are listed by name");
    let expected = match db.get_database_backend() {
        domain::sea_orm::DatabaseBackend::Sqlite => "SQLite",
        _ => "PostgreSQL",
    };
    assert_eq!(status.backend, expected);
}

async fn ping_answers(db: DatabaseConnection) {
    domain::db::ping(&db).await.expect("ping");
}

async fn every_table_is_in_the_data_inventory(db: DatabaseConnection) {
    let status = domain::system::database_status(&db).await.expect("status");
    for table in &status.tables {
        let class = domain::inventory::classify(&table.table)
            .unwrap_or_else(|| panic!("table {} is not classified in domain::inventory", table.table));
        if let Some(owner) = class.owner {
            // The owner column must exist: selecting it fails otherwise.
            let sql = format!("SELECT \"{owner}\" FROM \"{}\" WHERE 1 = 0", table.table);
            db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
                .await
                .unwrap_or_else(|e| panic!("{}.{owner}: {e}", table.table));
        }
    }
    for class in domain::inventory::INVENTORY {
        assert!(
            status.tables.iter().any(|t| t.table == class.table),
            "{} is listed but does not exist",
            class.table
        );
    }
}

db_tests!(
    every_table_is_in_the_data_inventory,
    migrations_are_all_applied_and_reversible,
    users_are_unique_by_email,
    status_counts_rows_per_table,
    ping_answers,
);

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout() {
    let test_db = domain::testing::TestDb::sqlite().await;
    let pragma = |name: &'static str| {
        let db = test_db.db.clone();
        async move {
            let row = db
                .query_one_raw(Statement::from_string(db.get_database_backend(), format!("PRAGMA {name}")))
                .await
                .expect("pragma")
                .expect("a row");
            row.try_get_by_index::<String>(0)
                .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string()))
                .expect("a value")
        }
    };
    assert_eq!(pragma("journal_mode").await, "wal");
    assert_eq!(pragma("foreign_keys").await, "1");
    assert_eq!(pragma("busy_timeout").await, "5000");
}

#[tokio::test]
async fn sqlite_file_and_folder_are_created() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("nested/deeper/soco.db");
    let config =
        domain::config::DatabaseConfig::parse(&format!("sqlite://{}", path.display()), 2).expect("valid");
    let db = domain::db::connect(&config).await.expect("connect");
    domain::db::migrate_up(&db).await.expect("migrate");
    assert!(path.exists());
}

#[tokio::test]
async fn unreachable_postgres_is_an_error_not_a_panic() {
    let config =
        domain::config::DatabaseConfig::parse("postgres://nobody@127.0.0.1:1/none", 1).expect("valid");
    assert!(domain::db::connect(&config).await.is_err());
}
