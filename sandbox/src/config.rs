//! The sandbox's knobs: the apps it knows, token lifetimes, rate limits, the data generator's
//! scale and the webhook targets.
//!
//! Build one with [`SandboxConfig::from_lookup`] (the server passes its environment) or take the
//! defaults; [`VARIABLES`] documents every `SOCO_SANDBOX_*` variable for the README and `--help`.
//! The sandbox reads no other configuration.

use std::time::Duration;

/// One environment variable, declared once: the parser reads it through this declaration, and
/// `server --help`, `.env.example` and the README are written from [`VARIABLES`] (the same shape
/// as Soco's own `domain::config::Variable`; the sandbox depends on no Soco crate).
#[derive(Debug, Clone, Copy)]
pub struct Variable {
    /// Its name.
    pub name: &'static str,
    /// What it holds when unset.
    pub unset: Unset,
    /// What it controls.
    pub doc: &'static str,
}

/// What a variable holds when it is unset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unset {
    /// This value, parsed like any other (a test checks that every one parses).
    Value(&'static str),
    /// Worked out from Soco's public URL, as described.
    Derived(&'static str),
}

impl Variable {
    /// The default as people read it.
    pub fn default_text(&self) -> &'static str {
        match self.unset {
            Unset::Value(value) | Unset::Derived(value) => value,
        }
    }

    /// The value when unset, for variables that have one.
    pub fn default_value(&self) -> Option<&'static str> {
        match self.unset {
            Unset::Value(value) => Some(value),
            Unset::Derived(_) => None,
        }
    }
}

