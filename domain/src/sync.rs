//! Keeping connected TikTok accounts' history: the sync job kinds and what each one does.
//!
//! - [`PROFILE`]: reads the profile the granted scopes allow, updates the account and stores a
//!   snapshot of its counters; recurs every `SOCO_SYNC_PROFILE_MINUTES` (6 hours).
//! - [`VIDEOS`]: pages through the account's public videos, newest first, keeping each video's
//!   latest counters and a snapshot of them. A *full* pass reads every video and snapshots all
//!   of them; it runs first (the backfill) and then every `SOCO_SYNC_FULL_MINUTES` (daily). In
//!   between, every `SOCO_SYNC_RECENT_MINUTES` (3 hours), a *recent* pass reads only as far as
//!   the videos posted in the last `SOCO_SYNC_YOUNG_DAYS` (10) and snapshots those: young videos
//!   move fast, old ones slowly, and the requests spent follow. Each finished pass stores the
//!   account's totals (sums over its videos), which the daily charts difference.
//!
//! The cursor is checkpointed in the job after every page, so a worker killed mid-way resumes at
//! the page it was on: no gap, and snapshots are unique per video and instant, so no duplicate
//! either.
//!
//! Handlers are idempotent; the worker ([`run_due`]) leases jobs from [`crate::jobs`].

