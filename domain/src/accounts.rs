//! Accounts: registration, email verification, login (with the second factor), logout, password
//! reset and change, profile and email changes, and two-step verification.
//!
//! Every operation takes the [`Services`] handle, the client's [`RequestMeta`] and the time, so
//! rules about time (expiry, lockout) are tested by passing a different `now`. Answers that could
//! reveal whether an address has an account (registration, login, reset) are the same either way
//! and take the same time: the work that depends on the account runs after the answer
//! ([`Services::background`]).
//!
//! Emailed links are bearer credentials. Whatever changes who can prove to own the account (a
//! password reset or change, an email change, the first verification) ends every link of that
//! user still unopened, of every purpose; attempts at every password, code and mail are counted
//! in the database ([`throttle`]).

use chrono::{DateTime, Duration, Utc};
use email_address::{EmailAddress, Options};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, Set,
};
use secrecy::{ExposeSecret, SecretString};

use crate::audit::{self, EventKind};
use crate::auth::RequestMeta;
use crate::auth::password::{Weakness, check_strength};
use crate::auth::rate_limit::Action;
use crate::auth::session::{self, NewSession, Stage};
use crate::auth::throttle::{self, Admission, Key};
use crate::auth::token::{hash_str, hash_token, looks_like_token, new_token};
use crate::auth::totp;
use crate::entities::{account_token, recovery_code, user};
use crate::error::Code;
use crate::mail::templates::{self, Alert};
use crate::services::Services;
use crate::vault::{Binding, Sealed};
use crate::{Error, Result};

/// The version of the terms and privacy policy a new account accepts.
pub const TERMS_VERSION: &str = "2026-11-22";
/// How long an email verification or email change link works.
pub const VERIFY_LINK_LIFETIME: Duration = Duration::hours(24);
/// How long a password reset link works.
pub const RESET_LINK_LIFETIME: Duration = Duration::minutes(30);
/// Longest display name, in characters.
pub const MAX_NAME_LEN: usize = 100;
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

/// What a single-use emailed token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    VerifyEmail,
    ResetPassword,
    ChangeEmail,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::ResetPassword => "reset_password",
            Purpose::ChangeEmail => "change_email",
        }
    }
}

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

fn check_display_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("display_name", Code::NameRequired));
    }
    if name.chars().count() > MAX_NAME_LEN || name.chars().any(char::is_control) {
        return Err(Error::invalid("display_name", Code::NameInvalid));
    }
    Ok(name.to_owned())
}

fn check_password(field: &'static str, password: &SecretString, email: &str, name: &str) -> Result<()> {
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

/// A supported interface language, or English.
pub fn normalise_locale(locale: &str) -> &'static str {
    if locale.trim().eq_ignore_ascii_case("id") { "id" } else { "en" }
}

/// The time zone a new user gets when their browser did not say: Jakarta for Bahasa Indonesia
/// (Soco's first users), UTC otherwise. Either can be changed on the Account page.
pub fn default_time_zone(locale: &str) -> &'static str {
    if normalise_locale(locale) == "id" { "Asia/Jakarta" } else { "UTC" }
}

/// Checks an IANA time zone name such as `Asia/Jakarta`.
pub fn check_time_zone(zone: &str) -> Result<String> {
    zone.trim()
        .parse::<chrono_tz::Tz>()
        .map(|tz| tz.name().to_owned())
        .map_err(|_| Error::invalid("time_zone", Code::TimeZoneInvalid))
}

/// Emails a security alert about `user`'s account to `to` (their address, or a former one), at
/// most five an hour per user: past that they are logged, not sent, so whoever holds a session
/// cannot flood the owner's inbox with them.
async fn send_alert_to(services: &Services, to: &str, user: &user::Model, alert: Alert, now: DateTime<Utc>) {
    match throttle::reserve(&services.db, Key::AlertsFor(user.id), now).await {
        Ok(Admission::Admitted { .. }) => {
            let link = services.config.link("/account/security");
            services.mailer.send_later(templates::alert(to, &user.locale, &user.display_name, &alert, &link));
        }
        Ok(Admission::Refused(_)) => {
            tracing::warn!(user = user.id, ?alert, "alert not mailed: five this hour")
        }
        Err(err) => tracing::error!(user = user.id, error = %err, "alert not mailed"),
    }
}

/// Emails a security alert to the account's own address.
async fn send_alert(services: &Services, user: &user::Model, alert: Alert, now: DateTime<Utc>) {
    send_alert_to(services, &user.email, user, alert, now).await;
}

