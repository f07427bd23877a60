//! Analytics over synced history, on SQLite and PostgreSQL: the videos table sorts, searches
//! (literally) and pages in the database, and measures growth over the range from snapshots;
//! daily gains come from account totals; follower changes and histories stay inside the account.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::*;
use domain::Error;
use domain::db_tests;
use domain::entities::{tiktok_account_total, tiktok_profile_snapshot, tiktok_video, tiktok_video_snapshot};
use domain::sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use domain::tiktok::analytics::{DateRange, VideoQuery, VideoSort, queries};
use domain::tiktok::connections::{self, Owned};
use domain::tiktok::sync;
use secrecy::SecretString;

async fn synced(
    world: &World,
    email: &str,
    creator: usize,
) -> (domain::entities::user::Model, Owned, DateTime<Utc>) {
    let user = verified_user(&world.services, email).await;
    let account = connect(world, &user, &SecretString::from("s"), creator, ALL).await;
    let now = Utc::now();
    sync::run_due(&world.services, "w", || now).await.expect("sync");
    let account = connections::find(&world.services, &user, account.id).await.expect("the user's account");
    (user, account, now)
}

fn week(now: DateTime<Utc>) -> DateRange {
    DateRange::last(7, now.date_naive(), chrono_tz::UTC)
}

async fn all_videos(world: &World, account: i64) -> Vec<tiktok_video::Model> {
    tiktok_video::Entity::find()
        .filter(tiktok_video::Column::AccountId.eq(account))
        .all(&world.services.db)
        .await
        .expect("videos")
}

async fn the_videos_table_sorts_searches_and_pages(db: DatabaseConnection) {
    let world = world(db).await;
    let (_, account, now) = synced(&world, "sari@example.id", 0).await;
    let stored = all_videos(&world, account.id).await;
    let db = &world.services.db;
    let range = week(now);

    let first = queries::videos(db, &account, &range, &VideoQuery::default()).await.expect("page");
    assert_eq!(first.total as usize, stored.len());
    assert_eq!(first.rows.len(), 25.min(stored.len()));
    assert!(first.rows.windows(2).all(|w| w[0].posted_at >= w[1].posted_at), "newest first");

    let by_views =
        VideoQuery { sort: VideoSort::Views, descending: false, per_page: 100, ..VideoQuery::default() };
    let rows = queries::videos(db, &account, &range, &by_views).await.expect("page").rows;
    let mut expected: Vec<i64> = stored.iter().map(|v| v.view_count).collect();
    expected.sort_unstable();
    assert_eq!(rows.iter().map(|r| r.view_count).collect::<Vec<_>>(), expected);

    let by_engagement =
        VideoQuery { sort: VideoSort::Engagement, descending: true, per_page: 100, ..VideoQuery::default() };
    let rows = queries::videos(db, &account, &range, &by_engagement).await.expect("page").rows;
    let rates: Vec<f64> = rows.iter().map(|r| r.counters().engagement_rate().unwrap_or(-1.0)).collect();
    assert!(rates.windows(2).all(|w| w[0] >= w[1] - 1e-12), "{rates:?}");

    // Pages partition the table: every video exactly once.
    let mut seen = std::collections::HashSet::new();
    for page in 1..=stored.len().div_ceil(7) as u64 {
        let query = VideoQuery { per_page: 7, page, ..VideoQuery::default() };
        for row in queries::videos(db, &account, &range, &query).await.expect("page").rows {
            assert!(seen.insert(row.id), "video {} twice", row.id);
        }
    }
    assert_eq!(seen.len(), stored.len());
    let beyond = VideoQuery { page: 99, ..VideoQuery::default() };
    assert!(queries::videos(db, &account, &range, &beyond).await.expect("page").rows.is_empty());

    // Search matches title or caption, case-insensitively, and takes % and _ literally.
    let mut target = tiktok_video::ActiveModel::from(stored[3].clone());
    target.description = Set("Resep Kopi Susu 100% #kopi".into());
    target.update(db).await.expect("caption");
    let found = |text: &str| {
        let query = VideoQuery { search: text.into(), ..VideoQuery::default() };
        let (account, range) = (&account, &range);
        async move { queries::videos(db, account, range, &query).await.expect("search") }
    };
    let hits = found("kopi susu").await;
    assert_eq!((hits.total, hits.rows[0].id), (1, stored[3].id));
    assert_eq!(found("100%").await.total, 1);
    assert_eq!(found("1_0").await.total, 0, "_ is not a wildcard");
    assert_eq!(found("%").await.total, 1, "% is not a wildcard");
}

