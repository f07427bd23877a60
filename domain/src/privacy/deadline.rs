//! When a privacy request is due. GDPR Art. 12(3): "without undue delay and in any event within
//! one month of receipt", extendable "by two further months where necessary"; Soco's policy
//! promises 30 days. So a request is due at the earlier of 30 days and one calendar month after
//! it was received, counted on the calendar of the user's time zone (a month from 31 January is
//! the last day of February), at the same local time of day; an extension adds one or two
//! months to that deadline.

use chrono::{DateTime, Duration, Months, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::Code;
use crate::{Error, Result};

/// The policy's promise: requests are answered within this many days.
pub const RESPONSE_DAYS: i64 = 30;

/// The longest extension the law allows, in months.
pub const MAX_EXTENSION_MONTHS: u32 = 2;

/// The deadline of a request received at `received` by a user in `zone`.
pub fn due(received: DateTime<Utc>, zone: Tz) -> DateTime<Utc> {
    let local = received.with_timezone(&zone).naive_local();
    let month = local.checked_add_months(Months::new(1)).unwrap_or(local);
    let days = local + Duration::days(RESPONSE_DAYS);
    to_utc(zone, month.min(days))
}

/// `deadline` extended by `months` (1 or 2) on `zone`'s calendar.
pub fn extended(deadline: DateTime<Utc>, months: u32, zone: Tz) -> Result<DateTime<Utc>> {
    if !(1..=MAX_EXTENSION_MONTHS).contains(&months) {
        return Err(Error::invalid("months", Code::ExtensionTooLong));
    }
    let local = deadline.with_timezone(&zone).naive_local();
    let later = local
        .checked_add_months(Months::new(months))
        .ok_or(Error::invalid("months", Code::ExtensionTooLong))?;
    Ok(to_utc(zone, later))
}

/// Whole calendar days from `now` to `deadline` on `zone`'s calendar: 0 on the day it is due,
/// negative once overdue.
pub fn days_left(deadline: DateTime<Utc>, now: DateTime<Utc>, zone: Tz) -> i64 {
    let due_day = deadline.with_timezone(&zone).date_naive();
    let today = now.with_timezone(&zone).date_naive();
    (due_day - today).num_days()
}

/// The instant a local time names in `zone`: the earlier of two when clocks go back, and the
/// first instant after the gap when clocks go forward over it.
fn to_utc(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut probe = local;
    for _ in 0..4 {
        if let Some(at) = zone.from_local_datetime(&probe).earliest() {
            return at.with_timezone(&Utc);
        }
        probe += Duration::minutes(30);
    }
    Utc.from_utc_datetime(&local)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("time").with_timezone(&Utc)
    }

    #[test]
    fn the_earlier_of_thirty_days_and_a_month() {
        let utc = chrono_tz::UTC;
        // January has 31 days: 30 days is earlier than a month.
        assert_eq!(due(at("2027-01-10T09:00:00Z"), utc), at("2027-02-09T09:00:00Z"));
        // From 31 January a month ends on the last day of February (28 days).
        assert_eq!(due(at("2027-01-31T09:00:00Z"), utc), at("2027-02-28T09:00:00Z"));
        // In a leap year, on the 29th.
        assert_eq!(due(at("2028-01-31T09:00:00Z"), utc), at("2028-02-29T09:00:00Z"));
        // February to March: a month (28 days) is earlier than 30 days.
        assert_eq!(due(at("2027-02-01T09:00:00Z"), utc), at("2027-03-01T09:00:00Z"));
        // April has 30 days: both are the same day.
        assert_eq!(due(at("2027-04-10T09:00:00Z"), utc), at("2027-05-10T09:00:00Z"));
    }

    #[test]
    fn counted_on_the_users_calendar() {
        let jakarta: Tz = "Asia/Jakarta".parse().expect("zone");
        // 30 January 20:00 UTC is already 31 January 03:00 in Jakarta: a month from the 31st
        // ends on 28 February in Jakarta, a day earlier than for the same instant in UTC.
        assert_eq!(due(at("2027-01-30T20:00:00Z"), jakarta), at("2027-02-27T20:00:00Z"));
        assert_eq!(due(at("2027-01-30T20:00:00Z"), chrono_tz::UTC), at("2027-02-28T20:00:00Z"));
    }

    #[test]
    fn extensions_are_one_or_two_months() {
        let utc = chrono_tz::UTC;
        let deadline = at("2027-02-28T09:00:00Z");
        assert_eq!(extended(deadline, 1, utc).expect("one"), at("2027-03-28T09:00:00Z"));
        assert_eq!(extended(deadline, 2, utc).expect("two"), at("2027-04-28T09:00:00Z"));
        for months in [0, 3, 12] {
            assert!(matches!(
                extended(deadline, months, utc),
                Err(Error::Invalid { code: Code::ExtensionTooLong, .. })
            ));
        }
    }

    #[test]
    fn days_left_counts_calendar_days() {
        let utc = chrono_tz::UTC;
        let deadline = at("2027-02-09T09:00:00Z");
        assert_eq!(days_left(deadline, at("2027-02-08T23:59:00Z"), utc), 1);
        assert_eq!(days_left(deadline, at("2027-02-09T23:00:00Z"), utc), 0);
        assert_eq!(days_left(deadline, at("2027-02-10T00:00:00Z"), utc), -1);
    }

    fn zones() -> impl Strategy<Value = Tz> {
        prop::sample::select(vec![
            chrono_tz::UTC,
            chrono_tz::Asia::Jakarta,
            chrono_tz::Asia::Makassar,
            chrono_tz::Europe::London,
            chrono_tz::America::New_York,
            chrono_tz::Australia::Lord_Howe,
            chrono_tz::Pacific::Chatham,
        ])
    }

    proptest! {
        /// Across month ends, leap years and time zones (with their clock changes), a request is
        /// never due later than 30 days (give or take the hour a clock change moves) nor later
        /// than a calendar month, and never before four weeks have passed.
        #[test]
        fn never_later_than_thirty_days_or_a_month(secs in 1_700_000_000i64..2_100_000_000, zone in zones()) {
            let received = DateTime::from_timestamp(secs, 0).expect("instant");
            let deadline = due(received, zone);
            let local = received.with_timezone(&zone).naive_local();
            let month = local.checked_add_months(Months::new(1)).expect("month");
            prop_assert!(deadline - received <= Duration::days(RESPONSE_DAYS) + Duration::hours(1));
            prop_assert!(deadline - received >= Duration::days(28) - Duration::hours(1));
            prop_assert!(deadline.with_timezone(&zone).naive_local() <= month + Duration::hours(1));
            prop_assert!(days_left(deadline, received, zone) <= RESPONSE_DAYS);
            prop_assert!(days_left(deadline, received, zone) >= 28);
        }

        /// An extension always moves the deadline later, by at most two months (62 days).
        #[test]
        fn extensions_move_later_by_at_most_two_months(secs in 1_700_000_000i64..2_100_000_000, zone in zones(), months in 1u32..=2) {
            let deadline = due(DateTime::from_timestamp(secs, 0).expect("instant"), zone);
            let later = extended(deadline, months, zone).expect("extension");
            prop_assert!(later > deadline);
            prop_assert!(later - deadline <= Duration::days(62) + Duration::hours(1));
            prop_assert!(later - deadline >= Duration::days(28 * i64::from(months)) - Duration::hours(1));
        }
    }
}
