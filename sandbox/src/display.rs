//! Display API v2: `/v2/user/info/`, `/v2/video/list/` and `/v2/video/query/`, with `fields`
//! filtering, per-scope enforcement and TikTok's per-endpoint sliding-window limits.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::Sandbox;
use crate::open_api::{self, ApiError, Limit, authorize, requested_fields};
use crate::world::creators::{Creator, Video};

/// User fields and the scope each one needs (tiktok-api.md 2 and 3.2).
pub const USER_FIELDS: &[(&str, &str)] = &[
    ("open_id", "user.info.basic"),
    ("union_id", "user.info.basic"),
    ("avatar_url", "user.info.basic"),
    ("avatar_url_100", "user.info.basic"),
    ("avatar_large_url", "user.info.basic"),
    ("display_name", "user.info.basic"),
    ("bio_description", "user.info.profile"),
    ("profile_deep_link", "user.info.profile"),
    ("is_verified", "user.info.profile"),
    ("username", "user.info.profile"),
    ("follower_count", "user.info.stats"),
    ("following_count", "user.info.stats"),
    ("likes_count", "user.info.stats"),
    ("video_count", "user.info.stats"),
];

/// Video object fields (tiktok-api.md 3.5).
pub const VIDEO_FIELDS: &[&str] = &[
    "id",
    "create_time",
    "cover_image_url",
    "share_url",
    "video_description",
    "duration",
    "height",
    "width",
    "title",
    "embed_html",
    "embed_link",
    "like_count",
    "comment_count",
    "share_count",
    "view_count",
    "is_aigc",
];

/// Most videos one list or query call returns.
pub const MAX_VIDEOS: usize = 20;

/// The Display routes, under the open-API prefix.
pub fn routes() -> Router<Sandbox> {
    Router::new()
        .route("/v2/user/info/", get(user_info))
        .route("/v2/video/list/", post(video_list))
        .route("/v2/video/query/", post(video_query))
}

fn limit(sandbox: &Sandbox) -> Limit {
    Limit { requests: sandbox.config.display_rate_per_minute, window_seconds: 60, per_token: false }
}

#[derive(Debug, Deserialize)]
struct FieldsQuery {
    fields: Option<String>,
}

fn creator_of<'a>(sandbox: &'a Sandbox, open_id: &str) -> Result<&'a Creator, ApiError> {
    sandbox.world.creators.by_open_id(open_id).ok_or_else(|| ApiError::internal(500))
}

async fn user_info(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    Query(query): Query<FieldsQuery>,
) -> Response {
    match user_info_data(&sandbox, &headers, query.fields.as_deref()).await {
        Ok(user) => open_api::ok(&sandbox, json!({ "user": user })),
        Err(error) => axum::response::IntoResponse::into_response(error),
    }
}

async fn user_info_data(
    sandbox: &Sandbox,
    headers: &HeaderMap,
    fields: Option<&str>,
) -> Result<Value, ApiError> {
    let grant =
        authorize(sandbox, headers, "display.user_info", &["user.info.basic"], limit(sandbox)).await?;
    let names: Vec<&str> = USER_FIELDS.iter().map(|(name, _)| *name).collect();
    let fields = requested_fields(fields, &names)?;
    if let Some((_, scope)) =
        USER_FIELDS.iter().find(|(name, scope)| fields.contains(name) && !grant.has(scope))
    {
        return Err(ApiError::scope_not_authorized(scope));
    }
    let creator = creator_of(sandbox, &grant.open_id)?;
    let now = sandbox.clock.now();
    let stats =
        fields.iter().any(|f| f.ends_with("_count")).then(|| sandbox.world.creators.stats_at(creator, now));
    let avatar = crate::media::avatar_url(sandbox, &creator.open_id);
    let mut user = Map::new();
    for field in fields {
        let value = match field {
            "open_id" => json!(creator.open_id),
            "union_id" => json!(creator.union_id),
            "avatar_url" => json!(avatar),
            "avatar_url_100" => json!(format!("{avatar}?size=100")),
            "avatar_large_url" => json!(format!("{avatar}?size=720")),
            "display_name" => json!(creator.display_name),
            "bio_description" => json!(creator.bio),
            "profile_deep_link" => json!(format!("https://vm.tiktok.com/@{}", creator.username)),
            "is_verified" => json!(creator.is_verified),
            "username" => json!(creator.username),
            "follower_count" => json!(stats.map(|s| s.follower_count)),
            "following_count" => json!(stats.map(|s| s.following_count)),
            "likes_count" => json!(stats.map(|s| s.likes_count)),
            "video_count" => json!(stats.map(|s| s.video_count)),
            _ => continue,
        };
        user.insert(field.to_owned(), value);
    }
    Ok(Value::Object(user))
}

