//! The outbox folder: where mail goes when no SMTP server is configured (sandbox mode, or a
//! production-mode test install on a loopback address; see `SOCO_SMTP_URL`). Each message is
//! `<id>.eml` (RFC 5322, openable in any mail client) and `<id>.json` (what the Outbox page shows).
//!
//! The messages hold live links (password resets included), so the folder is `0700` and each
//! file `0600`, and housekeeping deletes messages older than [`RETENTION_DAYS`] ([`sweep`]).

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
    Error::internal("outbox", err)
}

/// How long a message stays in the outbox: a week is longer than any link in it lives (the
/// longest, an email change, lasts 24 hours), and long enough for a tester to look back.
pub const RETENTION_DAYS: i64 = 7;

/// Creates `dir` when missing and makes it private to Soco's user (`0700`), also when an older
/// version created it world-readable.
async fn private_dir(dir: &Path) -> Result<()> {
    let mut builder = tokio::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(0o700);
    builder.create(dir).await.map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        tokio::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).await.map_err(io)?;
    }
    Ok(())
}

/// Writes a new file readable by Soco's user only (`0600`).
async fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use tokio::io::AsyncWriteExt as _;
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options.open(path).await.map_err(io)?;
    file.write_all(bytes).await.map_err(io)?;
    file.flush().await.map_err(io)
}

/// Writes one message.
pub async fn store(dir: &Path, email: &Email, rfc5322: &[u8]) -> Result<()> {
    private_dir(dir).await?;
    let now = Utc::now();
    let id = format!("{}-{:08x}", now.format(ID_TIME), rand::random::<u32>());
    write_private(&dir.join(format!("{id}.eml")), rfc5322).await?;
    let stored = StoredEmail {
        id: id.clone(),
        created_at: now,
        to: email.to.clone(),
        subject: email.subject.clone(),
        text: email.text.clone(),
    };
    let json = serde_json::to_vec_pretty(&stored).map_err(|e| Error::internal("outbox", e))?;
    write_private(&dir.join(format!("{id}.json")), &json).await
}

/// The time at the start of every message id.
const ID_TIME: &str = "%Y%m%dT%H%M%S%6f";

/// When the message a file belongs to was written, from the id its name starts with.
fn written_at(file_name: &str) -> Option<DateTime<Utc>> {
    let (stem, extension) = file_name.rsplit_once('.')?;
    if !matches!(extension, "eml" | "json") {
        return None;
    }
    let time = stem.split_once('-').map_or(stem, |(time, _)| time);
    chrono::NaiveDateTime::parse_from_str(time, ID_TIME).ok().map(|t| t.and_utc())
}

/// Deletes the messages written more than [`RETENTION_DAYS`] before `now` (both files); returns
/// how many messages went. Files that are not messages are left alone.
pub async fn sweep(dir: &Path, now: DateTime<Utc>) -> Result<u64> {
    let mut entries = match tokio::fs::read_dir(dir).await {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(err) => return Err(io(err)),
    };
    let cutoff = now - chrono::Duration::days(RETENTION_DAYS);
    let mut deleted = 0;
    while let Some(entry) = entries.next_entry().await.map_err(io)? {
        let name = entry.file_name();
        let Some(at) = name.to_str().and_then(written_at) else { continue };
        if at >= cutoff {
            continue;
        }
        match tokio::fs::remove_file(entry.path()).await {
            Ok(()) => deleted += u64::from(name.to_str().is_some_and(|n| n.ends_with(".json"))),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(io(err)),
        }
    }
    Ok(deleted)
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
    serde_json::from_slice(&bytes).map_err(|e| Error::internal("outbox", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> Email {
        Email {
            to: "ayu@example.id".into(),
            subject: "Reset your password".into(),
            text: "https://soco.example.id/reset?t=secret".into(),
            html: String::new(),
        }
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn the_outbox_is_private_to_socos_user() {
        use std::os::unix::fs::PermissionsExt as _;
        let root = tempfile::tempdir().expect("folder");
        let dir = root.path().join("outbox");
        // An outbox an older version left world-readable.
        std::fs::create_dir(&dir).expect("mkdir");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        store(&dir, &email(), b"Subject: Reset").await.expect("store");
        let mode = |path: &Path| std::fs::metadata(path).expect("metadata").permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700, "the folder");
        let files: Vec<_> =
            std::fs::read_dir(&dir).expect("list").map(|e| e.expect("entry").path()).collect();
        assert_eq!(files.len(), 2, "{files:?}");
        for file in files {
            assert_eq!(mode(&file), 0o600, "{}", file.display());
        }
    }

    #[tokio::test]
    async fn messages_older_than_the_retention_are_swept() {
        let root = tempfile::tempdir().expect("folder");
        let dir = root.path().join("outbox");
        store(&dir, &email(), b"Subject: Reset").await.expect("store");
        let now = Utc::now();
        // A message from eight days ago, and a file that is not a message.
        let old = format!("{}-0000abcd", (now - chrono::Duration::days(8)).format(ID_TIME));
        std::fs::write(dir.join(format!("{old}.eml")), "old").expect("eml");
        std::fs::write(
            dir.join(format!("{old}.json")),
            serde_json::to_vec(&StoredEmail {
                id: old.clone(),
                created_at: now - chrono::Duration::days(8),
                to: "old@example.id".into(),
                subject: "Old".into(),
                text: "old link".into(),
            })
            .expect("json"),
        )
        .expect("json");
        std::fs::write(dir.join("README.txt"), "not mail").expect("other");
        assert_eq!(list(&dir).await.expect("list").len(), 2);

        assert_eq!(sweep(&dir, now).await.expect("sweep"), 1, "one message went");
        let left = list(&dir).await.expect("list");
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].to, "ayu@example.id", "this week's message stays");
        assert!(!dir.join(format!("{old}.eml")).exists(), "both of its files went");
        assert!(dir.join("README.txt").exists(), "other files are left alone");
        assert_eq!(sweep(&dir, now + chrono::Duration::days(8)).await.expect("sweep"), 1);
        assert_eq!(sweep(&root.path().join("missing"), now).await.expect("no folder"), 0);
    }
}
