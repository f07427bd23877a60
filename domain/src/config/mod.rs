//! Soco's configuration: every `SOCO_*` environment variable, parsed and validated once at start-up.
//!
//! Build it with [`Config::from_env`] in `main` (it reads `.env` first) and pass it down; nothing
//! else reads the environment. Each variable is declared once, in [`variables`]: the parser reads
//! it through that declaration (name and default), and `server --help`, `.env.example` and the
//! README's table are written from the same list.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;

use ipnet::IpNet;
use secrecy::SecretString;
use url::Url;

use crate::keyring::{KeyRing, KeyRingError};

pub mod variables;

use variables as var;
pub use variables::{Unset, VARIABLES, Variable};

/// The sandbox's public Login Kit credentials (the `sandbox` crate registers the same app).
pub const SANDBOX_CLIENT_KEY: &str = "sbx_client_key";
/// See [`SANDBOX_CLIENT_KEY`].
pub const SANDBOX_CLIENT_SECRET: &str = "sbx_client_secret";

/// How Soco reaches TikTok.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TikTokMode {
    /// The built-in sandbox, mounted under `/sandbox` in the same process.
    Sandbox,
    /// The real TikTok and TikTok Shop APIs.
    Production,
}

/// Where Soco reaches each of TikTok's hosts (base URLs without a trailing slash; TikTok's paths
/// are appended as documented).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TikTokEndpoints {
    /// `https://www.tiktok.com`: the Login Kit consent page.
    pub login: String,
    /// `https://open.tiktokapis.com`: OAuth tokens, Display and Content Posting APIs.
    pub open_api: String,
    /// `https://open-api.tiktokglobalshop.com`: the Shop Partner API.
    pub shop_api: String,
    /// `https://auth.tiktok-shops.com`: Shop tokens.
    pub shop_auth: String,
    /// `https://services.tiktokshop.com`: the seller consent page.
    pub shop_services: String,
}

/// Which database Soco uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file (the default).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// Where and how to reach the database.
#[derive(Clone)]
pub struct DatabaseConfig {
    /// The connection URL; may hold a password, so it is never printed.
    pub url: String,
    /// Which backend `url` names.
    pub backend: Backend,
    /// Pool size.
    pub max_connections: u32,
}

impl fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseConfig")
            .field("url", &"[redacted]")
            .field("backend", &self.backend)
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

impl DatabaseConfig {
    /// Parses and checks a database URL: only `sqlite:` and `postgres:`/`postgresql:` are known.
    pub fn parse(url: &str, max_connections: u32) -> Result<Self, String> {
        let scheme = url.split_once(':').map(|(scheme, _)| scheme).unwrap_or_default();
        let backend = match scheme {
            "sqlite" => Backend::Sqlite,
            "postgres" | "postgresql" => {
                let parsed = Url::parse(url).map_err(|e| format!("not a valid URL ({e})"))?;
                if parsed.path().trim_start_matches('/').is_empty() {
                    return Err("a PostgreSQL URL must name a database, e.g. \
                                postgres://user@localhost:5432/soco"
                        .into());
                }
                Backend::Postgres
            }
            "" => return Err("not a URL; expected sqlite://... or postgres://...".into()),
            other => {
                return Err(format!(
                    "unknown database scheme \"{other}\"; expected sqlite:// or postgres://"
                ));
            }
        };
        if max_connections == 0 {
            return Err("the pool needs at least one connection".into());
        }
        Ok(Self { url: url.to_owned(), backend, max_connections })
    }
}

/// Where the token encryption keys come from.
#[derive(Debug, Clone)]
pub enum TokenKeys {
    /// Given in `SOCO_TOKEN_KEYS`, already parsed.
    Configured(KeyRing),
    /// Not configured: read from (or created in) this file at start-up.
    File(PathBuf),
}

/// The longest grace period before an account deletion: the policy promises account data is
/// deleted within 30 days.
pub const MAX_ERASURE_GRACE_DAYS: u32 = 30;

