//! The signed-in user's own account: profile, email, password, two-step verification, sessions
//! and security events.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::GetUrl;

use crate::error::AppError;

/// The signed-in user, as every page sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    /// Display name.
    pub display_name: String,
    /// Email address.
    pub email: String,
    /// Whether the address is confirmed.
    pub email_verified: bool,
    /// Whether this is the operator (admin).
    pub is_operator: bool,
    /// `en` or `id`.
    pub locale: String,
    /// IANA time zone.
    pub time_zone: String,
    /// Whether 2FA is on.
    pub two_factor: bool,
}

/// The signed-in user, or `None`.
#[server(input = GetUrl)]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    let visitor = crate::ssr::Visitor::new()?;
    Ok(visitor.signed_in().map(|session| {
        let user = &session.user;
        Me {
            display_name: user.display_name.clone(),
            email: user.email.clone(),
            email_verified: user.email_verified_at.is_some(),
            is_operator: user.role == domain::entities::user::Role::Admin,
            locale: user.locale.clone(),
            time_zone: user.time_zone.clone(),
            two_factor: user.totp_enabled_at.is_some(),
        }
    }))
}

/// Every IANA time zone name a user can pick (canonical names only).
#[server(input = GetUrl)]
pub async fn list_time_zones() -> Result<Vec<String>, AppError> {
    let mut zones: Vec<String> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name().to_owned())
        .filter(|name| name.contains('/') && !name.starts_with("Etc/") && !name.starts_with("US/"))
        .collect();
    zones.push("UTC".into());
    zones.sort();
    Ok(zones)
}

/// Saves name, language and time zone.
#[server]
pub async fn update_profile(display_name: String, locale: String, time_zone: String) -> Result<(), AppError> {
    let caller = crate::ssr::Caller::new()?;
    let update = domain::users::ProfileUpdate { display_name, locale, time_zone };
    domain::users::update_profile(&caller.actor(), update).await?;
    crate::ssr::redirect_local("/account?saved=1");
    Ok(())
}

/// Starts an email change (confirmed from the new address).
#[server]
pub async fn request_email_change(email: String, password: String) -> Result<(), AppError> {
    let caller = crate::ssr::Caller::new()?;
    domain::users::request_email_change(&caller.actor(), &email, &password.into()).await?;
    crate::ssr::redirect_local("/account?email_sent=1");
    Ok(())
}

/// Sends a new verification link.
#[server]
pub async fn resend_verification() -> Result<(), AppError> {
    let caller = crate::ssr::Caller::new()?;
    domain::users::resend_verification(&caller.actor()).await?;
    crate::ssr::redirect_local("/account?verification_sent=1");
    Ok(())
}

/// Changes the password; every other session ends.
#[server]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    let caller = crate::ssr::Caller::new()?;
    domain::users::change_password(&caller.actor(), &current_password.into(), &new_password.into()).await?;
    crate::ssr::redirect_local("/account/security?password_changed=1");
    Ok(())
}

/// What the Security page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityOverview {
    /// Whether 2FA is on.
    pub two_factor: bool,
    /// Unused recovery codes.
    pub recovery_codes_left: u64,
    /// A setup in progress: the secret to type and the QR code (inline SVG) to scan.
    pub setup: Option<TotpSetupView>,
    /// Live sessions, most recent first.
    pub sessions: Vec<SessionView>,
    /// Recent security events, newest first.
    pub events: Vec<EventView>,
}

/// A 2FA setup in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSetupView {
    /// The secret, grouped in fours for typing.
    pub secret: String,
    /// The QR code as SVG markup made by the server.
    pub qr_svg: String,
}

/// One login session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// Its id, to end it.
    pub id: i64,
    /// Client address at login.
    pub ip: String,
    /// Client user agent.
    pub user_agent: String,
    /// Login time (RFC 3339, UTC).
    pub created_at: String,
    /// Last use (RFC 3339, UTC).
    pub last_seen_at: String,
    /// Whether it is the session making this request.
    pub current: bool,
}

/// One security event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventView {
    /// The event kind, e.g. `login`.
    pub kind: String,
    /// Client address.
    pub ip: String,
    /// Client user agent.
    pub user_agent: String,
    /// When (RFC 3339, UTC).
    pub at: String,
}

