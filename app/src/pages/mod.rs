//! One routed page per module (or a few closely related pages).

pub mod account;
pub mod auth;
pub mod dashboard;
pub mod features;
pub mod legal;
pub mod not_found;
pub mod offline;
pub mod outbox;
pub mod privacy;
pub mod settings;
pub mod tiktok;
