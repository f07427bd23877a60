//! Conformance of the sandbox's Content Posting API with tiktok-api.md sections 2 and 4.
//!
//! These tests are a client written from the spec: they drive the sandbox's router over HTTP
//! requests in-process and read only what TikTok's wire format shows (envelopes, field names and
//! types, statuses, headers). The sandbox's internals appear only for setup that has no HTTP
//! face yet: issuing a grant (the consent page), moving sandbox time, arming a fault, and
//! checking the creator's videos (Display's `video/list`, another module).

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use hmac::{Hmac, Mac};
use http_body_util::BodyExt;
use sandbox::faults::{Fault, FaultKind, FaultTarget};
use sandbox::posting::Posts;
use sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};
use sha2::Sha256;
use tower::ServiceExt;

const START: i64 = 1_793_491_200; // 2026-11-01T00:00:00Z
const MB: usize = 1024 * 1024;
const PUBLISH: &str = "/v2/post/publish/video/init/";
const INBOX: &str = "/v2/post/publish/inbox/video/init/";
const PHOTO: &str = "/v2/post/publish/content/init/";
const STATUS: &str = "/v2/post/publish/status/fetch/";
const CREATOR_INFO: &str = "/v2/post/publish/creator_info/query/";

fn sandbox_with(change: impl FnOnce(&mut SandboxConfig)) -> Sandbox {
    let mut config = SandboxConfig::for_public_url("http://127.0.0.1:3000");
    config.start = Some(START);
    config.tiktok_webhook_url = None;
    change(&mut config);
    Sandbox::new(config)
}

fn open_id(sandbox: &Sandbox, index: usize) -> String {
    sandbox.world.creators.all[index].open_id.clone()
}

/// An access token of creator `index` with `scopes`, as the consent page would grant it.
fn token(sandbox: &Sandbox, index: usize, scopes: &[&str]) -> String {
    let scopes = scopes.iter().map(|s| (*s).to_owned()).collect();
    sandbox.grants.create(&open_id(sandbox, index), scopes, sandbox.clock.now(), 7200, 86_400).access_token
}

fn all_scopes(sandbox: &Sandbox, index: usize) -> String {
    token(sandbox, index, &["user.info.basic", "video.publish", "video.upload"])
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

async fn send(sandbox: &Sandbox, request: Request<Body>) -> Answer {
    let response = sandbox::router(sandbox.clone()).oneshot(request).await.expect("the router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.expect("a body").to_bytes();
    let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).expect("JSON") };
    Answer { status, headers, body }
}

