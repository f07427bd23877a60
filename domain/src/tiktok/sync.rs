//! Keeping connected TikTok accounts' history: the sync job kinds and what each one does.
//!
//! - [`JobKind::TikTokSyncProfile`]: reads the profile the granted scopes allow, updates the account and stores a
//!   snapshot of its counters; recurs every `SOCO_SYNC_PROFILE_MINUTES` (6 hours).
//! - [`JobKind::TikTokSyncVideos`]: pages through the account's public videos, newest first, keeping each video's
//!   latest counters and a snapshot of them. A *full* pass reads every video and snapshots all
//!   of them; it runs first (the backfill) and then every `SOCO_SYNC_FULL_MINUTES` (daily). In
//!   between, every `SOCO_SYNC_RECENT_MINUTES` (3 hours), a *recent* pass reads only as far as
//!   the videos posted in the last `SOCO_SYNC_YOUNG_DAYS` (10) and snapshots those: young videos
//!   move fast, old ones slowly, and the requests spent follow. Each finished pass stores the
//!   account's totals (sums over its videos), which the daily charts difference.
//!
//! Each run writes its work and its checkpoint (the next cursor, or the next due time) in one
//! transaction, opened only after TikTok has answered: a worker killed at any point either
//! committed a page with its cursor or nothing of it, so the page is read again, with no gap and
//! no duplicate. A pass keeps one snapshot instant from its first page to its last, and
//! snapshots are unique per video and instant.
//!
//! Every call to TikTok goes through [`connections::with_token`] (a token TikTok refuses is
//! refreshed once) and is retried for passing failures (`SOCO_TIKTOK_RETRY_ATTEMPTS`). The worker
//! ([`run_due`]) reads the clock for each job, renews a long job's lease, and gives a job up
//! visibly after [`jobs::MAX_ATTEMPTS`] failures in a row ([`troubles`], [`retry`]).

use chrono::{DateTime, Duration, SubsecRound, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};
use serde_json::json;

use crate::entities::job::JobKind;
use crate::entities::{
    job, tiktok_account, tiktok_account_total, tiktok_profile_snapshot, tiktok_video, tiktok_video_snapshot,
};
use crate::error::{Code, Error, Result};
use crate::jobs::{self, NewJob, Next};
use crate::services::Services;
use crate::tiktok::connections::{self, AccountStatus};
use crate::tiktok::display::{UserField, Video};
use crate::tiktok::scopes::Scope;

/// The kinds of job that keep one account's history.
pub const KINDS: [JobKind; 2] = [JobKind::TikTokSyncProfile, JobKind::TikTokSyncVideos];

/// The dedupe keys of `account_id`'s sync jobs.
pub fn job_keys(account_id: i64) -> Vec<String> {
    KINDS.iter().map(|kind| format!("{kind}:{account_id}")).collect()
}

/// Queues the profile and video syncs of `account_id` to run now: new jobs on a first connect,
/// the queued ones brought forward on a reconnect (new scopes are read at once), and given-up
/// ones revived.
pub async fn schedule(services: &Services, account_id: i64, now: DateTime<Utc>) -> Result<()> {
    jobs::revive(&services.db, &job_keys(account_id), now).await?;
    for (kind, key) in KINDS.into_iter().zip(job_keys(account_id)) {
        let job = NewJob {
            kind,
            payload: json!({ "account_id": account_id }),
            dedupe_key: Some(key.clone()),
            run_at: now,
        };
        if !jobs::enqueue(&services.db, job, now).await? {
            jobs::hurry(&services.db, &key, now).await?;
        }
    }
    Ok(())
}

/// Why an account's history is not being kept up to date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trouble {
    /// When the failures began.
    pub since: DateTime<Utc>,
    /// The last failure, as logged.
    pub reason: String,
    /// Whether Soco stopped retrying (the user can retry, or reconnect).
    pub given_up: bool,
}

/// Failures shorter than this are retried quietly; longer ones are shown to the user.
const QUIET_FAILURES: i32 = 2;

/// What is wrong with `account_id`'s syncing, if anything worth telling: a job given up, or one
/// that failed more than [`QUIET_FAILURES`] times in a row.
pub async fn trouble(db: &impl ConnectionTrait, account_id: i64) -> Result<Option<Trouble>> {
    let troubles = jobs::troubles(db, &job_keys(account_id)).await?;
    Ok(troubles.into_iter().find(|job| job.given_up_at.is_some() || job.attempts > QUIET_FAILURES).map(
        |job| Trouble {
            since: job.failing_since.unwrap_or(job.updated_at),
            reason: job.last_error.unwrap_or_default(),
            given_up: job.given_up_at.is_some(),
        },
    ))
}

