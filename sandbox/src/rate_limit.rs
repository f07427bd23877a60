//! Sliding-window rate limits, as TikTok enforces them: at most `limit` requests in any window of
//! the given length, counted per bucket (an endpoint, and a token or a shop).
//!
//! Windows follow sandbox time, so advancing the clock also empties them.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// The limiter; one per sandbox.
#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, VecDeque<i64>>>,
}

impl RateLimiter {
    /// Counts one request in `bucket` at `now_ms`. `Err(retry_after_seconds)` when the window is
    /// already full; a refused request is not counted.
    pub fn check(&self, bucket: &str, limit: u32, window_ms: i64, now_ms: i64) -> Result<(), u64> {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let hits = windows.entry(bucket.to_owned()).or_default();
        while hits.front().is_some_and(|&t| t <= now_ms - window_ms) {
            hits.pop_front();
        }
        if hits.len() >= limit as usize {
            let oldest = hits.front().copied().unwrap_or(now_ms);
            let wait_ms = (oldest + window_ms - now_ms).max(1);
            return Err(((wait_ms + 999) / 1000) as u64);
        }
        hits.push_back(now_ms);
        Ok(())
    }

    /// Forgets every window.
    pub fn reset(&self) {
        self.windows.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_slides() {
        let limiter = RateLimiter::default();
        for i in 0..3 {
            assert!(limiter.check("a", 3, 60_000, i * 10_000).is_ok());
        }
        // Full: the oldest hit (t=0) leaves the window at t=60s.
        assert_eq!(limiter.check("a", 3, 60_000, 30_000), Err(30));
        assert!(limiter.check("b", 3, 60_000, 30_000).is_ok(), "buckets are separate");
        assert!(limiter.check("a", 3, 60_000, 60_001).is_ok());
        assert_eq!(limiter.check("a", 3, 60_000, 60_002), Err(10));
    }
}
