//! Every `SOCO_*` variable, declared once: its name, what it holds when unset, and what it does.
//! The parser ([`super::Config::from_lookup`]) reads each one through its declaration, and
//! `server --help`, `.env.example` and the README's table are written from [`VARIABLES`] (a
//! test in `server` checks the two files).

/// What a variable holds when it is unset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unset {
    /// This value, parsed like any other (a test checks that every one parses).
    Value(&'static str),
    /// Worked out from other settings, as described.
    Derived(&'static str),
}

/// One environment variable.
#[derive(Debug, Clone, Copy)]
pub struct Variable {
    /// Its name, e.g. `SOCO_DATABASE_URL`.
    pub name: &'static str,
    /// What it holds when unset.
    pub unset: Unset,
    /// What it controls.
    pub doc: &'static str,
    /// A value to show in `.env.example` where the default is not a good one.
    pub example: Option<&'static str>,
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

/// `SOCO_ADDR`.
pub const ADDR: Variable = Variable {
    name: "SOCO_ADDR",
    unset: Unset::Value("127.0.0.1:3000"),
    doc: "Address and port the web server listens on.",
    example: None,
};

/// `SOCO_PUBLIC_URL`.
pub const PUBLIC_URL: Variable = Variable {
    name: "SOCO_PUBLIC_URL",
    unset: Unset::Derived("http://<SOCO_ADDR>"),
    doc: "The URL people use to reach Soco (scheme, host, optional port). https:// turns on \
              secure cookies and HSTS; it is also the origin OAuth redirects come back to.",
    example: Some("https://soco.example.com"),
};

/// `SOCO_DATA_DIR`.
pub const DATA_DIR: Variable = Variable {
    name: "SOCO_DATA_DIR",
    unset: Unset::Value("./data"),
    doc: "Folder for Soco's own files: the SQLite database, the generated key file, the mail outbox.",
    example: None,
};

/// `SOCO_DATABASE_URL`.
pub const DATABASE_URL: Variable = Variable {
    name: "SOCO_DATABASE_URL",
    unset: Unset::Derived("sqlite://<SOCO_DATA_DIR>/soco.db"),
    doc: "sqlite://path/to/file.db or postgres://user:password@host:port/database.",
    example: Some("postgres://soco:secret@127.0.0.1:5432/soco"),
};

/// `SOCO_DATABASE_MAX_CONNECTIONS`.
pub const DATABASE_MAX_CONNECTIONS: Variable = Variable {
    name: "SOCO_DATABASE_MAX_CONNECTIONS",
    unset: Unset::Value("10"),
    doc: "Size of the database connection pool.",
    example: None,
};

/// `SOCO_TIKTOK_MODE`.
pub const TIKTOK_MODE: Variable = Variable {
    name: "SOCO_TIKTOK_MODE",
    unset: Unset::Value("sandbox"),
    doc: "sandbox: TikTok and TikTok Shop are simulated by the built-in sandbox under /sandbox; \
              production: Soco talks to the real TikTok APIs.",
    example: None,
};

/// `SOCO_TIKTOK_CLIENT_KEY`.
pub const TIKTOK_CLIENT_KEY: Variable = Variable {
    name: "SOCO_TIKTOK_CLIENT_KEY",
    unset: Unset::Derived("the sandbox's sbx_client_key (required in production)"),
    doc: "Login Kit client key of Soco's TikTok app (developers.tiktok.com). Register \
              <SOCO_PUBLIC_URL>/connect/tiktok/callback as its redirect URI.",
    example: Some(""),
};

/// `SOCO_TIKTOK_CLIENT_SECRET`.
pub const TIKTOK_CLIENT_SECRET: Variable = Variable {
    name: "SOCO_TIKTOK_CLIENT_SECRET",
    unset: Unset::Derived("the sandbox's sbx_client_secret (required in production)"),
    doc: "Login Kit client secret of Soco's TikTok app.",
    example: Some(""),
};

/// `SOCO_TOKEN_KEYS`.
pub const TOKEN_KEYS: Variable = Variable {
    name: "SOCO_TOKEN_KEYS",
    unset: Unset::Derived("a key generated in <SOCO_DATA_DIR>/token-keys"),
    doc: "Key ring for encrypting TikTok tokens and 2FA secrets at rest (AES-256-GCM): comma-separated \
              id:key pairs, each key 32 random bytes as base64 or hex (e.g. `openssl rand -base64 32`). \
              The first key encrypts, every key decrypts, so a new key goes first and old ones stay \
              until `server rotate-keys` has run. Back the generated file up.",
    example: Some("k2026:REPLACE_WITH_BASE64_OF_32_RANDOM_BYTES"),
};

/// `SOCO_SMTP_URL`.
pub const SMTP_URL: Variable = Variable {
    name: "SOCO_SMTP_URL",
    unset: Unset::Derived("unset: mail is written to <SOCO_DATA_DIR>/outbox"),
    doc: "SMTP server for outgoing mail: smtps://user:pass@host:465 or \
              smtp://user:pass@host:587?tls=required. Required in production mode (unless \
              SOCO_PUBLIC_URL is a loopback test install); unset, mail is written to \
              <SOCO_DATA_DIR>/outbox (folder 0700, files 0600, kept 7 days).",
    example: Some("smtps://user:password@smtp.example.com:465"),
};

/// `SOCO_MAIL_FROM`.
pub const MAIL_FROM: Variable = Variable {
    name: "SOCO_MAIL_FROM",
    unset: Unset::Derived("Soco <no-reply@<host of SOCO_PUBLIC_URL>>"),
    doc: "Sender of Soco's mail.",
    example: Some("Soco <no-reply@soco.example.com>"),
};

/// `SOCO_OUTBOX_PAGE`.
pub const OUTBOX_PAGE: Variable = Variable {
    name: "SOCO_OUTBOX_PAGE",
    unset: Unset::Value("off"),
    doc: "on: /outbox shows the mail outbox (every mailed link, password resets included) to \
              clients on this machine. Sandbox mode only, without SOCO_SMTP_URL, and only when \
              SOCO_PUBLIC_URL is a loopback address; refused at start-up otherwise.",
    example: Some("on"),
};

/// `SOCO_TRUSTED_PROXIES`.
pub const TRUSTED_PROXIES: Variable = Variable {
    name: "SOCO_TRUSTED_PROXIES",
    unset: Unset::Derived("none"),
    doc: "Comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For \
              header is believed (for rate limits and the audit log).",
    example: Some("127.0.0.1,10.0.0.0/8"),
};

/// `SOCO_AUTH_BURST`.
pub const AUTH_BURST: Variable = Variable {
    name: "SOCO_AUTH_BURST",
    unset: Unset::Value("10"),
    doc: "Sign-in attempts (login, registration, reset, 2FA) one address may make at once.",
    example: None,
};

/// `SOCO_AUTH_PER_MINUTE`.
pub const AUTH_PER_MINUTE: Variable = Variable {
    name: "SOCO_AUTH_PER_MINUTE",
    unset: Unset::Value("10"),
    doc: "Sign-in attempts per minute one address may make after its burst.",
    example: None,
};

/// `SOCO_TIKTOK_REQUESTS_PER_MINUTE`.
pub const TIKTOK_REQUESTS_PER_MINUTE: Variable = Variable {
    name: "SOCO_TIKTOK_REQUESTS_PER_MINUTE",
    unset: Unset::Value("540"),
    doc: "Display API calls Soco makes per endpoint per minute (TikTok allows 600 in any minute).",
    example: None,
};

/// `SOCO_TIKTOK_LOGIN_URL`.
pub const TIKTOK_LOGIN_URL: Variable = Variable {
    name: "SOCO_TIKTOK_LOGIN_URL",
    unset: Unset::Derived("https://www.tiktok.com (sandbox mode: <SOCO_PUBLIC_URL>/sandbox/tiktok)"),
    doc: "Where the Login Kit consent page lives; Soco's pages allow form posts to redirect there.",
    example: Some("https://www.tiktok.com"),
};

/// `SOCO_TIKTOK_OPEN_API_URL`.
pub const TIKTOK_OPEN_API_URL: Variable = Variable {
    name: "SOCO_TIKTOK_OPEN_API_URL",
    unset: Unset::Derived("https://open.tiktokapis.com (sandbox mode: <SOCO_PUBLIC_URL>/sandbox/open-api)"),
    doc: "Login Kit tokens and revocation, the Display API and the Content Posting API.",
    example: Some("https://open.tiktokapis.com"),
};

/// `SOCO_TIKTOK_SHOP_API_URL`.
pub const TIKTOK_SHOP_API_URL: Variable = Variable {
    name: "SOCO_TIKTOK_SHOP_API_URL",
    unset: Unset::Derived(
        "https://open-api.tiktokglobalshop.com (sandbox mode: <SOCO_PUBLIC_URL>/sandbox/shop-api)",
    ),
    doc: "The TikTok Shop Partner API.",
    example: Some("https://open-api.tiktokglobalshop.com"),
};

/// `SOCO_TIKTOK_SHOP_AUTH_URL`.
pub const TIKTOK_SHOP_AUTH_URL: Variable = Variable {
    name: "SOCO_TIKTOK_SHOP_AUTH_URL",
    unset: Unset::Derived(
        "https://auth.tiktok-shops.com (sandbox mode: <SOCO_PUBLIC_URL>/sandbox/shop-auth)",
    ),
    doc: "TikTok Shop's token endpoints.",
    example: Some("https://auth.tiktok-shops.com"),
};

/// `SOCO_TIKTOK_SHOP_SERVICES_URL`.
pub const TIKTOK_SHOP_SERVICES_URL: Variable = Variable {
    name: "SOCO_TIKTOK_SHOP_SERVICES_URL",
    unset: Unset::Derived(
        "https://services.tiktokshop.com (sandbox mode: <SOCO_PUBLIC_URL>/sandbox/shop-services)",
    ),
    doc: "TikTok Shop's seller consent page; Soco's pages allow form posts to redirect there.",
    example: Some("https://services.tiktokshop.com"),
};

/// `SOCO_TIKTOK_RETRY_ATTEMPTS`.
pub const TIKTOK_RETRY_ATTEMPTS: Variable = Variable {
    name: "SOCO_TIKTOK_RETRY_ATTEMPTS",
    unset: Unset::Value("4"),
    doc: "Tries a background TikTok call gets for a passing failure (429, 5xx, network) before its job is retried later.",
    example: None,
};

/// `SOCO_WORKER_POLL_MS`.
pub const WORKER_POLL_MS: Variable = Variable {
    name: "SOCO_WORKER_POLL_MS",
    unset: Unset::Value("2000"),
    doc: "How long an idle worker waits before it looks for due jobs again, in milliseconds.",
    example: None,
};

/// `SOCO_JOB_LEASE_SECONDS`.
pub const JOB_LEASE_SECONDS: Variable = Variable {
    name: "SOCO_JOB_LEASE_SECONDS",
    unset: Unset::Value("300"),
    doc: "How long a worker holds a background job before another may take it (renewed while it runs).",
    example: None,
};

/// `SOCO_SYNC_PROFILE_MINUTES`.
pub const SYNC_PROFILE_MINUTES: Variable = Variable {
    name: "SOCO_SYNC_PROFILE_MINUTES",
    unset: Unset::Value("360"),
    doc: "Minutes between snapshots of each account's profile counters.",
    example: None,
};

/// `SOCO_SYNC_RECENT_MINUTES`.
pub const SYNC_RECENT_MINUTES: Variable = Variable {
    name: "SOCO_SYNC_RECENT_MINUTES",
    unset: Unset::Value("180"),
    doc: "Minutes between snapshots of each account's young videos (see SOCO_SYNC_YOUNG_DAYS).",
    example: None,
};

/// `SOCO_SYNC_FULL_MINUTES`.
pub const SYNC_FULL_MINUTES: Variable = Variable {
    name: "SOCO_SYNC_FULL_MINUTES",
    unset: Unset::Value("1440"),
    doc: "Minutes between snapshots of all of an account's videos.",
    example: None,
};

/// `SOCO_SYNC_YOUNG_DAYS`.
pub const SYNC_YOUNG_DAYS: Variable = Variable {
    name: "SOCO_SYNC_YOUNG_DAYS",
    unset: Unset::Value("10"),
    doc: "Days after posting during which a video is snapshotted every SOCO_SYNC_RECENT_MINUTES.",
    example: None,
};

/// `SOCO_ERASURE_GRACE_DAYS`.
pub const ERASURE_GRACE_DAYS: Variable = Variable {
    name: "SOCO_ERASURE_GRACE_DAYS",
    unset: Unset::Value("7"),
    doc: "Days between an account deletion request and the deletion of everything of the account; signing in within them offers to cancel. At most 30.",
    example: None,
};

/// `SOCO_MEDIA_HOSTS`.
pub const MEDIA_HOSTS: Variable = Variable {
    name: "SOCO_MEDIA_HOSTS",
    unset: Unset::Value("tiktokcdn.com,tiktokcdn-us.com,tiktokcdn-eu.com,ibyteimg.com"),
    doc: "Host suffixes of TikTok's picture CDN: the only hosts the avatar and cover relay \
              fetches from (sandbox mode adds the sandbox's own host).",
    example: None,
};

/// `SOCO_MEDIA_CONCURRENCY`.
pub const MEDIA_CONCURRENCY: Variable = Variable {
    name: "SOCO_MEDIA_CONCURRENCY",
    unset: Unset::Value("16"),
    doc: "Pictures the relay fetches from TikTok at once; further requests wait their turn.",
    example: None,
};

/// `SOCO_REQUEST_TIMEOUT_MS`.
pub const REQUEST_TIMEOUT_MS: Variable = Variable {
    name: "SOCO_REQUEST_TIMEOUT_MS",
    unset: Unset::Value("30000"),
    doc: "Longest time a request may take, body upload included, before it is answered 408.",
    example: None,
};

/// `SOCO_HEADER_READ_TIMEOUT_MS`.
pub const HEADER_READ_TIMEOUT_MS: Variable = Variable {
    name: "SOCO_HEADER_READ_TIMEOUT_MS",
    unset: Unset::Value("10000"),
    doc: "Longest time a client may take to send a request's headers (and an idle \
              connection may wait for its next request) before the connection is closed.",
    example: None,
};

/// `SOCO_MAX_BODY_BYTES`.
pub const MAX_BODY_BYTES: Variable = Variable {
    name: "SOCO_MAX_BODY_BYTES",
    unset: Unset::Value("1048576"),
    doc: "Largest request body accepted; larger ones are answered 413.",
    example: None,
};

/// `SOCO_LOG`.
pub const LOG: Variable = Variable {
    name: "SOCO_LOG",
    unset: Unset::Value("info"),
    doc: "Log filter in tracing's EnvFilter syntax, e.g. info,soco=debug,sqlx=warn.",
    example: Some("info,sqlx=warn"),
};

/// Every variable [`super::Config`] reads, in the order `.env.example` lists them.
pub const VARIABLES: &[Variable] = &[
    ADDR,
    PUBLIC_URL,
    DATA_DIR,
    DATABASE_URL,
    DATABASE_MAX_CONNECTIONS,
    TIKTOK_MODE,
    TIKTOK_CLIENT_KEY,
    TIKTOK_CLIENT_SECRET,
    TOKEN_KEYS,
    SMTP_URL,
    MAIL_FROM,
    OUTBOX_PAGE,
    TRUSTED_PROXIES,
    AUTH_BURST,
    AUTH_PER_MINUTE,
    TIKTOK_REQUESTS_PER_MINUTE,
    TIKTOK_LOGIN_URL,
    TIKTOK_OPEN_API_URL,
    TIKTOK_SHOP_API_URL,
    TIKTOK_SHOP_AUTH_URL,
    TIKTOK_SHOP_SERVICES_URL,
    TIKTOK_RETRY_ATTEMPTS,
    WORKER_POLL_MS,
    JOB_LEASE_SECONDS,
    SYNC_PROFILE_MINUTES,
    SYNC_RECENT_MINUTES,
    SYNC_FULL_MINUTES,
    SYNC_YOUNG_DAYS,
    ERASURE_GRACE_DAYS,
    MEDIA_HOSTS,
    MEDIA_CONCURRENCY,
    REQUEST_TIMEOUT_MS,
    HEADER_READ_TIMEOUT_MS,
    MAX_BODY_BYTES,
    LOG,
];
