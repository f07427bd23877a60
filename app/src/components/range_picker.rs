//! `<RangePicker>`: the date range the analytics pages share. A plain GET form (two date fields)
//! and preset links, so it works without JavaScript; other query parameters of the page (sort,
//! search) ride along as hidden fields.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::tiktok::RangeView;
use crate::i18n::use_messages;

/// The preset ranges offered, in days.
pub const PRESETS: [u32; 4] = [7, 30, 90, 365];

/// The first day of the `days`-day range ending `today` (`YYYY-MM-DD` in, `YYYY-MM-DD` out).
pub fn preset_start(today: &str, days: u32) -> Option<String> {
    let mut parts = today.splitn(3, '-').map(|p| p.parse::<i32>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let julian = days_from_civil(y, m, d) - i64::from(days) + 1;
    let (y, m, d) = civil_from_days(julian);
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

// Howard Hinnant's civil-calendar conversions: the browser build has no chrono.
fn days_from_civil(y: i32, m: i32, d: i32) -> i64 {
    let y = i64::from(if m <= 2 { y - 1 } else { y });
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `?key=value&...` with each part percent-encoded.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let encoded: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::format::query_value(v)))
        .collect();
    if encoded.is_empty() { String::new() } else { format!("?{}", encoded.join("&")) }
}

/// The range form and presets for `range`; `keep` are the page's other parameters.
#[component]
pub fn RangePicker(range: RangeView, #[prop(optional)] keep: Vec<(&'static str, String)>) -> impl IntoView {
    let t = use_messages();
    let path = use_location().pathname.get_untracked();
    let presets = PRESETS
        .iter()
        .filter_map(|days| {
            let from = preset_start(&range.today, *days)?;
            let current = from == range.from && range.to == range.today;
            let mut pairs: Vec<(&str, String)> = vec![("from", from), ("to", range.today.clone())];
            pairs.extend(keep.iter().cloned());
            let href = format!("{path}{}", query_string(&pairs));
            let text = format!("{}{days}{}", t.analytics.range_last_prefix, t.analytics.range_last_suffix);
            Some(view! {
                <li><a href=href aria-current=current.then_some("true")>{text}</a></li>
            })
        })
        .collect_view();
    view! {
        <div class="range-picker">
            <form method="get" action=path.clone() class="range-form">
                <label>{t.analytics.range_from}" "<input type="date" name="from" value=range.from.clone() max=range.today.clone() required /></label>
                <label>{t.analytics.range_to}" "<input type="date" name="to" value=range.to.clone() max=range.today.clone() required /></label>
                {keep.iter().map(|(k, v)| view! { <input type="hidden" name=*k value=v.clone() /> }).collect_view()}
                <button type="submit" class="button button--small">{t.analytics.range_apply}</button>
            </form>
            <nav aria-label=t.analytics.range_presets>
                <ul class="range-presets">{presets}</ul>
            </nav>
            <p class="hint">{t.analytics.range_zone}" "{range.zone.clone()}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_count_back_across_months_and_leap_days() {
        assert_eq!(preset_start("2026-11-22", 7).as_deref(), Some("2026-11-16"));
        assert_eq!(preset_start("2026-03-01", 2).as_deref(), Some("2026-02-28"));
        assert_eq!(preset_start("2028-03-01", 2).as_deref(), Some("2028-02-29"));
        assert_eq!(preset_start("2026-11-22", 365).as_deref(), Some("2025-11-23"));
        assert_eq!(preset_start("2026-01-01", 1).as_deref(), Some("2026-01-01"));
        assert_eq!(preset_start("nonsense", 7), None);
    }

    #[test]
    fn query_strings_are_encoded() {
        assert_eq!(
            query_string(&[("q", "kopi & teh".into()), ("sort", String::new())]),
            "?q=kopi%20%26%20teh"
        );
        assert_eq!(query_string(&[]), "");
    }
}
