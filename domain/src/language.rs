//! The languages Soco speaks, as the domain knows them: stored in `users.locale`, chosen for
//! mail, and deciding a new user's time zone. The interface's own list (`app::i18n::Locale`,
//! which the browser build needs without this crate) is checked against this one by a test.

/// A language Soco speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    /// English (also what any other tag means).
    #[default]
    En,
    /// Bahasa Indonesia.
    Id,
}

impl Language {
    /// Every language, in the order they are offered.
    pub const ALL: [Language; 2] = [Language::En, Language::Id];

    /// The tag stored in `users.locale` and written in `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Id => "id",
        }
    }

    /// The language `tag` names (trimmed, any case); English for anything else.
    pub fn from_tag(tag: &str) -> Language {
        let tag = tag.trim();
        Language::ALL
            .into_iter()
            .find(|language| language.tag().eq_ignore_ascii_case(tag))
            .unwrap_or_default()
    }

    /// The time zone a new user gets when their browser did not say: Jakarta for Bahasa
    /// Indonesia (Soco's first users), UTC otherwise.
    pub fn default_time_zone(self) -> &'static str {
        match self {
            Language::En => "UTC",
            Language::Id => "Asia/Jakarta",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Language;

    #[test]
    fn tags_read_back_and_anything_else_is_english() {
        for language in Language::ALL {
            assert_eq!(Language::from_tag(language.tag()), language);
        }
        assert_eq!(Language::from_tag(" ID "), Language::Id);
        assert_eq!(Language::from_tag("fr"), Language::En);
    }
}
