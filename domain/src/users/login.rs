//! Signing in and out: the password, then the second factor when it is on; lockouts are counted
//! in the database, and the answer is the same whether the address has an account or not.

use chrono::{DateTime, Utc};
use sea_orm::EntityTrait;
use secrecy::SecretString;

use super::email::normalise_email;
use super::password::ensure_password_unchanged;
use super::two_factor::{accept_totp_step, check_totp, use_recovery_code};
use super::{find_user_by_email, limit, refused, send_alert};
use crate::audit::{self, EventKind};
use crate::auth::RequestMeta;
use crate::auth::rate_limit::Action;
use crate::auth::session::{self, NewSession, Stage};
use crate::auth::throttle::{self, Admission, Key};
use crate::entities::user;
use crate::error::Code;
use crate::mail::templates::Alert;
use crate::services::Services;
use crate::{Error, Result};

/// Where a login got to.
#[derive(Debug)]
pub enum LoginOutcome {
    /// Signed in.
    SignedIn(NewSession),
    /// Password right; the second factor is owed (the session grants nothing else).
    SecondFactorNeeded(NewSession),
}

/// Checks an email and password. Wrong address, wrong password and locked-out address all give
/// [`Error::Unauthorized`] (lockout gives [`Error::RateLimited`], for any address alike). The
/// attempt is counted before the password is checked, so parallel guesses share one budget; a
/// string that cannot be an address has no account and no counter, and costs the same.
pub async fn login(
    services: &Services,
    email: &str,
    password: &SecretString,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<LoginOutcome> {
    limit(services, Action::Login, meta)?;
    let db = &services.db;
    let Ok(email) = normalise_email(email) else {
        services.passwords.verify_dummy(password).await?;
        return Err(Error::Unauthorized);
    };
    let key = Key::Login(&email);
    let locks = match throttle::reserve(db, key, now).await? {
        Admission::Refused(wait) => return Err(refused(wait)),
        Admission::Admitted { locks } => locks,
    };
    let user = find_user_by_email(db, &email).await?;
    let matches = match &user {
        Some(user) => services.passwords.verify(password, &user.password_hash).await?,
        None => services.passwords.verify_dummy(password).await?,
    };
    let user = match (user, matches) {
        (Some(user), true) => user,
        (user, _) => {
            let user_id = user.map(|u| u.id);
            audit::record(db, user_id, EventKind::LoginFailed, meta, None, now).await?;
            if locks {
                audit::record(db, user_id, EventKind::LockedOut, meta, None, now).await?;
            }
            return Err(Error::Unauthorized);
        }
    };
    throttle::clear(db, key).await?;
    // Whoever knows the password may start over the in-session checks a session used up.
    throttle::clear(db, Key::PasswordCheck(user.id)).await?;
    if user.totp_enabled_at.is_some() {
        let txn = crate::db::begin_write(db).await?;
        // A reset that committed while the hash was checked wins over this login.
        ensure_password_unchanged(&txn, &user, now).await?;
        let pending = session::create(&txn, user.id, Stage::SecondFactor, meta, now).await?;
        txn.commit().await?;
        return Ok(LoginOutcome::SecondFactorNeeded(pending));
    }
    finish_login(services, &user, meta, now).await.map(LoginOutcome::SignedIn)
}

/// Starts the real session, records the login and alerts on a new device.
async fn finish_login(
    services: &Services,
    user: &user::Model,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<NewSession> {
    let txn = crate::db::begin_write(&services.db).await?;
    // The password checked is still the account's (no reset or change committed meanwhile).
    ensure_password_unchanged(&txn, user, now).await?;
    let known = session::known_user_agent(&txn, user.id, &meta.user_agent).await?;
    // An account scheduled for deletion signs in to one thing only: cancelling it.
    // (Read again in the transaction: a deletion may have been scheduled while the password was
    // being checked.)
    let fresh = user::Entity::find_by_id(user.id).one(&txn).await?;
    let scheduled = fresh.is_none_or(|fresh| fresh.erase_after.is_some());
    let stage = if scheduled { Stage::ErasurePending } else { Stage::Active };
    let new_session = session::create(&txn, user.id, stage, meta, now).await?;
    audit::record(&txn, Some(user.id), EventKind::Login, meta, None, now).await?;
    txn.commit().await?;
    if !known {
        let alert = Alert::NewDevice {
            user_agent: meta.user_agent.clone(),
            ip: meta.ip.to_string(),
            when: now.format("%Y-%m-%d %H:%M UTC").to_string(),
        };
        send_alert(services, user, alert, now).await;
    }
    Ok(new_session)
}

/// Completes a login that owes its second factor, with a TOTP code or a recovery code. The
/// pending session is replaced by a new one, so the session id changes again. Each TOTP step is
/// accepted once: the step is recorded, the pending session ended, in one transaction, so a code
/// seen over a shoulder (or sent twice at once) opens nothing more.
pub async fn complete_second_factor(
    services: &Services,
    pending: &session::Resolved,
    code: &str,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<NewSession> {
    limit(services, Action::TwoFactor, meta)?;
    if pending.stage != Stage::SecondFactor {
        return Err(Error::Forbidden);
    }
    let db = &services.db;
    let user = &pending.user;
    let key = Key::SecondFactor(user.id);
    let locks = match throttle::reserve(db, key, now).await? {
        Admission::Refused(wait) => return Err(refused(wait)),
        Admission::Admitted { locks } => locks,
    };
    let txn = crate::db::begin_write(db).await?;
    let totp_step = check_totp(services, user, code, now)?;
    let used_recovery = match totp_step {
        Some(step) if accept_totp_step(&txn, user.id, step).await? => Some(false),
        Some(_) => None,
        None if use_recovery_code(&txn, user.id, code, now).await? => Some(true),
        None => None,
    };
    let Some(used_recovery) = used_recovery else {
        txn.rollback().await?;
        audit::record(db, Some(user.id), EventKind::LoginFailed, meta, Some("second factor"), now).await?;
        if locks {
            audit::record(db, Some(user.id), EventKind::LockedOut, meta, Some("second factor"), now).await?;
            // Whoever typed these knew the password: the owner should hear of it.
            send_alert(services, user, Alert::SecondFactorFailures { ip: meta.ip.to_string() }, now).await;
        }
        return Err(Error::invalid("code", Code::CodeInvalid));
    };
    // The pending session is spent once: a second request with it finds nothing to end.
    let ended = crate::entities::session::Entity::delete_by_id(pending.session.id).exec(&txn).await?;
    if ended.rows_affected != 1 {
        txn.rollback().await?;
        return Err(Error::Unauthorized);
    }
    txn.commit().await?;
    throttle::clear(db, key).await?;
    if used_recovery {
        audit::record(db, Some(user.id), EventKind::RecoveryCodeUsed, meta, None, now).await?;
    }
    finish_login(services, user, meta, now).await
}

/// Ends the session of this cookie.
pub async fn logout(
    services: &Services,
    resolved: &session::Resolved,
    token: &SecretString,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<()> {
    session::end(&services.db, token).await?;
    audit::record(&services.db, Some(resolved.user.id), EventKind::Logout, meta, None, now).await?;
    Ok(())
}