/// Soco's validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// `SOCO_ADDR`: where the web server listens.
    pub addr: SocketAddr,
    /// `SOCO_PUBLIC_URL`: the origin people reach Soco at, without a trailing slash.
    pub public_url: Url,
    /// `SOCO_DATA_DIR`: Soco's own files.
    pub data_dir: PathBuf,
    /// `SOCO_DATABASE_URL` and `SOCO_DATABASE_MAX_CONNECTIONS`.
    pub database: DatabaseConfig,
    /// `SOCO_TIKTOK_MODE`.
    pub tiktok_mode: TikTokMode,
    /// `SOCO_TIKTOK_CLIENT_KEY`.
    pub tiktok_client_key: String,
    /// `SOCO_TIKTOK_CLIENT_SECRET`.
    pub tiktok_client_secret: SecretString,
    /// `SOCO_TOKEN_KEYS`.
    pub token_keys: TokenKeys,
    /// `SOCO_SMTP_URL`: where mail goes; `None` writes it to the outbox folder.
    pub smtp_url: Option<SecretString>,
    /// `SOCO_MAIL_FROM`: the sender mailbox.
    pub mail_from: String,
    /// `SOCO_OUTBOX_PAGE`: whether `/outbox` shows the outbox to clients on this machine
    /// (checked at start-up: sandbox mode, no SMTP, loopback public URL).
    pub outbox_page: bool,
    /// `SOCO_TRUSTED_PROXIES`: proxies whose `X-Forwarded-For` counts.
    pub trusted_proxies: Vec<IpNet>,
    /// `SOCO_AUTH_BURST`: sign-in attempts per address at once.
    pub auth_burst: NonZeroU32,
    /// `SOCO_AUTH_PER_MINUTE`: sign-in attempts per address per minute after the burst.
    pub auth_per_minute: NonZeroU32,
    /// `SOCO_TIKTOK_REQUESTS_PER_MINUTE`: client-side pace of Display API calls per endpoint.
    pub tiktok_requests_per_minute: NonZeroU32,
    /// `SOCO_SYNC_*`: how often history is read.
    pub sync: SyncIntervals,
    /// `SOCO_ERASURE_GRACE_DAYS`: how long a deletion request waits before everything goes
    /// (signing in within it offers to cancel); at most 30 days, the policy's promise.
    pub erasure_grace: chrono::Duration,
    /// `SOCO_TIKTOK_*_URL`: where each TikTok host is reached (see [`Config::tiktok_endpoints`]).
    pub tiktok_endpoints: TikTokEndpoints,
    /// `SOCO_JOB_LEASE_SECONDS`: how long a worker's lease on a job lasts.
    pub job_lease: chrono::Duration,
    /// `SOCO_WORKER_POLL_MS`: an idle worker's pause between looks at the queue.
    pub worker_poll: std::time::Duration,
    /// `SOCO_TIKTOK_RETRY_ATTEMPTS`: tries per background TikTok call.
    pub tiktok_retry_attempts: NonZeroU32,
    /// `SOCO_MEDIA_HOSTS`: lower-case host suffixes the picture relay may fetch from.
    pub media_hosts: Vec<String>,
    /// `SOCO_MEDIA_CONCURRENCY`: pictures fetched at once.
    pub media_concurrency: NonZeroU32,
    /// `SOCO_REQUEST_TIMEOUT_MS`: the longest a request may take.
    pub request_timeout: std::time::Duration,
    /// `SOCO_HEADER_READ_TIMEOUT_MS`: the longest a client may take to send its headers.
    pub header_read_timeout: std::time::Duration,
    /// `SOCO_MAX_BODY_BYTES`: the largest request body.
    pub max_body_bytes: usize,
    /// `SOCO_LOG`: the tracing filter.
    pub log: String,
}

/// How often the sync jobs read each kind of history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncIntervals {
    /// Between profile snapshots.
    pub profile: chrono::Duration,
    /// Between snapshots of young videos.
    pub recent: chrono::Duration,
    /// Between snapshots of every video.
    pub full: chrono::Duration,
    /// How long after posting a video counts as young.
    pub young_for: chrono::Duration,
}

impl Default for SyncIntervals {
    /// Profiles every 6 hours; videos every 3 hours in their first 10 days, then daily.
    fn default() -> Self {
        SyncIntervals {
            profile: chrono::Duration::hours(6),
            recent: chrono::Duration::hours(3),
            full: chrono::Duration::days(1),
            young_for: chrono::Duration::days(10),
        }
    }
}

/// One variable that could not be used, and why. Values are never echoed: they may be secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The variable's name.
    pub var: &'static str,
    /// What is wrong with it.
    pub reason: String,
}

/// Every problem found in the configuration (all of them, not just the first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Soco's configuration is not valid:")?;
        for err in &self.0 {
            writeln!(f, "  - {}: {}", err.var, err.reason)?;
        }
        write!(f, "See .env.example for every variable and its meaning.")
    }
}

impl std::error::Error for ConfigErrors {}

