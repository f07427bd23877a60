//! Every string the interface shows, in English and Bahasa Indonesia.
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

/// The interface's strings in one language.
#[derive(Debug)]
pub struct Messages {
    pub skip_to_content: &'static str,
    pub tagline: &'static str,
    pub nav_label: &'static str,
    pub nav_dashboard: &'static str,
    pub nav_accounts: &'static str,
    pub nav_shop: &'static str,
    pub nav_schedule: &'static str,
    pub nav_privacy: &'static str,
    pub nav_settings: &'static str,
    pub coming_heading: &'static str,

    pub dashboard_intro: &'static str,
    pub dashboard_next: &'static str,
    pub accounts_intro: &'static str,
    pub tiktok_connect_button: &'static str,
    pub tiktok_connect_hint: &'static str,
    pub tiktok_empty: &'static str,
    pub tiktok_connected_notice: &'static str,
    pub tiktok_disconnected_notice: &'static str,
    pub tiktok_disconnected_unconfirmed: &'static str,
    pub tiktok_disconnected_ended: &'static str,
    pub tiktok_disconnected_no_token: &'static str,
    pub tiktok_remove_at_tiktok: &'static str,
    pub tiktok_sync_failing: &'static str,
    pub tiktok_sync_given_up: &'static str,
    pub tiktok_sync_retrying: &'static str,
    pub tiktok_retry_button: &'static str,
    pub tiktok_retry_notice: &'static str,
    pub jobs_failing_heading: &'static str,
    pub jobs_none_failing: &'static str,
    pub jobs_kind: &'static str,
    pub jobs_since: &'static str,
    pub jobs_attempts: &'static str,
    pub jobs_state: &'static str,
    pub jobs_error: &'static str,
    pub jobs_given_up: &'static str,
    pub jobs_retrying: &'static str,
    pub tiktok_reconnect_button: &'static str,
    pub tiktok_disconnect_button: &'static str,
    pub tiktok_status_active: &'static str,
    pub tiktok_status_reconnect: &'static str,
    pub tiktok_status_disconnected: &'static str,
    pub tiktok_purge_on: &'static str,
    pub tiktok_verified: &'static str,
    pub tiktok_access_label: &'static str,
    pub tiktok_no_stats: &'static str,
    pub tiktok_accounts_heading: &'static str,
    pub tiktok_followers: &'static str,
    pub tiktok_videos_kept: &'static str,
    pub tiktok_as_of: &'static str,
    pub tiktok_first_sync: &'static str,
    pub tiktok_download_label: &'static str,
    pub tiktok_download_videos: &'static str,
    pub tiktok_download_history: &'static str,
    pub tiktok_download_profile: &'static str,
    pub tiktok_download_totals: &'static str,
    pub shop_intro: &'static str,
    pub shop_coming: &'static str,
    pub schedule_intro: &'static str,
    pub schedule_coming: &'static str,
    pub privacy_intro: &'static str,
    pub privacy_coming: &'static str,

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
    pub loading: &'static str,

    pub chart_data_table: &'static str,

    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub back_home: &'static str,
    pub offline_title: &'static str,
    pub offline_text: &'static str,
    pub offline_retry: &'static str,
    pub error_title: &'static str,
    pub error_internal: &'static str,
    pub error_unavailable: &'static str,
    pub error_upstream: &'static str,
    pub error_not_found: &'static str,
    pub error_unauthorized: &'static str,
    pub error_forbidden: &'static str,
    pub error_conflict: &'static str,
    pub validation_messages: &'static [(&'static str, &'static str)],
    pub invalid_value: &'static str,
    pub rate_limited_wait: &'static str,
    pub wrong_credentials: &'static str,
    pub nav_account: &'static str,
    pub nav_security: &'static str,
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
    pub outbox_title: &'static str,
    pub outbox_lead: &'static str,
    pub outbox_empty: &'static str,
    pub to_label: &'static str,
    pub subject_label: &'static str,
    pub terms_title: &'static str,
    pub privacy_policy_title: &'static str,
    pub operator_only: &'static str,
    pub version_label: &'static str,
    pub welcome_title: &'static str,
    pub welcome_text: &'static str,
    pub range_last_prefix: &'static str,
    pub range_last_suffix: &'static str,
    pub range_from: &'static str,
    pub range_to: &'static str,
    pub range_apply: &'static str,
    pub range_presets: &'static str,
    pub range_zone: &'static str,
    pub breadcrumbs: &'static str,
    pub analytics_compare_heading: &'static str,
    pub analytics_progress_label: &'static str,
    pub analytics_followers: &'static str,
    pub analytics_change_7d: &'static str,
    pub analytics_change_30d: &'static str,
    pub analytics_following: &'static str,
    pub analytics_likes: &'static str,
    pub analytics_videos: &'static str,
    pub analytics_videos_lower: &'static str,
    pub analytics_views: &'static str,
    pub analytics_comments: &'static str,
    pub analytics_shares: &'static str,
    pub analytics_engagement: &'static str,
    pub analytics_open: &'static str,
    pub analytics_summary: &'static str,
    pub analytics_followers_heading: &'static str,
    pub analytics_no_history: &'static str,
    pub analytics_activity_heading: &'static str,
    pub analytics_daily_views: &'static str,
    pub analytics_daily_interactions: &'static str,
    pub analytics_engagement_trend: &'static str,
    pub analytics_not_active: &'static str,
    pub analytics_all_videos: &'static str,
    pub analytics_top_videos: &'static str,
    pub analytics_top_empty: &'static str,
    pub analytics_heatmap_heading: &'static str,
    pub analytics_heatmap_hint: &'static str,
    pub analytics_heatmap_best: &'static str,
    pub analytics_heatmap_empty: &'static str,
    pub analytics_median_views: &'static str,
    pub analytics_median_views_lower: &'static str,
    pub analytics_hashtags_heading: &'static str,
    pub analytics_hashtags_empty: &'static str,
    pub analytics_hashtag: &'static str,
    pub analytics_video: &'static str,
    pub analytics_posted: &'static str,
    pub analytics_growth: &'static str,
    pub analytics_videos_heading: &'static str,
    pub analytics_search_label: &'static str,
    pub analytics_search_button: &'static str,
    pub analytics_page: &'static str,
    pub analytics_pages: &'static str,
    pub analytics_previous: &'static str,
    pub analytics_next: &'static str,
    pub analytics_no_videos: &'static str,
    pub analytics_no_videos_yet: &'static str,
    pub analytics_video_views: &'static str,
    pub analytics_video_interactions: &'static str,
    pub analytics_history_heading: &'static str,
    pub analytics_cover_alt: &'static str,
    pub analytics_open_tiktok: &'static str,
    pub weekdays: [&'static str; 7],
    pub dashboard_accounts_heading: &'static str,
    pub dashboard_no_accounts: &'static str,
    pub analytics_video_account: &'static str,
    pub weekdays_short: [&'static str; 7],
}

impl Messages {
    /// The sentence for a validation rule's code.
    pub fn validation(&self, code: &str) -> &'static str {
        self.validation_messages
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, m)| *m)
            .unwrap_or(self.invalid_value)
    }

    /// "Too many attempts" with the wait.
    pub fn rate_limited(&self, seconds: u64) -> String {
        self.rate_limited_wait.replace("{n}", &seconds.to_string())
    }
}

