//! The privacy centre's rules: the register of privacy requests and their deadlines, and
//! erasure. Every right a user exercises becomes a tracked request ([`requests`]), due by the
//! rule in [`deadline`]; a deleted account's rows are walked from the inventory and removed by
//! [`erasure`] (the request itself is made in `users::request_deletion`).

pub mod deadline;
pub mod erasure;
pub mod requests;

pub use crate::entities::privacy_request::{Channel, RequestKind, RequestStatus};
