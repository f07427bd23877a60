//! The sandbox's control API (no TikTok counterpart): move sandbox time, add activity, arm faults,
//! inspect grants and webhook deliveries, and reset. Tests and demos drive the world through it;
//! the README documents every route.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use sha2::Digest as _;

use crate::Sandbox;
use crate::faults::Fault;
use crate::world::creators::Creator;

/// The control routes, under the control prefix.
pub fn routes() -> Router<Sandbox> {
    Router::new()
        .route("/state", get(state))
        .route("/reset", post(reset))
        .route("/time/advance", post(advance))
        .route("/faults", get(list_faults).post(arm_fault).delete(clear_faults))
        .route("/faults/{id}", delete(clear_fault))
        .route("/creators/{open_id}/videos", post(add_videos))
        .route("/creators/{open_id}/growth", post(growth))
        .route("/creators/{open_id}/expire-token", post(expire_tokens))
        .route("/creators/{open_id}/deauthorize", post(deauthorize))
        .route("/webhooks", get(webhooks))
        .merge(crate::shop::control_routes())
}

/// A refused control request: its status and a readable reason.
struct Problem(StatusCode, String);

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

fn problem(status: StatusCode, message: impl Into<String>) -> Problem {
    Problem(status, message.into())
}

type Reply = Result<Response, Problem>;

fn find_creator<'a>(sandbox: &'a Sandbox, open_id: &str) -> Result<&'a Creator, Problem> {
    sandbox
        .world
        .creators
        .by_open_id(open_id)
        .ok_or_else(|| problem(StatusCode::NOT_FOUND, format!("no sandbox creator has open_id {open_id}")))
}

/// Parses a JSON body into `T`, with a readable 400 otherwise.
fn parse<T: for<'de> Deserialize<'de>>(body: &str) -> Result<T, Problem> {
    let body = if body.trim().is_empty() { "{}" } else { body };
    serde_json::from_str(body)
        .map_err(|e| problem(StatusCode::BAD_REQUEST, format!("invalid JSON body: {e}")))
}

async fn state(State(sandbox): State<Sandbox>) -> Response {
    let now = sandbox.clock.now();
    let creators: Vec<_> = sandbox
        .world
        .creators
        .all
        .iter()
        .map(|c| {
            let stats = sandbox.world.creators.stats_at(c, now);
            json!({ "open_id": c.open_id, "username": c.username, "display_name": c.display_name, "stats": stats })
        })
        .collect();
    let grants: Vec<_> = sandbox
        .grants
        .list()
        .into_iter()
        .map(|g| {
            // A digest, never the token: enough for a test to tell whether its copy is current.
            let digest = hex::encode(&sha2::Sha256::digest(g.refresh_token.as_bytes())[..8]);
            json!({ "open_id": g.open_id, "scopes": g.scopes, "access_expires_at": g.access_expires_at,
                    "refresh_expires_at": g.refresh_expires_at, "refresh_token_sha256": digest })
        })
        .collect();
    let scale = &sandbox.config.scale;
    Json(json!({
        "now": now,
        "start": sandbox.clock.start(),
        "history_starts": sandbox.world.genesis,
        "scale": {
            "seed": scale.seed, "creators": scale.creators, "videos_per_creator": scale.videos_per_creator,
            "history_days": scale.history_days, "local_shops": scale.local_shops,
            "cross_border_shops": scale.cross_border_shops, "products_per_shop": scale.products_per_shop,
            "orders_per_day": scale.orders_per_day,
        },
        "creators": creators,
        "grants": grants,
        "faults": sandbox.faults.list(),
    }))
    .into_response()
}

async fn reset(State(sandbox): State<Sandbox>) -> Response {
    sandbox.reset();
    Json(json!({ "now": sandbox.clock.now() })).into_response()
}

#[derive(Deserialize)]
struct Advance {
    seconds: u64,
}

async fn advance(State(sandbox): State<Sandbox>, body: String) -> Reply {
    let advance: Advance = parse(&body)?;
    if advance.seconds > 10 * 365 * 86_400 {
        return Err(problem(StatusCode::BAD_REQUEST, "seconds: at most ten years at a time"));
    }
    sandbox.clock.advance(advance.seconds);
    // Posts that finished in the skipped time publish (and send their webhooks) now.
    let posts_changed = crate::posting::Posts::tick(&sandbox);
    Ok(Json(json!({ "now": sandbox.clock.now(), "posts_changed": posts_changed })).into_response())
}

async fn list_faults(State(sandbox): State<Sandbox>) -> Response {
    Json(json!({ "faults": sandbox.faults.list() })).into_response()
}

