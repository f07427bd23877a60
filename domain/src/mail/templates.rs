//! The messages Soco sends, each as plain text and HTML built from the same paragraphs, in the
//! recipient's language. The words are the `translations` crate's ([`translations::Mail`]); this
//! module lays them out. Every value put into the HTML is escaped.

use translations::{Language, Mail, Message, fill};

use super::Email;

/// A message before it is laid out: subject, greeting name, paragraphs and an optional button.
struct Draft<'a> {
    subject: String,
    name: &'a str,
    body: String,
    action: Option<(&'static str, &'a str)>,
}

/// Escapes text for HTML element content and quoted attribute values (`& < > " '`;
/// html-escape).
pub fn escape_html(text: &str) -> std::borrow::Cow<'_, str> {
    html_escape::encode_quoted_attribute(text)
}

fn render(to: &str, lang: &str, draft: Draft<'_>) -> Email {
    let language = Language::from_tag(lang);
    let words = language.mail();
    let greeting = fill(words.greeting, &[("name", draft.name)]);
    let signature = "— Soco";
    let ignore = words.not_you;

    let mut text = format!("{greeting}\n\n");
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"{tag}\"><body style=\"font-family:system-ui,sans-serif;\
         color:#111827;line-height:1.5;max-width:560px;margin:0 auto;padding:24px\">\
         <p>{}</p>",
        escape_html(&greeting),
        tag = language.tag(),
    );
    for paragraph in draft.body.split('\n') {
        text.push_str(paragraph);
        text.push_str("\n\n");
        html.push_str(&format!("<p>{}</p>", escape_html(paragraph)));
    }
    if let Some((label, url)) = &draft.action {
        text.push_str(&format!("{label}:\n{url}\n\n"));
        html.push_str(&format!(
            "<p><a href=\"{url}\" style=\"display:inline-block;background:#e4123f;color:#ffffff;\
             padding:10px 18px;border-radius:999px;text-decoration:none;font-weight:600\">{label}</a></p>\
             <p style=\"font-size:13px;color:#4b5563\">{url}</p>",
            url = escape_html(url),
            label = escape_html(label)
        ));
    }
    text.push_str(&format!("{ignore}\n\n{signature}\n"));
    html.push_str(&format!(
        "<p style=\"font-size:13px;color:#4b5563\">{}</p><p>{signature}</p></body></html>",
        escape_html(ignore)
    ));
    Email { to: to.to_owned(), subject: draft.subject, text, html }
}

/// A message with a button to `link`, its placeholders filled with `values`.
fn with_link(
    to: &str,
    lang: &str,
    name: &str,
    message: impl Fn(&'static Mail) -> &'static Message,
    values: &[(&str, &str)],
    link: &str,
) -> Email {
    let message = message(Language::from_tag(lang).mail());
    let draft = Draft {
        subject: fill(message.subject, values),
        name,
        body: fill(message.body, values),
        action: Some((message.button, link)),
    };
    render(to, lang, draft)
}

/// "Confirm your email address", with the single-use link.
pub fn verify_email(to: &str, lang: &str, name: &str, link: &str) -> Email {
    with_link(to, lang, name, |mail| &mail.verify_email, &[], link)
}

/// Sent instead of a second account when someone registers with an address already in use.
pub fn already_registered(to: &str, lang: &str, name: &str, reset_link: &str) -> Email {
    with_link(to, lang, name, |mail| &mail.already_registered, &[], reset_link)
}

/// "Reset your password", with the single-use 30-minute link.
pub fn reset_password(to: &str, lang: &str, name: &str, link: &str) -> Email {
    with_link(to, lang, name, |mail| &mail.reset_password, &[], link)
}

/// "Reconnect your TikTok account": the grant for `account` stopped working (revoked at TikTok,
/// or expired), so syncing has paused until the user connects it again.
pub fn tiktok_reconnect(to: &str, lang: &str, name: &str, account: &str, link: &str) -> Email {
    with_link(to, lang, name, |mail| &mail.tiktok_reconnect, &[("account", account)], link)
}

/// "Confirm your new address", sent to the new address of an email change.
pub fn confirm_new_email(to: &str, lang: &str, name: &str, link: &str) -> Email {
    with_link(to, lang, name, |mail| &mail.confirm_new_email, &[], link)
}

/// "Your privacy request needs more time": the deadline of a `kind` request moved to `day`,
/// for `reason`.
pub fn request_extended(
    to: &str,
    lang: &str,
    name: &str,
    kind: &str,
    day: &str,
    reason: &str,
    link: &str,
) -> Email {
    let kind = Language::from_tag(lang).messages().privacy.kind(kind);
    let values = [("kind", kind), ("day", day), ("reason", reason)];
    with_link(to, lang, name, |mail| &mail.request_extended, &values, link)
}

/// "Your account will be deleted on `day`": sign in at `link` before then to cancel.
pub fn erasure_scheduled(to: &str, lang: &str, name: &str, day: &str, link: &str) -> Email {
    with_link(to, lang, name, |mail| &mail.erasure_scheduled, &[("day", day)], link)
}

/// "Your account was deleted", with the receipt's count and reference; no button.
pub fn account_erased(to: &str, lang: &str, name: &str, receipt: &crate::privacy::erasure::Receipt) -> Email {
    let words = Language::from_tag(lang).mail();
    let rows = Language::from_tag(lang).format_count(receipt.total());
    let reference = receipt.reference.as_str();
    let values = [("rows", rows.as_str()), ("receipt", reference)];
    let draft = Draft {
        subject: fill(words.account_erased.subject, &values),
        name,
        body: fill(words.account_erased.body, &values),
        action: None,
    };
    render(to, lang, draft)
}

/// Security alerts sent after the fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Alert {
    /// A login from a browser not seen before on this account.
    NewDevice {
        /// The browser's user agent.
        user_agent: String,
        /// Its address.
        ip: String,
        /// When, as text in UTC.
        when: String,
    },
    /// The password was changed or reset.
    PasswordChanged,
    /// 2FA was turned on.
    TwoFactorEnabled,
    /// The password was right but the second step failed often enough to lock it.
    SecondFactorFailures {
        /// The address the attempts came from.
        ip: String,
    },
    /// 2FA was turned off.
    TwoFactorDisabled,
    /// A change of the account's address to another was asked for (sent to the current one
    /// while the link to the new one is still unopened).
    EmailChangeRequested {
        /// The address the link went to.
        new_email: String,
    },
    /// A scheduled deletion of the account was cancelled by someone who signed in.
    ErasureCancelled {
        /// The address they signed in from.
        ip: String,
    },
    /// The account's address changed to another (sent to the old one).
    EmailChanged {
        /// The new address.
        new_email: String,
    },
}

