//! TikTok's Display API v2: a creator's profile and public videos, read with their access token.
//!
//! Every answer is `{"data": {...}, "error": {"code", "message", "log_id"}}`; [`DisplayError`]
//! turns a failure into what the caller should do. Ask only for the fields the grant allows
//! ([`UserField::allowed_by`]): a user who unticked `user.info.stats` still gets a profile, just
//! without counts. Times are Unix seconds (`create_time`) except the list cursor, which is in
//! milliseconds.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::http::Http;
use super::login_kit::retry_after;
use super::retry::{RetryHint, Retryable};
use super::scopes::Scope;
use crate::config::TikTokEndpoints;

/// Most videos one list or query call may ask for (TikTok's limit).
pub const MAX_VIDEOS_PER_CALL: usize = 20;

/// The video fields Soco reads (tiktok-api.md 3.5; the newer `is_aigc` is left out until it is
/// confirmed everywhere, since an unknown field fails the whole call).
const VIDEO_FIELDS: &str = "id,create_time,cover_image_url,share_url,video_description,duration,height,width,\
                            title,embed_html,embed_link,like_count,comment_count,share_count,view_count";

/// Why a Display API call failed, worded as what the caller should do about it.
#[derive(Debug, thiserror::Error)]
pub enum DisplayError {
    /// The access token is expired, revoked or unknown: refresh the grant and retry once; if the
    /// refresh fails with an invalid grant, the account must be connected again.
    #[error("access token invalid: {message}")]
    TokenInvalid {
        /// TikTok's message.
        message: String,
    },
    /// The user did not grant the scope this call needs: degrade, do not retry.
    #[error("scope not authorized: {message}")]
    ScopeNotAuthorized {
        /// TikTok's message (it names the scope).
        message: String,
    },
    /// Too many requests: wait `retry_after` (when TikTok said) and try again.
    #[error("rate limited (retry after {retry_after:?})")]
    RateLimited {
        /// TikTok's `Retry-After`, if it sent one.
        retry_after: Option<Duration>,
    },
    /// TikTok failed (5xx, `internal_error`) or could not be reached: retry with backoff.
    #[error("TikTok unavailable: {0}")]
    Unavailable(String),
    /// The request was refused as invalid, or the answer could not be read: a bug, not worth
    /// retrying.
    #[error("invalid: {code}: {message}")]
    Invalid {
        /// TikTok's error code (`invalid_params`, ...) or `malformed_response`.
        code: String,
        /// TikTok's message or the parse failure.
        message: String,
    },
}

impl Retryable for DisplayError {
    fn retry_hint(&self) -> RetryHint {
        match self {
            DisplayError::RateLimited { retry_after: Some(wait) } => RetryHint::After(*wait),
            DisplayError::RateLimited { retry_after: None } | DisplayError::Unavailable(_) => {
                RetryHint::Backoff
            }
            _ => RetryHint::Stop,
        }
    }
}

/// A field of the user object, with the scope it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserField {
    /// `open_id` (`user.info.basic`).
    OpenId,
    /// `union_id` (`user.info.basic`).
    UnionId,
    /// `avatar_url` (`user.info.basic`).
    AvatarUrl,
    /// `avatar_url_100` (`user.info.basic`).
    AvatarUrl100,
    /// `avatar_large_url` (`user.info.basic`).
    AvatarLargeUrl,
    /// `display_name` (`user.info.basic`).
    DisplayName,
    /// `bio_description` (`user.info.profile`).
    BioDescription,
    /// `profile_deep_link` (`user.info.profile`).
    ProfileDeepLink,
    /// `is_verified` (`user.info.profile`).
    IsVerified,
    /// `username` (`user.info.profile`).
    Username,
    /// `follower_count` (`user.info.stats`).
    FollowerCount,
    /// `following_count` (`user.info.stats`).
    FollowingCount,
    /// `likes_count` (`user.info.stats`).
    LikesCount,
    /// `video_count` (`user.info.stats`).
    VideoCount,
}

