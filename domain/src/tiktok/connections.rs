//! Connected TikTok accounts: connect through Login Kit, keep the tokens sealed and fresh,
//! disconnect.
//!
//! - **Connect** ([`start`], [`complete`]): the `state` sent to TikTok is stored hashed and bound
//!   to the session that asked, with the PKCE verifier sealed beside it for ten minutes; the
//!   callback redeems it once. Connecting an account the user already has updates it (and
//!   cancels a pending deletion) instead of adding another.
//! - **Tokens** ([`access_token`], [`with_token`]): sealed by the vault, bound to the account row
//!   and purpose. Refreshed ahead of expiry, and at once when TikTok calls the access token
//!   invalid while it still looks fresh (revoked, clock skew, early rotation). One refresh at a
//!   time per account *across every process on the database*: the refresher claims the token row
//!   (`refresh_claimed_until`) for the generation it read, the others wait for the next
//!   generation, and every write is a compare-and-swap on `generation`, so a stale writer can
//!   neither overwrite a newer grant nor delete it. The rotated refresh token is committed before
//!   the new access token is handed out. A refused grant (re-read first: someone else may have
//!   rotated it) flags the account for reconnection and emails the user once.
//! - **Disconnect** ([`disconnect`]): refresh when the access token has lapsed, revoke at TikTok,
//!   delete both tokens at once whatever TikTok answered, mark the account disconnected and
//!   schedule its synced data's deletion 30 days later ([`purge_disconnected`]). The outcome says
//!   truthfully whether TikTok confirmed the revocation ([`Revocation`]).

use std::future::Future;

use chrono::{DateTime, Duration, Utc};
use oauth2::{CsrfToken, PkceCodeVerifier};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    Set,
};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::audit::{self, EventKind};
use crate::auth::RequestMeta;
use crate::auth::token::{hash_str, hash_token};
use crate::config::Config;
use crate::entities::{job, tiktok_account, tiktok_connect_flow, tiktok_token, user};
use crate::error::{Code, Error, Result, Service};
use crate::privacy::RequestKind;
use crate::services::Services;
use crate::tiktok::display::{DisplayApi, DisplayError, UserField};
use crate::tiktok::http::{Http, HttpSettings};
use crate::tiktok::login_kit::{CallbackError, LoginKit, LoginKitError, TokenGrant};
use crate::tiktok::retry::RetryPolicy;
use crate::tiktok::scopes::{Scope, Scopes};
use crate::vault::{Binding, Sealed};

/// How long a consent page may take before its callback is refused.
pub const FLOW_LIFETIME: Duration = Duration::minutes(10);
/// How long a disconnected account's synced data is kept before it is deleted.
pub const PURGE_AFTER: Duration = Duration::days(30);
/// Access tokens are refreshed when they have less than this left.
pub const REFRESH_AHEAD: Duration = Duration::minutes(5);
/// How long a process may hold an account's refresh claim. A refresh (with its retries) is cut
/// off well before: a claim must never lapse while its holder may still be talking to TikTok,
/// or a second process could spend the same rotating refresh token.
pub const REFRESH_CLAIM: Duration = Duration::minutes(3);
/// The longest a refresh may take before it is abandoned (see [`REFRESH_CLAIM`]).
const REFRESH_DEADLINE: std::time::Duration = std::time::Duration::from_secs(120);
/// How often a process waiting for another's refresh looks again.
const CLAIM_POLL: std::time::Duration = std::time::Duration::from_millis(100);

pub(crate) const VERIFIER_PURPOSE: &str = "tiktok_connect_flows.pkce_verifier";
pub(crate) const ACCESS_PURPOSE: &str = "tiktok_tokens.access_token";
pub(crate) const REFRESH_PURPOSE: &str = "tiktok_tokens.refresh_token";

pub use crate::entities::tiktok_account::AccountStatus;

/// The TikTok clients, shared by every service call.
#[derive(Debug)]
pub struct TikTok {
    /// Login Kit (OAuth).
    pub login_kit: LoginKit,
    /// Display API.
    pub display: DisplayApi,
    /// The shared HTTP client, for TikTok's media (avatars and covers Soco relays).
    pub http: Http,
    /// How background calls (refresh, sync reads) retry passing failures.
    pub retry: RetryPolicy,
}