/// The user's "Retry" on an account whose sync failed: revives its given-up jobs and brings its
/// queued ones forward. Only for the owner's active accounts.
pub async fn retry(
    services: &Services,
    user: &crate::entities::user::Model,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let account = connections::find(services, user, account_id).await?;
    if account.status != AccountStatus::Active {
        return Err(Error::invalid("account", Code::TikTokNotActive));
    }
    // Only a sync in trouble is brought forward: a healthy one keeps its schedule, so the button
    // cannot be used to spend the installation's TikTok quota.
    if trouble(&services.db, account.id).await?.is_none() {
        return Ok(());
    }
    schedule(services, account.id, now).await
}

fn account_id(job: &job::Model) -> Result<i64> {
    serde_json::from_str::<serde_json::Value>(&job.payload)
        .ok()
        .and_then(|p| p["account_id"].as_i64())
        .ok_or_else(|| Error::invariant(format!("job {} has no account_id", job.id)))
}

/// The live account, or `None` when it was disconnected, flagged or deleted (the job then ends;
/// connecting again schedules new ones).
async fn active_account(services: &Services, id: i64) -> Result<Option<tiktok_account::Model>> {
    Ok(tiktok_account::Entity::find_by_id(id)
        .one(&services.db)
        .await?
        .filter(|a| a.status == AccountStatus::Active))
}

/// A leased job as its handler sees it.
#[derive(Clone, Copy)]
pub struct Leased<'a> {
    /// The job row, as leased.
    pub job: &'a job::Model,
    /// The worker holding the lease.
    pub worker: &'a str,
}

impl Leased<'_> {
    /// Settles the job on `db` (the transaction holding its work) and commits nothing itself;
    /// fails with [`Error::Conflict`] when the lease was lost, so the caller's transaction rolls
    /// back.
    async fn settle(&self, db: &impl ConnectionTrait, next: Next, now: DateTime<Utc>) -> Result<()> {
        if jobs::settle(db, self.job, self.worker, next, now).await? {
            Ok(())
        } else {
            Err(Error::Conflict(LEASE_LOST.into()))
        }
    }
}

/// The error of a job whose lease another worker took over: its work is rolled back.
const LEASE_LOST: &str = "the job's lease was lost to another worker";

/// Runs one job of a kind this module knows, and settles it (its work and its next run commit
/// together).
pub async fn handle(services: &Services, leased: Leased<'_>, now: DateTime<Utc>) -> Result<()> {
    let job = leased.job;
    match &job.kind {
        JobKind::TikTokSyncProfile => sync_profile(services, leased, account_id(job)?, now).await,
        JobKind::TikTokSyncVideos => sync_videos(services, leased, account_id(job)?, now).await,
        JobKind::Other(name) => Err(Error::invariant(format!("no handler for job kind {name}"))),
    }
}

/// Reads from TikTok with a live token of `account`, retrying passing failures.
async fn read<T, F, Fut>(
    services: &Services,
    account: &tiktok_account::Model,
    now: DateTime<Utc>,
    call: F,
) -> Result<T>
where
    F: Fn(secrecy::SecretString) -> Fut,
    Fut: std::future::Future<Output = std::result::Result<T, crate::tiktok::DisplayError>>,
{
    connections::with_token(services, account, now, |token| {
        let call = &call;
        async move { services.tiktok.retry.run(|| call(token.clone())).await }
    })
    .await
}

