//! The privacy centre's rules: the register of privacy requests and their deadlines. Every
//! right a user exercises becomes a tracked request ([`requests`]), due by the rule in
//! [`deadline`].

pub mod deadline;
pub mod requests;

pub use crate::entities::privacy_request::{Channel, RequestKind, RequestStatus};
