//! The messages Soco sends, in English and Bahasa Indonesia, each as plain text and HTML built
//! from the same paragraphs. Every value put into the HTML is escaped.

use super::Email;
use crate::language::Language;

/// A message before it is laid out: subject, greeting name, paragraphs and an optional button.
struct Draft<'a> {
    subject: String,
    name: &'a str,
    paragraphs: Vec<String>,
    action: Option<(String, &'a str)>,
}

fn indonesian(lang: &str) -> bool {
    Language::from_tag(lang) == Language::Id
}

/// Escapes text for HTML element content and quoted attribute values (`& < > " '`;
/// html-escape).
pub fn escape_html(text: &str) -> std::borrow::Cow<'_, str> {
    html_escape::encode_quoted_attribute(text)
}

fn render(to: &str, lang: &str, draft: Draft<'_>) -> Email {
    let greeting =
        if indonesian(lang) { format!("Halo {},", draft.name) } else { format!("Hello {},", draft.name) };
    let signature = "— Soco";
    let ignore = if indonesian(lang) {
        "Jika Anda tidak merasa melakukan ini, abaikan email ini atau hubungi operator Soco Anda."
    } else {
        "If this wasn't you, ignore this email or contact your Soco operator."
    };

    let mut text = format!("{greeting}\n\n");
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><body style=\"font-family:system-ui,sans-serif;\
         color:#111827;line-height:1.5;max-width:560px;margin:0 auto;padding:24px\">\
         <p>{}</p>",
        escape_html(&greeting)
    );
    for paragraph in &draft.paragraphs {
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

/// "Confirm your email address", with the single-use link.
pub fn verify_email(to: &str, lang: &str, name: &str, link: &str) -> Email {
    let draft = if indonesian(lang) {
        Draft {
            subject: "Konfirmasi alamat email Anda untuk Soco".into(),
            name,
            paragraphs: vec![
                "Terima kasih telah mendaftar di Soco. Konfirmasikan alamat email Anda agar \
                              dapat menghubungkan akun TikTok dan toko Anda. Tautan ini berlaku 24 jam dan \
                              hanya dapat dipakai sekali."
                    .into(),
            ],
            action: Some(("Konfirmasi email".into(), link)),
        }
    } else {
        Draft {
            subject: "Confirm your email address for Soco".into(),
            name,
            paragraphs: vec![
                "Thanks for signing up for Soco. Confirm your email address so you can connect \
                              your TikTok accounts and shops. This link works once, for 24 hours."
                    .into(),
            ],
            action: Some(("Confirm email".into(), link)),
        }
    };
    render(to, lang, draft)
}

/// Sent instead of a second account when someone registers with an address already in use.
pub fn already_registered(to: &str, lang: &str, name: &str, reset_link: &str) -> Email {
    let draft = if indonesian(lang) {
        Draft {
            subject: "Seseorang mencoba mendaftar dengan email Anda".into(),
            name,
            paragraphs: vec![
                "Seseorang mencoba membuat akun Soco baru dengan alamat email ini, tetapi alamat \
                              ini sudah memiliki akun. Jika itu Anda dan lupa kata sandi, Anda dapat \
                              mengatur ulang kata sandi."
                    .into(),
            ],
            action: Some(("Atur ulang kata sandi".into(), reset_link)),
        }
    } else {
        Draft {
            subject: "Someone tried to sign up with your email".into(),
            name,
            paragraphs: vec!["Someone tried to create a new Soco account with this email address, but it \
                              already has one. If that was you and you forgot your password, you can reset it."
                .into()],
            action: Some(("Reset password".into(), reset_link)),
        }
    };
    render(to, lang, draft)
}

/// "Reset your password", with the single-use 30-minute link.
pub fn reset_password(to: &str, lang: &str, name: &str, link: &str) -> Email {
    let draft = if indonesian(lang) {
        Draft {
            subject: "Atur ulang kata sandi Soco Anda".into(),
            name,
            paragraphs: vec![
                "Kami menerima permintaan untuk mengatur ulang kata sandi Anda. Tautan ini \
                              berlaku 30 menit dan hanya dapat dipakai sekali. Setelah kata sandi diganti, \
                              semua sesi Anda akan diakhiri."
                    .into(),
            ],
            action: Some(("Atur ulang kata sandi".into(), link)),
        }
    } else {
        Draft {
            subject: "Reset your Soco password".into(),
            name,
            paragraphs: vec![
                "We received a request to reset your password. This link works once, for 30 \
                              minutes. Once your password is changed, every session you have is signed out."
                    .into(),
            ],
            action: Some(("Reset password".into(), link)),
        }
    };
    render(to, lang, draft)
}

/// "Reconnect your TikTok account": the grant for `account` stopped working (revoked at TikTok,
/// or expired), so syncing has paused until the user connects it again.
pub fn tiktok_reconnect(to: &str, lang: &str, name: &str, account: &str, link: &str) -> Email {
    let draft = if indonesian(lang) {
        Draft {
            subject: format!("Hubungkan lagi akun TikTok {account}"),
            name,
            paragraphs: vec![format!(
                "TikTok tidak lagi menerima izin Soco untuk akun {account}, jadi sinkronisasi dihentikan. \
                 Riwayat yang sudah tersimpan tetap aman. Hubungkan lagi akun ini untuk melanjutkan."
            )],
            action: Some(("Hubungkan lagi".into(), link)),
        }
    } else {
        Draft {
            subject: format!("Reconnect your TikTok account {account}"),
            name,
            paragraphs: vec![format!(
                "TikTok no longer accepts Soco's access to {account}, so syncing has paused. The \
                 history Soco already keeps is safe. Connect the account again to carry on."
            )],
            action: Some(("Reconnect".into(), link)),
        }
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
    /// The account's address changed to another (sent to the old one).
    EmailChanged {
        /// The new address.
        new_email: String,
    },
}

/// A security alert.
pub fn alert(to: &str, lang: &str, name: &str, alert: &Alert, security_link: &str) -> Email {
    let id = indonesian(lang);
    let (subject, body): (&str, String) = match alert {
        Alert::NewDevice { user_agent, ip, when } => {
            if id {
                (
                    "Login baru ke akun Soco Anda",
                    format!(
                        "Ada login ke akun Anda dari perangkat baru.\nWaktu: {when}\nAlamat IP: {ip}\nPerangkat: {user_agent}"
                    ),
                )
            } else {
                (
                    "New sign-in to your Soco account",
                    format!(
                        "Your account was signed in to from a new device.\nWhen: {when}\nIP address: {ip}\nDevice: {user_agent}"
                    ),
                )
            }
        }
        Alert::PasswordChanged => {
            if id {
                (
                    "Kata sandi Soco Anda telah diubah",
                    "Kata sandi akun Anda baru saja diubah dan semua sesi lain telah diakhiri.".into(),
                )
            } else {
                (
                    "Your Soco password was changed",
                    "Your account's password was just changed, and every other session was signed out."
                        .into(),
                )
            }
        }
        Alert::TwoFactorEnabled => {
            if id {
                (
                    "Verifikasi dua langkah diaktifkan",
                    "Verifikasi dua langkah kini aktif untuk akun Anda.".into(),
                )
            } else {
                (
                    "Two-step verification turned on",
                    "Two-step verification is now on for your account.".into(),
                )
            }
        }
        Alert::SecondFactorFailures { ip } => {
            if id {
                (
                    "Kode verifikasi dua langkah yang salah berulang kali",
                    format!(
                        "Seseorang memasukkan kata sandi Anda dengan benar, lalu kode verifikasi dua langkah yang salah lima kali (dari {ip}). Langkah itu dikunci sementara.\nJika bukan Anda, ubah kata sandi sekarang."
                    ),
                )
            } else {
                (
                    "Repeated wrong two-step verification codes",
                    format!(
                        "Someone entered your password correctly, then a wrong two-step verification code five times (from {ip}). That step is locked for a while.\nIf this was not you, change your password now."
                    ),
                )
            }
        }
        Alert::TwoFactorDisabled => {
            if id {
                (
                    "Verifikasi dua langkah dinonaktifkan",
                    "Verifikasi dua langkah telah dimatikan untuk akun Anda.".into(),
                )
            } else {
                (
                    "Two-step verification turned off",
                    "Two-step verification was turned off for your account.".into(),
                )
            }
        }
        Alert::EmailChangeRequested { new_email } => {
            if id {
                (
                    "Permintaan mengubah alamat email Soco Anda",
                    format!(
                        "Seseorang yang masuk ke akun Anda meminta alamat email diubah menjadi {new_email}. Perubahan terjadi hanya jika tautan yang dikirim ke alamat itu dibuka.\nJika bukan Anda, ubah kata sandi sekarang: itu membatalkan tautan tersebut dan mengakhiri semua sesi."
                    ),
                )
            } else {
                (
                    "A change of your Soco email address was requested",
                    format!(
                        "Someone signed in to your account asked to change its email address to {new_email}. Nothing changes unless the link sent there is opened.\nIf this was not you, change your password now: that cancels the link and ends every session."
                    ),
                )
            }
        }
        Alert::EmailChanged { new_email } => {
            if id {
                (
                    "Alamat email Soco Anda diubah",
                    format!(
                        "Alamat email akun Anda diubah menjadi {new_email}. Email berikutnya akan dikirim ke sana."
                    ),
                )
            } else {
                (
                    "Your Soco email address was changed",
                    format!(
                        "Your account's email address was changed to {new_email}. Future mail goes there."
                    ),
                )
            }
        }
    };
    let label = if id { "Periksa keamanan akun" } else { "Review account security" };
    render(
        to,
        lang,
        Draft {
            subject: subject.into(),
            name,
            paragraphs: body.split('\n').map(str::to_owned).collect(),
            action: Some((label.into(), security_link)),
        },
    )
}

/// "Confirm your new address", sent to the new address of an email change.
pub fn confirm_new_email(to: &str, lang: &str, name: &str, link: &str) -> Email {
    let draft = if indonesian(lang) {
        Draft {
            subject: "Konfirmasi alamat email baru Anda".into(),
            name,
            paragraphs: vec![
                "Konfirmasikan bahwa Anda ingin memakai alamat ini untuk akun Soco Anda. Alamat \
                              baru berlaku setelah Anda membuka tautan ini (berlaku 24 jam, sekali pakai)."
                    .into(),
            ],
            action: Some(("Konfirmasi alamat baru".into(), link)),
        }
    } else {
        Draft {
            subject: "Confirm your new email address".into(),
            name,
            paragraphs: vec![
                "Confirm that you want to use this address for your Soco account. The change takes \
                              effect once you open this link (it works once, for 24 hours)."
                    .into(),
            ],
            action: Some(("Confirm new address".into(), link)),
        }
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
    }
}
