//! The sandbox's knobs: the apps it knows, token lifetimes, rate limits, the data generator's
//! scale and the webhook targets.
//!
//! Build one with [`SandboxConfig::from_lookup`] (the server passes its environment) or take the
//! defaults; [`VARIABLES`] documents every `SOCO_SANDBOX_*` variable for the README and `--help`.
//! The sandbox reads no other configuration.

use std::time::Duration;

/// One documented environment variable.
#[derive(Debug, Clone, Copy)]
pub struct Variable {
    /// Its name.
    pub name: &'static str,
    /// The value used when it is unset.
    pub default: &'static str,
    /// What it controls.
    pub doc: &'static str,
}

/// Every variable [`SandboxConfig::from_lookup`] reads.
pub const VARIABLES: &[Variable] = &[
    Variable {
        name: "SOCO_SANDBOX_SEED",
        default: "42",
        doc: "Seed of the synthetic data: same seed, same data.",
    },
    Variable {
        name: "SOCO_SANDBOX_START",
        default: "now",
        doc: "Sandbox time at start-up, RFC 3339 (e.g. 2026-11-01T00:00:00Z); history is generated back from it.",
    },
    Variable { name: "SOCO_SANDBOX_CREATORS", default: "5", doc: "Number of TikTok creator accounts." },
    Variable {
        name: "SOCO_SANDBOX_VIDEOS_PER_CREATOR",
        default: "120",
        doc: "Videos each creator has posted over the history (on average; creators differ).",
    },
    Variable { name: "SOCO_SANDBOX_HISTORY_DAYS", default: "365", doc: "Days of creator and shop history." },
    Variable { name: "SOCO_SANDBOX_LOCAL_SHOPS", default: "2", doc: "Local (Indonesian, IDR) shops." },
    Variable {
        name: "SOCO_SANDBOX_CROSS_BORDER_SHOPS",
        default: "1",
        doc: "Cross-border shops (other regions and currencies).",
    },
    Variable { name: "SOCO_SANDBOX_PRODUCTS_PER_SHOP", default: "40", doc: "Products in each shop." },
    Variable {
        name: "SOCO_SANDBOX_ORDERS_PER_DAY",
        default: "60",
        doc: "Average orders per shop per day before seasonality (1370 gives about 1 million over two years).",
    },
    Variable {
        name: "SOCO_SANDBOX_REDIRECT_URIS",
        default: "<public URL>/connect/tiktok/callback",
        doc: "Comma-separated redirect URIs registered for the Login Kit app (matched exactly).",
    },
    Variable {
        name: "SOCO_SANDBOX_SHOP_REDIRECT_URL",
        default: "<public URL>/connect/tiktok-shop/callback",
        doc: "The Shop app's redirect URL, as fixed in Partner Center.",
    },
    Variable {
        name: "SOCO_SANDBOX_ACCESS_TTL",
        default: "7200",
        doc: "Login Kit access-token lifetime in seconds (TikTok's newer docs: 2 h; older: 24 h).",
    },
    Variable {
        name: "SOCO_SANDBOX_REFRESH_TTL",
        default: "15552000",
        doc: "Login Kit refresh-token lifetime in seconds (180 days).",
    },
    Variable {
        name: "SOCO_SANDBOX_ROTATE_REFRESH",
        default: "true",
        doc: "Whether a refresh returns a new refresh token and the old one stops working.",
    },
    Variable {
        name: "SOCO_SANDBOX_PKCE",
        default: "both",
        doc: "Accepted PKCE S256 challenge encodings: base64url (RFC 7636), hex (TikTok desktop docs) or both.",
    },
    Variable {
        name: "SOCO_SANDBOX_OAUTH_ERROR_STATUS",
        default: "400",
        doc: "HTTP status of Login Kit token errors (unconfirmed upstream; the body's `error` is what counts).",
    },
    Variable {
        name: "SOCO_SANDBOX_DISPLAY_RATE",
        default: "600",
        doc: "Display API requests per endpoint per 1-minute sliding window.",
    },
    Variable {
        name: "SOCO_SANDBOX_SHOP_RATE",
        default: "50",
        doc: "TikTok Shop API requests per shop per second (unconfirmed upstream; 429 + code 36009002 beyond it).",
    },
    Variable {
        name: "SOCO_SANDBOX_SHOP_ACCESS_TTL",
        default: "604800",
        doc: "TikTok Shop access-token lifetime in seconds (7 days, as TikTok's samples show).",
    },
    Variable {
        name: "SOCO_SANDBOX_SHOP_REFRESH_TTL",
        default: "31536000",
        doc: "TikTok Shop refresh-token lifetime in seconds (about a year).",
    },
    Variable {
        name: "SOCO_SANDBOX_SHOP_ROTATE_REFRESH",
        default: "true",
        doc: "Whether a Shop token refresh returns a new refresh token and the old one stops working.",
    },
    Variable {
        name: "SOCO_SANDBOX_UNAUDITED",
        default: "true",
        doc: "Unaudited app: Content Posting forces SELF_ONLY and refuses other privacy levels.",
    },
    Variable {
        name: "SOCO_SANDBOX_VERIFIED_URL_PREFIXES",
        default: "<public URL>/",
        doc: "Comma-separated URL prefixes PULL_FROM_URL may fetch from (TikTok's verified domains).",
    },
    Variable {
        name: "SOCO_SANDBOX_PUBLISH_SECONDS",
        default: "30",
        doc: "Sandbox seconds a post takes from upload to PUBLISH_COMPLETE or SEND_TO_USER_INBOX.",
    },
    Variable {
        name: "SOCO_SANDBOX_MODERATION_SECONDS",
        default: "0",
        doc: "Sandbox seconds from PUBLISH_COMPLETE to the post id (TikTok's moderation, usually under a minute).",
    },
    Variable {
        name: "SOCO_SANDBOX_LIST_PRIVATE_POSTS",
        default: "true",
        doc: "SELF_ONLY direct posts still become listed videos with a post id (TikTok lists public posts \
              only, and unaudited apps can only post SELF_ONLY).",
    },
    Variable {
        name: "SOCO_SANDBOX_POST_IDS_AS_STRINGS",
        default: "false",
        doc: "publicaly_available_post_id holds strings instead of the documented int64 numbers.",
    },
    Variable {
        name: "SOCO_SANDBOX_UPLOAD_URL_TTL",
        default: "3600",
        doc: "Seconds a FILE_UPLOAD upload_url accepts chunks (unconfirmed upstream).",
    },
    Variable {
        name: "SOCO_SANDBOX_PRIVATE_CREATORS",
        default: "",
        doc: "Comma-separated usernames of creators with private accounts (no PUBLIC_TO_EVERYONE option).",
    },
    Variable {
        name: "SOCO_SANDBOX_TIKTOK_WEBHOOK_URL",
        default: "off (Soco has no webhook route yet)",
        doc: "Where TikTok webhooks (post.publish.*, authorization.removed) are delivered; `off` disables them.",
    },
    Variable {
        name: "SOCO_SANDBOX_SHOP_WEBHOOK_URL",
        default: "off (Soco has no webhook route yet)",
        doc: "Where TikTok Shop webhooks are delivered; `off` disables them.",
    },
    Variable {
        name: "SOCO_SANDBOX_STRICT_REVOKE",
        default: "true",
        doc: "Whether revoking an expired, unknown or already revoked access token is refused (invalid_request), as a strict server would.",
    },
];