/// English.
pub static EN: Messages = Messages {
    skip_to_content: "Skip to content",
    tagline: "Your TikTok history and shop, in your hands",
    nav_label: "Main",
    nav_dashboard: "Dashboard",
    nav_accounts: "Accounts",
    nav_shop: "Shop",
    nav_schedule: "Schedule",
    nav_privacy: "Privacy",
    nav_settings: "Settings",
    coming_heading: "Coming soon",

    dashboard_intro: "Soco keeps the history TikTok does not keep and turns it into dashboards: \
        follower and engagement growth, video performance, the best time to post, and your \
        TikTok Shop revenue.",
    dashboard_next: "TikTok Shop revenue, orders and products come here once shops can be \
        connected, in a coming release.",
    accounts_intro: "Connect the TikTok accounts you run and follow each one's growth over time.",
    tiktok_connect_button: "Connect a TikTok account",
    tiktok_connect_hint: "TikTok asks which account to connect and what Soco may read: your profile, your \
        stats and your public videos. Soco never posts without asking.",
    tiktok_empty: "No TikTok account is connected yet.",
    tiktok_connected_notice: "TikTok account connected.",
    tiktok_disconnected_notice: "Disconnected. Soco revoked its access at TikTok and deleted the tokens; the \
        account's history is deleted in 30 days unless you connect it again.",
    tiktok_disconnected_unconfirmed: "Disconnected. Soco deleted its tokens at once, but TikTok did not \
        confirm that it revoked Soco's access (it could not be reached or refused the request). To be \
        sure, remove Soco in the TikTok app: Settings and privacy, Security and permissions, Apps and \
        services permissions. The account's history is deleted in 30 days unless you connect it again.",
    tiktok_disconnected_ended: "Disconnected. TikTok had already ended Soco's access, so there was nothing \
        left to revoke; Soco deleted what remained of its tokens. The account's history is deleted in \
        30 days unless you connect it again.",
    tiktok_disconnected_no_token: "Disconnected. Soco held no working token for this account, so it could \
        not ask TikTok to revoke its access. To be sure, remove Soco in the TikTok app: Settings and \
        privacy, Security and permissions, Apps and services permissions. The account's history is \
        deleted in 30 days unless you connect it again.",
    tiktok_remove_at_tiktok: "Manage app permissions at TikTok",
    tiktok_sync_failing: "Sync failing since",
    tiktok_sync_given_up: "Soco stopped retrying. Press Retry, or reconnect the account.",
    tiktok_sync_retrying: "Soco keeps retrying with longer pauses.",
    tiktok_retry_button: "Retry sync",
    tiktok_retry_notice: "Sync queued again: it runs within a minute.",
    jobs_failing_heading: "Failing background jobs",
    jobs_none_failing: "No background job is failing.",
    jobs_kind: "Job",
    jobs_since: "Failing since (UTC)",
    jobs_attempts: "Attempts",
    jobs_state: "State",
    jobs_error: "Last error",
    jobs_given_up: "Given up: waits for its owner's Retry or a reconnect",
    jobs_retrying: "Retrying with backoff",
    tiktok_reconnect_button: "Reconnect",
    tiktok_disconnect_button: "Disconnect",
    tiktok_status_active: "Connected",
    tiktok_status_reconnect: "Needs reconnecting: TikTok no longer accepts Soco's access",
    tiktok_status_disconnected: "Disconnected",
    tiktok_purge_on: "History deleted on",
    tiktok_verified: "Verified",
    tiktok_access_label: "Access granted",
    tiktok_no_stats: "Follower and like counts were not shared. Reconnect and leave \"stats\" ticked to see them.",
    tiktok_accounts_heading: "TikTok accounts",
    tiktok_followers: "followers",
    tiktok_videos_kept: "videos kept",
    tiktok_as_of: "as of",
    tiktok_first_sync: "First sync in progress: Soco is reading this account's profile and videos.",
    tiktok_download_label: "Download",
    tiktok_download_videos: "Videos",
    tiktok_download_history: "Video count history",
    tiktok_download_profile: "Follower history",
    tiktok_download_totals: "Totals per sync",
    shop_intro: "Read-only access to your TikTok Shop: revenue (gross and net), orders, and your \
        best-performing products, with targets and pace.",
    shop_coming: "Connecting a TikTok Shop is not available yet. No shop data is stored.",
    schedule_intro: "Plan posts and let Soco publish them to TikTok at the time you choose.",
    schedule_coming: "Scheduling is not available yet. No posts are queued.",
    privacy_intro: "Every right in Soco's privacy policy will be a button here: see and export \
        your data, correct it, restrict or object to processing, disconnect and erase.",
    privacy_coming: "The privacy centre's buttons are not available yet. What Soco keeps today: \
        your Soco account, its sessions and security log, and for each TikTok account you connect \
        its profile, videos, their history and its encrypted tokens. Each account's history can be \
        downloaded on the Accounts page, and disconnecting an account deletes its tokens at once and \
        its history 30 days later. Soco sets one cookie, the sign-in session, and no other.",

    settings_intro: "How this Soco installation is doing.",
    system_heading: "System",
    database_backend: "Database",
    schema_heading: "Database schema",
    schema_up_to_date: "Up to date",
    schema_pending: "Migrations waiting to run",
    migration_name: "Migration",
    migration_applied_at: "Applied",
    migration_not_applied: "Not yet",
    table_sizes_heading: "Rows per table",
    table_name: "Table",
    table_rows: "Rows",
    loading: "Loading…",

    chart_data_table: "Data table",

    not_found_title: "Page not found",
    not_found_text: "There is no page at this address. It may have moved, or the link may be \
        mistyped.",
    back_home: "Back to the dashboard",
    offline_title: "You are offline",
    offline_text: "Soco cannot reach its server right now. Check your connection; the page will \
        work again as soon as you are back online.",
    offline_retry: "Try again",
    error_title: "Something went wrong",
    error_internal: "Something went wrong on our side. Please try again in a moment.",
    error_unavailable: "Soco's server could not be reached. Check your connection and try again.",
    error_upstream: "TikTok (or another service Soco relies on) did not answer as expected. Nothing was \
        lost; try again in a few minutes.",
    error_not_found: "That could not be found.",
    error_unauthorized: "Please sign in to continue.",
    error_forbidden: "You do not have access to this.",
    error_conflict: "That conflicts with something that already exists.",
    validation_messages: &[
        ("email_required", "Enter your email address."),
        ("email_invalid", "Enter an email address like name@example.com."),
        ("email_unchanged", "That is already your address."),
        ("email_taken", "That address belongs to another account."),
        ("name_required", "Enter your name."),
        ("name_invalid", "Use at most 100 characters, without control characters."),
        ("password_too_short", "Use at least 12 characters."),
        ("password_too_long", "Use at most 256 characters."),
        ("password_guessable", "This password is too easy to guess. Add more unrelated words."),
        ("password_wrong", "That password is not right."),
        ("adult_required", "Soco is only for people aged 18 or older."),
        ("terms_required", "Please accept the terms of use and the privacy policy."),
        ("time_zone_invalid", "Choose a time zone from the list."),
        ("range_invalid_date", "Enter dates as YYYY-MM-DD."),
        ("range_reversed", "The end date must not be before the start date."),
        ("range_too_long", "Choose a range of at most three years."),
        ("sort_unknown", "That table cannot be sorted that way."),
        ("link_invalid", "This link is invalid, used or expired. Ask for a new one."),
        ("code_invalid", "That code is not right. Check your app's current code or use a recovery code."),
        ("two_factor_already_on", "Two-step verification is already on."),
        ("email_unverified", "Confirm your email address first: we sent you a link."),
        (
            "signed_out_after_guesses",
            "Too many wrong passwords: you have been signed out. Sign in again to go on.",
        ),
        (
            "two_factor_setup_elsewhere",
            "This setup was started or restarted in another window. Start it again here.",
        ),
        ("connect_expired", "That connection attempt expired or was started elsewhere. Please try again."),
        ("connect_denied", "You cancelled on TikTok, so nothing was connected."),
        ("tiktok_grant_refused", "TikTok refused Soco's access. Connect the account again."),
        ("tiktok_not_active", "Only a connected account can sync. Reconnect it first."),
        ("tiktok_busy", "TikTok is busy right now. Try again in a minute."),
        ("tiktok_unavailable", "TikTok could not be reached. Try again later."),
    ],
    invalid_value: "This value is not valid.",
    rate_limited_wait: "Too many attempts. Try again in {n} seconds.",
    wrong_credentials: "Incorrect email or password.",
    nav_account: "Account",
    nav_security: "Security",
    log_in: "Log in",
    log_out: "Log out",
    register: "Create account",
    signed_in_as: "Signed in as",
    email_label: "Email",
    password_label: "Password",
    name_label: "Your name",
    password_hint: "At least 12 characters. A few unrelated words make a strong, memorable password.",
    adult_label: "I am 18 or older",
    terms_label_before: "I accept the",
    terms_link: "terms of use",
    terms_label_and: "and the",
    privacy_link: "privacy policy",
    register_title: "Create your Soco account",
    register_lead: "Soco is for adults (18+). Your data stays on this server.",
    have_account: "Already have an account?",
    no_account: "New to Soco?",
    login_title: "Log in to Soco",
    forgot_link: "Forgot your password?",
    registered_notice: "Check your inbox for a link to confirm your email address. You can log in now.",
    signed_out_notice: "You are signed out.",
    verified_notice: "Your email address is confirmed.",
    reset_done_notice: "Your password is changed. Log in with the new one.",
    two_factor_title: "Two-step verification",
    two_factor_lead: "Enter the 6-digit code from your authenticator app, or one of your recovery codes.",
    code_label: "Code",
    verify_button: "Verify",
    forgot_title: "Reset your password",
    forgot_lead: "Enter your account's email address and we will send you a link to set a new password.",
    send_link: "Send link",
    forgot_sent: "If that address has an account, a link is on its way. It works for 30 minutes.",
    reset_title: "Choose a new password",
    new_password_label: "New password",
    current_password_label: "Current password",
    save_password: "Save password",
    verify_title: "Confirm your email address",
    verify_lead: "Press the button to confirm this address for your Soco account.",
    confirm_button: "Confirm",
    confirm_email_title: "Confirm your new email address",
    unverified_banner: "Please confirm your email address: connecting TikTok accounts and shops needs a confirmed address.",
    resend_link: "Send the link again",
    account_title: "Your account",
    account_lead: "Correct your details at any time.",
    profile_heading: "Profile",
    language_label: "Language",
    time_zone_label: "Time zone",
    save: "Save",
    saved_notice: "Saved.",
    email_heading: "Email address",
    new_email_label: "New email address",
    change_email: "Change email",
    email_change_sent: "We sent a link to the new address. The change takes effect when you open it.",
    email_changed_notice: "Your email address is changed.",
    email_changed_sign_in_notice: "Your email address is changed and every session has ended. Sign in with the new address.",
    verification_sent: "A new confirmation link is on its way.",
    verified_label: "Confirmed",
    unverified_label: "Not confirmed yet",
    security_title: "Security",
    security_lead: "Your password, two-step verification, where you are signed in, and what happened on your account.",
    change_password_heading: "Change password",
    password_changed_notice: "Your password is changed and your other sessions are signed out.",
    two_factor_off_text: "Two-step verification is off. Turn it on to protect your account with a code from an authenticator app.",
    two_factor_on_text: "Two-step verification is on.",
    turn_on: "Turn on",
    turn_off: "Turn off",
    scan_qr: "Scan this code with your authenticator app, or type the key below, then enter the 6-digit code it shows.",
    setup_key: "Key",
    recovery_left: "Unused recovery codes",
    no_recovery_codes_left: "You have no recovery codes left: make new ones below, or losing your authenticator app will lock you out.",
    new_recovery_codes: "Make new recovery codes",
    recovery_title: "Your recovery codes",
    recovery_lead: "Each code signs you in once if you lose your phone. Save them somewhere safe now: they will not be shown again.",
    recovery_saved: "I have saved these codes",
    no_recovery_codes: "There are no new recovery codes to show.",
    sessions_heading: "Where you are signed in",
    this_device: "This device",
    last_used: "Last used",
    signed_in_at: "Signed in",
    end_session: "Sign out",
    end_other_sessions: "Sign out everywhere else",
    events_heading: "Recent security activity",
    event_col: "Event",
    when_col: "When",
    where_col: "IP address",
    device_col: "Device",
    outbox_title: "Outbox",
    outbox_lead: "Sandbox mode: mail Soco would have sent appears here instead.",
    outbox_empty: "No mail yet.",
    to_label: "To",
    subject_label: "Subject",
    terms_title: "Terms of use",
    privacy_policy_title: "Privacy policy",
    operator_only: "Only the operator of this installation sees its system status.",
    version_label: "Version",
    welcome_title: "Welcome to Soco",
    welcome_text: "Self-hosted analytics, scheduling and a privacy centre for TikTok creators and sellers. Your data stays on this server. Soco is for adults (18+).",
    range_last_prefix: "Last ",
    range_last_suffix: " days",
    range_from: "From",
    range_to: "To",
    range_apply: "Show",
    range_presets: "Quick ranges",
    range_zone: "Days and times are in your time zone:",
    breadcrumbs: "Breadcrumbs",
    analytics_compare_heading: "Followers compared",
    analytics_progress_label: "Videos read",
    analytics_followers: "Followers",
    analytics_change_7d: "Followers, 7 days",
    analytics_change_30d: "Followers, 30 days",
    analytics_following: "Following",
    analytics_likes: "Likes",
    analytics_videos: "Videos",
    analytics_videos_lower: "videos",
    analytics_views: "Views",
    analytics_comments: "Comments",
    analytics_shares: "Shares",
    analytics_engagement: "Engagement rate",
    analytics_open: "View analytics",
    analytics_summary: "Summary",
    analytics_followers_heading: "Followers over time",
    analytics_no_history: "No readings in this period yet. Soco reads each account every few hours: choose a longer range, or check back later.",
    analytics_activity_heading: "Daily activity",
    analytics_daily_views: "Views gained per day",
    analytics_daily_interactions: "Likes, comments and shares gained per day",
    analytics_engagement_trend: "Engagement rate per day",
    analytics_not_active: "This account is not connected now: its history is shown as Soco last read it.",
    analytics_all_videos: "All videos",
    analytics_top_videos: "Top videos in this period (views gained)",
    analytics_top_empty: "No video gained views in this period yet.",
    analytics_heatmap_heading: "Best time to post",
    analytics_heatmap_hint: "Median views of the videos posted in each hour of the week, in this period. Time zone:",
    analytics_heatmap_best: "Best so far:",
    analytics_heatmap_empty: "No videos were posted in this period.",
    analytics_median_views: "Median views",
    analytics_median_views_lower: "median views",
    analytics_hashtags_heading: "Hashtags",
    analytics_hashtags_empty: "No hashtags in the captions of videos posted in this period.",
    analytics_hashtag: "Hashtag",
    analytics_video: "Video",
    analytics_posted: "Posted",
    analytics_growth: "Views gained",
    analytics_videos_heading: "Videos",
    analytics_search_label: "Search titles and captions",
    analytics_search_button: "Search",
    analytics_page: "page",
    analytics_pages: "Pages",
    analytics_previous: "Previous page",
    analytics_next: "Next page",
    analytics_no_videos: "No video matches that search.",
    analytics_no_videos_yet: "No videos yet: they appear here as Soco reads them.",
    analytics_video_views: "Views over time",
    analytics_video_interactions: "Likes, comments and shares over time",
    analytics_history_heading: "History",
    analytics_cover_alt: "Video cover",
    analytics_open_tiktok: "Open on TikTok",
    weekdays: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    dashboard_accounts_heading: "Your TikTok accounts",
    dashboard_no_accounts: "No TikTok account is connected yet. Connect one and Soco starts keeping its history: followers, videos and their views.",
    analytics_video_account: "Account",
    weekdays_short: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
};