/// Every variable [`SandboxConfig::from_lookup`] reads.
pub const VARIABLES: &[Variable] = &[
    Variable {
        name: "SOCO_SANDBOX_SEED",
        unset: Unset::Value("42"),
        doc: "Seed of the synthetic data: same seed, same data.",
    },
    Variable {
        name: "SOCO_SANDBOX_START",
        unset: Unset::Value("now"),
        doc: "Sandbox time at start-up, RFC 3339 (e.g. 2026-11-01T00:00:00Z); history is generated back from it.",
    },
    Variable {
        name: "SOCO_SANDBOX_CREATORS",
        unset: Unset::Value("5"),
        doc: "Number of TikTok creator accounts.",
    },
    Variable {
        name: "SOCO_SANDBOX_VIDEOS_PER_CREATOR",
        unset: Unset::Value("120"),
        doc: "Videos each creator has posted over the history (on average; creators differ).",
    },
    Variable {
        name: "SOCO_SANDBOX_HISTORY_DAYS",
        unset: Unset::Value("365"),
        doc: "Days of creator and shop history.",
    },
    Variable {
        name: "SOCO_SANDBOX_LOCAL_SHOPS",
        unset: Unset::Value("2"),
        doc: "Local (Indonesian, IDR) shops.",
    },
    Variable {
        name: "SOCO_SANDBOX_CROSS_BORDER_SHOPS",
        unset: Unset::Value("1"),
        doc: "Cross-border shops (other regions and currencies).",
    },
    Variable {
        name: "SOCO_SANDBOX_PRODUCTS_PER_SHOP",
        unset: Unset::Value("40"),
        doc: "Products in each shop.",
    },
    Variable {
        name: "SOCO_SANDBOX_ORDERS_PER_DAY",
        unset: Unset::Value("60"),
        doc: "Average orders per shop per day before seasonality (1370 gives about 1 million over two years).",
    },
    Variable {
        name: "SOCO_SANDBOX_REDIRECT_URIS",
        unset: Unset::Derived("<public URL>/connect/tiktok/callback"),
        doc: "Comma-separated redirect URIs registered for the Login Kit app (matched exactly).",
    },
    Variable {
        name: "SOCO_SANDBOX_SHOP_REDIRECT_URL",
        unset: Unset::Derived("<public URL>/connect/tiktok-shop/callback"),
        doc: "The Shop app's redirect URL, as fixed in Partner Center.",
    },
    Variable {
        name: "SOCO_SANDBOX_ACCESS_TTL",
        unset: Unset::Value("7200"),
        doc: "Login Kit access-token lifetime in seconds (TikTok's newer docs: 2 h; older: 24 h).",
    },
    Variable {
        name: "SOCO_SANDBOX_REFRESH_TTL",
        unset: Unset::Value("15552000"),
        doc: "Login Kit refresh-token lifetime in seconds (180 days).",
    },
    Variable {
        name: "SOCO_SANDBOX_ROTATE_REFRESH",
        unset: Unset::Value("true"),
        doc: "Whether a refresh returns a new refresh token and the old one stops working.",
    },
    Variable {
        name: "SOCO_SANDBOX_PKCE",
        unset: Unset::Value("both"),
        doc: "Accepted PKCE S256 challenge encodings: base64url (RFC 7636), hex (TikTok desktop docs) or both.",
    },
    Variable {
        name: "SOCO_SANDBOX_OAUTH_ERROR_STATUS",
        unset: Unset::Value("400"),
        doc: "HTTP status of Login Kit token errors (unconfirmed upstream; the body's `error` is what counts).",
    },
    Variable {
        name: "SOCO_SANDBOX_DISPLAY_RATE",
        unset: Unset::Value("600"),
        doc: "Display API requests per endpoint per 1-minute sliding window.",
    },
    Variable {
        name: "SOCO_SANDBOX_SHOP_RATE",
        unset: Unset::Value("50"),
        doc: "TikTok Shop API requests per shop per second (unconfirmed upstream; 429 + code 36009002 beyond it).",
    },
    Variable {
        name: "SOCO_SANDBOX_SHOP_ACCESS_TTL",
        unset: Unset::Value("604800"),
        doc: "TikTok Shop access-token lifetime in seconds (7 days, as TikTok's samples show).",
    },
    Variable {
        name: "SOCO_SANDBOX_SHOP_REFRESH_TTL",
        unset: Unset::Value("31536000"),
        doc: "TikTok Shop refresh-token lifetime in seconds (about a year).",
    },
    Variable {
        name: "SOCO_SANDBOX_SHOP_ROTATE_REFRESH",
        unset: Unset::Value("true"),
        doc: "Whether a Shop token refresh returns a new refresh token and the old one stops working.",
    },
    Variable {
        name: "SOCO_SANDBOX_UNAUDITED",
        unset: Unset::Value("true"),
        doc: "Unaudited app: Content Posting forces SELF_ONLY and refuses other privacy levels.",
    },
    Variable {
        name: "SOCO_SANDBOX_VERIFIED_URL_PREFIXES",
        unset: Unset::Derived("<public URL>/"),
        doc: "Comma-separated URL prefixes PULL_FROM_URL may fetch from (TikTok's verified domains).",
    },
    Variable {
        name: "SOCO_SANDBOX_PUBLISH_SECONDS",
        unset: Unset::Value("30"),
        doc: "Sandbox seconds a post takes from upload to PUBLISH_COMPLETE or SEND_TO_USER_INBOX.",
    },
    Variable {
        name: "SOCO_SANDBOX_MODERATION_SECONDS",
        unset: Unset::Value("0"),
        doc: "Sandbox seconds from PUBLISH_COMPLETE to the post id (TikTok's moderation, usually under a minute).",
    },
    Variable {
        name: "SOCO_SANDBOX_LIST_PRIVATE_POSTS",
        unset: Unset::Value("true"),
        doc: "SELF_ONLY direct posts still become listed videos with a post id (TikTok lists public posts \
              only, and unaudited apps can only post SELF_ONLY).",
    },
    Variable {
        name: "SOCO_SANDBOX_POST_IDS_AS_STRINGS",
        unset: Unset::Value("false"),
        doc: "publicaly_available_post_id holds strings instead of the documented int64 numbers.",
    },
    Variable {
        name: "SOCO_SANDBOX_UPLOAD_URL_TTL",
        unset: Unset::Value("3600"),
        doc: "Seconds a FILE_UPLOAD upload_url accepts chunks (unconfirmed upstream).",
    },
    Variable {
        name: "SOCO_SANDBOX_PRIVATE_CREATORS",
        unset: Unset::Value(""),
        doc: "Comma-separated usernames of creators with private accounts (no PUBLIC_TO_EVERYONE option).",
    },
    Variable {
        name: "SOCO_SANDBOX_TIKTOK_WEBHOOK_URL",
        unset: Unset::Value("off"),
        doc: "Where TikTok webhooks (post.publish.*, authorization.removed) are delivered; `off` disables them.",
    },
    Variable {
        name: "SOCO_SANDBOX_SHOP_WEBHOOK_URL",
        unset: Unset::Value("off"),
        doc: "Where TikTok Shop webhooks are delivered; `off` disables them.",
    },
    Variable {
        name: "SOCO_SANDBOX_STRICT_REVOKE",
        unset: Unset::Value("true"),
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
    /// The defaults (every variable unset) for a Soco reachable at `public_url` (no trailing
    /// slash): redirect URIs and webhook targets point back at it.
    pub fn for_public_url(public_url: &str) -> Self {
        Self::from_lookup(public_url, |_| None).expect("the declared defaults are valid (a test checks them)")
    }

    /// What is not configurable (the apps' credentials, webhook retries), with every variable's
    /// field empty until [`SandboxConfig::from_lookup`] reads it.
    fn fixed(base: &str) -> Self {
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
                seed: 0,
                creators: 0,
                videos_per_creator: 0,
                history_days: 0,
                local_shops: 0,
                cross_border_shops: 0,
                products_per_shop: 0,
                orders_per_day: 0,
            },
            start: None,
            access_ttl: Duration::ZERO,
            refresh_ttl: Duration::ZERO,
            rotate_refresh: false,
            strict_revoke: false,
            pkce: PkceEncoding::Both,
            display_rate_per_minute: 0,
            shop_rate_per_second: 0,
            shop_access_ttl: Duration::ZERO,
            shop_refresh_ttl: Duration::ZERO,
            shop_rotate_refresh: false,
            unaudited: false,
            verified_url_prefixes: vec![format!("{base}/")],
            publish_delay: Duration::ZERO,
            moderation_delay: Duration::ZERO,
            list_private_posts: false,
            post_ids_as_strings: false,
            upload_url_ttl: Duration::ZERO,
            private_creators: Vec::new(),
            self_url: format!("{base}/sandbox"),
            oauth_error_status: 0,
            tiktok_webhook_url: None,
            shop_webhook_url: None,
            webhook_retry_base: Duration::from_secs(2),
            webhook_max_attempts: 8,
        }
    }

    /// Every `SOCO_SANDBOX_*` variable `lookup` returns, each unset one at its declared default.
    /// Every error is reported, each naming its variable, joined by `; `.
    pub fn from_lookup(public_url: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let mut config = SandboxConfig::fixed(public_url.trim_end_matches('/'));
        let mut read = Reader { lookup: &lookup, errors: Vec::new() };
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
            if let Some(value) = read.number(name) {
                *slot = value;
            }
        }
        if let Some(seed) = read.number("SOCO_SANDBOX_SEED") {
            config.scale.seed = seed;
        }
        if config.scale.products_per_shop == 0 {
            read.fail("SOCO_SANDBOX_PRODUCTS_PER_SHOP", "a shop needs at least one product".into());
        }
        // Order and product ids encode the shop in three digits.
        if config.scale.local_shops > 500 || config.scale.cross_border_shops > 499 {
            read.fail(
                "SOCO_SANDBOX_LOCAL_SHOPS / SOCO_SANDBOX_CROSS_BORDER_SHOPS",
                "at most 500 and 499".into(),
            );
        }
        if config.scale.history_days > 3660 {
            read.fail("SOCO_SANDBOX_HISTORY_DAYS", "at most 3660 (ten years)".into());
        }
        if let Some(value) = read.text("SOCO_SANDBOX_START").filter(|v| v != "now") {
            match chrono::DateTime::parse_from_rfc3339(&value) {
                Ok(at) => config.start = Some(at.timestamp()),
                Err(e) => read.fail(
                    "SOCO_SANDBOX_START",
                    format!("expected RFC 3339 like 2026-11-01T00:00:00Z, or now ({e})"),
                ),
            }
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
            if let Some(seconds) = read.number(name) {
                *slot = Duration::from_secs(seconds);
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
            match read.text(name).as_deref() {
                Some("true" | "1" | "yes") => *slot = true,
                Some("false" | "0" | "no") => *slot = false,
                Some(value) => read.fail(name, format!("expected true or false, got {value:?}")),
                None => {}
            }
        }
        if let Some(status) = read.number::<u16>("SOCO_SANDBOX_OAUTH_ERROR_STATUS") {
            if (200..600).contains(&status) {
                config.oauth_error_status = status;
            } else {
                read.fail("SOCO_SANDBOX_OAUTH_ERROR_STATUS", "expected an HTTP status, 200 to 599".into());
            }
        }
        match read.text("SOCO_SANDBOX_PKCE").as_deref() {
            Some("base64url") => config.pkce = PkceEncoding::Base64Url,
            Some("hex") => config.pkce = PkceEncoding::Hex,
            Some("both") => config.pkce = PkceEncoding::Both,
            Some(value) => {
                read.fail("SOCO_SANDBOX_PKCE", format!("expected base64url, hex or both, got {value:?}"))
            }
            None => {}
        }
        if let Some(value) = read.text("SOCO_SANDBOX_SHOP_REDIRECT_URL") {
            config.shop_app.redirect_url = value;
        }
        for (name, slot) in [
            ("SOCO_SANDBOX_REDIRECT_URIS", &mut config.login_kit.redirect_uris),
            ("SOCO_SANDBOX_VERIFIED_URL_PREFIXES", &mut config.verified_url_prefixes),
            ("SOCO_SANDBOX_PRIVATE_CREATORS", &mut config.private_creators),
        ] {
            if let Some(value) = read.text(name) {
                *slot = value.split(',').map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect();
            }
        }
        for (name, slot) in [
            ("SOCO_SANDBOX_TIKTOK_WEBHOOK_URL", &mut config.tiktok_webhook_url),
            ("SOCO_SANDBOX_SHOP_WEBHOOK_URL", &mut config.shop_webhook_url),
        ] {
            match read.text(name).as_deref() {
                Some("off") => *slot = None,
                Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                    *slot = Some(url.to_owned())
                }
                Some(value) => read.fail(name, format!("expected an http(s) URL or off, got {value:?}")),
                None => {}
            }
        }
        if read.errors.is_empty() { Ok(config) } else { Err(read.errors.join("; ")) }
    }
}

