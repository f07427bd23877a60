//! Connected TikTok accounts: connect through Login Kit, keep the tokens sealed and fresh,
//! disconnect.
//!
//! - **Connect** ([`start`], [`complete`]): the `state` sent to TikTok is stored hashed and bound
//!   to the session that asked, with the PKCE verifier sealed beside it for ten minutes; the
//!   callback redeems it once. Connecting an account the user already has updates it (and
//!   cancels a pending deletion) instead of adding another.
//! - **Tokens** ([`access_token`]): sealed by the vault, bound to the account row and purpose.
//!   Refreshed ahead of expiry, one refresh at a time per account (a second caller waits, then
//!   finds the new token); the rotated refresh token is committed before the new access token is
//!   handed out, so a crash at any point keeps a working grant. A refused grant flags the account
//!   for reconnection and emails the user once.
//! - **Disconnect** ([`disconnect`]): revoke at TikTok, delete both tokens at once, mark the
//!   account disconnected and schedule its synced data's deletion 30 days later
//!   ([`purge_disconnected`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use oauth2::{CsrfToken, PkceCodeVerifier};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    Set, TransactionTrait,
};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::audit::{self, EventKind};
use crate::auth::RequestMeta;
use crate::auth::token::{hash_str, hash_token};
use crate::config::Config;
use crate::entities::{tiktok_account, tiktok_connect_flow, tiktok_token, user};
use crate::error::{Error, Result};
use crate::services::Services;
use crate::tiktok::display::{DisplayApi, DisplayError, UserField};
use crate::tiktok::http::{Http, HttpSettings};
use crate::tiktok::login_kit::{CallbackError, LoginKit, LoginKitError, TokenGrant};
use crate::tiktok::scopes::Scope;
use crate::vault::{Binding, Sealed};

/// How long a consent page may take before its callback is refused.
pub const FLOW_LIFETIME: Duration = Duration::minutes(10);
/// How long a disconnected account's synced data is kept before it is deleted.
pub const PURGE_AFTER: Duration = Duration::days(30);
/// Access tokens are refreshed when they have less than this left.
pub const REFRESH_AHEAD: Duration = Duration::minutes(5);

pub(crate) const VERIFIER_PURPOSE: &str = "tiktok_connect_flows.pkce_verifier";
pub(crate) const ACCESS_PURPOSE: &str = "tiktok_tokens.access_token";
pub(crate) const REFRESH_PURPOSE: &str = "tiktok_tokens.refresh_token";

/// Account states in `tiktok_accounts.status`.
pub mod status {
    /// Syncing normally.
    pub const ACTIVE: &str = "active";
    /// The grant stopped working: the user must connect it again.
    pub const RECONNECT: &str = "reconnect";
    /// The user withdrew consent; data is deleted at `purge_after`.
    pub const DISCONNECTED: &str = "disconnected";
}

/// The TikTok clients and the per-account refresh locks, shared by every service call.
#[derive(Debug)]
pub struct TikTok {
    /// Login Kit (OAuth).
    pub login_kit: LoginKit,
    /// Display API.
    pub display: DisplayApi,
    /// The shared HTTP client, for TikTok's media (avatars and covers Soco relays).
    pub http: Http,
    refreshing: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
}

impl TikTok {
    /// Clients for the configured endpoints and app credentials.
    pub fn from_config(config: &Config) -> Result<Self> {
        let http = Http::new(HttpSettings::default()).map_err(|e| Error::Internal(e.to_string()))?;
        let endpoints = config.tiktok_endpoints();
        let login_kit = LoginKit::new(
            &endpoints,
            &config.tiktok_client_key,
            &config.tiktok_client_secret,
            &config.tiktok_redirect_uri(),
            http.clone(),
        )
        .map_err(|e| Error::Internal(format!("TikTok endpoints: {e}")))?;
        Ok(TikTok {
            login_kit,
            display: DisplayApi::new(&endpoints, http.clone()).paced(config.tiktok_requests_per_minute),
            http,
            refreshing: Mutex::default(),
        })
    }

    /// The lock that makes refreshes of `account_id` take turns.
    fn refresh_lock(&self, account_id: i64) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.refreshing.lock().unwrap_or_else(|e| e.into_inner());
        locks.entry(account_id).or_default().clone()
    }
}

fn upstream_login(error: LoginKitError) -> Error {
    match error {
        LoginKitError::InvalidGrant { .. } => Error::invalid("tiktok", "tiktok_grant_refused"),
        LoginKitError::RateLimited { retry_after } => {
            Error::RateLimited { retry_after_secs: retry_after.map_or(60, |d| d.as_secs().max(1)) }
        }
        other => Error::Internal(format!("TikTok Login Kit: {other}")),
    }
}

