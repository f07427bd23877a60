//! Passwords: the strength rules, asking again for the current one (a session that guesses
//! wrong too often is signed out), the emailed reset and the change while signed in.

use crate::actor::Actor;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use secrecy::{ExposeSecret, SecretString};

use super::email::normalise_email;
use super::links::{Purpose, end_links, issue_token, redeem_for_user};
use super::two_factor::{clear_second_factor, drop_pending_setup};
use super::{find_user_by_email, limit, refused, send_alert};
use crate::audit::{self, EventKind};
use crate::auth::RequestMeta;
use crate::auth::password::{Weakness, check_strength};
use crate::auth::rate_limit::Action;
use crate::auth::session::{self};
use crate::auth::throttle::{self, Admission, Key};
use crate::auth::token::{hash_token, looks_like_token};
use crate::entities::{account_token, user};
use crate::error::Code;
use crate::mail::templates::{self, Alert};
use crate::services::Services;
use crate::{Error, Result};

pub(super) fn check_password(
    field: &'static str,
    password: &SecretString,
    email: &str,
    name: &str,
) -> Result<()> {
    check_strength(password.expose_secret(), email, name).map_err(|weakness| {
        Error::invalid(
            field,
            match weakness {
                Weakness::TooShort => Code::PasswordTooShort,
                Weakness::TooLong => Code::PasswordTooLong,
                Weakness::Guessable(_) => Code::PasswordGuessable,
            },
        )
    })
}

/// Inside a write transaction: refuses ([`Error::Unauthorized`]) unless `current`'s user still
/// has the password this request checked and `current` is still live, and holds the user's row
/// until the commit. A reset or password change that commits while a slower request is on its
/// way therefore wins: the request finds the hash or its session gone instead of writing after
/// it (a new session, a new link, an old password back).
pub(super) async fn ensure_unchanged(
    txn: &sea_orm::DatabaseTransaction,
    current: &session::Resolved,
    now: DateTime<Utc>,
) -> Result<()> {
    ensure_password_unchanged(txn, &current.user, now).await?;
    if !session::is_live(txn, current.session.id).await? {
        return Err(Error::Unauthorized);
    }
    Ok(())
}

/// Opens the write transaction of a change `current` asked for, and refuses it
/// ([`ensure_unchanged`]) when the user's password or the session changed since the request was
/// checked: how every change a signed-in user confirms begins.
pub(super) async fn begin_change(
    services: &Services,
    current: &session::Resolved,
    now: DateTime<Utc>,
) -> Result<sea_orm::DatabaseTransaction> {
    let txn = crate::db::begin_write(&services.db).await?;
    ensure_unchanged(&txn, current, now).await?;
    Ok(txn)
}

