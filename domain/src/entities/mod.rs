//! sea-orm entities: one module per table, mirroring the migrations in the `migrations` crate.

pub mod account_token;
pub mod job;
pub mod login_throttle;
pub mod privacy_request;
pub mod recovery_code;
pub mod security_event;
pub mod session;
pub mod tiktok_account;
pub mod tiktok_account_total;
pub mod tiktok_connect_flow;
pub mod tiktok_profile_snapshot;
pub mod tiktok_token;
pub mod tiktok_video;
pub mod tiktok_video_snapshot;
pub mod user;
