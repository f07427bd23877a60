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
    pub accounts_coming: &'static str,
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
    pub error_not_found: &'static str,
    pub error_unauthorized: &'static str,
    pub error_forbidden: &'static str,
    pub error_conflict: &'static str,
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
    dashboard_next: "Your dashboard fills in once you connect a TikTok account or a TikTok Shop. \
        Connecting arrives with sign-in, in the next release.",
    accounts_intro: "Connect the TikTok accounts you run and follow each one's growth over time.",
    accounts_coming: "Connecting TikTok accounts is not available yet. Nothing is connected and \
        no data is collected.",
    shop_intro: "Read-only access to your TikTok Shop: revenue (gross and net), orders, and your \
        best-performing products, with targets and pace.",
    shop_coming: "Connecting a TikTok Shop is not available yet. No shop data is stored.",
    schedule_intro: "Plan posts and let Soco publish them to TikTok at the time you choose.",
    schedule_coming: "Scheduling is not available yet. No posts are queued.",
    privacy_intro: "Every right in Soco's privacy policy will be a button here: see and export \
        your data, correct it, restrict or object to processing, disconnect and erase.",
    privacy_coming: "The privacy centre is not available yet. Soco stores no personal data until \
        accounts arrive; it sets no cookies.",

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
    error_not_found: "That could not be found.",
    error_unauthorized: "Please sign in to continue.",
    error_forbidden: "You do not have access to this.",
    error_conflict: "That conflicts with something that already exists.",
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
    dashboard_next: "Dasbor Anda akan terisi setelah Anda menghubungkan akun TikTok atau TikTok \
        Shop. Fitur menghubungkan hadir bersama fitur masuk, pada rilis berikutnya.",
    accounts_intro: "Hubungkan akun TikTok yang Anda kelola dan pantau pertumbuhan masing-masing \
        dari waktu ke waktu.",
    accounts_coming: "Menghubungkan akun TikTok belum tersedia. Belum ada akun yang terhubung dan \
        tidak ada data yang dikumpulkan.",
    shop_intro: "Akses baca-saja ke TikTok Shop Anda: pendapatan (kotor dan bersih), pesanan, dan \
        produk terlaris, lengkap dengan target dan lajunya.",
    shop_coming: "Menghubungkan TikTok Shop belum tersedia. Tidak ada data toko yang disimpan.",
    schedule_intro: "Rencanakan unggahan dan biarkan Soco menerbitkannya ke TikTok pada waktu \
        yang Anda pilih.",
    schedule_coming: "Penjadwalan belum tersedia. Tidak ada unggahan dalam antrean.",
    privacy_intro: "Setiap hak dalam kebijakan privasi Soco akan menjadi tombol di sini: lihat \
        dan ekspor data Anda, perbaiki, batasi atau keberatan atas pemrosesan, putuskan \
        koneksi, dan hapus.",
    privacy_coming: "Pusat privasi belum tersedia. Soco tidak menyimpan data pribadi sampai fitur \
        akun hadir; Soco tidak memasang cookie.",

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
    error_not_found: "Data itu tidak ditemukan.",
    error_unauthorized: "Silakan masuk untuk melanjutkan.",
    error_forbidden: "Anda tidak memiliki akses ke sini.",
    error_conflict: "Itu bertentangan dengan data yang sudah ada.",
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
    fn translations_differ_from_english() {
        // A copy-pasted English string in the Indonesian table is a missed translation.
        assert_ne!(EN.nav_dashboard, ID.nav_dashboard);
        assert_ne!(EN.not_found_title, ID.not_found_title);
        assert_ne!(EN.offline_title, ID.offline_title);
    }
}
