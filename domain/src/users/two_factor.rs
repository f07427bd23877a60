//! Two-step verification: the TOTP secret (sealed in the vault), setting it up and confirming
//! it, checking a code once per step, recovery codes shown once, and turning it off.

use crate::actor::Actor;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, Set,
};
use secrecy::{ExposeSecret, SecretString};

use super::email::require_verified;
use super::password::{begin_change, require_password};
use super::send_alert;
use crate::audit::{self, EventKind};
use crate::auth::RequestMeta;
use crate::auth::session::{self, NewSession};
use crate::auth::token::hash_str;
use crate::auth::totp;
use crate::entities::{recovery_code, user};
use crate::error::Code;
use crate::mail::templates::Alert;
use crate::services::Services;
use crate::vault::{Binding, Sealed};
use crate::{Error, Result};

/// How long new recovery codes stay on show (for a reload, or a browser without JavaScript that
/// follows the redirect); after that only their hashes remain.
pub const RECOVERY_CODES_SHOWN_FOR: Duration = Duration::minutes(10);

/// The vault binding of a user's TOTP secret.
pub(crate) fn totp_binding(user_id: i64) -> Binding<'static> {
    Binding { purpose: "users.totp_secret", row_id: user_id }
}

/// The vault binding of a user's not-yet-acknowledged recovery codes.
pub(crate) fn recovery_binding(user_id: i64) -> Binding<'static> {
    Binding { purpose: "users.recovery_codes_shown", row_id: user_id }
}

fn open_totp_secret(services: &Services, user: &user::Model) -> Result<Option<SecretString>> {
    match (&user.totp_secret, &user.totp_key_id) {
        (Some(bytes), Some(key_id)) => {
            let sealed = Sealed { key_id: key_id.clone(), bytes: bytes.clone() };
            services
                .vault
                .open(&sealed, totp_binding(user.id))
                .map(Some)
                .map_err(|e| Error::internal(format!("opening the TOTP secret of user {}", user.id), e))
        }
        _ => Ok(None),
    }
}

/// The TOTP step `code` is valid for, if it is.
pub(super) fn check_totp(
    services: &Services,
    user: &user::Model,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let Some(secret) = open_totp_secret(services, user)? else { return Ok(None) };
    let step = totp::check(&secret, &user.email, code, u64::try_from(now.timestamp()).unwrap_or(0))?;
    Ok(step.and_then(|step| i64::try_from(step).ok()))
}

/// Records `step` as the user's last accepted TOTP step, unless it is not later than the last
/// one: only then is the code good.
pub(super) async fn accept_totp_step(db: &impl ConnectionTrait, user_id: i64, step: i64) -> Result<bool> {
    let accepted = user::Entity::update_many()
        .col_expr(user::Column::TotpLastStep, sea_orm::sea_query::Expr::value(step))
        .filter(user::Column::Id.eq(user_id))
        .filter(
            sea_orm::Condition::any()
                .add(user::Column::TotpLastStep.is_null())
                .add(user::Column::TotpLastStep.lt(step)),
        )
        .exec(db)
        .await?;
    Ok(accepted.rows_affected == 1)
}

pub(super) async fn use_recovery_code(
    db: &impl ConnectionTrait,
    user_id: i64,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let normalised = totp::normalise_recovery_code(code);
    if normalised.len() != totp::RECOVERY_CODE_LEN {
        return Ok(false);
    }
    let used = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, sea_orm::sea_query::Expr::value(now))
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::CodeHash.eq(hash_str(&normalised)))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(used.rows_affected == 1)
}

/// Turns 2FA off in `active` (saved by the caller) and deletes the recovery codes.
pub(super) async fn clear_second_factor(
    db: &impl ConnectionTrait,
    active: &mut user::ActiveModel,
    user_id: i64,
) -> Result<()> {
    drop_pending_setup(active);
    active.totp_enabled_at = Set(None);
    active.totp_last_step = Set(None);
    active.recovery_codes_shown = Set(None);
    active.recovery_codes_key_id = Set(None);
    active.recovery_codes_shown_until = Set(None);
    recovery_code::Entity::delete_many().filter(recovery_code::Column::UserId.eq(user_id)).exec(db).await?;
    Ok(())
}

/// Forgets a 2FA setup that was started but never confirmed.
pub(super) fn drop_pending_setup(active: &mut user::ActiveModel) {
    active.totp_secret = Set(None);
    active.totp_key_id = Set(None);
    active.totp_setup_session_id = Set(None);
}

/// A 2FA setup in progress: what the user scans or types into their authenticator.
#[derive(Debug, Clone)]
pub struct TotpSetup {
    /// The base32 secret, for typing in.
    pub secret: SecretString,
    /// The `otpauth://` URI.
    pub uri: String,
    /// The URI as an inline SVG QR code.
    pub qr_svg: String,
}

