//! Formatting shared by pages.

/// `2026-11-22T00:31:05Z` -> `2026-11-22 00:31 UTC`.
pub fn utc_minutes(rfc3339: &str) -> String {
    match rfc3339.get(..16) {
        Some(prefix) => format!("{} UTC", prefix.replacen('T', " ", 1)),
        None => rfc3339.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::utc_minutes;

    #[test]
    fn shows_times_to_the_minute_in_utc() {
        assert_eq!(utc_minutes("2026-11-22T00:31:05Z"), "2026-11-22 00:31 UTC");
        assert_eq!(utc_minutes("bad"), "bad");
    }
}
