//! The endpoints that start a post, and `creator_info/query` that a client reads first to fill
//! in its post form (tiktok-api.md 4.1 to 4.4).
//!
//! Every init checks the request the way TikTok documents and, once accepted, stores a [`Post`]
//! whose status then moves with sandbox time ([`super::status`]). Error codes and their HTTP
//! statuses: `invalid_params` 400 (from the v2 table); `privacy_level_option_mismatch`,
//! `unaudited_client_can_only_post_to_private_accounts` and `url_ownership_unverified` are
//! answered 403, which tiktok-api.md does not state: it is the status TikTok's Direct Post
//! reference lists for them, and clients go by `error.code`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use rand::Rng;
use rand::distr::Alphanumeric;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::Sandbox;
use crate::faults::FaultKind;
use crate::grants::Grant;
use crate::open_api::{ApiError, authorize, ok};
use crate::world::creators::Creator;

use super::profile::{self, PostingProfile};
use super::upload::{self, ChunkPlan};
use super::{Media, Mode, PRIVACY_LEVELS, Post, Source, Upload, endpoints, limits};

/// Longest video title, in UTF-16 code units. tiktok-api.md 4.2 marks the rule unconfirmed
/// ("2200 characters per common practice; docs reportedly count UTF-16 runes"); UTF-16 is the
/// stricter reading for emoji, so a client that passes here passes there.
pub const VIDEO_TITLE_LIMIT: usize = 2200;
/// Longest photo post title (UTF-16 code units, as for videos).
pub const PHOTO_TITLE_LIMIT: usize = 90;
/// Longest photo post description.
pub const PHOTO_DESCRIPTION_LIMIT: usize = 4000;
/// Most photos in one post. Not in tiktok-api.md: TikTok's photo reference allows up to 35.
pub const MAX_PHOTOS: usize = 35;

/// `post_info` of a video Direct Post. Toggles TikTok accepts but the sandbox has no use for are
/// still typed, so a wrong type is refused as TikTok would.
#[derive(Debug, Deserialize)]
#[expect(dead_code, reason = "some fields are read only for their type checks")]
struct VideoPostInfo {
    title: Option<String>,
    privacy_level: Option<String>,
    disable_duet: Option<bool>,
    disable_comment: Option<bool>,
    disable_stitch: Option<bool>,
    video_cover_timestamp_ms: Option<i64>,
    brand_content_toggle: Option<bool>,
    brand_organic_toggle: Option<bool>,
    is_aigc: Option<bool>,
}

/// `source_info` of a video init.
#[derive(Debug, Deserialize)]
struct VideoSourceInfo {
    source: Option<String>,
    video_size: Option<i64>,
    chunk_size: Option<i64>,
    total_chunk_count: Option<i64>,
    video_url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct VideoInit {
    post_info: Option<VideoPostInfo>,
    source_info: Option<VideoSourceInfo>,
}

#[derive(Debug, Deserialize)]
struct InboxInit {
    source_info: Option<VideoSourceInfo>,
}

#[derive(Debug, Deserialize)]
#[expect(dead_code, reason = "some fields are read only for their type checks")]
struct PhotoPostInfo {
    title: Option<String>,
    description: Option<String>,
    privacy_level: Option<String>,
    disable_comment: Option<bool>,
    auto_add_music: Option<bool>,
    brand_content_toggle: Option<bool>,
    brand_organic_toggle: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct PhotoSourceInfo {
    source: Option<String>,
    photo_images: Option<Vec<String>>,
    photo_cover_index: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct ContentInit {
    media_type: Option<String>,
    post_mode: Option<String>,
    post_info: Option<PhotoPostInfo>,
    source_info: Option<PhotoSourceInfo>,
}

/// A JSON request body; an empty body reads as `{}` (creator info and status fetch clients
/// may send none).
pub fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) { b"{}".as_slice() } else { body };
    serde_json::from_slice(body).map_err(|e| ApiError::invalid_params(format!("Invalid request body: {e}.")))
}

fn creator_of<'a>(sandbox: &'a Sandbox, grant: &Grant) -> Result<&'a Creator, ApiError> {
    sandbox
        .world
        .creators
        .by_open_id(&grant.open_id)
        .ok_or_else(|| ApiError::token_invalid("The access token is invalid or not found in the request."))
}

fn forbidden(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::other(StatusCode::FORBIDDEN, code, message)
}

