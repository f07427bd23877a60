//! sea-orm entities: one module per table, mirroring the migrations in the `migrations` crate.

pub mod account_token;
pub mod login_throttle;
pub mod recovery_code;
pub mod security_event;
pub mod session;
pub mod user;