/// Starts (or restarts) 2FA setup: the address must be confirmed (an account set up by someone
/// who does not own the address must not gain a factor its owner cannot remove by a reset) and
/// the password is required (a browser left signed in must not enrol someone else's
/// authenticator). A new secret is sealed and stored, not yet enabled, for this session only.
pub async fn begin_totp_setup(actor: &Actor<'_>, password: &SecretString) -> Result<TotpSetup> {
    let Actor { services, session: current, meta, now } = *actor;
    let user = &current.user;
    if user.totp_enabled_at.is_some() {
        return Err(Error::invalid("code", Code::TwoFactorAlreadyOn));
    }
    require_verified(user)?;
    require_password(services, current, password, "password", meta, now).await?;
    let secret = totp::new_secret()?;
    let sealed = services
        .vault
        .seal(&secret, totp_binding(user.id))
        .map_err(|e| Error::internal("sealing a TOTP secret", e))?;
    let txn = begin_change(services, current, now).await?;
    let mut active = user.clone().into_active_model();
    active.totp_secret = Set(Some(sealed.bytes));
    active.totp_key_id = Set(Some(sealed.key_id));
    active.totp_setup_session_id = Set(Some(current.session.id));
    active.totp_last_step = Set(None);
    active.updated_at = Set(now);
    active.update(&txn).await?;
    txn.commit().await?;
    let uri = totp::provisioning_uri(&secret, &user.email)?;
    let qr_svg = totp::qr_svg(&uri)?;
    Ok(TotpSetup { secret, uri, qr_svg })
}

/// New recovery codes, as 2FA turns on or they are replaced: the codes (shown for
/// [`RECOVERY_CODES_SHOWN_FOR`], stored only hashed) and the session that replaces the caller's.
#[derive(Debug)]
pub struct RecoveryCodesIssued {
    /// The ten recovery codes.
    pub codes: Vec<SecretString>,
    /// The new session; every other one ended.
    pub session: NewSession,
}

/// Turns 2FA on once the user proves their app works (the code's step is the first accepted),
/// from the session that started the setup only. Every other session ends and this one is
/// replaced.
pub async fn confirm_totp_setup(actor: &Actor<'_>, code: &str) -> Result<RecoveryCodesIssued> {
    let Actor { services, session: current, meta, now } = *actor;
    let user = &current.user;
    if user.totp_enabled_at.is_some() {
        return Err(Error::invalid("code", Code::TwoFactorAlreadyOn));
    }
    if user.totp_setup_session_id != Some(current.session.id) {
        return Err(Error::invalid("code", Code::TwoFactorSetupElsewhere));
    }
    let Some(step) = check_totp(services, user, code, now)? else {
        return Err(Error::invalid("code", Code::CodeInvalid));
    };
    let txn = begin_change(services, current, now).await?;
    // The secret the code was checked against is still the one stored (no restart meanwhile).
    let stored = user::Entity::find_by_id(user.id).one(&txn).await?.ok_or(Error::NotFound)?;
    if stored.totp_secret != user.totp_secret || stored.totp_setup_session_id != Some(current.session.id) {
        return Err(Error::invalid("code", Code::TwoFactorSetupElsewhere));
    }
    let codes = replace_recovery_codes(&txn, user.id).await?;
    let shown = seal_codes(services, user.id, &codes)?;
    let mut active = user.clone().into_active_model();
    active.totp_enabled_at = Set(Some(now));
    active.totp_setup_session_id = Set(None);
    active.totp_last_step = Set(Some(step));
    active.recovery_codes_shown = Set(Some(shown.bytes));
    active.recovery_codes_key_id = Set(Some(shown.key_id));
    active.recovery_codes_shown_until = Set(Some(now + RECOVERY_CODES_SHOWN_FOR));
    active.updated_at = Set(now);
    active.update(&txn).await?;
    let session = session::rotate(&txn, current, meta, now).await?;
    audit::record(&txn, Some(user.id), EventKind::TwoFactorEnabled, meta, None, now).await?;
    txn.commit().await?;
    send_alert(services, user, Alert::TwoFactorEnabled, now).await;
    Ok(RecoveryCodesIssued { codes, session })
}

async fn replace_recovery_codes(db: &impl ConnectionTrait, user_id: i64) -> Result<Vec<SecretString>> {
    recovery_code::Entity::delete_many().filter(recovery_code::Column::UserId.eq(user_id)).exec(db).await?;
    let codes = totp::new_recovery_codes()?;
    let rows = codes.iter().map(|code| recovery_code::ActiveModel {
        user_id: Set(user_id),
        code_hash: Set(hash_str(&totp::normalise_recovery_code(code.expose_secret()))),
        used_at: Set(None),
        ..Default::default()
    });
    recovery_code::Entity::insert_many(rows).exec(db).await?;
    Ok(codes)
}

