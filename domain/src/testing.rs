//! Throwaway databases for tests, on SQLite and on PostgreSQL, migrated with the real migrations.
//!
//! [`TestDb::sqlite`] makes a fresh file in a temporary folder. [`TestDb::postgres`] creates a
//! uniquely named database on the server in `SOCO_TEST_POSTGRES_URL` and drops it when the
//! `TestDb` is dropped (even when the test panics). Without that variable it returns `None`, and
//! the test is skipped with a message; under CI (`CI=true`) the variable is required instead.
//! Use [`db_tests!`](crate::db_tests) to run one test body on both backends.

use std::sync::atomic::{AtomicU32, Ordering};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

use crate::config::DatabaseConfig;

/// The variable naming a PostgreSQL server for tests (any database on it; tests make their own).
pub const POSTGRES_VAR: &str = "SOCO_TEST_POSTGRES_URL";

/// A migrated database that exists for one test.
pub struct TestDb {
    /// The connection pool.
    pub db: DatabaseConnection,
    /// The configuration that reaches it.
    pub config: DatabaseConfig,
    cleanup: Cleanup,
}

enum Cleanup {
    /// The folder holding the file; deleted when dropped.
    Sqlite {
        _dir: tempfile::TempDir,
    },
    Postgres {
        admin_url: String,
        name: String,
    },
}

impl TestDb {
    /// A new SQLite database file, migrated.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = format!("sqlite://{}/soco.db", dir.path().display());
        let config = DatabaseConfig::parse(&url, 5).expect("valid sqlite URL");
        let db = crate::db::connect(&config).await.expect("open sqlite");
        crate::db::migrate_up(&db).await.expect("migrate sqlite");
        Self { db, config, cleanup: Cleanup::Sqlite { _dir: dir } }
    }

    /// A new PostgreSQL database, migrated; `None` when no server is configured (outside CI).
    pub async fn postgres() -> Option<Self> {
        let Some(admin_url) = std::env::var(POSTGRES_VAR).ok().filter(|v| !v.is_empty()) else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{POSTGRES_VAR} must be set in CI: PostgreSQL tests may not be skipped there"
            );
            eprintln!("skipped: set {POSTGRES_VAR} to run this test on PostgreSQL");
            return None;
        };
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "soco_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            rand::random::<u32>()
        );
        let admin = Database::connect(&admin_url).await.expect("connect to the PostgreSQL test server");
        admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create test database");
        admin.close().await.expect("close admin connection");

        let mut url = url::Url::parse(&admin_url).expect("SOCO_TEST_POSTGRES_URL is a URL");
        url.set_path(&name);
        let config = DatabaseConfig::parse(url.as_str(), 5).expect("valid postgres URL");
        let db = crate::db::connect(&config).await.expect("connect to the test database");
        crate::db::migrate_up(&db).await.expect("migrate postgres");
        Some(Self { db, config, cleanup: Cleanup::Postgres { admin_url, name } })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Cleanup::Postgres { admin_url, name } = &self.cleanup else {
            return;
        };
        let (admin_url, name) = (admin_url.clone(), name.clone());
        let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        // Drop runs inside the test's runtime: do the async cleanup on a thread of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(async {
                let admin = Database::connect(&admin_url).await.map_err(std::io::Error::other)?;
                admin.execute_unprepared(&sql).await.map_err(std::io::Error::other)?;
                admin.close().await.map_err(std::io::Error::other)
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("warning: could not drop test database {name}");
        }
    }
}

/// Runs each named `async fn(DatabaseConnection)` as two tests: `sqlite` and `postgres`.
#[macro_export]
macro_rules! db_tests {
    ($($check:ident),+ $(,)?) => {
        $(
            mod $check {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let test_db = $crate::testing::TestDb::sqlite().await;
                    super::$check(test_db.db.clone()).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(test_db) = $crate::testing::TestDb::postgres().await else { return };
                    super::$check(test_db.db.clone()).await;
                }
            }
        )+
    };
}

/// [`Services`](crate::services::Services) over `db` for tests: default configuration with a
/// temporary data folder (mail goes to its outbox), a fresh key ring, generous rate limits.
/// Keep the returned folder alive as long as the services.
pub async fn services(db: DatabaseConnection) -> (crate::services::Services, tempfile::TempDir) {
    services_with(db, &[]).await
}

/// [`services`] with more configuration, e.g. `SOCO_PUBLIC_URL` pointing at a test server.
pub async fn services_with(
    db: DatabaseConnection,
    extra: &[(&str, &str)],
) -> (crate::services::Services, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let data_dir = dir.path().to_string_lossy().to_string();
    let mut vars = std::collections::HashMap::from([
        ("SOCO_DATA_DIR", data_dir.as_str()),
        ("SOCO_AUTH_BURST", "1000"),
        ("SOCO_AUTH_PER_MINUTE", "1000"),
    ]);
    vars.extend(extra.iter().copied());
    let config = crate::config::Config::from_map(&vars).expect("test configuration");
    let services = crate::services::Services::start_on(db, config).await.expect("services");
    (services, dir)
}

/// Waits (up to two seconds) for the outbox to hold `count` messages, newest first.
pub async fn outbox(
    services: &crate::services::Services,
    count: usize,
) -> Vec<crate::mail::outbox::StoredEmail> {
    let dir = services.mailer.outbox_dir().expect("tests mail to the outbox").clone();
    for _ in 0..200 {
        let messages = crate::mail::outbox::list(&dir).await.expect("outbox");
        if messages.len() >= count {
            return messages;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the outbox never held {count} messages");
}

/// The first link in a message's text.
pub fn link_in(text: &str) -> String {
    text.split_whitespace().find(|word| word.starts_with("http")).expect("a link in the message").to_owned()
}
