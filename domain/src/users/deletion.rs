//! Deleting one's own account. Asked for with the password (and the second factor when it is
//! on), it takes effect at once where it can: every TikTok account is disconnected (the grant
//! revoked at TikTok, its tokens deleted, its sync stopped), every session and emailed link
//! ends, and signing in grants nothing but cancelling. After the grace period
//! (`SOCO_ERASURE_GRACE_DAYS`, at most 30 days) housekeeping deletes every row of the user
//! (`privacy::erasure`). Signing in within it offers to cancel.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use secrecy::SecretString;

use super::links::end_links;
use super::password::{begin_change, require_password};
use super::two_factor::{accept_totp_step, check_totp, use_recovery_code};
use super::{limit, refused, send_alert};
use crate::actor::Actor;
use crate::audit::{self, EventKind};
use crate::auth::RequestMeta;
use crate::auth::rate_limit::Action;
use crate::auth::session::{self, NewSession, Stage};
use crate::auth::throttle::{self, Admission, Key};
use crate::entities::{privacy_request, user};
use crate::error::Code;
use crate::mail::templates::Alert;
use crate::privacy::{Channel, RequestKind, RequestStatus, deadline};
use crate::services::Services;
use crate::tiktok::connections::{self, AccountStatus};
use crate::{Error, Result};

/// Checks the second factor a signed-in user typed to confirm a deletion: a TOTP code (each
/// step once) or a recovery code, counted with the sign-in attempts of the same user.
async fn require_second_factor(actor: &Actor<'_>, code: &str) -> Result<()> {
    let Actor { services, session: current, meta, now } = *actor;
    let user = &current.user;
    limit(services, Action::TwoFactor, meta)?;
    let db = &services.db;
    let key = Key::SecondFactor(user.id);
    let locks = match throttle::reserve(db, key, now).await? {
        Admission::Refused(wait) => return Err(refused(wait)),
        Admission::Admitted { locks } => locks,
    };
    let recovery = match check_totp(services, user, code, now)? {
        Some(step) => accept_totp_step(db, user.id, step).await?.then_some(false),
        None => use_recovery_code(db, user.id, code, now).await?.then_some(true),
    };
    let Some(recovery) = recovery else {
        audit::record(db, Some(user.id), EventKind::LoginFailed, meta, Some("second factor"), now).await?;
        if locks {
            // Whoever typed these holds a session and the password: end it, tell the owner.
            session::revoke(db, user.id, current.session.id).await?;
            audit::record(db, Some(user.id), EventKind::LockedOut, meta, Some("second factor"), now).await?;
            send_alert(services, user, Alert::SecondFactorFailures { ip: meta.ip.to_string() }, now).await;
            return Err(Error::invalid("code", Code::SignedOutAfterGuesses));
        }
        return Err(Error::invalid("code", Code::CodeInvalid));
    };
    throttle::clear(db, key).await?;
    if recovery {
        audit::record(db, Some(user.id), EventKind::RecoveryCodeUsed, meta, Some("account deletion"), now)
            .await?;
    }
    Ok(())
}

