//! Retrying TikTok calls that failed for a passing reason: exponential backoff with full jitter,
//! honouring `Retry-After`, with a cap on attempts.
//!
//! Used for every Login Kit call (code exchange, refresh, revoke) and every Display API read of
//! the sync jobs. Wrap one call (a token refresh, one page of videos) in [`RetryPolicy::run`];
//! errors say whether they are worth retrying through [`Retryable`]. Only rate limits (429) and
//! unavailability (5xx, transport) are: retrying an invalid grant or a missing scope only burns the rate limit. When
//! TikTok asks for a wait longer than [`RetryPolicy::max_retry_after`], the error is returned at
//! once so a job can be rescheduled instead of a worker sleeping.

use std::future::Future;
use std::time::Duration;

/// Whether and how soon a failed call may be tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryHint {
    /// Retrying cannot help (bad grant, missing scope, invalid request).
    Stop,
    /// A passing failure with no advice: back off exponentially.
    Backoff,
    /// The server said how long to wait (`Retry-After`).
    After(Duration),
}

/// An error that knows whether it is worth retrying.
pub trait Retryable {
    /// How to react to this error.
    fn retry_hint(&self) -> RetryHint;
}

/// How many times to try and how long to wait in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included (1 means never retry).
    pub max_attempts: u32,
    /// The backoff ceiling before the first retry; it doubles with each retry.
    pub base: Duration,
    /// The backoff ceiling never grows past this.
    pub max_delay: Duration,
    /// The longest `Retry-After` worth waiting for in process; longer ones end the retries.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts, 500 ms doubling up to 30 s, and waits of up to 2 min when TikTok asks (its
    /// rate limits are 1-minute sliding windows).
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// For calls a person is waiting on (the consent callback, disconnect): 3 attempts, 250 ms
    /// doubling up to 2 s, and TikTok's `Retry-After` only when it is at most 5 s.
    pub fn interactive() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base: Duration::from_millis(250),
            max_delay: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(5),
        }
    }

    /// The wait before retry number `retry` (0 for the first retry) after an error with `hint`,
    /// given `jitter` drawn uniformly from `[0, 1)`; `None` when it should not be retried.
    ///
    /// Full jitter (a uniform draw between zero and the exponential ceiling) spreads the retries
    /// of many workers hit by the same outage, so they do not come back in lockstep. A
    /// `Retry-After` is a floor: never sooner than the server asked.
    pub fn delay(&self, retry: u32, hint: RetryHint, jitter: f64) -> Option<Duration> {
        let ceiling = self.base.saturating_mul(2u32.saturating_pow(retry)).min(self.max_delay);
        let backoff = ceiling.mul_f64(jitter.clamp(0.0, 1.0));
        match hint {
            RetryHint::Stop => None,
            RetryHint::Backoff => Some(backoff),
            RetryHint::After(wait) if wait > self.max_retry_after => None,
            RetryHint::After(wait) => Some(wait.max(backoff)),
        }
    }

    /// Runs `operation` until it succeeds, fails for good, or runs out of attempts; sleeps on the
    /// tokio timer in between. Returns the last error.
    pub async fn run<T, E, F, Fut>(&self, operation: F) -> Result<T, E>
    where
        E: Retryable,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        self.run_with(operation, tokio::time::sleep, rand::random::<f64>).await
    }

    /// [`RetryPolicy::run`] with the sleep and the jitter source supplied (tests record the
    /// waits instead of sleeping through them).
    pub async fn run_with<T, E, F, Fut, S, SleepFut, J>(
        &self,
        mut operation: F,
        mut sleep: S,
        mut jitter: J,
    ) -> Result<T, E>
    where
        E: Retryable,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, E>>,
        S: FnMut(Duration) -> SleepFut,
        SleepFut: Future<Output = ()>,
        J: FnMut() -> f64,
    {
        let mut attempt = 1;
        loop {
            let error = match operation().await {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            if attempt >= self.max_attempts {
                return Err(error);
            }
            let Some(wait) = self.delay(attempt - 1, error.retry_hint(), jitter()) else {
                return Err(error);
            };
            tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, "retrying a TikTok call");
            sleep(wait).await;
            attempt += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    #[derive(Debug, PartialEq)]
    struct Failure(RetryHint);

    impl Retryable for Failure {
        fn retry_hint(&self) -> RetryHint {
            self.0
        }
    }

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            base: Duration::from_millis(100),
            max_delay: Duration::from_millis(700),
            max_retry_after: Duration::from_secs(60),
        }
    }

    #[test]
    fn the_ceiling_doubles_then_stops_at_the_cap() {
        let at_top = |retry| policy().delay(retry, RetryHint::Backoff, 1.0);
        assert_eq!(at_top(0), Some(Duration::from_millis(100)));
        assert_eq!(at_top(1), Some(Duration::from_millis(200)));
        assert_eq!(at_top(2), Some(Duration::from_millis(400)));
        assert_eq!(at_top(3), Some(Duration::from_millis(700)));
        assert_eq!(at_top(40), Some(Duration::from_millis(700)), "no overflow on huge retry counts");
    }

    #[test]
    fn full_jitter_draws_between_zero_and_the_ceiling() {
        assert_eq!(policy().delay(2, RetryHint::Backoff, 0.0), Some(Duration::ZERO));
        assert_eq!(policy().delay(2, RetryHint::Backoff, 0.25), Some(Duration::from_millis(100)));
        assert_eq!(policy().delay(2, RetryHint::Backoff, 7.0), Some(Duration::from_millis(400)));
    }

    #[test]
    fn retry_after_is_a_floor_and_too_long_a_wait_ends_the_retries() {
        let after = |secs| RetryHint::After(Duration::from_secs(secs));
        assert_eq!(policy().delay(0, after(3), 0.9), Some(Duration::from_secs(3)));
        let tiny = RetryHint::After(Duration::from_millis(10));
        assert_eq!(policy().delay(3, tiny, 1.0), Some(Duration::from_millis(700)));
        assert_eq!(policy().delay(0, after(61), 0.5), None);
        assert_eq!(policy().delay(0, RetryHint::Stop, 0.5), None);
    }

    #[tokio::test]
    async fn retries_passing_failures_until_success() {
        let calls = RefCell::new(0);
        let waits = RefCell::new(Vec::new());
        let result = policy()
            .run_with(
                || {
                    *calls.borrow_mut() += 1;
                    let n = *calls.borrow();
                    async move {
                        match n {
                            1 => Err(Failure(RetryHint::After(Duration::from_secs(2)))),
                            2 => Err(Failure(RetryHint::Backoff)),
                            _ => Ok(n),
                        }
                    }
                },
                |wait| {
                    waits.borrow_mut().push(wait);
                    async {}
                },
                || 0.5,
            )
            .await;
        assert_eq!(result, Ok(3));
        assert_eq!(*waits.borrow(), vec![Duration::from_secs(2), Duration::from_millis(100)]);
    }

    #[tokio::test]
    async fn stops_at_once_on_a_permanent_failure() {
        let calls = RefCell::new(0);
        let result: Result<(), _> = policy()
            .run_with(
                || {
                    *calls.borrow_mut() += 1;
                    async { Err(Failure(RetryHint::Stop)) }
                },
                |_| async { panic!("must not sleep") },
                || 0.5,
            )
            .await;
        assert_eq!(result, Err(Failure(RetryHint::Stop)));
        assert_eq!(*calls.borrow(), 1);
    }

    #[tokio::test]
    async fn gives_up_after_the_last_attempt() {
        let calls = RefCell::new(0);
        let waits = RefCell::new(0);
        let result: Result<(), _> = policy()
            .run_with(
                || {
                    *calls.borrow_mut() += 1;
                    async { Err(Failure(RetryHint::Backoff)) }
                },
                |_| {
                    *waits.borrow_mut() += 1;
                    async {}
                },
                || 0.0,
            )
            .await;
        assert_eq!(result, Err(Failure(RetryHint::Backoff)));
        assert_eq!((*calls.borrow(), *waits.borrow()), (4, 3));
    }

    #[tokio::test(start_paused = true)]
    async fn run_sleeps_on_the_tokio_timer() {
        let started = tokio::time::Instant::now();
        let calls = RefCell::new(0);
        let result =
            policy()
                .run(|| {
                    *calls.borrow_mut() += 1;
                    let first = *calls.borrow() == 1;
                    async move {
                        if first { Err(Failure(RetryHint::After(Duration::from_secs(5)))) } else { Ok(()) }
                    }
                })
                .await;
        assert_eq!(result, Ok(()));
        assert!(started.elapsed() >= Duration::from_secs(5));
    }
}