/// A registered Login Kit app (TikTok for Developers).
#[derive(Debug, Clone)]
pub struct LoginKitApp {
    /// TikTok's name for the OAuth client id.
    pub client_key: String,
    /// The client secret; it also keys `TikTok-Signature` on webhooks.
    pub client_secret: String,
    /// Registered redirect URIs; the authorize request must match one exactly.
    pub redirect_uris: Vec<String>,
}

/// A registered TikTok Shop Partner app.
#[derive(Debug, Clone)]
pub struct ShopApp {
    /// The app key sent with every request.
    pub app_key: String,
    /// The app secret that signs requests and webhooks.
    pub app_secret: String,
    /// The service id in the seller consent link.
    pub service_id: String,
    /// The redirect URL fixed in Partner Center.
    pub redirect_url: String,
}

/// Accepted encodings of a PKCE S256 challenge (TikTok's docs disagree; see tiktok-api.md 1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PkceEncoding {
    /// RFC 7636: base64url(SHA-256(verifier)), no padding.
    Base64Url,
    /// TikTok's desktop docs: lowercase hex of SHA-256(verifier).
    Hex,
    /// Either of them.
    Both,
}

/// The scale and shape of the synthetic world.
#[derive(Debug, Clone)]
pub struct Scale {
    /// Seed of every generated value.
    pub seed: u64,
    /// Creator accounts.
    pub creators: u32,
    /// Average videos per creator over the history.
    pub videos_per_creator: u32,
    /// Days of history before the start time.
    pub history_days: u32,
    /// Local shops (Indonesia, IDR).
    pub local_shops: u32,
    /// Cross-border shops.
    pub cross_border_shops: u32,
    /// Products per shop.
    pub products_per_shop: u32,
    /// Average orders per shop per day.
    pub orders_per_day: u32,
}

