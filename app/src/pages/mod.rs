//! One routed page per module.

pub mod dashboard;
pub mod features;
pub mod not_found;
pub mod offline;
pub mod settings;