impl UserField {
    /// Every user field.
    pub const ALL: [UserField; 14] = [
        UserField::OpenId,
        UserField::UnionId,
        UserField::AvatarUrl,
        UserField::AvatarUrl100,
        UserField::AvatarLargeUrl,
        UserField::DisplayName,
        UserField::BioDescription,
        UserField::ProfileDeepLink,
        UserField::IsVerified,
        UserField::Username,
        UserField::FollowerCount,
        UserField::FollowingCount,
        UserField::LikesCount,
        UserField::VideoCount,
    ];

    /// TikTok's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            UserField::OpenId => "open_id",
            UserField::UnionId => "union_id",
            UserField::AvatarUrl => "avatar_url",
            UserField::AvatarUrl100 => "avatar_url_100",
            UserField::AvatarLargeUrl => "avatar_large_url",
            UserField::DisplayName => "display_name",
            UserField::BioDescription => "bio_description",
            UserField::ProfileDeepLink => "profile_deep_link",
            UserField::IsVerified => "is_verified",
            UserField::Username => "username",
            UserField::FollowerCount => "follower_count",
            UserField::FollowingCount => "following_count",
            UserField::LikesCount => "likes_count",
            UserField::VideoCount => "video_count",
        }
    }

    /// The scope the field needs (tiktok-api.md section 2, after the 2024 migration).
    pub fn scope(self) -> Scope {
        match self {
            UserField::OpenId
            | UserField::UnionId
            | UserField::AvatarUrl
            | UserField::AvatarUrl100
            | UserField::AvatarLargeUrl
            | UserField::DisplayName => Scope::UserInfoBasic,
            UserField::BioDescription
            | UserField::ProfileDeepLink
            | UserField::IsVerified
            | UserField::Username => Scope::UserInfoProfile,
            UserField::FollowerCount
            | UserField::FollowingCount
            | UserField::LikesCount
            | UserField::VideoCount => Scope::UserInfoStats,
        }
    }

    /// Every field the `granted` scopes allow: asking for more fails the whole call with
    /// `scope_not_authorized`, so a partial grant asks for less and gets `None` for the rest.
    pub fn allowed_by(granted: &[Scope]) -> Vec<UserField> {
        UserField::ALL.into_iter().filter(|field| granted.contains(&field.scope())).collect()
    }
}

/// A creator's profile; fields not requested (or not granted) are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct UserInfo {
    /// The user, per app.
    pub open_id: Option<String>,
    /// The user across the developer's apps.
    pub union_id: Option<String>,
    /// Avatar (CDN link, expires).
    pub avatar_url: Option<String>,
    /// Avatar, 100 px.
    pub avatar_url_100: Option<String>,
    /// Avatar, large.
    pub avatar_large_url: Option<String>,
    /// Display name.
    pub display_name: Option<String>,
    /// Bio.
    pub bio_description: Option<String>,
    /// Link to the profile.
    pub profile_deep_link: Option<String>,
    /// Verified badge.
    pub is_verified: Option<bool>,
    /// `@username`.
    pub username: Option<String>,
    /// Followers.
    pub follower_count: Option<u64>,
    /// Accounts followed.
    pub following_count: Option<u64>,
    /// Likes received.
    pub likes_count: Option<u64>,
    /// Public videos.
    pub video_count: Option<u64>,
}

/// One public video with its current counts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Video {
    /// TikTok's id (a string: it overflows JavaScript numbers).
    pub id: String,
    /// When it was posted, Unix seconds UTC.
    pub create_time: i64,
    /// Cover image (CDN link valid about 6 hours: fetch it, do not store it).
    pub cover_image_url: Option<String>,
    /// Public link.
    pub share_url: Option<String>,
    /// Description (caption).
    pub video_description: Option<String>,
    /// Length in seconds.
    pub duration: Option<u32>,
    /// Height in pixels.
    pub height: Option<u32>,
    /// Width in pixels.
    pub width: Option<u32>,
    /// Title.
    pub title: Option<String>,
    /// Embed snippet.
    pub embed_html: Option<String>,
    /// Embed player link.
    pub embed_link: Option<String>,
    /// Likes.
    pub like_count: Option<u64>,
    /// Comments.
    pub comment_count: Option<u64>,
    /// Shares.
    pub share_count: Option<u64>,
    /// Views.
    pub view_count: Option<u64>,
}

