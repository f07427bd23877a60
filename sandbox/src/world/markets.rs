//! The marketplaces shops sell into (region, currency, price levels, local time) and the
//! seasonality of their orders: weekends; for Indonesian shops payday, Ramadan and the Lebaran
//! run-up; double-date sales (11.11, 12.12) in Southeast Asia; Black Friday elsewhere.

use rust_decimal::Decimal;

use super::DAY;

/// A marketplace a shop sells into: region, currency and price levels.
#[derive(Debug)]
pub struct Market {
    /// Two-letter region code.
    pub region: &'static str,
    /// ISO 4217 currency.
    pub currency: &'static str,
    /// Decimal places the currency is quoted with.
    pub decimals: u32,
    /// Local time offset from UTC in hours (shopping peaks are local).
    pub utc_offset_hours: i64,
    /// Typical SKU price range in major units.
    pub price_range: (f64, f64),
    /// Units of this currency per US dollar (analytics `currency=USD`), as (mantissa, scale).
    pub per_usd: (i64, u32),
    /// Sales tax added on top of prices (US); zero where prices include it.
    pub tax_percent: i64,
}

impl Market {
    /// Units of this currency per US dollar.
    pub fn per_usd(&self) -> Decimal {
        Decimal::new(self.per_usd.0, self.per_usd.1)
    }

    /// Rounds `amount` to this currency's decimals.
    pub fn round(&self, amount: Decimal) -> Decimal {
        amount.round_dp(self.decimals)
    }

    /// Southeast Asian markets run the double-date sales.
    pub fn southeast_asian(&self) -> bool {
        matches!(self.region, "ID" | "MY" | "PH" | "TH" | "VN" | "SG")
    }
}

/// Local shops are Indonesian.
pub const INDONESIA: Market = Market {
    region: "ID",
    currency: "IDR",
    decimals: 0,
    utc_offset_hours: 7,
    price_range: (15_000.0, 450_000.0),
    per_usd: (16_250, 0),
    tax_percent: 0,
};

/// Markets of cross-border shops, in the order shops are given them.
pub const CROSS_BORDER_MARKETS: &[Market] = &[
    Market {
        region: "GB",
        currency: "GBP",
        decimals: 2,
        utc_offset_hours: 0,
        price_range: (4.0, 60.0),
        per_usd: (79, 2),
        tax_percent: 0,
    },
    Market {
        region: "US",
        currency: "USD",
        decimals: 2,
        utc_offset_hours: -5,
        price_range: (5.0, 80.0),
        per_usd: (1, 0),
        tax_percent: 7,
    },
    Market {
        region: "MY",
        currency: "MYR",
        decimals: 2,
        utc_offset_hours: 8,
        price_range: (10.0, 200.0),
        per_usd: (447, 2),
        tax_percent: 0,
    },
    Market {
        region: "PH",
        currency: "PHP",
        decimals: 2,
        utc_offset_hours: 8,
        price_range: (99.0, 2500.0),
        per_usd: (5650, 2),
        tax_percent: 0,
    },
    Market {
        region: "TH",
        currency: "THB",
        decimals: 2,
        utc_offset_hours: 7,
        price_range: (59.0, 1500.0),
        per_usd: (3480, 2),
        tax_percent: 0,
    },
    Market {
        region: "VN",
        currency: "VND",
        decimals: 0,
        utc_offset_hours: 7,
        price_range: (39_000.0, 900_000.0),
        per_usd: (25_400, 0),
        tax_percent: 0,
    },
];

/// Days since the Unix epoch of a proleptic Gregorian date (Howard Hinnant's days_from_civil),
/// usable in constants.
const fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// First days of Ramadan (approximate Gregorian dates, as days since the epoch); 30 days each.
const RAMADAN_STARTS: [i64; 11] = [
    days_from_civil(2020, 4, 24),
    days_from_civil(2021, 4, 13),
    days_from_civil(2022, 4, 2),
    days_from_civil(2023, 3, 23),
    days_from_civil(2024, 3, 11),
    days_from_civil(2025, 3, 1),
    days_from_civil(2026, 2, 18),
    days_from_civil(2027, 2, 8),
    days_from_civil(2028, 1, 28),
    days_from_civil(2029, 1, 16),
    days_from_civil(2030, 1, 6),
];

fn date_of(day: i64) -> chrono::NaiveDate {
    chrono::DateTime::from_timestamp(day * DAY, 0).unwrap_or_default().date_naive()
}

#[cfg(test)]
fn day_of(year: i32, month: u32, date: u32) -> Option<i64> {
    let date = chrono::NaiveDate::from_ymd_opt(year, month, date)?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp().div_euclid(DAY))
}

/// How much busier `day` is than an average day for a shop in `market`.
pub fn seasonality(market: &Market, day: i64) -> f64 {
    use chrono::Datelike;
    let date = date_of(day);
    let weekday = date.weekday().num_days_from_monday();
    let mut factor = match weekday {
        5 | 6 => 1.12,
        _ => 0.95,
    };
    let (month, dom) = (date.month(), date.day());
    if market.southeast_asian() {
        // Double-date sales; 11.11 and 12.12 are the biggest of the year.
        factor *= match (month, dom) {
            (11, 11) => 3.2,
            (12, 12) => 2.6,
            (m, d) if m == d => 1.7,
            _ => 1.0,
        };
    } else if month == 11 && (23..=29).contains(&dom) && weekday == 4 {
        factor *= 2.5; // Black Friday
    }
    if market.region == "ID" {
        // Payday: from the 25th to the 1st, wallets are full.
        if dom >= 25 || dom == 1 {
            factor *= 1.2;
        }
        if let Some(start) = RAMADAN_STARTS.iter().copied().filter(|start| *start <= day).max() {
            factor *= match day - start {
                0..20 => 1.25,
                20..30 => 1.6, // the run-up to Lebaran
                30..33 => 0.6, // Idul Fitri holidays
                _ => 1.0,
            };
        }
    }
    factor
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_match_chrono() {
        for (y, m, d) in [(1970, 1, 1), (2000, 2, 29), (2026, 2, 18), (2030, 12, 31)] {
            assert_eq!(Some(days_from_civil(y, m, d)), day_of(y as i32, m as u32, d as u32));
        }
    }

    #[test]
    fn sale_days_and_payday_are_busier() {
        let id = &INDONESIA;
        let day = |y, m, d| day_of(y, m, d).expect("date");
        assert!(seasonality(id, day(2026, 11, 11)) > 2.5 * seasonality(id, day(2026, 11, 10)));
        assert!(seasonality(id, day(2026, 12, 12)) > 2.0 * seasonality(id, day(2026, 12, 8)));
        // Both Wednesdays, one on payday.
        assert!(seasonality(id, day(2026, 10, 28)) > seasonality(id, day(2026, 10, 14)));
        // Lebaran run-up in 2026 (Ramadan from 18 February).
        assert!(seasonality(id, day(2026, 3, 12)) > 1.4 * seasonality(id, day(2026, 4, 15)));
    }
}