/// Everything the sandbox can be told.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// The Login Kit app Soco is registered as.
    pub login_kit: LoginKitApp,
    /// The Shop Partner app Soco is registered as.
    pub shop_app: ShopApp,
    /// Data generator knobs.
    pub scale: Scale,
    /// Sandbox time at start-up, Unix seconds; `None` means the real clock.
    pub start: Option<i64>,
    /// Login Kit access-token lifetime.
    pub access_ttl: Duration,
    /// Login Kit refresh-token lifetime.
    pub refresh_ttl: Duration,
    /// Refresh tokens rotate and the old one stops working.
    pub rotate_refresh: bool,
    /// Whether revoking an expired, unknown or revoked access token is refused.
    pub strict_revoke: bool,
    /// Accepted PKCE encodings.
    pub pkce: PkceEncoding,
    /// Display API requests per endpoint per minute.
    pub display_rate_per_minute: u32,
    /// Shop API requests per shop per second.
    pub shop_rate_per_second: u32,
    /// TikTok Shop access-token lifetime.
    pub shop_access_ttl: Duration,
    /// TikTok Shop refresh-token lifetime.
    pub shop_refresh_ttl: Duration,
    /// TikTok Shop refresh tokens rotate and the old one stops working.
    pub shop_rotate_refresh: bool,
    /// Content Posting: the app is unaudited (SELF_ONLY only).
    pub unaudited: bool,
    /// Content Posting: URL prefixes PULL_FROM_URL accepts.
    pub verified_url_prefixes: Vec<String>,
    /// Content Posting: time from upload to a final status.
    pub publish_delay: Duration,
    /// Content Posting: time from `PUBLISH_COMPLETE` to the post id (TikTok's moderation).
    pub moderation_delay: Duration,
    /// Content Posting: `SELF_ONLY` direct posts still become listed videos with a post id.
    /// Real TikTok lists public posts only, but an unaudited app can post nothing else, so a demo
    /// would never see its posts without this.
    pub list_private_posts: bool,
    /// Content Posting: `publicaly_available_post_id` holds strings rather than the documented
    /// int64 numbers (apps report both).
    pub post_ids_as_strings: bool,
    /// Content Posting: how long an `upload_url` accepts chunks (unconfirmed upstream).
    pub upload_url_ttl: Duration,
    /// Content Posting: usernames of creators whose accounts are private (TikTok then offers no
    /// `PUBLIC_TO_EVERYONE`).
    pub private_creators: Vec<String>,
    /// The sandbox's own address as clients reach it (no trailing slash): upload URLs, covers and
    /// avatars point here.
    pub self_url: String,
    /// HTTP status of Login Kit OAuth errors (unconfirmed upstream; clients must read `error`).
    pub oauth_error_status: u16,
    /// Where TikTok webhooks go (`None`: not sent).
    pub tiktok_webhook_url: Option<String>,
    /// Where Shop webhooks go (`None`: not sent).
    pub shop_webhook_url: Option<String>,
    /// First retry delay of a webhook; doubles each attempt.
    pub webhook_retry_base: Duration,
    /// Delivery attempts before a webhook is dropped.
    pub webhook_max_attempts: u32,
}

