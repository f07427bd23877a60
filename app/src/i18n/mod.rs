//! Every string the interface shows, in English ([`en`]) and Bahasa Indonesia ([`id`]): one
//! file per language, grouped by feature the way the code is (`t.auth.login_title`,
//! `t.tiktok.connect_button`, `t.analytics.followers`; a new feature adds its group).
//!
//! Each language is one [`Messages`] value, so a missing translation is a compile error. The
//! server picks the language from the request (`Accept-Language` for now, the user's setting once
//! accounts exist) and writes it to `<html lang>`; the browser reads it back from there when it
//! hydrates, so both sides always render the same words. Use [`use_messages`] in components.

use leptos::prelude::*;

/// A language Soco speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    /// English.
    #[default]
    En,
    /// Bahasa Indonesia.
    Id,
}

impl Locale {
    /// Every language, in the order they are offered (the domain's `Language::ALL`, checked by a
    /// test).
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Id];

    /// The language's own name for itself, as the language menu shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Id => "Bahasa Indonesia",
        }
    }

    /// The BCP 47 tag, as written in `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Id => "id",
        }
    }

    /// Reads a tag such as `id`, `id-ID`, `en-GB` (or the legacy `in` for Indonesian).
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.split(['-', '_']).next().unwrap_or_default().trim();
        match primary.to_ascii_lowercase().as_str() {
            "en" => Some(Locale::En),
            "id" | "in" => Some(Locale::Id),
            _ => None,
        }
    }

    /// Picks the best language from an `Accept-Language` header, honouring q-values.
    pub fn negotiate(accept_language: &str) -> Self {
        let mut best: Option<(f32, Locale)> = None;
        for range in accept_language.split(',') {
            let mut parts = range.split(';');
            let tag = parts.next().unwrap_or_default().trim();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(locale) = Locale::from_tag(tag)
                && q > 0.0
                && best.is_none_or(|(best_q, _)| q > best_q)
            {
                best = Some((q, locale));
            }
        }
        best.map(|(_, locale)| locale).unwrap_or_default()
    }

    /// This language's strings.
    pub fn messages(self) -> &'static Messages {
        match self {
            Locale::En => &EN,
            Locale::Id => &ID,
        }
    }

    /// Writes a whole number with this language's thousands separator.
    pub fn format_count(self, n: u64) -> String {
        let separator = match self {
            Locale::En => ',',
            Locale::Id => '.',
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

/// Makes the request's language available to every component below. Call once, at the top.
pub fn provide_locale(locale: Locale) {
    provide_context(locale);
}

/// The language of the current page.
pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}

/// The strings of the current page's language.
pub fn use_messages() -> &'static Messages {
    use_locale().messages()
}

/// The interface's strings in one language, one group per feature (`t.analytics.followers`).
#[derive(Debug)]
pub struct Messages {
    /// The shell every page shares: navigation, loading, 404 and offline pages.
    pub shell: Shell,
    /// Errors and the validation codes' sentences.
    pub errors: Errors,
    /// Signing up and in, email links and password reset.
    pub auth: Auth,
    /// The user's own account: profile, email, password, two-step verification, sessions.
    pub account: Account,
    /// TikTok accounts: connecting, their cards, sync trouble, downloads.
    pub tiktok: TikTok,
    /// TikTok analytics: charts, tables, the date range, weekdays.
    pub analytics: Analytics,
    /// The dashboard.
    pub dashboard: Dashboard,
    /// Settings and the operator's status.
    pub settings: Settings,
    /// Sections whose features come later.
    pub coming: Coming,
    /// The sandbox's outbox.
    pub outbox: Outbox,
    /// The legal texts' titles.
    pub legal: Legal,
}

/// The shell every page shares: navigation, loading, 404 and offline pages.
#[derive(Debug)]
pub struct Shell {
    pub skip_to_content: &'static str,
    pub tagline: &'static str,
    pub nav_label: &'static str,
    pub nav_dashboard: &'static str,
    pub nav_accounts: &'static str,
    pub nav_shop: &'static str,
    pub nav_schedule: &'static str,
    pub nav_privacy: &'static str,
    pub nav_settings: &'static str,
    pub nav_account: &'static str,
    pub nav_security: &'static str,
    pub coming_heading: &'static str,
    pub loading: &'static str,
    pub chart_data_table: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub back_home: &'static str,
    pub offline_title: &'static str,
    pub offline_text: &'static str,
    pub offline_retry: &'static str,
    pub breadcrumbs: &'static str,
    pub version_label: &'static str,
    pub welcome_title: &'static str,
    pub welcome_text: &'static str,
    pub operator_only: &'static str,
}

