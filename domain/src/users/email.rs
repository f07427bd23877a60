//! Email addresses: normalising and checking them, requiring a confirmed one, and changing it by
//! a link sent to the new address (the old one is told).

use crate::actor::Actor;
use chrono::{DateTime, Utc};
use email_address::{EmailAddress, Options};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use secrecy::{ExposeSecret, SecretString};

use super::links::{Purpose, end_links, issue_token, redeem_for_user, reserve_mail};
use super::password::{begin_change, require_password};
use super::{find_user_by_email, send_alert, send_alert_to};
use crate::audit::{self, EventKind};
use crate::auth::RequestMeta;
use crate::auth::session::{self, NewSession};
use crate::entities::user;
use crate::error::Code;
use crate::mail::templates::{self, Alert};
use crate::services::Services;
use crate::{Error, Result};

/// Trims and lower-cases an address, then checks it is a plain `local@domain.tld` address.
pub fn normalise_email(email: &str) -> Result<String> {
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Err(Error::invalid("email", Code::EmailRequired));
    }
    let options = Options::default().without_display_text().without_domain_literal().with_required_tld();
    if email.len() > 254 || EmailAddress::parse_with_options(&email, options).is_err() {
        return Err(Error::invalid("email", Code::EmailInvalid));
    }
    Ok(email)
}

/// Refuses users whose address is not confirmed yet: connecting TikTok accounts and shops needs
/// a confirmed address (the connect flows call this first).
pub fn require_verified(user: &user::Model) -> Result<()> {
    if user.email_verified_at.is_some() {
        Ok(())
    } else {
        Err(Error::invalid("email", Code::EmailUnverified))
    }
}

/// Starts an email change: the new address gets a confirmation link (the change happens only
/// when it is opened) and the current address is told. The password is required; a user has one
/// live change link at a time (a new request ends the earlier), and mail is limited to five an
/// hour per user and per address.
pub async fn request_email_change(actor: &Actor<'_>, new_email: &str, password: &SecretString) -> Result<()> {
    let Actor { services, session: current, meta, now } = *actor;
    let user = &current.user;
    let new_email = normalise_email(new_email)?;
    require_password(services, current, password, "password", meta, now).await?;
    if new_email == user.email {
        return Err(Error::invalid("email", Code::EmailUnchanged));
    }
    reserve_mail(services, &new_email, Some(user.id), now).await?;
    // Taken addresses get the same answer; the confirmation will fail for them.
    // Holds the user's row: a reset committing meanwhile either ends this link or refuses it, and
    // two requests at once cannot both leave a live link.
    let txn = begin_change(services, current, now).await?;
    end_links(&txn, user.id, Some(Purpose::ChangeEmail), now).await?;
    let token = issue_token(&txn, user.id, Purpose::ChangeEmail, Some(new_email.clone()), now).await?;
    audit::record(&txn, Some(user.id), EventKind::EmailChangeRequested, meta, None, now).await?;
    txn.commit().await?;
    let link = services.config.link(&format!("/confirm-email?token={}", token.expose_secret()));
    services.mailer.send_later(templates::confirm_new_email(
        &new_email,
        &user.locale,
        &user.display_name,
        &link,
    ));
    send_alert(services, user, Alert::EmailChangeRequested { new_email }, now).await;
    Ok(())
}

/// Completes an email change from the link sent to the new address, and alerts the old one.
/// Every other link of the account ends (reset links sent to the old address among them), and
/// so does every session: when the link is opened in a browser signed in to this account, that
/// session is replaced by a new one, returned for the caller to set.
pub async fn confirm_email_change(
    services: &Services,
    token: &str,
    current: Option<&session::Resolved>,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<Option<NewSession>> {
    let txn = crate::db::begin_write(&services.db).await?;
    let (row, user) = redeem_for_user(&txn, token, Purpose::ChangeEmail, now).await?;
    let new_email = row.new_email.clone().ok_or_else(|| Error::invalid("token", Code::LinkInvalid))?;
    if find_user_by_email(&txn, &new_email).await?.is_some() {
        return Err(Error::invalid("email", Code::EmailTaken));
    }
    let old_email = user.email.clone();
    let mut active = user.clone().into_active_model();
    active.email = Set(new_email.clone());
    active.email_verified_at = Set(Some(now));
    active.updated_at = Set(now);
    match active.update(&txn).await {
        Ok(_) => {}
        // Another account took the address after the check above.
        Err(err) if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
            return Err(Error::invalid("email", Code::EmailTaken));
        }
        Err(err) => return Err(err.into()),
    }
    end_links(&txn, user.id, None, now).await?;
    let rotated = match current.filter(|current| current.user.id == user.id) {
        Some(current) => match session::rotate(&txn, current, meta, now).await {
            Ok(rotated) => Some(rotated),
            // That session ended meanwhile: it gets no successor.
            Err(Error::Unauthorized) => None,
            Err(err) => return Err(err),
        },
        None => None,
    };
    if rotated.is_none() {
        session::revoke_all_except(&txn, user.id, None).await?;
    }
    audit::record(&txn, Some(user.id), EventKind::EmailChanged, meta, None, now).await?;
    let kind = crate::privacy::RequestKind::Rectification;
    crate::privacy::requests::record_done(&txn, &user, kind, "email", now).await?;
    txn.commit().await?;
    send_alert_to(services, &old_email, &user, Alert::EmailChanged { new_email }, now).await;
    Ok(rotated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::user;
    use crate::users::TERMS_VERSION;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(normalise_email("  Ayu.Lestari@Example.ID ").expect("valid"), "ayu.lestari@example.id");
        for bad in
            ["", "ayu", "ayu@", "@example.id", "ayu@localhost", "Ayu <ayu@example.id>", "ayu@[10.0.0.1]"]
        {
            assert!(normalise_email(bad).is_err(), "{bad:?}");
        }
        assert!(normalise_email(&format!("{}@example.id", "a".repeat(250))).is_err());
    }

    #[test]
    fn unconfirmed_addresses_may_not_connect_tiktok() {
        let now = chrono::Utc::now();
        let mut user = user::Model {
            id: 1,
            email: "ayu@example.id".into(),
            display_name: "Ayu".into(),
            created_at: now,
            updated_at: now,
            password_hash: String::new(),
            role: user::Role::Member,
            locale: "en".into(),
            time_zone: "UTC".into(),
            email_verified_at: None,
            adult_confirmed_at: Some(now),
            terms_version: Some(TERMS_VERSION.into()),
            terms_accepted_at: Some(now),
            totp_secret: None,
            totp_key_id: None,
            totp_enabled_at: None,
            recovery_codes_shown: None,
            recovery_codes_key_id: None,
            totp_last_step: None,
            recovery_codes_shown_until: None,
            totp_setup_session_id: None,
            erasure_requested_at: None,
            erase_after: None,
        };
        assert!(matches!(require_verified(&user), Err(Error::Invalid { code: Code::EmailUnverified, .. })));
        user.email_verified_at = Some(now);
        assert!(require_verified(&user).is_ok());
    }
}
