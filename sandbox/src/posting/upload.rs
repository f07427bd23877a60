//! `FILE_UPLOAD`: the chunk rules declared at init (tiktok-api.md 4.5) and the `PUT` that carries
//! each chunk to the `upload_url`.
//!
//! The upload URL stands in for `open-upload.tiktokapis.com/video/?upload_id=…&upload_token=…`:
//! it lives under the open-API prefix and is only usable with its random token, for one post.
//! Uploaded bytes are counted as they stream in and then dropped: the sandbox never decodes media
//! and must not hold hundreds of megabytes per post.

use axum::body::{Body, HttpBody};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::Sandbox;
use crate::open_api::ApiError;

use super::{Source, endpoints};

/// The upload route, relative to the open-API prefix.
pub const ROUTE: &str = "/upload/video/";

/// One mebibyte: TikTok's "MB" in the chunk rules, as the clients that follow them compute it.
pub const MB: u64 = 1024 * 1024;
/// Smallest chunk, except that a video under this size is one chunk of its own size.
pub const MIN_CHUNK: u64 = 5 * MB;
/// Largest `chunk_size`; a video above it must be chunked.
pub const MAX_CHUNK: u64 = 64 * MB;
/// Largest final chunk (it takes the trailing bytes, so it may exceed `chunk_size`).
pub const MAX_FINAL_CHUNK: u64 = 128 * MB;
/// Most chunks in one upload.
pub const MAX_CHUNKS: u64 = 1000;
/// Content types a chunk may declare.
pub const CONTENT_TYPES: [&str; 3] = ["video/mp4", "video/quicktime", "video/webm"];

/// A video's declared sizes, checked against the chunk rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkPlan {
    /// Bytes in the whole video.
    pub video_size: u64,
    /// Bytes in every chunk but the last.
    pub chunk_size: u64,
    /// `floor(video_size / chunk_size)`.
    pub total_chunk_count: u32,
}

impl ChunkPlan {
    /// The plan for the init's `source_info` numbers, or why TikTok would refuse them (the
    /// message of an `invalid_params` error).
    pub fn new(video_size: i64, chunk_size: i64, total_chunk_count: i64) -> Result<Self, String> {
        let positive = |name: &str, value: i64| {
            u64::try_from(value).ok().filter(|v| *v > 0).ok_or_else(|| format!("{name} must be positive."))
        };
        let video_size = positive("video_size", video_size)?;
        let chunk_size = positive("chunk_size", chunk_size)?;
        let count = positive("total_chunk_count", total_chunk_count)?;
        if video_size < MIN_CHUNK {
            if chunk_size != video_size || count != 1 {
                return Err("A video under 5 MB is uploaded as one chunk: chunk_size must equal video_size \
                            and total_chunk_count must be 1."
                    .into());
            }
        } else {
            if !(MIN_CHUNK..=MAX_CHUNK).contains(&chunk_size) {
                return Err("chunk_size must be between 5 MB and 64 MB.".into());
            }
            let expected = video_size / chunk_size;
            if count != expected {
                return Err(format!(
                    "total_chunk_count must be floor(video_size / chunk_size) = {expected}, not {count}."
                ));
            }
            if expected > MAX_CHUNKS {
                return Err("A video is uploaded in at most 1000 chunks; use a larger chunk_size.".into());
            }
            if video_size > MAX_CHUNK && count == 1 {
                return Err("A video over 64 MB must be uploaded in several chunks.".into());
            }
            // The final chunk is under 2 × chunk_size ≤ 128 MB, so MAX_FINAL_CHUNK holds by
            // construction once the rules above do.
        }
        Ok(ChunkPlan { video_size, chunk_size, total_chunk_count: u32::try_from(count).unwrap_or(u32::MAX) })
    }

    /// The byte range `(first, length)` of chunk `index` (0-based); the final chunk takes the
    /// trailing bytes.
    pub fn chunk(&self, index: u32) -> (u64, u64) {
        let first = u64::from(index) * self.chunk_size;
        let length =
            if index + 1 >= self.total_chunk_count { self.video_size - first } else { self.chunk_size };
        (first, length)
    }
}

/// The upload URL's query.
#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    upload_id: Option<String>,
    upload_token: Option<String>,
}

/// What a chunk must be, read from the post before its body is streamed.
struct Expected {
    open_id: String,
    plan: ChunkPlan,
    index: u32,
    first: u64,
    length: u64,
}

fn upload_error(message: impl Into<String>) -> ApiError {
    ApiError::other(StatusCode::BAD_REQUEST, "invalid_file_upload", message)
}

