//! The time Soco goes by. Requests, workers and housekeeping read "now" from the services'
//! [`Clock`] rather than from the system each on its own, so a test can move Soco's time
//! forward (a session or link expires, a job comes due, a grant needs refreshing) without
//! waiting, through the same code paths a running server takes.
//!
//! The refresh claims between processes keep to the wall clock whatever this one says
//! (`tiktok::connections`): another process's clock is the system's.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, Utc};

/// The system clock, moved forward by however much [`Clock::advance`] added (nothing, outside
/// tests). Clones share the offset.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    ahead_ms: Arc<AtomicI64>,
}

impl Clock {
    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.ahead_ms.load(Ordering::Relaxed))
    }

    /// Moves this clock (and every clone of it) forward by `by`: tests that need time to pass.
    /// Only builds with the `testing` feature have it, so nothing in a server can move time.
    #[cfg(any(test, feature = "testing"))]
    pub fn advance(&self, by: Duration) {
        assert!(by >= Duration::zero(), "Soco's clock only moves forward");
        self.ahead_ms.fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_move_together_and_only_forward_by_what_was_added() {
        let clock = Clock::default();
        let shared = clock.clone();
        let before = Utc::now();
        shared.advance(Duration::days(31));
        let now = clock.now();
        assert!(now >= before + Duration::days(31));
        assert!(now < Utc::now() + Duration::days(31) + Duration::seconds(5));
    }
}
