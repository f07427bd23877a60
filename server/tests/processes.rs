//! Soco as it runs in production, with real processes: the TikTok sandbox as its own server on its
//! own origin (`server sandbox --addr`), and two `server worker` processes sharing one database,
//! on PostgreSQL and on SQLite.
//!
//! Each round brings every account's sync jobs due at once and, at a varied moment, makes
//! TikTok end the access tokens early (its control API), so both workers hit refused tokens and
//! expiring grants together. Checked after the rounds: every job ran exactly once per round (one
//! finished pass per account and round), 0 accounts flagged for reconnection, 0 jobs failing,
//! and 0 duplicate snapshots (every video snapshot belongs to exactly one finished pass).

mod common;

use std::time::Duration as StdDuration;

use chrono::Utc;
use common::{Process, ground, spawn};
use domain::entities::tiktok_account;
use domain::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use domain::testing::TestDb;
use domain::tiktok::connections::AccountStatus;

const CREATORS: usize = 4;
const ROUNDS: usize = 100;

async fn two_workers_share_one_database(db: TestDb) {
    let sandbox = [
        ("SOCO_SANDBOX_VIDEOS_PER_CREATOR", "45"),
        ("SOCO_SANDBOX_HISTORY_DAYS", "30"),
        // Soco refreshes 5 minutes ahead: every call finds the token about to lapse.
        ("SOCO_SANDBOX_ACCESS_TTL", "320"),
    ];
    let ground = ground(db, CREATORS, &sandbox, &[]).await;
    let creators = ground.creators().await;
    assert_eq!(creators.len(), CREATORS);
    let user = ground.user().await;
    let mut accounts = Vec::new();
    for creator in &creators {
        accounts.push(ground.connect(&user, creator).await);
    }

    let workers: Vec<Process> = (0..2).map(|_| spawn(&["worker"], &ground.env)).collect();
    // The backfill, shared by both workers.
    ground.settled(Utc::now()).await;

    let keys: Vec<String> = accounts.iter().flat_map(|a| domain::tiktok::sync::job_keys(a.id)).collect();
    for round in 0..ROUNDS {
        let start = Utc::now();
        for key in &keys {
            domain::jobs::hurry(&ground.services.db, key, start).await.expect("hurry");
        }
        // TikTok ends the tokens early at a varied moment: before the workers notice the jobs,
        // while they refresh, or between two pages.
        tokio::time::sleep(StdDuration::from_millis((round as u64 * 37) % 400)).await;
        for creator in creators.iter().skip(round % 2).step_by(2) {
            ground.control(reqwest::Method::POST, &format!("/creators/{creator}/expire-token")).await;
        }
        ground.settled(start).await;
    }

    // Every job ran exactly once per round: one finished pass per account and round (plus the
    // backfill), and every video snapshot belongs to exactly one of those passes.
    for account in &accounts {
        let passes = ground.check_history(account.id, false, false).await;
        assert_eq!(passes, ROUNDS + 1, "account {}: one pass per round", account.id);
    }
    let flagged = tiktok_account::Entity::find()
        .filter(tiktok_account::Column::Status.ne(AccountStatus::Active))
        .all(&ground.services.db)
        .await
        .expect("accounts");
    assert!(flagged.is_empty(), "0 accounts de-authorised: {flagged:?}");
    let failing = domain::jobs::failing(&ground.services.db, 100).await.expect("jobs");
    assert!(failing.is_empty(), "0 jobs failing: {failing:#?}");
    let grants =
        ground.control(reqwest::Method::GET, "/state").await["grants"].as_array().map_or(0, Vec::len);
    assert_eq!(grants, CREATORS, "one live grant per account at TikTok");
    drop(workers); // before the database goes
    drop(ground);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_share_one_database_on_sqlite() {
    two_workers_share_one_database(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_share_one_database_on_postgres() {
    let Some(db) = TestDb::postgres().await else { return };
    two_workers_share_one_database(db).await;
}
