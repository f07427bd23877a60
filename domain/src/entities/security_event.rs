//! `security_events`: the audit log of security-relevant actions (logins, failures, lockouts,
//! 2FA and password changes, email changes, session revocations).

use sea_orm::entity::prelude::*;

/// One row of `security_events`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "security_events")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The account concerned, when known.
    pub user_id: Option<i64>,
    /// What happened.
    pub kind: EventKind,
    /// Client IP.
    pub ip: String,
    /// Client user agent (truncated).
    pub user_agent: String,
    /// A short, secret-free detail.
    pub detail: Option<String>,
    /// When it happened.
    pub created_at: DateTimeUtc,
}

/// Events have no relations used by queries.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Declares [`EventKind`] once: each kind's variant and the name it is stored and shown by.
macro_rules! event_kinds {
    ($($(#[$doc:meta])* $variant:ident => $name:literal,)+) => {
        /// What a security event records (`security_events.kind`), stored by name. A name this
        /// version does not know (a row left by a newer Soco) reads as [`EventKind::Other`], so
        /// the security page still shows the log.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, DeriveValueType, serde::Serialize, serde::Deserialize)]
        #[sea_orm(value_type = "String")]
        #[serde(into = "String", from = "String")]
        pub enum EventKind {
            $($(#[$doc])* $variant,)+
            /// A kind this version does not know.
            Other(String),
        }

        impl EventKind {
            /// Its stored name, as the security log shows it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(EventKind::$variant => $name,)+
                    EventKind::Other(name) => name,
                }
            }
        }

        impl From<String> for EventKind {
            fn from(name: String) -> Self {
                match name.as_str() {
                    $($name => EventKind::$variant,)+
                    _ => EventKind::Other(name),
                }
            }
        }
    };
}

event_kinds! {
    /// An account was created.
    Registered => "registered",
    /// An email address was confirmed.
    EmailVerified => "email_verified",
    /// A successful login (password, and second factor when on).
    Login => "login",
    /// A wrong password or code.
    LoginFailed => "login_failed",
    /// Too many failures: the address is locked for a while.
    LockedOut => "locked_out",
    /// Signed out.
    Logout => "logout",
    /// Password changed while signed in.
    PasswordChanged => "password_changed",
    /// Password reset by an emailed link.
    PasswordReset => "password_reset",
    /// 2FA turned on.
    TwoFactorEnabled => "2fa_enabled",
    /// 2FA turned off.
    TwoFactorDisabled => "2fa_disabled",
    /// A recovery code was used to sign in.
    RecoveryCodeUsed => "recovery_code_used",
    /// New recovery codes were made.
    RecoveryCodesRegenerated => "recovery_codes_regenerated",
    /// A change of email address was asked for.
    EmailChangeRequested => "email_change_requested",
    /// The email address changed.
    EmailChanged => "email_changed",
    /// A session was ended from the sessions page.
    SessionRevoked => "session_revoked",
    /// Profile details changed.
    ProfileUpdated => "profile_updated",
    /// A TikTok account was connected (or reconnected).
    TikTokConnected => "tiktok_connected",
    /// A TikTok account was disconnected: consent withdrawn, tokens revoked and deleted.
    TikTokDisconnected => "tiktok_disconnected",
    /// The operator re-encrypted every secret with the active key (`server rotate-keys`).
    KeysRotated => "keys_rotated",
    /// The user downloaded an export of their data (which dataset, account and days).
    DataExported => "data_exported",
    /// The operator recorded a privacy request received by email.
    PrivacyRequestRecorded => "privacy_request_recorded",
    /// A privacy request's deadline was extended (the user was emailed why).
    PrivacyRequestExtended => "privacy_request_extended",
    /// A privacy request was completed or refused.
    PrivacyRequestClosed => "privacy_request_closed",
    /// The user asked for their account to be deleted (after the grace period).
    ErasureRequested => "erasure_requested",
    /// The user cancelled the deletion of their account by signing in within the grace period.
    ErasureCancelled => "erasure_cancelled",
    /// Every row of a user was deleted; the receipt (counts per table, a hash of the id) is the
    /// detail, and the row names no user.
    AccountErased => "account_erased",
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for EventKind {
    type Err = std::convert::Infallible;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Ok(EventKind::from(name.to_owned()))
    }
}

impl From<EventKind> for String {
    fn from(kind: EventKind) -> Self {
        match kind {
            EventKind::Other(name) => name,
            known => known.as_str().to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::EventKind;

    #[test]
    fn kinds_read_back_and_unknown_ones_are_kept() {
        for kind in [EventKind::Login, EventKind::TwoFactorEnabled, EventKind::DataExported] {
            assert_eq!(EventKind::from(kind.to_string()), kind);
        }
        assert_eq!(EventKind::TwoFactorEnabled.as_str(), "2fa_enabled");
        assert_eq!(EventKind::from("shop_connected".to_owned()), EventKind::Other("shop_connected".into()));
    }
}