/// Errors and the validation codes' sentences.
#[derive(Debug)]
pub struct Errors {
    pub title: &'static str,
    pub internal: &'static str,
    pub unavailable: &'static str,
    pub upstream: &'static str,
    pub not_found: &'static str,
    pub unauthorized: &'static str,
    pub forbidden: &'static str,
    pub conflict: &'static str,
    pub validation_messages: &'static [(&'static str, &'static str)],
    pub invalid_value: &'static str,
    pub rate_limited_wait: &'static str,
    pub wrong_credentials: &'static str,
}

/// Signing up and in, email links and password reset.
#[derive(Debug)]
pub struct Auth {
    pub log_in: &'static str,
    pub log_out: &'static str,
    pub register: &'static str,
    pub signed_in_as: &'static str,
    pub email_label: &'static str,
    pub password_label: &'static str,
    pub name_label: &'static str,
    pub password_hint: &'static str,
    pub adult_label: &'static str,
    pub terms_label_before: &'static str,
    pub terms_link: &'static str,
    pub terms_label_and: &'static str,
    pub privacy_link: &'static str,
    pub register_title: &'static str,
    pub register_lead: &'static str,
    pub have_account: &'static str,
    pub no_account: &'static str,
    pub login_title: &'static str,
    pub forgot_link: &'static str,
    pub registered_notice: &'static str,
    pub signed_out_notice: &'static str,
    pub verified_notice: &'static str,
    pub reset_done_notice: &'static str,
    pub two_factor_title: &'static str,
    pub two_factor_lead: &'static str,
    pub code_label: &'static str,
    pub verify_button: &'static str,
    pub forgot_title: &'static str,
    pub forgot_lead: &'static str,
    pub send_link: &'static str,
    pub forgot_sent: &'static str,
    pub reset_title: &'static str,
    pub new_password_label: &'static str,
    pub current_password_label: &'static str,
    pub save_password: &'static str,
    pub verify_title: &'static str,
    pub verify_lead: &'static str,
    pub confirm_button: &'static str,
    pub confirm_email_title: &'static str,
    pub unverified_banner: &'static str,
    pub resend_link: &'static str,
}

/// The user's own account: profile, email, password, two-step verification, sessions.
#[derive(Debug)]
pub struct Account {
    pub account_title: &'static str,
    pub account_lead: &'static str,
    pub profile_heading: &'static str,
    pub language_label: &'static str,
    pub time_zone_label: &'static str,
    pub save: &'static str,
    pub saved_notice: &'static str,
    pub email_heading: &'static str,
    pub new_email_label: &'static str,
    pub change_email: &'static str,
    pub email_change_sent: &'static str,
    pub email_changed_notice: &'static str,
    pub email_changed_sign_in_notice: &'static str,
    pub verification_sent: &'static str,
    pub verified_label: &'static str,
    pub unverified_label: &'static str,
    pub security_title: &'static str,
    pub security_lead: &'static str,
    pub change_password_heading: &'static str,
    pub password_changed_notice: &'static str,
    pub two_factor_off_text: &'static str,
    pub two_factor_on_text: &'static str,
    pub turn_on: &'static str,
    pub turn_off: &'static str,
    pub scan_qr: &'static str,
    pub setup_key: &'static str,
    pub recovery_left: &'static str,
    pub no_recovery_codes_left: &'static str,
    pub new_recovery_codes: &'static str,
    pub recovery_title: &'static str,
    pub recovery_lead: &'static str,
    pub recovery_saved: &'static str,
    pub no_recovery_codes: &'static str,
    pub sessions_heading: &'static str,
    pub this_device: &'static str,
    pub last_used: &'static str,
    pub signed_in_at: &'static str,
    pub end_session: &'static str,
    pub end_other_sessions: &'static str,
    pub events_heading: &'static str,
    pub event_col: &'static str,
    pub when_col: &'static str,
    pub where_col: &'static str,
    pub device_col: &'static str,
}