use chrono::{DateTime, Duration, SubsecRound, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::json;

use crate::connections::{self, status};
use crate::entities::{
    job, tiktok_account, tiktok_account_total, tiktok_profile_snapshot, tiktok_video, tiktok_video_snapshot,
};
use crate::error::{Error, Result};
use crate::jobs::{self, NewJob};
use crate::services::Services;
use crate::tiktok::display::{UserField, Video};
use crate::tiktok::scopes::{Scope, parse_scopes};

/// Job kind: profile snapshot.
pub const PROFILE: &str = "tiktok.sync_profile";
/// Job kind: video list and video snapshots.
pub const VIDEOS: &str = "tiktok.sync_videos";

/// Queues the profile and video syncs of `account_id` to run now: new jobs on a first connect,
/// the queued ones brought forward on a reconnect (new scopes are read at once).
pub async fn schedule(services: &Services, account_id: i64, now: DateTime<Utc>) -> Result<()> {
    for kind in [PROFILE, VIDEOS] {
        let key = format!("{kind}:{account_id}");
        let job = NewJob {
            kind: kind.to_owned(),
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

/// What a handler asks the worker to do with its job.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// Done for good: delete the job.
    Finish,
    /// Run again at this time with this payload (recurring work, or the next page).
    Again(DateTime<Utc>, serde_json::Value),
}

fn account_id(job: &job::Model) -> Result<i64> {
    serde_json::from_str::<serde_json::Value>(&job.payload)
        .ok()
        .and_then(|p| p["account_id"].as_i64())
        .ok_or_else(|| Error::Internal(format!("job {} has no account_id", job.id)))
}

/// The live account, or `None` when it was disconnected, flagged or deleted (the job then ends;
/// connecting again schedules new ones).
async fn active_account(services: &Services, id: i64) -> Result<Option<tiktok_account::Model>> {
    Ok(tiktok_account::Entity::find_by_id(id).one(&services.db).await?.filter(|a| a.status == status::ACTIVE))
}

/// Runs one job of a kind this module knows.
pub async fn handle(services: &Services, job: &job::Model, now: DateTime<Utc>) -> Result<Next> {
    match job.kind.as_str() {
        PROFILE => sync_profile(services, account_id(job)?, now).await,
        VIDEOS => sync_videos(services, job, account_id(job)?, now).await,
        other => Err(Error::Internal(format!("unknown job kind {other}"))),
    }
}

async fn sync_profile(services: &Services, id: i64, now: DateTime<Utc>) -> Result<Next> {
    let Some(account) = active_account(services, id).await? else { return Ok(Next::Finish) };
    let token = connections::access_token(services, &account, now).await?;
    let scopes: Vec<Scope> = parse_scopes(&account.scopes);
    let profile = services
        .tiktok
        .display
        .user_info(&token, &UserField::allowed_by(&scopes))
        .await
        .map_err(connections::upstream_display)?;
    let taken_at = now.trunc_subsecs(0);
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
    tiktok_profile_snapshot::Entity::insert(snapshot)
        .on_conflict_do_nothing_on([
            tiktok_profile_snapshot::Column::AccountId,
            tiktok_profile_snapshot::Column::TakenAt,
        ])
        .exec(&services.db)
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
    row.update(&services.db).await?;
    Ok(Next::Again(now + services.config.sync.profile, json!({ "account_id": id })))
}

/// Where a video pass stands, as checkpointed in the job's payload.
#[derive(Debug, Clone, PartialEq)]
struct Pass {
    /// Whether this pass reads (and snapshots) every video, not only the young ones.
    full: bool,
    /// Where the next page starts (`None`: at the newest video).
    cursor: Option<i64>,
    /// When the last full pass finished.
    last_full: Option<DateTime<Utc>>,
}

impl Pass {
    fn read(payload: &serde_json::Value) -> Self {
        Pass {
            full: payload["full"].as_bool().unwrap_or(true),
            cursor: payload["cursor"].as_i64(),
            last_full: payload["last_full"].as_i64().and_then(|t| DateTime::from_timestamp(t, 0)),
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
            "last_full": self.last_full.map(|t| t.timestamp()),
        })
    }
}

async fn sync_videos(services: &Services, job: &job::Model, id: i64, now: DateTime<Utc>) -> Result<Next> {
    let Some(account) = active_account(services, id).await? else { return Ok(Next::Finish) };
    if !parse_scopes(&account.scopes).contains(&Scope::VideoList) {
        return Ok(Next::Finish); // nothing to read without video.list; reconnecting schedules anew
    }
    let intervals = services.config.sync;
    let payload: serde_json::Value = serde_json::from_str(&job.payload).unwrap_or_default();
    let mut pass = Pass::read(&payload);
    if pass.cursor.is_none() {
        // A new pass: decide now what kind it is.
        pass.full = !account.backfill_done || Pass::full_due(pass.last_full, now, intervals.full);
    }
    let token = connections::access_token(services, &account, now).await?;
    let page = services
        .tiktok
        .display
        .video_list(&token, pass.cursor, crate::tiktok::MAX_VIDEOS_PER_CALL)
        .await
        .map_err(connections::upstream_display)?;
    let taken_at = now.trunc_subsecs(0);
    let young_since = now - intervals.young_for;
    let mut reached_old = false;
    for video in &page.videos {
        let young = video.create_time >= young_since.timestamp();
        reached_old |= !young;
        store_video(services, account.id, video, taken_at, pass.full || young).await?;
    }
    if page.has_more && (pass.full || !reached_old) {
        // Checkpoint: the next page is where a restarted worker picks up.
        pass.cursor = Some(page.cursor);
        return Ok(Next::Again(now, pass.payload(id)));
    }
    store_totals(services, account.id, taken_at).await?;
    if pass.full {
        pass.last_full = Some(now);
    }
    if !account.backfill_done {
        let mut row = account.into_active_model();
        row.backfill_done = Set(true);
        row.last_synced_at = Set(Some(now));
        row.updated_at = Set(now);
        row.update(&services.db).await?;
    }
    let next = Pass { full: false, cursor: None, last_full: pass.last_full };
    Ok(Next::Again(now + intervals.recent.min(intervals.full), next.payload(id)))
}

/// Stores the sums of the account's latest video counters, as of the pass that just ended.
async fn store_totals(services: &Services, account_id: i64, taken_at: DateTime<Utc>) -> Result<()> {
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
        .one(&services.db)
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
        .exec(&services.db)
        .await?;
    Ok(())
}

async fn store_video(
    services: &Services,
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
        .one(&services.db)
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
    row.share_url = Set(video.share_url.clone());
    row.view_count = Set(count(video.view_count));
    row.like_count = Set(count(video.like_count));
    row.comment_count = Set(count(video.comment_count));
    row.share_count = Set(count(video.share_count));
    row.metrics_at = Set(Some(taken_at));
    let saved = row.save(&services.db).await?;
    if !snapshot {
        return Ok(());
    }
    let video_row_id =
        saved.id.try_as_ref().copied().ok_or_else(|| Error::Internal("video row without id".into()))?;
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
        .exec(&services.db)
        .await?;
    Ok(())
}

/// Leases and runs due jobs for `worker` until none is due; returns how many ran. A failure is
/// put back with backoff (or at `Retry-After`); a refused grant ends the job (the account is
/// flagged, and reconnecting schedules new ones).
pub async fn run_due(services: &Services, worker: &str, now: DateTime<Utc>) -> Result<usize> {
    let mut ran = 0;
    while let Some(job) = jobs::lease(&services.db, worker, now).await? {
        ran += 1;
        match handle(services, &job, now).await {
            Ok(Next::Finish) => {
                jobs::finish(&services.db, &job, worker).await?;
            }
            Ok(Next::Again(at, payload)) => {
                jobs::reschedule(&services.db, &job, worker, &payload, at, now).await?;
            }
            Err(Error::Invalid { code: "tiktok_grant_refused", .. }) => {
                jobs::finish(&services.db, &job, worker).await?;
            }
            Err(Error::RateLimited { retry_after_secs }) => {
                let at = now + Duration::seconds(i64::try_from(retry_after_secs).unwrap_or(60));
                jobs::fail(&services.db, &job, worker, "rate limited", Some(at), now).await?;
            }
            Err(error) => {
                tracing::warn!(job = job.id, kind = %job.kind, error = %error, "job failed; retrying later");
                jobs::fail(&services.db, &job, worker, &error.to_string(), None, now).await?;
            }
        }
        if ran >= 1000 {
            break; // let the caller breathe; the rest is still due next time
        }
    }
    Ok(ran)
}
