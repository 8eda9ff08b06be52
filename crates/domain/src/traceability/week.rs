//! ISO 8601 weeks (`2023-W24` = Monday 2023-06-12 to Sunday 2023-06-18), the period of
//! the weekly dispatch ledger.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use crate::units::date::Date;

/// An ISO 8601 week: weeks start on Monday; week 1 is the week with the year's first
/// Thursday (so it contains 4 January). A year has 52 or 53 weeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IsoWeek {
    year: u16,
    week: u8,
}

/// Number of ISO weeks of `year`: 53 if 1 January is a Thursday, or a Wednesday in a
/// leap year; else 52.
fn weeks_in_year(year: u16) -> u8 {
    time::util::weeks_in_year(i32::from(year))
}

impl IsoWeek {
    /// The week `week` of ISO year `year` (years 1-9999), if it exists.
    pub fn new(year: u16, week: u8) -> Result<IsoWeek, String> {
        if !(1..=9999).contains(&year) {
            return Err(format!("year {year} is out of range 1-9999"));
        }
        let weeks = weeks_in_year(year);
        if !(1..=weeks).contains(&week) {
            return Err(format!("{year} has weeks W01-W{weeks:02}, not W{week:02}"));
        }
        Ok(IsoWeek { year, week })
    }

    /// Parses `2023-W24` (also `2023W24`, `2023-w24`, `2023-W5`).
    pub fn parse(s: &str) -> Result<IsoWeek, String> {
        let bad = || format!("{s:?} is not an ISO week of the form YYYY-Www (e.g. 2023-W24)");
        let t = s.trim();
        let (year, week) = t.split_once(['W', 'w']).ok_or_else(bad)?;
        let year = year.strip_suffix('-').unwrap_or(year);
        let digits =
            |x: &str, n: std::ops::RangeInclusive<usize>| n.contains(&x.len()) && x.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4..=4) || !digits(week, 1..=2) {
            return Err(bad());
        }
        let (year, week) = (year.parse().map_err(|_| bad())?, week.parse().map_err(|_| bad())?);
        IsoWeek::new(year, week)
    }

    /// The week containing `d`.
    pub fn containing(d: Date) -> IsoWeek {
        let (year, week, _) = d.to_time_date().to_iso_week_date();
        // 0001-01-01 is a Monday and 9999-12-31 a Friday: the ISO year of a Date is
        // in 1-9999 too.
        IsoWeek { year: u16::try_from(year).unwrap_or(1), week }
    }

    /// ISO year (may differ from the calendar year around New Year: 2021-01-03 is in 2020-W53).
    pub fn year(self) -> u16 {
        self.year
    }

    /// Week number, 1-53.
    pub fn week(self) -> u8 {
        self.week
    }

    /// The day `weekday` of the week, if it is in years 1-9999.
    fn day(self, weekday: time::Weekday) -> Option<Date> {
        let date = time::Date::from_iso_week_date(i32::from(self.year), self.week, weekday).ok()?;
        Date::from_time_date(date)
    }

    /// The week's Monday (0001-W01's is 0001-01-01, a Monday).
    pub fn monday(self) -> Date {
        self.day(time::Weekday::Monday).unwrap_or(Date::ymd(1, 1, 1))
    }

    /// The week's Sunday (clamped to 9999-12-31 for 9999-W52).
    pub fn sunday(self) -> Date {
        self.day(time::Weekday::Sunday).unwrap_or(Date::ymd(9999, 12, 31))
    }

    /// The week the weekly ledger is reported for on `today`: the last complete week
    /// before it (临政办发〔2023〕19号: the ledger is reported every Tuesday, for the week
    /// before). On a Sunday the current week is not over, so it is the week before too.
    /// The default week of `GET /api/trace/ledger` and of the map client's ledger tab.
    pub fn last_complete(today: Date) -> IsoWeek {
        IsoWeek::containing(today).previous()
    }

    /// The week before (0001-W01 has none and returns itself).
    pub fn previous(self) -> IsoWeek {
        match (self.year, self.week) {
            (1, 1) => self,
            (year, 1) => IsoWeek { year: year - 1, week: weeks_in_year(year - 1) },
            (year, week) => IsoWeek { year, week: week - 1 },
        }
    }

    /// The week after (9999's last week returns itself).
    pub fn next(self) -> IsoWeek {
        if self.week < weeks_in_year(self.year) {
            IsoWeek { year: self.year, week: self.week + 1 }
        } else if self.year < 9999 {
            IsoWeek { year: self.year + 1, week: 1 }
        } else {
            self
        }
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

impl FromStr for IsoWeek {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IsoWeek::parse(s)
    }
}