async fn sync_profile(services: &Services, leased: Leased<'_>, id: i64, now: DateTime<Utc>) -> Result<()> {
    let Some(account) = active_account(services, id).await? else {
        return leased.settle(&services.db, Next::Finish, now).await;
    };
    let fields = UserField::allowed_by(&account.scopes);
    let profile = read(services, &account, now, |token| {
        let fields = &fields;
        async move { services.tiktok.display.user_info(&token, fields).await }
    })
    .await?;
    let taken_at = now.trunc_subsecs(3);
    let as_i64 = |n: Option<u64>| n.and_then(|n| i64::try_from(n).ok());
    let snapshot = tiktok_profile_snapshot::ActiveModel {
        account_id: Set(account.id),
        taken_at: Set(taken_at),
        follower_count: Set(as_i64(profile.follower_count)),
        following_count: Set(as_i64(profile.following_count)),
        likes_count: Set(as_i64(profile.likes_count)),
        video_count: Set(as_i64(profile.video_count)),
        ..Default::default()
    };
    let txn = crate::db::begin_write(&services.db).await?;
    tiktok_profile_snapshot::Entity::insert(snapshot)
        .on_conflict_do_nothing_on([
            tiktok_profile_snapshot::Column::AccountId,
            tiktok_profile_snapshot::Column::TakenAt,
        ])
        .exec(&txn)
        .await?;
    let mut row = account.into_active_model();
    if let Some(name) = profile.display_name {
        row.display_name = Set(name);
    }
    if profile.avatar_url.is_some() {
        row.avatar_url = Set(profile.avatar_url);
    }
    if profile.username.is_some() {
        row.username = Set(profile.username);
    }
    if profile.is_verified.is_some() {
        row.is_verified = Set(profile.is_verified);
    }
    row.last_synced_at = Set(Some(now));
    row.updated_at = Set(now);
    row.update(&txn).await?;
    leased
        .settle(&txn, Next::Again(now + services.config.sync.profile, json!({ "account_id": id })), now)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Where a video pass stands, as checkpointed in the job's payload.
#[derive(Debug, Clone, PartialEq)]
struct Pass {
    /// Whether this pass reads (and snapshots) every video, not only the young ones.
    full: bool,
    /// Where the next page starts (`None`: at the newest video).
    cursor: Option<i64>,
    /// The pass's snapshot instant, fixed by its first page (`None` before it).
    taken_at: Option<DateTime<Utc>>,
    /// When the last full pass finished.
    last_full: Option<DateTime<Utc>>,
}

impl Pass {
    fn read(payload: &serde_json::Value) -> Self {
        let time = |key: &str| payload[key].as_i64().and_then(|t| DateTime::from_timestamp(t, 0));
        Pass {
            full: payload["full"].as_bool().unwrap_or(true),
            cursor: payload["cursor"].as_i64(),
            taken_at: payload["taken_at_ms"].as_i64().and_then(DateTime::from_timestamp_millis),
            last_full: time("last_full"),
        }
    }

    /// Whether a pass starting at `now` should be full: none has finished within `full_every`
    /// (a minute's slack, so a pass due exactly on time is not put off by a whole interval).
    fn full_due(last_full: Option<DateTime<Utc>>, now: DateTime<Utc>, full_every: Duration) -> bool {
        last_full.is_none_or(|at| now - at >= full_every - Duration::minutes(1))
    }

    fn payload(&self, account_id: i64) -> serde_json::Value {
        json!({
            "account_id": account_id,
            "full": self.full,
            "cursor": self.cursor,
            "taken_at_ms": self.taken_at.map(|t| t.timestamp_millis()),
            "last_full": self.last_full.map(|t| t.timestamp()),
        })
    }
}

async fn sync_videos(services: &Services, leased: Leased<'_>, id: i64, now: DateTime<Utc>) -> Result<()> {
    let Some(account) = active_account(services, id).await? else {
        return leased.settle(&services.db, Next::Finish, now).await;
    };
    if !account.scopes.contains(&Scope::VideoList) {
        // Nothing to read without video.list; reconnecting schedules anew.
        return leased.settle(&services.db, Next::Finish, now).await;
    }
    let intervals = services.config.sync;
    let payload: serde_json::Value = serde_json::from_str(&leased.job.payload).unwrap_or_default();
    let mut pass = Pass::read(&payload);
    if pass.cursor.is_none() || pass.taken_at.is_none() {
        // A new pass: decide now what kind it is, and its snapshot instant.
        pass.full = !account.backfill_done || Pass::full_due(pass.last_full, now, intervals.full);
        pass.cursor = None;
        pass.taken_at = Some(now.trunc_subsecs(3));
    }
    let taken_at = pass.taken_at.unwrap_or_else(|| now.trunc_subsecs(3));
    let cursor = pass.cursor;
    let page = read(services, &account, now, |token| async move {
        services.tiktok.display.video_list(&token, cursor, crate::tiktok::MAX_VIDEOS_PER_CALL).await
    })
    .await?;
    let young_since = now - intervals.young_for;
    let mut reached_old = false;
    let txn = crate::db::begin_write(&services.db).await?;
    for video in &page.videos {
        let young = video.create_time >= young_since.timestamp();
        reached_old |= !young;
        store_video(&txn, account.id, video, taken_at, pass.full || young).await?;
    }
    if page.has_more && (pass.full || !reached_old) {
        // Checkpoint, in the page's transaction: the next page is where a restarted worker
        // picks up.
        pass.cursor = Some(page.cursor);
        leased.settle(&txn, Next::Again(now, pass.payload(id)), now).await?;
        txn.commit().await?;
        return Ok(());
    }
    store_totals(&txn, account.id, taken_at).await?;
    if pass.full {
        pass.last_full = Some(now);
    }
    if !account.backfill_done {
        let mut row = account.into_active_model();
        row.backfill_done = Set(true);
        row.last_synced_at = Set(Some(now));
        row.updated_at = Set(now);
        row.update(&txn).await?;
    }
    let next = Pass { full: false, cursor: None, taken_at: None, last_full: pass.last_full };
    leased
        .settle(&txn, Next::Again(now + intervals.recent.min(intervals.full), next.payload(id)), now)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Stores the sums of the account's latest video counters, as of the pass that just ended.
async fn store_totals(db: &impl ConnectionTrait, account_id: i64, taken_at: DateTime<Utc>) -> Result<()> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{FromQueryResult, QuerySelect};
    // PostgreSQL sums bigints as numeric: cast back so both databases give an i64.
    let sum = |column: &str| Expr::cust(format!("CAST(SUM({column}) AS BIGINT)"));
    #[derive(FromQueryResult)]
    struct Sums {
        videos: i64,
        views: Option<i64>,
        likes: Option<i64>,
        comments: Option<i64>,
        shares: Option<i64>,
    }
    let sums = tiktok_video::Entity::find()
        .select_only()
        .column_as(tiktok_video::Column::Id.count(), "videos")
        .column_as(sum("view_count"), "views")
        .column_as(sum("like_count"), "likes")
        .column_as(sum("comment_count"), "comments")
        .column_as(sum("share_count"), "shares")
        .filter(tiktok_video::Column::AccountId.eq(account_id))
        .into_model::<Sums>()
        .one(db)
        .await?
        .unwrap_or(Sums { videos: 0, views: None, likes: None, comments: None, shares: None });
    let totals = tiktok_account_total::ActiveModel {
        account_id: Set(account_id),
        taken_at: Set(taken_at),
        videos: Set(sums.videos),
        view_count: Set(sums.views.unwrap_or(0)),
        like_count: Set(sums.likes.unwrap_or(0)),
        comment_count: Set(sums.comments.unwrap_or(0)),
        share_count: Set(sums.shares.unwrap_or(0)),
        ..Default::default()
    };
    tiktok_account_total::Entity::insert(totals)
        .on_conflict_do_nothing_on([
            tiktok_account_total::Column::AccountId,
            tiktok_account_total::Column::TakenAt,
        ])
        .exec(db)
        .await?;
    Ok(())
}

async fn store_video(
    db: &impl ConnectionTrait,
    account_id: i64,
    video: &Video,
    taken_at: DateTime<Utc>,
    snapshot: bool,
) -> Result<()> {
    let count = |n: Option<u64>| n.and_then(|n| i64::try_from(n).ok()).unwrap_or(0);
    let posted_at = DateTime::from_timestamp(video.create_time, 0).unwrap_or(taken_at);
    let existing = tiktok_video::Entity::find()
        .filter(tiktok_video::Column::AccountId.eq(account_id))
        .filter(tiktok_video::Column::VideoId.eq(video.id.as_str()))
        .one(db)
        .await?;
    let mut row = match existing {
        Some(found) => found.into_active_model(),
        None => tiktok_video::ActiveModel {
            account_id: Set(account_id),
            video_id: Set(video.id.clone()),
            first_seen_at: Set(taken_at),
            ..Default::default()
        },
    };
    row.posted_at = Set(posted_at);
    row.title = Set(video.title.clone().unwrap_or_default().chars().take(255).collect());
    row.description = Set(video.video_description.clone().unwrap_or_default());
    row.duration = Set(video.duration.map_or(0, |d| d as i32));
    row.width = Set(video.width.map_or(0, |d| d as i32));
    row.height = Set(video.height.map_or(0, |d| d as i32));
    row.cover_url = Set(video.cover_image_url.clone());
    row.share_url = Set(video.share_url.as_deref().and_then(crate::tiktok::links::https_link));
    row.view_count = Set(count(video.view_count));
    row.like_count = Set(count(video.like_count));
    row.comment_count = Set(count(video.comment_count));
    row.share_count = Set(count(video.share_count));
    row.metrics_at = Set(Some(taken_at));
    let saved = row.save(db).await?;
    if !snapshot {
        return Ok(());
    }
    let video_row_id =
        saved.id.try_as_ref().copied().ok_or_else(|| Error::invariant("video row without id"))?;
    let snapshot = tiktok_video_snapshot::ActiveModel {
        video_row_id: Set(video_row_id),
        taken_at: Set(taken_at),
        view_count: Set(count(video.view_count)),
        like_count: Set(count(video.like_count)),
        comment_count: Set(count(video.comment_count)),
        share_count: Set(count(video.share_count)),
        ..Default::default()
    };
    tiktok_video_snapshot::Entity::insert(snapshot)
        .on_conflict_do_nothing_on([
            tiktok_video_snapshot::Column::VideoRowId,
            tiktok_video_snapshot::Column::TakenAt,
        ])
        .exec(db)
        .await?;
    Ok(())
}

/// Leases and runs due jobs for `worker` until none is due, reading `clock` for each job; returns
/// how many ran. A job's lease is renewed while it runs. A failure is put back with backoff (or
/// at `Retry-After`), and given up visibly after [`jobs::MAX_ATTEMPTS`] in a row; a refused
/// grant ends the job (the account is flagged, and reconnecting schedules new ones).
pub async fn run_due(services: &Services, worker: &str, clock: impl Fn() -> DateTime<Utc>) -> Result<usize> {
    let lease = services.config.job_lease;
    let mut ran = 0;
    while let Some(job) = jobs::lease(&services.db, worker, clock(), lease).await? {
        ran += 1;
        let now = clock();
        let outcome = with_renewed_lease(
            services,
            &job,
            worker,
            &clock,
            handle(services, Leased { job: &job, worker }, now),
        )
        .await;
        let now = clock();
        match outcome {
            Ok(()) => {}
            Err(Error::Invalid { code: Code::TikTokGrantRefused, .. }) => {
                jobs::finish(&services.db, &job, worker).await?;
            }
            Err(Error::Conflict(message)) if message == LEASE_LOST => {
                tracing::warn!(job = job.id, kind = %job.kind, "lease lost mid-job; its work was rolled back");
            }
            Err(Error::RateLimited { retry_after_secs }) => {
                let at = now + Duration::seconds(i64::try_from(retry_after_secs).unwrap_or(60));
                jobs::fail(&services.db, &job, worker, "rate limited", Some(at), now).await?;
            }
            Err(error) => {
                // The reason is shown to the account's owner: what TikTok answered, or which rule
                // failed, but never a database's or Soco's own internals.
                let reason = match &error {
                    Error::Db(_) => "a database error (the server log has the details)".to_owned(),
                    Error::Conflict(_) | Error::Internal { .. } => {
                        "an internal error (the server log has the details)".to_owned()
                    }
                    other => other.to_string(),
                };
                let failed = jobs::fail(&services.db, &job, worker, &reason, None, now).await?;
                if failed == jobs::Failed::GaveUp {
                    tracing::error!(job = job.id, kind = %job.kind, error = %error, "job given up after repeated failures");
                } else {
                    tracing::warn!(job = job.id, kind = %job.kind, error = %error, "job failed; retrying later");
                }
            }
        }
        if ran >= 1000 {
            break; // let the caller breathe; the rest is still due next time
        }
    }
    Ok(ran)
}

/// Runs `work`, renewing `job`'s lease every third of a lease until it ends; a lost lease stops
/// the work (its transaction is rolled back when the future is dropped).
async fn with_renewed_lease(
    services: &Services,
    job: &job::Model,
    worker: &str,
    clock: &impl Fn() -> DateTime<Utc>,
    work: impl std::future::Future<Output = Result<()>>,
) -> Result<()> {
    let lease = services.config.job_lease;
    let every = (lease / 3)
        .to_std()
        .unwrap_or(std::time::Duration::from_secs(60))
        .max(std::time::Duration::from_millis(100));
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    tokio::pin!(work);
    loop {
        tokio::select! {
            outcome = &mut work => return outcome,
            _ = tick.tick() => {
                if !jobs::renew(&services.db, job.id, worker, clock(), lease).await? {
                    return Err(Error::Conflict(LEASE_LOST.into()));
                }
            }
        }
    }
}