/// `POST https://open.tiktokapis.com{path}` with a bearer token and a JSON body.
async fn api(sandbox: &Sandbox, token: &str, path: &str, body: &Value) -> Answer {
    let request = Request::post(format!("/open-api{path}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json; charset=UTF-8")
        .body(Body::from(body.to_string()))
        .expect("request");
    send(sandbox, request).await
}

/// The success envelope: `data` returned, `error.code` "ok", empty message, a log id.
fn data(answer: &Answer) -> &Value {
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let error = &answer.body["error"];
    assert_eq!(error["code"], "ok");
    assert_eq!(error["message"], "");
    assert!(error["log_id"].as_str().is_some_and(|id| !id.is_empty()), "{error}");
    &answer.body["data"]
}

/// The error envelope: the HTTP status, `error.code`, a message, a log id, and `data` `{}`.
fn assert_error(answer: &Answer, status: StatusCode, code: &str) {
    assert_eq!(
        (answer.status, answer.body["error"]["code"].as_str()),
        (status, Some(code)),
        "{}",
        answer.body
    );
    assert!(answer.body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(answer.body["error"]["log_id"].is_string());
    assert_eq!(answer.body["data"], json!({}));
}

fn file_upload(video_size: usize, chunk_size: usize, total_chunk_count: usize) -> Value {
    json!({"source": "FILE_UPLOAD", "video_size": video_size, "chunk_size": chunk_size,
           "total_chunk_count": total_chunk_count})
}

fn direct_post(privacy_level: &str, source_info: Value) -> Value {
    json!({
        "post_info": {"title": "Nasi goreng 10 menit #resep", "privacy_level": privacy_level,
                      "disable_duet": false, "disable_comment": false, "disable_stitch": false,
                      "video_cover_timestamp_ms": 1000, "brand_content_toggle": false,
                      "brand_organic_toggle": false, "is_aigc": false},
        "source_info": source_info,
    })
}

/// `PUT {upload_url}` of `bytes` as the chunk `first..=last` of `total`, with `content_type`.
async fn put(sandbox: &Sandbox, upload_url: &str, range: (usize, usize, usize), bytes: Vec<u8>) -> Answer {
    put_with(sandbox, upload_url, range, bytes, "video/mp4", None).await
}

async fn put_with(
    sandbox: &Sandbox,
    upload_url: &str,
    (first, last, total): (usize, usize, usize),
    bytes: Vec<u8>,
    content_type: &str,
    content_length: Option<usize>,
) -> Answer {
    let path = upload_url.strip_prefix(&sandbox.config.self_url).expect("the upload URL is the sandbox's");
    let request = Request::builder()
        .method(Method::PUT)
        .uri(path)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CONTENT_LENGTH, content_length.unwrap_or(bytes.len()))
        .header(header::CONTENT_RANGE, format!("bytes {first}-{last}/{total}"))
        .body(Body::from(bytes))
        .expect("request");
    send(sandbox, request).await
}

async fn status(sandbox: &Sandbox, token: &str, publish_id: &str) -> Value {
    data(&api(sandbox, token, STATUS, &json!({ "publish_id": publish_id })).await).clone()
}

fn delay(sandbox: &Sandbox) -> u64 {
    sandbox.config.publish_delay.as_secs()
}

#[tokio::test]
async fn creator_info_describes_the_creator_and_their_choices() {
    let sandbox = sandbox_with(|c| c.private_creators = vec!["ayuglow".into()]);
    let creator = sandbox.world.creators.all[0].clone();
    let answer = api(&sandbox, &all_scopes(&sandbox, 0), CREATOR_INFO, &json!({})).await;
    let info = data(&answer);
    assert_eq!(info["creator_username"], creator.username.as_str());
    assert_eq!(info["creator_nickname"], creator.display_name.as_str());
    assert!(info["creator_avatar_url"].as_str().is_some_and(|u| u.starts_with("http")));
    assert_eq!(
        info["privacy_level_options"],
        json!(["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"])
    );
    for flag in ["comment_disabled", "duet_disabled", "stitch_disabled"] {
        assert!(info[flag].is_boolean(), "{flag}: {info}");
    }
    assert!(info["max_video_post_duration_sec"].as_u64().is_some_and(|s| s > 0));

    // Creator 2 is ayuglow: a private account gets no PUBLIC_TO_EVERYONE.
    assert_eq!(sandbox.world.creators.all[2].username, "ayuglow");
    let private = api(&sandbox, &all_scopes(&sandbox, 2), CREATOR_INFO, &json!({})).await;
    assert_eq!(
        data(&private)["privacy_level_options"],
        json!(["MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"])
    );

    let upload_only = api(&sandbox, &token(&sandbox, 0, &["video.upload"]), CREATOR_INFO, &json!({})).await;
    assert_error(&upload_only, StatusCode::UNAUTHORIZED, "scope_not_authorized");
    let no_token = api(&sandbox, "act.nope", CREATOR_INFO, &json!({})).await;
    assert_error(&no_token, StatusCode::UNAUTHORIZED, "access_token_invalid");
}

#[tokio::test]
async fn a_direct_post_uploaded_in_one_chunk_becomes_a_video() {
    let sandbox = sandbox_with(|_| {});
    let token = all_scopes(&sandbox, 1);
    let size = MB; // under 5 MB: one chunk with chunk_size = video_size
    let answer = api(&sandbox, &token, PUBLISH, &direct_post("SELF_ONLY", file_upload(size, size, 1))).await;
    let init = data(&answer).clone();
    let publish_id = init["publish_id"].as_str().expect("publish_id").to_owned();
    let upload_url = init["upload_url"].as_str().expect("upload_url").to_owned();
    assert!(upload_url.starts_with("http://127.0.0.1:3000/sandbox/"), "{upload_url}");

    let waiting = status(&sandbox, &token, &publish_id).await;
    assert_eq!(waiting["status"], "PROCESSING_UPLOAD");
    assert_eq!(waiting["uploaded_bytes"], 0);
    assert_eq!(waiting["publicaly_available_post_id"], json!([]));
    assert!(waiting.get("fail_reason").is_none());

    let uploaded = put(&sandbox, &upload_url, (0, size - 1, size), vec![7; size]).await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "the last chunk: {}", uploaded.body);
    let processing = status(&sandbox, &token, &publish_id).await;
    assert_eq!(
        (processing["status"].as_str(), processing["uploaded_bytes"].as_u64()),
        (Some("PROCESSING_UPLOAD"), Some(size as u64))
    );

    sandbox.clock.advance(delay(&sandbox));
    let done = status(&sandbox, &token, &publish_id).await;
    assert_eq!(done["status"], "PUBLISH_COMPLETE");
    let ids = done["publicaly_available_post_id"].as_array().expect("an array");
    assert_eq!(ids.len(), 1);
    let post_id = ids[0].as_u64().expect("documented as int64").to_string();

    let creator = sandbox.world.creators.by_open_id(&open_id(&sandbox, 1)).expect("creator");
    let video = sandbox.world.creators.video(creator, &post_id, sandbox.clock.now()).expect("a real video");
    assert_eq!(video.description, "Nasi goreng 10 menit #resep");
    let again = status(&sandbox, &token, &publish_id).await;
    assert_eq!(again["publicaly_available_post_id"], done["publicaly_available_post_id"]);
    let count = |id: &str| {
        sandbox.world.creators.all_videos(creator, sandbox.clock.now()).iter().filter(|v| v.id == id).count()
    };
    assert_eq!(count(&post_id), 1, "published exactly once");
    // And the Display API lists it, newest first.
    let reader = self::token(&sandbox, 1, &["user.info.basic", "video.list"]);
    let listed =
        api(&sandbox, &reader, "/v2/video/list/?fields=id,video_description", &json!({ "max_count": 1 }))
            .await;
    assert_eq!(data(&listed)["videos"][0]["id"], post_id.as_str());
    assert_eq!(data(&listed)["videos"][0]["video_description"], "Nasi goreng 10 menit #resep");

    // A reset forgets the post.
    sandbox.reset();
    let token = all_scopes(&sandbox, 1);
    let gone = api(&sandbox, &token, STATUS, &json!({ "publish_id": publish_id })).await;
    assert_error(&gone, StatusCode::BAD_REQUEST, "invalid_params");
}