impl Serialize for IsoWeek {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn week_24_of_2023() {
        let w = IsoWeek::parse("2023-W24").unwrap();
        assert_eq!((w.year(), w.week()), (2023, 24));
        assert_eq!(w.monday(), Date::ymd(2023, 6, 12));
        assert_eq!(w.sunday(), Date::ymd(2023, 6, 18));
        assert_eq!(w.to_string(), "2023-W24");
        assert_eq!(w.previous().to_string(), "2023-W23");
        assert_eq!(w.next().to_string(), "2023-W25");
        assert_eq!(serde_json::to_value(w).unwrap(), serde_json::json!("2023-W24"));
        for d in 12..=18 {
            assert_eq!(IsoWeek::containing(Date::ymd(2023, 6, d)), w, "{d}");
        }
        assert_eq!(IsoWeek::containing(Date::ymd(2023, 6, 19)).to_string(), "2023-W25");
        assert_eq!("2023W24".parse::<IsoWeek>(), Ok(w));
        assert_eq!(IsoWeek::parse("2023-w24"), Ok(w));
        assert_eq!(IsoWeek::parse("2023-W5").unwrap().to_string(), "2023-W05");
    }

    #[test]
    fn week_53_exists_only_in_long_years() {
        let w = IsoWeek::parse("2020-W53").unwrap();
        assert_eq!(w.monday(), Date::ymd(2020, 12, 28));
        assert_eq!(w.sunday(), Date::ymd(2021, 1, 3));
        assert_eq!(IsoWeek::containing(Date::ymd(2021, 1, 3)), w);
        assert_eq!(IsoWeek::parse("2021-W01").unwrap().previous(), w);
        assert_eq!(w.next().to_string(), "2021-W01");
        assert!(IsoWeek::parse("2023-W53").unwrap_err().contains("W01-W52"));
        assert!(IsoWeek::parse("2015-W53").is_ok()); // 2015-01-01 was a Thursday
        assert!(IsoWeek::parse("2004-W53").is_ok()); // leap year starting on a Thursday
        assert!(IsoWeek::parse("2032-W53").is_ok()); // leap year starting on a Thursday
        assert!(IsoWeek::parse("2024-W53").is_err());
        assert_eq!(weeks_in_year(2026), 53); // 2026-01-01 is a Thursday
        assert_eq!(weeks_in_year(2020), 53); // leap year starting on a Wednesday
    }

    #[test]
    fn new_year_edges() {
        // 2023-01-01 (Sunday) is in 2022-W52; 2024-12-30 (Monday) is in 2025-W01.
        assert_eq!(IsoWeek::containing(Date::ymd(2023, 1, 1)).to_string(), "2022-W52");
        assert_eq!(IsoWeek::containing(Date::ymd(2023, 1, 2)).to_string(), "2023-W01");
        assert_eq!(IsoWeek::containing(Date::ymd(2024, 12, 30)).to_string(), "2025-W01");
        assert_eq!(IsoWeek::parse("2025-W01").unwrap().monday(), Date::ymd(2024, 12, 30));
        assert_eq!(IsoWeek::parse("2023-W01").unwrap().previous().to_string(), "2022-W52");
        // Every day of several years round-trips through its week.
        let mut d = Date::ymd(2019, 12, 20);
        for _ in 0..2500 {
            let w = IsoWeek::containing(d);
            assert!(w.monday() <= d && d <= w.sunday(), "{d} {w}");
            assert_eq!(w.monday().iso_weekday(), 1);
            assert_eq!(w.monday().days_until(w.sunday()), 6);
            assert_eq!(IsoWeek::parse(&w.to_string()), Ok(w));
            d = d.add_days(1).unwrap();
        }
    }

    #[test]
    fn rejects_bad_text_and_ranges() {
        for bad in ["", "2023", "2023-24", "2023-W", "2023-W00", "2023-W100", "23-W24", "2023-Wx4", "2023--W24", "W24"]
        {
            assert!(IsoWeek::parse(bad).is_err(), "{bad}");
        }
        assert!(IsoWeek::parse("0000-W01").is_err());
        assert_eq!(IsoWeek::parse("0001-W01").unwrap().previous().to_string(), "0001-W01");
        assert_eq!(IsoWeek::parse("0001-W01").unwrap().monday(), Date::ymd(1, 1, 1));
        let last = IsoWeek::containing(Date::ymd(9999, 12, 31));
        assert_eq!(last.sunday(), Date::ymd(9999, 12, 31));
        assert_eq!(last.next(), last);
    }

    #[test]
    fn the_ledger_week_is_the_last_complete_one() {
        // Monday 2023-06-19 .. Sunday 2023-06-25: the ledger of W24, reported Tuesday 06-20.
        for day in 19..=25 {
            assert_eq!(IsoWeek::last_complete(Date::ymd(2023, 6, day)).to_string(), "2023-W24", "{day}");
        }
        assert_eq!(IsoWeek::last_complete(Date::ymd(2023, 6, 18)).to_string(), "2023-W23");
        assert_eq!(IsoWeek::last_complete(Date::ymd(2024, 1, 1)).to_string(), "2023-W52");
    }
}