/// One page of `/v2/video/list/`, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct VideoPage {
    /// The videos of this page.
    #[serde(default)]
    pub videos: Vec<Video>,
    /// Pass it back for the next page: Unix milliseconds, videos posted before it come next.
    pub cursor: i64,
    /// Whether another page follows.
    pub has_more: bool,
}

#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(default)]
    data: Option<serde_json::Value>,
    error: Option<EnvelopeError>,
}

#[derive(Debug, Deserialize)]
struct EnvelopeError {
    code: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    log_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct UserData {
    user: UserInfo,
}

#[derive(Debug, Deserialize)]
struct QueryData {
    #[serde(default)]
    videos: Vec<Video>,
}

/// Client-side pacing: TikTok counts each Display endpoint's calls in a sliding one-minute
/// window (600 by default), and whether per app or per token is not documented, so Soco paces
/// per endpoint for the whole installation. A burst of a tenth of the budget, then the rest
/// spread evenly, so no 60-second window ever holds more than the budget.
type Pacer = governor::DefaultKeyedRateLimiter<&'static str>;

fn pacer(per_minute: std::num::NonZeroU32) -> Pacer {
    let budget = per_minute.get();
    let burst = (budget / 10).max(1);
    let steady = (budget - burst).max(1);
    let period = Duration::from_secs(60) / steady;
    let burst = std::num::NonZeroU32::new(burst).unwrap_or(std::num::NonZeroU32::MIN);
    let quota = governor::Quota::with_period(period)
        .map_or_else(|| governor::Quota::per_minute(per_minute), |quota| quota.allow_burst(burst));
    governor::RateLimiter::keyed(quota)
}

/// What a Display API client has sent and been answered, counted as it happens.
#[derive(Debug, Default)]
pub struct CallCounts {
    requests: std::sync::atomic::AtomicU64,
    rate_limited: std::sync::atomic::AtomicU64,
}

impl CallCounts {
    /// Requests sent (each retry counts).
    pub fn requests(&self) -> u64 {
        self.requests.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Requests TikTok answered with its rate limit (HTTP 429 or `rate_limit_exceeded`).
    pub fn rate_limited(&self) -> u64 {
        self.rate_limited.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// The Display API client; cheap to clone (clones share the pacing and the counts).
#[derive(Clone)]
pub struct DisplayApi {
    http: Http,
    base: String,
    pacer: Option<std::sync::Arc<Pacer>>,
    counts: std::sync::Arc<CallCounts>,
}

impl std::fmt::Debug for DisplayApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DisplayApi").field("base", &self.base).field("paced", &self.pacer.is_some()).finish()
    }
}

impl DisplayApi {
    /// A client for TikTok's open API at `endpoints.open_api`, unpaced.
    pub fn new(endpoints: &TikTokEndpoints, http: Http) -> Self {
        DisplayApi {
            http,
            base: endpoints.open_api.trim_end_matches('/').to_owned(),
            pacer: None,
            counts: std::sync::Arc::default(),
        }
    }

    /// What this client (and its clones) sent and was answered so far.
    pub fn counts(&self) -> &CallCounts {
        &self.counts
    }

    /// The same client, making at most `per_minute` calls to each endpoint in any minute; calls
    /// beyond that wait their turn instead of earning a 429.
    pub fn paced(mut self, per_minute: std::num::NonZeroU32) -> Self {
        self.pacer = Some(std::sync::Arc::new(pacer(per_minute)));
        self
    }

