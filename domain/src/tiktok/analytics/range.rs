//! The date range the analytics pages share: whole days in the user's time zone, both ends
//! included, read from `from` and `to` query parameters (`YYYY-MM-DD`).

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::{Code, Error, Result};

/// The range shown when none is asked for: the last 30 days.
pub const DEFAULT_DAYS: u64 = 30;
/// The longest range a page computes: three years.
pub const MAX_DAYS: u64 = 3 * 366;

/// Whole days `from..=to` in a time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    /// First day shown.
    pub from: NaiveDate,
    /// Last day shown.
    pub to: NaiveDate,
    /// The zone the days are in.
    pub zone: Tz,
}

impl DateRange {
    /// The last `days` days up to `today` (today included).
    pub fn last(days: u64, today: NaiveDate, zone: Tz) -> Self {
        let from = today.checked_sub_days(Days::new(days.saturating_sub(1))).unwrap_or(today);
        DateRange { from, to: today, zone }
    }

    /// Reads `from` and `to` (either may be missing or empty). The default is the last
    /// [`DEFAULT_DAYS`] days; a missing end is filled from the other. Refuses unreadable dates,
    /// an end before the start, and ranges longer than [`MAX_DAYS`]. Future days are cut to today.
    pub fn parse(from: Option<&str>, to: Option<&str>, now: DateTime<Utc>, zone: Tz) -> Result<Self> {
        let today = now.with_timezone(&zone).date_naive();
        let read = |text: Option<&str>| -> Result<Option<NaiveDate>> {
            match text.map(str::trim).filter(|t| !t.is_empty()) {
                None => Ok(None),
                Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| Error::invalid("range", Code::RangeInvalidDate)),
            }
        };
        let (from, to) = (read(from)?, read(to)?);
        let span = Days::new(DEFAULT_DAYS - 1);
        let (from, to) = match (from, to) {
            (None, None) => return Ok(Self::last(DEFAULT_DAYS, today, zone)),
            (Some(from), None) => (from, from.checked_add_days(span).unwrap_or(from).min(today)),
            (None, Some(to)) => (to.checked_sub_days(span).unwrap_or(to), to),
            (Some(from), Some(to)) => (from, to),
        };
        let to = to.min(today);
        if to < from {
            return Err(Error::invalid("range", Code::RangeReversed));
        }
        let range = DateRange { from, to, zone };
        if range.len() > MAX_DAYS {
            return Err(Error::invalid("range", Code::RangeTooLong));
        }
        Ok(range)
    }

    /// How many days it holds.
    pub fn len(&self) -> u64 {
        u64::try_from((self.to - self.from).num_days() + 1).unwrap_or(0)
    }

    /// Never empty (kept for clippy's `len_without_is_empty`).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every day in it, in order.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        let (from, to) = (self.from, self.to);
        from.iter_days().take_while(move |d| *d <= to)
    }

    /// The instant `day` starts in the range's zone (the earliest, across a DST change).
    /// Where the clocks skip midnight (spring forward at 00:00, as in Santiago or Beirut), the day
    /// starts at its first local time that exists.
    pub fn start_of(&self, day: NaiveDate) -> DateTime<Utc> {
        let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
        (0..=16)
            .map(|quarter| midnight + chrono::Duration::minutes(15 * quarter))
            .find_map(|local| self.zone.from_local_datetime(&local).earliest())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
    }

    /// `[start, end)`: from the first day's start to the day after the last one.
    pub fn bounds(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let after = self.to.checked_add_days(Days::new(1)).unwrap_or(self.to);
        (self.start_of(self.from), self.start_of(after))
    }

    /// The day `instant` falls on in the range's zone.
    pub fn day_of(&self, instant: DateTime<Utc>) -> NaiveDate {
        instant.with_timezone(&self.zone).date_naive()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn a_day_whose_midnight_is_skipped_starts_when_its_clocks_do() {
        // Chile springs forward at 00:00 on 2026-09-06: that day starts at 01:00 local (UTC-3).
        let day = NaiveDate::from_ymd_opt(2026, 9, 6).expect("date");
        let range = DateRange { from: day, to: day, zone: chrono_tz::America::Santiago };
        assert_eq!(range.start_of(day).to_rfc3339(), "2026-09-06T04:00:00+00:00");
    }

    /// An instant from RFC 3339 text (tests of this folder share it).
    pub(crate) fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).expect("time").with_timezone(&Utc)
    }

    /// A day from `YYYY-MM-DD`.
    pub(crate) fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("day")
    }

    #[test]
    fn defaults_to_the_last_thirty_days_in_the_users_zone() {
        // 20:00 UTC on the 21st is already the 22nd in Jakarta (UTC+7).
        let range = DateRange::parse(None, None, at("2026-11-21T20:00:00Z"), chrono_tz::Asia::Jakarta)
            .expect("range");
        assert_eq!((range.from, range.to, range.len()), (day("2026-10-24"), day("2026-11-22"), 30));
        assert_eq!(range.bounds().0, at("2026-10-23T17:00:00Z"));
        assert_eq!(range.bounds().1, at("2026-11-22T17:00:00Z"));
        assert_eq!(range.days().count(), 30);
    }

    #[test]
    fn reads_explicit_days_and_refuses_bad_ones() {
        let now = at("2026-11-22T05:00:00Z");
        let utc = chrono_tz::UTC;
        let range = DateRange::parse(Some("2026-01-01"), Some("2026-01-07"), now, utc).expect("range");
        assert_eq!(range.len(), 7);
        let future = DateRange::parse(Some("2026-11-20"), Some("2027-01-01"), now, utc).expect("range");
        assert_eq!(future.to, day("2026-11-22"), "cut to today");
        let open = DateRange::parse(Some("2026-11-01"), None, now, utc).expect("range");
        assert_eq!((open.from, open.to), (day("2026-11-01"), day("2026-11-22")));
        let code = |r: Result<DateRange>| match r {
            Err(Error::Invalid { code, .. }) => code.as_str(),
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert_eq!(code(DateRange::parse(Some("22/11/2026"), None, now, utc)), "range_invalid_date");
        assert_eq!(
            code(DateRange::parse(Some("2026-11-10"), Some("2026-11-01"), now, utc)),
            "range_reversed"
        );
        assert_eq!(
            code(DateRange::parse(Some("2020-01-01"), Some("2026-11-01"), now, utc)),
            "range_too_long"
        );
    }

    #[test]
    fn days_start_at_local_midnight_across_daylight_saving() {
        let range =
            DateRange { from: day("2026-03-08"), to: day("2026-03-08"), zone: chrono_tz::America::New_York };
        let (start, end) = range.bounds();
        assert_eq!(start, at("2026-03-08T05:00:00Z"));
        assert_eq!(end, at("2026-03-09T04:00:00Z"), "a 23-hour day");
    }
}
