//! Formatting shared by pages.

/// `2026-11-22T00:31:05Z` -> `2026-11-22 00:31 UTC`.
pub fn utc_minutes(rfc3339: &str) -> String {
    match rfc3339.get(..16) {
        Some(prefix) => format!("{} UTC", prefix.replacen('T', " ", 1)),
        None => rfc3339.to_owned(),
    }
}

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::i18n::Language;

/// What stays as it is in a query value: RFC 3986's unreserved characters.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
/// The same, with `/` kept too.
const PATH_IN_QUERY: &AsciiSet = &QUERY_VALUE.remove(b'/');

/// `text` percent-encoded for a query value (everything but the unreserved characters).
pub fn query_value(text: &str) -> String {
    utf8_percent_encode(text, QUERY_VALUE).to_string()
}

/// A path percent-encoded for a query value, its `/` kept (`?next=/accounts/tiktok/3`).
pub fn path_in_query(path: &str) -> String {
    utf8_percent_encode(path, PATH_IN_QUERY).to_string()
}

/// What a missing figure shows.
pub const MISSING: &str = "–";

/// A whole number with the locale's separators; negative numbers with a minus sign.
pub fn count(n: i64, locale: Language) -> String {
    let digits = locale.format_count(n.unsigned_abs());
    if n < 0 { format!("−{digits}") } else { digits }
}

/// [`count`], or a dash when unknown.
pub fn maybe_count(n: Option<i64>, locale: Language) -> String {
    n.map_or_else(|| MISSING.to_owned(), |n| count(n, locale))
}

/// A change with its sign (`+1,234`, `−56`, `0`), or a dash when unknown.
pub fn change(n: Option<i64>, locale: Language) -> String {
    match n {
        None => MISSING.to_owned(),
        Some(n) if n > 0 => format!("+{}", count(n, locale)),
        Some(n) => count(n, locale),
    }
}

/// A rate (0.0813 is 8.13%) with two decimals and the locale's decimal mark, or a dash.
pub fn percent(rate: Option<f64>, locale: Language) -> String {
    match rate {
        None => MISSING.to_owned(),
        Some(rate) => {
            // Whole hundredths of a percent, written with integer formatting only: the float
            // formatter is a sizeable part of a wasm build and nothing else needs it.
            let hundredths = (rate * 10_000.0).round() as i64;
            let mark = match locale {
                Language::En => '.',
                Language::Id => ',',
            };
            let sign = if hundredths < 0 { "-" } else { "" };
            let hundredths = hundredths.unsigned_abs();
            format!("{sign}{}{mark}{:02}%", hundredths / 100, hundredths % 100)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_and_paths_are_percent_encoded() {
        assert_eq!(query_value("a b&c=d/é~"), "a%20b%26c%3Dd%2F%C3%A9~");
        assert_eq!(path_in_query("/accounts/tiktok/3?x=1"), "/accounts/tiktok/3%3Fx%3D1");
    }

    #[test]
    fn figures_in_both_languages() {
        assert_eq!(count(-1234, Language::En), "−1,234");
        assert_eq!(maybe_count(None, Language::En), "–");
        assert_eq!(change(Some(1500), Language::Id), "+1.500");
        assert_eq!(change(Some(0), Language::En), "0");
        assert_eq!(percent(Some(0.0813), Language::Id), "8,13%");
        assert_eq!(percent(Some(0.5), Language::En), "50.00%");
        assert_eq!(percent(None, Language::En), "–");
        assert_eq!(percent(Some(0.000_04), Language::En), "0.00%", "rounds to hundredths");
        assert_eq!(percent(Some(0.123_456), Language::En), "12.35%");
        assert_eq!(percent(Some(-0.0105), Language::Id), "-1,05%");
        assert_eq!(percent(Some(12.0), Language::En), "1200.00%");
    }

    #[test]
    fn shows_times_to_the_minute_in_utc() {
        assert_eq!(utc_minutes("2026-11-22T00:31:05Z"), "2026-11-22 00:31 UTC");
        assert_eq!(utc_minutes("bad"), "bad");
    }
}
