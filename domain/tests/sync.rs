//! Syncing connected accounts against the sandbox, on SQLite and PostgreSQL: the first sync fills
//! the profile snapshot and every video; a worker killed mid-way through the video list leaves a
//! checkpoint another worker resumes from with no gap and no duplicate; a 429 waits for its
//! `Retry-After`.

mod common;

use std::collections::HashSet;

use chrono::{Duration, Utc};
use common::*;
use domain::db_tests;
use domain::entities::{
    job, tiktok_account, tiktok_account_total, tiktok_profile_snapshot, tiktok_video, tiktok_video_snapshot,
};
use domain::jobs;
use domain::sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use domain::sync::{self, Next};
use sandbox::faults::{Fault, FaultKind, FaultTarget};
use secrecy::SecretString;

async fn stored_video_ids(world: &World, account_id: i64) -> Vec<String> {
    tiktok_video::Entity::find()
        .filter(tiktok_video::Column::AccountId.eq(account_id))
        .all(&world.services.db)
        .await
        .expect("videos")
        .into_iter()
        .map(|v| v.video_id)
        .collect()
}

fn sandbox_video_ids(world: &World, creator: usize) -> HashSet<String> {
    let creator = &world.sandbox.world.creators.all[creator];
    world
        .sandbox
        .world
        .creators
        .all_videos(creator, world.sandbox.clock.now())
        .into_iter()
        .map(|v| v.id)
        .collect()
}

async fn the_first_sync_fills_profile_and_videos(db: DatabaseConnection) {
    let world = world(db).await;
    let user = verified_user(&world.services, "sari@example.id").await;
    let account = connect(&world, &user, &SecretString::from("s"), 0, ALL).await;
    assert_eq!(
        job::Entity::find().count(&world.services.db).await.expect("jobs"),
        2,
        "profile and videos queued"
    );

    let now = Utc::now();
    let ran = sync::run_due(&world.services, "w1", now).await.expect("run");
    assert!(ran >= 3, "profile, then the video list page by page: {ran}");

    let snapshot = tiktok_profile_snapshot::Entity::find()
        .filter(tiktok_profile_snapshot::Column::AccountId.eq(account.id))
        .one(&world.services.db)
        .await
        .expect("db")
        .expect("a profile snapshot");
    assert!(snapshot.follower_count.is_some_and(|n| n > 0));
    let ids = stored_video_ids(&world, account.id).await;
    assert_eq!(ids.iter().cloned().collect::<HashSet<_>>(), sandbox_video_ids(&world, 0));
    assert_eq!(ids.len(), sandbox_video_ids(&world, 0).len(), "no duplicates");
    let snapshots = tiktok_video_snapshot::Entity::find().count(&world.services.db).await.expect("count");
    assert_eq!(snapshots as usize, ids.len(), "one snapshot per video per pass");
    let synced = tiktok_account::Entity::find_by_id(account.id)
        .one(&world.services.db)
        .await
        .expect("db")
        .expect("row");
    assert!(synced.backfill_done && synced.last_synced_at.is_some());

    // Both jobs recur; nothing is due right now.
    assert_eq!(sync::run_due(&world.services, "w1", now).await.expect("run"), 0);
    let intervals = world.services.config.sync;
    let later = now + intervals.profile + Duration::seconds(1);
    assert!(sync::run_due(&world.services, "w1", later).await.expect("run") >= 2);
    let profiles = tiktok_profile_snapshot::Entity::find().count(&world.services.db).await.expect("count");
    assert_eq!(profiles, 2, "a second profile snapshot");
    // Six hours on, only the young videos (posted in the last ten days) get a new snapshot.
    let young = tiktok_video::Entity::find()
        .filter(tiktok_video::Column::AccountId.eq(account.id))
        .filter(tiktok_video::Column::PostedAt.gte(later - intervals.young_for))
        .count(&world.services.db)
        .await
        .expect("count") as usize;
    assert!(young > 0 && young < ids.len(), "the sandbox creator has young and old videos: {young}");
    let again = tiktok_video_snapshot::Entity::find().count(&world.services.db).await.expect("count");
    assert_eq!(again as usize, ids.len() + young, "a recent pass snapshots young videos only");
    // A day after the backfill, a full pass snapshots every video again.
    let next_day = now + intervals.full + Duration::minutes(1);
    sync::run_due(&world.services, "w1", next_day).await.expect("run");
    let full = tiktok_video_snapshot::Entity::find().count(&world.services.db).await.expect("count");
    assert_eq!(
        full as usize,
        2 * ids.len() + young,
        "every video once more, still one row per video and instant"
    );
    assert_eq!(stored_video_ids(&world, account.id).await.len(), ids.len());
    // Each finished pass left the account's totals.
    let totals = tiktok_account_total::Entity::find()
        .filter(tiktok_account_total::Column::AccountId.eq(account.id))
        .all(&world.services.db)
        .await
        .expect("totals");
    assert_eq!(totals.len(), 3, "backfill, recent pass, full pass");
    assert!(totals.iter().all(|t| t.videos as usize == ids.len() && t.view_count > 0));
}