impl TikTok {
    /// Clients for the configured endpoints and app credentials.
    pub fn from_config(config: &Config) -> Result<Self> {
        let http = Http::new(HttpSettings::default()).map_err(|e| Error::internal("the HTTP client", e))?;
        let endpoints = config.tiktok_endpoints();
        let login_kit = LoginKit::new(
            &endpoints,
            &config.tiktok_client_key,
            &config.tiktok_client_secret,
            &config.tiktok_redirect_uri(),
            http.clone(),
        )
        .map_err(|e| Error::internal("TikTok endpoints", e))?;
        Ok(TikTok {
            login_kit,
            display: DisplayApi::new(&endpoints, http.clone()).paced(config.tiktok_requests_per_minute),
            http,
            // A longer Retry-After than a few seconds reschedules the job instead of holding the
            // worker (and every other account's jobs behind it).
            retry: RetryPolicy {
                max_attempts: config.tiktok_retry_attempts.get(),
                max_retry_after: std::time::Duration::from_secs(5),
                ..RetryPolicy::default()
            },
        })
    }
}

/// Starts connecting a TikTok account for `user`, signed in with `session_token`: returns the
/// consent page to send the browser to. Unverified accounts cannot connect.
pub async fn start(
    services: &Services,
    user: &user::Model,
    session_token: &SecretString,
    now: DateTime<Utc>,
) -> Result<Url> {
    crate::users::require_verified(user)?;
    let (url, state, verifier) = services.tiktok.login_kit.authorize_url(&Scope::CONNECT);
    let sealed = services
        .vault
        .seal(
            &SecretString::from(verifier.secret().to_owned()),
            Binding { purpose: VERIFIER_PURPOSE, row_id: user.id },
        )
        .map_err(Error::from)?;
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
    let expired = || Error::invalid("state", Code::ConnectExpired);
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
            CallbackError::Refused { .. } => Error::invalid("tiktok", Code::ConnectDenied),
            CallbackError::StateMismatch | CallbackError::MissingCode => expired(),
        })?;
    let verifier = services
        .vault
        .open(
            &Sealed { key_id: flow.key_id, bytes: flow.pkce_verifier },
            Binding { purpose: VERIFIER_PURPOSE, row_id: user.id },
        )
        .map_err(Error::from)?;
    // A code works once, so only a refusal TikTok did not process (429, 5xx) is worth a retry.
    let grant = RetryPolicy::interactive()
        .run(|| {
            let verifier = PkceCodeVerifier::new(verifier.expose_secret().to_owned());
            services.tiktok.login_kit.exchange(authorization.code.clone(), verifier, now)
        })
        .await
        .map_err(Error::from)?;
    let account = match store_connection(services, user, &grant, meta, now).await {
        Ok(account) => account,
        Err(error) => {
            // Nothing was stored (the profile could not be read, or the database failed): give
            // the grant back instead of leaving it live at TikTok.
            if let Err(revoke) = services.tiktok.login_kit.revoke(&grant.access_token).await {
                tracing::warn!(error = %revoke, "could not revoke a grant Soco could not keep");
            }
            return Err(error);
        }
    };
    crate::tiktok::sync::schedule(services, account.id, now).await?;
    Ok(account)
}

