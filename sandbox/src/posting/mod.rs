//! The Content Posting API (tiktok-api.md section 4): creator info, direct-post, inbox and photo
//! init, the chunked upload `PUT`, and status fetch.
//!
//! A post lives in [`Posts`] from its init until the sandbox is reset. Nothing about its progress
//! is stored as "current status": the status is computed from sandbox time whenever it is asked
//! for ([`status`]), so advancing the clock moves every post along. The side effects of a
//! transition (the published video, the webhooks) happen once, the first time it is observed,
//! by a status fetch or by [`Posts::tick`].
//!
//! Module map: [`profile`] is what TikTok knows of a creator's posting settings, [`init`] the
//! init endpoints and their validation, [`upload`] the chunk rules and the upload `PUT`,
//! [`status`] the status timeline, its side effects and the fetch endpoint.

pub mod init;
pub mod profile;
pub mod status;
pub mod upload;

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use axum::Router;
use axum::routing::{post, put};
use serde::Serialize;

use crate::Sandbox;
use crate::open_api::Limit;

/// Endpoint names, as faults and rate-limit buckets know them.
pub mod endpoints {
    /// `POST /v2/post/publish/creator_info/query/`.
    pub const CREATOR_INFO: &str = "posting.creator_info";
    /// `POST /v2/post/publish/video/init/`.
    pub const VIDEO_INIT: &str = "posting.video_init";
    /// `POST /v2/post/publish/inbox/video/init/`.
    pub const INBOX_INIT: &str = "posting.inbox_init";
    /// `POST /v2/post/publish/content/init/`.
    pub const CONTENT_INIT: &str = "posting.content_init";
    /// `POST /v2/post/publish/status/fetch/`.
    pub const STATUS_FETCH: &str = "posting.status_fetch";
    /// The upload `PUT` (transport faults only: it carries no bearer token).
    pub const UPLOAD: &str = "posting.upload";
    /// Where `FailPublish` faults are taken, when a post is accepted.
    pub const PUBLISH: &str = "posting.publish";
}

/// TikTok's per-access-token limits, each a 1-minute sliding window (tiktok-api.md 4.1 to 4.6).
pub mod limits {
    use super::Limit;

    /// `creator_info/query`: 20 per minute per token.
    pub const CREATOR_INFO: Limit = Limit { requests: 20, window_seconds: 60, per_token: true };
    /// Every init endpoint: 6 per minute per token.
    pub const INIT: Limit = Limit { requests: 6, window_seconds: 60, per_token: true };
    /// `status/fetch`: 30 per minute per token.
    pub const STATUS_FETCH: Limit = Limit { requests: 30, window_seconds: 60, per_token: true };
}

/// The Content Posting routes, relative to the open-API prefix ([`crate::paths::OPEN_API`]).
pub fn routes() -> Router<Sandbox> {
    Router::new()
        .route("/v2/post/publish/creator_info/query/", post(init::creator_info))
        .route("/v2/post/publish/video/init/", post(init::video_init))
        .route("/v2/post/publish/inbox/video/init/", post(init::inbox_init))
        .route("/v2/post/publish/content/init/", post(init::content_init))
        .route("/v2/post/publish/status/fetch/", post(status::fetch))
        .route(upload::ROUTE, put(upload::put_chunk))
}

/// Who the post is for once processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Mode {
    /// Direct Post: published on the creator's profile (`PUBLISH_COMPLETE`).
    Direct,
    /// Upload to the creator's inbox as a draft (`SEND_TO_USER_INBOX`).
    Inbox,
}

/// What is posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Media {
    /// One video.
    Video,
    /// A photo carousel.
    Photo,
}

/// The privacy levels TikTok knows (tiktok-api.md 4.1).
pub const PRIVACY_LEVELS: [&str; 4] =
    ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"];

/// A `FILE_UPLOAD` post's transfer.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The `upload_id` in the upload URL.
    pub upload_id: String,
    /// The secret `upload_token` in the upload URL.
    pub token: String,
    /// The declared sizes.
    pub plan: upload::ChunkPlan,
    /// Bytes accepted so far (always a whole number of chunks).
    pub received: u64,
    /// Chunks accepted so far.
    pub chunks: u32,
    /// Sandbox time the last chunk arrived.
    pub completed_at: Option<i64>,
    /// Sandbox time after which the URL refuses chunks.
    pub expires_at: i64,
}

