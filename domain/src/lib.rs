//! Soco's business logic, free of any web framework.
//!
//! Pages and HTTP handlers call into this crate; it never renders HTML and never sees a request.
//! Start with [`config::Config`] (what the operator configured), [`db`] (how to reach the
//! database) and [`error::Error`] (what can go wrong, in domain terms).

pub mod actor;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod entities;
pub mod error;
pub mod instance;
pub mod inventory;
pub mod jobs;
pub mod key_rotation;
pub mod keyring;
pub mod mail;
pub mod privacy;
pub mod services;
pub mod system;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tiktok;
pub mod users;
pub mod vault;

pub use error::{Error, Result};
pub use sea_orm;