    /// The profile of the token's user, with `fields` only (build them with
    /// [`UserField::allowed_by`] from the granted scopes).
    pub async fn user_info(
        &self,
        token: &SecretString,
        fields: &[UserField],
    ) -> Result<UserInfo, DisplayError> {
        let fields: Vec<&str> = fields.iter().map(|f| f.as_str()).collect();
        let request = self
            .http
            .client()
            .get(format!("{}/v2/user/info/", self.base))
            .query(&[("fields", fields.join(","))]);
        let data: UserData = self.call("user/info", request, token).await?;
        Ok(data.user)
    }

    /// Up to `max_count` (1 to 20; clamped) of the user's public videos posted before `cursor`
    /// (Unix milliseconds; `None` for the newest). Pass the page's `cursor` back while `has_more`.
    pub async fn video_list(
        &self,
        token: &SecretString,
        cursor: Option<i64>,
        max_count: usize,
    ) -> Result<VideoPage, DisplayError> {
        let mut body = serde_json::json!({ "max_count": max_count.clamp(1, MAX_VIDEOS_PER_CALL) });
        if let Some(cursor) = cursor {
            body["cursor"] = cursor.into();
        }
        let request = self
            .http
            .client()
            .post(format!("{}/v2/video/list/", self.base))
            .query(&[("fields", VIDEO_FIELDS)])
            .json(&body);
        self.call("video/list", request, token).await
    }

    /// The user's videos among `ids`, in TikTok's order, 20 ids per call (larger inputs are
    /// split). Ids that are not the user's public videos are left out, as TikTok does.
    pub async fn video_query(
        &self,
        token: &SecretString,
        ids: &[String],
    ) -> Result<Vec<Video>, DisplayError> {
        let mut videos = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(MAX_VIDEOS_PER_CALL) {
            let request = self
                .http
                .client()
                .post(format!("{}/v2/video/query/", self.base))
                .query(&[("fields", VIDEO_FIELDS)])
                .json(&serde_json::json!({ "filters": { "video_ids": chunk } }));
            let data: QueryData = self.call("video/query", request, token).await?;
            videos.extend(data.videos);
        }
        Ok(videos)
    }

