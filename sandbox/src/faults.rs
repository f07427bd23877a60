//! Fault injection: the control API arms faults, the API handlers take them.
//!
//! A fault can target one endpoint (by the name each handler passes, e.g. `display.video_list` or
//! `shop.orders_search`), one account (a TikTok `open_id` or a shop id), both, or everything, and
//! fires a given number of times (or until cleared).

use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What an armed fault does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Waits before answering normally.
    Latency {
        /// Delay in milliseconds.
        ms: u64,
    },
    /// Answers as the platform does when rate limited, with `Retry-After`.
    RateLimited {
        /// Seconds in `Retry-After`.
        retry_after: u64,
    },
    /// Answers with a server error.
    ServerError {
        /// HTTP status, 500 to 599.
        status: u16,
    },
    /// The access token presented is treated as expired.
    ExpiredToken,
    /// The grant is revoked: access and refresh tokens stop working (the token endpoint then
    /// answers `invalid_grant`).
    RevokedToken,
    /// Content Posting: the next publish is accepted, then fails with this reason.
    FailPublish {
        /// The `fail_reason`, e.g. `video_pull_failed`.
        reason: String,
    },
}

/// Where an armed fault applies; an empty field matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultTarget {
    /// Endpoint name, e.g. `display.user_info`.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// A TikTok `open_id` or a shop id.
    #[serde(default)]
    pub account: Option<String>,
}

/// One armed fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// Id given when armed (to list and clear).
    #[serde(default)]
    pub id: u64,
    /// Where it applies.
    #[serde(default, flatten)]
    pub target: FaultTarget,
    /// What it does.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// How many more times it fires; `None` until cleared.
    #[serde(default)]
    pub times: Option<u32>,
}

/// The armed faults.
#[derive(Debug, Default)]
pub struct Faults {
    armed: Mutex<(u64, Vec<Fault>)>,
}

impl Faults {
    /// Arms `fault` and returns its id.
    pub fn arm(&self, mut fault: Fault) -> u64 {
        let mut armed = self.armed.lock().unwrap_or_else(|e| e.into_inner());
        armed.0 += 1;
        fault.id = armed.0;
        armed.1.push(fault);
        armed.0
    }

    /// Every armed fault.
    pub fn list(&self) -> Vec<Fault> {
        self.armed.lock().unwrap_or_else(|e| e.into_inner()).1.clone()
    }

    /// Clears one fault (`Some(id)`) or all; returns how many were cleared.
    pub fn clear(&self, id: Option<u64>) -> usize {
        let mut armed = self.armed.lock().unwrap_or_else(|e| e.into_inner());
        let before = armed.1.len();
        armed.1.retain(|f| id.is_some_and(|id| f.id != id));
        before - armed.1.len()
    }

    /// Takes the first armed fault that matches `endpoint` and `account` and that `accept` wants
    /// (handlers only take the kinds they can act on), counting one firing.
    pub fn take(
        &self,
        endpoint: &str,
        account: Option<&str>,
        accept: impl Fn(&FaultKind) -> bool,
    ) -> Option<FaultKind> {
        let mut armed = self.armed.lock().unwrap_or_else(|e| e.into_inner());
        let position = armed.1.iter().position(|fault| {
            fault
                .target
                .endpoint
                .as_deref()
                .is_none_or(|e| e == endpoint || endpoint.starts_with(&format!("{e}.")))
                && fault.target.account.as_deref().is_none_or(|a| Some(a) == account)
                && accept(&fault.kind)
        })?;
        let fault = &mut armed.1[position];
        let kind = fault.kind.clone();
        match &mut fault.times {
            Some(1) => {
                armed.1.remove(position);
            }
            Some(n) => *n -= 1,
            None => {}
        }
        Some(kind)
    }

    /// The transport-level faults every endpoint honours: sleeps through latency faults and
    /// returns a rate-limit or server-error fault for the handler to answer in its own format.
    pub async fn transport(&self, endpoint: &str, account: Option<&str>) -> Option<FaultKind> {
        while let Some(FaultKind::Latency { ms }) =
            self.take(endpoint, account, |k| matches!(k, FaultKind::Latency { .. }))
        {
            tokio::time::sleep(Duration::from_millis(ms.min(60_000))).await;
        }
        self.take(endpoint, account, |k| {
            matches!(k, FaultKind::RateLimited { .. } | FaultKind::ServerError { .. })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(endpoint: Option<&str>, account: Option<&str>, times: Option<u32>) -> Fault {
        Fault {
            id: 0,
            target: FaultTarget { endpoint: endpoint.map(Into::into), account: account.map(Into::into) },
            kind: FaultKind::ServerError { status: 503 },
            times,
        }
    }

    #[test]
    fn targets_and_counts() {
        let faults = Faults::default();
        faults.arm(fault(Some("display.video_list"), Some("alice"), Some(2)));
        let any = |_: &FaultKind| true;
        assert!(faults.take("display.user_info", Some("alice"), any).is_none(), "other endpoint");
        assert!(faults.take("display.video_list", Some("bob"), any).is_none(), "other account");
        assert!(faults.take("display.video_list", Some("alice"), any).is_some());
        assert!(faults.take("display.video_list", Some("alice"), any).is_some());
        assert!(faults.take("display.video_list", Some("alice"), any).is_none(), "fired twice, then gone");

        let id = faults.arm(fault(Some("shop"), None, None));
        assert!(
            faults.take("shop.orders_search", Some("s1"), any).is_some(),
            "a prefix matches its endpoints"
        );
        assert!(faults.take("shop.orders_search", None, any).is_some(), "until cleared");
        assert_eq!(faults.clear(Some(id)), 1);
        assert!(faults.take("shop.orders_search", None, any).is_none());
    }

    #[test]
    fn reads_the_documented_json() {
        let fault: Fault = serde_json::from_str(
            r#"{"endpoint":"display.video_list","kind":"rate_limited","retry_after":7,"times":1}"#,
        )
        .expect("parses");
        assert_eq!(fault.kind, FaultKind::RateLimited { retry_after: 7 });
        assert_eq!(fault.target.endpoint.as_deref(), Some("display.video_list"));
    }
}