/// `PUT {upload_url}`: one chunk, in order. Answers 206 Partial Content for a chunk before the
/// last and 201 Created for the last (tiktok-api.md 4.5 marks these codes unconfirmed; clients
/// check for either). Problems answer 400 `invalid_file_upload` in the v2 envelope, and an
/// unknown URL 404; a refused chunk changes nothing, so the client may send it again.
pub async fn put_chunk(
    State(sandbox): State<Sandbox>,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::other(StatusCode::NOT_FOUND, "invalid_file_upload", "Unknown upload URL.");
    let (Some(upload_id), Some(token)) = (query.upload_id, query.upload_token) else {
        return Err(not_found());
    };
    let now = sandbox.clock.now();
    let expected = sandbox
        .posts
        .with_upload(&upload_id, |post| {
            let Source::FileUpload(upload) = &post.source else { return Err(not_found()) };
            if !constant_time_eq(upload.token.as_bytes(), token.as_bytes()) {
                return Err(not_found());
            }
            if upload.completed_at.is_some() {
                return Err(upload_error("Every chunk of this video has already been uploaded."));
            }
            if now > upload.expires_at {
                return Err(upload_error("The upload URL has expired."));
            }
            let (first, length) = upload.plan.chunk(upload.chunks);
            Ok(Expected {
                open_id: post.open_id.clone(),
                plan: upload.plan,
                index: upload.chunks,
                first,
                length,
            })
        })
        .ok_or_else(not_found)??;

    match sandbox.faults.transport(endpoints::UPLOAD, Some(&expected.open_id)).await {
        Some(crate::faults::FaultKind::RateLimited { retry_after }) => {
            return Err(ApiError::rate_limited(retry_after));
        }
        Some(crate::faults::FaultKind::ServerError { status }) => return Err(ApiError::internal(status)),
        _ => {}
    }

    check_headers(&headers, &expected)?;
    let received = count_body(body, expected.length).await?;
    if received != expected.length {
        let measured = if received > expected.length { "more than" } else { "only" };
        return Err(upload_error(format!(
            "The body has {measured} {} bytes where Content-Length and Content-Range say {}.",
            received.min(expected.length),
            expected.length
        )));
    }

    // Commit only if no other request took this chunk while the body streamed.
    let now = sandbox.clock.now();
    let last = sandbox
        .posts
        .with_upload(&upload_id, |post| {
            let Source::FileUpload(upload) = &mut post.source else { return Err(not_found()) };
            if upload.received != expected.first || upload.completed_at.is_some() {
                return Err(upload_error("Another upload of this chunk was accepted first."));
            }
            upload.received += expected.length;
            upload.chunks += 1;
            let last = upload.chunks == upload.plan.total_chunk_count;
            if last {
                upload.completed_at = Some(now);
            }
            Ok(last)
        })
        .ok_or_else(not_found)??;
    Ok(if last { StatusCode::CREATED } else { StatusCode::PARTIAL_CONTENT }.into_response())
}

/// `Content-Type`, `Content-Range` and `Content-Length` against the chunk expected next.
fn check_headers(headers: &HeaderMap, expected: &Expected) -> Result<(), ApiError> {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let content_type = text(header::CONTENT_TYPE).unwrap_or_default();
    let mime = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if !CONTENT_TYPES.contains(&mime.as_str()) {
        return Err(upload_error(format!(
            "Content-Type must be video/mp4, video/quicktime or video/webm, not {content_type:?}."
        )));
    }
    let range = text(header::CONTENT_RANGE)
        .ok_or_else(|| upload_error("Content-Range is required: bytes {first}-{last}/{total}."))?;
    let (first, last, total) = parse_content_range(range).ok_or_else(|| {
        upload_error(format!("Content-Range must read bytes {{first}}-{{last}}/{{total}}, not {range:?}."))
    })?;
    let plan = &expected.plan;
    if total != plan.video_size {
        return Err(upload_error(format!(
            "Content-Range total {total} differs from the video_size {} declared at init.",
            plan.video_size
        )));
    }
    let expected_last = expected.first + expected.length - 1;
    if first != expected.first {
        return Err(upload_error(format!(
            "Chunks must be uploaded in order: chunk {} of {} starts at byte {}, not {first}.",
            expected.index + 1,
            plan.total_chunk_count,
            expected.first
        )));
    }
    if last != expected_last {
        return Err(upload_error(format!(
            "Chunk {} of {} ends at byte {expected_last}, not {last}.",
            expected.index + 1,
            plan.total_chunk_count
        )));
    }
    let length = text(header::CONTENT_LENGTH).ok_or_else(|| upload_error("Content-Length is required."))?;
    if length.parse::<u64>().ok() != Some(expected.length) {
        return Err(upload_error(format!(
            "Content-Length {length} differs from the {} bytes of the Content-Range.",
            expected.length
        )));
    }
    Ok(())
}