/// The credentials Soco uses against the sandbox unless configured otherwise. They are public:
/// the sandbox protects nothing real.
pub const SANDBOX_CLIENT_KEY: &str = "sbx_client_key";
/// See [`SANDBOX_CLIENT_KEY`].
pub const SANDBOX_CLIENT_SECRET: &str = "sbx_client_secret";
/// See [`SANDBOX_CLIENT_KEY`].
pub const SANDBOX_APP_KEY: &str = "sbxappkey";
/// See [`SANDBOX_CLIENT_KEY`].
pub const SANDBOX_APP_SECRET: &str = "sbx_app_secret";
/// See [`SANDBOX_CLIENT_KEY`].
pub const SANDBOX_SERVICE_ID: &str = "7000000000000000001";

impl SandboxConfig {
    /// Defaults for a Soco reachable at `public_url` (no trailing slash): redirect URIs and webhook
    /// targets point back at it.
    pub fn for_public_url(public_url: &str) -> Self {
        let base = public_url.trim_end_matches('/');
        SandboxConfig {
            login_kit: LoginKitApp {
                client_key: SANDBOX_CLIENT_KEY.into(),
                client_secret: SANDBOX_CLIENT_SECRET.into(),
                redirect_uris: vec![format!("{base}/connect/tiktok/callback")],
            },
            shop_app: ShopApp {
                app_key: SANDBOX_APP_KEY.into(),
                app_secret: SANDBOX_APP_SECRET.into(),
                service_id: SANDBOX_SERVICE_ID.into(),
                redirect_url: format!("{base}/connect/tiktok-shop/callback"),
            },
            scale: Scale {
                seed: 42,
                creators: 5,
                videos_per_creator: 120,
                history_days: 365,
                local_shops: 2,
                cross_border_shops: 1,
                products_per_shop: 40,
                orders_per_day: 60,
            },
            start: None,
            access_ttl: Duration::from_secs(7200),
            refresh_ttl: Duration::from_secs(180 * 86_400),
            rotate_refresh: true,
            strict_revoke: true,
            pkce: PkceEncoding::Both,
            display_rate_per_minute: 600,
            shop_rate_per_second: 50,
            shop_access_ttl: Duration::from_secs(7 * 86_400),
            shop_refresh_ttl: Duration::from_secs(365 * 86_400),
            shop_rotate_refresh: true,
            unaudited: true,
            verified_url_prefixes: vec![format!("{base}/")],
            publish_delay: Duration::from_secs(30),
            moderation_delay: Duration::ZERO,
            list_private_posts: true,
            post_ids_as_strings: false,
            upload_url_ttl: Duration::from_secs(3600),
            private_creators: Vec::new(),
            self_url: format!("{base}/sandbox"),
            oauth_error_status: 400,
            // Off until Soco has routes for them: a delivery nobody answers would 404 and retry.
            tiktok_webhook_url: None,
            shop_webhook_url: None,
            webhook_retry_base: Duration::from_secs(2),
            webhook_max_attempts: 8,
        }
    }

