//! Analytics: the figures Soco's account, videos and video pages show, computed from the history
//! the sync jobs keep. [`range`] is the date range the pages share, [`maths`] the pure
//! arithmetic (engagement, medians, daily gains, heatmap, hashtags), [`queries`] the database
//! reads, [`pages`] what each page shows, in one call per page.

pub mod maths;
pub mod pages;
pub mod queries;
pub mod range;

pub use maths::{Counters, DailyActivity, HashtagStat, Heatmap};
pub use queries::{Overview, TotalsReading, VideoHistory, VideoPage, VideoQuery, VideoRow, VideoSort};
pub use range::DateRange;
