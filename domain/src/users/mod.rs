//! Soco's users, one module per thing a user does: [`register`] (and confirm the address),
//! [`login`] (with the second factor) and out, [`password`] rules, reset and change, [`email`]
//! changes, [`profile`] details, [`two_factor`] verification and recovery codes, [`sessions`] and
//! security activity; [`links`] holds the emailed single-use tokens they share.
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

mod deletion;
mod email;
mod links;
mod login;
mod password;
mod profile;
mod register;
mod sessions;
mod two_factor;

pub use deletion::{cancel_deletion, pending_deletion, request_deletion};
pub use email::{confirm_email_change, normalise_email, request_email_change, require_verified};
pub use links::{RESET_LINK_LIFETIME, VERIFY_LINK_LIFETIME, delete_spent_tokens};
pub use login::{LoginOutcome, complete_second_factor, login, logout};
pub use password::{change_password, request_password_reset, reset_password};
pub use profile::{
    MAX_NAME_LEN, ProfileUpdate, check_time_zone, default_time_zone, normalise_locale, update_profile,
};
pub use register::{Registration, TERMS_VERSION, register, resend_verification, verify_email};
pub use sessions::{SecurityOverview, revoke_other_sessions, revoke_session, security_overview};
pub use two_factor::{
    RECOVERY_CODES_SHOWN_FOR, RecoveryCodesIssued, TotpSetup, acknowledge_recovery_codes, begin_totp_setup,
    confirm_totp_setup, disable_totp, recovery_codes_left, recovery_codes_to_show, regenerate_recovery_codes,
    totp_setup_in_progress,
};
pub(crate) use two_factor::{recovery_binding, totp_binding};

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::auth::RequestMeta;
use crate::auth::rate_limit::Action;
use crate::auth::throttle::{self, Admission, Key};
use crate::entities::user;
use crate::mail::templates::{self, Alert};
use crate::services::Services;
use crate::{Error, Result};

/// Emails a security alert about `user`'s account to `to` (their address, or a former one), at
/// most five an hour per user: past that they are logged, not sent, so whoever holds a session
/// cannot flood the owner's inbox with them.
pub(super) async fn send_alert_to(
    services: &Services,
    to: &str,
    user: &user::Model,
    alert: Alert,
    now: DateTime<Utc>,
) {
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
pub(super) async fn send_alert(services: &Services, user: &user::Model, alert: Alert, now: DateTime<Utc>) {
    send_alert_to(services, &user.email, user, alert, now).await;
}

pub(super) fn limit(services: &Services, action: Action, meta: &RequestMeta) -> Result<()> {
    services.limits.check(action, meta.ip).map_err(Error::rate_limited)
}

pub(super) fn refused(wait: Duration) -> Error {
    Error::rate_limited(wait.to_std().unwrap_or_default())
}

pub(super) async fn find_user_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<user::Model>> {
    Ok(user::Entity::find().filter(user::Column::Email.eq(email)).one(db).await?)
}
