//! Server functions, grouped by feature. Each is a few lines: take the state (and, later, the
//! signed-in user) from context, call one domain service, map the result to a wire type.

pub mod system;
