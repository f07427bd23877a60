//! Signing in and staying signed in: password rules and hashing, random tokens, sessions,
//! lockout and rate limits, and what a request tells us about its client.

pub mod password;
pub mod rate_limit;
pub mod session;
pub mod throttle;
pub mod token;
pub mod totp;

use std::net::IpAddr;

/// What Soco records about the client making a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestMeta {
    /// The client's address (after trusted proxies).
    pub ip: IpAddr,
    /// Its `User-Agent`, truncated to 512 bytes.
    pub user_agent: String,
}

impl RequestMeta {
    /// Builds the record, truncating the user agent on a character boundary.
    pub fn new(ip: IpAddr, user_agent: &str) -> Self {
        let mut end = user_agent.len().min(512);
        while !user_agent.is_char_boundary(end) {
            end -= 1;
        }
        Self { ip, user_agent: user_agent[..end].to_owned() }
    }
}