/// `bytes {first}-{last}/{total}` with `first <= last < total`.
fn parse_content_range(value: &str) -> Option<(u64, u64, u64)> {
    let (range, total) = value.strip_prefix("bytes ")?.split_once('/')?;
    let (first, last) = range.split_once('-')?;
    let (first, last, total) =
        (first.trim().parse().ok()?, last.trim().parse().ok()?, total.trim().parse().ok()?);
    (first <= last && last < total).then_some((first, last, total))
}

/// Bytes in `body`, read frame by frame and dropped; stops once more than `limit` have come.
async fn count_body(mut body: Body, limit: u64) -> Result<u64, ApiError> {
    let mut count = 0u64;
    while let Some(frame) = std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|_| upload_error("The chunk body could not be read."))?;
        if let Some(data) = frame.data_ref() {
            count += data.len() as u64;
            if count > limit {
                break;
            }
        }
    }
    Ok(count)
}

/// Compares secrets in time independent of where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_videos_are_one_chunk_of_their_own_size() {
        let plan = ChunkPlan::new(1000, 1000, 1).expect("valid");
        assert_eq!(plan.chunk(0), (0, 1000));
        assert!(ChunkPlan::new(1000, 500, 2).is_err(), "under 5 MB is never split");
        assert!(ChunkPlan::new(1000, 1000, 2).is_err());
        assert!(ChunkPlan::new(0, 0, 1).is_err());
        assert!(ChunkPlan::new(-5, 5, 1).is_err());
    }

    #[test]
    fn the_final_chunk_takes_the_trailing_bytes() {
        let size = 2 * MIN_CHUNK + 3 * MB; // floor(13 MB / 5 MB) = 2 chunks, the last 8 MB
        let plan = ChunkPlan::new(size as i64, MIN_CHUNK as i64, 2).expect("valid");
        assert_eq!(plan.chunk(0), (0, MIN_CHUNK));
        assert_eq!(plan.chunk(1), (MIN_CHUNK, MIN_CHUNK + 3 * MB));
        assert!(
            ChunkPlan::new(size as i64, MIN_CHUNK as i64, 3).is_err(),
            "count is floored, not rounded up"
        );
        assert!(ChunkPlan::new(size as i64, (MIN_CHUNK - 1) as i64, 2).is_err(), "chunks of at least 5 MB");
    }

    #[test]
    fn big_videos_must_be_chunked_within_the_limits() {
        let size = 100 * MB;
        assert!(ChunkPlan::new(size as i64, (65 * MB) as i64, 1).is_err(), "chunk_size at most 64 MB");
        assert!(ChunkPlan::new(size as i64, (64 * MB) as i64, 1).is_err(), "over 64 MB must be chunked");
        let plan = ChunkPlan::new(size as i64, (50 * MB) as i64, 2).expect("valid");
        assert_eq!(plan.chunk(1), (50 * MB, 50 * MB));
        let plan = ChunkPlan::new((127 * MB) as i64, (64 * MB) as i64, 1);
        assert!(plan.is_err(), "one 127 MB chunk is still over 64 MB");
        let plan = ChunkPlan::new((191 * MB) as i64, (64 * MB) as i64, 2).expect("valid");
        assert_eq!(plan.chunk(1).1, 127 * MB);
        assert!(plan.chunk(1).1 <= MAX_FINAL_CHUNK);
        let huge = 1001 * MIN_CHUNK;
        assert!(ChunkPlan::new(huge as i64, MIN_CHUNK as i64, 1001).is_err(), "at most 1000 chunks");
        assert!(ChunkPlan::new((1000 * MIN_CHUNK) as i64, MIN_CHUNK as i64, 1000).is_ok());
    }

    #[test]
    fn content_ranges_parse_strictly() {
        assert_eq!(parse_content_range("bytes 0-30567099/30567100"), Some((0, 30_567_099, 30_567_100)));
        assert_eq!(parse_content_range("bytes 5-4/10"), None);
        assert_eq!(parse_content_range("bytes 0-10/10"), None);
        assert_eq!(parse_content_range("0-9/10"), None);
        assert_eq!(parse_content_range("bytes 0-9/*"), None);
    }
}
