//! A post's status over sandbox time, the effects of its transitions, and
//! `POST /v2/post/publish/status/fetch/` (tiktok-api.md 4.6 and 4.7).
//!
//! Timeline: `PROCESSING_UPLOAD` until the last chunk arrives (`FILE_UPLOAD`) or
//! `PROCESSING_DOWNLOAD` from the init (`PULL_FROM_URL`); then, `publish_delay` later, the final
//! status: `FAILED` with its `fail_reason` if the post was doomed at init, otherwise
//! `PUBLISH_COMPLETE` (Direct Post) or `SEND_TO_USER_INBOX` (inbox). A completed Direct Post gets
//! its post id `moderation_delay` after that: it then becomes a real video of the creator (in
//! `/v2/video/list/`) and its id appears in `publicaly_available_post_id`. Photo Direct Posts do
//! the same, as an item with a duration of 0. `SELF_ONLY` posts are listed only with
//! `list_private_posts` (the default; see its doc).
//!
//! Effects happen once, when a transition is first observed, but are dated when it happened: a
//! post observed an hour late is still published at the time it completed.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::Sandbox;
use crate::open_api::{ApiError, authorize, ok};

use super::init::parse_body;
use super::{Mode, Post, Source, endpoints, limits};

/// `publish_type` in webhook content. Not in tiktok-api.md; these are the values TikTok's events
/// page gives (unconfirmed here).
fn publish_type(mode: Mode) -> &'static str {
    match mode {
        Mode::Direct => "DIRECT_PUBLISH",
        Mode::Inbox => "INBOX_SHARE",
    }
}

/// A post as observed at an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    /// TikTok's status name.
    pub status: &'static str,
    /// Set when `status` is `FAILED`.
    pub fail_reason: Option<String>,
    /// `uploaded_bytes` (`FILE_UPLOAD`) or `downloaded_bytes` (`PULL_FROM_URL`).
    pub transferred: u64,
    /// The published video, once it has an id.
    pub post_id: Option<String>,
    /// Transitions that took effect during this observation.
    pub transitions: usize,
}

fn seconds(duration: std::time::Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX / 4)
}

/// Observes `post` at `now`: its status, and the first-time effects of any transition it has
/// gone through (final-status webhook, published video, `publicly_available` webhook).
pub fn observe(sandbox: &Sandbox, post: &mut Post, now: i64) -> Observation {
    let delay = seconds(sandbox.config.publish_delay);
    let (processing, ready_at, transferred) = match &post.source {
        Source::FileUpload(upload) => {
            ("PROCESSING_UPLOAD", upload.completed_at.map(|t| t.saturating_add(delay)), upload.received)
        }
        Source::PullFromUrl { bytes, .. } => {
            // The pretend download progresses evenly over the delay.
            let elapsed = (now - post.created_at).clamp(0, delay.max(1));
            let downloaded = if delay == 0 {
                *bytes
            } else {
                (u128::from(*bytes) * elapsed as u128 / delay as u128) as u64
            };
            ("PROCESSING_DOWNLOAD", Some(post.created_at.saturating_add(delay)), downloaded)
        }
    };
    let mut observation =
        Observation { status: processing, fail_reason: None, transferred, post_id: None, transitions: 0 };
    let Some(ready_at) = ready_at.filter(|t| *t <= now) else { return observation };

    observation.status = match (&post.failure, post.mode) {
        (Some(_), _) => "FAILED",
        (None, Mode::Direct) => "PUBLISH_COMPLETE",
        (None, Mode::Inbox) => "SEND_TO_USER_INBOX",
    };
    observation.fail_reason = post.failure.clone();
    if !post.settled {
        post.settled = true;
        observation.transitions += 1;
        let mut content = json!({ "publish_id": post.publish_id, "publish_type": publish_type(post.mode) });
        let event = match (&post.failure, post.mode) {
            (Some(reason), _) => {
                content["reason"] = Value::String(reason.clone());
                "post.publish.failed"
            }
            (None, Mode::Direct) => "post.publish.complete",
            (None, Mode::Inbox) => "post.publish.inbox_delivered",
        };
        notify(sandbox, post, event, ready_at, &content);
    }

    let public_at = ready_at.saturating_add(seconds(sandbox.config.moderation_delay));
    let listed = post.privacy_level.as_deref() != Some("SELF_ONLY") || sandbox.config.list_private_posts;
    if post.mode == Mode::Direct
        && post.failure.is_none()
        && listed
        && post.post_id.is_none()
        && public_at <= now
        && let Some(creator) = sandbox.world.creators.by_open_id(&post.open_id)
    {
        let video = sandbox.world.creators.add_video(creator, public_at, &post.caption, post.duration, None);
        post.post_id = Some(video.id.clone());
        observation.transitions += 1;
        let content = json!({
            "publish_id": post.publish_id,
            "post_id": video.id,
            "publish_type": publish_type(post.mode),
        });
        notify(sandbox, post, "post.publish.publicly_available", public_at, &content);
    }
    observation.post_id = post.post_id.clone();
    observation
}

fn notify(sandbox: &Sandbox, post: &Post, event: &str, at: i64, content: &Value) {
    let app = &sandbox.config.login_kit;
    sandbox.webhooks.send_tiktok(
        sandbox.config.tiktok_webhook_url.as_deref(),
        &app.client_key,
        &app.client_secret,
        event,
        at,
        &post.open_id,
        content,
    );
}

#[derive(Debug, Deserialize)]
struct FetchRequest {
    publish_id: Option<String>,
}

/// `POST /v2/post/publish/status/fetch/`. `data` always has `status` and
/// `publicaly_available_post_id` (TikTok's spelling; empty until the post has an id), then
/// `uploaded_bytes` or `downloaded_bytes` by source, and `fail_reason` when `FAILED`. Post ids are
/// int64 numbers as documented, or strings with `SOCO_SANDBOX_POST_IDS_AS_STRINGS`.
pub async fn fetch(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let grant = authorize(
        &sandbox,
        &headers,
        endpoints::STATUS_FETCH,
        &["video.upload", "video.publish"],
        limits::STATUS_FETCH,
    )
    .await?;
    let request: FetchRequest = parse_body(&body)?;
    let publish_id = request
        .publish_id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| ApiError::invalid_params("publish_id is required."))?;
    let now = sandbox.clock.now();
    let (observation, pulled) = sandbox
        .posts
        .with_post(&publish_id, |post| {
            (post.open_id == grant.open_id)
                .then(|| (observe(&sandbox, post, now), matches!(post.source, Source::PullFromUrl { .. })))
        })
        .flatten()
        .ok_or_else(|| ApiError::invalid_params("publish_id does not match a post of this user."))?;

    let post_ids: Vec<Value> = observation
        .post_id
        .iter()
        .map(|id| match id.parse::<u64>() {
            Ok(number) if !sandbox.config.post_ids_as_strings => Value::from(number),
            _ => Value::from(id.as_str()),
        })
        .collect();
    let mut data = json!({ "status": observation.status, "publicaly_available_post_id": post_ids });
    data[if pulled { "downloaded_bytes" } else { "uploaded_bytes" }] = Value::from(observation.transferred);
    if let Some(reason) = observation.fail_reason {
        data["fail_reason"] = Value::String(reason);
    }
    Ok(ok(&sandbox, data))
}
