//! `/terms` and `/privacy-policy`: what Soco promises. The privacy centre (later releases) turns
//! each promise into a button or a job; until then these texts say only what Soco does today.
//! Version: the `TERMS_VERSION` new accounts accept (2026-11-22).

use leptos::prelude::*;

use crate::components::page::Page;
use crate::i18n::{Locale, use_locale, use_messages};

/// The version of these texts; must equal `domain::users::TERMS_VERSION`.
pub const VERSION: &str = "2026-11-22";

type Sections = &'static [(&'static str, &'static str)];

const TERMS_EN: Sections = &[
    (
        "Who may use Soco",
        "Soco is for adults: you must be 18 or older to create an account. The person or organisation that runs this installation (the operator) decides who may register.",
    ),
    (
        "Your account",
        "Keep your password to yourself and turn on two-step verification. You are responsible for what is done with your account. Tell the operator at once if you think someone else has used it.",
    ),
    (
        "Your data and TikTok's",
        "What you connect from TikTok remains yours and TikTok's. Soco reads it through TikTok's official APIs with the permissions you grant, and only to show it to you. You can disconnect at any time.",
    ),
    (
        "Fair use",
        "Do not use Soco to break TikTok's terms, to attack this installation or others, or to process other people's data without a lawful basis.",
    ),
    (
        "No warranty",
        "Soco is provided as it is. Figures come from TikTok and may be late or incomplete; check them before you rely on them for money matters.",
    ),
    ("Changes", "If these terms change, you will be asked to accept the new version before you continue."),
];

const TERMS_ID: Sections = &[
    (
        "Siapa yang boleh memakai Soco",
        "Soco untuk orang dewasa: Anda harus berusia 18 tahun atau lebih untuk membuat akun. Orang atau organisasi yang menjalankan instalasi ini (operator) menentukan siapa yang boleh mendaftar.",
    ),
    (
        "Akun Anda",
        "Jaga kerahasiaan kata sandi Anda dan aktifkan verifikasi dua langkah. Anda bertanggung jawab atas apa yang dilakukan dengan akun Anda. Segera beri tahu operator jika Anda menduga orang lain telah memakainya.",
    ),
    (
        "Data Anda dan data TikTok",
        "Data yang Anda hubungkan dari TikTok tetap milik Anda dan TikTok. Soco membacanya melalui API resmi TikTok dengan izin yang Anda berikan, hanya untuk menampilkannya kepada Anda. Anda dapat memutuskan koneksi kapan saja.",
    ),
    (
        "Penggunaan yang wajar",
        "Jangan memakai Soco untuk melanggar ketentuan TikTok, menyerang instalasi ini atau pihak lain, atau memproses data orang lain tanpa dasar hukum.",
    ),
    (
        "Tanpa jaminan",
        "Soco disediakan apa adanya. Angka berasal dari TikTok dan bisa terlambat atau tidak lengkap; periksa dahulu sebelum Anda mengandalkannya untuk urusan keuangan.",
    ),
    ("Perubahan", "Jika ketentuan ini berubah, Anda akan diminta menyetujui versi baru sebelum melanjutkan."),
];

const PRIVACY_EN: Sections = &[
    (
        "What Soco stores",
        "Your account: email address, name, language, time zone, a password hash (argon2id, never the password), when you confirmed being 18 or older and accepted these terms. Security records: sessions and security events with their IP address and browser. Later, what you connect from TikTok: account statistics, videos and their metrics, and shop figures. Soco never stores your buyers' names, addresses or phone numbers.",
    ),
    (
        "Why",
        "To run your account and keep it secure, and to show you your own TikTok history and shop figures. Nothing is sold, shared with advertisers, or used to profile you.",
    ),
    (
        "Cookies",
        "One strictly necessary cookie keeps you signed in. There are no analytics, advertising or tracking cookies, so there is no cookie banner.",
    ),
    (
        "Security",
        "Passwords are hashed with argon2id; TikTok tokens and two-step verification secrets are encrypted with AES-256-GCM; sessions are stored only as hashes; every security event is recorded and shown to you on your Security page.",
    ),
    (
        "How long",
        "Usage and security logs: 90 days. Shop data: 2 years. TikTok tokens: deleted at once when you disconnect. A deleted account's data: gone within 30 days.",
    ),
    (
        "Your rights",
        "You can see, correct, export (JSON, CSV) and erase your data, restrict or object to its processing, and withdraw consent by disconnecting. Requests are answered within 30 days. Today you can correct your details on your Account page; the privacy centre that makes every other right a button comes in a later release — until then, ask the operator.",
    ),
    (
        "Who is responsible",
        "The operator of this installation is the controller of your data. Soco is software they run on their own server.",
    ),
];