    /// Defaults, then every `SOCO_SANDBOX_*` variable `lookup` returns. Errors name the variable.
    pub fn from_lookup(public_url: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let mut config = SandboxConfig::for_public_url(public_url);
        let get = |name: &str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        fn number<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, String> {
            value.parse().map_err(|_| format!("{name}: expected a whole number, got {value:?}"))
        }
        let scale = &mut config.scale;
        for (name, slot) in [
            ("SOCO_SANDBOX_CREATORS", &mut scale.creators),
            ("SOCO_SANDBOX_VIDEOS_PER_CREATOR", &mut scale.videos_per_creator),
            ("SOCO_SANDBOX_HISTORY_DAYS", &mut scale.history_days),
            ("SOCO_SANDBOX_LOCAL_SHOPS", &mut scale.local_shops),
            ("SOCO_SANDBOX_CROSS_BORDER_SHOPS", &mut scale.cross_border_shops),
            ("SOCO_SANDBOX_PRODUCTS_PER_SHOP", &mut scale.products_per_shop),
            ("SOCO_SANDBOX_ORDERS_PER_DAY", &mut scale.orders_per_day),
            ("SOCO_SANDBOX_DISPLAY_RATE", &mut config.display_rate_per_minute),
            ("SOCO_SANDBOX_SHOP_RATE", &mut config.shop_rate_per_second),
        ] {
            if let Some(value) = get(name) {
                *slot = number(name, &value)?;
            }
        }
        if config.scale.products_per_shop == 0 {
            return Err("SOCO_SANDBOX_PRODUCTS_PER_SHOP: a shop needs at least one product".into());
        }
        // Order and product ids encode the shop in three digits.
        if config.scale.local_shops > 500 || config.scale.cross_border_shops > 499 {
            return Err(
                "SOCO_SANDBOX_LOCAL_SHOPS / SOCO_SANDBOX_CROSS_BORDER_SHOPS: at most 500 and 499".into()
            );
        }
        if config.scale.history_days > 3660 {
            return Err("SOCO_SANDBOX_HISTORY_DAYS: at most 3660 (ten years)".into());
        }
        if let Some(value) = get("SOCO_SANDBOX_SEED") {
            config.scale.seed = number("SOCO_SANDBOX_SEED", &value)?;
        }
        if let Some(value) = get("SOCO_SANDBOX_START").filter(|v| v != "now") {
            let at = chrono::DateTime::parse_from_rfc3339(&value).map_err(|e| {
                format!("SOCO_SANDBOX_START: expected RFC 3339 like 2026-11-01T00:00:00Z ({e})")
            })?;
            config.start = Some(at.timestamp());
        }
        for (name, slot) in [
            ("SOCO_SANDBOX_ACCESS_TTL", &mut config.access_ttl),
            ("SOCO_SANDBOX_REFRESH_TTL", &mut config.refresh_ttl),
            ("SOCO_SANDBOX_PUBLISH_SECONDS", &mut config.publish_delay),
            ("SOCO_SANDBOX_SHOP_ACCESS_TTL", &mut config.shop_access_ttl),
            ("SOCO_SANDBOX_SHOP_REFRESH_TTL", &mut config.shop_refresh_ttl),
            ("SOCO_SANDBOX_MODERATION_SECONDS", &mut config.moderation_delay),
            ("SOCO_SANDBOX_UPLOAD_URL_TTL", &mut config.upload_url_ttl),
        ] {
            if let Some(value) = get(name) {
                *slot = Duration::from_secs(number(name, &value)?);
            }
        }
        for (name, slot) in [
            ("SOCO_SANDBOX_ROTATE_REFRESH", &mut config.rotate_refresh),
            ("SOCO_SANDBOX_STRICT_REVOKE", &mut config.strict_revoke),
            ("SOCO_SANDBOX_UNAUDITED", &mut config.unaudited),
            ("SOCO_SANDBOX_SHOP_ROTATE_REFRESH", &mut config.shop_rotate_refresh),
            ("SOCO_SANDBOX_LIST_PRIVATE_POSTS", &mut config.list_private_posts),
            ("SOCO_SANDBOX_POST_IDS_AS_STRINGS", &mut config.post_ids_as_strings),
        ] {
            if let Some(value) = get(name) {
                *slot = match value.as_str() {
                    "true" | "1" | "yes" => true,
                    "false" | "0" | "no" => false,
                    _ => return Err(format!("{name}: expected true or false, got {value:?}")),
                };
            }
        }
        if let Some(value) = get("SOCO_SANDBOX_OAUTH_ERROR_STATUS") {
            config.oauth_error_status = number("SOCO_SANDBOX_OAUTH_ERROR_STATUS", &value)?;
            if !(200..600).contains(&config.oauth_error_status) {
                return Err("SOCO_SANDBOX_OAUTH_ERROR_STATUS: expected an HTTP status, 200 to 599".into());
            }
        }
        if let Some(value) = get("SOCO_SANDBOX_PKCE") {
            config.pkce = match value.as_str() {
                "base64url" => PkceEncoding::Base64Url,
                "hex" => PkceEncoding::Hex,
                "both" => PkceEncoding::Both,
                _ => {
                    return Err(format!("SOCO_SANDBOX_PKCE: expected base64url, hex or both, got {value:?}"));
                }
            };
        }
        if let Some(value) = get("SOCO_SANDBOX_SHOP_REDIRECT_URL") {
            config.shop_app.redirect_url = value;
        }
        for (name, slot) in [
            ("SOCO_SANDBOX_REDIRECT_URIS", &mut config.login_kit.redirect_uris),
            ("SOCO_SANDBOX_VERIFIED_URL_PREFIXES", &mut config.verified_url_prefixes),
            ("SOCO_SANDBOX_PRIVATE_CREATORS", &mut config.private_creators),
        ] {
            if let Some(value) = get(name) {
                *slot = value.split(',').map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect();
            }
        }
        for (name, slot) in [
            ("SOCO_SANDBOX_TIKTOK_WEBHOOK_URL", &mut config.tiktok_webhook_url),
            ("SOCO_SANDBOX_SHOP_WEBHOOK_URL", &mut config.shop_webhook_url),
        ] {
            if let Some(value) = get(name) {
                *slot = match value.as_str() {
                    "off" => None,
                    url if url.starts_with("http://") || url.starts_with("https://") => Some(url.to_owned()),
                    _ => return Err(format!("{name}: expected an http(s) URL or off, got {value:?}")),
                };
            }
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_knobs_and_names_the_bad_one() {
        let config = SandboxConfig::from_lookup("http://127.0.0.1:3000", |name| match name {
            "SOCO_SANDBOX_CREATORS" => Some("7".into()),
            "SOCO_SANDBOX_START" => Some("2026-11-01T00:00:00Z".into()),
            "SOCO_SANDBOX_PKCE" => Some("hex".into()),
            "SOCO_SANDBOX_SHOP_WEBHOOK_URL" => Some("off".into()),
            "SOCO_SANDBOX_SHOP_ROTATE_REFRESH" => Some("false".into()),
            "SOCO_SANDBOX_SHOP_ACCESS_TTL" => Some("3600".into()),
            "SOCO_SANDBOX_PRIVATE_CREATORS" => Some("ayuglow, nadiafit".into()),
            "SOCO_SANDBOX_MODERATION_SECONDS" => Some("45".into()),
            "SOCO_SANDBOX_POST_IDS_AS_STRINGS" => Some("yes".into()),
            _ => None,
        })
        .expect("valid");
        assert_eq!(config.scale.creators, 7);
        assert_eq!(config.start, Some(1_793_491_200));
        assert_eq!(config.pkce, PkceEncoding::Hex);
        assert_eq!(config.shop_webhook_url, None);
        assert!(!config.shop_rotate_refresh);
        assert_eq!(config.shop_access_ttl, Duration::from_secs(3600));
        assert_eq!(config.shop_refresh_ttl, Duration::from_secs(365 * 86_400));
        assert_eq!(config.private_creators, ["ayuglow", "nadiafit"]);
        assert_eq!(config.moderation_delay, Duration::from_secs(45));
        assert!(config.post_ids_as_strings && config.list_private_posts);
        assert_eq!(config.login_kit.redirect_uris, ["http://127.0.0.1:3000/connect/tiktok/callback"]);

        let error = SandboxConfig::from_lookup("http://x", |name| {
            (name == "SOCO_SANDBOX_ORDERS_PER_DAY").then(|| "many".to_owned())
        })
        .expect_err("invalid");
        assert!(error.starts_with("SOCO_SANDBOX_ORDERS_PER_DAY"), "{error}");
    }

    #[test]
    fn readme_and_env_example_document_every_variable() {
        let readme = include_str!("../../README.md");
        let example = include_str!("../../.env.example");
        for var in VARIABLES {
            assert!(
                readme.contains(&format!("| `{}` |", var.name)),
                "{} is missing from the README",
                var.name
            );
            assert!(
                example.contains(&format!("# {}=", var.name)),
                "{} is missing from .env.example",
                var.name
            );
        }
    }
}