/// A security alert.
pub fn alert(to: &str, lang: &str, name: &str, alert: &Alert, security_link: &str) -> Email {
    let words = Language::from_tag(lang).mail();
    let (notice, values): (_, &[(&str, &str)]) = match alert {
        Alert::NewDevice { user_agent, ip, when } => {
            (&words.new_device, &[("when", when), ("ip", ip), ("device", user_agent)])
        }
        Alert::PasswordChanged => (&words.password_changed, &[]),
        Alert::TwoFactorEnabled => (&words.two_factor_enabled, &[]),
        Alert::SecondFactorFailures { ip } => (&words.second_factor_failures, &[("ip", ip)]),
        Alert::TwoFactorDisabled => (&words.two_factor_disabled, &[]),
        Alert::EmailChangeRequested { new_email } => {
            (&words.email_change_requested, &[("new_email", new_email)])
        }
        Alert::EmailChanged { new_email } => (&words.email_changed, &[("new_email", new_email)]),
        Alert::ErasureCancelled { ip } => (&words.erasure_cancelled, &[("ip", ip)]),
    };
    let draft = Draft {
        subject: fill(notice.subject, values),
        name,
        body: fill(notice.body, values),
        action: Some((words.review_security, security_link)),
    };
    render(to, lang, draft)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_names_and_links() {
        let email = verify_email("a@b.co", "en", "<script>x</script>", "https://s.example/v?t=a&b");
        assert!(email.html.contains("&lt;script&gt;x&lt;/script&gt;"));
        assert!(!email.html.contains("<script>"));
        assert!(email.html.contains("https://s.example/v?t=a&amp;b"));
        assert!(email.text.contains("https://s.example/v?t=a&b"));
    }

    #[test]
    fn messages_follow_the_language() {
        assert_eq!(reset_password("a@b.co", "id", "Ayu", "x").subject, "Atur ulang kata sandi Soco Anda");
        assert_eq!(reset_password("a@b.co", "en", "Ayu", "x").subject, "Reset your Soco password");
        let alert = alert("a@b.co", "id", "Ayu", &Alert::PasswordChanged, "x");
        assert!(alert.text.starts_with("Halo Ayu,"));
        assert!(alert.html.starts_with("<!DOCTYPE html><html lang=\"id\">"));
    }

    #[test]
    fn alerts_fill_their_values_once_and_escape_them() {
        let new_device = Alert::NewDevice {
            user_agent: "<b>{ip}</b>".into(),
            ip: "203.0.113.9".into(),
            when: "2026-12-07 16:00 UTC".into(),
        };
        let email = alert("a@b.co", "en", "Ayu", &new_device, "https://s.example/security");
        assert!(email.text.contains("IP address: 203.0.113.9\n"));
        assert!(email.text.contains("Device: <b>{ip}</b>"), "a value is never expanded again");
        assert!(email.html.contains("&lt;b&gt;{ip}&lt;/b&gt;"));
        let reconnect = tiktok_reconnect("a@b.co", "id", "Ayu", "@ayu", "https://s.example/r");
        assert_eq!(reconnect.subject, "Hubungkan lagi akun TikTok @ayu");
    }
}