/// `POST /v2/post/publish/creator_info/query/`: who will post, and what they may choose.
pub async fn creator_info(State(sandbox): State<Sandbox>, headers: HeaderMap) -> Result<Response, ApiError> {
    let grant =
        authorize(&sandbox, &headers, endpoints::CREATOR_INFO, &["video.publish"], limits::CREATOR_INFO)
            .await?;
    let creator = creator_of(&sandbox, &grant)?;
    let profile = profile::of(&sandbox, creator);
    Ok(ok(
        &sandbox,
        json!({
            "creator_avatar_url": profile::avatar_url(&sandbox, creator, sandbox.clock.now()),
            "creator_username": creator.username,
            "creator_nickname": creator.display_name,
            "privacy_level_options": profile.privacy_level_options,
            "comment_disabled": profile.comment_disabled,
            "duet_disabled": profile.duet_disabled,
            "stitch_disabled": profile.stitch_disabled,
            "max_video_post_duration_sec": profile.max_video_post_duration_sec,
        }),
    ))
}

/// `POST /v2/post/publish/video/init/`: a Direct Post of one video.
pub async fn video_init(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let grant =
        authorize(&sandbox, &headers, endpoints::VIDEO_INIT, &["video.publish"], limits::INIT).await?;
    let creator = creator_of(&sandbox, &grant)?;
    let request: VideoInit = parse_body(&body)?;
    let post_info = request.post_info.ok_or_else(|| ApiError::invalid_params("post_info is required."))?;
    let profile = profile::of(&sandbox, creator);
    let privacy = privacy_level(&sandbox, &profile, post_info.privacy_level.as_deref())?;
    let title = post_info.title.unwrap_or_default();
    check_length("post_info.title", &title, VIDEO_TITLE_LIMIT)?;
    let source = video_source(&sandbox, request.source_info)?;
    let accepted =
        Accepted { mode: Mode::Direct, media: Media::Video, caption: title, privacy: Some(privacy) };
    Ok(ok(&sandbox, accept(&sandbox, creator, &profile, accepted, source)))
}

/// `POST /v2/post/publish/inbox/video/init/`: a video sent to the creator's inbox as a draft.
pub async fn inbox_init(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let grant = authorize(&sandbox, &headers, endpoints::INBOX_INIT, &["video.upload"], limits::INIT).await?;
    let creator = creator_of(&sandbox, &grant)?;
    let request: InboxInit = parse_body(&body)?;
    let profile = profile::of(&sandbox, creator);
    let source = video_source(&sandbox, request.source_info)?;
    let accepted = Accepted { mode: Mode::Inbox, media: Media::Video, caption: String::new(), privacy: None };
    Ok(ok(&sandbox, accept(&sandbox, creator, &profile, accepted, source)))
}

/// `POST /v2/post/publish/content/init/`: photos, pulled from URLs, posted directly
/// (`video.publish`) or sent to the inbox (`video.upload`).
pub async fn content_init(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let grant = authorize(
        &sandbox,
        &headers,
        endpoints::CONTENT_INIT,
        &["video.publish", "video.upload"],
        limits::INIT,
    )
    .await?;
    let creator = creator_of(&sandbox, &grant)?;
    let request: ContentInit = parse_body(&body)?;
    if request.media_type.as_deref() != Some("PHOTO") {
        return Err(ApiError::invalid_params("media_type must be PHOTO."));
    }
    let (mode, scope) = match request.post_mode.as_deref() {
        Some("DIRECT_POST") => (Mode::Direct, "video.publish"),
        Some("MEDIA_UPLOAD") => (Mode::Inbox, "video.upload"),
        _ => return Err(ApiError::invalid_params("post_mode must be DIRECT_POST or MEDIA_UPLOAD.")),
    };
    if !grant.has(scope) {
        return Err(ApiError::scope_not_authorized(scope));
    }
    let profile = profile::of(&sandbox, creator);
    let post_info = match (request.post_info, mode) {
        (Some(info), _) => info,
        (None, Mode::Direct) => return Err(ApiError::invalid_params("post_info is required.")),
        (None, Mode::Inbox) => PhotoPostInfo {
            title: None,
            description: None,
            privacy_level: None,
            disable_comment: None,
            auto_add_music: None,
            brand_content_toggle: None,
            brand_organic_toggle: None,
        },
    };
    let privacy = match mode {
        Mode::Direct => Some(privacy_level(&sandbox, &profile, post_info.privacy_level.as_deref())?),
        Mode::Inbox => None,
    };
    let title = post_info.title.unwrap_or_default();
    let description = post_info.description.unwrap_or_default();
    check_length("post_info.title", &title, PHOTO_TITLE_LIMIT)?;
    check_length("post_info.description", &description, PHOTO_DESCRIPTION_LIMIT)?;

    let source_info =
        request.source_info.ok_or_else(|| ApiError::invalid_params("source_info is required."))?;
    if source_info.source.as_deref() != Some("PULL_FROM_URL") {
        return Err(ApiError::invalid_params(
            "Photos must be pulled from URLs: source must be PULL_FROM_URL.",
        ));
    }
    let images = source_info.photo_images.unwrap_or_default();
    if images.is_empty() || images.len() > MAX_PHOTOS {
        return Err(ApiError::invalid_params(format!("photo_images must list 1 to {MAX_PHOTOS} URLs.")));
    }
    let cover = source_info.photo_cover_index.unwrap_or(0);
    if usize::try_from(cover).map_or(true, |c| c >= images.len()) {
        return Err(ApiError::invalid_params("photo_cover_index must point into photo_images."));
    }
    for url in &images {
        check_pull_url(&sandbox, url)?;
    }
    let caption = if title.is_empty() { description } else { title };
    let accepted = Accepted { mode, media: Media::Photo, caption, privacy };
    Ok(ok(&sandbox, accept(&sandbox, creator, &profile, accepted, SourceSpec::Pull(images))))
}

