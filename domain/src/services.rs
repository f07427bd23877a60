//! `Services`: the handle every domain operation that needs more than a connection takes —
//! database, configuration, password hasher, mailer, vault, rate limits and clock — built once at
//! start-up and shared by every request.
//!
//! [`Services::start`] is the one start-up path: open the database, migrate it, load (or create)
//! the token keys, build the services. `server serve`, `server worker`, `server rotate-keys`, the
//! tests and the benchmarks all start through it ([`Services::start_on`] when the caller already
//! holds the database, as tests do).

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use tokio_util::task::TaskTracker;

use crate::Result;
use crate::auth::password::PasswordHasher;
use crate::auth::rate_limit::RateLimits;
use crate::config::Config;
use crate::keyring::{KeyRing, KeyRingError};
use crate::mail::Mailer;
use crate::vault::Vault;

/// Shared, cheap-to-clone access to everything services use.
#[derive(Debug, Clone)]
pub struct Services {
    /// The database pool.
    pub db: DatabaseConnection,
    /// The configuration.
    pub config: Arc<Config>,
    /// argon2id hashing with bounded concurrency.
    pub passwords: PasswordHasher,
    /// Outgoing mail.
    pub mailer: Mailer,
    /// Secrets at rest.
    pub vault: Vault,
    /// Per-address limits on sign-in forms.
    pub limits: Arc<RateLimits>,
    /// TikTok's clients and the per-account refresh locks.
    pub tiktok: Arc<crate::tiktok::connections::TikTok>,
    /// The name this process signs its job leases and refresh claims with.
    pub instance: Arc<crate::instance::Instance>,
    /// The time requests, workers and housekeeping go by.
    pub clock: crate::clock::Clock,
    /// Work that runs after a request has been answered (the account-dependent part of sign-ups
    /// and reset requests, so their timing says nothing); [`Services::settle`] waits for it.
    pub background: TaskTracker,
}

/// What one housekeeping pass removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Sessions past their end.
    pub sessions: u64,
    /// Used or expired emailed-link tokens.
    pub tokens: u64,
    /// Lockout counters that no longer matter.
    pub throttles: u64,
    /// Security events past their retention.
    pub events: u64,
    /// Consent flows nobody came back from.
    pub connect_flows: u64,
    /// Disconnected TikTok accounts whose 30 days were over, with their data.
    pub purged_accounts: u64,
    /// Accounts whose deletion grace period ended, erased with everything of theirs.
    pub erased_users: u64,
    /// Outbox messages past their retention (`mail::outbox::RETENTION_DAYS`).
    pub outbox: u64,
}

/// Why a process could not start; each says what to check.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be opened.
    #[error("cannot open the database (check SOCO_DATABASE_URL)")]
    Database(#[source] sea_orm::DbErr),
    /// A migration failed.
    #[error("database migration failed")]
    Migration(#[source] sea_orm::DbErr),
    /// The token keys could not be read or created.
    #[error("cannot load the token keys (SOCO_TOKEN_KEYS, or the token-keys file in SOCO_DATA_DIR)")]
    Keys(#[source] KeyRingError),
    /// The services could not be built (mail settings, TikTok endpoints, the hasher).
    #[error("cannot start the services")]
    Services(#[source] crate::Error),
}

impl Services {
    /// Opens and migrates the database `config` names, loads the token keys and builds the
    /// services: how every Soco process starts.
    pub async fn start(config: Config) -> std::result::Result<Self, StartError> {
        let db = crate::db::connect(&config.database).await.map_err(StartError::Database)?;
        Self::start_on(db, config).await
    }

    /// [`Services::start`] over a database the caller has opened already.
    pub async fn start_on(db: DatabaseConnection, config: Config) -> std::result::Result<Self, StartError> {
        let applied = crate::db::migrate_up(&db).await.map_err(StartError::Migration)?;
        tracing::info!(backend = ?config.database.backend, applied, "database ready");
        let (keys, created) = config.load_key_ring().await.map_err(StartError::Keys)?;
        if created {
            tracing::warn!(
                path = %config.data_dir.join("token-keys").display(),
                "no SOCO_TOKEN_KEYS configured: generated a token encryption key; back this file up"
            );
        }
        tracing::debug!(active_key = keys.active().id(), "token key ring ready");
        Self::new(db, Arc::new(config), keys).await.map_err(StartError::Services)
    }

    /// Waits until the work spawned on [`Services::background`] so far has finished (tests, and
    /// shutdown).
    pub async fn settle(&self) {
        self.background.close();
        self.background.wait().await;
        self.background.reopen();
    }

    /// Takes back the job leases and refresh claims that processes of this machine held when
    /// they died (see [`crate::instance`]); returns how many of each. Workers run it as they start
    /// and while idle.
    pub async fn recover_from_dead(&self) -> Result<(u64, u64)> {
        Ok((
            crate::jobs::release_dead(&self.db, &self.instance).await?,
            crate::tiktok::connections::release_dead_claims(&self.db, &self.instance).await?,
        ))
    }

    /// Deletes what has expired: sessions, link tokens, old lockout counters, security events
    /// past their 90-day retention, and outbox mail past its 7 days. Run it every few minutes.
    pub async fn sweep(&self, now: chrono::DateTime<chrono::Utc>) -> Result<Swept> {
        self.limits.forget_idle();
        Ok(Swept {
            sessions: crate::auth::session::delete_expired(&self.db, now).await?,
            tokens: crate::users::delete_spent_tokens(&self.db, now).await?,
            throttles: crate::auth::throttle::delete_stale(&self.db, now).await?,
            events: crate::audit::delete_expired(&self.db, now).await?,
            connect_flows: crate::tiktok::connections::delete_expired_flows(&self.db, now).await?,
            purged_accounts: crate::tiktok::connections::purge_disconnected(&self.db, now).await?,
            erased_users: crate::privacy::erasure::erase_due(self, now).await?,
            outbox: match self.mailer.outbox_dir() {
                Some(dir) => crate::mail::outbox::sweep(dir, now).await?,
                None => 0,
            },
        })
    }

    /// Builds the services for `config` over a migrated `db`, encrypting with `keys`: for the
    /// key-rotation tests, which choose the key ring; everything else starts with
    /// [`Services::start`].
    pub async fn new(db: DatabaseConnection, config: Arc<Config>, keys: KeyRing) -> Result<Self> {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Ok(Self {
            passwords: PasswordHasher::new(cores).await?,
            mailer: Mailer::from_config(&config)?,
            vault: Vault::new(keys),
            limits: Arc::new(RateLimits::new(config.auth_burst, config.auth_per_minute)),
            tiktok: Arc::new(crate::tiktok::connections::TikTok::from_config(&config)?),
            instance: Arc::new(crate::instance::Instance::new()),
            background: TaskTracker::new(),
            clock: crate::clock::Clock::default(),
            db,
            config,
        })
    }
}
