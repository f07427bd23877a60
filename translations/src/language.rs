//! The languages Soco speaks: their tags (stored in `users.locale`, written in `<html lang>`),
//! choosing one from a request, a new user's default time zone, and number formatting.

use crate::{Mail, Messages};

/// A language Soco speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    /// English.
    #[default]
    En,
    /// Bahasa Indonesia.
    Id,
}

impl Language {
    /// Every language, in the order they are offered.
    pub const ALL: [Language; 2] = [Language::En, Language::Id];

    /// The language's own name for itself, as the language menu shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Id => "Bahasa Indonesia",
        }
    }

    /// The BCP 47 tag, as written in `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Id => "id",
        }
    }

    /// Reads a tag such as `id`, `id-ID`, `en-GB` (or the legacy `in` for Indonesian); `None`
    /// for a language Soco does not speak.
    pub fn parse(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "en" => Some(Language::En),
            "id" | "in" => Some(Language::Id),
            _ => None,
        }
    }

    /// The language `tag` names, English for anything else (a stored `users.locale`).
    pub fn from_tag(tag: &str) -> Self {
        Self::parse(tag).unwrap_or_default()
    }

    /// The time zone a new user gets when their browser did not say: Jakarta for Bahasa
    /// Indonesia (Soco's first users), UTC otherwise.
    pub fn default_time_zone(self) -> &'static str {
        match self {
            Language::En => "UTC",
            Language::Id => "Asia/Jakarta",
        }
    }

    /// Picks the best language from an `Accept-Language` header, honouring q-values.
    pub fn negotiate(accept_language: &str) -> Self {
        let mut best: Option<(f32, Language)> = None;
        for range in accept_language.split(',') {
            let mut parts = range.split(';');
            let tag = parts.next().unwrap_or_default().trim();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(language) = Language::parse(tag)
                && q > 0.0
                && best.is_none_or(|(best_q, _)| q > best_q)
            {
                best = Some((q, language));
            }
        }
        best.map(|(_, language)| language).unwrap_or_default()
    }

    /// This language's interface strings.
    pub fn messages(self) -> &'static Messages {
        match self {
            Language::En => &crate::en::EN,
            Language::Id => &crate::id::ID,
        }
    }

    /// This language's mail.
    pub fn mail(self) -> &'static Mail {
        match self {
            Language::En => &crate::en::EN_MAIL,
            Language::Id => &crate::id::ID_MAIL,
        }
    }

    /// Writes a whole number with this language's thousands separator.
    pub fn format_count(self, n: u64) -> String {
        let separator = match self {
            Language::En => ',',
            Language::Id => '.',
        };
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(separator);
            }
            out.push(digit);
        }
        out
    }
}
