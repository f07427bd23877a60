//! The security audit log: who did what, when, from where. Users see their own events on the
//! Security page. Details never hold secrets.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::Result;
use crate::auth::RequestMeta;
use crate::entities::security_event;

/// The kinds of event recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// An account was created.
    Registered,
    /// An email address was confirmed.
    EmailVerified,
    /// A successful login (password, and second factor when on).
    Login,
    /// A wrong password or code.
    LoginFailed,
    /// Too many failures: the address is locked for a while.
    LockedOut,
    /// Signed out.
    Logout,
    /// Password changed while signed in.
    PasswordChanged,
    /// Password reset by an emailed link.
    PasswordReset,
    /// 2FA turned on.
    TwoFactorEnabled,
    /// 2FA turned off.
    TwoFactorDisabled,
    /// A recovery code was used to sign in.
    RecoveryCodeUsed,
    /// New recovery codes were made.
    RecoveryCodesRegenerated,
    /// A change of email address was asked for.
    EmailChangeRequested,
    /// The email address changed.
    EmailChanged,
    /// A session was ended from the sessions page.
    SessionRevoked,
    /// Profile details changed.
    ProfileUpdated,
    /// A TikTok account was connected (or reconnected).
    TikTokConnected,
    /// A TikTok account was disconnected: consent withdrawn, tokens revoked and deleted.
    TikTokDisconnected,
    /// The operator re-encrypted every secret with the active key (`server rotate-keys`).
    KeysRotated,
    /// The user downloaded an export of their data (which dataset, account and days).
    DataExported,
}

impl EventKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::TikTokConnected => "tiktok_connected",
            EventKind::TikTokDisconnected => "tiktok_disconnected",
            EventKind::KeysRotated => "keys_rotated",
            EventKind::DataExported => "data_exported",
            EventKind::Registered => "registered",
            EventKind::EmailVerified => "email_verified",
            EventKind::Login => "login",
            EventKind::LoginFailed => "login_failed",
            EventKind::LockedOut => "locked_out",
            EventKind::Logout => "logout",
            EventKind::PasswordChanged => "password_changed",
            EventKind::PasswordReset => "password_reset",
            EventKind::TwoFactorEnabled => "2fa_enabled",
            EventKind::TwoFactorDisabled => "2fa_disabled",
            EventKind::RecoveryCodeUsed => "recovery_code_used",
            EventKind::RecoveryCodesRegenerated => "recovery_codes_regenerated",
            EventKind::EmailChangeRequested => "email_change_requested",
            EventKind::EmailChanged => "email_changed",
            EventKind::SessionRevoked => "session_revoked",
            EventKind::ProfileUpdated => "profile_updated",
        }
    }
}

/// Records one event.
pub async fn record(
    db: &impl ConnectionTrait,
    user_id: Option<i64>,
    kind: EventKind,
    meta: &RequestMeta,
    detail: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    security_event::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind.as_str().to_owned()),
        ip: Set(meta.ip.to_string()),
        user_agent: Set(meta.user_agent.clone()),
        detail: Set(detail.map(|d| d.chars().take(255).collect())),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// How long security events are kept (the privacy policy's 90 days for usage logs; the data
/// inventory says the same, and a test holds the two together).
pub const RETENTION: chrono::Duration = chrono::Duration::days(90);

/// Deletes events older than [`RETENTION`]; returns how many.
pub async fn delete_expired(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    Ok(security_event::Entity::delete_many()
        .filter(security_event::Column::CreatedAt.lt(now - RETENTION))
        .exec(db)
        .await?
        .rows_affected)
}

/// A user's most recent events, newest first.
pub async fn recent_for_user(
    db: &impl ConnectionTrait,
    user_id: i64,
    limit: u64,
) -> Result<Vec<security_event::Model>> {
    Ok(security_event::Entity::find()
        .filter(security_event::Column::UserId.eq(user_id))
        .order_by_desc(security_event::Column::CreatedAt)
        .order_by_desc(security_event::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}