/// A Display API failure as a domain error: rate limits keep their wait, the rest is internal.
pub(crate) fn upstream_display(error: DisplayError) -> Error {
    match error {
        DisplayError::RateLimited { retry_after, .. } => {
            Error::RateLimited { retry_after_secs: retry_after.map_or(60, |d| d.as_secs().max(1)) }
        }
        other => Error::Internal(format!("TikTok Display API: {other}")),
    }
}

fn vault_error(error: crate::vault::VaultError) -> Error {
    Error::Internal(format!("vault: {error}"))
}

/// Starts connecting a TikTok account for `user`, signed in with `session_token`: returns the
/// consent page to send the browser to. Unverified accounts cannot connect.
pub async fn start(
    services: &Services,
    user: &user::Model,
    session_token: &SecretString,
    now: DateTime<Utc>,
) -> Result<Url> {
    crate::accounts::require_verified(user)?;
    let (url, state, verifier) = services.tiktok.login_kit.authorize_url(&Scope::CONNECT);
    let sealed = services
        .vault
        .seal(
            &SecretString::from(verifier.secret().to_owned()),
            Binding { purpose: VERIFIER_PURPOSE, row_id: user.id },
        )
        .map_err(vault_error)?;
    tiktok_connect_flow::ActiveModel {
        user_id: Set(user.id),
        session_hash: Set(hash_token(session_token)),
        state_hash: Set(hash_str(state.secret())),
        key_id: Set(sealed.key_id),
        pkce_verifier: Set(sealed.bytes),
        created_at: Set(now),
        expires_at: Set(now + FLOW_LIFETIME),
        ..Default::default()
    }
    .insert(&services.db)
    .await?;
    Ok(url)
}

/// Finishes a connection from the consent callback's raw query string: checks the state against
/// the session, exchanges the code, reads the profile the granted scopes allow, and stores the
/// account and its sealed tokens. Errors: `state`/`connect_expired` (unknown, used, expired or
/// another session's state), `tiktok`/`connect_denied` (the user said no).
pub async fn complete(
    services: &Services,
    user: &user::Model,
    session_token: &SecretString,
    query: &str,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<tiktok_account::Model> {
    let expired = || Error::invalid("state", "connect_expired");
    let state = url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "state")
        .map(|(_, value)| value.into_owned())
        .ok_or_else(expired)?;
    let flow = tiktok_connect_flow::Entity::find()
        .filter(tiktok_connect_flow::Column::StateHash.eq(hash_str(&state)))
        .one(&services.db)
        .await?
        .ok_or_else(expired)?;
    // Single use: whatever happens next, this state is spent.
    tiktok_connect_flow::Entity::delete_by_id(flow.id).exec(&services.db).await?;
    if flow.user_id != user.id || flow.session_hash != hash_token(session_token) || flow.expires_at <= now {
        return Err(expired());
    }
    let authorization =
        services.tiktok.login_kit.callback(query, &CsrfToken::new(state)).map_err(|e| match e {
            CallbackError::Refused { .. } => Error::invalid("tiktok", "connect_denied"),
            CallbackError::StateMismatch | CallbackError::MissingCode => expired(),
        })?;
    let verifier = services
        .vault
        .open(
            &Sealed { key_id: flow.key_id, bytes: flow.pkce_verifier },
            Binding { purpose: VERIFIER_PURPOSE, row_id: user.id },
        )
        .map_err(vault_error)?;
    let grant = services
        .tiktok
        .login_kit
        .exchange(authorization.code, PkceCodeVerifier::new(verifier.expose_secret().to_owned()), now)
        .await
        .map_err(upstream_login)?;
    let profile = services
        .tiktok
        .display
        .user_info(&grant.access_token, &UserField::allowed_by(&grant.scopes))
        .await
        .map_err(upstream_display)?;

    let txn = services.db.begin().await?;
    let existing = tiktok_account::Entity::find()
        .filter(tiktok_account::Column::UserId.eq(user.id))
        .filter(tiktok_account::Column::OpenId.eq(grant.open_id.as_str()))
        .one(&txn)
        .await?;
    let fill = |row: &mut tiktok_account::ActiveModel| {
        row.union_id = Set(profile.union_id.clone());
        row.username = Set(profile.username.clone());
        row.display_name = Set(profile.display_name.clone().unwrap_or_default());
        row.avatar_url = Set(profile.avatar_url.clone());
        row.is_verified = Set(profile.is_verified);
        row.bio = Set(profile.bio_description.clone());
        row.scopes = Set(scopes_text(&grant.scopes));
        row.status = Set(status::ACTIVE.to_owned());
        row.reconnect_mailed_at = Set(None);
        row.connected_at = Set(now);
        // Reconnecting within the 30 days cancels the pending deletion.
        row.disconnected_at = Set(None);
        row.purge_after = Set(None);
        row.updated_at = Set(now);
    };
    let account = match existing {
        Some(found) => {
            let mut row = found.into_active_model();
            fill(&mut row);
            row.update(&txn).await?
        }
        None => {
            let mut row = tiktok_account::ActiveModel {
                user_id: Set(user.id),
                open_id: Set(grant.open_id.clone()),
                backfill_done: Set(false),
                last_synced_at: Set(None),
                created_at: Set(now),
                ..Default::default()
            };
            fill(&mut row);
            row.insert(&txn).await?
        }
    };
    store_tokens(&txn, services, account.id, &grant, now).await?;
    audit::record(&txn, Some(user.id), EventKind::TikTokConnected, meta, Some(&grant.open_id), now).await?;
    txn.commit().await?;
    crate::sync::schedule(services, account.id, now).await?;
    Ok(account)
}

