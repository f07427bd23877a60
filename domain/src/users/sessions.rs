//! The user's sessions and security activity: what the security page shows, and ending one
//! session or all the others.

use crate::actor::Actor;

use super::two_factor::{TotpSetup, recovery_codes_left, totp_setup_in_progress};
use crate::audit::{self, EventKind};
use crate::auth::session::{self};
use crate::{Error, Result};

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
pub async fn security_overview(actor: &Actor<'_>) -> Result<SecurityOverview> {
    let Actor { services, session: current, now, .. } = *actor;
    let user = &current.user;
    Ok(SecurityOverview {
        two_factor: user.totp_enabled_at.is_some(),
        setup: totp_setup_in_progress(services, current)?,
        recovery_codes_left: recovery_codes_left(&services.db, user.id).await?,
        sessions: session::list_active(&services.db, user.id, now).await?,
        events: crate::audit::recent_for_user(&services.db, user.id, EVENTS_SHOWN).await?,
    })
}

/// Ends one of the user's sessions from the sessions page.
pub async fn revoke_session(actor: &Actor<'_>, session_id: i64) -> Result<()> {
    let Actor { services, session: current, meta, now } = *actor;
    if !session::revoke(&services.db, current.user.id, session_id).await? {
        return Err(Error::NotFound);
    }
    audit::record(&services.db, Some(current.user.id), EventKind::SessionRevoked, meta, None, now).await?;
    Ok(())
}

/// Ends every session of the user but the current one; returns how many.
pub async fn revoke_other_sessions(actor: &Actor<'_>) -> Result<u64> {
    let Actor { services, session: current, meta, now } = *actor;
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