/// Reads the profile of a new grant and stores the account, its tokens and the audit record in
/// one transaction.
async fn store_connection(
    services: &Services,
    user: &user::Model,
    grant: &TokenGrant,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<tiktok_account::Model> {
    let fields = UserField::allowed_by(&grant.scopes);
    let profile = RetryPolicy::interactive()
        .run(|| services.tiktok.display.user_info(&grant.access_token, &fields))
        .await
        .map_err(Error::from)?;
    let txn = crate::db::begin_write(&services.db).await?;
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
        row.scopes = Set(Scopes::from(grant.scopes.clone()));
        row.status = Set(AccountStatus::Active);
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
    store_tokens(&txn, services, account.id, grant, now).await?;
    audit::record(&txn, Some(user.id), EventKind::TikTokConnected, meta, Some(&grant.open_id), now).await?;
    txn.commit().await?;
    Ok(account)
}

/// Seals `grant`'s tokens for `account_id` as a new row (a first connect) or over the existing
/// one (a reconnect: a new grant from a new consent, so the generation moves on and any claim
/// is void).
async fn store_tokens(
    db: &impl ConnectionTrait,
    services: &Services,
    account_id: i64,
    grant: &TokenGrant,
    now: DateTime<Utc>,
) -> Result<()> {
    let (access, refresh) = seal_grant(services, account_id, grant)?;
    let existing = tiktok_token::Entity::find_by_id(account_id).one(db).await?;
    let row = tiktok_token::ActiveModel {
        account_id: Set(account_id),
        key_id: Set(access.key_id),
        access_token: Set(access.bytes),
        access_expires_at: Set(grant.access_expires_at),
        refresh_token: Set(refresh.bytes),
        refresh_expires_at: Set(grant.refresh_expires_at),
        updated_at: Set(now),
        generation: Set(existing.as_ref().map_or(0, |row| row.generation + 1)),
        refresh_claimed_until: Set(None),
        refresh_claimed_by: Set(None),
    };
    match existing {
        Some(_) => row.update(db).await?,
        None => row.insert(db).await?,
    };
    Ok(())
}

fn seal_grant(services: &Services, account_id: i64, grant: &TokenGrant) -> Result<(Sealed, Sealed)> {
    let access = services
        .vault
        .seal(&grant.access_token, Binding { purpose: ACCESS_PURPOSE, row_id: account_id })
        .map_err(Error::from)?;
    let refresh = services
        .vault
        .seal(&grant.refresh_token, Binding { purpose: REFRESH_PURPOSE, row_id: account_id })
        .map_err(Error::from)?;
    Ok((access, refresh))
}

/// The user's TikTok accounts (disconnected ones included until they are purged), newest first.
pub async fn list(services: &Services, user: &user::Model) -> Result<Vec<Owned>> {
    Ok(tiktok_account::Entity::find()
        .filter(tiktok_account::Column::UserId.eq(user.id))
        .order_by_desc(tiktok_account::Column::ConnectedAt)
        .all(&services.db)
        .await?
        .into_iter()
        .map(Owned)
        .collect())
}

/// A TikTok account checked to be the asking user's: made only by [`find`] and [`list`], and
/// the only key the reads of an account's stored history take ([`crate::tiktok::analytics::queries`],
/// [`crate::tiktok::export`]), so none of them can be reached without the ownership check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owned(tiktok_account::Model);

impl Owned {
    /// The account's row.
    pub fn into_model(self) -> tiktok_account::Model {
        self.0
    }
}

impl std::ops::Deref for Owned {
    type Target = tiktok_account::Model;

    fn deref(&self) -> &tiktok_account::Model {
        &self.0
    }
}

/// The user's account `account_id`, or `NotFound` (also for someone else's).
pub async fn find(services: &Services, user: &user::Model, account_id: i64) -> Result<Owned> {
    tiktok_account::Entity::find_by_id(account_id)
        .filter(tiktok_account::Column::UserId.eq(user.id))
        .one(&services.db)
        .await?
        .map(Owned)
        .ok_or(Error::NotFound)
}

/// A picture of a connected account that Soco relays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picture {
    /// The account's avatar.
    Avatar,
    /// The cover of one of its videos (Soco's row id).
    Cover(i64),
}

/// The link the last sync stored for `picture` of `user`'s account `account_id` (`None` when
/// TikTok gave none); `NotFound` for someone else's account or a video not of this account.
pub async fn picture_link(
    services: &Services,
    user: &user::Model,
    account_id: i64,
    picture: Picture,
) -> Result<Option<String>> {
    let account = find(services, user, account_id).await?;
    match picture {
        Picture::Avatar => Ok(account.into_model().avatar_url),
        Picture::Cover(video) => Ok(crate::entities::tiktok_video::Entity::find_by_id(video)
            .filter(crate::entities::tiktok_video::Column::AccountId.eq(account.id))
            .one(&services.db)
            .await?
            .ok_or(Error::NotFound)?
            .cover_url),
    }
}

/// The stored refresh token of `account_id`, for tests that compare it with TikTok's.
#[cfg(feature = "testing")]
pub async fn stored_refresh_token(services: &Services, account_id: i64) -> Result<Option<SecretString>> {
    let row = tiktok_token::Entity::find_by_id(account_id).one(&services.db).await?;
    row.map(|row| open_token(services, &row, true)).transpose()
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
        .map_err(Error::from)
}

/// An access token and the generation of the grant it belongs to.
#[derive(Debug, Clone)]
pub struct LiveToken {
    /// The bearer token.
    pub secret: SecretString,
    /// The `tiktok_tokens.generation` it was read at.
    pub generation: i64,
}

/// Why no live token could be had.
#[derive(Debug)]
enum TokenFailure {
    /// TikTok refused the grant (`invalid_grant` on refresh, re-checked), or there are no tokens:
    /// the account must be connected again. Carries the generation that was refused.
    Refused(Option<i64>),
    /// TikTok or the database failed for now: retry later.
    Failed(Error),
}

