//! Server functions, grouped by feature. Each is a few lines: take the services (and the
//! signed-in session) from context, call one domain operation, map the result to a wire type.
//! Form actions end with a redirect, so they work the same with and without JavaScript.

pub mod account;
pub mod analytics;
pub mod auth;
pub mod outbox;
pub mod system;