/// TikTok accounts: connecting, their cards, sync trouble, downloads.
#[derive(Debug)]
pub struct TikTok {
    pub connect_button: &'static str,
    pub connect_hint: &'static str,
    pub empty: &'static str,
    pub connected_notice: &'static str,
    pub disconnected_notice: &'static str,
    pub disconnected_unconfirmed: &'static str,
    pub disconnected_ended: &'static str,
    pub disconnected_no_token: &'static str,
    pub remove_at_tiktok: &'static str,
    pub sync_failing: &'static str,
    pub sync_given_up: &'static str,
    pub sync_retrying: &'static str,
    pub retry_button: &'static str,
    pub retry_notice: &'static str,
    pub reconnect_button: &'static str,
    pub disconnect_button: &'static str,
    pub status_active: &'static str,
    pub status_reconnect: &'static str,
    pub status_disconnected: &'static str,
    pub purge_on: &'static str,
    pub verified: &'static str,
    pub access_label: &'static str,
    pub no_stats: &'static str,
    pub accounts_heading: &'static str,
    pub followers: &'static str,
    pub videos_kept: &'static str,
    pub as_of: &'static str,
    pub first_sync: &'static str,
    pub download_label: &'static str,
    pub download_videos: &'static str,
    pub download_history: &'static str,
    pub download_profile: &'static str,
    pub download_totals: &'static str,
    pub accounts_intro: &'static str,
}

/// TikTok analytics: charts, tables, the date range, weekdays.
#[derive(Debug)]
pub struct Analytics {
    pub range_last_prefix: &'static str,
    pub range_last_suffix: &'static str,
    pub range_from: &'static str,
    pub range_to: &'static str,
    pub range_apply: &'static str,
    pub range_presets: &'static str,
    pub range_zone: &'static str,
    pub compare_heading: &'static str,
    pub progress_label: &'static str,
    pub followers: &'static str,
    pub change_7d: &'static str,
    pub change_30d: &'static str,
    pub following: &'static str,
    pub likes: &'static str,
    pub videos: &'static str,
    pub videos_lower: &'static str,
    pub views: &'static str,
    pub comments: &'static str,
    pub shares: &'static str,
    pub engagement: &'static str,
    pub open: &'static str,
    pub summary: &'static str,
    pub followers_heading: &'static str,
    pub no_history: &'static str,
    pub activity_heading: &'static str,
    pub daily_views: &'static str,
    pub daily_interactions: &'static str,
    pub engagement_trend: &'static str,
    pub not_active: &'static str,
    pub all_videos: &'static str,
    pub top_videos: &'static str,
    pub top_empty: &'static str,
    pub heatmap_heading: &'static str,
    pub heatmap_hint: &'static str,
    pub heatmap_best: &'static str,
    pub heatmap_empty: &'static str,
    pub median_views: &'static str,
    pub median_views_lower: &'static str,
    pub hashtags_heading: &'static str,
    pub hashtags_empty: &'static str,
    pub hashtag: &'static str,
    pub video: &'static str,
    pub posted: &'static str,
    pub growth: &'static str,
    pub videos_heading: &'static str,
    pub search_label: &'static str,
    pub search_button: &'static str,
    pub page: &'static str,
    pub pages: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub no_videos: &'static str,
    pub no_videos_yet: &'static str,
    pub video_views: &'static str,
    pub video_interactions: &'static str,
    pub history_heading: &'static str,
    pub cover_alt: &'static str,
    pub open_tiktok: &'static str,
    pub video_account: &'static str,
    pub weekdays: [&'static str; 7],
    pub weekdays_short: [&'static str; 7],
}

/// The dashboard.
#[derive(Debug)]
pub struct Dashboard {
    pub intro: &'static str,
    pub next: &'static str,
    pub accounts_heading: &'static str,
    pub no_accounts: &'static str,
}

/// Settings and the operator's status.
#[derive(Debug)]
pub struct Settings {
    pub settings_intro: &'static str,
    pub system_heading: &'static str,
    pub database_backend: &'static str,
    pub schema_heading: &'static str,
    pub schema_up_to_date: &'static str,
    pub schema_pending: &'static str,
    pub migration_name: &'static str,
    pub migration_applied_at: &'static str,
    pub migration_not_applied: &'static str,
    pub table_sizes_heading: &'static str,
    pub table_name: &'static str,
    pub table_rows: &'static str,
    pub jobs_failing_heading: &'static str,
    pub jobs_none_failing: &'static str,
    pub jobs_kind: &'static str,
    pub jobs_since: &'static str,
    pub jobs_attempts: &'static str,
    pub jobs_state: &'static str,
    pub jobs_error: &'static str,
    pub jobs_given_up: &'static str,
    pub jobs_retrying: &'static str,
}

/// Sections whose features come later.
#[derive(Debug)]
pub struct Coming {
    pub shop_intro: &'static str,
    pub shop_coming: &'static str,
    pub schedule_intro: &'static str,
    pub schedule_coming: &'static str,
    pub privacy_intro: &'static str,
    pub privacy_coming: &'static str,
}

/// The sandbox's outbox.
#[derive(Debug)]
pub struct Outbox {
    pub title: &'static str,
    pub lead: &'static str,
    pub empty: &'static str,
    pub to_label: &'static str,
    pub subject_label: &'static str,
}

/// The legal texts' titles.
#[derive(Debug)]
pub struct Legal {
    pub terms_title: &'static str,
    pub privacy_policy_title: &'static str,
}

impl Messages {
    /// The sentence for a validation rule's code.
    pub fn validation(&self, code: &str) -> &'static str {
        self.errors
            .validation_messages
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, m)| *m)
            .unwrap_or(self.errors.invalid_value)
    }

    /// "Too many attempts" with the wait.
    pub fn rate_limited(&self, seconds: u64) -> String {
        self.errors.rate_limited_wait.replace("{n}", &seconds.to_string())
    }
}