impl From<Error> for TokenFailure {
    fn from(error: Error) -> Self {
        TokenFailure::Failed(error)
    }
}

fn refused() -> Error {
    Error::invalid("tiktok", Code::TikTokGrantRefused)
}

/// A live access token for `account`, refreshed first when it is about to expire. Errors:
/// `tiktok`/`tiktok_grant_refused` when the account must be connected again (it is flagged and
/// its owner emailed once), `RateLimited` or `Internal` when TikTok is unavailable (retry later).
pub async fn access_token(
    services: &Services,
    account: &tiktok_account::Model,
    now: DateTime<Utc>,
) -> Result<SecretString> {
    Ok(token_or_flag(services, account.id, None, now).await?.secret)
}

/// Runs `call` with a live access token of `account`. When TikTok answers that the token is
/// invalid although Soco thought it fresh, the grant is refreshed once and `call` runs again; a
/// refused refresh flags the account (one email) and ends in `tiktok_grant_refused`.
pub async fn with_token<T, F, Fut>(
    services: &Services,
    account: &tiktok_account::Model,
    now: DateTime<Utc>,
    call: F,
) -> Result<T>
where
    F: Fn(SecretString) -> Fut,
    Fut: Future<Output = std::result::Result<T, DisplayError>>,
{
    let live = token_or_flag(services, account.id, None, now).await?;
    match call(live.secret).await {
        Err(DisplayError::TokenInvalid { message }) => {
            tracing::info!(account = account.id, %message, "TikTok refused a fresh-looking token; refreshing");
            let renewed = token_or_flag(services, account.id, Some(live.generation), now).await?;
            call(renewed.secret).await.map_err(|error| match error {
                DisplayError::TokenInvalid { message } => Error::upstream(
                    Service::TikTokDisplay,
                    format!("TikTok refused a just-refreshed access token: {message}"),
                ),
                other => Error::from(other),
            })
        }
        other => other.map_err(Error::from),
    }
}

/// [`live_token`], flagging the account when the grant is refused.
async fn token_or_flag(
    services: &Services,
    account_id: i64,
    stale: Option<i64>,
    now: DateTime<Utc>,
) -> Result<LiveToken> {
    match live_token(services, account_id, stale, now).await {
        Ok(live) => Ok(live),
        Err(TokenFailure::Refused(generation)) => {
            if flag_if_generation(services, account_id, generation, now).await? {
                return Err(refused());
            }
            // A newer grant arrived meanwhile (a reconnect, another process): use it.
            match live_token(services, account_id, None, now).await {
                Ok(live) => Ok(live),
                Err(TokenFailure::Refused(generation)) => {
                    flag_if_generation(services, account_id, generation, now).await?;
                    Err(refused())
                }
                Err(TokenFailure::Failed(error)) => Err(error),
            }
        }
        Err(TokenFailure::Failed(error)) => Err(error),
    }
}

/// A live access token: the stored one while it is fresh (and is not the `stale` generation
/// TikTok just refused), else a refreshed one. Single-flight across processes: see the module
/// doc. `now` is the caller's clock; time spent waiting here is added to it.
async fn live_token(
    services: &Services,
    account_id: i64,
    stale: Option<i64>,
    now: DateTime<Utc>,
) -> std::result::Result<LiveToken, TokenFailure> {
    let started = tokio::time::Instant::now();
    let clock = || now + Duration::from_std(started.elapsed()).unwrap_or(Duration::zero());
    loop {
        let at = clock();
        let Some(row) =
            tiktok_token::Entity::find_by_id(account_id).one(&services.db).await.map_err(Error::from)?
        else {
            return Err(TokenFailure::Refused(None));
        };
        let fresh = row.access_expires_at - at > REFRESH_AHEAD && stale != Some(row.generation);
        if fresh {
            return Ok(LiveToken { secret: open_token(services, &row, false)?, generation: row.generation });
        }
        // Claims are between processes, so they run on the wall clock, whatever the caller's.
        let wall = Utc::now();
        if row.refresh_claimed_until.is_some_and(|until| until > wall) {
            // Another process is refreshing this grant: wait for the next generation.
            if started.elapsed() > REFRESH_CLAIM.to_std().unwrap_or(REFRESH_DEADLINE) {
                return Err(TokenFailure::Failed(Error::invariant(
                    "another worker has been refreshing this TikTok grant for too long",
                )));
            }
            tokio::time::sleep(CLAIM_POLL).await;
            continue;
        }
        if !claim(services, &row, wall).await? {
            continue; // someone claimed it first, or the generation moved: look again
        }
        // Its own task: once TikTok has rotated the refresh token, the new one must be stored
        // even if the caller is cancelled (a lost lease, a closed browser tab).
        let refresh = tokio::spawn(refresh_claimed(services.clone(), row, at));
        return refresh.await.unwrap_or_else(|error| {
            Err(TokenFailure::Failed(Error::internal("the refresh task failed", error)))
        });
    }
}

