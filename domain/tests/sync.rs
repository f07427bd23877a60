//! Syncing connected accounts against the sandbox, on SQLite and PostgreSQL: the first sync fills
//! the profile snapshot and every video; a worker that lost its lease mid-page writes nothing of
//! it while the worker that took over leaves no gap and no duplicate; a 429 waits for its
//! `Retry-After`; a job that keeps failing is given up visibly, blocks nothing else, and Retry
//! revives it. (A real SIGKILL at varied points is `server/tests/processes.rs`.)

mod common;

use std::collections::HashSet;

use chrono::{Duration, Utc};
use common::*;
use domain::db_tests;
use domain::entities::job::JobKind;
use domain::entities::{
    job, tiktok_account, tiktok_account_total, tiktok_profile_snapshot, tiktok_video, tiktok_video_snapshot,
};
use domain::jobs;
use domain::sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use domain::tiktok::sync;
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
    let ran = sync::run_due(&world.services, "w1", || now).await.expect("run");
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
    assert_eq!(sync::run_due(&world.services, "w1", || now).await.expect("run"), 0);
    let intervals = world.services.config.sync;
    let later = now + intervals.profile + Duration::seconds(1);
    assert!(sync::run_due(&world.services, "w1", || later).await.expect("run") >= 2);
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
    sync::run_due(&world.services, "w1", || next_day).await.expect("run");
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

async fn a_worker_that_lost_its_lease_writes_nothing(db: DatabaseConnection) {
    let world = world(db).await;
    let user = verified_user(&world.services, "budi@example.id").await;
    let account = connect(&world, &user, &SecretString::from("s"), 1, ALL).await;
    let now = Utc::now();
    let lease = jobs::LEASE;

    // Worker 1 takes the first video page and stalls (a long GC pause, a frozen VM)...
    let stalled = loop {
        let leased = jobs::lease(&world.services.db, "w1", now, lease).await.expect("lease").expect("due");
        if leased.kind == JobKind::TikTokSyncVideos {
            break leased;
        }
        sync::handle(&world.services, sync::Leased { job: &leased, worker: "w1" }, now)
            .await
            .expect("profile");
    };
    // ...its lease lapses and worker 2 takes the job over and does the whole pass.
    let later = now + lease + Duration::seconds(1);
    sync::run_due(&world.services, "w2", || later).await.expect("run");
    let done = stored_video_ids(&world, account.id).await;
    assert_eq!(done.iter().cloned().collect::<HashSet<_>>(), sandbox_video_ids(&world, 1));
    let snapshots = snapshot_count(&world).await;

    // Worker 1 wakes up: its page is refused as a whole, nothing of it is written.
    let late = sync::handle(&world.services, sync::Leased { job: &stalled, worker: "w1" }, now).await;
    assert!(matches!(late, Err(domain::Error::Conflict(_))), "{late:?}");
    assert_eq!(snapshot_count(&world).await, snapshots, "no snapshot from the stale worker");
    assert_eq!(stored_video_ids(&world, account.id).await.len(), done.len(), "no duplicate");
}

async fn a_sync_that_keeps_failing_is_shown_and_retry_revives_it(db: DatabaseConnection) {
    // One try per call, so the test does not sleep through in-process retries.
    let world = world_with(db, &[("SOCO_TIKTOK_RETRY_ATTEMPTS", "1")]).await;
    let user = verified_user(&world.services, "dewi@example.id").await;
    let stranger = verified_user(&world.services, "x@example.id").await;
    let account = connect(&world, &user, &SecretString::from("s"), 0, ALL).await;
    // TikTok fails this account's video list for good (until cleared).
    world.sandbox.faults.arm(Fault {
        id: 0,
        target: FaultTarget {
            endpoint: Some("display.video_list".into()),
            account: Some(account.open_id.clone()),
        },
        kind: FaultKind::ServerError { status: 503 },
        times: None,
    });
    let mut now = Utc::now();
    for _ in 0..jobs::MAX_ATTEMPTS {
        sync::run_due(&world.services, "w", || now).await.expect("run");
        now += Duration::hours(7); // past the longest backoff, and the profile's interval
    }
    let trouble = sync::trouble(&world.services.db, account.id).await.expect("db").expect("shown");
    assert!(trouble.given_up, "{trouble:?}");
    assert!(trouble.reason.contains("503"), "the reason is TikTok's answer: {}", trouble.reason);
    assert!(trouble.since < now - Duration::hours(40), "since the first failure: {:?}", trouble.since);
    let failing = jobs::failing(&world.services.db, 10).await.expect("db");
    assert_eq!(failing.len(), 1, "the operator sees it too");
    // The profile job of the same account kept running: one failing job blocks nothing else.
    let profiles = tiktok_profile_snapshot::Entity::find()
        .filter(tiktok_profile_snapshot::Column::AccountId.eq(account.id))
        .count(&world.services.db)
        .await
        .expect("count");
    assert!(profiles >= u64::try_from(jobs::MAX_ATTEMPTS).expect("small"), "{profiles}");
    // Nothing more runs by itself...
    sync::run_due(&world.services, "w", || now + Duration::days(3)).await.expect("run");
    assert!(stored_video_ids(&world, account.id).await.is_empty());

    // ...until the owner presses Retry (a stranger cannot).
    world.sandbox.faults.clear(None);
    let theirs = sync::retry(&world.services, &stranger, account.id, now).await;
    assert!(matches!(theirs, Err(domain::Error::NotFound)), "{theirs:?}");
    sync::retry(&world.services, &user, account.id, now).await.expect("retry");
    sync::run_due(&world.services, "w", || now).await.expect("run");
    assert_eq!(stored_video_ids(&world, account.id).await.len(), sandbox_video_ids(&world, 0).len());
    assert_eq!(sync::trouble(&world.services.db, account.id).await.expect("db"), None, "healthy again");
    assert!(jobs::failing(&world.services.db, 10).await.expect("db").is_empty());
}

