//! Per-client rate limits on the sign-in forms (login, registration, password reset, 2FA), in
//! memory: a burst, then a steady rate, per action and client address (IPv6 by /64, since one
//! client holds a whole /64).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// What is being rate limited; each has its own budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Password logins.
    Login,
    /// New accounts.
    Register,
    /// Reset-link requests and resets.
    PasswordReset,
    /// Second-factor codes.
    TwoFactor,
}

/// The per-address limits.
#[derive(Debug)]
pub struct RateLimits {
    limiter: DefaultKeyedRateLimiter<(Action, IpAddr)>,
}

impl RateLimits {
    /// `burst` requests at once, then `per_minute` a minute, per action and address.
    pub fn new(burst: NonZeroU32, per_minute: NonZeroU32) -> Self {
        let quota = Quota::per_minute(per_minute).allow_burst(burst);
        Self { limiter: RateLimiter::keyed(quota) }
    }

    /// Takes one request from the budget; `Err(wait)` when it is spent.
    pub fn check(&self, action: Action, ip: IpAddr) -> Result<(), Duration> {
        self.limiter
            .check_key(&(action, client_key(ip)))
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    /// Drops the state of addresses that are back to a full budget; call now and then.
    pub fn forget_idle(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::from(segments)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(burst: u32) -> RateLimits {
        RateLimits::new(NonZeroU32::new(burst).expect("burst"), NonZeroU32::new(1).expect("rate"))
    }

    #[test]
    fn a_burst_then_refusal_with_a_wait() {
        let limits = limits(10);
        let ip: IpAddr = "203.0.113.7".parse().expect("ip");
        for _ in 0..10 {
            assert!(limits.check(Action::Login, ip).is_ok());
        }
        let wait = limits.check(Action::Login, ip).expect_err("over budget");
        assert!(wait > Duration::from_secs(30) && wait <= Duration::from_secs(60), "{wait:?}");
        assert!(limits.check(Action::Register, ip).is_ok(), "each action has its own budget");
        assert!(limits.check(Action::Login, "203.0.113.8".parse().expect("ip")).is_ok());
    }

    #[test]
    fn an_ipv6_client_is_its_slash_64() {
        let limits = limits(1);
        assert!(limits.check(Action::Login, "2001:db8:1:2::1".parse().expect("ip")).is_ok());
        assert!(limits.check(Action::Login, "2001:db8:1:2:ffff::9".parse().expect("ip")).is_err());
        assert!(limits.check(Action::Login, "2001:db8:1:3::1".parse().expect("ip")).is_ok());
    }
}