fn scopes_text(scopes: &[Scope]) -> String {
    scopes.iter().map(Scope::as_str).collect::<Vec<_>>().join(",")
}

/// Seals and stores `grant`'s tokens for `account_id`, replacing any before.
async fn store_tokens(
    db: &impl ConnectionTrait,
    services: &Services,
    account_id: i64,
    grant: &TokenGrant,
    now: DateTime<Utc>,
) -> Result<()> {
    let access = services
        .vault
        .seal(&grant.access_token, Binding { purpose: ACCESS_PURPOSE, row_id: account_id })
        .map_err(vault_error)?;
    let refresh = services
        .vault
        .seal(&grant.refresh_token, Binding { purpose: REFRESH_PURPOSE, row_id: account_id })
        .map_err(vault_error)?;
    let row = tiktok_token::ActiveModel {
        account_id: Set(account_id),
        key_id: Set(access.key_id),
        access_token: Set(access.bytes),
        access_expires_at: Set(grant.access_expires_at),
        refresh_token: Set(refresh.bytes),
        refresh_expires_at: Set(grant.refresh_expires_at),
        updated_at: Set(now),
    };
    match tiktok_token::Entity::find_by_id(account_id).one(db).await? {
        Some(_) => row.update(db).await?,
        None => row.insert(db).await?,
    };
    Ok(())
}

/// The user's TikTok accounts (disconnected ones included until they are purged), newest first.
pub async fn list(services: &Services, user: &user::Model) -> Result<Vec<tiktok_account::Model>> {
    Ok(tiktok_account::Entity::find()
        .filter(tiktok_account::Column::UserId.eq(user.id))
        .order_by_desc(tiktok_account::Column::ConnectedAt)
        .all(&services.db)
        .await?)
}

/// The user's account `account_id`, or `NotFound` (also for someone else's).
pub async fn find(services: &Services, user: &user::Model, account_id: i64) -> Result<tiktok_account::Model> {
    tiktok_account::Entity::find_by_id(account_id)
        .filter(tiktok_account::Column::UserId.eq(user.id))
        .one(&services.db)
        .await?
        .ok_or(Error::NotFound)
}

fn open_token(services: &Services, row: &tiktok_token::Model, refresh: bool) -> Result<SecretString> {
    let (purpose, bytes) =
        if refresh { (REFRESH_PURPOSE, &row.refresh_token) } else { (ACCESS_PURPOSE, &row.access_token) };
    services
        .vault
        .open(
            &Sealed { key_id: row.key_id.clone(), bytes: bytes.clone() },
            Binding { purpose, row_id: row.account_id },
        )
        .map_err(vault_error)
}