async fn snapshot_count(world: &World) -> u64 {
    use domain::sea_orm::PaginatorTrait;
    domain::entities::tiktok_video_snapshot::Entity::find().count(&world.services.db).await.expect("count")
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
    sync::run_due(&world.services, "w", || now).await.expect("run");
    let waiting = job::Entity::find()
        .filter(job::Column::Kind.eq(JobKind::TikTokSyncVideos))
        .one(&world.services.db)
        .await
        .expect("db")
        .expect("job");
    assert_eq!(waiting.last_error.as_deref(), Some("rate limited"));
    assert!(waiting.run_at >= now + Duration::seconds(29), "{:?}", waiting.run_at);
    assert!(stored_video_ids(&world, account.id).await.is_empty());
    sync::run_due(&world.services, "w", || now + Duration::seconds(31)).await.expect("run");
    assert_eq!(stored_video_ids(&world, account.id).await.len(), sandbox_video_ids(&world, 2).len());
}

/// The stored row of TikTok video `video_id`.
async fn stored_video(world: &World, video_id: &str) -> tiktok_video::Model {
    tiktok_video::Entity::find()
        .filter(tiktok_video::Column::VideoId.eq(video_id))
        .one(&world.services.db)
        .await
        .expect("db")
        .expect("the video was synced")
}

async fn a_video_link_that_is_not_https_is_not_stored(db: DatabaseConnection) {
    let world = world(db).await;
    let user = verified_user(&world.services, "dewi@example.id").await;
    let creator = &world.sandbox.world.creators.all[0];
    let now = world.sandbox.clock.now();
    let hostile = ["javascript:alert(1)", "http://www.tiktok.com/@x/video/1", "data:text/html,<b>x</b>"];
    let ids: Vec<String> = hostile
        .iter()
        .enumerate()
        .map(|(i, link)| {
            world.sandbox.world.creators.add_video(creator, now - 60 * i as i64, "clip", 30, Some(link)).id
        })
        .collect();
    connect(&world, &user, &SecretString::from("s"), 0, ALL).await;
    sync::run_due(&world.services, "w", Utc::now).await.expect("run");

    for (id, link) in ids.iter().zip(hostile) {
        assert_eq!(stored_video(&world, id).await.share_url, None, "{link} is not stored");
    }
    let ordinary = sandbox_video_ids(&world, 0).into_iter().find(|id| !ids.contains(id)).expect("a video");
    let kept = stored_video(&world, &ordinary).await.share_url.expect("an https link is kept");
    assert!(kept.starts_with("https://www.tiktok.com/@"), "{kept}");
}

async fn captions_that_are_formulas_export_as_text(db: DatabaseConnection) {
    use domain::tiktok::export::{self, Row};
    let world = world(db).await;
    let user = verified_user(&world.services, "eka@example.id").await;
    let creator = &world.sandbox.world.creators.all[1];
    let now = world.sandbox.clock.now();
    let attacks = ["=HYPERLINK(\"http://evil\",\"x\")", "-2+3", "@SUM(A1)", "\t=1"];
    for (i, caption) in attacks.iter().enumerate() {
        world.sandbox.world.creators.add_video(creator, now - 60 * i as i64, caption, 30, None);
    }
    let account = connect(&world, &user, &SecretString::from("s"), 1, ALL).await;
    sync::run_due(&world.services, "w", Utc::now).await.expect("run");

    let account = domain::tiktok::connections::find(&world.services, &user, account.id)
        .await
        .expect("the user's account");
    let (rows, _) =
        export::videos_page(&world.services, &account, export::Range::default(), 0).await.expect("export");
    for caption in attacks {
        let row = rows.iter().find(|r| r.description == caption).expect("the video is exported");
        let fields = row.fields();
        assert_eq!(fields[3], format!("'{caption}"), "the caption cell is text");
        assert_eq!(fields[2], format!("'{}", row.title), "so is the title drawn from it");
    }
}

db_tests!(
    the_first_sync_fills_profile_and_videos,
    a_video_link_that_is_not_https_is_not_stored,
    captions_that_are_formulas_export_as_text,
    a_worker_that_lost_its_lease_writes_nothing,
    a_sync_that_keeps_failing_is_shown_and_retry_revives_it,
    rate_limits_wait_for_retry_after,
);
