//! Calendar dates (`YYYY-MM-DD`, proleptic Gregorian), without a clock or time zone.
//!
//! The gazette's rules are stated in calendar dates ("自 2023 年 5 月 1 日起执行"); a
//! [`Date`] can only hold a real calendar day, so code that has one need not check it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a date was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DateError {
    /// The text is not of the form `YYYY-MM-DD` (four, two and two ASCII digits).
    #[error("{0:?} is not a date of the form YYYY-MM-DD")]
    Format(String),
    /// The numbers do not name a calendar day (month 13, 30 February, year 0, ...).
    #[error("{year:04}-{month:02}-{day:02} is not a calendar date")]
    NotACalendarDay {
        /// Year as given.
        year: u16,
        /// Month as given.
        month: u8,
        /// Day as given.
        day: u8,
    },
}

/// A calendar day between 0001-01-01 and 9999-12-31.
///
/// Ordered chronologically; displayed, serialized and parsed as `YYYY-MM-DD`. The
/// calendar arithmetic (day counts, weekdays, month lengths) is the `time` crate's.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(time::Date);

/// The Julian day number of 1970-01-01.
const UNIX_EPOCH_JULIAN_DAY: i64 = 2_440_588;

/// Whether `year` is a Gregorian leap year.
pub const fn is_leap_year(year: u16) -> bool {
    time::util::is_leap_year(year as i32)
}

/// `month` (1-12) as the `time` crate's month.
const fn time_month(month: u8) -> Option<time::Month> {
    use time::Month::*;
    Some(match month {
        1 => January,
        2 => February,
        3 => March,
        4 => April,
        5 => May,
        6 => June,
        7 => July,
        8 => August,
        9 => September,
        10 => October,
        11 => November,
        12 => December,
        _ => return None,
    })
}

/// Number of days in `month` (1-12) of `year`; 0 for a month out of range.
pub const fn days_in_month(year: u16, month: u8) -> u8 {
    match time_month(month) {
        Some(month) => time::util::days_in_month(month, year as i32),
        None => 0,
    }
}

/// `year-month-day`, if it is a calendar day in years 1-9999.
const fn calendar_day(year: u16, month: u8, day: u8) -> Option<time::Date> {
    let Some(month) = time_month(month) else { return None };
    if year < 1 || year > 9999 {
        return None;
    }
    match time::Date::from_calendar_date(year as i32, month, day) {
        Ok(date) => Some(date),
        Err(_) => None,
    }
}

impl Date {
    /// The date `year-month-day`, if it is a calendar day in years 1-9999.
    pub const fn new(year: u16, month: u8, day: u8) -> Result<Date, DateError> {
        match calendar_day(year, month, day) {
            Some(date) => Ok(Date(date)),
            None => Err(DateError::NotACalendarDay { year, month, day }),
        }
    }

    /// The date `year-month-day` for constants; fails to compile (or panics) if it
    /// is not a calendar day.
    pub const fn ymd(year: u16, month: u8, day: u8) -> Date {
        match calendar_day(year, month, day) {
            Some(date) => Date(date),
            None => panic!("not a calendar date"),
        }
    }

    /// The `time` crate's date, if it is in years 1-9999.
    pub(crate) const fn from_time_date(date: time::Date) -> Option<Date> {
        if date.year() >= 1 && date.year() <= 9999 { Some(Date(date)) } else { None }
    }

