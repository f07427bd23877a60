//! The Soco server: command line, start-up, the HTTP router and its middleware.
//!
//! `main.rs` only parses the command line; everything else is here so tests can drive the real
//! router in-process ([`router::build`]).

pub mod allocator;
pub mod cli;
pub mod config_docs;
pub mod csrf;
pub mod fn_status;
pub mod headers;
pub mod health;
pub mod host;
pub mod leptos_setup;
pub mod listen;
pub mod pwa;
pub mod request_context;
pub mod router;
pub mod sandbox_mount;
pub mod serve;
pub mod tiktok;
pub mod worker;