const PRIVACY_ID: Sections = &[
    (
        "Apa yang disimpan Soco",
        "Akun Anda: alamat email, nama, bahasa, zona waktu, hash kata sandi (argon2id, bukan kata sandinya), kapan Anda menyatakan berusia 18 tahun atau lebih dan menyetujui ketentuan ini. Catatan keamanan: sesi dan peristiwa keamanan beserta alamat IP dan perambannya. Nantinya, data yang Anda hubungkan dari TikTok: statistik akun, video dan metriknya, serta angka toko. Soco tidak pernah menyimpan nama, alamat, atau nomor telepon pembeli Anda.",
    ),
    (
        "Untuk apa",
        "Untuk menjalankan akun Anda dan menjaganya tetap aman, serta menampilkan riwayat TikTok dan angka toko Anda sendiri. Tidak ada yang dijual, dibagikan kepada pengiklan, atau dipakai untuk memprofilkan Anda.",
    ),
    (
        "Cookie",
        "Satu cookie yang benar-benar diperlukan menjaga Anda tetap masuk. Tidak ada cookie analitik, iklan, atau pelacakan, sehingga tidak ada banner cookie.",
    ),
    (
        "Keamanan",
        "Kata sandi di-hash dengan argon2id; token TikTok dan rahasia verifikasi dua langkah dienkripsi dengan AES-256-GCM; sesi hanya disimpan sebagai hash; setiap peristiwa keamanan dicatat dan ditampilkan kepada Anda di halaman Keamanan.",
    ),
    (
        "Berapa lama",
        "Log penggunaan dan keamanan: 90 hari. Data toko: 2 tahun. Token TikTok: langsung dihapus saat Anda memutuskan koneksi. Data akun yang dihapus: hilang dalam 30 hari.",
    ),
    (
        "Hak Anda",
        "Anda dapat melihat, memperbaiki, mengekspor (JSON, CSV), dan menghapus data Anda, membatasi atau menolak pemrosesannya, serta menarik persetujuan dengan memutuskan koneksi. Permintaan dijawab dalam 30 hari. Saat ini Anda dapat memperbaiki data di halaman Akun; pusat privasi yang menjadikan setiap hak lain sebuah tombol hadir pada rilis berikutnya — sampai saat itu, hubungi operator.",
    ),
    (
        "Siapa yang bertanggung jawab",
        "Operator instalasi ini adalah pengendali data Anda. Soco adalah perangkat lunak yang mereka jalankan di server mereka sendiri.",
    ),
];

#[component]
fn LegalText(title: &'static str, sections: Sections) -> impl IntoView {
    view! {
        <Page title=title lead=format!("{} {}", use_messages().shell.version_label, crate::pages::legal::VERSION)>
            <article class="card legal">
                {sections.iter().map(|(heading, text)| view! { <h2>{*heading}</h2><p>{*text}</p> }).collect_view()}
            </article>
        </Page>
    }
}

/// `/terms`.
#[component]
pub fn TermsPage() -> impl IntoView {
    let t = use_messages();
    let sections = match use_locale() {
        Locale::Id => TERMS_ID,
        Locale::En => TERMS_EN,
    };
    view! { <LegalText title=t.legal.terms_title sections /> }
}

/// `/privacy-policy`.
#[component]
pub fn PrivacyPolicyPage() -> impl IntoView {
    let t = use_messages();
    let sections = match use_locale() {
        Locale::Id => PRIVACY_ID,
        Locale::En => PRIVACY_EN,
    };
    view! { <LegalText title=t.legal.privacy_policy_title sections /> }
}