/// A live access token for `account`, refreshed first when it is about to expire. Errors:
/// `tiktok`/`tiktok_grant_refused` when the account must be connected again (it is flagged and
/// its owner emailed once), `RateLimited` or `Internal` when TikTok is unavailable (retry later).
pub async fn access_token(
    services: &Services,
    account: &tiktok_account::Model,
    now: DateTime<Utc>,
) -> Result<SecretString> {
    let refused = || Error::invalid("tiktok", "tiktok_grant_refused");
    let fresh = |row: &tiktok_token::Model| row.access_expires_at - now > REFRESH_AHEAD;
    let row = tiktok_token::Entity::find_by_id(account.id).one(&services.db).await?.ok_or_else(refused)?;
    if fresh(&row) {
        return open_token(services, &row, false);
    }
    let lock = services.tiktok.refresh_lock(account.id);
    let _turn = lock.lock().await;
    // Whoever held the lock before may have refreshed already.
    let row = tiktok_token::Entity::find_by_id(account.id).one(&services.db).await?.ok_or_else(refused)?;
    if fresh(&row) {
        return open_token(services, &row, false);
    }
    let refresh_token = open_token(services, &row, true)?;
    match services.tiktok.login_kit.refresh(&refresh_token, now).await {
        Ok(grant) => {
            // Committed before the new access token is used: the old refresh token is dead now.
            store_tokens(&services.db, services, account.id, &grant, now).await?;
            tiktok_account::Entity::update_many()
                .col_expr(
                    tiktok_account::Column::Scopes,
                    sea_orm::sea_query::Expr::value(scopes_text(&grant.scopes)),
                )
                .col_expr(tiktok_account::Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
                .filter(tiktok_account::Column::Id.eq(account.id))
                .exec(&services.db)
                .await?;
            Ok(grant.access_token)
        }
        Err(error) if error.needs_reconnect() => {
            flag_for_reconnect(services, account.id, now).await?;
            Err(refused())
        }
        Err(error) => Err(upstream_login(error)),
    }
}

/// Marks `account_id` as needing reconnection, deletes its dead tokens and emails its owner,
/// once per lapse.
pub async fn flag_for_reconnect(services: &Services, account_id: i64, now: DateTime<Utc>) -> Result<()> {
    let Some(account) = tiktok_account::Entity::find_by_id(account_id).one(&services.db).await? else {
        return Ok(());
    };
    let first_notice = account.reconnect_mailed_at.is_none() && account.status == status::ACTIVE;
    let txn = services.db.begin().await?;
    tiktok_token::Entity::delete_by_id(account_id).exec(&txn).await?;
    let mut row = account.clone().into_active_model();
    row.status = Set(status::RECONNECT.to_owned());
    if first_notice {
        row.reconnect_mailed_at = Set(Some(now));
    }
    row.updated_at = Set(now);
    row.update(&txn).await?;
    txn.commit().await?;
    if first_notice && let Some(owner) = user::Entity::find_by_id(account.user_id).one(&services.db).await? {
        let name = account.username.clone().unwrap_or_else(|| account.display_name.clone());
        let link = services.config.link("/accounts");
        let email = crate::mail::templates::tiktok_reconnect(
            &owner.email,
            &owner.locale,
            &owner.display_name,
            &name,
            &link,
        );
        services.mailer.send(&email).await?;
    }
    Ok(())
}

/// Withdraws consent for the user's account `account_id`: revokes the grant at TikTok (a failure
/// there is logged, and the tokens are deleted all the same), deletes both tokens, marks the
/// account disconnected and schedules its data's deletion in [`PURGE_AFTER`].
pub async fn disconnect(
    services: &Services,
    user: &user::Model,
    account_id: i64,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<tiktok_account::Model> {
    let account = find(services, user, account_id).await?;
    if let Some(row) = tiktok_token::Entity::find_by_id(account.id).one(&services.db).await? {
        match open_token(services, &row, false) {
            Ok(access) => {
                if let Err(error) = services.tiktok.login_kit.revoke(&access).await {
                    tracing::warn!(account = account.id, error = %error, "TikTok did not confirm the revocation");
                }
            }
            Err(error) => {
                tracing::warn!(account = account.id, error = %error, "token unreadable; deleted unrevoked")
            }
        }
    }
    let txn = services.db.begin().await?;
    tiktok_token::Entity::delete_by_id(account.id).exec(&txn).await?;
    let mut row = account.into_active_model();
    row.status = Set(status::DISCONNECTED.to_owned());
    row.disconnected_at = Set(Some(now));
    row.purge_after = Set(Some(now + PURGE_AFTER));
    row.updated_at = Set(now);
    let account = row.update(&txn).await?;
    audit::record(&txn, Some(user.id), EventKind::TikTokDisconnected, meta, Some(&account.open_id), now)
        .await?;
    txn.commit().await?;
    Ok(account)
}

/// Deletes disconnected accounts whose 30 days are over, with everything synced for them
/// (snapshots and videos go with the account row). Returns how many.
pub async fn purge_disconnected(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    Ok(tiktok_account::Entity::delete_many()
        .filter(tiktok_account::Column::Status.eq(status::DISCONNECTED))
        .filter(tiktok_account::Column::PurgeAfter.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}

/// Deletes consent flows nobody came back from.
pub async fn delete_expired_flows(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    Ok(tiktok_connect_flow::Entity::delete_many()
        .filter(tiktok_connect_flow::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}
