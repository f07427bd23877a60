//! Signing up: the 18+ and terms checks, the account and its first operator, and confirming the
//! address by the emailed link.

use crate::actor::Actor;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use secrecy::{ExposeSecret, SecretString};

use super::email::normalise_email;
use super::links::{Purpose, end_links, issue_token, redeem_for_user, reserve_mail};
use super::password::check_password;
use super::profile::{check_display_name, check_time_zone, default_time_zone, normalise_locale};
use super::{find_user_by_email, limit};
use crate::audit::{self, EventKind};
use crate::auth::RequestMeta;
use crate::auth::rate_limit::Action;
use crate::entities::user;
use crate::error::Code;
use crate::mail::templates::{self};
use crate::services::Services;
use crate::{Error, Result};

/// The version of the terms and privacy policy a new account accepts.
pub const TERMS_VERSION: &str = "2026-11-22";
/// What a new account gives.
#[derive(Debug, Clone)]
pub struct Registration {
    /// Email address as typed.
    pub email: String,
    /// Name shown in the interface.
    pub display_name: String,
    /// The password.
    pub password: SecretString,
    /// Ticked "I am 18 or older".
    pub adult: bool,
    /// Ticked "I accept the terms and the privacy policy".
    pub accept_terms: bool,
    /// Interface language (`en` or `id`).
    pub locale: String,
    /// IANA time zone; empty picks the language's usual one ([`default_time_zone`]).
    pub time_zone: String,
}

/// Creates an account and emails a verification link. When the address already has an account,
/// nothing is created and that address is told instead. Only the checks of the input run before
/// the answer; the rest runs after it, so the answer is the same either way and takes the same
/// time (mail to one address is limited to five an hour, silently).
pub async fn register(
    services: &Services,
    input: Registration,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<()> {
    limit(services, Action::Register, meta)?;
    let email = normalise_email(&input.email)?;
    let display_name = check_display_name(&input.display_name)?;
    check_password("password", &input.password, &email, &display_name)?;
    if !input.adult {
        return Err(Error::invalid("adult", Code::AdultRequired));
    }
    if !input.accept_terms {
        return Err(Error::invalid("accept_terms", Code::TermsRequired));
    }
    let locale = normalise_locale(&input.locale);
    let time_zone = if input.time_zone.trim().is_empty() {
        default_time_zone(locale).to_owned()
    } else {
        check_time_zone(&input.time_zone)?
    };
    let password_hash = services.passwords.hash(&input.password).await?;
    let account = NewAccount { email, display_name, password_hash, locale, time_zone };
    let (background, meta) = (services.clone(), meta.clone());
    services.background.spawn(async move {
        if let Err(err) = create_account(&background, account, &meta, now).await {
            tracing::error!(error = %err, "registration not completed");
        }
    });
    Ok(())
}

/// A registration that passed its checks.
struct NewAccount {
    email: String,
    display_name: String,
    password_hash: String,
    locale: &'static str,
    time_zone: String,
}

/// The part of [`register`] that depends on whether the address has an account.
async fn create_account(
    services: &Services,
    account: NewAccount,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<()> {
    let db = &services.db;
    let NewAccount { email, display_name, password_hash, locale, time_zone } = account;
    if let Some(existing) = find_user_by_email(db, &email).await? {
        if reserve_mail(services, &existing.email, None, now).await.is_ok() {
            let reset_link = services.config.link("/forgot-password");
            services.mailer.send_later(templates::already_registered(
                &existing.email,
                &existing.locale,
                &existing.display_name,
                &reset_link,
            ));
        }
        return Ok(());
    }

    let txn = crate::db::begin_write(db).await?;
    let created = user::ActiveModel {
        email: Set(email.clone()),
        display_name: Set(display_name.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        password_hash: Set(password_hash),
        role: Set(user::Role::Member),
        locale: Set(locale.to_owned()),
        time_zone: Set(time_zone),
        adult_confirmed_at: Set(Some(now)),
        terms_version: Set(Some(TERMS_VERSION.to_owned())),
        terms_accepted_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let created = match created {
        Ok(created) => created,
        // Registered concurrently with the same address: that registration mails the address.
        Err(err) if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
            return Ok(());
        }
        Err(err) => return Err(err.into()),
    };
    // The operator is the first account: the one no earlier id precedes. Two first sign-ups at
    // once can both see none; the unique index on the operator lets one of them become it.
    let earlier = user::Entity::find().filter(user::Column::Id.lt(created.id)).count(&txn).await?;
    if earlier == 0 {
        make_operator(&txn, created.id).await?;
    }
    let token = issue_token(&txn, created.id, Purpose::VerifyEmail, None, now).await?;
    audit::record(&txn, Some(created.id), EventKind::Registered, meta, None, now).await?;
    txn.commit().await?;

    if let Err(err) = reserve_mail(services, &email, None, now).await {
        tracing::warn!(user = created.id, error = %err, "account created; verification link not mailed");
        return Ok(());
    }
    let link = services.config.link(&format!("/verify-email?token={}", token.expose_secret()));
    services.mailer.send_later(templates::verify_email(&email, locale, &display_name, &link));
    Ok(())
}

/// Makes `user_id` the operator unless another account became it meanwhile (the unique partial
/// index `idx_users_one_operator` refuses a second; a savepoint keeps the registration).
async fn make_operator(txn: &sea_orm::DatabaseTransaction, user_id: i64) -> Result<bool> {
    use sea_orm::TransactionTrait;
    let savepoint = txn.begin().await?;
    let promoted = user::Entity::update_many()
        .col_expr(user::Column::Role, sea_orm::sea_query::Expr::value(user::Role::Admin))
        .filter(user::Column::Id.eq(user_id))
        .exec(&savepoint)
        .await;
    match promoted {
        Ok(_) => {
            savepoint.commit().await?;
            Ok(true)
        }
        Err(err) if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
            savepoint.rollback().await?;
            Ok(false)
        }
        Err(err) => Err(err.into()),
    }
}

/// Confirms the address a verification link was sent to. The first confirmation ends every other
/// link of the account: until now, whoever registered had not shown they own the address.
pub async fn verify_email(
    services: &Services,
    token: &str,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<()> {
    let txn = crate::db::begin_write(&services.db).await?;
    let (row, user) = redeem_for_user(&txn, token, Purpose::VerifyEmail, now).await?;
    if user.email_verified_at.is_none() {
        let mut active = user.into_active_model();
        active.email_verified_at = Set(Some(now));
        active.updated_at = Set(now);
        active.update(&txn).await?;
        end_links(&txn, row.user_id, None, now).await?;
        audit::record(&txn, Some(row.user_id), EventKind::EmailVerified, meta, None, now).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Sends a new verification link to a signed-in, unverified user (limited like all mail).
pub async fn resend_verification(actor: &Actor<'_>) -> Result<()> {
    let Actor { services, now, .. } = *actor;
    let user = &actor.session.user;
    if user.email_verified_at.is_some() {
        return Ok(());
    }
    reserve_mail(services, &user.email, Some(user.id), now).await?;
    let token = issue_token(&services.db, user.id, Purpose::VerifyEmail, None, now).await?;
    let link = services.config.link(&format!("/verify-email?token={}", token.expose_secret()));
    services.mailer.send_later(templates::verify_email(&user.email, &user.locale, &user.display_name, &link));
    Ok(())
}