#[tokio::test]
async fn chunk_rules_are_enforced_at_init() {
    let sandbox = sandbox_with(|_| {});
    // Refused inits count against the 6-a-minute limit too: a fresh token for each.
    let token = || all_scopes(&sandbox, 0);
    for (source, why) in [
        (file_upload(3 * MB, MB, 3), "under 5 MB is one chunk"),
        (file_upload(13 * MB, 5 * MB, 3), "the count is floor(size / chunk)"),
        (file_upload(13 * MB, 4 * MB, 3), "chunks of at least 5 MB"),
        (file_upload(130 * MB, 65 * MB, 2), "chunks of at most 64 MB"),
        (file_upload(100 * MB, 64 * MB, 1), "over 64 MB must be chunked"),
        (file_upload(6000 * MB, 5 * MB, 1200), "at most 1000 chunks"),
        (json!({"source": "FILE_UPLOAD", "video_size": MB}), "sizes are required"),
        (json!({"source": "DROPBOX"}), "known sources only"),
    ] {
        let answer = api(&sandbox, &token(), INBOX, &json!({ "source_info": source })).await;
        assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_params");
        assert!(answer.body["error"]["message"].is_string(), "{why}");
    }
    let wrong_type = api(
        &sandbox,
        &token(),
        INBOX,
        &json!({"source_info": {"source": "FILE_UPLOAD",
        "video_size": "big", "chunk_size": 1, "total_chunk_count": 1}}),
    )
    .await;
    assert_error(&wrong_type, StatusCode::BAD_REQUEST, "invalid_params");
    let accepted =
        api(&sandbox, &token(), INBOX, &json!({ "source_info": file_upload(13 * MB, 5 * MB, 2) })).await;
    assert!(data(&accepted)["upload_url"].is_string());
}

#[tokio::test]
async fn chunks_are_checked_and_taken_in_order() {
    let sandbox = sandbox_with(|_| {});
    let token = all_scopes(&sandbox, 0);
    // 11 MB in 5 MB chunks: floor(11 / 5) = 2 chunks, the last one takes the trailing 6 MB.
    let (size, chunk) = (11 * MB, 5 * MB);
    let init = api(&sandbox, &token, INBOX, &json!({ "source_info": file_upload(size, chunk, 2) })).await;
    let publish_id = data(&init)["publish_id"].as_str().expect("id").to_owned();
    let url = data(&init)["upload_url"].as_str().expect("url").to_owned();
    let bad = |answer: &Answer| assert_error(answer, StatusCode::BAD_REQUEST, "invalid_file_upload");

    bad(&put(&sandbox, &url, (chunk, size - 1, size), vec![0; size - chunk]).await); // out of order
    bad(&put(&sandbox, &url, (0, chunk - 1, size + 1), vec![0; chunk]).await); // wrong total
    bad(&put(&sandbox, &url, (0, chunk, size), vec![0; chunk + 1]).await); // not chunk_size
    bad(&put_with(&sandbox, &url, (0, chunk - 1, size), vec![0; chunk], "video/x-msvideo", None).await);
    bad(&put_with(&sandbox, &url, (0, chunk - 1, size), vec![0; chunk], "video/mp4", Some(chunk - 1)).await);
    bad(&put_with(&sandbox, &url, (0, chunk - 1, size), vec![0; chunk - 10], "video/mp4", Some(chunk)).await);
    let stolen = url.replace("upload_token=", "upload_token=x");
    assert_error(
        &put(&sandbox, &stolen, (0, chunk - 1, size), vec![0; chunk]).await,
        StatusCode::NOT_FOUND,
        "invalid_file_upload",
    );
    assert_eq!(
        status(&sandbox, &token, &publish_id).await["uploaded_bytes"],
        0,
        "refused chunks count nothing"
    );

    let first = put_with(&sandbox, &url, (0, chunk - 1, size), vec![1; chunk], "video/quicktime", None).await;
    assert_eq!(first.status, StatusCode::PARTIAL_CONTENT, "{}", first.body);
    assert_eq!(status(&sandbox, &token, &publish_id).await["uploaded_bytes"], chunk);
    bad(&put(&sandbox, &url, (0, chunk - 1, size), vec![1; chunk]).await); // the same chunk again
    let last =
        put_with(&sandbox, &url, (chunk, size - 1, size), vec![2; size - chunk], "video/webm", None).await;
    assert_eq!(last.status, StatusCode::CREATED, "{}", last.body);
    bad(&put(&sandbox, &url, (chunk, size - 1, size), vec![2; size - chunk]).await); // after the last

    sandbox.clock.advance(delay(&sandbox) - 2);
    assert_eq!(status(&sandbox, &token, &publish_id).await["status"], "PROCESSING_UPLOAD");
    sandbox.clock.advance(2);
    let done = status(&sandbox, &token, &publish_id).await;
    assert_eq!(done["status"], "SEND_TO_USER_INBOX");
    assert_eq!(done["uploaded_bytes"], size);
    assert_eq!(done["publicaly_available_post_id"], json!([]), "drafts are not posts yet");
}