#[cfg(feature = "ssr")]
fn rfc3339(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Everything the Security page shows.
#[server(input = GetUrl)]
pub async fn get_security_overview() -> Result<SecurityOverview, AppError> {
    let caller = crate::ssr::Caller::new()?;
    let overview = domain::users::security_overview(&caller.actor()).await?;
    Ok(SecurityOverview::new(overview, caller.session.session.id))
}

#[cfg(feature = "ssr")]
impl SecurityOverview {
    /// The wire form of `overview`, marking the session `current`.
    fn new(overview: domain::users::SecurityOverview, current: i64) -> Self {
        use secrecy::ExposeSecret;
        let setup = overview.setup.map(|setup| TotpSetupView {
            secret: setup
                .secret
                .expose_secret()
                .as_bytes()
                .chunks(4)
                .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
                .collect::<Vec<_>>()
                .join(" "),
            qr_svg: setup.qr_svg,
        });
        let sessions = overview
            .sessions
            .into_iter()
            .map(|s| SessionView {
                id: s.id,
                current: s.id == current,
                ip: s.ip,
                user_agent: s.user_agent,
                created_at: rfc3339(s.created_at),
                last_seen_at: rfc3339(s.last_seen_at),
            })
            .collect();
        let events = overview
            .events
            .into_iter()
            .map(|e| EventView {
                kind: e.kind.to_string(),
                ip: e.ip,
                user_agent: e.user_agent,
                at: rfc3339(e.created_at),
            })
            .collect();
        SecurityOverview {
            two_factor: overview.two_factor,
            recovery_codes_left: overview.recovery_codes_left,
            setup,
            sessions,
            events,
        }
    }
}

/// Starts 2FA setup (password required); the Security page then shows the QR code.
#[server]
pub async fn begin_two_factor(password: String) -> Result<(), AppError> {
    let caller = crate::ssr::Caller::new()?;
    domain::users::begin_totp_setup(&caller.actor(), &password.into()).await?;
    crate::ssr::redirect_local("/account/security?setup=1#two-factor");
    Ok(())
}

/// Turns 2FA on with a code from the app (this session is replaced, every other one ends); the
/// recovery codes page follows.
#[server]
pub async fn confirm_two_factor(code: String) -> Result<(), AppError> {
    let caller = crate::ssr::Caller::new()?;
    let on = domain::users::confirm_totp_setup(&caller.actor(), &code).await?;
    caller.set_session_cookie(&on.session)?;
    crate::ssr::redirect_local("/account/recovery-codes");
    Ok(())
}

/// Turns 2FA off (password required; this session is replaced, every other one ends).
#[server]
pub async fn disable_two_factor(password: String) -> Result<(), AppError> {
    let caller = crate::ssr::Caller::new()?;
    let replaced = domain::users::disable_totp(&caller.actor(), &password.into()).await?;
    caller.set_session_cookie(&replaced)?;
    crate::ssr::redirect_local("/account/security?two_factor_off=1");
    Ok(())
}

/// Replaces the recovery codes (password required; this session is replaced, every other one ends).
#[server]
pub async fn regenerate_recovery_codes(password: String) -> Result<(), AppError> {
    let caller = crate::ssr::Caller::new()?;
    let issued = domain::users::regenerate_recovery_codes(&caller.actor(), &password.into()).await?;
    caller.set_session_cookie(&issued.session)?;
    crate::ssr::redirect_local("/account/recovery-codes");
    Ok(())
}

/// The recovery codes to show once, until the user says they saved them.
#[server(input = GetUrl)]
pub async fn get_recovery_codes() -> Result<Option<Vec<String>>, AppError> {
    let caller = crate::ssr::Caller::new()?;
    Ok(domain::users::recovery_codes_to_show(&caller.actor())?)
}

/// The user saved their recovery codes: stop showing them.
#[server]
pub async fn acknowledge_recovery_codes() -> Result<(), AppError> {
    let caller = crate::ssr::Caller::new()?;
    domain::users::acknowledge_recovery_codes(&caller.actor()).await?;
    crate::ssr::redirect_local("/account/security?two_factor_on=1");
    Ok(())
}

/// Ends one of the user's other sessions.
#[server]
pub async fn revoke_session(id: i64) -> Result<(), AppError> {
    let caller = crate::ssr::Caller::new()?;
    domain::users::revoke_session(&caller.actor(), id).await?;
    crate::ssr::redirect_local(&format!("/account/security?ended={id}#sessions"));
    Ok(())
}

/// Ends every session but this one.
#[server]
pub async fn revoke_other_sessions() -> Result<(), AppError> {
    let caller = crate::ssr::Caller::new()?;
    let ended = domain::users::revoke_other_sessions(&caller.actor()).await?;
    crate::ssr::redirect_local(&format!("/account/security?ended_others={ended}#sessions"));
    Ok(())
}