async fn growth_is_measured_over_the_range(db: DatabaseConnection) {
    let world = world(db).await;
    let (_, account, now) = synced(&world, "budi@example.id", 1).await;
    let db = &world.services.db;
    let range = week(now);
    let (start, _) = range.bounds();
    let stored = all_videos(&world, account.id).await;
    let young = stored.iter().find(|v| v.posted_at >= start).expect("a video posted this week");
    let old: Vec<&tiktok_video::Model> = stored.iter().filter(|v| v.posted_at < start).collect();
    assert!(old.len() >= 2, "videos from before the week");
    // One old video was read before the week began, 250 views ago.
    tiktok_video_snapshot::ActiveModel {
        video_row_id: Set(old[0].id),
        taken_at: Set(start - Duration::hours(1)),
        view_count: Set(old[0].view_count - 250),
        like_count: Set(0),
        comment_count: Set(0),
        share_count: Set(0),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("snapshot");

    let query =
        VideoQuery { sort: VideoSort::Growth, descending: true, per_page: 100, ..VideoQuery::default() };
    let rows = queries::videos(db, &account, &range, &query).await.expect("page").rows;
    let growth = |id: i64| rows.iter().find(|r| r.id == id).expect("row").growth;
    assert_eq!(growth(young.id), young.view_count, "posted within the range: every view is growth");
    assert_eq!(growth(old[0].id), 250, "read before the range: the difference");
    assert_eq!(growth(old[1].id), 0, "first read within the range: nothing measured yet");
    assert!(rows.windows(2).all(|w| w[0].growth >= w[1].growth), "sorted by growth");
    // The video page measures growth by the same rule as the table.
    for video in [young, old[0], old[1]] {
        let history = queries::video_history(db, &account, video.id, &range).await.expect("history");
        assert_eq!(history.growth(), growth(video.id), "video {}", video.id);
    }

    // A range that ended before Soco read anything has no growth at all.
    let past = DateRange::last(7, (now - Duration::days(60)).date_naive(), chrono_tz::UTC);
    let rows = queries::videos(db, &account, &past, &query).await.expect("page").rows;
    assert!(rows.iter().all(|r| r.growth == 0), "{:?}", rows.iter().map(|r| r.growth).collect::<Vec<_>>());
}

async fn daily_figures_and_follower_changes(db: DatabaseConnection) {
    let world = world(db).await;
    let (user, account, now) = synced(&world, "ayu@example.id", 2).await;
    let db = &world.services.db;
    let today = now.date_naive();
    let noon =
        |days_ago: i64| (today - Duration::days(days_ago)).and_hms_opt(12, 0, 0).expect("noon").and_utc();
    // Totals two and one days ago, then today's from the sync.
    for (days_ago, views) in [(2, 1_000), (1, 1_600)] {
        tiktok_account_total::ActiveModel {
            account_id: Set(account.id),
            taken_at: Set(noon(days_ago)),
            videos: Set(30),
            view_count: Set(views),
            like_count: Set(views / 10),
            comment_count: Set(0),
            share_count: Set(0),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("totals");
    }
    let range = DateRange::last(4, today, chrono_tz::UTC);
    let (days, as_of) = queries::daily_activity(db, &account, &range).await.expect("daily");
    let views: Vec<Option<i64>> = days.iter().map(|d| d.gained.map(|g| g.views)).collect();
    assert_eq!(views[0], None, "no reading three days ago");
    assert_eq!(views[1], None, "nothing before the first reading");
    assert_eq!(views[2], Some(600));
    assert_eq!(days[2].gained.map(|g| g.likes), Some(60));
    assert!(views[3].is_some(), "today's sync counts against yesterday");
    assert!(as_of.is_some());

    // Followers: a snapshot eight days ago gives the 7-day change.
    let latest = tiktok_profile_snapshot::Entity::find()
        .filter(tiktok_profile_snapshot::Column::AccountId.eq(account.id))
        .one(db)
        .await
        .expect("db")
        .expect("synced profile");
    let followers = latest.follower_count.expect("stats granted");
    tiktok_profile_snapshot::ActiveModel {
        account_id: Set(account.id),
        taken_at: Set(now - Duration::days(8)),
        follower_count: Set(Some(followers - 420)),
        following_count: Set(Some(1)),
        likes_count: Set(Some(1)),
        video_count: Set(Some(1)),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("snapshot");
    let overview = queries::overview(db, &account, now).await.expect("overview");
    assert_eq!(overview.followers_7d, Some(420));
    assert_eq!(overview.followers_30d, Some(420), "no older snapshot: since the first one");
    assert_eq!(overview.videos_kept as usize, all_videos(&world, account.id).await.len());
    assert!(overview.totals.is_some_and(|t| t.counters.views > 0));
    let series =
        queries::followers(db, &account, &DateRange::last(10, today, chrono_tz::UTC)).await.expect("series");
    assert_eq!(series.len(), 10);
    assert_eq!(series[1].1, Some(followers - 420));
    assert_eq!(series[9].1, Some(followers));

    // A video's history is only reachable through its own account.
    let video = all_videos(&world, account.id).await.remove(0);
    let history = queries::video_history(db, &account, video.id, &range).await.expect("history");
    assert_eq!((history.video.id, history.snapshots.len()), (video.id, 1));
    let other = connect(&world, &user, &SecretString::from("s"), 0, ALL).await;
    let other = connections::find(&world.services, &user, other.id).await.expect("the user's other account");
    assert!(matches!(queries::video_history(db, &other, video.id, &range).await, Err(Error::NotFound)));
}

db_tests!(
    the_videos_table_sorts_searches_and_pages,
    growth_is_measured_over_the_range,
    daily_figures_and_follower_changes,
);