/// The video object with only `fields`, at `now`.
fn video_json(sandbox: &Sandbox, creator: &Creator, video: &Video, fields: &[&str], now: i64) -> Value {
    let metrics = video.metrics_at(now, sandbox.world.creators.boost_at(creator, now));
    let share_url = video
        .share_url
        .clone()
        .unwrap_or_else(|| format!("https://www.tiktok.com/@{}/video/{}", creator.username, video.id));
    let mut object = Map::new();
    for field in fields {
        let value = match *field {
            "id" => json!(video.id),
            "create_time" => json!(video.create_time),
            "cover_image_url" => json!(crate::media::cover_url(sandbox, &video.id)),
            "share_url" => json!(share_url),
            "video_description" => json!(video.description),
            "duration" => json!(video.duration),
            "height" => json!(video.height),
            "width" => json!(video.width),
            "title" => json!(video.description.split(" #").next().unwrap_or_default()),
            "embed_html" => json!(format!(
                "<blockquote class=\"tiktok-embed\" cite=\"{share_url}\" data-video-id=\"{}\"></blockquote>",
                video.id
            )),
            "embed_link" => json!(format!("https://www.tiktok.com/player/v1/{}", video.id)),
            "like_count" => json!(metrics.like_count),
            "comment_count" => json!(metrics.comment_count),
            "share_count" => json!(metrics.share_count),
            "view_count" => json!(metrics.view_count),
            "is_aigc" => json!(false),
            _ => continue,
        };
        object.insert((*field).to_owned(), value);
    }
    Value::Object(object)
}

#[derive(Debug, Deserialize, Default)]
struct ListBody {
    cursor: Option<i64>,
    max_count: Option<i64>,
}

/// Parses an optional JSON body: an empty body is allowed, bad JSON is `invalid_params`.
fn json_body<T: for<'de> Deserialize<'de> + Default>(body: &str) -> Result<T, ApiError> {
    if body.trim().is_empty() {
        return Ok(T::default());
    }
    serde_json::from_str(body).map_err(|e| ApiError::invalid_params(format!("Invalid request body: {e}.")))
}

async fn video_list(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    Query(query): Query<FieldsQuery>,
    body: String,
) -> Result<Response, ApiError> {
    let grant = authorize(&sandbox, &headers, "display.video_list", &["video.list"], limit(&sandbox)).await?;
    let fields = requested_fields(query.fields.as_deref(), VIDEO_FIELDS)?;
    let body: ListBody = json_body(&body)?;
    let max_count = body.max_count.unwrap_or(10);
    if !(1..=MAX_VIDEOS as i64).contains(&max_count) {
        return Err(ApiError::invalid_params("max_count must be between 1 and 20."));
    }
    let now = sandbox.clock.now();
    let cursor_ms = body.cursor.unwrap_or(now * 1000 + 999);
    if cursor_ms < 0 {
        return Err(ApiError::invalid_params("cursor must be a Unix timestamp in milliseconds."));
    }
    let creator = creator_of(&sandbox, &grant.open_id)?;
    // Videos posted strictly before the cursor; create times are whole seconds.
    let before = (cursor_ms + 999).div_euclid(1000);
    let (videos, has_more) = sandbox.world.creators.videos_before(creator, before, now, max_count as usize);
    let next_cursor = videos.last().map_or(cursor_ms, |v| v.create_time * 1000);
    let videos: Vec<Value> = videos.iter().map(|v| video_json(&sandbox, creator, v, &fields, now)).collect();
    Ok(open_api::ok(&sandbox, json!({ "videos": videos, "cursor": next_cursor, "has_more": has_more })))
}

#[derive(Debug, Deserialize, Default)]
struct QueryBody {
    filters: Option<QueryFilters>,
}

#[derive(Debug, Deserialize, Default)]
struct QueryFilters {
    #[serde(default)]
    video_ids: Vec<String>,
}

async fn video_query(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    Query(query): Query<FieldsQuery>,
    body: String,
) -> Result<Response, ApiError> {
    let grant =
        authorize(&sandbox, &headers, "display.video_query", &["video.list"], limit(&sandbox)).await?;
    let fields = requested_fields(query.fields.as_deref(), VIDEO_FIELDS)?;
    let body: QueryBody = json_body(&body)?;
    let ids = body.filters.map(|f| f.video_ids).unwrap_or_default();
    if ids.is_empty() || ids.len() > MAX_VIDEOS {
        return Err(ApiError::invalid_params("filters.video_ids must hold 1 to 20 video ids."));
    }
    let creator = creator_of(&sandbox, &grant.open_id)?;
    let now = sandbox.clock.now();
    // Only the token owner's public videos come back; other ids are silently left out.
    let videos: Vec<Value> = sandbox
        .world
        .creators
        .all_videos(creator, now)
        .iter()
        .filter(|v| ids.contains(&v.id))
        .map(|v| video_json(&sandbox, creator, v, &fields, now))
        .collect();
    Ok(open_api::ok(&sandbox, json!({ "videos": videos })))
}