/// How a change to a second factor that is on begins: refused (`Forbidden`) when it is off, then
/// the password, then the change's transaction ([`begin_change`]).
async fn begin_two_factor_change(
    services: &Services,
    current: &session::Resolved,
    password: &SecretString,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<sea_orm::DatabaseTransaction> {
    if current.user.totp_enabled_at.is_none() {
        return Err(Error::Forbidden);
    }
    require_password(services, current, password, "password", meta, now).await?;
    begin_change(services, current, now).await
}

/// Replaces the recovery codes (the password is required); returns the new ones and the session
/// that replaces the caller's (every other one ends, so no other browser sees the new codes).
pub async fn regenerate_recovery_codes(
    actor: &Actor<'_>,
    password: &SecretString,
) -> Result<RecoveryCodesIssued> {
    let Actor { services, session: current, meta, now } = *actor;
    let user = &current.user;
    let txn = begin_two_factor_change(services, current, password, meta, now).await?;
    let codes = replace_recovery_codes(&txn, user.id).await?;
    let shown = seal_codes(services, user.id, &codes)?;
    let mut active = user.clone().into_active_model();
    active.recovery_codes_shown = Set(Some(shown.bytes));
    active.recovery_codes_key_id = Set(Some(shown.key_id));
    active.recovery_codes_shown_until = Set(Some(now + RECOVERY_CODES_SHOWN_FOR));
    active.updated_at = Set(now);
    active.update(&txn).await?;
    let session = session::rotate(&txn, current, meta, now).await?;
    audit::record(&txn, Some(user.id), EventKind::RecoveryCodesRegenerated, meta, None, now).await?;
    txn.commit().await?;
    Ok(RecoveryCodesIssued { codes, session })
}

fn seal_codes(services: &Services, user_id: i64, codes: &[SecretString]) -> Result<Sealed> {
    let joined = codes.iter().map(|c| c.expose_secret().to_owned()).collect::<Vec<_>>().join("\n");
    services
        .vault
        .seal(&SecretString::from(joined), recovery_binding(user_id))
        .map_err(|e| Error::internal("sealing recovery codes", e))
}

/// The recovery codes made last, for [`RECOVERY_CODES_SHOWN_FOR`] after they were made, until the
/// user confirms they saved them.
pub fn recovery_codes_to_show(actor: &Actor<'_>) -> Result<Option<Vec<String>>> {
    let Actor { services, now, .. } = *actor;
    let user = &actor.session.user;
    let (Some(bytes), Some(key_id)) = (&user.recovery_codes_shown, &user.recovery_codes_key_id) else {
        return Ok(None);
    };
    if user.recovery_codes_shown_until.is_none_or(|until| until <= now) {
        return Ok(None);
    }
    let sealed = Sealed { key_id: key_id.clone(), bytes: bytes.clone() };
    let codes = services
        .vault
        .open(&sealed, recovery_binding(user.id))
        .map_err(|e| Error::internal(format!("opening the recovery codes of user {}", user.id), e))?;
    Ok(Some(codes.expose_secret().lines().map(str::to_owned).collect()))
}

/// Forgets the shown recovery codes once the user has saved them (their hashes stay).
pub async fn acknowledge_recovery_codes(actor: &Actor<'_>) -> Result<()> {
    let Actor { services, now, .. } = *actor;
    let user = &actor.session.user;
    let mut active = user.clone().into_active_model();
    active.recovery_codes_shown = Set(None);
    active.recovery_codes_key_id = Set(None);
    active.recovery_codes_shown_until = Set(None);
    active.updated_at = Set(now);
    active.update(&services.db).await?;
    Ok(())
}

/// The 2FA setup in progress (secret stored, not yet confirmed), for showing again.
pub fn totp_setup_in_progress(services: &Services, current: &session::Resolved) -> Result<Option<TotpSetup>> {
    let user = &current.user;
    // Only the session that started it sees the secret.
    if user.totp_enabled_at.is_some() || user.totp_setup_session_id != Some(current.session.id) {
        return Ok(None);
    }
    let Some(secret) = open_totp_secret(services, user)? else { return Ok(None) };
    let uri = totp::provisioning_uri(&secret, &user.email)?;
    let qr_svg = totp::qr_svg(&uri)?;
    Ok(Some(TotpSetup { secret, uri, qr_svg }))
}

/// How many unused recovery codes the user has left.
pub async fn recovery_codes_left(db: &impl ConnectionTrait, user_id: i64) -> Result<u64> {
    Ok(recovery_code::Entity::find()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .count(db)
        .await?)
}

/// Turns 2FA off; the password is required. Every other session ends and this one is replaced
/// (the new one is returned for the caller to set).
pub async fn disable_totp(actor: &Actor<'_>, password: &SecretString) -> Result<NewSession> {
    let Actor { services, session: current, meta, now } = *actor;
    let user = &current.user;
    let txn = begin_two_factor_change(services, current, password, meta, now).await?;
    let mut active = user.clone().into_active_model();
    clear_second_factor(&txn, &mut active, user.id).await?;
    active.updated_at = Set(now);
    active.update(&txn).await?;
    let session = session::rotate(&txn, current, meta, now).await?;
    audit::record(&txn, Some(user.id), EventKind::TwoFactorDisabled, meta, None, now).await?;
    txn.commit().await?;
    send_alert(services, user, Alert::TwoFactorDisabled, now).await;
    Ok(session)
}
