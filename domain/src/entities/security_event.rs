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

/// What a security event records (`security_events.kind`). A kind is never renamed or removed
/// without a migration of the rows that hold it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum EventKind {
    /// An account was created.
    #[sea_orm(string_value = "registered")]
    #[serde(rename = "registered")]
    Registered,
    /// An email address was confirmed.
    #[sea_orm(string_value = "email_verified")]
    #[serde(rename = "email_verified")]
    EmailVerified,
    /// A successful login (password, and second factor when on).
    #[sea_orm(string_value = "login")]
    #[serde(rename = "login")]
    Login,
    /// A wrong password or code.
    #[sea_orm(string_value = "login_failed")]
    #[serde(rename = "login_failed")]
    LoginFailed,
    /// Too many failures: the address is locked for a while.
    #[sea_orm(string_value = "locked_out")]
    #[serde(rename = "locked_out")]
    LockedOut,
    /// Signed out.
    #[sea_orm(string_value = "logout")]
    #[serde(rename = "logout")]
    Logout,
    /// Password changed while signed in.
    #[sea_orm(string_value = "password_changed")]
    #[serde(rename = "password_changed")]
    PasswordChanged,
    /// Password reset by an emailed link.
    #[sea_orm(string_value = "password_reset")]
    #[serde(rename = "password_reset")]
    PasswordReset,
    /// 2FA turned on.
    #[sea_orm(string_value = "2fa_enabled")]
    #[serde(rename = "2fa_enabled")]
    TwoFactorEnabled,
    /// 2FA turned off.
    #[sea_orm(string_value = "2fa_disabled")]
    #[serde(rename = "2fa_disabled")]
    TwoFactorDisabled,
    /// A recovery code was used to sign in.
    #[sea_orm(string_value = "recovery_code_used")]
    #[serde(rename = "recovery_code_used")]
    RecoveryCodeUsed,
    /// New recovery codes were made.
    #[sea_orm(string_value = "recovery_codes_regenerated")]
    #[serde(rename = "recovery_codes_regenerated")]
    RecoveryCodesRegenerated,
    /// A change of email address was asked for.
    #[sea_orm(string_value = "email_change_requested")]
    #[serde(rename = "email_change_requested")]
    EmailChangeRequested,
    /// The email address changed.
    #[sea_orm(string_value = "email_changed")]
    #[serde(rename = "email_changed")]
    EmailChanged,
    /// A session was ended from the sessions page.
    #[sea_orm(string_value = "session_revoked")]
    #[serde(rename = "session_revoked")]
    SessionRevoked,
    /// Profile details changed.
    #[sea_orm(string_value = "profile_updated")]
    #[serde(rename = "profile_updated")]
    ProfileUpdated,
    /// A TikTok account was connected (or reconnected).
    #[sea_orm(string_value = "tiktok_connected")]
    #[serde(rename = "tiktok_connected")]
    TikTokConnected,
    /// A TikTok account was disconnected: consent withdrawn, tokens revoked and deleted.
    #[sea_orm(string_value = "tiktok_disconnected")]
    #[serde(rename = "tiktok_disconnected")]
    TikTokDisconnected,
    /// The operator re-encrypted every secret with the active key (`server rotate-keys`).
    #[sea_orm(string_value = "keys_rotated")]
    #[serde(rename = "keys_rotated")]
    KeysRotated,
    /// The user downloaded an export of their data (which dataset, account and days).
    #[sea_orm(string_value = "data_exported")]
    #[serde(rename = "data_exported")]
    DataExported,
}