/// Schedules the actor's account for deletion after the grace period; returns when. Checks the
/// password, and the second factor when it is on, before anything changes.
pub async fn request_deletion(
    actor: &Actor<'_>,
    password: &SecretString,
    code: &str,
) -> Result<DateTime<Utc>> {
    let Actor { services, session: current, meta, now } = *actor;
    let user = &current.user;
    if user.role == user::Role::Admin {
        // The installation would be left with nobody to answer its users' requests.
        return Err(Error::invalid("password", Code::OperatorMustStay));
    }
    require_password(services, current, password, "password", meta, now).await?;
    if user.totp_enabled_at.is_some() {
        require_second_factor(actor, code).await?;
    }
    // Consent is withdrawn from TikTok first: each disconnect revokes and deletes its tokens.
    for account in connections::list(services, user).await? {
        if account.status != AccountStatus::Disconnected {
            connections::disconnect(services, user, account.id, meta, now).await?;
        }
    }
    // Never later than the request's own deadline (30 days, or a calendar month when shorter).
    let zone = user.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let erase_after = (now + services.config.erasure_grace).min(deadline::due(now, zone));
    // Refused if the password or this session changed meanwhile (a reset, a sign-out
    // everywhere), or a deletion was scheduled already (a second click).
    let txn = begin_change(services, current, now).await?;
    let scheduled = user::Entity::update_many()
        .col_expr(user::Column::ErasureRequestedAt, Expr::value(now))
        .col_expr(user::Column::EraseAfter, Expr::value(erase_after))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(user.id))
        .filter(user::Column::EraseAfter.is_null())
        .exec(&txn)
        .await?;
    if scheduled.rows_affected != 1 {
        return Err(Error::Conflict("the deletion is scheduled already".into()));
    }
    session::revoke_all_except(&txn, user.id, None).await?;
    end_links(&txn, user.id, None, now).await?;
    crate::privacy::requests::record_open(&txn, user, RequestKind::Erasure, now).await?;
    let detail = format!("erased after {}", erase_after.to_rfc3339());
    audit::record(&txn, Some(user.id), EventKind::ErasureRequested, meta, Some(&detail), now).await?;
    txn.commit().await?;
    let day = erase_after.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string();
    let link = services.config.link("/login");
    services.mailer.send_later(crate::mail::templates::erasure_scheduled(
        &user.email,
        &user.locale,
        &user.display_name,
        &day,
        &link,
    ));
    Ok(erase_after)
}

/// When the account of a session signed in during its deletion's grace period is to be
/// deleted (`Forbidden` for any other session).
pub fn pending_deletion(pending: &session::Resolved) -> Result<DateTime<Utc>> {
    match (pending.stage, pending.user.erase_after) {
        (Stage::ErasurePending, Some(at)) => Ok(at),
        _ => Err(Error::Forbidden),
    }
}

/// Cancels the deletion of the account `pending` (a session signed in during the grace period)
/// belongs to: the account is kept, the session becomes a full one. TikTok accounts stay
/// disconnected (their tokens are gone); reconnecting them within 30 days keeps their history.
pub async fn cancel_deletion(
    services: &Services,
    pending: &session::Resolved,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<NewSession> {
    pending_deletion(pending)?;
    let user = &pending.user;
    let txn = crate::db::begin_write(&services.db).await?;
    let kept = user::Entity::update_many()
        .col_expr(user::Column::ErasureRequestedAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(user::Column::EraseAfter, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(user.id))
        .filter(user::Column::EraseAfter.is_not_null())
        .exec(&txn)
        .await?;
    let ended = crate::entities::session::Entity::delete_by_id(pending.session.id).exec(&txn).await?;
    if kept.rows_affected != 1 || ended.rows_affected != 1 {
        return Err(Error::Unauthorized);
    }
    privacy_request::Entity::update_many()
        .col_expr(privacy_request::Column::Status, Expr::value(RequestStatus::Cancelled))
        .col_expr(privacy_request::Column::ClosedAt, Expr::value(now))
        .filter(privacy_request::Column::UserId.eq(user.id))
        .filter(privacy_request::Column::Kind.eq(RequestKind::Erasure))
        .filter(privacy_request::Column::Channel.eq(Channel::Platform))
        .filter(privacy_request::Column::Status.eq(RequestStatus::Open))
        .exec(&txn)
        .await?;
    let session = session::create(&txn, user.id, Stage::Active, meta, now).await?;
    audit::record(&txn, Some(user.id), EventKind::ErasureCancelled, meta, None, now).await?;
    txn.commit().await?;
    // Whoever got in (a reset link opens the way too) kept the account: the owner hears of it.
    send_alert(services, user, Alert::ErasureCancelled { ip: meta.ip.to_string() }, now).await;
    Ok(session)
}