#[tokio::test]
async fn upload_urls_expire() {
    let sandbox = sandbox_with(|c| c.upload_url_ttl = Duration::from_secs(600));
    let token = all_scopes(&sandbox, 0);
    let init = api(&sandbox, &token, INBOX, &json!({ "source_info": file_upload(1000, 1000, 1) })).await;
    let url = data(&init)["upload_url"].as_str().expect("url").to_owned();
    sandbox.clock.advance(601);
    let late = put(&sandbox, &url, (0, 999, 1000), vec![0; 1000]).await;
    assert_error(&late, StatusCode::BAD_REQUEST, "invalid_file_upload");
}

#[tokio::test]
async fn pulls_need_a_verified_prefix_and_report_the_download() {
    let sandbox = sandbox_with(|c| c.verified_url_prefixes = vec!["https://cdn.soco.example".into()]);
    let token = all_scopes(&sandbox, 3);
    let pull = |url: &str| direct_post("SELF_ONLY", json!({"source": "PULL_FROM_URL", "video_url": url}));
    for url in ["https://evil.example/v.mp4", "https://cdn.soco.example.evil.net/v.mp4"] {
        let refused = api(&sandbox, &token, PUBLISH, &pull(url)).await;
        assert_error(&refused, StatusCode::FORBIDDEN, "url_ownership_unverified");
    }
    let missing =
        api(&sandbox, &token, PUBLISH, &direct_post("SELF_ONLY", json!({"source": "PULL_FROM_URL"}))).await;
    assert_error(&missing, StatusCode::BAD_REQUEST, "invalid_params");

    let answer = api(&sandbox, &token, PUBLISH, &pull("https://cdn.soco.example/clips/v.mp4")).await;
    let init = data(&answer).clone();
    assert!(init.get("upload_url").is_none(), "nothing to upload: {init}");
    let publish_id = init["publish_id"].as_str().expect("id");
    let start = status(&sandbox, &token, publish_id).await;
    assert_eq!(start["status"], "PROCESSING_DOWNLOAD");
    let before = start["downloaded_bytes"].as_u64().expect("downloaded_bytes");
    sandbox.clock.advance(delay(&sandbox) / 2);
    let middle = status(&sandbox, &token, publish_id).await;
    assert_eq!(middle["status"], "PROCESSING_DOWNLOAD");
    assert!(middle["downloaded_bytes"].as_u64().expect("bytes") > before);
    sandbox.clock.advance(delay(&sandbox));
    let done = status(&sandbox, &token, publish_id).await;
    assert_eq!(done["status"], "PUBLISH_COMPLETE");
    assert!(
        done["downloaded_bytes"].as_u64().expect("bytes") >= middle["downloaded_bytes"].as_u64().expect("b")
    );
    assert_eq!(done["publicaly_available_post_id"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn privacy_follows_the_audit_and_the_creators_options() {
    let pull = |level: &str| {
        direct_post(
            level,
            json!({"source": "PULL_FROM_URL",
        "video_url": "http://127.0.0.1:3000/media/v.mp4"}),
        )
    };
    let unaudited = sandbox_with(|c| c.private_creators = vec!["ayuglow".into()]);
    let token = all_scopes(&unaudited, 0);
    let public = api(&unaudited, &token, PUBLISH, &pull("PUBLIC_TO_EVERYONE")).await;
    assert_error(&public, StatusCode::FORBIDDEN, "unaudited_client_can_only_post_to_private_accounts");
    let friends = api(&unaudited, &token, PUBLISH, &pull("MUTUAL_FOLLOW_FRIENDS")).await;
    assert_error(&friends, StatusCode::FORBIDDEN, "unaudited_client_can_only_post_to_private_accounts");
    assert!(data(&api(&unaudited, &token, PUBLISH, &pull("SELF_ONLY")).await)["publish_id"].is_string());
    let unknown = api(&unaudited, &token, PUBLISH, &pull("EVERYONE")).await;
    assert_error(&unknown, StatusCode::BAD_REQUEST, "invalid_params");
    let no_info = api(&unaudited, &token, PUBLISH, &json!({"source_info": file_upload(10, 10, 1)})).await;
    assert_error(&no_info, StatusCode::BAD_REQUEST, "invalid_params");

    let audited = sandbox_with(|c| {
        c.unaudited = false;
        c.private_creators = vec!["ayuglow".into()];
    });
    let private_account = all_scopes(&audited, 2);
    let mismatch = api(&audited, &private_account, PUBLISH, &pull("PUBLIC_TO_EVERYONE")).await;
    assert_error(&mismatch, StatusCode::FORBIDDEN, "privacy_level_option_mismatch");
    assert!(
        data(&api(&audited, &private_account, PUBLISH, &pull("FOLLOWER_OF_CREATOR")).await)["publish_id"]
            .is_string()
    );
    let public_account = all_scopes(&audited, 0);
    assert!(
        data(&api(&audited, &public_account, PUBLISH, &pull("PUBLIC_TO_EVERYONE")).await)["publish_id"]
            .is_string()
    );
}

#[tokio::test]
async fn titles_are_limited_in_utf16_units() {
    let sandbox = sandbox_with(|_| {});
    let token = all_scopes(&sandbox, 0);
    let with_title = |title: String| {
        let mut body = direct_post("SELF_ONLY", file_upload(10, 10, 1));
        body["post_info"]["title"] = Value::String(title);
        body
    };
    // An emoji is 2 UTF-16 units: 1100 of them is 2200 units, 1101 is one emoji too many.
    assert!(
        data(&api(&sandbox, &token, PUBLISH, &with_title("😀".repeat(1100))).await)["publish_id"].is_string()
    );
    let long = api(&sandbox, &token, PUBLISH, &with_title("😀".repeat(1101))).await;
    assert_error(&long, StatusCode::BAD_REQUEST, "invalid_params");
}

#[tokio::test]
async fn scopes_gate_each_endpoint() {
    let sandbox = sandbox_with(|_| {});
    let publish_only = token(&sandbox, 0, &["video.publish"]);
    let upload_only = token(&sandbox, 0, &["video.upload"]);
    let inbox = json!({ "source_info": file_upload(10, 10, 1) });
    assert_error(
        &api(&sandbox, &publish_only, INBOX, &inbox).await,
        StatusCode::UNAUTHORIZED,
        "scope_not_authorized",
    );
    let direct = direct_post("SELF_ONLY", file_upload(10, 10, 1));
    assert_error(
        &api(&sandbox, &upload_only, PUBLISH, &direct).await,
        StatusCode::UNAUTHORIZED,
        "scope_not_authorized",
    );

    // Status fetch takes either scope.
    let publish_id = data(&api(&sandbox, &upload_only, INBOX, &inbox).await)["publish_id"].clone();
    assert_eq!(
        status(&sandbox, &upload_only, publish_id.as_str().expect("id")).await["status"],
        "PROCESSING_UPLOAD"
    );
    assert_eq!(
        status(&sandbox, &publish_only, publish_id.as_str().expect("id")).await["status"],
        "PROCESSING_UPLOAD"
    );
    let basic = token(&sandbox, 0, &["user.info.basic"]);
    let refused = api(&sandbox, &basic, STATUS, &json!({ "publish_id": publish_id })).await;
    assert_error(&refused, StatusCode::UNAUTHORIZED, "scope_not_authorized");

    // Another creator's token does not see the post; a missing id is a bad request.
    let stranger = all_scopes(&sandbox, 1);
    let theirs = api(&sandbox, &stranger, STATUS, &json!({ "publish_id": publish_id })).await;
    assert_error(&theirs, StatusCode::BAD_REQUEST, "invalid_params");
    assert_error(
        &api(&sandbox, &stranger, STATUS, &json!({})).await,
        StatusCode::BAD_REQUEST,
        "invalid_params",
    );
}

#[tokio::test]
async fn a_failed_publish_is_accepted_then_fails_with_its_reason() {
    let sandbox = sandbox_with(|_| {});
    let token = all_scopes(&sandbox, 0);
    sandbox.faults.arm(Fault {
        id: 0,
        target: FaultTarget { endpoint: Some("posting.publish".into()), account: Some(open_id(&sandbox, 0)) },
        kind: FaultKind::FailPublish { reason: "video_pull_failed".into() },
        times: Some(1),
    });
    let pull = direct_post(
        "SELF_ONLY",
        json!({"source": "PULL_FROM_URL",
        "video_url": "http://127.0.0.1:3000/media/v.mp4"}),
    );
    let doomed =
        data(&api(&sandbox, &token, PUBLISH, &pull).await)["publish_id"].as_str().expect("id").to_owned();
    let fine =
        data(&api(&sandbox, &token, PUBLISH, &pull).await)["publish_id"].as_str().expect("id").to_owned();
    assert_eq!(status(&sandbox, &token, &doomed).await["status"], "PROCESSING_DOWNLOAD", "accepted first");
    // Counted at a fixed later instant, so generated history doesn't move the count.
    let later = START + 7200;
    let videos_before = sandbox.world.creators.all_videos(&sandbox.world.creators.all[0], later).len();
    sandbox.clock.advance(delay(&sandbox));
    let failed = status(&sandbox, &token, &doomed).await;
    assert_eq!(failed["status"], "FAILED");
    assert_eq!(failed["fail_reason"], "video_pull_failed");
    assert_eq!(failed["publicaly_available_post_id"], json!([]));
    assert_eq!(status(&sandbox, &token, &fine).await["status"], "PUBLISH_COMPLETE", "the fault fired once");
    let videos_after = sandbox.world.creators.all_videos(&sandbox.world.creators.all[0], later).len();
    assert_eq!(videos_after, videos_before + 1, "only the good post became a video");
}

#[tokio::test]
async fn photos_are_pulled_and_posted_or_sent_to_the_inbox() {
    let sandbox = sandbox_with(|_| {});
    // Refused inits count against the 6-a-minute limit too: a fresh token for each.
    let token = || all_scopes(&sandbox, 4);
    let photos = |mode: &str, images: Value, cover: i64| {
        json!({
            "media_type": "PHOTO", "post_mode": mode,
            "post_info": {"title": "OOTD", "description": "Hijab modern #ootd", "privacy_level": "SELF_ONLY",
                          "disable_comment": false, "auto_add_music": true},
            "source_info": {"source": "PULL_FROM_URL", "photo_images": images, "photo_cover_index": cover},
        })
    };
    let two = json!(["http://127.0.0.1:3000/media/1.jpeg", "http://127.0.0.1:3000/media/2.webp"]);
    let bad_cover = api(&sandbox, &token(), PHOTO, &photos("DIRECT_POST", two.clone(), 2)).await;
    assert_error(&bad_cover, StatusCode::BAD_REQUEST, "invalid_params");
    let none = api(&sandbox, &token(), PHOTO, &photos("DIRECT_POST", json!([]), 0)).await;
    assert_error(&none, StatusCode::BAD_REQUEST, "invalid_params");
    let mut uploaded = photos("DIRECT_POST", two.clone(), 0);
    uploaded["source_info"]["source"] = json!("FILE_UPLOAD");
    assert_error(&api(&sandbox, &token(), PHOTO, &uploaded).await, StatusCode::BAD_REQUEST, "invalid_params");
    let mut video = photos("DIRECT_POST", two.clone(), 0);
    video["media_type"] = json!("VIDEO");
    assert_error(&api(&sandbox, &token(), PHOTO, &video).await, StatusCode::BAD_REQUEST, "invalid_params");
    let unverified =
        api(&sandbox, &token(), PHOTO, &photos("DIRECT_POST", json!(["https://x.example/1.jpeg"]), 0)).await;
    assert_error(&unverified, StatusCode::FORBIDDEN, "url_ownership_unverified");
    let mut long = photos("DIRECT_POST", two.clone(), 0);
    long["post_info"]["title"] = json!("a".repeat(91));
    assert_error(&api(&sandbox, &token(), PHOTO, &long).await, StatusCode::BAD_REQUEST, "invalid_params");
    let publish_only = token_for(&sandbox, 4, "video.publish");
    let draft = api(&sandbox, &publish_only, PHOTO, &photos("MEDIA_UPLOAD", two.clone(), 0)).await;
    assert_error(&draft, StatusCode::UNAUTHORIZED, "scope_not_authorized");

    let posted = data(&api(&sandbox, &token(), PHOTO, &photos("DIRECT_POST", two.clone(), 1)).await).clone();
    assert!(posted["publish_id"].is_string() && posted.get("upload_url").is_none());
    let drafted = data(&api(&sandbox, &token(), PHOTO, &photos("MEDIA_UPLOAD", two, 0)).await).clone();
    let png = json!(["http://127.0.0.1:3000/media/1.png"]);
    let refused = data(&api(&sandbox, &token(), PHOTO, &photos("DIRECT_POST", png, 0)).await).clone();
    assert_eq!(
        status(&sandbox, &token(), posted["publish_id"].as_str().expect("id")).await["status"],
        "PROCESSING_DOWNLOAD"
    );

    sandbox.clock.advance(delay(&sandbox));
    let posted = status(&sandbox, &token(), posted["publish_id"].as_str().expect("id")).await;
    assert_eq!(posted["status"], "PUBLISH_COMPLETE");
    assert_eq!(posted["publicaly_available_post_id"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        status(&sandbox, &token(), drafted["publish_id"].as_str().expect("id")).await["status"],
        "SEND_TO_USER_INBOX"
    );
    let png = status(&sandbox, &token(), refused["publish_id"].as_str().expect("id")).await;
    assert_eq!(
        (png["status"].as_str(), png["fail_reason"].as_str()),
        (Some("FAILED"), Some("file_format_check_failed"))
    );
}

fn token_for(sandbox: &Sandbox, index: usize, scope: &str) -> String {
    token(sandbox, index, &[scope])
}

#[tokio::test]
async fn rate_limits_are_per_token_per_minute() {
    let sandbox = sandbox_with(|_| {});
    let (mine, other) = (all_scopes(&sandbox, 0), all_scopes(&sandbox, 0));
    let inbox = json!({ "source_info": file_upload(10, 10, 1) });
    let mut publish_id = String::new();
    for _ in 0..6 {
        publish_id =
            data(&api(&sandbox, &mine, INBOX, &inbox).await)["publish_id"].as_str().expect("id").into();
    }
    let limited = api(&sandbox, &mine, INBOX, &inbox).await;
    assert_error(&limited, StatusCode::TOO_MANY_REQUESTS, "rate_limit_exceeded");
    assert!(limited.headers.get(header::RETRY_AFTER).is_some());
    // Counted per access token: another token of the same creator has its own budget.
    assert!(data(&api(&sandbox, &other, INBOX, &inbox).await)["publish_id"].is_string(), "per token");

    for _ in 0..30 {
        status(&sandbox, &mine, &publish_id).await;
    }
    let fetch = api(&sandbox, &mine, STATUS, &json!({ "publish_id": publish_id })).await;
    assert_error(&fetch, StatusCode::TOO_MANY_REQUESTS, "rate_limit_exceeded");
    for _ in 0..20 {
        data(&api(&sandbox, &mine, CREATOR_INFO, &json!({})).await);
    }
    let info = api(&sandbox, &mine, CREATOR_INFO, &json!({})).await;
    assert_error(&info, StatusCode::TOO_MANY_REQUESTS, "rate_limit_exceeded");

    sandbox.clock.advance(61);
    assert!(data(&api(&sandbox, &mine, INBOX, &inbox).await)["publish_id"].is_string(), "the window slid");
    status(&sandbox, &mine, &publish_id).await;
}

/// A webhook receiver on a real port: every request's `TikTok-Signature` and body.
async fn receiver() -> (String, tokio::sync::mpsc::UnboundedReceiver<(String, String)>) {
    let (sender, received) = tokio::sync::mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/webhooks/tiktok",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let sender = sender.clone();
            async move {
                let signature = headers
                    .get("TikTok-Signature")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let _ = sender.send((signature, body));
                StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let url = format!("http://{}/webhooks/tiktok", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

/// The next event, its signature checked as tiktok-api.md 4.7 says:
/// `s = hex(HMAC_SHA256(client_secret, t + "." + raw_body))`.
async fn next_event(
    received: &mut tokio::sync::mpsc::UnboundedReceiver<(String, String)>,
    secret: &str,
) -> Value {
    let (signature, body) = tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .expect("a webhook in time")
        .expect("the receiver is up");
    let (t, s) = signature
        .strip_prefix("t=")
        .and_then(|rest| rest.split_once(",s="))
        .unwrap_or_else(|| panic!("TikTok-Signature: t=..,s=.., got {signature:?}"));
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key");
    mac.update(format!("{t}.{body}").as_bytes());
    assert_eq!(s, hex::encode(mac.finalize().into_bytes()), "signature of {body}");
    let age = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("now").as_secs()
        as i64
        - t.parse::<i64>().expect("t is a Unix time");
    assert!(age.abs() < 300, "t is current, so receivers can reject old ones");
    serde_json::from_str(&body).expect("JSON body")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transitions_are_announced_once_by_signed_webhooks() {
    let (url, mut received) = receiver().await;
    let sandbox = sandbox_with(|c| {
        c.tiktok_webhook_url = Some(url);
        c.moderation_delay = Duration::from_secs(20);
    });
    let secret = sandbox.config.login_kit.client_secret.clone();
    let token = all_scopes(&sandbox, 2);
    let pull = json!({"source": "PULL_FROM_URL", "video_url": "http://127.0.0.1:3000/media/v.mp4"});
    let publish_id =
        data(&api(&sandbox, &token, PUBLISH, &direct_post("SELF_ONLY", pull.clone())).await)["publish_id"]
            .as_str()
            .expect("id")
            .to_owned();
    let inbox_id = data(&api(&sandbox, &token, INBOX, &json!({ "source_info": pull })).await)["publish_id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(Posts::tick(&sandbox), 0, "nothing happens before the delay");

    // No status fetch: the control API's tick makes the transitions take effect.
    sandbox.clock.advance(delay(&sandbox));
    assert_eq!(Posts::tick(&sandbox), 2);
    let mut events = [next_event(&mut received, &secret).await, next_event(&mut received, &secret).await];
    events.sort_by_key(|e| e["event"].as_str().map(str::to_owned));
    let completed_at = START + delay(&sandbox) as i64;
    for (event, name, id, publish_type) in [
        (&events[0], "post.publish.complete", &publish_id, "DIRECT_PUBLISH"),
        (&events[1], "post.publish.inbox_delivered", &inbox_id, "INBOX_SHARE"),
    ] {
        assert_eq!(event["event"], name);
        assert_eq!(event["client_key"], sandbox.config.login_kit.client_key.as_str());
        assert_eq!(event["user_openid"], open_id(&sandbox, 2).as_str());
        assert!(event["create_time"].as_i64().is_some_and(|t| (t - completed_at).abs() <= 2), "{event}");
        let content: Value =
            serde_json::from_str(event["content"].as_str().expect("content is a JSON string"))
                .expect("content parses");
        assert_eq!(
            (content["publish_id"].as_str(), content["publish_type"].as_str()),
            (Some(id.as_str()), Some(publish_type))
        );
    }
    let complete = status(&sandbox, &token, &publish_id).await;
    assert_eq!(complete["status"], "PUBLISH_COMPLETE");
    assert_eq!(complete["publicaly_available_post_id"], json!([]), "moderation is not over");

    sandbox.clock.advance(20);
    let public = status(&sandbox, &token, &publish_id).await;
    let post_id = public["publicaly_available_post_id"][0].as_u64().expect("a post id").to_string();
    let event = next_event(&mut received, &secret).await;
    assert_eq!(event["event"], "post.publish.publicly_available");
    let content: Value = serde_json::from_str(event["content"].as_str().expect("string")).expect("JSON");
    assert_eq!(
        (content["publish_id"].as_str(), content["post_id"].as_str()),
        (Some(publish_id.as_str()), Some(post_id.as_str()))
    );

    // Observed again: nothing new is sent.
    assert_eq!(Posts::tick(&sandbox), 0);
    status(&sandbox, &token, &publish_id).await;
    assert!(tokio::time::timeout(Duration::from_millis(300), received.recv()).await.is_err(), "sent once");
    assert_eq!(sandbox.webhooks.records().len(), 3);
}

#[tokio::test]
async fn a_failure_is_announced_with_its_reason() {
    let (url, mut received) = receiver().await;
    let sandbox = sandbox_with(|c| c.tiktok_webhook_url = Some(url));
    let token = all_scopes(&sandbox, 0);
    sandbox.faults.arm(Fault {
        id: 0,
        target: FaultTarget { endpoint: Some("posting".into()), account: None },
        kind: FaultKind::FailPublish { reason: "spam_risk_too_many_posts".into() },
        times: Some(1),
    });
    let inbox = json!({ "source_info": file_upload(1000, 1000, 1) });
    let init = data(&api(&sandbox, &token, INBOX, &inbox).await).clone();
    let url = init["upload_url"].as_str().expect("url");
    assert_eq!(put(&sandbox, url, (0, 999, 1000), vec![0; 1000]).await.status, StatusCode::CREATED);
    sandbox.clock.advance(delay(&sandbox));
    let failed = status(&sandbox, &token, init["publish_id"].as_str().expect("id")).await;
    assert_eq!(failed["fail_reason"], "spam_risk_too_many_posts");
    let event = next_event(&mut received, &sandbox.config.login_kit.client_secret).await;
    assert_eq!(event["event"], "post.publish.failed");
    let content: Value = serde_json::from_str(event["content"].as_str().expect("string")).expect("JSON");
    assert_eq!(content["reason"], "spam_risk_too_many_posts");
    assert_eq!(content["publish_id"], init["publish_id"]);
}
