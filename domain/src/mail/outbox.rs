//! The outbox folder: where mail goes when no SMTP server is configured. Each message is
//! `<id>.eml` (RFC 5322, openable in any mail client) and `<id>.json` (what the Outbox page shows).

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Email;
use crate::{Error, Result};

/// A stored message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredEmail {
    /// File stem: sortable time plus randomness.
    pub id: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// Recipient.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
}

fn io(err: std::io::Error) -> Error {
    Error::Internal(format!("outbox: {err}"))
}

/// Writes one message.
pub async fn store(dir: &Path, email: &Email, rfc5322: &[u8]) -> Result<()> {
    tokio::fs::create_dir_all(dir).await.map_err(io)?;
    let now = Utc::now();
    let id = format!("{}-{:08x}", now.format("%Y%m%dT%H%M%S%6f"), rand::random::<u32>());
    tokio::fs::write(dir.join(format!("{id}.eml")), rfc5322).await.map_err(io)?;
    let stored = StoredEmail {
        id: id.clone(),
        created_at: now,
        to: email.to.clone(),
        subject: email.subject.clone(),
        text: email.text.clone(),
    };
    let json = serde_json::to_vec_pretty(&stored).map_err(|e| Error::Internal(format!("outbox: {e}")))?;
    tokio::fs::write(dir.join(format!("{id}.json")), json).await.map_err(io)
}

/// Every stored message, newest first.
pub async fn list(dir: &Path) -> Result<Vec<StoredEmail>> {
    let mut entries = match tokio::fs::read_dir(dir).await {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(io(err)),
    };
    let mut messages = Vec::new();
    while let Some(entry) = entries.next_entry().await.map_err(io)? {
        if entry.path().extension().is_some_and(|ext| ext == "json") {
            let bytes = tokio::fs::read(entry.path()).await.map_err(io)?;
            if let Ok(message) = serde_json::from_slice::<StoredEmail>(&bytes) {
                messages.push(message);
            }
        }
    }
    messages.sort_by(|a, b| b.id.cmp(&a.id));
    Ok(messages)
}

/// One stored message by id; ids that are not plain file stems are refused.
pub async fn get(dir: &Path, id: &str) -> Result<StoredEmail> {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(Error::NotFound);
    }
    let bytes = match tokio::fs::read(dir.join(format!("{id}.json"))).await {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Err(Error::NotFound),
        Err(err) => return Err(io(err)),
    };
    serde_json::from_slice(&bytes).map_err(|e| Error::Internal(format!("outbox: {e}")))
}