/// Inside a write transaction: refuses ([`Error::Unauthorized`]) unless `current`'s user still
/// has the password this request checked and `current` is still live, and holds the user's row
/// until the commit. A reset or password change that commits while a slower request is on its
/// way therefore wins: the request finds the hash or its session gone instead of writing after
/// it (a new session, a new link, an old password back).
async fn ensure_unchanged(
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

/// The user part of [`ensure_unchanged`]: their password hash is still `user.password_hash`.
async fn ensure_password_unchanged(
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
async fn require_password(
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

fn limit(services: &Services, action: Action, meta: &RequestMeta) -> Result<()> {
    services.limits.check(action, meta.ip).map_err(Error::rate_limited)
}

fn refused(wait: Duration) -> Error {
    Error::rate_limited(wait.to_std().unwrap_or_default())
}

/// Counts one message to `to` (asked for by `for_user`, when signed in) against the mail limits:
/// five an hour per address and per user, whatever the action.
async fn reserve_mail(
    services: &Services,
    to: &str,
    for_user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    if let Some(user_id) = for_user
        && let Admission::Refused(wait) = throttle::reserve(&services.db, Key::MailFor(user_id), now).await?
    {
        return Err(refused(wait));
    }
    match throttle::reserve(&services.db, Key::MailTo(to), now).await? {
        Admission::Refused(wait) => Err(refused(wait)),
        Admission::Admitted { .. } => Ok(()),
    }
}

/// Ends every link of `user_id` not yet opened, of every purpose (or of one), so a link mailed
/// before a change of password or address is worth nothing after it; returns how many.
async fn end_links(
    db: &impl ConnectionTrait,
    user_id: i64,
    only: Option<Purpose>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let mut ending = account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, sea_orm::sea_query::Expr::value(now))
        .filter(account_token::Column::UserId.eq(user_id))
        .filter(account_token::Column::UsedAt.is_null());
    if let Some(purpose) = only {
        ending = ending.filter(account_token::Column::Purpose.eq(purpose.as_str()));
    }
    Ok(ending.exec(db).await?.rows_affected)
}

/// Issues a single-use token for `user_id`; returns the token for the emailed link.
async fn issue_token(
    db: &impl ConnectionTrait,
    user_id: i64,
    purpose: Purpose,
    new_email: Option<String>,
    now: DateTime<Utc>,
) -> Result<SecretString> {
    let token = new_token()?;
    let lifetime = match purpose {
        Purpose::ResetPassword => RESET_LINK_LIFETIME,
        Purpose::VerifyEmail | Purpose::ChangeEmail => VERIFY_LINK_LIFETIME,
    };
    account_token::ActiveModel {
        user_id: Set(user_id),
        purpose: Set(purpose.as_str().to_owned()),
        token_hash: Set(hash_token(&token)),
        new_email: Set(new_email),
        created_at: Set(now),
        expires_at: Set(now + lifetime),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Marks a valid, unused, unexpired token used and returns it; any other token is refused.
async fn redeem_token(
    db: &impl ConnectionTrait,
    token: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<account_token::Model> {
    let invalid = || Error::invalid("token", Code::LinkInvalid);
    if !looks_like_token(token) {
        return Err(invalid());
    }
    let row = account_token::Entity::find()
        .filter(account_token::Column::TokenHash.eq(hash_token(&SecretString::from(token.to_owned()))))
        .filter(account_token::Column::Purpose.eq(purpose.as_str()))
        .one(db)
        .await?
        .ok_or_else(invalid)?;
    if row.used_at.is_some() || row.expires_at <= now {
        return Err(invalid());
    }
    // Single use even under a race: only the update that still sees `used_at IS NULL` wins.
    let claimed = account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, sea_orm::sea_query::Expr::value(now))
        .filter(account_token::Column::Id.eq(row.id))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(invalid());
    }
    Ok(row)
}

/// Redeems a token (see [`redeem_token`]) and loads the user it belongs to.
async fn redeem_for_user(
    db: &impl ConnectionTrait,
    token: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<(account_token::Model, user::Model)> {
    let row = redeem_token(db, token, purpose, now).await?;
    let user = user::Entity::find_by_id(row.user_id).one(db).await?.ok_or(Error::NotFound)?;
    Ok((row, user))
}

async fn find_user_by_email(db: &impl ConnectionTrait, email: &str) -> Result<Option<user::Model>> {
    Ok(user::Entity::find().filter(user::Column::Email.eq(email)).one(db).await?)
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
pub async fn resend_verification(services: &Services, user: &user::Model, now: DateTime<Utc>) -> Result<()> {
    if user.email_verified_at.is_some() {
        return Ok(());
    }
    reserve_mail(services, &user.email, Some(user.id), now).await?;
    let token = issue_token(&services.db, user.id, Purpose::VerifyEmail, None, now).await?;
    let link = services.config.link(&format!("/verify-email?token={}", token.expose_secret()));
    services.mailer.send_later(templates::verify_email(&user.email, &user.locale, &user.display_name, &link));
    Ok(())
}

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
    let new_session = session::create(&txn, user.id, Stage::Active, meta, now).await?;
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
fn check_totp(
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
async fn accept_totp_step(db: &impl ConnectionTrait, user_id: i64, step: i64) -> Result<bool> {
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

async fn use_recovery_code(
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

/// Turns 2FA off in `active` (saved by the caller) and deletes the recovery codes.
async fn clear_second_factor(
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
fn drop_pending_setup(active: &mut user::ActiveModel) {
    active.totp_secret = Set(None);
    active.totp_key_id = Set(None);
    active.totp_setup_session_id = Set(None);
}

/// Changes the password of a signed-in user (the current one is required) and ends every other
/// session and every link not yet opened.
pub async fn change_password(
    services: &Services,
    current: &session::Resolved,
    old_password: &SecretString,
    new_password: &SecretString,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<()> {
    let user = &current.user;
    require_password(services, current, old_password, "current_password", meta, now).await?;
    check_password("new_password", new_password, &user.email, &user.display_name)?;
    let hash = services.passwords.hash(new_password).await?;
    let txn = crate::db::begin_write(&services.db).await?;
    ensure_unchanged(&txn, current, now).await?;
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

/// Profile fields a user may correct themselves.
#[derive(Debug, Clone)]
pub struct ProfileUpdate {
    /// New display name.
    pub display_name: String,
    /// `en` or `id`.
    pub locale: String,
    /// IANA time zone.
    pub time_zone: String,
}

/// Updates name, language and time zone.
pub async fn update_profile(
    services: &Services,
    user: &user::Model,
    update: ProfileUpdate,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<user::Model> {
    let display_name = check_display_name(&update.display_name)?;
    let time_zone = check_time_zone(&update.time_zone)?;
    let mut active = user.clone().into_active_model();
    active.display_name = Set(display_name);
    active.locale = Set(normalise_locale(&update.locale).to_owned());
    active.time_zone = Set(time_zone);
    active.updated_at = Set(now);
    let updated = active.update(&services.db).await?;
    audit::record(&services.db, Some(user.id), EventKind::ProfileUpdated, meta, None, now).await?;
    Ok(updated)
}

/// Starts an email change: the new address gets a confirmation link (the change happens only
/// when it is opened) and the current address is told. The password is required; a user has one
/// live change link at a time (a new request ends the earlier), and mail is limited to five an
/// hour per user and per address.
pub async fn request_email_change(
    services: &Services,
    current: &session::Resolved,
    new_email: &str,
    password: &SecretString,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<()> {
    let user = &current.user;
    let new_email = normalise_email(new_email)?;
    require_password(services, current, password, "password", meta, now).await?;
    if new_email == user.email {
        return Err(Error::invalid("email", Code::EmailUnchanged));
    }
    reserve_mail(services, &new_email, Some(user.id), now).await?;
    // Taken addresses get the same answer; the confirmation will fail for them.
    let txn = crate::db::begin_write(&services.db).await?;
    // Holds the user's row: a reset committing meanwhile either ends this link or refuses it, and
    // two requests at once cannot both leave a live link.
    ensure_unchanged(&txn, current, now).await?;
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
    txn.commit().await?;
    send_alert_to(services, &old_email, &user, Alert::EmailChanged { new_email }, now).await;
    Ok(rotated)
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
pub async fn begin_totp_setup(
    services: &Services,
    current: &session::Resolved,
    password: &SecretString,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<TotpSetup> {
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
    let txn = crate::db::begin_write(&services.db).await?;
    ensure_unchanged(&txn, current, now).await?;
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
pub async fn confirm_totp_setup(
    services: &Services,
    current: &session::Resolved,
    code: &str,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<RecoveryCodesIssued> {
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
    let txn = crate::db::begin_write(&services.db).await?;
    ensure_unchanged(&txn, current, now).await?;
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

/// Replaces the recovery codes (the password is required); returns the new ones and the session
/// that replaces the caller's (every other one ends, so no other browser sees the new codes).
pub async fn regenerate_recovery_codes(
    services: &Services,
    current: &session::Resolved,
    password: &SecretString,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<RecoveryCodesIssued> {
    let user = &current.user;
    if user.totp_enabled_at.is_none() {
        return Err(Error::Forbidden);
    }
    require_password(services, current, password, "password", meta, now).await?;
    let txn = crate::db::begin_write(&services.db).await?;
    ensure_unchanged(&txn, current, now).await?;
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
pub fn recovery_codes_to_show(
    services: &Services,
    user: &user::Model,
    now: DateTime<Utc>,
) -> Result<Option<Vec<String>>> {
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
pub async fn acknowledge_recovery_codes(
    services: &Services,
    user: &user::Model,
    now: DateTime<Utc>,
) -> Result<()> {
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

/// What the Security page shows the signed-in user.
#[derive(Debug, Clone)]
pub struct SecurityOverview {
    /// Whether 2FA is on.
    pub two_factor: bool,
    /// Unused recovery codes.
    pub recovery_codes_left: u64,
    /// A 2FA setup this session started and has not finished.
    pub setup: Option<TotpSetup>,
    /// The user's live sessions, most recent first.
    pub sessions: Vec<crate::entities::session::Model>,
    /// The user's latest security events, newest first.
    pub events: Vec<crate::entities::security_event::Model>,
}

/// Security events the Security page lists.
const EVENTS_SHOWN: u64 = 50;

/// The Security page of `current`'s user at `now`.
pub async fn security_overview(
    services: &Services,
    current: &session::Resolved,
    now: DateTime<Utc>,
) -> Result<SecurityOverview> {
    let user = &current.user;
    Ok(SecurityOverview {
        two_factor: user.totp_enabled_at.is_some(),
        setup: totp_setup_in_progress(services, current)?,
        recovery_codes_left: recovery_codes_left(&services.db, user.id).await?,
        sessions: session::list_active(&services.db, user.id, now).await?,
        events: crate::audit::recent_for_user(&services.db, user.id, EVENTS_SHOWN).await?,
    })
}

/// Turns 2FA off; the password is required. Every other session ends and this one is replaced
/// (the new one is returned for the caller to set).
pub async fn disable_totp(
    services: &Services,
    current: &session::Resolved,
    password: &SecretString,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<NewSession> {
    let user = &current.user;
    if user.totp_enabled_at.is_none() {
        return Err(Error::Forbidden);
    }
    require_password(services, current, password, "password", meta, now).await?;
    let txn = crate::db::begin_write(&services.db).await?;
    ensure_unchanged(&txn, current, now).await?;
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

/// Deletes emailed-link tokens that were used or have expired (housekeeping); returns how many.
pub async fn delete_spent_tokens(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    Ok(account_token::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(account_token::Column::ExpiresAt.lt(now))
                .add(account_token::Column::UsedAt.is_not_null()),
        )
        .exec(db)
        .await?
        .rows_affected)
}

/// Ends one of the user's sessions from the sessions page.
pub async fn revoke_session(
    services: &Services,
    current: &session::Resolved,
    session_id: i64,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<()> {
    if !session::revoke(&services.db, current.user.id, session_id).await? {
        return Err(Error::NotFound);
    }
    audit::record(&services.db, Some(current.user.id), EventKind::SessionRevoked, meta, None, now).await?;
    Ok(())
}

/// Ends every session of the user but the current one; returns how many.
pub async fn revoke_other_sessions(
    services: &Services,
    current: &session::Resolved,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<u64> {
    let ended = session::revoke_all_except(&services.db, current.user.id, Some(current.session.id)).await?;
    if ended > 0 {
        let detail = format!("{ended} sessions");
        audit::record(
            &services.db,
            Some(current.user.id),
            EventKind::SessionRevoked,
            meta,
            Some(&detail),
            now,
        )
        .await?;
    }
    Ok(ended)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        };
        assert!(matches!(require_verified(&user), Err(Error::Invalid { code: Code::EmailUnverified, .. })));
        user.email_verified_at = Some(now);
        assert!(require_verified(&user).is_ok());
    }

    #[test]
    fn names_locales_and_zones() {
        assert_eq!(check_display_name("  Ayu  ").expect("valid"), "Ayu");
        assert!(check_display_name("   ").is_err());
        assert!(check_display_name("a\u{0}b").is_err());
        assert!(check_display_name(&"x".repeat(101)).is_err());
        assert_eq!(normalise_locale("ID"), "id");
        assert_eq!(normalise_locale("fr"), "en");
        assert_eq!(default_time_zone("id"), "Asia/Jakarta");
        assert_eq!(default_time_zone(""), "UTC");
        assert_eq!(check_time_zone("Asia/Jakarta").expect("valid"), "Asia/Jakarta");
        assert!(check_time_zone("Mars/Olympus").is_err());
    }
}