/// The privacy level of a Direct Post, checked against the creator's options and the app's audit.
fn privacy_level(
    sandbox: &Sandbox,
    profile: &PostingProfile,
    level: Option<&str>,
) -> Result<String, ApiError> {
    let level = level.ok_or_else(|| ApiError::invalid_params("post_info.privacy_level is required."))?;
    if !PRIVACY_LEVELS.contains(&level) {
        return Err(ApiError::invalid_params(format!("Unknown privacy_level {level:?}.")));
    }
    // Unaudited first: it is the app's restriction, whatever the creator allows.
    if sandbox.config.unaudited && level != "SELF_ONLY" {
        return Err(forbidden(
            "unaudited_client_can_only_post_to_private_accounts",
            "Unaudited clients can only post with privacy_level SELF_ONLY.",
        ));
    }
    if !profile.privacy_level_options.contains(&level) {
        return Err(forbidden(
            "privacy_level_option_mismatch",
            format!("privacy_level {level} is not one of the creator's privacy_level_options."),
        ));
    }
    Ok(level.to_owned())
}

fn check_length(field: &str, text: &str, limit: usize) -> Result<(), ApiError> {
    let units = text.encode_utf16().count();
    if units > limit {
        return Err(ApiError::invalid_params(format!(
            "{field} is {units} UTF-16 code units long; the limit is {limit}."
        )));
    }
    Ok(())
}

/// The media source an init asked for, once valid.
enum SourceSpec {
    FileUpload(ChunkPlan),
    Pull(Vec<String>),
}

fn video_source(sandbox: &Sandbox, info: Option<VideoSourceInfo>) -> Result<SourceSpec, ApiError> {
    let info = info.ok_or_else(|| ApiError::invalid_params("source_info is required."))?;
    match info.source.as_deref() {
        Some("FILE_UPLOAD") => {
            let (Some(size), Some(chunk), Some(count)) =
                (info.video_size, info.chunk_size, info.total_chunk_count)
            else {
                return Err(ApiError::invalid_params(
                    "FILE_UPLOAD needs video_size, chunk_size and total_chunk_count.",
                ));
            };
            ChunkPlan::new(size, chunk, count).map(SourceSpec::FileUpload).map_err(ApiError::invalid_params)
        }
        Some("PULL_FROM_URL") => {
            let url =
                info.video_url.ok_or_else(|| ApiError::invalid_params("PULL_FROM_URL needs video_url."))?;
            check_pull_url(sandbox, &url)?;
            Ok(SourceSpec::Pull(vec![url]))
        }
        _ => Err(ApiError::invalid_params("source must be FILE_UPLOAD or PULL_FROM_URL.")),
    }
}

/// A `PULL_FROM_URL` URL must be http(s) and start with a verified prefix.
fn check_pull_url(sandbox: &Sandbox, url: &str) -> Result<(), ApiError> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(ApiError::invalid_params(format!("{url:?} is not an http(s) URL.")));
    }
    if !sandbox.config.verified_url_prefixes.iter().any(|prefix| under_prefix(url, prefix)) {
        return Err(forbidden(
            "url_ownership_unverified",
            format!("The domain or URL prefix of {url} has not been verified by the app."),
        ));
    }
    Ok(())
}