    /// Parses exactly `YYYY-MM-DD` (no time, no sign, no surrounding spaces).
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let format_error = || DateError::Format(text.to_owned());
        let b = text.as_bytes();
        let shape_ok = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape_ok {
            return Err(format_error());
        }
        // All of these are ASCII digits, so the slices are on char boundaries and parse.
        let year = text[0..4].parse().map_err(|_| format_error())?;
        let month = text[5..7].parse().map_err(|_| format_error())?;
        let day = text[8..10].parse().map_err(|_| format_error())?;
        Date::new(year, month, day)
    }

    /// Year (1-9999).
    pub const fn year(self) -> u16 {
        self.0.year() as u16
    }

    /// Month (1-12).
    pub const fn month(self) -> u8 {
        self.0.month() as u8
    }

    /// Day of the month (1-31).
    pub const fn day(self) -> u8 {
        self.0.day()
    }

    /// Days since 1970-01-01 (negative before it): a day count for arithmetic.
    pub const fn epoch_days(self) -> i64 {
        self.0.to_julian_day() as i64 - UNIX_EPOCH_JULIAN_DAY
    }

    /// The date `days` days after 1970-01-01 (before it if negative), if it is in
    /// years 1-9999.
    pub fn from_epoch_days(days: i64) -> Option<Date> {
        let julian_day = i32::try_from(days.checked_add(UNIX_EPOCH_JULIAN_DAY)?).ok()?;
        Date::from_time_date(time::Date::from_julian_day(julian_day).ok()?)
    }

    /// The date `days` calendar days later (earlier if negative), if it is in years
    /// 1-9999. `d.add_days(1)` is the next day.
    pub fn add_days(self, days: i64) -> Option<Date> {
        Date::from_epoch_days(self.epoch_days().checked_add(days)?)
    }

    /// Calendar days from `self` to `later` (negative if `later` is earlier).
    pub const fn days_until(self, later: Date) -> i64 {
        later.epoch_days() - self.epoch_days()
    }

    /// The same day of the month `months` months later, clamped to the last day of
    /// that month if it is shorter (2023-08-31 + 6 months = 2024-02-29; 2022-08-31 +
    /// 6 months = 2023-02-28); `None` beyond 9999-12-31.
    ///
    /// This is the rule of 《民法典》第二百零二条 for periods counted in months or
    /// years: the period ends on the corresponding day of the last month, or on that
    /// month's last day if it has no corresponding day.
    pub fn add_months(self, months: u32) -> Option<Date> {
        let (year, month, day) = self.0.to_calendar_date();
        let index = (u32::from(u8::from(month)) - 1).checked_add(months)?;
        let year = u16::try_from(year.unsigned_abs() + index / 12).ok()?;
        let month = u8::try_from(index % 12 + 1).ok()?;
        let day = day.min(days_in_month(year, month));
        Date::new(year, month, day).ok()
    }

    /// ISO weekday: 1 = Monday ... 7 = Sunday.
    pub const fn iso_weekday(self) -> u8 {
        self.0.weekday().number_from_monday()
    }

    /// Whether the day is a Saturday or Sunday.
    pub const fn is_weekend(self) -> bool {
        self.iso_weekday() >= 6
    }

    /// The `time` crate's date.
    pub(crate) const fn to_time_date(self) -> time::Date {
        self.0
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Date")
            .field("year", &self.year())
            .field("month", &self.month())
            .field("day", &self.day())
            .finish()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = self.0.to_calendar_date();
        write!(f, "{year:04}-{:02}-{day:02}", u8::from(month))
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse(s)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays_real_dates() {
        for text in ["2023-05-01", "2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31"] {
            let d = Date::parse(text).unwrap();
            assert_eq!(d.to_string(), text);
            assert_eq!(text.parse::<Date>().unwrap(), d);
        }
        let d = Date::parse("2023-06-29").unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2023, 6, 29));
        assert_eq!(d, Date::ymd(2023, 6, 29));
    }

    #[test]
    fn rejects_days_that_do_not_exist() {
        for text in ["2023-02-29", "1900-02-29", "2023-04-31", "2023-13-01", "2023-00-10", "2023-01-00", "0000-01-01"] {
            assert!(matches!(Date::parse(text), Err(DateError::NotACalendarDay { .. })), "{text}");
        }
    }

    #[test]
    fn rejects_other_shapes() {
        for text in [
            "",
            "2023-5-1",
            "2023/05/01",
            "20230501",
            " 2023-05-01",
            "2023-05-01T00:00:00",
            "+023-05-01",
            "２０２３-05-01",
            "2023-0５-01",
        ] {
            assert_eq!(Date::parse(text), Err(DateError::Format(text.to_owned())), "{text}");
        }
    }

    #[test]
    fn orders_chronologically() {
        let mut dates =
            ["2023-06-29", "2023-03-01", "2022-12-31", "2023-05-18", "2023-05-01"].map(|t| Date::parse(t).unwrap());
        dates.sort();
        let sorted: Vec<String> = dates.iter().map(Date::to_string).collect();
        assert_eq!(sorted, ["2022-12-31", "2023-03-01", "2023-05-01", "2023-05-18", "2023-06-29"]);
    }

    #[test]
    fn serde_round_trip_as_text() {
        let d = Date::ymd(2023, 5, 1);
        assert_eq!(serde_json::to_value(d).unwrap(), serde_json::json!("2023-05-01"));
        let back: Date = serde_json::from_value(serde_json::json!("2023-05-01")).unwrap();
        assert_eq!(back, d);
        assert!(serde_json::from_value::<Date>(serde_json::json!("2023-02-30")).is_err());
    }

    #[test]
    fn day_arithmetic() {
        assert_eq!(Date::ymd(1970, 1, 1).epoch_days(), 0);
        assert_eq!(Date::ymd(2023, 6, 29).epoch_days(), 19_537);
        assert_eq!(Date::from_epoch_days(19_537), Some(Date::ymd(2023, 6, 29)));
        for d in [Date::ymd(1, 1, 1), Date::ymd(1600, 2, 29), Date::ymd(2024, 2, 29), Date::ymd(9999, 12, 31)] {
            assert_eq!(Date::from_epoch_days(d.epoch_days()), Some(d), "{d}");
        }
        let d = Date::ymd(2023, 6, 29);
        assert_eq!(d.add_days(1), Some(Date::ymd(2023, 6, 30)));
        assert_eq!(d.add_days(5), Some(Date::ymd(2023, 7, 4)));
        assert_eq!(d.add_days(60), Some(Date::ymd(2023, 8, 28)));
        assert_eq!(d.add_days(-29), Some(Date::ymd(2023, 5, 31)));
        assert_eq!(Date::ymd(2024, 2, 28).add_days(1), Some(Date::ymd(2024, 2, 29)));
        assert_eq!(Date::ymd(2023, 2, 28).add_days(1), Some(Date::ymd(2023, 3, 1)));
        assert_eq!(Date::ymd(9999, 12, 31).add_days(1), None);
        assert_eq!(Date::ymd(1, 1, 1).add_days(-1), None);
        assert_eq!(d.add_days(i64::MAX), None);
        assert_eq!(d.days_until(Date::ymd(2023, 8, 28)), 60);
        assert_eq!(Date::ymd(2023, 8, 28).days_until(d), -60);
        // Whole-date round trip over several years, day by day.
        let mut day = Date::ymd(2019, 12, 25);
        for _ in 0..2000 {
            let next = day.add_days(1).unwrap();
            assert_eq!(day.days_until(next), 1);
            assert!(next > day);
            day = next;
        }
    }

    #[test]
    fn month_arithmetic_clamps_to_the_month_end() {
        let cases = [
            ((2023, 6, 29), 6, (2023, 12, 29)),
            ((2023, 6, 29), 12, (2024, 6, 29)),
            ((2023, 7, 4), 6, (2024, 1, 4)),
            ((2023, 8, 31), 6, (2024, 2, 29)),
            ((2022, 8, 31), 6, (2023, 2, 28)),
            ((2024, 2, 29), 12, (2025, 2, 28)),
            ((2023, 1, 31), 1, (2023, 2, 28)),
            ((2023, 3, 31), 1, (2023, 4, 30)),
            ((2023, 5, 1), 0, (2023, 5, 1)),
            ((2023, 12, 15), 1, (2024, 1, 15)),
        ];
        for ((y, m, d), months, (ey, em, ed)) in cases {
            assert_eq!(Date::ymd(y, m, d).add_months(months), Some(Date::ymd(ey, em, ed)), "{y}-{m}-{d} + {months}");
        }
        assert_eq!(Date::ymd(9999, 7, 1).add_months(6), None);
        assert_eq!(Date::ymd(2023, 1, 1).add_months(u32::MAX), None);
    }

    #[test]
    fn weekdays() {
        assert_eq!(Date::ymd(1970, 1, 1).iso_weekday(), 4);
        assert_eq!(Date::ymd(2023, 6, 29).iso_weekday(), 4); // Thursday
        assert_eq!(Date::ymd(2023, 9, 2).iso_weekday(), 6); // Saturday
        assert_eq!(Date::ymd(2023, 7, 9).iso_weekday(), 7); // Sunday
        assert_eq!(Date::ymd(2023, 7, 10).iso_weekday(), 1);
        assert_eq!(Date::ymd(1, 1, 1).iso_weekday(), 1);
        assert!(Date::ymd(2024, 6, 29).is_weekend());
        assert!(!Date::ymd(2023, 8, 28).is_weekend());
    }

    #[test]
    fn error_messages() {
        assert_eq!(Date::parse("2023-02-30").unwrap_err().to_string(), "2023-02-30 is not a calendar date");
        assert_eq!(Date::parse("May 1").unwrap_err().to_string(), "\"May 1\" is not a date of the form YYYY-MM-DD");
    }
}