/// The user part of [`ensure_unchanged`]: their password hash is still `user.password_hash`.
pub(super) async fn ensure_password_unchanged(
    txn: &sea_orm::DatabaseTransaction,
    user: &user::Model,
    now: DateTime<Utc>,
) -> Result<()> {
    let held = user::Entity::update_many()
        .col_expr(user::Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
        .filter(user::Column::Id.eq(user.id))
        .filter(user::Column::PasswordHash.eq(user.password_hash.clone()))
        .exec(txn)
        .await?;
    if held.rows_affected == 1 { Ok(()) } else { Err(Error::Unauthorized) }
}

/// Checks a password a signed-in user typed to confirm a sensitive change. Attempts are counted
/// per user like logins (in their own namespace): wrong means `field` is invalid, and too many
/// end this session ([`Error::Unauthorized`]), so a stolen session cannot guess its way on.
pub(super) async fn require_password(
    services: &Services,
    current: &session::Resolved,
    password: &SecretString,
    field: &'static str,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<()> {
    let db = &services.db;
    let user = &current.user;
    let key = Key::PasswordCheck(user.id);
    let locks = match throttle::reserve(db, key, now).await? {
        Admission::Refused(_) => return end_for_guessing(services, current, meta, now).await,
        Admission::Admitted { locks } => locks,
    };
    if services.passwords.verify(password, &user.password_hash).await? {
        throttle::clear(db, key).await?;
        return Ok(());
    }
    audit::record(db, Some(user.id), EventKind::LoginFailed, meta, Some("password check"), now).await?;
    if locks {
        return end_for_guessing(services, current, meta, now).await;
    }
    Err(Error::invalid(field, Code::PasswordWrong))
}

/// Ends a session that typed too many wrong passwords.
async fn end_for_guessing(
    services: &Services,
    current: &session::Resolved,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<()> {
    session::revoke(&services.db, current.user.id, current.session.id).await?;
    audit::record(
        &services.db,
        Some(current.user.id),
        EventKind::LockedOut,
        meta,
        Some("password check"),
        now,
    )
    .await?;
    Err(Error::invalid("password", Code::SignedOutAfterGuesses))
}

/// Emails a reset link when the address has an account; answers the same either way, at once:
/// looking the address up, making the link and mailing it run after the answer (mail to one
/// address is limited to five an hour, silently).
pub async fn request_password_reset(
    services: &Services,
    email: &str,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<()> {
    limit(services, Action::PasswordReset, meta)?;
    let email = normalise_email(email)?;
    let background = services.clone();
    services.background.spawn(async move {
        if let Err(err) = send_reset_link(&background, &email, now).await {
            tracing::warn!(error = %err, "reset link not sent");
        }
    });
    Ok(())
}

/// The part of [`request_password_reset`] that depends on whether the address has an account.
async fn send_reset_link(services: &Services, email: &str, now: DateTime<Utc>) -> Result<()> {
    let Some(user) = find_user_by_email(&services.db, email).await? else { return Ok(()) };
    if let Admission::Refused(wait) = throttle::reserve(&services.db, Key::ResetTo(&user.email), now).await? {
        return Err(refused(wait));
    }
    let token = issue_token(&services.db, user.id, Purpose::ResetPassword, None, now).await?;
    let link = services.config.link(&format!("/reset-password?token={}", token.expose_secret()));
    services.mailer.send_later(templates::reset_password(
        &user.email,
        &user.locale,
        &user.display_name,
        &link,
    ));
    Ok(())
}

/// Sets a new password from a reset link, ends every session and every other link, and alerts
/// the owner. Does not sign in: the user logs in with the new password. When the address was
/// never confirmed, whoever set the account up had not shown they own it: their second factor,
/// recovery codes and pending changes go too, and the address counts as confirmed from now.
pub async fn reset_password(
    services: &Services,
    token: &str,
    new_password: &SecretString,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<()> {
    limit(services, Action::PasswordReset, meta)?;
    if !looks_like_token(token) {
        return Err(Error::invalid("token", Code::LinkInvalid));
    }
    // Check the password against its owner before spending the token on it.
    let owner = account_token::Entity::find()
        .filter(account_token::Column::TokenHash.eq(hash_token(&SecretString::from(token.to_owned()))))
        .find_also_related(user::Entity)
        .one(&services.db)
        .await?;
    if let Some((_, Some(user))) = &owner {
        check_password("password", new_password, &user.email, &user.display_name)?;
    }
    let hash = services.passwords.hash(new_password).await?;
    let txn = crate::db::begin_write(&services.db).await?;
    let (_, user) = redeem_for_user(&txn, token, Purpose::ResetPassword, now).await?;
    let mut active = user.clone().into_active_model();
    active.password_hash = Set(hash);
    active.updated_at = Set(now);
    if user.email_verified_at.is_none() {
        // Receiving the link proves the address; nothing the earlier holder set up survives.
        active.email_verified_at = Set(Some(now));
        clear_second_factor(&txn, &mut active, user.id).await?;
    }
    if user.totp_enabled_at.is_none() {
        drop_pending_setup(&mut active);
    }
    active.update(&txn).await?;
    end_links(&txn, user.id, None, now).await?;
    session::revoke_all_except(&txn, user.id, None).await?;
    audit::record(&txn, Some(user.id), EventKind::PasswordReset, meta, None, now).await?;
    txn.commit().await?;
    // Proving the address lifts every lock others may have run the account into.
    for key in [Key::Login(&user.email), Key::SecondFactor(user.id), Key::PasswordCheck(user.id)] {
        throttle::clear(&services.db, key).await?;
    }
    send_alert(services, &user, Alert::PasswordChanged, now).await;
    Ok(())
}

/// Changes the password of a signed-in user (the current one is required) and ends every other
/// session and every link not yet opened.
pub async fn change_password(
    actor: &Actor<'_>,
    old_password: &SecretString,
    new_password: &SecretString,
) -> Result<()> {
    let Actor { services, session: current, meta, now } = *actor;
    let user = &current.user;
    require_password(services, current, old_password, "current_password", meta, now).await?;
    check_password("new_password", new_password, &user.email, &user.display_name)?;
    let hash = services.passwords.hash(new_password).await?;
    let txn = begin_change(services, current, now).await?;
    let mut active = user.clone().into_active_model();
    active.password_hash = Set(hash);
    active.updated_at = Set(now);
    if user.totp_enabled_at.is_none() {
        drop_pending_setup(&mut active);
    }
    active.update(&txn).await?;
    end_links(&txn, user.id, None, now).await?;
    session::revoke_all_except(&txn, user.id, Some(current.session.id)).await?;
    audit::record(&txn, Some(user.id), EventKind::PasswordChanged, meta, None, now).await?;
    txn.commit().await?;
    send_alert(services, user, Alert::PasswordChanged, now).await;
    Ok(())
}