/// Whether `url` is under `prefix`. A prefix that doesn't end in `/` is a domain or path that
/// must end there, so `https://a.com` does not vouch for `https://a.com.evil.net/`.
pub fn under_prefix(url: &str, prefix: &str) -> bool {
    match url.strip_prefix(prefix) {
        Some(rest) => prefix.ends_with('/') || rest.is_empty() || rest.starts_with(['/', '?', '#']),
        None => false,
    }
}

/// What an init decided about the post.
struct Accepted {
    mode: Mode,
    media: Media,
    caption: String,
    privacy: Option<String>,
}

/// A TikTok-style 19-digit id, random (publish and upload ids must not be guessable).
fn random_id() -> u64 {
    rand::rng().random_range(7_000_000_000_000_000_000..8_000_000_000_000_000_000)
}

/// Stores the accepted post and answers the init's `data`.
fn accept(
    sandbox: &Sandbox,
    creator: &Creator,
    profile: &PostingProfile,
    accepted: Accepted,
    source: SourceSpec,
) -> Value {
    let now = sandbox.clock.now();
    let mut rng = rand::rng();
    let publish_id = format!(
        "{}_{}_{}~v2.{}",
        match accepted.media {
            Media::Video => "v",
            Media::Photo => "p",
        },
        match accepted.mode {
            Mode::Direct => "pub",
            Mode::Inbox => "inbox",
        },
        match source {
            SourceSpec::FileUpload(_) => "file",
            SourceSpec::Pull(_) => "url",
        },
        random_id()
    );
    // A fault armed for the next publish makes this one fail once processed, as TikTok fails
    // posts it has accepted. TikTok also refuses PNG photos after the pull (tiktok-api.md 4.4,
    // unconfirmed); the sandbox doesn't fetch, so it goes by the URL's extension.
    let fault = sandbox
        .faults
        .take(endpoints::PUBLISH, Some(&creator.open_id), |k| matches!(k, FaultKind::FailPublish { .. }));
    let failure = match fault {
        Some(FaultKind::FailPublish { reason }) => Some(reason),
        _ => match &source {
            SourceSpec::Pull(urls) if accepted.media == Media::Photo && urls.iter().any(|u| is_png(u)) => {
                Some("file_format_check_failed".to_owned())
            }
            _ => None,
        },
    };
    let mut data = json!({ "publish_id": publish_id });
    let source = match source {
        SourceSpec::FileUpload(plan) => {
            let upload_id = random_id().to_string();
            let token: String = (&mut rng).sample_iter(&Alphanumeric).take(40).map(char::from).collect();
            data["upload_url"] = Value::String(format!(
                "{}{}{}?upload_id={upload_id}&upload_token={token}",
                sandbox.config.self_url,
                crate::paths::OPEN_API,
                upload::ROUTE
            ));
            let ttl = i64::try_from(sandbox.config.upload_url_ttl.as_secs()).unwrap_or(i64::MAX / 2);
            Source::FileUpload(Upload {
                upload_id,
                token,
                plan,
                received: 0,
                chunks: 0,
                completed_at: None,
                expires_at: now.saturating_add(ttl),
            })
        }
        SourceSpec::Pull(urls) => {
            // What the pretend download weighs: a phone video, or a few hundred KB per photo.
            let bytes = match accepted.media {
                Media::Video => rng.random_range(2 * upload::MB..60 * upload::MB),
                Media::Photo => (0..urls.len()).map(|_| rng.random_range(200_000..3_000_000)).sum(),
            };
            Source::PullFromUrl { urls, bytes }
        }
    };
    let duration = match accepted.media {
        Media::Video => rng.random_range(5..=profile.max_video_post_duration_sec.min(180)),
        Media::Photo => 0,
    };
    sandbox.posts.insert(Post {
        publish_id,
        open_id: creator.open_id.clone(),
        mode: accepted.mode,
        media: accepted.media,
        source,
        caption: accepted.caption,
        privacy_level: accepted.privacy,
        duration,
        created_at: now,
        failure,
        settled: false,
        post_id: None,
    });
    data
}

fn is_png(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    path.to_ascii_lowercase().ends_with(".png")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_end_at_a_boundary() {
        assert!(under_prefix("https://cdn.example.com/v.mp4", "https://cdn.example.com/"));
        assert!(under_prefix("https://cdn.example.com/v.mp4", "https://cdn.example.com"));
        assert!(!under_prefix("https://cdn.example.com.evil.net/v.mp4", "https://cdn.example.com"));
        assert!(!under_prefix("https://other.com/v.mp4", "https://cdn.example.com/"));
        assert!(is_png("https://x/a.PNG?sig=1") && !is_png("https://x/a.jpg?f=.png"));
    }
}
