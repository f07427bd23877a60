//! The plain axum routes of the TikTok feature, beside the pages and server functions in `app`:
//! connecting an account (the consent redirect, TikTok's callback, reconnect, disconnect,
//! retry), downloading its history as CSV or JSON, and relaying its avatars and video covers.

pub mod connect;
pub mod export;
pub mod media;