/// Bahasa Indonesia.
pub static ID: Messages = Messages {
    skip_to_content: "Langsung ke konten",
    tagline: "Riwayat TikTok dan toko Anda, di tangan Anda",
    nav_label: "Utama",
    nav_dashboard: "Dasbor",
    nav_accounts: "Akun",
    nav_shop: "Toko",
    nav_schedule: "Jadwal",
    nav_privacy: "Privasi",
    nav_settings: "Pengaturan",
    coming_heading: "Segera hadir",

    dashboard_intro: "Soco menyimpan riwayat yang tidak disimpan TikTok dan mengubahnya menjadi \
        dasbor: pertumbuhan pengikut dan interaksi, performa video, waktu terbaik untuk \
        mengunggah, dan pendapatan TikTok Shop Anda.",
    dashboard_next: "Pendapatan, pesanan, dan produk TikTok Shop akan tampil di sini setelah toko \
        bisa dihubungkan, pada rilis mendatang.",
    accounts_intro: "Hubungkan akun TikTok yang Anda kelola dan pantau pertumbuhan masing-masing \
        dari waktu ke waktu.",
    tiktok_connect_button: "Hubungkan akun TikTok",
    tiktok_connect_hint: "TikTok akan menanyakan akun mana yang dihubungkan dan apa yang boleh dibaca Soco: \
        profil, statistik, dan video publik Anda. Soco tidak pernah memposting tanpa bertanya.",
    tiktok_empty: "Belum ada akun TikTok yang terhubung.",
    tiktok_connected_notice: "Akun TikTok terhubung.",
    tiktok_disconnected_notice: "Terputus. Soco mencabut aksesnya di TikTok dan menghapus tokennya; riwayat \
        akun dihapus dalam 30 hari kecuali Anda menghubungkannya lagi.",
    tiktok_disconnected_unconfirmed: "Terputus. Soco langsung menghapus tokennya, tetapi TikTok tidak \
        mengonfirmasi bahwa akses Soco telah dicabut (TikTok tidak dapat dihubungi atau menolak \
        permintaan). Agar pasti, hapus Soco di aplikasi TikTok: Pengaturan dan privasi, Keamanan dan \
        izin, Izin aplikasi dan layanan. Riwayat akun dihapus dalam 30 hari kecuali Anda \
        menghubungkannya lagi.",
    tiktok_disconnected_ended: "Terputus. TikTok sudah lebih dulu mengakhiri akses Soco, jadi tidak ada \
        yang perlu dicabut; Soco menghapus sisa tokennya. Riwayat akun dihapus dalam 30 hari kecuali \
        Anda menghubungkannya lagi.",
    tiktok_disconnected_no_token: "Terputus. Soco tidak memegang token yang masih berlaku untuk akun ini, \
        jadi tidak dapat meminta TikTok mencabut aksesnya. Agar pasti, hapus Soco di aplikasi TikTok: \
        Pengaturan dan privasi, Keamanan dan izin, Izin aplikasi dan layanan. Riwayat akun dihapus \
        dalam 30 hari kecuali Anda menghubungkannya lagi.",
    tiktok_remove_at_tiktok: "Kelola izin aplikasi di TikTok",
    tiktok_sync_failing: "Sinkronisasi gagal sejak",
    tiktok_sync_given_up: "Soco berhenti mencoba. Tekan Coba lagi, atau hubungkan akun itu lagi.",
    tiktok_sync_retrying: "Soco terus mencoba dengan jeda yang makin panjang.",
    tiktok_retry_button: "Coba sinkronkan lagi",
    tiktok_retry_notice: "Sinkronisasi diantrekan lagi: berjalan dalam satu menit.",
    jobs_failing_heading: "Tugas latar yang gagal",
    jobs_none_failing: "Tidak ada tugas latar yang gagal.",
    jobs_kind: "Tugas",
    jobs_since: "Gagal sejak (UTC)",
    jobs_attempts: "Percobaan",
    jobs_state: "Keadaan",
    jobs_error: "Galat terakhir",
    jobs_given_up: "Dihentikan: menunggu Coba lagi dari pemiliknya atau sambungan ulang",
    jobs_retrying: "Dicoba lagi dengan jeda",
    tiktok_reconnect_button: "Hubungkan lagi",
    tiktok_disconnect_button: "Putuskan",
    tiktok_status_active: "Terhubung",
    tiktok_status_reconnect: "Perlu dihubungkan lagi: TikTok tidak lagi menerima akses Soco",
    tiktok_status_disconnected: "Terputus",
    tiktok_purge_on: "Riwayat dihapus pada",
    tiktok_verified: "Terverifikasi",
    tiktok_access_label: "Akses yang diberikan",
    tiktok_no_stats: "Jumlah pengikut dan suka tidak dibagikan. Hubungkan lagi dan biarkan \"stats\" tercentang untuk melihatnya.",
    tiktok_accounts_heading: "Akun TikTok",
    tiktok_followers: "pengikut",
    tiktok_videos_kept: "video tersimpan",
    tiktok_as_of: "per",
    tiktok_first_sync: "Sinkronisasi pertama sedang berjalan: Soco sedang membaca profil dan video akun ini.",
    tiktok_download_label: "Unduh",
    tiktok_download_videos: "Video",
    tiktok_download_history: "Riwayat angka video",
    tiktok_download_profile: "Riwayat pengikut",
    tiktok_download_totals: "Total per sinkronisasi",
    shop_intro: "Akses baca-saja ke TikTok Shop Anda: pendapatan (kotor dan bersih), pesanan, dan \
        produk terlaris, lengkap dengan target dan lajunya.",
    shop_coming: "Menghubungkan TikTok Shop belum tersedia. Tidak ada data toko yang disimpan.",
    schedule_intro: "Rencanakan unggahan dan biarkan Soco menerbitkannya ke TikTok pada waktu \
        yang Anda pilih.",
    schedule_coming: "Penjadwalan belum tersedia. Tidak ada unggahan dalam antrean.",
    privacy_intro: "Setiap hak dalam kebijakan privasi Soco akan menjadi tombol di sini: lihat \
        dan ekspor data Anda, perbaiki, batasi atau keberatan atas pemrosesan, putuskan \
        koneksi, dan hapus.",
    privacy_coming: "Tombol-tombol pusat privasi belum tersedia. Yang disimpan Soco saat ini: akun \
        Soco Anda, sesi dan log keamanannya, dan untuk setiap akun TikTok yang Anda hubungkan: \
        profil, video, riwayatnya, dan tokennya yang terenkripsi. Riwayat setiap akun dapat diunduh \
        di halaman Akun, dan memutuskan akun langsung menghapus tokennya serta riwayatnya 30 hari \
        kemudian. Soco memasang satu cookie, yaitu sesi masuk, dan tidak ada yang lain.",

    settings_intro: "Kondisi instalasi Soco ini.",
    system_heading: "Sistem",
    database_backend: "Basis data",
    schema_heading: "Skema basis data",
    schema_up_to_date: "Mutakhir",
    schema_pending: "Migrasi menunggu dijalankan",
    migration_name: "Migrasi",
    migration_applied_at: "Diterapkan",
    migration_not_applied: "Belum",
    table_sizes_heading: "Baris per tabel",
    table_name: "Tabel",
    table_rows: "Baris",
    loading: "Memuat…",

    chart_data_table: "Tabel data",

    not_found_title: "Halaman tidak ditemukan",
    not_found_text: "Tidak ada halaman di alamat ini. Mungkin sudah dipindahkan, atau tautannya \
        salah ketik.",
    back_home: "Kembali ke dasbor",
    offline_title: "Anda sedang luring",
    offline_text: "Soco tidak dapat menjangkau servernya saat ini. Periksa koneksi Anda; halaman \
        akan berfungsi lagi begitu Anda kembali daring.",
    offline_retry: "Coba lagi",
    error_title: "Terjadi kesalahan",
    error_internal: "Terjadi kesalahan di pihak kami. Silakan coba lagi sebentar lagi.",
    error_unavailable: "Server Soco tidak dapat dijangkau. Periksa koneksi Anda dan coba lagi.",
    error_upstream: "TikTok (atau layanan lain yang dipakai Soco) tidak menjawab seperti seharusnya. Tidak \
        ada yang hilang; coba lagi dalam beberapa menit.",
    error_not_found: "Data itu tidak ditemukan.",
    error_unauthorized: "Silakan masuk untuk melanjutkan.",
    error_forbidden: "Anda tidak memiliki akses ke sini.",
    error_conflict: "Itu bertentangan dengan data yang sudah ada.",
    validation_messages: &[
        ("email_required", "Masukkan alamat email Anda."),
        ("email_invalid", "Masukkan alamat email seperti nama@contoh.com."),
        ("email_unchanged", "Itu sudah alamat Anda."),
        ("email_taken", "Alamat itu milik akun lain."),
        ("name_required", "Masukkan nama Anda."),
        ("name_invalid", "Gunakan paling banyak 100 karakter, tanpa karakter kontrol."),
        ("password_too_short", "Gunakan minimal 12 karakter."),
        ("password_too_long", "Gunakan paling banyak 256 karakter."),
        ("password_guessable", "Kata sandi ini terlalu mudah ditebak. Tambahkan beberapa kata acak."),
        ("password_wrong", "Kata sandi itu tidak benar."),
        ("adult_required", "Soco hanya untuk orang berusia 18 tahun atau lebih."),
        ("terms_required", "Mohon setujui ketentuan penggunaan dan kebijakan privasi."),
        ("time_zone_invalid", "Pilih zona waktu dari daftar."),
        ("range_invalid_date", "Masukkan tanggal dengan format TTTT-BB-HH."),
        ("range_reversed", "Tanggal akhir tidak boleh sebelum tanggal mulai."),
        ("range_too_long", "Pilih rentang paling lama tiga tahun."),
        ("sort_unknown", "Tabel itu tidak bisa diurutkan dengan cara itu."),
        ("link_invalid", "Tautan ini tidak valid, sudah dipakai, atau kedaluwarsa. Minta tautan baru."),
        (
            "code_invalid",
            "Kode itu salah. Periksa kode terbaru di aplikasi Anda atau gunakan kode pemulihan.",
        ),
        ("two_factor_already_on", "Verifikasi dua langkah sudah aktif."),
        ("email_unverified", "Konfirmasi alamat email Anda terlebih dahulu: kami telah mengirim tautan."),
        (
            "signed_out_after_guesses",
            "Terlalu banyak kata sandi yang salah: Anda telah dikeluarkan. Masuk lagi untuk melanjutkan.",
        ),
        (
            "two_factor_setup_elsewhere",
            "Pengaturan ini dimulai atau dimulai ulang di jendela lain. Mulai lagi di sini.",
        ),
        (
            "connect_expired",
            "Percobaan menghubungkan sudah kedaluwarsa atau dimulai di tempat lain. Coba lagi.",
        ),
        ("connect_denied", "Anda membatalkan di TikTok, jadi tidak ada yang terhubung."),
        ("tiktok_grant_refused", "TikTok menolak akses Soco. Hubungkan akun itu lagi."),
        ("tiktok_not_active", "Hanya akun yang terhubung yang bisa disinkronkan. Hubungkan lagi dulu."),
        ("tiktok_busy", "TikTok sedang sibuk. Coba lagi sebentar lagi."),
        ("tiktok_unavailable", "TikTok tidak dapat dihubungi. Coba lagi nanti."),
    ],
    invalid_value: "Nilai ini tidak valid.",
    rate_limited_wait: "Terlalu banyak percobaan. Coba lagi dalam {n} detik.",
    wrong_credentials: "Email atau kata sandi salah.",
    nav_account: "Akun saya",
    nav_security: "Keamanan",
    log_in: "Masuk",
    log_out: "Keluar",
    register: "Buat akun",
    signed_in_as: "Masuk sebagai",
    email_label: "Email",
    password_label: "Kata sandi",
    name_label: "Nama Anda",
    password_hint: "Minimal 12 karakter. Beberapa kata acak membuat kata sandi yang kuat dan mudah diingat.",
    adult_label: "Saya berusia 18 tahun atau lebih",
    terms_label_before: "Saya menyetujui",
    terms_link: "ketentuan penggunaan",
    terms_label_and: "dan",
    privacy_link: "kebijakan privasi",
    register_title: "Buat akun Soco Anda",
    register_lead: "Soco untuk orang dewasa (18+). Data Anda tetap di server ini.",
    have_account: "Sudah punya akun?",
    no_account: "Baru di Soco?",
    login_title: "Masuk ke Soco",
    forgot_link: "Lupa kata sandi?",
    registered_notice: "Periksa kotak masuk Anda untuk tautan konfirmasi email. Anda sudah bisa masuk sekarang.",
    signed_out_notice: "Anda telah keluar.",
    verified_notice: "Alamat email Anda telah dikonfirmasi.",
    reset_done_notice: "Kata sandi Anda telah diganti. Masuk dengan kata sandi baru.",
    two_factor_title: "Verifikasi dua langkah",
    two_factor_lead: "Masukkan kode 6 digit dari aplikasi autentikator Anda, atau salah satu kode pemulihan.",
    code_label: "Kode",
    verify_button: "Verifikasi",
    forgot_title: "Atur ulang kata sandi",
    forgot_lead: "Masukkan alamat email akun Anda dan kami akan mengirim tautan untuk membuat kata sandi baru.",
    send_link: "Kirim tautan",
    forgot_sent: "Jika alamat itu memiliki akun, tautan sedang dikirim. Tautan berlaku 30 menit.",
    reset_title: "Pilih kata sandi baru",
    new_password_label: "Kata sandi baru",
    current_password_label: "Kata sandi saat ini",
    save_password: "Simpan kata sandi",
    verify_title: "Konfirmasi alamat email",
    verify_lead: "Tekan tombol untuk mengonfirmasi alamat ini untuk akun Soco Anda.",
    confirm_button: "Konfirmasi",
    confirm_email_title: "Konfirmasi alamat email baru",
    unverified_banner: "Mohon konfirmasi alamat email Anda: menghubungkan akun TikTok dan toko memerlukan alamat yang terkonfirmasi.",
    resend_link: "Kirim ulang tautan",
    account_title: "Akun Anda",
    account_lead: "Perbarui data Anda kapan saja.",
    profile_heading: "Profil",
    language_label: "Bahasa",
    time_zone_label: "Zona waktu",
    save: "Simpan",
    saved_notice: "Tersimpan.",
    email_heading: "Alamat email",
    new_email_label: "Alamat email baru",
    change_email: "Ubah email",
    email_change_sent: "Kami mengirim tautan ke alamat baru. Perubahan berlaku setelah Anda membukanya.",
    email_changed_notice: "Alamat email Anda telah diubah.",
    email_changed_sign_in_notice: "Alamat email Anda telah diubah dan semua sesi telah diakhiri. Masuk dengan alamat yang baru.",
    verification_sent: "Tautan konfirmasi baru sedang dikirim.",
    verified_label: "Terkonfirmasi",
    unverified_label: "Belum dikonfirmasi",
    security_title: "Keamanan",
    security_lead: "Kata sandi, verifikasi dua langkah, perangkat yang sedang masuk, dan riwayat aktivitas akun Anda.",
    change_password_heading: "Ganti kata sandi",
    password_changed_notice: "Kata sandi Anda telah diganti dan sesi lain telah dikeluarkan.",
    two_factor_off_text: "Verifikasi dua langkah nonaktif. Aktifkan untuk melindungi akun Anda dengan kode dari aplikasi autentikator.",
    two_factor_on_text: "Verifikasi dua langkah aktif.",
    turn_on: "Aktifkan",
    turn_off: "Nonaktifkan",
    scan_qr: "Pindai kode ini dengan aplikasi autentikator Anda, atau ketik kunci di bawah, lalu masukkan kode 6 digit yang ditampilkan.",
    setup_key: "Kunci",
    recovery_left: "Kode pemulihan tersisa",
    no_recovery_codes_left: "Kode pemulihan Anda sudah habis: buat yang baru di bawah, atau Anda akan terkunci jika kehilangan aplikasi autentikator.",
    new_recovery_codes: "Buat kode pemulihan baru",
    recovery_title: "Kode pemulihan Anda",
    recovery_lead: "Setiap kode dapat dipakai sekali untuk masuk jika ponsel Anda hilang. Simpan sekarang di tempat aman: kode tidak akan ditampilkan lagi.",
    recovery_saved: "Saya sudah menyimpan kode ini",
    no_recovery_codes: "Tidak ada kode pemulihan baru untuk ditampilkan.",
    sessions_heading: "Perangkat yang sedang masuk",
    this_device: "Perangkat ini",
    last_used: "Terakhir dipakai",
    signed_in_at: "Masuk",
    end_session: "Keluarkan",
    end_other_sessions: "Keluarkan dari semua perangkat lain",
    events_heading: "Aktivitas keamanan terbaru",
    event_col: "Peristiwa",
    when_col: "Waktu",
    where_col: "Alamat IP",
    device_col: "Perangkat",
    outbox_title: "Kotak keluar",
    outbox_lead: "Mode sandbox: email yang akan dikirim Soco muncul di sini.",
    outbox_empty: "Belum ada email.",
    to_label: "Kepada",
    subject_label: "Subjek",
    terms_title: "Ketentuan penggunaan",
    privacy_policy_title: "Kebijakan privasi",
    operator_only: "Hanya operator instalasi ini yang dapat melihat status sistem.",
    version_label: "Versi",
    welcome_title: "Selamat datang di Soco",
    welcome_text: "Analitik, penjadwalan, dan pusat privasi yang di-hosting sendiri untuk kreator dan penjual TikTok. Data Anda tetap di server ini. Soco untuk orang dewasa (18+).",
    range_last_prefix: "",
    range_last_suffix: " hari terakhir",
    range_from: "Dari",
    range_to: "Sampai",
    range_apply: "Tampilkan",
    range_presets: "Rentang cepat",
    range_zone: "Hari dan jam mengikuti zona waktu Anda:",
    breadcrumbs: "Navigasi jejak",
    analytics_compare_heading: "Perbandingan pengikut",
    analytics_progress_label: "Video terbaca",
    analytics_followers: "Pengikut",
    analytics_change_7d: "Pengikut, 7 hari",
    analytics_change_30d: "Pengikut, 30 hari",
    analytics_following: "Mengikuti",
    analytics_likes: "Suka",
    analytics_videos: "Video",
    analytics_videos_lower: "video",
    analytics_views: "Tayangan",
    analytics_comments: "Komentar",
    analytics_shares: "Dibagikan",
    analytics_engagement: "Tingkat interaksi",
    analytics_open: "Lihat analitik",
    analytics_summary: "Ringkasan",
    analytics_followers_heading: "Pengikut dari waktu ke waktu",
    analytics_no_history: "Belum ada data pada periode ini. Soco membaca setiap akun tiap beberapa jam: pilih rentang yang lebih panjang, atau periksa lagi nanti.",
    analytics_activity_heading: "Aktivitas harian",
    analytics_daily_views: "Tayangan baru per hari",
    analytics_daily_interactions: "Suka, komentar, dan bagikan baru per hari",
    analytics_engagement_trend: "Tingkat interaksi per hari",
    analytics_not_active: "Akun ini sedang tidak terhubung: riwayatnya ditampilkan sesuai bacaan terakhir Soco.",
    analytics_all_videos: "Semua video",
    analytics_top_videos: "Video teratas periode ini (tayangan baru)",
    analytics_top_empty: "Belum ada video yang mendapat tayangan baru pada periode ini.",
    analytics_heatmap_heading: "Waktu terbaik untuk posting",
    analytics_heatmap_hint: "Median tayangan video yang diposting pada tiap jam dalam seminggu, pada periode ini. Zona waktu:",
    analytics_heatmap_best: "Terbaik sejauh ini:",
    analytics_heatmap_empty: "Tidak ada video yang diposting pada periode ini.",
    analytics_median_views: "Median tayangan",
    analytics_median_views_lower: "median tayangan",
    analytics_hashtags_heading: "Tagar",
    analytics_hashtags_empty: "Tidak ada tagar pada keterangan video yang diposting pada periode ini.",
    analytics_hashtag: "Tagar",
    analytics_video: "Video",
    analytics_posted: "Diposting",
    analytics_growth: "Tayangan baru",
    analytics_videos_heading: "Video",
    analytics_search_label: "Cari judul dan keterangan",
    analytics_search_button: "Cari",
    analytics_page: "halaman",
    analytics_pages: "Halaman",
    analytics_previous: "Halaman sebelumnya",
    analytics_next: "Halaman berikutnya",
    analytics_no_videos: "Tidak ada video yang cocok dengan pencarian itu.",
    analytics_no_videos_yet: "Belum ada video: video muncul di sini saat Soco membacanya.",
    analytics_video_views: "Tayangan dari waktu ke waktu",
    analytics_video_interactions: "Suka, komentar, dan bagikan dari waktu ke waktu",
    analytics_history_heading: "Riwayat",
    analytics_cover_alt: "Sampul video",
    analytics_open_tiktok: "Buka di TikTok",
    weekdays: ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"],
    dashboard_accounts_heading: "Akun TikTok Anda",
    dashboard_no_accounts: "Belum ada akun TikTok yang terhubung. Hubungkan satu dan Soco mulai menyimpan riwayatnya: pengikut, video, dan tayangannya.",
    analytics_video_account: "Akun",
    weekdays_short: ["Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"],
};

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
        assert_eq!(EN.validation_messages.len(), ID.validation_messages.len());
        for (code, _) in EN.validation_messages {
            assert_ne!(ID.validation(code), ID.invalid_value, "{code} has no Indonesian wording");
        }
        assert_eq!(EN.validation("unknown"), EN.invalid_value);
        assert_eq!(ID.rate_limited(60), "Terlalu banyak percobaan. Coba lagi dalam 60 detik.");
    }

    /// The domain's rules and the sentences for them are one list: a code without words, or
    /// words for a code that no longer exists, fails here.
    #[cfg(feature = "ssr")]
    #[test]
    fn validation_messages_are_the_domain_codes() {
        use domain::error::Code;
        for messages in [&EN, &ID] {
            let mut worded: Vec<&str> = messages.validation_messages.iter().map(|(code, _)| *code).collect();
            worded.sort_unstable();
            let mut codes: Vec<&str> = Code::ALL.iter().map(|code| code.as_str()).collect();
            codes.sort_unstable();
            assert_eq!(worded, codes);
        }
    }

    #[test]
    fn translations_differ_from_english() {
        // A copy-pasted English string in the Indonesian table is a missed translation.
        assert_ne!(EN.nav_dashboard, ID.nav_dashboard);
        assert_ne!(EN.not_found_title, ID.not_found_title);
        assert_ne!(EN.offline_title, ID.offline_title);
    }
}