async fn arm_fault(State(sandbox): State<Sandbox>, body: String) -> Reply {
    let fault: Fault = parse(&body)?;
    if let crate::faults::FaultKind::ServerError { status } = fault.kind
        && !(500..600).contains(&status)
    {
        return Err(problem(StatusCode::BAD_REQUEST, "status: a server error is 500 to 599"));
    }
    let id = sandbox.faults.arm(fault);
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

async fn clear_faults(State(sandbox): State<Sandbox>) -> Response {
    Json(json!({ "cleared": sandbox.faults.clear(None) })).into_response()
}

async fn clear_fault(State(sandbox): State<Sandbox>, Path(id): Path<u64>) -> Reply {
    match sandbox.faults.clear(Some(id)) {
        0 => Err(problem(StatusCode::NOT_FOUND, format!("no armed fault has id {id}"))),
        n => Ok(Json(json!({ "cleared": n })).into_response()),
    }
}

#[derive(Deserialize)]
struct AddVideos {
    #[serde(default = "one")]
    count: u32,
    #[serde(default)]
    description: Option<String>,
    /// Replaces the videos' `share_url` (to try hostile or broken links).
    #[serde(default)]
    share_url: Option<String>,
}

fn one() -> u32 {
    1
}

async fn add_videos(State(sandbox): State<Sandbox>, Path(open_id): Path<String>, body: String) -> Reply {
    let creator = find_creator(&sandbox, &open_id)?;
    let request: AddVideos = parse(&body)?;
    if !(1..=1000).contains(&request.count) {
        return Err(problem(StatusCode::BAD_REQUEST, "count: 1 to 1000"));
    }
    let now = sandbox.clock.now();
    let description = request.description.unwrap_or_else(|| "New sandbox video #fyp".into());
    let ids: Vec<String> = (0..request.count)
        .map(|i| {
            let at = now - i64::from(i) * 60;
            sandbox.world.creators.add_video(creator, at, &description, 30, request.share_url.as_deref()).id
        })
        .collect();
    Ok((StatusCode::CREATED, Json(json!({ "video_ids": ids }))).into_response())
}

#[derive(Deserialize)]
struct Growth {
    #[serde(default)]
    views_factor: f64,
    #[serde(default)]
    followers: u64,
}

async fn growth(State(sandbox): State<Sandbox>, Path(open_id): Path<String>, body: String) -> Reply {
    let creator = find_creator(&sandbox, &open_id)?;
    let growth: Growth = parse(&body)?;
    if !(0.0..=1000.0).contains(&growth.views_factor) {
        return Err(problem(StatusCode::BAD_REQUEST, "views_factor: 0 to 1000 (0.5 means 50 % more views)"));
    }
    let now = sandbox.clock.now();
    sandbox.world.creators.boost(creator, now, growth.views_factor, growth.followers);
    Ok(Json(json!({ "stats": sandbox.world.creators.stats_at(creator, now) })).into_response())
}

async fn expire_tokens(State(sandbox): State<Sandbox>, Path(open_id): Path<String>) -> Reply {
    find_creator(&sandbox, &open_id)?;
    let now = sandbox.clock.now();
    let grants: Vec<_> = sandbox.grants.list().into_iter().filter(|g| g.open_id == open_id).collect();
    for grant in &grants {
        sandbox.grants.expire_access(grant.id, now);
    }
    Ok(Json(json!({ "expired": grants.len() })).into_response())
}

#[derive(Deserialize)]
struct Deauthorize {
    /// TikTok's `authorization.removed` reason, 0 to 5.
    #[serde(default)]
    reason: u8,
}

async fn deauthorize(State(sandbox): State<Sandbox>, Path(open_id): Path<String>, body: String) -> Reply {
    find_creator(&sandbox, &open_id)?;
    let request: Deauthorize = parse(&body)?;
    if request.reason > 5 {
        return Err(problem(StatusCode::BAD_REQUEST, "reason: 0 to 5"));
    }
    let revoked = sandbox.grants.revoke_user(&open_id);
    let app = &sandbox.config.login_kit;
    sandbox.webhooks.send_tiktok(
        sandbox.config.tiktok_webhook_url.as_deref(),
        &app.client_key,
        &app.client_secret,
        "authorization.removed",
        sandbox.clock.now(),
        &open_id,
        &json!({ "reason": request.reason }),
    );
    Ok(Json(json!({ "revoked": revoked })).into_response())
}

async fn webhooks(State(sandbox): State<Sandbox>) -> Response {
    Json(json!({ "deliveries": sandbox.webhooks.records() })).into_response()
}