mod en;
mod id;

pub use en::EN;
pub use id::ID;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_by_quality() {
        assert_eq!(Locale::negotiate("id-ID,id;q=0.9,en-US;q=0.8"), Locale::Id);
        assert_eq!(Locale::negotiate("en-US,en;q=0.9,id;q=0.8"), Locale::En);
        assert_eq!(Locale::negotiate("fr-FR, id;q=0.5, en;q=0.4"), Locale::Id);
        assert_eq!(Locale::negotiate("in"), Locale::Id);
        assert_eq!(Locale::negotiate("id;q=0, en;q=0.1"), Locale::En);
        assert_eq!(Locale::negotiate("de, fr"), Locale::En);
        assert_eq!(Locale::negotiate(""), Locale::En);
    }

    #[test]
    fn formats_counts_per_language() {
        assert_eq!(Locale::En.format_count(0), "0");
        assert_eq!(Locale::En.format_count(999), "999");
        assert_eq!(Locale::En.format_count(1_234_567), "1,234,567");
        assert_eq!(Locale::Id.format_count(1_234_567), "1.234.567");
        assert_eq!(Locale::Id.format_count(100_000), "100.000");
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

    /// The domain's rules and the sentences for them are one list: a code without words, or
    /// words for a code that no longer exists, fails here.
    #[cfg(feature = "ssr")]
    #[test]
    fn validation_messages_are_the_domain_codes() {
        use domain::error::Code;
        for messages in [&EN, &ID] {
            let mut worded: Vec<&str> =
                messages.errors.validation_messages.iter().map(|(code, _)| *code).collect();
            worded.sort_unstable();
            let mut codes: Vec<&str> = Code::ALL.iter().map(|code| code.as_str()).collect();
            codes.sort_unstable();
            assert_eq!(worded, codes);
        }
    }

    /// The interface and the domain speak the same languages, under the same tags.
    #[cfg(feature = "ssr")]
    #[test]
    fn the_languages_are_the_domains() {
        let ours: Vec<&str> = Locale::ALL.iter().map(|locale| locale.tag()).collect();
        let domains: Vec<&str> =
            domain::language::Language::ALL.iter().map(|language| language.tag()).collect();
        assert_eq!(ours, domains);
    }

    #[test]
    fn translations_differ_from_english() {
        // A copy-pasted English string in the Indonesian table is a missed translation.
        assert_ne!(EN.shell.nav_dashboard, ID.shell.nav_dashboard);
        assert_ne!(EN.shell.not_found_title, ID.shell.not_found_title);
        assert_ne!(EN.shell.offline_title, ID.shell.offline_title);
    }
}