async fn a_killed_worker_resumes_from_its_checkpoint(db: DatabaseConnection) {
    let world = world(db).await;
    let user = verified_user(&world.services, "budi@example.id").await;
    let account = connect(&world, &user, &SecretString::from("s"), 1, ALL).await;
    let now = Utc::now();
    let is_videos = |j: &job::Model| j.kind == sync::VIDEOS;

    // Worker 1 takes the profile job and the first video page normally...
    let mut pages = 0;
    while pages < 1 {
        let leased = jobs::lease(&world.services.db, "w1", now).await.expect("lease").expect("due");
        let next = sync::handle(&world.services, &leased, now).await.expect("handle");
        if is_videos(&leased) {
            pages += 1;
            assert!(matches!(next, Next::Again(at, _) if at == now), "more pages follow at once");
        }
        if let Next::Again(at, payload) = next {
            jobs::reschedule(&world.services.db, &leased, "w1", &payload, at, now).await.expect("reschedule");
        }
    }
    // ...then dies in the middle of the second page: stored, never rescheduled.
    let leased = jobs::lease(&world.services.db, "w1", now).await.expect("lease").expect("the second page");
    assert!(is_videos(&leased));
    assert!(leased.payload.contains("cursor"), "the checkpoint is in the job: {}", leased.payload);
    sync::handle(&world.services, &leased, now).await.expect("handled, then killed");
    let before = stored_video_ids(&world, account.id).await.len();
    assert!(before > 0 && before < sandbox_video_ids(&world, 1).len(), "stopped mid-way at {before}");

    // Worker 2 waits out the lease and finishes from the checkpoint.
    let later = now + jobs::LEASE + Duration::seconds(1);
    sync::run_due(&world.services, "w2", later).await.expect("run");
    let ids = stored_video_ids(&world, account.id).await;
    assert_eq!(ids.iter().cloned().collect::<HashSet<_>>(), sandbox_video_ids(&world, 1), "no gap");
    assert_eq!(ids.len(), sandbox_video_ids(&world, 1).len(), "no duplicate");
}

async fn rate_limits_wait_for_retry_after(db: DatabaseConnection) {
    let world = world(db).await;
    let user = verified_user(&world.services, "ayu@example.id").await;
    let account = connect(&world, &user, &SecretString::from("s"), 2, ALL).await;
    world.sandbox.faults.arm(Fault {
        id: 0,
        target: FaultTarget {
            endpoint: Some("display.video_list".into()),
            account: Some(account.open_id.clone()),
        },
        kind: FaultKind::RateLimited { retry_after: 30 },
        times: Some(1),
    });
    let now = Utc::now();
    sync::run_due(&world.services, "w", now).await.expect("run");
    let waiting = job::Entity::find()
        .filter(job::Column::Kind.eq(sync::VIDEOS))
        .one(&world.services.db)
        .await
        .expect("db")
        .expect("job");
    assert_eq!(waiting.last_error.as_deref(), Some("rate limited"));
    assert!(waiting.run_at >= now + Duration::seconds(29), "{:?}", waiting.run_at);
    assert!(stored_video_ids(&world, account.id).await.is_empty());
    sync::run_due(&world.services, "w", now + Duration::seconds(31)).await.expect("run");
    assert_eq!(stored_video_ids(&world, account.id).await.len(), sandbox_video_ids(&world, 2).len());
}

db_tests!(
    the_first_sync_fills_profile_and_videos,
    a_killed_worker_resumes_from_its_checkpoint,
    rate_limits_wait_for_retry_after,
);
