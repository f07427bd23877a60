//! Server functions, grouped by feature. Each one has the same shape, in a few lines:
//! 1. who asks: `ssr::Caller::new()` (or `Caller::operator()`) for the signed-in user, refused
//!    with `Unauthorized` otherwise; `ssr::Visitor::new()` for the anonymous ones (signing up and
//!    in, email links). Both are built before the first `.await` and carry the services, the
//!    client, the request's instant (`now`: nothing reads the clock itself) and the language;
//! 2. one domain call (a signed-in user's operations take `&caller.actor()`: the services, the
//!    session, the request and its instant together), which checks what it must (the account is the caller's, the password,
//!    the limits) and returns domain structs;
//! 3. a mapping to the wire type (`Type::new(domain_value, ...)`, kept beside the type), or for a
//!    form action a redirect, so it works the same with and without JavaScript.
//!
//! Errors are `AppError`: a domain error becomes one with `?`, and answers with its own status.

pub mod account;
pub mod auth;
pub mod outbox;
pub mod privacy;
pub mod system;
pub mod tiktok;
