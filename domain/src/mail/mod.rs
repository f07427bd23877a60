//! Outgoing mail: over SMTP when `SOCO_SMTP_URL` is set, otherwise into an outbox folder in the
//! data directory (each message as an `.eml` file plus a `.json` summary that the sandbox's
//! Outbox page reads). Messages are multipart: plain text and HTML.

pub mod outbox;
pub mod templates;

use std::path::PathBuf;

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use crate::config::Config;
use crate::error::Service;
use crate::{Error, Result};

/// One message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// The recipient's address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body.
    pub html: String,
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(PathBuf),
}

/// Sends mail the configured way.
#[derive(Clone)]
pub struct Mailer {
    transport: std::sync::Arc<Transport>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match *self.transport {
            Transport::Smtp(_) => "smtp",
            Transport::Outbox(_) => "outbox",
        };
        f.debug_struct("Mailer").field("transport", &kind).field("from", &self.from.to_string()).finish()
    }
}

impl Mailer {
    /// The mailer `config` asks for.
    pub fn from_config(config: &Config) -> Result<Self> {
        let from: Mailbox =
            config.mail_from.parse().map_err(|e| Error::internal("SOCO_MAIL_FROM is not a mailbox", e))?;
        let transport = match &config.smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
                    .map_err(|e| Error::internal("SOCO_SMTP_URL", e))?
                    .build(),
            ),
            None => Transport::Outbox(config.data_dir.join("outbox")),
        };
        Ok(Self { transport: std::sync::Arc::new(transport), from })
    }

    /// A mailer that writes to `folder` (tests).
    pub fn outbox(folder: PathBuf) -> Self {
        Self {
            transport: std::sync::Arc::new(Transport::Outbox(folder)),
            from: Mailbox::new(
                Some("Soco".into()),
                "soco@localhost".parse().expect("a valid literal address"),
            ),
        }
    }

    /// The outbox folder, when mail goes there.
    pub fn outbox_dir(&self) -> Option<&PathBuf> {
        match &*self.transport {
            Transport::Outbox(dir) => Some(dir),
            Transport::Smtp(_) => None,
        }
    }

    /// Sends one message now.
    pub async fn send(&self, email: &Email) -> Result<()> {
        let to: Mailbox = email.to.parse().map_err(|e| Error::internal("recipient", e))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .multipart(MultiPart::alternative_plain_html(email.text.clone(), email.html.clone()))
            .map_err(|e| Error::internal("building mail", e))?;
        match &*self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message).await.map_err(|e| Error::upstream(Service::Mail, e))?;
            }
            Transport::Outbox(dir) => outbox::store(dir, email, &message.formatted()).await?,
        }
        Ok(())
    }

    /// Sends in the background so the request's answer (and its timing) does not depend on
    /// mail; failures are logged without the message's content.
    pub fn send_later(&self, email: Email) {
        let mailer = self.clone();
        tokio::spawn(async move {
            if let Err(err) = mailer.send(&email).await {
                tracing::error!(error = %err, "mail not sent");
            }
        });
    }
}