/// Where the media comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// `FILE_UPLOAD`: the client `PUT`s chunks.
    FileUpload(Upload),
    /// `PULL_FROM_URL`: TikTok fetches the media. The sandbox does not fetch it; `bytes` is the
    /// size it pretends to download, drawn at init.
    PullFromUrl {
        /// The URLs (one video, or the photos).
        urls: Vec<String>,
        /// Size reported as `downloaded_bytes` once downloaded.
        bytes: u64,
    },
}

/// One post, from its init on.
#[derive(Debug, Clone)]
pub struct Post {
    /// TikTok's `publish_id`, e.g. `v_pub_file~v2.7…`.
    pub publish_id: String,
    /// The creator it belongs to.
    pub open_id: String,
    /// Direct or inbox.
    pub mode: Mode,
    /// Video or photos.
    pub media: Media,
    /// Where the media comes from.
    pub source: Source,
    /// The caption the published video gets.
    pub caption: String,
    /// The privacy level it is published with (direct posts only).
    pub privacy_level: Option<String>,
    /// Seconds. The sandbox does not decode media, so a video's duration is drawn at init
    /// (within the creator's maximum); photo posts have none.
    pub duration: u32,
    /// Sandbox time of the init.
    pub created_at: i64,
    /// The `fail_reason` it will end with, decided at init (a `FailPublish` fault, or a photo
    /// TikTok would refuse).
    pub failure: Option<String>,
    /// The final status has been observed (its webhook sent).
    pub settled: bool,
    /// The published video's id, once it has one.
    pub post_id: Option<String>,
}

#[derive(Debug, Default)]
struct Inner {
    posts: HashMap<String, Post>,
    /// `upload_id` to `publish_id`.
    uploads: HashMap<String, String>,
}

/// Every post made through the sandbox. Posts are few (each init is limited to 6 a minute per
/// token), so they are simply kept until reset.
#[derive(Debug, Default)]
pub struct Posts {
    inner: Mutex<Inner>,
}

impl Posts {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stores a new post.
    pub fn insert(&self, post: Post) {
        let mut inner = self.lock();
        if let Source::FileUpload(upload) = &post.source {
            inner.uploads.insert(upload.upload_id.clone(), post.publish_id.clone());
        }
        inner.posts.insert(post.publish_id.clone(), post);
    }

    /// A copy of the post `publish_id`.
    pub fn get(&self, publish_id: &str) -> Option<Post> {
        self.lock().posts.get(publish_id).cloned()
    }

    /// Every post, oldest first (for the control API).
    pub fn list(&self) -> Vec<Post> {
        let mut posts: Vec<Post> = self.lock().posts.values().cloned().collect();
        posts.sort_by(|a, b| a.created_at.cmp(&b.created_at).then_with(|| a.publish_id.cmp(&b.publish_id)));
        posts
    }

    /// Runs `change` on the post `publish_id` under the lock, so that checks and updates of one
    /// post cannot interleave with another request's.
    pub fn with_post<T>(&self, publish_id: &str, change: impl FnOnce(&mut Post) -> T) -> Option<T> {
        self.lock().posts.get_mut(publish_id).map(change)
    }

    /// Like [`Posts::with_post`], finding the post by its `upload_id`.
    pub fn with_upload<T>(&self, upload_id: &str, change: impl FnOnce(&mut Post) -> T) -> Option<T> {
        let mut inner = self.lock();
        let publish_id = inner.uploads.get(upload_id)?.clone();
        inner.posts.get_mut(&publish_id).map(change)
    }

    /// Observes every post at the current sandbox time, so transitions take effect (video
    /// published, webhooks sent) without anyone fetching a status: the control API calls it
    /// after advancing the clock. Returns how many transitions took effect. Webhooks are
    /// delivered on the Tokio runtime, so with webhooks on it must run inside one.
    pub fn tick(sandbox: &Sandbox) -> usize {
        let now = sandbox.clock.now();
        let mut inner = sandbox.posts.lock();
        inner.posts.values_mut().map(|post| status::observe(sandbox, post, now).transitions).sum()
    }

    /// Forgets every post.
    pub fn reset(&self) {
        *self.lock() = Inner::default();
    }
}
