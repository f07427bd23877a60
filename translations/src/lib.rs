//! Every word Soco shows or sends, with one home per language: [`en`] and [`id`] each hold the
//! interface's strings ([`Messages`], grouped by feature the way the code is:
//! `t.auth.login_title`, `t.tiktok.connect_button`, `t.analytics.followers`), the legal texts
//! (`t.legal`) and the mail ([`Mail`]). The list of languages is [`Language::ALL`].
//!
//! Each language is one value of each struct, so a missing translation is a compile error. The
//! crate has no dependencies: the browser build (through `app`) and the domain (which renders
//! mail) both use it.

mod en;
mod id;
mod language;
mod mail;
mod messages;

pub use en::{EN, EN_MAIL};
pub use id::{ID, ID_MAIL};
pub use language::Language;
pub use mail::{Mail, Message, Notice};
pub use messages::*;

/// Fills `{key}` placeholders in `template` with `values`, in one pass: a value that itself
/// contains `{key}` is never expanded again, and an unknown placeholder stays as written.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let known = after.find('}').and_then(|close| {
            let key = &after[..close];
            values.iter().find(|(k, _)| *k == key).map(|(_, value)| (*value, close))
        });
        match known {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_by_quality() {
        assert_eq!(Language::negotiate("id-ID,id;q=0.9,en-US;q=0.8"), Language::Id);
        assert_eq!(Language::negotiate("en-US,en;q=0.9,id;q=0.8"), Language::En);
        assert_eq!(Language::negotiate("fr-FR, id;q=0.5, en;q=0.4"), Language::Id);
        assert_eq!(Language::negotiate("in"), Language::Id);
        assert_eq!(Language::negotiate("id;q=0, en;q=0.1"), Language::En);
        assert_eq!(Language::negotiate("de, fr"), Language::En);
        assert_eq!(Language::negotiate(""), Language::En);
    }

    #[test]
    fn tags_read_back_and_anything_else_is_english() {
        for language in Language::ALL {
            assert_eq!(Language::from_tag(language.tag()), language);
            assert_eq!(Language::parse(language.tag()), Some(language));
        }
        assert_eq!(Language::from_tag(" ID "), Language::Id);
        assert_eq!(Language::from_tag("id-ID"), Language::Id);
        assert_eq!(Language::parse("fr"), None);
        assert_eq!(Language::from_tag("fr"), Language::En);
    }

    #[test]
    fn formats_counts_per_language() {
        assert_eq!(Language::En.format_count(0), "0");
        assert_eq!(Language::En.format_count(999), "999");
        assert_eq!(Language::En.format_count(1_234_567), "1,234,567");
        assert_eq!(Language::Id.format_count(1_234_567), "1.234.567");
        assert_eq!(Language::Id.format_count(100_000), "100.000");
    }

    #[test]
    fn every_validation_code_is_worded_in_both_languages() {
        assert_eq!(EN.errors.validation_messages.len(), ID.errors.validation_messages.len());
        for (code, _) in EN.errors.validation_messages {
            assert_ne!(ID.validation(code), ID.errors.invalid_value, "{code} has no Indonesian wording");
        }
        assert_eq!(EN.validation("unknown"), EN.errors.invalid_value);
        assert_eq!(ID.rate_limited(60), "Terlalu banyak percobaan. Coba lagi dalam 60 detik.");
    }

    #[test]
    fn translations_differ_from_english() {
        // A copy-pasted English string in the Indonesian table is a missed translation.
        assert_ne!(EN.shell.nav_dashboard, ID.shell.nav_dashboard);
        assert_ne!(EN.shell.not_found_title, ID.shell.not_found_title);
        assert_ne!(EN.shell.offline_title, ID.shell.offline_title);
        assert_ne!(EN_MAIL.reset_password.subject, ID_MAIL.reset_password.subject);
        assert_eq!(EN.legal.terms.len(), ID.legal.terms.len());
        assert_eq!(EN.legal.privacy_policy.len(), ID.legal.privacy_policy.len());
    }

    #[test]
    fn correction_details_name_their_fields() {
        assert_eq!(EN.privacy.detail("name,time_zone"), "name, time zone");
        assert_eq!(ID.privacy.detail("email"), "alamat email");
        assert_eq!(EN.privacy.detail("@dapursari.id"), "@dapursari.id");
        assert_eq!(EN.privacy.kind("erasure"), "Erasure");
        assert_eq!(EN.privacy.kind("future_kind"), "future_kind");
    }

    #[test]
    fn placeholders_fill_once() {
        assert_eq!(fill("Hello {name},", &[("name", "Ayu")]), "Hello Ayu,");
        assert_eq!(fill("{a}{b}", &[("a", "{b}"), ("b", "x")]), "{b}x", "a value is never expanded");
        assert_eq!(fill("{unknown} {", &[("a", "x")]), "{unknown} {");
        assert_eq!(fill("no placeholders", &[]), "no placeholders");
    }

    #[test]
    fn every_mail_placeholder_is_one_its_message_fills() {
        for mail in [&EN_MAIL, &ID_MAIL] {
            assert!(mail.greeting.contains("{name}"));
            assert!(mail.tiktok_reconnect.subject.contains("{account}"));
            assert!(mail.tiktok_reconnect.body.contains("{account}"));
            for key in ["{when}", "{ip}", "{device}"] {
                assert!(mail.new_device.body.contains(key), "{key}");
            }
            assert!(mail.second_factor_failures.body.contains("{ip}"));
            assert!(mail.email_change_requested.body.contains("{new_email}"));
            assert!(mail.email_changed.body.contains("{new_email}"));
        }
    }
}
