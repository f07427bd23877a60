//! The interface's strings in one language, one group per feature (`t.analytics.followers`).
//! The struct is the list of keys: a language that misses one does not compile.

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
    /// The privacy centre: the rights, the requests register, the operator's queue.
    pub privacy: Privacy,
    /// The sandbox's outbox.
    pub outbox: Outbox,
    /// The terms of use and the privacy policy.
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
}

/// The privacy centre: the rights, the requests register, the operator's queue.
#[derive(Debug)]
pub struct Privacy {
    pub intro: &'static str,
    pub rights_heading: &'static str,
    pub access_heading: &'static str,
    pub access_text: &'static str,
    pub export_heading: &'static str,
    pub export_text: &'static str,
    pub rectify_heading: &'static str,
    pub rectify_text: &'static str,
    pub erase_heading: &'static str,
    pub erase_text: &'static str,
    pub erase_password: &'static str,
    pub erase_code: &'static str,
    pub erase_submit: &'static str,
    pub pending_title: &'static str,
    /// `{day}`.
    pub pending_text: &'static str,
    pub pending_tiktok: &'static str,
    pub cancel_submit: &'static str,
    pub deletion_scheduled_notice: &'static str,
    pub deletion_cancelled_notice: &'static str,
    pub restrict_heading: &'static str,
    pub restrict_text: &'static str,
    pub object_heading: &'static str,
    pub object_text: &'static str,
    pub withdraw_heading: &'static str,
    pub withdraw_text: &'static str,
    pub ask_operator: &'static str,
    pub link_account: &'static str,
    pub link_security: &'static str,
    pub link_accounts: &'static str,
    pub link_policy: &'static str,
    pub requests_heading: &'static str,
    pub requests_lead: &'static str,
    pub requests_empty: &'static str,
    pub col_kind: &'static str,
    pub col_channel: &'static str,
    pub col_received: &'static str,
    pub col_due: &'static str,
    pub col_status: &'static str,
    pub col_outcome: &'static str,
    pub status_open: &'static str,
    pub status_completed: &'static str,
    pub status_refused: &'static str,
    pub status_cancelled: &'static str,
    pub channel_platform: &'static str,
    pub channel_email: &'static str,
    /// Each request kind's name, by its stored name (every kind is checked by a domain test).
    pub request_kinds: &'static [(&'static str, &'static str)],
    /// The names of the fields a correction changed, by the code the register stores.
    pub fields: &'static [(&'static str, &'static str)],
    /// `{day}`, `{reason}`.
    pub extended_note: &'static str,
    pub queue_heading: &'static str,
    pub queue_lead: &'static str,
    pub queue_empty: &'static str,
    pub queue_open: &'static str,
    pub queue_open_heading: &'static str,
    pub queue_operator_only: &'static str,
    pub col_requester: &'static str,
    pub col_days_left: &'static str,
    /// `{n}`.
    pub days_left: &'static str,
    pub due_today: &'static str,
    /// `{n}`.
    pub overdue: &'static str,
    pub record_heading: &'static str,
    pub record_email: &'static str,
    pub record_kind: &'static str,
    pub record_detail: &'static str,
    pub record_submit: &'static str,
    pub outcome_label: &'static str,
    pub complete_submit: &'static str,
    pub refuse_submit: &'static str,
    pub extend_months: &'static str,
    pub extend_reason: &'static str,
    pub extend_submit: &'static str,
    pub recorded: &'static str,
    pub closed: &'static str,
    pub extended: &'static str,
}

impl Privacy {
    /// What a request's detail says, with the field codes of a correction named (`email,name` →
    /// "email address, name"); any other detail as it is.
    pub fn detail(&self, detail: &str) -> String {
        let names: Option<Vec<&str>> = detail
            .split(',')
            .map(|code| self.fields.iter().find(|(c, _)| *c == code).map(|(_, name)| *name))
            .collect();
        names.map_or_else(|| detail.to_owned(), |names| names.join(", "))
    }

    /// The name of a request kind, by its stored name (the name itself when unknown).
    pub fn kind<'a>(&self, name: &'a str) -> &'a str {
        self.request_kinds.iter().find(|(k, _)| *k == name).map(|(_, label)| *label).unwrap_or(name)
    }
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

/// The terms of use and the privacy policy.
#[derive(Debug)]
pub struct Legal {
    pub terms_title: &'static str,
    pub privacy_policy_title: &'static str,
    /// The terms' sections: heading and text.
    pub terms: Sections,
    /// The privacy policy's sections: heading and text.
    pub privacy_policy: Sections,
}

/// A legal text's sections: heading and text.
pub type Sections = &'static [(&'static str, &'static str)];

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
