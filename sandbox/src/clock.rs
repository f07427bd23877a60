//! Sandbox time: the real clock plus an offset that the control API can move forward.
//!
//! Everything in the sandbox that depends on "now" (token expiry, metric growth, order status,
//! publish progress, rate-limit windows) reads this clock, so a test can jump a day ahead and see
//! the world a day older.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The sandbox clock. Cheap to read from any thread.
#[derive(Debug)]
pub struct Clock {
    offset_ms: AtomicI64,
    start_ms: i64,
}

fn real_now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

impl Clock {
    /// A clock that reads `start` (Unix seconds) now and then runs at real speed; `None` follows
    /// the real clock.
    pub fn starting_at(start: Option<i64>) -> Self {
        let real = real_now_ms();
        let start_ms = start.map_or(real, |s| s * 1000);
        Clock { offset_ms: AtomicI64::new(start_ms - real), start_ms }
    }

    /// Sandbox time in Unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        real_now_ms() + self.offset_ms.load(Ordering::Relaxed)
    }

    /// Sandbox time in Unix seconds.
    pub fn now(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// Sandbox time at start-up, Unix seconds: the generated history ends here.
    pub fn start(&self) -> i64 {
        self.start_ms.div_euclid(1000)
    }

    /// Moves sandbox time forward by `seconds` (never backward: tokens and statuses only age).
    pub fn advance(&self, seconds: u64) {
        let ms = i64::try_from(seconds).unwrap_or(i64::MAX / 2_000).saturating_mul(1000);
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }

    /// Back to the start time (the control API's reset).
    pub fn reset(&self) {
        self.offset_ms.store(self.start_ms - real_now_ms(), Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_where_told_and_only_moves_forward() {
        let clock = Clock::starting_at(Some(1_793_491_200));
        assert!((clock.now() - 1_793_491_200).abs() <= 1);
        clock.advance(86_400);
        assert!((clock.now() - 1_793_577_600).abs() <= 1);
        clock.reset();
        assert!((clock.now() - 1_793_491_200).abs() <= 1);
        assert_eq!(clock.start(), 1_793_491_200);
    }
}