    /// Waits for `endpoint`'s turn, sends `request` with the bearer token and unwraps the envelope.
    async fn call<T: DeserializeOwned>(
        &self,
        endpoint: &'static str,
        request: reqwest::RequestBuilder,
        token: &SecretString,
    ) -> Result<T, DisplayError> {
        if let Some(pacer) = &self.pacer {
            pacer.until_key_ready(&endpoint).await;
        }
        use std::sync::atomic::Ordering::Relaxed;
        self.counts.requests.fetch_add(1, Relaxed);
        let response = request
            .bearer_auth(token.expose_secret())
            .send()
            .await
            .map_err(|e| DisplayError::Unavailable(e.without_url().to_string()))?;
        let status = response.status();
        let wait = retry_after(response.headers());
        let bytes =
            response.bytes().await.map_err(|e| DisplayError::Unavailable(e.without_url().to_string()))?;
        let answer = unwrap_envelope(status, wait, &bytes);
        if matches!(answer, Err(DisplayError::RateLimited { .. })) {
            self.counts.rate_limited.fetch_add(1, Relaxed);
        }
        answer
    }
}

/// The `data` of a successful answer, or the failure classified: by the envelope's code first,
/// by the HTTP status when the body is not an envelope (a proxy's 502 page, ...).
fn unwrap_envelope<T: DeserializeOwned>(
    status: http::StatusCode,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Result<T, DisplayError> {
    let malformed = |message: String| DisplayError::Invalid { code: "malformed_response".into(), message };
    let envelope: Option<Envelope> = serde_json::from_slice(body).ok();
    let error = envelope.as_ref().and_then(|e| e.error.as_ref());
    match error {
        Some(error) if error.code != "ok" => {
            tracing::debug!(code = %error.code, log_id = ?error.log_id, %status, "TikTok Display API error");
            let message = error.message.clone();
            return Err(match error.code.as_str() {
                "access_token_invalid" => DisplayError::TokenInvalid { message },
                "scope_not_authorized" | "scope_permission_missed" => {
                    DisplayError::ScopeNotAuthorized { message }
                }
                "rate_limit_exceeded" => DisplayError::RateLimited { retry_after },
                _ if status == http::StatusCode::TOO_MANY_REQUESTS => {
                    DisplayError::RateLimited { retry_after }
                }
                "internal_error" => {
                    DisplayError::Unavailable(format!("HTTP {status}: internal_error: {message}"))
                }
                code if status.is_server_error() => {
                    DisplayError::Unavailable(format!("HTTP {status}: {code}: {message}"))
                }
                code => DisplayError::Invalid { code: code.to_owned(), message },
            });
        }
        Some(_) if status.is_success() => {}
        _ if status == http::StatusCode::TOO_MANY_REQUESTS => {
            return Err(DisplayError::RateLimited { retry_after });
        }
        _ if status.is_server_error() => return Err(DisplayError::Unavailable(format!("HTTP {status}"))),
        _ if status == http::StatusCode::UNAUTHORIZED => {
            return Err(DisplayError::TokenInvalid { message: format!("HTTP {status}") });
        }
        _ => return Err(malformed(format!("HTTP {status} without TikTok's envelope"))),
    }
    let data = envelope.and_then(|e| e.data).unwrap_or(serde_json::Value::Null);
    serde_json::from_value(data).map_err(|e| malformed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use http::StatusCode;

    use super::*;

    #[test]
    fn fields_follow_the_granted_scopes() {
        let basic_only = UserField::allowed_by(&[Scope::UserInfoBasic]);
        assert_eq!(basic_only.len(), 6);
        assert!(basic_only.iter().all(|f| f.scope() == Scope::UserInfoBasic));
        let without_stats =
            UserField::allowed_by(&[Scope::UserInfoBasic, Scope::UserInfoProfile, Scope::VideoList]);
        assert!(without_stats.contains(&UserField::Username));
        assert!(!without_stats.contains(&UserField::FollowerCount));
        assert_eq!(UserField::allowed_by(&Scope::CONNECT).len(), UserField::ALL.len());
    }

    #[test]
    fn envelope_errors_map_to_what_the_caller_should_do() {
        let body = |code: &str| {
            format!(r#"{{"data":{{}},"error":{{"code":"{code}","message":"m","log_id":"20261101"}}}}"#)
        };
        let unwrap =
            |status: StatusCode, text: &str| unwrap_envelope::<UserData>(status, None, text.as_bytes());
        assert!(matches!(
            unwrap(StatusCode::UNAUTHORIZED, &body("access_token_invalid")),
            Err(DisplayError::TokenInvalid { .. })
        ));
        assert!(matches!(
            unwrap(StatusCode::UNAUTHORIZED, &body("scope_permission_missed")),
            Err(DisplayError::ScopeNotAuthorized { .. })
        ));
        assert!(
            matches!(unwrap(StatusCode::BAD_REQUEST, &body("invalid_params")), Err(DisplayError::Invalid { code, .. }) if code == "invalid_params")
        );
        assert!(matches!(
            unwrap(StatusCode::INTERNAL_SERVER_ERROR, &body("internal_error")),
            Err(DisplayError::Unavailable(_))
        ));
        assert!(matches!(
            unwrap(StatusCode::BAD_GATEWAY, "<html>bad gateway</html>"),
            Err(DisplayError::Unavailable(_))
        ));
        assert!(matches!(unwrap(StatusCode::TOO_MANY_REQUESTS, ""), Err(DisplayError::RateLimited { .. })));
        assert!(matches!(unwrap(StatusCode::OK, "{}"), Err(DisplayError::Invalid { .. })));
        let ok = r#"{"data":{"user":{"open_id":"o","follower_count":12}},"error":{"code":"ok","message":"","log_id":"x"}}"#;
        let user = unwrap(StatusCode::OK, ok).expect("a user").user;
        assert_eq!(
            (user.open_id.as_deref(), user.follower_count, user.username),
            (Some("o"), Some(12), None)
        );
    }
}
