//! The sandbox's Outbox: the mail Soco would have sent, for testers. It holds every account's
//! links (password resets included), so it exists only when the operator opted in with
//! `SOCO_OUTBOX_PAGE` (refused at start-up unless in sandbox mode, without SMTP, on a loopback
//! public URL), and only for programs on this machine (`RequestContext::from_this_machine`: a
//! loopback peer that no proxy relayed; the server's `Host` check keeps DNS rebinding out).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::GetUrl;

use crate::error::AppError;

/// One message in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    /// Its id.
    pub id: String,
    /// When it was written (RFC 3339, UTC).
    pub created_at: String,
    /// Recipient.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
}

#[cfg(feature = "ssr")]
fn outbox_dir() -> Result<std::path::PathBuf, AppError> {
    let visitor = crate::ssr::Visitor::new()?;
    if !visitor.services.config.outbox_page || !visitor.context.from_this_machine {
        return Err(AppError::NotFound);
    }
    visitor.services.mailer.outbox_dir().cloned().ok_or(AppError::NotFound)
}

#[cfg(feature = "ssr")]
fn view_of(message: domain::mail::outbox::StoredEmail) -> OutboxMessage {
    OutboxMessage {
        id: message.id,
        created_at: message.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        to: message.to,
        subject: message.subject,
        text: message.text,
    }
}

/// Every message, newest first.
#[server(input = GetUrl)]
pub async fn list_outbox() -> Result<Vec<OutboxMessage>, AppError> {
    let dir = outbox_dir()?;
    Ok(domain::mail::outbox::list(&dir).await?.into_iter().map(view_of).collect())
}

/// One message.
#[server(input = GetUrl)]
pub async fn get_outbox_message(id: String) -> Result<OutboxMessage, AppError> {
    let dir = outbox_dir()?;
    Ok(view_of(domain::mail::outbox::get(&dir, &id).await?))
}
