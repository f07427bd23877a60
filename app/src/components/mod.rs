//! Reusable pieces of the interface.

pub mod chart;
pub mod chart_table;
pub mod error_view;
pub mod form;
pub mod layout;
pub mod loading;
pub mod page;
pub mod privacy_requests;
pub mod range_picker;
pub mod tiktok_card;