/// Claims the refresh of `row`'s generation until `at` (the wall clock) + [`REFRESH_CLAIM`], if
/// nobody holds it.
async fn claim(services: &Services, row: &tiktok_token::Model, at: DateTime<Utc>) -> Result<bool> {
    use sea_orm::Condition;
    let claimed = tiktok_token::Entity::update_many()
        .col_expr(
            tiktok_token::Column::RefreshClaimedUntil,
            sea_orm::sea_query::Expr::value(at + REFRESH_CLAIM),
        )
        .col_expr(
            tiktok_token::Column::RefreshClaimedBy,
            sea_orm::sea_query::Expr::value(services.instance.name()),
        )
        .filter(tiktok_token::Column::AccountId.eq(row.account_id))
        .filter(tiktok_token::Column::Generation.eq(row.generation))
        .filter(
            Condition::any()
                .add(tiktok_token::Column::RefreshClaimedUntil.is_null())
                .add(tiktok_token::Column::RefreshClaimedUntil.lte(at)),
        )
        .exec(&services.db)
        .await?;
    Ok(claimed.rows_affected == 1)
}

/// Lets go of the refresh claims held by processes of this machine that have died (see
/// [`crate::instance`]), so their accounts are refreshed again at once. A process killed after
/// TikTok rotated the refresh token but before storing it has lost the grant: the next refresh
/// is refused, and the account is flagged for reconnection and its owner told, as for any
/// refused grant. Returns how many claims were let go.
pub async fn release_dead_claims(
    db: &impl ConnectionTrait,
    instance: &crate::instance::Instance,
) -> Result<u64> {
    use sea_orm::QuerySelect;
    let holders: Vec<Option<String>> = tiktok_token::Entity::find()
        .select_only()
        .column(tiktok_token::Column::RefreshClaimedBy)
        .distinct()
        .filter(tiktok_token::Column::RefreshClaimedBy.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    let mut released = 0;
    for holder in holders.into_iter().flatten().filter(|h| instance.holder_is_dead(h)) {
        let freed =
            unclaimed().filter(tiktok_token::Column::RefreshClaimedBy.eq(holder.as_str())).exec(db).await?;
        tracing::warn!(holder = %holder, claims = freed.rows_affected, "took back the refresh claims of a process that died");
        released += freed.rows_affected;
    }
    Ok(released)
}

/// An update of token rows that also drops any refresh claim on them.
fn unclaimed() -> sea_orm::UpdateMany<tiktok_token::Entity> {
    tiktok_token::Entity::update_many()
        .col_expr(
            tiktok_token::Column::RefreshClaimedUntil,
            sea_orm::sea_query::Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            tiktok_token::Column::RefreshClaimedBy,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
}

/// Lets go of this process's claim on `generation` without changing the tokens (a claim that
/// lapsed and was taken by another process is theirs now, and stays).
async fn release(services: &Services, account_id: i64, generation: i64) -> Result<()> {
    unclaimed()
        .filter(tiktok_token::Column::AccountId.eq(account_id))
        .filter(tiktok_token::Column::Generation.eq(generation))
        .filter(tiktok_token::Column::RefreshClaimedBy.eq(services.instance.name()))
        .exec(&services.db)
        .await?;
    Ok(())
}

/// Refreshes the grant of `row`, whose claim this process holds, and stores the new generation.
async fn refresh_claimed(
    services: Services,
    row: tiktok_token::Model,
    at: DateTime<Utc>,
) -> std::result::Result<LiveToken, TokenFailure> {
    let services = &services;
    let account_id = row.account_id;
    let refresh_token = match open_token(services, &row, true) {
        Ok(token) => token,
        Err(error) => {
            release(services, account_id, row.generation).await?;
            return Err(error.into());
        }
    };
    let attempt = services.tiktok.retry.run(|| services.tiktok.login_kit.refresh(&refresh_token, at));
    let outcome = match tokio::time::timeout(REFRESH_DEADLINE, attempt).await {
        Ok(outcome) => outcome,
        Err(_) => Err(LoginKitError::Unavailable("the refresh took too long".into())),
    };
    match outcome {
        Ok(grant) => {
            // Committed before the new access token is used: the old refresh token is dead now,
            // so a passing database failure (a busy SQLite) is retried rather than losing it.
            let (access, refresh) = match seal_grant(services, account_id, &grant) {
                Ok(sealed) => sealed,
                Err(error) => {
                    release(services, account_id, row.generation).await?;
                    return Err(error.into());
                }
            };
            let mut tries: u64 = 0;
            let stored = loop {
                let attempt = store_refreshed(services, &row, &grant, &access, &refresh, at).await;
                tries += 1;
                match attempt {
                    Ok(stored) => break stored,
                    Err(error) if tries < 5 => {
                        tracing::warn!(account = account_id, error = %error, "storing a refreshed grant failed; retrying");
                        tokio::time::sleep(std::time::Duration::from_millis(200 * tries)).await;
                    }
                    Err(error) => {
                        tracing::error!(account = account_id, error = %error, "a refreshed grant could not be stored: it is lost");
                        return Err(TokenFailure::Failed(error.into()));
                    }
                }
            };
            if stored.rows_affected != 1 {
                // Disconnected or reconnected while TikTok answered: that newer state stands.
                return Err(TokenFailure::Failed(Error::invariant(
                    "the TikTok grant changed while it was being refreshed",
                )));
            }
            tiktok_account::Entity::update_many()
                .col_expr(
                    tiktok_account::Column::Scopes,
                    sea_orm::sea_query::Expr::value(Scopes::from(grant.scopes.clone())),
                )
                .col_expr(tiktok_account::Column::UpdatedAt, sea_orm::sea_query::Expr::value(at))
                .filter(tiktok_account::Column::Id.eq(account_id))
                .exec(&services.db)
                .await
                .map_err(Error::from)?;
            Ok(LiveToken { secret: grant.access_token, generation: row.generation + 1 })
        }
        Err(error) if error.needs_reconnect() => {
            release(services, account_id, row.generation).await?;
            // Final only if nobody stored a newer grant meanwhile.
            let now_stored =
                tiktok_token::Entity::find_by_id(account_id).one(&services.db).await.map_err(Error::from)?;
            match now_stored {
                Some(newer) if newer.generation != row.generation => Ok(LiveToken {
                    secret: open_token(services, &newer, false)?,
                    generation: newer.generation,
                }),
                _ => Err(TokenFailure::Refused(Some(row.generation))),
            }
        }
        Err(error) => {
            release(services, account_id, row.generation).await?;
            Err(Error::from(error).into())
        }
    }
}

/// Stores the grant a refresh of `row` returned, as the next generation (if `row`'s is still the
/// stored one), and lets go of the claim.
async fn store_refreshed(
    services: &Services,
    row: &tiktok_token::Model,
    grant: &TokenGrant,
    access: &Sealed,
    refresh: &Sealed,
    at: DateTime<Utc>,
) -> std::result::Result<sea_orm::UpdateResult, sea_orm::DbErr> {
    let account_id = row.account_id;
    unclaimed()
        .col_expr(tiktok_token::Column::KeyId, sea_orm::sea_query::Expr::value(access.key_id.clone()))
        .col_expr(tiktok_token::Column::AccessToken, sea_orm::sea_query::Expr::value(access.bytes.clone()))
        .col_expr(
            tiktok_token::Column::AccessExpiresAt,
            sea_orm::sea_query::Expr::value(grant.access_expires_at),
        )
        .col_expr(tiktok_token::Column::RefreshToken, sea_orm::sea_query::Expr::value(refresh.bytes.clone()))
        .col_expr(
            tiktok_token::Column::RefreshExpiresAt,
            sea_orm::sea_query::Expr::value(grant.refresh_expires_at),
        )
        .col_expr(tiktok_token::Column::Generation, sea_orm::sea_query::Expr::value(row.generation + 1))
        .col_expr(tiktok_token::Column::UpdatedAt, sea_orm::sea_query::Expr::value(at))
        .filter(tiktok_token::Column::AccountId.eq(account_id))
        .filter(tiktok_token::Column::Generation.eq(row.generation))
        .exec(&services.db)
        .await
}

/// Flags the account for reconnection, unless its tokens moved past `generation` meanwhile (a
/// newer grant from another process or a reconnect is not dead).
async fn flag_if_generation(
    services: &Services,
    account_id: i64,
    generation: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool> {
    if let Some(generation) = generation {
        let current = tiktok_token::Entity::find_by_id(account_id).one(&services.db).await?;
        if current.is_some_and(|row| row.generation != generation) {
            return Ok(false);
        }
    }
    flag(services, account_id, generation, now).await?;
    Ok(true)
}

/// Marks `account_id` as needing reconnection, deletes its dead tokens and emails its owner,
/// once per lapse.
pub async fn flag_for_reconnect(services: &Services, account_id: i64, now: DateTime<Utc>) -> Result<()> {
    flag(services, account_id, None, now).await
}

async fn flag(
    services: &Services,
    account_id: i64,
    generation: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    let txn = crate::db::begin_write(&services.db).await?;
    let Some(account) = tiktok_account::Entity::find_by_id(account_id).one(&txn).await? else {
        return Ok(());
    };
    if account.status == AccountStatus::Disconnected {
        return Ok(()); // withdrawn already: nothing to reconnect
    }
    let mut dead = tiktok_token::Entity::delete_many().filter(tiktok_token::Column::AccountId.eq(account_id));
    if let Some(generation) = generation {
        dead = dead.filter(tiktok_token::Column::Generation.eq(generation));
    }
    let deleted = dead.exec(&txn).await?.rows_affected;
    let still_has_tokens =
        deleted == 0 && tiktok_token::Entity::find_by_id(account_id).one(&txn).await?.is_some();
    if still_has_tokens {
        return Ok(()); // a newer grant arrived: not dead
    }
    // Only the flip from active sends the email, so two workers flagging at once send one.
    let flipped = tiktok_account::Entity::update_many()
        .col_expr(tiktok_account::Column::Status, sea_orm::sea_query::Expr::value(AccountStatus::Reconnect))
        .col_expr(tiktok_account::Column::ReconnectMailedAt, sea_orm::sea_query::Expr::value(now))
        .col_expr(tiktok_account::Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
        .filter(tiktok_account::Column::Id.eq(account_id))
        .filter(tiktok_account::Column::Status.eq(AccountStatus::Active))
        .filter(tiktok_account::Column::ReconnectMailedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    if !flipped {
        tiktok_account::Entity::update_many()
            .col_expr(
                tiktok_account::Column::Status,
                sea_orm::sea_query::Expr::value(AccountStatus::Reconnect),
            )
            .col_expr(tiktok_account::Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
            .filter(tiktok_account::Column::Id.eq(account_id))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    if flipped && let Some(owner) = user::Entity::find_by_id(account.user_id).one(&services.db).await? {
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

/// What TikTok said when Soco revoked its access on disconnect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revocation {
    /// TikTok confirmed the revocation.
    Confirmed,
    /// TikTok had already ended the grant (it refused the refresh token): nothing was left to
    /// revoke.
    AlreadyEnded,
    /// Soco held no working token (the account was flagged for reconnection, or was already
    /// disconnected), so it could not revoke: the grant may still be live at TikTok (a refresh
    /// lost mid-rotation leaves one there) until the user removes Soco in TikTok.
    NoToken,
    /// TikTok could not be reached or did not answer with success: the grant may still be live
    /// at TikTok until the user removes Soco there.
    NotConfirmed,
}

impl Revocation {
    /// A stable name, for links and the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Revocation::Confirmed => "confirmed",
            Revocation::AlreadyEnded => "ended",
            Revocation::NoToken => "none",
            Revocation::NotConfirmed => "unconfirmed",
        }
    }
}

/// Revokes the grant of `account_id` at TikTok with a live access token (refreshed first when
/// the stored one has lapsed), and says what TikTok answered. Never flags or emails.
async fn revoke_at_tiktok(services: &Services, account_id: i64, now: DateTime<Utc>) -> Revocation {
    let live = match live_token(services, account_id, None, now).await {
        Ok(live) => live,
        Err(TokenFailure::Refused(None)) => return Revocation::NoToken,
        Err(TokenFailure::Refused(Some(_))) => return Revocation::AlreadyEnded,
        Err(TokenFailure::Failed(error)) => {
            tracing::warn!(account = account_id, error = %error, "no live token to revoke with");
            return Revocation::NotConfirmed;
        }
    };
    let revoke = |secret: SecretString| async move {
        RetryPolicy::interactive().run(|| services.tiktok.login_kit.revoke(&secret)).await
    };
    let error = match revoke(live.secret).await {
        Ok(()) => return Revocation::Confirmed,
        Err(error) => error,
    };
    let refused_token = matches!(&error, LoginKitError::InvalidGrant { .. })
        || matches!(&error, LoginKitError::Rejected { error, .. } if error != "invalid_client");
    if !refused_token {
        tracing::warn!(account = account_id, error = %error, "TikTok did not confirm the revocation");
        return Revocation::NotConfirmed;
    }
    // TikTok refused the token itself, though Soco's copy looked fresh (TikTok's clock ahead of
    // ours, or an early rotation): refresh once, then revoke with the new token.
    match live_token(services, account_id, Some(live.generation), now).await {
        Ok(fresh) => match revoke(fresh.secret).await {
            Ok(()) => Revocation::Confirmed,
            Err(error) => {
                tracing::warn!(account = account_id, error = %error, "TikTok did not confirm the revocation");
                Revocation::NotConfirmed
            }
        },
        Err(TokenFailure::Refused(_)) => Revocation::AlreadyEnded,
        Err(TokenFailure::Failed(error)) => {
            tracing::warn!(account = account_id, error = %error, "no live token to revoke with");
            Revocation::NotConfirmed
        }
    }
}

/// Withdraws consent for the user's account `account_id`: revokes the grant at TikTok (with a
/// refreshed token when the stored one has lapsed), deletes both tokens at once whatever TikTok
/// said, marks the account disconnected and schedules its data's deletion in [`PURGE_AFTER`].
/// Returns the account and what TikTok answered, which the user is told as it is.
pub async fn disconnect(
    services: &Services,
    user: &user::Model,
    account_id: i64,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<(tiktok_account::Model, Revocation)> {
    let account = find(services, user, account_id).await?;
    if account.status == AccountStatus::Disconnected {
        // Already done: its deletion date stays where the first disconnect put it.
        return Ok((account.into_model(), Revocation::NoToken));
    }
    let revocation = revoke_at_tiktok(services, account.id, now).await;
    let txn = crate::db::begin_write(&services.db).await?;
    tiktok_token::Entity::delete_by_id(account.id).exec(&txn).await?;
    // Its sync stops now, failing or not (a reconnect queues it anew).
    job::Entity::delete_many()
        .filter(job::Column::DedupeKey.is_in(crate::tiktok::sync::job_keys(account.id)))
        .exec(&txn)
        .await?;
    let mut row = account.into_model().into_active_model();
    row.status = Set(AccountStatus::Disconnected);
    row.disconnected_at = Set(Some(now));
    row.purge_after = Set(Some(now + PURGE_AFTER));
    row.updated_at = Set(now);
    let account = row.update(&txn).await?;
    let detail = format!("{} (revocation {})", account.open_id, revocation.as_str());
    audit::record(&txn, Some(user.id), EventKind::TikTokDisconnected, meta, Some(&detail), now).await?;
    let handle =
        account.username.as_deref().map_or_else(|| account.display_name.clone(), |name| format!("@{name}"));
    crate::privacy::requests::record_done(&txn, user, RequestKind::Withdrawal, &handle, now).await?;
    txn.commit().await?;
    Ok((account, revocation))
}

/// Deletes disconnected accounts whose 30 days are over, with everything synced for them
/// (snapshots and videos go with the account row). Returns how many.
pub async fn purge_disconnected(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    let due = tiktok_account::Entity::find()
        .filter(tiktok_account::Column::Status.eq(AccountStatus::Disconnected))
        .filter(tiktok_account::Column::PurgeAfter.lte(now))
        .all(db)
        .await?;
    let mut purged = 0;
    for account in due {
        // Still due when deleted (not reconnected meanwhile); its jobs go with it, given-up ones
        // and their error text included (jobs reference nothing, so nothing cascades to them).
        let deleted = tiktok_account::Entity::delete_many()
            .filter(tiktok_account::Column::Id.eq(account.id))
            .filter(tiktok_account::Column::Status.eq(AccountStatus::Disconnected))
            .filter(tiktok_account::Column::PurgeAfter.lte(now))
            .exec(db)
            .await?;
        if deleted.rows_affected == 1 {
            job::Entity::delete_many()
                .filter(job::Column::DedupeKey.is_in(crate::tiktok::sync::job_keys(account.id)))
                .exec(db)
                .await?;
            purged += 1;
        }
    }
    Ok(purged)
}

/// Deletes consent flows nobody came back from.
pub async fn delete_expired_flows(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    Ok(tiktok_connect_flow::Entity::delete_many()
        .filter(tiktok_connect_flow::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}