impl Config {
    /// Reads `.env` (when present, without overriding the environment), then the environment.
    pub fn from_env() -> Result<Self, ConfigErrors> {
        // A missing .env is normal; a broken one is reported by the values it fails to set.
        let _ = dotenvy::dotenv();
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Builds the configuration from a map of variables (tests, tools).
    pub fn from_map(vars: &HashMap<&str, &str>) -> Result<Self, ConfigErrors> {
        Self::from_lookup(|name| vars.get(name).map(|v| (*v).to_owned()))
    }

    /// Builds the configuration from any variable lookup; empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigErrors> {
        // A variable's value, or `None` when it is unset or empty.
        let get = |var: &Variable| lookup(var.name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        // A variable's value, or the one its declaration gives when it is unset.
        let value =
            |var: &Variable| get(var).unwrap_or_else(|| var.default_value().unwrap_or_default().to_owned());
        let mut errors = Vec::new();
        let mut fail = |var: &'static str, reason: String| errors.push(ConfigError { var, reason });

        let addr_text = value(&var::ADDR);
        let addr = addr_text.parse::<SocketAddr>().unwrap_or_else(|_| {
            fail(var::ADDR.name, "expected an address and port such as 127.0.0.1:3000".into());
            SocketAddr::from(([127, 0, 0, 1], 3000))
        });

        let public_text = get(&var::PUBLIC_URL).unwrap_or_else(|| format!("http://{addr}"));
        let public_url = parse_public_url(&public_text).unwrap_or_else(|reason| {
            fail(var::PUBLIC_URL.name, reason);
            Url::parse("http://127.0.0.1:3000").expect("a valid literal URL")
        });

        let data_dir = PathBuf::from(value(&var::DATA_DIR));

        let max_connections =
            value(&var::DATABASE_MAX_CONNECTIONS).parse::<u32>().ok().filter(|n| *n > 0).unwrap_or_else(
                || {
                    fail(var::DATABASE_MAX_CONNECTIONS.name, "expected a whole number above 0".into());
                    1
                },
            );
        let database_url =
            get(&var::DATABASE_URL).unwrap_or_else(|| format!("sqlite://{}/soco.db", data_dir.display()));
        let database = DatabaseConfig::parse(&database_url, max_connections).unwrap_or_else(|reason| {
            fail(var::DATABASE_URL.name, reason);
            DatabaseConfig { url: String::new(), backend: Backend::Sqlite, max_connections }
        });

        let tiktok_mode = match value(&var::TIKTOK_MODE).as_str() {
            "sandbox" => TikTokMode::Sandbox,
            "production" => TikTokMode::Production,
            _ => {
                fail(var::TIKTOK_MODE.name, "expected sandbox or production".into());
                TikTokMode::Sandbox
            }
        };

        let (tiktok_client_key, tiktok_client_secret) =
            match (tiktok_mode, get(&var::TIKTOK_CLIENT_KEY), get(&var::TIKTOK_CLIENT_SECRET)) {
                (_, Some(key), Some(secret)) => (key, SecretString::from(secret)),
                (TikTokMode::Sandbox, None, None) => {
                    (SANDBOX_CLIENT_KEY.to_owned(), SecretString::from(SANDBOX_CLIENT_SECRET))
                }
                (_, key, _) => {
                    let missing = if key.is_none() {
                        var::TIKTOK_CLIENT_KEY.name
                    } else {
                        var::TIKTOK_CLIENT_SECRET.name
                    };
                    fail(missing, "required (with its pair) in production mode, or set both".into());
                    (String::new(), SecretString::from(""))
                }
            };

        let token_keys = match get(&var::TOKEN_KEYS) {
            None => TokenKeys::File(data_dir.join("token-keys")),
            Some(text) => match KeyRing::parse(&text) {
                Ok(ring) => TokenKeys::Configured(ring),
                Err(err) => {
                    fail(var::TOKEN_KEYS.name, err.to_string());
                    TokenKeys::File(data_dir.join("token-keys"))
                }
            },
        };

        let smtp_url = match get(&var::SMTP_URL) {
            None => None,
            Some(url) if url.starts_with("smtp://") || url.starts_with("smtps://") => {
                Some(SecretString::from(url))
            }
            Some(_) => {
                fail(var::SMTP_URL.name, "expected smtp://... or smtps://...".into());
                None
            }
        };

        let default_from = format!("Soco <no-reply@{}>", public_url.host_str().unwrap_or("localhost"));
        let mail_from = get(&var::MAIL_FROM).unwrap_or(default_from);
        if !mail_from.contains('@') {
            fail(var::MAIL_FROM.name, "expected an address such as Soco <no-reply@example.com>".into());
        }

        let mut trusted_proxies = Vec::new();
        for proxy in get(&var::TRUSTED_PROXIES).unwrap_or_default().split(',').map(str::trim) {
            if proxy.is_empty() {
                continue;
            }
            match proxy.parse::<IpNet>().or_else(|_| proxy.parse::<std::net::IpAddr>().map(IpNet::from)) {
                Ok(net) => trusted_proxies.push(net),
                Err(_) => {
                    fail(var::TRUSTED_PROXIES.name, format!("\"{proxy}\" is not an address or CIDR range"))
                }
            }
        }

        let public_loopback = is_loopback(&public_url);
        if tiktok_mode == TikTokMode::Production && smtp_url.is_none() && !public_loopback {
            fail(
                var::SMTP_URL.name,
                "required in production mode: without it, mail (password resets, security alerts) \
                 would only be written to the outbox folder and reach nobody (only a test install \
                 whose SOCO_PUBLIC_URL is a loopback address may leave it unset)"
                    .into(),
            );
        }
        let outbox_page = match value(&var::OUTBOX_PAGE).to_ascii_lowercase().as_str() {
            "off" | "0" | "false" | "no" => false,
            "on" | "1" | "true" | "yes" => true,
            _ => {
                fail(var::OUTBOX_PAGE.name, "expected on or off".into());
                false
            }
        };
        if outbox_page {
            let refusal = if tiktok_mode != TikTokMode::Sandbox {
                Some("only in sandbox mode")
            } else if smtp_url.is_some() {
                Some("mail goes to SOCO_SMTP_URL, so there is no outbox to show; unset one of them")
            } else if !public_loopback {
                Some(
                    "allowed only when SOCO_PUBLIC_URL is a loopback address such as \
                     http://127.0.0.1:3000: the page shows every mailed link, password resets included",
                )
            } else {
                None
            };
            if let Some(reason) = refusal {
                fail(var::OUTBOX_PAGE.name, reason.into());
            }
        }

        let mut media_hosts = Vec::new();
        let media_text = value(&var::MEDIA_HOSTS);
        for suffix in media_text.split(',').map(|s| s.trim().trim_start_matches('.').to_ascii_lowercase()) {
            if suffix.is_empty() {
                continue;
            }
            let plain = suffix.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
            if plain && suffix.contains('.') && !suffix.ends_with('.') {
                media_hosts.push(suffix);
            } else {
                fail(var::MEDIA_HOSTS.name, format!("\"{suffix}\" is not a host name such as tiktokcdn.com"));
            }
        }

        let max_body_bytes =
            value(&var::MAX_BODY_BYTES).parse::<usize>().ok().filter(|n| *n >= 1024).unwrap_or_else(|| {
                fail(var::MAX_BODY_BYTES.name, "expected a whole number of bytes, at least 1024".into());
                1024
            });

        let mut count = |var: &Variable| {
            value(var).parse::<NonZeroU32>().unwrap_or_else(|_| {
                fail(var.name, "expected a whole number above 0".into());
                NonZeroU32::MIN
            })
        };
        let auth_burst = count(&var::AUTH_BURST);
        let auth_per_minute = count(&var::AUTH_PER_MINUTE);

        let tiktok_requests_per_minute = count(&var::TIKTOK_REQUESTS_PER_MINUTE);
        let minutes = |n: NonZeroU32| chrono::Duration::minutes(i64::from(n.get()));
        let sync = SyncIntervals {
            profile: minutes(count(&var::SYNC_PROFILE_MINUTES)),
            recent: minutes(count(&var::SYNC_RECENT_MINUTES)),
            full: minutes(count(&var::SYNC_FULL_MINUTES)),
            young_for: chrono::Duration::days(i64::from(count(&var::SYNC_YOUNG_DAYS).get())),
        };

        let grace_days = count(&var::ERASURE_GRACE_DAYS).get();
        let job_lease = chrono::Duration::seconds(i64::from(count(&var::JOB_LEASE_SECONDS).get()));
        let tiktok_retry_attempts = count(&var::TIKTOK_RETRY_ATTEMPTS);
        let worker_poll = std::time::Duration::from_millis(u64::from(count(&var::WORKER_POLL_MS).get()));

        let media_concurrency = count(&var::MEDIA_CONCURRENCY);
        let millis = |n: NonZeroU32| std::time::Duration::from_millis(u64::from(n.get()));
        let request_timeout = millis(count(&var::REQUEST_TIMEOUT_MS));
        let header_read_timeout = millis(count(&var::HEADER_READ_TIMEOUT_MS));
        if grace_days > MAX_ERASURE_GRACE_DAYS {
            fail(
                var::ERASURE_GRACE_DAYS.name,
                format!("at most {MAX_ERASURE_GRACE_DAYS} days (the privacy policy's promise)"),
            );
        }
        let erasure_grace = chrono::Duration::days(i64::from(grace_days.min(MAX_ERASURE_GRACE_DAYS)));

        let defaults = TikTokEndpoints::defaults(tiktok_mode, &public_url.origin().ascii_serialization());
        let mut endpoint = |var: &Variable, default: String| match get(var) {
            None => default,
            Some(text) => match parse_endpoint(&text, tiktok_mode) {
                Ok(url) => url,
                Err(reason) => {
                    fail(var.name, reason);
                    default
                }
            },
        };
        let tiktok_endpoints = TikTokEndpoints {
            login: endpoint(&var::TIKTOK_LOGIN_URL, defaults.login),
            open_api: endpoint(&var::TIKTOK_OPEN_API_URL, defaults.open_api),
            shop_api: endpoint(&var::TIKTOK_SHOP_API_URL, defaults.shop_api),
            shop_auth: endpoint(&var::TIKTOK_SHOP_AUTH_URL, defaults.shop_auth),
            shop_services: endpoint(&var::TIKTOK_SHOP_SERVICES_URL, defaults.shop_services),
        };

        let log = value(&var::LOG);

        if errors.is_empty() {
            Ok(Self {
                addr,
                public_url,
                data_dir,
                database,
                tiktok_mode,
                tiktok_client_key,
                tiktok_client_secret,
                token_keys,
                smtp_url,
                mail_from,
                outbox_page,
                trusted_proxies,
                auth_burst,
                auth_per_minute,
                tiktok_requests_per_minute,
                sync,
                erasure_grace,
                tiktok_endpoints,
                job_lease,
                tiktok_retry_attempts,
                worker_poll,
                media_hosts,
                media_concurrency,
                request_timeout,
                header_read_timeout,
                max_body_bytes,
                log,
            })
        } else {
            Err(ConfigErrors(errors))
        }
    }

    /// Whether Soco is served over HTTPS (secure cookies, HSTS).
    pub fn is_https(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// Whether `SOCO_PUBLIC_URL` names this machine (`localhost`, `127.0.0.0/8`, `[::1]`): nobody
    /// elsewhere can follow its links.
    pub fn public_url_is_loopback(&self) -> bool {
        is_loopback(&self.public_url)
    }

    /// The public origin, e.g. `https://soco.example.com`, as browsers send it in `Origin`.
    pub fn public_origin(&self) -> String {
        self.public_url.origin().ascii_serialization()
    }

    /// Where each of TikTok's hosts is reached: `SOCO_TIKTOK_*_URL`, else TikTok itself, or in
    /// sandbox mode the sandbox's stand-ins under `<public origin>/sandbox` (the server checks
    /// these prefixes against the sandbox's own).
    pub fn tiktok_endpoints(&self) -> TikTokEndpoints {
        self.tiktok_endpoints.clone()
    }

    /// The origins Soco sends browsers to with a redirect from a form post (the Login Kit and
    /// TikTok Shop consent pages), for the pages' `form-action`: other than Soco's own, and each
    /// once.
    pub fn consent_origins(&self) -> Vec<String> {
        let own = self.public_origin();
        let mut origins: Vec<String> = Vec::new();
        for base in [&self.tiktok_endpoints.login, &self.tiktok_endpoints.shop_services] {
            let Ok(url) = Url::parse(base) else { continue };
            let origin = url.origin().ascii_serialization();
            if origin != own && !origins.contains(&origin) {
                origins.push(origin);
            }
        }
        origins
    }

    /// Where TikTok sends users back after the Login Kit consent page.
    pub fn tiktok_redirect_uri(&self) -> String {
        self.link("/connect/tiktok/callback")
    }

    /// An absolute link to `path` (which starts with `/`) on Soco's public origin.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_origin())
    }

    /// Loads the token key ring: the configured one, or the one in the data folder, creating it
    /// (mode 0600) when it does not exist yet. Returns whether a key was just created.
    pub async fn load_key_ring(&self) -> Result<(KeyRing, bool), KeyRingError> {
        match &self.token_keys {
            TokenKeys::Configured(ring) => Ok((ring.clone(), false)),
            TokenKeys::File(path) => KeyRing::load_or_create(path).await,
        }
    }
}

impl TikTokEndpoints {
    /// TikTok's own hosts in production, the in-process sandbox's under `public_origin` in
    /// sandbox mode.
    pub fn defaults(mode: TikTokMode, public_origin: &str) -> Self {
        match mode {
            TikTokMode::Production => TikTokEndpoints {
                login: "https://www.tiktok.com".into(),
                open_api: "https://open.tiktokapis.com".into(),
                shop_api: "https://open-api.tiktokglobalshop.com".into(),
                shop_auth: "https://auth.tiktok-shops.com".into(),
                shop_services: "https://services.tiktokshop.com".into(),
            },
            TikTokMode::Sandbox => {
                let base = format!("{public_origin}/sandbox");
                TikTokEndpoints {
                    login: format!("{base}/tiktok"),
                    open_api: format!("{base}/open-api"),
                    shop_api: format!("{base}/shop-api"),
                    shop_auth: format!("{base}/shop-auth"),
                    shop_services: format!("{base}/shop-services"),
                }
            }
        }
    }
}

/// A TikTok base URL from the environment: absolute, no query or fragment, no trailing slash.
/// In production mode it must be HTTPS, except on a loopback host (a sandbox on this machine).
fn parse_endpoint(text: &str, mode: TikTokMode) -> Result<String, String> {
    let url = Url::parse(text)
        .map_err(|_| "expected an absolute URL such as https://open.tiktokapis.com".to_owned())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err("expected an http:// or https:// URL with a host".into());
    }
    if url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err("expected a base URL without a query, fragment or credentials".into());
    }
    if let Some(url::Host::Domain(name)) = url.host()
        && !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        // The origin goes into the page's content security policy: nothing that could end a
        // source list or start a directive.
        return Err("expected a host name of letters, digits, hyphens and dots".into());
    }
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name == "localhost",
        None => false,
    };
    if mode == TikTokMode::Production && url.scheme() != "https" && !loopback {
        return Err("expected https:// in production (plain http only for a loopback sandbox)".into());
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Whether `url`'s host is this machine.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

fn parse_public_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| format!("not a valid URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("must start with http:// or https://".into());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("must name a host".into());
    }
    if url.query().is_some() || url.fragment().is_some() || url.path() != "/" {
        return Err("must be an origin only (no path, query or fragment), \
                    e.g. https://soco.example.com"
            .into());
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigErrors> {
        Config::from_map(&vars.iter().copied().collect())
    }

    fn failing_vars(vars: &[(&str, &str)]) -> Vec<&'static str> {
        config(vars).expect_err("configuration should be refused").0.iter().map(|e| e.var).collect()
    }

    #[test]
    fn defaults_are_a_local_sqlite_install() {
        let config = config(&[]).expect("defaults are valid");
        assert_eq!(config.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(config.public_origin(), "http://127.0.0.1:3000");
        assert_eq!(config.database.backend, Backend::Sqlite);
        assert_eq!(config.database.url, "sqlite://./data/soco.db");
        assert_eq!(config.tiktok_mode, TikTokMode::Sandbox);
        assert!(matches!(config.token_keys, TokenKeys::File(ref p) if p.ends_with("token-keys")));
        assert!(!config.is_https());
    }

    #[test]
    fn postgres_urls_are_accepted() {
        let config = config(&[("SOCO_DATABASE_URL", "postgres://u:p@localhost:5432/soco")]).expect("valid");
        assert_eq!(config.database.backend, Backend::Postgres);
        assert!(!format!("{config:?}").contains("u:p@"), "the password must not be printed");
    }

    #[test]
    fn unknown_database_scheme_is_refused_clearly() {
        let err = config(&[("SOCO_DATABASE_URL", "mysql://localhost/soco")]).expect_err("refused");
        assert_eq!(err.0[0].var, "SOCO_DATABASE_URL");
        assert!(err.0[0].reason.contains("unknown database scheme \"mysql\""));
        assert!(!err.to_string().contains("localhost/soco"), "values are not echoed");
    }

    #[test]
    fn postgres_url_without_database_is_refused() {
        assert_eq!(failing_vars(&[("SOCO_DATABASE_URL", "postgres://localhost")]), ["SOCO_DATABASE_URL"]);
    }

    #[test]
    fn bad_public_urls_are_refused() {
        for bad in ["not a url", "ftp://example.com", "https://example.com/soco", "https://x.y/?a=1"] {
            assert_eq!(failing_vars(&[("SOCO_PUBLIC_URL", bad)]), ["SOCO_PUBLIC_URL"], "{bad}");
        }
        let config = config(&[("SOCO_PUBLIC_URL", "https://soco.example.com")]).expect("valid");
        assert!(config.is_https());
        assert_eq!(config.public_origin(), "https://soco.example.com");
    }

    #[test]
    fn bad_token_keys_are_refused_without_echoing_them() {
        let err = config(&[("SOCO_TOKEN_KEYS", "k1:c2VjcmV0")]).expect_err("too short");
        assert_eq!(err.0[0].var, "SOCO_TOKEN_KEYS");
        assert!(!err.to_string().contains("c2VjcmV0"));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let vars = failing_vars(&[
            ("SOCO_ADDR", "nowhere"),
            ("SOCO_DATABASE_URL", "oracle://x"),
            ("SOCO_TIKTOK_MODE", "live"),
            ("SOCO_DATABASE_MAX_CONNECTIONS", "0"),
        ]);
        assert_eq!(
            vars,
            ["SOCO_ADDR", "SOCO_DATABASE_MAX_CONNECTIONS", "SOCO_DATABASE_URL", "SOCO_TIKTOK_MODE"]
        );
    }

    #[test]
    fn empty_values_count_as_unset() {
        let config = config(&[("SOCO_DATABASE_URL", "  "), ("SOCO_LOG", "")]).expect("valid");
        assert_eq!(config.database.backend, Backend::Sqlite);
        assert_eq!(config.log, "info");
    }

    #[test]
    fn mail_and_proxy_settings() {
        let config = config(&[
            ("SOCO_PUBLIC_URL", "https://soco.example.id"),
            ("SOCO_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1"),
        ])
        .expect("valid");
        assert_eq!(config.mail_from, "Soco <no-reply@soco.example.id>");
        assert!(config.smtp_url.is_none());
        assert_eq!(config.trusted_proxies.len(), 2);
        assert_eq!(config.link("/verify?t=x"), "https://soco.example.id/verify?t=x");
        assert_eq!(
            failing_vars(&[("SOCO_SMTP_URL", "http://mail"), ("SOCO_TRUSTED_PROXIES", "10.0.0.0/33")]),
            ["SOCO_SMTP_URL", "SOCO_TRUSTED_PROXIES"]
        );
        assert_eq!(failing_vars(&[("SOCO_AUTH_BURST", "0")]), ["SOCO_AUTH_BURST"]);
    }

    #[test]
    fn production_needs_tiktok_credentials() {
        let vars = HashMap::from([("SOCO_TIKTOK_MODE", "production")]);
        let errors = Config::from_map(&vars).expect_err("credentials are required").to_string();
        assert!(errors.contains("SOCO_TIKTOK_CLIENT_KEY"), "{errors}");
        let vars = HashMap::from([
            ("SOCO_TIKTOK_MODE", "production"),
            ("SOCO_TIKTOK_CLIENT_KEY", "aw123"),
            ("SOCO_TIKTOK_CLIENT_SECRET", "s3cret"),
        ]);
        let config = Config::from_map(&vars).expect("valid");
        assert_eq!(config.tiktok_client_key, "aw123");
        assert!(!format!("{config:?}").contains("s3cret"), "the secret never prints");
        let sandbox = Config::from_map(&HashMap::new()).expect("valid");
        assert_eq!(sandbox.tiktok_client_key, SANDBOX_CLIENT_KEY);
        assert_eq!(sandbox.tiktok_redirect_uri(), "http://127.0.0.1:3000/connect/tiktok/callback");
    }

    #[test]
    fn tiktok_endpoints_are_configurable_and_checked() {
        let local = config(&[]).expect("defaults");
        assert_eq!(local.tiktok_endpoints().login, "http://127.0.0.1:3000/sandbox/tiktok");
        assert!(local.consent_origins().is_empty(), "the built-in sandbox is Soco's own origin");
        let production = [
            ("SOCO_TIKTOK_MODE", "production"),
            ("SOCO_TIKTOK_CLIENT_KEY", "k"),
            ("SOCO_TIKTOK_CLIENT_SECRET", "s"),
        ];
        let mut vars = production.to_vec();
        vars.push(("SOCO_TIKTOK_OPEN_API_URL", "http://127.0.0.1:4010/open-api/"));
        let own_sandbox = config(&vars).expect("a loopback sandbox is fine");
        assert_eq!(own_sandbox.tiktok_endpoints().open_api, "http://127.0.0.1:4010/open-api");
        for bad in [
            "http://tiktok.example/open-api",
            "ftp://x",
            "https://u:p@x.example",
            "https://x.example/?a=1",
            "https://x;sandbox",
            "https://a,b.example",
        ] {
            let mut vars = production.to_vec();
            vars.push(("SOCO_TIKTOK_OPEN_API_URL", bad));
            assert_eq!(failing_vars(&vars), ["SOCO_TIKTOK_OPEN_API_URL"], "{bad}");
        }
    }

    #[test]
    fn production_without_smtp_is_refused_at_start_up() {
        let production = [
            ("SOCO_TIKTOK_MODE", "production"),
            ("SOCO_TIKTOK_CLIENT_KEY", "k"),
            ("SOCO_TIKTOK_CLIENT_SECRET", "s"),
            ("SOCO_PUBLIC_URL", "https://soco.example.id"),
        ];
        let err = config(&production).expect_err("mail would reach nobody");
        assert_eq!(err.0.iter().map(|e| e.var).collect::<Vec<_>>(), ["SOCO_SMTP_URL"]);
        assert!(err.to_string().contains("required in production mode"), "{err}");
        let mut with_smtp = production.to_vec();
        with_smtp.push(("SOCO_SMTP_URL", "smtps://u:p@smtp.example.id:465"));
        assert!(config(&with_smtp).is_ok());
        // A production-mode test install on this machine (the Playwright production project).
        let mut local = production.to_vec();
        local[3] = ("SOCO_PUBLIC_URL", "http://127.0.0.1:3200");
        assert!(config(&local).expect("loopback test install").smtp_url.is_none());
        assert!(config(&[]).expect("sandbox keeps its outbox").smtp_url.is_none());
    }

    #[test]
    fn the_outbox_page_is_an_opt_in_for_loopback_sandboxes() {
        assert!(!config(&[]).expect("default").outbox_page, "off unless asked for");
        assert!(config(&[("SOCO_OUTBOX_PAGE", "on")]).expect("loopback sandbox").outbox_page);
        assert!(
            config(&[("SOCO_OUTBOX_PAGE", "1"), ("SOCO_PUBLIC_URL", "http://localhost:3000")])
                .expect("localhost")
                .outbox_page
        );
        for refused in [
            vec![("SOCO_OUTBOX_PAGE", "on"), ("SOCO_PUBLIC_URL", "https://soco.example.id")],
            vec![("SOCO_OUTBOX_PAGE", "on"), ("SOCO_PUBLIC_URL", "http://192.168.1.5:3000")],
            vec![("SOCO_OUTBOX_PAGE", "on"), ("SOCO_SMTP_URL", "smtp://mail.example.id:587")],
            vec![
                ("SOCO_OUTBOX_PAGE", "on"),
                ("SOCO_TIKTOK_MODE", "production"),
                ("SOCO_TIKTOK_CLIENT_KEY", "k"),
                ("SOCO_TIKTOK_CLIENT_SECRET", "s"),
            ],
            vec![("SOCO_OUTBOX_PAGE", "maybe")],
        ] {
            assert_eq!(failing_vars(&refused), ["SOCO_OUTBOX_PAGE"], "{refused:?}");
        }
    }

    #[test]
    fn media_hosts_and_limits_are_configurable_and_checked() {
        let defaults = config(&[]).expect("defaults");
        assert!(defaults.media_hosts.iter().any(|h| h == "tiktokcdn.com"), "{:?}", defaults.media_hosts);
        assert_eq!(defaults.request_timeout, std::time::Duration::from_secs(30));
        assert_eq!(defaults.header_read_timeout, std::time::Duration::from_secs(10));
        assert_eq!(defaults.max_body_bytes, 1024 * 1024);
        assert_eq!(defaults.media_concurrency.get(), 16);
        let custom = config(&[
            ("SOCO_MEDIA_HOSTS", " .CDN.example.id , img.example.id"),
            ("SOCO_REQUEST_TIMEOUT_MS", "250"),
            ("SOCO_HEADER_READ_TIMEOUT_MS", "100"),
            ("SOCO_MAX_BODY_BYTES", "4096"),
            ("SOCO_MEDIA_CONCURRENCY", "2"),
        ])
        .expect("valid");
        assert_eq!(custom.media_hosts, ["cdn.example.id", "img.example.id"]);
        assert_eq!(custom.request_timeout, std::time::Duration::from_millis(250));
        assert_eq!(custom.header_read_timeout, std::time::Duration::from_millis(100));
        assert_eq!(custom.max_body_bytes, 4096);
        for (var, bad) in [
            ("SOCO_MEDIA_HOSTS", "cdn.example.id,*.evil"),
            ("SOCO_MEDIA_HOSTS", "localhost"),
            ("SOCO_MAX_BODY_BYTES", "12"),
            ("SOCO_REQUEST_TIMEOUT_MS", "0"),
            ("SOCO_MEDIA_CONCURRENCY", "0"),
        ] {
            assert_eq!(failing_vars(&[(var, bad)]), [var], "{bad}");
        }
    }

    #[test]
    fn every_declared_default_is_valid_and_is_what_unset_means() {
        let declared: Vec<(&str, &str)> =
            VARIABLES.iter().filter_map(|var| var.default_value().map(|value| (var.name, value))).collect();
        let explicit = config(&declared).expect("every declared default parses");
        assert_eq!(format!("{explicit:?}"), format!("{:?}", config(&[]).expect("defaults")));
        let mut names: Vec<&str> = VARIABLES.iter().map(|var| var.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), VARIABLES.len(), "a variable is declared twice");
    }
}
