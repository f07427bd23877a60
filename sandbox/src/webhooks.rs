//! Outgoing webhooks, signed as TikTok and TikTok Shop sign them, delivered at least once.
//!
//! - TikTok for Developers: header `TikTok-Signature: t=<unix>,s=<hex HMAC-SHA256(client_secret,
//!   t + "." + body)>`, body `{client_key, event, create_time, user_openid, content}` where
//!   `content` is itself a JSON string.
//! - TikTok Shop: header `Authorization: <hex HMAC-SHA256(app_secret, app_key + body)>`, body
//!   `{type, tts_notification_id, shop_id, timestamp, data}`.
//!
//! Each delivery runs in its own task and retries with exponential backoff until the receiver
//! answers 2xx or the attempts run out; the control API lists every delivery and its outcome.
//! `t` in the TikTok signature is real time (receivers compare it with their own clock); times in
//! the bodies are sandbox time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

/// Lowercase hex HMAC-SHA256 of `message` under `key`.
pub fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

/// The `TikTok-Signature` header value for `body` signed at `t`.
pub fn tiktok_signature(client_secret: &str, t: i64, body: &[u8]) -> String {
    let mut message = format!("{t}.").into_bytes();
    message.extend_from_slice(body);
    format!("t={t},s={}", hmac_sha256_hex(client_secret.as_bytes(), &message))
}

/// The `Authorization` header value of a Shop webhook.
pub fn shop_signature(app_key: &str, app_secret: &str, body: &[u8]) -> String {
    let mut message = app_key.as_bytes().to_vec();
    message.extend_from_slice(body);
    hmac_sha256_hex(app_secret.as_bytes(), &message)
}

/// The state of one delivery, as the control API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct DeliveryRecord {
    /// Sequence number.
    pub id: u64,
    /// `tiktok` or `shop`.
    pub platform: &'static str,
    /// The event name (TikTok) or type name (Shop), e.g. `post.publish.complete`, `ORDER_STATUS_CHANGE`.
    pub event: String,
    /// Target URL.
    pub url: String,
    /// The exact body sent.
    pub body: String,
    /// Attempts made so far.
    pub attempts: u32,
    /// `pending`, `delivered` or `failed`.
    pub status: &'static str,
    /// The last HTTP status or transport error.
    pub last_result: Option<String>,
}

/// Deliveries the log keeps (oldest dropped first), so a long-running demo stays bounded.
pub const LOG_LIMIT: usize = 1000;

/// The delivery engine.
#[derive(Debug, Clone)]
pub struct Webhooks {
    client: reqwest::Client,
    records: Arc<Mutex<Vec<DeliveryRecord>>>,
    next_id: Arc<AtomicU64>,
    retry_base: Duration,
    max_attempts: u32,
}

impl Webhooks {
    /// An engine retrying from `retry_base` (doubling) for at most `max_attempts` attempts.
    pub fn new(retry_base: Duration, max_attempts: u32) -> Self {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client without TLS always builds");
        Webhooks {
            client,
            records: Arc::default(),
            next_id: Arc::default(),
            retry_base,
            max_attempts: max_attempts.max(1),
        }
    }

    /// Every delivery so far, oldest first.
    pub fn records(&self) -> Vec<DeliveryRecord> {
        self.records.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Forgets the log (deliveries in flight carry on).
    pub fn reset(&self) {
        self.records.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// Sends a TikTok for Developers event about `open_id`. `content` becomes the JSON string in
    /// the body's `content` field.
    #[allow(clippy::too_many_arguments)]
    pub fn send_tiktok(
        &self,
        url: Option<&str>,
        client_key: &str,
        client_secret: &str,
        event: &str,
        create_time: i64,
        open_id: &str,
        content: &serde_json::Value,
    ) {
        let Some(url) = url else { return };
        let body = serde_json::json!({
            "client_key": client_key,
            "event": event,
            "create_time": create_time,
            "user_openid": open_id,
            "content": content.to_string(),
        })
        .to_string();
        let secret = client_secret.to_owned();
        self.deliver("tiktok", event, url, body, move |body| {
            let t = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
            ("TikTok-Signature", tiktok_signature(&secret, t, body))
        });
    }

    /// Sends a TikTok Shop event of numeric `type` (`name` is for the log) about `shop_id`.
    #[allow(clippy::too_many_arguments)]
    pub fn send_shop(
        &self,
        url: Option<&str>,
        app_key: &str,
        app_secret: &str,
        kind: u32,
        name: &str,
        notification_id: &str,
        shop_id: &str,
        timestamp: i64,
        data: &serde_json::Value,
    ) {
        let Some(url) = url else { return };
        let body = serde_json::json!({
            "type": kind,
            "tts_notification_id": notification_id,
            "shop_id": shop_id,
            "timestamp": timestamp,
            "data": data,
        })
        .to_string();
        let signature = shop_signature(app_key, app_secret, body.as_bytes());
        self.deliver("shop", name, url, body, move |_| ("Authorization", signature.clone()));
    }

    fn deliver(
        &self,
        platform: &'static str,
        event: &str,
        url: &str,
        body: String,
        sign: impl Fn(&[u8]) -> (&'static str, String) + Send + 'static,
    ) {
        let id = {
            let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
            let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
            if records.len() >= LOG_LIMIT {
                records.remove(0);
            }
            records.push(DeliveryRecord {
                id,
                platform,
                event: event.to_owned(),
                url: url.to_owned(),
                body: body.clone(),
                attempts: 0,
                status: "pending",
                last_result: None,
            });
            id
        };
        let engine = self.clone();
        let url = url.to_owned();
        tokio::spawn(async move {
            for attempt in 1..=engine.max_attempts {
                let (header, value) = sign(body.as_bytes());
                let result = engine
                    .client
                    .post(&url)
                    .header("Content-Type", "application/json")
                    .header(header, value)
                    .body(body.clone())
                    .send()
                    .await;
                let (delivered, outcome) = match result {
                    Ok(response) => (response.status().is_success(), response.status().as_u16().to_string()),
                    Err(error) => (false, error.without_url().to_string()),
                };
                let last = attempt == engine.max_attempts;
                engine.update(id, |record| {
                    record.attempts = attempt;
                    record.last_result = Some(outcome);
                    record.status = if delivered {
                        "delivered"
                    } else if last {
                        "failed"
                    } else {
                        "pending"
                    };
                });
                if delivered || last {
                    break;
                }
                // Exponential backoff with up to 25 % jitter, capped at an hour.
                let base = engine
                    .retry_base
                    .saturating_mul(1 << (attempt - 1).min(20))
                    .min(Duration::from_secs(3600));
                let jitter =
                    base.mul_f64(crate::world::rng::Draws::new(id, &[u64::from(attempt)]).range(0.0, 0.25));
                tokio::time::sleep(base + jitter).await;
            }
        });
    }

    fn update(&self, id: u64, change: impl FnOnce(&mut DeliveryRecord)) {
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(record) = records.iter_mut().find(|r| r.id == id) {
            change(record);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_follow_the_documented_recipes() {
        // Independently computed: printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret
        assert_eq!(
            tiktok_signature("secret", 1_700_000_000, br#"{"a":1}"#),
            "t=1700000000,s=".to_owned() + &hmac_sha256_hex(b"secret", br#"1700000000.{"a":1}"#)
        );
        assert_eq!(shop_signature("key", "secret", b"{}"), hmac_sha256_hex(b"secret", b"key{}"));
        // RFC 4231 test case 2 pins the HMAC itself.
        assert_eq!(
            hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