/// Reads variables through their declarations, keeping every error.
struct Reader<'a, F: Fn(&str) -> Option<String>> {
    lookup: &'a F,
    errors: Vec<String>,
}

impl<F: Fn(&str) -> Option<String>> Reader<'_, F> {
    /// The value of `name`, or its declared default; `None` for an unset variable whose default
    /// is derived. `name` must be declared in [`VARIABLES`].
    fn text(&mut self, name: &str) -> Option<String> {
        let declared = VARIABLES.iter().find(|var| var.name == name);
        if declared.is_none() {
            // A typo in this file: refuse to start rather than run on `fixed`'s empty values.
            self.fail(name, "read but not declared in sandbox::config::VARIABLES".into());
            return None;
        }
        (self.lookup)(name)
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
            .or_else(|| declared.and_then(Variable::default_value).map(str::to_owned))
    }

    /// [`Reader::text`] as a whole number.
    fn number<T: std::str::FromStr>(&mut self, name: &str) -> Option<T> {
        let value = self.text(name)?;
        let parsed = value.parse().ok();
        if parsed.is_none() {
            self.fail(name, format!("expected a whole number, got {value:?}"));
        }
        parsed
    }

    fn fail(&mut self, name: &str, reason: String) {
        self.errors.push(format!("{name}: {reason}"));
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
    fn every_error_is_reported_at_once() {
        let error = SandboxConfig::from_lookup("http://x", |name| match name {
            "SOCO_SANDBOX_ORDERS_PER_DAY" => Some("many".into()),
            "SOCO_SANDBOX_PKCE" => Some("plain".into()),
            "SOCO_SANDBOX_UNAUDITED" => Some("maybe".into()),
            _ => None,
        })
        .expect_err("invalid");
        for name in ["SOCO_SANDBOX_ORDERS_PER_DAY", "SOCO_SANDBOX_PKCE", "SOCO_SANDBOX_UNAUDITED"] {
            assert!(error.contains(name), "{name} not reported in {error}");
        }
    }

    #[test]
    fn declared_defaults_are_valid_and_are_what_unset_means() {
        let defaults = SandboxConfig::for_public_url("http://127.0.0.1:3000");
        assert_eq!(
            (defaults.scale.seed, defaults.scale.creators, defaults.scale.orders_per_day),
            (42, 5, 60)
        );
        assert_eq!(defaults.refresh_ttl, Duration::from_secs(180 * 86_400));
        assert!(defaults.rotate_refresh && defaults.strict_revoke && defaults.unaudited);
        assert_eq!((defaults.oauth_error_status, &defaults.tiktok_webhook_url), (400, &None));
        let explicit = SandboxConfig::from_lookup("http://127.0.0.1:3000", |name| {
            VARIABLES.iter().find(|var| var.name == name).and_then(Variable::default_value).map(str::to_owned)
        })
        .expect("every declared default parses");
        assert_eq!(format!("{explicit:?}"), format!("{defaults:?}"));
    }
}
